//! Word clusters from unlabelled news text, as tagger features.
//!
//! Labelled NER data is small: most names in an article never occurred in
//! CoNLL's training set. Words that appear in the same contexts ("Mr ___
//! said", "in ___ ,") fall in the same cluster, so a cluster learnt from
//! millions of unlabelled tokens carries the training set's evidence to
//! words it never saw (Miller et al. 2004; Ratinov & Roth 2009 report the
//! largest single gain on CoNLL-2003 from such clusters).
//!
//! Method: each word is a sparse vector of its left and right neighbours,
//! weighted by positive pointwise mutual information (with the context
//! distribution smoothed, as Levy et al. 2015 recommend); spherical k-means
//! groups the vectors into fine clusters, and k-means over the fine
//! centroids groups those into coarse ones. Every step is seeded, so the
//! same text gives the same clusters.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// Settings of [`word_clusters`].
#[derive(Clone, Debug)]
pub struct ClusterParams {
    /// Words seen fewer times get no cluster.
    pub min_count: u32,
    /// Number of most frequent words used as contexts.
    pub contexts: usize,
    /// Number of fine and coarse clusters.
    pub fine: usize,
    /// Clusters of the coarse level.
    pub coarse: usize,
    /// k-means passes.
    pub iterations: usize,
    /// Seed of the initial centroids: the same seed gives the same clusters.
    pub seed: u64,
}

impl Default for ClusterParams {
    fn default() -> Self {
        ClusterParams {
            min_count: 5,
            contexts: 2000,
            fine: 1000,
            coarse: 100,
            iterations: 12,
            seed: 2009,
        }
    }
}

/// A word's clusters: (fine, coarse).
pub type Cluster = (u16, u16);

/// xorshift64: a small deterministic generator for seeding and projection.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    // Eight accumulators (from when centroids were dense and this was the
    // hot loop). Kept as is: another summation order would round the norms
    // differently and change the clusters, and so the shipped model's bytes.
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    acc.iter().sum::<f32>() + tail
}

fn normalise(v: &mut [f32]) {
    let n = dot(v, v).sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
}

/// Unit-length sparse rows: (column, value) pairs per row.
struct Sparse {
    starts: Vec<usize>,
    cols: Vec<u32>,
    vals: Vec<f32>,
    width: usize,
}

impl Sparse {
    fn rows(&self) -> usize {
        self.starts.len() - 1
    }

    fn row(&self, r: usize) -> impl Iterator<Item = (usize, f32)> + '_ {
        let (a, b) = (self.starts[r], self.starts[r + 1]);
        self.cols[a..b]
            .iter()
            .map(|&c| c as usize)
            .zip(self.vals[a..b].iter().copied())
    }

    fn dense(&self, r: usize) -> Vec<f32> {
        let mut v = vec![0f32; self.width];
        self.row(r).for_each(|(c, x)| v[c] = x);
        v
    }
}

/// Spherical k-means of unit rows into `k` clusters, starting from `k`
/// distinct rows chosen by `rng`. Returns each row's cluster and the
/// centroids (`k` rows of `width`).
fn kmeans(m: &Sparse, k: usize, iterations: usize, rng: &mut Rng) -> (Vec<u16>, Vec<f32>) {
    let (n, width) = (m.rows(), m.width);
    let k = k.min(n).max(1);
    let mut centroids = Vec::with_capacity(k * width);
    let mut chosen = std::collections::HashSet::new();
    while chosen.len() < k {
        let i = (rng.next() % n as u64) as usize;
        if chosen.insert(i) {
            centroids.extend(m.dense(i));
        }
    }
    let mut assign = vec![0u16; n];
    for _ in 0..iterations {
        // Centroids by column, so a row's nonzeros each add one contiguous
        // run of k scores.
        let mut by_col = vec![0f32; width * k];
        for (c, cen) in centroids.chunks_exact(width).enumerate() {
            for (j, x) in cen.iter().enumerate() {
                by_col[j * k + c] = *x;
            }
        }
        assign = (0..n)
            .into_par_iter()
            .map_init(
                || vec![0f32; k],
                |scores, r| {
                    scores.iter_mut().for_each(|s| *s = 0.0);
                    for (j, x) in m.row(r) {
                        let col = &by_col[j * k..(j + 1) * k];
                        scores.iter_mut().zip(col).for_each(|(s, c)| *s += x * c);
                    }
                    let mut best = (0, f32::MIN);
                    for (c, &s) in scores.iter().enumerate() {
                        if s > best.1 {
                            best = (c, s);
                        }
                    }
                    best.0 as u16
                },
            )
            .collect();
        let mut sums = vec![0f32; k * width];
        for (r, &c) in assign.iter().enumerate() {
            let s = &mut sums[c as usize * width..(c as usize + 1) * width];
            m.row(r).for_each(|(j, x)| s[j] += x);
        }
        for (c, s) in sums.chunks_exact_mut(width).enumerate() {
            // An empty cluster keeps its old centroid.
            if s.iter().any(|x| *x != 0.0) {
                normalise(s);
                centroids[c * width..(c + 1) * width].copy_from_slice(s);
            }
        }
    }
    (assign, centroids)
}

/// Clusters the words of `sentences` (tokens as the tagger splits them).
pub fn word_clusters<'a>(
    sentences: impl IntoIterator<Item = impl AsRef<[&'a str]>>,
    p: &ClusterParams,
) -> FxHashMap<String, Cluster> {
    // Intern the text as ids; u32::MAX marks a sentence boundary.
    let mut ids: FxHashMap<&'a str, u32> = FxHashMap::default();
    let mut words: Vec<&'a str> = Vec::new();
    let mut counts: Vec<u32> = Vec::new();
    let mut stream: Vec<u32> = vec![u32::MAX];
    for s in sentences {
        for &w in s.as_ref() {
            let id = *ids.entry(w).or_insert_with(|| {
                words.push(w);
                counts.push(0);
                (words.len() - 1) as u32
            });
            counts[id as usize] += 1;
            stream.push(id);
        }
        stream.push(u32::MAX);
    }
    // Rows: words frequent enough to cluster. Context columns: left and
    // right of each of the most frequent words, plus the sentence edge.
    let mut by_freq: Vec<u32> = (0..words.len() as u32).collect();
    by_freq.sort_by_key(|&i| (std::cmp::Reverse(counts[i as usize]), words[i as usize]));
    let mut row = vec![u32::MAX; words.len()];
    let mut rows = 0u32;
    for &i in &by_freq {
        if counts[i as usize] >= p.min_count {
            row[i as usize] = rows;
            rows += 1;
        }
    }
    let edge = p.contexts as u32;
    let mut ctx = vec![u32::MAX; words.len()];
    for (c, &i) in by_freq.iter().take(p.contexts).enumerate() {
        ctx[i as usize] = c as u32;
    }
    let ctx_of = |id: u32| if id == u32::MAX { edge } else { ctx[id as usize] };
    let width = 2 * (p.contexts as u64 + 1);
    let mut pairs: Vec<u64> = Vec::with_capacity(stream.len() * 2);
    for t in 1..stream.len().saturating_sub(1) {
        let id = stream[t];
        if id == u32::MAX || row[id as usize] == u32::MAX {
            continue;
        }
        let r = row[id as usize] as u64 * width;
        let (l, rt) = (ctx_of(stream[t - 1]), ctx_of(stream[t + 1]));
        if l != u32::MAX {
            pairs.push(r + l as u64);
        }
        if rt != u32::MAX {
            pairs.push(r + p.contexts as u64 + 1 + rt as u64);
        }
    }
    drop(stream);
    pairs.sort_unstable();
    // Marginals for PMI; contexts' counts raised to 0.75 so that rare
    // contexts do not get inflated scores.
    let mut ctx_total = vec![0f64; width as usize];
    let mut row_total = vec![0f64; rows as usize];
    for &x in &pairs {
        ctx_total[(x % width) as usize] += 1.0;
        row_total[(x / width) as usize] += 1.0;
    }
    ctx_total.iter_mut().for_each(|c| *c = c.powf(0.75));
    let ctx_sum: f64 = ctx_total.iter().sum();
    let total = pairs.len() as f64;
    let mut m = Sparse {
        starts: vec![0],
        cols: Vec::new(),
        vals: Vec::new(),
        width: width as usize,
    };
    let mut runs = pairs.chunk_by(|a, b| a == b).peekable();
    for (r, &row_n) in row_total.iter().enumerate() {
        while let Some(run) = runs.next_if(|run| (run[0] / width) as usize == r) {
            let c = (run[0] % width) as usize;
            let pmi = ((run.len() as f64 / total) / ((row_n / total) * (ctx_total[c] / ctx_sum))).ln();
            if pmi > 0.0 {
                m.cols.push(c as u32);
                m.vals.push(pmi as f32);
            }
        }
        let a = *m.starts.last().expect("starts at 0");
        normalise(&mut m.vals[a..]);
        m.starts.push(m.cols.len());
    }
    drop(pairs);
    let mut rng = Rng(p.seed | 1);
    let (fine, centroids) = kmeans(&m, p.fine, p.iterations, &mut rng);
    // The fine centroids as rows, to group them into coarse clusters.
    let mut cm = Sparse {
        starts: vec![0],
        cols: Vec::new(),
        vals: Vec::new(),
        width: width as usize,
    };
    for cen in centroids.chunks_exact(width as usize) {
        for (j, x) in cen.iter().enumerate().filter(|(_, x)| **x != 0.0) {
            cm.cols.push(j as u32);
            cm.vals.push(*x);
        }
        cm.starts.push(cm.cols.len());
    }
    let (coarse, _) = kmeans(&cm, p.coarse, p.iterations * 2, &mut rng);
    let mut out = FxHashMap::default();
    for (i, w) in words.iter().enumerate() {
        let r = row[i];
        if r != u32::MAX {
            let f = fine[r as usize];
            out.insert(w.to_string(), (f, coarse[f as usize]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_in_the_same_contexts_share_a_cluster() {
        // Names and places in their own frames; each frame repeated with
        // every filler so the contexts, not the fillers, decide.
        let people = ["Smith", "Jones", "Brown", "Taylor"];
        let places = ["Paris", "Tokyo", "Lagos", "Lima"];
        let mut text: Vec<Vec<&str>> = Vec::new();
        for _ in 0..5 {
            for p in people {
                text.push(vec!["Mr", p, "said", "on", "Monday"]);
                text.push(vec!["Mrs", p, "told", "reporters"]);
            }
            for p in places {
                text.push(vec!["trade", "in", p, "rose"]);
                text.push(vec!["flights", "to", p, "resumed"]);
            }
        }
        let p = ClusterParams {
            min_count: 3,
            contexts: 50,
            fine: 6,
            coarse: 2,
            iterations: 10,
            seed: 7,
        };
        let cl = word_clusters(&text, &p);
        let again = word_clusters(&text, &p);
        assert_eq!(cl, again, "clustering is deterministic");
        let fine = |w: &str| cl[w].0;
        for w in people {
            assert_eq!(fine(w), fine("Smith"), "{w}");
            assert_ne!(fine(w), fine("Paris"), "{w}");
        }
        for w in places {
            assert_eq!(fine(w), fine("Paris"), "{w}");
        }
    }
}
