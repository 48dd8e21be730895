//! How a run reports its progress: a typed phase and bytes done, so that a
//! front end (the CLI's bar) can draw it without knowing the pipeline.

/// A stage of an indexing run, in the order they come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Walking the corpus and comparing it with what the index holds.
    Scanning,
    /// Reading, tagging and writing the files that changed.
    Indexing,
    /// Merging segments and waiting for tantivy's merges.
    Merging,
}

impl Phase {
    /// The phase's name, as a progress line shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Scanning => "scanning",
            Phase::Indexing => "indexing",
            Phase::Merging => "merging",
        }
    }
}

/// Receives progress of a run; the CLI draws a bar with it. Calls come from
/// several threads.
pub trait Progress: Sync {
    /// A phase starts; `total` is its size in bytes when known.
    fn phase(&self, _phase: Phase, _total: Option<u64>) {}
    /// `bytes` more of the current phase are done.
    fn advance(&self, _bytes: u64) {}
    /// The run is over.
    fn finish(&self) {}
}

/// A [`Progress`] that reports nothing.
pub struct NoProgress;
impl Progress for NoProgress {}
