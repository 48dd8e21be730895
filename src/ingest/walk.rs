//! Finding a corpus's files: a walk (walkdir) that keeps the files newsdex
//! reads, counts the ones it ignores, and reports the ones it refuses.

use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::{format_of, SkipReason, Skipped};
use crate::error::{Error, Result};

/// A file of the corpus that a parser will read.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Absolute path, to open.
    pub abs: PathBuf,
    /// Path relative to the corpus root, `/`-separated on every platform.
    pub rel: String,
    /// Size in bytes at discovery.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch (0 if unknown).
    pub mtime_ns: i64,
}

fn mtime_ns(meta: &fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64)
}

/// What walking the corpus found.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Files to index, sorted by path.
    pub files: Vec<SourceFile>,
    /// Files refused at discovery (too large, not regular files).
    pub skipped: Vec<Skipped>,
    /// Files whose extension says they are not articles (images, archives…).
    pub ignored: u64,
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
    let mut d = Discovery::default();
    if meta.is_file() {
        // A single file (an `articles.jsonl.gz` dump) is a corpus of its own.
        let rel = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if format_of(&rel).is_none() {
            d.ignored += 1;
        } else if meta.len() > max_file_bytes {
            d.skipped
                .push(Skipped::new(&rel, None, SkipReason::TooLarge(meta.len())));
        } else {
            d.files.push(SourceFile {
                abs: root.to_path_buf(),
                rel,
                size: meta.len(),
                mtime_ns: mtime_ns(&meta),
            });
        }
        return Ok(d);
    }
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
        if format_of(&rel).is_none() {
            d.ignored += 1;
            continue;
        }
        let (size, mtime_ns) = match entry.metadata() {
            Ok(m) => (m.len(), mtime_ns(&m)),
            Err(err) => {
                d.skipped
                    .push(Skipped::new(&rel, None, SkipReason::Unreadable(err.to_string())));
                continue;
            }
        };
        if size > max_file_bytes {
            d.skipped
                .push(Skipped::new(&rel, None, SkipReason::TooLarge(size)));
            continue;
        }
        d.files.push(SourceFile {
            abs: entry.into_path(),
            rel,
            size,
            mtime_ns,
        });
    }
    Ok(d)
}
