//! Near-duplicates shown once: a ranked hit leads its matching wire copies
//! and reprints, found through the SimHash bands the index stores.

use std::collections::HashSet;

use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocSet, Searcher, Term};

use crate::error::{Error, Result};
use crate::index::schema::names;
use crate::index::NewsIndex;
use crate::search::collect::matches::MatchedDocs;
use crate::text::simhash;

/// A ranked article: sort score and address.
pub(crate) type Ranked = (f32, DocAddress);

/// SimHashes of documents, per segment.
pub(crate) struct SimHashes(Vec<Option<tantivy::columnar::Column<u64>>>);

impl SimHashes {
    pub(crate) fn new(searcher: &Searcher) -> Self {
        SimHashes(
            searcher
                .segment_readers()
                .iter()
                .map(|s| s.fast_fields().u64(names::SIMHASH).ok())
                .collect(),
        )
    }

    pub(crate) fn get(&self, addr: DocAddress) -> Option<u64> {
        self.0
            .get(addr.segment_ord as usize)?
            .as_ref()?
            .first(addr.doc_id)
    }
}

/// Groups ranked matches with their near-duplicates among all matches:
/// the best-ranked copy leads, the others are listed under it.
pub(crate) fn collapse(
    index: &NewsIndex,
    searcher: &Searcher,
    query: &dyn Query,
    matched: Option<&[MatchedDocs]>,
    ranked: Vec<Ranked>,
    enough: usize,
) -> Result<Vec<(Ranked, Vec<DocAddress>)>> {
    let hashes = SimHashes::new(searcher);
    if let Some(matched) = matched {
        return collapse_matched(index, searcher, &hashes, matched, ranked, enough);
    }
    let mut bands: HashSet<u64> = HashSet::new();
    for (_, addr) in &ranked {
        if let Some(h) = hashes.get(*addr) {
            bands.extend(simhash::bands(h));
        }
    }
    let mut candidates: Vec<(DocAddress, u64)> = Vec::new();
    if !bands.is_empty() {
        let band_clauses: Vec<(Occur, Box<dyn Query>)> = bands
            .into_iter()
            .map(|b| {
                let t = Term::from_field_u64(index.fields().dup_band, b);
                (
                    Occur::Should,
                    Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as Box<dyn Query>,
                )
            })
            .collect();
        let q = BooleanQuery::new(vec![
            (Occur::Must, query.box_clone()),
            (Occur::Must, Box::new(BooleanQuery::new(band_clauses))),
        ]);
        let docs = searcher
            .search(&q, &DocSetCollector)
            .map_err(Error::tantivy(index.path()))?;
        candidates = docs
            .into_iter()
            .filter_map(|a| Some((a, hashes.get(a)?)))
            .collect();
        candidates.sort_unstable_by_key(|(a, _)| *a);
    }
    let mut taken: HashSet<DocAddress> = HashSet::new();
    let mut out = Vec::new();
    for (score, addr) in ranked {
        if !taken.insert(addr) {
            continue;
        }
        let mut dups = Vec::new();
        if let Some(h) = hashes.get(addr) {
            for &(other, oh) in &candidates {
                if other != addr && simhash::near(h, oh) && taken.insert(other) {
                    dups.push(other);
                }
            }
        }
        out.push(((score, addr), dups));
    }
    Ok(out)
}

/// Collapsing when the matches are known: each hit, in rank order,
/// reads the postings of its own bands (a handful of documents each) and
/// keeps the matching near-duplicates. A near-duplicate (at most 3 of 64
/// bits apart) shares at least one of the 4 bands, so nothing is missed,
/// and reading stops once `enough` groups are formed: most of the
/// window's lookups were for hits that are never shown.
pub(crate) fn collapse_matched(
    index: &NewsIndex,
    searcher: &Searcher,
    hashes: &SimHashes,
    matched: &[MatchedDocs],
    ranked: Vec<Ranked>,
    enough: usize,
) -> Result<Vec<(Ranked, Vec<DocAddress>)>> {
    let inverted = matched
        .iter()
        .map(|m| {
            searcher
                .segment_reader(m.segment)
                .inverted_index(index.fields().dup_band)
                .map_err(Error::tantivy(index.path()))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut taken: HashSet<DocAddress> = HashSet::new();
    let mut out = Vec::new();
    for (score, addr) in ranked {
        if out.len() >= enough {
            break;
        }
        if !taken.insert(addr) {
            continue;
        }
        let mut dups = Vec::new();
        if let Some(h) = hashes.get(addr) {
            for (m, inverted) in matched.iter().zip(&inverted) {
                for b in simhash::bands(h) {
                    let term = Term::from_field_u64(index.fields().dup_band, b);
                    let postings = inverted
                        .read_postings(&term, IndexRecordOption::Basic)
                        .map_err(|e| Error::tantivy(index.path())(e.into()))?;
                    let Some(mut postings) = postings else { continue };
                    let mut doc = postings.doc();
                    while doc != tantivy::TERMINATED {
                        let other = DocAddress::new(m.segment, doc);
                        if other != addr && m.docs.contains(doc) {
                            if let Some(oh) = hashes.get(other) {
                                if simhash::near(h, oh) && !taken.contains(&other) {
                                    dups.push(other);
                                }
                            }
                        }
                        doc = postings.advance();
                    }
                }
            }
        }
        dups.sort_unstable();
        dups.dedup();
        taken.extend(dups.iter().copied());
        out.push(((score, addr), dups));
    }
    Ok(out)
}
