//! Entity extraction speed on real articles (`cargo bench --bench entities`):
//! tokens per second on one core for the trained tagger and the rule-based
//! extractor. Optional argument: an `articles.jsonl.gz` (default: the
//! Reuters 2006–2013 dump in `../shared`).

use std::io::Read;
use std::time::Instant;

use newsdex::entities::tagger::tokenize;
use newsdex::{EntityExtractor, RuleExtractor, TaggerExtractor};

fn main() {
    let default = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpora/reuters_news_2006_2013/articles.jsonl.gz"
    );
    let path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .unwrap_or(default.to_string());
    let Ok(file) = std::fs::File::open(&path) else {
        eprintln!("SKIPPED entities bench: {path} not found");
        return;
    };
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(file)
        .read_to_string(&mut text)
        .expect("gzip JSONL");
    let bodies: Vec<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["body"].as_str().map(str::to_string))
        .take(3_000)
        .collect();
    let tokens: usize = bodies
        .iter()
        .map(|b| tokenize(b).iter().map(Vec::len).sum::<usize>())
        .sum();
    println!("{} articles, {} tokens, one thread\n", bodies.len(), tokens);
    println!("| extractor | best of 3 (s) | tokens/s | mentions |");
    println!("| --- | ---: | ---: | ---: |");
    let extractors: [(&str, Box<dyn EntityExtractor>); 2] = [
        ("tagger", Box::new(TaggerExtractor::shipped())),
        ("rules", Box::new(RuleExtractor::new())),
    ];
    for (name, ex) in extractors {
        let mut best = f64::MAX;
        let mut mentions = 0;
        for _ in 0..3 {
            let t = Instant::now();
            mentions = bodies.iter().map(|b| ex.extract(b).len()).sum();
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!(
            "| {name} | {best:.3} | {:.0} | {mentions} |",
            tokens as f64 / best
        );
    }
}
