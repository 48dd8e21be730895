//! Layer 3, the read path: a search is compiled ([`compile`]), counted and
//! ranked in one pass of tantivy collectors ([`collect`]), near-duplicates
//! are collapsed ([`collapse`]), and the page's hits get their passages
//! ([`hits`], [`snippet`]). [`request`] and [`response`] are the JSON
//! contract; [`explore`] answers the questions beyond a ranked list, and
//! [`stats`] describes an index. The read path never imports the write path
//! ([`crate::indexer`]).

mod collapse;
mod collect;
mod compile;
mod explore;
mod forgive;
mod hits;
mod rank;
mod request;
mod response;
mod snippet;
mod stats;
mod surnames;

use std::time::Instant;

use rustc_hash::FxHashMap;
use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Order, Searcher, SegmentReader, TantivyDocument, Term};

use crate::entities::EntityKind;
use crate::error::{Error, Result};
use crate::index::schema::{self, names};
use crate::index::NewsIndex;
use crate::query;
use collapse::{collapse, Ranked};
use collect::days::{DayCounts, DayHistogram};
pub use collect::facets::SAMPLE_SIZE;
use collect::facets::{self, FacetOrdCounts, SegmentCounts};
use collect::matches::MatchSet;
use compile::{date_range, filter, name_query, Compiler, HighlightTerms};
pub use explore::export::{ArchiveRow, MatchRow};
use hits::{highlighter, ids, to_hit};
pub use request::{
    EntitiesRequest, Filter, Interval, Ranking, SearchRequest, SimilarRequest, SortOrder, TimelineRequest,
    UnknownChoice, FACET_TOP, HALF_LIFE_DAYS, MAX_FACET_VALUES, MAX_FRAGMENTS, MAX_LIMIT, MAX_OFFSET,
};
pub use response::{
    ArticleView, AssociatedEntity, DuplicateGroup, DuplicateOf, EntitiesResponse, Explain, FacetCount,
    Facets, Hit, Relaxation, Relaxed, SearchResponse, Suggestion, Timeline,
};
pub use stats::{dir_size, IndexStats};

impl NewsIndex {
    /// Runs a search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse> {
        let started = Instant::now();
        req.validate()?;
        if req.forgiving {
            if let Some((fixed, note)) = forgive::literal_quote(&req.filter.query) {
                let mut read = req.clone();
                read.filter.query = fixed;
                let mut response = self.search(&read)?;
                response.query = req.filter.query.clone();
                response.notes.insert(0, note);
                return Ok(response);
            }
        }
        let searcher = self.searcher();
        let relevance = req.sort == SortOrder::Relevance;
        let units = self.units(&searcher, req)?;
        let mut filter = req.filter.clone();
        let mut matched_query = None;
        if let Some(units) = units.as_ref().filter(|u| u.iter().any(|u| u.text != u.typed)) {
            let all: Vec<&rank::Unit> = units.iter().collect();
            filter.query = rank::join(&all, " ");
            matched_query = Some(filter.query.clone());
        }
        let (mut query, terms) = self.build_query(&searcher, &filter)?;
        let tokens: Vec<String> = terms.exact.iter().cloned().collect();
        let rerank = relevance && req.ranking.rerank_depth > 0 && !tokens.is_empty();

        let wanted = req.offset + req.limit;
        let mut window = if req.collapse { wanted * 2 + 10 } else { wanted }.max(1);
        if rerank {
            window = window.max(req.ranking.rerank_depth);
        }
        // A one-word query is ranked apart from counting: alone, ranking
        // skips most of its matches (block-max WAND). Any other query
        // (conjunctions, phrases, prefixes, filters) would be evaluated in
        // full twice, so it is ranked in the counting pass: on the 200k
        // bench, "central bank" took 3.5 ms ranked in the pass, 4.7 ms apart.
        let one_word = terms.one_word && !req.filter.filtered() && matched_query.is_none();
        let rank_in_pass = relevance && !one_word;
        let pass = |query: &dyn Query, rank_in_pass: bool| -> Result<_> {
            let top = TopDocs::with_limit(if rank_in_pass { window } else { 1 }).order_by_score();
            let counting = (
                Count,
                FacetOrdCounts::for_field(names::ENTITY, self.columns().clone()).exact(req.exact_facets),
                DayHistogram::for_field(names::DATE, self.columns().clone()),
            );
            let matching = MatchSet { wanted: req.collapse };
            Ok(if rank_in_pass {
                let (c, (m, r)) = searcher
                    .search(query, &(counting, (matching, top)))
                    .map_err(Error::tantivy(self.path()))?;
                (c, m, Some(r))
            } else {
                let (c, m) = searcher
                    .search(query, &(counting, matching))
                    .map_err(Error::tantivy(self.path()))?;
                (c, m, None)
            })
        };
        let ((mut total, mut fc, mut days), mut matched, mut first) = pass(&*query, rank_in_pass)?;
        let mut relaxed = None;
        if let Some(units) = units
            .as_ref()
            .filter(|_| relevance && req.ranking.relax_below > 0 && total < req.ranking.relax_below)
        {
            if let Some(r) = rank::relax::relax(self, &searcher, &filter, units, req.ranking.relax_below)? {
                if r.total > total {
                    relaxed = Some(Relaxed {
                        strict_total: total as u64,
                        dropped: r.dropped,
                    });
                    query = r.query;
                    // A relaxed query is never one word: ranked in the pass.
                    ((total, fc, days), matched, first) = pass(&*query, true)?;
                }
            }
        }

        let mut seen = FxHashMap::default();
        let mut first_stage = FxHashMap::default();
        let groups = loop {
            let mut ranked = match first.take() {
                Some(r) => r,
                None => self.ranked(&searcher, &*query, req, window)?,
            };
            if rerank {
                if req.explain {
                    first_stage.extend(ranked.iter().map(|&(s, a)| (a, s)));
                }
                seen = rank::rerank::rerank(self, &searcher, &tokens, &mut ranked, &req.ranking)?;
            }
            let full = ranked.len() >= window;
            let groups = if req.collapse {
                collapse(self, &searcher, &*query, Some(&matched), ranked, wanted)?
            } else {
                ranked.into_iter().map(|r| (r, Vec::new())).collect()
            };
            if groups.len() >= wanted || !full || window >= total {
                break groups;
            }
            window *= 4;
        };

        let highlighter = highlighter(self, &searcher, terms, req.snippet_chars)?;
        let names = surnames::table(self, &searcher)?;
        let mut hits = Vec::with_capacity(req.limit);
        for ((score, addr), dups) in groups.into_iter().skip(req.offset).take(req.limit) {
            let doc: TantivyDocument = searcher.doc(addr).map_err(Error::tantivy(self.path()))?;
            // Tiers order the list; a hit shows its score within its tier.
            let shown = rank::relax::split(score).1;
            let mut hit = to_hit(self.fields(), &doc, shown, &highlighter, req.fragments.max(1));
            surnames::resolve_people(&mut hit.entities.person, &names);
            if req.explain {
                let before = first_stage.get(&addr).copied().unwrap_or(score);
                hit.explain = Some(explain(
                    self,
                    &searcher,
                    &tokens,
                    addr,
                    before,
                    shown,
                    seen.get(&addr).copied(),
                    relaxed.as_ref(),
                )?);
            }
            hit.similar = ids(self, &searcher, &dups)?;
            hits.push(hit);
        }
        let facets = facets_of(self, &searcher, &fc, &days, req.interval, req.facet_limit)?;
        let spelling = if req.forgiving {
            forgive::suggest(self, &searcher, &req.filter.query)?
        } else {
            Vec::new()
        };
        let did_you_mean = forgive::corrected(&req.filter.query, &spelling);
        let mut response = SearchResponse {
            query: req.filter.query.clone(),
            total: total as u64,
            took_ms: 0.0,
            hits,
            facets,
            spelling,
            did_you_mean,
            relaxed,
            matched_query,
            ..Default::default()
        };
        if total == 0 && req.forgiving {
            if let Some(better) = response.did_you_mean.clone() {
                let mut retry = req.clone();
                retry.filter.query = better.clone();
                retry.forgiving = false;
                let found = self.search(&retry)?;
                if found.total > 0 {
                    response.total = found.total;
                    response.hits = found.hits;
                    response.facets = found.facets;
                    response.corrected_query = Some(better);
                }
            }
            if response.total == 0 {
                response.without = self.relaxations(&searcher, &req.filter)?;
            }
        }
        response.took_ms = started.elapsed().as_secs_f64() * 1000.0;
        Ok(response)
    }

    /// The units of a plain-words query under the request's ranking (see
    /// [`rank`]); `None` for any other query or ranking order.
    fn units(&self, searcher: &Searcher, req: &SearchRequest) -> Result<Option<Vec<rank::Unit>>> {
        let r = &req.ranking;
        if req.sort != SortOrder::Relevance || !(r.entity_match || r.relax_below > 0) {
            return Ok(None);
        }
        let Ok(ast) = query::parse(&req.filter.query) else {
            return Ok(None);
        };
        let Some(words) = rank::plain_words(&req.filter.query, &ast) else {
            return Ok(None);
        };
        Ok(Some(if r.entity_match {
            rank::aliases::units(self, searcher, &words)?
        } else {
            words
                .into_iter()
                .map(|w| rank::Unit {
                    text: w.clone(),
                    typed: w,
                })
                .collect()
        }))
    }

    /// For a filtered search that matched nothing: the matches without each
    /// of its filters, those that would give some first.
    fn relaxations(&self, searcher: &Searcher, filter: &Filter) -> Result<Vec<Relaxation>> {
        let mut out = Vec::new();
        let mut count = |f: &Filter, name: &str, value: String| -> Result<()> {
            let (q, _) = self.build_query(searcher, f)?;
            let total = searcher
                .search(&*q, &Count)
                .map_err(Error::tantivy(self.path()))? as u64;
            out.push(Relaxation {
                filter: name.to_string(),
                value,
                total,
            });
            Ok(())
        };
        if filter.since.is_some() || filter.until.is_some() {
            let mut f = filter.clone();
            f.since = None;
            f.until = None;
            let show = |d: Option<chrono::NaiveDate>| d.map_or("…".to_string(), |d| d.to_string());
            count(
                &f,
                "dates",
                format!("{} – {}", show(filter.since), show(filter.until)),
            )?;
        }
        for (names, root) in filter.names() {
            for (i, name) in names.iter().enumerate() {
                let mut f = filter.clone();
                f.names_mut(root).remove(i);
                count(&f, root, name.clone())?;
            }
        }
        out.sort_by_key(|r| std::cmp::Reverse(r.total));
        Ok(out)
    }

    /// The request's query with its filters, and the terms to highlight.
    pub(crate) fn build_query(
        &self,
        searcher: &Searcher,
        req: &Filter,
    ) -> Result<(Box<dyn Query>, HighlightTerms)> {
        let ast = query::parse(&req.query).map_err(|e| Error::Query {
            query: req.query.clone(),
            column: e.column,
            message: e.message,
        })?;
        let mut compiler = Compiler::new(self, searcher, &req.query);
        let text_query = compiler.compile(&ast)?;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query)];
        if req.since.is_some() || req.until.is_some() {
            clauses.push(filter(date_range(self.fields().date, req.since, req.until)));
        }
        if let Some(run) = req.after_run {
            let after = tantivy::query::RangeQuery::new(
                std::ops::Bound::Excluded(Term::from_field_u64(self.fields().run, run)),
                std::ops::Bound::Unbounded,
            );
            clauses.push(filter(Box::new(after)));
        }
        for (names, root) in req.names() {
            for name in names {
                let field = self.fields().of_root(root);
                let q = name_query(self, searcher, field, root, name)?;
                clauses.push((
                    Occur::Must,
                    Box::new(tantivy::query::ConstScoreQuery::new(q, 0.0)),
                ));
            }
        }
        let query: Box<dyn Query> = if clauses.len() == 1 {
            clauses.pop().expect("one clause").1
        } else {
            Box::new(BooleanQuery::new(clauses))
        };
        let mut terms = compiler.highlight;
        terms.one_word = compiler.one_word;
        Ok((query, terms))
    }

    /// The best `n` matches in the request's order; equal keys keep index
    /// order, so pages are stable.
    fn ranked(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        req: &SearchRequest,
        n: usize,
    ) -> Result<Vec<Ranked>> {
        let top = TopDocs::with_limit(n);
        let err = Error::tantivy(self.path());
        Ok(match req.sort {
            SortOrder::Relevance => searcher.search(query, &top.order_by_score()).map_err(err)?,
            SortOrder::Date => {
                let by_date = top.order_by((
                    (SortByStaticFastValue::<i64>::for_field(names::DATE), Order::Desc),
                    (SortBySimilarityScore, Order::Desc),
                ));
                searcher
                    .search(query, &by_date)
                    .map_err(err)?
                    .into_iter()
                    .map(|((_, score), addr)| (score, addr))
                    .collect()
            }
            SortOrder::Recent => {
                let newest = newest_day(searcher);
                let half_life = req.half_life_days;
                let recent = top.tweak_score(move |segment: &SegmentReader| {
                    let column = segment.fast_fields().i64(names::DATE).ok();
                    move |doc, score: f32| {
                        let day = column.as_ref().and_then(|c| c.first(doc)).unwrap_or(i64::MIN / 2);
                        let age = (newest - day).max(0) as f64;
                        (score as f64 * (-age / half_life).exp2()) as f32
                    }
                });
                searcher.search(query, &recent).map_err(err)?
            }
        })
    }

    /// The address of the article with this id.
    pub(crate) fn address_of(&self, searcher: &Searcher, id: &str) -> Result<DocAddress> {
        let q = TermQuery::new(
            Term::from_field_text(self.fields().id, id),
            IndexRecordOption::Basic,
        );
        let top = searcher
            .search(&q, &TopDocs::with_limit(1).order_by_score())
            .map_err(Error::tantivy(self.path()))?;
        top.first()
            .map(|(_, a)| *a)
            .ok_or_else(|| Error::UnknownId { id: id.to_string() })
    }
}

/// Why a hit scored what it did.
#[allow(clippy::too_many_arguments)]
fn explain(
    index: &NewsIndex,
    searcher: &Searcher,
    tokens: &[String],
    addr: DocAddress,
    before: f32,
    score: f32,
    seen: Option<rank::rerank::Features>,
    relaxed: Option<&Relaxed>,
) -> Result<Explain> {
    let (tiers, first_stage) = rank::relax::split(before);
    let missing = relaxed.map_or(Vec::new(), |r| {
        let k = r.dropped.len().saturating_sub(tiers as usize);
        r.dropped[..k].to_vec()
    });
    // Term by term: tantivy explains a term query without seeking its
    // scorer backwards, which a union's explanation can do.
    let mut bm25 = Vec::new();
    let f = index.fields();
    for token in tokens {
        for (field, name, boost) in [
            (f.title, names::TITLE, compile::TITLE_BOOST),
            (f.body, names::BODY, 1.0),
        ] {
            let q = TermQuery::new(Term::from_field_text(field, token), IndexRecordOption::WithFreqs);
            if let Ok(e) = q.explain(searcher, addr) {
                bm25.push(serde_json::json!({
                    "field": name,
                    "term": token,
                    "score": e.value() * boost,
                    "explanation": e,
                }));
            }
        }
    }
    let f = seen.unwrap_or(rank::rerank::Features {
        multiplier: 1.0,
        ..Default::default()
    });
    Ok(Explain {
        first_stage,
        missing,
        lede: f.lede,
        proximity: f.proximity,
        multiplier: f.multiplier,
        score,
        bm25: serde_json::Value::Array(bm25),
    })
}

/// Days since the epoch of the newest article (0 when none is dated).
fn newest_day(searcher: &Searcher) -> i64 {
    searcher
        .segment_readers()
        .iter()
        .filter_map(|s| s.fast_fields().i64(names::DATE).ok())
        .map(|c| c.max_value())
        .max()
        .unwrap_or(0)
}

/// The facets of a search from its counts.
fn facets_of(
    index: &NewsIndex,
    searcher: &Searcher,
    fc: &[SegmentCounts],
    days: &DayCounts,
    interval: Interval,
    limit: usize,
) -> Result<Facets> {
    let top_of = |root: &str| {
        facets::top_k(searcher, index.columns(), names::ENTITY, fc, root, limit)
            .map_err(Error::tantivy(index.path()))
    };
    // People: more candidates, then short forms and case variants count
    // for the full name.
    let people = facets::top_k(
        searcher,
        index.columns(),
        names::ENTITY,
        fc,
        EntityKind::Person.as_str(),
        limit * 3,
    )
    .map_err(Error::tantivy(index.path()))?;
    let table = surnames::table(index, searcher)?;
    let people = surnames::merge_people(people, &table, limit);
    Ok(Facets {
        person: people,
        org: top_of(EntityKind::Org.as_str())?,
        place: top_of(EntityKind::Place.as_str())?,
        source: top_of(schema::SOURCE_FACET)?,
        author: top_of(schema::AUTHOR_FACET)?,
        ticker: top_of(schema::TICKER_FACET)?,
        estimated: facets::sampled(fc),
        interval,
        dates: days
            .bucketed(interval)
            .into_iter()
            .map(|(value, count)| FacetCount { value, count })
            .collect(),
    })
}
