//! Building the index from a corpus: discover files, parse and tag them on
//! all cores, and commit once, atomically (readers see the old index until
//! the new one is complete).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use tantivy::schema::Facet;
use tantivy::{IndexWriter, TantivyDocument};

use crate::article::Article;
use crate::dates;
use crate::entities::{Entities, EntityExtractor, EntityKind, RuleExtractor};
use crate::error::{Error, Result};
use crate::index::{CommitPayload, NewsIndex};
use crate::ingest::{self, FieldMap, Skipped};
use crate::schema::{Fields, SCHEMA_VERSION};

/// Settings of an indexing run.
#[derive(Clone)]
pub struct IndexOptions {
    /// Entity tagger applied to every article.
    pub extractor: Arc<dyn EntityExtractor>,
    /// Memory tantivy may use for buffering, in bytes (split across threads).
    pub memory_budget: usize,
    /// Indexing threads; 0 means one per core.
    pub threads: usize,
    /// Files larger than this are skipped.
    pub max_file_bytes: u64,
    /// Where to find article fields in JSON records.
    pub fields: FieldMap,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            extractor: Arc::new(RuleExtractor::new()),
            memory_budget: 256 * 1024 * 1024,
            threads: 0,
            max_file_bytes: ingest::DEFAULT_MAX_FILE_BYTES,
            fields: FieldMap::default(),
        }
    }
}

/// Receives progress of a run; the CLI draws a bar with it. Calls come from
/// several threads.
pub trait Progress: Sync {
    /// A phase starts; `total` is its size in bytes when known.
    fn phase(&self, _name: &'static str, _total: Option<u64>) {}
    /// `bytes` more of the current phase are done.
    fn advance(&self, _bytes: u64) {}
    /// The run is over.
    fn finish(&self) {}
}

/// A [`Progress`] that reports nothing.
pub struct NoProgress;
impl Progress for NoProgress {}

/// What a run did, as printed by `newsdex index` (and `--json`).
#[derive(Clone, Debug, Serialize)]
pub struct IndexSummary {
    pub index: PathBuf,
    pub corpus: PathBuf,
    /// Articles in the index after the run.
    pub articles: u64,
    /// Articles with a headline and no body text.
    pub headline_only: u64,
    /// Articles without a date.
    pub undated: u64,
    /// Files read.
    pub files: u64,
    /// Bytes of the files read.
    pub bytes: u64,
    pub seconds: f64,
    pub mb_per_sec: f64,
    /// Files passed over because their extension says they are not articles.
    pub ignored: u64,
    /// Count of skipped files per reason.
    pub skipped_by_reason: BTreeMap<String, u64>,
    /// Every skipped file, with its reason.
    pub skipped: Vec<Skipped>,
}

/// Indexes every article under `corpus` into the index at `index_dir`,
/// replacing what the index held.
pub fn index_corpus(
    corpus: &Path,
    index_dir: &Path,
    opts: &IndexOptions,
    progress: &dyn Progress,
) -> Result<IndexSummary> {
    let started = Instant::now();
    progress.phase("scanning", None);
    let discovery = ingest::discover(corpus, opts.max_file_bytes)?;
    let news = NewsIndex::create_or_open(index_dir)?;
    let threads = if opts.threads == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        opts.threads
    };
    // tantivy needs at least 15 MB per thread.
    let budget = opts.memory_budget.max(threads * 16_000_000);
    let mut writer: IndexWriter = news
        .index
        .writer_with_num_threads(threads, budget)
        .map_err(Error::tantivy(index_dir))?;
    writer.delete_all_documents().map_err(Error::tantivy(index_dir))?;

    let total_bytes: u64 = discovery.files.iter().map(|f| f.size).sum();
    progress.phase("indexing", Some(total_bytes));
    let counters = Counters::default();
    let skipped = Mutex::new(discovery.skipped);
    let failure: Mutex<Option<tantivy::TantivyError>> = Mutex::new(None);
    let add = |mut article: Article| {
        let mentions = opts.extractor.extract(&article.entity_text());
        article.entities = Entities::from_mentions(&mentions);
        counters.count(&article);
        if let Err(e) = writer.add_document(to_document(&news.fields, &article)) {
            failure.lock().unwrap().get_or_insert(e);
        }
    };
    discovery.files.par_iter().for_each(|file| {
        let parsed = ingest::read_articles(file, &opts.fields);
        if !parsed.articles.is_empty() {
            counters.files.fetch_add(1, Ordering::Relaxed);
            counters.bytes.fetch_add(file.size, Ordering::Relaxed);
        }
        if !parsed.problems.is_empty() {
            skipped.lock().unwrap().extend(parsed.problems);
        }
        // A large multi-article file (JSONL) is tagged on every core too.
        if parsed.articles.len() > 64 {
            parsed.articles.into_par_iter().for_each(add);
        } else {
            parsed.articles.into_iter().for_each(add);
        }
        progress.advance(file.size);
    });
    if let Some(e) = failure.into_inner().unwrap() {
        return Err(Error::Tantivy {
            path: index_dir.to_path_buf(),
            source: e,
        });
    }

    progress.phase("committing", None);
    let payload = serde_json::to_string(&CommitPayload {
        schema_version: SCHEMA_VERSION,
    })
    .expect("payload serialises");
    let mut prepared = writer.prepare_commit().map_err(Error::tantivy(index_dir))?;
    prepared.set_payload(&payload);
    prepared.commit().map_err(Error::tantivy(index_dir))?;
    writer.wait_merging_threads().map_err(Error::tantivy(index_dir))?;
    progress.finish();

    let mut skipped = skipped.into_inner().unwrap();
    skipped.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    let mut skipped_by_reason = BTreeMap::new();
    for s in &skipped {
        *skipped_by_reason.entry(s.reason.key().to_string()).or_insert(0) += 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    let bytes = counters.bytes.load(Ordering::Relaxed);
    Ok(IndexSummary {
        index: index_dir.to_path_buf(),
        corpus: corpus.to_path_buf(),
        articles: counters.articles.load(Ordering::Relaxed),
        headline_only: counters.headline_only.load(Ordering::Relaxed),
        undated: counters.undated.load(Ordering::Relaxed),
        files: counters.files.load(Ordering::Relaxed),
        bytes,
        seconds,
        mb_per_sec: if seconds > 0.0 {
            bytes as f64 / 1e6 / seconds
        } else {
            0.0
        },
        ignored: discovery.ignored,
        skipped_by_reason,
        skipped,
    })
}

#[derive(Default)]
struct Counters {
    articles: AtomicU64,
    headline_only: AtomicU64,
    undated: AtomicU64,
    files: AtomicU64,
    bytes: AtomicU64,
}

impl Counters {
    fn count(&self, a: &Article) {
        self.articles.fetch_add(1, Ordering::Relaxed);
        if a.body.is_empty() {
            self.headline_only.fetch_add(1, Ordering::Relaxed);
        }
        if a.date.is_none() {
            self.undated.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The tantivy document of an article.
pub(crate) fn to_document(f: &Fields, a: &Article) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, &a.id);
    doc.add_text(f.path, &a.path);
    doc.add_text(f.title, &a.title);
    doc.add_text(f.body, &a.body);
    for (field, value) in [(f.source, &a.source), (f.author, &a.author), (f.url, &a.url)] {
        if let Some(v) = value {
            doc.add_text(field, v);
        }
    }
    if let Some(d) = a.date {
        doc.add_date(f.date, dates::to_tantivy(d));
    }
    for kind in EntityKind::ALL {
        for name in a.entities.of_kind(kind) {
            doc.add_facet(f.entity, Facet::from_path([kind.as_str(), name.as_str()]));
            doc.add_text(f.of_kind(kind), name);
        }
    }
    doc
}
