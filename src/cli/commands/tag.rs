//! `newsdex tag`: the entity tagger on a text, or on CoNLL-2003 columns.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use newsdex::entities::tagger::TAGS;
use newsdex::entities::train::read_conll;
use newsdex::text::anatomy::Anatomy;
use newsdex::{EntityExtractor, TaggerExtractor};

use crate::cli::args::TagArgs;

pub fn tag(a: TagArgs) -> Result<u8> {
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
    // What is not the story, and so not tagged: credits, dateline, tickers.
    let a = Anatomy::read(&text);
    let anatomy = serde_json::json!({
        "authors": a.authors,
        "dateline": a.dateline,
        "agency": a.agency,
        "tickers": a.tickers,
    });
    serde_json::to_writer_pretty(
        &mut out,
        &serde_json::json!({"entities": entities, "mentions": mentions, "anatomy": anatomy}),
    )?;
    writeln!(out)?;
    Ok(0)
}
