//! What a search answers: the types of the JSON contract of `search
//! --json`, of the HTTP API and of the library. Plain data; the read path
//! fills them.

use serde::{Deserialize, Serialize};

use crate::entities::{Entities, EntityKind};
use crate::search::request::Interval;

/// One value of a facet and how many matching articles have it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FacetCount {
    /// The value: a canonical name, a source, or a period.
    pub value: String,
    /// Matching articles with it.
    pub count: u64,
}

/// Facet counts over all matching articles (not only the page shown).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Facets {
    /// Top people.
    pub person: Vec<FacetCount>,
    /// Top organisations.
    pub org: Vec<FacetCount>,
    /// Top places.
    pub place: Vec<FacetCount>,
    /// Top sources.
    pub source: Vec<FacetCount>,
    /// Top authors (the people credited with the stories).
    #[serde(default)]
    pub author: Vec<FacetCount>,
    /// Top ticker codes.
    #[serde(default)]
    pub ticker: Vec<FacetCount>,
    /// The person/org/place/source counts are estimates: the query matched
    /// more articles than are read for facets (see [`crate::search`]).
    pub estimated: bool,
    /// Bucket width of `dates`.
    pub interval: Interval,
    /// Matching articles per bucket, in calendar order, gaps included.
    pub dates: Vec<FacetCount>,
}

impl Facets {
    /// The top values of one entity kind.
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
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Hit {
    /// The article id (see [`crate::Article::id`]).
    pub id: String,
    /// Source file, relative to the corpus root.
    pub path: String,
    /// The headline.
    pub title: String,
    /// `YYYY-MM-DD`, or null when the article has no date.
    pub date: Option<String>,
    /// BM25 score (title boosted; recency-weighted under `sort: recent`;
    /// under `sort: relevance`, times the second stage's multiplier, and
    /// within its tier when the query was relaxed: see `explain`).
    pub score: f32,
    /// The passage that answers, as plain text.
    pub snippet: String,
    /// Byte ranges `[start, end)` of `snippet` to highlight.
    pub highlights: Vec<[usize; 2]>,
    /// The snippet as escaped HTML with `<mark>` highlights.
    pub snippet_html: String,
    /// Canonical names of the article's entities.
    pub entities: Entities,
    /// Ids of matching near-duplicates (wire copies, reprints) collapsed
    /// into this hit; empty with `collapse: false`.
    pub similar: Vec<String>,
    /// Why the hit scored what it did; with `explain: true` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explain: Option<Explain>,
}

/// How a hit's score was made, stage by stage (see
/// [`Ranking`](crate::search::Ranking)).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Explain {
    /// First stage: BM25 over title (boosted) and body, plus entity matches.
    pub first_stage: f32,
    /// Words of a relaxed query this article lacks; it ranks after every
    /// article that has them.
    pub missing: Vec<String>,
    /// Share of the matched query words in the title or the lede (0 to 1).
    pub lede: f32,
    /// Proximity of the query words in the body (0 to 1).
    pub proximity: f32,
    /// What the second stage multiplied the first stage's score by.
    pub multiplier: f32,
    /// The final score (the hit's `score`), by which it ranks within its
    /// tier.
    pub score: f32,
    /// The first stage's BM25 term by term, as tantivy computes it:
    /// `[{"field", "term", "score", "explanation"}]` (boost included in
    /// `score`; entity matches and tiers are not terms).
    #[cfg_attr(feature = "server", schema(value_type = Vec<Object>))]
    pub bm25: serde_json::Value,
}

/// A query that matched few articles with every word, and what was
/// dropped to find more.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Relaxed {
    /// Matches with every word; they rank first.
    pub strict_total: u64,
    /// The words that later matches may lack, least important first: the
    /// articles missing only the first rank next, and so on.
    pub dropped: Vec<String>,
}

/// The answer to a [`SearchRequest`]; serialises to the JSON contract.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SearchResponse {
    /// The query as given.
    pub query: String,
    /// Number of matching articles (near-duplicates included).
    pub total: u64,
    /// Time the search took, in milliseconds.
    pub took_ms: f64,
    /// The page of hits, best first.
    pub hits: Vec<Hit>,
    /// Facets over every match.
    pub facets: Facets,
    /// Query words the archive lacks or rarely uses, each with its closest
    /// frequent spelling in the index.
    #[serde(default)]
    pub spelling: Vec<Suggestion>,
    /// The query with those spellings, when there are any.
    #[serde(default)]
    pub did_you_mean: Option<String>,
    /// Set when the query matched nothing and the hits are those of this
    /// corrected query instead (`forgiving`, the default).
    #[serde(default)]
    pub corrected_query: Option<String>,
    /// How the query was read where it was not taken as written (an
    /// unmatched quote read as a plain character).
    #[serde(default)]
    pub notes: Vec<String>,
    /// With no match: how many articles each filter's removal would give.
    #[serde(default)]
    pub without: Vec<Relaxation>,
    /// Set when few articles had every word and `total` also counts those
    /// that lack the least important ones (`ranking.relax_below`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relaxed: Option<Relaxed>,
    /// The query as matched, when the ranking rewrote it (entity names
    /// and spelling variants added, see `ranking.entity_weight`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched_query: Option<String>,
}

/// A query word and the spelling the index suggests for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Suggestion {
    /// The word as typed.
    pub word: String,
    /// The closest spelling that the archive uses often.
    pub suggestion: String,
    /// Articles containing the suggestion.
    pub articles: u64,
}

/// A filter of a search that matched nothing, and the matches without it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Relaxation {
    /// The filter's name: person, org, place, source, author, ticker or dates.
    pub filter: String,
    /// Its value (a name, or the date range as given).
    pub value: String,
    /// Matching articles without this filter.
    pub total: u64,
}

/// One article for reading: the article, its title and body as HTML with
/// the query's words marked, and its near-duplicates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ArticleView {
    /// The whole article.
    pub article: crate::article::Article,
    /// The title, escaped, with `<mark>` around query words.
    pub title_html: String,
    /// The body, escaped, with `<mark>` around query words; line breaks kept.
    pub body_html: String,
    /// Words marked in the body.
    pub marked: usize,
    /// Near-duplicates of the article (wire copies, reprints).
    pub duplicates: Vec<DuplicateOf>,
}

/// A near-duplicate of an article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DuplicateOf {
    /// Its id.
    pub id: String,
    /// Its headline.
    pub title: String,
    /// `YYYY-MM-DD`, or null.
    pub date: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
/// Articles per period for a query.
pub struct Timeline {
    /// The query as given.
    pub query: String,
    /// Matching articles.
    pub total: u64,
    /// Matches without a date (not in any bucket).
    pub undated: u64,
    /// Bucket width.
    pub interval: Interval,
    /// Every bucket from the first to the last match, empty ones included.
    pub buckets: Vec<FacetCount>,
}

/// One associated entity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AssociatedEntity {
    /// Its kind.
    pub kind: EntityKind,
    /// Its canonical name.
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
/// The entities most associated with a query.
pub struct EntitiesResponse {
    /// The query as given.
    pub query: String,
    /// Matching articles.
    pub total: u64,
    /// Articles in the index.
    pub articles: u64,
    /// The entities, best score first.
    pub entities: Vec<AssociatedEntity>,
}

/// Articles that are near-duplicates of each other.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DuplicateGroup {
    /// Ids of the articles, in index order.
    pub ids: Vec<String>,
    /// Their titles, in the same order.
    pub titles: Vec<String>,
}
