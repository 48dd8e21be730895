//! Evidence from the whole article: how a word is written elsewhere in it,
//! its neighbours there, and what the tagger made of it earlier.

use nohash_hasher::IntMap;

use super::features::{fkey, is_shouted, lower_hash, starts_upper, t, SENT_END, SENT_START};
use super::tags::type_part;

/// What the rest of a document says about a word's case: capitalised
/// inside a sentence elsewhere (a name), lower-case elsewhere (a common
/// word), both, or neither; and the words next to its capitalised
/// occurrences. Each word also gets a number, under which [`History`] keeps
/// what the tagger made of it.
#[derive(Default)]
pub struct DocCase {
    /// Keyed by [`lower_hash`] of the word, which allocates nothing for
    /// most words. Values: (capitalised inside a sentence, lower case,
    /// number).
    pub(crate) seen: IntMap<u64, (bool, bool, u32)>,
    /// Per word number: the distinct words next to its capitalised
    /// occurrences, as feature hashes (the first [`AGG`] / 2 on each side).
    pub(crate) ctx: Vec<[u64; AGG]>,
}

/// Neighbours kept per word for context aggregation (half left, half right).
pub(crate) const AGG: usize = 8;

impl DocCase {
    /// Collects case evidence from a document's sentences.
    pub fn new<W: AsRef<str>, S: AsRef<[W]>>(sentences: &[S]) -> DocCase {
        let mut seen: IntMap<u64, (bool, bool, u32)> = IntMap::default();
        let mut ctx: Vec<[u64; AGG]> = Vec::new();
        for s in sentences {
            let s = s.as_ref();
            let shouted = is_shouted(s);
            for (i, w) in s.iter().enumerate() {
                let w = w.as_ref();
                if !w.chars().next().is_some_and(char::is_alphabetic) {
                    continue;
                }
                let n = seen.len() as u32;
                let e = seen.entry(lower_hash(w)).or_insert((false, false, n));
                if e.2 as usize == ctx.len() {
                    ctx.push([0; AGG]);
                }
                if starts_upper(w) {
                    let near = |j: Option<usize>, edge: u64| match j.and_then(|j| s.get(j)) {
                        Some(v) => lower_hash(v.as_ref()),
                        None => edge,
                    };
                    let slots = &mut ctx[e.2 as usize];
                    let sides = [
                        (t::AGL, near(i.checked_sub(1), SENT_START), 0),
                        (t::AGR, near(Some(i + 1), SENT_END), AGG / 2),
                    ];
                    for (tag, word, at) in sides {
                        let h = fkey(tag, [word]);
                        let side = &mut slots[at..at + AGG / 2];
                        if !side.contains(&h) {
                            if let Some(free) = side.iter_mut().find(|x| **x == 0) {
                                *free = h;
                            }
                        }
                    }
                }
                // A headline in capitals says nothing about case.
                if shouted {
                    continue;
                }
                if w.chars().next().is_some_and(char::is_lowercase) {
                    e.1 = true;
                } else if i > 0 {
                    e.0 = true;
                }
            }
        }
        DocCase { seen, ctx }
    }

    /// Context-aggregation features of word number `n`.
    pub(crate) fn context(&self, n: u32) -> &[u64] {
        self.ctx.get(n as usize).map_or(&[], |c| c.as_slice())
    }

    /// How the document writes the word of [`lower_hash`] `lower_h`
    /// (b'b'oth, b'c'apitalised, b'l'ower case, b'n'either) and its number.
    pub(crate) fn of(&self, lower_h: u64) -> (u8, u32) {
        match self.seen.get(&lower_h) {
            Some(&(true, true, n)) => (b'b', n),
            Some(&(true, false, n)) => (b'c', n),
            Some(&(false, true, n)) => (b'l', n),
            Some(&(false, false, n)) => (b'n', n),
            None => (b'n', u32::MAX),
        }
    }
}

/// The types the tagger has given a word so far in a document ("extended
/// prediction history", Ratinov & Roth 2009): a name tagged ORG in the
/// first paragraph is likely ORG again in the tenth, where its context
/// alone says less.
pub(crate) struct History {
    /// Per word number of the document's [`DocCase`]: how often it was
    /// tagged O, PER, ORG, LOC, MISC.
    pub(crate) counts: Vec<[u16; 5]>,
}

impl History {
    pub(crate) fn new(doc: &DocCase) -> History {
        History {
            counts: vec![[0; 5]; doc.seen.len()],
        }
    }

    /// The type most often given to word `n` so far (b"n" if never).
    pub(crate) fn of(&self, n: u32) -> [u8; 1] {
        match self.counts.get(n as usize) {
            Some(c) if c.iter().any(|&k| k > 0) => {
                let best = (0..5).max_by_key(|&t| (c[t], std::cmp::Reverse(t))).unwrap_or(0);
                [b'0' + best as u8]
            }
            _ => *b"n",
        }
    }

    /// Records tag `t` for word `n`, a token that could start a name.
    pub(crate) fn record(&mut self, n: u32, t: usize) {
        let ty = type_part(t).0;
        if let Some(c) = self.counts.get_mut(n as usize) {
            c[ty] = c[ty].saturating_add(1);
        }
    }
}
