//! Training: averaged-perceptron updates over shuffled documents, the mean
//! of models, the bias towards "no entity", and the capitalisation table
//! built from unlabelled text.

use std::collections::HashMap;

use nohash_hasher::IntMap;
use rustc_hash::FxHashMap;

use crate::entities::tagger::document::{DocCase, History};
use crate::entities::tagger::features::{features, fhash, prepare, starts_upper, At, Ctx};
use crate::entities::tagger::lexicon::{Lexicon, WordTable};
use crate::entities::tagger::model::{best_allowed, next_model_id, Perceptron};
use crate::entities::tagger::tags::{to_model, Sentence, N, START};

/// Counts, over unlabelled text, how often each word is capitalised when it
/// does not start a sentence, and buckets the ratio (words seen fewer than
/// three times are left out).
pub fn capitalisation_table<'a>(texts: impl Iterator<Item = &'a str>) -> FxHashMap<String, u8> {
    let mut counts: HashMap<String, (u32, u32)> = HashMap::new();
    for text in texts {
        let mut after_stop = true;
        for raw in text.split_whitespace() {
            let w = raw.trim_matches(|c: char| !c.is_alphanumeric());
            if !w.is_empty() && w.chars().all(char::is_alphabetic) && !after_stop {
                let shouted = w.chars().count() > 1 && !w.chars().any(char::is_lowercase);
                if !shouted {
                    let e = counts.entry(w.to_lowercase()).or_default();
                    if w.chars().next().is_some_and(char::is_uppercase) {
                        e.0 += 1;
                    } else {
                        e.1 += 1;
                    }
                }
            }
            after_stop = raw.ends_with(['.', '!', '?', '"', ':']) || raw.starts_with(['"', '(']);
        }
    }
    counts
        .into_iter()
        .filter(|(_, (c, l))| c + l >= 3)
        .map(|(w, (c, l))| {
            let r = c as f64 / (c + l) as f64;
            let b = match r {
                r if r > 0.95 => 4,
                r if r > 0.7 => 3,
                r if r > 0.3 => 2,
                r if r > 0.05 => 1,
                _ => 0,
            };
            (w, b)
        })
        .collect()
}

/// Quantises weights to i16 with one scale for all (1 if there are none).
pub(crate) fn pack(weights: &IntMap<u64, [f32; N]>) -> (IntMap<u64, [i16; N]>, f32) {
    let max = weights
        .values()
        .flat_map(|w| w.iter())
        .fold(0f32, |m, v| m.max(v.abs()));
    let scale = if max > 0.0 { max / i16::MAX as f32 } else { 1.0 };
    let packed = weights
        .iter()
        .map(|(f, w)| (*f, w.map(|v| (v / scale).round() as i16)))
        .collect();
    (packed, scale)
}

impl Perceptron {
    /// A model of these weights, ready to tag.
    pub(crate) fn with_weights(weights: IntMap<u64, [f32; N]>, lex: Lexicon) -> Perceptron {
        let (packed, scale) = pack(&weights);
        Perceptron {
            weights,
            packed,
            scale,
            table: WordTable::new(&lex),
            lex,
            id: next_model_id(),
        }
    }

    /// Scores by the weights as they are while training.
    pub(crate) fn training_scores(&self, feats: &[u64]) -> [f32; N] {
        let mut s = [0f32; N];
        for f in feats {
            if let Some(w) = self.weights.get(f) {
                for t in 0..N {
                    s[t] += w[t];
                }
            }
        }
        s
    }

    /// Trains on `data` for `epochs` passes, in an order shuffled by
    /// `seed`: the same inputs give the same model.
    pub fn train(
        data: &[Sentence],
        lex: Lexicon,
        epochs: usize,
        seed: u64,
        mut on_epoch: impl FnMut(usize, &Perceptron),
    ) -> Perceptron {
        let mut model = Perceptron {
            table: WordTable::new(&lex),
            lex,
            ..Perceptron::default()
        };
        // Averaging: totals of weight*time, and the time of last change.
        let mut totals: IntMap<u64, [f64; N]> = IntMap::default();
        let mut stamps: IntMap<u64, [u64; N]> = IntMap::default();
        let mut time: u64 = 0;
        // Documents are shuffled, but each is read in order, as the tagger
        // reads articles: its case evidence and prediction history are
        // per document.
        let docs: Vec<&[Sentence]> = data.chunk_by(|a, b| a.doc == b.doc).collect();
        let words: Vec<Vec<&[String]>> = docs
            .iter()
            .map(|d| d.iter().map(|s| s.words.as_slice()).collect())
            .collect();
        let cases: Vec<DocCase> = words.iter().map(|w| DocCase::new(w)).collect();
        let mut order: Vec<usize> = (0..docs.len()).collect();
        let mut rng = seed | 1;
        let mut feats = Vec::with_capacity(48);
        let mut hist_doc = usize::MAX;
        let mut hist = History { counts: Vec::new() };
        for epoch in 0..epochs {
            for k in (1..order.len()).rev() {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                order.swap(k, (rng % (k as u64 + 1)) as usize);
            }
            for s in order.iter().flat_map(|&d| docs[d].iter().map(move |s| (d, s))) {
                let (d, s) = s;
                if s.doc != hist_doc {
                    hist = History::new(&cases[d]);
                    hist_doc = s.doc;
                }
                let mut p = prepare(&s.words);
                p.gazetteer(&s.words, &model.table);
                let (mut prev, mut prev2) = (START, START);
                for (i, gold) in to_model(&s.tags).into_iter().enumerate() {
                    time += 1;
                    p.fill(&s.words, i, &cases[d], &hist, &model.table);
                    features(
                        &Ctx {
                            words: &s.words,
                            p: &p,
                            doc: &cases[d],
                        },
                        At { i, prev, prev2 },
                        &mut feats,
                    );
                    let guess = best_allowed(&model.training_scores(&feats), prev);
                    if guess != gold {
                        for &f in &feats {
                            let w = model.weights.entry(f).or_insert([0.0; N]);
                            let tot = totals.entry(f).or_insert([0.0; N]);
                            let st = stamps.entry(f).or_insert([0; N]);
                            for (t, delta) in [(gold, 1.0f32), (guess, -1.0f32)] {
                                tot[t] += (time - st[t]) as f64 * w[t] as f64;
                                st[t] = time;
                                w[t] += delta;
                            }
                        }
                    }
                    if starts_upper(&s.words[i]) {
                        hist.record(p.doc[i].1, guess);
                    }
                    prev2 = prev;
                    prev = guess;
                }
            }
            on_epoch(epoch, &model.averaged(&totals, &stamps, time));
        }
        model.averaged(&totals, &stamps, time)
    }

    pub(crate) fn averaged(
        &self,
        totals: &IntMap<u64, [f64; N]>,
        stamps: &IntMap<u64, [u64; N]>,
        time: u64,
    ) -> Perceptron {
        let mut weights = IntMap::with_capacity_and_hasher(self.weights.len(), Default::default());
        for (f, w) in &self.weights {
            let tot = totals[f];
            let st = stamps[f];
            let mut avg = [0f32; N];
            for t in 0..N {
                avg[t] = ((tot[t] + (time - st[t]) as f64 * w[t] as f64) / time as f64) as f32;
            }
            weights.insert(*f, avg);
        }
        Perceptron::with_weights(weights, self.lex.clone())
    }

    /// The mean of models trained on the same lexicon (for example with
    /// different seeds): one model, as fast as each, that votes like all of
    /// them together.
    pub fn mean(models: &[Perceptron]) -> Perceptron {
        let mut weights: IntMap<u64, [f32; N]> = IntMap::default();
        for m in models {
            for (f, w) in &m.weights {
                let e = weights.entry(*f).or_insert([0.0; N]);
                for t in 0..N {
                    e[t] += w[t] / models.len() as f32;
                }
            }
        }
        let lex = models.first().map(|m| m.lex.clone()).unwrap_or_default();
        Perceptron::with_weights(weights, lex)
    }

    /// This model with `by` added to the score of O (no entity) wherever a
    /// word is scored, through the weight of the feature every scored word
    /// has. A mean of models finds more names than are there (precision
    /// below recall on testa); a small bias, chosen on testa, evens that
    /// out.
    pub fn with_outside_bias(&self, by: f32) -> Perceptron {
        let mut weights = if self.weights.is_empty() {
            // A loaded model keeps only the quantised weights.
            self.packed
                .iter()
                .map(|(f, q)| (*f, q.map(|v| v as f32 * self.scale)))
                .collect()
        } else {
            self.weights.clone()
        };
        weights.entry(fhash(&[b"bias"])).or_insert([0.0; N])[0] += by;
        Perceptron::with_weights(weights, self.lex.clone())
    }
}
