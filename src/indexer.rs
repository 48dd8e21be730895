//! Building and updating the index from a corpus.
//!
//! Runs are incremental: every document carries a stamp of its source file
//! (path, size, mtime, BLAKE3 of the bytes) in a fast field, so the record of
//! what was indexed is committed atomically with the documents themselves and
//! the two can never disagree. A run re-reads only files whose size or mtime
//! changed (and re-indexes them only when their bytes changed), replaces all
//! articles of a changed file, and deletes those of removed files.
//!
//! Crash safety: work is committed in batches that hold whole files, so any
//! commit is a consistent state of some files; a run killed at any instant
//! leaves the last commit, and the next run converges from it. While a batch
//! is committed, the next batch's first files are read and tagged, but only
//! written with that batch.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tantivy::{IndexWriter, TantivyDocument, Term};

use crate::article::Article;
use crate::dates;
use crate::dedup;
use crate::entities::{Entities, EntityExtractor, EntityKind, TaggerExtractor};
use crate::error::{Error, Result};
use crate::index::{CommitPayload, NewsIndex};
use crate::ingest::{self, FieldMap, SkipReason, Skipped, SourceFile};
use crate::lock::WriterLock;
use crate::schema::{self, Fields, SCHEMA_VERSION};

/// Settings of an indexing run.
#[derive(Clone)]
pub struct IndexOptions {
    /// Entity tagger applied to every article.
    pub extractor: Arc<dyn EntityExtractor>,
    /// Memory tantivy may use for buffering, in bytes (split across threads).
    pub memory_budget: usize,
    /// Indexing threads; 0 means one per core, or one per two cores when
    /// the extractor [is heavy](EntityExtractor::is_heavy).
    pub threads: usize,
    /// Files larger than this are skipped.
    pub max_file_bytes: u64,
    /// Where to find article fields in JSON records.
    pub fields: FieldMap,
    /// Rebuild from scratch instead of updating.
    pub full: bool,
    /// Commit after this many files have been read, so that a killed run
    /// keeps its work.
    pub commit_every: usize,
    /// Wait for another writer instead of failing with [`Error::Busy`].
    pub wait: bool,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            extractor: Arc::new(TaggerExtractor::shipped()),
            memory_budget: 256 * 1024 * 1024,
            threads: 0,
            max_file_bytes: ingest::DEFAULT_MAX_FILE_BYTES,
            fields: FieldMap::default(),
            full: false,
            commit_every: 10_000,
            wait: false,
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
    /// True when the run rebuilt the index from scratch.
    pub full: bool,
    /// Articles in the index after the run.
    pub articles: u64,
    /// Source files new since the last run.
    pub added: u64,
    /// Source files whose content changed.
    pub updated: u64,
    /// Source files gone since the last run (their articles were deleted).
    pub removed: u64,
    /// Source files left as they were.
    pub unchanged: u64,
    /// Articles indexed by this run with a headline and no body text.
    pub headline_only: u64,
    /// Articles indexed by this run without a date.
    pub undated: u64,
    /// Files read by this run.
    pub files: u64,
    /// Bytes of the files read.
    pub bytes: u64,
    pub seconds: f64,
    pub mb_per_sec: f64,
    /// Commits made by the run.
    pub commits: u64,
    /// Files passed over because their extension says they are not articles.
    pub ignored: u64,
    /// Count of skipped files (or records) per reason.
    pub skipped_by_reason: BTreeMap<String, u64>,
    /// Every skipped file or record, with its reason, including those of
    /// unchanged files skipped by earlier runs.
    pub skipped: Vec<Skipped>,
}

/// What the index records of one source file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamp {
    pub size: u64,
    pub mtime_ns: i64,
    pub hash: String,
}

const SEP: char = '\u{1f}';

impl Stamp {
    fn encode(&self, path: &str) -> String {
        format!("{path}{SEP}{}{SEP}{}{SEP}{}", self.size, self.mtime_ns, self.hash)
    }

    fn decode(s: &str) -> Option<(String, Stamp)> {
        let mut parts = s.split(SEP);
        let path = parts.next()?.to_string();
        let size = parts.next()?.parse().ok()?;
        let mtime_ns = parts.next()?.parse().ok()?;
        let hash = parts.next()?.to_string();
        Some((path, Stamp { size, mtime_ns, hash }))
    }

    fn matches_metadata(&self, f: &SourceFile) -> bool {
        self.size == f.size && self.mtime_ns == f.mtime_ns
    }
}

/// A file whose problems (skips) are remembered across runs, kept in the
/// commit payload because such a file may have no document to carry them.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct FileProblems {
    pub stamp: Stamp,
    pub problems: Vec<Skipped>,
}

impl NewsIndex {
    /// The stamp of every source file that has documents in the index.
    pub(crate) fn source_stamps(&self) -> Result<HashMap<String, Stamp>> {
        let searcher = self.reader.searcher();
        let mut out = HashMap::new();
        for seg in searcher.segment_readers() {
            let Some(column) = seg
                .fast_fields()
                .str(crate::schema::names::SRC_STAMP)
                .map_err(Error::tantivy(&self.path))?
            else {
                continue;
            };
            // Mark the stamps of live documents, then read those stamps in one
            // pass over the dictionary (decoding terms one by one would
            // decompress a block per term).
            let dict = column.dictionary();
            let mut live = vec![false; dict.num_terms()];
            for doc in 0..seg.max_doc() {
                if !seg.is_deleted(doc) {
                    for ord in column.term_ords(doc) {
                        live[ord as usize] = true;
                    }
                }
            }
            let mut terms = dict.stream().map_err(|e| Error::tantivy(&self.path)(e.into()))?;
            while terms.advance() {
                if live[terms.term_ord() as usize] {
                    let text = String::from_utf8_lossy(terms.key());
                    if let Some((path, stamp)) = Stamp::decode(&text) {
                        out.insert(path, stamp);
                    }
                }
            }
        }
        Ok(out)
    }
}

/// tantivy's indexing threads: as asked, else one per core, or one per two
/// cores beside a heavy extractor (see [`EntityExtractor::is_heavy`]).
fn indexing_threads(asked: usize, cores: usize, heavy_extractor: bool) -> usize {
    match asked {
        0 if heavy_extractor => (cores / 2).max(1),
        0 => cores,
        n => n,
    }
}

/// Indexes the articles under `corpus` (a directory or a single file) into
/// the index at `index_dir`: incrementally, or from scratch with
/// [`IndexOptions::full`].
pub fn index_corpus(
    corpus: &Path,
    index_dir: &Path,
    opts: &IndexOptions,
    progress: &dyn Progress,
) -> Result<IndexSummary> {
    let started = Instant::now();
    let _lock = WriterLock::acquire(index_dir, opts.wait)?;
    progress.phase("scanning", None);
    let discovery = ingest::discover(corpus, opts.max_file_bytes)?;
    let news = match NewsIndex::create_or_open(index_dir) {
        Err(Error::SchemaMismatch { .. }) if opts.full => {
            crate::index::remove_index_files(index_dir)?;
            NewsIndex::create_or_open(index_dir)?
        }
        other => other?,
    };
    news.reload()?;
    let (stamps, old_problems) = if opts.full {
        (HashMap::new(), BTreeMap::new())
    } else {
        (news.source_stamps()?, news.payload()?.problems)
    };

    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let threads = indexing_threads(opts.threads, cores, opts.extractor.is_heavy());
    // tantivy needs at least 15 MB per thread.
    let budget = opts.memory_budget.max(threads * 16_000_000);
    let mut writer: IndexWriter = news
        .index
        .writer_with_num_threads(threads, budget)
        .map_err(Error::tantivy(index_dir))?;
    if opts.full {
        writer.delete_all_documents().map_err(Error::tantivy(index_dir))?;
    }

    // Sort the files: unchanged ones are not even opened.
    let mut run = Run::new(news.fields.clone());
    let mut problems: BTreeMap<String, FileProblems> = BTreeMap::new();
    let mut to_read: Vec<&SourceFile> = Vec::new();
    let mut present: HashSet<&str> = HashSet::new();
    for file in &discovery.files {
        present.insert(&file.rel);
        let known = stamps.get(&file.rel);
        let known_problem = old_problems.get(&file.rel);
        match (known, known_problem) {
            (Some(s), p) if s.matches_metadata(file) && p.is_none_or(|p| p.stamp.matches_metadata(file)) => {
                if let Some(p) = p {
                    problems.insert(file.rel.clone(), p.clone());
                }
                run.unchanged += 1;
            }
            (None, Some(p)) if p.stamp.matches_metadata(file) => {
                problems.insert(file.rel.clone(), p.clone());
                run.unchanged += 1;
            }
            _ => to_read.push(file),
        }
    }
    // Files gone since the last run.
    let removed: Vec<&String> = stamps.keys().filter(|p| !present.contains(p.as_str())).collect();
    for path in &removed {
        writer.delete_term(Term::from_field_text(news.fields.src_path, path));
    }
    run.removed = removed.len() as u64;

    // A run that rewrites most of the index merges it into one segment at the
    // end (below); the merge policy stays out of its way meanwhile.
    let bulk = opts.full || to_read.len() * 2 > discovery.files.len();
    if bulk {
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    }
    let total_bytes: u64 = to_read.iter().map(|f| f.size).sum();
    progress.phase("indexing", Some(total_bytes));
    let problems = Mutex::new(problems);
    let record = |file: &SourceFile, outcome: Option<FileProblems>| {
        let mut problems = problems.lock().unwrap();
        problems.remove(&file.rel);
        if let Some(p) = outcome {
            problems.insert(file.rel.clone(), p);
        }
        progress.advance(file.size);
    };
    let batches: Vec<&[&SourceFile]> = to_read.chunks(opts.commit_every.max(1)).collect();
    // Files of the current batch read and tagged while the last one was
    // committed, by their place in the batch.
    let mut ahead: Vec<(usize, ReadAhead)> = Vec::new();
    for (k, batch) in batches.iter().enumerate() {
        let mut done = vec![false; batch.len()];
        for (i, read) in ahead.drain(..) {
            done[i] = true;
            let outcome = run
                .add_read_ahead(&writer, batch[i], read)
                .map_err(Error::tantivy(index_dir))?;
            record(batch[i], outcome);
        }
        batch
            .par_iter()
            .zip(&done)
            .filter(|(_, done)| !**done)
            .try_for_each(|(file, _)| {
                let outcome = run.index_file(&writer, file, stamps.get(&file.rel), opts)?;
                record(file, outcome);
                Ok::<(), tantivy::TantivyError>(())
            })
            .map_err(Error::tantivy(index_dir))?;
        // A commit keeps one core writing segments and none tagging: the
        // next batch's first files are read and tagged meanwhile.
        let busy = AtomicBool::new(true);
        ahead = std::thread::scope(|s| {
            let reader = batches
                .get(k + 1)
                .map(|next| s.spawn(|| run.read_ahead(next, &busy, &stamps, opts)));
            let committed = commit(&mut writer, &problems.lock().unwrap(), index_dir);
            busy.store(false, Ordering::Relaxed);
            let ahead = reader.map_or_else(Vec::new, |r| {
                r.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            });
            committed.map(|()| ahead)
        })?;
        run.commits += 1;
    }
    if run.commits == 0 && (run.removed > 0 || opts.full || news.payload()?.schema_version == 0) {
        commit(&mut writer, &problems.lock().unwrap(), index_dir)?;
        run.commits += 1;
    }
    progress.phase("merging", None);
    // A run that (re)wrote most of the index leaves one segment: searches
    // are fastest on it, and the next small run is not left to pay for a
    // large merge the policy would start then.
    if bulk {
        let ids = news
            .index
            .searchable_segment_ids()
            .map_err(Error::tantivy(index_dir))?;
        if ids.len() > 1 {
            writer.merge(&ids).wait().map_err(Error::tantivy(index_dir))?;
        }
    }
    writer.wait_merging_threads().map_err(Error::tantivy(index_dir))?;
    progress.finish();
    news.reload()?;

    let mut skipped: Vec<Skipped> = discovery.skipped;
    skipped.extend(
        problems
            .into_inner()
            .unwrap()
            .into_values()
            .flat_map(|p| p.problems),
    );
    skipped.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    let mut skipped_by_reason = BTreeMap::new();
    for s in &skipped {
        *skipped_by_reason.entry(s.reason.key().to_string()).or_insert(0) += 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    let bytes = run.bytes.load(Ordering::Relaxed);
    Ok(IndexSummary {
        index: index_dir.to_path_buf(),
        corpus: corpus.to_path_buf(),
        full: opts.full,
        articles: news.num_articles(),
        added: run.added.load(Ordering::Relaxed),
        updated: run.updated.load(Ordering::Relaxed),
        removed: run.removed,
        unchanged: run.unchanged + run.touched.load(Ordering::Relaxed),
        headline_only: run.headline_only.load(Ordering::Relaxed),
        undated: run.undated.load(Ordering::Relaxed),
        files: run.files.load(Ordering::Relaxed),
        bytes,
        seconds,
        mb_per_sec: if seconds > 0.0 {
            bytes as f64 / 1e6 / seconds
        } else {
            0.0
        },
        commits: run.commits,
        ignored: discovery.ignored,
        skipped_by_reason,
        skipped,
    })
}

fn commit(writer: &mut IndexWriter, problems: &BTreeMap<String, FileProblems>, dir: &Path) -> Result<()> {
    let payload = serde_json::to_string(&CommitPayload {
        schema_version: SCHEMA_VERSION,
        problems: problems.clone(),
    })
    .expect("payload serialises");
    let mut prepared = writer.prepare_commit().map_err(Error::tantivy(dir))?;
    prepared.set_payload(&payload);
    prepared.commit().map_err(Error::tantivy(dir))?;
    Ok(())
}

/// Counters and the work of one run.
struct Run {
    fields: Fields,
    added: AtomicU64,
    updated: AtomicU64,
    touched: AtomicU64,
    removed: u64,
    unchanged: u64,
    commits: u64,
    headline_only: AtomicU64,
    undated: AtomicU64,
    files: AtomicU64,
    bytes: AtomicU64,
}

impl Run {
    fn new(fields: Fields) -> Run {
        Run {
            fields,
            added: AtomicU64::new(0),
            updated: AtomicU64::new(0),
            touched: AtomicU64::new(0),
            removed: 0,
            unchanged: 0,
            commits: 0,
            headline_only: AtomicU64::new(0),
            undated: AtomicU64::new(0),
            files: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
        }
    }

    /// Reads, hashes and parses one file. An unreadable file has no
    /// articles, and its problem says why.
    fn read(&self, file: &SourceFile, known: Option<&Stamp>, opts: &IndexOptions) -> FileRead {
        let bytes = match std::fs::read(&file.abs) {
            Ok(b) => b,
            Err(e) => {
                // Unreadable now: its old articles go, the reason is kept.
                let stamp = Stamp {
                    size: file.size,
                    mtime_ns: file.mtime_ns,
                    hash: String::new(),
                };
                return FileRead {
                    articles: Vec::new(),
                    encoded: String::new(),
                    problems: Some(FileProblems {
                        stamp,
                        problems: vec![Skipped::new(
                            &file.rel,
                            None,
                            SkipReason::Unreadable(e.to_string()),
                        )],
                    }),
                };
            }
        };
        let stamp = Stamp {
            size: bytes.len() as u64,
            mtime_ns: file.mtime_ns,
            hash: blake3::hash(&bytes).to_hex().to_string(),
        };
        let counter = match known {
            None => &self.added,
            Some(k) if k.hash == stamp.hash => &self.touched,
            Some(_) => &self.updated,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        // Same bytes, new mtime: documents are rewritten so that their
        // stamp carries the new mtime and the file is not hashed again.
        let parsed = ingest::parse_bytes(&file.rel, &bytes, &opts.fields);
        let encoded = stamp.encode(&file.rel);
        let problems = (!parsed.problems.is_empty()).then_some(FileProblems {
            stamp,
            problems: parsed.problems,
        });
        FileRead {
            articles: parsed.articles,
            encoded,
            problems,
        }
    }

    /// The document of one article of `file`, its entities tagged.
    fn document(
        &self,
        file: &SourceFile,
        encoded: &str,
        opts: &IndexOptions,
        mut article: Article,
    ) -> TantivyDocument {
        let mentions = opts.extractor.extract(&article.entity_text());
        article.entities = Entities::from_mentions(&mentions);
        if article.body.is_empty() {
            self.headline_only.fetch_add(1, Ordering::Relaxed);
        }
        if article.date.is_none() {
            self.undated.fetch_add(1, Ordering::Relaxed);
        }
        let mut doc = to_document(&self.fields, &article);
        doc.add_text(self.fields.src_path, &file.rel);
        doc.add_text(self.fields.src_stamp, encoded);
        doc
    }

    /// Reads, parses and (re)indexes one file; returns its problems, if any.
    fn index_file(
        &self,
        writer: &IndexWriter,
        file: &SourceFile,
        known: Option<&Stamp>,
        opts: &IndexOptions,
    ) -> tantivy::Result<Option<FileProblems>> {
        let read = self.read(file, known, opts);
        writer.delete_term(Term::from_field_text(self.fields.src_path, &file.rel));
        let encoded = &read.encoded;
        let add = |article| {
            writer
                .add_document(self.document(file, encoded, opts, article))
                .map(|_| ())
        };
        // A large multi-article file (JSONL) is tagged on every core too.
        if read.articles.len() > 64 {
            read.articles.into_par_iter().try_for_each(add)?;
        } else {
            read.articles.into_iter().try_for_each(add)?;
        }
        Ok(read.problems)
    }

    /// Reads and tags small files of `batch` while the writer is `busy`
    /// committing, so that the cores are not idle meanwhile. Returns them
    /// by their place in `batch`, for [`Run::add_read_ahead`].
    fn read_ahead(
        &self,
        batch: &[&SourceFile],
        busy: &AtomicBool,
        stamps: &HashMap<String, Stamp>,
        opts: &IndexOptions,
    ) -> Vec<(usize, ReadAhead)> {
        let taken = AtomicU64::new(0);
        let out = Mutex::new(Vec::new());
        // Stops (with an `Err`) once the commit is done or the budget spent.
        let _stopped = batch.par_iter().enumerate().try_for_each(|(i, file)| {
            if file.size > READ_AHEAD_FILE_BYTES {
                return Ok(());
            }
            let over = taken.fetch_add(file.size, Ordering::Relaxed) + file.size > READ_AHEAD_BYTES;
            if over || !busy.load(Ordering::Relaxed) {
                return Err(());
            }
            let read = self.read(file, stamps.get(&file.rel), opts);
            let docs = read
                .articles
                .into_iter()
                .map(|a| self.document(file, &read.encoded, opts, a))
                .collect();
            let read = ReadAhead {
                docs,
                problems: read.problems,
            };
            out.lock().unwrap().push((i, read));
            Ok(())
        });
        out.into_inner().unwrap()
    }

    /// Adds a file read ahead, as [`Run::index_file`] would have.
    fn add_read_ahead(
        &self,
        writer: &IndexWriter,
        file: &SourceFile,
        read: ReadAhead,
    ) -> tantivy::Result<Option<FileProblems>> {
        writer.delete_term(Term::from_field_text(self.fields.src_path, &file.rel));
        for doc in read.docs {
            writer.add_document(doc)?;
        }
        Ok(read.problems)
    }
}

/// A file read: its articles and the problems found in it.
struct FileRead {
    articles: Vec<Article>,
    /// The file's stamp, as documents carry it.
    encoded: String,
    problems: Option<FileProblems>,
}

/// A file read and tagged ahead of the writer.
struct ReadAhead {
    docs: Vec<TantivyDocument>,
    problems: Option<FileProblems>,
}

/// Most bytes of source read ahead during one commit: bounds the memory of
/// documents waiting for the writer.
const READ_AHEAD_BYTES: u64 = 32 << 20;
/// Larger files are not read ahead: one of them could be a dump of many
/// articles, whose documents are better streamed into the writer.
const READ_AHEAD_FILE_BYTES: u64 = 1 << 20;

/// The article stored in a document (inverse of [`to_document`]).
pub(crate) fn from_document(f: &Fields, doc: &TantivyDocument) -> Article {
    use tantivy::schema::Value;
    let text = |field| doc.get_first(field).and_then(|v| v.as_str()).map(str::to_string);
    let all = |field| {
        doc.get_all(field)
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    Article {
        id: text(f.id).unwrap_or_default(),
        path: text(f.path).unwrap_or_default(),
        title: text(f.title).unwrap_or_default(),
        body: text(f.body).unwrap_or_default(),
        date: doc
            .get_first(f.date)
            .and_then(|v| v.as_datetime())
            .and_then(dates::from_tantivy),
        source: text(f.source),
        author: text(f.author),
        url: text(f.url),
        entities: Entities {
            person: all(f.person),
            org: all(f.org),
            place: all(f.place),
        },
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
    if let Some(source) = a.source.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        doc.add_text(f.entity, schema::entity_value(schema::SOURCE_FACET, source));
    }
    if let Some(h) = dedup::simhash(&a.body) {
        doc.add_u64(f.simhash, h);
        for band in dedup::bands(h) {
            doc.add_u64(f.dup_band, band);
        }
    }
    if let Some(d) = a.date {
        doc.add_date(f.date, dates::to_tantivy(d));
    }
    for kind in EntityKind::ALL {
        for name in a.entities.of_kind(kind) {
            doc.add_text(f.entity, schema::entity_value(kind.as_str(), name));
            doc.add_text(f.of_kind(kind), name);
        }
    }
    doc
}

/// What `compact` did.
#[derive(Clone, Debug, Serialize)]
pub struct CompactSummary {
    pub segments_before: usize,
    pub segments_after: usize,
    pub seconds: f64,
}

/// Merges every segment of the index into one: after many small incremental
/// runs, searches then touch one segment instead of many. Takes the writer
/// lock like an indexing run.
pub fn compact(index_dir: &Path, wait: bool) -> Result<CompactSummary> {
    let started = Instant::now();
    let news = NewsIndex::open(index_dir)?;
    let _lock = WriterLock::acquire(index_dir, wait)?;
    let ids = news
        .index
        .searchable_segment_ids()
        .map_err(Error::tantivy(index_dir))?;
    let before = ids.len();
    if before > 1 {
        let mut writer: IndexWriter = news.index.writer(64_000_000).map_err(Error::tantivy(index_dir))?;
        writer.merge(&ids).wait().map_err(Error::tantivy(index_dir))?;
        writer.wait_merging_threads().map_err(Error::tantivy(index_dir))?;
    }
    news.reload()?;
    Ok(CompactSummary {
        segments_before: before,
        segments_after: news
            .index
            .searchable_segment_ids()
            .map_err(Error::tantivy(index_dir))?
            .len(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::{NoEntities, RuleExtractor};

    #[test]
    fn read_ahead_reads_small_files_only_while_the_writer_is_busy() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..5 {
            std::fs::write(
                dir.path().join(format!("a{i}.txt")),
                format!("Story {i}\n\nKim Jong Un spoke."),
            )
            .unwrap();
        }
        let big = "Long\n\n".to_string() + &"word ".repeat(READ_AHEAD_FILE_BYTES as usize / 5 + 1);
        std::fs::write(dir.path().join("big.txt"), big).unwrap();
        let files = ingest::discover(dir.path(), u64::MAX).unwrap().files;
        let batch: Vec<&SourceFile> = files.iter().collect();
        let run = Run::new(schema::build_schema().1);
        let (opts, stamps) = (IndexOptions::default(), HashMap::new());

        let mut read = run.read_ahead(&batch, &AtomicBool::new(true), &stamps, &opts);
        read.sort_by_key(|(i, _)| *i);
        let names: Vec<&str> = read.iter().map(|(i, _)| batch[*i].rel.as_str()).collect();
        assert_eq!(names, ["a0.txt", "a1.txt", "a2.txt", "a3.txt", "a4.txt"]);
        let tagged = &read[0].1.docs[0];
        let people = tagged.get_all(run.fields.person).count();
        assert_eq!(people, 1, "documents read ahead are tagged");

        let idle = run.read_ahead(&batch, &AtomicBool::new(false), &stamps, &opts);
        assert!(idle.is_empty(), "nothing is read once the commit is done");
    }

    #[test]
    fn the_tagger_leaves_tantivy_half_the_cores() {
        assert!(TaggerExtractor::shipped().is_heavy());
        assert!(!NoEntities.is_heavy() && !RuleExtractor::new().is_heavy());
        assert_eq!(indexing_threads(0, 2, true), 1);
        assert_eq!(indexing_threads(0, 8, true), 4);
        assert_eq!(indexing_threads(0, 1, true), 1);
        assert_eq!(indexing_threads(0, 2, false), 2);
        assert_eq!(indexing_threads(3, 2, true), 3, "--threads wins");
    }
}
