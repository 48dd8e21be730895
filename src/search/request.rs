//! What a reader asks: the [`Filter`] every request shares (query text,
//! dates, names), and the requests built on it. The CLI and the server parse
//! what users type into these with the same [`Filter::with_user_dates`], and
//! the choices ([`SortOrder`], [`Interval`]) parse from their names.

use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::entities::EntityKind;
use crate::error::{Error, Result};
use crate::index::schema;
use crate::text::dates::{self, Side};

/// How many values each facet lists.
pub const FACET_TOP: usize = 10;
/// Most values a facet may list.
pub const MAX_FACET_VALUES: usize = 200;
/// Largest page a request may ask for.
pub const MAX_LIMIT: usize = 10_000;
/// Deepest a request may page.
pub const MAX_OFFSET: usize = 100_000;
/// Most passages per snippet.
pub const MAX_FRAGMENTS: usize = 10;
/// Default half-life of `--sort recent`, in days.
pub const HALF_LIFE_DAYS: f64 = 90.0;

/// Result order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
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

impl SortOrder {
    /// Every order, in the order `--help` lists them.
    pub const ALL: [SortOrder; 3] = [SortOrder::Relevance, SortOrder::Date, SortOrder::Recent];

    /// The order's name in the CLI, the API and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Relevance => "relevance",
            SortOrder::Date => "date",
            SortOrder::Recent => "recent",
        }
    }
}

/// Width of a date histogram's buckets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    /// Calendar days, `2023-09-13`.
    Day,
    /// ISO weeks, `2023-W37`.
    Week,
    #[default]
    /// Calendar months, `2023-09`.
    Month,
    /// Calendar years, `2023`.
    Year,
}

impl Interval {
    /// Every interval, shortest first.
    pub const ALL: [Interval; 4] = [Interval::Day, Interval::Week, Interval::Month, Interval::Year];

    /// The interval's name in the CLI, the API and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Interval::Day => "day",
            Interval::Week => "week",
            Interval::Month => "month",
            Interval::Year => "year",
        }
    }
}

/// A name that is none of a choice's values; `names` lists them.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("must be one of {}, not {input:?}", .names.join(", "))]
pub struct UnknownChoice {
    /// What was given.
    pub input: String,
    /// The values there are.
    pub names: Vec<&'static str>,
}

/// Parses one of `all` by its name, in any case.
fn choice<T: Copy>(s: &str, all: &[T], name: fn(T) -> &'static str) -> Result<T, UnknownChoice> {
    all.iter()
        .copied()
        .find(|v| name(*v).eq_ignore_ascii_case(s))
        .ok_or_else(|| UnknownChoice {
            input: s.to_string(),
            names: all.iter().map(|v| name(*v)).collect(),
        })
}

impl FromStr for SortOrder {
    type Err = UnknownChoice;
    fn from_str(s: &str) -> Result<Self, UnknownChoice> {
        choice(s, &SortOrder::ALL, SortOrder::as_str)
    }
}

impl FromStr for Interval {
    type Err = UnknownChoice;
    fn from_str(s: &str) -> Result<Self, UnknownChoice> {
        choice(s, &Interval::ALL, Interval::as_str)
    }
}

/// Which articles a request is about: the query text and the date and name
/// filters. Every request has one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    /// Query in newsdex's language (see [`crate::query`]). Empty or `*`
    /// matches every article.
    pub query: String,
    /// Only articles dated on or after this day.
    pub since: Option<NaiveDate>,
    /// Only articles dated on or before this day.
    pub until: Option<NaiveDate>,
    /// Every named person must appear (canonical names, any case).
    pub person: Vec<String>,
    /// Every named organisation must appear.
    pub org: Vec<String>,
    /// Every named place must appear.
    pub place: Vec<String>,
    /// The article's source must be one of these.
    pub source: Vec<String>,
    /// Every named author must be credited.
    #[serde(default)]
    pub author: Vec<String>,
    /// Only articles that an `index` run after this one added or changed
    /// (runs are numbered from 1; see [`crate::NewsIndex::last_run`]).
    #[serde(default)]
    pub after_run: Option<u64>,
    /// Every ticker code must be cited.
    #[serde(default)]
    pub ticker: Vec<String>,
}

impl Filter {
    /// The prefix and fuzzy terms of the query (0 when it does not parse):
    /// what makes a query expensive, for a server that queues such queries
    /// apart from cheap ones.
    pub fn expanding_terms(&self) -> usize {
        fn count(ast: &crate::query::Ast) -> usize {
            use crate::query::{Ast, TermKind};
            match ast {
                Ast::Term { kind, .. } => usize::from(*kind != TermKind::Exact),
                Ast::And(v) | Ast::Or(v) => v.iter().map(count).sum(),
                Ast::Not(a) => count(a),
                _ => 0,
            }
        }
        crate::query::parse(&self.query).map_or(0, |ast| count(&ast))
    }

    /// A filter of query text alone.
    pub fn new(query: impl Into<String>) -> Self {
        Filter {
            query: query.into(),
            ..Default::default()
        }
    }

    /// Sets the dates a user typed (`2023-09-13`, `2023-09`, `2023`, `7d`,
    /// `today`...): `since` from the start of its period, `until` to its
    /// end. An error names the option as `names` give it (`--since` on the
    /// command line, `since` in the API).
    pub fn with_user_dates(
        mut self,
        since: Option<&str>,
        until: Option<&str>,
        names: [&'static str; 2],
    ) -> Result<Self> {
        let today = dates::today();
        if let Some(s) = since.filter(|s| !s.is_empty()) {
            self.since = Some(dates::parse_user_date(names[0], s, Side::Start, today)?);
        }
        if let Some(u) = until.filter(|s| !s.is_empty()) {
            self.until = Some(dates::parse_user_date(names[1], u, Side::End, today)?);
        }
        Ok(self)
    }

    /// Has the filter a date or name filter?
    pub(crate) fn filtered(&self) -> bool {
        self.since.is_some()
            || self.until.is_some()
            || self.after_run.is_some()
            || [
                &self.person,
                &self.org,
                &self.place,
                &self.source,
                &self.author,
                &self.ticker,
            ]
            .iter()
            .any(|n| !n.is_empty())
    }

    /// The list of names of one facet root.
    pub(crate) fn names_mut(&mut self, root: &str) -> &mut Vec<String> {
        match root {
            r if r == EntityKind::Person.as_str() => &mut self.person,
            r if r == EntityKind::Org.as_str() => &mut self.org,
            r if r == EntityKind::Place.as_str() => &mut self.place,
            schema::SOURCE_FACET => &mut self.source,
            schema::AUTHOR_FACET => &mut self.author,
            _ => &mut self.ticker,
        }
    }

    /// The names to match, each list with its facet root.
    pub(crate) fn names(&self) -> [(&[String], &'static str); 6] {
        [
            (&self.person, EntityKind::Person.as_str()),
            (&self.org, EntityKind::Org.as_str()),
            (&self.place, EntityKind::Place.as_str()),
            (&self.source, schema::SOURCE_FACET),
            (&self.author, schema::AUTHOR_FACET),
            (&self.ticker, schema::TICKER_FACET),
        ]
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if let (Some(s), Some(u)) = (self.since, self.until) {
            if s > u {
                return Err(Error::InvalidArgument {
                    what: "date range",
                    message: format!("--since {s} is after --until {u}"),
                });
            }
        }
        Ok(())
    }
}

/// A search: query text plus filters, order and page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    /// Which articles.
    #[serde(flatten)]
    pub filter: Filter,
    /// Result order.
    pub sort: SortOrder,
    /// Half-life of [`SortOrder::Recent`], in days.
    pub half_life_days: f64,
    /// Hits per page.
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
    /// more than [`SAMPLE_SIZE`](crate::search::SAMPLE_SIZE) matches is sampled and
    /// `facets.estimated` is set.
    pub exact_facets: bool,
    /// Bucket width of the date facet.
    pub interval: Interval,
    /// Values listed per facet.
    pub facet_limit: usize,
    /// Forgive what a reader gets wrong: suggest spellings for words the
    /// archive lacks, search the corrected query when nothing matches, and
    /// read an unmatched quote as a plain character.
    pub forgiving: bool,
    /// How relevance is ranked (see [`Ranking`]); `sort: relevance` only.
    pub ranking: Ranking,
    /// Give each hit an [`Explain`](crate::search::Explain): why it
    /// scored what it did.
    pub explain: bool,
}

/// The stages of relevance ranking and their knobs. The defaults were
/// chosen on the relevance harness's dev topics (`cargo bench --bench
/// relevance`); [`Ranking::bm25`] is BM25 alone with every word required,
/// the ranking before these stages existed.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Ranking {
    /// Relaxed matching: when a query of plain words (no operators,
    /// phrases, fields or `+word`) matches fewer articles than this, the
    /// articles missing its least important word (the most frequent) rank
    /// next, then those missing the two least important, until this many
    /// match or one word is left. 0 keeps every word required.
    pub relax_below: usize,
    /// The second stage re-ranks this many of the best first-stage matches
    /// by proximity and the lede. 0 turns it off.
    pub rerank_depth: usize,
    /// Second stage: a score is multiplied by 1 + this × the share of the
    /// matched query words found in the title or the lede.
    pub lede_weight: f32,
    /// The lede: the body's first this many words.
    pub lede_words: u32,
    /// Second stage: a score is multiplied by 1 + this × the proximity of
    /// the query words in the body ((words − 1) ÷ the span of the smallest
    /// passage holding them all: 1 when they stand together).
    pub proximity_weight: f32,
    /// Query words that name an entity of the archive (a person,
    /// organisation or place name, a surname the archive gives to one
    /// person) also match the entity's articles, and a surname's spelling
    /// variants in the archive (Gadhafi, Gaddafi, Qaddafi) match as words.
    pub entity_match: bool,
}

impl Default for Ranking {
    fn default() -> Self {
        Ranking {
            relax_below: 100,
            rerank_depth: 50,
            lede_weight: 0.5,
            lede_words: 40,
            proximity_weight: 1.5,
            entity_match: true,
        }
    }
}

impl Ranking {
    /// BM25 alone, every word required: no relaxing, no second stage, no
    /// entity matching.
    pub fn bm25() -> Self {
        Ranking {
            relax_below: 0,
            rerank_depth: 0,
            lede_weight: 0.0,
            lede_words: 0,
            proximity_weight: 0.0,
            entity_match: false,
        }
    }

    /// A ranking by name: `news` (the default stages) or `bm25`.
    pub fn named(name: &str) -> Result<Self, UnknownChoice> {
        match name.to_ascii_lowercase().as_str() {
            "news" => Ok(Ranking::default()),
            "bm25" => Ok(Ranking::bm25()),
            _ => Err(UnknownChoice {
                input: name.to_string(),
                names: vec!["news", "bm25"],
            }),
        }
    }
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            filter: Filter::default(),
            sort: SortOrder::Relevance,
            half_life_days: HALF_LIFE_DAYS,
            limit: 10,
            offset: 0,
            snippet_chars: 240,
            fragments: 1,
            collapse: true,
            exact_facets: false,
            interval: Interval::Month,
            facet_limit: FACET_TOP,
            forgiving: true,
            ranking: Ranking::default(),
            explain: false,
        }
    }
}

impl SearchRequest {
    /// A request for the first page of `query`'s best matches.
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest {
            filter: Filter::new(query),
            ..Default::default()
        }
    }

    /// Only articles dated on or after `d`.
    pub fn since(mut self, d: NaiveDate) -> Self {
        self.filter.since = Some(d);
        self
    }

    /// Only articles dated on or before `d`.
    pub fn until(mut self, d: NaiveDate) -> Self {
        self.filter.until = Some(d);
        self
    }

    /// Requires an entity of `kind` named `name`.
    pub fn with_entity(mut self, kind: EntityKind, name: impl Into<String>) -> Self {
        match kind {
            EntityKind::Person => self.filter.person.push(name.into()),
            EntityKind::Org => self.filter.org.push(name.into()),
            EntityKind::Place => self.filter.place.push(name.into()),
        }
        self
    }

    /// Sets the result order.
    pub fn sort(mut self, sort: SortOrder) -> Self {
        self.sort = sort;
        self
    }

    /// Sets the page size.
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }

    /// Sets the page start.
    pub fn offset(mut self, offset: usize) -> Self {
        self.offset = offset;
        self
    }

    pub(crate) fn validate(&self) -> Result<()> {
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
        if self.facet_limit > MAX_FACET_VALUES {
            return bad(
                "facet limit",
                format!("{} is above the maximum of {MAX_FACET_VALUES}", self.facet_limit),
            );
        }
        if self.ranking.rerank_depth > MAX_LIMIT {
            return bad(
                "rerank depth",
                format!(
                    "{} is above the maximum of {MAX_LIMIT}",
                    self.ranking.rerank_depth
                ),
            );
        }
        let weights = [self.ranking.lede_weight, self.ranking.proximity_weight];
        if weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
            return bad(
                "ranking weight",
                format!("{weights:?}: weights must be finite and not negative"),
            );
        }
        if !(self.half_life_days.is_finite() && self.half_life_days > 0.0) {
            return bad(
                "half-life",
                format!("{} is not a positive number of days", self.half_life_days),
            );
        }
        self.filter.validate()
    }
}

/// Articles per period for a query.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimelineRequest {
    /// Which articles to count.
    #[serde(flatten)]
    pub filter: Filter,
    /// Bucket width.
    pub interval: Interval,
}

/// Entities most associated with a query's matches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EntitiesRequest {
    /// Which articles to describe.
    #[serde(flatten)]
    pub filter: Filter,
    /// Only this kind; all three when `None`.
    pub kind: Option<EntityKind>,
    /// Entities to list.
    pub limit: usize,
    /// Entities in fewer matching articles are left out (chance company).
    pub min_count: u64,
}

impl Default for EntitiesRequest {
    fn default() -> Self {
        EntitiesRequest {
            filter: Filter::default(),
            kind: None,
            limit: 20,
            min_count: 2,
        }
    }
}

/// More like one article.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SimilarRequest {
    /// Id of the article.
    pub id: String,
    /// Articles to list.
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
