//! Reading a corpus: finding the files (walkdir), and turning each one into
//! articles through the parser of its format. Nothing here is fatal for a
//! run: a file that cannot be read becomes a [`Skipped`] entry with a reason.

mod decode;
mod feed;
mod html;
mod json;
mod markdown;
mod text;
mod walk;

use std::fmt;
use std::fs;

use serde::{Deserialize, Serialize};

use crate::article::Article;
use crate::error::Result;

pub use decode::decode;
pub use text::parse_text;
pub use walk::{discover, Discovery, SourceFile, Walk};

/// Names under which each article field is looked up in JSON records, in
/// order of preference. `--field title=hed` puts a name first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldMap {
    /// JSON keys that may hold the article id, tried in order.
    pub id: Vec<String>,
    /// Keys for the title.
    pub title: Vec<String>,
    /// Keys for the body.
    pub body: Vec<String>,
    /// Keys for the date.
    pub date: Vec<String>,
    /// Keys for the original address.
    pub url: Vec<String>,
    /// Keys for the source.
    pub source: Vec<String>,
    /// Keys for the author.
    pub author: Vec<String>,
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

impl Default for FieldMap {
    fn default() -> Self {
        FieldMap {
            id: names(&["id", "_id", "guid"]),
            title: names(&["title", "headline", "name"]),
            body: names(&[
                "body",
                "text",
                "maintext",
                "content",
                "article",
                "articleBody",
                "description",
            ]),
            date: names(&[
                "date",
                "published",
                "date_publish",
                "datePublished",
                "pubDate",
                "published_at",
                "publishedAt",
                "timestamp",
                "created_at",
            ]),
            url: names(&["url", "link"]),
            source: names(&["source", "source_domain", "publisher", "site"]),
            author: names(&["author", "authors", "byline"]),
        }
    }
}

impl FieldMap {
    /// Makes `name` the first name looked up for `field`.
    pub fn set(&mut self, field: &str, name: &str) -> Result<(), String> {
        let list = match field {
            "id" => &mut self.id,
            "title" => &mut self.title,
            "body" => &mut self.body,
            "date" => &mut self.date,
            "url" => &mut self.url,
            "source" => &mut self.source,
            "author" => &mut self.author,
            other => {
                return Err(format!(
                    "unknown field {other:?} (expected one of id, title, body, date, url, source, author)"
                ))
            }
        };
        list.retain(|n| n != name);
        list.insert(0, name.to_string());
        Ok(())
    }
}

/// What parsing one file gave: its articles, and the parts of it that had
/// to be skipped (a broken JSONL line, an empty record).
#[derive(Debug, Default)]
pub struct Parsed {
    /// Articles read, in file order.
    pub articles: Vec<Article>,
    /// Parts skipped (a bad line, a record without text), with why.
    pub problems: Vec<Skipped>,
}

/// The formats newsdex reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Plain text.
    Text,
    /// Markdown with YAML or TOML front matter.
    Markdown,
    /// A JSON object or array of objects.
    Json,
    /// JSON Lines: one object per line.
    JsonLines,
    /// An HTML page.
    Html,
    /// An RSS or Atom feed.
    Feed,
}

/// The format of a file from its name (a `.gz` suffix is looked through).
/// `None` for files that are not articles.
pub fn format_of(rel: &str) -> Option<Format> {
    match extension(rel).as_str() {
        "txt" | "text" | "" => Some(Format::Text),
        "md" | "markdown" | "mdown" | "mkd" => Some(Format::Markdown),
        "json" => Some(Format::Json),
        "jsonl" | "ndjson" => Some(Format::JsonLines),
        "html" | "htm" | "xhtml" | "shtml" => Some(Format::Html),
        "rss" | "atom" | "xml" => Some(Format::Feed),
        // Images, archives, office files…: not articles.
        _ => None,
    }
}

/// A file's extension, lower-cased, looking through `.gz` ("" for none).
pub(crate) fn extension(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    name.rsplit_once('.').map_or("", |(_, e)| e).to_string()
}

/// Files above this size are skipped unless the caller raises the cap: no
/// news article is that long, and reading one would stall a run.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Why a file was not indexed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum SkipReason {
    /// Nothing but whitespace (or a bare date header).
    Empty,
    /// Not text: NUL bytes.
    Binary,
    /// Text in an encoding that could not be decoded.
    Encoding,
    /// Content that does not parse in its format (message).
    Parse(String),
    /// Larger than the configured cap (bytes).
    TooLarge(u64),
    /// The file or a directory could not be read.
    Unreadable(String),
    /// A symbolic link whose target is outside the corpus (the target).
    LinkOutside(String),
    /// Not a regular file: a FIFO, socket or device (which).
    NotAFile(String),
    /// Decompresses to more than the cap (bytes).
    Inflates(u64),
    /// Holds more articles than the cap; the first ones were indexed.
    TooManyArticles(u64),
    /// Reading and tagging it took longer than the per-file budget (seconds).
    TooSlow(u64),
    /// Not a skip: the file was indexed, but this many bytes were not valid
    /// text in its encoding and were replaced by U+FFFD.
    InvalidBytes(u64),
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Empty => f.write_str("empty"),
            SkipReason::Binary => f.write_str("binary (contains NUL bytes)"),
            SkipReason::Encoding => f.write_str("undecodable text encoding"),
            SkipReason::Parse(m) => f.write_str(m),
            SkipReason::TooLarge(n) => write!(f, "too large ({n} bytes)"),
            SkipReason::Unreadable(e) => write!(f, "unreadable: {e}"),
            SkipReason::LinkOutside(t) => write!(
                f,
                "symbolic link to {t}, outside the corpus (--follow-links follows it)"
            ),
            SkipReason::NotAFile(kind) => write!(f, "not a regular file: {kind}"),
            SkipReason::Inflates(cap) => write!(f, "decompresses to more than {} MB", cap / (1024 * 1024)),
            SkipReason::TooManyArticles(cap) => {
                write!(
                    f,
                    "more than {cap} articles in one file; the rest were not indexed"
                )
            }
            SkipReason::TooSlow(secs) => write!(f, "took longer than the {secs} s budget per file"),
            SkipReason::InvalidBytes(n) => write!(
                f,
                "indexed, but {n} invalid byte{} replaced by U+FFFD",
                if *n == 1 { " was" } else { "s were" }
            ),
        }
    }
}

impl SkipReason {
    /// Short stable key used to count skips by reason.
    pub fn key(&self) -> &'static str {
        match self {
            SkipReason::Empty => "empty",
            SkipReason::Binary => "binary",
            SkipReason::Encoding => "encoding",
            SkipReason::Parse(_) => "parse",
            SkipReason::TooLarge(_) => "too_large",
            SkipReason::Unreadable(_) => "unreadable",
            SkipReason::LinkOutside(_) => "link_outside",
            SkipReason::NotAFile(_) => "not_a_file",
            SkipReason::Inflates(_) => "inflates",
            SkipReason::TooManyArticles(_) => "too_many_articles",
            SkipReason::TooSlow(_) => "too_slow",
            SkipReason::InvalidBytes(_) => "invalid_bytes",
        }
    }
}

/// A file (or a line of one) that was skipped, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// Path relative to the corpus root.
    pub path: String,
    /// Line of a multi-record file, 1-based.
    pub line: Option<u64>,
    /// Why.
    pub reason: SkipReason,
}

impl Skipped {
    /// A skip of `path` (at `line`) for `reason`.
    pub fn new(path: &str, line: Option<u64>, reason: SkipReason) -> Skipped {
        Skipped {
            path: path.to_string(),
            line,
            reason,
        }
    }
}

/// The format announced by the start of a text, for files that have no
/// extension to tell it.
fn sniff(text: &str) -> Option<Format> {
    let head: String = text
        .trim_start()
        .chars()
        .take(1024)
        .collect::<String>()
        .to_ascii_lowercase();
    if head.starts_with('{') || head.starts_with('[') {
        return Some(
            if head
                .lines()
                .nth(1)
                .is_some_and(|l| l.trim_start().starts_with('{'))
            {
                Format::JsonLines
            } else {
                Format::Json
            },
        );
    }
    if head.starts_with('<') {
        if head.contains("<rss") || head.contains("<feed") || head.contains("<rdf:rdf") {
            return Some(Format::Feed);
        }
        if head.contains("<html") || head.starts_with("<!doctype html") {
            return Some(Format::Html);
        }
    }
    None
}

/// Reads one file and parses it into articles.
pub fn read_articles(file: &SourceFile, fields: &FieldMap) -> Parsed {
    match fs::read(&file.abs) {
        Ok(bytes) => parse_bytes(&file.rel, &bytes, fields),
        Err(e) => Parsed {
            articles: Vec::new(),
            problems: vec![Skipped::new(
                &file.rel,
                None,
                SkipReason::Unreadable(e.to_string()),
            )],
        },
    }
}

/// Parses the bytes of a file known by its path relative to the corpus,
/// within the default [`Limits`].
pub fn parse_bytes(rel: &str, bytes: &[u8], fields: &FieldMap) -> Parsed {
    parse_bytes_within(rel, bytes, fields, &Limits::default())
}

/// The most articles read from one file by default: a dump of a whole
/// archive in one JSONL file is split at this size.
pub const DEFAULT_MAX_ARTICLES_PER_FILE: usize = 100_000;

/// Bounds on what one file may cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes of text a file may decompress to.
    pub max_bytes: u64,
    /// Most articles read from one file; the rest are reported.
    pub max_articles: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: DEFAULT_MAX_FILE_BYTES,
            max_articles: DEFAULT_MAX_ARTICLES_PER_FILE,
        }
    }
}

/// [`parse_bytes`] within `limits`.
pub fn parse_bytes_within(rel: &str, bytes: &[u8], fields: &FieldMap, limits: &Limits) -> Parsed {
    let whole = |reason| Parsed {
        articles: Vec::new(),
        problems: vec![Skipped::new(rel, None, reason)],
    };
    let Some(format) = format_of(rel) else {
        return Parsed::default();
    };
    let gunzipped;
    let bytes = if rel.to_ascii_lowercase().ends_with(".gz") {
        // Read one byte past the cap to know it was passed: a small file of
        // zeros can decompress to gigabytes.
        let mut out = Vec::new();
        let cap = limits.max_bytes;
        let mut inflated =
            std::io::Read::take(flate2::read::MultiGzDecoder::new(bytes), cap.saturating_add(1));
        if let Err(e) = std::io::Read::read_to_end(&mut inflated, &mut out) {
            return whole(SkipReason::Parse(format!("invalid gzip: {e}")));
        }
        if out.len() as u64 > cap {
            return whole(SkipReason::Inflates(cap));
        }
        gunzipped = out;
        &gunzipped[..]
    } else {
        bytes
    };
    let (text, invalid) = match decode::decode_counting(bytes) {
        Ok(t) => t,
        Err(reason) => return whole(reason),
    };
    // A file without an extension says what it is by its first bytes.
    let no_extension = !rel.rsplit('/').next().unwrap_or(rel).contains('.');
    let format = if no_extension {
        sniff(&text).unwrap_or(format)
    } else {
        format
    };
    let mut parsed = match format {
        Format::Text => match parse_text(rel, &text) {
            Some(a) => Parsed {
                articles: vec![a],
                problems: Vec::new(),
            },
            None => whole(SkipReason::Empty),
        },
        Format::Markdown => markdown::parse_markdown(rel, &text, fields),
        Format::Json => json::parse_json(rel, &text, fields),
        Format::JsonLines => json::parse_jsonl(rel, &text, fields),
        Format::Html => html::parse_html(rel, &text, fields),
        Format::Feed => feed::parse_feed(rel, &text, fields),
    };
    if parsed.articles.is_empty() && parsed.problems.is_empty() {
        return whole(SkipReason::Empty);
    }
    if invalid > 0 && !parsed.articles.is_empty() {
        parsed
            .problems
            .push(Skipped::new(rel, None, SkipReason::InvalidBytes(invalid)));
    }
    if parsed.articles.len() > limits.max_articles {
        parsed.articles.truncate(limits.max_articles);
        let reason = SkipReason::TooManyArticles(limits.max_articles as u64);
        parsed.problems.push(Skipped::new(rel, None, reason));
    }
    // The path is the date of last resort ("2019/07/04/story.txt").
    let path_date = crate::text::dates::from_path(rel);
    for a in parsed.articles.iter_mut().filter(|a| a.date.is_none()) {
        a.date = path_date;
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons(p: &Parsed) -> Vec<SkipReason> {
        p.problems.iter().map(|s| s.reason.clone()).collect()
    }

    #[test]
    fn bad_bytes_are_skipped_with_a_reason() {
        let f = FieldMap::default();
        assert_eq!(
            reasons(&parse_bytes("a.txt", b"GIF89a\0\0", &f)),
            [SkipReason::Binary]
        );
        assert_eq!(
            reasons(&parse_bytes("a.txt", b"  \n\n ", &f)),
            [SkipReason::Empty]
        );
        assert_eq!(
            reasons(&parse_bytes("a.txt", b" date 2020-01-01", &f)),
            [SkipReason::Empty]
        );
        assert_eq!(reasons(&parse_bytes("a.jsonl", b"", &f)), [SkipReason::Empty]);
        assert!(matches!(
            reasons(&parse_bytes("a.jsonl.gz", b"not gzip", &f))[..],
            [SkipReason::Parse(_)]
        ));
        let ok = parse_bytes("a.txt", b"\xEF\xBB\xBFHello world", &f);
        assert_eq!(ok.articles[0].title, "Hello world");
        let latin = parse_bytes("a.txt", b"Caf\xe9 society in Fran\xe7ois's Paris", &f);
        assert_eq!(latin.articles[0].title, "Café society in François's Paris");
    }

    #[test]
    fn gzip_jsonl_and_path_dates() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"{\"title\": \"A\", \"body\": \"x\"}\n{\"title\": \"B\", \"body\": \"y\"}")
            .unwrap();
        let p = parse_bytes(
            "2019/07/04/feed.jsonl.gz",
            &gz.finish().unwrap(),
            &FieldMap::default(),
        );
        assert_eq!(p.articles.len(), 2);
        assert_eq!(p.articles[0].date, chrono::NaiveDate::from_ymd_opt(2019, 7, 4));
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(format_of("a/b.TXT"), Some(Format::Text));
        assert_eq!(format_of("a/b.jsonl.gz"), Some(Format::JsonLines));
        assert_eq!(format_of("b.ndjson"), Some(Format::JsonLines));
        assert_eq!(format_of("b.json"), Some(Format::Json));
        assert_eq!(format_of("photo.jpg"), None);
        assert_eq!(format_of("README"), Some(Format::Text));
        assert_eq!(format_of("post.MD"), Some(Format::Markdown));
        assert_eq!(format_of("page.htm"), Some(Format::Html));
        assert_eq!(format_of("wire.rss"), Some(Format::Feed));
        assert_eq!(format_of("blog.atom.gz"), Some(Format::Feed));
    }

    #[test]
    fn files_without_extension_are_sniffed() {
        let f = FieldMap::default();
        let html = parse_bytes(
            "saved/page",
            b"<!DOCTYPE html><html><head><title>T</title></head><body><p>Hi there.</p></body></html>",
            &f,
        );
        assert_eq!(html.articles[0].body, "Hi there.");
        let feed = parse_bytes("feed", b"<?xml version=\"1.0\"?><rss><channel><item><title>A</title><description>x</description></item></channel></rss>", &f);
        assert_eq!(feed.articles[0].title, "A");
        let jsonl = parse_bytes(
            "dump",
            b"{\"title\": \"a\", \"body\": \"x\"}\n{\"title\": \"b\", \"body\": \"y\"}",
            &f,
        );
        assert_eq!(jsonl.articles.len(), 2);
        let text = parse_bytes("NOTES", b"Plain title\n\nPlain body.", &f);
        assert_eq!(text.articles[0].body, "Plain body.");
    }

    mod no_panic {
        //! Property tests: no input makes a parser panic. `PROPTEST_CASES`
        //! raises the count for a longer run.
        use super::super::*;
        use proptest::prelude::*;

        const NAMES: &[&str] = &[
            "a.txt",
            "a.md",
            "a.json",
            "a.jsonl",
            "a.html",
            "a.rss",
            "a.atom",
            "a.xml",
            "a.jsonl.gz",
            "noext",
        ];

        /// Text made of the characters that drive the parsers' branches.
        fn markup() -> impl Strategy<Value = String> {
            proptest::string::string_regex(
                "([<>/!?=&;#\"'{}\\[\\]:,\\n\\r +*_`~-]|date |---|\\+\\+\\+|<p>|</p>|<item>|<rss>|<feed>|<entry>|<title>|</title>|<!\\[CDATA\\[|]]>|&amp;|&#|\\{\"title\": |\"body\"|[a-zA-Z0-9é“]){0,300}",
            )
            .expect("valid regex")
        }

        proptest! {
            #[test]
            fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048), name in 0..NAMES.len()) {
                let p = parse_bytes(NAMES[name], &bytes, &FieldMap::default());
                for a in &p.articles {
                    prop_assert!(!(a.title.is_empty() && a.body.is_empty()));
                }
            }

            #[test]
            fn markup_like_text(text in markup(), name in 0..NAMES.len()) {
                let _ = parse_bytes(NAMES[name], text.as_bytes(), &FieldMap::default());
            }

            #[test]
            fn dates_from_any_string(s in "\\PC{0,40}") {
                let _ = crate::text::dates::parse_any(&s);
                let _ = crate::text::dates::from_path(&s);
            }
        }
    }
}
