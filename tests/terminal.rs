//! Output in a real pseudo-terminal of 80 columns (util-linux `script`):
//! no line of `search`, of `index`'s progress and summary, or of `--help`
//! is longer than the terminal. Skips with a notice where `script` is absent.

mod common;

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_newsdex");

/// What `cmd` prints (stdout and stderr) in an 80×40 terminal, as lines:
/// escape sequences removed, carriage returns (redrawn progress) as breaks.
fn at_80_columns(cmd: &str) -> Option<Vec<String>> {
    if !Path::new("/usr/bin/script").exists() {
        eprintln!("SKIPPED terminal test: util-linux `script` is not installed");
        return None;
    }
    let out = Command::new("/usr/bin/script")
        .args(["-qec", &format!("stty cols 80 rows 40; {cmd}"), "/dev/null"])
        .env("TERM", "xterm")
        .env_remove("COLUMNS")
        .env_remove("NO_COLOR")
        .output()
        .expect("script runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let ansi = regex::Regex::new(r"\x1b\[[0-9;?]*[A-Za-z]").unwrap();
    let plain = ansi.replace_all(&text, "");
    Some(plain.split(['\r', '\n']).map(str::to_string).collect())
}

fn assert_fits(what: &str, lines: &[String]) {
    let long: Vec<&String> = lines.iter().filter(|l| l.chars().count() > 80).collect();
    assert!(
        long.is_empty(),
        "{what}: {} lines over 80 columns:\n{long:#?}",
        long.len()
    );
}

fn quoted(p: &Path) -> String {
    format!("'{}'", p.display())
}

#[test]
fn search_index_and_help_fit_80_columns() {
    let corpus = common::fixture_corpus();
    let index = tempfile::tempdir().unwrap();
    let idx = index.path().to_str().unwrap();
    let built = common::newsdex(&["index", corpus.path().to_str().unwrap(), "--index", idx]);
    assert!(built.status.success());

    // Piped, a hit's lines are whole (as ripgrep's): some are long.
    let piped = common::newsdex(&["search", "missile", "--index", idx, "-n", "5"]);
    let piped = String::from_utf8_lossy(&piped.stdout).into_owned();
    assert!(
        piped.lines().any(|l| l.chars().count() > 80),
        "a long line to wrap:\n{piped}"
    );

    let Some(search) = at_80_columns(&format!("'{BIN}' search missile --index '{idx}' -n 5")) else {
        return;
    };
    assert_fits("search", &search);
    let text = search.join("\n");
    assert!(text.contains("match \"missile\""), "{text}");
    // Wrapped lines hang under their field, not at the margin.
    assert!(
        search.iter().any(|l| l.starts_with("     ") && l.len() > 60),
        "{text}"
    );

    for help in [
        "--help",
        "search --help",
        "index --help",
        "serve --help",
        "show --help",
        "saved add --help",
        "alerts --help",
        "batch --help",
        "export --help",
    ] {
        let lines = at_80_columns(&format!("'{BIN}' {help}")).unwrap();
        assert!(lines.len() > 5, "{help}: {lines:?}");
        assert_fits(help, &lines);
    }

    // Progress and the summary: a corpus big enough for the bar to draw.
    let (big, _keep) = match common::shared_dir("terminal test") {
        Some(shared) => (shared.join("corpora/bbc"), None),
        None => {
            let dir = tempfile::tempdir().unwrap();
            for i in 0..400 {
                let body = format!("Story {i}\n\n{}", "Words of a long article body. ".repeat(400));
                std::fs::write(dir.path().join(format!("{i:03}.txt")), body).unwrap();
            }
            (dir.path().to_path_buf(), Some(dir))
        }
    };
    let fresh = tempfile::tempdir().unwrap();
    let lines = at_80_columns(&format!(
        "'{BIN}' index {} --index {} --entities none",
        quoted(&big),
        quoted(fresh.path())
    ))
    .unwrap();
    assert_fits("index", &lines);
    assert!(
        lines.iter().any(|l| l.contains("articles in the index")),
        "{lines:#?}"
    );
}
