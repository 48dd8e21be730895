//! The one article type every input format produces and the indexer consumes.

use chrono::NaiveDate;

use crate::entities::Entities;

/// An article as parsed from the corpus, before entity extraction fills
/// `entities`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Article {
    /// Stable identifier: the path relative to the corpus root, with `#N`
    /// appended for the N-th record of a multi-article file.
    pub id: String,
    /// Path of the source file relative to the corpus root, `/`-separated.
    pub path: String,
    pub title: String,
    /// Paragraphs separated by blank lines.
    pub body: String,
    /// The day the article states; `None` when it states none.
    pub date: Option<NaiveDate>,
    /// Publisher or site, when the source says.
    pub source: Option<String>,
    pub author: Option<String>,
    pub url: Option<String>,
    pub entities: Entities,
}

impl Article {
    /// The text entities are extracted from. All-capital headlines (wire
    /// style) carry no capitalisation signal, so they are left out.
    pub fn entity_text(&self) -> String {
        let title_is_caps = !self.title.chars().any(|c| c.is_lowercase());
        if self.title.is_empty() || title_is_caps || self.body.starts_with(&self.title) {
            self.body.clone()
        } else {
            format!("{}\n\n{}", self.title, self.body)
        }
    }
}
