//! Layer 3, the write path: building and updating the index from a corpus.
//!
//! Runs are incremental: every document carries a stamp of its source file
//! (path, size, mtime, BLAKE3 of the bytes) in a fast field, so the record of
//! what was indexed is committed atomically with the documents themselves and
//! the two can never disagree. A run re-reads only files whose size or mtime
//! changed (and re-indexes them only when their bytes changed), replaces all
//! articles of a changed file, and deletes those of removed files.
//!
//! A run is four stages: [`plan`] (what changed), then read and tag, write,
//! and commit in batches ([`batch`]). Crash safety: batches hold whole
//! files, so any commit is a consistent state of some files; a run killed at
//! any instant leaves the last commit, and the next run converges from it.
//! The write path never imports the read path ([`crate::search`]).

mod batch;
mod compact;
mod plan;
mod progress;
#[cfg(feature = "watch")]
pub mod watch;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::Serialize;
use tantivy::{IndexWriter, Term};

use crate::entities::{EntityExtractor, TaggerExtractor};
use crate::error::{Error, Result};
use crate::index::lock::WriterLock;
use crate::index::payload::FileProblems;
use crate::index::NewsIndex;
use crate::ingest::{self, FieldMap, Skipped};
use batch::{commit, Run, RunMeta};
pub use compact::{compact, CompactSummary};
pub use progress::{NoProgress, Phase, Progress};

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
    /// At most this many articles are read from one file; the rest are
    /// reported as [`SkipReason::TooManyArticles`](crate::ingest::SkipReason).
    pub max_articles_per_file: usize,
    /// A file whose parsing and tagging take longer is given up and
    /// reported as [`SkipReason::TooSlow`](crate::ingest::SkipReason), with
    /// no articles, like a file that cannot be parsed.
    pub seconds_per_file: std::time::Duration,
    /// Follow every symbolic link, also those that lead out of the corpus
    /// (by default such links are reported as skipped and not read).
    pub follow_links: bool,
    /// Rebuild from scratch instead of updating. A rebuild commits once, when
    /// it is complete: until then (and if it is killed) readers see the
    /// index as it was.
    pub full: bool,
    /// Commit after this many files have been read, so that a killed run
    /// keeps its work (not during a [`full`](Self::full) rebuild).
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
            max_articles_per_file: ingest::DEFAULT_MAX_ARTICLES_PER_FILE,
            seconds_per_file: std::time::Duration::from_secs(DEFAULT_SECONDS_PER_FILE),
            follow_links: false,
            full: false,
            commit_every: 10_000,
            wait: false,
        }
    }
}

/// The default of [`IndexOptions::seconds_per_file`]: well above what any
/// real article takes (milliseconds), well below what a scheduled run can
/// wait for.
pub const DEFAULT_SECONDS_PER_FILE: u64 = 20;

/// What a run did, as printed by `newsdex index` (and `--json`).
#[derive(Clone, Debug, Serialize)]
pub struct IndexSummary {
    /// The index directory.
    pub index: PathBuf,
    /// The corpus indexed.
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
    /// Wall time of the run.
    pub seconds: f64,
    /// Megabytes (10^6 bytes) of files read per second of wall time.
    pub mb_per_sec: f64,
    /// Commits made by the run.
    pub commits: u64,
    /// Files passed over because their extension says they are not articles.
    pub ignored: u64,
    /// The ignored files by extension ("pdf", "docx"; "" for none).
    pub ignored_by_extension: BTreeMap<String, u64>,
    /// Count of skipped files (or records) per reason.
    pub skipped_by_reason: BTreeMap<String, u64>,
    /// Every skipped file or record, with its reason, including those of
    /// unchanged files skipped by earlier runs.
    pub skipped: Vec<Skipped>,
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
    // A corpus that is not there fails before the index directory is made.
    std::fs::metadata(corpus).map_err(|source| Error::Corpus {
        path: corpus.to_path_buf(),
        source,
    })?;
    let _lock = WriterLock::acquire(index_dir, opts.wait)?;
    crate::index::remove_leftover_temp_files(index_dir)?;
    progress.phase(Phase::Scanning, None);
    let walk = ingest::Walk {
        max_file_bytes: opts.max_file_bytes,
        follow_links: opts.follow_links,
    };
    let open = || -> Result<NewsIndex> {
        let news = match NewsIndex::create_or_open(index_dir) {
            Err(Error::SchemaMismatch { .. }) if opts.full => {
                crate::index::remove_index_files(index_dir)?;
                NewsIndex::create_or_open(index_dir)?
            }
            other => other?,
        };
        news.reload()?;
        Ok(news)
    };
    // The walk and reading what the index holds overlap. A new index is
    // made only once the corpus could be walked.
    let (news, discovery, indexed) = if crate::index::index_exists(index_dir) {
        let news = open()?;
        let (discovery, indexed) =
            rayon::join(|| ingest::discover(corpus, &walk), || plan::source_stamps(&news));
        (news, discovery?, indexed)
    } else {
        let discovery = ingest::discover(corpus, &walk)?;
        let news = open()?;
        let indexed = plan::source_stamps(&news);
        (news, discovery, indexed)
    };
    let mut plan = plan::plan_with(&news, &discovery, opts.full, indexed)?;

    let mut run = Run::new(news.fields().clone());
    let last = news.payload()?;
    run.meta = RunMeta {
        corpus: Some(corpus.canonicalize().unwrap_or_else(|_| corpus.to_path_buf())),
        run: last.run + 1,
        history: last.runs,
    };
    run.previous = std::mem::take(&mut plan.previous);
    run.removed = plan.removed.len() as u64;
    run.unchanged = plan.unchanged;
    let problems = Mutex::new(std::mem::take(&mut plan.problems));
    // A run with nothing to write (a no-op) opens no writer.
    let nothing =
        !opts.full && plan.to_read.is_empty() && plan.removed.is_empty() && last.schema_version != 0;
    if !nothing {
        let files = discovery.files.len();
        write(
            &news,
            &plan,
            &mut run,
            &problems,
            (opts, progress),
            index_dir,
            files,
        )?;
    } else {
        // An index written by an earlier version has no saved table yet.
        crate::index::names::save(&news)?;
    }
    progress.finish();

    let mut skipped: Vec<Skipped> = discovery.skipped;
    skipped.extend(
        problems
            .into_inner()
            .unwrap()
            .into_values()
            .flat_map(|p| p.problems),
    );
    Ok(summary(
        corpus,
        &news,
        opts,
        &run,
        skipped,
        (discovery.ignored, discovery.ignored_by_extension),
        started,
    ))
}

/// Writes a run's plan: removals, the files to read, the commits, and the
/// merge into one segment of a run that rewrote most of the index.
fn write(
    news: &NewsIndex,
    plan: &plan::Plan,
    run: &mut Run,
    problems: &Mutex<BTreeMap<String, FileProblems>>,
    (opts, progress): (&IndexOptions, &dyn Progress),
    index_dir: &Path,
    files: usize,
) -> Result<()> {
    let mut writer = open_writer(news, opts, index_dir)?;
    for path in &plan.removed {
        writer.delete_term(Term::from_field_text(news.fields().src_path, path));
    }
    // A run that rewrites most of the index merges it into one segment at the
    // end (below); the merge policy stays out of its way meanwhile.
    let bulk = opts.full || plan.to_read.len() * 2 > files;
    if bulk {
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    }
    let total_bytes: u64 = plan.to_read.iter().map(|f| f.size).sum();
    progress.phase(Phase::Indexing, Some(total_bytes));
    run.write_batches(&mut writer, plan, problems, opts, progress, index_dir)?;
    if run.commits == 0 && (run.removed > 0 || opts.full || news.payload()?.schema_version == 0) {
        commit(&mut writer, &problems.lock().unwrap(), index_dir, &run.meta)?;
        run.commits += 1;
    }

    progress.phase(Phase::Merging, None);
    // A run that (re)wrote most of the index leaves one segment: searches
    // are fastest on it, and the next small run is not left to pay for a
    // large merge the policy would start then.
    if bulk {
        let ids = news
            .tantivy()
            .searchable_segment_ids()
            .map_err(Error::tantivy(index_dir))?;
        if ids.len() > 1 {
            writer.merge(&ids).wait().map_err(Error::tantivy(index_dir))?;
        }
    }
    writer.wait_merging_threads().map_err(Error::tantivy(index_dir))?;
    news.reload()?;
    crate::index::names::save(news)
}

/// tantivy's writer for a run, with its threads and memory.
fn open_writer(news: &NewsIndex, opts: &IndexOptions, index_dir: &Path) -> Result<IndexWriter> {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let threads = indexing_threads(opts.threads, cores, opts.extractor.is_heavy());
    // tantivy needs at least 15 MB per thread.
    let budget = opts.memory_budget.max(threads * 16_000_000);
    let writer: IndexWriter = news
        .tantivy()
        .writer_with_num_threads(threads, budget)
        .map_err(Error::tantivy(index_dir))?;
    // A run killed before its commit can leave files of that commit behind
    // (a segment's `.del` file for an opstamp never committed). This run
    // starts from the same opstamp and would write the same file name again,
    // so they go first: they are in tantivy's managed list, and no commit
    // refers to them.
    writer
        .garbage_collect_files()
        .wait()
        .map_err(Error::tantivy(index_dir))?;
    if opts.full {
        writer.delete_all_documents().map_err(Error::tantivy(index_dir))?;
    }
    Ok(writer)
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

/// What the run did, with every skipped file sorted by path and line.
fn summary(
    corpus: &Path,
    news: &NewsIndex,
    opts: &IndexOptions,
    run: &Run,
    mut skipped: Vec<Skipped>,
    (ignored, ignored_by_extension): (u64, BTreeMap<String, u64>),
    started: Instant,
) -> IndexSummary {
    skipped.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    let mut skipped_by_reason = BTreeMap::new();
    for s in &skipped {
        *skipped_by_reason.entry(s.reason.key().to_string()).or_insert(0) += 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    let bytes = run.bytes.load(Ordering::Relaxed);
    IndexSummary {
        index: news.path().to_path_buf(),
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
        ignored,
        ignored_by_extension,
        skipped_by_reason,
        skipped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::{NoEntities, RuleExtractor};

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
