//! `search --format`, `timeline --format`, `entities --format` (through
//! the helpers here), `batch` and `export`: what leaves newsdex for other
//! tools, streamed to stdout.

use std::io::{BufWriter, Write};

use anyhow::{Context, Result};
use newsdex::export::{self, opensearch, Format, MatchWriter};
use newsdex::{EntityKind, NewsIndex, SearchRequest, TimelineRequest};
use serde::Serialize;

use crate::cli::args::{BatchArgs, ExportArgs};

/// Streams every match of `req` to stdout in `format`.
pub fn matches(index: &NewsIndex, req: &SearchRequest, format: &str) -> Result<u64> {
    let format: Format = format.parse()?;
    let out = BufWriter::new(std::io::stdout().lock());
    let mut w = MatchWriter::new(out, format)?;
    let n = index.for_each_match(req, None, |row| w.write(&row))?;
    w.finish()?;
    Ok(n)
}

/// A timeline as CSV, with each period's share of all articles.
pub fn timeline_csv(index: &NewsIndex, req: &TimelineRequest) -> Result<()> {
    let t = index.timeline(req)?;
    let mut all_req = req.clone();
    all_req.filter = newsdex::Filter::new("*");
    let all = index.timeline(&all_req)?;
    export::timeline_csv(BufWriter::new(std::io::stdout().lock()), &t, &all)?;
    Ok(())
}

pub fn export(a: ExportArgs) -> Result<u8> {
    let mut out = BufWriter::new(std::io::stdout().lock());
    if a.mapping.is_some() {
        serde_json::to_writer_pretty(&mut out, &opensearch::mapping())?;
        writeln!(out)?;
        return Ok(0);
    }
    let index = NewsIndex::open(a.location.path())?;
    let opensearch = a.format == "opensearch";
    index.for_each_article(|row| {
        if opensearch {
            out.write_all(opensearch::bulk_lines(&row).as_bytes())
                .map_err(|e| newsdex::Error::Io {
                    action: "cannot write the export",
                    path: "-".into(),
                    source: e,
                })
        } else {
            export::json_line(&mut out, &row)
        }
    })?;
    out.flush()?;
    Ok(0)
}

/// One line of a batch.
#[derive(Debug, Serialize)]
struct BatchRow {
    line: String,
    /// person, org, place, or query.
    kind: String,
    matches: u64,
    first_date: Option<String>,
    last_date: Option<String>,
    person: Vec<String>,
    org: Vec<String>,
    place: Vec<String>,
}

pub fn batch(a: BatchArgs) -> Result<u8> {
    let index = NewsIndex::open(a.location.path())?;
    let text =
        std::fs::read_to_string(&a.file).with_context(|| format!("cannot read {}", a.file.display()))?;
    let base = a.filters.filter("*")?;
    let mut rows = Vec::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        // A name the index knows, of the first kind that knows it; or a query.
        let mut found = None;
        for kind in EntityKind::ALL {
            let mut f = base.clone();
            match kind {
                EntityKind::Person => f.person.push(line.to_string()),
                EntityKind::Org => f.org.push(line.to_string()),
                EntityKind::Place => f.place.push(line.to_string()),
            }
            let req = request(f, a.top);
            match index.search(&req) {
                Ok(r) => {
                    found = Some((kind.as_str().to_string(), r));
                    break;
                }
                Err(newsdex::Error::UnknownName { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        let (kind, r) = match found {
            Some(f) => f,
            None => {
                let mut f = base.clone();
                f.query = line.to_string();
                ("query".to_string(), index.search(&request(f, a.top))?)
            }
        };
        let dated: Vec<&newsdex::FacetCount> = r.facets.dates.iter().filter(|d| d.count > 0).collect();
        let others = |values: &[newsdex::FacetCount]| -> Vec<String> {
            values
                .iter()
                .filter(|v| !v.value.eq_ignore_ascii_case(line))
                .take(a.top)
                .map(|v| v.value.clone())
                .collect()
        };
        rows.push(BatchRow {
            line: line.to_string(),
            kind,
            matches: r.total,
            first_date: dated.first().map(|d| d.value.clone()),
            last_date: dated.last().map(|d| d.value.clone()),
            person: others(&r.facets.person),
            org: others(&r.facets.org),
            place: others(&r.facets.place),
        });
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    if a.format == "json" {
        serde_json::to_writer_pretty(&mut out, &rows)?;
        writeln!(out)?;
    } else {
        let mut w = csv::Writer::from_writer(out);
        w.write_record([
            "line",
            "kind",
            "matches",
            "first_date",
            "last_date",
            "person",
            "org",
            "place",
        ])?;
        for r in &rows {
            w.write_record([
                r.line.clone(),
                r.kind.clone(),
                r.matches.to_string(),
                r.first_date.clone().unwrap_or_default(),
                r.last_date.clone().unwrap_or_default(),
                r.person.join("; "),
                r.org.join("; "),
                r.place.join("; "),
            ])?;
        }
        w.flush()?;
    }
    Ok(0)
}

/// A count with day buckets (for the first and last date) and facets.
fn request(filter: newsdex::Filter, top: usize) -> SearchRequest {
    SearchRequest {
        filter,
        limit: 1,
        collapse: false,
        forgiving: false,
        interval: newsdex::Interval::Day,
        facet_limit: top + 1,
        ..Default::default()
    }
}
