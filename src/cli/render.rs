//! Text output for people: search hits, facets, stats, run summaries.

use std::io::{self, Write};
use std::path::Path;

use indicatif::HumanBytes;
use newsdex::search::{DuplicateGroup, EntitiesResponse, Timeline};
use newsdex::{EntityKind, FacetCount, IndexStats, IndexSummary, SearchResponse};

const BOLD: &str = "\x1b[1m";
const MARK: &str = "\x1b[1;33m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// Text from files and their names as the terminal may show it: control
/// characters (an escape sequence in a file name) are written as escapes,
/// so they cannot move the cursor or recolour the screen.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return s.into();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

fn paint(s: &str, style: &str, color: bool) -> String {
    if color {
        format!("{style}{s}{RESET}")
    } else {
        s.to_string()
    }
}

fn kind_label(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "People",
        EntityKind::Org => "Organisations",
        EntityKind::Place => "Places",
    }
}

fn facet_line(values: &[FacetCount]) -> String {
    values
        .iter()
        .map(|f| format!("{} ({})", f.value, f.count))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The snippet with its highlights marked.
fn marked_snippet(snippet: &str, highlights: &[[usize; 2]], color: bool) -> String {
    if !color {
        return snippet.to_string();
    }
    let mut out = String::with_capacity(snippet.len() + highlights.len() * 10);
    let mut at = 0;
    for &[a, b] in highlights {
        if a < at || b > snippet.len() || !snippet.is_char_boundary(a) || !snippet.is_char_boundary(b) {
            continue;
        }
        out.push_str(&snippet[at..a]);
        out.push_str(&paint(&snippet[a..b], MARK, true));
        at = b;
    }
    out.push_str(&snippet[at..]);
    out
}

pub fn search_response(
    out: &mut impl Write,
    r: &SearchResponse,
    offset: usize,
    color: bool,
) -> io::Result<()> {
    let noun = if r.total == 1 { "article" } else { "articles" };
    writeln!(
        out,
        "{} {noun} match {:?} ({:.1} ms)",
        r.total, r.query, r.took_ms
    )?;
    if r.hits.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    for (i, hit) in r.hits.iter().enumerate() {
        let date = hit.date.as_deref().unwrap_or("undated");
        writeln!(
            out,
            "{:>3}. {}  {}",
            offset + i + 1,
            paint(&printable(&hit.title), BOLD, color),
            paint(date, DIM, color)
        )?;
        writeln!(
            out,
            "     {}",
            marked_snippet(&hit.snippet, &hit.highlights, color)
        )?;
        let mut meta = vec![printable(&hit.path).into_owned()];
        for kind in EntityKind::ALL {
            let names = hit.entities.of_kind(kind);
            if !names.is_empty() {
                let shown: Vec<&str> = names.iter().take(4).map(String::as_str).collect();
                meta.push(format!(
                    "{}: {}",
                    kind_label(kind).to_lowercase(),
                    shown.join(", ")
                ));
            }
        }
        if !hit.similar.is_empty() {
            let shown: Vec<&str> = hit.similar.iter().take(5).map(String::as_str).collect();
            let more = if hit.similar.len() > 5 { ", …" } else { "" };
            meta.push(format!(
                "+{} similar: {}{more}",
                hit.similar.len(),
                shown.join(", ")
            ));
        }
        writeln!(out, "     {}", paint(&meta.join(" · "), DIM, color))?;
        writeln!(out)?;
    }
    for kind in EntityKind::ALL {
        let values = r.facets.of_kind(kind);
        if !values.is_empty() {
            writeln!(
                out,
                "{}: {}",
                paint(kind_label(kind), BOLD, color),
                facet_line(values)
            )?;
        }
    }
    if r.facets.estimated {
        writeln!(
            out,
            "{}",
            paint("(name counts estimated from a sample of the matches)", DIM, color)
        )?;
    }
    for (label, values) in [
        ("Sources", &r.facets.source),
        ("Authors", &r.facets.author),
        ("Tickers", &r.facets.ticker),
    ] {
        if !values.is_empty() {
            writeln!(out, "{}: {}", paint(label, BOLD, color), facet_line(values))?;
        }
    }
    let mut dated: Vec<FacetCount> = r.facets.dates.iter().filter(|f| f.count > 0).cloned().collect();
    let mut label = format!("{:?}s", r.facets.interval);
    // Decades of months do not fit a terminal line: show years instead
    // (`timeline` and --json keep every bucket).
    if dated.len() > MAX_DATE_BUCKETS {
        dated = by_year(&dated);
        label = "Years".into();
    }
    if !dated.is_empty() {
        writeln!(out, "{}: {}", paint(&label, BOLD, color), facet_line(&dated))?;
    }
    Ok(())
}

/// Most date buckets shown on the facet line of `search`.
const MAX_DATE_BUCKETS: usize = 24;

/// Date buckets (`2023-09`, `2023-W37`, `2023-09-13`) summed per year.
fn by_year(buckets: &[FacetCount]) -> Vec<FacetCount> {
    let mut out: Vec<FacetCount> = Vec::new();
    for b in buckets {
        let year = b.value.get(..4).unwrap_or(&b.value);
        match out.last_mut() {
            Some(last) if last.value == year => last.count += b.count,
            _ => out.push(FacetCount {
                value: year.to_string(),
                count: b.count,
            }),
        }
    }
    out
}

/// A horizontal bar chart, one line per bucket.
pub fn timeline(out: &mut impl Write, t: &Timeline, width: usize) -> io::Result<()> {
    let noun = if t.total == 1 { "article" } else { "articles" };
    let by = format!("{:?}", t.interval).to_lowercase();
    writeln!(out, "{} {noun} match {:?}, by {by}", t.total, t.query)?;
    let max = t.buckets.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    for b in &t.buckets {
        // Eighths of a cell, so that small counts still show.
        let eighths = (b.count as f64 / max as f64 * (width * 8) as f64).round() as usize;
        let mut bar = "█".repeat(eighths / 8);
        if !eighths.is_multiple_of(8) {
            bar.push(['▏', '▎', '▍', '▌', '▋', '▊', '▉'][eighths % 8 - 1]);
        }
        writeln!(out, "{:>10} {:>7} {bar}", b.value, b.count)?;
    }
    if t.undated > 0 {
        writeln!(out, "{:>10} {:>7}", "undated", t.undated)?;
    }
    Ok(())
}

pub fn entities(out: &mut impl Write, r: &EntitiesResponse) -> io::Result<()> {
    writeln!(
        out,
        "Entities of the {} articles matching {:?} (of {} in the index)",
        r.total, r.query, r.articles
    )?;
    writeln!(
        out,
        "{:>9} {:>7} {:>7}  {:<7} name",
        "score", "matches", "corpus", "type"
    )?;
    for e in &r.entities {
        writeln!(
            out,
            "{:>9.4} {:>7} {:>7}  {:<7} {}",
            e.score,
            e.count,
            e.corpus_count,
            e.kind.as_str(),
            e.name
        )?;
    }
    Ok(())
}

pub fn duplicates(out: &mut impl Write, groups: &[DuplicateGroup], limit: usize) -> io::Result<()> {
    let articles: usize = groups.iter().map(|g| g.ids.len()).sum();
    writeln!(
        out,
        "{} groups of near-duplicates, {articles} articles in them",
        groups.len()
    )?;
    for g in groups.iter().take(limit) {
        writeln!(out, "\n{} copies:", g.ids.len())?;
        for (id, title) in g.ids.iter().zip(&g.titles) {
            writeln!(out, "  {id}  {title}")?;
        }
    }
    Ok(())
}

pub fn stats(out: &mut impl Write, path: &Path, s: &IndexStats) -> io::Result<()> {
    writeln!(
        out,
        "Index:     {} ({}, {} segment{})",
        path.display(),
        HumanBytes(s.index_bytes),
        s.segments,
        if s.segments == 1 { "" } else { "s" }
    )?;
    writeln!(out, "Articles:  {} ({} undated)", s.articles, s.undated)?;
    match (&s.first_date, &s.last_date) {
        (Some(a), Some(b)) => writeln!(out, "Dates:     {a} … {b}")?,
        _ => writeln!(out, "Dates:     none")?,
    }
    for kind in EntityKind::ALL {
        writeln!(
            out,
            "{:<15}{}",
            format!("{}:", kind_label(kind)),
            facet_line(s.top.of_kind(kind))
        )?;
    }
    Ok(())
}

pub fn index_summary(s: &IndexSummary) -> String {
    let mut line = format!(
        "{} article{} in the index; read {} file{} ({:.1} MB) in {:.2} s, {:.1} MB/s: {} added, {} updated, {} removed, {} unchanged",
        s.articles,
        if s.articles == 1 { "" } else { "s" },
        s.files,
        if s.files == 1 { "" } else { "s" },
        s.bytes as f64 / 1e6,
        s.seconds,
        s.mb_per_sec,
        s.added,
        s.updated,
        s.removed,
        s.unchanged
    );
    if s.full {
        line.push_str(" (full rebuild)");
    }
    if s.ignored > 0 {
        let kinds: Vec<String> = s
            .ignored_by_extension
            .iter()
            .map(|(ext, n)| match ext.as_str() {
                "" => format!("no extension: {n}"),
                ext => format!(".{ext}: {n}"),
            })
            .collect();
        line.push_str(&format!(
            "; {} files ignored as not articles ({})",
            s.ignored,
            kinds.join(", ")
        ));
    }
    // A repaired file was indexed: it is noted, not counted as skipped.
    let repaired = s.skipped_by_reason.get("invalid_bytes").copied().unwrap_or(0);
    let skipped: u64 = s.skipped_by_reason.values().sum::<u64>() - repaired;
    if skipped > 0 {
        let reasons: Vec<String> = s
            .skipped_by_reason
            .iter()
            .filter(|(k, _)| k.as_str() != "invalid_bytes")
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        line.push_str(&format!("; skipped {skipped} ({})", reasons.join(", ")));
    }
    if repaired > 0 {
        line.push_str(&format!("; {repaired} indexed with invalid bytes replaced"));
    }
    for sk in s.skipped.iter().take(5) {
        let at = sk.line.map(|l| format!(":{l}")).unwrap_or_default();
        let (path, reason) = (
            printable(&sk.path),
            printable(&sk.reason.to_string()).into_owned(),
        );
        let verb = if matches!(sk.reason, newsdex::ingest::SkipReason::InvalidBytes(_)) {
            "note"
        } else {
            "skipped"
        };
        line.push_str(&format!("\n  {verb} {path}{at}: {reason}"));
    }
    if s.skipped.len() > 5 {
        line.push_str(&format!("\n  … and {} more (see --json)", s.skipped.len() - 5));
    }
    if s.articles == 0 && s.files == 0 && s.ignored > 0 {
        line.push_str(
            "\n  no article files found: newsdex reads .txt, .md, .json, .jsonl, .html, .rss, .atom and .xml \
             (each also as .gz); convert PDF or office files to text first",
        );
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_in_names_are_escaped() {
        assert_eq!(printable("a\u{1b}[31mred.txt"), "a\\u{1b}[31mred.txt");
        assert_eq!(printable("plain é.txt"), "plain é.txt");
    }

    #[test]
    fn long_date_facets_fold_into_years() {
        let f = |v: &str, n| FacetCount {
            value: v.into(),
            count: n,
        };
        let months = [
            f("2022-11", 1),
            f("2022-12", 2),
            f("2023-01", 3),
            f("2023-W02", 4),
        ];
        assert_eq!(by_year(&months), [f("2022", 3), f("2023", 7)]);
    }
}
