//! A matching document as the [`Hit`] a reader sees: its fields, the
//! passage that answers with the query's words highlighted, its entities and
//! the ids of its collapsed copies.

use std::collections::HashMap;

use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::entities::Entities;
use crate::error::{Error, Result};
use crate::index::schema::{self, names, Fields};
use crate::index::NewsIndex;
use crate::search::compile::HighlightTerms;
use crate::search::response::Hit;
use crate::search::snippet::{Highlighter, Snippet};
use crate::text::dates;

/// Article ids of documents, from the fast field.
pub(crate) fn ids(index: &NewsIndex, searcher: &Searcher, docs: &[DocAddress]) -> Result<Vec<String>> {
    let mut out = Vec::with_capacity(docs.len());
    for addr in docs {
        let segment = searcher.segment_reader(addr.segment_ord);
        let column = index
            .columns()
            .str_column(segment, names::ID)
            .map_err(Error::tantivy(index.path()))?;
        let mut id = String::new();
        if let Some(col) = column {
            if let Some(ord) = col.term_ords(addr.doc_id).next() {
                col.ord_to_str(ord, &mut id)
                    .map_err(|e| Error::tantivy(index.path())(e.into()))?;
            }
        }
        out.push(id);
    }
    Ok(out)
}

/// A highlighter for the query's text terms, weighted by inverse
/// document frequency.
pub(crate) fn highlighter(
    index: &NewsIndex,
    searcher: &Searcher,
    terms: HighlightTerms,
    max_chars: usize,
) -> Result<Highlighter> {
    let f = index.fields();
    let n = searcher.num_docs().max(1) as f32;
    let mut weights = HashMap::new();
    for text in terms.exact {
        let df = searcher
            .doc_freq(&Term::from_field_text(f.body, &text))
            .map_err(Error::tantivy(index.path()))? as f32;
        let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        weights.insert(text, idf);
    }
    let (scan, stem) = schema::text_analyzer_parts();
    Ok(Highlighter::new(scan, stem, weights, max_chars).with_patterns(terms.prefixes, terms.fuzzy))
}

pub(crate) fn first_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> &str {
    doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("")
}

pub(crate) fn all_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> Vec<String> {
    doc.get_all(field)
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

pub(crate) fn to_hit(
    f: &Fields,
    doc: &TantivyDocument,
    score: f32,
    h: &Highlighter,
    fragments: usize,
) -> Hit {
    let title = first_text(doc, f.title);
    let body = first_text(doc, f.body);
    // Headline-only articles, and those matched on their title alone, show
    // the title as their passage so the match is visible.
    // Each text is analysed once: the body first, the title only when the
    // body has no match.
    let snippet: Snippet = match (!body.is_empty()).then(|| h.snippets(body, fragments)) {
        Some(s) if !s.highlights.is_empty() => s,
        from_body => {
            let from_title = h.snippet(title);
            match from_body {
                Some(s) if from_title.highlights.is_empty() => s,
                _ => from_title,
            }
        }
    };
    let date = doc
        .get_first(f.date)
        .and_then(|v| v.as_i64())
        .and_then(dates::from_day_number)
        .map(dates::format_ymd);
    Hit {
        id: first_text(doc, f.id).to_string(),
        path: first_text(doc, f.path).to_string(),
        title: title.to_string(),
        date,
        score,
        snippet_html: snippet.to_html(),
        snippet: snippet.text,
        highlights: snippet.highlights,
        similar: Vec::new(),
        explain: None,
        entities: Entities {
            person: all_text(doc, f.person),
            org: all_text(doc, f.org),
            place: all_text(doc, f.place),
        },
    }
}
