//! A custom entity extractor: the indexer takes any [`EntityExtractor`], so
//! a project can bring its own names (a watch list, another tagger) and get
//! them as facets and filters.
//!
//! ```sh
//! cargo run --example custom_extractor
//! ```

use std::sync::Arc;

use newsdex::{
    index_corpus, EntityExtractor, EntityKind, IndexOptions, Mention, NewsIndex, NoProgress, SearchRequest,
};

/// Finds the names of a fixed watch list, as organisations.
struct WatchList(Vec<&'static str>);

impl EntityExtractor for WatchList {
    fn extract(&self, text: &str) -> Vec<Mention> {
        let mut out = Vec::new();
        for name in &self.0 {
            for (start, _) in text.match_indices(name) {
                out.push(Mention {
                    kind: EntityKind::Org,
                    name: name.to_string(),
                    start,
                    end: start + name.len(),
                });
            }
        }
        // Mentions come in text order.
        out.sort_by_key(|m| m.start);
        out
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let corpus = tempfile::tempdir()?;
    std::fs::write(
        corpus.path().join("a.txt"),
        " date 2024-03-01 Rates held\n\nThe European Central Bank kept rates unchanged; the IMF welcomed it.",
    )?;
    std::fs::write(
        corpus.path().join("b.txt"),
        " date 2024-03-08 Loan talks\n\nThe IMF resumed talks on a loan programme.",
    )?;

    let opts = IndexOptions {
        extractor: Arc::new(WatchList(vec!["IMF", "European Central Bank"])),
        ..IndexOptions::default()
    };
    let dir = tempfile::tempdir()?;
    index_corpus(corpus.path(), dir.path(), &opts, &NoProgress)?;

    let index = NewsIndex::open(dir.path())?;
    let all = index.search(&SearchRequest::new("*"))?;
    for facet in &all.facets.org {
        println!("{}: {} articles", facet.value, facet.count);
    }
    // The names filter like the tagger's do.
    let imf = index.search(&SearchRequest::new("*").with_entity(EntityKind::Org, "imf"))?;
    println!("articles mentioning the IMF: {}", imf.total);
    Ok(())
}
