//! Endpoints that hand searches to other tools: a streamed export of every
//! match, Atom feeds of a search or a saved search, and the saved searches
//! the page lists and saves.

use std::io::Write;

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::error::{ApiError, ApiResult};
use super::{params, Shared};
use crate::alerts::{SavedSearch, SavedSearches};
use crate::export::atom::{self, FeedInfo};
use crate::export::{Format, MatchWriter};
use crate::search::{MatchRow, SearchRequest};

/// Entries of a feed.
const FEED_ENTRIES: usize = 50;
/// Bytes gathered before a chunk of an export is sent.
const CHUNK: usize = 64 * 1024;

/// Writes into the response body in chunks; fails once the client is gone,
/// which stops the export.
struct ChunkWriter {
    tx: tokio::sync::mpsc::Sender<Bytes>,
    buf: Vec<u8>,
}

impl ChunkWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buf));
        self.tx
            .blocking_send(chunk)
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client left"))
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// Every match of a search as CSV or JSON lines, streamed.
#[utoipa::path(get, path = "/api/export",
    params(
        ("q" = Option<String>, Query, description = "Query; every article when absent"),
        ("format" = Option<String>, Query, description = "csv (default) or jsonl"),
        ("since" = Option<String>, Query), ("until" = Option<String>, Query),
        ("person" = Option<Vec<String>>, Query, explode = true), ("org" = Option<Vec<String>>, Query, explode = true),
        ("place" = Option<Vec<String>>, Query, explode = true), ("source" = Option<Vec<String>>, Query, explode = true),
        ("author" = Option<Vec<String>>, Query, explode = true), ("ticker" = Option<Vec<String>>, Query, explode = true),
        ("sort" = Option<String>, Query, description = "relevance (default), date or recent"),
    ),
    responses(
        (status = 200, description = "Columns id, path, date, title, source, author, url, score, person, org, place, snippet", content_type = "text/csv"),
        (status = 400, body = super::error::ErrorBody)
    )
)]
pub(crate) async fn export(State(st): Shared, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let p = params::Params::parse(raw.as_deref(), &st.limits)?;
    let (req, format) = p.export_request()?;
    let index = st.index()?;
    // Refused now, with a status, rather than as a cut body.
    index.search(&SearchRequest {
        limit: 1,
        ..req.clone()
    })?;
    // An export holds one of the few permits of expensive requests while it
    // streams, so that exports queue rather than take every core.
    let permit = tokio::time::timeout(st.limits.timeout, st.expensive.clone().acquire_owned())
        .await
        .ok()
        .and_then(Result::ok)
        .ok_or_else(|| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is busy; try again"))?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Bytes>(4);
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let out = ChunkWriter { tx, buf: Vec::new() };
        let Ok(mut w) = MatchWriter::new(out, format) else {
            return;
        };
        if index.for_each_match(&req, None, |row| w.write(&row)).is_ok() {
            let _ = w.finish();
        }
    });
    let stream =
        futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx).map(|c| c.map(Ok::<_, std::io::Error>)));
    let (kind, name) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "newsdex-export.csv"),
        Format::Jsonl => ("application/x-ndjson", "newsdex-export.jsonl"),
    };
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")).expect("ascii"),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// `http://host` as the client reached the server.
fn base(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '[' | ']'))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

fn atom_response(xml: String) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/atom+xml; charset=utf-8"),
        )],
        xml,
    )
        .into_response()
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

async fn feed_of(st: &super::AppState, req: SearchRequest) -> Result<Vec<MatchRow>, ApiError> {
    st.run(move |i| {
        let mut rows = Vec::new();
        i.for_each_match(&req, Some(FEED_ENTRIES), |r| {
            rows.push(r);
            Ok(())
        })?;
        Ok(rows)
    })
    .await
}

/// An Atom feed of a search's newest matches.
#[utoipa::path(get, path = "/feeds/search.atom",
    params(("q" = Option<String>, Query, description = "Query and the filters of /api/search")),
    responses((status = 200, description = "Atom 1.0", content_type = "application/atom+xml"), (status = 400, body = super::error::ErrorBody))
)]
pub(crate) async fn search_feed(
    State(st): Shared,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let p = params::Params::parse(raw.as_deref(), &st.limits)?;
    let req = p.feed_request()?;
    let base = base(&headers);
    let qs = raw.unwrap_or_default();
    let query = req.filter.query.clone();
    let rows = feed_of(&st, req).await?;
    let title = if query.is_empty() {
        "newsdex: newest articles".to_string()
    } else {
        format!("newsdex: {query}")
    };
    let info = FeedInfo {
        title: &title,
        self_url: &format!("{base}/feeds/search.atom?{qs}"),
        page_url: &format!("{base}/?{qs}"),
        base: &base,
        query: &query,
    };
    Ok(atom_response(atom::feed(&info, &rows, &now())))
}

/// An Atom feed of a saved search's newest matches.
#[utoipa::path(get, path = "/feeds/saved/{name}",
    params(("name" = String, Path, description = "The saved search's name and .atom: /feeds/saved/opec.atom")),
    responses((status = 200, description = "Atom 1.0", content_type = "application/atom+xml"), (status = 404, body = super::error::ErrorBody))
)]
pub(crate) async fn saved_feed(
    State(st): Shared,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let name = file.strip_suffix(".atom").unwrap_or(&file).to_string();
    let saved = SavedSearches::open(&st.dir)
        .get(&name)
        .map_err(|e| ApiError::new(StatusCode::NOT_FOUND, e.to_string()))?;
    let req = SearchRequest {
        filter: saved.filter()?,
        sort: crate::search::SortOrder::Date,
        forgiving: false,
        ..SearchRequest::default()
    };
    let base = base(&headers);
    let rows = feed_of(&st, req).await?;
    let title = format!("newsdex: {name} ({})", saved.query);
    let info = FeedInfo {
        title: &title,
        self_url: &format!("{base}/feeds/saved/{}.atom", atom::url_value(&name)),
        page_url: &format!("{base}/?q={}", atom::url_value(&saved.query)),
        base: &base,
        query: &saved.query,
    };
    Ok(atom_response(atom::feed(&info, &rows, &now())))
}

/// The saved searches.
#[utoipa::path(get, path = "/api/saved", responses((status = 200, body = Vec<SavedSearch>)))]
pub(crate) async fn saved_list(State(st): Shared) -> ApiResult<Vec<SavedSearch>> {
    Ok(Json(SavedSearches::open(&st.dir).list()?))
}

/// Saves a search (`name`, `q` and the filters of /api/search as query
/// parameters; an existing name is replaced). Refused with 403 when the
/// server runs with `--read-only`.
#[utoipa::path(post, path = "/api/saved",
    params(("name" = String, Query, description = "Letters, digits, '-', '_' or '.'"), ("q" = Option<String>, Query)),
    responses((status = 200, body = Vec<SavedSearch>), (status = 400, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody))
)]
pub(crate) async fn saved_add(State(st): Shared, RawQuery(raw): RawQuery) -> ApiResult<Vec<SavedSearch>> {
    if !st.limits.allow_saving {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "this server is read-only (serve --read-only): searches are saved with `newsdex saved add`",
        ));
    }
    let p = params::Params::parse(raw.as_deref(), &st.limits)?;
    let search = p.saved_search()?;
    let dir = st.dir.clone();
    st.run(move |i| {
        i.search(&SearchRequest {
            filter: search.filter()?,
            limit: 1,
            forgiving: false,
            ..SearchRequest::default()
        })?;
        let saved = SavedSearches::open(&dir);
        saved.add(search, true, i.last_run()?)?;
        saved.list()
    })
    .await
    .map(Json)
}
