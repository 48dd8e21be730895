//! `newsdex saved` and `newsdex alerts`: searches kept by name, and what
//! index runs brought them; `index --alerts` reports through [`report`].

use std::io::Write;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};
use newsdex::alerts::{self, Alert, SavedSearch, SavedSearches, Since};
use newsdex::{dates, NewsIndex, SearchRequest};

use crate::cli::args::{AlertsArgs, SavedCommand};
use crate::cli::render;

pub fn saved(c: SavedCommand) -> Result<u8> {
    match c {
        SavedCommand::Add(a) => {
            let index = NewsIndex::open(a.location.path())?;
            let a = *a;
            let f = a.filters;
            let search = SavedSearch {
                name: a.name.clone(),
                query: a.query,
                since: f.since,
                until: f.until,
                person: f.person,
                org: f.org,
                place: f.place,
                source: f.source,
                author: f.author,
                ticker: f.ticker,
                ..Default::default()
            };
            // A search that does not run is refused now, not at 3 a.m.
            index.search(&SearchRequest {
                filter: search.filter()?,
                limit: 1,
                forgiving: false,
                ..Default::default()
            })?;
            SavedSearches::open(index.path()).add(search, a.replace, index.last_run()?)?;
            eprintln!(
                "saved {:?}; its alerts start with the next index run (newsdex index --alerts)",
                a.name
            );
            Ok(0)
        }
        SavedCommand::List(a) => {
            let list = SavedSearches::open(a.location.path()).list()?;
            if a.json {
                super::print_json(&list)?;
                return Ok(0);
            }
            let mut out = std::io::stdout().lock();
            if list.is_empty() {
                writeln!(out, "no saved searches (newsdex saved add NAME QUERY)")?;
            }
            for s in &list {
                writeln!(
                    out,
                    "{}  {:?}{}  (reported to run {})",
                    s.name,
                    s.query,
                    filters(s),
                    s.reported_run
                )?;
            }
            Ok(0)
        }
        SavedCommand::Rm(a) => {
            if !SavedSearches::open(a.location.path()).remove(&a.name)? {
                bail!(newsdex::Error::InvalidArgument {
                    what: "saved search",
                    message: format!("no saved search named {:?}", a.name),
                });
            }
            eprintln!("removed {:?}", a.name);
            Ok(0)
        }
        SavedCommand::Run(a) => {
            let index = NewsIndex::open(a.location.path())?;
            let s = SavedSearches::open(index.path()).get(&a.name)?;
            let r = index.search(&SearchRequest {
                filter: s.filter()?,
                ..Default::default()
            })?;
            if a.json {
                super::print_json(&r)?;
            } else {
                let corpus = index.corpus()?;
                let color = super::search::use_color(crate::cli::args::ColorChoice::Auto);
                render::search_response(
                    &mut std::io::stdout().lock(),
                    &r,
                    0,
                    color,
                    render::Width::of_stdout(),
                    corpus.as_deref(),
                )?;
            }
            Ok(if r.total == 0 { 1 } else { 0 })
        }
    }
}

/// The filters of a saved search, as the command line writes them.
fn filters(s: &SavedSearch) -> String {
    let mut out = String::new();
    for (flag, v) in [("since", &s.since), ("until", &s.until)] {
        if let Some(v) = v {
            out.push_str(&format!(" --{flag} {v}"));
        }
    }
    for (flag, names) in [
        ("person", &s.person),
        ("org", &s.org),
        ("place", &s.place),
        ("source", &s.source),
        ("author", &s.author),
        ("ticker", &s.ticker),
    ] {
        for n in names {
            out.push_str(&format!(" --{flag} {n:?}"));
        }
    }
    out
}

pub fn alerts(a: AlertsArgs) -> Result<u8> {
    let index = NewsIndex::open(a.location.path())?;
    let saved = SavedSearches::open(index.path());
    let since = match (a.since_run, &a.since) {
        (Some(n), _) => Since::Run(n),
        (None, Some(day)) => {
            let start = dates::parse_user_date("--since", day, dates::Side::Start, dates::today())?;
            let time = start
                .and_hms_opt(0, 0, 0)
                .expect("midnight")
                .and_utc()
                .timestamp();
            Since::Run(index.run_before(time)?)
        }
        (None, None) => Since::Reported,
    };
    let found = alerts::alerts(&index, &saved, a.name.as_deref(), since)?;
    print(&found, a.json)?;
    Ok(0)
}

fn print(found: &[Alert], json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for alert in found {
        if json {
            writeln!(out, "{}", serde_json::to_string(alert)?)?;
            continue;
        }
        writeln!(
            out,
            "{}: {} new article{} matching {:?} (runs {}–{})",
            alert.name,
            alert.total,
            if alert.total == 1 { "" } else { "s" },
            alert.query,
            alert.after_run + 1,
            alert.to_run
        )?;
        for h in &alert.hits {
            let date = h.date.as_deref().unwrap_or("undated");
            writeln!(
                out,
                "  {date}  {}  {}",
                render::printable(&h.title),
                render::printable(&h.id)
            )?;
        }
    }
    Ok(())
}

/// After an index run: the saved searches' new matches, handed to `cmd`
/// per search, printed, then marked reported. Anything that fails before
/// the mark leaves them for the next run.
pub fn report(index_dir: &std::path::Path, json: bool, cmd: Option<&str>) -> Result<()> {
    let index = NewsIndex::open(index_dir)?;
    let saved = SavedSearches::open(index_dir);
    let mut failure: Option<anyhow::Error> = None;
    let delivered = alerts::report(&index, &saved, |found| {
        let sent = deliver(found, json, cmd);
        match sent {
            Ok(()) => true,
            Err(e) => {
                failure = Some(e);
                false
            }
        }
    });
    match (delivered, failure) {
        (_, Some(e)) => Err(e.context("the alerts stay unreported until the next run")),
        (Err(e), None) => Err(e.into()),
        (Ok(_), None) => Ok(()),
    }
}

fn deliver(found: &[Alert], json: bool, cmd: Option<&str>) -> Result<()> {
    if let Some(cmd) = cmd {
        for alert in found {
            let mut child = Command::new("sh")
                .args(["-c", cmd])
                .env("NEWSDEX_SEARCH", &alert.name)
                .stdin(Stdio::piped())
                .spawn()
                .with_context(|| format!("cannot run the alert command {cmd:?}"))?;
            let body = serde_json::to_vec(alert)?;
            // A command that does not read its input is not an error.
            let _ = child.stdin.take().expect("piped").write_all(&body);
            let status = child.wait()?;
            if !status.success() {
                bail!("the alert command {cmd:?} failed for {:?} ({status})", alert.name);
            }
        }
    }
    print(found, json)?;
    std::io::stdout().flush()?;
    Ok(())
}
