//! The middle stages of a run: each file read, parsed and tagged into
//! documents, written in batches that hold whole files, and each batch
//! committed with the record of the files' problems. While a batch is
//! committed, the next batch's first files are read and tagged, but only
//! written with that batch, so any commit is a consistent state of some
//! files.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use rayon::prelude::*;
use tantivy::{IndexWriter, TantivyDocument, Term};

use super::plan::Plan;
use super::{IndexOptions, Progress};
use crate::article::Article;
use crate::entities::Entities;
use crate::error::{Error, Result};
use crate::index::document;
use crate::index::payload::{CommitPayload, FileProblems, Stamp};
use crate::index::schema::{Fields, SCHEMA_VERSION};
use crate::ingest::{self, SkipReason, Skipped, SourceFile};
use crate::text::anatomy::Anatomy;

/// Counters and the work of one run.
pub(crate) struct Run {
    fields: Fields,
    pub(crate) added: AtomicU64,
    pub(crate) updated: AtomicU64,
    pub(crate) touched: AtomicU64,
    pub(crate) removed: u64,
    pub(crate) unchanged: u64,
    pub(crate) commits: u64,
    pub(crate) headline_only: AtomicU64,
    pub(crate) undated: AtomicU64,
    pub(crate) files: AtomicU64,
    pub(crate) bytes: AtomicU64,
    /// What each commit records of the run.
    pub(crate) meta: RunMeta,
    /// Stamps of the files before a `--full` rebuild, whose run numbers
    /// unchanged files keep.
    pub(crate) previous: HashMap<String, Stamp>,
}

/// What each commit of a run records besides the documents.
#[derive(Clone, Debug, Default)]
pub(crate) struct RunMeta {
    /// The corpus, absolute.
    pub corpus: Option<std::path::PathBuf>,
    /// This run's number: one more than the last committed run's.
    pub run: u64,
    /// When earlier runs first committed, as the last commit recorded.
    pub history: BTreeMap<u64, i64>,
}

impl Run {
    pub(crate) fn new(fields: Fields) -> Run {
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
            meta: RunMeta::default(),
            previous: HashMap::new(),
        }
    }

    /// Reads, tags and writes the plan's files in batches of
    /// [`IndexOptions::commit_every`], committing each with `problems`. While
    /// a batch commits, the next batch's first files are read and tagged.
    pub(crate) fn write_batches(
        &mut self,
        writer: &mut IndexWriter,
        plan: &Plan,
        problems: &Mutex<BTreeMap<String, FileProblems>>,
        opts: &IndexOptions,
        progress: &dyn Progress,
        index_dir: &Path,
    ) -> Result<()> {
        let record = |file: &SourceFile, outcome: Option<FileProblems>| {
            let mut problems = problems.lock().unwrap();
            problems.remove(&file.rel);
            if let Some(p) = outcome {
                problems.insert(file.rel.clone(), p);
            }
            progress.advance(file.size);
        };
        let stamps = &plan.stamps;
        // A rebuild commits once, at its end: readers keep the old index
        // until the new one is whole, and a killed rebuild leaves it in
        // service.
        let every = if opts.full {
            usize::MAX
        } else {
            opts.commit_every.max(1)
        };
        let batches: Vec<&[&SourceFile]> = plan.to_read.chunks(every).collect();
        // Files of the current batch read and tagged while the last one was
        // committed, by their place in the batch.
        let mut ahead: Vec<(usize, ReadAhead)> = Vec::new();
        for (k, batch) in batches.iter().enumerate() {
            let run = &*self;
            let mut done = vec![false; batch.len()];
            for (i, read) in ahead.drain(..) {
                done[i] = true;
                let outcome = run
                    .add_read_ahead(writer, batch[i], read)
                    .map_err(Error::tantivy(index_dir))?;
                record(batch[i], outcome);
            }
            batch
                .par_iter()
                .zip(&done)
                .filter(|(_, done)| !**done)
                .try_for_each(|(file, _)| {
                    let outcome = run.index_file(writer, file, stamps.get(&file.rel), opts)?;
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
                    .map(|next| s.spawn(|| run.read_ahead(next, &busy, stamps, opts)));
                let committed = commit(writer, &problems.lock().unwrap(), index_dir, &run.meta);
                busy.store(false, Ordering::Relaxed);
                let ahead = reader.map_or_else(Vec::new, |r| {
                    r.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                });
                committed.map(|()| ahead)
            })?;
            self.commits += 1;
        }
        Ok(())
    }

    /// Reads, hashes and parses one file. An unreadable file has no
    /// articles, and its problem says why.
    fn read(&self, file: &SourceFile, known: Option<&Stamp>, opts: &IndexOptions) -> FileRead {
        let bytes = match std::fs::read(&file.abs) {
            Ok(b) => b,
            Err(e) => {
                // Unreadable now (permissions, a disk error): its articles
                // stay as they were, the reason is kept, and the next run
                // tries again.
                let stamp = Stamp {
                    size: file.size,
                    mtime_ns: file.mtime_ns,
                    hash: String::new(),
                    run: 0,
                };
                return FileRead {
                    articles: Vec::new(),
                    encoded: String::new(),
                    stamp: stamp.clone(),
                    unreadable: true,
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
        let mut stamp = Stamp {
            size: bytes.len() as u64,
            mtime_ns: file.mtime_ns,
            hash: blake3::hash(&bytes).to_hex().to_string(),
            run: self.meta.run,
        };
        // The same bytes keep the run that first indexed them.
        if let Some(prior) = known.or_else(|| self.previous.get(&file.rel)) {
            if prior.hash == stamp.hash && prior.run > 0 {
                stamp.run = prior.run;
            }
        }
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
        let limits = ingest::Limits {
            max_bytes: opts.max_file_bytes,
            max_articles: opts.max_articles_per_file,
        };
        let parsed = ingest::parse_bytes_within(&file.rel, &bytes, &opts.fields, &limits);
        let encoded = stamp.encode(&file.rel);
        let problems = (!parsed.problems.is_empty()).then(|| FileProblems {
            stamp: stamp.clone(),
            problems: parsed.problems,
        });
        FileRead {
            articles: parsed.articles,
            encoded,
            stamp,
            unreadable: false,
            problems,
        }
    }

    /// The document of one article of `file`, its entities tagged.
    fn document(
        &self,
        file: &SourceFile,
        encoded: &str,
        opts: &IndexOptions,
        run: u64,
        mut article: Article,
    ) -> TantivyDocument {
        let mut text = article.entity_text();
        // A news story names its people in its first pages: a giant
        // "article" is tagged in its head only, which bounds the tagger's
        // time per article (its cost grows faster than the text's length).
        if text.len() > MAX_TAGGED_BYTES {
            let mut end = MAX_TAGGED_BYTES;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
        }
        let anatomy = Anatomy::read(&text);
        let mentions = opts.extractor.extract_read(&text, &anatomy);
        article.entities = Entities::from_mentions(&mentions);
        article.credit(anatomy);
        if article.body.is_empty() {
            self.headline_only.fetch_add(1, Ordering::Relaxed);
        }
        if article.date.is_none() {
            self.undated.fetch_add(1, Ordering::Relaxed);
        }
        let mut doc = document::to_document(&self.fields, &article);
        doc.add_text(self.fields.src_path, &file.rel);
        doc.add_text(self.fields.src_stamp, encoded);
        doc.add_u64(self.fields.run, run);
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
        let started = Instant::now();
        let read = self.read(file, known, opts);
        if read.unreadable {
            return Ok(read.problems);
        }
        let (docs, problems) = self.documents(file, read, opts, started);
        writer.delete_term(Term::from_field_text(self.fields.src_path, &file.rel));
        for doc in docs {
            writer.add_document(doc)?;
        }
        Ok(problems)
    }

    /// The tagged documents of a file read, unless that takes the file past
    /// its time budget: then none, and the file's problem says so.
    fn documents(
        &self,
        file: &SourceFile,
        read: FileRead,
        opts: &IndexOptions,
        started: Instant,
    ) -> (Vec<TantivyDocument>, Option<FileProblems>) {
        let over = || started.elapsed() > opts.seconds_per_file;
        let encoded = &read.encoded;
        let run = read.stamp.run;
        let build = |article| (!over()).then(|| self.document(file, encoded, opts, run, article));
        // A large multi-article file (JSONL) is tagged on every core too.
        let docs: Option<Vec<TantivyDocument>> = if read.articles.len() > 64 {
            read.articles.into_par_iter().map(build).collect()
        } else {
            read.articles.into_iter().map(build).collect()
        };
        match docs {
            Some(docs) if !over() => (docs, read.problems),
            _ => {
                let reason = SkipReason::TooSlow(opts.seconds_per_file.as_secs());
                let problems = FileProblems {
                    stamp: read.stamp,
                    problems: vec![Skipped::new(&file.rel, None, reason)],
                };
                (Vec::new(), Some(problems))
            }
        }
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
            let started = Instant::now();
            let read = self.read(file, stamps.get(&file.rel), opts);
            let unreadable = read.unreadable;
            let (docs, problems) = if unreadable {
                (Vec::new(), read.problems)
            } else {
                self.documents(file, read, opts, started)
            };
            let read = ReadAhead {
                docs,
                unreadable,
                problems,
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
        if read.unreadable {
            return Ok(read.problems);
        }
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
    stamp: Stamp,
    /// The file could not be read: what the index holds of it stays.
    unreadable: bool,
    problems: Option<FileProblems>,
}

/// A file read and tagged ahead of the writer.
struct ReadAhead {
    docs: Vec<TantivyDocument>,
    unreadable: bool,
    problems: Option<FileProblems>,
}

/// Most bytes of an article's text given to the entity tagger (its words
/// are all indexed for search).
const MAX_TAGGED_BYTES: usize = 256 * 1024;

/// Most bytes of source read ahead during one commit: bounds the memory of
/// documents waiting for the writer.
const READ_AHEAD_BYTES: u64 = 32 << 20;
/// Larger files are not read ahead: one of them could be a dump of many
/// articles, whose documents are better streamed into the writer.
const READ_AHEAD_FILE_BYTES: u64 = 1 << 20;

/// Commits what the writer holds, with the problems of files as of now.
pub(crate) fn commit(
    writer: &mut IndexWriter,
    problems: &BTreeMap<String, FileProblems>,
    dir: &Path,
    meta: &RunMeta,
) -> Result<()> {
    let now = chrono::Utc::now().timestamp();
    let mut runs = meta.history.clone();
    if meta.run > 0 {
        runs.entry(meta.run).or_insert(now);
    }
    while runs.len() > crate::index::payload::RUN_HISTORY {
        runs.pop_first();
    }
    let payload = serde_json::to_string(&CommitPayload {
        schema_version: SCHEMA_VERSION,
        problems: problems.clone(),
        corpus: meta.corpus.as_ref().map(|c| c.to_string_lossy().into_owned()),
        committed_at: Some(now),
        run: meta.run,
        runs,
    })
    .expect("payload serialises");
    let mut prepared = writer.prepare_commit().map_err(Error::tantivy(dir))?;
    prepared.set_payload(&payload);
    prepared.commit().map_err(Error::tantivy(dir))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::schema;

    #[test]
    fn a_file_past_its_time_budget_gives_no_documents_and_says_why() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "Story\n\nKim Jong Un spoke.").unwrap();
        let files = ingest::discover(dir.path(), &ingest::Walk::default())
            .unwrap()
            .files;
        let run = Run::new(schema::build_schema().1);
        let mut opts = IndexOptions::default();
        let read = run.read(&files[0], None, &opts);
        let (docs, problems) = run.documents(&files[0], read, &opts, Instant::now());
        assert_eq!((docs.len(), problems.is_none()), (1, true));

        opts.seconds_per_file = std::time::Duration::ZERO;
        let read = run.read(&files[0], None, &opts);
        let (docs, problems) = run.documents(&files[0], read, &opts, Instant::now());
        assert!(docs.is_empty());
        let reasons: Vec<SkipReason> = problems.unwrap().problems.into_iter().map(|p| p.reason).collect();
        assert_eq!(reasons, [SkipReason::TooSlow(0)]);
    }

    #[test]
    fn a_giant_article_is_tagged_in_its_head_only() {
        let dir = tempfile::tempdir().unwrap();
        let filler = "The talks went on through the night. ".repeat(MAX_TAGGED_BYTES / 30);
        let text = format!("Giant\n\nAngela Merkel spoke first. {filler} Barack Obama spoke last.");
        std::fs::write(dir.path().join("giant.txt"), text).unwrap();
        let files = ingest::discover(dir.path(), &ingest::Walk::default())
            .unwrap()
            .files;
        let run = Run::new(schema::build_schema().1);
        let opts = IndexOptions::default();
        let read = run.read(&files[0], None, &opts);
        let (docs, _) = run.documents(&files[0], read, &opts, Instant::now());
        let people: Vec<&str> = docs[0]
            .get_all(run.fields.person)
            .filter_map(|v| tantivy::schema::Value::as_str(&v))
            .collect();
        assert!(people.iter().any(|p| p.contains("Merkel")), "{people:?}");
        assert!(
            !people.iter().any(|p| p.contains("Obama")),
            "past the head: {people:?}"
        );
    }

    #[test]
    fn an_unreadable_file_keeps_what_the_index_holds_of_it() {
        let corpus = tempfile::tempdir().unwrap();
        std::fs::write(corpus.path().join("a.txt"), "Story\n\nThe okapi spoke.").unwrap();
        let idx = tempfile::tempdir().unwrap();
        let news = crate::index::NewsIndex::create_or_open(idx.path()).unwrap();
        let mut writer = news.tantivy().writer_with_num_threads(1, 15_000_000).unwrap();
        let run = Run::new(news.fields().clone());
        let opts = IndexOptions::default();
        let mut file = ingest::discover(corpus.path(), &ingest::Walk::default())
            .unwrap()
            .files
            .remove(0);
        assert!(run.index_file(&writer, &file, None, &opts).unwrap().is_none());
        commit(&mut writer, &BTreeMap::new(), idx.path(), &RunMeta::default()).unwrap();
        // The same file, failing to open this time.
        file.abs = corpus.path().join("gone.txt");
        let problems = run.index_file(&writer, &file, None, &opts).unwrap().unwrap();
        assert!(problems.retry());
        commit(&mut writer, &BTreeMap::new(), idx.path(), &RunMeta::default()).unwrap();
        news.reload().unwrap();
        assert_eq!(news.num_articles(), 1, "a read error deletes nothing");
    }

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
        let files = ingest::discover(
            dir.path(),
            &ingest::Walk {
                max_file_bytes: u64::MAX,
                ..ingest::Walk::default()
            },
        )
        .unwrap()
        .files;
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
}
