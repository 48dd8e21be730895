//! RSS 2.0 and Atom feed files: each `<item>` or `<entry>` is an article.
//! Read with quick-xml. Dates are parsed from the raw text (not through a
//! feed library that converts to UTC) so the day the item states is kept;
//! HTML in descriptions and content is rendered to text.

use quick_xml::events::Event;
use quick_xml::Reader;

use super::{html, text, FieldMap, Parsed, SkipReason, Skipped};
use crate::text::dates;

/// Fields of one item/entry as they are read.
#[derive(Default)]
struct Item {
    title: String,
    link: Option<String>,
    published: Option<String>,
    updated: Option<String>,
    summary: String,
    content: String,
    id: Option<String>,
    author: Option<String>,
    /// Line the item starts on, for problem reports.
    line: u64,
}

pub fn parse_feed(rel: &str, source: &str, _fields: &FieldMap) -> Parsed {
    let mut out = Parsed::default();
    let mut reader = Reader::from_str(source);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<String> = Vec::new();
    let mut item: Option<Item> = None;
    let mut buf = String::new();
    let mut n = 0usize;
    let mut is_feed = false;
    loop {
        let pos = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                out.problems.push(Skipped::new(
                    rel,
                    Some(line_of(source, pos)),
                    SkipReason::Parse(format!("invalid XML: {e}")),
                ));
                break;
            }
        };
        match event {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).to_ascii_lowercase();
                if matches!(name.as_str(), "rss" | "feed" | "rdf") && stack.is_empty() {
                    is_feed = true;
                }
                if matches!(name.as_str(), "item" | "entry") {
                    item = Some(Item {
                        line: line_of(source, pos),
                        ..Item::default()
                    });
                }
                if name == "link" {
                    take_link(&mut item, &e);
                }
                stack.push(name);
                buf.clear();
            }
            Event::Empty(e) if e.local_name().as_ref().eq_ignore_ascii_case(b"link") => {
                take_link(&mut item, &e);
            }
            Event::Text(t) => buf.push_str(&t.decode().unwrap_or_default()),
            Event::CData(t) => buf.push_str(&String::from_utf8_lossy(&t.into_inner())),
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    buf.push(c);
                } else if let Ok(name) = r.decode() {
                    match quick_xml::escape::resolve_html5_entity(&name) {
                        Some(s) => buf.push_str(s),
                        None => {
                            buf.push('&');
                            buf.push_str(&name);
                            buf.push(';');
                        }
                    }
                }
            }
            Event::End(_) => {
                let Some(name) = stack.pop() else { continue };
                let parent = stack.last().map(String::as_str).unwrap_or("");
                let value = std::mem::take(&mut buf);
                if matches!(name.as_str(), "item" | "entry") {
                    if let Some(it) = item.take() {
                        n += 1;
                        push_item(&mut out, rel, n, it);
                    }
                } else if let Some(it) = item.as_mut() {
                    let v = value.trim().to_string();
                    match (name.as_str(), parent) {
                        ("title", "item" | "entry") => it.title = v,
                        ("link", "item") if it.link.is_none() && !v.is_empty() => it.link = Some(v),
                        ("pubdate" | "published" | "issued", _) => it.published = Some(v),
                        ("date", _) if it.published.is_none() => it.published = Some(v),
                        ("updated" | "modified", _) => it.updated = Some(v),
                        ("description" | "summary", _) => it.summary = v,
                        ("encoded" | "content", _) => it.content = v,
                        ("guid" | "id", "item" | "entry") => it.id = Some(v),
                        ("creator" | "author", "item" | "entry") | ("name", "author") if !v.is_empty() => {
                            it.author = Some(v)
                        }
                        _ => {}
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !is_feed && out.problems.is_empty() {
        out.problems.push(Skipped::new(
            rel,
            None,
            SkipReason::Parse("XML that is not an RSS or Atom feed".into()),
        ));
    }
    out
}

fn line_of(source: &str, pos: usize) -> u64 {
    source.as_bytes()[..pos.min(source.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
        + 1
}

/// Atom links are attributes: take the `alternate` (or unnamed) one.
fn take_link(item: &mut Option<Item>, e: &quick_xml::events::BytesStart<'_>) {
    let Some(it) = item.as_mut() else { return };
    let attr = |k: &[u8]| {
        e.try_get_attribute(k)
            .ok()
            .flatten()
            .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
    };
    let rel = attr(b"rel");
    if let Some(href) = attr(b"href") {
        if it.link.is_none() && rel.as_deref().is_none_or(|r| r == "alternate") {
            it.link = Some(href);
        }
    }
}

fn push_item(out: &mut Parsed, rel: &str, n: usize, it: Item) {
    let id = match &it.id {
        Some(own) if !own.is_empty() => format!("{rel}#{own}"),
        _ => format!("{rel}#{n}"),
    };
    // Full content when the feed has it, else the summary; both may be HTML.
    let raw = if it.content.len() > it.summary.len() {
        &it.content
    } else {
        &it.summary
    };
    let body = html::fragment_paragraphs(raw).join("\n\n");
    let title = html::fragment_paragraphs(&it.title).join(" ");
    let Some(mut article) = text::from_parts(&id, rel, &title, &body) else {
        out.problems
            .push(Skipped::new(rel, Some(it.line), SkipReason::Empty));
        return;
    };
    article.date = it.published.or(it.updated).as_deref().and_then(dates::parse_any);
    article.url = it.link;
    article.author = it.author;
    out.articles.push(article);
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn rss_items() {
        let rss = r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Example Wire</title><link>https://example.com</link>
<item><title>Port strike ends</title><link>https://example.com/a</link><guid>a-1</guid>
<pubDate>Wed, 13 Sep 2023 23:30:00 -0400</pubDate><dc:creator>Ana</dc:creator>
<description>Short &amp; sweet.</description>
<content:encoded><![CDATA[<p>Dock workers returned on <b>Wednesday</b>.</p><p>Talks lasted a week.</p>]]></content:encoded></item>
<item><title>Second &#8220;item&#8221;</title><description>&lt;p&gt;Escaped &lt;i&gt;HTML&lt;/i&gt;.&lt;/p&gt;</description></item>
<item><title></title></item>
</channel></rss>"#;
        let p = parse_feed("feeds/wire.rss", rss, &FieldMap::default());
        assert_eq!(p.articles.len(), 2);
        let a = &p.articles[0];
        assert_eq!(a.id, "feeds/wire.rss#a-1");
        assert_eq!(a.title, "Port strike ends");
        assert_eq!(a.date, NaiveDate::from_ymd_opt(2023, 9, 13));
        assert_eq!(a.url.as_deref(), Some("https://example.com/a"));
        assert_eq!(a.author.as_deref(), Some("Ana"));
        assert_eq!(
            a.body,
            "Dock workers returned on Wednesday.\n\nTalks lasted a week."
        );
        let b = &p.articles[1];
        assert_eq!(
            (b.id.as_str(), b.title.as_str(), b.body.as_str()),
            ("feeds/wire.rss#2", "Second “item”", "Escaped HTML.")
        );
        assert_eq!(p.problems.len(), 1);
        assert_eq!(p.problems[0].reason, SkipReason::Empty);
        assert_eq!(p.problems[0].line, Some(9));
    }

    #[test]
    fn atom_entries() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title>
<entry><title type="html">Ice &amp; snow</title><id>urn:x:1</id>
<link rel="self" href="https://example.com/self"/><link href="https://example.com/ice"/>
<updated>2021-02-03T10:00:00Z</updated><published>2021-02-01T09:00:00+01:00</published>
<author><name>Bo</name></author><summary>Cold week.</summary></entry></feed>"#;
        let p = parse_feed("blog.atom", atom, &FieldMap::default());
        let a = &p.articles[0];
        assert_eq!(a.title, "Ice & snow");
        assert_eq!(a.date, NaiveDate::from_ymd_opt(2021, 2, 1));
        assert_eq!(a.url.as_deref(), Some("https://example.com/ice"));
        assert_eq!(a.author.as_deref(), Some("Bo"));
        assert_eq!(a.body, "Cold week.");
    }

    #[test]
    fn broken_and_non_feed_xml() {
        let p = parse_feed(
            "x.xml",
            "<rss><channel><item><title>A</title></item>\n<item><title>B</oops></rss>",
            &FieldMap::default(),
        );
        assert_eq!(p.articles.len(), 1);
        assert!(
            p.problems[0].reason.to_string().starts_with("invalid XML"),
            "{:?}",
            p.problems
        );
        assert_eq!(p.problems[0].line, Some(2));
        let other = parse_feed(
            "pom.xml",
            "<project><name>x</name></project>",
            &FieldMap::default(),
        );
        assert!(other.articles.is_empty());
        assert!(other.problems[0]
            .reason
            .to_string()
            .contains("not an RSS or Atom"));
    }
}
