//! `newsdex index` and `newsdex compact`: the write path.

use std::sync::Arc;

use anyhow::Result;
use newsdex::{index_corpus, IndexOptions, NoEntities, RuleExtractor, TaggerExtractor};

use crate::cli::args::{CompactArgs, EntityChoice, IndexArgs};
use crate::cli::progress::Bar;
use crate::cli::render;

pub fn index(a: IndexArgs) -> Result<u8> {
    let mut fields = newsdex::ingest::FieldMap::default();
    for (field, name) in &a.field {
        fields.set(field, name).map_err(anyhow::Error::msg)?;
    }
    let opts = IndexOptions {
        fields,
        memory_budget: a.memory_mb * 1024 * 1024,
        threads: a.threads.unwrap_or(0),
        max_file_bytes: a.max_file_mb * 1024 * 1024,
        max_articles_per_file: a.max_articles_per_file as usize,
        seconds_per_file: std::time::Duration::from_secs(a.max_seconds_per_file),
        follow_links: a.follow_links,
        full: a.full,
        wait: a.wait,
        commit_every: a.commit_every as usize,
        extractor: match a.entities {
            EntityChoice::Tagger => Arc::new(TaggerExtractor::shipped()),
            EntityChoice::Rules => Arc::new(RuleExtractor::new()),
            EntityChoice::None => Arc::new(NoEntities),
        },
    };
    // One JSON object per line, so that `--watch --json` is a stream.
    let report = |summary: &newsdex::IndexSummary| {
        if a.json {
            println!("{}", serde_json::to_string(summary).expect("summary serialises"));
        } else {
            eprintln!(
                "{}",
                render::Width::of_stderr().fill_report(&render::index_summary(summary))
            );
        }
    };
    if a.watch {
        use newsdex::watch::WatchReport;
        newsdex::watch::watch(&a.corpus, a.location.path(), &opts, |event| match event {
            WatchReport::Run(run) => match *run {
                Ok(summary) => {
                    report(&summary);
                    if a.alerts {
                        if let Err(e) =
                            super::saved::report(a.location.path(), a.json, a.alert_cmd.as_deref())
                        {
                            eprintln!("newsdex: {e:#}");
                        }
                    }
                }
                Err(e) => eprintln!("newsdex: {e}"),
            },
            WatchReport::CorpusGone(p) => {
                eprintln!("newsdex: {} is gone; waiting for it to come back", p.display())
            }
            WatchReport::CorpusBack(p) => eprintln!("newsdex: {} is back; watching it again", p.display()),
        })?;
        return Ok(0);
    }
    let summary = index_corpus(&a.corpus, a.location.path(), &opts, &Bar::new())?;
    report(&summary);
    if a.alerts {
        super::saved::report(a.location.path(), a.json, a.alert_cmd.as_deref())?;
    }
    Ok(if a.strict && !summary.skipped.is_empty() {
        3
    } else {
        0
    })
}

pub fn compact(a: CompactArgs) -> Result<u8> {
    let s = newsdex::compact(a.location.path(), a.wait)?;
    if a.json {
        println!("{}", serde_json::to_string(&s)?);
    } else {
        eprintln!(
            "Compacted {} segments into {} in {:.2} s",
            s.segments_before, s.segments_after, s.seconds
        );
    }
    Ok(0)
}
