//! newsdex: a search engine for news archives.
//!
//! It reads a folder of articles, finds each one's date, title and named
//! entities (people, organisations, places), and builds a [tantivy] index
//! with date and entity facets. Searches are ranked by BM25 and come back
//! with highlighted snippets, date and entity filters, and facet counts.
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

pub mod analysis;
pub mod article;
pub mod dates;
pub mod dedup;
pub mod entities;
pub mod error;
mod facet_count;
mod histogram;
pub mod index;
pub mod indexer;
pub mod ingest;
pub mod lock;
pub mod query;
pub mod schema;
pub mod search;
mod sentences;
pub mod server;
pub mod snippet;
mod stats;
pub mod watch;

pub use article::Article;
pub use entities::{
    Entities, EntityExtractor, EntityKind, Mention, NoEntities, RuleExtractor, TaggerExtractor,
};
pub use error::{Error, Result};
pub use index::{index_exists, NewsIndex};
pub use indexer::{compact, index_corpus, CompactSummary, IndexOptions, IndexSummary, NoProgress, Progress};
pub use search::{FacetCount, Facets, Hit, SearchRequest, SearchResponse, SortOrder};
pub use stats::{dir_size, IndexStats};
