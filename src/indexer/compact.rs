//! Merging an index's segments into one, under the writer lock.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;
use tantivy::IndexWriter;

use crate::error::{Error, Result};
use crate::index::lock::WriterLock;
use crate::index::NewsIndex;

/// What `compact` did.
#[derive(Clone, Debug, Serialize)]
pub struct CompactSummary {
    /// Segments before the merge.
    pub segments_before: usize,
    /// Segments after it (one, or none for an empty index).
    pub segments_after: usize,
    /// Wall time.
    pub seconds: f64,
}

/// Merges every segment of the index into one: after many small incremental
/// runs, searches then touch one segment instead of many. Takes the writer
/// lock like an indexing run.
pub fn compact(index_dir: &Path, wait: bool) -> Result<CompactSummary> {
    let started = Instant::now();
    let news = NewsIndex::open(index_dir)?;
    let _lock = WriterLock::acquire(index_dir, wait)?;
    let ids = news
        .tantivy()
        .searchable_segment_ids()
        .map_err(Error::tantivy(index_dir))?;
    let before = ids.len();
    if before > 1 {
        let mut writer: IndexWriter = news
            .tantivy()
            .writer(64_000_000)
            .map_err(Error::tantivy(index_dir))?;
        writer.merge(&ids).wait().map_err(Error::tantivy(index_dir))?;
        writer.wait_merging_threads().map_err(Error::tantivy(index_dir))?;
    }
    news.reload()?;
    crate::index::names::save(&news)?;
    Ok(CompactSummary {
        segments_before: before,
        segments_after: news
            .tantivy()
            .searchable_segment_ids()
            .map_err(Error::tantivy(index_dir))?
            .len(),
        seconds: started.elapsed().as_secs_f64(),
    })
}
