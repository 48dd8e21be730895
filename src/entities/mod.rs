//! Named entities: people, organisations and places.
//!
//! Extraction sits behind [`EntityExtractor`] so that taggers can be swapped
//! without touching the indexer; whatever the tagger, mentions are folded into
//! canonical names per article by [`Entities::from_mentions`].

mod rules;
pub mod tagger;
#[cfg(feature = "train")]
pub mod train;

use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

pub use rules::RuleExtractor;
pub use tagger::{tokenize, TaggerExtractor};

/// The entity types newsdex facets on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// A person.
    Person,
    /// An organisation: a company, institution, party, agency.
    Org,
    /// A place: a country, city, region, sea.
    Place,
}

impl EntityKind {
    /// Every kind, in facet order.
    pub const ALL: [EntityKind; 3] = [EntityKind::Person, EntityKind::Org, EntityKind::Place];

    /// Name used in facets (`/person/...`), fields and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Org => "org",
            EntityKind::Place => "place",
        }
    }
}

/// One mention of an entity in a text, with byte offsets into that text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// What it names.
    pub kind: EntityKind,
    /// The name as it should be shown (honorifics and possessives removed).
    pub name: String,
    /// Byte offset of its first byte in the text.
    pub start: usize,
    /// Byte offset just past its last byte.
    pub end: usize,
}

/// Finds entity mentions in text. Implementations must be cheap to share
/// across indexing threads.
pub trait EntityExtractor: Send + Sync {
    /// The mentions of entities in `text`, in text order.
    fn extract(&self, text: &str) -> Vec<Mention>;

    /// Whether extraction costs about as much CPU per article as tantivy's
    /// indexing of it. The indexer then gives tantivy half the cores by
    /// default: the threads that read and tag keep the others busy, and
    /// more indexing threads would only contend with them.
    fn is_heavy(&self) -> bool {
        false
    }
}

/// An extractor that finds nothing: indexing without entities.
pub struct NoEntities;

impl EntityExtractor for NoEntities {
    fn extract(&self, _text: &str) -> Vec<Mention> {
        Vec::new()
    }
}

/// The canonical entity names of one article, most mentioned first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Entities {
    /// People, most mentioned first.
    pub person: Vec<String>,
    /// Organisations, most mentioned first.
    pub org: Vec<String>,
    /// Places, most mentioned first.
    pub place: Vec<String>,
}

impl Entities {
    /// The names of one kind.
    pub fn of_kind(&self, kind: EntityKind) -> &[String] {
        match kind {
            EntityKind::Person => &self.person,
            EntityKind::Org => &self.org,
            EntityKind::Place => &self.place,
        }
    }

    /// The names of one kind, to change.
    pub fn of_kind_mut(&mut self, kind: EntityKind) -> &mut Vec<String> {
        match kind {
            EntityKind::Person => &mut self.person,
            EntityKind::Org => &mut self.org,
            EntityKind::Place => &mut self.place,
        }
    }

    /// True when no entity of any kind is named.
    pub fn is_empty(&self) -> bool {
        self.person.is_empty() && self.org.is_empty() && self.place.is_empty()
    }

    /// Folds mentions into canonical names: a person mentioned by a part of a
    /// longer name ("Putin" after "Vladimir Putin") counts as the longer name.
    pub fn from_mentions(mentions: &[Mention]) -> Entities {
        let mut out = Entities::default();
        for kind in EntityKind::ALL {
            let names: Vec<&str> = mentions
                .iter()
                .filter(|m| m.kind == kind)
                .map(|m| m.name.as_str())
                .collect();
            *out.of_kind_mut(kind) = canonical_counts(&names, kind == EntityKind::Person);
        }
        out
    }
}

/// Counts names, mapping partial person names onto the one longest name
/// that contains them word for word ("Kim", "Kim Jong" -> "Kim Jong Un");
/// ordered by count, then by first mention.
fn canonical_counts(names: &[&str], merge_parts: bool) -> Vec<String> {
    // Spellings that differ only in case are one name, written as its most
    // capitalised form ("Kim Jong un" -> "Kim Jong Un").
    let lowers: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    let mut best: FxHashMap<&str, &str> = FxHashMap::default();
    for (&n, lower) in names.iter().zip(&lowers) {
        let caps = |s: &str| s.chars().filter(|c| c.is_uppercase()).count();
        let e = best.entry(lower.as_str()).or_insert(n);
        if caps(n) > caps(e) {
            *e = n;
        }
    }
    let mut order: Vec<&str> = Vec::new();
    let mut counts: FxHashMap<&str, usize> = FxHashMap::default();
    for lower in &lowers {
        let n = best[lower.as_str()];
        let c = counts.entry(n).or_insert(0);
        if *c == 0 {
            order.push(n);
        }
        *c += 1;
    }
    // Rank of each name's first mention; a merged name keeps the earliest.
    let mut first: FxHashMap<&str, usize> = order.iter().enumerate().map(|(i, &n)| (n, i)).collect();
    if merge_parts {
        // Lower-cased words of each name, split once (not per pair).
        let words: FxHashMap<&str, Vec<String>> = order
            .iter()
            .map(|&n| (n, n.split_whitespace().map(str::to_lowercase).collect()))
            .collect();
        let within = |long: &str, short: &str| contains_words(&words[long], &words[short]);
        for &short in &order {
            let longer: Vec<&str> = order
                .iter()
                .copied()
                .filter(|&long| within(long, short))
                .collect();
            let maximal: Vec<&str> = longer
                .iter()
                .copied()
                .filter(|&l| !longer.iter().any(|&o| within(o, l)))
                .collect();
            if let [long] = maximal[..] {
                let c = counts.remove(short).unwrap_or(0);
                *counts.entry(long).or_insert(0) += c;
                let f = first[short].min(first[long]);
                first.insert(long, f);
            }
        }
    }
    let mut ranked: Vec<(usize, usize, &str)> = order
        .iter()
        .filter_map(|n| counts.get(n).map(|&c| (c, first[n], *n)))
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.into_iter().map(|(_, _, n)| n.to_string()).collect()
}

/// True when the words `s` appear as a contiguous run of the longer `l`
/// (both lower-cased: "kim jong" in "kim jong un").
fn contains_words(l: &[String], s: &[String]) -> bool {
    !s.is_empty() && s.len() < l.len() && l.windows(s.len()).any(|w| w == s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(kind: EntityKind, name: &str) -> Mention {
        Mention {
            kind,
            name: name.into(),
            start: 0,
            end: 0,
        }
    }

    #[test]
    fn surnames_fold_into_the_full_name() {
        let ms = [
            m(EntityKind::Person, "Vladimir Putin"),
            m(EntityKind::Person, "Putin"),
            m(EntityKind::Person, "Putin"),
            m(EntityKind::Person, "Kim Jong Un"),
            m(EntityKind::Place, "Japan"),
        ];
        let e = Entities::from_mentions(&ms);
        assert_eq!(e.person, vec!["Vladimir Putin", "Kim Jong Un"]);
        assert_eq!(e.place, vec!["Japan"]);
        assert!(e.org.is_empty());
    }

    #[test]
    fn ambiguous_parts_are_left_alone() {
        let ms = [
            m(EntityKind::Person, "George Bush"),
            m(EntityKind::Person, "Laura Bush"),
            m(EntityKind::Person, "Bush"),
        ];
        let e = Entities::from_mentions(&ms);
        assert_eq!(e.person.len(), 3);
        let nested = [
            m(EntityKind::Person, "Kim Jong"),
            m(EntityKind::Person, "Kim"),
            m(EntityKind::Person, "Kim Jong Un"),
        ];
        assert_eq!(Entities::from_mentions(&nested).person, ["Kim Jong Un"]);
    }
}
