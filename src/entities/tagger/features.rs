//! Features of a token: hashed word forms, shapes, affixes and neighbours,
//! the previous tags, the gazetteer, and what the rest of the document says
//! of the word. Keys are FNV-1a hashes; the shipped model depends on every
//! bit of them.

use std::borrow::Cow;

use super::document::{DocCase, History};
use super::lexicon::{WordInfo, WordTable, CL_NONE, GAZ_LISTS, GAZ_WORDS};

/// A word lower-cased, borrowed when it already is (most words are).
pub(crate) fn lowered(w: &str) -> Cow<'_, str> {
    if w.chars()
        .all(|c| (c.is_ascii() && !c.is_ascii_uppercase()) || c.is_lowercase())
    {
        Cow::Borrowed(w)
    } else {
        Cow::Owned(w.to_lowercase())
    }
}

/// Word shape: capitals X, lower x, digits d, other kept; runs collapsed.
/// The common shapes are answered without allocating.
pub(crate) fn shape(w: &str) -> Cow<'_, str> {
    let mut cs = w.chars();
    let first = cs.next();
    let rest_lower = cs.clone().all(char::is_lowercase);
    match first {
        Some(c) if c.is_lowercase() && rest_lower => return Cow::Borrowed("x"),
        Some(c) if c.is_uppercase() && rest_lower => {
            return Cow::Borrowed(if w.len() == c.len_utf8() { "X" } else { "Xx" })
        }
        Some(c) if c.is_ascii_digit() && cs.all(|d| d.is_ascii_digit()) => return Cow::Borrowed("d"),
        Some(c) if w.len() == c.len_utf8() && !c.is_uppercase() && !c.is_lowercase() => {
            return Cow::Borrowed(w)
        }
        _ => {}
    }
    let mut out = String::new();
    let mut last = '\0';
    for c in w.chars() {
        let s = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_ascii_digit() {
            'd'
        } else {
            c
        };
        if s != last {
            out.push(s);
            last = s;
        }
    }
    Cow::Owned(out)
}

/// FNV-1a over a feature's parts, each closed by a 0xff byte (which UTF-8
/// text never contains). Written out here rather than taken from a crate
/// because the shipped model's keys depend on every bit of it. Most parts
/// are a few bytes long, where this costs fewer instructions than hashing
/// eight bytes per step (measured with callgrind).
pub(crate) fn fhash(parts: &[&[u8]]) -> u64 {
    let mut h = FNV_START;
    for p in parts {
        for &b in *p {
            h = fnv(h, b);
        }
        h = fnv(h, 0xff);
    }
    h
}

pub(crate) const FNV_START: u64 = 0xcbf29ce484222325;

/// One byte of FNV-1a.
#[inline]
pub(crate) const fn fnv(h: u64, b: u8) -> u64 {
    (h ^ b as u64).wrapping_mul(0x100000001b3)
}

/// The key of a feature template's name: [`fhash`] of it, at compile time.
pub(crate) const fn template(name: &[u8]) -> u64 {
    let mut h = FNV_START;
    let mut i = 0;
    while i < name.len() {
        h = fnv(h, name[i]);
        i += 1;
    }
    fnv(h, 0xff)
}

/// The key of a context feature: its template's key mixed with its parts,
/// each a word's [`fhash`] (computed once per token) or a small value.
/// Cheaper than hashing the template's name and each word byte by byte for
/// every feature, as a word is read by up to eight templates. Distinct
/// parts give distinct keys (but for chance collisions of 64-bit values),
/// so the features, and the model trained on them, are the same as with
/// byte-wise keys.
#[inline]
pub(crate) fn fkey<const K: usize>(template: u64, parts: [u64; K]) -> u64 {
    let mut h = template;
    for p in parts {
        h = (h ^ p).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    // The table indexes by the low bits: fold the well-mixed high ones in.
    h ^ (h >> 29)
}

/// The word part of a sentence's edges, as if they were words.
pub(crate) const SENT_START: u64 = template(b"<s>");
pub(crate) const SENT_END: u64 = template(b"</s>");

/// [`fhash`] of a word lower-cased, the same as hashing [`lowered`]'s
/// result, without allocating for an ASCII word.
pub(crate) fn lower_hash(w: &str) -> u64 {
    if !w.is_ascii() {
        return fhash(&[lowered(w).as_bytes()]);
    }
    let h = w.bytes().fold(FNV_START, |h, b| fnv(h, b.to_ascii_lowercase()));
    fnv(h, 0xff)
}

/// Context feature templates (see [`context_features`]).
pub(crate) mod t {
    use super::template;
    pub const W_1: u64 = template(b"w-1");
    pub const W1: u64 = template(b"w+1");
    pub const W_2: u64 = template(b"w-2");
    pub const W2: u64 = template(b"w+2");
    pub const W_1W: u64 = template(b"w-1w");
    pub const WW1: u64 = template(b"ww+1");
    pub const S_1: u64 = template(b"s-1");
    pub const S1: u64 = template(b"s+1");
    pub const S_1S: u64 = template(b"s-1s");
    pub const SS1: u64 = template(b"ss+1");
    pub const FIRST: u64 = template(b"first");
    pub const T_1: u64 = template(b"t-1");
    pub const T_2T_1: u64 = template(b"t-2t-1");
    pub const T_1W: u64 = template(b"t-1w");
    pub const T_1S: u64 = template(b"t-1s");
    pub const SHOUT: u64 = template(b"shout");
    pub const DOC: u64 = template(b"doc");
    pub const DOC_W: u64 = template(b"doc-w");
    pub const CAPR_1: u64 = template(b"capr-1");
    pub const CAPR1: u64 = template(b"capr+1");
    pub const GZ: u64 = template(b"gz");
    pub const GZS: u64 = template(b"gzs");
    pub const HIST: u64 = template(b"hist");
    pub const HIST_S: u64 = template(b"hist-s");
    pub const CLF_1: u64 = template(b"clf-1");
    pub const CLF1: u64 = template(b"clf+1");
    pub const CLC_1C: u64 = template(b"clc-1c");
    pub const CLCC1: u64 = template(b"clcc+1");
    pub const AGL: u64 = template(b"agl");
    pub const AGR: u64 = template(b"agr");
}

/// Per-sentence token views, each computed when first read (most tokens
/// are plain lower-case words that are never scored).
#[derive(Default)]
pub(crate) struct Prepared<'a> {
    pub(crate) shapes: Vec<Cow<'a, str>>,
    /// The sentence is written in capitals (a wire headline).
    pub(crate) shouted: bool,
    /// Per token: the word's shape and facts have been looked up (by
    /// [`Prepared::look_up`]); `shapes` and the two fields below hold them.
    pub(crate) looked: Vec<bool>,
    /// Per token: capitalisation bucket from unlabelled text (b"-" unknown).
    pub(crate) caps: Vec<[u8; 1]>,
    /// Per token: fine and coarse word cluster as bytes (b"--" unknown).
    pub(crate) clusters: Vec<[[u8; 2]; 2]>,
    /// Per token: [`fhash`] of its lower-cased form and of its shape (0:
    /// not computed yet), the parts of the context features that read it.
    pub(crate) lower_h: Vec<u64>,
    pub(crate) shape_h: Vec<u64>,
    /// Per token: how the same word is written elsewhere in the document,
    /// and its number there (for [`History`]); set by [`Prepared::fill`].
    pub(crate) doc: Vec<(u8, u32)>,
    /// Per token: what the document's history says of the word (set by
    /// [`Prepared::fill`]).
    pub(crate) hist: Vec<[u8; 1]>,
    /// Per token and gazetteer list: its place in the longest listed name
    /// covering it (0 none, 1 begin, 2 inside, 3 last, 4 unit).
    pub(crate) gaz: Vec<[u8; GAZ_LISTS.len()]>,
}

impl<'a> Prepared<'a> {
    /// Looks up token `j`'s shape and facts: one probe of the word table
    /// (two when the word as written is not in it).
    pub(crate) fn look_up<W: AsRef<str>>(&mut self, words: &'a [W], j: usize, table: &WordTable) -> WordInfo {
        let raw = words[j].as_ref();
        if self.lower_h[j] == 0 {
            self.lower_h[j] = lower_hash(raw);
        }
        // A word with no capitals hashes as its lower-cased form.
        let raw_h = if raw.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
            self.lower_h[j]
        } else {
            fhash(&[raw.as_bytes()])
        };
        let info = table.get(raw_h, self.lower_h[j]);
        self.shapes[j] = shape(words[j].as_ref());
        self.shape_h[j] = fhash(&[self.shapes[j].as_bytes()]);
        self.looked[j] = true;
        self.caps[j] = [info.cap];
        self.clusters[j] = info.cluster;
        info
    }

    /// Looks up what scoring token `i` reads: the facts of it and its
    /// neighbours, and its history. Lazy because most tokens are plain
    /// lower-case words that are never scored, and these are hash lookups.
    pub(crate) fn fill<W: AsRef<str>>(
        &mut self,
        words: &'a [W],
        i: usize,
        doc: &DocCase,
        hist: &History,
        table: &WordTable,
    ) {
        for j in i.saturating_sub(1)..(i + 2).min(words.len()) {
            if !self.looked[j] {
                self.look_up(words, j, table);
            }
        }
        let near = i.saturating_sub(2)..(i + 3).min(words.len());
        for (h, w) in self.lower_h[near.clone()].iter_mut().zip(&words[near]) {
            if *h == 0 {
                *h = lower_hash(w.as_ref());
            }
        }
        self.doc[i] = doc.of(self.lower_h[i]);
        self.hist[i] = hist.of(self.doc[i].1);
    }

    /// Marks the sentence's gazetteer matches: runs starting with a
    /// capital, longest first.
    pub(crate) fn gazetteer<W: AsRef<str>>(&mut self, words: &'a [W], table: &WordTable) {
        if !table.has_gazetteer {
            return;
        }
        let mut key = String::new();
        for i in 0..words.len() {
            if !starts_upper(words[i].as_ref()) {
                continue;
            }
            let info = self.look_up(words, i, table);
            self.mark(i, 1, info.gaz);
            if !info.gaz_prefix {
                continue;
            }
            key.clear();
            key.push_str(&lowered(words[i].as_ref()));
            for len in 2..=GAZ_WORDS.min(words.len() - i) {
                key.push(' ');
                key.push_str(&lowered(words[i + len - 1].as_ref()));
                if let Some(&mask) = table.multi.get(key.as_str()) {
                    self.mark(i, len, mask);
                }
            }
        }
    }

    /// Marks tokens `i..i + len` as a name on the lists of `mask`.
    pub(crate) fn mark(&mut self, i: usize, len: usize, mask: u8) {
        for b in (0..GAZ_LISTS.len()).filter(|b| mask & (1 << b) != 0) {
            for j in i..i + len {
                let part = match (j == i, j + 1 == i + len) {
                    (true, true) => 4,
                    (true, false) => 1,
                    (false, true) => 3,
                    _ => 2,
                };
                // Longer names are marked later from the same start and
                // win; an earlier start's match stays.
                if self.gaz[j][b] == 0 || j == i {
                    self.gaz[j][b] = part;
                }
            }
        }
    }
}

pub(crate) fn starts_upper(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

pub(crate) fn is_plain_lowercase(w: &str) -> bool {
    w.chars().all(|c| c.is_lowercase()) && !w.is_empty()
}

/// A lower-case word, a number or bare punctuation: none starts a name.
pub(crate) fn is_plain(w: &str) -> bool {
    is_plain_lowercase(w) || w.bytes().all(|c| c.is_ascii_digit() || c.is_ascii_punctuation())
}

pub(crate) fn is_shouted<W: AsRef<str>>(words: &[W]) -> bool {
    let letters = words
        .iter()
        .map(AsRef::as_ref)
        .filter(|w| w.chars().any(char::is_alphabetic));
    let mut n = 0;
    for w in letters {
        if w.chars().any(char::is_lowercase) {
            return false;
        }
        n += 1;
    }
    n >= 2
}

/// Token views of a sentence; document case and priors are filled in
/// per token by [`Prepared::fill`].
#[cfg(feature = "train")]
pub(crate) fn prepare<'a, W: AsRef<str>>(words: &'a [W]) -> Prepared<'a> {
    let mut p = Prepared::default();
    p.reset(words);
    p
}

impl<'a> Prepared<'a> {
    /// Makes these the views of another sentence, keeping the buffers (a
    /// dozen allocations per sentence otherwise).
    pub(crate) fn reset<W: AsRef<str>>(&mut self, words: &'a [W]) {
        fn refill<T: Clone>(v: &mut Vec<T>, n: usize, x: T) {
            v.clear();
            v.resize(n, x);
        }
        let n = words.len();
        refill(&mut self.looked, n, false);
        refill(&mut self.caps, n, *b"-");
        refill(&mut self.clusters, n, CL_NONE);
        refill(&mut self.hist, n, *b"n");
        refill(&mut self.gaz, n, [0; GAZ_LISTS.len()]);
        refill(&mut self.doc, n, (b'n', u32::MAX));
        refill(&mut self.lower_h, n, 0);
        refill(&mut self.shape_h, n, 0);
        refill(&mut self.shapes, n, Cow::Borrowed(""));
        self.shouted = is_shouted(words);
    }
}

/// Features of the word alone (its form, shape, affixes, case prior):
/// the same wherever it occurs, so their summed scores can be cached.
pub(crate) fn word_features(
    raw: &str,
    lower: &str,
    shape: &[u8],
    cap: &[u8],
    cl: &[[u8; 2]; 2],
    out: &mut Vec<u64>,
) {
    let lw = lower.as_bytes();
    out.push(fhash(&[b"bias"]));
    out.push(fhash(&[b"w", lw]));
    out.push(fhash(&[b"raw", raw.as_bytes()]));
    out.push(fhash(&[b"s", shape]));
    let mut ends = lower.char_indices().map(|(i, c)| i + c.len_utf8());
    let mut starts = lower.char_indices().rev().map(|(i, _)| i);
    for _ in 1..=4 {
        match (ends.next(), starts.next()) {
            (Some(e), Some(b)) => {
                out.push(fhash(&[b"pre", &lw[..e]]));
                out.push(fhash(&[b"suf", &lw[b..]]));
            }
            _ => break,
        }
    }
    out.push(fhash(&[b"capr", cap, shape]));
    out.push(fhash(&[b"clf", &cl[0]]));
    out.push(fhash(&[b"clc", &cl[1]]));
    out.push(fhash(&[b"clcs", &cl[1], shape]));
}

/// Where a token's features are read from: its sentence, the sentence's
/// token views and the document.
pub(crate) struct Ctx<'s, 'p, W> {
    pub(crate) words: &'s [W],
    pub(crate) p: &'s Prepared<'p>,
    pub(crate) doc: &'s DocCase,
}

/// A token of the sentence and the two tags the tagger gave before it.
#[derive(Clone, Copy)]
pub(crate) struct At {
    pub(crate) i: usize,
    pub(crate) prev: usize,
    pub(crate) prev2: usize,
}

/// All features of a token given the two previous tags.
#[cfg(feature = "train")]
pub(crate) fn features<W: AsRef<str>>(ctx: &Ctx<'_, '_, W>, at: At, out: &mut Vec<u64>) {
    let (words, p, i) = (ctx.words, ctx.p, at.i);
    out.clear();
    word_features(
        words[i].as_ref(),
        &lowered(words[i].as_ref()),
        p.shapes[i].as_bytes(),
        &p.caps[i],
        &p.clusters[i],
        out,
    );
    context_features(ctx, at, out);
}

/// Features of a token in its sentence and document.
pub(crate) fn context_features<W: AsRef<str>>(ctx: &Ctx<'_, '_, W>, at: At, out: &mut Vec<u64>) {
    let (words, p, doc) = (ctx.words, ctx.p, ctx.doc);
    let At { i, prev, prev2 } = at;
    const OUTSIDE: u64 = template(b"_");
    let n = words.len() as isize;
    let at = |j: isize| (0..n).contains(&j).then_some(j as usize);
    let word = |j: isize| match at(j) {
        Some(j) => p.lower_h[j],
        None if j < 0 => SENT_START,
        None => SENT_END,
    };
    let shp = |j: isize| at(j).map_or(OUTSIDE, |j| p.shape_h[j]);
    let cap = |j: isize| at(j).map_or(b'_' as u64, |j| p.caps[j][0] as u64);
    // A cluster is two bytes; outside the sentence is a third value.
    let cl = |j: isize, g: usize| at(j).map_or(1 << 16, |j| u16::from_le_bytes(p.clusters[j][g]) as u64);
    let i_ = i as isize;
    let (w, s) = (word(i_), shp(i_));
    let (pt, pt2) = (prev as u64, prev2 as u64);
    let first = (i == 0) as u64;
    let (case, hist) = (p.doc[i].0 as u64, p.hist[i][0] as u64);
    out.extend([
        fkey(t::W_1, [word(i_ - 1)]),
        fkey(t::W1, [word(i_ + 1)]),
        fkey(t::W_2, [word(i_ - 2)]),
        fkey(t::W2, [word(i_ + 2)]),
        fkey(t::W_1W, [word(i_ - 1), w]),
        fkey(t::WW1, [w, word(i_ + 1)]),
        fkey(t::S_1, [shp(i_ - 1)]),
        fkey(t::S1, [shp(i_ + 1)]),
        fkey(t::S_1S, [shp(i_ - 1), s]),
        fkey(t::SS1, [s, shp(i_ + 1)]),
        fkey(t::FIRST, [first, s]),
        fkey(t::T_1, [pt]),
        fkey(t::T_2T_1, [pt2, pt]),
        fkey(t::T_1W, [pt, w]),
        fkey(t::T_1S, [pt, s]),
        fkey(t::SHOUT, [p.shouted as u64, w]),
        fkey(t::DOC, [case, s]),
        fkey(t::DOC_W, [case, first]),
        fkey(t::CAPR_1, [cap(i_ - 1), cap(i_)]),
        fkey(t::CAPR1, [cap(i_), cap(i_ + 1)]),
    ]);
    for (b, &part) in p.gaz[i].iter().enumerate() {
        if part != 0 {
            let list = (b as u64) << 8 | part as u64;
            out.extend([fkey(t::GZ, [list]), fkey(t::GZS, [list, s])]);
        }
    }
    // Context aggregation (Ratinov & Roth 2009): "Lomason" after "&" in
    // one sentence helps where it stands alone in another.
    out.extend(doc.context(p.doc[i].1).iter().filter(|&&h| h != 0));
    out.extend([
        fkey(t::HIST, [hist]),
        fkey(t::HIST_S, [hist, s]),
        fkey(t::CLF_1, [cl(i_ - 1, 0)]),
        fkey(t::CLF1, [cl(i_ + 1, 0)]),
        fkey(t::CLC_1C, [cl(i_ - 1, 1), cl(i_, 1)]),
        fkey(t::CLCC1, [cl(i_, 1), cl(i_ + 1, 1)]),
    ]);
}
