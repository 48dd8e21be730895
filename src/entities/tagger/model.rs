//! The averaged perceptron at run time: quantised weights, the per-thread
//! cache of word scores, and greedy left-to-right decoding with the two
//! previous tags.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use nohash_hasher::IntMap;
use rustc_hash::FxHashMap;

use super::document::{DocCase, History};
use super::features::{context_features, is_plain, lowered, starts_upper, word_features, At, Ctx, Prepared};
use super::lexicon::{Lexicon, WordTable};
use super::tags::{allowed, opens, to_bio, Sentence, N, START};

/// The trained model.
#[derive(Default)]
pub struct Perceptron {
    /// Weights as trained (empty in a loaded model). Keys are already
    /// hashes: no need to hash them again.
    #[cfg_attr(not(feature = "train"), allow(dead_code))]
    pub(crate) weights: IntMap<u64, [f32; N]>,
    /// The weights the tagger reads: quantised to i16 (times `scale`), as
    /// the model file stores them. Half the bytes of f32 per feature, so a
    /// lookup, usually a cache miss, touches one cache line, not two.
    pub(crate) packed: IntMap<u64, [i16; N]>,
    /// What a packed weight is multiplied by (read by training).
    #[cfg_attr(not(feature = "train"), allow(dead_code))]
    pub(crate) scale: f32,
    /// What the model knows of words (kept whole for saving).
    #[cfg_attr(not(feature = "train"), allow(dead_code))]
    pub(crate) lex: Lexicon,
    /// `lex` compiled for lookups.
    pub(crate) table: WordTable,
    /// Identifies this model's entries in the per-thread score cache.
    pub(crate) id: u64,
}

/// A fresh model identity for the score cache (0 is never handed out).
pub(crate) fn next_model_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Most words a thread remembers the word-feature scores of; the cache is
/// emptied when it grows past this.
pub(crate) const WORD_CACHE_MAX: usize = 1 << 16;

thread_local! {
    /// Summed word-feature scores per raw word, for one model at a time:
    /// names and punctuation recur across articles, and this saves a third
    /// of the weight lookups (cache misses) per token.
    static WORD_SCORES: RefCell<(u64, FxHashMap<String, [i32; N]>)> =
        RefCell::new((0, FxHashMap::default()));
}

/// The highest-scoring tag that may follow `prev` (ties to the lower index).
pub(crate) fn best_allowed<T: PartialOrd + Copy>(s: &[T; N], prev: usize) -> usize {
    let mut best: Option<usize> = None;
    for t in (0..N).filter(|&t| allowed(prev, t)) {
        if best.is_none_or(|b| s[t] > s[b]) {
            best = Some(t);
        }
    }
    best.unwrap_or(0)
}

impl Perceptron {
    /// Adds the packed weights of `feats` to `s`.
    pub(crate) fn add_scores(&self, mut s: [i32; N], feats: &[u64]) -> [i32; N] {
        for f in feats {
            if let Some(w) = self.packed.get(f) {
                for t in 0..N {
                    s[t] += w[t] as i32;
                }
            }
        }
        s
    }

    /// Tags each sentence of one document.
    pub fn tag_document<W: AsRef<str>, S: AsRef<[W]>>(&self, sentences: &[S]) -> Vec<Vec<usize>> {
        let doc = DocCase::new(sentences);
        let mut hist = History::new(&doc);
        let mut p = Prepared::default();
        WORD_SCORES.with_borrow_mut(|(id, cache)| {
            if *id != self.id || cache.len() > WORD_CACHE_MAX {
                cache.clear();
                *id = self.id;
            }
            sentences
                .iter()
                .map(|s| {
                    let words = s.as_ref();
                    p.reset(words);
                    self.tag_cached(words, &mut p, &doc, &mut hist, cache)
                })
                .collect()
        })
    }

    /// Tags CoNLL sentences, each document's together (as articles are
    /// tagged): one tag sequence per sentence.
    pub fn tag_sentences(&self, data: &[Sentence]) -> Vec<Vec<usize>> {
        let mut out = Vec::with_capacity(data.len());
        for doc in data.chunk_by(|a, b| a.doc == b.doc) {
            let words: Vec<&[String]> = doc.iter().map(|s| s.words.as_slice()).collect();
            out.extend(self.tag_document(&words));
        }
        out
    }

    /// Tags a sentence on its own.
    pub fn tag<W: AsRef<str>>(&self, words: &[W]) -> Vec<usize> {
        self.tag_document(&[words]).pop().unwrap_or_default()
    }

    /// Tags one sentence, whose views `p` holds.
    pub(crate) fn tag_cached<'a, W: AsRef<str>>(
        &self,
        words: &'a [W],
        p: &mut Prepared<'a>,
        doc: &DocCase,
        hist: &mut History,
        cache: &mut FxHashMap<String, [i32; N]>,
    ) -> Vec<usize> {
        p.gazetteer(words, &self.table);
        let mut feats = Vec::with_capacity(40);
        let mut out = Vec::with_capacity(words.len());
        let (mut prev, mut prev2) = (START, START);
        for i in 0..words.len() {
            // Outside an entity, a lower-case word in ordinary prose does
            // not start one: skip scoring it (most tokens are such words).
            let plain = !p.shouted && !opens(prev) && is_plain(words[i].as_ref());
            let t = if plain {
                0
            } else {
                let raw = words[i].as_ref();
                p.fill(words, i, doc, hist, &self.table);
                let base = match cache.get(raw) {
                    Some(s) => *s,
                    None => {
                        feats.clear();
                        word_features(
                            raw,
                            &lowered(raw),
                            p.shapes[i].as_bytes(),
                            &p.caps[i],
                            &p.clusters[i],
                            &mut feats,
                        );
                        let s = self.add_scores([0; N], &feats);
                        cache.insert(raw.to_string(), s);
                        s
                    }
                };
                feats.clear();
                context_features(&Ctx { words, p, doc }, At { i, prev, prev2 }, &mut feats);
                let t = best_allowed(&self.add_scores(base, &feats), prev);
                if starts_upper(raw) {
                    hist.record(p.doc[i].1, t);
                }
                t
            };
            out.push(to_bio(t));
            prev2 = prev;
            prev = t;
        }
        out
    }

    /// Number of features with weights.
    pub fn len(&self) -> usize {
        self.packed.len()
    }

    /// True for a model with no weights.
    pub fn is_empty(&self) -> bool {
        self.packed.is_empty()
    }
}
