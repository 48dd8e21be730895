//! Query-string parameters of the API: parsed by hand rather than by serde,
//! so that repeated keys (`person=a&person=b`) work and every refusal names
//! the parameter.

use std::time::Duration;

use axum::http::StatusCode;

use super::error::ApiError;
use crate::entities::EntityKind;
use crate::search::{
    EntitiesRequest, Filter, Interval, SearchRequest, SortOrder, TimelineRequest, UnknownChoice, FACET_TOP,
    MAX_FACET_VALUES, MAX_FRAGMENTS,
};

/// What one request may ask for. Every limit is configurable on `serve`.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Longest query text, in characters (longer: 414).
    pub max_query_chars: usize,
    /// Longest request URI, in bytes (longer: 414).
    pub max_uri_bytes: usize,
    /// Largest request body accepted (the API takes none; larger: 413).
    pub max_body_bytes: u64,
    /// Largest `limit`.
    pub max_limit: usize,
    /// Largest `offset`.
    pub max_offset: usize,
    /// Time budget of one request (over: 503).
    pub timeout: Duration,
    /// Requests worked on at once; others wait within their budget.
    pub max_concurrent: usize,
    /// Requests with prefix or fuzzy terms worked on at once: they queue
    /// apart, so that a flood of them leaves cheap queries answered.
    pub max_expensive: usize,
    /// Let the page save searches (`POST /api/saved`): the one thing the
    /// server writes, a file beside the index. Off with `serve --read-only`.
    pub allow_saving: bool,
    /// Connections open at once; past it, the least recently active idle
    /// connection is closed to make room.
    pub max_connections: usize,
    /// A connection that sends nothing (or nothing after its answer) for
    /// this long is closed.
    pub idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_query_chars: 1_000,
            max_uri_bytes: 8_192,
            max_body_bytes: 1_024,
            max_limit: 100,
            max_offset: 10_000,
            timeout: super::DEFAULT_TIMEOUT,
            max_concurrent: std::thread::available_parallelism().map_or(2, |n| n.get() * 2),
            max_expensive: std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1)),
            allow_saving: true,
            max_connections: 1_024,
            idle_timeout: Duration::from_secs(10),
        }
    }
}

/// Decoded `key=value` pairs of a query string.
pub struct Params(Vec<(String, String)>);

const FILTERS: [&str; 9] = [
    "q", "since", "until", "person", "org", "place", "source", "author", "ticker",
];

impl Params {
    pub fn parse(raw: Option<&str>, limits: &Limits) -> Result<Params, ApiError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
            .map_err(|e| ApiError::bad_request(format!("malformed query string: {e}")))?;
        for (k, v) in &pairs {
            // Percent-decoding replaces invalid UTF-8 with U+FFFD.
            if k.contains('\u{FFFD}') || v.contains('\u{FFFD}') {
                return Err(ApiError::bad_request(format!(
                    "parameter {k:?} is not valid UTF-8"
                )));
            }
        }
        let p = Params(pairs);
        if let Some(q) = p.one("q")? {
            let n = q.chars().count();
            if n > limits.max_query_chars {
                return Err(ApiError::new(
                    StatusCode::URI_TOO_LONG,
                    format!(
                        "the query is {n} characters long; the limit is {}",
                        limits.max_query_chars
                    ),
                ));
            }
        }
        Ok(p)
    }

    /// Refuses parameters other than `allowed`.
    pub fn only(&self, allowed: &[&str]) -> Result<(), ApiError> {
        match self.0.iter().find(|(k, _)| !allowed.contains(&k.as_str())) {
            Some((k, _)) => Err(ApiError::bad_request(format!(
                "unknown parameter {k:?} (this endpoint takes: {})",
                allowed.join(", ")
            ))),
            None => Ok(()),
        }
    }

    fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// A text parameter that may appear once; empty when absent.
    pub fn text(&self, key: &str) -> Result<String, ApiError> {
        Ok(self.one(key)?.unwrap_or("").to_string())
    }

    /// A parameter that may appear once.
    fn one(&self, key: &str) -> Result<Option<&str>, ApiError> {
        let mut it = self.0.iter().filter(|(k, _)| k == key);
        let first = it.next().map(|(_, v)| v.as_str());
        if it.next().is_some() {
            return Err(ApiError::bad_request(format!(
                "parameter {key:?} is given more than once"
            )));
        }
        Ok(first)
    }

    fn number<T: std::str::FromStr>(&self, key: &str) -> Result<Option<T>, ApiError> {
        match self.one(key)? {
            None | Some("") => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| ApiError::bad_request(format!("parameter {key:?} must be a number, not {v:?}"))),
        }
    }

    fn bounded(&self, key: &str, default: usize, min: usize, max: usize) -> Result<usize, ApiError> {
        let n = self.number::<usize>(key)?.unwrap_or(default);
        if n < min || n > max {
            return Err(ApiError::bad_request(format!(
                "parameter {key:?} must be from {min} to {max}, not {n}"
            )));
        }
        Ok(n)
    }

    pub fn limit(&self, limits: &Limits, default: usize) -> Result<usize, ApiError> {
        self.bounded("limit", default.min(limits.max_limit), 1, limits.max_limit)
    }

    pub fn flag(&self, key: &str, default: bool) -> Result<bool, ApiError> {
        match self.one(key)? {
            None | Some("") => Ok(default),
            Some("true" | "1" | "yes" | "on") => Ok(true),
            Some("false" | "0" | "no" | "off") => Ok(false),
            Some(v) => Err(ApiError::bad_request(format!(
                "parameter {key:?} must be true or false, not {v:?}"
            ))),
        }
    }

    fn choice<T: std::str::FromStr<Err = UnknownChoice>>(&self, key: &str) -> Result<Option<T>, ApiError> {
        match self.one(key)? {
            None | Some("") => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|e: UnknownChoice| ApiError::bad_request(format!("parameter {key:?} {e}"))),
        }
    }

    /// The search of a saved-search form: name and the filters as given.
    pub fn saved_search(&self) -> Result<crate::alerts::SavedSearch, ApiError> {
        let mut allowed = FILTERS.to_vec();
        allowed.push("name");
        self.only(&allowed)?;
        Ok(crate::alerts::SavedSearch {
            name: self.text("name")?,
            query: self.text("q")?,
            since: self.one("since")?.filter(|s| !s.is_empty()).map(str::to_string),
            until: self.one("until")?.filter(|s| !s.is_empty()).map(str::to_string),
            person: self.all("person"),
            org: self.all("org"),
            place: self.all("place"),
            source: self.all("source"),
            author: self.all("author"),
            ticker: self.all("ticker"),
            ..Default::default()
        })
    }

    /// An export's search: the filters and order, and its format.
    pub fn export_request(&self) -> Result<(SearchRequest, crate::export::Format), ApiError> {
        let mut allowed = FILTERS.to_vec();
        allowed.extend(["sort", "half_life", "format"]);
        self.only(&allowed)?;
        let mut req = SearchRequest {
            filter: self.filters()?,
            forgiving: false,
            ..SearchRequest::default()
        };
        req.sort = self.choice::<SortOrder>("sort")?.unwrap_or_default();
        if let Some(h) = self.number::<f64>("half_life")? {
            req.half_life_days = h;
        }
        let format = self
            .one("format")?
            .unwrap_or("csv")
            .parse()
            .map_err(|e: crate::Error| ApiError::bad_request(e.to_string()))?;
        Ok((req, format))
    }

    /// A feed's search: the filters, newest first.
    pub fn feed_request(&self) -> Result<SearchRequest, ApiError> {
        self.only(&FILTERS)?;
        Ok(SearchRequest {
            filter: self.filters()?,
            sort: SortOrder::Date,
            forgiving: false,
            ..SearchRequest::default()
        })
    }

    /// The query text and filters.
    fn filters(&self) -> Result<Filter, ApiError> {
        let mut f = Filter::new(self.one("q")?.unwrap_or("")).with_user_dates(
            self.one("since")?,
            self.one("until")?,
            ["since", "until"],
        )?;
        f.person = self.all("person");
        f.org = self.all("org");
        f.place = self.all("place");
        f.source = self.all("source");
        f.author = self.all("author");
        f.ticker = self.all("ticker");
        Ok(f)
    }

    pub fn search_request(&self, limits: &Limits) -> Result<SearchRequest, ApiError> {
        let mut allowed = FILTERS.to_vec();
        allowed.extend([
            "sort",
            "half_life",
            "limit",
            "offset",
            "fragments",
            "snippet_chars",
            "collapse",
            "exact_facets",
            "by",
            "facet_limit",
            "forgiving",
            "ranking",
            "explain",
        ]);
        self.only(&allowed)?;
        let mut req = SearchRequest {
            filter: self.filters()?,
            ..SearchRequest::default()
        };
        req.sort = self.choice::<SortOrder>("sort")?.unwrap_or_default();
        if let Some(h) = self.number::<f64>("half_life")? {
            req.half_life_days = h;
        }
        req.limit = self.limit(limits, 10)?;
        req.offset = self.bounded("offset", 0, 0, limits.max_offset)?;
        req.fragments = self.bounded("fragments", 1, 1, MAX_FRAGMENTS)?;
        req.snippet_chars = self.bounded("snippet_chars", 240, 20, 5_000)?;
        req.collapse = self.flag("collapse", true)?;
        req.exact_facets = self.flag("exact_facets", false)?;
        req.interval = self.choice::<Interval>("by")?.unwrap_or_default();
        req.facet_limit = self.bounded("facet_limit", FACET_TOP, 1, MAX_FACET_VALUES)?;
        req.forgiving = self.flag("forgiving", true)?;
        if let Some(r) = self.one("ranking")?.filter(|r| !r.is_empty()) {
            req.ranking = crate::Ranking::named(r)
                .map_err(|e| ApiError::bad_request(format!("parameter \"ranking\" {e}")))?;
        }
        req.explain = self.flag("explain", false)?;
        Ok(req)
    }

    pub fn timeline_request(&self, _limits: &Limits) -> Result<TimelineRequest, ApiError> {
        let mut allowed = FILTERS.to_vec();
        allowed.push("by");
        self.only(&allowed)?;
        Ok(TimelineRequest {
            filter: self.filters()?,
            interval: self.choice::<Interval>("by")?.unwrap_or_default(),
        })
    }

    pub fn entities_request(&self, limits: &Limits) -> Result<EntitiesRequest, ApiError> {
        let mut allowed = FILTERS.to_vec();
        allowed.extend(["type", "limit", "min_count"]);
        self.only(&allowed)?;
        let kind = match self.one("type")? {
            None | Some("") => None,
            Some("person") => Some(EntityKind::Person),
            Some("org") => Some(EntityKind::Org),
            Some("place") => Some(EntityKind::Place),
            Some(v) => {
                return Err(ApiError::bad_request(format!(
                    "parameter \"type\" must be person, org or place, not {v:?}"
                )))
            }
        };
        Ok(EntitiesRequest {
            filter: self.filters()?,
            kind,
            limit: self.limit(limits, 20)?,
            min_count: self.number::<u64>("min_count")?.unwrap_or(2),
        })
    }
}
