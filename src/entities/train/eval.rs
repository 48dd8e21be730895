//! Entity-level scores of predicted tags against gold, by the conlleval
//! method: a name counts when its span and type are exact (cf. spaCy's
//! `scorer.py`).

use std::collections::HashMap;

use crate::entities::tagger::tags::spans;

/// Entity-level scores (conlleval method: exact span and type).
#[derive(Clone, Debug, Default)]
pub struct Scores {
    /// (type, true positives, predicted, gold)
    pub by_type: Vec<(String, usize, usize, usize)>,
}

impl Scores {
    /// Precision, recall and F1 of `tp` true positives among `pred` predicted and `gold` gold names.
    pub fn prf(tp: usize, pred: usize, gold: usize) -> (f64, f64, f64) {
        let p = if pred > 0 { tp as f64 / pred as f64 } else { 0.0 };
        let r = if gold > 0 { tp as f64 / gold as f64 } else { 0.0 };
        let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        (p, r, f)
    }

    /// Micro-averaged precision, recall, F1 over `types`.
    pub fn micro(&self, types: &[&str]) -> (f64, f64, f64) {
        let (mut tp, mut pr, mut go) = (0, 0, 0);
        for (t, a, b, c) in &self.by_type {
            if types.contains(&t.as_str()) {
                tp += a;
                pr += b;
                go += c;
            }
        }
        Scores::prf(tp, pr, go)
    }
}

/// Scores predicted against gold tag sequences.
pub fn evaluate(gold: &[Vec<usize>], pred: &[Vec<usize>]) -> Scores {
    let mut counts: HashMap<&str, (usize, usize, usize)> = HashMap::new();
    for (g, p) in gold.iter().zip(pred) {
        let gs = spans(g);
        let ps = spans(p);
        for s in &gs {
            counts.entry(s.2).or_default().2 += 1;
        }
        for s in &ps {
            let c = counts.entry(s.2).or_default();
            c.1 += 1;
            if gs.contains(s) {
                c.0 += 1;
            }
        }
    }
    let mut by_type: Vec<(String, usize, usize, usize)> = counts
        .into_iter()
        .map(|(t, (a, b, c))| (t.to_string(), a, b, c))
        .collect();
    by_type.sort();
    Scores { by_type }
}
