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
pub(crate) fn plan<'a>(news: &NewsIndex, discovery: &'a Discovery, full: bool) -> Result<Plan<'a>> {
    let (stamps, old_problems) = if full {
        (HashMap::new(), BTreeMap::new())
    } else {
        (source_stamps(news)?, news.payload()?.problems)
    };
    let mut plan = Plan {
        stamps,
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
    plan.removed = plan
        .stamps
        .keys()
        .filter(|p| !present.contains(p.as_str()))
        .cloned()
        .collect();
    Ok(plan)
}

/// The stamp of every source file that has documents in the index.
fn source_stamps(news: &NewsIndex) -> Result<HashMap<String, Stamp>> {
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
