//! The query front end on a purpose-built corpus: every query form, CLI
//! dates, entity filters, facets, timeline, associated entities, collapsing
//! of near-duplicates, similar articles, recency ranking, fragments and
//! pagination. Driven through the real binary.

mod common;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use common::{corpus, each_str, newsdex, newsdex_json, stderr};
use serde_json::Value;

/// A wire story long enough to be fingerprinted; two files carry it.
const WIRE: &str = "The central bank left its benchmark interest rate unchanged on Thursday, \
    saying inflation had eased but remained above its target, and signalled that borrowing costs \
    would stay high for longer. Economists had expected the decision after a run of weaker data \
    on retail sales and factory output, while markets trimmed bets on cuts early next year. The \
    governor told reporters the board was ready to act again if price pressures returned, and \
    warned that the housing market remained fragile despite a recent rise in mortgage approvals.";

fn files() -> Vec<(String, String)> {
    vec![
        (
            "2023/09/13-summit.txt".into(),
            " date 2023-09-13 Kim Jong Un meets Vladimir Putin at Vostochny\n\n\
             Russian President Vladimir Putin hosted North Korean leader Kim Jong Un at the \
             Vostochny cosmodrome on Wednesday. The Kremlin said the two leaders discussed \
             military cooperation. Putin showed Kim the launch pads.\n"
                .into(),
        ),
        (
            "2023/09/20-missile.txt".into(),
            " date 2023-09-20 North Korea fires ballistic missile\n\n\
             North Korea fired a ballistic missile into the sea off its east coast, Japan's \
             defence ministry said. The missile landed outside Japan's economic zone.\n"
                .into(),
        ),
        (
            "2023/09/27-kremlin.txt".into(),
            " date 2023-09-27 Kremlin rejects report\n\n\
             The Kremlin on Wednesday rejected a newspaper report about grain exports.\n"
                .into(),
        ),
        (
            "2023/10/02-rocket.txt".into(),
            "Title: Rocket launch delayed by weather\nDate: 2023-10-02\nSource: Kyodo\n\n\
             A commercial rocket launch in Japan was delayed by strong winds, the operator said.\n"
                .into(),
        ),
        (
            "2022/05/01-oil.txt".into(),
            "Title: Oil prices rise\nDate: 2022-05-01\nSource: Reuters\n\n\
             Crude oil prices rose after OPEC kept output steady, traders in London said.\n"
                .into(),
        ),
        (
            "2024/01/15-cruise.txt".into(),
            " date 2024-01-15 Cruise missiles fired\n\n\
             North Korea fired several cruise missiles towards the Yellow Sea, South Korea's \
             military said. It was the latest weapons test this year.\n"
                .into(),
        ),
        (
            "2021/02/03-old-missile.txt".into(),
            " date 2021-02-03 Missile missile missile\n\n\
             A missile, another missile and a third missile: an old missile story about a missile.\n"
                .into(),
        ),
        (
            "wire/a.txt".into(),
            format!(" date 2023-11-02 Central bank holds rates\n\n{WIRE}\n"),
        ),
        (
            "wire/b.txt".into(),
            format!(
                " date 2023-11-03 UPDATE 1-Central bank keeps rates on hold\n\nLONDON (Reuters) - {WIRE}\n"
            ),
        ),
    ]
}

/// One index for every test of this file.
fn index() -> &'static str {
    static INDEX: OnceLock<(tempfile::TempDir, tempfile::TempDir, String)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let owned = files();
            let refs: Vec<(&str, &[u8])> = owned.iter().map(|(p, c)| (p.as_str(), c.as_bytes())).collect();
            let dir = corpus(&refs);
            let idx = tempfile::tempdir().unwrap();
            let path = idx.path().join("index").to_string_lossy().into_owned();
            let out = newsdex(&["index", dir.path().to_str().unwrap(), "--index", &path]);
            assert!(out.status.success(), "{}", stderr(&out));
            (dir, idx, path)
        })
        .2
}

fn search(query: &str, extra: &[&str]) -> Value {
    let mut args = vec!["search", query, "--index", index(), "--json"];
    if !extra.contains(&"-n") {
        args.extend_from_slice(&["-n", "50"]);
    }
    args.extend_from_slice(extra);
    newsdex_json(&args)
}

/// The ids of the hits, as a set.
fn ids(query: &str, extra: &[&str]) -> BTreeSet<String> {
    each_str(&search(query, extra)["hits"], "id")
        .into_iter()
        .collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

const SUMMIT: &str = "2023/09/13-summit.txt";
const BALLISTIC: &str = "2023/09/20-missile.txt";
const KREMLIN: &str = "2023/09/27-kremlin.txt";
const ROCKET: &str = "2023/10/02-rocket.txt";
const OIL: &str = "2022/05/01-oil.txt";
const CRUISE: &str = "2024/01/15-cruise.txt";
const OLD: &str = "2021/02/03-old-missile.txt";
const WIRE_A: &str = "wire/a.txt";
const WIRE_B: &str = "wire/b.txt";

#[test]
fn boolean_operators_phrases_and_grouping() {
    assert_eq!(ids("ballistic missile", &[]), set(&[BALLISTIC]));
    assert_eq!(ids("ballistic AND missile", &[]), set(&[BALLISTIC]));
    assert_eq!(ids("\"ballistic missile\"", &[]), set(&[BALLISTIC]));
    assert_eq!(ids("\"missile ballistic\"", &[]), set(&[]));
    assert_eq!(ids("\"ballistic sea\"~3", &[]), set(&[BALLISTIC]));
    assert_eq!(ids("\"ballistic sea\"~2", &[]), set(&[]));
    assert_eq!(ids("rocket OR oil", &[]), set(&[ROCKET, OIL]));
    assert_eq!(ids("missile -ballistic", &[]), set(&[OLD, CRUISE]));
    assert_eq!(ids("missile NOT ballistic", &[]), set(&[OLD, CRUISE]));
    assert_eq!(ids("korea (ballistic OR cruise) -japan", &[]), set(&[CRUISE]));
    // OR binds tighter than the implied AND.
    assert_eq!(ids("korea missile OR rocket", &[]), set(&[BALLISTIC, CRUISE]));
    // A query that starts with "-" goes after "--", as with any command.
    let r = newsdex_json(&[
        "search",
        "--index",
        index(),
        "--json",
        "--no-collapse",
        "--",
        "-missile -bank",
    ]);
    assert_eq!(r["total"], 4);
}

#[test]
fn fields_prefix_fuzzy_and_dates_in_the_query() {
    assert_eq!(ids("title:rocket", &[]), set(&[ROCKET]));
    assert_eq!(ids("body:winds", &[]), set(&[ROCKET]));
    assert_eq!(ids("title:kremlin", &[]), set(&[KREMLIN]));
    // A dateline's agency ("LONDON (Reuters) -") is the source of an
    // article whose metadata names none.
    assert_eq!(ids("source:reuters", &[]), set(&[OIL, WIRE_B]));
    assert_eq!(ids("SOURCE:KYODO", &[]), set(&[ROCKET]));
    assert_eq!(ids("person:\"vladimir putin\"", &[]), set(&[SUMMIT]));
    assert_eq!(ids("place:\"NORTH KOREA\" cruise", &[]), set(&[CRUISE]));
    assert_eq!(ids("cosmo*", &[]), set(&[SUMMIT]));
    assert_eq!(ids("kremlni~1", &[]), set(&[SUMMIT, KREMLIN]));
    assert_eq!(ids("kremlni~0", &[]), set(&[]));
    assert_eq!(ids("date:2023-09", &[]), set(&[SUMMIT, BALLISTIC, KREMLIN]));
    assert_eq!(ids("date:2022", &[]), set(&[OIL]));
    assert_eq!(ids("date:2023-09-20", &[]), set(&[BALLISTIC]));
    assert_eq!(
        ids("date:[2023-09-15 TO 2023-10-31]", &[]),
        set(&[BALLISTIC, KREMLIN, ROCKET])
    );
    assert_eq!(ids("date:{2023-09-13 TO 2023-09-27}", &[]), set(&[BALLISTIC]));
    assert_eq!(ids("missile date:[2024 TO *]", &[]), set(&[CRUISE]));
    // Both ends open: every dated article.
    assert_eq!(search("date:[* TO *]", &["--no-collapse"])["total"], 9);
    // Prefix and fuzzy matches are highlighted in the snippet.
    let r = search("missil*", &[]);
    for hit in r["hits"].as_array().unwrap() {
        let snippet = hit["snippet"].as_str().unwrap();
        let marked: Vec<&str> = hit["highlights"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| &snippet[h[0].as_u64().unwrap() as usize..h[1].as_u64().unwrap() as usize])
            .collect();
        assert!(
            !marked.is_empty() && marked.iter().all(|m| m.to_lowercase().starts_with("missil")),
            "{marked:?}"
        );
    }
}

#[test]
fn a_forgiving_search_reads_a_stray_quote_and_corrects_a_misspelling() {
    let v = newsdex_json(&["search", "ballistic \"missile", "--index", index(), "--json"]);
    assert!(v["total"].as_u64().unwrap() > 0, "{v}");
    assert!(v["notes"][0].as_str().unwrap().contains("column 11"), "{v}");
    let plain = newsdex_json(&["search", "ballistic missile", "--index", index(), "--json"]);
    assert_eq!(v["total"], plain["total"]);

    // A word the archive lacks: its closest frequent spelling is searched.
    let v = newsdex_json(&["search", "misile", "--index", index(), "--json"]);
    assert_eq!(v["did_you_mean"], "missile", "{v}");
    assert_eq!(v["corrected_query"], "missile", "{v}");
    assert!(v["total"].as_u64().unwrap() > 0);
    let text = newsdex(&["search", "misile", "--index", index()]);
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("No article matches \"misile\"; showing"),
        "{}",
        String::from_utf8_lossy(&text.stdout)
    );

    // --literal takes it as written: nothing matches, exit 1.
    let out = newsdex(&["search", "misile", "--index", index(), "--json", "--literal"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], 0);
    assert!(v["spelling"].as_array().unwrap().is_empty());

    // Nothing matches with a filter: the answer says what removing it gives.
    let v = newsdex_json(&[
        "search",
        "missile",
        "--index",
        index(),
        "--json",
        "--place",
        "North Korea",
        "--until",
        "1990",
    ]);
    assert_eq!(v["total"], 0);
    let without: Vec<(String, u64)> = v["without"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["filter"].as_str().unwrap().to_string(),
                w["total"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(without.iter().any(|(f, n)| f == "dates" && *n > 0), "{without:?}");
}

#[test]
fn malformed_queries_get_a_one_line_error_with_the_column() {
    let cases = [
        ("ballistic \"missile", "column 11: unclosed quote"),
        ("(missile OR rocket", "column 1: unclosed \"(\""),
        ("missile)", "column 8: unmatched \")\""),
        ("missile OR", "column 9: \"OR\" needs a term after it"),
        ("AND missile", "column 1: \"AND\" needs a term before it"),
        ("writer:smith", "column 1: unknown field \"writer:\""),
        ("date:2023-13", "column 6: \"2023-13\" is not a date"),
        ("date:[2023-10 TO 2023-09]", "holds no day"),
        ("kremlin~5", "a fuzzy term is a word and a distance of 0, 1 or 2"),
        ("m*", "a prefix needs at least 2 characters"),
        ("\"...\"", "has no searchable words"),
    ];
    for (q, msg) in cases {
        // --literal: by default an unmatched quote is read as a space.
        let out = newsdex(&["search", q, "--index", index(), "--literal"]);
        assert_eq!(out.status.code(), Some(2), "{q}");
        let err = stderr(&out);
        assert!(err.contains(msg), "{q}: {err}");
        assert!(err.contains(">>>"), "{q}: no pointer in {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{q}: {err}");
        assert!(out.stdout.is_empty());
    }
    let deep = format!("{}a{}", "(".repeat(200), ")".repeat(200));
    let out = newsdex(&["search", &deep, "--index", index()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nested"));
}

#[test]
fn command_line_dates_absolute_and_relative() {
    let sept = ids("*", &["--since", "2023-09", "--until", "2023-09"]);
    assert_eq!(sept, set(&[SUMMIT, BALLISTIC, KREMLIN]));
    assert_eq!(ids("*", &["--since", "2024"]), set(&[CRUISE]));
    assert_eq!(ids("*", &["--until", "2022"]), set(&[OIL, OLD]));
    assert_eq!(
        ids("*", &["--since", "2023-11-03", "--until", "2023-11-03"]),
        set(&[WIRE_B])
    );
    // Relative dates count back from today: the corpus is older than a week
    // and younger than a century.
    assert!(ids("*", &["--since", "7d", "--until", "today"]).is_empty());
    assert_eq!(ids("*", &["--since", "100y", "--no-collapse"]).len(), 9);
    let out = newsdex(&["search", "*", "--index", index(), "--since", "last tuesday"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("7d"), "{}", stderr(&out));
}

#[test]
fn entity_filters_are_case_insensitive_and_unknown_names_suggest() {
    assert_eq!(ids("*", &["--person", "KIM JONG UN"]), set(&[SUMMIT]));
    assert_eq!(
        ids("missile", &["--place", "north korea"]),
        set(&[BALLISTIC, CRUISE])
    );
    let out = newsdex(&["search", "*", "--index", index(), "--person", "Putn"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("no person named \"Putn\"") && err.contains("did you mean Vladimir Putin"),
        "{err}"
    );
    let out = newsdex(&["search", "person:putin", "--index", index()]);
    assert!(stderr(&out).contains("Vladimir Putin"), "{}", stderr(&out));
}

#[test]
fn facets_count_sources_and_dates_by_interval() {
    let r = search("*", &["--by", "year", "--no-collapse"]);
    let f = &r["facets"];
    assert_eq!(f["interval"], "year");
    let years: Vec<(String, u64)> = f["dates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["value"].as_str().unwrap().to_string(),
                b["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        years,
        [
            ("2021".into(), 1),
            ("2022".into(), 1),
            ("2023".into(), 6),
            ("2024".into(), 1)
        ]
    );
    let sources = each_str(&f["source"], "value");
    assert_eq!(
        sources.iter().collect::<BTreeSet<_>>(),
        ["Kyodo", "Reuters"]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .iter()
            .collect()
    );
    assert!(each_str(&f["place"], "value").contains(&"North Korea".to_string()));
}

#[test]
fn timeline_buckets_with_gaps_as_chart_and_json() {
    let t = newsdex_json(&[
        "timeline",
        "missile",
        "--by",
        "month",
        "--index",
        index(),
        "--json",
    ]);
    assert_eq!(t["total"], 3);
    let buckets = t["buckets"].as_array().unwrap();
    assert_eq!(buckets.first().unwrap()["value"], "2021-02");
    assert_eq!(buckets.last().unwrap()["value"], "2024-01");
    assert_eq!(buckets.len(), 36, "every month from 2021-02 to 2024-01");
    assert_eq!(
        buckets.iter().map(|b| b["count"].as_u64().unwrap()).sum::<u64>(),
        3
    );
    let weeks = newsdex_json(&[
        "timeline",
        "*",
        "--by",
        "week",
        "--since",
        "2023-09",
        "--until",
        "2023-09",
        "--index",
        index(),
        "--json",
    ]);
    assert_eq!(
        each_str(&weeks["buckets"], "value"),
        ["2023-W37", "2023-W38", "2023-W39"]
    );
    let out = newsdex(&["timeline", "missile", "--by", "year", "--index", index()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("by year") && text.contains("2023") && text.contains('█'),
        "{text}"
    );
}

#[test]
fn entities_ranks_by_association_not_frequency() {
    let r = newsdex_json(&[
        "entities",
        "missile",
        "--index",
        index(),
        "--json",
        "--min-count",
        "1",
    ]);
    assert_eq!(r["total"], 3);
    let ents = r["entities"].as_array().unwrap();
    let scores: Vec<f64> = ents.iter().map(|e| e["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let names = each_str(&r["entities"], "name");
    assert!(names.contains(&"North Korea".to_string()), "{names:?}");
    let nk = ents.iter().find(|e| e["name"] == "North Korea").unwrap();
    assert!(
        nk["count"].as_u64().unwrap() >= 2
            && nk["corpus_count"].as_u64().unwrap() >= nk["count"].as_u64().unwrap()
    );
    let people = newsdex_json(&[
        "entities",
        "*",
        "--type",
        "person",
        "--index",
        index(),
        "--json",
        "--min-count",
        "1",
    ]);
    assert!(people["entities"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["kind"] == "person"));
}

#[test]
fn near_duplicates_collapse_unless_asked_not_to() {
    let r = search("benchmark interest rate", &[]);
    assert_eq!(r["total"], 2);
    let hits = r["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 1);
    let similar: Vec<&str> = hits[0]["similar"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let shown = hits[0]["id"].as_str().unwrap();
    assert_eq!(
        BTreeSet::from([shown, similar[0]]),
        BTreeSet::from([WIRE_A, WIRE_B])
    );
    let all = search("benchmark interest rate", &["--no-collapse"]);
    assert_eq!(all["hits"].as_array().unwrap().len(), 2);
    assert!(all["hits"][0]["similar"].as_array().unwrap().is_empty());
    let text =
        String::from_utf8_lossy(&newsdex(&["search", "benchmark", "--index", index()]).stdout).into_owned();
    assert!(text.contains("+1 similar"), "{text}");
    let dups = newsdex_json(&["duplicates", "--index", index(), "--json"]);
    assert_eq!(dups.as_array().unwrap().len(), 1);
}

#[test]
fn similar_articles_exclude_the_article_and_its_copies() {
    let r = newsdex_json(&["similar", BALLISTIC, "--index", index(), "--json"]);
    let found = each_str(&r["hits"], "id");
    assert!(!found.contains(&BALLISTIC.to_string()));
    assert_eq!(found.first().map(String::as_str), Some(CRUISE), "{found:?}");
    let r = newsdex_json(&["similar", WIRE_A, "--index", index(), "--json"]);
    assert!(!each_str(&r["hits"], "id").contains(&WIRE_B.to_string()));
    let r = newsdex_json(&[
        "similar",
        WIRE_A,
        "--index",
        index(),
        "--json",
        "--include-duplicates",
    ]);
    assert_eq!(
        each_str(&r["hits"], "id").first().map(String::as_str),
        Some(WIRE_B)
    );
    let out = newsdex(&["similar", "../../etc/passwd", "--index", index()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no article with id"));
}

#[test]
fn recent_sort_blends_relevance_with_a_documented_decay() {
    let rel = each_str(&search("missile", &[])["hits"], "id");
    assert_eq!(rel[0], OLD, "the 2021 story says missile most: {rel:?}");
    let recent = each_str(&search("missile", &["--sort", "recent"])["hits"], "id");
    assert_eq!(recent[0], CRUISE, "{recent:?}");
    // A very long half-life is plain relevance again.
    let flat = each_str(
        &search("missile", &["--sort", "recent", "--half-life", "1000000"])["hits"],
        "id",
    );
    assert_eq!(flat, rel);
    let by_date = each_str(&search("missile", &["--sort", "date"])["hits"], "id");
    assert_eq!(by_date, [CRUISE, BALLISTIC, OLD].map(String::from));
}

#[test]
fn fragments_and_html_snippets() {
    let r = search("putin kim", &["--fragments", "3", "--snippet-chars", "60"]);
    let hit = &r["hits"][0];
    let snippet = hit["snippet"].as_str().unwrap();
    assert!(snippet.contains(" … "), "{snippet}");
    assert!(hit["highlights"].as_array().unwrap().len() >= 3, "{hit}");
    let html = hit["snippet_html"].as_str().unwrap();
    assert!(
        html.contains("<mark>Putin</mark>") && html.contains("<mark>Kim</mark>"),
        "{html}"
    );
    let one = search("putin kim", &["--snippet-chars", "60"]);
    assert!(!one["hits"][0]["snippet"].as_str().unwrap().contains(" … "));
}

#[test]
fn pages_are_stable_and_do_not_overlap() {
    let all = each_str(&search("*", &["--no-collapse", "-n", "9"])["hits"], "id");
    let mut paged = Vec::new();
    for offset in [0, 3, 6] {
        paged.extend(each_str(
            &search(
                "*",
                &["--no-collapse", "-n", "3", "--offset", &offset.to_string()],
            )["hits"],
            "id",
        ));
    }
    assert_eq!(paged, all);
    assert_eq!(all.iter().collect::<BTreeSet<_>>().len(), 9);
    let out = newsdex(&["search", "*", "--index", index(), "--offset", "100001"]);
    assert_eq!(out.status.code(), Some(2));
}
