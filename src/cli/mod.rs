//! Command-line front end: argument definitions, dispatch, exit codes. The
//! work itself is done by the library; [`render`] turns its answers into
//! text for people.

mod progress;
mod render;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use newsdex::{dates, index_corpus, index_exists, IndexOptions, NewsIndex, SearchRequest, SortOrder};

const DEFAULT_CORPUS: &str = "corpus";
const DEFAULT_INDEX: &str = "index";

const EXIT_CODES: &str = "\
Exit status:
  0  success (files that were skipped are reported, not fatal)
  1  the work failed: unreadable corpus, missing or broken index, I/O error
  2  usage error: bad option, malformed query, invalid date
  3  with `index --strict`: the index was written, but some files were skipped
 75  another `newsdex index` (or `compact`) is writing this index; the message
     names it (pid, start time); `--wait` waits for it instead";

/// Search engine for news archives: index a folder of articles, then search
/// it with ranked, highlighted results filtered by date and by the people,
/// organisations and places the articles mention.
#[derive(Debug, Parser)]
#[command(name = "newsdex", version, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build or update the index from a corpus directory.
    ///
    /// Runs are incremental: only new and changed files are read, the
    /// articles of deleted files are removed, and a file whose size and
    /// modification time are unchanged is not even opened. `--full` rebuilds
    /// from scratch. A run may be killed at any moment: work is committed in
    /// batches, the index always opens as of its last commit, and the next
    /// run finishes the job. Searches keep working during a run.
    ///
    /// Formats, recognised by extension (a `.gz` suffix is read through):
    /// `.txt` (an optional ` date YYYY-MM-DD ` header or a block of
    /// `Title:`/`Date:`/`Source:`/`Author:`/`URL:` lines, then the text,
    /// paragraphs separated by blank lines); `.md` with YAML or TOML front
    /// matter; `.html` pages (the article's own text only); `.rss`/`.atom`
    /// feeds (each item an article); `.json` (an object or an array of
    /// objects) and `.jsonl`/`.ndjson` (one object per line), each record an
    /// article. Legacy encodings (Windows-1252, UTF-16 with BOM) are
    /// decoded. Empty, binary or broken files (and broken JSONL lines) are
    /// skipped and reported; other extensions are ignored and counted.
    #[command(after_help = EXIT_CODES)]
    Index(IndexArgs),
    /// Search the index.
    ///
    /// All terms are required; "quoted phrases" match in order;
    /// `title:word`, `body:word`, `person:"Kim Jong Un"`, `org:kcna` and
    /// `place:japan` search one field. Examples:
    ///
    ///   newsdex search "ballistic missile"
    ///
    ///   newsdex search "crude oil" --since 1987-03-01 --until 1987-03-31 --sort date
    ///
    ///   newsdex search missile --person "Kim Jong Un" --place Japan --json
    #[command(after_help = EXIT_CODES, verbatim_doc_comment)]
    Search(SearchArgs),
    /// Show what an index holds: counts, date range, size, top entities.
    #[command(after_help = EXIT_CODES)]
    Stats(StatsArgs),
    /// Merge the index's segments into one (after many incremental runs).
    #[command(after_help = EXIT_CODES)]
    Compact(CompactArgs),
    /// Print the named entities of a text, as JSON with byte spans.
    ///
    /// With `--conll FILE`, read CoNLL-2003 columns (token first, tag last)
    /// and print `token gold predicted` lines, to score with conlleval.
    #[command(after_help = EXIT_CODES)]
    Tag(TagArgs),
}

#[derive(Debug, Args)]
struct TagArgs {
    /// Text file to tag ("-" or nothing: standard input).
    file: Option<PathBuf>,
    /// Read CoNLL-2003 columns from this file instead.
    #[arg(long, value_name = "FILE", conflicts_with = "file")]
    conll: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct CompactArgs {
    #[command(flatten)]
    location: IndexLocation,
    /// Wait for a running writer instead of exiting with status 75.
    #[arg(long)]
    wait: bool,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct IndexLocation {
    /// Index directory [default: ./index]
    #[arg(long, value_name = "DIR")]
    index: Option<PathBuf>,
}

impl IndexLocation {
    fn path(&self) -> &Path {
        self.index.as_deref().unwrap_or(Path::new(DEFAULT_INDEX))
    }
}

#[derive(Debug, Args)]
struct IndexArgs {
    /// Directory of articles to index.
    #[arg(default_value = DEFAULT_CORPUS)]
    corpus: PathBuf,
    #[command(flatten)]
    location: IndexLocation,
    /// Print the run summary (with every skipped file) as JSON on stdout.
    #[arg(long)]
    json: bool,
    /// Indexing threads [default: one per core]
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Memory for tantivy's indexing buffers, in MB.
    #[arg(long, value_name = "MB", default_value_t = 256)]
    memory_mb: usize,
    /// Skip files larger than this, in MB.
    #[arg(long, value_name = "MB", default_value_t = 32)]
    max_file_mb: u64,
    /// Name the JSON field that holds an article field, for unusual layouts
    /// (repeatable): `--field title=hed --field body=txt`. Fields: id, title,
    /// body, date, url, source, author.
    #[arg(long, value_name = "FIELD=NAME", value_parser = parse_field)]
    field: Vec<(String, String)>,
    /// Exit with status 3 when any file (or JSONL line) was skipped, for
    /// scheduled runs that must alert.
    #[arg(long)]
    strict: bool,
    /// How to find people, organisations and places: the trained tagger,
    /// the older rule-based extractor, or none (fastest).
    #[arg(long, value_enum, default_value = "tagger")]
    entities: EntityChoice,
    /// Rebuild from scratch instead of updating what changed.
    #[arg(long)]
    full: bool,
    /// When another process is writing this index, wait for it instead of
    /// exiting with status 75.
    #[arg(long)]
    wait: bool,
    /// Commit after every N files read, so that an interrupted run keeps
    /// its work.
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    commit_every: u64,
    /// Stay running: watch the corpus and index changes a second after they
    /// settle (Ctrl-C to stop).
    #[arg(long)]
    watch: bool,
}

fn parse_field(s: &str) -> Result<(String, String), String> {
    let (field, name) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?} is not FIELD=NAME"))?;
    newsdex::ingest::FieldMap::default().set(field, name)?;
    Ok((field.to_string(), name.to_string()))
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum EntityChoice {
    Tagger,
    Rules,
    None,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Sort {
    /// Best match first (BM25, title matches weigh double).
    Relevance,
    /// Newest first; undated articles last.
    Date,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
struct SearchArgs {
    /// What to search for ("*" for every article).
    query: String,
    #[command(flatten)]
    location: IndexLocation,
    /// Only articles dated on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Only articles dated on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// Only articles mentioning this person (repeatable: all must match).
    #[arg(long, value_name = "NAME")]
    person: Vec<String>,
    /// Only articles mentioning this organisation (repeatable).
    #[arg(long, value_name = "NAME")]
    org: Vec<String>,
    /// Only articles mentioning this place (repeatable).
    #[arg(long, value_name = "NAME")]
    place: Vec<String>,
    /// Result order.
    #[arg(long, value_enum, default_value = "relevance")]
    sort: Sort,
    /// Number of results to show.
    #[arg(long, short = 'n', default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    limit: u32,
    /// Number of results to skip (for paging).
    #[arg(long, default_value_t = 0)]
    offset: u32,
    /// Print the response as JSON (the contract documented in README.md).
    #[arg(long)]
    json: bool,
    /// Highlight matches with colour.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
}

#[derive(Debug, Args)]
struct StatsArgs {
    #[command(flatten)]
    location: IndexLocation,
    /// Print as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs a parsed command line and returns the process exit status.
pub fn run(cli: Cli) -> i32 {
    let result = match cli.command {
        Command::Index(a) => cmd_index(a),
        Command::Search(a) => cmd_search(a),
        Command::Stats(a) => cmd_stats(a),
        Command::Compact(a) => cmd_compact(a),
        Command::Tag(a) => cmd_tag(a),
    };
    match result {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => 0,
        Err(err) => {
            eprintln!("newsdex: {err:#}");
            match err.downcast_ref::<newsdex::Error>() {
                Some(e) if e.is_usage() => 2,
                Some(newsdex::Error::Busy { .. }) => 75,
                _ => 1,
            }
        }
    }
}

/// Output cut short by the reader (`newsdex search x | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        let io = e.downcast_ref::<std::io::Error>().map(std::io::Error::kind);
        let json = e
            .downcast_ref::<serde_json::Error>()
            .and_then(serde_json::Error::io_error_kind);
        io.or(json) == Some(std::io::ErrorKind::BrokenPipe)
    })
}

fn cmd_index(a: IndexArgs) -> Result<i32> {
    let mut fields = newsdex::ingest::FieldMap::default();
    for (field, name) in &a.field {
        fields.set(field, name).map_err(anyhow::Error::msg)?;
    }
    let opts = IndexOptions {
        fields,
        memory_budget: a.memory_mb * 1024 * 1024,
        threads: a.threads.unwrap_or(0),
        max_file_bytes: a.max_file_mb * 1024 * 1024,
        full: a.full,
        wait: a.wait,
        commit_every: a.commit_every as usize,
        extractor: match a.entities {
            EntityChoice::Tagger => std::sync::Arc::new(newsdex::TaggerExtractor::shipped()),
            EntityChoice::Rules => std::sync::Arc::new(newsdex::RuleExtractor::new()),
            EntityChoice::None => std::sync::Arc::new(newsdex::NoEntities),
        },
    };
    // One JSON object per line, so that `--watch --json` is a stream.
    let report = |summary: &newsdex::IndexSummary| {
        if a.json {
            println!("{}", serde_json::to_string(summary).expect("summary serialises"));
        } else {
            eprintln!("{}", render::index_summary(summary));
        }
    };
    if a.watch {
        newsdex::watch::watch(&a.corpus, a.location.path(), &opts, |result| match result {
            Ok(summary) => report(&summary),
            Err(e) => eprintln!("newsdex: {e}"),
        })?;
        return Ok(0);
    }
    let summary = index_corpus(&a.corpus, a.location.path(), &opts, &progress::Bar::new())?;
    report(&summary);
    Ok(if a.strict && !summary.skipped.is_empty() {
        3
    } else {
        0
    })
}

fn cmd_tag(a: TagArgs) -> Result<i32> {
    use newsdex::entities::perceptron::{read_conll, TAGS};
    use newsdex::{EntityExtractor, TaggerExtractor};
    let read = |p: &Path| std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()));
    let tagger = TaggerExtractor::shipped();
    let mut out = std::io::stdout().lock();
    if let Some(path) = &a.conll {
        let data = read_conll(&read(path)?);
        let mut start = 0;
        while start < data.len() {
            let end = (start..data.len())
                .find(|&i| data[i].doc != data[start].doc)
                .unwrap_or(data.len());
            let words: Vec<&[String]> = data[start..end].iter().map(|s| s.words.as_slice()).collect();
            for (s, pred) in data[start..end].iter().zip(tagger.model().tag_document(&words)) {
                for ((w, g), p) in s.words.iter().zip(&s.tags).zip(pred) {
                    writeln!(out, "{w} {} {}", TAGS[*g], TAGS[p])?;
                }
                writeln!(out)?;
            }
            start = end;
        }
        return Ok(0);
    }
    let text = match &a.file {
        Some(p) if p.as_os_str() != "-" => read(p)?,
        _ => std::io::read_to_string(std::io::stdin()).context("cannot read standard input")?,
    };
    let mentions = tagger.extract(&text);
    let entities = newsdex::Entities::from_mentions(&mentions);
    serde_json::to_writer_pretty(
        &mut out,
        &serde_json::json!({"entities": entities, "mentions": mentions}),
    )?;
    writeln!(out)?;
    Ok(0)
}

fn cmd_compact(a: CompactArgs) -> Result<i32> {
    let s = newsdex::compact(a.location.path(), a.wait)?;
    if a.json {
        println!("{}", serde_json::to_string(&s)?);
    } else {
        eprintln!(
            "Compacted {} segments into {} in {:.2} s",
            s.segments_before, s.segments_after, s.seconds
        );
    }
    Ok(0)
}

/// Builds the default index from the default corpus when neither exists
/// yet, so that a first `newsdex search` in a checkout just works.
fn ensure_default_index(location: &IndexLocation) -> Result<()> {
    if location.index.is_some() || index_exists(Path::new(DEFAULT_INDEX)) {
        return Ok(());
    }
    let corpus = Path::new(DEFAULT_CORPUS);
    if !corpus.is_dir() {
        return Ok(());
    }
    eprintln!("newsdex: no index at ./{DEFAULT_INDEX} yet; building it from ./{DEFAULT_CORPUS} first");
    let summary = index_corpus(
        corpus,
        Path::new(DEFAULT_INDEX),
        &IndexOptions::default(),
        &progress::Bar::new(),
    )
    .context("building the default index")?;
    eprintln!("{}", render::index_summary(&summary));
    Ok(())
}

fn cmd_search(a: SearchArgs) -> Result<i32> {
    ensure_default_index(&a.location)?;
    let index = NewsIndex::open(a.location.path())?;
    let mut req = SearchRequest::new(a.query.clone())
        .sort(match a.sort {
            Sort::Relevance => SortOrder::Relevance,
            Sort::Date => SortOrder::Date,
        })
        .limit(a.limit as usize)
        .offset(a.offset as usize);
    if let Some(s) = &a.since {
        req = req.since(dates::parse_user_date("--since", s)?);
    }
    if let Some(u) = &a.until {
        req = req.until(dates::parse_user_date("--until", u)?);
    }
    req.person = a.person;
    req.org = a.org;
    req.place = a.place;
    let response = index.search(&req)?;
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &response)?;
        writeln!(out)?;
    } else {
        let color = match a.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        };
        render::search_response(&mut out, &response, req.offset, color)?;
    }
    Ok(0)
}

fn cmd_stats(a: StatsArgs) -> Result<i32> {
    let index = NewsIndex::open(a.location.path())?;
    let stats = index.stats()?;
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &stats)?;
        writeln!(out)?;
    } else {
        render::stats(&mut out, index.path(), &stats)?;
    }
    Ok(0)
}
