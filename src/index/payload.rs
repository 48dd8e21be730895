//! What each commit records besides the documents, in tantivy's commit
//! payload and in every document's stamp: the schema version, each source
//! file's size, mtime and hash, and the problems of files skipped whole. It
//! commits atomically with the documents, so the two never disagree.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ingest::{Skipped, SourceFile};

/// What newsdex writes into each tantivy commit's payload, so that it is
/// committed atomically with the documents it describes.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct CommitPayload {
    pub schema_version: u32,
    /// Files with skipped parts, by path: kept here because a file skipped
    /// whole has no document to carry its stamp.
    #[serde(default)]
    pub problems: BTreeMap<String, FileProblems>,
    /// The corpus directory indexed, absolute.
    #[serde(default)]
    pub corpus: Option<String>,
    /// When this commit was made, in seconds since the Unix epoch.
    #[serde(default)]
    pub committed_at: Option<i64>,
    /// The number of the `index` run that made this commit (1 for the
    /// first): each document records the run that added or changed it.
    #[serde(default)]
    pub run: u64,
    /// When each recent run first committed (run number -> seconds since
    /// the Unix epoch), for "what is new since Monday".
    #[serde(default)]
    pub runs: BTreeMap<u64, i64>,
}

/// Runs remembered in [`CommitPayload::runs`].
pub(crate) const RUN_HISTORY: usize = 1_000;

/// What the index records of one source file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamp {
    pub size: u64,
    pub mtime_ns: i64,
    pub hash: String,
    /// The run that indexed these bytes: kept while the bytes stay the
    /// same (a new mtime, a `--full` rebuild), so that only what changed
    /// is new to a saved search.
    pub run: u64,
}

const SEP: char = '\u{1f}';

impl Stamp {
    pub(crate) fn encode(&self, path: &str) -> String {
        format!(
            "{path}{SEP}{}{SEP}{}{SEP}{}{SEP}{}",
            self.size, self.mtime_ns, self.hash, self.run
        )
    }

    pub(crate) fn decode(s: &str) -> Option<(String, Stamp)> {
        let mut parts = s.split(SEP);
        let path = parts.next()?.to_string();
        let size = parts.next()?.parse().ok()?;
        let mtime_ns = parts.next()?.parse().ok()?;
        let hash = parts.next()?.to_string();
        let run = parts.next().and_then(|r| r.parse().ok()).unwrap_or(0);
        Some((
            path,
            Stamp {
                size,
                mtime_ns,
                hash,
                run,
            },
        ))
    }

    pub(crate) fn matches_metadata(&self, f: &SourceFile) -> bool {
        self.size == f.size && self.mtime_ns == f.mtime_ns
    }
}

/// A file whose problems (skips) are remembered across runs, kept in the
/// commit payload because such a file may have no document to carry them.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct FileProblems {
    pub stamp: Stamp,
    pub problems: Vec<Skipped>,
}

impl FileProblems {
    /// A file that could not be read is tried again on every run, though
    /// its size and mtime did not change: permissions are fixed without
    /// touching the file.
    pub fn retry(&self) -> bool {
        self.problems
            .iter()
            .any(|p| matches!(p.reason, crate::ingest::SkipReason::Unreadable(_)))
    }
}
