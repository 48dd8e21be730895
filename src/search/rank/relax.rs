//! Relaxed matching: a query of plain words that matches few articles with
//! every word also matches those that lack its least important words, as
//! Meilisearch's matching strategy does, ranked in tiers: every article
//! with all the words first, then those missing only the most frequent
//! word, and so on. Within a tier, BM25 (and the second stage) orders.

use std::cmp::Reverse;

use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query};
use tantivy::{Searcher, Term};

use super::Unit;
use crate::error::{Error, Result};
use crate::index::NewsIndex;
use crate::search::compile::analyse;
use crate::search::request::Filter;

/// The score that one tier adds: above any BM25 sum a query can reach, so
/// tiers never mix.
pub const TIER: f32 = 10_000.0;

/// A relaxed search.
pub struct Relaxing {
    /// Matches the articles with the words kept; scores tiers and BM25.
    pub query: Box<dyn Query>,
    /// The units that later tiers lack, least important first (as typed).
    pub dropped: Vec<String>,
    /// Articles it matches.
    pub total: usize,
}

/// How important each unit is: the fewer articles have its rarest word,
/// the more it says (inverse document frequency).
fn article_counts(index: &NewsIndex, searcher: &Searcher, units: &[Unit]) -> Result<Vec<u64>> {
    let body = index.fields().body;
    let mut out = Vec::with_capacity(units.len());
    for u in units {
        let mut rarest = u64::MAX;
        for token in analyse(index, &u.typed)? {
            let df = searcher
                .doc_freq(&Term::from_field_text(body, &token))
                .map_err(Error::tantivy(index.path()))?;
            rarest = rarest.min(df);
        }
        out.push(if rarest == u64::MAX { 0 } else { rarest });
    }
    Ok(out)
}

/// The order in which units are dropped: the most frequent first; of
/// equally frequent ones, the later in the query.
pub fn drop_order(counts: &[u64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..counts.len()).collect();
    order.sort_by_key(|&i| (Reverse(counts[i]), Reverse(i)));
    order
}

/// The relaxed form of a search whose units together matched fewer than
/// `below` articles; `None` when no unit can be dropped.
pub fn relax(
    index: &NewsIndex,
    searcher: &Searcher,
    filter: &Filter,
    units: &[Unit],
    below: usize,
) -> Result<Option<Relaxing>> {
    if units.len() < 2 {
        return Ok(None);
    }
    let counts = article_counts(index, searcher, units)?;
    let order = drop_order(&counts);
    let compile = |kept: &[&Unit], op: &str, with_filters: bool| -> Result<Box<dyn Query>> {
        let mut f = if with_filters {
            filter.clone()
        } else {
            Filter::default()
        };
        f.query = super::join(kept, op);
        Ok(index.build_query(searcher, &f)?.0)
    };
    let all: Vec<&Unit> = units.iter().collect();
    // Tier queries, strictest first.
    let mut tiers = vec![compile(&all, " ", true)?];
    let mut dropped = Vec::new();
    let mut total = 0;
    for k in 1..units.len() {
        let gone = &order[..k];
        let kept: Vec<&Unit> = (0..units.len())
            .filter(|i| !gone.contains(i))
            .map(|i| &units[i])
            .collect();
        let q = compile(&kept, " ", true)?;
        total = searcher
            .search(&*q, &Count)
            .map_err(Error::tantivy(index.path()))?;
        tiers.push(q);
        dropped.push(units[order[k - 1]].typed.clone());
        if total >= below {
            break;
        }
    }
    let widest = tiers.pop().expect("at least two tiers");
    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
        vec![(Occur::Must, Box::new(ConstScoreQuery::new(widest, 0.0)))];
    for tier in tiers {
        clauses.push((Occur::Should, Box::new(ConstScoreQuery::new(tier, TIER))));
    }
    clauses.push((Occur::Should, compile(&all, " OR ", false)?));
    Ok(Some(Relaxing {
        query: Box::new(BooleanQuery::new(clauses)),
        dropped,
        total,
    }))
}

/// Of a relaxed score: the tiers it reached and the BM25 part.
pub fn split(score: f32) -> (u32, f32) {
    let tiers = (score / TIER).floor().max(0.0);
    (tiers as u32, score - tiers * TIER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_frequent_word_goes_first_then_the_later_of_equals() {
        assert_eq!(drop_order(&[11, 500, 40]), vec![1, 2, 0]);
        assert_eq!(drop_order(&[7, 7, 3]), vec![1, 0, 2]);
    }

    #[test]
    fn a_score_splits_into_tiers_and_bm25() {
        assert_eq!(split(2.0 * TIER + 12.5), (2, 12.5));
        assert_eq!(split(3.25), (0, 3.25));
    }
}
