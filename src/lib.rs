//! newsdex: a search engine for news archives.
//!
//! It reads a folder of articles, finds each one's date, title and named
//! entities (people, organisations, places), and builds a [tantivy] index
//! with date and entity facets. Searches are ranked by BM25 and come back
//! with highlighted snippets, date and entity filters, and facet counts.
//!
//! The crate is layered; a module imports only from its own layer or below
//! (`docs/architecture.md` draws it, and `.ci/layers.py` checks it):
//!
//! | layer | modules | what |
//! | --- | --- | --- |
//! | 0 | [`text`], `query` | dates, sentences, SimHash; the query language |
//! | 1 | [`entities`], [`ingest`], [`Article`] | names in text; corpus files into articles |
//! | 2 | `index` | the on-disk index both paths share |
//! | 3 | `indexer` \| [`search`] | the write path and the read path, never importing each other |
//! | 4 | [`server`] (feature `server`) | the HTTP API, through the facade |
//!
//! With `default-features = false` the crate is the engine alone: no web
//! server, no command line, no file watcher, no training code. The features
//! `server`, `watch` and `train` add each; `cli` (the `newsdex` binary)
//! takes them all.
//!
//! ```
//! use newsdex::{index_corpus, IndexOptions, NewsIndex, NoProgress, SearchRequest};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let corpus = tempfile::tempdir()?;
//! std::fs::write(
//!     corpus.path().join("a.txt"),
//!     " date 2023-09-13 Missile launch\n\nNorth Korea fired a ballistic missile, \
//!      Japan's Chief Cabinet Secretary Hirokazu Matsuno said.",
//! )?;
//! let index_dir = tempfile::tempdir()?;
//! let summary = index_corpus(corpus.path(), index_dir.path(), &IndexOptions::default(), &NoProgress)?;
//! assert_eq!(summary.articles, 1);
//!
//! let index = NewsIndex::open(index_dir.path())?;
//! let response = index.search(&SearchRequest::new("ballistic missiles"))?;
//! assert_eq!(response.total, 1);
//! let hit = &response.hits[0];
//! assert_eq!(hit.date.as_deref(), Some("2023-09-13"));
//! assert!(hit.snippet.contains("ballistic missile"));
//! assert_eq!(hit.entities.person, ["Hirokazu Matsuno"]);
//! let places: Vec<&str> = response.facets.place.iter().map(|f| f.value.as_str()).collect();
//! assert_eq!(places, ["Japan", "North Korea"]);
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

pub mod alerts;
pub mod article;
pub mod entities;
pub mod error;
pub mod export;
mod index;
mod indexer;
pub mod ingest;
mod query;
pub mod search;
#[cfg(feature = "server")]
pub mod server;
pub mod text;

pub use article::Article;
pub use entities::{
    Entities, EntityExtractor, EntityKind, Mention, NoEntities, RuleExtractor, TaggerExtractor,
};
pub use error::{Error, Result};
pub use index::lock::{LockHolder, LOCK_FILE};
pub use index::{index_exists, NewsIndex};
#[cfg(feature = "watch")]
pub use indexer::watch;
pub use indexer::{
    compact, index_corpus, CompactSummary, IndexOptions, IndexSummary, NoProgress, Phase, Progress,
    DEFAULT_SECONDS_PER_FILE,
};
pub use search::{
    dir_size, ArticleView, DuplicateOf, EntitiesRequest, Explain, FacetCount, Facets, Filter, Hit,
    IndexStats, Interval, Ranking, Relaxation, Relaxed, SearchRequest, SearchResponse, SimilarRequest,
    SortOrder, Suggestion, TimelineRequest,
};
pub use text::dates;
