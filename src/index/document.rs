//! An article as a tantivy document and back: the one place that maps
//! [`Article`]'s fields onto the schema's.

use tantivy::TantivyDocument;

use crate::article::Article;
use crate::entities::{Entities, EntityKind};
use crate::index::schema::{self, Fields};
use crate::text::{dates, simhash};

/// The article stored in a document (inverse of [`to_document`]).
pub(crate) fn from_document(f: &Fields, doc: &TantivyDocument) -> Article {
    use tantivy::schema::Value;
    let text = |field| doc.get_first(field).and_then(|v| v.as_str()).map(str::to_string);
    let all = |field| {
        doc.get_all(field)
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    Article {
        id: text(f.id).unwrap_or_default(),
        path: text(f.path).unwrap_or_default(),
        title: text(f.title).unwrap_or_default(),
        body: text(f.body).unwrap_or_default(),
        date: doc
            .get_first(f.date)
            .and_then(|v| v.as_i64())
            .and_then(dates::from_day_number),
        source: text(f.source),
        author: text(f.byline),
        authors: all(f.author),
        dateline: text(f.dateline),
        tickers: all(f.ticker),
        url: text(f.url),
        entities: Entities {
            person: all(f.person),
            org: all(f.org),
            place: all(f.place),
        },
    }
}

/// The tantivy document of an article.
pub(crate) fn to_document(f: &Fields, a: &Article) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, &a.id);
    doc.add_text(f.path, &a.path);
    doc.add_text(f.title, &a.title);
    doc.add_text(f.body, &a.body);
    for (field, value) in [
        (f.source, &a.source),
        (f.byline, &a.author),
        (f.dateline, &a.dateline),
        (f.url, &a.url),
    ] {
        if let Some(v) = value {
            doc.add_text(field, v);
        }
    }
    if let Some(source) = a.source.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        doc.add_text(f.entity, schema::entity_value(schema::SOURCE_FACET, source));
    }
    for (field, root, values) in [
        (f.author, schema::AUTHOR_FACET, &a.authors),
        (f.ticker, schema::TICKER_FACET, &a.tickers),
    ] {
        for v in values {
            doc.add_text(field, v);
            doc.add_text(f.entity, schema::entity_value(root, v));
        }
    }
    if let Some(h) = simhash::simhash(&a.body) {
        doc.add_u64(f.simhash, h);
        for band in simhash::bands(h) {
            doc.add_u64(f.dup_band, band);
        }
    }
    if let Some(d) = a.date.and_then(dates::in_range) {
        doc.add_i64(f.date, dates::day_number(d));
    }
    for kind in EntityKind::ALL {
        for name in a.entities.of_kind(kind) {
            doc.add_text(f.entity, schema::entity_value(kind.as_str(), name));
            doc.add_text(f.of_kind(kind), name);
        }
    }
    doc
}
