//! Typed errors of the library. Each variant says what failed and where, so the
//! binary can print it as-is and pick an exit code from its kind.

use std::path::PathBuf;

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No index exists at the given location.
    #[error("no newsdex index at {path} (build one with `newsdex index CORPUS --index {path}`)")]
    IndexNotFound {
        /// Where one was looked for.
        path: PathBuf,
    },

    /// The index was written by an incompatible version of newsdex.
    #[error(
        "the index at {path} was written with schema version {found}, this newsdex reads version {expected}; \
         rebuild it with `newsdex index CORPUS --index {path} --full`"
    )]
    SchemaMismatch {
        /// The index.
        path: PathBuf,
        /// The version it was written with.
        found: String,
        /// The version this newsdex reads.
        expected: u32,
    },

    /// The corpus directory cannot be read.
    #[error("cannot read corpus {path}: {source}")]
    Corpus {
        /// The corpus.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },

    /// A file or directory operation on the index location failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done ("cannot create index directory").
        action: &'static str,
        /// To what.
        path: PathBuf,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },

    /// Another process is writing the index.
    #[error("index {path} is being updated by {holder}; rerun with --wait to wait for it")]
    Busy {
        /// The index.
        path: PathBuf,
        /// Who holds it (pid, start time).
        holder: String,
    },

    /// The query string does not parse; `column` (1-based) is where.
    #[error("invalid query at column {column}: {message}: {}", crate::query::excerpt(.query, *.column))]
    Query {
        /// The query as given.
        query: String,
        /// Where the problem is, 1-based.
        column: usize,
        /// What the problem is.
        message: String,
    },

    /// A person, organisation, place or source filter names nothing in the
    /// index; `suggestions` are close names that exist.
    #[error("no {kind} named {name:?} in the index{}", did_you_mean(.suggestions))]
    UnknownName {
        /// `person`, `org`, `place` or `source`.
        kind: &'static str,
        /// The name as given.
        name: String,
        /// Close names in the index, closest first.
        suggestions: Vec<String>,
    },

    /// No article has this id.
    #[error("no article with id {id:?}")]
    UnknownId {
        /// The id as given.
        id: String,
    },

    /// A request parameter is out of range or malformed (a date, a limit...).
    #[error("invalid {what}: {message}")]
    InvalidArgument {
        /// Which parameter.
        what: &'static str,
        /// What is wrong with it.
        message: String,
    },

    /// tantivy failed while reading or writing the index at `path`.
    #[error("index {path}: {source}")]
    Tantivy {
        /// The index.
        path: PathBuf,
        /// tantivy's error.
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

impl From<crate::text::dates::DateError> for Error {
    fn from(e: crate::text::dates::DateError) -> Self {
        Error::InvalidArgument {
            what: e.what,
            message: e.to_string(),
        }
    }
}

/// Result alias of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::dates::{parse_user_date, today, Side};

    #[test]
    fn a_bad_user_date_is_a_usage_error_naming_the_option() {
        let err: Error = parse_user_date("--since", "March", Side::Start, today())
            .unwrap_err()
            .into();
        assert!(err.is_usage());
        assert!(
            err.to_string()
                .starts_with("invalid --since: \"March\" is not a date"),
            "{err}"
        );
    }
}
