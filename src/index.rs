//! Opening and creating the on-disk index, with the schema-version check that
//! keeps an index from another version from being misread.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, ReloadPolicy};

use crate::error::{Error, Result};
use crate::schema::{self, Fields, SCHEMA_VERSION};

/// What newsdex writes into each tantivy commit's payload, so that it is
/// committed atomically with the documents it describes.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct CommitPayload {
    pub schema_version: u32,
}

/// An opened newsdex index: the tantivy index, its fields and a reader that
/// follows new commits.
pub struct NewsIndex {
    pub(crate) index: Index,
    pub(crate) fields: Fields,
    pub(crate) reader: IndexReader,
    pub(crate) path: PathBuf,
}

impl std::fmt::Debug for NewsIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewsIndex").field("path", &self.path).finish()
    }
}

/// True when `dir` holds a tantivy index.
pub fn index_exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

impl NewsIndex {
    /// Opens an existing index for searching.
    pub fn open(dir: impl AsRef<Path>) -> Result<NewsIndex> {
        let dir = dir.as_ref();
        if !index_exists(dir) {
            return Err(Error::IndexNotFound {
                path: dir.to_path_buf(),
            });
        }
        let index = Index::open_in_dir(dir).map_err(Error::tantivy(dir))?;
        Self::from_index(index, dir)
    }

    /// Opens the index at `dir`, creating the directory and an empty index
    /// when there is none.
    pub fn create_or_open(dir: impl AsRef<Path>) -> Result<NewsIndex> {
        let dir = dir.as_ref();
        if index_exists(dir) {
            return Self::open(dir);
        }
        fs::create_dir_all(dir).map_err(|source| Error::Io {
            action: "cannot create index directory",
            path: dir.to_path_buf(),
            source,
        })?;
        let (schema, _) = schema::build_schema();
        let mmap = MmapDirectory::open(dir).map_err(|e| Error::Tantivy {
            path: dir.to_path_buf(),
            source: e.into(),
        })?;
        let index = Index::create(mmap, schema, Default::default()).map_err(Error::tantivy(dir))?;
        Self::from_index(index, dir)
    }

    fn from_index(index: Index, dir: &Path) -> Result<NewsIndex> {
        let mismatch = |found: String| Error::SchemaMismatch {
            path: dir.to_path_buf(),
            found,
            expected: SCHEMA_VERSION,
        };
        let metas = index.load_metas().map_err(Error::tantivy(dir))?;
        match metas.payload.as_deref() {
            Some(p) => {
                let payload: CommitPayload =
                    serde_json::from_str(p).map_err(|_| mismatch("unknown (not a newsdex index)".into()))?;
                if payload.schema_version != SCHEMA_VERSION {
                    return Err(mismatch(payload.schema_version.to_string()));
                }
            }
            None if !metas.segments.is_empty() => {
                return Err(mismatch("unknown (not a newsdex index)".into()));
            }
            None => {}
        }
        let fields =
            Fields::from_schema(&index.schema()).map_err(|_| mismatch("unknown (fields differ)".into()))?;
        schema::register_tokenizers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(Error::tantivy(dir))?;
        Ok(NewsIndex {
            index,
            fields,
            reader,
            path: dir.to_path_buf(),
        })
    }

    /// Where the index lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of articles as of the last commit seen.
    pub fn num_articles(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Sees the latest commit now rather than after the reload delay.
    pub fn reload(&self) -> Result<()> {
        self.reader.reload().map_err(Error::tantivy(&self.path))
    }
}
