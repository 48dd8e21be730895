//! The ranking stages through the public API, on small corpora written for
//! each: relaxed matching, entity names and spelling variants, and the
//! proximity re-ranking.

mod common;

use newsdex::{index_corpus, IndexOptions, NewsIndex, NoProgress, Ranking, SearchRequest};

fn build(files: &[(String, String)]) -> (tempfile::TempDir, tempfile::TempDir, NewsIndex) {
    let owned: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (p.as_str(), t.as_bytes())).collect();
    let c = common::corpus(&owned);
    let i = tempfile::tempdir().unwrap();
    index_corpus(c.path(), i.path(), &IndexOptions::default(), &NoProgress).unwrap();
    let index = NewsIndex::open(i.path()).unwrap();
    (c, i, index)
}

fn article(n: usize, title: &str, body: &str) -> (String, String) {
    (
        format!("2020/a{n:03}.txt"),
        format!(" date 2020-03-{:02} {title}\n\n{body}", 1 + n % 28),
    )
}

/// Two articles with both words, `alone` with only "livestock", twice as
/// many with only "cattle" (the commoner word), and filler with neither.
fn cattle_corpus(alone: usize) -> Vec<(String, String)> {
    let mut files = vec![
        article(
            0,
            "Livestock markets",
            "Livestock traders said cattle prices rose at the auction.",
        ),
        article(
            1,
            "Farm report",
            "The livestock report showed cattle placements were high.",
        ),
    ];
    for n in 0..alone {
        files.push(article(
            10 + n,
            "Ranch news",
            &format!("Livestock farmers in county {n} expect a dry season and lower yields."),
        ));
    }
    for n in 0..2 * alone {
        files.push(article(
            30 + n,
            "Beef",
            &format!("Cattle herds on ranch {n} grew this year."),
        ));
    }
    for n in 0..6 {
        files.push(article(
            70 + n,
            "Weather",
            &format!("Rain is expected over the plains on day {n} of the week."),
        ));
    }
    files
}

fn relaxing(below: usize) -> Ranking {
    Ranking {
        relax_below: below,
        ..Ranking::default()
    }
}

fn search(index: &NewsIndex, q: &str, ranking: Ranking) -> newsdex::SearchResponse {
    let mut req = SearchRequest::new(q).limit(50);
    req.ranking = ranking;
    req.explain = true;
    index.search(&req).unwrap()
}

#[test]
fn few_full_matches_are_followed_by_those_missing_the_commonest_word() {
    let (_c, _i, index) = build(&cattle_corpus(5));
    let r = search(&index, "livestock cattle", relaxing(5));
    let relaxed = r
        .relaxed
        .as_ref()
        .expect("2 full matches are fewer than 5: relaxed");
    assert_eq!(relaxed.strict_total, 2);
    assert_eq!(
        relaxed.dropped,
        vec!["cattle".to_string()],
        "cattle is the commoner word"
    );
    assert_eq!(r.total, 7, "the 5 livestock-only articles are added");
    let missing: Vec<usize> = r
        .hits
        .iter()
        .map(|h| h.explain.as_ref().unwrap().missing.len())
        .collect();
    assert_eq!(missing, vec![0, 0, 1, 1, 1, 1, 1], "every full match ranks first");
    assert!(r.hits[..2].iter().all(|h| h.title != "Ranch news"));
    assert!(r.hits.iter().all(|h| h.title != "Beef"), "livestock is kept");

    // As many full matches as the threshold: taken as written.
    let strict = search(&index, "livestock cattle", relaxing(2));
    assert_eq!((strict.total, strict.relaxed), (2, None));
    let off = search(&index, "livestock cattle", Ranking::bm25());
    assert_eq!((off.total, off.relaxed), (2, None));
}

#[test]
fn operators_phrases_and_plus_keep_every_word_required() {
    let (_c, _i, index) = build(&cattle_corpus(5));
    for q in [
        "livestock AND cattle",
        "+livestock cattle",
        "livestock +cattle",
        "\"livestock traders\" cattle",
        "title:livestock cattle",
        "livestock cattle -rain",
        "(livestock cattle)",
    ] {
        let r = search(&index, q, relaxing(1000));
        assert_eq!(r.relaxed, None, "{q}");
        assert!(r.total <= 2, "{q}: {} matches", r.total);
    }
}

#[test]
fn words_standing_together_rank_above_the_same_words_scattered() {
    let filler = |i: usize| {
        (0..50)
            .map(|w| format!("word{}", (w * 7 + i) % 50))
            .collect::<Vec<_>>()
            .join(" ")
    };
    // Same words, same length, same counts: BM25 ties them, and the
    // scattered one comes first in index order.
    let scattered = format!("{} central {} bank today.", filler(0), filler(1));
    let together = format!("{} central bank {} today.", filler(0), filler(1));
    let files = vec![
        article(0, "Report one", &scattered),
        article(1, "Report two", &together),
        article(2, "Other", "Nothing about it here at all."),
    ];
    let (_c, _i, index) = build(&files);
    let bm25 = search(&index, "central bank", Ranking::bm25());
    assert_eq!(bm25.hits.len(), 2);
    assert_eq!(bm25.hits[0].score, bm25.hits[1].score, "BM25 sees no difference");
    let ranked = search(&index, "central bank", Ranking::default());
    assert_eq!(ranked.hits[0].title, "Report two", "the phrase-like match first");
    let e = ranked.hits[0].explain.as_ref().unwrap();
    assert_eq!(e.proximity, 1.0);
    assert!(ranked.hits[1].explain.as_ref().unwrap().proximity < 0.1);
    assert!(ranked.hits[0].score > ranked.hits[1].score);
}

#[test]
fn a_surname_spelling_finds_the_articles_of_its_variant() {
    let mut files = Vec::new();
    let stories = [
        "Libyan leader Muammar Gaddafi said on Monday that oil output would rise.",
        "Muammar Gaddafi told reporters in Tripoli that the talks had failed.",
        "Officials said Muammar Gaddafi would visit Cairo next week.",
        "Libyan leader Moammar Gadhafi said on Tuesday that he would attend.",
        "Moammar Gadhafi told a rally in Benghazi that Libya would not yield.",
        "Diplomats said Moammar Gadhafi had rejected the proposal.",
    ];
    for (n, s) in stories.iter().enumerate() {
        files.push(article(n, "Libya", s));
    }
    files.push(article(
        9,
        "Markets",
        "Stocks rose in quiet trading on Wednesday.",
    ));
    let (_c, _i, index) = build(&files);
    let plain = search(&index, "gadhafi", Ranking::bm25());
    assert_eq!(plain.total, 3, "the word alone");
    let r = search(&index, "gadhafi", Ranking::default());
    assert_eq!(r.total, 6, "with its variant: {:?}", r.matched_query);
    assert!(r.matched_query.as_deref().unwrap().contains("gaddafi"));
    assert!(r.hits.iter().any(|h| h.snippet.contains("Gaddafi")));
    assert!(r.hits.iter().any(|h| h.snippet.contains("Gadhafi")));
}

#[test]
fn a_full_name_also_finds_the_articles_that_give_only_the_surname() {
    let files = vec![
        article(
            0,
            "Britain",
            "Prime Minister Tony Blair said on Monday the plan would go ahead.",
        ),
        article(
            1,
            "Britain",
            "Tony Blair met business leaders in London on Tuesday.",
        ),
        article(
            2,
            "Britain",
            "Tony Blair will visit Washington next month, officials said.",
        ),
        article(
            3,
            "Britain",
            "Mr Blair told parliament that taxes would not rise.",
        ),
        article(4, "Markets", "Stocks rose in quiet trading on Wednesday."),
    ];
    let (_c, _i, index) = build(&files);
    let plain = search(&index, "tony blair", Ranking::bm25());
    assert_eq!(plain.total, 3);
    let r = search(&index, "tony blair", Ranking::default());
    assert_eq!(r.total, 4, "{:?}", r.matched_query);
    assert!(r.hits.iter().any(|h| h.snippet.contains("Mr Blair")));
}
