//! The endpoints: the page and its assets, and the JSON API, each handler
//! documented for the OpenAPI document.

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::OpenApi;

use super::error::{ApiResult, ErrorBody, ErrorDetail};
use super::{exports, params, Shared};
use crate::alerts::SavedSearch;
use crate::search::{AssociatedEntity, EntitiesResponse, Timeline};
use crate::{
    Article, ArticleView, DuplicateOf, Entities, EntityKind, FacetCount, Facets, Hit, IndexStats, Interval,
    Relaxation, SearchResponse, SimilarRequest, SortOrder, Suggestion,
};

/// `GET /healthz`.
#[derive(Debug, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok`, or `unavailable` when the index cannot be opened.
    pub status: String,
    /// Articles in the index (0 when unavailable).
    pub articles: u64,
}

/// The API's OpenAPI 3 document, generated from the handlers and types.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "newsdex",
        description = "Search a news archive: ranked articles with highlighted passages, facets, timelines, entities, similar articles."
    ),
    paths(
        search,
        timeline,
        entities,
        similar,
        article,
        read,
        stats,
        healthz,
        exports::export,
        exports::search_feed,
        exports::saved_feed,
        exports::saved_list,
        exports::saved_add
    ),
    components(schemas(
        SearchResponse,
        Hit,
        Facets,
        FacetCount,
        Entities,
        Interval,
        SortOrder,
        Timeline,
        EntitiesResponse,
        AssociatedEntity,
        EntityKind,
        Article,
        ArticleView,
        DuplicateOf,
        Suggestion,
        Relaxation,
        SavedSearch,
        IndexStats,
        ErrorBody,
        ErrorDetail,
        Health
    ))
)]
pub struct ApiDoc;

/// The OpenAPI document as JSON.
pub fn openapi_json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

const PAGE: &str = include_str!("page/index.html");
const APP_JS: &str = include_str!("page/app.js");
const APP_CSS: &str = include_str!("page/app.css");

pub(crate) async fn page() -> Html<&'static str> {
    Html(PAGE)
}

fn asset(body: &'static str, kind: &'static str) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static(kind))], body).into_response()
}

pub(crate) async fn app_js() -> Response {
    asset(APP_JS, "text/javascript; charset=utf-8")
}

pub(crate) async fn app_css() -> Response {
    asset(APP_CSS, "text/css; charset=utf-8")
}

pub(crate) async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        openapi_json(),
    )
        .into_response()
}

/// Ranked articles with snippets and facets: the same JSON as `newsdex
/// search --json`.
#[utoipa::path(get, path = "/api/search",
    params(
        ("q" = Option<String>, Query, description = "Query in newsdex's language; empty or * for every article"),
        ("since" = Option<String>, Query, description = "2023-09-13, 2023-09, 2023, or 7d, 2w, 3m, 1y, today"),
        ("until" = Option<String>, Query, description = "Same forms as since"),
        ("person" = Option<Vec<String>>, Query, description = "Canonical name, any case; repeatable", explode = true),
        ("org" = Option<Vec<String>>, Query, description = "Repeatable", explode = true),
        ("place" = Option<Vec<String>>, Query, description = "Repeatable", explode = true),
        ("source" = Option<Vec<String>>, Query, description = "Repeatable", explode = true),
        ("sort" = Option<SortOrder>, Query, description = "relevance (default), date or recent"),
        ("half_life" = Option<f64>, Query, description = "Half-life of sort=recent, in days"),
        ("limit" = Option<usize>, Query, description = "Hits per page (default 10)"),
        ("offset" = Option<usize>, Query, description = "Hits to skip"),
        ("fragments" = Option<usize>, Query, description = "Passages per snippet, 1 to 10"),
        ("snippet_chars" = Option<usize>, Query, description = "Longest passage in bytes, 20 to 5000"),
        ("collapse" = Option<bool>, Query, description = "Fold near-duplicates into their best hit (default true)"),
        ("exact_facets" = Option<bool>, Query, description = "Count entity facets over every match rather than a sample of broad result sets (default false)"),
        ("by" = Option<Interval>, Query, description = "Bucket width of facets.dates"),
        ("facet_limit" = Option<usize>, Query, description = "Values per facet, 1 to 200 (default 10)"),
        ("forgiving" = Option<bool>, Query, description = "Suggest spellings, search the corrected query when nothing matches, read an unmatched quote as a plain character (default true)"),
        ("ranking" = Option<String>, Query, description = "news (default: relaxed matching of plain words, entity names, proximity and lede re-ranking) or bm25 (BM25 alone, every word required)"),
        ("explain" = Option<bool>, Query, description = "Give each hit an explain object: first-stage BM25, missing words, lede, proximity, multiplier, and tantivy's term-by-term explanation (default false)"),
    ),
    responses(
        (status = 200, body = SearchResponse),
        (status = 400, body = ErrorBody, description = "Malformed query or parameter"),
        (status = 414, body = ErrorBody, description = "Query too long"),
        (status = 503, body = ErrorBody, description = "No index yet, busy, or over the time budget"),
    )
)]
pub(crate) async fn search(State(st): Shared, RawQuery(raw): RawQuery) -> ApiResult<SearchResponse> {
    let p = params::Params::parse(raw.as_deref(), &st.limits)?;
    let req = p.search_request(&st.limits)?;
    let expensive = req.filter.expanding_terms() > 0;
    st.run_costed(expensive, move |i| i.search(&req)).await.map(Json)
}

/// Matching articles per day, week, month or year.
#[utoipa::path(get, path = "/api/timeline",
    params(
        ("q" = Option<String>, Query, description = "Query; every article when absent"),
        ("by" = Option<Interval>, Query, description = "day, week, month (default) or year"),
        ("since" = Option<String>, Query), ("until" = Option<String>, Query),
        ("person" = Option<Vec<String>>, Query, explode = true), ("org" = Option<Vec<String>>, Query, explode = true),
        ("place" = Option<Vec<String>>, Query, explode = true), ("source" = Option<Vec<String>>, Query, explode = true),
    ),
    responses((status = 200, body = Timeline), (status = 400, body = ErrorBody), (status = 503, body = ErrorBody))
)]
pub(crate) async fn timeline(State(st): Shared, RawQuery(raw): RawQuery) -> ApiResult<Timeline> {
    let p = params::Params::parse(raw.as_deref(), &st.limits)?;
    let req = p.timeline_request(&st.limits)?;
    let expensive = req.filter.expanding_terms() > 0;
    st.run_costed(expensive, move |i| i.timeline(&req))
        .await
        .map(Json)
}

/// The entities most associated with a query's matches.
#[utoipa::path(get, path = "/api/entities",
    params(
        ("q" = Option<String>, Query, description = "Query; the whole index when absent"),
        ("type" = Option<EntityKind>, Query, description = "person, org or place"),
        ("limit" = Option<usize>, Query, description = "Entities to list (default 20)"),
        ("min_count" = Option<u64>, Query, description = "Leave out entities in fewer matches (default 2)"),
        ("since" = Option<String>, Query), ("until" = Option<String>, Query),
        ("person" = Option<Vec<String>>, Query, explode = true), ("org" = Option<Vec<String>>, Query, explode = true),
        ("place" = Option<Vec<String>>, Query, explode = true), ("source" = Option<Vec<String>>, Query, explode = true),
    ),
    responses((status = 200, body = EntitiesResponse), (status = 400, body = ErrorBody), (status = 503, body = ErrorBody))
)]
pub(crate) async fn entities(State(st): Shared, RawQuery(raw): RawQuery) -> ApiResult<EntitiesResponse> {
    let p = params::Params::parse(raw.as_deref(), &st.limits)?;
    let req = p.entities_request(&st.limits)?;
    let expensive = req.filter.expanding_terms() > 0;
    st.run_costed(expensive, move |i| i.associated_entities(&req))
        .await
        .map(Json)
}

/// Articles like the one with this id.
#[utoipa::path(get, path = "/api/similar/{id}",
    params(
        ("id" = String, Path, description = "Article id as in hits[].id (may contain slashes)"),
        ("limit" = Option<usize>, Query), ("include_duplicates" = Option<bool>, Query),
    ),
    responses((status = 200, body = SearchResponse), (status = 404, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(crate) async fn similar(
    State(st): Shared,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<SearchResponse> {
    let p = params::Params::parse(raw.as_deref(), &st.limits)?;
    p.only(&["limit", "include_duplicates"])?;
    let req = SimilarRequest {
        id,
        limit: p.limit(&st.limits, 10)?,
        include_duplicates: p.flag("include_duplicates", false)?,
    };
    st.run(move |i| i.similar(&req)).await.map(Json)
}

/// One whole article.
#[utoipa::path(get, path = "/api/articles/{id}",
    params(("id" = String, Path, description = "Article id as in hits[].id (may contain slashes)")),
    responses((status = 200, body = Article), (status = 404, body = ErrorBody))
)]
pub(crate) async fn article(State(st): Shared, Path(id): Path<String>) -> ApiResult<Article> {
    st.run(move |i| i.article(&id)).await.map(Json)
}

/// One article for reading: title and body as HTML with the query's words
/// marked, and its near-duplicates.
#[utoipa::path(get, path = "/api/read/{id}",
    params(
        ("id" = String, Path, description = "Article id as in hits[].id (may contain slashes)"),
        ("q" = Option<String>, Query, description = "Query whose words to mark"),
    ),
    responses((status = 200, body = ArticleView), (status = 404, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(crate) async fn read(
    State(st): Shared,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<ArticleView> {
    let p = params::Params::parse(raw.as_deref(), &st.limits)?;
    p.only(&["q"])?;
    let q = p.text("q")?;
    st.run(move |i| i.article_view(&id, &q)).await.map(Json)
}

/// What the index holds.
#[utoipa::path(get, path = "/api/stats", responses((status = 200, body = IndexStats), (status = 503, body = ErrorBody)))]
pub(crate) async fn stats(State(st): Shared) -> ApiResult<IndexStats> {
    st.run(|i| i.stats()).await.map(Json)
}

/// Liveness and readiness: 200 when the index opens, 503 when not.
#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Health), (status = 503, body = Health)))]
pub(crate) async fn healthz(State(st): Shared) -> Response {
    match st.index() {
        Ok(i) => Json(Health {
            status: "ok".into(),
            articles: i.num_articles(),
        })
        .into_response(),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Health {
                status: "unavailable".into(),
                articles: 0,
            }),
        )
            .into_response(),
    }
}
