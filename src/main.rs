//! The `newsdex` command: parses arguments and hands them to [`cli::run`].

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc rather than the system allocator: tantivy's indexing allocates
/// and frees many small buffers, and mimalloc hands freed memory back to the
/// system before the final merge, where glibc kept it (peak memory).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::run(cli::Cli::parse())
}
