//! Atom 1.0 (RFC 4287) feeds of a search's newest matches, so that any
//! feed reader follows a search: each entry links to the article's page.

use quick_xml::escape::escape;

use crate::search::MatchRow;

/// What a feed says of itself.
pub struct FeedInfo<'a> {
    /// The feed's title.
    pub title: &'a str,
    /// The feed's own address (also its id).
    pub self_url: &'a str,
    /// The search page showing the same search.
    pub page_url: &'a str,
    /// `http://host:port`: article pages are under it.
    pub base: &'a str,
    /// The query, for the article pages' highlighting.
    pub query: &'a str,
}

/// An article id as a URL path: every byte but unreserved characters and
/// `/` percent-encoded.
pub fn url_path(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A query-string value percent-encoded.
pub fn url_value(v: &str) -> String {
    url_path(v).replace('/', "%2F")
}

fn when(date: Option<&str>, fallback: &str) -> String {
    date.map_or_else(|| fallback.to_string(), |d| format!("{d}T00:00:00Z"))
}

/// The feed of `rows`, newest first as given; `now` (RFC 3339) dates the
/// feed when no entry has a date, and undated entries.
pub fn feed(info: &FeedInfo, rows: &[MatchRow], now: &str) -> String {
    let updated = rows
        .iter()
        .filter_map(|r| r.date.as_deref())
        .max()
        .map_or_else(|| now.to_string(), |d| when(Some(d), now));
    let mut x = String::with_capacity(1024 + rows.len() * 800);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    x.push_str(&format!("  <title>{}</title>\n", escape(info.title)));
    x.push_str(&format!("  <id>{}</id>\n", escape(info.self_url)));
    x.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(info.self_url)
    ));
    x.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(info.page_url)
    ));
    x.push_str(&format!("  <updated>{updated}</updated>\n"));
    x.push_str("  <author><name>newsdex</name></author>\n  <generator>newsdex</generator>\n");
    let q = if info.query.is_empty() {
        String::new()
    } else {
        format!("?q={}", url_value(info.query))
    };
    for r in rows {
        let page = format!("{}/articles/{}", info.base, url_path(&r.id));
        let title = if r.title.is_empty() { &r.id } else { &r.title };
        let at = when(r.date.as_deref(), now);
        x.push_str("  <entry>\n");
        x.push_str(&format!("    <title>{}</title>\n", escape(title)));
        x.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(format!("{page}{q}"))
        ));
        x.push_str(&format!("    <id>{}</id>\n", escape(&page)));
        x.push_str(&format!(
            "    <updated>{at}</updated>\n    <published>{at}</published>\n"
        ));
        for name in r
            .author
            .iter()
            .flat_map(|a| a.split("; "))
            .filter(|a| !a.is_empty())
        {
            x.push_str(&format!("    <author><name>{}</name></author>\n", escape(name)));
        }
        for (kind, names) in [("person", &r.person), ("org", &r.org), ("place", &r.place)] {
            for n in names {
                x.push_str(&format!(
                    "    <category term=\"{}\" scheme=\"{}/{kind}\" label=\"{}\"/>\n",
                    escape(n),
                    escape(info.base),
                    escape(n)
                ));
            }
        }
        x.push_str(&format!(
            "    <summary type=\"text\">{}</summary>\n",
            escape(&r.snippet)
        ));
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_become_paths_a_browser_opens() {
        assert_eq!(url_path("2023/09/a b&c.txt"), "2023/09/a%20b%26c.txt");
        assert_eq!(url_value("oil & gas/x"), "oil%20%26%20gas%2Fx");
        assert_eq!(url_path("é"), "%C3%A9");
    }

    #[test]
    fn text_is_escaped_and_entries_link_to_article_pages() {
        let row = MatchRow {
            id: "a/1.txt".into(),
            path: "a/1.txt".into(),
            date: Some("2023-09-13".into()),
            title: "Oil <up> & gas".into(),
            source: None,
            author: Some("Jane Doe; Ann Roe".into()),
            url: None,
            score: 1.0,
            person: vec!["Kim Jong Un".into()],
            org: vec![],
            place: vec![],
            snippet: "x < y".into(),
        };
        let info = FeedInfo {
            title: "newsdex: oil",
            self_url: "http://h/feeds/search.atom?q=oil",
            page_url: "http://h/?q=oil",
            base: "http://h",
            query: "oil",
        };
        let xml = feed(&info, &[row], "2026-01-01T00:00:00Z");
        assert!(xml.contains("<title>Oil &lt;up&gt; &amp; gas</title>"), "{xml}");
        assert!(xml.contains("href=\"http://h/articles/a/1.txt?q=oil\""), "{xml}");
        assert!(xml.contains("<updated>2023-09-13T00:00:00Z</updated>"));
        assert_eq!(
            xml.matches("<author><name>").count(),
            3,
            "the feed's and two authors"
        );
    }
}
