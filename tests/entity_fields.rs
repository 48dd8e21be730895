//! Wire-story anatomy and name resolution as a reader sees them through the
//! real binary: authors and tickers as facets and filters, credit-line
//! journalists never among the people, and a full name that also finds the
//! articles calling the person "Mr Blair".

mod common;

use common::{corpus, each_str, newsdex, newsdex_json};

const OIL: &str =
    " date 2011-04-07 Oil rises as Exxon gains\n\nNEW YORK (Reuters) - Exxon Mobil Corp ( XOM.N ) \
said on Thursday that oil output rose, lifting the Dow Jones industrial average .DJI by 1 percent.\n\n\
Analyst Jane Roe of Acme Securities said prices would rise.\n\n\
(Reporting by Ana Lee; Editing by Leslie Adler)";

const GAS: &str = " date 2011-04-08 Gas prices fall\n\nHOUSTON (Reuters) - Chevron Corp ( CVX.N ) said gas \
prices fell on Friday, the second day of losses.\n\n(Reporting by Bo Chen; Editing by Leslie Adler)";

const BLAIR_FULL: &str = " date 2005-03-01 Blair sets out plans\n\nPrime Minister Tony Blair set out his \
plans for the election on Tuesday. Tony Blair said schools came first. Mr Blair spoke in London.";

const BLAIR_SHORT: &str = " date 2005-03-02 Blair answers critics\n\nMr Blair answered his critics in the \
Commons on Wednesday, and Mr Blair said the plans were costed.";

const BLAIR_AGAIN: &str = " date 2005-03-03 Blair visits Leeds\n\nTony Blair visited Leeds on Thursday.";

fn index(files: &[(&str, &str)]) -> (tempfile::TempDir, String) {
    let bytes: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    let dir = corpus(&bytes);
    let idx = dir.path().join("idx");
    let out = newsdex(&[
        "index",
        dir.path().to_str().unwrap(),
        "--index",
        idx.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let idx = idx.to_str().unwrap().to_string();
    (dir, idx)
}

#[test]
fn credit_lines_make_authors_a_facet_and_a_filter_not_people() {
    let (_dir, idx) = index(&[("oil.txt", OIL), ("gas.txt", GAS)]);
    let all = newsdex_json(&["search", "prices", "--index", &idx, "--json"]);
    let facets = &all["facets"];
    let authors = each_str(&facets["author"], "value");
    assert_eq!(authors[0], "Leslie Adler", "{facets}");
    assert!(authors.contains(&"Ana Lee".to_string()) && authors.contains(&"Bo Chen".to_string()));
    let people = each_str(&facets["person"], "value");
    for journalist in ["Leslie Adler", "Ana Lee", "Bo Chen"] {
        assert!(
            !people.iter().any(|p| p == journalist),
            "{journalist} in {people:?}"
        );
    }
    assert!(people.contains(&"Jane Roe".to_string()), "{people:?}");
    let tickers = each_str(&facets["ticker"], "value");
    assert!(
        ["XOM.N", ".DJI", "CVX.N"]
            .iter()
            .all(|t| tickers.contains(&t.to_string())),
        "{tickers:?}"
    );
    // Tickers are no names of any kind, and the agency is the source.
    for kind in ["person", "org", "place"] {
        let values = each_str(&facets[kind], "value");
        assert!(
            !values.iter().any(|v| v.contains("XOM") || v == "Reuters"),
            "{kind}: {values:?}"
        );
    }
    assert_eq!(each_str(&facets["source"], "value"), ["Reuters"]);

    let by = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["search", "", "--index", &idx, "--json"];
        a.extend_from_slice(args);
        let mut ids = each_str(&newsdex_json(&a)["hits"], "id");
        ids.sort();
        ids
    };
    assert_eq!(by(&["--author", "leslie adler"]), ["gas.txt", "oil.txt"]);
    assert_eq!(by(&["--author", "Ana Lee"]), ["oil.txt"]);
    assert_eq!(by(&["--ticker", "CVX.N"]), ["gas.txt"]);
    let q = newsdex_json(&["search", "author:\"Bo Chen\"", "--index", &idx, "--json"]);
    assert_eq!(each_str(&q["hits"], "id"), ["gas.txt"]);
    // An unknown author is an error that suggests close names.
    let out = newsdex(&["search", "", "--index", &idx, "--author", "Leslie Adlr"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Leslie Adler"));
}

#[test]
fn a_full_name_also_finds_the_articles_that_use_only_the_surname() {
    let (_dir, idx) = index(&[
        ("a.txt", BLAIR_FULL),
        ("b.txt", BLAIR_SHORT),
        ("c.txt", BLAIR_AGAIN),
    ]);
    let hits = newsdex_json(&["search", "", "--index", &idx, "--person", "Tony Blair", "--json"]);
    let mut ids = each_str(&hits["hits"], "id");
    ids.sort();
    assert_eq!(ids, ["a.txt", "b.txt", "c.txt"], "{hits}");
    // The facet counts "Mr Blair" for Tony Blair too: one value, three articles.
    let all = newsdex_json(&["search", "", "--index", &idx, "--json"]);
    assert_eq!(
        all["facets"]["person"],
        serde_json::json!([{"value": "Tony Blair", "count": 3}]),
        "{all}"
    );
    // Within one article, "Mr Blair" is Tony Blair and no second person.
    let a = newsdex_json(&["tag", _dir.path().join("a.txt").to_str().unwrap()]);
    assert_eq!(a["entities"]["person"], serde_json::json!(["Tony Blair"]), "{a}");
    // The chips of the article that says only "Mr Blair" name him in full,
    // and so do `entities` and `similar`.
    let short = newsdex_json(&["search", "critics", "--index", &idx, "--json"]);
    assert_eq!(
        short["hits"][0]["entities"]["person"],
        serde_json::json!(["Tony Blair"]),
        "{short}"
    );
    let people = newsdex_json(&[
        "entities",
        "",
        "--type",
        "person",
        "--index",
        &idx,
        "--json",
        "--min-count",
        "1",
    ]);
    let listed: Vec<(String, u64)> = people["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_string(),
                e["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(listed, [("Tony Blair".to_string(), 3)], "{people}");
    let similar = newsdex_json(&["similar", "a.txt", "--index", &idx, "--json"]);
    for hit in similar["hits"].as_array().unwrap() {
        assert_eq!(
            hit["entities"]["person"],
            serde_json::json!(["Tony Blair"]),
            "{similar}"
        );
    }
}

#[test]
fn a_surname_shared_by_two_people_stays_apart() {
    let cherie =
        " date 2005-03-04 Cherie Blair speaks\n\nCherie Blair spoke in Leeds. Cherie Blair said more.";
    let (_dir, idx) = index(&[
        ("a.txt", BLAIR_FULL),
        ("b.txt", BLAIR_SHORT),
        ("d.txt", cherie),
        ("e.txt", &cherie.replace("Leeds", "York")),
    ]);
    let hits = newsdex_json(&["search", "", "--index", &idx, "--person", "Tony Blair", "--json"]);
    // "Mr Blair" alone could be either: only the article naming him in full.
    assert_eq!(each_str(&hits["hits"], "id"), ["a.txt"], "{hits}");
    let all = newsdex_json(&["search", "", "--index", &idx, "--json"]);
    let people = each_str(&all["facets"]["person"], "value");
    assert!(
        people.iter().any(|p| p == "Blair" || p == "Mr Blair"),
        "{people:?}"
    );
    assert_eq!(
        all["facets"]["person"][0],
        serde_json::json!({"value": "Cherie Blair", "count": 2})
    );
}

#[test]
fn a_listed_abbreviation_filters_by_its_listed_name() {
    let text =
        " date 2023-09-13 Missile fired\n\nPYONGYANG - North Korea fired a missile, KCNA said on Wednesday.";
    let (_dir, idx) = index(&[("k.txt", text)]);
    for args in [["--org", "kcna"], ["--org", "Korean Central News Agency"]] {
        let mut a = vec!["search", "", "--index", &idx, "--json"];
        a.extend_from_slice(&args);
        assert_eq!(each_str(&newsdex_json(&a)["hits"], "id"), ["k.txt"], "{args:?}");
    }
    let q = newsdex_json(&["search", "org:KCNA", "--index", &idx, "--json"]);
    assert_eq!(each_str(&q["hits"], "id"), ["k.txt"]);
}

#[test]
fn the_saved_surname_table_is_used_only_for_the_segments_it_was_read_from() {
    let (_dir, idx) = index(&[
        ("a.txt", BLAIR_FULL),
        ("b.txt", BLAIR_SHORT),
        ("c.txt", BLAIR_AGAIN),
    ]);
    let file = std::path::Path::new(&idx).join(".surnames");
    let read = |file: &std::path::Path| {
        let text = std::fs::read_to_string(file).unwrap();
        let (segments, table) = text.split_once('\n').unwrap();
        let table: serde_json::Value = serde_json::from_str(table).unwrap();
        (segments.to_string(), table)
    };
    let (segments, table) = read(&file);
    assert!(segments.starts_with("newsdex-surnames 1 "), "{segments}");
    assert_eq!(table["blair"], "tony blair", "{table}");
    let tony = |idx: &str| {
        let hits = newsdex_json(&["search", "", "--index", idx, "--person", "Tony Blair", "--json"]);
        let mut ids = each_str(&hits["hits"], "id");
        ids.sort();
        ids
    };
    assert_eq!(tony(&idx), ["a.txt", "b.txt", "c.txt"]);
    // The search reads the saved table: one that gives "blair" to nobody
    // leaves "Mr Blair" unresolved.
    let other = r#"{"brown": "gordon brown"}"#;
    std::fs::write(&file, format!("{segments}\n{other}")).unwrap();
    assert_eq!(tony(&idx), ["a.txt", "c.txt"]);
    // Saved for other segments, or unreadable: the table is read from the
    // index again.
    std::fs::write(
        &file,
        format!("newsdex-surnames 1 00000000000000000000000000000000\n{other}"),
    )
    .unwrap();
    assert_eq!(tony(&idx), ["a.txt", "b.txt", "c.txt"]);
    std::fs::write(&file, format!("{segments}\n{{not json")).unwrap();
    assert_eq!(tony(&idx), ["a.txt", "b.txt", "c.txt"]);
    // The next run saves it again when it was saved for other segments (a
    // file of an earlier version, or from before a merge), a no-op run too.
    std::fs::write(
        &file,
        format!("newsdex-surnames 1 00000000000000000000000000000000\n{other}"),
    )
    .unwrap();
    let again = newsdex(&["index", _dir.path().to_str().unwrap(), "--index", &idx]);
    assert!(again.status.success());
    assert_eq!(read(&file).1["blair"], "tony blair");
}
