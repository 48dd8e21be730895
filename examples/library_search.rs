//! Search from a library: index a folder of articles, then ask for the best
//! matches of a query between two dates, each with the passage that answers.
//!
//! ```sh
//! cargo run --example library_search -- corpus "ballistic missile"
//! ```
//!
//! The index goes to a temporary folder, so the example leaves nothing behind.

use chrono::NaiveDate;
use newsdex::{index_corpus, IndexOptions, NewsIndex, NoProgress, SearchRequest, SortOrder};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let corpus = args.next().unwrap_or_else(|| "corpus".into());
    let query = args.next().unwrap_or_else(|| "ballistic missile".into());

    // Build an index of the corpus. A second run with the same index folder
    // would read only the files that changed.
    let dir = tempfile::tempdir()?;
    let summary = index_corpus(corpus.as_ref(), dir.path(), &IndexOptions::default(), &NoProgress)?;
    println!(
        "indexed {} articles in {:.2} s",
        summary.articles, summary.seconds
    );

    // The best five matches from 2022 on, by relevance. Filters, order and
    // page are fields and builder methods of the request.
    let index = NewsIndex::open(dir.path())?;
    let request = SearchRequest::new(&query)
        .since(NaiveDate::from_ymd_opt(2022, 1, 1).expect("a date"))
        .sort(SortOrder::Relevance)
        .limit(5);
    let response = index.search(&request)?;
    println!("{} articles match {query:?}", response.total);
    for hit in &response.hits {
        println!("\n{} ({})", hit.title, hit.date.as_deref().unwrap_or("undated"));
        // `highlights` are byte ranges of `snippet`; `snippet_html` has them as <mark>.
        println!("  {}", hit.snippet);
        if !hit.similar.is_empty() {
            println!("  +{} near-duplicates", hit.similar.len());
        }
    }
    Ok(())
}
