//! Parsing throughput per input format, on real articles from the shared
//! corpora rendered into each format (`cargo bench --bench parse`).
//!
//! Optional argument: the `articles.jsonl.gz` to read (default: the
//! Reuters 2006–2013 dump in `../shared`). Prints a Markdown table of MB/s
//! per format, best of three runs, parsing only (no tagging, no indexing).

use std::io::Read;
use std::time::Instant;

use newsdex::ingest::{parse_bytes, FieldMap};
use serde_json::Value;

struct Doc {
    title: String,
    date: String,
    body: String,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn load(path: &str, limit: usize) -> Vec<Doc> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(file)
        .read_to_string(&mut text)
        .expect("gzip JSONL");
    text.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| {
            Some(Doc {
                title: v["title"].as_str()?.to_string(),
                date: v["date"].as_str()?.to_string(),
                body: v["body"].as_str()?.to_string(),
            })
        })
        .filter(|d| !d.body.is_empty())
        .take(limit)
        .collect()
}

/// Files of one format: (name, bytes).
fn render(docs: &[Doc], format: &str) -> Vec<(String, Vec<u8>)> {
    let paras = |d: &Doc, open: &str, close: &str| {
        d.body
            .split("\n\n")
            .map(|p| format!("{open}{}{close}", esc(p)))
            .collect::<Vec<_>>()
            .join("\n")
    };
    match format {
        "txt" => docs
            .iter()
            .enumerate()
            .map(|(i, d)| (format!("{i}.txt"), format!(" date {} {}\n\n{}", d.date, d.title, d.body).into_bytes()))
            .collect(),
        "md" => docs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let title = d.title.replace('"', "'");
                (format!("{i}.md"), format!("---\ntitle: \"{title}\"\ndate: {}\n---\n\n{}\n", d.date, d.body).into_bytes())
            })
            .collect(),
        "json" => docs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let v = serde_json::json!({"headline": d.title, "datePublished": d.date, "articleBody": d.body});
                (format!("{i}.json"), v.to_string().into_bytes())
            })
            .collect(),
        "jsonl" => {
            let lines: Vec<String> = docs
                .iter()
                .map(|d| serde_json::json!({"title": d.title, "date": d.date, "body": d.body}).to_string())
                .collect();
            vec![("all.jsonl".into(), lines.join("\n").into_bytes())]
        }
        "html" => docs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let page = format!(
                    "<!doctype html><html><head><title>{t} | Example News</title>\
                     <meta property=\"article:published_time\" content=\"{}T12:00:00Z\"></head><body>\
                     <header><nav><ul><li><a href=\"/\">Home</a></li><li>World</li><li>Business</li></ul></nav></header>\
                     <div class=\"cookie-banner\"><p>We use cookies.</p></div><article><h1>{t}</h1>{}</article>\
                     <aside class=\"related\"><p>More stories</p></aside><footer><p>Copyright</p></footer></body></html>",
                    d.date,
                    paras(d, "<p>", "</p>"),
                    t = esc(&d.title)
                );
                (format!("{i}.html"), page.into_bytes())
            })
            .collect(),
        "rss" => docs
            .chunks(100)
            .enumerate()
            .map(|(i, chunk)| {
                let items: String = chunk
                    .iter()
                    .map(|d| {
                        format!(
                            "<item><title>{}</title><pubDate>{}</pubDate><description><![CDATA[{}]]></description></item>\n",
                            esc(&d.title),
                            d.date,
                            paras(d, "<p>", "</p>")
                        )
                    })
                    .collect();
                (format!("{i}.rss"), format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>W</title>\n{items}</channel></rss>").into_bytes())
            })
            .collect(),
        _ => unreachable!(),
    }
}

fn main() {
    let default = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpora/reuters_news_2006_2013/articles.jsonl.gz"
    );
    let path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .unwrap_or(default.to_string());
    if !std::path::Path::new(&path).exists() {
        eprintln!("SKIPPED parse bench: {path} not found (it needs ../shared or a path argument)");
        return;
    }
    let docs = load(&path, 5_000);
    let fields = FieldMap::default();
    println!("Parsing throughput, {} articles from {path}\n", docs.len());
    println!("| format | files | MB | articles | best of 3 (s) | MB/s |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for format in ["txt", "md", "json", "jsonl", "html", "rss"] {
        let files = render(&docs, format);
        let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
        let mut best = f64::MAX;
        let mut articles = 0;
        for _ in 0..3 {
            let t = Instant::now();
            articles = files
                .iter()
                .map(|(name, b)| parse_bytes(name, b, &fields).articles.len())
                .sum();
            best = best.min(t.elapsed().as_secs_f64());
        }
        assert_eq!(articles, docs.len(), "{format}: every article parses");
        println!(
            "| {format} | {} | {:.1} | {articles} | {best:.3} | {:.1} |",
            files.len(),
            bytes as f64 / 1e6,
            bytes as f64 / 1e6 / best
        );
    }
}
