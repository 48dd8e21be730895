//! What leaves newsdex for other tools: CSV and JSON lines of a search's
//! matches, of a timeline and of entities, for pandas and R; Atom feeds of
//! a search, for feed readers ([`atom`]); and the bulk NDJSON and index
//! template of OpenSearch / Elasticsearch, for an archive that outgrows
//! one machine ([`opensearch`]). Every writer streams: one row at a time.

pub mod atom;
pub mod opensearch;

use std::io::Write;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::search::{EntitiesResponse, MatchRow, Timeline};

/// A format a list of rows is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// RFC 4180, a header row first; lists joined by "; ".
    Csv,
    /// One JSON object per line.
    Jsonl,
}

impl std::str::FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Format> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "jsonl" | "ndjson" => Ok(Format::Jsonl),
            _ => Err(Error::InvalidArgument {
                what: "format",
                message: format!("{s:?} is not a format: csv or jsonl"),
            }),
        }
    }
}

fn io(e: std::io::Error) -> Error {
    Error::Io {
        action: "cannot write the export",
        path: "-".into(),
        source: e,
    }
}

fn csv_error(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => io(e),
        other => io(std::io::Error::other(format!("{other:?}"))),
    }
}

/// The columns of a match row, in order.
pub const MATCH_COLUMNS: [&str; 12] = [
    "id", "path", "date", "title", "source", "author", "url", "score", "person", "org", "place", "snippet",
];

/// Writes match rows one at a time.
pub struct MatchWriter<W: Write> {
    format: Format,
    csv: Option<csv::Writer<W>>,
    out: Option<W>,
}

impl<W: Write> MatchWriter<W> {
    /// A writer of `format` to `out`; CSV writes its header now.
    pub fn new(out: W, format: Format) -> Result<MatchWriter<W>> {
        Ok(match format {
            Format::Csv => {
                let mut w = csv::Writer::from_writer(out);
                w.write_record(MATCH_COLUMNS).map_err(csv_error)?;
                MatchWriter {
                    format,
                    csv: Some(w),
                    out: None,
                }
            }
            Format::Jsonl => MatchWriter {
                format,
                csv: None,
                out: Some(out),
            },
        })
    }

    /// Writes one row.
    pub fn write(&mut self, r: &MatchRow) -> Result<()> {
        match self.format {
            Format::Csv => {
                let w = self.csv.as_mut().expect("csv writer");
                let opt = |o: &Option<String>| o.clone().unwrap_or_default();
                w.write_record([
                    r.id.clone(),
                    r.path.clone(),
                    opt(&r.date),
                    r.title.clone(),
                    opt(&r.source),
                    opt(&r.author),
                    opt(&r.url),
                    r.score.to_string(),
                    r.person.join("; "),
                    r.org.join("; "),
                    r.place.join("; "),
                    r.snippet.clone(),
                ])
                .map_err(csv_error)
            }
            Format::Jsonl => json_line(self.out.as_mut().expect("writer"), r),
        }
    }

    /// Flushes what is buffered.
    pub fn finish(mut self) -> Result<()> {
        if let Some(w) = self.csv.as_mut() {
            w.flush().map_err(io)?;
        }
        if let Some(w) = self.out.as_mut() {
            w.flush().map_err(io)?;
        }
        Ok(())
    }
}

/// One JSON object and a newline.
pub fn json_line(out: &mut impl Write, value: &impl Serialize) -> Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(|e| io(e.into()))?;
    out.write_all(b"\n").map_err(io)
}

/// A timeline as CSV: period, matches, all articles of the period, share.
pub fn timeline_csv(out: impl Write, t: &Timeline, all: &Timeline) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["period", "matches", "articles", "share"])
        .map_err(csv_error)?;
    let totals: std::collections::HashMap<&str, u64> =
        all.buckets.iter().map(|b| (b.value.as_str(), b.count)).collect();
    for b in &t.buckets {
        let n = totals.get(b.value.as_str()).copied().unwrap_or(0);
        let share = if n == 0 { 0.0 } else { b.count as f64 / n as f64 };
        w.write_record([
            b.value.clone(),
            b.count.to_string(),
            n.to_string(),
            format!("{share:.6}"),
        ])
        .map_err(csv_error)?;
    }
    w.flush().map_err(io)
}

/// Associated entities as CSV.
pub fn entities_csv(out: impl Write, r: &EntitiesResponse) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["type", "name", "matches", "corpus", "score"])
        .map_err(csv_error)?;
    for e in &r.entities {
        w.write_record([
            e.kind.as_str().to_string(),
            e.name.clone(),
            e.count.to_string(),
            e.corpus_count.to_string(),
            format!("{:.6}", e.score),
        ])
        .map_err(csv_error)?;
    }
    w.flush().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> MatchRow {
        MatchRow {
            id: "a/1.txt".into(),
            path: "a/1.txt".into(),
            date: Some("2023-09-13".into()),
            title: "Oil, \"crude\" and\nmore".into(),
            source: None,
            author: Some("Jane Doe; Ann Roe".into()),
            url: None,
            score: 1.5,
            person: vec!["Jane Doe".into(), "Kim Jong Un".into()],
            org: vec![],
            place: vec!["Vienna".into()],
            snippet: "Crude, oil".into(),
        }
    }

    #[test]
    fn csv_quotes_commas_quotes_and_newlines_and_joins_lists() {
        let mut out = Vec::new();
        let mut w = MatchWriter::new(&mut out, Format::Csv).unwrap();
        w.write(&row()).unwrap();
        w.finish().unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut r = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(r.headers().unwrap().len(), MATCH_COLUMNS.len());
        let rec = r.records().next().unwrap().unwrap();
        assert_eq!(&rec[3], "Oil, \"crude\" and\nmore");
        assert_eq!(&rec[8], "Jane Doe; Kim Jong Un");
        assert_eq!(&rec[4], "");
    }

    #[test]
    fn jsonl_is_one_object_a_line() {
        let mut out = Vec::new();
        let mut w = MatchWriter::new(&mut out, Format::Jsonl).unwrap();
        w.write(&row()).unwrap();
        w.write(&row()).unwrap();
        w.finish().unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 2);
        let v: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(v["person"][1], "Kim Jong Un");
    }

    #[test]
    fn formats_parse_by_name() {
        assert_eq!("CSV".parse::<Format>().unwrap(), Format::Csv);
        assert_eq!("ndjson".parse::<Format>().unwrap(), Format::Jsonl);
        assert!("xls".parse::<Format>().is_err());
    }
}
