//! The one article type every input format produces, the indexer consumes
//! and `GET /api/articles/{id}` returns.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::entities::Entities;
use crate::text::anatomy::Anatomy;

/// The names of a byline: "By Ana Lee and Bo Chen, Reuters" is Ana Lee and
/// Bo Chen; "Ana, Ben" is Ana and Ben.
pub fn byline_names(byline: &str) -> Vec<String> {
    let b = byline.trim();
    let b = b
        .strip_prefix("By ")
        .or_else(|| b.strip_prefix("by "))
        .unwrap_or(b);
    b.split([',', ';', '|'])
        .flat_map(|part| part.split(" and ").flat_map(|p| p.split(" & ")))
        .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|n| {
            !n.is_empty()
                && !matches!(
                    n.to_ascii_lowercase().as_str(),
                    "reuters" | "ap" | "afp" | "staff" | "reuters staff"
                )
        })
        .collect()
}

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
    /// Byline as the source's metadata gives it, when it does.
    pub author: Option<String>,
    /// The people credited with the story, one name each: the byline's
    /// names and those of the text's credit lines ("Reporting by …").
    #[serde(default)]
    pub authors: Vec<String>,
    /// The dateline's place as written ("Charlotte, North Carolina").
    #[serde(default)]
    pub dateline: Option<String>,
    /// Ticker codes the text cites ("XOM.N", ".DJI"), without brackets.
    #[serde(default)]
    pub tickers: Vec<String>,
    /// The original address, when the source says.
    pub url: Option<String>,
    /// Paragraphs separated by blank lines.
    pub body: String,
    /// Canonical names of the people, organisations and places mentioned.
    pub entities: Entities,
}

impl Article {
    /// The people credited with the story: the names of `authors`, or the
    /// metadata's byline as given when the text named none.
    pub fn credited(&self) -> Vec<&str> {
        if self.authors.is_empty() {
            self.author.iter().map(String::as_str).collect()
        } else {
            self.authors.iter().map(String::as_str).collect()
        }
    }

    /// Takes what the text's anatomy says about the article: its authors
    /// (after the byline's own names), dateline, tickers, and the agency as
    /// its source where the metadata names none.
    pub fn credit(&mut self, anatomy: Anatomy) {
        let mut authors = self.author.as_deref().map(byline_names).unwrap_or_default();
        for a in anatomy.authors {
            if !authors.iter().any(|b| b.eq_ignore_ascii_case(&a)) {
                authors.push(a);
            }
        }
        self.authors = authors;
        self.dateline = anatomy.dateline;
        self.tickers = anatomy.tickers;
        if self.source.is_none() {
            self.source = anatomy.agency;
        }
    }

    /// The text entities are extracted from. All-capital headlines (wire
    /// style) beside a body are left out: the body says it in running text.
    pub fn entity_text(&self) -> String {
        // A headline-only article is read whatever its case: the tagger
        // restores the capitals of shouted text.
        let title_is_caps = !self.title.chars().any(|c| c.is_lowercase()) && !self.body.trim().is_empty();
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
    fn bylines_and_credit_lines_give_one_name_per_author() {
        assert_eq!(
            byline_names("By Ana Lee and Bo Chen, Reuters"),
            ["Ana Lee", "Bo Chen"]
        );
        assert_eq!(byline_names("Ana, Ben"), ["Ana", "Ben"]);
        let text =
            "NEW YORK (Reuters) - Oil ( XOM.N ) rose.\n\n(Reporting by Ana Lee; Editing by Leslie Adler)";
        let mut a = Article {
            author: Some("Ana Lee".into()),
            ..Default::default()
        };
        a.credit(Anatomy::read(text));
        assert_eq!(a.authors, ["Ana Lee", "Leslie Adler"]);
        assert_eq!(a.source.as_deref(), Some("Reuters"));
        assert_eq!(a.dateline.as_deref(), Some("New York"));
        assert_eq!(a.tickers, ["XOM.N"]);
    }

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
