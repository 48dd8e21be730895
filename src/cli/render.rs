//! Text output for people: search hits, facets, stats, run summaries.

use std::io::{self, Write};
use std::path::Path;

use indicatif::DecimalBytes;
use newsdex::search::{DuplicateGroup, EntitiesResponse, Timeline};
use newsdex::{ArticleView, EntityKind, FacetCount, IndexStats, IndexSummary, SearchResponse};

const BOLD: &str = "\x1b[1m";
const MARK: &str = "\x1b[1;33m";
const DIM: &str = "\x1b[2m";
const BAR: &str = "\x1b[36m";
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

/// Where text output wraps: at the terminal's width, or nowhere when
/// stdout is a pipe or a file (a script reads whole lines, as from ripgrep).
#[derive(Clone, Copy, Debug)]
pub struct Width(pub Option<usize>);

impl Width {
    /// The width of the terminal on stdout (`COLUMNS` when set), or none.
    pub fn of_stdout() -> Width {
        use std::io::IsTerminal;
        Width::of(io::stdout().is_terminal())
    }

    /// The same for stderr, where progress and run summaries go.
    pub fn of_stderr() -> Width {
        use std::io::IsTerminal;
        Width::of(io::stderr().is_terminal())
    }

    fn of(terminal: bool) -> Width {
        if !terminal {
            return Width(None);
        }
        let columns = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok());
        let size = || terminal_size::terminal_size().map(|(w, _)| w.0 as usize);
        Width(columns.or_else(size).filter(|w| *w >= 20))
    }

    /// A report of several lines, each filled, the ones after the first
    /// indented under it.
    pub fn fill_report(&self, text: &str) -> String {
        text.lines()
            .enumerate()
            .map(|(i, line)| {
                let body = line.trim_start();
                let indent = &line[..line.len() - body.len()];
                if i == 0 {
                    self.fill(body, "", "  ")
                } else {
                    self.fill(body, indent, &format!("{indent}  "))
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// `text` filled to the width: `first` before its first line, `rest`
    /// before the others; words longer than a line are broken, so that no
    /// line is wider than the terminal.
    pub fn fill(&self, text: &str, first: &str, rest: &str) -> String {
        match self.0 {
            None => format!("{first}{text}"),
            Some(w) => textwrap::fill(
                text,
                textwrap::Options::new(w)
                    .initial_indent(first)
                    .subsequent_indent(rest)
                    .break_words(true),
            ),
        }
    }
}

/// The snippet without the title it starts with: a title made of the first
/// sentence would otherwise be printed twice.
fn without_title<'a>(title: &str, snippet: &'a str, highlights: &[[usize; 2]]) -> (&'a str, Vec<[usize; 2]>) {
    let t = title.trim().trim_end_matches(['.', '…']);
    let cut = snippet
        .get(..t.len())
        .filter(|head| t.len() >= 20 && head.eq_ignore_ascii_case(t))
        .map(|_| {
            let rest = &snippet[t.len()..];
            t.len() + (rest.len() - rest.trim_start_matches(['.', ' ', ':', '-', '—']).len())
        });
    match cut {
        Some(n) if n < snippet.len() => {
            let hs = highlights
                .iter()
                .filter(|h| h[0] >= n)
                .map(|h| [h[0] - n, h[1] - n])
                .collect();
            (&snippet[n..], hs)
        }
        _ => (snippet, highlights.to_vec()),
    }
}

pub fn search_response(
    out: &mut impl Write,
    r: &SearchResponse,
    offset: usize,
    color: bool,
    width: Width,
    corpus: Option<&Path>,
) -> io::Result<()> {
    let noun = if r.total == 1 { "article" } else { "articles" };
    for note in &r.notes {
        writeln!(out, "{}", width.fill(&format!("note: {note}"), "", "  "))?;
    }
    let head = match &r.corrected_query {
        Some(c) => format!(
            "No article matches {:?}; showing the {} {noun} matching {:?} ({:.1} ms)",
            r.query, r.total, c, r.took_ms
        ),
        None => format!("{} {noun} match {:?} ({:.1} ms)", r.total, r.query, r.took_ms),
    };
    writeln!(out, "{}", width.fill(&head, "", "  "))?;
    if let Some(relaxed) = &r.relaxed {
        let line = format!(
            "{} with every word; then those without {}",
            relaxed.strict_total,
            relaxed
                .dropped
                .iter()
                .map(|w| format!("{w:?}"))
                .collect::<Vec<_>>()
                .join(", then also without ")
        );
        writeln!(out, "{}", width.fill(&line, "  ", "    "))?;
    }
    if r.corrected_query.is_none() {
        if let Some(d) = &r.did_you_mean {
            let line = format!("Did you mean {d:?}?");
            writeln!(out, "{}", width.fill(&paint(&line, BOLD, color), "", "  "))?;
        }
    }
    for w in r.without.iter().filter(|w| w.total > 0) {
        let line = format!(
            "Without the {} filter {:?}: {} article{}",
            w.filter,
            w.value,
            w.total,
            if w.total == 1 { "" } else { "s" }
        );
        writeln!(out, "{}", width.fill(&line, "  ", "    "))?;
    }
    if r.hits.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    for (i, hit) in r.hits.iter().enumerate() {
        let date = hit.date.as_deref().unwrap_or("undated");
        let number = format!("{:>3}. ", offset + i + 1);
        // Painted after wrapping: escapes do not count as width.
        let title = width.fill(&format!("{}  {date}", printable(&hit.title)), &number, "     ");
        let (title, when) = title.rsplit_once(date).unwrap_or((&title, ""));
        writeln!(
            out,
            "{}{}{}",
            paint_lines(title, BOLD, color),
            paint(date, DIM, color),
            when
        )?;
        let (snippet, highlights) = without_title(&hit.title, &hit.snippet, &hit.highlights);
        if !snippet.is_empty() {
            let text = marked_snippet(snippet, &highlights, color);
            writeln!(out, "{}", width.fill(&text, "     ", "     "))?;
        }
        let path = match corpus {
            Some(root) => root.join(&hit.path).display().to_string(),
            None => hit.path.clone(),
        };
        let path = width.fill(&printable(&path), "     ", "     ");
        writeln!(out, "{}", paint_lines(&path, DIM, color))?;
        let mut names = Vec::new();
        for kind in EntityKind::ALL {
            let of_kind = hit.entities.of_kind(kind);
            if !of_kind.is_empty() {
                let shown: Vec<&str> = of_kind.iter().take(4).map(String::as_str).collect();
                names.push(format!(
                    "{}: {}",
                    kind_label(kind).to_lowercase(),
                    shown.join(", ")
                ));
            }
        }
        if !hit.similar.is_empty() {
            let shown: Vec<&str> = hit.similar.iter().take(5).map(String::as_str).collect();
            let more = if hit.similar.len() > 5 { ", …" } else { "" };
            names.push(format!(
                "+{} similar: {}{more}",
                hit.similar.len(),
                shown.join(", ")
            ));
        }
        if let Some(e) = &hit.explain {
            let mut why = format!(
                "score {:.2}: BM25 {:.2} × {:.2} (lede {:.2}, proximity {:.2})",
                e.score, e.first_stage, e.multiplier, e.lede, e.proximity
            );
            if !e.missing.is_empty() {
                why.push_str(&format!("; lacks {}", e.missing.join(", ")));
            }
            names.push(why);
        }
        for line in names {
            let line = width.fill(&printable(&line), "     ", "       ");
            writeln!(out, "{}", paint_lines(&line, DIM, color))?;
        }
        writeln!(out)?;
    }
    let facet = |out: &mut dyn Write, label: &str, values: &[FacetCount]| -> io::Result<()> {
        if values.is_empty() {
            return Ok(());
        }
        let text = format!("{label}: {}", facet_line(values));
        let filled = width.fill(&printable(&text), "", "  ");
        // The label in bold: it is the first thing of the first line.
        let (l, rest) = filled.split_at(label.len().min(filled.len()));
        writeln!(out, "{}{rest}", paint(l, BOLD, color))
    };
    for kind in EntityKind::ALL {
        facet(out, kind_label(kind), r.facets.of_kind(kind))?;
    }
    if r.facets.estimated {
        writeln!(
            out,
            "{}",
            paint("(name counts estimated from a sample of the matches)", DIM, color)
        )?;
    }
    facet(out, "Sources", &r.facets.source)?;
    facet(out, "Authors", &r.facets.author)?;
    facet(out, "Tickers", &r.facets.ticker)?;
    let mut dated: Vec<FacetCount> = r.facets.dates.iter().filter(|f| f.count > 0).cloned().collect();
    let mut label = format!("{:?}s", r.facets.interval);
    // Decades of months do not fit a terminal line: show years instead
    // (`timeline` and --json keep every bucket).
    if dated.len() > MAX_DATE_BUCKETS {
        dated = by_year(&dated);
        label = "Years".into();
    }
    facet(out, &label, &dated)?;
    Ok(())
}

/// Each line of `text` painted apart, so that a style never runs into the
/// indent of the next line.
fn paint_lines(text: &str, style: &str, color: bool) -> String {
    if !color {
        return text.to_string();
    }
    text.split('\n')
        .map(|line| {
            let body = line.trim_start();
            let indent = &line[..line.len() - body.len()];
            format!("{indent}{}", paint(body, style, true))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The HTML of [`ArticleView`] as terminal text: `<mark>` in colour (or
/// dropped), entities unescaped.
fn html_to_terminal(html: &str, color: bool) -> String {
    let (open, close) = if color { (MARK, RESET) } else { ("", "") };
    html.replace("<mark>", open)
        .replace("</mark>", close)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// One article for reading in the terminal.
pub fn article(
    out: &mut impl Write,
    v: &ArticleView,
    query: &str,
    color: bool,
    width: Width,
    corpus: Option<&Path>,
) -> io::Result<()> {
    let a = &v.article;
    let title = printable(&html_to_terminal(&v.title_html, false)).into_owned();
    writeln!(out, "{}", paint_lines(&width.fill(&title, "", ""), BOLD, color))?;
    let mut meta = vec![a.date.map_or("undated".to_string(), |d| d.to_string())];
    meta.extend(a.source.clone());
    let credited = a.credited();
    if !credited.is_empty() {
        meta.push(format!("by {}", credited.join(", ")));
    }
    let meta = printable(&meta.join(" · ")).into_owned();
    writeln!(out, "{}", paint_lines(&width.fill(&meta, "", "  "), DIM, color))?;
    let path = match corpus {
        Some(root) => root.join(&a.path).display().to_string(),
        None => a.path.clone(),
    };
    let mut fields = vec![("File", path)];
    fields.extend(a.url.clone().map(|u| ("URL", u)));
    for kind in EntityKind::ALL {
        let names = a.entities.of_kind(kind);
        if !names.is_empty() {
            fields.push((kind_label(kind), names.join(", ")));
        }
    }
    if !a.tickers.is_empty() {
        fields.push(("Tickers", a.tickers.join(", ")));
    }
    if !v.duplicates.is_empty() {
        let copies: Vec<String> = v
            .duplicates
            .iter()
            .map(|d| format!("{} ({})", d.id, d.date.as_deref().unwrap_or("undated")))
            .collect();
        fields.push(("Copies", copies.join(", ")));
    }
    for (name, value) in fields {
        let line = printable(&format!("{name}: {value}")).into_owned();
        writeln!(out, "{}", paint_lines(&width.fill(&line, "", "  "), DIM, color))?;
    }
    if !query.is_empty() {
        let n = v.marked;
        writeln!(
            out,
            "{}",
            paint(
                &format!("{n} word{} marked for {query:?}", if n == 1 { "" } else { "s" }),
                DIM,
                color
            )
        )?;
    }
    // Control characters are escaped before the marks become colour.
    for para in v.body_html.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let flat = para.split_whitespace().collect::<Vec<_>>().join(" ");
        let text = html_to_terminal(&printable(&flat), color);
        writeln!(out)?;
        writeln!(out, "{}", width.fill(&text, "", ""))?;
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
pub fn timeline(out: &mut impl Write, t: &Timeline, width: usize, color: bool) -> io::Result<()> {
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
        writeln!(out, "{:>10} {:>7} {}", b.value, b.count, paint(&bar, BAR, color))?;
    }
    if t.undated > 0 {
        writeln!(out, "{:>10} {:>7}", "undated", t.undated)?;
    }
    Ok(())
}

pub fn entities(out: &mut impl Write, r: &EntitiesResponse, width: Width) -> io::Result<()> {
    let head = format!(
        "Entities of the {} articles matching {:?} (of {} in the index)",
        r.total, r.query, r.articles
    );
    writeln!(out, "{}", width.fill(&head, "", "  "))?;
    writeln!(
        out,
        "{:>9} {:>7} {:>7}  {:<7} name",
        "score", "matches", "corpus", "type"
    )?;
    for e in &r.entities {
        let row = format!(
            "{:>9.4} {:>7} {:>7}  {:<7} ",
            e.score,
            e.count,
            e.corpus_count,
            e.kind.as_str()
        );
        let indent = " ".repeat(row.len());
        writeln!(out, "{}", width.fill(&printable(&e.name), &row, &indent))?;
    }
    Ok(())
}

pub fn duplicates(
    out: &mut impl Write,
    groups: &[DuplicateGroup],
    limit: usize,
    width: Width,
) -> io::Result<()> {
    let articles: usize = groups.iter().map(|g| g.ids.len()).sum();
    writeln!(
        out,
        "{} groups of near-duplicates, {articles} articles in them",
        groups.len()
    )?;
    for g in groups.iter().take(limit) {
        writeln!(out, "\n{} copies:", g.ids.len())?;
        for (id, title) in g.ids.iter().zip(&g.titles) {
            let line = printable(&format!("{id}  {title}")).into_owned();
            writeln!(out, "{}", width.fill(&line, "  ", "    "))?;
        }
    }
    Ok(())
}

pub fn stats(out: &mut impl Write, path: &Path, s: &IndexStats, width: Width) -> io::Result<()> {
    let line = |out: &mut dyn Write, label: &str, value: &str| {
        let head = format!("{label:<11}");
        writeln!(out, "{}", width.fill(&printable(value), &head, "           "))
    };
    let size = format!(
        "{} ({}, {} segment{})",
        path.display(),
        DecimalBytes(s.index_bytes),
        s.segments,
        if s.segments == 1 { "" } else { "s" }
    );
    line(out, "Index:", &size)?;
    if let Some(corpus) = &s.corpus {
        line(out, "Corpus:", corpus)?;
    }
    if let Some(updated) = &s.updated {
        line(out, "Updated:", &format!("{updated} (index run {})", s.last_run))?;
    }
    line(
        out,
        "Articles:",
        &format!("{} ({} undated)", s.articles, s.undated),
    )?;
    match (&s.first_date, &s.last_date) {
        (Some(a), Some(b)) => line(out, "Dates:", &format!("{a} … {b}"))?,
        _ => line(out, "Dates:", "none")?,
    }
    for kind in EntityKind::ALL {
        let label = format!("{}:", kind_label(kind));
        writeln!(
            out,
            "{}",
            width.fill(
                &printable(&facet_line(s.top.of_kind(kind))),
                &format!("{label:<15}"),
                "               "
            )
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
