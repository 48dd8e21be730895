//! A hostile archive, end to end through the binary: links out of the
//! corpus, compressed bombs, dumps of too many articles, damaged text,
//! names that are not UTF-8 or hold escape sequences, leftovers of killed
//! runs, and runs that fail. The large inputs are made here, not committed.

mod common;

use std::io::Write;
use std::path::Path;

use common::*;
use serde_json::Value;

fn index_json(corpus: &Path, index: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "index",
        corpus.to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
        "--json",
        "--entities",
        "none",
    ];
    args.extend(extra);
    newsdex_json(&args)
}

/// `newsdex index` with its summary for people (on stderr), into a new index.
fn index_as_text(corpus: &Path) -> (std::process::Output, tempfile::TempDir) {
    let idx = tempfile::tempdir().unwrap();
    let out = newsdex(&[
        "index",
        corpus.to_str().unwrap(),
        "--index",
        idx.path().join("i").to_str().unwrap(),
        "--entities",
        "none",
    ]);
    (out, idx)
}

fn ids(index: &Path, query: &str) -> Vec<String> {
    let r = newsdex_json(&[
        "search",
        query,
        "--json",
        "--index",
        index.to_str().unwrap(),
        "--limit",
        "50",
    ]);
    let mut ids = each_str(&r["hits"], "id");
    ids.sort();
    ids
}

#[cfg(unix)]
#[test]
fn links_out_of_the_corpus_are_reported_and_not_indexed_unless_asked() {
    let outside = corpus(&[("secret.txt", b"Secret\n\nThe zebrafish password is here.")]);
    let c = corpus(&[("story.txt", b"Story\n\nA zebrafish study in the corpus.")]);
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), c.path().join("passwd.txt")).unwrap();
    std::os::unix::fs::symlink(outside.path(), c.path().join("elsewhere")).unwrap();
    let idx = tempfile::tempdir().unwrap();
    let index = idx.path().join("i");

    let s = index_json(c.path(), &index, &[]);
    assert_eq!(s["skipped_by_reason"]["link_outside"], 2, "{s}");
    assert_eq!(ids(&index, "zebrafish"), ["story.txt"]);
    let reasons: Vec<String> = s["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["path"].to_string())
        .collect();
    assert_eq!(reasons, ["\"elsewhere\"", "\"passwd.txt\""]);

    let s = index_json(c.path(), &index, &["--follow-links"]);
    assert!(s["skipped_by_reason"].get("link_outside").is_none(), "{s}");
    assert_eq!(
        ids(&index, "zebrafish"),
        ["elsewhere/secret.txt", "passwd.txt", "story.txt"]
    );
}

#[test]
fn a_compressed_bomb_and_an_oversized_dump_are_cut_and_the_files_beside_them_indexed() {
    // 40 MB of zeros compress to 40 KB: over a 1 MB cap once inflated.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..40 {
        gz.write_all(&zeros).unwrap();
    }
    let bomb = gz.finish().unwrap();
    let lines: String = (0..30)
        .map(|i| format!("{{\"title\": \"Okapi report {i}\", \"body\": \"Okapi seen {i}.\"}}\n"))
        .collect();
    let c = corpus(&[
        ("zeros.txt.gz", &bomb),
        ("dump.jsonl", lines.as_bytes()),
        ("good.txt", b"Good\n\nAn okapi was seen in the forest."),
    ]);
    let idx = tempfile::tempdir().unwrap();
    let index = idx.path().join("i");
    let s = index_json(
        c.path(),
        &index,
        &["--max-file-mb", "1", "--max-articles-per-file", "10"],
    );
    assert_eq!(s["skipped_by_reason"]["inflates"], 1, "{s}");
    assert_eq!(s["skipped_by_reason"]["too_many_articles"], 1, "{s}");
    assert_eq!(s["articles"], 11, "ten of the dump and the good file: {s}");
    assert!(ids(&index, "forest").contains(&"good.txt".to_string()));
}

#[test]
fn damaged_utf8_is_indexed_and_the_repair_is_reported() {
    let c = corpus(&[(
        "damaged.txt",
        b"Caf\xc3\xa9 owners\n\nThe caf\xc3\xa9 owners of Z\xfcrich met the mayor \xff on Monday.",
    )]);
    let idx = tempfile::tempdir().unwrap();
    let index = idx.path().join("i");
    let s = index_json(c.path(), &index, &[]);
    assert_eq!(s["articles"], 1, "{s}");
    assert_eq!(s["skipped_by_reason"]["invalid_bytes"], 1, "{s}");
    assert_eq!(ids(&index, "mayor"), ["damaged.txt"]);
}

#[cfg(unix)]
#[test]
fn names_differing_only_in_invalid_bytes_are_two_articles_and_a_rerun_changes_nothing() {
    use std::os::unix::ffi::OsStrExt;
    let c = tempfile::tempdir().unwrap();
    for b in [0xE9u8, 0xE8] {
        let name = [b"caf".as_slice(), &[b], b".txt"].concat();
        std::fs::write(
            c.path().join(std::ffi::OsStr::from_bytes(&name)),
            "Cafe\n\nThe walrus cafe opened.",
        )
        .unwrap();
    }
    let idx = tempfile::tempdir().unwrap();
    let index = idx.path().join("i");
    let s = index_json(c.path(), &index, &[]);
    assert_eq!(s["articles"], 2, "{s}");
    assert_eq!(ids(&index, "walrus").len(), 2);
    let again = index_json(c.path(), &index, &[]);
    assert_eq!(
        (again["added"].as_u64(), again["updated"].as_u64()),
        (Some(0), Some(0)),
        "{again}"
    );
    assert_eq!(again["unchanged"], 2);
}

#[test]
fn escape_sequences_in_file_names_do_not_reach_the_terminal() {
    let c = corpus(&[("red\u{1b}[31m.txt", b"   \n")]);
    let (out, _idx) = index_as_text(c.path());
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("skipped red\\u{1b}[31m.txt: "), "{err}");
    assert!(
        !err.contains('\u{1b}'),
        "a raw escape reached the terminal: {err:?}"
    );
}

#[test]
fn leftover_temporary_files_of_a_killed_run_are_removed() {
    let c = corpus(&[("a.txt", b"A\n\nThe tapir story.")]);
    let idx = tempfile::tempdir().unwrap();
    let index = idx.path().join("i");
    index_json(c.path(), &index, &[]);
    std::fs::write(index.join(".tmpAbC123"), b"half a meta.json").unwrap();
    index_json(c.path(), &index, &[]);
    assert!(!index.join(".tmpAbC123").exists());
    assert_eq!(ids(&index, "tapir"), ["a.txt"]);
}

#[test]
fn a_missing_corpus_fails_once_with_a_json_record_and_makes_no_index() {
    let idx = tempfile::tempdir().unwrap();
    let index = idx.path().join("never");
    let missing = idx.path().join("no-such-corpus");
    let out = newsdex(&[
        "index",
        missing.to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!index.exists(), "an index folder was left behind");
    let err = stderr(&out);
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
    let record: Value = serde_json::from_slice(&out.stdout).expect("a JSON error record on stdout");
    assert_eq!(record["exit_code"], 1);
    assert!(
        record["error"].as_str().unwrap().contains("no-such-corpus"),
        "{record}"
    );
}

#[test]
fn a_corpus_of_unsupported_files_says_what_was_ignored() {
    let c = corpus(&[("a.pdf", b"%PDF-1.4"), ("b.pdf", b"%PDF-1.4"), ("c.docx", b"PK")]);
    let (out, _idx) = index_as_text(c.path());
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("3 files ignored as not articles (.docx: 1, .pdf: 2)"),
        "{err}"
    );
    assert!(err.contains("no article files found"), "{err}");
}

#[test]
fn dates_of_any_year_from_1_to_9999_are_stored_and_filtered() {
    let c = corpus(&[
        (
            "old.txt",
            b" date 1500-06-15 Old chronicle\n\nThe king rode to the abbey.",
        ),
        (
            "roman.txt",
            b" date 0005-03-01 Roman note\n\nThe emperor rode to the abbey.",
        ),
        (
            "new.txt",
            b" date 2023-09-13 New story\n\nThe minister rode to the abbey.",
        ),
        (
            "future.txt",
            b" date 2500-01-01 Future story\n\nA probe rode to the abbey.",
        ),
    ]);
    let idx = tempfile::tempdir().unwrap();
    let index = idx.path().join("i");
    index_json(c.path(), &index, &[]);
    let index_s = index.to_str().unwrap();
    let search = |args: &[&str]| {
        let mut a = vec!["search", "abbey", "--json", "--index", index_s, "--sort", "date"];
        a.extend(args);
        let r = newsdex_json(&a);
        each_str(&r["hits"], "date")
    };
    assert_eq!(
        search(&[]),
        ["2500-01-01", "2023-09-13", "1500-06-15", "0005-03-01"]
    );
    assert_eq!(search(&["--until", "9999"]).len(), 4);
    assert_eq!(
        search(&["--since", "0001-01-01", "--until", "1600"]),
        ["1500-06-15", "0005-03-01"]
    );
    let r = newsdex_json(&["search", "date:{1600 TO *}", "--json", "--index", index_s]);
    assert_eq!(r["total"], 2, "{r}");
    let out = newsdex(&["search", "abbey", "--since", "0000", "--index", index_s]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("years 0001 to 9999"), "{}", stderr(&out));
}

/// `setpriv` to run as `nobody`, when this test runs as root (root reads
/// every file, so permissions cannot be denied to it).
#[cfg(unix)]
fn as_nobody() -> Option<Vec<String>> {
    let uid = std::process::Command::new("id").arg("-u").output().ok()?;
    let root = String::from_utf8_lossy(&uid.stdout).trim() == "0";
    let setpriv = std::process::Command::new("setpriv")
        .arg("--version")
        .output()
        .ok()?;
    (root && setpriv.status.success()).then(|| {
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            .map(String::from)
            .to_vec()
    })
}

#[cfg(unix)]
#[test]
fn permission_denied_deletes_nothing_and_is_retried_once_readable() {
    use std::os::unix::fs::PermissionsExt;
    let Some(prefix) = as_nobody() else {
        eprintln!("skipped: needs root and setpriv to deny a file to a run");
        return;
    };
    let mode = |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    let top = tempfile::tempdir().unwrap();
    mode(top.path(), 0o777);
    let c = top.path().join("corpus");
    for (rel, text) in [
        ("a.txt", "A\n\nThe okapi story."),
        ("sub/b.txt", "B\n\nThe zebra story."),
        ("c.txt", "C\n\nThe tapir story."),
    ] {
        let p = c.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
    }
    for dir in [c.clone(), c.join("sub")] {
        mode(&dir, 0o777);
    }
    let index = top.path().join("index");
    let run = || {
        let bin = env!("CARGO_BIN_EXE_newsdex");
        let out = std::process::Command::new(&prefix[0])
            .args(&prefix[1..])
            .args([
                bin,
                "index",
                c.to_str().unwrap(),
                "--index",
                index.to_str().unwrap(),
                "--json",
            ])
            .args(["--entities", "none"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    // Unreadable from the start: reported, the others indexed.
    mode(&c.join("c.txt"), 0o000);
    let s = run();
    assert_eq!(
        (
            s["articles"].as_u64(),
            s["skipped_by_reason"]["unreadable"].as_u64()
        ),
        (Some(2), Some(1)),
        "{s}"
    );
    // A directory that becomes unreadable keeps its articles.
    mode(&c.join("sub"), 0o000);
    let s = run();
    assert_eq!(s["articles"], 2, "a transient error deleted articles: {s}");
    assert_eq!(s["removed"], 0, "{s}");
    // Readable again, with size and mtime unchanged: read this time.
    mode(&c.join("sub"), 0o777);
    mode(&c.join("c.txt"), 0o644);
    let s = run();
    assert_eq!(s["articles"], 3, "{s}");
    assert!(s["skipped_by_reason"].get("unreadable").is_none(), "{s}");
    assert_eq!(ids(&index, "story"), ["a.txt", "c.txt", "sub/b.txt"]);
}
