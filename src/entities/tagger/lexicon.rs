//! What the model knows of words from unlabelled text: capitalisation
//! priors, word clusters and the gazetteer, compiled into one table probed
//! once per word.

use nohash_hasher::IntMap;
use rustc_hash::{FxHashMap, FxHashSet};

use super::features::fhash;

/// A word's cluster: its cluster at a fine and a coarse level.
pub type Cluster = (u16, u16);

pub(crate) const CL_NONE: [[u8; 2]; 2] = [*b"--", *b"--"];

/// What the model knows of words from unlabelled text.
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    /// How often each word is capitalised inside sentences, in buckets 0
    /// (never) to 4 (always): a prior for names.
    pub caps: FxHashMap<String, u8>,
    /// Word clusters (fine, coarse), by the word as written.
    pub clusters: FxHashMap<String, Cluster>,
    /// Gazetteer: lower-cased names of up to [`GAZ_WORDS`] tokens, each
    /// with a bit per list it is on (see [`GAZ_LISTS`]).
    pub gazetteer: FxHashMap<String, u8>,
}

/// The gazetteer's lists, in bit order: major places, other places, first
/// names, surnames (see `examples/build_gazetteer.py`).
pub const GAZ_LISTS: [&str; 4] = ["LOC1", "LOC2", "FIRST", "LAST"];
/// Longest gazetteer name, in tokens.
pub const GAZ_WORDS: usize = 4;

/// Reads a gazetteer of `LIST<TAB>Name` lines into lower-cased token
/// sequences (split as the tagger splits text) with a bit per list.
/// Errors name the line that is not of that form.
pub fn read_gazetteer(tsv: &str) -> Result<FxHashMap<String, u8>, String> {
    let mut out: FxHashMap<String, u8> = FxHashMap::default();
    for (n, line) in tsv.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let list = line
            .split_once('\t')
            .and_then(|(list, name)| Some((GAZ_LISTS.iter().position(|l| *l == list)?, name)));
        let Some((bit, name)) = list else {
            return Err(format!(
                "line {}: expected one of {GAZ_LISTS:?}, a tab and a name",
                n + 1
            ));
        };
        let key: Vec<String> = super::tokenize(name)
            .concat()
            .iter()
            .map(|&(a, b)| name[a..b].to_lowercase())
            .collect();
        if !key.is_empty() && key.len() <= GAZ_WORDS {
            *out.entry(key.join(" ")).or_default() |= 1 << bit;
        }
    }
    Ok(out)
}

/// The facts of one word, as the tagger reads them.
#[derive(Clone, Copy)]
pub(crate) struct WordInfo {
    /// Capitalisation bucket as a digit, or b'-'.
    pub(crate) cap: u8,
    pub(crate) cluster: [[u8; 2]; 2],
    /// Lists the word is a one-word name on.
    pub(crate) gaz: u8,
    /// Some longer listed name starts with this word.
    pub(crate) gaz_prefix: bool,
}

pub(crate) const UNKNOWN: WordInfo = WordInfo {
    cap: b'-',
    cluster: CL_NONE,
    gaz: 0,
    gaz_prefix: false,
};

/// The [`Lexicon`] compiled for tagging: every fact of a word in one probe.
/// Keys are the cluster table's words as written and every lower-cased
/// word any table knows; a word as written that is missing is looked up
/// lower-cased, which gives the same facts as asking each table.
#[derive(Default)]
pub(crate) struct WordTable {
    /// Keyed by [`fhash`] of the word: a probe compares two integers, not
    /// two strings, one of them behind a pointer. Two words of the tables
    /// sharing a hash would need billions of words to be likely.
    pub(crate) words: IntMap<u64, WordInfo>,
    /// Gazetteer names of two or more tokens.
    pub(crate) multi: FxHashMap<String, u8>,
    pub(crate) has_gazetteer: bool,
}

impl WordTable {
    pub(crate) fn new(lex: &Lexicon) -> WordTable {
        let mut prefixes: FxHashSet<&str> = FxHashSet::default();
        let mut multi = FxHashMap::default();
        for (name, &mask) in &lex.gazetteer {
            if let Some((first, _)) = name.split_once(' ') {
                prefixes.insert(first);
                multi.insert(name.clone(), mask);
            }
        }
        let info = |raw: &str, lower: &str| WordInfo {
            cap: lex.caps.get(lower).map_or(b'-', |b| b'0' + b),
            cluster: match lex.clusters.get(raw).or_else(|| lex.clusters.get(lower)) {
                Some((f, c)) => [f.to_le_bytes(), c.to_le_bytes()],
                None => CL_NONE,
            },
            gaz: lex.gazetteer.get(lower).copied().unwrap_or(0),
            gaz_prefix: prefixes.contains(lower),
        };
        let mut words = IntMap::default();
        let lowers = lex
            .caps
            .keys()
            .map(|w| w.to_lowercase())
            .chain(lex.clusters.keys().map(|w| w.to_lowercase()))
            .chain(lex.gazetteer.keys().filter(|n| !n.contains(' ')).cloned())
            .chain(prefixes.iter().map(|w| w.to_string()));
        for lower in lowers {
            let i = info(&lower, &lower);
            words.insert(fhash(&[lower.as_bytes()]), i);
        }
        for raw in lex.clusters.keys() {
            words.insert(fhash(&[raw.as_bytes()]), info(raw, &raw.to_lowercase()));
        }
        WordTable {
            words,
            multi,
            has_gazetteer: !lex.gazetteer.is_empty(),
        }
    }

    /// The facts of a word, given [`fhash`] of it as written and
    /// lower-cased.
    pub(crate) fn get(&self, raw_h: u64, lower_h: u64) -> WordInfo {
        match self.words.get(&raw_h) {
            Some(i) => *i,
            None if raw_h != lower_h => self.words.get(&lower_h).copied().unwrap_or(UNKNOWN),
            None => UNKNOWN,
        }
    }
}
