//! Query words that name an entity. A run of words such as "tony blair"
//! or "federal reserve" is read as one unit that matches the words or the
//! entity's articles (so "Tony Blair" also finds the articles the tagger
//! resolved from "Mr Blair"), and a surname that stands for one person
//! also matches the archive's other spellings of it (Gadhafi, Gaddafi,
//! Qaddafi). Everything is learnt from the index: its entity fields and
//! its surname table.

use tantivy::{Searcher, Term};

use super::Unit;
use crate::error::{Error, Result};
use crate::index::schema::{self, names};
use crate::index::NewsIndex;
use crate::search::compile::analyse;
use crate::search::surnames;

/// Longest run of query words looked up as one name.
pub const MAX_NAME_WORDS: usize = 3;

/// An entity counts as what the words mean when at least this share of the
/// articles with the words (the rarest of them) are tagged with it: "gold"
/// is not the person "Michael Gold", "obama" is Barack Obama.
pub const ENTITY_SHARE: f64 = 0.25;

/// Spelling variants are looked for among surnames at least this long.
pub const MIN_VARIANT_LETTERS: usize = 6;

/// The units of a query of plain words, with entity names read together.
pub fn units(index: &NewsIndex, searcher: &Searcher, words: &[String]) -> Result<Vec<Unit>> {
    let table = surnames::table(index, searcher)?;
    let df = |field, text: &str| -> Result<u64> {
        searcher
            .doc_freq(&Term::from_field_text(field, text))
            .map_err(Error::tantivy(index.path()))
    };
    let body = index.fields().body;
    let word_articles = |span: &[String]| -> Result<u64> {
        let mut rarest = u64::MAX;
        for token in analyse(index, &span.join(" "))? {
            rarest = rarest.min(df(body, &token)?);
        }
        Ok(if rarest == u64::MAX { 0 } else { rarest })
    };
    let f = index.fields();
    let kinds = [
        (f.person, names::PERSON),
        (f.org, names::ORG),
        (f.place, names::PLACE),
    ];
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let mut unit = None;
        for len in (1..=MAX_NAME_WORDS.min(words.len() - i)).rev() {
            let span = &words[i..i + len];
            let typed = span.join(" ");
            let name = schema::name_term(&typed);
            if name.contains('"') || name.contains('\\') {
                continue;
            }
            let with_words = word_articles(span)?;
            let mut alternatives: Vec<String> = Vec::new();
            // One word that is an entity's name matches no article its
            // word does not: only runs of words are read as names.
            if len > 1 {
                for (field, root) in kinds {
                    let n = df(field, &name)?;
                    if n >= 2 && n as f64 >= ENTITY_SHARE * with_words as f64 {
                        alternatives.push(format!("{root}:\"{name}\""));
                    }
                }
            }
            // A surname that stands for one person in the archive also
            // matches its other spellings there.
            let is_person = |surname: &str, articles: u64| -> Result<bool> {
                let Some(full) = table.get(surname) else {
                    return Ok(false);
                };
                Ok(df(f.person, full)? as f64 >= ENTITY_SHARE * articles as f64)
            };
            if len == 1 && is_person(&name, with_words)? {
                for (variant, full) in variants(&table, &name) {
                    if !is_person(variant, word_articles(&[variant.to_string()])?)? {
                        continue;
                    }
                    alternatives.push(variant.to_string());
                    alternatives.push(format!("{}:\"{full}\"", names::PERSON));
                }
            }
            if !alternatives.is_empty() {
                let words = if len == 1 {
                    typed.clone()
                } else {
                    format!("({typed})")
                };
                unit = Some((
                    len,
                    Unit {
                        text: format!("({words} OR {})", alternatives.join(" OR ")),
                        typed,
                    },
                ));
                break;
            }
        }
        let (len, unit) = unit.unwrap_or_else(|| {
            (
                1,
                Unit {
                    typed: words[i].clone(),
                    text: words[i].clone(),
                },
            )
        });
        out.push(unit);
        i += len;
    }
    Ok(out)
}

/// Other surnames of the table one edit from `surname` (lower-cased), with
/// the full names they stand for: the archive's spellings of one name.
fn variants<'t>(table: &'t surnames::SurnameTable, surname: &str) -> Vec<(&'t str, &'t str)> {
    let letters = surname.chars().count();
    if letters < MIN_VARIANT_LETTERS {
        return Vec::new();
    }
    let mut out: Vec<(&str, &str)> = table
        .iter()
        .filter(|(s, _)| {
            let n = s.chars().count();
            n.abs_diff(letters) <= 1 && s.as_str() != surname && strsim::levenshtein(s, surname) == 1
        })
        .map(|(s, full)| (s.as_str(), full.as_str()))
        .collect();
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_are_one_edit_away_and_long_enough() {
        let mut t = surnames::SurnameTable::default();
        for (s, f) in [
            ("gaddafi", "muammar gaddafi"),
            ("gadhafi", "moammar gadhafi"),
            ("qaddafi", "muammar qaddafi"),
            ("blair", "tony blair"),
            ("clair", "rene clair"),
        ] {
            t.insert(s.into(), f.into());
        }
        assert_eq!(variants(&t, "gadhafi"), vec![("gaddafi", "muammar gaddafi")]);
        assert_eq!(
            variants(&t, "gaddafi"),
            vec![("gadhafi", "moammar gadhafi"), ("qaddafi", "muammar qaddafi")]
        );
        assert!(variants(&t, "blair").is_empty(), "five letters is too short");
    }
}
