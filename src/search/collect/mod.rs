//! tantivy collectors of the read path, one per file: entity facet counts,
//! the day histogram and the set of matches.

pub(crate) mod days;
pub(crate) mod facets;
pub(crate) mod matches;
