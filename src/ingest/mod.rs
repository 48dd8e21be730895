//! Reading a corpus: finding the files (walkdir), and turning each one into
//! articles through the parser of its format. Nothing here is fatal for a
//! run: a file that cannot be read becomes a [`Skipped`] entry with a reason.

mod text;

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;
use walkdir::WalkDir;

use crate::article::Article;
use crate::error::{Error, Result};

pub use text::parse_text;

/// Files above this size are skipped unless the caller raises the cap: no
/// news article is that long, and reading one would stall a run.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// A file of the corpus that a parser will read.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub abs: PathBuf,
    /// Path relative to the corpus root, `/`-separated on every platform.
    pub rel: String,
    pub size: u64,
}

/// Why a file was not indexed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum SkipReason {
    /// Nothing but whitespace (or a bare date header).
    Empty,
    /// Not text: NUL bytes.
    Binary,
    /// Text that is not valid UTF-8.
    Encoding,
    /// Larger than the configured cap (bytes).
    TooLarge(u64),
    /// The file or a directory could not be read.
    Unreadable(String),
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Empty => f.write_str("empty"),
            SkipReason::Binary => f.write_str("binary (contains NUL bytes)"),
            SkipReason::Encoding => f.write_str("not valid UTF-8"),
            SkipReason::TooLarge(n) => write!(f, "too large ({n} bytes)"),
            SkipReason::Unreadable(e) => write!(f, "unreadable: {e}"),
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
            SkipReason::TooLarge(_) => "too_large",
            SkipReason::Unreadable(_) => "unreadable",
        }
    }
}

/// A file (or a line of one) that was skipped, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub path: String,
    pub line: Option<u64>,
    pub reason: SkipReason,
}

/// What walking the corpus found.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<SourceFile>,
    pub skipped: Vec<Skipped>,
    /// Files whose extension says they are not articles (images, archives…).
    pub ignored: u64,
}

/// True for the extensions this version reads.
fn is_article_file(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("txt")
    )
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Walks `root` and lists the files to parse, sorted by path so that runs are
/// reproducible. Hidden files and directories are passed over.
pub fn discover(root: &Path, max_file_bytes: u64) -> Result<Discovery> {
    let meta = fs::metadata(root).map_err(|source| Error::Corpus {
        path: root.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(Error::Corpus {
            path: root.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
        });
    }
    let mut d = Discovery::default();
    let walker = WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err.path().map(|p| relative(root, p)).unwrap_or_default();
                d.skipped.push(Skipped {
                    path,
                    line: None,
                    reason: SkipReason::Unreadable(err.to_string()),
                });
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = relative(root, entry.path());
        if !is_article_file(entry.path()) {
            d.ignored += 1;
            continue;
        }
        let size = match entry.metadata() {
            Ok(m) => m.len(),
            Err(err) => {
                d.skipped.push(Skipped {
                    path: rel,
                    line: None,
                    reason: SkipReason::Unreadable(err.to_string()),
                });
                continue;
            }
        };
        if size > max_file_bytes {
            d.skipped.push(Skipped {
                path: rel,
                line: None,
                reason: SkipReason::TooLarge(size),
            });
            continue;
        }
        d.files.push(SourceFile {
            abs: entry.into_path(),
            rel,
            size,
        });
    }
    Ok(d)
}

/// Reads one file and parses it into articles.
pub fn read_articles(file: &SourceFile) -> std::result::Result<Vec<Article>, Skipped> {
    let skip = |reason| Skipped {
        path: file.rel.clone(),
        line: None,
        reason,
    };
    let bytes = fs::read(&file.abs).map_err(|e| skip(SkipReason::Unreadable(e.to_string())))?;
    parse_bytes(&file.rel, &bytes).map_err(skip)
}

/// Parses the bytes of a file known by its relative path.
pub fn parse_bytes(rel: &str, bytes: &[u8]) -> std::result::Result<Vec<Article>, SkipReason> {
    if bytes.contains(&0) {
        return Err(SkipReason::Binary);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| SkipReason::Encoding)?;
    match parse_text(rel, text) {
        Some(article) => Ok(vec![article]),
        None => Err(SkipReason::Empty),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_bytes_are_skipped_with_a_reason() {
        assert_eq!(parse_bytes("a.txt", b"GIF89a\0\0"), Err(SkipReason::Binary));
        assert_eq!(parse_bytes("a.txt", b"caf\xe9"), Err(SkipReason::Encoding));
        assert_eq!(parse_bytes("a.txt", b"  \n\n "), Err(SkipReason::Empty));
        assert_eq!(parse_bytes("a.txt", b" date 2020-01-01"), Err(SkipReason::Empty));
        let ok = parse_bytes("a.txt", b"\xEF\xBB\xBFHello world").unwrap();
        assert_eq!(ok[0].title, "Hello world");
    }
}
