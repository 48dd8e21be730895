//! One module per subcommand (or family): each turns its parsed arguments
//! into a library request, runs it, and prints the answer. Nothing here
//! knows the engine's internals; it uses the library's public API.

pub mod explore;
pub mod export;
pub mod index;
pub mod saved;
pub mod search;
pub mod serve;
pub mod stats;
pub mod tag;

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use newsdex::{index_corpus, index_exists, IndexOptions};

use crate::cli::args::{IndexLocation, DEFAULT_CORPUS, DEFAULT_INDEX};

/// Builds the default index from the default corpus when neither exists
/// yet, so that a first `newsdex search` in a checkout just works.
pub fn ensure_default_index(location: &IndexLocation) -> Result<()> {
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
        &crate::cli::progress::Bar::new(),
    )
    .context("building the default index")?;
    let width = crate::cli::render::Width::of_stderr();
    eprintln!(
        "{}",
        width.fill_report(&crate::cli::render::index_summary(&summary))
    );
    Ok(())
}

pub fn print_json(value: &impl serde::Serialize) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}
