//! newsdex against SQLite FTS5 on the same articles, in one run, so every
//! figure has a ratio next to it that holds on a noisy machine.
//!
//! ```text
//! cargo bench --bench compare -- CORPUS [QUERY_FILE] [--entities=none|rules]
//! ```
//!
//! `--entities` builds newsdex with another extractor than the trained
//! tagger, to see what entities cost against the same SQLite run.
//!
//! Measures, for each engine: a full build (wall, CPU, peak memory, size on
//! disk, articles/s, MB/s of corpus text), a no-op and a 1%-changed
//! incremental run, query latency (p50/p95/p99, in process, warm, top 10
//! with snippets; newsdex also counts facets over all matches), and one
//! search process end to end. Each build runs in a child process of this
//! binary so that its peak memory is its own. The corpus is copied to a
//! temporary directory first (the 1% run modifies files).
//!
//! SQLite gets the articles newsdex parsed (id, title, body, date), with the
//! porter tokenizer, `bm25()` with the same title weight, and `snippet()`.
//! Make large corpora with `../shared/tools/scale_corpus.py` (see README).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use newsdex::{
    index_corpus, EntityExtractor, IndexOptions, NewsIndex, NoEntities, NoProgress, RuleExtractor,
    SearchRequest, TaggerExtractor,
};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

/// The allocator of the `newsdex` binary, so that figures match it.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Default, Serialize, Deserialize, Clone)]
struct Run {
    wall: f64,
    cpu: f64,
    peak_mb: f64,
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

/// Peak resident memory of this process, MB.
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

#[derive(Serialize, Deserialize)]
struct Row {
    /// SQLite rowid: the article's position, so an update finds its row.
    n: i64,
    id: String,
    title: String,
    body: String,
    date: String,
}

/// What `--entities` may name; the first is the default.
const ENTITIES: [&str; 3] = ["tagger", "rules", "none"];

/// The extractor `--entities` names.
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
    let opts = IndexOptions {
        full,
        extractor: extractor(entities),
        ..IndexOptions::default()
    };
    let s = index_corpus(corpus, index, &opts, &NoProgress).expect("newsdex builds");
    Run {
        wall: started.elapsed().as_secs_f64(),
        cpu: cpu_seconds(),
        peak_mb: peak_mb(),
        articles: s.added + s.updated,
    }
}

fn sqlite_schema(db: &Connection) {
    db.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
         CREATE VIRTUAL TABLE IF NOT EXISTS articles USING fts5(
             id UNINDEXED, title, body, date UNINDEXED, tokenize='porter unicode61');",
    )
    .expect("schema");
}

/// Child: load rows (JSONL) into SQLite FTS5; with `update`, replace them.
fn child_sqlite(rows: &Path, db_path: &Path, update: bool) -> Run {
    let started = Instant::now();
    let mut db = Connection::open(db_path).expect("open db");
    sqlite_schema(&db);
    let text = std::fs::read_to_string(rows).expect("rows");
    let tx = db.transaction().expect("tx");
    let mut n = 0;
    {
        let mut del = tx.prepare("DELETE FROM articles WHERE rowid = ?1").unwrap();
        let mut ins = tx
            .prepare("INSERT INTO articles (rowid, id, title, body, date) VALUES (?1, ?2, ?3, ?4, ?5)")
            .unwrap();
        for line in text.lines() {
            let r: Row = serde_json::from_str(line).expect("row");
            if update {
                del.execute([r.n]).unwrap();
            }
            ins.execute(rusqlite::params![r.n, r.id, r.title, r.body, r.date])
                .unwrap();
            n += 1;
        }
    }
    tx.commit().expect("commit");
    if !update {
        db.execute_batch("INSERT INTO articles(articles) VALUES('optimize');")
            .unwrap();
    }
    Run {
        wall: started.elapsed().as_secs_f64(),
        cpu: cpu_seconds(),
        peak_mb: peak_mb(),
        articles: n,
    }
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
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        let p = |i: usize| PathBuf::from(&args[i]);
        let run = match args[1].as_str() {
            "newsdex-full" => child_newsdex(&p(2), &p(3), true, &args[4]),
            "newsdex-update" => child_newsdex(&p(2), &p(3), false, &args[4]),
            "sqlite-full" => child_sqlite(&p(2), &p(3), false),
            "sqlite-update" => child_sqlite(&p(2), &p(3), true),
            "sqlite-query" => {
                let started = Instant::now();
                let db = Connection::open(p(2)).unwrap();
                let mut st = db
                    .prepare("SELECT id, title, snippet(articles, 2, '[', ']', '…', 24) FROM articles WHERE articles MATCH ?1 ORDER BY bm25(articles, 0.0, 2.0, 1.0, 0.0) LIMIT 10")
                    .unwrap();
                let hits: Vec<String> = st
                    .query_map([&args[3]], |r| r.get::<_, String>(0))
                    .unwrap()
                    .filter_map(|r| r.ok())
                    .collect();
                assert!(!hits.is_empty(), "no SQLite hits for {:?}", args[3]);
                Run {
                    wall: started.elapsed().as_secs_f64(),
                    ..Run::default()
                }
            }
            other => panic!("unknown child mode {other}"),
        };
        println!("{}", serde_json::to_string(&run).unwrap());
        return;
    }
    let entities = args
        .iter()
        .find_map(|a| a.strip_prefix("--entities="))
        .unwrap_or(ENTITIES[0])
        .to_string();
    // Checked here, not in the child: the parent needs no extractor itself.
    assert!(
        ENTITIES.contains(&entities.as_str()),
        "--entities={entities}: expected one of {ENTITIES:?}"
    );
    let args: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let Some(source) = args.first() else {
        eprintln!("SKIPPED compare bench: give a corpus: cargo bench --bench compare -- CORPUS [QUERY_FILE] [--entities=none|rules]");
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
    let index = work.path().join("index");
    let db = work.path().join("fts5.db");
    eprintln!("corpus {source}: {mb:.1} MB; {} queries", queries.len());

    // The articles as newsdex parses them, for SQLite.
    let discovery = newsdex::ingest::discover(&corpus, &newsdex::ingest::Walk::default()).unwrap();
    let rows_path = work.path().join("rows.jsonl");
    let mut rows = String::new();
    let fields = newsdex::ingest::FieldMap::default();
    let mut next_row: i64 = 0;
    for f in &discovery.files {
        let bytes = std::fs::read(&f.abs).unwrap();
        for a in newsdex::ingest::parse_bytes(&f.rel, &bytes, &fields).articles {
            let row = Row {
                n: {
                    next_row += 1;
                    next_row
                },
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

    eprintln!("building newsdex…");
    let nx_full = child(&[
        "newsdex-full",
        corpus.to_str().unwrap(),
        index.to_str().unwrap(),
        &entities,
    ]);
    eprintln!("building SQLite FTS5…");
    let sq_full = child(&["sqlite-full", rows_path.to_str().unwrap(), db.to_str().unwrap()]);
    let nx_size = newsdex::dir_size(&index);
    let sq_size = std::fs::metadata(&db).map_or(0, |m| m.len());
    let nx_noop = child(&[
        "newsdex-update",
        corpus.to_str().unwrap(),
        index.to_str().unwrap(),
        &entities,
    ]);

    // 1% of the files change (a sentence appended); SQLite replaces the same
    // articles.
    let step = 100;
    let mut changed_rows = String::new();
    let changed_ids: std::collections::HashSet<String> = discovery
        .files
        .iter()
        .step_by(step)
        .map(|f| f.rel.clone())
        .collect();
    for f in discovery.files.iter().step_by(step) {
        let mut text = std::fs::read_to_string(&f.abs).unwrap_or_default();
        text.push_str("\n\nThis article was updated.\n");
        std::fs::write(&f.abs, text).unwrap();
    }
    for line in rows.lines() {
        let r: Row = serde_json::from_str(line).unwrap();
        if changed_ids.contains(r.id.split('#').next().unwrap_or("")) {
            let r = Row {
                body: r.body + "\n\nThis article was updated.",
                ..r
            };
            changed_rows.push_str(&serde_json::to_string(&r).unwrap());
            changed_rows.push('\n');
        }
    }
    let changed_path = work.path().join("changed.jsonl");
    std::fs::write(&changed_path, changed_rows).unwrap();
    let nx_one = child(&[
        "newsdex-update",
        corpus.to_str().unwrap(),
        index.to_str().unwrap(),
        &entities,
    ]);
    let sq_one = child(&[
        "sqlite-update",
        changed_path.to_str().unwrap(),
        db.to_str().unwrap(),
    ]);

    // Queries, in process, warm.
    let nx = NewsIndex::open(&index).unwrap();
    let conn = Connection::open(&db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT id, title, snippet(articles, 2, '[', ']', '…', 24) FROM articles \
             WHERE articles MATCH ?1 ORDER BY bm25(articles, 0.0, 2.0, 1.0, 0.0) LIMIT 10",
        )
        .unwrap();
    let mut count = conn
        .prepare("SELECT count(*) FROM articles WHERE articles MATCH ?1")
        .unwrap();
    let fts = |q: &str| q.to_string();
    let rounds = 5;
    let (mut nx_t, mut sq_t) = (Vec::new(), Vec::new());
    for round in 0..=rounds {
        for q in &queries {
            let t = Instant::now();
            nx.search(&SearchRequest::new(q.as_str())).unwrap();
            let a = t.elapsed().as_secs_f64() * 1e3;
            let t = Instant::now();
            let hits: Vec<(String, String, String)> = stmt
                .query_map([fts(q)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .filter_map(|r| r.ok())
                .collect();
            let _total: i64 = count.query_row([fts(q)], |r| r.get(0)).unwrap();
            let b = t.elapsed().as_secs_f64() * 1e3;
            std::hint::black_box(hits);
            if round > 0 {
                nx_t.push(a);
                sq_t.push(b);
            }
        }
    }
    let (np50, np95, np99) = percentiles(nx_t);
    let (sp50, sp95, sp99) = percentiles(sq_t);

    // One search process, end to end.
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/newsdex");
    let mut nx_cli = Vec::new();
    let mut sq_cli = Vec::new();
    for _ in 0..11 {
        if bin.exists() {
            let t = Instant::now();
            let out = Command::new(&bin)
                .args(["search", "oil prices", "--index", index.to_str().unwrap()])
                .output()
                .unwrap();
            assert!(out.status.success());
            nx_cli.push(t.elapsed().as_secs_f64() * 1e3);
        }
        let t = Instant::now();
        child(&["sqlite-query", db.to_str().unwrap(), "oil prices"]);
        sq_cli.push(t.elapsed().as_secs_f64() * 1e3);
    }

    let ratio = |a: f64, b: f64| {
        if b > 0.0 {
            format!("{:.2}×", a / b)
        } else {
            "–".into()
        }
    };
    println!(
        "\nCorpus: {source}, {} articles, {mb:.1} MB of files; {} queries × {rounds} rounds\n",
        nx_full.articles,
        queries.len()
    );
    let label = if entities == "tagger" {
        "newsdex".to_string()
    } else {
        format!("newsdex (--entities={entities})")
    };
    println!("| measure | {label} | SQLite FTS5 | newsdex ÷ SQLite |");
    println!("| --- | ---: | ---: | ---: |");
    println!(
        "| full build, wall (s) | {:.2} | {:.2} | {} |",
        nx_full.wall,
        sq_full.wall,
        ratio(nx_full.wall, sq_full.wall)
    );
    println!(
        "| full build, CPU (s) | {:.2} | {:.2} | {} |",
        nx_full.cpu,
        sq_full.cpu,
        ratio(nx_full.cpu, sq_full.cpu)
    );
    println!(
        "| full build, MB/s | {:.1} | {:.1} | {} |",
        mb / nx_full.wall,
        mb / sq_full.wall,
        ratio(sq_full.wall, nx_full.wall)
    );
    println!(
        "| full build, articles/s | {:.0} | {:.0} | {} |",
        nx_full.articles as f64 / nx_full.wall,
        sq_full.articles as f64 / sq_full.wall,
        ratio(sq_full.wall, nx_full.wall)
    );
    println!(
        "| full build, peak memory (MB) | {:.0} | {:.0} | {} |",
        nx_full.peak_mb,
        sq_full.peak_mb,
        ratio(nx_full.peak_mb, sq_full.peak_mb)
    );
    println!(
        "| index size (MB) | {:.1} | {:.1} | {} |",
        nx_size as f64 / 1e6,
        sq_size as f64 / 1e6,
        ratio(nx_size as f64, sq_size as f64)
    );
    println!(
        "| index size ÷ text size | {:.2} | {:.2} | |",
        nx_size as f64 / text_bytes as f64,
        sq_size as f64 / text_bytes as f64
    );
    println!("| no-op run (s) | {:.2} | – | |", nx_noop.wall);
    println!(
        "| 1% changed (s) | {:.2} | {:.2} | {} |",
        nx_one.wall,
        sq_one.wall,
        ratio(nx_one.wall, sq_one.wall)
    );
    println!(
        "| query p50 (ms) | {np50:.2} | {sp50:.2} | {} |",
        ratio(np50, sp50)
    );
    println!(
        "| query p95 (ms) | {np95:.2} | {sp95:.2} | {} |",
        ratio(np95, sp95)
    );
    println!(
        "| query p99 (ms) | {np99:.2} | {sp99:.2} | {} |",
        ratio(np99, sp99)
    );
    if !nx_cli.is_empty() {
        let (a, b) = (median(nx_cli), median(sq_cli));
        println!(
            "| one search process, end to end (ms) | {a:.1} | {b:.1} | {} |",
            ratio(a, b)
        );
    }
    let work_done = match entities.as_str() {
        "none" => "parsing the files and fingerprinting (no entities)",
        "rules" => "parsing the files, finding entities by rules and fingerprinting",
        _ => "parsing the files, tagging entities and fingerprinting",
    };
    println!("\nnewsdex's build includes {work_done}; SQLite gets the parsed text. newsdex's queries also count facets over all matches and collapse duplicates; SQLite's count the matches.");
}
