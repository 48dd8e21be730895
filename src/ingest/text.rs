//! The primary format: UTF-8 text starting with ` date YYYY-MM-DD ` (the
//! header is optional), then the article, paragraphs separated by blank lines.

use crate::article::Article;
use crate::text::dates;
use crate::text::sentences::is_abbreviation;

/// Longest title kept; longer first sentences are cut at a word boundary.
const MAX_TITLE_CHARS: usize = 200;

/// Parses one article; `None` when the file holds no text at all.
pub fn parse_text(rel: &str, text: &str) -> Option<Article> {
    let (date, rest) = split_date_header(text);
    if date.is_none() {
        if let Some(article) = parse_header_block(rel, text) {
            return article;
        }
    }
    let paragraphs: Vec<String> = split_paragraphs(rest);
    let mut article = from_paragraphs(rel, rel, None, paragraphs)?;
    article.date = date;
    Some(article)
}

/// Builds an article from a title (possibly empty) and body text, deriving
/// the title from the body when there is none. `None` when both are empty.
pub fn from_parts(id: &str, rel: &str, title: &str, body: &str) -> Option<Article> {
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    let title = (!title.is_empty()).then_some(title);
    from_paragraphs(id, rel, title, split_paragraphs(body))
}

fn from_paragraphs(id: &str, rel: &str, title: Option<String>, paragraphs: Vec<String>) -> Option<Article> {
    let (title, body) = match title {
        Some(t) => (t, paragraphs.join("\n\n")),
        None => {
            let first = paragraphs.first()?;
            if first.chars().count() <= MAX_TITLE_CHARS && !first.ends_with('.') {
                (first.clone(), paragraphs[1..].join("\n\n"))
            } else {
                (first_sentence(first), paragraphs.join("\n\n"))
            }
        }
    };
    Some(Article {
        id: id.to_string(),
        path: rel.to_string(),
        title,
        body,
        ..Default::default()
    })
}

/// A block of `Key: value` lines (Title, Date, Source, Author, URL; any
/// case) before the first blank line. `None` when the text does not start
/// with one; `Some(None)` when it does but holds no text.
fn parse_header_block(rel: &str, text: &str) -> Option<Option<Article>> {
    let text = text.trim_start_matches(['\n', '\r']);
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut body_start = text.len();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            body_start = offset + line.len();
            break;
        }
        let (key, value) = trimmed.split_once(':')?;
        let key = key.trim().to_ascii_lowercase();
        if !matches!(
            key.as_str(),
            "title" | "date" | "source" | "author" | "url" | "link" | "published"
        ) {
            return None;
        }
        fields.push((key, value.trim().to_string()));
        offset += line.len();
    }
    if fields.is_empty() {
        return None;
    }
    let get = |k: &[&str]| {
        fields
            .iter()
            .find(|(key, _)| k.contains(&key.as_str()))
            .map(|(_, v)| v.clone())
    };
    let title = get(&["title"]).unwrap_or_default();
    let Some(mut article) = from_parts(rel, rel, &title, &text[body_start.min(text.len())..]) else {
        return Some(None);
    };
    article.date = get(&["date", "published"]).as_deref().and_then(dates::parse_any);
    article.source = get(&["source"]).filter(|s| !s.is_empty());
    article.author = get(&["author"]).filter(|s| !s.is_empty());
    article.url = get(&["url", "link"]).filter(|s| !s.is_empty());
    Some(Some(article))
}

/// Splits off a leading ` date YYYY-MM-DD` header, if there is one.
fn split_date_header(text: &str) -> (Option<chrono::NaiveDate>, &str) {
    let trimmed = text.trim_start();
    if let Some(after) = trimmed.strip_prefix("date ") {
        if let Some(d) = after.get(..10).and_then(dates::parse_ymd) {
            let rest = &after[10..];
            if rest.is_empty() || rest.starts_with(char::is_whitespace) {
                return (Some(d), rest);
            }
        }
    }
    (None, text)
}

/// Paragraphs are separated by blank lines; lines inside one are joined and
/// runs of whitespace collapse, so hard-wrapped text reads as prose.
fn split_paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        for word in line.split_whitespace() {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The first sentence of a paragraph, cut at a word boundary when it is too
/// long to be a title.
fn first_sentence(paragraph: &str) -> String {
    let mut end = paragraph.len();
    let bytes = paragraph.as_bytes();
    for (i, c) in paragraph.char_indices() {
        if matches!(c, '.' | '!' | '?') && (i + 1 == bytes.len() || bytes[i + 1] == b' ') {
            // Not after an initial or a short abbreviation ("U.S.", "Mr.").
            let word = paragraph[..i].rsplit(' ').next().unwrap_or("");
            if !is_abbreviation(word) {
                end = i + c.len_utf8();
                break;
            }
        }
    }
    let sentence = &paragraph[..end];
    if sentence.chars().count() <= MAX_TITLE_CHARS {
        return sentence.to_string();
    }
    let cut = sentence
        .char_indices()
        .nth(MAX_TITLE_CHARS)
        .map(|(i, _)| i)
        .unwrap_or(sentence.len());
    let at_word = sentence[..cut].rfind(' ').unwrap_or(cut);
    format!("{}…", sentence[..at_word].trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn short_first_paragraph_is_the_title() {
        let a = parse_text(
            "x/reut-1.txt",
            " date 1987-02-26 BAHIA COCOA REVIEW\n\nSALVADOR, Feb 26 - Showers continued.\n\nMore.",
        )
        .unwrap();
        assert_eq!(a.title, "BAHIA COCOA REVIEW");
        assert_eq!(a.body, "SALVADOR, Feb 26 - Showers continued.\n\nMore.");
        assert_eq!(a.date, NaiveDate::from_ymd_opt(1987, 2, 26));
        assert_eq!(a.id, "x/reut-1.txt");
    }

    #[test]
    fn long_first_paragraph_gives_its_first_sentence() {
        let a = parse_text(
            "s.txt",
            " date 2023-09-13 North Korea fired missiles on Wednesday, as Kim met U.S. envoys. Then more.\n\nSecond.",
        )
        .unwrap();
        assert_eq!(
            a.title,
            "North Korea fired missiles on Wednesday, as Kim met U.S. envoys."
        );
        assert!(a.body.starts_with("North Korea fired"));
        assert!(a.body.ends_with("Second."));
    }

    #[test]
    fn very_long_sentences_are_cut_at_a_word() {
        let long = format!("{} end.", "word ".repeat(100));
        let a = parse_text("l.txt", &long).unwrap();
        assert!(a.title.ends_with("word…"), "{}", a.title);
        assert!(a.title.chars().count() <= MAX_TITLE_CHARS + 1);
    }

    #[test]
    fn no_header_means_no_date() {
        let a = parse_text(
            "bbc/1.txt",
            "Ad sales boost Time Warner profit\n\nQuarterly profits rose.",
        )
        .unwrap();
        assert_eq!(a.date, None);
        assert_eq!(a.title, "Ad sales boost Time Warner profit");
        let crlf = parse_text("c.txt", "  date 2020-05-01 Title here\r\n\r\nBody text.\r\n").unwrap();
        assert_eq!(crlf.date, NaiveDate::from_ymd_opt(2020, 5, 1));
        assert_eq!(crlf.body, "Body text.");
    }

    #[test]
    fn header_block_format() {
        let a = parse_text(
            "h.txt",
            "Title: Oil rises\r\nDATE: Sept. 13, 2023\r\nSource: Example Wire\r\nauthor: Jane Doe\r\nURL: https://example.com/a\r\n\r\nCrude rose.\r\n\r\nMore.",
        )
        .unwrap();
        assert_eq!(a.title, "Oil rises");
        assert_eq!(a.date, NaiveDate::from_ymd_opt(2023, 9, 13));
        assert_eq!(a.source.as_deref(), Some("Example Wire"));
        assert_eq!(a.author.as_deref(), Some("Jane Doe"));
        assert_eq!(a.url.as_deref(), Some("https://example.com/a"));
        assert_eq!(a.body, "Crude rose.\n\nMore.");
        // A first line that merely has a colon is text, not a header.
        let t = parse_text("n.txt", "Breaking: oil rises\n\nBody.").unwrap();
        assert_eq!(t.title, "Breaking: oil rises");
    }

    #[test]
    fn header_only_and_blank_files_are_empty() {
        assert!(parse_text("e.txt", " date 1987-03-01").is_none());
        assert!(parse_text("e.txt", "\n \n").is_none());
        // An invalid date is text, not a header.
        let a = parse_text("d.txt", " date 1987-13-01 Hello").unwrap();
        assert_eq!(a.date, None);
    }
}
