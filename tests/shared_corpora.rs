//! Acceptance checks on the real Reuters-21578 corpus in `../shared`. They
//! print a notice and pass when `../shared` is absent (a user's clone).

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

/// Expected figures computed from the files themselves: the number with any
/// text after the date header, and the first and last dates.
fn expected(txt: &Path) -> (u64, String, String) {
    let mut with_text = 0;
    let mut dates: Vec<String> = Vec::new();
    for entry in walkdir::WalkDir::new(txt) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() || entry.path().extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let rest = text.trim_start().strip_prefix("date ").unwrap_or(&text);
        if let Some(d) = rest.get(..10) {
            dates.push(d.to_string());
        }
        if !rest.get(10..).unwrap_or("").trim().is_empty() {
            with_text += 1;
        }
    }
    dates.sort();
    (with_text, dates[0].clone(), dates.last().unwrap().clone())
}

#[test]
fn reuters21578_index_search_filters_and_stats() {
    let Some(shared) = shared_dir("reuters21578_index_search_filters_and_stats") else {
        return;
    };
    let txt = shared.join("corpora/reuters21578/txt");
    let (with_text, first, last) = expected(&txt);
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("r");
    let index = index.to_str().unwrap();

    let summary = newsdex_json(&["index", txt.to_str().unwrap(), "--index", index, "--json"]);
    assert_eq!(summary["articles"].as_u64().unwrap(), with_text, "{summary:#}");

    let stats = newsdex_json(&["stats", "--json", "--index", index]);
    assert_eq!(stats["articles"].as_u64().unwrap(), with_text);
    assert_eq!(stats["first_date"].as_str().unwrap(), first);
    assert_eq!(stats["last_date"].as_str().unwrap(), last);

    let r = newsdex_json(&["search", "crude oil", "--json", "--index", index]);
    let hits = r["hits"].as_array().unwrap();
    assert!(
        r["total"].as_u64().unwrap() >= 10 && hits.len() == 10,
        "{}",
        r["total"]
    );
    for hit in hits {
        let snippet = hit["snippet"].as_str().unwrap();
        let hl = hit["highlights"].as_array().unwrap();
        assert!(!hl.is_empty(), "no highlight: {snippet:?}");
        for h in hl {
            let word =
                snippet[h[0].as_u64().unwrap() as usize..h[1].as_u64().unwrap() as usize].to_lowercase();
            assert!(
                word.starts_with("crude") || word.starts_with("oil"),
                "{word:?} in {snippet:?}"
            );
        }
    }

    let march = newsdex_json(&[
        "search",
        "crude oil",
        "--json",
        "--index",
        index,
        "--since",
        "1987-03-01",
        "--until",
        "1987-03-31",
        "--sort",
        "date",
        "--limit",
        "100",
    ]);
    let dates = each_str(&march["hits"], "date");
    assert!(dates.len() >= 10);
    assert!(dates.iter().all(|d| d.starts_with("1987-03-")), "{dates:?}");
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "not newest first: {dates:?}"
    );
    let months: Vec<&Value> = march["facets"]["dates"].as_array().unwrap().iter().collect();
    assert_eq!(months.len(), 1);
    assert_eq!(months[0]["value"], "1987-03");
    assert_eq!(months[0]["count"], march["total"]);

    // Every article matches "*": its names are sampled unless asked for
    // exact counts, which then equal the corpus statistics. The sample reads
    // 1,024 of 21,577 articles, so a name in 100 of them is seen about five
    // times and its estimate is off by 40% or more: only clear leaders (at
    // least three times the count of the sixth name) must stay in the
    // sampled top five. At twice, a name in 157 articles against a sixth in
    // 62 dropped out of a CI run, and a simulation of the sample drops it in
    // about one run in seven. The top person and place are leaders at three
    // times in this corpus; organisations, one name each (the SEC, the
    // Treasury, Congress), have none.
    let mut led = Vec::new();
    let all = newsdex_json(&["search", "*", "--json", "--index", index]);
    assert_eq!(all["facets"]["estimated"], true);
    let exact = newsdex_json(&["search", "*", "--json", "--exact-facets", "--index", index]);
    assert_eq!(exact["facets"]["estimated"], false);
    for kind in ["person", "org", "place"] {
        assert_eq!(exact["facets"][kind], stats["top"][kind], "{kind}");
        let names = |v: &Value| each_str(&v["facets"][kind], "value");
        let counts: Vec<u64> = exact["facets"][kind]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["count"].as_u64().unwrap())
            .collect();
        let (sampled, exact) = (names(&all), names(&exact));
        let leaders: Vec<&String> = exact
            .iter()
            .zip(&counts)
            .filter(|(_, &c)| c >= 3 * counts[5])
            .map(|(n, _)| n)
            .collect();
        if !leaders.is_empty() {
            led.push(kind);
        }
        for leader in leaders {
            assert!(
                sampled[..5].contains(leader),
                "{kind}: {leader} not in the sampled top 5 {sampled:?}"
            );
        }
    }
    assert!(
        led.contains(&"person") && led.contains(&"place"),
        "no clear leaders: {led:?}"
    );
}

#[test]
fn shared_seed_article_shows_its_entities() {
    let Some(shared) = shared_dir("shared_seed_article_shows_its_entities") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("s");
    let index = index.to_str().unwrap();
    newsdex_json(&[
        "index",
        shared.join("seed").to_str().unwrap(),
        "--index",
        index,
        "--json",
    ]);
    let r = newsdex_json(&["search", "ballistic missile", "--json", "--index", index]);
    let hit = &r["hits"][0];
    let has = |v: &Value, name: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .any(|x| x == name || x["value"] == name)
    };
    for (kind, names) in [
        ("person", &["Kim Jong Un", "Vladimir Putin"][..]),
        ("place", &["North Korea", "Russia", "Japan"][..]),
        ("org", &["Reuters", "Korean Central News Agency"][..]),
    ] {
        for name in names {
            assert!(
                has(&hit["entities"][kind], name),
                "{name} not in hit {kind}: {}",
                hit["entities"]
            );
            assert!(
                has(&r["facets"][kind], name),
                "{name} not in {kind} facet: {}",
                r["facets"]
            );
        }
    }
}

/// The shipped tagger on CoNLL-2003's development set (`eng.testa`), scored
/// from `newsdex tag --conll`'s columns the way conlleval scores them. The
/// floor sits under the measured 0.919: losing the clusters, the history or
/// the gazetteer from the model costs more than that margin (0.887 without
/// all three). `eng.testb` stays out of the tests: it is for the reported
/// figure only.
#[test]
fn tagger_scores_on_conll_testa() {
    use newsdex::entities::train::{evaluate, read_conll};
    let Some(shared) = shared_dir("tagger_scores_on_conll_testa") else {
        return;
    };
    let testa = shared.join("corpora/conll2003/eng.testa");
    let out = newsdex(&["tag", "--conll", testa.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = String::from_utf8(out.stdout).unwrap();
    let column = |k: usize| -> String {
        out.lines()
            .map(|l| {
                let cols: Vec<&str> = l.split(' ').collect();
                if cols.len() == 3 {
                    format!("{} {}\n", cols[0], cols[k])
                } else {
                    "\n".to_string()
                }
            })
            .collect()
    };
    let tags = |k| {
        read_conll(&column(k))
            .into_iter()
            .map(|s| s.tags)
            .collect::<Vec<_>>()
    };
    let (gold, pred) = (tags(1), tags(2));
    assert_eq!(gold.len(), pred.len());
    assert!(gold.len() > 3000, "{} sentences", gold.len());
    let (p, r, f) = evaluate(&gold, &pred).micro(&["PER", "ORG", "LOC"]);
    println!("testa PER+ORG+LOC: P {p:.4} R {r:.4} F1 {f:.4}");
    assert!(f >= 0.91 && p >= 0.90, "P {p:.4} R {r:.4} F1 {f:.4}");
}
