//! Relevance on judged topics, newsdex against SQLite FTS5 in one run.
//!
//! ```text
//! cargo bench --bench relevance [-- --knobs relax_below=100,lede_weight=0.5,...]
//! ```
//!
//! Judgments come from Reuters-21578's TOPICS labels
//! (`../shared/corpora/reuters21578/articles.jsonl.gz`): for a query written
//! for a topic, the relevant articles are those the editors gave that
//! topic. Only the dev topics of `benches/relevance-topics.tsv` are used;
//! the collection's other topics stay out of development. Each system
//! returns its best 100; the table gives P@10, nDCG@10 (binary gains),
//! MAP@100 (average precision over the first 100, divided by the smaller of
//! 100 and the topic's relevant articles) and recall@100, averaged over the
//! queries. Collapsing shows a wire re-issue under its first copy, so the
//! judgments count it as lost recall: both modes are listed.
//!
//! SQLite FTS5 is the baseline: `porter unicode61` tokenizer, bm25 with the
//! title weighted 2, every word required (FTS5's default). `--knobs` adds a
//! row with other [`Ranking`] settings, for tuning on these topics.
//!
//! The index is kept in `target/relevance/` and brought up to date by each
//! run (the first one builds it).

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::Instant;

use newsdex::{index_corpus, IndexOptions, NewsIndex, NoProgress, Ranking, SearchRequest};
use rusqlite::Connection;

const DEPTH: usize = 100;

struct Topic {
    topic: String,
    query: String,
}

#[derive(Default, Clone, Copy)]
struct Scores {
    p10: f64,
    ndcg10: f64,
    map100: f64,
    recall100: f64,
}

fn score(ranked: &[String], relevant: &HashSet<String>) -> Scores {
    let r = relevant.len().max(1) as f64;
    let rel = |i: usize| ranked.get(i).is_some_and(|p| relevant.contains(p));
    let p10 = (0..10).filter(|&i| rel(i)).count() as f64 / 10.0;
    let gain = |i: usize| 1.0 / ((i + 2) as f64).log2();
    let dcg: f64 = (0..10).filter(|&i| rel(i)).map(gain).sum();
    let idcg: f64 = (0..relevant.len().min(10)).map(gain).sum();
    let mut found = 0usize;
    let mut ap = 0.0;
    for i in 0..DEPTH.min(ranked.len()) {
        if rel(i) {
            found += 1;
            ap += found as f64 / (i + 1) as f64;
        }
    }
    Scores {
        p10,
        ndcg10: if idcg > 0.0 { dcg / idcg } else { 0.0 },
        map100: ap / relevant.len().clamp(1, DEPTH) as f64,
        recall100: found as f64 / r,
    }
}

fn mean(all: &[Scores]) -> Scores {
    let n = all.len().max(1) as f64;
    let mut m = Scores::default();
    for s in all {
        m.p10 += s.p10 / n;
        m.ndcg10 += s.ndcg10 / n;
        m.map100 += s.map100 / n;
        m.recall100 += s.recall100 / n;
    }
    m
}

/// `relax_below=100,lede_weight=0.5`: a ranking from the default one.
fn knobs(spec: &str) -> Ranking {
    let mut r = Ranking::default();
    for kv in spec.split(',').filter(|s| !s.is_empty()) {
        let (k, v) = kv
            .split_once('=')
            .unwrap_or_else(|| panic!("--knobs: {kv:?} is not name=value"));
        fn num<T: std::str::FromStr>(kv: &str, v: &str) -> T {
            v.parse()
                .unwrap_or_else(|_| panic!("--knobs: {kv:?}: not a number"))
        }
        match k {
            "relax_below" => r.relax_below = num(kv, v),
            "rerank_depth" => r.rerank_depth = num(kv, v),
            "lede_weight" => r.lede_weight = num(kv, v),
            "lede_words" => r.lede_words = num(kv, v),
            "proximity_weight" => r.proximity_weight = num(kv, v),
            "entity_match" => r.entity_match = v == "true" || v == "1",
            _ => panic!("--knobs: unknown knob {k:?}"),
        }
    }
    r
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("../shared/corpora/reuters21578");
    if !corpus.join("articles.jsonl.gz").exists() {
        println!("SKIPPED relevance bench: {} is absent", corpus.display());
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    let extra = args
        .iter()
        .position(|a| a == "--knobs")
        .and_then(|i| args.get(i + 1))
        .map(|s| (s.clone(), knobs(s)));

    let topics: Vec<Topic> = std::fs::read_to_string(root.join("benches/relevance-topics.tsv"))
        .expect("benches/relevance-topics.tsv")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (t, q) = l.split_once('\t').expect("topic<TAB>query");
            Topic {
                topic: t.to_string(),
                query: q.to_string(),
            }
        })
        .collect();

    // Judgments and SQLite's rows, from the collection's JSON lines.
    let work = root.join("target/relevance");
    std::fs::create_dir_all(&work).expect("target/relevance");
    let db_path = work.join("fts5.db");
    let _ = std::fs::remove_file(&db_path);
    let db = Connection::open(&db_path).expect("sqlite");
    db.execute_batch(
        "CREATE VIRTUAL TABLE a USING fts5(path UNINDEXED, title, body, tokenize='porter unicode61');",
    )
    .expect("fts5 table");
    let wanted: HashSet<&str> = topics.iter().map(|t| t.topic.as_str()).collect();
    let mut relevant: HashMap<String, HashSet<String>> = HashMap::new();
    let file = std::fs::File::open(corpus.join("articles.jsonl.gz")).expect("articles.jsonl.gz");
    let lines = BufReader::new(flate2::read::GzDecoder::new(file));
    db.execute_batch("BEGIN").unwrap();
    let mut articles = 0;
    {
        let mut ins = db
            .prepare("INSERT INTO a(path, title, body) VALUES (?1, ?2, ?3)")
            .unwrap();
        for line in lines.lines() {
            let v: serde_json::Value = serde_json::from_str(&line.expect("line")).expect("json");
            let path = v["txt_path"].as_str().expect("txt_path");
            let path = path.strip_prefix("txt/").unwrap_or(path).to_string();
            for t in v["topics"].as_array().into_iter().flatten() {
                if let Some(t) = t.as_str().filter(|t| wanted.contains(t)) {
                    relevant.entry(t.to_string()).or_default().insert(path.clone());
                }
            }
            ins.execute(rusqlite::params![
                path,
                v["title"].as_str().unwrap_or(""),
                v["body"].as_str().unwrap_or("")
            ])
            .unwrap();
            articles += 1;
        }
    }
    db.execute_batch("COMMIT").unwrap();

    let index_dir = work.join("index");
    eprintln!(
        "indexing {} into {}…",
        corpus.join("txt").display(),
        index_dir.display()
    );
    let t = Instant::now();
    index_corpus(
        &corpus.join("txt"),
        &index_dir,
        &IndexOptions::default(),
        &NoProgress,
    )
    .expect("index builds");
    eprintln!("index up to date in {:.1} s", t.elapsed().as_secs_f64());
    let index = NewsIndex::open(&index_dir).expect("index opens");

    let sqlite = |q: &str| -> Vec<String> {
        let m: Vec<String> = q
            .split_whitespace()
            .map(|w| format!("\"{}\"", w.replace('"', "")))
            .collect();
        let mut st = db
            .prepare_cached("SELECT path FROM a WHERE a MATCH ?1 ORDER BY bm25(a, 0.0, 2.0, 1.0) LIMIT ?2")
            .unwrap();
        st.query_map(rusqlite::params![m.join(" "), DEPTH as i64], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let newsdex = |q: &str, ranking: Ranking, collapse: bool| -> Vec<String> {
        let mut req = SearchRequest::new(q).limit(DEPTH);
        req.ranking = ranking;
        req.collapse = collapse;
        req.fragments = 1;
        index
            .search(&req)
            .unwrap_or_else(|e| panic!("{q}: {e}"))
            .hits
            .into_iter()
            .map(|h| h.path)
            .collect()
    };

    type System<'a> = (String, Box<dyn Fn(&str) -> Vec<String> + 'a>);
    let mut systems: Vec<System> = vec![
        ("SQLite FTS5 (bm25, porter, title ×2)".into(), Box::new(sqlite)),
        (
            "newsdex, `--ranking bm25` (before), collapsed".into(),
            Box::new(|q: &str| newsdex(q, Ranking::bm25(), true)),
        ),
        (
            "newsdex, `--ranking bm25` (before), --no-collapse".into(),
            Box::new(|q: &str| newsdex(q, Ranking::bm25(), false)),
        ),
        (
            "newsdex, default ranking, collapsed".into(),
            Box::new(|q: &str| newsdex(q, Ranking::default(), true)),
        ),
        (
            "newsdex, default ranking, --no-collapse".into(),
            Box::new(|q: &str| newsdex(q, Ranking::default(), false)),
        ),
    ];
    if let Some((spec, r)) = extra {
        systems.push((
            format!("newsdex, {spec}, collapsed"),
            Box::new(move |q: &str| newsdex(q, r, true)),
        ));
        systems.push((
            format!("newsdex, {spec}, --no-collapse"),
            Box::new(move |q: &str| newsdex(q, r, false)),
        ));
    }

    println!(
        "{articles} articles, {} queries for {} dev topics, best {DEPTH} per query\n",
        topics.len(),
        wanted.len()
    );
    println!("| system | P@10 | nDCG@10 | MAP@100 | recall@100 | ms/query |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let mut baseline = Scores::default();
    let mut rows = Vec::new();
    for (i, (name, run)) in systems.iter().enumerate() {
        let t = Instant::now();
        let all: Vec<Scores> = topics
            .iter()
            .map(|t| score(&run(&t.query), &relevant[&t.topic]))
            .collect();
        let ms = t.elapsed().as_secs_f64() * 1000.0 / topics.len() as f64;
        let m = mean(&all);
        if i == 0 {
            baseline = m;
        }
        println!(
            "| {name} | {:.3} | {:.3} | {:.3} | {:.3} | {ms:.1} |",
            m.p10, m.ndcg10, m.map100, m.recall100
        );
        rows.push((name.clone(), m));
    }
    println!("\nAgainst SQLite FTS5 (newsdex ÷ SQLite):\n");
    println!("| system | P@10 | nDCG@10 | MAP@100 | recall@100 |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (name, m) in rows.iter().skip(1) {
        println!(
            "| {name} | {:.2}× | {:.2}× | {:.2}× | {:.2}× |",
            m.p10 / baseline.p10,
            m.ndcg10 / baseline.ndcg10,
            m.map100 / baseline.map100,
            m.recall100 / baseline.recall100
        );
    }
}
