//! Every match of a search, or every article, one at a time: what exports
//! stream. Memory is the ranked list (16 bytes a match) and one article.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tantivy::collector::Count;
use tantivy::{DocAddress, TantivyDocument};

use crate::article::Article;
use crate::error::{Error, Result};
use crate::index::document;
use crate::index::NewsIndex;
use crate::search::hits::{highlighter, to_hit};
use crate::search::request::SearchRequest;
use crate::search::surnames;

/// One match of an exported search: the columns of `search --format csv`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MatchRow {
    /// The article id.
    pub id: String,
    /// Source file, relative to the corpus root.
    pub path: String,
    /// `YYYY-MM-DD`, or null.
    pub date: Option<String>,
    /// The headline.
    pub title: String,
    /// Publisher or site.
    pub source: Option<String>,
    /// The people credited, joined by "; ".
    pub author: Option<String>,
    /// The original address.
    pub url: Option<String>,
    /// The score in the search's order.
    pub score: f32,
    /// People, most mentioned first.
    pub person: Vec<String>,
    /// Organisations.
    pub org: Vec<String>,
    /// Places.
    pub place: Vec<String>,
    /// The passage that answers.
    pub snippet: String,
}

/// One article of the whole archive, with its near-duplicate group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArchiveRow {
    /// The article, entities included.
    #[serde(flatten)]
    pub article: Article,
    /// The id of the first article of its group of near-duplicates (wire
    /// copies, reprints), the same for every member; null when it has none.
    pub duplicate_group: Option<String>,
}

impl NewsIndex {
    /// Calls `each` with every match of `req`'s filter in `req`'s order, or
    /// with the first `max` (near-duplicates are not folded: an export is
    /// every article), and returns how many matched. `limit` and `offset`
    /// are ignored.
    pub fn for_each_match(
        &self,
        req: &SearchRequest,
        max: Option<usize>,
        mut each: impl FnMut(MatchRow) -> Result<()>,
    ) -> Result<u64> {
        req.validate()?;
        let searcher = self.searcher();
        let (query, terms) = self.build_query(&searcher, &req.filter)?;
        let total = searcher
            .search(&*query, &Count)
            .map_err(Error::tantivy(self.path()))?;
        let wanted = max.map_or(total, |m| m.min(total));
        let ranked = self.ranked(&searcher, &*query, req, wanted.max(1))?;
        let marker = highlighter(self, &searcher, terms, req.snippet_chars)?;
        let names = surnames::table(self, &searcher)?;
        let f = self.fields();
        for (score, addr) in ranked {
            let doc: TantivyDocument = searcher.doc(addr).map_err(Error::tantivy(self.path()))?;
            let hit = to_hit(f, &doc, score, &marker, req.fragments.max(1));
            let a = document::from_document(f, &doc);
            let mut person = hit.entities.person;
            surnames::resolve_people(&mut person, &names);
            each(MatchRow {
                author: Some(a.credited().join("; ")).filter(|s| !s.is_empty()),
                id: hit.id,
                path: hit.path,
                date: hit.date,
                title: hit.title,
                source: a.source,
                url: a.url,
                score,
                person,
                org: hit.entities.org,
                place: hit.entities.place,
                snippet: hit.snippet,
            })?;
        }
        Ok(total as u64)
    }

    /// Calls `each` with every article of the index, in index order, with
    /// its near-duplicate group.
    pub fn for_each_article(&self, mut each: impl FnMut(ArchiveRow) -> Result<()>) -> Result<u64> {
        let mut group: HashMap<String, String> = HashMap::new();
        for g in self.duplicate_groups()? {
            let mut ids = g.ids.clone();
            ids.sort();
            for id in &ids {
                group.insert(id.clone(), ids[0].clone());
            }
        }
        let searcher = self.searcher();
        let names = surnames::table(self, &searcher)?;
        let mut n = 0;
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            for doc in segment.doc_ids_alive() {
                let d: TantivyDocument = searcher
                    .doc(DocAddress::new(ord as u32, doc))
                    .map_err(Error::tantivy(self.path()))?;
                let mut article = document::from_document(self.fields(), &d);
                surnames::resolve_people(&mut article.entities.person, &names);
                let duplicate_group = group.get(&article.id).cloned();
                each(ArchiveRow {
                    article,
                    duplicate_group,
                })?;
                n += 1;
            }
        }
        Ok(n)
    }
}
