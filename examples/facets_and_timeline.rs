//! Facets and a timeline: who is in the coverage of a query, and how the
//! coverage spreads over time.
//!
//! ```sh
//! cargo run --example facets_and_timeline -- corpus "missile"
//! ```

use newsdex::{
    index_corpus, EntitiesRequest, EntityKind, Filter, IndexOptions, Interval, NewsIndex, NoProgress,
    TimelineRequest,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let corpus = args.next().unwrap_or_else(|| "corpus".into());
    let query = args.next().unwrap_or_else(|| "missile".into());
    let dir = tempfile::tempdir()?;
    index_corpus(corpus.as_ref(), dir.path(), &IndexOptions::default(), &NoProgress)?;
    let index = NewsIndex::open(dir.path())?;

    // Matching articles per month, gaps included.
    let timeline = index.timeline(&TimelineRequest {
        filter: Filter::new(&query),
        interval: Interval::Month,
    })?;
    println!(
        "{} articles match {query:?} ({} undated)",
        timeline.total, timeline.undated
    );
    for bucket in &timeline.buckets {
        println!("  {}  {}", bucket.value, "#".repeat(bucket.count as usize));
    }

    // The people most associated with the matches: frequent there, and much
    // more frequent there than in the whole archive.
    let people = index.associated_entities(&EntitiesRequest {
        filter: Filter::new(&query),
        kind: Some(EntityKind::Person),
        min_count: 1,
        ..EntitiesRequest::default()
    })?;
    println!("\npeople in the coverage:");
    for e in people.entities.iter().take(10) {
        println!(
            "  {:<24} {} of {} matches (score {:.3})",
            e.name, e.count, people.total, e.score
        );
    }
    Ok(())
}
