//! Who is in the news about X: the entities most associated with a query's
//! matches, scored against their share of the whole index.

use tantivy::collector::Count;
use tantivy::Term;

use crate::entities::EntityKind;
use crate::error::{Error, Result};
use crate::index::schema::{self, names};
use crate::index::NewsIndex;
use crate::search::collect::facets::{self, FacetOrdCounts};
use crate::search::compile::name_query;
use crate::search::request::EntitiesRequest;
use crate::search::response::{AssociatedEntity, EntitiesResponse, FacetCount};
use crate::search::surnames;

/// How many of the most frequent entities per kind are scored.
const CANDIDATES: usize = 1_000;

impl NewsIndex {
    /// The entities most associated with a query's matches, best first.
    pub fn associated_entities(&self, req: &EntitiesRequest) -> Result<EntitiesResponse> {
        req.filter.validate()?;
        let searcher = self.searcher();
        let (query, _) = self.build_query(&searcher, &req.filter)?;
        let kinds: Vec<EntityKind> = match req.kind {
            Some(k) => vec![k],
            None => EntityKind::ALL.to_vec(),
        };
        let (total, counts) = searcher
            .search(
                &query,
                &(
                    Count,
                    FacetOrdCounts::for_field(names::ENTITY, self.columns().clone()),
                ),
            )
            .map_err(Error::tantivy(self.path()))?;
        let n_all = searcher.num_docs().max(1) as f64;
        let n_q = (total as f64).max(1.0);
        let everything = total as u64 >= searcher.num_docs();
        let mut out = Vec::new();
        for kind in kinds {
            let top = facets::top_k(
                &searcher,
                self.columns(),
                names::ENTITY,
                &counts,
                kind.as_str(),
                CANDIDATES,
            )
            .map_err(Error::tantivy(self.path()))?;
            // People under one name each, as in the people facet: "Obama"
            // counts for Barack Obama where the archive says so.
            let table = match kind {
                EntityKind::Person => Some(surnames::table(self, &searcher)?),
                _ => None,
            };
            let top = match &table {
                Some(t) => surnames::merge_people(top, t, CANDIDATES),
                None => top,
            };
            for FacetCount { value: name, count } in top {
                let count = count.min(total as u64);
                if count < req.min_count {
                    continue;
                }
                let field = self.fields().of_kind(kind);
                let short_forms = table
                    .as_ref()
                    .is_some_and(|t| !surnames::short_forms(t, &name.to_lowercase()).is_empty());
                // The articles of the whole index under this name: with its
                // short forms, each article once.
                let corpus = if short_forms {
                    let q = name_query(self, &searcher, field, kind.as_str(), &name)?;
                    searcher
                        .search(&*q, &Count)
                        .map_err(Error::tantivy(self.path()))? as u64
                } else {
                    let term = Term::from_field_text(field, &schema::name_term(&name));
                    searcher.doc_freq(&term).map_err(Error::tantivy(self.path()))?
                }
                .max(count);
                let (p_q, p_all) = (count as f64 / n_q, corpus as f64 / n_all);
                let score = if everything {
                    count as f64
                } else {
                    (p_q - p_all) * (p_q / p_all)
                };
                out.push(AssociatedEntity {
                    kind,
                    name,
                    count,
                    corpus_count: corpus,
                    score,
                });
            }
        }
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| b.count.cmp(&a.count))
                .then_with(|| a.name.cmp(&b.name))
        });
        out.truncate(req.limit);
        Ok(EntitiesResponse {
            query: req.filter.query.clone(),
            total: total as u64,
            articles: searcher.num_docs(),
            entities: out,
        })
    }
}
