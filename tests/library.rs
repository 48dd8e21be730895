//! The library's facade, pinned: what a program that embeds newsdex calls
//! (index a corpus, open it, search, timeline, entities, similar articles,
//! one article, stats) and the error kinds it matches on. Layout changes
//! inside the crate must leave every line here compiling and passing.

use std::path::Path;
use std::sync::Arc;

use newsdex::{
    compact, index_corpus, index_exists, Entities, EntitiesRequest, EntityExtractor, EntityKind, Error,
    IndexOptions, Interval, Mention, NewsIndex, NoEntities, NoProgress, SearchRequest, SimilarRequest,
    SortOrder, TimelineRequest,
};

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A small corpus: two near-identical wire copies, two other stories.
fn corpus(dir: &Path) {
    // Long enough (40 words and more) to be fingerprinted as a near-duplicate.
    let wire = "North Korea fired a ballistic missile on Wednesday, Japan's Chief Cabinet Secretary \
                Hirokazu Matsuno said. The missile flew for about ten minutes before it fell into the \
                Sea of Japan outside the country's exclusive economic zone, officials in Tokyo said, \
                adding that no damage to ships or aircraft had been reported so far.";
    write(
        dir,
        "2023/09/13/a.txt",
        &format!(" date 2023-09-13 Missile launch\n\n{wire}"),
    );
    write(
        dir,
        "2023/09/13/b.txt",
        &format!(" date 2023-09-13 Missile launch again\n\n{wire}"),
    );
    write(
        dir,
        "2023/10/02/c.txt",
        " date 2023-10-02 Central bank holds rates\n\nThe European Central Bank kept rates \
         unchanged, President Christine Lagarde said in Frankfurt.",
    );
    write(
        dir,
        "2024/01/05/d.txt",
        " date 2024-01-05 Oil prices rise\n\nOil prices rose in London as Saudi Arabia cut output, \
         traders said.",
    );
}

fn built() -> (tempfile::TempDir, tempfile::TempDir) {
    let (c, i) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    corpus(c.path());
    let summary = index_corpus(c.path(), i.path(), &IndexOptions::default(), &NoProgress).unwrap();
    assert_eq!((summary.added, summary.articles), (4, 4));
    (c, i)
}

#[test]
fn search_ranks_collapses_highlights_and_counts_facets() {
    let (_c, i) = built();
    assert!(index_exists(i.path()));
    let index = NewsIndex::open(i.path()).unwrap();
    assert_eq!(index.num_articles(), 4);

    let r = index.search(&SearchRequest::new("ballistic missile")).unwrap();
    assert_eq!(r.total, 2);
    assert_eq!(r.hits.len(), 1, "the wire copy is collapsed");
    assert_eq!(r.hits[0].similar.len(), 1);
    assert!(r.hits[0].snippet.contains("ballistic missile"));
    assert_eq!(r.hits[0].entities.person, ["Hirokazu Matsuno"]);
    let places: Vec<&str> = r
        .facets
        .of_kind(EntityKind::Place)
        .iter()
        .map(|f| f.value.as_str())
        .collect();
    assert!(places.contains(&"North Korea"), "{places:?}");

    let mut all = SearchRequest::new("missile");
    all.collapse = false;
    assert_eq!(index.search(&all).unwrap().hits.len(), 2);

    let dated = SearchRequest::new("*")
        .since(chrono::NaiveDate::from_ymd_opt(2023, 10, 1).unwrap())
        .sort(SortOrder::Date)
        .limit(10);
    let titles: Vec<String> = index
        .search(&dated)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.title)
        .collect();
    assert_eq!(titles, ["Oil prices rise", "Central bank holds rates"]);

    let lagarde = SearchRequest::new("*").with_entity(EntityKind::Person, "christine lagarde");
    assert_eq!(index.search(&lagarde).unwrap().total, 1);
}

#[test]
fn timeline_entities_similar_article_and_stats() {
    let (_c, i) = built();
    let index = NewsIndex::open(i.path()).unwrap();

    let mut t = TimelineRequest::default();
    t.filter.query = "*".into();
    t.interval = Interval::Month;
    let timeline = index.timeline(&t).unwrap();
    assert_eq!(timeline.total, 4);
    let buckets: Vec<(&str, u64)> = timeline
        .buckets
        .iter()
        .map(|b| (b.value.as_str(), b.count))
        .collect();
    assert_eq!(buckets.first(), Some(&("2023-09", 2)));
    assert_eq!(buckets.last(), Some(&("2024-01", 1)));

    let mut e = EntitiesRequest::default();
    e.filter.query = "*".into();
    e.min_count = 1;
    let people: Vec<String> = index
        .associated_entities(&e)
        .unwrap()
        .entities
        .into_iter()
        .filter(|x| x.kind == EntityKind::Person)
        .map(|x| x.name)
        .collect();
    assert!(people.contains(&"Christine Lagarde".to_string()), "{people:?}");

    let similar = index
        .similar(&SimilarRequest {
            id: "2023/09/13/a.txt".into(),
            include_duplicates: true,
            ..Default::default()
        })
        .unwrap();
    assert!(similar.hits.iter().all(|h| h.id != "2023/09/13/a.txt"));

    let groups = index.duplicate_groups().unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].ids.len(), 2);

    let a = index.article("2023/10/02/c.txt").unwrap();
    assert_eq!(a.title, "Central bank holds rates");
    assert_eq!(a.date.map(|d| d.to_string()).as_deref(), Some("2023-10-02"));
    assert!(a.body.contains("Lagarde"));
    assert_eq!(index.articles().unwrap().len(), 4);

    let stats = index.stats().unwrap();
    assert_eq!(stats.articles, 4);
    assert_eq!(stats.first_date.as_deref(), Some("2023-09-13"));
    assert!(compact(i.path(), false).unwrap().segments_after <= 1);
}

#[test]
fn errors_say_what_failed_and_which_are_the_users() {
    let (_c, i) = built();
    let missing = tempfile::tempdir().unwrap();
    let err = NewsIndex::open(missing.path().join("none")).unwrap_err();
    assert!(matches!(err, Error::IndexNotFound { .. }) && !err.is_usage());

    let index = NewsIndex::open(i.path()).unwrap();
    let err = index.search(&SearchRequest::new("(missile")).unwrap_err();
    assert!(matches!(err, Error::Query { column: 1, .. }), "{err:?}");
    assert!(err.is_usage());
    assert!(err.to_string().contains("column 1"), "{err}");

    let err = index
        .search(&SearchRequest::new("*").with_entity(EntityKind::Person, "Christine Lagard"))
        .unwrap_err();
    match &err {
        Error::UnknownName { suggestions, .. } => assert_eq!(suggestions, &["Christine Lagarde"]),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        index.article("nope").unwrap_err(),
        Error::UnknownId { .. }
    ));
    assert!(matches!(
        index
            .search(&SearchRequest::new("x").limit(1_000_000))
            .unwrap_err(),
        Error::InvalidArgument { what: "limit", .. }
    ));
}

/// A custom extractor plugs into indexing through the trait seam.
struct Shouty;

impl EntityExtractor for Shouty {
    fn extract(&self, text: &str) -> Vec<Mention> {
        text.find("Frankfurt")
            .map(|start| Mention {
                kind: EntityKind::Place,
                name: "FRANKFURT".into(),
                start,
                end: start + "Frankfurt".len(),
            })
            .into_iter()
            .collect()
    }
}

#[test]
fn a_custom_extractor_decides_the_entities() {
    let (c, i) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    corpus(c.path());
    let opts = IndexOptions {
        extractor: Arc::new(Shouty),
        ..IndexOptions::default()
    };
    index_corpus(c.path(), i.path(), &opts, &NoProgress).unwrap();
    let index = NewsIndex::open(i.path()).unwrap();
    let r = index.search(&SearchRequest::new("*")).unwrap();
    let places: Vec<&str> = r.facets.place.iter().map(|f| f.value.as_str()).collect();
    assert_eq!(places, ["FRANKFURT"]);
    assert_eq!(
        Entities::from_mentions(&Shouty.extract("in Frankfurt")).place,
        ["FRANKFURT"]
    );

    let none = IndexOptions {
        extractor: Arc::new(NoEntities),
        full: true,
        ..IndexOptions::default()
    };
    index_corpus(c.path(), i.path(), &none, &NoProgress).unwrap();
    index.reload().unwrap();
    assert!(index
        .search(&SearchRequest::new("*"))
        .unwrap()
        .facets
        .place
        .is_empty());
}
