//! `newsdex serve`: a read-only JSON API over an index, with its OpenAPI
//! document, and a search page. The JSON types are the library's own.
//!
//! Searches are CPU work: they run on tokio's blocking pool, at most
//! `max_concurrent` at a time, each within a time budget. The index reader
//! follows new commits of a reindex by itself, so the server never needs a
//! restart; when there is no index yet, requests get 503 until there is.

mod params;

use std::net::SocketAddr;
use std::path::{Path as FsPath, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use tokio::sync::Semaphore;
use utoipa::OpenApi;

use crate::error::Error;
use crate::index::NewsIndex;
use crate::search::{
    ArticleView, AssociatedEntity, EntitiesResponse, FacetCount, Facets, Hit, Interval, SearchResponse,
    SimilarRequest, SortOrder, Timeline,
};
use crate::stats::IndexStats;
use crate::{Entities, EntityKind};
pub use params::Limits;

/// How to run the server.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub addr: SocketAddr,
    pub limits: Limits,
}

/// The JSON body of every error response.
#[derive(Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// The HTTP status, repeated.
    pub status: u16,
    pub message: String,
    /// For a malformed query: the 1-based column of the problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// For an unknown entity name: close names in the index.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub suggestions: Vec<String>,
}

/// `GET /healthz`.
#[derive(Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`, or `unavailable` when the index cannot be opened.
    pub status: String,
    pub articles: u64,
}

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    column: Option<usize>,
    suggestions: Vec<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            column: None,
            suggestions: Vec::new(),
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        let message = e.to_string();
        match e {
            Error::Query { column, .. } => ApiError {
                column: Some(column),
                ..ApiError::bad_request(message)
            },
            Error::UnknownName { suggestions, .. } => ApiError {
                suggestions,
                ..ApiError::bad_request(message)
            },
            Error::UnknownId { .. } => ApiError::new(StatusCode::NOT_FOUND, message),
            Error::InvalidArgument { .. } => ApiError::bad_request(message),
            Error::IndexNotFound { .. } | Error::SchemaMismatch { .. } => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, message)
            }
            _ => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                status: self.status.as_u16(),
                message: self.message,
                column: self.column,
                suggestions: self.suggestions,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

type ApiResult<T> = Result<Json<T>, ApiError>;

struct AppState {
    dir: PathBuf,
    index: RwLock<Option<Arc<NewsIndex>>>,
    limits: Limits,
    permits: Arc<Semaphore>,
}

impl AppState {
    /// The index, opened on first use (and retried while it is missing).
    fn index(&self) -> Result<Arc<NewsIndex>, ApiError> {
        if let Some(i) = self.index.read().ok().and_then(|g| g.clone()) {
            return Ok(i);
        }
        let opened = Arc::new(NewsIndex::open(&self.dir)?);
        if let Ok(mut g) = self.index.write() {
            *g = Some(opened.clone());
        }
        Ok(opened)
    }

    /// Runs library work on the blocking pool, bounded in number and time.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&NewsIndex) -> crate::Result<T> + Send + 'static,
    ) -> Result<T, ApiError> {
        let index = self.index()?;
        let started = Instant::now();
        let budget = self.limits.timeout;
        let busy = || ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is busy; try again");
        let permit = tokio::time::timeout(budget, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        let task = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work(&index)
        });
        let left = budget.saturating_sub(started.elapsed());
        match tokio::time::timeout(left, task).await {
            Err(_) => Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "the request took longer than the {} ms budget",
                    budget.as_millis()
                ),
            )),
            Ok(Err(_)) => Err(ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")),
            Ok(Ok(result)) => result.map_err(ApiError::from),
        }
    }
}

type Shared = State<Arc<AppState>>;

/// The API's OpenAPI 3 document, generated from the handlers and types.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "newsdex",
        description = "Search a news archive: ranked articles with highlighted passages, facets, timelines, entities, similar articles."
    ),
    paths(search, timeline, entities, similar, article, stats, healthz),
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
        ArticleView,
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

/// The application: routes, limits and the access log, over the index at
/// `dir`.
pub fn router(dir: &FsPath, limits: Limits) -> Router {
    let state = Arc::new(AppState {
        dir: dir.to_path_buf(),
        index: RwLock::new(None),
        permits: Arc::new(Semaphore::new(limits.max_concurrent.max(1))),
        limits,
    });
    let api = Router::new()
        .route("/", get(page))
        .route("/assets/app.js", get(app_js))
        .route("/assets/app.css", get(app_css))
        .route("/healthz", get(healthz))
        .route("/api/openapi.json", get(openapi))
        .route("/api/search", get(search))
        .route("/api/timeline", get(timeline))
        .route("/api/entities", get(entities))
        .route("/api/similar/{*id}", get(similar))
        .route("/api/articles/{*id}", get(article))
        .route("/api/stats", get(stats))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "no such endpoint") })
        .with_state(state.clone());
    api.layer(middleware::from_fn_with_state(state, guard_and_log))
}

/// Refuses oversized requests before any work, and logs one line per
/// request with its latency.
async fn guard_and_log(State(st): Shared, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let target = req.uri().to_string();
    let response = if target.len() > st.limits.max_uri_bytes {
        ApiError::new(
            StatusCode::URI_TOO_LONG,
            format!("the request URI is longer than {} bytes", st.limits.max_uri_bytes),
        )
        .into_response()
    } else if req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > st.limits.max_body_bytes)
    {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "the request body is too large").into_response()
    } else {
        next.run(req).await
    };
    let shown: String = target.chars().take(300).collect();
    eprintln!(
        "{method} {shown} {} {:.1} ms",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

const PAGE: &str = include_str!("page/index.html");
const APP_JS: &str = include_str!("page/app.js");
const APP_CSS: &str = include_str!("page/app.css");

async fn page() -> Html<&'static str> {
    Html(PAGE)
}

fn asset(body: &'static str, kind: &'static str) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static(kind))], body).into_response()
}

async fn app_js() -> Response {
    asset(APP_JS, "text/javascript; charset=utf-8")
}

async fn app_css() -> Response {
    asset(APP_CSS, "text/css; charset=utf-8")
}

async fn openapi() -> Response {
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
    ),
    responses(
        (status = 200, body = SearchResponse),
        (status = 400, body = ErrorBody, description = "Malformed query or parameter"),
        (status = 414, body = ErrorBody, description = "Query too long"),
        (status = 503, body = ErrorBody, description = "No index yet, busy, or over the time budget"),
    )
)]
async fn search(State(st): Shared, RawQuery(raw): RawQuery) -> ApiResult<SearchResponse> {
    let p = params::Params::parse(raw.as_deref(), &st.limits)?;
    let req = p.search_request(&st.limits)?;
    st.run(move |i| i.search(&req)).await.map(Json)
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
async fn timeline(State(st): Shared, RawQuery(raw): RawQuery) -> ApiResult<Timeline> {
    let p = params::Params::parse(raw.as_deref(), &st.limits)?;
    let req = p.timeline_request(&st.limits)?;
    st.run(move |i| i.timeline(&req)).await.map(Json)
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
async fn entities(State(st): Shared, RawQuery(raw): RawQuery) -> ApiResult<EntitiesResponse> {
    let p = params::Params::parse(raw.as_deref(), &st.limits)?;
    let req = p.entities_request(&st.limits)?;
    st.run(move |i| i.associated_entities(&req)).await.map(Json)
}

/// Articles like the one with this id.
#[utoipa::path(get, path = "/api/similar/{id}",
    params(
        ("id" = String, Path, description = "Article id as in hits[].id (may contain slashes)"),
        ("limit" = Option<usize>, Query), ("include_duplicates" = Option<bool>, Query),
    ),
    responses((status = 200, body = SearchResponse), (status = 404, body = ErrorBody), (status = 400, body = ErrorBody))
)]
async fn similar(
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
    responses((status = 200, body = ArticleView), (status = 404, body = ErrorBody))
)]
async fn article(State(st): Shared, Path(id): Path<String>) -> ApiResult<ArticleView> {
    st.run(move |i| i.article(&id)).await.map(Json)
}

/// What the index holds.
#[utoipa::path(get, path = "/api/stats", responses((status = 200, body = IndexStats), (status = 503, body = ErrorBody)))]
async fn stats(State(st): Shared) -> ApiResult<IndexStats> {
    st.run(|i| i.stats()).await.map(Json)
}

/// Liveness and readiness: 200 when the index opens, 503 when not.
#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Health), (status = 503, body = Health)))]
async fn healthz(State(st): Shared) -> Response {
    match st.index() {
        Ok(i) => Json(Health {
            status: "ok".into(),
            articles: i.reader.searcher().num_docs(),
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

/// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight.
/// `on_listen` receives the bound address (useful with port 0).
pub fn serve(dir: &FsPath, opts: &ServeOptions, on_listen: impl FnOnce(SocketAddr)) -> crate::Result<()> {
    let io = |action: &'static str| {
        let path = dir.to_path_buf();
        move |source: std::io::Error| Error::Io { action, path, source }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(io("cannot start the server runtime for"))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(opts.addr)
            .await
            .map_err(io("cannot listen for"))?;
        let bound = listener.local_addr().map_err(io("cannot listen for"))?;
        on_listen(bound);
        let app = router(dir, opts.limits.clone());
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(io("server failed for"))
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// Kept for the duration budget type in `Limits`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

#[cfg(test)]
mod tests {
    use super::*;

    fn state(dir: &FsPath, limits: Limits) -> AppState {
        NewsIndex::create_or_open(dir).expect("index");
        AppState {
            dir: dir.to_path_buf(),
            index: RwLock::new(None),
            permits: Arc::new(Semaphore::new(limits.max_concurrent)),
            limits,
        }
    }

    fn slow(ms: u64) -> impl FnOnce(&NewsIndex) -> crate::Result<()> + Send + 'static {
        move |_| {
            std::thread::sleep(Duration::from_millis(ms));
            Ok(())
        }
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn work_over_its_budget_or_waiting_too_long_is_503() {
        let dir = tempfile::tempdir().unwrap();
        let limits = Limits {
            timeout: Duration::from_millis(100),
            max_concurrent: 1,
            ..Limits::default()
        };
        let st = Arc::new(state(dir.path(), limits));
        st.run(slow(1)).await.expect("quick work passes");
        let e = st.run(slow(400)).await.unwrap_err();
        assert_eq!(e.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(e.message.contains("100 ms budget"), "{}", e.message);
        // The slow work still holds the only slot: the next request waits
        // out its budget and is told the server is busy.
        let e = st.run(slow(1)).await.unwrap_err();
        assert_eq!(e.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(e.message.contains("busy"), "{}", e.message);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_panic_in_the_work_is_a_500_not_a_dropped_connection() {
        let dir = tempfile::tempdir().unwrap();
        let st = state(dir.path(), Limits::default());
        let e = st
            .run(|_| -> crate::Result<()> { panic!("boom") })
            .await
            .unwrap_err();
        assert_eq!(e.status, StatusCode::INTERNAL_SERVER_ERROR);
    }
}
