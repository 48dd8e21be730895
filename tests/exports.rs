//! Exports, feeds and batch search through the binary and the server:
//! - every match of a 20,000-match search streams as CSV and as JSON lines
//!   in bounded memory, and Python's csv module and pandas load them with
//!   the right rows and columns;
//! - the Atom feeds parse with feedparser as Atom 1.0 and their links open
//!   article pages;
//! - `batch` counts equal `search --person NAME`;
//! - the OpenSearch bulk export and template of the bundled corpus equal
//!   the golden files, and every mapped field is in every document.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{newsdex, newsdex_json, stderr};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_newsdex");

fn run_python(python: &Path, script: &str, args: &[&str]) -> String {
    let out = Command::new(python)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "python failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn index_of(corpus: &Path, extra: &[&str]) -> tempfile::TempDir {
    let index = tempfile::tempdir().unwrap();
    let mut args = vec![
        "index",
        corpus.to_str().unwrap(),
        "--index",
        index.path().to_str().unwrap(),
    ];
    args.extend(extra);
    let out = newsdex(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    index
}

/// Runs the export under Python, which measures the process's peak memory
/// and loads the file with csv and pandas.
const LOAD: &str = r#"
import csv, json, resource, subprocess, sys
import pandas as pd
binary, index, fmt, out = sys.argv[1:5]
with open(out, "wb") as f:
    subprocess.run([binary, "search", "*", "--index", index, "--format", fmt], stdout=f, check=True)
peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
if fmt == "csv":
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    frame = pd.read_csv(out, keep_default_na=False)
    print(json.dumps({"peak_mb": peak_mb, "rows": len(body), "columns": len(header),
                      "widths": sorted({len(r) for r in body}), "shape": list(frame.shape)}))
else:
    with open(out, encoding="utf-8") as f:
        lines = [json.loads(l) for l in f]
    frame = pd.read_json(out, lines=True)
    print(json.dumps({"peak_mb": peak_mb, "rows": len(lines), "columns": len(lines[0]),
                      "widths": sorted({len(l) for l in lines}), "shape": list(frame.shape)}))
"#;

#[test]
fn a_20000_match_export_streams_in_bounded_memory_and_loads_in_pandas() {
    let Some(shared) = common::shared_dir("export memory test") else {
        return;
    };
    let Some(python) = common::python("export memory test") else {
        return;
    };
    let index = index_of(&shared.join("corpora/reuters21578/txt"), &["--entities", "none"]);
    let idx = index.path().to_str().unwrap();
    let total = newsdex_json(&["search", "*", "--index", idx, "--json", "--limit", "1"])["total"]
        .as_u64()
        .unwrap();
    assert!(total >= 20_000, "{total} articles");
    let dir = tempfile::tempdir().unwrap();
    for fmt in ["csv", "jsonl"] {
        let file = dir.path().join(format!("all.{fmt}"));
        let got: Value = serde_json::from_str(&run_python(
            &python,
            LOAD,
            &[BIN, idx, fmt, file.to_str().unwrap()],
        ))
        .unwrap();
        eprintln!("{fmt}: {got}");
        assert_eq!(
            got["rows"].as_u64(),
            Some(total),
            "{fmt}: every match, not a page"
        );
        assert_eq!(got["columns"], 12, "{fmt}");
        assert_eq!(got["widths"], serde_json::json!([12]), "{fmt}: every row whole");
        assert_eq!(
            got["shape"],
            serde_json::json!([total, 12]),
            "{fmt}: pandas reads it"
        );
        let peak = got["peak_mb"].as_f64().unwrap();
        assert!(peak < 100.0, "{fmt}: the export peaked at {peak:.0} MB");
    }
}

const FEEDS: &str = r#"
import json, sys, urllib.request
import feedparser
out = []
for url in sys.argv[1:]:
    body = urllib.request.urlopen(url).read()
    d = feedparser.parse(body)
    entries = []
    for e in d.entries:
        page = urllib.request.urlopen(e.link)
        entries.append({"link": e.link, "status": page.status, "page": "id=\"reader\"" in page.read().decode(),
                        "id": e.get("id"), "title": e.get("title"), "updated": e.get("updated"),
                        "tags": [t.term for t in e.get("tags", [])]})
    out.append({"url": url, "version": d.version, "bozo": int(bool(d.bozo)), "title": d.feed.get("title"),
                "id": d.feed.get("id"), "updated": d.feed.get("updated"), "entries": entries})
print(json.dumps(out))
"#;

#[test]
fn feeds_parse_as_atom_and_their_links_open_article_pages() {
    let Some(python) = common::python("feed test") else {
        return;
    };
    let corpus = common::fixture_corpus();
    let index = index_of(corpus.path(), &[]);
    let served = common::serve(index.path(), &[]);
    let _kill = Kill(served.child);
    let base = format!("http://{}", served.addr);
    let saved = newsdex(&[
        "saved",
        "add",
        "crude",
        "crude",
        "--index",
        index.path().to_str().unwrap(),
    ]);
    assert!(saved.status.success(), "{}", stderr(&saved));
    let urls = [
        format!("{base}/feeds/search.atom?q=crude+oil"),
        format!("{base}/feeds/search.atom?q=*&place=Vienna"),
        format!("{base}/feeds/saved/crude.atom"),
    ];
    let args: Vec<&str> = urls.iter().map(String::as_str).collect();
    let feeds: Value = serde_json::from_str(&run_python(&python, FEEDS, &args)).unwrap();
    for f in feeds.as_array().unwrap() {
        assert_eq!(f["version"], "atom10", "{f}");
        assert_eq!(f["bozo"], 0, "well-formed: {f}");
        for key in ["title", "id", "updated"] {
            assert!(f[key].is_string(), "the feed's {key}: {f}");
        }
        let entries = f["entries"].as_array().unwrap();
        assert!(!entries.is_empty(), "{f}");
        for e in entries {
            assert_eq!(e["status"], 200, "{e}");
            assert_eq!(e["page"], true, "the link opens an article page: {e}");
            assert!(e["link"].as_str().unwrap().contains("/articles/"), "{e}");
            for key in ["id", "title", "updated"] {
                assert!(e[key].is_string(), "an entry's {key}: {e}");
            }
        }
    }
    let vienna = &feeds[1]["entries"];
    assert!(vienna.as_array().unwrap().iter().all(|e| e["tags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t == "Vienna")));

    // The page saves searches; a read-only server refuses to.
    let list = run_python(
        &python,
        "import sys, urllib.request; print(urllib.request.urlopen(urllib.request.Request(sys.argv[1], method='POST')).read().decode())",
        &[&format!("{base}/api/saved?name=opec&q=opec")],
    );
    let list: Value = serde_json::from_str(&list).unwrap();
    let names: BTreeSet<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, BTreeSet::from(["crude", "opec"]));
    let read_only = common::serve(index.path(), &["--read-only"]);
    let _kill2 = Kill(read_only.child);
    let refused = run_python(
        &python,
        "import sys, urllib.request, urllib.error\ntry:\n    urllib.request.urlopen(urllib.request.Request(sys.argv[1], method='POST'))\nexcept urllib.error.HTTPError as e:\n    print(e.code)",
        &[&format!("http://{}/api/saved?name=x&q=y", read_only.addr)],
    );
    assert_eq!(refused, "403");
}

struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn batch_counts_equal_search_for_each_name() {
    let Some(shared) = common::shared_dir("batch test") else {
        return;
    };
    let corpus = common::reuters_sample(&shared, 8);
    let index = index_of(corpus.path(), &[]);
    let idx = index.path().to_str().unwrap();
    let people = newsdex_json(&[
        "entities", "*", "--index", idx, "--type", "person", "--limit", "100", "--json",
    ]);
    let names: Vec<String> = common::each_str(&people["entities"], "name");
    assert!(names.len() >= 50, "{} names", names.len());
    let file = corpus.path().join("names.txt");
    std::fs::write(&file, format!("# people\n{}\n\noil prices\n", names.join("\n"))).unwrap();
    let rows = newsdex_json(&[
        "batch",
        file.to_str().unwrap(),
        "--index",
        idx,
        "--format",
        "json",
    ]);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), names.len() + 1);
    for (row, name) in rows.iter().zip(&names) {
        assert_eq!(row["line"], name.as_str());
        let search = newsdex_json(&[
            "search", "*", "--index", idx, "--person", name, "--json", "--limit", "1",
        ]);
        assert_eq!(row["matches"], search["total"], "{name}: {row}");
        assert_eq!(row["kind"], "person");
        assert!(row["first_date"].as_str().unwrap() <= row["last_date"].as_str().unwrap());
    }
    let last = rows.last().unwrap();
    assert_eq!(
        (last["kind"].as_str(), last["line"].as_str()),
        (Some("query"), Some("oil prices"))
    );
    let csv_out = newsdex(&["batch", file.to_str().unwrap(), "--index", idx]);
    let mut reader = csv::Reader::from_reader(&csv_out.stdout[..]);
    assert_eq!(reader.records().count(), names.len() + 1);
}

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// Compares `got` with a golden file; `NEWSDEX_BLESS=1` rewrites it.
fn assert_golden(name: &str, got: &str) {
    let path = golden(name);
    if std::env::var_os("NEWSDEX_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        got == want,
        "{name} differs from {} (NEWSDEX_BLESS=1 cargo test --test exports rewrites it after a change that is meant)",
        path.display()
    );
}

#[test]
fn the_opensearch_export_of_the_bundled_corpus_matches_its_golden_files() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let index = index_of(&corpus, &[]);
    let idx = index.path().to_str().unwrap();
    let bulk = newsdex(&["export", "--index", idx, "--format", "opensearch"]);
    assert!(bulk.status.success(), "{}", stderr(&bulk));
    // Index order is the order files were read; sorted by id it is stable.
    let text = String::from_utf8(bulk.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len() % 2, 0);
    let mut pairs: Vec<(Value, Value)> = lines
        .chunks(2)
        .map(|p| {
            (
                serde_json::from_str(p[0]).unwrap(),
                serde_json::from_str(p[1]).unwrap(),
            )
        })
        .collect();
    pairs.sort_by(|a, b| a.0["update"]["_id"].as_str().cmp(&b.0["update"]["_id"].as_str()));
    let sorted: String = pairs.iter().map(|(a, d)| format!("{a}\n{d}\n")).collect();
    assert_golden("opensearch-bulk.ndjson", &sorted);

    let mapping = newsdex(&["export", "--mapping", "opensearch"]);
    let mapping_text = String::from_utf8(mapping.stdout).unwrap();
    assert_golden("opensearch-template.json", &mapping_text);
    let mapping: Value = serde_json::from_str(&mapping_text).unwrap();
    let fields: BTreeSet<&String> = mapping["template"]["mappings"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(pairs.len(), 33, "every article of the bundled corpus");
    for (action, doc) in &pairs {
        assert_eq!(action["update"]["_index"], "newsdex");
        assert_eq!(doc["doc_as_upsert"], true);
        let keys: BTreeSet<&String> = doc["doc"].as_object().unwrap().keys().collect();
        assert_eq!(keys, fields, "every mapped field in {}", action["update"]["_id"]);
        assert_eq!(doc["doc"]["id"], action["update"]["_id"]);
    }

    // The whole archive as JSON lines: the same articles, with their groups.
    let jsonl = newsdex(&["export", "--index", idx]);
    let rows: Vec<Value> = String::from_utf8(jsonl.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 33);
    assert!(rows
        .iter()
        .all(|r| r.get("duplicate_group").is_some() && r["entities"].is_object()));
}

#[test]
fn timeline_and_entities_write_csv() {
    let corpus = common::fixture_corpus();
    let index = index_of(corpus.path(), &[]);
    let idx = index.path().to_str().unwrap();
    let out = newsdex(&["timeline", "oil", "--index", idx, "--format", "csv"]);
    let mut r = csv::Reader::from_reader(&out.stdout[..]);
    assert_eq!(
        r.headers().unwrap(),
        vec!["period", "matches", "articles", "share"]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert!(!rows.is_empty());
    for row in &rows {
        let (m, n): (u64, u64) = (row[1].parse().unwrap(), row[2].parse().unwrap());
        assert!(m <= n, "{row:?}");
    }
    let out = newsdex(&[
        "entities",
        "oil",
        "--index",
        idx,
        "--format",
        "csv",
        "--min-count",
        "1",
    ]);
    let mut r = csv::Reader::from_reader(&out.stdout[..]);
    assert_eq!(
        r.headers().unwrap(),
        vec!["type", "name", "matches", "corpus", "score"]
    );
    assert!(r.records().count() > 0);
}
