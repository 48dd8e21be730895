//! Finding a corpus's files: a walk (walkdir) that keeps the files newsdex
//! reads, counts the ones it ignores, and reports the ones it refuses.
//!
//! Symbolic links are followed while they stay inside the corpus; a link to
//! anything outside it is reported and not read, unless the caller follows
//! every link ([`Walk::follow_links`], ripgrep's `-L`).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
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

/// How to walk a corpus.
#[derive(Clone, Debug)]
pub struct Walk {
    /// Files larger than this are refused.
    pub max_file_bytes: u64,
    /// Follow every symbolic link, also those leading out of the corpus.
    pub follow_links: bool,
}

impl Default for Walk {
    fn default() -> Self {
        Walk {
            max_file_bytes: super::DEFAULT_MAX_FILE_BYTES,
            follow_links: false,
        }
    }
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
    /// The ignored files by extension (lower case, "" for none).
    pub ignored_by_extension: BTreeMap<String, u64>,
    /// Paths (relative, `/`-separated) that could not be listed or read
    /// this time: what the index holds under them is kept, since a
    /// transient error must not delete articles. "" is the whole corpus.
    pub unseen: Vec<String>,
}

impl Discovery {
    fn ignore(&mut self, rel: &str) {
        self.ignored += 1;
        *self
            .ignored_by_extension
            .entry(super::extension(rel))
            .or_insert(0) += 1;
    }

    /// True when `rel` lies under a path that could not be read this time.
    pub fn is_unseen(&self, rel: &str) -> bool {
        self.unseen.iter().any(|u| {
            u.is_empty() || rel == u || (rel.starts_with(u.as_str()) && rel[u.len()..].starts_with('/'))
        })
    }
}

/// One path component as text. Bytes that are not UTF-8 (possible in Unix
/// names) are kept apart as U+FFFD and their hex value, so that two names
/// that differ only in such bytes keep two ids.
fn component_text(c: &std::ffi::OsStr) -> String {
    if let Some(s) = c.to_str() {
        return s.to_string();
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in c.as_bytes().utf8_chunks() {
            out.push_str(chunk.valid());
            for b in chunk.invalid() {
                out.push_str(&format!("\u{FFFD}{b:02X}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        c.to_string_lossy().into_owned()
    }
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    // The walk joins clean components with '/': on Unix, UTF-8 text is
    // already the answer (one allocation instead of one per component).
    #[cfg(unix)]
    if let Some(s) = rel.to_str() {
        return s.to_string();
    }
    rel.components()
        .map(|c| component_text(c.as_os_str()))
        .collect::<Vec<_>>()
        .join("/")
}

/// What a path is when it is neither a file nor a directory.
fn special_kind(ft: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_block_device() || ft.is_char_device() {
            return "a device";
        }
    }
    let _ = ft;
    "not a regular file"
}

/// Walks `root` and lists the files to parse, sorted by path so that runs are
/// reproducible. Hidden files and directories are passed over.
pub fn discover(root: &Path, walk: &Walk) -> Result<Discovery> {
    let meta = fs::metadata(root).map_err(|source| Error::Corpus {
        path: root.to_path_buf(),
        source,
    })?;
    let mut d = Discovery::default();
    if !meta.is_dir() {
        // A single file (an `articles.jsonl.gz` dump) is a corpus of its own.
        let rel = root.file_name().map(component_text).unwrap_or_default();
        if format_of(&rel).is_none() {
            d.ignore(&rel);
        } else if !meta.is_file() {
            let reason = SkipReason::NotAFile(special_kind(&meta.file_type()).into());
            d.skipped.push(Skipped::new(&rel, None, reason));
        } else if meta.len() > walk.max_file_bytes {
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
    // Links are judged by where they lead, against the real root.
    let real_root = fs::canonicalize(root).map_err(|source| Error::Corpus {
        path: root.to_path_buf(),
        source,
    })?;
    let outside: RefCell<Vec<Skipped>> = RefCell::new(Vec::new());
    // Sorted once at the end, by path: sorting each directory's entries by
    // name cost more than the walk's system calls.
    let walker = WalkDir::new(root)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            if e.file_name().to_string_lossy().starts_with('.') {
                return false;
            }
            if walk.follow_links || !e.path_is_symlink() {
                return true;
            }
            match fs::canonicalize(e.path()) {
                Ok(target) if !target.starts_with(&real_root) => {
                    let reason = SkipReason::LinkOutside(target.display().to_string());
                    outside
                        .borrow_mut()
                        .push(Skipped::new(&relative(root, e.path()), None, reason));
                    false
                }
                // Inside, or broken (the walk reports it).
                _ => true,
            }
        });
    let mut candidates: Vec<(PathBuf, String)> = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err.path().map(|p| relative(root, p)).unwrap_or_default();
                let reason = match err.io_error() {
                    Some(io) => SkipReason::Unreadable(io.to_string()),
                    None => SkipReason::Unreadable(err.to_string()),
                };
                d.unseen.push(path.clone());
                d.skipped.push(Skipped {
                    path,
                    line: None,
                    reason,
                });
                continue;
            }
        };
        let ft = entry.file_type();
        if ft.is_dir() {
            continue;
        }
        let rel = relative(root, entry.path());
        if format_of(&rel).is_none() {
            d.ignore(&rel);
            continue;
        }
        if !ft.is_file() {
            let reason = SkipReason::NotAFile(special_kind(&ft).into());
            d.skipped.push(Skipped::new(&rel, None, reason));
            continue;
        }
        candidates.push((entry.into_path(), rel));
    }
    // Stat on every core: on a million cached files the calls are most of
    // a no-op run.
    let stats: Vec<(PathBuf, String, std::io::Result<fs::Metadata>)> = candidates
        .into_par_iter()
        .map(|(abs, rel)| {
            let meta = fs::metadata(&abs);
            (abs, rel, meta)
        })
        .collect();
    for (abs, rel, meta) in stats {
        let (size, mtime_ns) = match meta {
            Ok(m) => (m.len(), mtime_ns(&m)),
            Err(err) => {
                d.unseen.push(rel.clone());
                d.skipped
                    .push(Skipped::new(&rel, None, SkipReason::Unreadable(err.to_string())));
                continue;
            }
        };
        if size > walk.max_file_bytes {
            d.skipped
                .push(Skipped::new(&rel, None, SkipReason::TooLarge(size)));
            continue;
        }
        d.files.push(SourceFile {
            abs,
            rel,
            size,
            mtime_ns,
        });
    }
    d.skipped.extend(outside.into_inner());
    d.files.sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
    d.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    d.unseen.sort_unstable();
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(p: &Path, text: &str) {
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_corpus_are_refused_unless_asked_and_links_inside_are_read() {
        let outside = tempfile::tempdir().unwrap();
        write(&outside.path().join("secret.txt"), "Secret\n\nNot for the index.");
        write(&outside.path().join("dir/more.txt"), "More\n\nAlso secret.");
        let corpus = tempfile::tempdir().unwrap();
        let root = corpus.path();
        write(&root.join("a/story.txt"), "Story\n\nIn the corpus.");
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), root.join("passwd.txt")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("dir"), root.join("linked")).unwrap();
        std::os::unix::fs::symlink(root.join("a/story.txt"), root.join("same.txt")).unwrap();

        let d = discover(root, &Walk::default()).unwrap();
        let rels: Vec<&str> = d.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["a/story.txt", "same.txt"]);
        let refused: Vec<(&str, &str)> = d
            .skipped
            .iter()
            .map(|s| (s.path.as_str(), s.reason.key()))
            .collect();
        assert_eq!(
            refused,
            [("linked", "link_outside"), ("passwd.txt", "link_outside")]
        );

        let all = discover(
            root,
            &Walk {
                follow_links: true,
                ..Walk::default()
            },
        )
        .unwrap();
        let rels: Vec<&str> = all.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["a/story.txt", "linked/more.txt", "passwd.txt", "same.txt"]);
    }

    #[cfg(unix)]
    #[test]
    fn fifos_are_reported_not_passed_over() {
        let corpus = tempfile::tempdir().unwrap();
        let fifo = corpus.path().join("pipe.txt");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("mkfifo is not available; skipped");
            return;
        }
        let d = discover(corpus.path(), &Walk::default()).unwrap();
        assert!(d.files.is_empty());
        assert_eq!(d.skipped.len(), 1);
        assert_eq!(d.skipped[0].path, "pipe.txt");
        assert_eq!(
            d.skipped[0].reason,
            SkipReason::NotAFile("a named pipe (FIFO)".into())
        );
    }

    #[cfg(unix)]
    #[test]
    fn names_that_differ_only_in_invalid_bytes_keep_distinct_ids() {
        use std::os::unix::ffi::OsStrExt;
        let corpus = tempfile::tempdir().unwrap();
        for b in [0xFFu8, 0xFE] {
            let bytes = [b'x', b, b'.', b't', b'x', b't'];
            fs::write(
                corpus.path().join(std::ffi::OsStr::from_bytes(&bytes)),
                "Story\n\nText.",
            )
            .unwrap();
        }
        let d = discover(corpus.path(), &Walk::default()).unwrap();
        let rels: Vec<&str> = d.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["x\u{FFFD}FE.txt", "x\u{FFFD}FF.txt"]);
    }

    #[test]
    fn unseen_paths_cover_their_subtree_only() {
        let d = Discovery {
            unseen: vec!["a/b".into()],
            ..Discovery::default()
        };
        assert!(d.is_unseen("a/b"));
        assert!(d.is_unseen("a/b/c.txt"));
        assert!(!d.is_unseen("a/bc.txt"));
        assert!(!d.is_unseen("a/c.txt"));
    }

    #[test]
    fn ignored_files_are_counted_by_extension() {
        let corpus = tempfile::tempdir().unwrap();
        for n in ["a.pdf", "b.PDF", "c.docx", "d.txt"] {
            write(&corpus.path().join(n), "Story\n\nText.");
        }
        let d = discover(corpus.path(), &Walk::default()).unwrap();
        assert_eq!(d.ignored, 3);
        let by: Vec<(&str, u64)> = d
            .ignored_by_extension
            .iter()
            .map(|(k, v)| (k.as_str(), *v))
            .collect();
        assert_eq!(by, [("docx", 1), ("pdf", 2)]);
    }
}
