//! Typed errors of the library. Each variant says what failed and where, so the
//! binary can print it as-is and pick an exit code from its kind.

use std::path::PathBuf;

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No index exists at the given location.
    #[error("no newsdex index at {path} (build one with `newsdex index CORPUS --index {path}`)")]
    IndexNotFound { path: PathBuf },

    /// The index was written by an incompatible version of newsdex.
    #[error(
        "the index at {path} was written with schema version {found}, this newsdex reads version {expected}; \
         rebuild it with `newsdex index CORPUS --index {path} --full`"
    )]
    SchemaMismatch {
        path: PathBuf,
        found: String,
        expected: u32,
    },

    /// The corpus directory cannot be read.
    #[error("cannot read corpus {path}: {source}")]
    Corpus {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A file or directory operation on the index location failed.
    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// Another process is writing the index.
    #[error("index {path} is being updated by {holder}; rerun with --wait to wait for it")]
    Busy { path: PathBuf, holder: String },

    /// The query string does not parse; `column` (1-based) is where.
    #[error("invalid query at column {column}: {message}: {}", crate::query::excerpt(.query, *.column))]
    Query {
        query: String,
        column: usize,
        message: String,
    },

    /// A person, organisation, place or source filter names nothing in the
    /// index; `suggestions` are close names that exist.
    #[error("no {kind} named {name:?} in the index{}", did_you_mean(.suggestions))]
    UnknownName {
        kind: &'static str,
        name: String,
        suggestions: Vec<String>,
    },

    /// No article has this id.
    #[error("no article with id {id:?}")]
    UnknownId { id: String },

    /// A request parameter is out of range or malformed (a date, a limit...).
    #[error("invalid {what}: {message}")]
    InvalidArgument { what: &'static str, message: String },

    /// tantivy failed while reading or writing the index at `path`.
    #[error("index {path}: {source}")]
    Tantivy {
        path: PathBuf,
        #[source]
        source: tantivy::TantivyError,
    },
}

impl Error {
    /// True when the error comes from what the user typed (query, dates,
    /// limits) rather than from the system; the CLI exits 2 for those.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Error::Query { .. }
                | Error::InvalidArgument { .. }
                | Error::UnknownName { .. }
                | Error::UnknownId { .. }
        )
    }

    pub(crate) fn tantivy(path: impl Into<PathBuf>) -> impl FnOnce(tantivy::TantivyError) -> Error {
        let path = path.into();
        move |source| Error::Tantivy { path, source }
    }
}

fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", suggestions.join(", "))
    }
}

/// Result alias of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
