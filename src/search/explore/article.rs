//! One whole article by its id, and the same for reading: the query's
//! words marked, its near-duplicates listed.

use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{TantivyDocument, Term};

use crate::article::Article;
use crate::error::{Error, Result};
use crate::index::document;
use crate::index::NewsIndex;
use crate::search::collapse::SimHashes;
use crate::search::hits::{first_text, highlighter};
use crate::search::request::Filter;
use crate::search::response::{ArticleView, DuplicateOf};
use crate::search::surnames;
use crate::text::simhash;

/// Most near-duplicates listed beside an article.
const MAX_DUPLICATES: usize = 50;

impl NewsIndex {
    /// The whole article with this id.
    pub fn article(&self, id: &str) -> Result<Article> {
        let searcher = self.searcher();
        let addr = self.address_of(&searcher, id)?;
        let doc: TantivyDocument = searcher.doc(addr).map_err(Error::tantivy(self.path()))?;
        Ok(document::from_document(self.fields(), &doc))
    }

    /// The article with this id for reading: title and body as HTML with
    /// the words of `query` marked (none when it is empty), people named
    /// as the archive resolves them, and its near-duplicates.
    pub fn article_view(&self, id: &str, query: &str) -> Result<ArticleView> {
        let searcher = self.searcher();
        let addr = self.address_of(&searcher, id)?;
        let doc: TantivyDocument = searcher.doc(addr).map_err(Error::tantivy(self.path()))?;
        let f = self.fields();
        let mut article = document::from_document(f, &doc);
        let names = surnames::table(self, &searcher)?;
        surnames::resolve_people(&mut article.entities.person, &names);

        // A query that does not parse marks nothing rather than failing
        // the page: the article is what was asked for.
        let terms = match self.build_query(&searcher, &Filter::new(query)) {
            Ok((_, terms)) => terms,
            Err(_) => Default::default(),
        };
        let marker = highlighter(self, &searcher, terms, 240)?;
        let (title_html, _) = marker.mark_all(&article.title);
        let (body_html, marked) = marker.mark_all(&article.body);

        let hashes = SimHashes::new(&searcher);
        let mut duplicates = Vec::new();
        if let Some(own) = hashes.get(addr) {
            let bands: Vec<(Occur, Box<dyn Query>)> = simhash::bands(own)
                .into_iter()
                .map(|b| {
                    let t = Term::from_field_u64(f.dup_band, b);
                    let q: Box<dyn Query> = Box::new(TermQuery::new(t, IndexRecordOption::Basic));
                    (Occur::Should, q)
                })
                .collect();
            let mut near: Vec<_> = searcher
                .search(&BooleanQuery::new(bands), &DocSetCollector)
                .map_err(Error::tantivy(self.path()))?
                .into_iter()
                .filter(|a| *a != addr && hashes.get(*a).is_some_and(|h| simhash::near(own, h)))
                .collect();
            near.sort_unstable();
            for a in near.into_iter().take(MAX_DUPLICATES) {
                let d: TantivyDocument = searcher.doc(a).map_err(Error::tantivy(self.path()))?;
                let other = document::from_document(f, &d);
                duplicates.push(DuplicateOf {
                    id: other.id,
                    title: first_text(&d, f.title).to_string(),
                    date: other.date.map(|d| d.to_string()),
                });
            }
        }
        Ok(ArticleView {
            article,
            title_html,
            body_html,
            marked,
            duplicates,
        })
    }
}
