//! Questions beyond a ranked list: how often over time (timeline), who is
//! in the news about X (associated entities), what else is like this article
//! (similar), and which articles are copies of each other (duplicates).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, MoreLikeThisQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, OwnedValue};
use tantivy::{DocAddress, TantivyDocument, Term};

use super::{first_text, to_hit, FacetCount, Facets, Interval, SearchRequest, SearchResponse, SimHashes};
use crate::dedup;
use crate::entities::EntityKind;
use crate::error::{Error, Result};
use crate::facet_count::{self, FacetOrdCounts};
use crate::histogram::DayHistogram;
use crate::index::NewsIndex;
use crate::schema::names;
use crate::snippet::Highlighter;

/// Articles per period for a query.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimelineRequest {
    /// The query and filters; order and page are ignored.
    pub search: SearchRequest,
    pub interval: Interval,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Timeline {
    pub query: String,
    pub total: u64,
    /// Matches without a date (not in any bucket).
    pub undated: u64,
    pub interval: Interval,
    /// Every bucket from the first to the last match, empty ones included.
    pub buckets: Vec<FacetCount>,
}

/// Entities most associated with a query's matches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EntitiesRequest {
    pub search: SearchRequest,
    /// Only this kind; all three when `None`.
    pub kind: Option<EntityKind>,
    pub limit: usize,
    /// Entities in fewer matching articles are left out (chance company).
    pub min_count: u64,
}

impl Default for EntitiesRequest {
    fn default() -> Self {
        EntitiesRequest {
            search: SearchRequest::default(),
            kind: None,
            limit: 20,
            min_count: 2,
        }
    }
}

/// One associated entity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AssociatedEntity {
    pub kind: EntityKind,
    pub name: String,
    /// Matching articles that mention it.
    pub count: u64,
    /// Articles in the whole index that mention it.
    pub corpus_count: u64,
    /// (share of matches − share of all articles) × (share of matches ÷
    /// share of all articles): high for entities both frequent in the
    /// matches and much more frequent there than usual. With no query, the
    /// count.
    pub score: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EntitiesResponse {
    pub query: String,
    /// Matching articles.
    pub total: u64,
    /// Articles in the index.
    pub articles: u64,
    pub entities: Vec<AssociatedEntity>,
}

/// More like one article.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SimilarRequest {
    pub id: String,
    pub limit: usize,
    /// Also list near-duplicates of the article itself (its wire copies).
    pub include_duplicates: bool,
}

impl Default for SimilarRequest {
    fn default() -> Self {
        SimilarRequest {
            id: String::new(),
            limit: 10,
            include_duplicates: false,
        }
    }
}

/// Articles that are near-duplicates of each other.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DuplicateGroup {
    pub ids: Vec<String>,
    pub titles: Vec<String>,
}

/// How many of the most frequent entities per kind are scored.
const CANDIDATES: usize = 1_000;

impl NewsIndex {
    /// Matching articles per day, week, month or year.
    pub fn timeline(&self, req: &TimelineRequest) -> Result<Timeline> {
        req.search.validate()?;
        let searcher = self.reader.searcher();
        let (query, _) = self.build_query(&searcher, &req.search)?;
        let (total, days) = searcher
            .search(
                &query,
                &(Count, DayHistogram::for_field(names::DATE, self.columns.clone())),
            )
            .map_err(Error::tantivy(&self.path))?;
        Ok(Timeline {
            query: req.search.query.clone(),
            total: total as u64,
            undated: days.undated,
            interval: req.interval,
            buckets: days
                .bucketed(req.interval)
                .into_iter()
                .map(|(value, count)| FacetCount { value, count })
                .collect(),
        })
    }

    /// The entities most associated with a query's matches, best first.
    pub fn associated_entities(&self, req: &EntitiesRequest) -> Result<EntitiesResponse> {
        req.search.validate()?;
        let searcher = self.reader.searcher();
        let (query, _) = self.build_query(&searcher, &req.search)?;
        let kinds: Vec<EntityKind> = match req.kind {
            Some(k) => vec![k],
            None => EntityKind::ALL.to_vec(),
        };
        let (total, counts) = searcher
            .search(
                &query,
                &(
                    Count,
                    FacetOrdCounts::for_field(names::ENTITY, self.columns.clone()),
                ),
            )
            .map_err(Error::tantivy(&self.path))?;
        let n_all = searcher.num_docs().max(1) as f64;
        let n_q = (total as f64).max(1.0);
        let everything = total as u64 >= searcher.num_docs();
        let mut out = Vec::new();
        for kind in kinds {
            let top = facet_count::top_k(
                &searcher,
                &self.columns,
                names::ENTITY,
                &counts,
                kind.as_str(),
                CANDIDATES,
            )
            .map_err(Error::tantivy(&self.path))?;
            for FacetCount { value: name, count } in top {
                if count < req.min_count {
                    continue;
                }
                let term = Term::from_field_text(self.fields.of_kind(kind), &crate::schema::name_term(&name));
                let corpus = searcher
                    .doc_freq(&term)
                    .map_err(Error::tantivy(&self.path))?
                    .max(count);
                let (p_q, p_all) = (count as f64 / n_q, corpus as f64 / n_all);
                let score = if everything {
                    count as f64
                } else {
                    (p_q - p_all) * (p_q / p_all)
                };
                out.push(AssociatedEntity {
                    kind,
                    name,
                    count,
                    corpus_count: corpus,
                    score,
                });
            }
        }
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| b.count.cmp(&a.count))
                .then_with(|| a.name.cmp(&b.name))
        });
        out.truncate(req.limit);
        Ok(EntitiesResponse {
            query: req.search.query.clone(),
            total: total as u64,
            articles: searcher.num_docs(),
            entities: out,
        })
    }

    /// Articles like the one with `req.id` (more-like-this over its title
    /// and body), without the article itself and, by default, without its
    /// near-duplicates. Near-duplicates among the results are collapsed.
    pub fn similar(&self, req: &SimilarRequest) -> Result<SearchResponse> {
        let started = std::time::Instant::now();
        if req.limit > super::MAX_LIMIT {
            return Err(Error::InvalidArgument {
                what: "limit",
                message: format!("{} is above the maximum of {}", req.limit, super::MAX_LIMIT),
            });
        }
        let searcher = self.reader.searcher();
        let addr = self.address_of(&searcher, &req.id)?;
        let doc: TantivyDocument = searcher.doc(addr).map_err(Error::tantivy(&self.path))?;
        let f = &self.fields;
        let text = |field| vec![OwnedValue::Str(first_text(&doc, field).to_string())];
        let n = searcher.num_docs();
        let mlt = MoreLikeThisQuery::builder()
            .with_min_doc_frequency(2)
            .with_max_doc_frequency((n / 10).max(2))
            .with_min_term_frequency(1)
            .with_max_query_terms(30)
            .with_min_word_length(3)
            .with_document_fields(vec![(f.title, text(f.title)), (f.body, text(f.body))]);
        let query = BooleanQuery::new(vec![
            (Occur::Must, Box::new(mlt) as Box<dyn Query>),
            (
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.id, &req.id),
                    IndexRecordOption::Basic,
                )),
            ),
        ]);
        let hashes = SimHashes::new(&searcher);
        let own = hashes.get(addr);
        let is_copy = |a: DocAddress| match (own, hashes.get(a)) {
            (Some(x), Some(y)) => !req.include_duplicates && dedup::near(x, y),
            _ => false,
        };
        let mut window = req.limit * 2 + 10;
        let groups = loop {
            let ranked: Vec<(f32, DocAddress)> = searcher
                .search(&query, &TopDocs::with_limit(window).order_by_score())
                .map_err(Error::tantivy(&self.path))?;
            let full = ranked.len() >= window;
            let ranked: Vec<_> = ranked.into_iter().filter(|(_, a)| !is_copy(*a)).collect();
            let groups = self.collapse(&searcher, &query, None, ranked, usize::MAX)?;
            if groups.len() >= req.limit || !full {
                break groups;
            }
            window *= 4;
        };
        let (scan, stem) = crate::schema::text_analyzer_parts();
        let lead = Highlighter::new(scan, stem, HashMap::new(), 240);
        let mut hits = Vec::new();
        for ((score, a), dups) in groups.into_iter().take(req.limit) {
            let d: TantivyDocument = searcher.doc(a).map_err(Error::tantivy(&self.path))?;
            let mut hit = to_hit(f, &d, score, &lead, 1);
            hit.similar = self.ids(&searcher, &dups)?;
            hits.push(hit);
        }
        Ok(SearchResponse {
            query: format!("similar:{}", req.id),
            total: hits.len() as u64,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            hits,
            facets: Facets::default(),
        })
    }

    /// Every group of near-duplicate articles in the index, largest first.
    pub fn duplicate_groups(&self) -> Result<Vec<DuplicateGroup>> {
        let searcher = self.reader.searcher();
        let hashes = SimHashes::new(&searcher);
        let mut docs: Vec<(DocAddress, u64)> = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            for doc in segment.doc_ids_alive() {
                let addr = DocAddress::new(ord as u32, doc);
                if let Some(h) = hashes.get(addr) {
                    docs.push((addr, h));
                }
            }
        }
        // Union-find over pairs that share a band and are near.
        let mut parent: Vec<usize> = (0..docs.len()).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        let mut by_band: HashMap<u64, Vec<usize>> = HashMap::new();
        for (i, (_, h)) in docs.iter().enumerate() {
            for b in dedup::bands(*h) {
                by_band.entry(b).or_default().push(i);
            }
        }
        for members in by_band.values() {
            for (k, &i) in members.iter().enumerate() {
                for &j in &members[k + 1..] {
                    if dedup::near(docs[i].1, docs[j].1) {
                        let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                        if ri != rj {
                            parent[ri.max(rj)] = ri.min(rj);
                        }
                    }
                }
            }
        }
        let mut groups: HashMap<usize, Vec<DocAddress>> = HashMap::new();
        for (i, (addr, _)) in docs.iter().enumerate() {
            let r = root(&mut parent, i);
            groups.entry(r).or_default().push(*addr);
        }
        let mut out = Vec::new();
        for members in groups.into_values().filter(|m| m.len() > 1) {
            let ids = self.ids(&searcher, &members)?;
            let mut titles = Vec::with_capacity(members.len());
            for a in &members {
                let d: TantivyDocument = searcher.doc(*a).map_err(Error::tantivy(&self.path))?;
                titles.push(first_text(&d, self.fields.title).to_string());
            }
            out.push(DuplicateGroup { ids, titles });
        }
        out.sort_by(|a, b| b.ids.len().cmp(&a.ids.len()).then_with(|| a.ids.cmp(&b.ids)));
        Ok(out)
    }
}

/// One whole article, as `GET /api/articles/{id}` returns it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArticleView {
    pub id: String,
    pub path: String,
    pub title: String,
    /// `YYYY-MM-DD`, or null.
    pub date: Option<String>,
    pub source: Option<String>,
    pub author: Option<String>,
    pub url: Option<String>,
    pub body: String,
    pub entities: crate::entities::Entities,
}

impl NewsIndex {
    /// The whole article with this id.
    pub fn article(&self, id: &str) -> Result<ArticleView> {
        let searcher = self.reader.searcher();
        let addr = self.address_of(&searcher, id)?;
        let doc: TantivyDocument = searcher.doc(addr).map_err(Error::tantivy(&self.path))?;
        let a = crate::indexer::from_document(&self.fields, &doc);
        Ok(ArticleView {
            id: a.id,
            path: a.path,
            title: a.title,
            date: a.date.map(crate::dates::format_ymd),
            source: a.source,
            author: a.author,
            url: a.url,
            body: a.body,
            entities: a.entities,
        })
    }
}
