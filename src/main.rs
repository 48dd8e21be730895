//! The `newsdex` command: parses arguments and hands them to [`cli::run`].

mod cli;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    std::process::exit(cli::run(args));
}
