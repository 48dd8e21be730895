//! The path to a cluster: the bulk NDJSON that loads an archive into
//! OpenSearch or Elasticsearch (upserts keyed by article id), and the index
//! template that maps every field the documents carry. docs/scale-out.md
//! says how newsdex's queries translate to their query DSL.

use serde_json::{json, Value};

use crate::search::ArchiveRow;

/// The index name the bulk lines and the template use.
pub const INDEX: &str = "newsdex";

/// The document of one article: every field of [`mapping`], null or empty
/// where the article has nothing.
pub fn document(r: &ArchiveRow) -> Value {
    let a = &r.article;
    let authors = a.credited();
    json!({
        "id": a.id,
        "path": a.path,
        "title": a.title,
        "body": a.body,
        "date": a.date.map(|d| d.to_string()),
        "source": a.source,
        "author": authors,
        "url": a.url,
        "dateline": a.dateline,
        "ticker": a.tickers,
        "person": a.entities.person,
        "org": a.entities.org,
        "place": a.entities.place,
        "duplicate_group": r.duplicate_group,
    })
}

/// The two bulk lines of one article: an update of `_id` = the article id,
/// as an upsert, so that loading again replaces rather than duplicates.
pub fn bulk_lines(r: &ArchiveRow) -> String {
    let action = json!({"update": {"_index": INDEX, "_id": r.article.id}});
    let body = json!({"doc": document(r), "doc_as_upsert": true});
    format!("{action}\n{body}\n")
}

/// The index template: English analysis for title and body, `date` a
/// date, names and codes keywords (arrays of them), the duplicate group a
/// keyword to `collapse` on.
pub fn mapping() -> Value {
    let keyword = json!({"type": "keyword"});
    let english = json!({"type": "text", "analyzer": "english"});
    json!({
        "index_patterns": [format!("{INDEX}*")],
        "template": {
            "settings": {"number_of_shards": 1},
            "mappings": {
                "dynamic": "strict",
                "properties": {
                    "id": keyword,
                    "path": keyword,
                    "title": {"type": "text", "analyzer": "english", "fields": {"raw": {"type": "keyword", "ignore_above": 512}}},
                    "body": english,
                    "date": {"type": "date", "format": "yyyy-MM-dd"},
                    "source": keyword,
                    "author": keyword,
                    "url": {"type": "keyword", "index": false},
                    "dateline": keyword,
                    "ticker": keyword,
                    "person": keyword,
                    "org": keyword,
                    "place": keyword,
                    "duplicate_group": keyword,
                }
            }
        }
    })
}
