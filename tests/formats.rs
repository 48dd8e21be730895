//! Formats and bad input end to end: JSON, JSON Lines (plain and gzip),
//! header-block text, legacy encodings, and how skipped input is reported.

mod common;

use std::io::Write;

use common::*;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
}

#[test]
fn every_format_indexes_and_bad_lines_are_reported_with_their_number() {
    let jsonl_gz = gzip(
        b"{\"title\": \"Zanzibar cloves\", \"body\": \"Clove exports rose.\", \"date\": \"2021-05-02\"}\n\
          {\"title\": \"Broken\", \"body\": \n\
          {\"headline\": \"Quokka census\", \"maintext\": \"Rottnest counted quokkas.\", \"published_at\": \"2021-06-01T23:00:00-05:00\"}",
    );
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            " date 2020-02-02 Ölüdeniz beach\n\nTourists returned to Ölüdeniz."
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    let c = corpus(&[
        ("header.txt", b"Title: Marmalade summit\nDate: Sept. 13, 2023\nSource: Example Wire\n\nOrange growers met."),
        ("one.json", br#"{"headline": "Platypus study", "text": "Platypus glow under UV.", "pubDate": "Wed, 13 Sep 2023 10:00:00 GMT"}"#),
        ("many.json", br#"[{"title": "Narwhal tusks", "body": "Tusks sense salinity."}, {"title": "Axolotl genes", "body": "Regeneration studied."}]"#),
        ("feed.jsonl.gz", &jsonl_gz),
        ("wide.txt", &utf16),
        ("2019/07/04/pathdate.txt", b"Fireworks ban\n\nSparklers only."),
        ("broken.json", b"{\"title\": "),
        ("custom.ndjson", b"{\"hed\": \"Ocelot sighting\", \"txt\": \"An ocelot was seen.\"}"),
        ("posts/yaml.md", b"---\ntitle: Gecko survey\ndate: 2022-08-09\ntags: [lizards]\n---\nGeckos **climb** walls.\n"),
        ("posts/toml.markdown", b"+++\ntitle = \"Heron nests\"\ndate = 2022-08-10T07:00:00Z\n+++\nHerons nest in [reeds](https://x.example).\n"),
        ("posts/heading.md", b"# Pangolin trade\n\nSeizures of *pangolin* scales rose.\n"),
        ("web/page.html", br#"<html><head><title>Tapir calf born | Zoo News</title><meta property="article:published_time" content="2021-11-30T18:00:00-08:00"></head><body><nav><p>Menu tapirs</p></nav><div id="cookie-consent"><p>Accept cookies</p></div><article><h1>Tapir calf born</h1><p>A tapir calf was born at the zoo.</p></article><footer><p>Contact</p></footer></body></html>"#),
        ("feeds/wire.rss", br#"<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><item><title>Dugong return</title><pubDate>Tue, 05 Jan 2021 10:00:00 GMT</pubDate><description>&lt;p&gt;Dugongs came back to the bay.&lt;/p&gt;</description><guid>d1</guid></item><item><title>Manatee count</title><description>Manatees counted.</description></item></channel></rss>"#),
        ("feeds/blog.atom", br#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>Okapi photographed</title><id>o1</id><published>2020-12-24T12:00:00Z</published><content type="html">&lt;p&gt;An okapi was photographed.&lt;/p&gt;</content></entry></feed>"#),
        ("feeds/not-a-feed.xml", b"<project><name>build</name></project>"),
        ("seed.txt", b" date 1999-12-31 Millennium bug fears\n\nBanks tested their mainframes."),
        ("legacy.txt", b"Caf\xe9 cr\xe8me prices\n\nThe \x93espresso\x94 tax rose in Li\xe8ge."),
        ("bom.txt", b"\xEF\xBB\xBFBom headline\n\nJackfruit harvest doubled."),
        ("blank.txt", b"  \n\t\n"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        ("photo.jpg", b"\xff\xd8\xff\xe0"),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("i");
    let index = index.to_str().unwrap();
    let corpus = c.path().to_str().unwrap();
    let s = newsdex_json(&[
        "index",
        corpus,
        "--index",
        index,
        "--json",
        "--field",
        "title=hed",
        "--field",
        "body=txt",
    ]);
    assert_eq!(s["articles"], 19, "{s:#}");
    assert_eq!(s["ignored"], 1, "photo.jpg is ignored and counted");
    let problems: Vec<(String, Option<u64>)> = s["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["path"].as_str().unwrap().to_string(), p["line"].as_u64()))
        .collect();
    assert_eq!(
        problems,
        [
            ("blank.txt".to_string(), None),
            ("broken.json".to_string(), Some(1)),
            ("feed.jsonl.gz".to_string(), Some(2)),
            ("feeds/not-a-feed.xml".to_string(), None),
            ("image.txt".to_string(), None),
        ]
    );
    assert_eq!(s["skipped_by_reason"]["parse"], 3);
    assert_eq!(s["skipped_by_reason"]["empty"], 1);
    assert_eq!(s["skipped_by_reason"]["binary"], 1);

    for (word, title, date) in [
        ("marmalade", "Marmalade summit", Some("2023-09-13")),
        ("platypus", "Platypus study", Some("2023-09-13")),
        ("narwhal", "Narwhal tusks", None),
        ("axolotl", "Axolotl genes", None),
        ("zanzibar", "Zanzibar cloves", Some("2021-05-02")),
        ("quokka", "Quokka census", Some("2021-06-01")),
        ("ölüdeniz", "Ölüdeniz beach", Some("2020-02-02")),
        ("sparklers", "Fireworks ban", Some("2019-07-04")),
        ("ocelot", "Ocelot sighting", None),
        ("geckos", "Gecko survey", Some("2022-08-09")),
        ("herons", "Heron nests", Some("2022-08-10")),
        ("pangolin", "Pangolin trade", None),
        ("tapir", "Tapir calf born", Some("2021-11-30")),
        ("dugongs", "Dugong return", Some("2021-01-05")),
        ("manatees", "Manatee count", None),
        ("okapi", "Okapi photographed", Some("2020-12-24")),
        ("mainframes", "Millennium bug fears", Some("1999-12-31")),
        ("espresso", "Café crème prices", None),
        ("jackfruit", "Bom headline", None),
    ] {
        let r = newsdex_json(&["search", word, "--json", "--index", index]);
        assert_eq!(r["total"], 1, "{word}: {r:#}");
        assert_eq!(r["hits"][0]["title"], title, "{word}");
        assert_eq!(r["hits"][0]["date"].as_str(), date, "{word}");
    }
    let legacy = newsdex_json(&["search", "espresso", "--json", "--index", index]);
    assert_eq!(legacy["hits"][0]["snippet"], "The “espresso” tax rose in Liège.");
    // Markup and page furniture never reach the index or the snippets.
    let gecko = newsdex_json(&["search", "geckos", "--json", "--index", index]);
    assert_eq!(gecko["hits"][0]["snippet"], "Geckos climb walls.");
    for furniture in ["menu", "cookies", "contact", "reeds https"] {
        let r = newsdex_json(&["search", furniture, "--json", "--index", index]);
        assert_eq!(r["total"], 0, "{furniture:?} was indexed");
    }
    let all = newsdex_json(&["search", "*", "--json", "--index", index, "--limit", "20"]);
    let mut ids = each_str(&all["hits"], "id");
    ids.sort();
    for want in ["feed.jsonl.gz#1", "feed.jsonl.gz#3", "many.json#2"] {
        assert!(ids.iter().any(|id| id == want), "{want} not in {ids:?}");
    }
}

#[cfg(unix)]
#[test]
fn links_loops_and_oversized_files_are_skipped_with_reasons() {
    let c = corpus(&[
        ("ok.txt", b"Good article\n\nStill here."),
        ("sub/inner.txt", b"Inner\n\nText."),
    ]);
    std::os::unix::fs::symlink(c.path(), c.path().join("sub/loop")).unwrap();
    std::os::unix::fs::symlink(c.path().join("missing.txt"), c.path().join("dangling.txt")).unwrap();
    std::fs::write(c.path().join("big.txt"), "word ".repeat(300_000)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("i");
    let s = newsdex_json(&[
        "index",
        c.path().to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
        "--json",
        "--max-file-mb",
        "1",
    ]);
    assert_eq!(s["articles"], 2, "{s:#}");
    let reasons: Vec<(String, String)> = s["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["path"].as_str().unwrap().to_string(),
                k["reason"]["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        reasons,
        [
            ("big.txt".to_string(), "too_large".to_string()),
            ("dangling.txt".to_string(), "unreadable".to_string()),
            ("sub/loop".to_string(), "unreadable".to_string()),
        ]
    );
    let loop_detail = s["skipped"][2]["reason"]["detail"].as_str().unwrap();
    assert!(loop_detail.contains("loop"), "{loop_detail}");
}

#[test]
fn strict_exits_3_when_anything_was_skipped_and_0_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("i");
    let index = index.to_str().unwrap();
    let bad = corpus(&[("ok.txt", b"Fine article\n\nText."), ("bad.jsonl", b"{oops")]);
    let good = corpus(&[("ok.txt", b"Fine article\n\nText.")]);
    let run = |corpus: &tempfile::TempDir, extra: &[&str]| {
        let mut args = vec!["index", corpus.path().to_str().unwrap(), "--index", index];
        args.extend_from_slice(extra);
        newsdex(&args)
    };
    let out = run(&bad, &["--strict"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("bad.jsonl:1: invalid JSON"),
        "{}",
        stderr(&out)
    );
    // The index was still written.
    assert_eq!(
        newsdex_json(&["search", "fine", "--json", "--index", index])["total"],
        1
    );
    assert_eq!(run(&bad, &[]).status.code(), Some(0));
    let out = run(&good, &["--strict"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(&good, &["--field", "colour=x"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn shared_jsonl_dumps_give_the_same_articles_as_their_txt_trees() {
    let Some(shared) = shared_dir("shared_jsonl_dumps_give_the_same_articles_as_their_txt_trees") else {
        return;
    };
    for name in ["bbc", "reuters21578"] {
        let dir = tempfile::tempdir().unwrap();
        let count = |input: &str, sub: &str| -> u64 {
            let index = dir.path().join(sub);
            let s = newsdex_json(&["index", input, "--index", index.to_str().unwrap(), "--json"]);
            s["articles"].as_u64().unwrap()
        };
        let corpus = shared.join("corpora").join(name);
        let txt = count(corpus.join("txt").to_str().unwrap(), "t");
        let jsonl = count(corpus.join("articles.jsonl.gz").to_str().unwrap(), "j");
        assert_eq!(txt, jsonl, "{name}");
        assert!(txt > 2000);
    }
}
