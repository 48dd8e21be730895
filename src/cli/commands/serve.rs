//! `newsdex serve`: the HTTP API and the search page.

use anyhow::Result;
use newsdex::server::{Limits, ServeOptions};

use crate::cli::args::ServeArgs;

pub fn serve(a: ServeArgs) -> Result<u8> {
    super::ensure_default_index(&a.location)?;
    if !a.addr.ip().is_loopback() {
        eprintln!(
            "newsdex: warning: listening on {}, reachable from other machines (it writes nothing but saved searches; --read-only for not even those)",
            a.addr
        );
    }
    let defaults = Limits::default();
    let limits = Limits {
        max_limit: a.max_limit.max(1),
        max_offset: a.max_offset,
        max_query_chars: a.max_query_chars.max(1),
        timeout: std::time::Duration::from_millis(a.timeout_ms.max(1)),
        max_concurrent: a.max_concurrent.unwrap_or(defaults.max_concurrent).max(1),
        max_connections: a.max_connections.max(1),
        idle_timeout: std::time::Duration::from_secs(a.idle_timeout.max(1)),
        allow_saving: !a.read_only,
        ..defaults
    };
    let dir = a.location.path();
    newsdex::server::serve(dir, &ServeOptions { addr: a.addr, limits }, |bound| {
        eprintln!(
            "newsdex: serving {} on http://{bound}/ (Ctrl-C or SIGTERM to stop)",
            dir.display()
        );
    })?;
    eprintln!("newsdex: stopped");
    Ok(0)
}
