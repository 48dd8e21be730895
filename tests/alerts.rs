//! Saved searches and alerts through the binary: `index --alerts --json`
//! reports exactly the articles each run added or changed that match each
//! saved search; a run killed with SIGKILL after its first commit reports
//! at the next run; nothing is reported twice; a rebuild reports nothing.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{newsdex, stderr};
use serde_json::Value;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// The alerts of an `index --alerts --json` run: search name -> (total, ids).
fn alerts_of(out: &std::process::Output) -> Vec<(String, u64, BTreeSet<String>)> {
    assert!(out.status.success(), "{}", stderr(out));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v.get("name").is_some())
        .map(|v| {
            let ids = common::each_str(&v["hits"], "id").into_iter().collect();
            (
                v["name"].as_str().unwrap().to_string(),
                v["total"].as_u64().unwrap(),
                ids,
            )
        })
        .collect()
}

fn set(ids: &[String]) -> BTreeSet<String> {
    ids.iter().cloned().collect()
}

/// The run number of the index's last commit, from tantivy's meta.json.
fn committed_run(index: &Path) -> u64 {
    let Ok(text) = std::fs::read_to_string(index.join("meta.json")) else {
        return 0;
    };
    let meta: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    meta["payload"]
        .as_str()
        .and_then(|p| serde_json::from_str::<Value>(p).ok())
        .and_then(|p| p["run"].as_u64())
        .unwrap_or(0)
}

#[test]
fn index_alerts_report_each_new_match_once_even_across_a_killed_run() {
    let corpus = tempfile::tempdir().unwrap();
    let c = corpus.path();
    for i in 0..20 {
        write(
            c,
            &format!("old-oil-{i}.txt"),
            &format!("Oil {i}\n\nCrude oil traded in Vienna, story {i}."),
        );
        write(
            c,
            &format!("old-grain-{i}.txt"),
            &format!("Grain {i}\n\nWheat harvest report {i}."),
        );
    }
    let index = tempfile::tempdir().unwrap();
    let idx = index.path().to_str().unwrap();
    let corpus_s = c.to_str().unwrap();
    let index_alerts = [
        "index",
        corpus_s,
        "--index",
        idx,
        "--entities",
        "none",
        "--alerts",
        "--json",
    ];
    let run = |extra: &[&str]| {
        let mut args = index_alerts.to_vec();
        args.extend(extra);
        newsdex(&args)
    };
    assert!(alerts_of(&run(&[])).is_empty(), "no saved search, no alert");
    for (name, query) in [("oil", "crude oil"), ("wheat", "wheat")] {
        let out = newsdex(&["saved", "add", name, query, "--index", idx]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert!(
        alerts_of(&run(&[])).is_empty(),
        "what the index held when saved is not news"
    );

    // New, changed and unrelated files.
    let mut new_oil = Vec::new();
    for i in 0..5 {
        write(
            c,
            &format!("new-oil-{i}.txt"),
            &format!("Oil news {i}\n\nCrude oil rose, report {i}."),
        );
        new_oil.push(format!("new-oil-{i}.txt"));
    }
    write(c, "old-grain-3.txt", "Grain 3\n\nWheat prices doubled this week.");
    write(
        c,
        "old-grain-4.txt",
        "Grain 4\n\nWheat exports fell; crude oil costs rose.",
    );
    write(c, "other.txt", "Football\n\nThe match ended in a draw.");
    new_oil.push("old-grain-4.txt".into());
    let got = alerts_of(&run(&[]));
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0], ("oil".into(), 6, set(&new_oil)));
    assert_eq!(
        got[1],
        (
            "wheat".into(),
            2,
            set(&["old-grain-3.txt".into(), "old-grain-4.txt".into()])
        )
    );
    assert!(alerts_of(&run(&[])).is_empty(), "nothing is reported twice");

    // A rebuild and a touched file bring nothing new.
    assert!(
        alerts_of(&run(&["--full"])).is_empty(),
        "a rebuild keeps each file's run"
    );
    let f = std::fs::File::options()
        .append(true)
        .open(c.join("old-oil-1.txt"))
        .unwrap();
    f.set_modified(std::time::SystemTime::now() + Duration::from_secs(5))
        .unwrap();
    drop(f);
    assert!(alerts_of(&run(&[])).is_empty(), "same bytes, new mtime: not news");

    // A run killed after its first commit: its matches come with the next.
    let before = committed_run(index.path());
    for i in 0..200 {
        write(
            c,
            &format!("burst-{i:03}.txt"),
            &format!("Burst {i}\n\nCrude oil spiked, burst {i}."),
        );
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_newsdex"))
        .args(index_alerts)
        .args(["--commit-every", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while committed_run(index.path()) == before {
        assert!(Instant::now() < deadline, "the run never committed");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    let killed = child.wait_with_output().unwrap();
    let printed = String::from_utf8_lossy(&killed.stdout).into_owned();
    assert!(
        !printed.contains("\"name\""),
        "the killed run reported nothing: {printed}"
    );

    let got = alerts_of(&run(&[]));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        (got[0].0.as_str(), got[0].1),
        ("oil", 200),
        "every burst article, once"
    );
    assert!(got[0].2.iter().all(|id| id.starts_with("burst-")));
    assert!(alerts_of(&run(&[])).is_empty(), "and not again");

    // `alerts` lists without marking; --since-run looks further back.
    let out = newsdex(&[
        "alerts",
        "--index",
        idx,
        "--json",
        "--since-run",
        &before.to_string(),
    ]);
    let listed: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["total"], 200);

    // stats names the run that --since-run counts from, and the corpus.
    let stats = common::newsdex_json(&["stats", "--index", idx, "--json"]);
    assert_eq!(stats["last_run"], committed_run(index.path()));
    assert_eq!(stats["corpus"], c.canonicalize().unwrap().to_str().unwrap());
    assert!(stats["updated"].as_str().unwrap().ends_with("UTC"));
}

#[test]
fn the_alert_command_gets_each_alert_and_a_failing_one_leaves_them_unreported() {
    let corpus = tempfile::tempdir().unwrap();
    let c = corpus.path();
    write(c, "a.txt", "Oil\n\nCrude oil fell.");
    let index = tempfile::tempdir().unwrap();
    let idx = index.path().to_str().unwrap();
    let corpus_s = c.to_str().unwrap();
    assert!(newsdex(&["index", corpus_s, "--index", idx]).status.success());
    assert!(newsdex(&["saved", "add", "oil", "oil", "--index", idx])
        .status
        .success());
    write(c, "b.txt", "More oil\n\nOil rose.");

    let fail = newsdex(&[
        "index",
        corpus_s,
        "--index",
        idx,
        "--alerts",
        "--alert-cmd",
        "exit 3",
    ]);
    assert_eq!(fail.status.code(), Some(1));
    assert!(stderr(&fail).contains("stay unreported"), "{}", stderr(&fail));

    let out_dir = tempfile::tempdir().unwrap();
    let cmd = format!("cat > '{}'/\"$NEWSDEX_SEARCH\".json", out_dir.path().display());
    let ok = newsdex(&["index", corpus_s, "--index", idx, "--alerts", "--alert-cmd", &cmd]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let sent: Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.path().join("oil.json")).unwrap()).unwrap();
    assert_eq!(sent["total"], 1);
    assert_eq!(sent["hits"][0]["id"], "b.txt");

    // The saved searches are listed, run, and removed.
    let list = common::newsdex_json(&["saved", "list", "--index", idx, "--json"]);
    assert_eq!(list[0]["name"], "oil");
    let r = common::newsdex_json(&["saved", "run", "oil", "--index", idx, "--json"]);
    assert_eq!(r["total"], 2);
    assert!(newsdex(&["saved", "rm", "oil", "--index", idx]).status.success());
    assert_eq!(
        newsdex(&["saved", "rm", "oil", "--index", idx]).status.code(),
        Some(2)
    );
    let bad = newsdex(&["saved", "add", "no/slash", "x", "--index", idx]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("is not a name"), "{}", stderr(&bad));
}
