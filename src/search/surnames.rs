//! The archive's own name table: which full name a bare surname ("Blair")
//! or an honorific form ("Mr Blair") stands for, where the archive makes
//! that unambiguous. Read from the person field's term dictionary, so it
//! always agrees with what is indexed: an incremental run and `--full`
//! give the same table, and nothing is stored beside the index.

use rustc_hash::FxHashMap;
use tantivy::schema::Field;
use tantivy::Searcher;

use crate::error::{Error, Result};
use crate::index::NewsIndex;

/// Honorifics that, before a surname, name the same person.
const HONORIFICS: [&str; 7] = ["mr", "mr.", "mrs", "ms", "dr", "dr.", "miss"];

/// Share of the articles naming a full name with this surname that one
/// name must have for the bare surname to stand for it.
pub const DOMINANT_SHARE: f64 = 0.8;

/// The indexed short forms (lower-cased: "blair", "mr blair") that stand
/// for the full person name `full` (lower-cased) in this archive: its
/// surname and honorific forms, when `full` holds at least
/// [`DOMINANT_SHARE`] of the articles of every full name with that surname.
pub fn short_forms(index: &NewsIndex, searcher: &Searcher, field: Field, full: &str) -> Result<Vec<String>> {
    let words: Vec<&str> = full.split_whitespace().collect();
    let [.., surname] = words[..] else {
        return Ok(Vec::new());
    };
    if words.len() < 2 {
        return Ok(Vec::new());
    }
    // Articles per full name ending in the surname.
    let mut by_name: FxHashMap<String, u64> = FxHashMap::default();
    let suffix = format!(" {surname}");
    for segment in searcher.segment_readers() {
        let inverted = segment
            .inverted_index(field)
            .map_err(Error::tantivy(index.path()))?;
        let mut stream = inverted
            .terms()
            .stream()
            .map_err(|e| Error::tantivy(index.path())(e.into()))?;
        while stream.advance() {
            let Ok(term) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            let is_full = term
                .strip_suffix(&suffix)
                .is_some_and(|first| !first.is_empty() && !HONORIFICS.contains(&first));
            if is_full {
                *by_name.entry(term.to_string()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    let total: u64 = by_name.values().sum();
    let mine = by_name.get(full).copied().unwrap_or(0);
    if mine < 2 || (mine as f64) < DOMINANT_SHARE * total as f64 {
        return Ok(Vec::new());
    }
    let mut out = vec![surname.to_string()];
    out.extend(HONORIFICS.iter().map(|h| format!("{h} {surname}")));
    Ok(out)
}
