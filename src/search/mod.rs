//! Searching: the request and response types (the JSON contract of
//! `search --json`, of the HTTP API and of the library), ranking, collapsing
//! of near-duplicates, facets and snippets. The query language is parsed in
//! [`crate::query`] and compiled in [`compile`].

mod compile;
mod explore;

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, DocSet, Order, Searcher, SegmentReader, TantivyDocument, Term};

use crate::dates;
use crate::dedup;
use crate::entities::{Entities, EntityKind};
use crate::error::{Error, Result};
use crate::facet_count::{self, FacetOrdCounts, SegmentCounts};
use crate::histogram::DayHistogram;
pub use crate::histogram::Interval;
use crate::index::NewsIndex;
use crate::query;
use crate::schema::{self, names, Fields};
use crate::snippet::{Highlighter, Snippet};
use compile::{date_range, filter, name_query, Compiler, HighlightTerms};
pub use explore::{
    ArticleView, AssociatedEntity, DuplicateGroup, EntitiesRequest, EntitiesResponse, SimilarRequest,
    Timeline, TimelineRequest,
};

/// How many values each facet lists.
pub const FACET_TOP: usize = 10;
/// Largest page a request may ask for.
pub const MAX_LIMIT: usize = 10_000;
/// Deepest a request may page.
pub const MAX_OFFSET: usize = 100_000;
/// Most passages per snippet.
pub const MAX_FRAGMENTS: usize = 10;
/// Default half-life of `--sort recent`, in days.
pub const HALF_LIFE_DAYS: f64 = 90.0;

/// Result order.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// BM25 over title (boosted) and body, best first.
    #[default]
    Relevance,
    /// Newest first; undated articles last; ties by relevance.
    Date,
    /// BM25 times 2^(-age / half-life): an article one half-life older
    /// needs twice the relevance to rank level (age counted back from the
    /// newest article in the index, so an old archive ranks the same way).
    Recent,
}

/// A search: query text plus filters, order and page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    /// Query in newsdex's language (see [`crate::query`]). Empty or `*`
    /// matches every article.
    pub query: String,
    /// Only articles dated on or after this day.
    pub since: Option<NaiveDate>,
    /// Only articles dated on or before this day.
    pub until: Option<NaiveDate>,
    /// Every named person must appear (canonical names, any case).
    pub person: Vec<String>,
    pub org: Vec<String>,
    pub place: Vec<String>,
    pub source: Vec<String>,
    pub sort: SortOrder,
    /// Half-life of [`SortOrder::Recent`], in days.
    pub half_life_days: f64,
    pub limit: usize,
    /// Hits (after collapsing) to skip: the page start.
    pub offset: usize,
    /// Longest passage of a snippet, in bytes.
    pub snippet_chars: usize,
    /// Passages per snippet.
    pub fragments: usize,
    /// Show near-duplicates of a hit under it rather than as hits.
    pub collapse: bool,
    /// Count entity facets over every match. By default a segment with
    /// more than [`crate::facet_count::SAMPLE_SIZE`] matches is sampled and
    /// `facets.estimated` is set.
    pub exact_facets: bool,
    /// Bucket width of the date facet.
    pub interval: Interval,
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
            source: Vec::new(),
            sort: SortOrder::Relevance,
            half_life_days: HALF_LIFE_DAYS,
            limit: 10,
            offset: 0,
            snippet_chars: 240,
            fragments: 1,
            collapse: true,
            exact_facets: false,
            interval: Interval::Month,
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

    /// Has the request a date or name filter?
    fn filtered(&self) -> bool {
        self.since.is_some()
            || self.until.is_some()
            || [&self.person, &self.org, &self.place, &self.source]
                .iter()
                .any(|n| !n.is_empty())
    }

    fn names(&self) -> [(Vec<String>, &'static str); 4] {
        [
            (self.person.clone(), EntityKind::Person.as_str()),
            (self.org.clone(), EntityKind::Org.as_str()),
            (self.place.clone(), EntityKind::Place.as_str()),
            (self.source.clone(), schema::SOURCE_FACET),
        ]
    }

    fn validate(&self) -> Result<()> {
        let bad = |what, message: String| Err(Error::InvalidArgument { what, message });
        if self.limit > MAX_LIMIT {
            return bad(
                "limit",
                format!("{} is above the maximum of {MAX_LIMIT}", self.limit),
            );
        }
        if self.offset > MAX_OFFSET {
            return bad(
                "offset",
                format!("{} is above the maximum of {MAX_OFFSET}", self.offset),
            );
        }
        if self.fragments > MAX_FRAGMENTS {
            return bad(
                "fragments",
                format!("{} is above the maximum of {MAX_FRAGMENTS}", self.fragments),
            );
        }
        if !(self.half_life_days.is_finite() && self.half_life_days > 0.0) {
            return bad(
                "half-life",
                format!("{} is not a positive number of days", self.half_life_days),
            );
        }
        if let (Some(s), Some(u)) = (self.since, self.until) {
            if s > u {
                return bad("date range", format!("--since {s} is after --until {u}"));
            }
        }
        Ok(())
    }
}

/// One value of a facet and how many matching articles have it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// Facet counts over all matching articles (not only the page shown).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Facets {
    pub person: Vec<FacetCount>,
    pub org: Vec<FacetCount>,
    pub place: Vec<FacetCount>,
    pub source: Vec<FacetCount>,
    /// The person/org/place/source counts are estimates: the query matched
    /// more articles than are read for facets (see [`crate::search`]).
    pub estimated: bool,
    /// Bucket width of `dates`.
    pub interval: Interval,
    /// Matching articles per bucket, in calendar order, gaps included.
    pub dates: Vec<FacetCount>,
}

impl Facets {
    pub fn of_kind(&self, kind: EntityKind) -> &[FacetCount] {
        match kind {
            EntityKind::Person => &self.person,
            EntityKind::Org => &self.org,
            EntityKind::Place => &self.place,
        }
    }

    pub(crate) fn from_counts(
        index: &NewsIndex,
        searcher: &Searcher,
        fc: &[SegmentCounts],
        days: &crate::histogram::DayCounts,
        interval: Interval,
    ) -> Result<Facets> {
        let top_of = |root: &str| {
            facet_count::top_k(searcher, &index.columns, names::ENTITY, fc, root, FACET_TOP)
                .map_err(Error::tantivy(&index.path))
        };
        Ok(Facets {
            person: top_of(EntityKind::Person.as_str())?,
            org: top_of(EntityKind::Org.as_str())?,
            place: top_of(EntityKind::Place.as_str())?,
            source: top_of(schema::SOURCE_FACET)?,
            estimated: facet_count::sampled(fc),
            interval,
            dates: days
                .bucketed(interval)
                .into_iter()
                .map(|(value, count)| FacetCount { value, count })
                .collect(),
        })
    }
}

/// One matching article.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Hit {
    pub id: String,
    pub path: String,
    pub title: String,
    /// `YYYY-MM-DD`, or null when the article has no date.
    pub date: Option<String>,
    /// BM25 score (title boosted; recency-weighted under `sort: recent`).
    pub score: f32,
    pub snippet: String,
    /// Byte ranges `[start, end)` of `snippet` to highlight.
    pub highlights: Vec<[usize; 2]>,
    /// The snippet as escaped HTML with `<mark>` highlights.
    pub snippet_html: String,
    pub entities: Entities,
    /// Ids of matching near-duplicates (wire copies, reprints) collapsed
    /// into this hit; empty with `collapse: false`.
    pub similar: Vec<String>,
}

/// The answer to a [`SearchRequest`]; serialises to the JSON contract.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchResponse {
    pub query: String,
    /// Number of matching articles (near-duplicates included).
    pub total: u64,
    pub took_ms: f64,
    pub hits: Vec<Hit>,
    pub facets: Facets,
}

/// A ranked article: sort score and address.
type Ranked = (f32, DocAddress);

impl NewsIndex {
    /// Runs a search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse> {
        let started = Instant::now();
        req.validate()?;
        let searcher = self.reader.searcher();
        let (query, terms) = self.build_query(&searcher, req)?;

        let wanted = req.offset + req.limit;
        let mut window = if req.collapse { wanted * 2 + 10 } else { wanted }.max(1);
        // A one-word query is ranked apart from counting: alone, ranking
        // skips most of its matches (block-max WAND). Any other query
        // (conjunctions, phrases, prefixes, filters) would be evaluated in
        // full twice, so it is ranked in the counting pass: on the 200k
        // bench, "central bank" took 3.5 ms ranked in the pass, 4.7 ms apart.
        let one_word = terms.one_word && !req.filtered();
        let rank_in_pass = req.sort == SortOrder::Relevance && !one_word;
        let top = TopDocs::with_limit(if rank_in_pass { window } else { 1 }).order_by_score();
        let counting = (
            Count,
            FacetOrdCounts::for_field(names::ENTITY, self.columns.clone()).exact(req.exact_facets),
            DayHistogram::for_field(names::DATE, self.columns.clone()),
        );
        let matching = MatchSet { wanted: req.collapse };
        let ((total, fc, days), matched, mut first) = if rank_in_pass {
            let (c, (m, r)) = searcher
                .search(&query, &(counting, (matching, top)))
                .map_err(Error::tantivy(&self.path))?;
            (c, m, Some(r))
        } else {
            let (c, m) = searcher
                .search(&query, &(counting, matching))
                .map_err(Error::tantivy(&self.path))?;
            (c, m, None)
        };

        let groups = loop {
            let ranked = match first.take() {
                Some(r) => r,
                None => self.ranked(&searcher, &*query, req, window)?,
            };
            let full = ranked.len() >= window;
            let groups = if req.collapse {
                self.collapse(&searcher, &*query, Some(&matched), ranked, wanted)?
            } else {
                ranked.into_iter().map(|r| (r, Vec::new())).collect()
            };
            if groups.len() >= wanted || !full || window >= total {
                break groups;
            }
            window *= 4;
        };

        let highlighter = self.highlighter(&searcher, terms, req.snippet_chars)?;
        let mut hits = Vec::with_capacity(req.limit);
        for ((score, addr), dups) in groups.into_iter().skip(req.offset).take(req.limit) {
            let doc: TantivyDocument = searcher.doc(addr).map_err(Error::tantivy(&self.path))?;
            let mut hit = to_hit(&self.fields, &doc, score, &highlighter, req.fragments.max(1));
            hit.similar = self.ids(&searcher, &dups)?;
            hits.push(hit);
        }
        let facets = Facets::from_counts(self, &searcher, &fc, &days, req.interval)?;
        Ok(SearchResponse {
            query: req.query.clone(),
            total: total as u64,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            hits,
            facets,
        })
    }

    /// The request's query with its filters, and the terms to highlight.
    pub(crate) fn build_query(
        &self,
        searcher: &Searcher,
        req: &SearchRequest,
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
            clauses.push(filter(date_range(self.fields.date, req.since, req.until)));
        }
        for (names, root) in req.names() {
            for name in names {
                let field = match root {
                    "person" => self.fields.person,
                    "org" => self.fields.org,
                    "place" => self.fields.place,
                    _ => self.fields.source,
                };
                let q = name_query(self, searcher, field, root, &name)?;
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
        let err = Error::tantivy(&self.path);
        Ok(match req.sort {
            SortOrder::Relevance => searcher.search(query, &top.order_by_score()).map_err(err)?,
            SortOrder::Date => {
                let by_date = top.order_by((
                    (
                        SortByStaticFastValue::<tantivy::DateTime>::for_field(names::DATE),
                        Order::Desc,
                    ),
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
                    let column = segment.fast_fields().date(names::DATE).ok();
                    move |doc, score: f32| {
                        let day = column
                            .as_ref()
                            .and_then(|c| c.first(doc))
                            .map_or(i64::MIN / 2, |d| d.into_timestamp_secs().div_euclid(86_400));
                        let age = (newest - day).max(0) as f64;
                        (score as f64 * (-age / half_life).exp2()) as f32
                    }
                });
                searcher.search(query, &recent).map_err(err)?
            }
        })
    }

    /// Groups ranked matches with their near-duplicates among all matches:
    /// the best-ranked copy leads, the others are listed under it.
    fn collapse(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        matched: Option<&[MatchedDocs]>,
        ranked: Vec<Ranked>,
        enough: usize,
    ) -> Result<Vec<(Ranked, Vec<DocAddress>)>> {
        let hashes = SimHashes::new(searcher);
        if let Some(matched) = matched {
            return self.collapse_matched(searcher, &hashes, matched, ranked, enough);
        }
        let mut bands: HashSet<u64> = HashSet::new();
        for (_, addr) in &ranked {
            if let Some(h) = hashes.get(*addr) {
                bands.extend(dedup::bands(h));
            }
        }
        let mut candidates: Vec<(DocAddress, u64)> = Vec::new();
        if !bands.is_empty() {
            let band_clauses: Vec<(Occur, Box<dyn Query>)> = bands
                .into_iter()
                .map(|b| {
                    let t = Term::from_field_u64(self.fields.dup_band, b);
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
                .map_err(Error::tantivy(&self.path))?;
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
                    if other != addr && dedup::near(h, oh) && taken.insert(other) {
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
    fn collapse_matched(
        &self,
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
                    .inverted_index(self.fields.dup_band)
                    .map_err(Error::tantivy(&self.path))
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
                    for b in dedup::bands(h) {
                        let term = Term::from_field_u64(self.fields.dup_band, b);
                        let postings = inverted
                            .read_postings(&term, IndexRecordOption::Basic)
                            .map_err(|e| Error::tantivy(&self.path)(e.into()))?;
                        let Some(mut postings) = postings else { continue };
                        let mut doc = postings.doc();
                        while doc != tantivy::TERMINATED {
                            let other = DocAddress::new(m.segment, doc);
                            if other != addr && m.docs.contains(doc) {
                                if let Some(oh) = hashes.get(other) {
                                    if dedup::near(h, oh) && !taken.contains(&other) {
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

    /// Article ids of documents, from the fast field.
    fn ids(&self, searcher: &Searcher, docs: &[DocAddress]) -> Result<Vec<String>> {
        let mut out = Vec::with_capacity(docs.len());
        for addr in docs {
            let segment = searcher.segment_reader(addr.segment_ord);
            let column = self
                .columns
                .str_column(segment, names::ID)
                .map_err(Error::tantivy(&self.path))?;
            let mut id = String::new();
            if let Some(col) = column {
                if let Some(ord) = col.term_ords(addr.doc_id).next() {
                    col.ord_to_str(ord, &mut id)
                        .map_err(|e| Error::tantivy(&self.path)(e.into()))?;
                }
            }
            out.push(id);
        }
        Ok(out)
    }

    /// A highlighter for the query's text terms, weighted by inverse
    /// document frequency.
    fn highlighter(
        &self,
        searcher: &Searcher,
        terms: HighlightTerms,
        max_chars: usize,
    ) -> Result<Highlighter> {
        let f = &self.fields;
        let n = searcher.num_docs().max(1) as f32;
        let mut weights = HashMap::new();
        for text in terms.exact {
            let df = searcher
                .doc_freq(&Term::from_field_text(f.body, &text))
                .map_err(Error::tantivy(&self.path))? as f32;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            weights.insert(text, idf);
        }
        let (scan, stem) = schema::text_analyzer_parts();
        Ok(Highlighter::new(scan, stem, weights, max_chars).with_patterns(terms.prefixes, terms.fuzzy))
    }

    /// The address of the article with this id.
    pub(crate) fn address_of(&self, searcher: &Searcher, id: &str) -> Result<DocAddress> {
        let q = TermQuery::new(
            Term::from_field_text(self.fields.id, id),
            IndexRecordOption::Basic,
        );
        let top = searcher
            .search(&q, &TopDocs::with_limit(1).order_by_score())
            .map_err(Error::tantivy(&self.path))?;
        top.first()
            .map(|(_, a)| *a)
            .ok_or_else(|| Error::UnknownId { id: id.to_string() })
    }
}

/// Days since the epoch of the newest article (0 when none is dated).
fn newest_day(searcher: &Searcher) -> i64 {
    searcher
        .segment_readers()
        .iter()
        .filter_map(|s| s.fast_fields().date(names::DATE).ok())
        .map(|c| c.max_value().into_timestamp_secs().div_euclid(86_400))
        .max()
        .unwrap_or(0)
}

/// The matching documents of one segment.
pub(crate) struct MatchedDocs {
    segment: u32,
    docs: tantivy::BitSet,
}

/// Collects the set of matching documents (for collapsing: a duplicate is
/// listed only when it matches too); collects nothing when not `wanted`.
struct MatchSet {
    wanted: bool,
}

struct MatchSetSegment(Option<MatchedDocs>);

impl tantivy::collector::Collector for MatchSet {
    type Fruit = Vec<MatchedDocs>;
    type Child = MatchSetSegment;

    fn for_segment(&self, segment: u32, reader: &SegmentReader) -> tantivy::Result<MatchSetSegment> {
        Ok(MatchSetSegment(self.wanted.then(|| MatchedDocs {
            segment,
            docs: tantivy::BitSet::with_max_value(reader.max_doc()),
        })))
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<MatchedDocs>>) -> tantivy::Result<Vec<MatchedDocs>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl tantivy::collector::SegmentCollector for MatchSetSegment {
    type Fruit = Vec<MatchedDocs>;

    fn collect(&mut self, doc: tantivy::DocId, _: tantivy::Score) {
        if let Some(m) = &mut self.0 {
            m.docs.insert(doc);
        }
    }

    fn harvest(self) -> Vec<MatchedDocs> {
        self.0.into_iter().collect()
    }
}

/// SimHashes of documents, per segment.
struct SimHashes(Vec<Option<tantivy::columnar::Column<u64>>>);

impl SimHashes {
    fn new(searcher: &Searcher) -> Self {
        SimHashes(
            searcher
                .segment_readers()
                .iter()
                .map(|s| s.fast_fields().u64(names::SIMHASH).ok())
                .collect(),
        )
    }

    fn get(&self, addr: DocAddress) -> Option<u64> {
        self.0
            .get(addr.segment_ord as usize)?
            .as_ref()?
            .first(addr.doc_id)
    }
}

fn first_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> &str {
    doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("")
}

fn all_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> Vec<String> {
    doc.get_all(field)
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn to_hit(f: &Fields, doc: &TantivyDocument, score: f32, h: &Highlighter, fragments: usize) -> Hit {
    let title = first_text(doc, f.title);
    let body = first_text(doc, f.body);
    // Headline-only articles, and those matched on their title alone, show
    // the title as their passage so the match is visible.
    // Each text is analysed once: the body first, the title only when the
    // body has no match.
    let snippet: Snippet = match (!body.is_empty()).then(|| h.snippets(body, fragments)) {
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
        snippet_html: snippet.to_html(),
        snippet: snippet.text,
        highlights: snippet.highlights,
        similar: Vec::new(),
        entities: Entities {
            person: all_text(doc, f.person),
            org: all_text(doc, f.org),
            place: all_text(doc, f.place),
        },
    }
}
