//! Searching: the request and response types (the JSON contract of
//! `search --json` and of the library), query building, ranking, facets and
//! snippets.

use std::collections::HashMap;
use std::ops::Bound;
use std::time::Instant;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::collector::{Count, FacetCollector, FacetCounts, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::{DocAddress, Order, Searcher, TantivyDocument, Term};

use crate::dates;
use crate::entities::{Entities, EntityKind};
use crate::error::{Error, Result};
use crate::histogram::DayHistogram;
use crate::index::NewsIndex;
use crate::schema::{self, names, Fields};
use crate::snippet::Highlighter;

/// How many values each facet lists.
pub const FACET_TOP: usize = 10;
/// Largest page a request may ask for.
pub const MAX_LIMIT: usize = 10_000;
/// Title matches weigh this much more than body matches.
const TITLE_BOOST: f32 = 2.0;

/// Result order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// BM25 over title and body, best first.
    #[default]
    Relevance,
    /// Newest first; undated articles last; ties by relevance.
    Date,
}

/// A search: query text plus filters, order and page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    /// Query in tantivy's syntax: terms (all required), "phrases", field:term.
    /// Empty or `*` matches every article.
    pub query: String,
    /// Only articles dated on or after this day.
    pub since: Option<NaiveDate>,
    /// Only articles dated on or before this day.
    pub until: Option<NaiveDate>,
    /// Every named person must appear (canonical names, any case).
    pub person: Vec<String>,
    pub org: Vec<String>,
    pub place: Vec<String>,
    pub sort: SortOrder,
    pub limit: usize,
    pub offset: usize,
    /// Longest snippet, in bytes.
    pub snippet_chars: usize,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            since: None,
            until: None,
            person: Vec::new(),
            org: Vec::new(),
            place: Vec::new(),
            sort: SortOrder::Relevance,
            limit: 10,
            offset: 0,
            snippet_chars: 240,
        }
    }
}

impl SearchRequest {
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest {
            query: query.into(),
            ..Default::default()
        }
    }

    pub fn since(mut self, d: NaiveDate) -> Self {
        self.since = Some(d);
        self
    }

    pub fn until(mut self, d: NaiveDate) -> Self {
        self.until = Some(d);
        self
    }

    /// Requires an entity of `kind` named `name`.
    pub fn with_entity(mut self, kind: EntityKind, name: impl Into<String>) -> Self {
        match kind {
            EntityKind::Person => self.person.push(name.into()),
            EntityKind::Org => self.org.push(name.into()),
            EntityKind::Place => self.place.push(name.into()),
        }
        self
    }

    pub fn sort(mut self, sort: SortOrder) -> Self {
        self.sort = sort;
        self
    }

    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }

    pub fn offset(mut self, offset: usize) -> Self {
        self.offset = offset;
        self
    }

    fn entities(&self, kind: EntityKind) -> &[String] {
        match kind {
            EntityKind::Person => &self.person,
            EntityKind::Org => &self.org,
            EntityKind::Place => &self.place,
        }
    }
}

/// One value of a facet and how many matching articles have it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// Facet counts over all matching articles (not only the page shown).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    pub person: Vec<FacetCount>,
    pub org: Vec<FacetCount>,
    pub place: Vec<FacetCount>,
    /// Articles per `YYYY-MM`, in calendar order.
    pub month: Vec<FacetCount>,
}

impl Facets {
    pub fn of_kind(&self, kind: EntityKind) -> &[FacetCount] {
        match kind {
            EntityKind::Person => &self.person,
            EntityKind::Org => &self.org,
            EntityKind::Place => &self.place,
        }
    }
}

/// One matching article.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub id: String,
    pub path: String,
    pub title: String,
    /// `YYYY-MM-DD`, or null when the article has no date.
    pub date: Option<String>,
    /// BM25 score (title boosted).
    pub score: f32,
    pub snippet: String,
    /// Byte ranges `[start, end)` of `snippet` to highlight.
    pub highlights: Vec<[usize; 2]>,
    pub entities: Entities,
}

/// The answer to a [`SearchRequest`]; serialises to the JSON contract.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchResponse {
    pub query: String,
    /// Number of matching articles.
    pub total: u64,
    pub took_ms: f64,
    pub hits: Vec<Hit>,
    pub facets: Facets,
}

impl NewsIndex {
    /// Runs a search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse> {
        let started = Instant::now();
        if req.limit > MAX_LIMIT {
            return Err(Error::InvalidArgument {
                what: "limit",
                message: format!("{} is above the maximum of {MAX_LIMIT}", req.limit),
            });
        }
        let searcher = self.reader.searcher();
        let text_query = self.parse_query(&req.query)?;
        let query = self.filtered(text_query, req)?;

        let facets = entity_facet_collector();
        let days = DayHistogram::for_field(names::DATE);
        let top = TopDocs::with_limit(req.limit.max(1)).and_offset(req.offset);
        let f = &self.fields;
        let (ranked, total, facet_counts, day_counts): (Vec<(f32, DocAddress)>, usize, FacetCounts, _) =
            match req.sort {
                SortOrder::Relevance => {
                    let (docs, total, fc, dc) = searcher
                        .search(&query, &(top.order_by_score(), Count, facets, days))
                        .map_err(Error::tantivy(&self.path))?;
                    (docs, total, fc, dc)
                }
                SortOrder::Date => {
                    let by_date = top.order_by((
                        (
                            SortByStaticFastValue::<tantivy::DateTime>::for_field(names::DATE),
                            Order::Desc,
                        ),
                        (SortBySimilarityScore, Order::Desc),
                    ));
                    let (docs, total, fc, dc) = searcher
                        .search(&query, &(by_date, Count, facets, days))
                        .map_err(Error::tantivy(&self.path))?;
                    let docs = docs.into_iter().map(|((_, score), addr)| (score, addr)).collect();
                    (docs, total, fc, dc)
                }
            };

        let highlighter = self.highlighter(&searcher, &query, req.snippet_chars)?;
        let mut hits = Vec::with_capacity(ranked.len());
        for (score, addr) in ranked.into_iter().take(req.limit) {
            let doc: TantivyDocument = searcher.doc(addr).map_err(Error::tantivy(&self.path))?;
            hits.push(to_hit(f, &doc, score, &highlighter));
        }

        let top_of = |kind: EntityKind| -> Vec<FacetCount> { facet_top(&facet_counts, kind, FACET_TOP) };
        let facets = Facets {
            person: top_of(EntityKind::Person),
            org: top_of(EntityKind::Org),
            place: top_of(EntityKind::Place),
            month: day_counts
                .by_month()
                .into_iter()
                .map(|(value, count)| FacetCount { value, count })
                .collect(),
        };
        Ok(SearchResponse {
            query: req.query.clone(),
            total: total as u64,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            hits,
            facets,
        })
    }

    /// Parses the text part of a query; empty or `*` matches everything.
    pub(crate) fn parse_query(&self, text: &str) -> Result<Box<dyn Query>> {
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed == "*" {
            return Ok(Box::new(AllQuery));
        }
        let f = &self.fields;
        let mut parser = QueryParser::for_index(&self.index, vec![f.title, f.body]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(f.title, TITLE_BOOST);
        parser.parse_query(trimmed).map_err(|e| Error::Query {
            query: text.to_string(),
            message: e.to_string(),
        })
    }

    /// Adds the request's date and entity filters to a query.
    fn filtered(&self, query: Box<dyn Query>, req: &SearchRequest) -> Result<Box<dyn Query>> {
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
        if let (Some(s), Some(u)) = (req.since, req.until) {
            if s > u {
                return Err(Error::InvalidArgument {
                    what: "date range",
                    message: format!("--since {s} is after --until {u}"),
                });
            }
        }
        if req.since.is_some() || req.until.is_some() {
            let bound = |d: Option<NaiveDate>| match d {
                Some(d) => Bound::Included(Term::from_field_date(f.date, dates::to_tantivy(d))),
                None => Bound::Unbounded,
            };
            clauses.push(filter(RangeQuery::new(bound(req.since), bound(req.until))));
        }
        for kind in EntityKind::ALL {
            for name in req.entities(kind) {
                let term = Term::from_field_text(f.of_kind(kind), &schema::name_term(name.trim()));
                clauses.push(filter(TermQuery::new(term, IndexRecordOption::Basic)));
            }
        }
        if clauses.len() == 1 {
            return Ok(clauses.pop().expect("one clause").1);
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }

    /// A highlighter for the title and body terms of `query`, weighted by
    /// inverse document frequency.
    fn highlighter(&self, searcher: &Searcher, query: &dyn Query, max_chars: usize) -> Result<Highlighter> {
        let f = &self.fields;
        let mut terms: Vec<Term> = Vec::new();
        query.query_terms(&mut |term, _| {
            if term.field() == f.title || term.field() == f.body {
                terms.push(term.clone());
            }
        });
        let n = searcher.num_docs().max(1) as f32;
        let mut weights = HashMap::new();
        for term in terms {
            let Some(text) = term.value().as_str().map(str::to_string) else {
                continue;
            };
            let body_term = Term::from_field_text(f.body, &text);
            let df = searcher
                .doc_freq(&body_term)
                .map_err(Error::tantivy(&self.path))? as f32;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            weights.entry(text).or_insert(idf);
        }
        let analyzer = self
            .index
            .tokenizer_for_field(f.body)
            .map_err(Error::tantivy(&self.path))?;
        Ok(Highlighter::new(analyzer, weights, max_chars))
    }
}

/// A clause that must match but adds nothing to the score: filters narrow
/// results without reordering them.
fn filter(q: impl Query) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(Box::new(q), 0.0)))
}

/// Counts entity facets of every kind.
pub(crate) fn entity_facet_collector() -> FacetCollector {
    let mut facets = FacetCollector::for_field(names::ENTITY);
    for kind in EntityKind::ALL {
        facets.add_facet(Facet::from_path([kind.as_str()]));
    }
    facets
}

pub(crate) fn facet_top(counts: &FacetCounts, kind: EntityKind, k: usize) -> Vec<FacetCount> {
    counts
        .top_k(Facet::from_path([kind.as_str()]), k)
        .into_iter()
        .filter_map(|(facet, count)| {
            let value = facet.to_path().last()?.to_string();
            Some(FacetCount { value, count })
        })
        .collect()
}

fn first_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> &str {
    doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("")
}

fn all_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> Vec<String> {
    doc.get_all(field)
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn to_hit(f: &Fields, doc: &TantivyDocument, score: f32, h: &Highlighter) -> Hit {
    let title = first_text(doc, f.title);
    let body = first_text(doc, f.body);
    // Headline-only articles, and those matched on their title alone, show
    // the title as their passage so the match is visible.
    // Each text is analysed once: the body first, the title only when the
    // body has no match.
    let snippet = match (!body.is_empty()).then(|| h.snippet(body)) {
        Some(s) if !s.highlights.is_empty() => s,
        from_body => {
            let from_title = h.snippet(title);
            match from_body {
                Some(s) if from_title.highlights.is_empty() => s,
                _ => from_title,
            }
        }
    };
    let date = doc
        .get_first(f.date)
        .and_then(|v| v.as_datetime())
        .and_then(dates::from_tantivy)
        .map(dates::format_ymd);
    Hit {
        id: first_text(doc, f.id).to_string(),
        path: first_text(doc, f.path).to_string(),
        title: title.to_string(),
        date,
        score,
        snippet: snippet.text,
        highlights: snippet.highlights,
        entities: Entities {
            person: all_text(doc, f.person),
            org: all_text(doc, f.org),
            place: all_text(doc, f.place),
        },
    }
}
