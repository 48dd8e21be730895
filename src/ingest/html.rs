//! Saved web pages, read with a real HTML parser (scraper, on html5ever).
//! The title comes from og:title, JSON-LD, `<h1>` or a `<title>` cleaned of
//! its site suffix; the date from article:published_time, JSON-LD
//! datePublished or `<time datetime>`; the text from the article's own
//! paragraphs, never from scripts, styles, navigation, headers, footers or
//! cookie banners.

use std::sync::LazyLock;

use scraper::{ElementRef, Html, Selector};
use serde_json::Value;

use super::{text, FieldMap, Parsed, SkipReason, Skipped};
use crate::text::dates;

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("valid selector")
}

static META: LazyLock<Selector> = LazyLock::new(|| sel("meta"));
static JSON_LD: LazyLock<Selector> = LazyLock::new(|| sel(r#"script[type="application/ld+json"]"#));
static H1: LazyLock<Selector> = LazyLock::new(|| sel("h1"));
static TITLE: LazyLock<Selector> = LazyLock::new(|| sel("title"));
static TIME: LazyLock<Selector> = LazyLock::new(|| sel("time[datetime]"));
static CANONICAL: LazyLock<Selector> = LazyLock::new(|| sel(r#"link[rel="canonical"]"#));
static CONTAINERS: LazyLock<Vec<Selector>> = LazyLock::new(|| {
    ["[itemprop=articleBody]", "article", "main", "[role=main]", "body"]
        .iter()
        .map(|s| sel(s))
        .collect()
});
static BLOCKS: LazyLock<Selector> = LazyLock::new(|| sel("p, h2, h3, h4, h5, h6, li, pre, blockquote"));

/// Elements whose text is never article text.
const EXCLUDED_TAGS: &[&str] = &[
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "button", "template", "svg",
    "iframe", "select", "figure",
];
/// Class or id words of page furniture.
const EXCLUDED_MARKS: &[&str] = &[
    "cookie",
    "consent",
    "banner",
    "newsletter",
    "subscribe",
    "share",
    "social",
    "related",
    "promo",
    "advert",
    "sidebar",
    "menu",
    "navbar",
    "breadcrumb",
    "comment",
    "footer",
    "header",
    "popup",
    "modal",
    "paywall",
];

pub fn parse_html(rel: &str, source: &str, _fields: &FieldMap) -> Parsed {
    let doc = Html::parse_document(&bounded_nesting(source));
    let ld = json_ld(&doc);
    let title = meta(&doc, &["og:title", "twitter:title"])
        .or_else(|| ld_field(&ld, "headline"))
        .or_else(|| first_text(&doc, &H1))
        .or_else(|| first_text(&doc, &TITLE).map(|t| strip_site_suffix(&t)))
        .unwrap_or_default();
    let paragraphs = body_paragraphs(&doc);
    let mut out = Parsed::default();
    let Some(mut article) = text::from_parts(rel, rel, &title, &paragraphs.join("\n\n")) else {
        out.problems.push(Skipped::new(rel, None, SkipReason::Empty));
        return out;
    };
    article.date = meta(
        &doc,
        &["article:published_time", "og:published_time", "datepublished"],
    )
    .or_else(|| ld_field(&ld, "datePublished"))
    .or_else(|| {
        meta(
            &doc,
            &[
                "date",
                "pubdate",
                "publishdate",
                "dc.date.issued",
                "dc.date",
                "parsely-pub-date",
            ],
        )
    })
    .or_else(|| {
        doc.select(&TIME)
            .next()
            .and_then(|t| t.value().attr("datetime"))
            .map(str::to_string)
    })
    .as_deref()
    .and_then(dates::parse_any);
    article.source = meta(&doc, &["og:site_name", "application-name"]).or_else(|| ld_publisher(&ld));
    article.author = meta(&doc, &["author", "article:author"]).or_else(|| ld_author(&ld));
    article.url = meta(&doc, &["og:url"]).or_else(|| {
        doc.select(&CANONICAL)
            .next()
            .and_then(|l| l.value().attr("href"))
            .map(str::to_string)
    });
    out.articles.push(article);
    out
}

/// Content of the first `<meta>` whose property or name is one of `keys`
/// (compared case-insensitively).
fn meta(doc: &Html, keys: &[&str]) -> Option<String> {
    for key in keys {
        for m in doc.select(&META) {
            let v = m.value();
            let name = v
                .attr("property")
                .or_else(|| v.attr("name"))
                .or_else(|| v.attr("itemprop"));
            if name.is_some_and(|n| n.eq_ignore_ascii_case(key)) {
                if let Some(c) = v.attr("content").map(str::trim).filter(|c| !c.is_empty()) {
                    return Some(c.to_string());
                }
            }
        }
    }
    None
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn first_text(doc: &Html, sel: &Selector) -> Option<String> {
    doc.select(sel)
        .map(|e| collapse(&e.text().collect::<String>()))
        .find(|t| !t.is_empty())
}

/// "Headline | Site" or "Headline - Site" -> "Headline": the longest part.
fn strip_site_suffix(title: &str) -> String {
    let mut parts = vec![title];
    for sep in [" | ", " - ", " — ", " – ", " :: "] {
        parts = parts.iter().flat_map(|p| p.split(sep)).collect();
    }
    parts
        .iter()
        .max_by_key(|p| p.len())
        .map(|p| p.trim().to_string())
        .unwrap_or_default()
}

/// Every JSON-LD object of the page, `@graph` members included.
fn json_ld(doc: &Html) -> Vec<Value> {
    let mut out = Vec::new();
    for script in doc.select(&JSON_LD) {
        let Ok(v) = serde_json::from_str::<Value>(&script.text().collect::<String>()) else {
            continue;
        };
        let mut stack = vec![v];
        while let Some(v) = stack.pop() {
            match v {
                Value::Array(items) => stack.extend(items),
                Value::Object(mut o) => {
                    if let Some(g) = o.remove("@graph") {
                        stack.push(g);
                    }
                    out.push(Value::Object(o));
                }
                _ => {}
            }
        }
    }
    out
}

fn ld_field(ld: &[Value], key: &str) -> Option<String> {
    ld.iter()
        .find_map(|o| o.get(key)?.as_str().map(collapse))
        .filter(|s| !s.is_empty())
}

fn ld_name(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("name")?.as_str().map(str::to_string),
        Value::Array(a) => {
            let names: Vec<String> = a.iter().filter_map(ld_name).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        _ => None,
    }
}

fn ld_author(ld: &[Value]) -> Option<String> {
    ld.iter().find_map(|o| ld_name(o.get("author")?))
}

fn ld_publisher(ld: &[Value]) -> Option<String> {
    ld.iter().find_map(|o| ld_name(o.get("publisher")?))
}

/// True when the element or an ancestor below `root` is page furniture.
fn excluded(el: ElementRef<'_>) -> bool {
    let mut node = Some(el);
    while let Some(e) = node {
        let v = e.value();
        if EXCLUDED_TAGS.contains(&v.name()) {
            return true;
        }
        let marks =
            format!("{} {}", v.attr("class").unwrap_or(""), v.attr("id").unwrap_or("")).to_lowercase();
        if EXCLUDED_MARKS.iter().any(|m| marks.contains(m)) {
            return true;
        }
        if v.attr("hidden").is_some() || v.attr("aria-hidden") == Some("true") {
            return true;
        }
        node = e.parent().and_then(ElementRef::wrap);
    }
    false
}

/// True when an ancestor is itself a text block (a `<p>` in an `<li>`), so
/// its text is not taken twice.
fn inside_block(el: ElementRef<'_>) -> bool {
    let mut node = el.parent().and_then(ElementRef::wrap);
    while let Some(e) = node {
        if matches!(
            e.value().name(),
            "p" | "li" | "pre" | "blockquote" | "h2" | "h3" | "h4" | "h5" | "h6"
        ) {
            return true;
        }
        node = e.parent().and_then(ElementRef::wrap);
    }
    false
}

/// Elements nested deeper than this lose their tags (not their text)
/// before parsing: no article nests so deep, and the HTML tree builder's
/// work per tag grows with the depth (a page of 64k nested `<div>`s took
/// 24 s, one of 1M never ended).
const MAX_NESTING: usize = 256;

/// Elements that hold no content, or whose end tag is optional and implied
/// by the next one: they do not deepen the tree.
const FLAT: [&str; 26] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
    "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "html", "head", "body",
];

/// `source` with the tags nested deeper than [`MAX_NESTING`] removed; the
/// text itself unless something nests that deep. One pass, linear.
pub(crate) fn bounded_nesting(source: &str) -> std::borrow::Cow<'_, str> {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    // Byte ranges of the tags to drop.
    let mut drop: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(off) = source[i..].find('<') {
        let start = i + off;
        let rest = &source[start..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(bytes.len(), |e| start + e + 3);
            continue;
        }
        let Some(len) = rest.find('>') else { break };
        let end = start + len + 1;
        let tag = &rest[1..len];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        i = end;
        if name.is_empty() || FLAT.contains(&name.as_str()) {
            continue;
        }
        if closing {
            if depth > MAX_NESTING {
                drop.push((start, end));
            }
            depth = depth.saturating_sub(1);
        } else if !tag.ends_with('/') {
            if matches!(name.as_str(), "script" | "style" | "textarea" | "title") {
                // Raw text: a `<` inside is not a tag.
                i = raw_text_end(source, end, &name);
                continue;
            }
            depth += 1;
            if depth > MAX_NESTING {
                drop.push((start, end));
            }
        }
    }
    if drop.is_empty() {
        return source.into();
    }
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    for (start, end) in drop {
        out.push_str(&source[at..start]);
        at = end;
    }
    out.push_str(&source[at..]);
    out.into()
}

/// Where the raw text of a `<script>` (or `<style>`…) that starts at
/// `from` ends: at its closing tag, in any case, or at the end.
fn raw_text_end(source: &str, from: usize, name: &str) -> usize {
    let mut at = from;
    while let Some(off) = source[at..].find("</") {
        let tag = at + off + 2;
        let candidate = source.as_bytes().get(tag..tag + name.len());
        if candidate.is_some_and(|c| c.eq_ignore_ascii_case(name.as_bytes())) {
            return at + off;
        }
        at = tag;
    }
    source.len()
}

/// Paragraphs of an HTML fragment (a feed item's description); plain text
/// passes through as one paragraph.
pub fn fragment_paragraphs(fragment: &str) -> Vec<String> {
    if !fragment.contains('<') {
        return one_paragraph(fragment);
    }
    let doc = Html::parse_fragment(&bounded_nesting(fragment));
    let blocks = block_texts(doc.root_element());
    if blocks.is_empty() {
        one_paragraph(&doc.root_element().text().collect::<String>())
    } else {
        blocks
    }
}

/// The text of each block element (paragraph, list item…) below `root`
/// that is not page furniture, each block once.
fn block_texts(root: ElementRef<'_>) -> Vec<String> {
    root.select(&BLOCKS)
        .filter(|b| !inside_block(*b) && !excluded(*b))
        .map(|b| collapse(&b.text().collect::<String>()))
        .filter(|t| !t.is_empty())
        .collect()
}

/// `text` with whitespace folded, as a single paragraph (none if blank).
fn one_paragraph(text: &str) -> Vec<String> {
    let t = collapse(text);
    if t.is_empty() {
        Vec::new()
    } else {
        vec![t]
    }
}

/// Paragraphs of the article's own text.
fn body_paragraphs(doc: &Html) -> Vec<String> {
    for container in CONTAINERS.iter() {
        let Some(root) = doc.select(container).next() else {
            continue;
        };
        let paragraphs = block_texts(root);
        if !paragraphs.is_empty() {
            return paragraphs;
        }
    }
    // No block markup at all: the visible text of the body.
    let text: String = doc
        .root_element()
        .descendants()
        .filter_map(|n| n.value().as_text().map(|t| (n, t)))
        .filter(|(n, _)| {
            n.parent()
                .and_then(ElementRef::wrap)
                .is_none_or(|p| !excluded(p) && p.value().name() != "title")
        })
        .map(|(_, t)| t.to_string() + " ")
        .collect();
    one_paragraph(&text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    const PAGE: &str = r#"<!doctype html><html><head>
<title>Glacier retreat speeds up | The Daily Example</title>
<meta property="og:site_name" content="The Daily Example">
<meta name="author" content="Ida Berg">
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"NewsArticle","datePublished":"2023-09-13T22:15:00-05:00","headline":"Glacier retreat speeds up"}]}</script>
<style>p { color: red }</style><script>var tracking = "do not index";</script>
</head><body>
<header><nav><ul><li>Home</li><li>World</li></ul></nav></header>
<div class="cookie-banner"><p>We use cookies to improve your experience.</p></div>
<article><h1>Glacier retreat speeds up</h1>
<p>Alpine glaciers lost a record share of their ice this summer, scientists said.</p>
<figure><figcaption>Photo credit</figcaption></figure>
<ul><li><p>Melt began early.</p></li></ul>
<aside class="related"><p>Read more: unrelated story</p></aside>
<p>The findings &amp; data come from 200 stations.</p></article>
<footer><p>Copyright 2023</p></footer></body></html>"#;

    #[test]
    fn article_text_title_date_and_metadata() {
        let p = parse_html("world/glacier.html", PAGE, &FieldMap::default());
        let a = &p.articles[0];
        assert_eq!(a.title, "Glacier retreat speeds up");
        // The day the article states, though it is the next day in UTC.
        assert_eq!(a.date, NaiveDate::from_ymd_opt(2023, 9, 13));
        assert_eq!(a.source.as_deref(), Some("The Daily Example"));
        assert_eq!(a.author.as_deref(), Some("Ida Berg"));
        assert_eq!(
            a.body,
            "Alpine glaciers lost a record share of their ice this summer, scientists said.\n\nMelt began early.\n\nThe findings & data come from 200 stations."
        );
        for junk in [
            "cookies",
            "tracking",
            "Home",
            "unrelated",
            "Copyright",
            "color",
            "Photo",
        ] {
            assert!(!a.body.contains(junk), "{junk} leaked into the body");
        }
    }

    #[test]
    fn deep_nesting_keeps_its_text_and_loses_the_tags_below_the_cap() {
        let n = 2000;
        let page = format!(
            "<html><body><script>if (a<b) {{}}</script>{}<p>The minister spoke.</p>{}</body></html>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        );
        let bounded = bounded_nesting(&page);
        assert_eq!(bounded.matches("<div>").count(), MAX_NESTING);
        assert_eq!(bounded.matches("</div>").count(), MAX_NESTING);
        assert!(bounded.contains("<p>The minister spoke.</p>") && bounded.contains("if (a<b)"));
        let parsed = parse_html("deep.html", &page, &FieldMap::default());
        assert_eq!(parsed.articles[0].body, "The minister spoke.");
        // Ordinary pages pass through untouched.
        let plain = "<html><body><div><p>One<p>Two<br><img src=x></div></body></html>";
        assert!(matches!(bounded_nesting(plain), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn fallbacks_for_plain_pages() {
        let p = parse_html(
            "x.html",
            "<html><head><title>Budget passes - Town Crier</title></head><body><time datetime=\"2022-05-01\">May 1</time> The council passed the budget.</body></html>",
            &FieldMap::default(),
        );
        let a = &p.articles[0];
        assert_eq!(a.title, "Budget passes");
        assert_eq!(a.date, NaiveDate::from_ymd_opt(2022, 5, 1));
        assert_eq!(a.body, "May 1 The council passed the budget.");
        let empty = parse_html(
            "e.html",
            "<html><head><script>x()</script></head><body> </body></html>",
            &FieldMap::default(),
        );
        assert_eq!(empty.problems[0].reason, SkipReason::Empty);
    }
}
