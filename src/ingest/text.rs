//! The primary format: UTF-8 text starting with ` date YYYY-MM-DD ` (the
//! header is optional), then the article, paragraphs separated by blank lines.

use crate::article::Article;
use crate::dates;
use crate::sentences::is_abbreviation;

/// Longest title kept; longer first sentences are cut at a word boundary.
const MAX_TITLE_CHARS: usize = 200;

/// Parses one article; `None` when the file holds no text at all.
pub fn parse_text(rel: &str, text: &str) -> Option<Article> {
    let (date, rest) = split_date_header(text);
    let paragraphs: Vec<String> = split_paragraphs(rest);
    if paragraphs.is_empty() {
        return None;
    }
    let first = &paragraphs[0];
    let (title, body) = if first.chars().count() <= MAX_TITLE_CHARS && !first.ends_with('.') {
        (first.clone(), paragraphs[1..].join("\n\n"))
    } else {
        (first_sentence(first), paragraphs.join("\n\n"))
    };
    Some(Article {
        id: rel.to_string(),
        path: rel.to_string(),
        title,
        body,
        date,
        entities: Default::default(),
    })
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
    fn header_only_and_blank_files_are_empty() {
        assert!(parse_text("e.txt", " date 1987-03-01").is_none());
        assert!(parse_text("e.txt", "\n \n").is_none());
        // An invalid date is text, not a header.
        let a = parse_text("d.txt", " date 1987-13-01 Hello").unwrap();
        assert_eq!(a.date, None);
    }
}
