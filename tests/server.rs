//! `newsdex serve` on an ephemeral loopback port: every endpoint, every
//! error status, malicious input, the OpenAPI document checked against the
//! live responses, reload on a new commit, and a clean SIGTERM.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{corpus, fixture_corpus, newsdex};
use serde_json::Value;

/// A running server, killed when dropped.
struct Server {
    child: Child,
    addr: String,
    /// What the server wrote on stderr (the access log).
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(index: &Path, extra: &[&str]) -> Server {
        let common::Served { child, addr, log } = common::serve(index, extra);
        Server { child, addr, log }
    }

    /// Sends raw request bytes; returns the status and the body.
    fn raw(&self, request: &[u8]) -> (u16, String) {
        let mut s = TcpStream::connect(&self.addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s.write_all(request).unwrap();
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        let text = String::from_utf8_lossy(&buf).into_owned();
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("no status in {text:?}"));
        let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b).to_string();
        (status, body)
    }

    fn get(&self, target: &str) -> (u16, String) {
        self.raw(format!("GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes())
    }

    fn json(&self, target: &str) -> (u16, Value) {
        let (status, body) = self.get(target);
        let v = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{target}: not JSON ({e}): {body}"));
        (status, v)
    }

    fn ok(&self, target: &str) -> Value {
        let (status, v) = self.json(target);
        assert_eq!(status, 200, "{target}: {v}");
        v
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn build_index(corpus: &Path, index: &Path) {
    let out = newsdex(&[
        "index",
        corpus.to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn fixture_server() -> (tempfile::TempDir, tempfile::TempDir, Server) {
    let c = fixture_corpus();
    let idx = tempfile::tempdir().unwrap();
    build_index(c.path(), idx.path());
    let s = Server::start(idx.path(), &[]);
    (c, idx, s)
}

fn error_of(v: &Value) -> (u64, &str) {
    (
        v["error"]["status"].as_u64().unwrap(),
        v["error"]["message"].as_str().unwrap(),
    )
}

#[test]
fn every_endpoint_answers_with_the_library_json() {
    let (_c, _i, s) = fixture_server();
    let r = s.ok("/api/search?q=crude+oil&limit=2");
    assert_eq!(r["query"], "crude oil");
    assert!(r["total"].as_u64().unwrap() >= 3);
    assert_eq!(r["hits"].as_array().unwrap().len(), 2);
    assert!(r["hits"][0]["snippet_html"].as_str().unwrap().contains("<mark>"));
    // Same JSON as the command line (but for the timing).
    let cli = common::newsdex_json(&[
        "search",
        "crude oil",
        "-n",
        "2",
        "--json",
        "--index",
        _i.path().to_str().unwrap(),
    ]);
    assert_eq!(r["hits"], cli["hits"]);
    assert_eq!(r["facets"], cli["facets"]);
    // The ranking and its explanation, as on the command line.
    let x = s.ok("/api/search?q=crude+oil&limit=2&ranking=bm25&explain=true");
    let cli = common::newsdex_json(&[
        "search",
        "crude oil",
        "-n",
        "2",
        "--ranking",
        "bm25",
        "--explain",
        "--json",
        "--index",
        _i.path().to_str().unwrap(),
    ]);
    assert_eq!(x["hits"], cli["hits"]);
    let why = &x["hits"][0]["explain"];
    assert_eq!(why["multiplier"], 1.0, "bm25 has no second stage: {why}");
    assert!(
        why["bm25"].as_array().is_some_and(|terms| !terms.is_empty()),
        "{why}"
    );
    assert!(r["hits"][0].get("explain").is_none(), "explain only when asked");
    assert_eq!(s.json("/api/search?q=oil&ranking=fancy").0, 400);
    // Repeated and combined filters.
    let f = s.ok("/api/search?q=*&since=1987-03&until=1987-03&sort=date&by=day");
    assert_eq!(f["facets"]["interval"], "day");
    assert!(common::each_str(&f["hits"], "date")
        .iter()
        .all(|d| d.starts_with("1987-03")));
    let t = s.ok("/api/timeline?q=oil&by=month");
    assert_eq!(t["interval"], "month");
    assert!(t["buckets"].as_array().unwrap().len() >= 2);
    let e = s.ok("/api/entities?q=*&type=place&min_count=1");
    assert!(e["entities"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["kind"] == "place"));
    let id = r["hits"][0]["id"].as_str().unwrap();
    let a = s.ok(&format!("/api/articles/{id}"));
    assert_eq!(a["id"], id);
    assert!(a["body"].as_str().unwrap().len() > 20);
    // The article for reading: the query's words marked, its page served.
    let view = s.ok(&format!("/api/read/{id}?q=crude"));
    assert_eq!(view["article"]["id"], id);
    assert!(view["body_html"].as_str().unwrap().contains("<mark>"), "{view}");
    assert!(view["marked"].as_u64().unwrap() >= 1);
    assert!(view["duplicates"].is_array());
    let (status, page) = s.get(&format!("/articles/{id}?q=crude"));
    assert_eq!(status, 200);
    assert!(page.contains("id=\"reader\""));
    let sim = s.ok(&format!("/api/similar/{id}?limit=3"));
    assert!(!common::each_str(&sim["hits"], "id").contains(&id.to_string()));
    let st = s.ok("/api/stats");
    assert!(st["articles"].as_u64().unwrap() >= 5);
    assert_eq!(s.ok("/healthz")["status"], "ok");
    let (status, page) = s.get("/");
    assert_eq!(status, 200);
    assert!(page.contains("<form id=\"search\""));
    assert_eq!(s.get("/assets/app.js").0, 200);
    assert_eq!(s.get("/assets/app.css").0, 200);
}

#[test]
fn errors_are_json_with_the_right_status() {
    let (_c, _i, s) = fixture_server();
    let (st, v) = s.json("/api/search?q=%22crude&forgiving=false");
    assert_eq!(st, 400);
    assert_eq!(error_of(&v).0, 400);
    assert_eq!(v["error"]["column"], 1);
    // Forgiving (the default), the stray quote is ignored with a note.
    let (st, v) = s.json("/api/search?q=%22crude");
    assert_eq!(st, 200);
    assert!(v["notes"][0].as_str().unwrap().contains("column 1"), "{v}");
    let (st, v) = s.json("/api/search?q=(crude");
    assert_eq!(st, 400, "other malformed queries stay errors");
    assert_eq!(v["error"]["column"], 1);
    let (st, v) = s.json("/api/search?q=*&person=Putn");
    assert_eq!(st, 400);
    assert!(
        v["error"]["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x == "Vladimir Putin"),
        "{v}"
    );
    for bad in [
        "/api/search?limit=0",
        "/api/search?limit=101",
        "/api/search?limit=abc",
        "/api/search?offset=99999999",
        "/api/search?sort=sideways",
        "/api/search?since=someday",
        "/api/search?colour=red",
        "/api/search?q=a&q=b",
        "/api/search?fragments=11",
        "/api/entities?type=animal",
        "/api/timeline?by=decade",
    ] {
        let (st, v) = s.json(bad);
        assert_eq!(st, 400, "{bad}: {v}");
        assert!(!error_of(&v).1.is_empty());
    }
    for missing in [
        "/api/articles/no-such-id",
        "/api/similar/no-such-id",
        "/api/nothing",
        "/nope",
    ] {
        let (st, v) = s.json(missing);
        assert_eq!(st, 404, "{missing}: {v}");
    }
    let long_q = format!("/api/search?q={}", "a".repeat(1_001));
    assert_eq!(s.json(&long_q).0, 414);
    let long_uri = format!("/api/search?q=x&{}", "x=1&".repeat(3_000));
    assert_eq!(s.json(&long_uri).0, 414);
    let (st, body) =
        s.raw(b"GET /api/search HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 100000\r\n\r\n");
    assert_eq!(st, 413, "{body}");
    let (st, body) =
        s.raw(b"POST /api/search HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(st, 405);
    let v: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("405 without JSON ({e}): {body:?}"));
    assert_eq!(error_of(&v).0, 405);
    // Longer than hyper's own limit (64 KiB), which answers with no body.
    let giant = format!("/api/search?q=x&{}", "x=1&".repeat(30_000));
    let (st, v) = s.json(&giant);
    assert_eq!((st, error_of(&v).0), (414, 414), "{v}");
    // Expensive queries are bounded by their cost, not only their length.
    let (st, v) = s.json("/api/search?q=ab~2");
    assert_eq!(st, 400, "{v}");
    assert!(
        error_of(&v)
            .1
            .contains("2 edits need a word of at least 5 letters"),
        "{v}"
    );
    let many: Vec<String> = (0..9).map(|i| format!("word{i}*")).collect();
    let (st, v) = s.json(&format!("/api/search?q={}", many.join("+OR+")));
    assert_eq!(st, 400, "{v}");
    assert!(
        error_of(&v).1.contains("more than 8 prefix or fuzzy terms"),
        "{v}"
    );
    assert_eq!(s.json("/api/search?q=kremlni~1+OR+missil*").0, 200);
}

#[test]
fn idle_connections_are_closed_and_cannot_keep_a_reader_out() {
    let (c, i) = (fixture_corpus(), tempfile::tempdir().unwrap());
    build_index(c.path(), i.path());
    let s = Server::start(i.path(), &["--max-connections", "50", "--idle-timeout", "1"]);
    // Connections that never send a byte, more than the server keeps.
    let idle: Vec<TcpStream> = (0..200).map(|_| TcpStream::connect(&s.addr).unwrap()).collect();
    // A reader still gets an answer: the oldest idle connections make room.
    let v = s.ok("/api/search?q=oil");
    assert!(v["total"].as_u64().unwrap() > 0, "{v}");
    // Idle connections are closed by the server: reads end, not hang.
    for mut conn in idle.into_iter().rev().take(20) {
        conn.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut buf = [0u8; 16];
        match conn.read(&mut buf) {
            Ok(n) => assert_eq!(n, 0, "an idle connection was answered instead of closed"),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                panic!("an idle connection was still open after 30 s")
            }
            Err(_) => {} // reset by the server: closed too
        }
    }
    assert_eq!(s.ok("/healthz")["status"], "ok");
}

#[test]
fn malicious_input_is_refused_cleanly() {
    let (_c, _i, s) = fixture_server();
    // Path traversal in ids: ids are looked up in the index, never opened.
    for target in [
        "/api/articles/../../../../etc/passwd",
        "/api/articles/..%2F..%2F..%2Fetc%2Fpasswd",
        "/api/similar/%2e%2e/%2e%2e/etc/passwd",
        "/api/articles/%00",
    ] {
        let (st, body) = s.get(target);
        assert!(st == 404 || st == 400, "{target}: {st} {body}");
        assert!(!body.contains("root:"), "{target}");
    }
    // Deep nesting, operators only, invalid UTF-8, control bytes, absurd numbers.
    let deep = format!("/api/search?q={}a{}", "(".repeat(200), ")".repeat(200));
    assert_eq!(s.json(&deep).0, 400);
    let nots = format!("/api/search?q={}", "NOT+".repeat(100) + "a");
    assert_eq!(s.json(&nots).0, 400);
    // Over the query length limit, nesting or not: 414.
    let huge = format!("/api/search?q={}a{}", "(".repeat(600), ")".repeat(600));
    assert_eq!(s.json(&huge).0, 414);
    for q in [
        "%ff%fe%fd",
        "%c3%28",
        "AND+OR+NOT",
        "%22%22%22",
        "*%3A*",
        "date%3A%5B*+TO+*%5D",
    ] {
        let (st, v) = s.json(&format!("/api/search?q={q}"));
        assert!(st == 400 || st == 200, "{q}: {st} {v}");
    }
    for n in ["-1", "18446744073709551616", "1e9", "NaN"] {
        assert_eq!(s.json(&format!("/api/search?limit={n}")).0, 400, "limit={n}");
    }
    for n in ["-1", "0", "NaN", "inf", "x"] {
        assert_eq!(
            s.json(&format!("/api/search?half_life={n}&sort=recent")).0,
            400,
            "half_life={n}"
        );
    }
    let (st, _) = s.raw(b"GET /api/search?q=\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert!(st == 400, "raw invalid UTF-8: {st}");
    let (st, _) = s.raw(b"NONSENSE\r\n\r\n");
    assert!(st >= 400, "garbage request: {st}");
    // Still healthy after all that.
    assert_eq!(s.ok("/healthz")["status"], "ok");
}

#[test]
fn unavailable_until_an_index_exists_then_follows_new_commits() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let s = Server::start(&index, &[]);
    let (st, v) = s.json("/api/search?q=oil");
    assert_eq!(st, 503, "{v}");
    assert_eq!(s.json("/healthz").0, 503);
    let c = corpus(&[(
        "a.txt",
        b" date 2024-01-02 Grain exports rise\n\nWheat exports rose sharply.".as_slice(),
    )]);
    build_index(c.path(), &index);
    assert_eq!(s.ok("/api/search?q=wheat")["total"], 1);
    // A reindex commits; the running server sees it without a restart.
    std::fs::write(
        c.path().join("b.txt"),
        " date 2024-01-03 More wheat\n\nWheat prices fell.",
    )
    .unwrap();
    build_index(c.path(), &index);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let total = s.ok("/api/search?q=wheat")["total"].as_u64().unwrap();
        if total == 2 {
            break;
        }
        assert!(Instant::now() < deadline, "the new commit never showed up");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn limits_are_configurable_and_every_request_is_logged() {
    let (_c, idx, _s) = fixture_server();
    let s = Server::start(
        idx.path(),
        &["--max-limit", "3", "--max-query-chars", "10", "--max-offset", "5"],
    );
    assert_eq!(s.json("/api/search?q=oil&limit=3").0, 200);
    assert_eq!(s.json("/api/search?q=oil&limit=4").0, 400);
    assert_eq!(s.json("/api/search?q=oil&offset=6").0, 400);
    assert_eq!(s.json("/api/search?q=oilandmoreoil").0, 414);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let log = s.log.lock().unwrap().clone();
        let line = log
            .iter()
            .find(|l| l.starts_with("GET /api/search?q=oilandmoreoil "));
        if let Some(line) = line {
            assert!(line.contains(" 414 ") && line.ends_with(" ms"), "{line}");
            break;
        }
        assert!(Instant::now() < deadline, "no access log line in {log:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let (_c, idx, _s) = fixture_server();
    let mut s = Server::start(idx.path(), &[]);
    assert_eq!(s.ok("/healthz")["status"], "ok");
    let pid = s.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(Instant::now() < deadline, "no exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Checks `v` against an OpenAPI schema: types, required and declared
/// properties (an undeclared property is an error: the document must say
/// everything the server sends), items, enums, $ref, oneOf/anyOf.
fn check(doc: &Value, schema: &Value, v: &Value, at: &str) -> Result<(), String> {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap();
        return check(doc, &doc["components"]["schemas"][name], v, at);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(alts) = schema[key].as_array() {
            return if alts.iter().any(|s| check(doc, s, v, at).is_ok()) {
                Ok(())
            } else {
                Err(format!("{at}: {v} matches none of {key}"))
            };
        }
    }
    if let Some(all) = schema["allOf"].as_array() {
        for s in all {
            check(doc, s, v, at)?;
        }
        return Ok(());
    }
    if let Some(values) = schema["enum"].as_array() {
        if !values.contains(v) {
            return Err(format!("{at}: {v} not in {values:?}"));
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(|t| t.as_str()).collect(),
        _ => vec![],
    };
    let type_ok = |t: &str| match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        _ => true,
    };
    if !types.is_empty() && !types.iter().any(|t| type_ok(t)) {
        return Err(format!("{at}: {v} is not {types:?}"));
    }
    if let Some(obj) = v.as_object() {
        let props = schema["properties"].as_object();
        for req in schema["required"].as_array().into_iter().flatten() {
            let k = req.as_str().unwrap();
            if !obj.contains_key(k) {
                return Err(format!("{at}: required {k} missing"));
            }
        }
        if let Some(props) = props {
            for (k, x) in obj {
                let s = props
                    .get(k)
                    .ok_or_else(|| format!("{at}: property {k} not in the document"))?;
                check(doc, s, x, &format!("{at}.{k}"))?;
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), v.as_array()) {
        for (i, x) in arr.iter().enumerate() {
            check(doc, items, x, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

#[test]
fn the_openapi_document_matches_the_live_responses() {
    let (_c, _i, s) = fixture_server();
    let doc = s.ok("/api/openapi.json");
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let id = s.ok("/api/search?q=crude")["hits"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let cases = [
        ("/api/search", "/api/search?q=crude&fragments=2&by=year", 200),
        ("/api/search", "/api/search?q=(crude", 400),
        ("/api/timeline", "/api/timeline?q=oil", 200),
        ("/api/entities", "/api/entities?q=*&min_count=1", 200),
        ("/api/similar/{id}", &format!("/api/similar/{id}"), 200),
        ("/api/articles/{id}", &format!("/api/articles/{id}"), 200),
        ("/api/articles/{id}", "/api/articles/none", 404),
        ("/api/read/{id}", &format!("/api/read/{id}?q=crude"), 200),
        ("/api/read/{id}", "/api/read/none", 404),
        ("/api/search", "/api/search?q=crood", 200),
        ("/api/search", "/api/search?q=crude&place=Vienna&until=1980", 200),
        ("/api/stats", "/api/stats", 200),
        ("/healthz", "/healthz", 200),
    ];
    let documented: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
    for (path, target, status) in cases {
        assert!(documented.iter().any(|p| *p == path), "{path} not documented");
        let (got, v) = s.json(target);
        assert_eq!(got, status, "{target}: {v}");
        let schema = &doc["paths"][path]["get"]["responses"][status.to_string()]["content"]
            ["application/json"]["schema"];
        assert!(!schema.is_null(), "{path} {status}: no schema");
        check(&doc, schema, &v, target).unwrap();
    }
    // Every query parameter the server takes for search is documented.
    let params: Vec<&str> = doc["paths"]["/api/search"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for p in [
        "q",
        "since",
        "until",
        "person",
        "org",
        "place",
        "source",
        "sort",
        "limit",
        "offset",
        "fragments",
        "collapse",
        "by",
    ] {
        assert!(params.contains(&p), "{p} undocumented");
    }
}
