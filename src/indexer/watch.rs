//! `newsdex index --watch`: index, then watch the corpus (notify) and index
//! again once changes have settled. A file caught half-written is indexed
//! as it was and re-read when its last write settles.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use notify_debouncer_mini::{new_debouncer, notify::RecursiveMode};

use crate::error::{Error, Result};
use crate::indexer::{index_corpus, IndexOptions, IndexSummary, NoProgress};

/// How long the corpus must be quiet before a run starts.
pub const SETTLE: Duration = Duration::from_millis(800);

/// Runs forever (until the process is stopped or the watch fails), calling
/// `report` after each run.
pub fn watch(
    corpus: &Path,
    index_dir: &Path,
    opts: &IndexOptions,
    mut report: impl FnMut(Result<IndexSummary>),
) -> Result<()> {
    let watch_error = |e: notify_debouncer_mini::notify::Error| Error::Io {
        action: "cannot watch",
        path: corpus.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    };
    let (tx, rx) = mpsc::channel();
    let mut debouncer = new_debouncer(SETTLE, tx).map_err(watch_error)?;
    debouncer
        .watcher()
        .watch(corpus, RecursiveMode::Recursive)
        .map_err(watch_error)?;
    let index_abs = index_dir.canonicalize().ok();
    report(index_corpus(corpus, index_dir, opts, &NoProgress));
    for events in rx {
        let Ok(events) = events else { continue };
        // Writes to an index kept inside the corpus are not corpus changes.
        let relevant = events.iter().any(|e| {
            let lock_or_index = index_abs.as_ref().is_some_and(|i| e.path.starts_with(i));
            !lock_or_index
        });
        if relevant {
            report(index_corpus(corpus, index_dir, opts, &NoProgress));
        }
    }
    Ok(())
}
