//! `newsdex stats`: what an index holds.

use std::io::Write;

use anyhow::Result;
use newsdex::NewsIndex;

use crate::cli::args::StatsArgs;
use crate::cli::render;

pub fn stats(a: StatsArgs) -> Result<u8> {
    let index = NewsIndex::open(a.location.path())?;
    let stats = index.stats()?;
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &stats)?;
        writeln!(out)?;
    } else {
        render::stats(&mut out, index.path(), &stats, render::Width::of_stdout())?;
    }
    Ok(0)
}
