//! The command line as clap parses it: every subcommand's options, their
//! help, and the exit-code table. Nothing here does work.

use std::path::{Path, PathBuf};

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use newsdex::{Filter, Interval, SortOrder};

/// Corpus indexed when none is given.
pub const DEFAULT_CORPUS: &str = "corpus";
/// Index used when none is given.
pub const DEFAULT_INDEX: &str = "index";

pub const EXIT_CODES: &str = "\
Exit status:
  0  success (files that were skipped are reported, not fatal)
  1  search: nothing matched (as grep); any command: the work failed
     (unreadable corpus, missing or broken index, I/O error; said on stderr)
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
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
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
    ///   author:"Leslie Adler"  ticker:XOM.N
    ///                                a credited author, a cited ticker code
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
    /// Keep searches by name: `saved add NAME QUERY [filters]`, `saved list`,
    /// `saved rm NAME`, `saved run NAME`. They live beside the index
    /// (saved-searches.json), for the CLI, the library and the server alike.
    ///
    /// Example: newsdex saved add opec "oil output" --org OPEC --since 30d
    #[command(after_help = EXIT_CODES, subcommand)]
    Saved(SavedCommand),
    /// The new matches of saved searches: the articles that index runs
    /// added or changed since each search last reported (or since
    /// --since-run N, or since a day). Lists them without marking them
    /// reported; `index --alerts` reports and marks.
    ///
    /// Example: newsdex alerts opec --since 2026-12-01
    #[command(after_help = EXIT_CODES)]
    Alerts(AlertsArgs),
    /// One row per line of a file of names or queries: matches, first and
    /// last date, and the names most often beside them. For the list of
    /// people or companies an investigation starts from.
    ///
    /// Example: newsdex batch names.txt --since 2010 --format csv
    #[command(after_help = EXIT_CODES)]
    Batch(BatchArgs),
    /// Write the whole enriched archive: every article with its entities,
    /// dates and near-duplicate group, as JSON lines or OpenSearch bulk
    /// upserts; or (--mapping opensearch) the index template for them.
    ///
    /// Example: newsdex export --format opensearch > bulk.ndjson
    #[command(after_help = EXIT_CODES)]
    Export(ExportArgs),
    /// Print one article: headline, date, source, authors, URL, file,
    /// people, organisations, places, near-duplicates, then its text.
    ///
    /// Example: newsdex show reut-00042.txt --query "oil prices"
    #[command(after_help = EXIT_CODES)]
    Show(ShowArgs),
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
    /// Credit lines ("Reporting by …; Editing by …", "By …"), the dateline's
    /// agency credit ("(Reuters)") and ticker codes ("( XOM.N )", ".DJI")
    /// are not the story and are never tagged; they are listed under
    /// "anatomy" (authors, dateline, agency, tickers). The dateline's place
    /// is a place of the article, and a name just before a ticker is an
    /// organisation.
    ///
    /// With `--conll FILE`, read CoNLL-2003 columns (token first, tag last)
    /// and print `token gold predicted` lines, to score with conlleval.
    #[command(after_help = EXIT_CODES)]
    Tag(TagArgs),
}

#[derive(Debug, Args)]
pub struct TagArgs {
    /// Text file to tag ("-" or nothing: standard input).
    pub file: Option<PathBuf>,
    /// Read CoNLL-2003 columns from this file instead.
    #[arg(long, value_name = "FILE", conflicts_with = "file")]
    pub conll: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompactArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// Wait for a running writer instead of exiting with status 75.
    #[arg(long)]
    pub wait: bool,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct IndexLocation {
    /// Index directory [default: ./index]
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
}

impl IndexLocation {
    /// The index directory, given or default.
    pub fn path(&self) -> &Path {
        self.index.as_deref().unwrap_or(Path::new(DEFAULT_INDEX))
    }
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Directory of articles to index.
    #[arg(default_value = DEFAULT_CORPUS)]
    pub corpus: PathBuf,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Print the run summary (with every skipped file) as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// After the run, report each saved search's new matches (the articles
    /// this run, or a killed run before it, added or changed) and mark them
    /// reported. With --json, one JSON line per search after the summary.
    #[arg(long)]
    pub alerts: bool,
    /// With --alerts: run CMD (through sh -c) once per saved search with
    /// new matches, its alert as JSON on stdin and NEWSDEX_SEARCH set to
    /// its name. A command that fails leaves the alerts unreported.
    #[arg(long, value_name = "CMD", requires = "alerts")]
    pub alert_cmd: Option<String>,
    /// Indexing threads [default: one per core; one per two cores with the tagger]
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Memory for tantivy's indexing buffers, in MB.
    #[arg(long, value_name = "MB", default_value_t = 256)]
    pub memory_mb: usize,
    /// Skip files larger than this, in MB; a compressed file (.gz) is also
    /// skipped when it decompresses to more than this.
    #[arg(long, value_name = "MB", default_value_t = 32)]
    pub max_file_mb: u64,
    /// Index at most N articles of one file (a JSONL or feed dump); the rest
    /// are reported as skipped.
    #[arg(long, value_name = "N", default_value_t = newsdex::ingest::DEFAULT_MAX_ARTICLES_PER_FILE as u64,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_articles_per_file: u64,
    /// Give up on a file that takes longer than this to parse and tag, in
    /// seconds, and report it; the files beside it are indexed.
    #[arg(long, value_name = "S", default_value_t = newsdex::DEFAULT_SECONDS_PER_FILE,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_seconds_per_file: u64,
    /// Follow every symbolic link, also those leading out of the corpus. By
    /// default a link whose target is outside the corpus is not read and is
    /// reported as skipped (link_outside).
    #[arg(short = 'L', long)]
    pub follow_links: bool,
    /// Name the JSON field that holds an article field, for unusual layouts
    /// (repeatable): `--field title=hed --field body=txt`. Fields: id, title,
    /// body, date, url, source, author.
    #[arg(long, value_name = "FIELD=NAME", value_parser = parse_field)]
    pub field: Vec<(String, String)>,
    /// Exit with status 3 when any file (or JSONL line) was skipped, for
    /// scheduled runs that must alert.
    #[arg(long)]
    pub strict: bool,
    /// How to find people, organisations and places: the trained tagger,
    /// the older rule-based extractor, or none (fastest).
    #[arg(long, value_enum, default_value = "tagger")]
    pub entities: EntityChoice,
    /// Rebuild from scratch instead of updating what changed. The rebuild is
    /// written beside the live index and committed once, at its end:
    /// searches see the old index until then, and a killed rebuild leaves it.
    #[arg(long)]
    pub full: bool,
    /// When another process is writing this index, wait for it instead of
    /// exiting with status 75.
    #[arg(long)]
    pub wait: bool,
    /// Commit after every N files read, so that an interrupted run keeps
    /// its work (not with --full, which commits once).
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub commit_every: u64,
    /// Stay running: watch the corpus and index changes a second after they
    /// settle (Ctrl-C to stop).
    #[arg(long)]
    pub watch: bool,
}

/// A listening address: a socket address, a host name with a port, or a
/// port alone (on loopback).
fn parse_addr(s: &str) -> Result<std::net::SocketAddr, String> {
    use std::net::ToSocketAddrs;
    if let Ok(port) = s.parse::<u16>() {
        return Ok(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
    }
    if let Ok(addr) = s.parse() {
        return Ok(addr);
    }
    match s.to_socket_addrs() {
        // localhost may be ::1 first; loopback IPv4 is what users expect.
        Ok(mut addrs) => {
            let all: Vec<_> = addrs.by_ref().collect();
            all.iter()
                .find(|a| a.is_ipv4())
                .or(all.first())
                .copied()
                .ok_or_else(|| format!("{s:?} names no address"))
        }
        Err(e) => Err(format!("{s:?} is not HOST:PORT or a port ({e})")),
    }
}

fn parse_field(s: &str) -> Result<(String, String), String> {
    let (field, name) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?} is not FIELD=NAME"))?;
    newsdex::ingest::FieldMap::default().set(field, name)?;
    Ok((field.to_string(), name.to_string()))
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EntityChoice {
    Tagger,
    Rules,
    None,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Filters shared by search, timeline and entities.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only articles dated on or after this day: 2023-09-13, 2023-09 (from
    /// the 1st), 2023, or relative: today, yesterday, 7d, 2w, 3m, 1y.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only articles dated on or before this day: 2023-09-13, 2023-09 (to
    /// the 30th), 2023, or relative: today, 7d, 2w, 3m, 1y.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only articles mentioning this person, by canonical name in any case
    /// (repeatable: all must match). An unknown name lists close ones.
    #[arg(long, value_name = "NAME")]
    pub person: Vec<String>,
    /// Only articles mentioning this organisation (repeatable).
    #[arg(long, value_name = "NAME")]
    pub org: Vec<String>,
    /// Only articles mentioning this place (repeatable).
    #[arg(long, value_name = "NAME")]
    pub place: Vec<String>,
    /// Only articles from this source (repeatable).
    #[arg(long, value_name = "NAME")]
    pub source: Vec<String>,
    /// Only articles credited to this author: a byline or a credit line
    /// such as "Reporting by …" (repeatable: all must match).
    #[arg(long, value_name = "NAME")]
    pub author: Vec<String>,
    /// Only articles citing this ticker code, such as XOM.N or .DJI
    /// (repeatable).
    #[arg(long, value_name = "CODE")]
    pub ticker: Vec<String>,
}

impl FilterArgs {
    /// The library's filter of `query` and these options.
    pub fn filter(self, query: &str) -> newsdex::Result<Filter> {
        let mut f = Filter::new(query).with_user_dates(
            self.since.as_deref(),
            self.until.as_deref(),
            ["--since", "--until"],
        )?;
        f.person = self.person;
        f.org = self.org;
        f.place = self.place;
        f.source = self.source;
        f.author = self.author;
        f.ticker = self.ticker;
        Ok(f)
    }
}

/// `--sort`'s values, each with the line `--help` shows for it.
fn sort_order() -> impl TypedValueParser<Value = SortOrder> {
    let help = |s: SortOrder| match s {
        SortOrder::Relevance => "BM25 over title (boosted) and body, best first",
        SortOrder::Date => "Newest first; undated articles last; ties by relevance",
        SortOrder::Recent => {
            "BM25 times 2^(-age / half-life): an article one half-life older needs twice the relevance to \
             rank level (age counted back from the newest article in the index, so an old archive ranks \
             the same way)"
        }
    };
    let values = SortOrder::ALL.map(|s| PossibleValue::new(s.as_str()).help(help(s)));
    PossibleValuesParser::new(values).map(|s| s.parse().expect("a listed order"))
}

/// `--by`'s values.
fn interval() -> impl TypedValueParser<Value = Interval> {
    let values = Interval::ALL.map(|i| match i {
        Interval::Week => PossibleValue::new(i.as_str()).help("ISO weeks, `2023-W37`"),
        _ => PossibleValue::new(i.as_str()),
    });
    PossibleValuesParser::new(values).map(|s| s.parse().expect("a listed interval"))
}

#[derive(Debug, Args)]
pub struct TimelineArgs {
    /// What to count ("*" or nothing for every article).
    #[arg(default_value = "*")]
    pub query: String,
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Bucket width.
    #[arg(long, value_parser = interval(), default_value = "month")]
    pub by: Interval,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
    /// Colour the bars.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Write csv: period, matches, articles (all of the period), share.
    #[arg(long, value_name = "FORMAT", value_parser = ["csv"], conflicts_with = "json")]
    pub format: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Person,
    Org,
    Place,
}

#[derive(Debug, Args)]
pub struct EntitiesArgs {
    /// Query whose matches to describe ("*" or nothing: the whole index).
    #[arg(default_value = "*")]
    pub query: String,
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Only this kind of entity.
    #[arg(long = "type", value_enum)]
    pub kind: Option<KindArg>,
    /// Number of entities to list.
    #[arg(long, short = 'n', default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=1_000))]
    pub limit: u32,
    /// Leave out entities in fewer matching articles than this.
    #[arg(long, default_value_t = 2)]
    pub min_count: u64,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
    /// Write csv: type, name, matches, corpus, score.
    #[arg(long, value_name = "FORMAT", value_parser = ["csv"], conflicts_with = "json")]
    pub format: Option<String>,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// A file of names or queries, one per line (blank lines and lines
    /// starting with # are skipped). A line that is a person's,
    /// organisation's or place's name in the index (in that order) counts
    /// the articles naming them, as --person etc. would; any other line is
    /// a query.
    pub file: PathBuf,
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// csv (one row per line) or json (one array).
    #[arg(long, value_parser = ["csv", "json"], default_value = "csv")]
    pub format: String,
    /// Co-mentioned names listed per kind.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub top: usize,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// jsonl: every article with its entities, dates and duplicate group;
    /// opensearch: the same as bulk NDJSON upserts for OpenSearch or
    /// Elasticsearch (`_id` the article id).
    #[arg(long, value_parser = ["jsonl", "opensearch"], default_value = "jsonl", conflicts_with = "mapping")]
    pub format: String,
    /// Print the index template that maps every exported field, instead.
    #[arg(long, value_parser = ["opensearch"])]
    pub mapping: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum SavedCommand {
    /// Save a search: its query and every filter `search` takes. Its
    /// alerts start with the next index run.
    Add(Box<SavedAddArgs>),
    /// List the saved searches.
    List(SavedListArgs),
    /// Remove a saved search.
    Rm(SavedNameArgs),
    /// Run a saved search as `search` would.
    Run(SavedNameArgs),
}

#[derive(Debug, Args)]
pub struct SavedAddArgs {
    /// Its name: letters, digits, '-', '_' or '.'.
    pub name: String,
    /// The query ("*" for every article).
    #[arg(allow_hyphen_values = true)]
    pub query: String,
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Replace a saved search of the same name.
    #[arg(long)]
    pub replace: bool,
}

#[derive(Debug, Args)]
pub struct SavedListArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SavedNameArgs {
    /// The saved search's name.
    pub name: String,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AlertsArgs {
    /// Only this saved search.
    pub name: Option<String>,
    #[command(flatten)]
    pub location: IndexLocation,
    /// New since index run N (see `stats`) rather than since each
    /// search's last report.
    #[arg(long, value_name = "N", conflicts_with = "since")]
    pub since_run: Option<u64>,
    /// New since this day or time ago (2026-12-01, 7d): the runs after it.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// One JSON object per saved search with new matches, one per line.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Id of the article (as shown by search).
    pub id: String,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Mark the words of this query in the text (in colour).
    #[arg(long, short = 'q', default_value = "")]
    pub query: String,
    /// Print as JSON: the article, its text as HTML with the words marked,
    /// and its near-duplicates (as the API's /api/read/{id}).
    #[arg(long)]
    pub json: bool,
    /// Colour the headline and marked words.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// Id of the article (as shown by search).
    pub id: String,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Number of results.
    #[arg(long, short = 'n', default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub limit: u32,
    /// Also list near-duplicates of the article itself.
    #[arg(long)]
    pub include_duplicates: bool,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// Address to listen on: HOST:PORT (localhost:7700, 127.0.0.1:7700) or a
    /// port alone (7744, on loopback). Loopback by default: another address
    /// (such as 0.0.0.0:7700) makes the archive reachable from the network.
    #[arg(long, default_value = "127.0.0.1:7700", value_parser = parse_addr)]
    pub addr: std::net::SocketAddr,
    /// Largest `limit` a request may ask for.
    #[arg(long, default_value_t = 100)]
    pub max_limit: usize,
    /// Largest `offset` a request may ask for.
    #[arg(long, default_value_t = 10_000)]
    pub max_offset: usize,
    /// Longest query text, in characters (longer: 414).
    #[arg(long, default_value_t = 1_000)]
    pub max_query_chars: usize,
    /// Time budget of one request, in milliseconds (over: 503).
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    pub timeout_ms: u64,
    /// Requests worked on at once [default: twice the cores]; others wait
    /// within their time budget.
    #[arg(long, value_name = "N")]
    pub max_concurrent: Option<usize>,
    /// Connections open at once; past it, the least recently active idle
    /// one is closed to make room.
    #[arg(long, value_name = "N", default_value_t = 1_024)]
    pub max_connections: usize,
    /// Close a connection that sends nothing for this long, in seconds.
    #[arg(long, value_name = "S", default_value_t = 10)]
    pub idle_timeout: u64,
    /// Refuse to save searches from the page (POST /api/saved): nothing
    /// is written at all.
    #[arg(long)]
    pub read_only: bool,
}

#[derive(Debug, Args)]
pub struct DuplicatesArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// Groups to print (the count covers all).
    #[arg(long, short = 'n', default_value_t = 20)]
    pub limit: usize,
    /// Print every group as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to search for ("*" for every article); see the query language
    /// above. A query may start with "-": `search -test missile`.
    #[arg(allow_hyphen_values = true)]
    pub query: String,
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Result order: relevance (BM25, title matches weigh double), date
    /// (newest first, undated last), or recent (BM25 × 2^(−age/half-life),
    /// age counted from the newest article in the index).
    #[arg(long, value_parser = sort_order(), default_value = "relevance")]
    pub sort: SortOrder,
    /// Half-life of --sort recent, in days.
    #[arg(long, value_name = "DAYS", default_value_t = newsdex::search::HALF_LIFE_DAYS)]
    pub half_life: f64,
    /// Number of results to show.
    #[arg(long, short = 'n', default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub limit: u32,
    /// Number of results to skip (for paging; ties keep index order, so
    /// pages do not overlap).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=100_000))]
    pub offset: u32,
    /// Passages per snippet, joined by " … ".
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10))]
    pub fragments: u32,
    /// Longest passage, in bytes.
    #[arg(long, default_value_t = 240, value_parser = clap::value_parser!(u32).range(20..=5_000))]
    pub snippet_chars: u32,
    /// List near-duplicates as hits of their own.
    #[arg(long)]
    pub no_collapse: bool,
    /// Count people, organisations and places over every match. By default,
    /// past 1,024 matches (per index segment) they are estimated from an
    /// even sample and marked "≈"; match and date counts are always exact.
    #[arg(long)]
    pub exact_facets: bool,
    /// Bucket width of the date facet.
    #[arg(long, value_parser = interval(), default_value = "month")]
    pub by: Interval,
    /// Values listed per facet (people, organisations, ...).
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=200))]
    pub facets: u32,
    /// Take the query as written: no spelling suggestions, no corrected
    /// search when nothing matches, and an unmatched quote is an error.
    #[arg(long)]
    pub literal: bool,
    /// How --sort relevance ranks. news: a query of plain words that
    /// matches fewer than 100 articles also lists those missing its most
    /// frequent word (after every full match); words that name an entity
    /// also match its articles and a surname's spellings; the best 50 are
    /// re-ranked by how close the words stand and whether they are in the
    /// title or the first 40 words. bm25: BM25 alone, every word required.
    /// README's Ranking section has the knobs and the measurements.
    #[arg(long, value_name = "RANKING", default_value = "news", value_parser = ["news", "bm25"])]
    pub ranking: String,
    /// Say under each hit why it scored what it did: the first stage's
    /// BM25, missing words, lede and proximity (--json adds tantivy's
    /// term-by-term explanation).
    #[arg(long)]
    pub explain: bool,
    /// Print the response as JSON (the contract documented in README.md).
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Write every match (not one page) as csv or jsonl, streamed: id,
    /// path, date, title, source, author, url, score, person, org, place,
    /// snippet. Near-duplicates are rows of their own.
    #[arg(long, value_name = "FORMAT", value_parser = ["csv", "jsonl"])]
    pub format: Option<String>,
    /// Highlight matches with colour.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listening_addresses_take_a_port_alone_or_a_host_name() {
        let loopback = |port| std::net::SocketAddr::from(([127, 0, 0, 1], port));
        assert_eq!(parse_addr("7744"), Ok(loopback(7744)));
        assert_eq!(parse_addr("127.0.0.1:7700"), Ok(loopback(7700)));
        assert_eq!(parse_addr("localhost:7743"), Ok(loopback(7743)));
        assert!(parse_addr("0.0.0.0:80").unwrap().ip().is_unspecified());
        assert!(parse_addr("no such host:1").is_err());
        assert!(parse_addr("70000").is_err());
    }
}
