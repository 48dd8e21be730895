//! Relevance ranking beyond BM25, in stages (knobs in
//! [`Ranking`](crate::search::Ranking)):
//!
//! 1. [`aliases`]: a query of plain words is read into units, one per word
//!    or per run of words that names an entity of the archive; such a unit
//!    also matches the entity's articles and its spelling variants.
//! 2. [`relax`]: when every unit together matches few articles, those
//!    missing the least important unit (the most frequent) rank next.
//! 3. [`rerank`]: the best few hundred are re-ranked by how close the
//!    query's words stand and whether they are in the title or the lede.
//!
//! A query with operators, phrases, fields or `+word` is taken as written:
//! only the third stage applies to it.

pub mod aliases;
pub mod relax;
pub mod rerank;

use crate::query::{Ast, TermKind};

/// One part of a plain query: a word, or a run of words naming an entity.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    /// The words as typed.
    pub typed: String,
    /// Query text that matches it (the words, or the words OR the entity
    /// and its variants), self-contained: it can be joined with others.
    pub text: String,
}

/// The words of a query that is nothing but plain words (no operators,
/// phrases, fields, prefixes or `+`), in order; `None` for any other
/// query, which keeps its strict meaning.
pub fn plain_words(query: &str, ast: &Ast) -> Option<Vec<String>> {
    let items = match ast {
        Ast::And(items) => &items[..],
        Ast::Term { .. } => std::slice::from_ref(ast),
        _ => return None,
    };
    let typed: Vec<&str> = query.split_whitespace().collect();
    if typed.len() != items.len()
        || typed.iter().any(|w| {
            w.starts_with(['+', '-'])
                || w.contains(['(', ')', '"', ':', '*', '~'])
                || ["AND", "OR", "NOT"].contains(w)
        })
    {
        return None;
    }
    let mut words = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Ast::Term {
                field: None,
                text,
                kind: TermKind::Exact,
                ..
            } => words.push(text.clone()),
            _ => return None,
        }
    }
    Some(words)
}

/// A unit's text joined into a query: each unit is already self-contained.
pub fn join(units: &[&Unit], op: &str) -> String {
    units.iter().map(|u| u.text.as_str()).collect::<Vec<_>>().join(op)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;

    fn words(q: &str) -> Option<Vec<String>> {
        plain_words(q, &parse(q).unwrap())
    }

    #[test]
    fn only_plain_words_relax() {
        assert_eq!(
            words("livestock cattle"),
            Some(vec!["livestock".into(), "cattle".into()])
        );
        assert_eq!(words("palm oil prices malaysia").map(|w| w.len()), Some(4));
        assert_eq!(words("obama"), Some(vec!["obama".into()]));
        for strict in [
            "*",
            "livestock AND cattle",
            "+livestock cattle",
            "livestock -cattle",
            "livestock NOT cattle",
            "\"palm oil\" prices",
            "title:palm oil",
            "palm oil*",
            "palm oil~1",
            "(palm oil) prices",
            "palm OR oil prices",
            "person:\"Tony Blair\" iraq",
        ] {
            assert_eq!(words(strict), None, "{strict}");
        }
    }
}
