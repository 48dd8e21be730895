//! Query latency, in process, warm: top-10 hits with snippets, facets over
//! all matches and near-duplicate collapsing, as `search` runs them.
//!
//! ```text
//! cargo bench --bench query -- INDEX_DIR [QUERY_FILE] [ROUNDS]
//! ```
//!
//! QUERY_FILE defaults to `benches/queries.txt` (65 news queries), ROUNDS to
//! 5. Every query runs once to warm caches, then ROUNDS times; the table
//! gives percentiles over all timed runs. Build the index first, e.g. on a
//! 200k-article corpus made with `../shared/tools/scale_corpus.py`.

use std::time::Instant;

use newsdex::{NewsIndex, SearchRequest};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let Some(index_dir) = args.first() else {
        eprintln!("SKIPPED query bench: give an index directory: cargo bench --bench query -- INDEX_DIR");
        return;
    };
    let queries_path = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/benches/queries.txt").to_string());
    let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5);
    let queries: Vec<String> = std::fs::read_to_string(&queries_path)
        .expect("query file")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    let index = NewsIndex::open(std::path::Path::new(index_dir)).expect("index opens");
    let stats = index.stats().expect("stats");
    type Make = fn(&str) -> SearchRequest;
    // `--ranking bm25` is the ranking before its stages (relaxing, entity
    // names, re-ranking) existed: the baseline of their cost, in one run.
    let configs: [(&str, Make); 6] = [
        ("top-10, snippets, facets, collapse", |q| SearchRequest::new(q)),
        ("same, --ranking bm25", |q| {
            let mut r = SearchRequest::new(q);
            r.ranking = newsdex::Ranking::bm25();
            r
        }),
        ("same, default ranking without the re-ranking", |q| {
            let mut r = SearchRequest::new(q);
            r.ranking.rerank_depth = 0;
            r
        }),
        ("same, default ranking without entity names", |q| {
            let mut r = SearchRequest::new(q);
            r.ranking.entity_match = false;
            r
        }),
        ("same, --no-collapse", |q| {
            let mut r = SearchRequest::new(q);
            r.collapse = false;
            r
        }),
        ("same, --no-collapse --ranking bm25", |q| {
            let mut r = SearchRequest::new(q);
            r.collapse = false;
            r.ranking = newsdex::Ranking::bm25();
            r
        }),
    ];
    println!(
        "{} articles, {} queries x {rounds} rounds, warm, one thread\n",
        stats.articles,
        queries.len()
    );
    println!("| request | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | mean matches |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    // Configurations alternate query by query, so that a noisy moment
    // falls on all of them alike.
    for (_, make) in &configs {
        for q in &queries {
            index.search(&make(q)).unwrap_or_else(|e| panic!("{q}: {e}"));
        }
    }
    let mut times = vec![Vec::new(); configs.len()];
    let mut matches = vec![0u64; configs.len()];
    for _ in 0..rounds {
        for q in &queries {
            for (c, (_, make)) in configs.iter().enumerate() {
                let t = Instant::now();
                let r = index.search(&make(q)).expect("search");
                times[c].push(t.elapsed().as_secs_f64() * 1000.0);
                matches[c] += r.total;
            }
        }
    }
    for (c, (name, _)) in configs.iter().enumerate() {
        let times = &mut times[c];
        times.sort_by(f64::total_cmp);
        println!(
            "| {name} | {:.2} | {:.2} | {:.2} | {:.2} | {} |",
            percentile(times, 0.5),
            percentile(times, 0.95),
            percentile(times, 0.99),
            times.last().copied().unwrap_or(0.0),
            matches[c] / times.len().max(1) as u64
        );
    }
    // What sampling costs in accuracy: the sampled top names against the
    // exact ones, for the queries where sampling happened.
    let (mut overlap, mut lists, mut errors) = (0.0, 0usize, Vec::new());
    for q in &queries {
        let sampled = index.search(&SearchRequest::new(q.as_str())).expect("search");
        if !sampled.facets.estimated {
            continue;
        }
        let mut exact = SearchRequest::new(q.as_str());
        exact.exact_facets = true;
        let exact = index.search(&exact).expect("search");
        let f = (&sampled.facets, &exact.facets);
        for (s, e) in [
            (&f.0.person, &f.1.person),
            (&f.0.org, &f.1.org),
            (&f.0.place, &f.1.place),
        ] {
            if e.is_empty() {
                continue;
            }
            let shared = s.iter().filter(|x| e.iter().any(|y| y.value == x.value)).count();
            overlap += shared as f64 / e.len() as f64;
            lists += 1;
            for x in s {
                if let Some(y) = e.iter().find(|y| y.value == x.value) {
                    errors.push((x.count as f64 - y.count as f64).abs() / y.count as f64);
                }
            }
        }
    }
    errors.sort_by(f64::total_cmp);
    if lists > 0 {
        println!(
            "\nSampled entity facets against exact counts ({lists} top-10 lists): {:.0}% of the names shared, \
             median count error {:.1}%, 90th percentile {:.1}%",
            100.0 * overlap / lists as f64,
            100.0 * percentile(&errors, 0.5),
            100.0 * percentile(&errors, 0.9),
        );
    }
    // The slowest queries, to know where time goes.
    let mut per_query: Vec<(f64, &str)> = queries
        .iter()
        .map(|q| {
            let t = Instant::now();
            index.search(&SearchRequest::new(q.as_str())).expect("search");
            (t.elapsed().as_secs_f64() * 1000.0, q.as_str())
        })
        .collect();
    per_query.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!(
        "\nSlowest: {}",
        per_query
            .iter()
            .take(5)
            .map(|(t, q)| format!("{q} {t:.1} ms"))
            .collect::<Vec<_>>()
            .join(", ")
    );
}
