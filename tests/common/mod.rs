//! Helpers shared by the integration tests: running the real binary, making
//! fixture corpora, and finding `../shared` when it is there.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use serde_json::Value;

/// Runs `newsdex` with `args` in `cwd`.
pub fn newsdex_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_newsdex"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("newsdex runs")
}

pub fn newsdex(args: &[&str]) -> Output {
    newsdex_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// Runs `newsdex`, asserts success, and parses stdout as JSON. A `search`
/// that matched nothing exits 1 with its (empty) answer: that is success.
pub fn newsdex_json(args: &[&str]) -> Value {
    let out = newsdex(args);
    let value: Option<Value> = serde_json::from_slice(&out.stdout).ok();
    let no_match = out.status.code() == Some(1)
        && args.first() == Some(&"search")
        && value.as_ref().is_some_and(|v| v["total"] == 0);
    assert!(
        out.status.success() || no_match,
        "newsdex {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() && args.first() == Some(&"search") {
        assert_ne!(
            value.as_ref().map(|v| &v["total"]),
            Some(&Value::from(0)),
            "a search without matches exits 1"
        );
    }
    value.unwrap_or_else(|| {
        panic!(
            "newsdex {args:?} printed no JSON: {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// The string `key` of each element of a JSON array (`"null"` where it is
/// null), e.g. the ids or dates of a response's hits.
pub fn each_str(array: &Value, key: &str) -> Vec<String> {
    array
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {array}"))
        .iter()
        .map(|x| x[key].as_str().unwrap_or("null").to_string())
        .collect()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `../shared` beside the project, when present; tests that need it print a
/// notice and pass when it is not (a user's fresh clone has none).
pub fn shared_dir(test: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.join("corpora").is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIPPED {test}: ../shared is not present beside the project");
        None
    }
}

/// Every `step`-th article file of the shared Reuters 2006–2013 archive,
/// copied into a new temporary directory (its dates still span 2006–2013).
pub fn reuters_sample(shared: &Path, step: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = shared.join("corpora/reuters_news_2006_2013/txt");
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    for f in files.iter().step_by(step) {
        let to = dir.path().join(f.strip_prefix(&root).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(f, to).unwrap();
    }
    dir
}

/// The Python of `target/pyenv` (`.ci/run` makes it, with pandas and
/// feedparser), or `NEWSDEX_PYTHON`; none, with a notice, when absent.
pub fn python(test: &str) -> Option<PathBuf> {
    let path = std::env::var_os("NEWSDEX_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pyenv/bin/python"));
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "SKIPPED {test}: no Python with pandas and feedparser at {} (run .ci/run)",
            path.display()
        );
        None
    }
}

/// Writes `files` (relative path, content) under a new temporary directory.
pub fn corpus(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (rel, content) in files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

/// A small corpus in the seed format: the seed article, oil stories across
/// two months, an undated article, and files that must be skipped.
pub fn fixture_corpus() -> tempfile::TempDir {
    let seed = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/000_6e74873c9db6a563.txt"))
        .expect("bundled seed article");
    let seed: &'static [u8] = Box::leak(seed.into_boxed_slice());
    corpus(&[
        ("seed.txt", seed),
        (
            "1987/03/02/oil-1.txt",
            b" date 1987-03-02 TEXACO RAISES CRUDE OIL POSTINGS\n\nNEW YORK, March 2 - Texaco Inc said it raised the posted price of crude oil by 50 cts a barrel.\n\nThe increase follows similar moves by other refiners.",
        ),
        (
            "1987/03/20/oil-2.txt",
            b" date 1987-03-20 OPEC OUTPUT TALKS\n\nVIENNA, March 20 - OPEC ministers said crude output would stay within quotas, and oil prices firmed.",
        ),
        (
            "1987/03/25/grain.txt",
            b" date 1987-03-25 WHEAT EXPORTS RISE\n\nWASHINGTON, March 25 - U.S. wheat exports rose, the Agriculture Department said.",
        ),
        (
            "1987/04/08/oil-3.txt",
            b" date 1987-04-08 CRUDE PRICES STEADY\n\nLONDON, April 8 - North Sea crude oil prices were steady in quiet trading.",
        ),
        ("undated/opinion.txt", b"Why oil still matters\n\nAn undated essay about crude markets and refiners."),
        ("bad/empty.txt", b"   \n\n  "),
        ("bad/header-only.txt", b" date 1987-03-03"),
        ("bad/picture.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        ("legacy/latin1.txt", b"Caf\xe9 society\n\nFran\xe7ois opened a caf\xe9 in \x93Paris\x94."),
        ("notes/photo.jpg", b"\xff\xd8\xff"),
        (".hidden/secret.txt", b" date 1987-03-04 HIDDEN\n\nShould not be indexed: crude."),
    ])
}

/// A `newsdex serve` started on an ephemeral loopback port.
pub struct Served {
    pub child: Child,
    /// `127.0.0.1:PORT`
    pub addr: String,
    /// What the server wrote on stderr (the access log), as it comes.
    pub log: Arc<Mutex<Vec<String>>>,
}

/// Starts `newsdex serve --index INDEX --addr 127.0.0.1:0 EXTRA…` and reads
/// the address it announces. Its stderr keeps being read, so it never
/// blocks on the access log.
pub fn serve(index: &Path, extra: &[&str]) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_newsdex"))
        .args([
            "serve",
            "--index",
            index.to_str().unwrap(),
            "--addr",
            "127.0.0.1:0",
        ])
        .args(extra)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("server starts");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let line = lines.next().expect("a line").expect("utf-8");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = log.clone();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    Served { child, addr, log }
}
