//! newsdex against its peers on the same articles, in one run, so every
//! figure has a ratio next to it that holds on a noisy machine.
//!
//! ```text
//! cargo bench --bench compare -- CORPUS [QUERY_FILE]
//! ```
//!
//! Engines: newsdex with the trained tagger, newsdex with `--entities none`,
//! SQLite FTS5, and tantivy's Python bindings (the plain-tantivy reference:
//! installed from PyPI into `target/compare-venv` when `import tantivy`
//! fails, and left out with a notice when that cannot be done).
//!
//! Measures, for each: a full build (wall, CPU, wall ÷ CPU, peak RSS and
//! peak anonymous memory, size on disk, MB/s of corpus files), a no-op
//! incremental run (the peers walk and stat the corpus against a record of
//! the files they indexed, as newsdex does), a 1%-changed run, query latency
//! in process (newsdex and SQLite: warm, top 10 with snippets; newsdex also
//! counts facets over all matches), and one search process per query, end
//! to end, at p50. Each build runs in a child process so that its memory is
//! its own. The corpus is copied to a temporary directory first (the 1% run
//! modifies files). Make large corpora with
//! `../shared/tools/scale_corpus.py` (see docs/benchmarks.md).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use newsdex::{
    index_corpus, EntityExtractor, IndexOptions, NewsIndex, NoEntities, NoProgress, RuleExtractor,
    SearchRequest, TaggerExtractor,
};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

/// The allocator of the `newsdex` binary, so that figures match it.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// What a child process measured of itself.
#[derive(Debug, Default, Serialize, Deserialize, Clone)]
struct Run {
    wall: f64,
    cpu: f64,
    /// Peak resident set (VmHWM), MB: anonymous memory and mapped files.
    peak_mb: f64,
    /// Peak anonymous resident memory (RssAnon, sampled), MB: what the
    /// process allocated, without the page cache of files it maps.
    #[serde(default)]
    anon_mb: f64,
    articles: u64,
}

/// CPU seconds (user + system) of this process, from /proc.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields 14 and 15 of stat (utime, stime) are 12 and 13 after the ')'.
    (ticks(11) + ticks(12)) / 100.0
}

/// A field of /proc/self/status in MB (VmHWM, RssAnon).
fn status_mb(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Samples RssAnon every 10 ms while `work` runs and returns its peak, MB.
fn with_anon_peak<T>(work: impl FnOnce() -> T) -> (T, f64) {
    let done = AtomicBool::new(false);
    let peak = AtomicU64::new(0);
    let out = std::thread::scope(|s| {
        s.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                let kb = (status_mb("RssAnon:") * 1024.0) as u64;
                peak.fetch_max(kb, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        let out = work();
        done.store(true, Ordering::Relaxed);
        out
    });
    let kb = peak
        .load(Ordering::Relaxed)
        .max((status_mb("RssAnon:") * 1024.0) as u64);
    (out, kb as f64 / 1024.0)
}

#[derive(Serialize, Deserialize)]
struct Row {
    /// SQLite rowid: the article's position, so an update finds its row.
    n: i64,
    /// The file the article came from, relative to the corpus.
    path: String,
    id: String,
    title: String,
    body: String,
    date: String,
}

/// The extractor a child builds newsdex with.
fn extractor(kind: &str) -> Arc<dyn EntityExtractor> {
    match kind {
        "none" => Arc::new(NoEntities),
        "rules" => Arc::new(RuleExtractor::new()),
        _ => Arc::new(TaggerExtractor::shipped()),
    }
}

/// Child: build or update the newsdex index.
fn child_newsdex(corpus: &Path, index: &Path, full: bool, entities: &str) -> Run {
    let started = Instant::now();
    let (articles, anon_mb) = with_anon_peak(|| {
        let opts = IndexOptions {
            full,
            extractor: extractor(entities),
            ..IndexOptions::default()
        };
        let s = index_corpus(corpus, index, &opts, &NoProgress).expect("newsdex builds");
        s.added + s.updated
    });
    Run {
        wall: started.elapsed().as_secs_f64(),
        cpu: cpu_seconds(),
        peak_mb: status_mb("VmHWM:"),
        anon_mb,
        articles,
    }
}

fn sqlite_schema(db: &Connection) {
    db.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
         CREATE VIRTUAL TABLE IF NOT EXISTS articles USING fts5(
             id UNINDEXED, path UNINDEXED, title, body, date UNINDEXED,
             tokenize='porter unicode61');
         CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER);
         CREATE TABLE IF NOT EXISTS file_rows(path TEXT, row INTEGER);
         CREATE INDEX IF NOT EXISTS file_rows_path ON file_rows(path);",
    )
    .expect("schema");
}

/// Every file under `root`: its path relative to `root`, size and mtime
/// (ns). The peers' side of an incremental run.
fn walk_stat(root: &Path) -> Vec<(String, u64, i64)> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                dirs.push(entry.path());
            } else if meta.is_file() {
                let rel = entry
                    .path()
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                let mtime = meta
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos() as i64);
                out.push((rel, meta.len(), mtime));
            }
        }
    }
    out
}

/// Child: load the parsed rows (JSONL) into SQLite FTS5, with a record of
/// the corpus files for incremental runs.
fn child_sqlite_full(rows: &Path, corpus: &Path, db_path: &Path) -> Run {
    let started = Instant::now();
    let (articles, anon_mb) = with_anon_peak(|| {
        let mut db = Connection::open(db_path).expect("open db");
        sqlite_schema(&db);
        let text = std::fs::read_to_string(rows).expect("rows");
        let tx = db.transaction().expect("tx");
        let mut n = 0;
        {
            let mut ins = tx
                .prepare("INSERT INTO articles (rowid, id, path, title, body, date) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                .unwrap();
            let mut owner = tx.prepare("INSERT INTO file_rows VALUES (?1, ?2)").unwrap();
            for line in text.lines() {
                let r: Row = serde_json::from_str(line).expect("row");
                ins.execute(rusqlite::params![r.n, r.id, r.path, r.title, r.body, r.date])
                    .unwrap();
                owner.execute(rusqlite::params![r.path, r.n]).unwrap();
                n += 1;
            }
            let mut file = tx
                .prepare("INSERT OR REPLACE INTO files VALUES (?1, ?2, ?3)")
                .unwrap();
            for (path, size, mtime) in walk_stat(corpus) {
                file.execute(rusqlite::params![path, size as i64, mtime]).unwrap();
            }
        }
        tx.commit().expect("commit");
        db.execute_batch("INSERT INTO articles(articles) VALUES('optimize');")
            .unwrap();
        n
    });
    Run {
        wall: started.elapsed().as_secs_f64(),
        cpu: cpu_seconds(),
        peak_mb: status_mb("VmHWM:"),
        anon_mb,
        articles,
    }
}

/// Child: SQLite's incremental run. Walks and stats the corpus against the
/// record of files; a changed or new file's articles are parsed (newsdex's
/// readers) and replace the old ones.
fn child_sqlite_update(corpus: &Path, db_path: &Path) -> Run {
    let started = Instant::now();
    let (articles, anon_mb) = with_anon_peak(|| {
        let mut db = Connection::open(db_path).expect("open db");
        let known: HashMap<String, (i64, i64)> = {
            let mut st = db.prepare("SELECT path, size, mtime FROM files").unwrap();
            st.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
                .unwrap()
                .filter_map(|r| r.ok())
                .collect()
        };
        let changed: Vec<(String, u64, i64)> = walk_stat(corpus)
            .into_iter()
            .filter(|(p, size, mtime)| known.get(p) != Some(&(*size as i64, *mtime)))
            .collect();
        let tx = db.transaction().expect("tx");
        let mut n = 0;
        {
            // By rowid: a match on an UNINDEXED column would scan the table.
            let mut del = tx
                .prepare("DELETE FROM articles WHERE rowid IN (SELECT row FROM file_rows WHERE path = ?1)")
                .unwrap();
            let mut disown = tx.prepare("DELETE FROM file_rows WHERE path = ?1").unwrap();
            let mut owner = tx.prepare("INSERT INTO file_rows VALUES (?1, ?2)").unwrap();
            let mut ins = tx
                .prepare("INSERT INTO articles (id, path, title, body, date) VALUES (?1, ?2, ?3, ?4, ?5)")
                .unwrap();
            let mut file = tx
                .prepare("INSERT OR REPLACE INTO files VALUES (?1, ?2, ?3)")
                .unwrap();
            let fields = newsdex::ingest::FieldMap::default();
            for (path, size, mtime) in &changed {
                del.execute([path]).unwrap();
                disown.execute([path]).unwrap();
                let bytes = std::fs::read(corpus.join(path)).unwrap_or_default();
                for a in newsdex::ingest::parse_bytes(path, &bytes, &fields).articles {
                    let date = a.date.map(newsdex::dates::format_ymd).unwrap_or_default();
                    ins.execute(rusqlite::params![a.id, path, a.title, a.body, date])
                        .unwrap();
                    owner
                        .execute(rusqlite::params![path, tx.last_insert_rowid()])
                        .unwrap();
                    n += 1;
                }
                file.execute(rusqlite::params![path, *size as i64, mtime])
                    .unwrap();
            }
        }
        tx.commit().expect("commit");
        n
    });
    Run {
        wall: started.elapsed().as_secs_f64(),
        cpu: cpu_seconds(),
        peak_mb: status_mb("VmHWM:"),
        anon_mb,
        articles,
    }
}

/// tantivy's Python bindings: a full build of the parsed rows (title and
/// body stored and stemmed, as newsdex's), and a no-op run that walks and
/// stats the corpus against the record of files the build kept.
const TANTIVY_PY: &str = r#"
import json, os, resource, sys, threading, time
import tantivy

mode, rows, corpus, index = sys.argv[1:5]
started = time.time()
peak = [0]
done = threading.Event()

def rss_anon():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    return 0

def sample():
    while not done.is_set():
        peak[0] = max(peak[0], rss_anon())
        time.sleep(0.01)

threading.Thread(target=sample, daemon=True).start()

def walk_stat():
    out = {}
    for d, _, files in os.walk(corpus):
        for name in files:
            p = os.path.join(d, name)
            st = os.stat(p)
            out[os.path.relpath(p, corpus)] = [st.st_size, st.st_mtime_ns]
    return out

n = 0
if mode == "full":
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("title", stored=True, tokenizer_name="en_stem")
    sb.add_text_field("body", stored=True, tokenizer_name="en_stem")
    sb.add_text_field("date", stored=True, tokenizer_name="raw")
    os.makedirs(index, exist_ok=True)
    ix = tantivy.Index(sb.build(), path=index)
    w = ix.writer()
    with open(rows) as f:
        for line in f:
            r = json.loads(line)
            w.add_document(tantivy.Document(id=r["id"], title=r["title"], body=r["body"], date=r["date"]))
            n += 1
    w.commit()
    w.wait_merging_threads()
    with open(os.path.join(index, "files.json"), "w") as f:
        json.dump(walk_stat(), f)
else:
    with open(os.path.join(index, "files.json")) as f:
        known = json.load(f)
    n = sum(1 for p, s in walk_stat().items() if known.get(p) != s)

done.set()
u = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({
    "wall": time.time() - started,
    "cpu": u.ru_utime + u.ru_stime,
    "peak_mb": u.ru_maxrss / 1024,
    "anon_mb": max(peak[0], rss_anon()) / 1024,
    "articles": n,
}))
"#;

/// A Python with tantivy's bindings: the system's, else a venv in
/// `target/compare-venv` that pip fills from PyPI. `None`, with the reason
/// printed, when neither works.
fn tantivy_python() -> Option<PathBuf> {
    let has = |py: &Path| {
        Command::new(py)
            .args(["-c", "import tantivy"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let system = PathBuf::from("python3");
    if has(&system) {
        return Some(system);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/compare-venv");
    let py = venv.join("bin/python");
    if !py.exists() {
        eprintln!("installing tantivy's Python bindings into {}…", venv.display());
        let made = Command::new("python3").arg("-m").arg("venv").arg(&venv).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("NOTICE: no tantivy-py column: `python3 -m venv` failed");
            return None;
        }
    }
    if !has(&py) {
        let pip = Command::new(&py)
            .args(["-m", "pip", "install", "--quiet", "tantivy"])
            .status();
        if !pip.is_ok_and(|s| s.success()) || !has(&py) {
            eprintln!("NOTICE: no tantivy-py column: `pip install tantivy` failed");
            return None;
        }
    }
    Some(py)
}

/// Runs the tantivy-py script in `mode` and reads its `Run`.
fn tantivy_py(py: &Path, script: &Path, mode: &str, rows: &Path, corpus: &Path, index: &Path) -> Run {
    let out = Command::new(py)
        .arg(script)
        .arg(mode)
        .args([rows, corpus, index])
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "tantivy-py {mode}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("tantivy-py JSON")
}

/// Runs this binary in a child mode and reads its `Run`.
fn child(args: &[&str]) -> Run {
    let exe = std::env::current_exe().unwrap();
    let out = Command::new(exe)
        .arg("--child")
        .args(args)
        .output()
        .expect("child runs");
    assert!(
        out.status.success(),
        "child {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("child JSON")
}

fn percentiles(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    let p = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    (p(0.5), p(0.95), p(0.99))
}

/// The queries both engines understand the same way: words and phrases,
/// with OR.
fn portable(q: &str) -> bool {
    !q.contains([':', '~', '(', '*', '-']) && !q.contains(" NOT ")
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Child: SQLite answers one query, as one search process would.
fn child_sqlite_query(db: &Path, query: &str) -> Run {
    let started = Instant::now();
    let db = Connection::open(db).unwrap();
    let mut st = db
        .prepare("SELECT id, title, snippet(articles, 3, '[', ']', '…', 24) FROM articles WHERE articles MATCH ?1 ORDER BY bm25(articles, 0.0, 0.0, 2.0, 1.0, 0.0) LIMIT 10")
        .unwrap();
    let hits: Vec<String> = st
        .query_map([query], |r| r.get::<_, String>(0))
        .unwrap()
        .filter_map(|r| r.ok())
        .collect();
    std::hint::black_box(hits);
    Run {
        wall: started.elapsed().as_secs_f64(),
        ..Run::default()
    }
}

/// One engine's column of the table.
#[derive(Default)]
struct Column {
    name: String,
    full: Option<Run>,
    noop: Option<Run>,
    one_pct: Option<Run>,
    size: Option<u64>,
    /// In-process query latency p50/p95/p99, ms.
    queries: Option<(f64, f64, f64)>,
    /// One search process per query, p50, ms.
    process: Option<f64>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        let p = |i: usize| PathBuf::from(&args[i]);
        let run = match args[1].as_str() {
            "newsdex-full" => child_newsdex(&p(2), &p(3), true, &args[4]),
            "newsdex-update" => child_newsdex(&p(2), &p(3), false, &args[4]),
            "sqlite-full" => child_sqlite_full(&p(2), &p(3), &p(4)),
            "sqlite-update" => child_sqlite_update(&p(2), &p(3)),
            "sqlite-query" => child_sqlite_query(&p(2), &args[3]),
            other => panic!("unknown child mode {other}"),
        };
        println!("{}", serde_json::to_string(&run).unwrap());
        return;
    }
    let args: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let Some(source) = args.first() else {
        eprintln!("SKIPPED compare bench: give a corpus: cargo bench --bench compare -- CORPUS [QUERY_FILE]");
        return;
    };
    let queries_path = args
        .get(1)
        .map(|s| s.to_string())
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/benches/queries.txt").to_string());
    let queries: Vec<String> = std::fs::read_to_string(&queries_path)
        .expect("query file")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter(|l| portable(l))
        .map(str::to_string)
        .collect();

    let work = tempfile::tempdir().expect("temp dir");
    let corpus = work.path().join("corpus");
    let status = Command::new("cp")
        .arg("-r")
        .arg(source.as_str())
        .arg(&corpus)
        .status()
        .unwrap();
    assert!(status.success(), "copying the corpus");
    let text_bytes = newsdex::dir_size(&corpus);
    let mb = text_bytes as f64 / 1e6;
    let db = work.path().join("fts5.db");
    let tpy_index = work.path().join("tantivy-py");
    let script = work.path().join("tantivy_py.py");
    std::fs::write(&script, TANTIVY_PY).unwrap();
    let py = tantivy_python();
    eprintln!("corpus {source}: {mb:.1} MB; {} queries", queries.len());

    // The articles as newsdex parses them, for the peers.
    let discovery = newsdex::ingest::discover(&corpus, &newsdex::ingest::Walk::default()).unwrap();
    let rows_path = work.path().join("rows.jsonl");
    let mut rows = String::new();
    let fields = newsdex::ingest::FieldMap::default();
    let mut next_row: i64 = 0;
    for f in &discovery.files {
        let bytes = std::fs::read(&f.abs).unwrap();
        for a in newsdex::ingest::parse_bytes(&f.rel, &bytes, &fields).articles {
            next_row += 1;
            let row = Row {
                n: next_row,
                path: f.rel.clone(),
                id: a.id,
                title: a.title,
                body: a.body,
                date: a.date.map(newsdex::dates::format_ymd).unwrap_or_default(),
            };
            rows.push_str(&serde_json::to_string(&row).unwrap());
            rows.push('\n');
        }
    }
    std::fs::write(&rows_path, &rows).unwrap();
    drop(rows);

    let nx_configs = [("newsdex", "tagger"), ("newsdex --entities none", "none")];
    let nx_index = |entities: &str| work.path().join(format!("newsdex-{entities}"));
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let mut cols: Vec<Column> = nx_configs
        .iter()
        .map(|(name, _)| Column {
            name: name.to_string(),
            ..Column::default()
        })
        .collect();
    cols.push(Column {
        name: "SQLite FTS5".into(),
        ..Column::default()
    });
    cols.push(Column {
        name: "tantivy-py".into(),
        ..Column::default()
    });
    let (sq, tp) = (nx_configs.len(), nx_configs.len() + 1);

    // Full builds, then no-op runs, each engine in turn.
    for (c, (name, entities)) in nx_configs.iter().enumerate() {
        eprintln!("building {name}…");
        let ix = s(&nx_index(entities));
        cols[c].full = Some(child(&["newsdex-full", &s(&corpus), &ix, entities]));
        cols[c].size = Some(newsdex::dir_size(Path::new(&ix)));
    }
    eprintln!("building SQLite FTS5…");
    cols[sq].full = Some(child(&["sqlite-full", &s(&rows_path), &s(&corpus), &s(&db)]));
    cols[sq].size = Some(std::fs::metadata(&db).map_or(0, |m| m.len()));
    if let Some(py) = &py {
        eprintln!("building tantivy-py…");
        cols[tp].full = Some(tantivy_py(py, &script, "full", &rows_path, &corpus, &tpy_index));
        cols[tp].size = Some(newsdex::dir_size(&tpy_index));
    }
    eprintln!("no-op runs…");
    for (c, (_, entities)) in nx_configs.iter().enumerate() {
        cols[c].noop = Some(child(&[
            "newsdex-update",
            &s(&corpus),
            &s(&nx_index(entities)),
            entities,
        ]));
    }
    cols[sq].noop = Some(child(&["sqlite-update", &s(&corpus), &s(&db)]));
    if let Some(py) = &py {
        cols[tp].noop = Some(tantivy_py(py, &script, "noop", &rows_path, &corpus, &tpy_index));
    }

    // 1% of the files change (a sentence appended).
    for f in discovery.files.iter().step_by(100) {
        let mut text = std::fs::read_to_string(&f.abs).unwrap_or_default();
        text.push_str("\n\nThis article was updated.\n");
        std::fs::write(&f.abs, text).unwrap();
    }
    eprintln!("1% changed…");
    for (c, (_, entities)) in nx_configs.iter().enumerate() {
        cols[c].one_pct = Some(child(&[
            "newsdex-update",
            &s(&corpus),
            &s(&nx_index(entities)),
            entities,
        ]));
    }
    cols[sq].one_pct = Some(child(&["sqlite-update", &s(&corpus), &s(&db)]));

    // Queries, in process, warm: newsdex (tagger) and SQLite interleaved.
    eprintln!("queries…");
    let nx = NewsIndex::open(nx_index("tagger")).unwrap();
    let conn = Connection::open(&db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT id, title, snippet(articles, 3, '[', ']', '…', 24) FROM articles \
             WHERE articles MATCH ?1 ORDER BY bm25(articles, 0.0, 0.0, 2.0, 1.0, 0.0) LIMIT 10",
        )
        .unwrap();
    let mut count = conn
        .prepare("SELECT count(*) FROM articles WHERE articles MATCH ?1")
        .unwrap();
    let rounds = 5;
    let (mut nx_t, mut sq_t) = (Vec::new(), Vec::new());
    for round in 0..=rounds {
        for q in &queries {
            let t = Instant::now();
            nx.search(&SearchRequest::new(q.as_str())).unwrap();
            let a = t.elapsed().as_secs_f64() * 1e3;
            let t = Instant::now();
            let hits: Vec<(String, String, String)> = stmt
                .query_map([q], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .filter_map(|r| r.ok())
                .collect();
            let _total: i64 = count.query_row([q], |r| r.get(0)).unwrap();
            let b = t.elapsed().as_secs_f64() * 1e3;
            std::hint::black_box(hits);
            if round > 0 {
                nx_t.push(a);
                sq_t.push(b);
            }
        }
    }
    cols[0].queries = Some(percentiles(nx_t));
    cols[sq].queries = Some(percentiles(sq_t));
    drop(nx);

    // One search process per query, end to end, the engines interleaved.
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/newsdex");
    if bin.exists() {
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); sq + 1];
        for q in &queries {
            for (c, (_, entities)) in nx_configs.iter().enumerate() {
                let t = Instant::now();
                let out = Command::new(&bin)
                    .args(["search", q.as_str(), "--index", &s(&nx_index(entities))])
                    .output()
                    .unwrap();
                assert!(out.status.success(), "newsdex search {q:?}");
                times[c].push(t.elapsed().as_secs_f64() * 1e3);
            }
            let t = Instant::now();
            child(&["sqlite-query", &s(&db), q]);
            times[sq].push(t.elapsed().as_secs_f64() * 1e3);
        }
        for (c, t) in times.into_iter().enumerate() {
            cols[c].process = Some(median(t));
        }
    } else {
        eprintln!(
            "NOTICE: no search-process row: build target/release/newsdex first (cargo build --release)"
        );
    }

    print_table(source, mb, &queries, rounds, &cols, text_bytes);
}

/// The table, then the ratios the issues ask for.
fn print_table(source: &str, mb: f64, queries: &[String], rounds: usize, cols: &[Column], text_bytes: u64) {
    let articles = cols[0].full.as_ref().map_or(0, |r| r.articles);
    println!(
        "\nCorpus: {source}, {articles} articles, {mb:.1} MB of files; {} queries × {rounds} rounds\n",
        queries.len()
    );
    let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
    println!("| measure | {} |", names.join(" | "));
    println!("| --- |{}", " ---: |".repeat(cols.len()));
    let row = |label: &str, cell: &dyn Fn(&Column) -> Option<String>| {
        let cells: Vec<String> = cols
            .iter()
            .map(|c| cell(c).unwrap_or_else(|| "–".into()))
            .collect();
        println!("| {label} | {} |", cells.join(" | "));
    };
    row("full build, MB/s", &|c| {
        c.full.as_ref().map(|r| format!("{:.1}", mb / r.wall))
    });
    row("full build, wall (s)", &|c| {
        c.full.as_ref().map(|r| format!("{:.2}", r.wall))
    });
    row("full build, CPU (s)", &|c| {
        c.full.as_ref().map(|r| format!("{:.2}", r.cpu))
    });
    row("full build, wall ÷ CPU", &|c| {
        c.full.as_ref().map(|r| format!("{:.2}", r.wall / r.cpu))
    });
    row("full build, peak RSS (MB)", &|c| {
        c.full.as_ref().map(|r| format!("{:.0}", r.peak_mb))
    });
    row("full build, peak RssAnon (MB)", &|c| {
        c.full.as_ref().map(|r| format!("{:.0}", r.anon_mb))
    });
    row("index size ÷ text size", &|c| {
        c.size.map(|b| format!("{:.2}", b as f64 / text_bytes as f64))
    });
    row("no-op run (s)", &|c| {
        c.noop.as_ref().map(|r| format!("{:.2}", r.wall))
    });
    row("no-op run, peak RSS (MB)", &|c| {
        c.noop.as_ref().map(|r| format!("{:.0}", r.peak_mb))
    });
    row("1% changed (s)", &|c| {
        c.one_pct.as_ref().map(|r| format!("{:.2}", r.wall))
    });
    row("query p50 (ms)", &|c| c.queries.map(|q| format!("{:.2}", q.0)));
    row("query p95 (ms)", &|c| c.queries.map(|q| format!("{:.2}", q.1)));
    row("query p99 (ms)", &|c| c.queries.map(|q| format!("{:.2}", q.2)));
    row("one search process, p50 (ms)", &|c| {
        c.process.map(|p| format!("{p:.1}"))
    });

    let mbs = |c: &Column| c.full.as_ref().map(|r| mb / r.wall);
    let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}×", a / b),
        _ => "–".into(),
    };
    let (nx, none, sq, tp) = (&cols[0], &cols[1], &cols[2], &cols[3]);
    println!("\nBuild MB/s ratios:");
    println!("- newsdex ÷ SQLite FTS5: {}", ratio(mbs(nx), mbs(sq)));
    println!("- newsdex ÷ tantivy-py: {}", ratio(mbs(nx), mbs(tp)));
    println!(
        "- newsdex --entities none ÷ tantivy-py: {}",
        ratio(mbs(none), mbs(tp))
    );
    let noop = |c: &Column| c.noop.as_ref().map(|r| r.wall);
    println!(
        "No-op run, newsdex ÷ SQLite's incremental run: {}",
        ratio(noop(nx), noop(sq))
    );
    println!("\nnewsdex's build parses the files, fingerprints and (first column) tags entities; the peers get the parsed text. \
newsdex's queries also count facets over all matches and collapse duplicates; SQLite's count the matches. \
The peers' no-op run walks and stats the corpus against their record of files.");
}
