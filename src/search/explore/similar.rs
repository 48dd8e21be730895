//! More like this: articles like one article, without its own copies.

use std::collections::HashMap;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, MoreLikeThisQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, OwnedValue};
use tantivy::{DocAddress, TantivyDocument, Term};

use crate::error::{Error, Result};
use crate::index::schema;
use crate::index::NewsIndex;
use crate::search::collapse::{collapse, SimHashes};
use crate::search::hits::{first_text, ids, to_hit};
use crate::search::request::{SimilarRequest, MAX_LIMIT};
use crate::search::response::{Facets, SearchResponse};
use crate::search::snippet::Highlighter;
use crate::text::simhash;

impl NewsIndex {
    /// Articles like the one with `req.id` (more-like-this over its title
    /// and body), without the article itself and, by default, without its
    /// near-duplicates. Near-duplicates among the results are collapsed.
    pub fn similar(&self, req: &SimilarRequest) -> Result<SearchResponse> {
        let started = std::time::Instant::now();
        if req.limit > MAX_LIMIT {
            return Err(Error::InvalidArgument {
                what: "limit",
                message: format!("{} is above the maximum of {}", req.limit, MAX_LIMIT),
            });
        }
        let searcher = self.searcher();
        let addr = self.address_of(&searcher, &req.id)?;
        let doc: TantivyDocument = searcher.doc(addr).map_err(Error::tantivy(self.path()))?;
        let f = self.fields();
        let text = |field| vec![OwnedValue::Str(first_text(&doc, field).to_string())];
        let n = searcher.num_docs();
        let mlt = MoreLikeThisQuery::builder()
            .with_min_doc_frequency(2)
            .with_max_doc_frequency((n / 10).max(2))
            .with_min_term_frequency(1)
            .with_max_query_terms(30)
            .with_min_word_length(3)
            .with_document_fields(vec![(f.title, text(f.title)), (f.body, text(f.body))]);
        let query = BooleanQuery::new(vec![
            (Occur::Must, Box::new(mlt) as Box<dyn Query>),
            (
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.id, &req.id),
                    IndexRecordOption::Basic,
                )),
            ),
        ]);
        let hashes = SimHashes::new(&searcher);
        let own = hashes.get(addr);
        let is_copy = |a: DocAddress| match (own, hashes.get(a)) {
            (Some(x), Some(y)) => !req.include_duplicates && simhash::near(x, y),
            _ => false,
        };
        let mut window = req.limit * 2 + 10;
        let groups = loop {
            let ranked: Vec<(f32, DocAddress)> = searcher
                .search(&query, &TopDocs::with_limit(window).order_by_score())
                .map_err(Error::tantivy(self.path()))?;
            let full = ranked.len() >= window;
            let ranked: Vec<_> = ranked.into_iter().filter(|(_, a)| !is_copy(*a)).collect();
            let groups = collapse(self, &searcher, &query, None, ranked, usize::MAX)?;
            if groups.len() >= req.limit || !full {
                break groups;
            }
            window *= 4;
        };
        let (scan, stem) = schema::text_analyzer_parts();
        let lead = Highlighter::new(scan, stem, HashMap::new(), 240);
        let names = crate::search::surnames::table(self, &searcher)?;
        let mut hits = Vec::new();
        for ((score, a), dups) in groups.into_iter().take(req.limit) {
            let d: TantivyDocument = searcher.doc(a).map_err(Error::tantivy(self.path()))?;
            let mut hit = to_hit(f, &d, score, &lead, 1);
            crate::search::surnames::resolve_people(&mut hit.entities.person, &names);
            hit.similar = ids(self, &searcher, &dups)?;
            hits.push(hit);
        }
        Ok(SearchResponse {
            query: format!("similar:{}", req.id),
            total: hits.len() as u64,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            hits,
            facets: Facets::default(),
            ..Default::default()
        })
    }
}
