//! Command-line front end: argument definitions, dispatch, exit codes. The
//! work itself is done by the library; [`render`] turns its answers into
//! text for people.

mod progress;
mod render;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use newsdex::search::{EntitiesRequest, Interval, SimilarRequest, TimelineRequest};
use newsdex::{
    dates, index_corpus, index_exists, EntityKind, IndexOptions, NewsIndex, SearchRequest, SortOrder,
};

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
    /// Search the index: ranked articles with highlighted passages, and
    /// facet counts over all matches.
    ///
    /// Query language (operators in capitals):
    ///   ballistic missile            both words (AND is implied)
    ///   "ballistic missile"          the exact phrase; "…"~3 within 3 words
    ///   missile OR rocket            either; OR binds tighter than AND:
    ///                                `korea missile OR rocket` = korea AND (missile OR rocket)
    ///   NOT rocket   -rocket         without the word
    ///   (missile OR rocket) -test    grouping
    ///   title:missile  body:launch   one field
    ///   person:"Kim Jong Un"  org:kcna  place:japan  source:reuters
    ///                                an entity or source, by canonical name, any case
    ///   date:2023-09  date:2023  date:[2023-09-01 TO 2023-09-30]  date:{2023 TO *}
    ///   missil*                      words starting with "missil"
    ///   kremlin~1                    words within 1 edit (~2: two)
    ///
    /// Near-duplicates (wire copies, reprints) are shown once, with
    /// "+N similar" and their ids; --no-collapse lists them all.
    ///
    /// Examples:
    ///   newsdex search "ballistic missile"
    ///   newsdex search "crude oil" --since 1987-03 --until 1987-03 --sort date
    ///   newsdex search 'missile -test' --person "Kim Jong Un" --since 30d --json
    #[command(after_help = EXIT_CODES, verbatim_doc_comment)]
    Search(SearchArgs),
    /// Chart how many articles match a query per day, week, month or year.
    ///
    /// Example: newsdex timeline oil --by month --since 1987
    #[command(after_help = EXIT_CODES)]
    Timeline(TimelineArgs),
    /// The people, organisations and places most associated with a query's
    /// matches: who is in the news about X.
    ///
    /// Ranked by how much more often an entity appears in the matches than
    /// in the whole index, weighted by how often it appears:
    /// score = (m/M − c/C) × (m/M ÷ c/C), where m of the M matching articles
    /// and c of all C articles mention it. Entities in fewer than
    /// --min-count matches are left out. With no query, ranked by count.
    ///
    /// Example: newsdex entities oil --type person
    #[command(after_help = EXIT_CODES)]
    Entities(EntitiesArgs),
    /// Articles like a given one (more-like-this over title and body),
    /// without its own near-duplicates unless --include-duplicates.
    ///
    /// Example: newsdex similar reut-00042.txt
    #[command(after_help = EXIT_CODES)]
    Similar(SimilarArgs),
    /// List groups of near-duplicate articles (wire copies, reprints).
    #[command(after_help = EXIT_CODES)]
    Duplicates(DuplicatesArgs),
    /// Serve the JSON API and a search page over HTTP (read-only).
    ///
    /// Endpoints: GET / (the page), /api/search, /api/timeline,
    /// /api/entities, /api/similar/{id}, /api/articles/{id}, /api/stats,
    /// /healthz, and /api/openapi.json (the OpenAPI 3 document). Query
    /// parameters are those of the command line: q, since, until, person,
    /// org, place, source (repeatable), sort, limit, offset, fragments, by...
    /// Errors are JSON with the HTTP status: 400 bad query or parameter, 404
    /// unknown id, 413/414 oversized request, 503 no index yet, busy, or
    /// over the time budget. New commits of a running reindex are picked up
    /// without a restart. Stops cleanly on SIGTERM or Ctrl-C.
    ///
    /// Example: newsdex serve --index /srv/news-index --addr 127.0.0.1:7700
    #[command(after_help = EXIT_CODES)]
    Serve(ServeArgs),
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
    /// Indexing threads [default: one per core; one per two cores with the tagger]
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
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Filters shared by search, timeline and entities.
#[derive(Debug, Args)]
struct FilterArgs {
    /// Only articles dated on or after this day: 2023-09-13, 2023-09 (from
    /// the 1st), 2023, or relative: today, yesterday, 7d, 2w, 3m, 1y.
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Only articles dated on or before this day: 2023-09-13, 2023-09 (to
    /// the 30th), 2023, or relative: today, 7d, 2w, 3m, 1y.
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// Only articles mentioning this person, by canonical name in any case
    /// (repeatable: all must match). An unknown name lists close ones.
    #[arg(long, value_name = "NAME")]
    person: Vec<String>,
    /// Only articles mentioning this organisation (repeatable).
    #[arg(long, value_name = "NAME")]
    org: Vec<String>,
    /// Only articles mentioning this place (repeatable).
    #[arg(long, value_name = "NAME")]
    place: Vec<String>,
    /// Only articles from this source (repeatable).
    #[arg(long, value_name = "NAME")]
    source: Vec<String>,
}

impl FilterArgs {
    fn request(self, query: &str) -> Result<SearchRequest> {
        let today = dates::today();
        let mut req = SearchRequest::new(query);
        if let Some(s) = &self.since {
            req.since = Some(dates::parse_user_date("--since", s, dates::Side::Start, today)?);
        }
        if let Some(u) = &self.until {
            req.until = Some(dates::parse_user_date("--until", u, dates::Side::End, today)?);
        }
        req.person = self.person;
        req.org = self.org;
        req.place = self.place;
        req.source = self.source;
        Ok(req)
    }
}

#[derive(Debug, Args)]
struct TimelineArgs {
    /// What to count ("*" or nothing for every article).
    #[arg(default_value = "*")]
    query: String,
    #[command(flatten)]
    location: IndexLocation,
    #[command(flatten)]
    filters: FilterArgs,
    /// Bucket width.
    #[arg(long, value_enum, default_value = "month")]
    by: Interval,
    /// Print as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum KindArg {
    Person,
    Org,
    Place,
}

#[derive(Debug, Args)]
struct EntitiesArgs {
    /// Query whose matches to describe ("*" or nothing: the whole index).
    #[arg(default_value = "*")]
    query: String,
    #[command(flatten)]
    location: IndexLocation,
    #[command(flatten)]
    filters: FilterArgs,
    /// Only this kind of entity.
    #[arg(long = "type", value_enum)]
    kind: Option<KindArg>,
    /// Number of entities to list.
    #[arg(long, short = 'n', default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=1_000))]
    limit: u32,
    /// Leave out entities in fewer matching articles than this.
    #[arg(long, default_value_t = 2)]
    min_count: u64,
    /// Print as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct SimilarArgs {
    /// Id of the article (as shown by search).
    id: String,
    #[command(flatten)]
    location: IndexLocation,
    /// Number of results.
    #[arg(long, short = 'n', default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    limit: u32,
    /// Also list near-duplicates of the article itself.
    #[arg(long)]
    include_duplicates: bool,
    /// Print as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    location: IndexLocation,
    /// Address to listen on. Loopback by default: another address (such as
    /// 0.0.0.0:7700) makes the archive reachable from the network.
    #[arg(long, default_value = "127.0.0.1:7700")]
    addr: std::net::SocketAddr,
    /// Largest `limit` a request may ask for.
    #[arg(long, default_value_t = 100)]
    max_limit: usize,
    /// Largest `offset` a request may ask for.
    #[arg(long, default_value_t = 10_000)]
    max_offset: usize,
    /// Longest query text, in characters (longer: 414).
    #[arg(long, default_value_t = 1_000)]
    max_query_chars: usize,
    /// Time budget of one request, in milliseconds (over: 503).
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    timeout_ms: u64,
    /// Requests worked on at once [default: twice the cores]; others wait
    /// within their time budget.
    #[arg(long, value_name = "N")]
    max_concurrent: Option<usize>,
}

#[derive(Debug, Args)]
struct DuplicatesArgs {
    #[command(flatten)]
    location: IndexLocation,
    /// Groups to print (the count covers all).
    #[arg(long, short = 'n', default_value_t = 20)]
    limit: usize,
    /// Print every group as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct SearchArgs {
    /// What to search for ("*" for every article); see the query language
    /// above. A query starting with "-" goes after "--": `search -- -test`.
    query: String,
    #[command(flatten)]
    location: IndexLocation,
    #[command(flatten)]
    filters: FilterArgs,
    /// Result order: relevance (BM25, title matches weigh double), date
    /// (newest first, undated last), or recent (BM25 × 2^(−age/half-life),
    /// age counted from the newest article in the index).
    #[arg(long, value_enum, default_value = "relevance")]
    sort: SortOrder,
    /// Half-life of --sort recent, in days.
    #[arg(long, value_name = "DAYS", default_value_t = newsdex::search::HALF_LIFE_DAYS)]
    half_life: f64,
    /// Number of results to show.
    #[arg(long, short = 'n', default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    limit: u32,
    /// Number of results to skip (for paging; ties keep index order, so
    /// pages do not overlap).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=100_000))]
    offset: u32,
    /// Passages per snippet, joined by " … ".
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10))]
    fragments: u32,
    /// Longest passage, in bytes.
    #[arg(long, default_value_t = 240, value_parser = clap::value_parser!(u32).range(20..=5_000))]
    snippet_chars: u32,
    /// List near-duplicates as hits of their own.
    #[arg(long)]
    no_collapse: bool,
    /// Count people, organisations and places over every match. By default,
    /// past 1,024 matches (per index segment) they are estimated from an
    /// even sample and marked "≈"; match and date counts are always exact.
    #[arg(long)]
    exact_facets: bool,
    /// Bucket width of the date facet.
    #[arg(long, value_enum, default_value = "month")]
    by: Interval,
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
        Command::Timeline(a) => cmd_timeline(a),
        Command::Entities(a) => cmd_entities(a),
        Command::Similar(a) => cmd_similar(a),
        Command::Duplicates(a) => cmd_duplicates(a),
        Command::Serve(a) => cmd_serve(a),
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
        for (s, pred) in data.iter().zip(tagger.model().tag_sentences(&data)) {
            for ((w, g), p) in s.words.iter().zip(&s.tags).zip(pred) {
                writeln!(out, "{w} {} {}", TAGS[*g], TAGS[p])?;
            }
            writeln!(out)?;
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
    let mut req = a
        .filters
        .request(&a.query)?
        .sort(a.sort)
        .limit(a.limit as usize)
        .offset(a.offset as usize);
    req.half_life_days = a.half_life;
    req.fragments = a.fragments as usize;
    req.snippet_chars = a.snippet_chars as usize;
    req.collapse = !a.no_collapse;
    req.exact_facets = a.exact_facets;
    req.interval = a.by;
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

fn print_json(value: &impl serde::Serialize) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

fn cmd_timeline(a: TimelineArgs) -> Result<i32> {
    ensure_default_index(&a.location)?;
    let index = NewsIndex::open(a.location.path())?;
    let req = TimelineRequest {
        search: a.filters.request(&a.query)?,
        interval: a.by,
    };
    let t = index.timeline(&req)?;
    if a.json {
        print_json(&t)?;
    } else {
        let width = terminal_width().saturating_sub(24).clamp(10, 60);
        render::timeline(&mut std::io::stdout().lock(), &t, width)?;
    }
    Ok(0)
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(80)
}

fn cmd_entities(a: EntitiesArgs) -> Result<i32> {
    ensure_default_index(&a.location)?;
    let index = NewsIndex::open(a.location.path())?;
    let req = EntitiesRequest {
        search: a.filters.request(&a.query)?,
        kind: a.kind.map(|k| match k {
            KindArg::Person => EntityKind::Person,
            KindArg::Org => EntityKind::Org,
            KindArg::Place => EntityKind::Place,
        }),
        limit: a.limit as usize,
        min_count: a.min_count,
    };
    let r = index.associated_entities(&req)?;
    if a.json {
        print_json(&r)?;
    } else {
        render::entities(&mut std::io::stdout().lock(), &r)?;
    }
    Ok(0)
}

fn cmd_similar(a: SimilarArgs) -> Result<i32> {
    ensure_default_index(&a.location)?;
    let index = NewsIndex::open(a.location.path())?;
    let r = index.similar(&SimilarRequest {
        id: a.id,
        limit: a.limit as usize,
        include_duplicates: a.include_duplicates,
    })?;
    if a.json {
        print_json(&r)?;
    } else {
        render::search_response(&mut std::io::stdout().lock(), &r, 0, false)?;
    }
    Ok(0)
}

fn cmd_duplicates(a: DuplicatesArgs) -> Result<i32> {
    ensure_default_index(&a.location)?;
    let index = NewsIndex::open(a.location.path())?;
    let groups = index.duplicate_groups()?;
    if a.json {
        print_json(&groups)?;
    } else {
        render::duplicates(&mut std::io::stdout().lock(), &groups, a.limit)?;
    }
    Ok(0)
}

fn cmd_serve(a: ServeArgs) -> Result<i32> {
    use newsdex::server::{serve, Limits, ServeOptions};
    ensure_default_index(&a.location)?;
    if !a.addr.ip().is_loopback() {
        eprintln!(
            "newsdex: warning: listening on {}, reachable from other machines (the API is read-only)",
            a.addr
        );
    }
    let defaults = Limits::default();
    let limits = Limits {
        max_limit: a.max_limit.max(1),
        max_offset: a.max_offset,
        max_query_chars: a.max_query_chars.max(1),
        timeout: std::time::Duration::from_millis(a.timeout_ms.max(1)),
        max_concurrent: a.max_concurrent.unwrap_or(defaults.max_concurrent).max(1),
        ..defaults
    };
    let dir = a.location.path();
    serve(dir, &ServeOptions { addr: a.addr, limits }, |bound| {
        eprintln!(
            "newsdex: serving {} on http://{bound}/ (Ctrl-C or SIGTERM to stop)",
            dir.display()
        );
    })?;
    eprintln!("newsdex: stopped");
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
