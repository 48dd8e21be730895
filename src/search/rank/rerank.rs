//! The second stage: the best first-stage matches re-ranked by what BM25
//! cannot see. News states its story in the title and the lede, so query
//! words there count for more; words that stand together (a name, a
//! phrase the reader did not quote) count for more than the same words
//! scattered. Both come from the positions tantivy stores, read only for
//! the few hundred candidates.

use rustc_hash::FxHashMap;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, Searcher, Term};

use super::relax;
use crate::error::{Error, Result};
use crate::index::NewsIndex;
use crate::search::request::Ranking;

/// What the second stage saw in one article.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Features {
    /// Share of the query words it has that are in the title or the lede.
    pub lede: f32,
    /// (words − 1) ÷ span of the smallest body passage holding them all.
    pub proximity: f32,
    /// 1 + the weighted features: what the BM25 score was multiplied by.
    pub multiplier: f32,
}

/// Re-ranks the first `ranking.rerank_depth` of `ranked` (best first) by
/// `tokens`, the query's analysed words, and returns what it saw in each.
pub fn rerank(
    index: &NewsIndex,
    searcher: &Searcher,
    tokens: &[String],
    ranked: &mut [(f32, DocAddress)],
    ranking: &Ranking,
) -> Result<FxHashMap<DocAddress, Features>> {
    let depth = ranking.rerank_depth.min(ranked.len());
    let mut seen = FxHashMap::default();
    if depth == 0 || tokens.is_empty() {
        return Ok(seen);
    }
    let head = &mut ranked[..depth];
    let mut by_segment: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
    for (_, a) in head.iter() {
        by_segment.entry(a.segment_ord).or_default().push(a.doc_id);
    }
    let f = index.fields();
    for (segment, mut docs) in by_segment {
        docs.sort_unstable();
        let reader = searcher.segment_reader(segment);
        let open = |field: Field, option| -> Result<Vec<Option<SegmentPostings>>> {
            let inverted = reader
                .inverted_index(field)
                .map_err(Error::tantivy(index.path()))?;
            tokens
                .iter()
                .map(|t| {
                    inverted
                        .read_postings(&Term::from_field_text(field, t), option)
                        .map_err(|e| Error::tantivy(index.path())(e.into()))
                })
                .collect()
        };
        let mut body = open(f.body, IndexRecordOption::WithFreqsAndPositions)?;
        let mut title = open(f.title, IndexRecordOption::Basic)?;
        let mut positions: Vec<Vec<u32>> = vec![Vec::new(); tokens.len()];
        for doc in docs {
            let mut present = 0usize;
            let mut early = 0usize;
            for i in 0..tokens.len() {
                positions[i].clear();
                let in_title = title[i].as_mut().is_some_and(|p| at(p, doc));
                if let Some(p) = body[i].as_mut() {
                    if at(p, doc) {
                        p.positions(&mut positions[i]);
                    }
                }
                let in_lede = positions[i].first().is_some_and(|&p| p < ranking.lede_words);
                if in_title || !positions[i].is_empty() {
                    present += 1;
                }
                if in_title || in_lede {
                    early += 1;
                }
            }
            let lede = if present == 0 {
                0.0
            } else {
                early as f32 / present as f32
            };
            let proximity = proximity(&positions);
            let multiplier = 1.0 + ranking.lede_weight * lede + ranking.proximity_weight * proximity;
            seen.insert(
                DocAddress::new(segment, doc),
                Features {
                    lede,
                    proximity,
                    multiplier,
                },
            );
        }
    }
    for (score, addr) in head.iter_mut() {
        let (tiers, bm25) = relax::split(*score);
        let m = seen.get(addr).map_or(1.0, |s| s.multiplier);
        *score = tiers as f32 * relax::TIER + bm25 * m;
    }
    // Stable: equal scores keep the first stage's order.
    head.sort_by(|a, b| b.0.total_cmp(&a.0));
    Ok(seen)
}

/// Moves `p` to `doc` (never backwards); is `doc` in it?
fn at(p: &mut SegmentPostings, doc: u32) -> bool {
    if p.doc() < doc {
        p.seek(doc);
    }
    p.doc() == doc
}

/// (words − 1) ÷ the span of the smallest window holding a position of
/// every word that has one; 0 with fewer than two such words.
pub fn proximity(positions: &[Vec<u32>]) -> f32 {
    let lists: Vec<&Vec<u32>> = positions.iter().filter(|p| !p.is_empty()).collect();
    if lists.len() < 2 {
        return 0.0;
    }
    let mut merged: Vec<(u32, usize)> = lists
        .iter()
        .enumerate()
        .flat_map(|(w, ps)| ps.iter().map(move |&p| (p, w)))
        .collect();
    merged.sort_unstable();
    let mut count = vec![0u32; lists.len()];
    let mut covered = 0;
    let mut best = u32::MAX;
    let mut start = 0;
    for end in 0..merged.len() {
        let w = merged[end].1;
        count[w] += 1;
        if count[w] == 1 {
            covered += 1;
        }
        while covered == lists.len() {
            best = best.min(merged[end].0 - merged[start].0);
            let s = merged[start].1;
            count[s] -= 1;
            if count[s] == 0 {
                covered -= 1;
            }
            start += 1;
        }
    }
    ((lists.len() - 1) as f32 / best.max(1) as f32).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::proximity;

    #[test]
    fn words_together_are_close_and_scattered_ones_far() {
        assert_eq!(proximity(&[vec![4], vec![5]]), 1.0);
        assert_eq!(proximity(&[vec![1, 30], vec![12, 90], vec![31]]), 2.0 / 19.0);
        assert_eq!(proximity(&[vec![3], vec![]]), 0.0);
        assert!(proximity(&[vec![0], vec![50]]) < proximity(&[vec![0], vec![5]]));
    }
}
