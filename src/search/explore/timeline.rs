//! How often a query's matches appear per day, week, month or year.

use tantivy::collector::Count;

use crate::error::{Error, Result};
use crate::index::schema::names;
use crate::index::NewsIndex;
use crate::search::collect::days::DayHistogram;
use crate::search::request::TimelineRequest;
use crate::search::response::{FacetCount, Timeline};

impl NewsIndex {
    /// Matching articles per day, week, month or year.
    pub fn timeline(&self, req: &TimelineRequest) -> Result<Timeline> {
        req.filter.validate()?;
        let searcher = self.searcher();
        let (query, _) = self.build_query(&searcher, &req.filter)?;
        let (total, days) = searcher
            .search(
                &query,
                &(
                    Count,
                    DayHistogram::for_field(names::DATE, self.columns().clone()),
                ),
            )
            .map_err(Error::tantivy(self.path()))?;
        Ok(Timeline {
            query: req.filter.query.clone(),
            total: total as u64,
            undated: days.undated,
            interval: req.interval,
            buckets: days
                .bucketed(req.interval)
                .into_iter()
                .map(|(value, count)| FacetCount { value, count })
                .collect(),
        })
    }
}
