//! Command-line front end: [`args`] as clap parses them, [`commands`] that
//! hand them to the library, [`render`] that turns its answers into text for
//! people, and the exit status. Part of the binary only: it uses the
//! library's public API, nothing inside it.

mod args;
mod commands;
mod progress;
mod render;

use std::process::ExitCode;

pub use args::Cli;
use args::Command;

/// Runs a parsed command line and returns the process exit status.
pub fn run(cli: Cli) -> ExitCode {
    // Cron reads `index --json`: a failed run is a JSON record too.
    let json_errors = matches!(&cli.command, Command::Index(a) if a.json);
    let result = match cli.command {
        Command::Index(a) => commands::index::index(a),
        Command::Search(a) => commands::search::search(a),
        Command::Timeline(a) => commands::explore::timeline(a),
        Command::Entities(a) => commands::explore::entities(a),
        Command::Show(a) => commands::explore::show(a),
        Command::Saved(c) => commands::saved::saved(c),
        Command::Alerts(a) => commands::saved::alerts(a),
        Command::Batch(a) => commands::export::batch(a),
        Command::Export(a) => commands::export::export(a),
        Command::Similar(a) => commands::explore::similar(a),
        Command::Duplicates(a) => commands::explore::duplicates(a),
        Command::Serve(a) => commands::serve::serve(a),
        Command::Stats(a) => commands::stats::stats(a),
        Command::Compact(a) => commands::index::compact(a),
        Command::Tag(a) => commands::tag::tag(a),
    };
    ExitCode::from(match result {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => 0,
        Err(err) => {
            let message = message(&err);
            eprintln!("newsdex: {message}");
            let code = match err.downcast_ref::<newsdex::Error>() {
                Some(e) if e.is_usage() => 2,
                Some(newsdex::Error::Busy { .. }) => 75,
                _ => 1,
            };
            if json_errors {
                let record = serde_json::json!({"error": message, "exit_code": code});
                println!("{record}");
            }
            code
        }
    })
}

/// The error and its causes on one line, each cause said once: a library
/// error that already names its OS error is not followed by it again.
fn message(err: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    render::printable(&out).into_owned()
}

/// Output cut short by the reader (`newsdex search x | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        let io = e.downcast_ref::<std::io::Error>().map(std::io::Error::kind);
        let json = e
            .downcast_ref::<serde_json::Error>()
            .and_then(serde_json::Error::io_error_kind);
        io.or(json) == Some(std::io::ErrorKind::BrokenPipe)
    })
}
