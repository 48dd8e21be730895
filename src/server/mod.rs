//! `newsdex serve`: a read-only JSON API over an index, with its OpenAPI
//! document, and a search page. The JSON types are the library's own.
//!
//! Searches are CPU work: they run on tokio's blocking pool, at most
//! `max_concurrent` at a time, each within a time budget. The index reader
//! follows new commits of a reindex by itself, so the server never needs a
//! restart; when there is no index yet, requests get 503 until there is.

mod conn;
mod error;
mod exports;
mod params;
mod routes;

use std::net::SocketAddr;
use std::path::{Path as FsPath, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::sync::Semaphore;

use crate::{Error, NewsIndex};
use error::ApiError;
pub use error::{ErrorBody, ErrorDetail};
pub use params::Limits;
use routes::*;
pub use routes::{openapi_json, ApiDoc, Health};

/// How to run the server.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Address to listen on.
    pub addr: SocketAddr,
    /// What one request may ask for.
    pub limits: Limits,
}

pub(crate) struct AppState {
    pub(crate) dir: PathBuf,
    pub(crate) index: RwLock<Option<Arc<NewsIndex>>>,
    pub(crate) limits: Limits,
    pub(crate) permits: Arc<Semaphore>,
    /// Taken first by expensive requests (prefix and fuzzy terms).
    pub(crate) expensive: Arc<Semaphore>,
}

impl AppState {
    /// The index, opened on first use (and retried while it is missing).
    pub(crate) fn index(&self) -> Result<Arc<NewsIndex>, ApiError> {
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
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&NewsIndex) -> crate::Result<T> + Send + 'static,
    ) -> Result<T, ApiError> {
        self.run_costed(false, work).await
    }

    /// [`AppState::run`]; an `expensive` request first queues for one of
    /// the few permits of its kind, so that cheap requests keep theirs.
    pub(crate) async fn run_costed<T: Send + 'static>(
        &self,
        expensive: bool,
        work: impl FnOnce(&NewsIndex) -> crate::Result<T> + Send + 'static,
    ) -> Result<T, ApiError> {
        let index = self.index()?;
        let started = Instant::now();
        let budget = self.limits.timeout;
        let busy = || ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is busy; try again");
        let heavy = if expensive {
            let permit = tokio::time::timeout(budget, self.expensive.clone().acquire_owned())
                .await
                .map_err(|_| busy())?
                .map_err(|_| busy())?;
            Some(permit)
        } else {
            None
        };
        let left = budget.saturating_sub(started.elapsed());
        let permit = tokio::time::timeout(left, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        let task = tokio::task::spawn_blocking(move || {
            let _permits = (permit, heavy);
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

pub(crate) type Shared = State<Arc<AppState>>;

/// The application: routes, limits and the access log, over the index at
/// `dir`.
pub fn router(dir: &FsPath, limits: Limits) -> Router {
    let state = Arc::new(AppState {
        dir: dir.to_path_buf(),
        index: RwLock::new(None),
        permits: Arc::new(Semaphore::new(limits.max_concurrent.max(1))),
        expensive: Arc::new(Semaphore::new(limits.max_expensive.max(1))),
        limits,
    });
    let api = Router::new()
        .route("/", get(page))
        .route("/articles/{*id}", get(page))
        .route("/assets/app.js", get(app_js))
        .route("/assets/app.css", get(app_css))
        .route("/healthz", get(healthz))
        .route("/api/openapi.json", get(openapi))
        .route("/api/search", get(search))
        .route("/api/timeline", get(timeline))
        .route("/api/entities", get(entities))
        .route("/api/similar/{*id}", get(similar))
        .route("/api/articles/{*id}", get(article))
        .route("/api/read/{*id}", get(read))
        .route("/api/export", get(exports::export))
        .route("/api/saved", get(exports::saved_list).post(exports::saved_add))
        .route("/feeds/search.atom", get(exports::search_feed))
        .route("/feeds/saved/{file}", get(exports::saved_feed))
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
        let response = next.run(req).await;
        if response.status() == StatusCode::METHOD_NOT_ALLOWED {
            // The router's own 405 has no body: the API's errors are JSON.
            let allow = response.headers().get(header::ALLOW).cloned();
            let mut json = ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("{method} is not allowed here; the API answers GET"),
            )
            .into_response();
            if let Some(allow) = allow {
                json.headers_mut().insert(header::ALLOW, allow);
            }
            json
        } else {
            response
        }
    };
    let shown: String = target.chars().take(300).collect();
    eprintln!(
        "{method} {shown} {} {:.1} ms",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
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
        let stop = shutdown_signal();
        let listener = tokio::net::TcpListener::bind(opts.addr)
            .await
            .map_err(io("cannot listen for"))?;
        let bound = listener.local_addr().map_err(io("cannot listen for"))?;
        on_listen(bound);
        let app = router(dir, opts.limits.clone());
        let conn_limits = conn::ConnLimits {
            max_connections: opts.limits.max_connections.max(1),
            idle_timeout: opts.limits.idle_timeout,
            // Longer than any request may take.
            stalled_timeout: opts.limits.timeout + opts.limits.idle_timeout,
        };
        axum::serve(conn::GuardedListener::new(listener, conn_limits), app)
            .with_graceful_shutdown(stop)
            .await
            .map_err(io("server failed for"))
    })
}

/// A future that completes on SIGTERM or Ctrl-C. The handlers are
/// installed here, before the server accepts its first request: installed
/// when the future is first polled, a SIGTERM that came early (a client that
/// saw /healthz answer) killed the process instead of stopping it.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, Signal, SignalKind};
        /// The next delivery of `s` (never, if it could not be installed).
        async fn next(s: Option<Signal>) {
            match s {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        }
        let term = signal(SignalKind::terminate()).ok();
        let int = signal(SignalKind::interrupt()).ok();
        async move {
            tokio::select! {
                _ = next(term) => {},
                _ = next(int) => {},
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
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
            expensive: Arc::new(Semaphore::new(limits.max_expensive)),
            limits,
        }
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_flood_of_expensive_work_leaves_cheap_work_its_slots() {
        let dir = tempfile::tempdir().unwrap();
        let limits = Limits {
            timeout: Duration::from_millis(500),
            max_concurrent: 2,
            max_expensive: 1,
            ..Limits::default()
        };
        let st = Arc::new(state(dir.path(), limits));
        let heavy: Vec<_> = (0..4)
            .map(|_| {
                let st = st.clone();
                tokio::spawn(async move { st.run_costed(true, slow(1_000)).await })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(50)).await;
        // One expensive request works, the others queue apart: a cheap one
        // finds a free slot at once.
        st.run_costed(false, slow(1))
            .await
            .expect("cheap work is answered");
        for h in heavy {
            let _ = h.await;
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
