//! The one article type every input format produces, the indexer consumes
//! and `GET /api/articles/{id}` returns.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::entities::Entities;

/// An article as parsed from the corpus, before entity extraction fills
/// `entities`; as stored, with them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Article {
    /// Stable identifier: the path relative to the corpus root, with `#N`
    /// appended for the N-th record of a multi-article file.
    pub id: String,
    /// Path of the source file relative to the corpus root, `/`-separated.
    pub path: String,
    /// The headline; empty when the source has none.
    pub title: String,
    /// The day the article states, `YYYY-MM-DD`; `None` (null) when it
    /// states none.
    #[cfg_attr(feature = "server", schema(value_type = Option<String>))]
    pub date: Option<NaiveDate>,
    /// Publisher or site, when the source says.
    pub source: Option<String>,
    /// Byline, when the source says.
    pub author: Option<String>,
    /// The original address, when the source says.
    pub url: Option<String>,
    /// Paragraphs separated by blank lines.
    pub body: String,
    /// Canonical names of the people, organisations and places mentioned.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_serialises_its_date_as_a_day() {
        let a = Article {
            id: "a.txt".into(),
            date: NaiveDate::from_ymd_opt(2023, 9, 13),
            ..Default::default()
        };
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["date"], "2023-09-13");
        assert_eq!(serde_json::from_value::<Article>(json).unwrap(), a);
        let undated = serde_json::to_value(Article::default()).unwrap();
        assert!(undated["date"].is_null());
    }
}
