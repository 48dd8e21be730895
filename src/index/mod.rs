//! Layer 2: the on-disk index that the write path ([`crate::indexer`]) and
//! the read path ([`crate::search`]) share. Opening and creating it, with the
//! schema-version check that keeps an index from another version from being
//! misread; the schema, the document mapping, the commit payload, the
//! per-segment column caches and the writer lock live in its modules.

pub(crate) mod analysis;
pub(crate) mod columns;
pub(crate) mod document;
pub(crate) mod lock;
pub(crate) mod names;
pub(crate) mod payload;
pub(crate) mod schema;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, ReloadPolicy, Searcher};

use crate::error::{Error, Result};
use columns::ColumnCache;
use payload::CommitPayload;
use schema::{Fields, SCHEMA_VERSION};

/// An opened newsdex index: the tantivy index, its fields and a reader that
/// follows new commits.
pub struct NewsIndex {
    index: Index,
    fields: Fields,
    reader: IndexReader,
    path: PathBuf,
    /// Opened string columns, per segment.
    columns: Arc<ColumnCache>,
}

impl std::fmt::Debug for NewsIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewsIndex").field("path", &self.path).finish()
    }
}

/// Removes the files of a tantivy index from `dir` (and nothing else: the
/// directory may hold other files), for a rebuild over an incompatible index.
pub(crate) fn remove_index_files(dir: &Path) -> Result<()> {
    let entries = fs::read_dir(dir).map_err(|source| Error::Io {
        action: "cannot read index directory",
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let stem = name.split('.').next().unwrap_or("");
        let segment_file = stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit());
        if name == "meta.json" || name == ".managed.json" || segment_file {
            fs::remove_file(entry.path()).map_err(|source| Error::Io {
                action: "cannot remove old index file",
                path: entry.path(),
                source,
            })?;
        }
    }
    Ok(())
}

/// Removes the temporary files (`.tmp…`) a killed writer left while it
/// wrote a file atomically. Called under the writer lock, so no live writer
/// owns them.
pub(crate) fn remove_leftover_temp_files(dir: &Path) -> Result<()> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && entry.file_name().to_string_lossy().starts_with(".tmp") {
            fs::remove_file(entry.path()).map_err(|source| Error::Io {
                action: "cannot remove a leftover temporary file",
                path: entry.path(),
                source,
            })?;
        }
    }
    Ok(())
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
            columns: Default::default(),
        })
    }

    /// The payload of the last commit (default for an index never
    /// committed).
    pub(crate) fn payload(&self) -> Result<CommitPayload> {
        let metas = self.index.load_metas().map_err(Error::tantivy(&self.path))?;
        Ok(metas
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
            .unwrap_or_default())
    }

    /// The corpus directory last indexed into this index (absolute), when
    /// its last commit recorded one: article paths are relative to it.
    pub fn corpus(&self) -> Result<Option<PathBuf>> {
        Ok(self.payload()?.corpus.map(PathBuf::from))
    }

    /// The number of the last `index` run that committed (0 for an index
    /// never written): articles carry the run that added or changed them.
    pub fn last_run(&self) -> Result<u64> {
        Ok(self.payload()?.run)
    }

    /// The last run that had committed before `time` (seconds since the
    /// Unix epoch): the runs after it are those since then. 0 when every
    /// remembered run is later.
    pub fn run_before(&self, time: i64) -> Result<u64> {
        let runs = self.payload()?.runs;
        Ok(runs
            .iter()
            .filter(|(_, t)| **t < time)
            .map(|(r, _)| *r)
            .max()
            .unwrap_or(0))
    }

    /// Every article in the index, ordered by id (for exports and checks).
    pub fn articles(&self) -> Result<Vec<crate::Article>> {
        let searcher = self.reader.searcher();
        let mut out = Vec::with_capacity(searcher.num_docs() as usize);
        for (ord, seg) in searcher.segment_readers().iter().enumerate() {
            for doc in 0..seg.max_doc() {
                if seg.is_deleted(doc) {
                    continue;
                }
                let d: tantivy::TantivyDocument = searcher
                    .doc(tantivy::DocAddress::new(ord as u32, doc))
                    .map_err(Error::tantivy(&self.path))?;
                out.push(document::from_document(&self.fields, &d));
            }
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    /// Where the index lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The tantivy index, for the writer and for merges.
    pub(crate) fn tantivy(&self) -> &Index {
        &self.index
    }

    /// The schema's fields.
    pub(crate) fn fields(&self) -> &Fields {
        &self.fields
    }

    /// A searcher over the last commit seen.
    pub(crate) fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// The column caches that outlive a search.
    pub(crate) fn columns(&self) -> &Arc<ColumnCache> {
        &self.columns
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
