//! Saved searches and their alerts. A saved search is a query with the
//! filters `search` takes, kept beside the index in [`SAVED_FILE`] so that
//! the CLI, the library and the server see one list. Every article records
//! the `index` run that added or changed it, so a search's new matches are
//! its matches from runs after the last one it reported: a run killed
//! before it reported leaves them for the next, and a report marks them
//! reported, so nothing is said twice.

mod store;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::search::{Filter, Hit, SearchRequest, SortOrder};
use crate::NewsIndex;
pub use store::{SavedSearch, SavedSearches, SAVED_FILE};

/// Most new matches listed per search in one report; `total` counts all.
pub const ALERT_HITS: usize = 100;

/// The new matches of one saved search.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Alert {
    /// The saved search.
    pub name: String,
    /// Its query.
    pub query: String,
    /// Matches of runs after this one are new.
    pub after_run: u64,
    /// The last run of the index.
    pub to_run: u64,
    /// New matching articles.
    pub total: u64,
    /// The newest of them first (at most [`ALERT_HITS`]).
    pub hits: Vec<Hit>,
}

/// The matches of `search` that runs after `after_run` added or changed.
pub fn new_matches(index: &NewsIndex, search: &SavedSearch, after_run: u64, limit: usize) -> Result<Alert> {
    let mut filter: Filter = search.filter()?;
    filter.after_run = Some(after_run);
    let req = SearchRequest {
        filter,
        sort: SortOrder::Date,
        limit,
        collapse: false,
        forgiving: false,
        ..SearchRequest::default()
    };
    let r = index.search(&req)?;
    Ok(Alert {
        name: search.name.clone(),
        query: search.query.clone(),
        after_run,
        to_run: index.last_run()?,
        total: r.total,
        hits: r.hits,
    })
}

/// Where a report of alerts starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Since {
    /// After the last run each search reported.
    Reported,
    /// After this run.
    Run(u64),
}

/// The new matches of each saved search (of `only` the one named, when
/// given) that has some.
pub fn alerts(
    index: &NewsIndex,
    saved: &SavedSearches,
    only: Option<&str>,
    since: Since,
) -> Result<Vec<Alert>> {
    let searches = match only {
        Some(name) => vec![saved.get(name)?],
        None => saved.list()?,
    };
    let mut out = Vec::new();
    for s in &searches {
        let after = match since {
            Since::Reported => s.reported_run,
            Since::Run(n) => n,
        };
        let alert = new_matches(index, s, after, ALERT_HITS)?;
        if alert.total > 0 {
            out.push(alert);
        }
    }
    Ok(out)
}

/// Reports the new matches of every saved search: hands them to
/// `deliver`, and when it says they were delivered, marks each search
/// reported up to the index's last run. All under the saved searches'
/// lock, so that two reporters cannot both report the same matches; a
/// reporter that fails or dies before the mark leaves them for the next.
pub fn report(
    index: &NewsIndex,
    saved: &SavedSearches,
    deliver: impl FnOnce(&[Alert]) -> bool,
) -> Result<bool> {
    let run = index.last_run()?;
    saved.update(|list| {
        let mut found = Vec::new();
        for s in list.iter() {
            let alert = new_matches(index, s, s.reported_run, ALERT_HITS)?;
            if alert.total > 0 {
                found.push(alert);
            }
        }
        if !deliver(&found) {
            return Err(crate::Error::InvalidArgument {
                what: "alerts",
                message: "they were not delivered and stay unreported".into(),
            });
        }
        for s in list.iter_mut() {
            s.reported_run = s.reported_run.max(run);
        }
        Ok(true)
    })
}
