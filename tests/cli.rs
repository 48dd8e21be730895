//! The binary end to end on a fixture corpus: indexing, the JSON contract,
//! filters, sorting, entities, stats and error handling.

mod common;

use common::*;
use serde_json::Value;

struct Fixture {
    _corpus: tempfile::TempDir,
    _index: tempfile::TempDir,
    index: String,
    summary: Value,
}

fn fixture() -> Fixture {
    let corpus = fixture_corpus();
    let index = tempfile::tempdir().unwrap();
    let index_path = index.path().join("idx").to_string_lossy().into_owned();
    let summary = newsdex_json(&[
        "index",
        corpus.path().to_str().unwrap(),
        "--index",
        &index_path,
        "--json",
    ]);
    Fixture {
        _corpus: corpus,
        _index: index,
        index: index_path,
        summary,
    }
}

fn search(f: &Fixture, args: &[&str]) -> Value {
    let mut all = vec!["search", "--json", "--index", &f.index];
    all.extend_from_slice(args);
    newsdex_json(&all)
}

fn dates(v: &Value) -> Vec<String> {
    each_str(&v["hits"], "date")
}

#[test]
fn index_summary_counts_articles_and_skips_with_reasons() {
    let f = fixture();
    let s = &f.summary;
    assert_eq!(s["articles"], 7, "{s:#}");
    assert_eq!(s["undated"], 2);
    assert_eq!(s["ignored"], 1, "the .jpg is ignored");
    assert_eq!(s["skipped_by_reason"]["empty"], 2);
    assert_eq!(s["skipped_by_reason"]["binary"], 1);
    assert!(s["skipped_by_reason"].get("encoding").is_none());
    let skipped = each_str(&s["skipped"], "path");
    assert_eq!(
        skipped,
        ["bad/empty.txt", "bad/header-only.txt", "bad/picture.txt"]
    );
    // Legacy Windows-1252 text is decoded, not skipped.
    let r = search(&f, &["françois"]);
    assert_eq!(r["hits"][0]["snippet"], "François opened a café in “Paris”.");
}

#[test]
fn search_json_follows_the_contract_and_highlights_query_terms() {
    let f = fixture();
    let r = search(&f, &["crude oil"]);
    assert_eq!(r["query"], "crude oil");
    assert!(r["took_ms"].as_f64().unwrap() >= 0.0);
    let hits = r["hits"].as_array().unwrap();
    assert_eq!(r["total"], 4, "{r:#}");
    assert_eq!(hits.len(), 4);
    for hit in hits {
        for key in [
            "id",
            "path",
            "title",
            "date",
            "score",
            "snippet",
            "highlights",
            "entities",
        ] {
            assert!(hit.get(key).is_some(), "hit lacks {key}: {hit:#}");
        }
        let snippet = hit["snippet"].as_str().unwrap();
        let highlights = hit["highlights"].as_array().unwrap();
        assert!(!highlights.is_empty(), "no highlight in {snippet:?}");
        for h in highlights {
            let (a, b) = (h[0].as_u64().unwrap() as usize, h[1].as_u64().unwrap() as usize);
            let word = snippet[a..b].to_lowercase();
            assert!(
                word.starts_with("crude") || word.starts_with("oil"),
                "highlight {word:?} in {snippet:?}"
            );
        }
    }
    // The hidden directory is never read.
    assert!(hits
        .iter()
        .all(|h| !h["path"].as_str().unwrap().contains("hidden")));
    for key in ["person", "org", "place", "source", "dates"] {
        assert!(r["facets"][key].is_array(), "facets lack {key}");
    }
    assert_eq!(r["facets"]["interval"], "month");
    let months: Vec<(String, u64)> = r["facets"]["dates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["value"].as_str().unwrap().to_string(),
                m["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(months, [("1987-03".to_string(), 2), ("1987-04".to_string(), 1)]);
}

#[test]
fn stemming_and_phrases() {
    let f = fixture();
    let r = search(&f, &["missiles"]);
    assert_eq!(r["total"], 1);
    assert_eq!(search(&f, &["\"crude oil prices\""])["total"], 1);
    assert_eq!(search(&f, &["\"oil crude\""])["total"], 0);
}

#[test]
fn date_filters_are_inclusive_and_sort_by_date_is_newest_first() {
    let f = fixture();
    let r = search(
        &f,
        &[
            "crude",
            "--since",
            "1987-03-02",
            "--until",
            "1987-03-20",
            "--sort",
            "date",
        ],
    );
    assert_eq!(dates(&r), ["1987-03-20", "1987-03-02"]);
    assert_eq!(r["total"], 2);
    let all = search(&f, &["*", "--sort", "date", "--limit", "20"]);
    let d = dates(&all);
    assert_eq!(d.last().unwrap(), "null", "undated articles sort last: {d:?}");
    let dated: Vec<&String> = d.iter().filter(|x| *x != "null").collect();
    assert!(dated.windows(2).all(|w| w[0] >= w[1]), "{d:?}");
    // Undated articles only drop out of date-filtered searches.
    assert_eq!(search(&f, &["essay"])["total"], 1);
    assert_eq!(search(&f, &["essay", "--since", "1900-01-01"])["total"], 0);
}

#[test]
fn seed_article_entities_in_hit_and_facets() {
    let f = fixture();
    let r = search(&f, &["ballistic missile"]);
    let hit = &r["hits"][0];
    assert_eq!(hit["date"], "2023-09-13");
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| {
                x.as_str()
                    .unwrap_or_else(|| x["value"].as_str().unwrap())
                    .to_string()
            })
            .collect()
    };
    for (kind, expected) in [
        ("person", &["Kim Jong Un", "Vladimir Putin"][..]),
        ("place", &["North Korea", "Russia", "Japan"][..]),
        ("org", &["Reuters", "Korean Central News Agency"][..]),
    ] {
        let in_hit = names(&hit["entities"][kind]);
        let in_facets = names(&r["facets"][kind]);
        for name in expected {
            assert!(
                in_hit.iter().any(|n| n == name),
                "{name} missing from hit {kind}: {in_hit:?}"
            );
            assert!(
                in_facets.iter().any(|n| n == name),
                "{name} missing from {kind} facet: {in_facets:?}"
            );
        }
    }
}

#[test]
fn entity_filters_match_canonical_names_in_any_case() {
    let f = fixture();
    assert_eq!(search(&f, &["*", "--person", "kim jong un"])["total"], 1);
    assert_eq!(
        search(&f, &["*", "--person", "Vladimir Putin", "--place", "Japan"])["total"],
        1
    );
    // A name the index does not know is an error, not a silent empty result.
    let out = newsdex(&[
        "search",
        "--index",
        &f.index,
        "*",
        "--person",
        "Vladimir Putin",
        "--place",
        "Texas",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no place named \"Texas\""),
        "{}",
        stderr(&out)
    );
    assert_eq!(search(&f, &["person:\"Kim Jong Un\""])["total"], 1);
    assert_eq!(search(&f, &["crude", "--org", "OPEC"])["total"], 1);
}

#[test]
fn filters_narrow_results_without_changing_scores() {
    let f = fixture();
    let plain = search(&f, &["oil"]);
    let filtered = search(&f, &["oil", "--since", "1987-03-20", "--place", "London"]);
    assert_eq!(filtered["total"], 1);
    let id = &filtered["hits"][0]["id"];
    let same = plain["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| &h["id"] == id)
        .unwrap();
    assert_eq!(same["score"], filtered["hits"][0]["score"]);
}

#[test]
fn paging_with_limit_and_offset() {
    let f = fixture();
    let all = each_str(&search(&f, &["oil", "--limit", "10"])["hits"], "id");
    let second = each_str(
        &search(&f, &["oil", "--limit", "2", "--offset", "2"])["hits"],
        "id",
    );
    assert_eq!(second, all[2..4]);
}

#[test]
fn stats_reports_counts_and_date_range() {
    let f = fixture();
    let s = newsdex_json(&["stats", "--json", "--index", &f.index]);
    assert_eq!(s["articles"], 7);
    assert_eq!(s["undated"], 2);
    assert_eq!(s["first_date"], "1987-03-02");
    assert_eq!(s["last_date"], "2023-09-13");
    assert!(s["index_bytes"].as_u64().unwrap() > 0);
    let text = newsdex(&["stats", "--index", &f.index]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("1987-03-02 … 2023-09-13"));
}

#[test]
fn reindexing_replaces_the_previous_contents() {
    let f = fixture();
    let other = corpus(&[(
        "one.txt",
        b" date 2020-01-01 Only article\n\nNothing about oil here.",
    )]);
    newsdex_json(&[
        "index",
        other.path().to_str().unwrap(),
        "--index",
        &f.index,
        "--json",
    ]);
    let r = search(&f, &["*"]);
    assert_eq!(r["total"], 1);
    assert_eq!(r["hits"][0]["id"], "one.txt");
}

#[test]
fn text_output_shows_ranked_hits_with_snippets_and_facets() {
    let f = fixture();
    let out = newsdex(&["search", "crude oil", "--index", &f.index]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("4 articles match \"crude oil\""), "{text}");
    assert!(text.contains("  1. "), "{text}");
    assert!(text.contains("Months: 1987-03 (2), 1987-04 (1)"), "{text}");
    assert!(
        !text.contains('\x1b'),
        "no colour when not asked and not a terminal"
    );
    let coloured = newsdex(&["search", "crude oil", "--index", &f.index, "--color", "always"]);
    assert!(String::from_utf8_lossy(&coloured.stdout).contains("\x1b[1;33m"));
}

#[test]
fn user_errors_exit_2_with_a_clear_message() {
    let f = fixture();
    let bad_date = newsdex(&["search", "oil", "--index", &f.index, "--since", "March"]);
    assert_eq!(bad_date.status.code(), Some(2));
    assert!(stderr(&bad_date).contains("--since"), "{}", stderr(&bad_date));
    let reversed = newsdex(&[
        "search",
        "oil",
        "--index",
        &f.index,
        "--since",
        "1988-01-01",
        "--until",
        "1987-01-01",
    ]);
    assert_eq!(reversed.status.code(), Some(2));
    let bad_query = newsdex(&["search", "title:(oil", "--index", &f.index]);
    assert_eq!(bad_query.status.code(), Some(2), "{}", stderr(&bad_query));
    assert!(
        stderr(&bad_query).contains("invalid query"),
        "{}",
        stderr(&bad_query)
    );
    let bad_field = newsdex(&["search", "nosuchfield:oil", "--index", &f.index]);
    assert_eq!(bad_field.status.code(), Some(2));
}

#[test]
fn missing_index_and_corpus_exit_1_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let out = newsdex(&["search", "oil", "--index", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("nope"), "{}", stderr(&out));
    let out = newsdex(&[
        "index",
        missing.to_str().unwrap(),
        "--index",
        dir.path().join("i").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot read corpus"), "{}", stderr(&out));
}

#[test]
fn search_builds_the_default_index_from_the_default_corpus() {
    let dir = fixture_corpus();
    let work = tempfile::tempdir().unwrap();
    std::fs::rename(dir.path(), work.path().join("corpus")).unwrap();
    let out = newsdex_in(work.path(), &["search", "crude oil"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("building it from ./corpus"),
        "{}",
        stderr(&out)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("4 articles match"));
    assert!(work.path().join("index/meta.json").is_file());
    // The second run uses the index it built.
    let again = newsdex_in(work.path(), &["search", "crude oil"]);
    assert!(!stderr(&again).contains("building"), "{}", stderr(&again));
}

#[test]
fn tag_prints_entities_with_spans_and_conll_columns() {
    let seed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/000_6e74873c9db6a563.txt");
    let v = newsdex_json(&["tag", seed.to_str().unwrap()]);
    let text = std::fs::read_to_string(&seed).unwrap();
    for name in ["Kim Jong Un", "Vladimir Putin", "Hirokazu Matsuno"] {
        assert!(
            v["entities"]["person"]
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n == name),
            "{name}: {v:#}"
        );
    }
    for m in v["mentions"].as_array().unwrap() {
        let (a, b) = (
            m["start"].as_u64().unwrap() as usize,
            m["end"].as_u64().unwrap() as usize,
        );
        assert!(
            a < b && text.is_char_boundary(a) && text.is_char_boundary(b),
            "{m}"
        );
    }
    let c = corpus(&[(
        "mini.conll",
        b"-DOCSTART- O\n\nPeter I-PER\nBlackburn I-PER\nvisited O\nLondon I-LOC\n. O\n",
    )]);
    let out = newsdex(&["tag", "--conll", c.path().join("mini.conll").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(lines[0], "Peter B-PER B-PER");
    assert_eq!(lines[1], "Blackburn I-PER I-PER");
    assert_eq!(lines[3], "London B-LOC B-LOC");
}
