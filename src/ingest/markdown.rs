//! Markdown, as static-site generators keep articles: YAML (`---`) or TOML
//! (`+++`) front matter with title, date, author…, then the text. Markup is
//! rendered away (pulldown-cmark) so it never leaks into snippets; a leading
//! `# ` heading is the title when the front matter has none.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use serde_json::{Map, Value};

use super::json::{apply_meta, field};
use super::{text, FieldMap, Parsed, SkipReason, Skipped};

pub fn parse_markdown(rel: &str, source: &str, fields: &FieldMap) -> Parsed {
    let mut out = Parsed::default();
    let (meta, body) = match split_front_matter(source) {
        Ok(split) => split,
        Err(msg) => {
            out.problems
                .push(Skipped::new(rel, Some(1), SkipReason::Parse(msg)));
            return out;
        }
    };
    let (heading, paragraphs) = plain_text(body);
    let title = field(&meta, &fields.title).or(heading).unwrap_or_default();
    match text::from_parts(rel, rel, &title, &paragraphs.join("\n\n")) {
        Some(mut article) => {
            apply_meta(&mut article, &meta, fields);
            out.articles.push(article);
        }
        None => out.problems.push(Skipped::new(rel, None, SkipReason::Empty)),
    }
    out
}

/// Splits front matter from the text; an empty map when there is none.
fn split_front_matter(source: &str) -> Result<(Map<String, Value>, &str), String> {
    let s = source.trim_start_matches('\u{feff}');
    for (fence, kind) in [("---", "YAML"), ("+++", "TOML")] {
        let Some(rest) = s
            .strip_prefix(fence)
            .and_then(|r| r.strip_prefix('\n').or(r.strip_prefix("\r\n")))
        else {
            continue;
        };
        let Some((block, body)) = find_fence(rest, fence) else {
            return Err(format!("{kind} front matter is not closed by {fence}"));
        };
        let map = if kind == "YAML" {
            if flow_depth(block) > MAX_YAML_DEPTH {
                return Err(format!(
                    "YAML front matter nested deeper than {MAX_YAML_DEPTH} levels"
                ));
            }
            match serde_yaml_ng::from_str::<Value>(block) {
                Ok(Value::Object(m)) => m,
                Ok(Value::Null) => Map::new(),
                Ok(_) => return Err("YAML front matter is not a mapping".into()),
                Err(e) => return Err(format!("invalid YAML front matter: {e}")),
            }
        } else {
            match block.parse::<toml::Table>() {
                Ok(t) => t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect(),
                Err(e) => return Err(format!("invalid TOML front matter: {}", e.message())),
            }
        };
        return Ok((map, body));
    }
    Ok((Map::new(), s))
}

/// Front matter nested deeper is refused before the YAML parser sees it:
/// it fails on such input only after a time that grows with the square of
/// the depth (57 s at 100k levels).
const MAX_YAML_DEPTH: usize = 64;

/// The deepest nesting of `[` and `{` in a YAML block, outside quotes, and
/// of indentation (counted in steps of one space, an upper bound).
fn flow_depth(block: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut quote: Option<char> = None;
    for line in block.lines() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        // "- - - x" is a sequence in a sequence in a sequence.
        let mut rest = line.trim_start_matches(' ');
        let mut dashes = 0;
        while let Some(r) = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("? ")) {
            dashes += 1;
            rest = r.trim_start_matches(' ');
        }
        deepest = deepest.max(indent / 2 + dashes);
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') if depth == 0 => break,
                (None, '[' | '{') => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        // A quote does not run over a line in front matter worth reading.
        quote = None;
    }
    deepest
}

/// The block before a line that is exactly `fence`, and the text after it.
fn find_fence<'a>(s: &'a str, fence: &str) -> Option<(&'a str, &'a str)> {
    let mut at = 0;
    for line in s.split_inclusive('\n') {
        if line.trim_end() == fence {
            return Some((&s[..at], &s[at + line.len()..]));
        }
        at += line.len();
    }
    None
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect()),
    }
}

/// Renders Markdown to paragraphs of plain text; a first-level heading that
/// opens the document is returned apart, as the title.
fn plain_text(md: &str) -> (Option<String>, Vec<String>) {
    let mut title = None;
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    let mut in_title = false;
    let mut seen_block = false;
    let mut skip_depth = 0usize; // inside raw HTML blocks or images' URLs
    for event in Parser::new(md) {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) if !seen_block && title.is_none() => {
                in_title = true;
            }
            Event::End(TagEnd::Heading(_)) if in_title => {
                in_title = false;
                seen_block = true;
                title = Some(std::mem::take(&mut current).trim().to_string());
            }
            Event::Start(Tag::HtmlBlock) => skip_depth += 1,
            Event::End(TagEnd::HtmlBlock) => skip_depth = skip_depth.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if skip_depth == 0 => current.push_str(&t),
            Event::SoftBreak | Event::HardBreak => current.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::TableRow,
            ) => {
                seen_block = true;
                let p = current.split_whitespace().collect::<Vec<_>>().join(" ");
                if !p.is_empty() {
                    paragraphs.push(p);
                }
                current.clear();
            }
            Event::End(TagEnd::TableCell) => current.push_str(" | "),
            _ => {}
        }
    }
    let rest = current.split_whitespace().collect::<Vec<_>>().join(" ");
    if !rest.is_empty() {
        paragraphs.push(rest);
    }
    (title.filter(|t| !t.is_empty()), paragraphs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn parse(src: &str) -> Parsed {
        parse_markdown("posts/a.md", src, &FieldMap::default())
    }

    #[test]
    fn yaml_front_matter() {
        let p = parse(
            "---\ntitle: \"Harbour reopens\"\ndate: 2023-09-13T10:00:00+02:00\nauthor: [Ana, Ben]\ntags: [ports]\n---\n\nThe **harbour** reopened, says [the council](https://x.example).\n\n- item one\n- item `two`\n",
        );
        let a = &p.articles[0];
        assert_eq!(a.title, "Harbour reopens");
        assert_eq!(a.date, NaiveDate::from_ymd_opt(2023, 9, 13));
        assert_eq!(a.author.as_deref(), Some("Ana, Ben"));
        assert_eq!(
            a.body,
            "The harbour reopened, says the council.\n\nitem one\n\nitem two"
        );
    }

    #[test]
    fn toml_front_matter_and_heading_title() {
        let p = parse("+++\ndate = 2021-03-04\n+++\n# Tide tables\n\nHigh water at *noon*.\n");
        let a = &p.articles[0];
        assert_eq!(a.title, "Tide tables");
        assert_eq!(a.date, NaiveDate::from_ymd_opt(2021, 3, 4));
        assert_eq!(a.body, "High water at noon.");
    }

    #[test]
    fn deeply_nested_front_matter_is_refused_at_once() {
        let deep = format!(
            "---\ntitle: {}{}\n---\nBody text.",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let p = parse(&deep);
        assert!(p.articles.is_empty());
        assert_eq!(
            p.problems[0].reason,
            SkipReason::Parse("YAML front matter nested deeper than 64 levels".into())
        );
        let dashes = format!("---\ntitle: x\ntags:\n{}x\n---\nBody text.", "- ".repeat(100_000));
        assert!(parse(&dashes).articles.is_empty());
        let fine = "---\ntitle: \"a [quoted\"\ntags: [a, [b, c]]\n---\nBody text.";
        assert_eq!(parse(fine).articles.len(), 1);
    }

    #[test]
    fn no_front_matter_and_broken_front_matter() {
        let p = parse(
            "# Only a heading\n\nAnd <span>inline</span> text.\n\n<div class=\"ad\">\nBuy now\n</div>\n",
        );
        assert_eq!(p.articles[0].title, "Only a heading");
        assert_eq!(p.articles[0].body, "And inline text.");
        let bad = parse("---\ntitle: [unclosed\n---\nText");
        assert!(matches!(bad.problems[0].reason, SkipReason::Parse(_)));
        let open = parse("---\ntitle: x\nText without a closing fence");
        assert!(open.problems[0].reason.to_string().contains("not closed"));
    }
}
