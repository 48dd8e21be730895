//! `newsdex search`: ranked hits with passages and facets.

use std::io::{IsTerminal, Write};

use anyhow::Result;
use newsdex::{NewsIndex, SearchRequest};

use crate::cli::args::{ColorChoice, SearchArgs};
use crate::cli::render;

pub fn search(a: SearchArgs) -> Result<u8> {
    super::ensure_default_index(&a.location)?;
    let index = NewsIndex::open(a.location.path())?;
    let mut req = SearchRequest {
        filter: a.filters.filter(&a.query)?,
        ..SearchRequest::default()
    }
    .sort(a.sort)
    .limit(a.limit as usize)
    .offset(a.offset as usize);
    req.half_life_days = a.half_life;
    req.fragments = a.fragments as usize;
    req.snippet_chars = a.snippet_chars as usize;
    req.collapse = !a.no_collapse;
    req.exact_facets = a.exact_facets;
    req.interval = a.by;
    req.facet_limit = a.facets as usize;
    req.forgiving = !a.literal;
    req.ranking = newsdex::Ranking::named(&a.ranking)?;
    req.explain = a.explain;
    if let Some(format) = &a.format {
        let n = super::export::matches(&index, &req, format)?;
        return Ok(if n == 0 { 1 } else { 0 });
    }
    let response = index.search(&req)?;
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &response)?;
        writeln!(out)?;
    } else {
        let corpus = index.corpus()?;
        render::search_response(
            &mut out,
            &response,
            req.offset,
            use_color(a.color),
            render::Width::of_stdout(),
            corpus.as_deref(),
        )?;
    }
    // As grep and ripgrep: 1 when nothing matched, so that a script can
    // test for matches.
    Ok(if response.total == 0 { 1 } else { 0 })
}

/// Whether to colour stdout.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}
