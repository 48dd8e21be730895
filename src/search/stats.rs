//! Index statistics for `newsdex stats`.

use serde::{Deserialize, Serialize};
use tantivy::collector::Count;
use tantivy::query::AllQuery;

use crate::error::{Error, Result};
use crate::index::schema::names;
use crate::index::NewsIndex;
use crate::search::collect::days::DayHistogram;
use crate::search::collect::facets::FacetOrdCounts;
use crate::search::{Facets, Interval};
use crate::text::dates;

/// What an index holds.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct IndexStats {
    /// Articles in the index.
    pub articles: u64,
    /// Articles without a date.
    pub undated: u64,
    /// Earliest article date, `YYYY-MM-DD`.
    pub first_date: Option<String>,
    /// Latest article date, `YYYY-MM-DD`.
    pub last_date: Option<String>,
    /// Bytes of the index on disk.
    pub index_bytes: u64,
    /// tantivy segments.
    pub segments: usize,
    /// Most frequent entities and articles per month, over the whole index.
    pub top: Facets,
    /// The corpus directory last indexed into it (absolute), when known.
    #[serde(default)]
    pub corpus: Option<String>,
    /// When the index last changed, `YYYY-MM-DD HH:MM:SS UTC`.
    #[serde(default)]
    pub updated: Option<String>,
    /// The number of the `index` run that last changed it (see
    /// `alerts --since-run`).
    #[serde(default)]
    pub last_run: u64,
}

impl NewsIndex {
    /// What the index holds: counts, dates, size, top entities.
    pub fn stats(&self) -> Result<IndexStats> {
        let searcher = self.searcher();
        // A corpus summary is worth its one full pass: exact counts.
        let facets = FacetOrdCounts::for_field(names::ENTITY, self.columns().clone()).exact(true);
        let (count, fc, days) = searcher
            .search(
                &AllQuery,
                &(
                    Count,
                    facets,
                    DayHistogram::for_field(names::DATE, self.columns().clone()),
                ),
            )
            .map_err(Error::tantivy(self.path()))?;
        let payload = self.payload()?;
        Ok(IndexStats {
            corpus: payload.corpus,
            last_run: payload.run,
            updated: payload
                .committed_at
                .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
            articles: count as u64,
            undated: days.undated,
            first_date: days.first().map(dates::format_ymd),
            last_date: days.last().map(dates::format_ymd),
            index_bytes: dir_size(self.path()),
            segments: searcher.segment_readers().len(),
            top: super::facets_of(self, &searcher, &fc, &days, Interval::Month, super::FACET_TOP)?,
        })
    }
}

/// Bytes of the files under `dir` (an index's size on disk).
pub fn dir_size(dir: &std::path::Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}
