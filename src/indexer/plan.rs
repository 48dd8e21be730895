//! The first stage of a run: what the corpus holds against what the index
//! records. Files whose size and mtime match their stamp are not opened;
//! the others are to be read; files gone since the last run are removed.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::error::{Error, Result};
use crate::index::payload::{FileProblems, Stamp};
use crate::index::schema::names;
use crate::index::NewsIndex;
use crate::ingest::{Discovery, SourceFile};

/// What a run has to do.
pub(crate) struct Plan<'a> {
    /// Stamps of the files the index holds (none for a full rebuild).
    pub stamps: HashMap<String, Stamp>,
    /// Under `--full`: the stamps the index had, for their run numbers.
    pub previous: HashMap<String, Stamp>,
    /// Remembered problems of files that are not read again.
    pub problems: BTreeMap<String, FileProblems>,
    /// Files new or changed since their stamp, in corpus order.
    pub to_read: Vec<&'a SourceFile>,
    /// Paths of files gone since the last run.
    pub removed: Vec<String>,
    /// Files left as they are.
    pub unchanged: u64,
}

/// Compares the corpus with the index; `full` plans a rebuild.
#[cfg(test)]
pub(crate) fn plan<'a>(news: &NewsIndex, discovery: &'a Discovery, full: bool) -> Result<Plan<'a>> {
    plan_with(news, discovery, full, source_stamps(news))
}

/// [`plan`] with the index's stamps already read by [`source_stamps`], so
/// that reading them can overlap the walk.
pub(crate) fn plan_with<'a>(
    news: &NewsIndex,
    discovery: &'a Discovery,
    full: bool,
    indexed: Result<HashMap<String, Stamp>>,
) -> Result<Plan<'a>> {
    let (stamps, old_problems, previous) = if full {
        // An index of another schema has no stamps to keep.
        (HashMap::new(), BTreeMap::new(), indexed.unwrap_or_default())
    } else {
        (indexed?, news.payload()?.problems, HashMap::new())
    };
    let mut plan = Plan {
        stamps,
        previous,
        problems: BTreeMap::new(),
        to_read: Vec::new(),
        removed: Vec::new(),
        unchanged: 0,
    };
    let mut present: HashSet<&str> = HashSet::new();
    for file in &discovery.files {
        present.insert(&file.rel);
        let known = plan.stamps.get(&file.rel);
        let known_problem = old_problems.get(&file.rel);
        match (known, known_problem) {
            _ if known_problem.is_some_and(FileProblems::retry) => plan.to_read.push(file),
            (Some(s), p) if s.matches_metadata(file) && p.is_none_or(|p| p.stamp.matches_metadata(file)) => {
                if let Some(p) = p {
                    plan.problems.insert(file.rel.clone(), p.clone());
                }
                plan.unchanged += 1;
            }
            (None, Some(p)) if p.stamp.matches_metadata(file) => {
                plan.problems.insert(file.rel.clone(), p.clone());
                plan.unchanged += 1;
            }
            _ => plan.to_read.push(file),
        }
    }
    // A path that could not be listed this time keeps what the index holds
    // under it (and the problems recorded for it): a transient error must
    // not delete articles.
    plan.removed = plan
        .stamps
        .keys()
        .filter(|p| !present.contains(p.as_str()) && !discovery.is_unseen(p))
        .cloned()
        .collect();
    for (path, p) in &old_problems {
        if !present.contains(path.as_str()) && discovery.is_unseen(path) {
            plan.problems.insert(path.clone(), p.clone());
        }
    }
    Ok(plan)
}

/// The stamp of every source file that has documents in the index.
pub(crate) fn source_stamps(news: &NewsIndex) -> Result<HashMap<String, Stamp>> {
    let searcher = news.searcher();
    let mut out = HashMap::new();
    for seg in searcher.segment_readers() {
        let Some(column) = seg
            .fast_fields()
            .str(names::SRC_STAMP)
            .map_err(Error::tantivy(news.path()))?
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
        let mut terms = dict.stream().map_err(|e| Error::tantivy(news.path())(e.into()))?;
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::entities::NoEntities;
    use crate::indexer::{index_corpus, IndexOptions, NoProgress};
    use crate::ingest::{discover, SkipReason, Skipped, Walk};

    fn indexed(files: &[&str]) -> (tempfile::TempDir, tempfile::TempDir, NewsIndex) {
        let corpus = tempfile::tempdir().unwrap();
        for rel in files {
            let p = corpus.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, format!("Story {rel}\n\nText of {rel}.")).unwrap();
        }
        let idx = tempfile::tempdir().unwrap();
        let opts = IndexOptions {
            extractor: Arc::new(NoEntities),
            ..IndexOptions::default()
        };
        index_corpus(corpus.path(), idx.path(), &opts, &NoProgress).unwrap();
        let news = NewsIndex::open(idx.path()).unwrap();
        (corpus, idx, news)
    }

    #[test]
    fn what_could_not_be_listed_is_kept_not_removed() {
        let (corpus, _idx, news) = indexed(&["a/1.txt", "b/2.txt", "b/3.txt"]);
        let mut d = discover(corpus.path(), &Walk::default()).unwrap();
        // As if `b` could not be read this time.
        d.files.retain(|f| !f.rel.starts_with("b/"));
        let p = plan(&news, &d, false).unwrap();
        let mut removed = p.removed.clone();
        removed.sort();
        assert_eq!(removed, ["b/2.txt", "b/3.txt"], "files really gone are removed");
        d.unseen.push("b".into());
        let p = plan(&news, &d, false).unwrap();
        assert!(p.removed.is_empty(), "an unreadable directory deletes nothing");
    }

    #[test]
    fn a_file_that_could_not_be_read_is_read_again_though_unchanged() {
        let (corpus, _idx, news) = indexed(&["a.txt"]);
        let d = discover(corpus.path(), &Walk::default()).unwrap();
        assert!(plan(&news, &d, false).unwrap().to_read.is_empty());
        let file = &d.files[0];
        let stamp = Stamp {
            size: file.size,
            mtime_ns: file.mtime_ns,
            hash: String::new(),
            run: 0,
        };
        let unreadable = FileProblems {
            stamp,
            problems: vec![Skipped::new(
                "a.txt",
                None,
                SkipReason::Unreadable("denied".into()),
            )],
        };
        assert!(unreadable.retry());
        let empty = FileProblems {
            problems: vec![Skipped::new("a.txt", None, SkipReason::Empty)],
            ..unreadable.clone()
        };
        assert!(!empty.retry(), "a file that is simply empty is not read again");
        // Recorded by a run, the unreadable file is planned for reading.
        let mut writer = news.tantivy().writer_with_num_threads(1, 15_000_000).unwrap();
        let problems = BTreeMap::from([("a.txt".to_string(), unreadable)]);
        crate::indexer::batch::commit(&mut writer, &problems, news.path(), &Default::default()).unwrap();
        news.reload().unwrap();
        let p = plan(&news, &d, false).unwrap();
        let to_read: Vec<&str> = p.to_read.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(to_read, ["a.txt"]);
    }
}
