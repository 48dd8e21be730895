//! `newsdex index --watch`: index, then watch the corpus (notify) and index
//! again once changes have settled. Only changes to what the corpus holds
//! count: the reads of a run (open, close-after-read, access times) raise
//! events too, and reacting to them would re-index forever. A run that
//! finds nothing changed is not reported. A corpus directory that is
//! removed is waited for and watched again when it comes back.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::{EventKind, MetadataKind, ModifyKind};
use notify::{Event, RecommendedWatcher, RecursiveMode, Watcher};

use crate::error::{Error, Result};
use crate::indexer::{index_corpus, IndexOptions, IndexSummary, NoProgress};

/// How long the corpus must be quiet before a run starts.
pub const SETTLE: Duration = Duration::from_millis(800);

/// How often a removed corpus directory is looked for.
const RETURN_POLL: Duration = Duration::from_millis(500);

/// What the watch tells its caller.
#[derive(Debug)]
pub enum WatchReport {
    /// A run finished (the first run always; later ones when they changed
    /// something or failed).
    Run(Box<Result<IndexSummary>>),
    /// The corpus directory is gone; the watch waits for it.
    CorpusGone(PathBuf),
    /// The corpus directory is back and watched again.
    CorpusBack(PathBuf),
}

/// True for an event that may change what the corpus holds.
fn changes_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        // Attribute changes count: a file made readable must be read again.
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Modify(_) => true,
        // Backend notices (a rescan after an overflowed queue) and unknown
        // kinds: a run finds out what, if anything, changed.
        EventKind::Any | EventKind::Other => true,
    }
}

fn watch_error(corpus: &Path, e: notify::Error) -> Error {
    Error::Io {
        action: "cannot watch",
        path: corpus.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    }
}

/// True when the summary says the run changed the index.
fn changed(s: &IndexSummary) -> bool {
    s.full || s.added + s.updated + s.removed > 0
}

/// Runs forever (until the process is stopped or the watch fails), calling
/// `report` after the first run, after each later run that changed the
/// index or failed, and when the corpus directory goes or comes back.
pub fn watch(
    corpus: &Path,
    index_dir: &Path,
    opts: &IndexOptions,
    mut report: impl FnMut(WatchReport),
) -> Result<()> {
    let (tx, rx) = mpsc::channel();
    let mut watcher: RecommendedWatcher = notify::recommended_watcher(move |e| {
        let _ = tx.send(e);
    })
    .map_err(|e| watch_error(corpus, e))?;
    watcher
        .watch(corpus, RecursiveMode::Recursive)
        .map_err(|e| watch_error(corpus, e))?;
    report(WatchReport::Run(Box::new(index_corpus(
        corpus,
        index_dir,
        opts,
        &NoProgress,
    ))));
    // Later runs are incremental: `--full` rebuilds once, at the start.
    let later = IndexOptions {
        full: false,
        ..opts.clone()
    };
    let index_abs = index_dir.canonicalize().ok();
    let relevant = |e: &Event| {
        changes_content(&e.kind)
            && (e.paths.is_empty()
                || e.paths.iter().any(|p| {
                    // Writes to an index kept inside the corpus are not corpus changes.
                    !index_abs.as_ref().is_some_and(|i| p.starts_with(i))
                }))
    };
    loop {
        if !corpus.exists() {
            report(WatchReport::CorpusGone(corpus.to_path_buf()));
            while !corpus.exists() {
                std::thread::sleep(RETURN_POLL);
            }
            let _ = watcher.unwatch(corpus);
            watcher
                .watch(corpus, RecursiveMode::Recursive)
                .map_err(|e| watch_error(corpus, e))?;
            report(WatchReport::CorpusBack(corpus.to_path_buf()));
            settle(&rx, &relevant, corpus);
        } else if !next_change(&rx, &relevant, corpus) {
            continue;
        }
        if !corpus.exists() {
            continue;
        }
        let result = index_corpus(corpus, index_dir, &later, &NoProgress);
        if result.as_ref().map_or(true, changed) {
            report(WatchReport::Run(Box::new(result)));
        }
    }
}

/// Waits for a change and then for the corpus to settle. False when the
/// wait ended because the corpus directory went away.
fn next_change(
    rx: &Receiver<notify::Result<Event>>,
    relevant: &impl Fn(&Event) -> bool,
    corpus: &Path,
) -> bool {
    loop {
        match rx.recv_timeout(RETURN_POLL) {
            // An error from the backend (a lost event) is a reason to look.
            Ok(Err(_)) => break,
            Ok(Ok(e)) if relevant(&e) => break,
            Ok(Ok(_)) => {}
            Err(RecvTimeoutError::Timeout) => {
                if !corpus.exists() {
                    return false;
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                // The watcher is gone; nothing more will come.
                std::thread::sleep(RETURN_POLL);
            }
        }
    }
    settle(rx, relevant, corpus);
    true
}

/// Returns once no relevant event has come for [`SETTLE`].
fn settle(rx: &Receiver<notify::Result<Event>>, relevant: &impl Fn(&Event) -> bool, corpus: &Path) {
    let mut quiet_since = Instant::now();
    loop {
        let left = SETTLE.saturating_sub(quiet_since.elapsed());
        if left.is_zero() || !corpus.exists() {
            return;
        }
        match rx.recv_timeout(left) {
            Ok(Ok(e)) if !relevant(&e) => {}
            Ok(_) => quiet_since = Instant::now(),
            Err(RecvTimeoutError::Timeout) => return,
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, RemoveKind};

    #[test]
    fn reads_are_not_changes_and_writes_are() {
        assert!(!changes_content(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!changes_content(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(!changes_content(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::AccessTime
        ))));
        assert!(changes_content(&EventKind::Create(CreateKind::File)));
        assert!(changes_content(&EventKind::Remove(RemoveKind::Any)));
        assert!(changes_content(&EventKind::Modify(ModifyKind::Data(
            DataChange::Any
        ))));
        assert!(changes_content(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::Permissions
        ))));
    }
}
