//! Scheduled reindexing: incremental runs match full builds, interrupted runs
//! converge, concurrent writers are refused, searches keep working, and
//! `--watch` picks up changes.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use newsdex::{index_corpus, Article, IndexOptions, NewsIndex, NoProgress};

fn options(full: bool) -> IndexOptions {
    IndexOptions {
        full,
        ..IndexOptions::default()
    }
}

/// Articles of an index, by id.
fn articles(index: &Path) -> Vec<Article> {
    NewsIndex::open(index).unwrap().articles().unwrap()
}

/// Asserts that the index at `index` holds exactly what a full build of
/// `corpus` holds: same ids, same content.
fn assert_matches_full_build(corpus: &Path, index: &Path) {
    let fresh = tempfile::tempdir().unwrap();
    index_corpus(corpus, fresh.path(), &options(true), &NoProgress).unwrap();
    let got = articles(index);
    let want = articles(fresh.path());
    let ids = |a: &[Article]| a.iter().map(|x| x.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&got), ids(&want));
    assert_eq!(got, want);
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Sets a file's mtime so that a rewrite within the same clock tick is still
/// seen as a change.
fn bump_mtime(path: &Path, secs: u64) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000 + secs))
        .unwrap();
}

#[test]
fn add_modify_delete_rename_always_match_a_full_build() {
    let c = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let (corpus, index) = (c.path(), idx.path());
    for i in 0..20 {
        write(
            corpus,
            &format!("2023/a{i}.txt"),
            &format!(
                " date 2023-01-{:02} Story {i}\n\nBody of story {i} about oil.",
                i + 1
            ),
        );
    }
    write(
        corpus,
        "feed.jsonl",
        "{\"title\": \"J1\", \"body\": \"one\"}\n{\"title\": \"J2\", \"body\": \"two\"}",
    );
    let s = index_corpus(corpus, index, &options(false), &NoProgress).unwrap();
    assert_eq!(
        (s.added, s.updated, s.removed, s.unchanged, s.articles),
        (21, 0, 0, 0, 22)
    );
    assert_matches_full_build(corpus, index);

    // Nothing changed: nothing read, and nothing in the index written.
    let listing = |dir: &Path| {
        let mut files: Vec<(String, u64, std::time::SystemTime)> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| {
                let m = e.metadata().unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    m.len(),
                    m.modified().unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    };
    let before = listing(index);
    assert!(before.iter().any(|(name, ..)| name == ".surnames"), "{before:?}");
    std::thread::sleep(Duration::from_millis(20));
    let s = index_corpus(corpus, index, &options(false), &NoProgress).unwrap();
    assert_eq!(
        (s.added, s.updated, s.removed, s.unchanged, s.files, s.commits),
        (0, 0, 0, 21, 0, 0)
    );
    let after: Vec<_> = listing(index)
        .into_iter()
        .filter(|(name, ..)| name != newsdex::LOCK_FILE)
        .collect();
    let before: Vec<_> = before
        .into_iter()
        .filter(|(name, ..)| name != newsdex::LOCK_FILE)
        .collect();
    assert_eq!(after, before, "a no-op run leaves the index's files as they were");
    // ...but saves the surname table of an index that has none (one written
    // by an earlier version).
    std::fs::remove_file(index.join(".surnames")).unwrap();
    let s = index_corpus(corpus, index, &options(false), &NoProgress).unwrap();
    assert_eq!((s.files, s.commits), (0, 0));
    assert!(index.join(".surnames").is_file());

    // Modify one, add one, delete one, rename one, shrink the JSONL file.
    write(
        corpus,
        "2023/a1.txt",
        " date 2023-02-01 Story one, revised\n\nNew body about gas.",
    );
    bump_mtime(&corpus.join("2023/a1.txt"), 1);
    write(
        corpus,
        "2024/new.txt",
        " date 2024-01-01 Brand new\n\nFresh text.",
    );
    std::fs::remove_file(corpus.join("2023/a2.txt")).unwrap();
    std::fs::rename(corpus.join("2023/a3.txt"), corpus.join("2023/renamed.txt")).unwrap();
    write(
        corpus,
        "feed.jsonl",
        "{\"title\": \"J1\", \"body\": \"one, edited\"}",
    );
    bump_mtime(&corpus.join("feed.jsonl"), 2);
    let s = index_corpus(corpus, index, &options(false), &NoProgress).unwrap();
    assert_eq!((s.added, s.updated, s.removed), (2, 2, 2), "{s:#?}");
    assert_eq!(s.unchanged, 17);
    assert_eq!(s.files, 4, "only new and changed files are read");
    assert_matches_full_build(corpus, index);
    let ids: Vec<String> = articles(index).into_iter().map(|a| a.id).collect();
    assert!(ids.contains(&"2023/renamed.txt".to_string()) && !ids.contains(&"2023/a3.txt".to_string()));
    assert!(
        !ids.contains(&"feed.jsonl#2".to_string()),
        "a changed file's old records go"
    );

    // Touched but identical bytes: re-read once, counted as unchanged.
    bump_mtime(&corpus.join("2023/a4.txt"), 3);
    let s = index_corpus(corpus, index, &options(false), &NoProgress).unwrap();
    assert_eq!((s.added, s.updated, s.unchanged, s.files), (0, 0, 21, 1));
    let s = index_corpus(corpus, index, &options(false), &NoProgress).unwrap();
    assert_eq!(s.files, 0, "the new mtime was recorded");
    assert_matches_full_build(corpus, index);
}

#[test]
fn skipped_files_are_remembered_and_still_reported() {
    let c = corpus(&[
        ("ok.txt", b"Fine\n\nText."),
        ("bad.jsonl", b"{\"title\": \"A\", \"body\": \"x\"}\n{oops"),
    ]);
    let idx = tempfile::tempdir().unwrap();
    let s = index_corpus(c.path(), idx.path(), &options(false), &NoProgress).unwrap();
    assert_eq!(s.skipped.len(), 1);
    let again = index_corpus(c.path(), idx.path(), &options(false), &NoProgress).unwrap();
    assert_eq!(again.files, 0);
    assert_eq!(
        again.skipped, s.skipped,
        "problems of unchanged files are reported again"
    );
    write(c.path(), "bad.jsonl", "{\"title\": \"A\", \"body\": \"x\"}");
    bump_mtime(&c.path().join("bad.jsonl"), 9);
    let fixed = index_corpus(c.path(), idx.path(), &options(false), &NoProgress).unwrap();
    assert!(fixed.skipped.is_empty());
    assert_matches_full_build(c.path(), idx.path());
}

#[test]
fn files_read_while_a_batch_commits_land_like_the_others() {
    // Small commit batches: each batch's first files are read and tagged
    // while the batch before is committed, and added after.
    let c = tempfile::tempdir().unwrap();
    big_corpus(c.path(), 40, 0);
    write(
        c.path(),
        "d3/bad.jsonl",
        "{\"title\": \"J1\", \"body\": \"one\"}\n{oops",
    );
    // Over a MiB: not read ahead, streamed as it always was.
    let record = format!(
        "{{\"title\": \"Long\", \"body\": \"{}\"}}\n",
        "oil price ".repeat(1200)
    );
    write(c.path(), "d5/big.jsonl", &record.repeat(100));
    for every in [1, 3, 8] {
        let idx = tempfile::tempdir().unwrap();
        let opts = IndexOptions {
            commit_every: every,
            ..options(false)
        };
        let s = index_corpus(c.path(), idx.path(), &opts, &NoProgress).unwrap();
        assert_eq!((s.added, s.articles, s.skipped.len()), (42, 141, 1), "{s:#?}");
        assert_eq!(s.commits as usize, 42usize.div_ceil(every));
        assert_matches_full_build(c.path(), idx.path());
        let again = index_corpus(c.path(), idx.path(), &opts, &NoProgress).unwrap();
        assert_eq!(
            (again.files, again.skipped.clone()),
            (0, s.skipped),
            "problems are recorded"
        );
    }
}

/// A corpus big enough that a run takes a while.
fn big_corpus(dir: &Path, files: usize, variant: usize) {
    let seed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/000_6e74873c9db6a563.txt"),
    )
    .unwrap();
    for i in 0..files {
        let text = if (i + variant).is_multiple_of(7) {
            format!(
                " date 2023-09-{:02} Variant {variant} of story {i}\n\n{seed}",
                1 + i % 28
            )
        } else {
            format!(" date 2023-09-{:02} Story {i}\n\n{seed}", 1 + i % 28)
        };
        write(dir, &format!("d{}/s{i}.txt", i % 10), &text);
    }
}

struct Rng(u64);
impl Rng {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

#[test]
fn sigkill_at_random_moments_never_breaks_the_index_and_runs_converge() {
    let c = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let index = idx.path().join("i");
    let corpus = c.path();
    big_corpus(corpus, 800, 0);
    let args = |extra: &[&str]| {
        let mut a = vec![
            "index".to_string(),
            corpus.to_str().unwrap().into(),
            "--index".into(),
            index.to_str().unwrap().into(),
        ];
        a.extend(["--commit-every".to_string(), "100".to_string()]);
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    // How long a full run takes here, to spread the kills over it.
    let t = Instant::now();
    let out = newsdex(&args(&["--full"]).iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.status.success(), "{}", stderr(&out));
    let full_ms = t.elapsed().as_millis().max(50) as u64;
    // NEWSDEX_KILL_SEED=N re-runs the kill moments of a failed run.
    let seed = std::env::var("NEWSDEX_KILL_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        })
        | 1;
    eprintln!("kill test: seed {seed} (NEWSDEX_KILL_SEED={seed} repeats it), full run {full_ms} ms");
    let mut rng = Rng(seed);
    for round in 0..20 {
        // Change the corpus so that runs have work: rewrite some files,
        // delete some, and every few rounds rebuild fully.
        big_corpus(corpus, 800 - round * 10, round + 1);
        for i in (800 - round * 10)..800 {
            let _ = std::fs::remove_file(corpus.join(format!("d{}/s{i}.txt", i % 10)));
        }
        let extra: &[&str] = if round % 4 == 0 { &["--full"] } else { &[] };
        let mut child = Command::new(env!("CARGO_BIN_EXE_newsdex"))
            .args(args(extra))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let delay = rng.next(full_ms + full_ms / 2);
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // The index opens and answers as of its last commit.
        let index_ref =
            NewsIndex::open(&index).unwrap_or_else(|e| panic!("round {round} (after {delay} ms): {e}"));
        let r = index_ref.search(&newsdex::SearchRequest::new("missile")).unwrap();
        assert!(r.total <= index_ref.num_articles());
        // A scheduled run after a crash never fails because of the crash.
        // Every other round, so that kills also land on runs that follow
        // kills.
        if round % 2 == 1 {
            let out = newsdex(&args(&[]).iter().map(String::as_str).collect::<Vec<_>>());
            assert!(
                out.status.success(),
                "round {round}, seed {seed}: the run after a kill at {delay} ms failed: {}",
                stderr(&out)
            );
        }
    }
    let out = newsdex(&args(&[]).iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_matches_full_build(corpus, &index);
}

#[test]
fn a_second_writer_exits_75_naming_the_first_and_searches_keep_working() {
    let c = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let index = idx.path().join("i");
    big_corpus(c.path(), 3000, 0);
    let index_s = index.to_str().unwrap();
    let corpus_s = c.path().to_str().unwrap();
    // An index to search while it is rebuilt.
    assert!(newsdex(&["index", corpus_s, "--index", index_s]).status.success());
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_newsdex"))
            .args([
                "index",
                corpus_s,
                "--index",
                index_s,
                "--full",
                "--commit-every",
                "200",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    // Started together: exactly one works, the other exits 75 naming it.
    let mut a = spawn();
    let mut b = spawn();
    let mut searches = 0;
    let mut results: [Option<std::process::ExitStatus>; 2] = [None, None];
    while results.iter().any(Option::is_none) {
        for (slot, child) in results.iter_mut().zip([&mut a, &mut b]) {
            if slot.is_none() {
                *slot = child.try_wait().unwrap();
            }
        }
        let out = newsdex(&["search", "missile", "--index", index_s, "--json"]);
        assert!(
            out.status.success(),
            "search failed during indexing: {}",
            stderr(&out)
        );
        searches += 1;
    }
    let codes: Vec<Option<i32>> = results.iter().map(|s| s.unwrap().code()).collect();
    let (winner, loser) = match codes[..] {
        [Some(0), Some(75)] => (&a, b),
        [Some(75), Some(0)] => (&b, a),
        _ => panic!(
            "expected one success and one 75, got {codes:?}: {} / {}",
            stderr(&a.wait_with_output().unwrap()),
            stderr(&b.wait_with_output().unwrap())
        ),
    };
    let msg = stderr(&loser.wait_with_output().unwrap());
    assert!(msg.contains(&format!("process {}", winner.id())), "{msg}");
    assert!(msg.contains("--wait"), "{msg}");
    eprintln!("{searches} searches ran during the rebuild");
    assert!(searches > 0);
    // --wait waits instead of failing.
    let mut holder = spawn();
    // Start waiting only once the holder has the lock (its pid is in the file).
    let lock_file = index.join(newsdex::LOCK_FILE);
    let pid = format!("\"pid\":{}", holder.id());
    let deadline = Instant::now() + Duration::from_secs(30);
    while !std::fs::read_to_string(&lock_file)
        .unwrap_or_default()
        .contains(&pid)
    {
        assert!(Instant::now() < deadline, "the holder never took the lock");
        std::thread::sleep(Duration::from_millis(5));
    }
    let waited = newsdex(&["index", corpus_s, "--index", index_s, "--wait"]);
    assert!(waited.status.success(), "{}", stderr(&waited));
    assert!(holder.wait().unwrap().success());
}

#[test]
fn an_index_of_another_schema_version_is_refused_and_full_rebuilds_it() {
    let c = corpus(&[("a.txt", b"Title\n\nBody text.")]);
    let idx = tempfile::tempdir().unwrap();
    index_corpus(c.path(), idx.path(), &options(false), &NoProgress).unwrap();
    let meta_path = idx.path().join("meta.json");
    let meta = std::fs::read_to_string(&meta_path).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&meta).unwrap();
    v["payload"] = serde_json::Value::String("{\"schema_version\": 1}".into());
    std::fs::write(&meta_path, v.to_string()).unwrap();
    let out = newsdex(&["search", "body", "--index", idx.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--full"), "{}", stderr(&out));
    let out = newsdex(&[
        "index",
        c.path().to_str().unwrap(),
        "--index",
        idx.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "an incremental run refuses it too");
    let out = newsdex(&[
        "index",
        c.path().to_str().unwrap(),
        "--index",
        idx.path().to_str().unwrap(),
        "--full",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        newsdex_json(&[
            "search",
            "body",
            "--json",
            "--index",
            idx.path().to_str().unwrap()
        ])["total"],
        1
    );
}

#[test]
fn compact_merges_segments_and_keeps_the_articles() {
    let c = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    for i in 0..6 {
        write(c.path(), &format!("f{i}.txt"), &format!("Title {i}\n\nBody {i}."));
        index_corpus(c.path(), idx.path(), &options(false), &NoProgress).unwrap();
    }
    let before = articles(idx.path());
    let s = newsdex::compact(idx.path(), false).unwrap();
    assert!(s.segments_before > 1, "{s:?}");
    assert_eq!(s.segments_after, 1);
    assert_eq!(articles(idx.path()), before);
    // The record of what was indexed survives the merge.
    let again = index_corpus(c.path(), idx.path(), &options(false), &NoProgress).unwrap();
    assert_eq!(again.files, 0);
}

#[cfg(unix)]
/// A `--watch` child whose JSON run reports arrive on a channel.
struct Watching {
    child: std::process::Child,
    runs: std::sync::mpsc::Receiver<serde_json::Value>,
    index: tempfile::TempDir,
}

impl Watching {
    fn start(corpus: &Path) -> Watching {
        use std::io::{BufRead, BufReader};
        let index = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_newsdex"))
            .args(["index", corpus.to_str().unwrap(), "--index"])
            .arg(index.path())
            .args(["--watch", "--json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (tx, runs) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(serde_json::from_str::<serde_json::Value>(&line).unwrap());
            }
        });
        Watching { child, runs, index }
    }

    /// Waits (up to 30 s) for a run after which `query` has `total` hits.
    fn wait_for(&self, query: &str, total: u64) -> bool {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.runs.recv_timeout(Duration::from_secs(5)).is_ok() {
                let r = newsdex_json(&[
                    "search",
                    query,
                    "--json",
                    "--index",
                    self.index.path().to_str().unwrap(),
                ]);
                if r["total"] == total {
                    return true;
                }
            }
        }
        false
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn watch_indexes_new_files_after_they_settle() {
    let c = corpus(&[("a.txt", b"First\n\nAlpha text.")]);
    let w = Watching::start(c.path());
    let first = w.runs.recv_timeout(Duration::from_secs(30)).expect("initial run");
    assert_eq!(first["added"], 1);
    // Written in two steps: half a file first.
    std::fs::write(c.path().join("b.txt"), "Second\n\nBeta").unwrap();
    std::fs::write(c.path().join("b.txt"), "Second\n\nBeta text, complete.").unwrap();
    assert!(
        w.wait_for("complete", 1),
        "the new file was not indexed by --watch"
    );
}

/// The watch must not react to its own reads: on an idle corpus the first
/// run is the only report (the old watcher re-indexed about twice a second).
/// A directory removed and made again, and the corpus root itself, are
/// watched again.
#[test]
fn watch_rests_on_an_idle_corpus_and_survives_removed_directories() {
    let c = tempfile::tempdir().unwrap();
    let root = c.path().join("corpus");
    write(&root, "desk/a.txt", "First\n\nAlpha text.");
    write(&root, "b.txt", "Second\n\nBeta text.");
    let w = Watching::start(&root);
    let first = w.runs.recv_timeout(Duration::from_secs(30)).expect("initial run");
    assert_eq!(first["added"], 2);
    // Searching reads the index; nothing here changes the corpus.
    newsdex_json(&[
        "search",
        "alpha",
        "--json",
        "--index",
        w.index.path().to_str().unwrap(),
    ]);
    if let Ok(run) = w.runs.recv_timeout(Duration::from_secs(5)) {
        panic!("--watch reported a run on an idle corpus: {run}");
    }
    std::fs::remove_dir_all(root.join("desk")).unwrap();
    assert!(w.wait_for("alpha", 0), "the removed directory's article stayed");
    write(&root, "desk/c.txt", "Third\n\nGamma text.");
    assert!(
        w.wait_for("gamma", 1),
        "a file in the recreated directory was not indexed"
    );
    std::fs::remove_dir_all(&root).unwrap();
    std::thread::sleep(Duration::from_secs(2));
    write(&root, "d.txt", "Fourth\n\nDelta text.");
    assert!(
        w.wait_for("delta", 1),
        "a file in the recreated corpus was not indexed"
    );
}

/// An extractor that panics on one article, standing in for a rebuild
/// killed halfway.
struct PanicsOn(&'static str);

impl newsdex::EntityExtractor for PanicsOn {
    fn extract(&self, text: &str) -> Vec<newsdex::Mention> {
        assert!(!text.contains(self.0), "stopped on purpose");
        Vec::new()
    }
}

/// Counts the articles a newly opened reader sees after each file of a run.
struct Watcher {
    index: std::path::PathBuf,
    seen: std::sync::Mutex<Vec<u64>>,
}

impl newsdex::Progress for Watcher {
    fn advance(&self, _bytes: u64) {
        if let Ok(i) = NewsIndex::open(&self.index) {
            self.seen.lock().unwrap().push(i.num_articles());
        }
    }
}

/// A rebuild is invisible until it is whole: a reader opened at any moment
/// of `--full` sees the old index, and a rebuild that dies leaves it.
#[test]
fn a_full_rebuild_is_invisible_until_complete_and_a_failed_one_leaves_the_old_index() {
    let c = tempfile::tempdir().unwrap();
    for i in 0..40 {
        write(
            c.path(),
            &format!("{i:02}.txt"),
            &format!("Story {i}\n\nText of story {i}."),
        );
    }
    let idx = tempfile::tempdir().unwrap();
    index_corpus(c.path(), idx.path(), &options(false), &NoProgress).unwrap();
    let watcher = Watcher {
        index: idx.path().to_path_buf(),
        seen: Default::default(),
    };
    let rebuild = IndexOptions {
        full: true,
        commit_every: 4,
        threads: 1,
        extractor: std::sync::Arc::new(newsdex::NoEntities),
        ..IndexOptions::default()
    };
    index_corpus(c.path(), idx.path(), &rebuild, &watcher).unwrap();
    let seen = watcher.seen.into_inner().unwrap();
    assert_eq!(seen.len(), 40);
    assert!(
        seen.iter().all(|&n| n == 40),
        "readers saw a partial rebuild: {seen:?}"
    );

    write(c.path(), "30.txt", "Story 30\n\nPOISON text.");
    let dying = IndexOptions {
        extractor: std::sync::Arc::new(PanicsOn("POISON")),
        ..rebuild
    };
    let died = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        index_corpus(c.path(), idx.path(), &dying, &NoProgress)
    }));
    assert!(died.is_err(), "the rebuild should have died");
    assert_eq!(NewsIndex::open(idx.path()).unwrap().num_articles(), 40);
    // The next run starts cleanly from the old index.
    index_corpus(c.path(), idx.path(), &options(false), &NoProgress).unwrap();
    assert_matches_full_build(c.path(), idx.path());
}
