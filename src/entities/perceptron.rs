//! A greedy averaged-perceptron sequence tagger for named entities (PER,
//! ORG, LOC, MISC), trained on CoNLL-2003. It reads and returns BIO tags and
//! predicts BILOU tags inside.
//!
//! Features are hashed strings (word forms, shapes, affixes, neighbours,
//! previous tags, the word's neighbours elsewhere in the article); weights
//! live in a map from feature hash to one weight per tag, so the model holds
//! only features seen in training. Decoding is left to right with the two
//! previous predicted tags; a name goes on only as its own type.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use nohash_hasher::IntMap;

use super::clusters::Cluster;
use rustc_hash::{FxHashMap, FxHashSet};
use std::io::{Read, Write};

/// Tags in a fixed order: O, then B/I for each type. This is what the
/// tagger reads and returns; inside, the model predicts [`N`] BILOU tags.
pub const TAGS: [&str; 9] = [
    "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC",
];
/// Tags the model predicts: O, then Begin, Inside, Last and Unit for each
/// type in [`TAGS`]' order. Knowing where a name ends lets a left-to-right
/// tagger close it itself (Ratinov & Roth 2009 found BILOU better than BIO
/// for greedy NER): under BIO, "Driefontein Consolidated Ltd" tagged
/// B-LOC, O could not take "Ltd" as inside an organisation any more.
const N: usize = 17;
/// Tag index of "no previous tag" (sentence start), only used in features.
const START: usize = N;

fn tag_index(tag: &str) -> Option<usize> {
    TAGS.iter().position(|t| *t == tag)
}

/// Entity type of a tag index (`None` for O).
pub fn tag_type(t: usize) -> Option<&'static str> {
    (t > 0).then(|| &TAGS[t][2..])
}

fn is_begin(t: usize) -> bool {
    t > 0 && t % 2 == 1
}

/// A model tag's type (1 to 4, 0 for O) and part (0 Begin, 1 Inside,
/// 2 Last, 3 Unit).
fn type_part(t: usize) -> (usize, usize) {
    if t == 0 || t >= N {
        (0, 0)
    } else {
        ((t - 1) / 4 + 1, (t - 1) % 4)
    }
}

/// Does model tag `t` leave a name open (Begin or Inside)?
fn opens(t: usize) -> bool {
    let (ty, part) = type_part(t);
    ty > 0 && part < 2
}

/// May model tag `t` follow `prev`? A name is continued (Inside, Last)
/// only by its own type, and only while open. An open name may also be
/// left unclosed, where the tagger sees it cannot go on ("Vostochny
/// cosmodrome"): forcing it on would run it over the words that follow.
fn allowed(prev: usize, t: usize) -> bool {
    let (ty, part) = type_part(t);
    if t == 0 || part == 0 || part == 3 {
        return true;
    }
    opens(prev) && ty == type_part(prev).0
}

/// BIO tags as model tags.
fn to_model(tags: &[usize]) -> Vec<usize> {
    (0..tags.len())
        .map(|i| {
            let t = tags[i];
            if t == 0 {
                return 0;
            }
            let ty = (t - 1) / 2;
            let goes_on = tags.get(i + 1) == Some(&(2 + 2 * ty));
            let part = match (is_begin(t), goes_on) {
                (true, true) => 0,
                (false, true) => 1,
                (false, false) => 2,
                (true, false) => 3,
            };
            1 + 4 * ty + part
        })
        .collect()
}

/// A model tag as a BIO tag.
fn to_bio(t: usize) -> usize {
    match type_part(t) {
        (0, _) => 0,
        (ty, 0 | 3) => 2 * ty - 1,
        (ty, _) => 2 * ty,
    }
}

/// A sentence of tokens, with gold tags when read from CoNLL data.
#[derive(Clone, Debug, Default)]
pub struct Sentence {
    pub words: Vec<String>,
    pub tags: Vec<usize>,
    /// Number of the document (article) the sentence belongs to.
    pub doc: usize,
}

/// Reads CoNLL-2003 columns (token first, NER tag last; IOB1 or BIO),
/// converting tags to BIO. `-DOCSTART-` lines are dropped.
pub fn read_conll(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut cur = Sentence::default();
    let mut raw: Vec<String> = Vec::new();
    let mut doc = 0;
    let flush = |cur: &mut Sentence, raw: &mut Vec<String>, out: &mut Vec<Sentence>, doc: usize| {
        if !cur.words.is_empty() {
            cur.tags = iob1_to_bio(raw);
            cur.doc = doc;
            out.push(std::mem::take(cur));
        }
        raw.clear();
    };
    for line in text.lines() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.is_empty() || cols[0] == "-DOCSTART-" {
            flush(&mut cur, &mut raw, &mut out, doc);
            if cols.first() == Some(&"-DOCSTART-") {
                doc += 1;
            }
            continue;
        }
        cur.words.push(cols[0].to_string());
        raw.push(cols.last().unwrap_or(&"O").to_string());
    }
    flush(&mut cur, &mut raw, &mut out, doc);
    out
}

fn iob1_to_bio(raw: &[String]) -> Vec<usize> {
    let mut out = Vec::with_capacity(raw.len());
    let mut prev_type: Option<&str> = None;
    for t in raw {
        let (prefix, ty) = t.split_once('-').unwrap_or(("O", ""));
        let tag = if t == "O" || ty.is_empty() {
            prev_type = None;
            "O".to_string()
        } else {
            let begin = prefix == "B" || prev_type != Some(ty);
            prev_type = Some(ty);
            format!("{}-{ty}", if begin { "B" } else { "I" })
        };
        out.push(tag_index(&tag).unwrap_or(0));
    }
    out
}

/// A word lower-cased, borrowed when it already is (most words are).
fn lowered(w: &str) -> Cow<'_, str> {
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
fn shape(w: &str) -> Cow<'_, str> {
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
fn fhash(parts: &[&[u8]]) -> u64 {
    let mut h = FNV_START;
    for p in parts {
        for &b in *p {
            h = fnv(h, b);
        }
        h = fnv(h, 0xff);
    }
    h
}

const FNV_START: u64 = 0xcbf29ce484222325;

/// One byte of FNV-1a.
#[inline]
const fn fnv(h: u64, b: u8) -> u64 {
    (h ^ b as u64).wrapping_mul(0x100000001b3)
}

/// The key of a feature template's name: [`fhash`] of it, at compile time.
const fn template(name: &[u8]) -> u64 {
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
fn fkey<const K: usize>(template: u64, parts: [u64; K]) -> u64 {
    let mut h = template;
    for p in parts {
        h = (h ^ p).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    // The table indexes by the low bits: fold the well-mixed high ones in.
    h ^ (h >> 29)
}

/// The word part of a sentence's edges, as if they were words.
const SENT_START: u64 = template(b"<s>");
const SENT_END: u64 = template(b"</s>");

/// [`fhash`] of a word lower-cased, the same as hashing [`lowered`]'s
/// result, without allocating for an ASCII word.
fn lower_hash(w: &str) -> u64 {
    if !w.is_ascii() {
        return fhash(&[lowered(w).as_bytes()]);
    }
    let h = w.bytes().fold(FNV_START, |h, b| fnv(h, b.to_ascii_lowercase()));
    fnv(h, 0xff)
}

/// Context feature templates (see [`context_features`]).
mod t {
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
struct Prepared<'a> {
    shapes: Vec<Cow<'a, str>>,
    /// The sentence is written in capitals (a wire headline).
    shouted: bool,
    /// Per token: the word's shape and facts have been looked up (by
    /// [`Prepared::look_up`]); `shapes` and the two fields below hold them.
    looked: Vec<bool>,
    /// Per token: capitalisation bucket from unlabelled text (b"-" unknown).
    caps: Vec<[u8; 1]>,
    /// Per token: fine and coarse word cluster as bytes (b"--" unknown).
    clusters: Vec<[[u8; 2]; 2]>,
    /// Per token: [`fhash`] of its lower-cased form and of its shape (0:
    /// not computed yet), the parts of the context features that read it.
    lower_h: Vec<u64>,
    shape_h: Vec<u64>,
    /// Per token: how the same word is written elsewhere in the document,
    /// and its number there (for [`History`]); set by [`Prepared::fill`].
    doc: Vec<(u8, u32)>,
    /// Per token: what the document's history says of the word (set by
    /// [`Prepared::fill`]).
    hist: Vec<[u8; 1]>,
    /// Per token and gazetteer list: its place in the longest listed name
    /// covering it (0 none, 1 begin, 2 inside, 3 last, 4 unit).
    gaz: Vec<[u8; GAZ_LISTS.len()]>,
}

impl<'a> Prepared<'a> {
    /// Looks up token `j`'s shape and facts: one probe of the word table
    /// (two when the word as written is not in it).
    fn look_up<W: AsRef<str>>(&mut self, words: &'a [W], j: usize, table: &WordTable) -> WordInfo {
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
    fn fill<W: AsRef<str>>(
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
    fn gazetteer<W: AsRef<str>>(&mut self, words: &'a [W], table: &WordTable) {
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
    fn mark(&mut self, i: usize, len: usize, mask: u8) {
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

const CL_NONE: [[u8; 2]; 2] = [*b"--", *b"--"];

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
struct WordInfo {
    /// Capitalisation bucket as a digit, or b'-'.
    cap: u8,
    cluster: [[u8; 2]; 2],
    /// Lists the word is a one-word name on.
    gaz: u8,
    /// Some longer listed name starts with this word.
    gaz_prefix: bool,
}

const UNKNOWN: WordInfo = WordInfo {
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
struct WordTable {
    /// Keyed by [`fhash`] of the word: a probe compares two integers, not
    /// two strings, one of them behind a pointer. Two words of the tables
    /// sharing a hash would need billions of words to be likely.
    words: IntMap<u64, WordInfo>,
    /// Gazetteer names of two or more tokens.
    multi: FxHashMap<String, u8>,
    has_gazetteer: bool,
}

impl WordTable {
    fn new(lex: &Lexicon) -> WordTable {
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
    fn get(&self, raw_h: u64, lower_h: u64) -> WordInfo {
        match self.words.get(&raw_h) {
            Some(i) => *i,
            None if raw_h != lower_h => self.words.get(&lower_h).copied().unwrap_or(UNKNOWN),
            None => UNKNOWN,
        }
    }
}

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
    seen: IntMap<u64, (bool, bool, u32)>,
    /// Per word number: the distinct words next to its capitalised
    /// occurrences, as feature hashes (the first [`AGG`] / 2 on each side).
    ctx: Vec<[u64; AGG]>,
}

/// Neighbours kept per word for context aggregation (half left, half right).
const AGG: usize = 8;

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
    fn context(&self, n: u32) -> &[u64] {
        self.ctx.get(n as usize).map_or(&[], |c| c.as_slice())
    }

    /// How the document writes the word of [`lower_hash`] `lower_h`
    /// (b'b'oth, b'c'apitalised, b'l'ower case, b'n'either) and its number.
    fn of(&self, lower_h: u64) -> (u8, u32) {
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
struct History {
    /// Per word number of the document's [`DocCase`]: how often it was
    /// tagged O, PER, ORG, LOC, MISC.
    counts: Vec<[u16; 5]>,
}

impl History {
    fn new(doc: &DocCase) -> History {
        History {
            counts: vec![[0; 5]; doc.seen.len()],
        }
    }

    /// The type most often given to word `n` so far (b"n" if never).
    fn of(&self, n: u32) -> [u8; 1] {
        match self.counts.get(n as usize) {
            Some(c) if c.iter().any(|&k| k > 0) => {
                let best = (0..5).max_by_key(|&t| (c[t], std::cmp::Reverse(t))).unwrap_or(0);
                [b'0' + best as u8]
            }
            _ => *b"n",
        }
    }

    /// Records tag `t` for word `n`, a token that could start a name.
    fn record(&mut self, n: u32, t: usize) {
        let ty = type_part(t).0;
        if let Some(c) = self.counts.get_mut(n as usize) {
            c[ty] = c[ty].saturating_add(1);
        }
    }
}

fn starts_upper(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

fn is_plain_lowercase(w: &str) -> bool {
    w.chars().all(|c| c.is_lowercase()) && !w.is_empty()
}

/// A lower-case word, a number or bare punctuation: none starts a name.
fn is_plain(w: &str) -> bool {
    is_plain_lowercase(w) || w.bytes().all(|c| c.is_ascii_digit() || c.is_ascii_punctuation())
}

fn is_shouted<W: AsRef<str>>(words: &[W]) -> bool {
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
fn prepare<'a, W: AsRef<str>>(words: &'a [W]) -> Prepared<'a> {
    let mut p = Prepared::default();
    p.reset(words);
    p
}

impl<'a> Prepared<'a> {
    /// Makes these the views of another sentence, keeping the buffers (a
    /// dozen allocations per sentence otherwise).
    fn reset<W: AsRef<str>>(&mut self, words: &'a [W]) {
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
fn word_features(raw: &str, lower: &str, shape: &[u8], cap: &[u8], cl: &[[u8; 2]; 2], out: &mut Vec<u64>) {
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

/// All features of token `i` given the two previous tags.
fn features<W: AsRef<str>>(
    words: &[W],
    p: &Prepared,
    i: usize,
    prev: usize,
    prev2: usize,
    doc: &DocCase,
    out: &mut Vec<u64>,
) {
    out.clear();
    word_features(
        words[i].as_ref(),
        &lowered(words[i].as_ref()),
        p.shapes[i].as_bytes(),
        &p.caps[i],
        &p.clusters[i],
        out,
    );
    context_features(words, p, i, prev, prev2, doc, out);
}

/// Features of token `i` in its sentence and document.
fn context_features<W: AsRef<str>>(
    words: &[W],
    p: &Prepared,
    i: usize,
    prev: usize,
    prev2: usize,
    doc: &DocCase,
    out: &mut Vec<u64>,
) {
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

/// The trained model.
#[derive(Default)]
pub struct Perceptron {
    /// Weights as trained (empty in a loaded model). Keys are already
    /// hashes: no need to hash them again.
    weights: IntMap<u64, [f32; N]>,
    /// The weights the tagger reads: quantised to i16 (times `scale`), as
    /// the model file stores them. Half the bytes of f32 per feature, so a
    /// lookup, usually a cache miss, touches one cache line, not two.
    packed: IntMap<u64, [i16; N]>,
    scale: f32,
    lex: Lexicon,
    /// `lex` compiled for lookups.
    table: WordTable,
    /// Identifies this model's entries in the per-thread score cache.
    id: u64,
}

/// A fresh model identity for the score cache (0 is never handed out).
fn next_model_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Most words a thread remembers the word-feature scores of; the cache is
/// emptied when it grows past this.
const WORD_CACHE_MAX: usize = 1 << 16;

thread_local! {
    /// Summed word-feature scores per raw word, for one model at a time:
    /// names and punctuation recur across articles, and this saves a third
    /// of the weight lookups (cache misses) per token.
    static WORD_SCORES: RefCell<(u64, FxHashMap<String, [i32; N]>)> =
        RefCell::new((0, FxHashMap::default()));
}

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

/// The highest-scoring tag that may follow `prev` (ties to the lower index).
fn best_allowed<T: PartialOrd + Copy>(s: &[T; N], prev: usize) -> usize {
    let mut best: Option<usize> = None;
    for t in (0..N).filter(|&t| allowed(prev, t)) {
        if best.is_none_or(|b| s[t] > s[b]) {
            best = Some(t);
        }
    }
    best.unwrap_or(0)
}

/// Quantises weights to i16 with one scale for all (1 if there are none).
fn pack(weights: &IntMap<u64, [f32; N]>) -> (IntMap<u64, [i16; N]>, f32) {
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
    fn with_weights(weights: IntMap<u64, [f32; N]>, lex: Lexicon) -> Perceptron {
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
    fn training_scores(&self, feats: &[u64]) -> [f32; N] {
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

    /// Adds the packed weights of `feats` to `s`.
    fn add_scores(&self, mut s: [i32; N], feats: &[u64]) -> [i32; N] {
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
    fn tag_cached<'a, W: AsRef<str>>(
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
                context_features(words, p, i, prev, prev2, doc, &mut feats);
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
                    features(&s.words, &p, i, prev, prev2, &cases[d], &mut feats);
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

    fn averaged(
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

    /// Number of features with weights.
    pub fn len(&self) -> usize {
        self.packed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.packed.is_empty()
    }

    /// Writes the model compactly: features whose weights are all below
    /// `prune` in magnitude are dropped; weights are quantised to i16 with
    /// one scale; the whole is gzip-compressed.
    pub fn save(&self, out: impl Write, prune: f32) -> std::io::Result<()> {
        let kept = |k: &u64| match self.weights.get(k) {
            Some(w) => w.iter().any(|v| v.abs() >= prune),
            None => self.packed[k]
                .iter()
                .any(|&q| (q as f32 * self.scale).abs() >= prune),
        };
        let mut keys: Vec<&u64> = self.packed.keys().filter(|k| kept(k)).collect();
        keys.sort();
        let mut gz = flate2::write::GzEncoder::new(out, flate2::Compression::best());
        gz.write_all(MAGIC)?;
        gz.write_all(&self.scale.to_le_bytes())?;
        gz.write_all(&(keys.len() as u64).to_le_bytes())?;
        let mut last = 0u64;
        for k in keys {
            // Sorted keys: store deltas, which compress better.
            gz.write_all(&(k.wrapping_sub(last)).to_le_bytes())?;
            last = *k;
            for q in self.packed[k] {
                gz.write_all(&q.to_le_bytes())?;
            }
        }
        // Word tables: length-prefixed word, then its value bytes.
        let mut caps: Vec<(&String, [u8; 1])> = self.lex.caps.iter().map(|(w, b)| (w, [*b])).collect();
        let mut clusters: Vec<(&String, [u8; 4])> = self
            .lex
            .clusters
            .iter()
            .map(|(w, (f, c))| {
                let (f, c) = (f.to_le_bytes(), c.to_le_bytes());
                (w, [f[0], f[1], c[0], c[1]])
            })
            .collect();
        let mut gazetteer: Vec<(&String, [u8; 1])> =
            self.lex.gazetteer.iter().map(|(w, b)| (w, [*b])).collect();
        write_table(&mut gz, &mut caps)?;
        write_table(&mut gz, &mut clusters)?;
        write_table(&mut gz, &mut gazetteer)?;
        gz.finish()?;
        Ok(())
    }

    /// Reads a model written by [`Perceptron::save`].
    pub fn load(input: impl Read) -> std::io::Result<Perceptron> {
        let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_string());
        let mut gz = flate2::read::GzDecoder::new(input);
        let mut buf = Vec::new();
        gz.read_to_end(&mut buf)?;
        if buf.len() < 17 || &buf[..5] != MAGIC {
            return Err(bad("not a newsdex tagger model"));
        }
        let scale = f32::from_le_bytes(buf[5..9].try_into().expect("4 bytes"));
        let n = u64::from_le_bytes(buf[9..17].try_into().expect("8 bytes")) as usize;
        let rec = 8 + 2 * N;
        let end = 17 + n * rec;
        if buf.len() < end + 8 {
            return Err(bad("truncated tagger model"));
        }
        let mut packed = IntMap::with_capacity_and_hasher(n, Default::default());
        let mut last = 0u64;
        for r in buf[17..end].chunks_exact(rec) {
            let key = last.wrapping_add(u64::from_le_bytes(r[..8].try_into().expect("8 bytes")));
            last = key;
            let mut w = [0i16; N];
            for (t, c) in r[8..].chunks_exact(2).enumerate() {
                w[t] = i16::from_le_bytes([c[0], c[1]]);
            }
            packed.insert(key, w);
        }
        let mut at = end;
        let caps = read_table::<1>(&buf, &mut at)?
            .into_iter()
            .map(|(w, b)| (w, b[0]))
            .collect();
        let clusters = read_table::<4>(&buf, &mut at)?
            .into_iter()
            .map(|(w, b)| {
                (
                    w,
                    (u16::from_le_bytes([b[0], b[1]]), u16::from_le_bytes([b[2], b[3]])),
                )
            })
            .collect();
        let gazetteer = read_table::<1>(&buf, &mut at)?
            .into_iter()
            .map(|(w, b)| (w, b[0]))
            .collect();
        let lex = Lexicon {
            caps,
            clusters,
            gazetteer,
        };
        Ok(Perceptron {
            weights: IntMap::default(),
            packed,
            scale,
            table: WordTable::new(&lex),
            lex,
            id: next_model_id(),
        })
    }
}

/// Model file signature and version.
const MAGIC: &[u8; 5] = b"NDXP4";

/// Writes a word table sorted by word (words of 256 bytes or more, which
/// are not words, are left out).
fn write_table<const K: usize>(
    out: &mut impl Write,
    rows: &mut Vec<(&String, [u8; K])>,
) -> std::io::Result<()> {
    rows.retain(|(w, _)| w.len() < 256);
    rows.sort();
    out.write_all(&(rows.len() as u64).to_le_bytes())?;
    for (w, v) in rows.iter() {
        out.write_all(&[w.len() as u8])?;
        out.write_all(w.as_bytes())?;
        out.write_all(v)?;
    }
    Ok(())
}

/// Reads a table written by [`write_table`] from `buf` at `at`.
fn read_table<const K: usize>(buf: &[u8], at: &mut usize) -> std::io::Result<Vec<(String, [u8; K])>> {
    let bad = || std::io::Error::new(std::io::ErrorKind::InvalidData, "truncated tagger model");
    let n = buf.get(*at..*at + 8).ok_or_else(bad)?;
    let n = u64::from_le_bytes(n.try_into().expect("8 bytes")) as usize;
    *at += 8;
    let mut out = Vec::with_capacity(n.min(buf.len()));
    for _ in 0..n {
        let len = *buf.get(*at).ok_or_else(bad)? as usize;
        let word = buf.get(*at + 1..*at + 1 + len).ok_or_else(bad)?;
        let v = buf.get(*at + 1 + len..*at + 1 + len + K).ok_or_else(bad)?;
        out.push((
            String::from_utf8_lossy(word).into_owned(),
            v.try_into().expect("K bytes"),
        ));
        *at += 1 + len + K;
    }
    Ok(out)
}

/// Entity-level scores (conlleval method: exact span and type).
#[derive(Clone, Debug, Default)]
pub struct Scores {
    /// (type, true positives, predicted, gold)
    pub by_type: Vec<(String, usize, usize, usize)>,
}

impl Scores {
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

/// Spans (start, end exclusive, type) of a BIO tag sequence.
pub fn spans(tags: &[usize]) -> Vec<(usize, usize, &'static str)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tags.len() {
        match tag_type(tags[i]) {
            Some(ty) => {
                let mut j = i + 1;
                while j < tags.len() && !is_begin(tags[j]) && tag_type(tags[j]) == Some(ty) {
                    j += 1;
                }
                out.push((i, j, ty));
                i = j;
            }
            None => i += 1,
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iob1_becomes_bio_and_spans_are_exact() {
        let s =
            &read_conll("EU I-ORG\nrejects O\nPeter I-PER\nBlackburn I-PER\nJohn B-PER\n\n-DOCSTART- O\n")[0];
        let tags: Vec<&str> = s.tags.iter().map(|&t| TAGS[t]).collect();
        assert_eq!(tags, ["B-ORG", "O", "B-PER", "I-PER", "B-PER"]);
        assert_eq!(spans(&s.tags), [(0, 1, "ORG"), (2, 4, "PER"), (4, 5, "PER")]);
        let sc = evaluate(std::slice::from_ref(&s.tags), &[vec![3, 0, 1, 2, 2]]);
        assert_eq!(sc.micro(&["PER"]), (0.0, 0.0, 0.0));
        assert_eq!(sc.micro(&["ORG"]).2, 1.0);
    }

    fn lexicon() -> Lexicon {
        Lexicon {
            caps: [("paris", 4), ("new", 1)]
                .into_iter()
                .map(|(w, b)| (w.to_string(), b))
                .collect(),
            clusters: [("Paris", (7, 1)), ("paris", (9, 2)), ("York", (3, 1))]
                .into_iter()
                .map(|(w, c)| (w.to_string(), c))
                .collect(),
            gazetteer: read_gazetteer("LOC1\tParis\nLOC1\tNew York\nLOC2\tNew York City\nFIRST\tJohn\n")
                .unwrap(),
        }
    }

    #[test]
    fn feature_hashes_are_pinned() {
        // The shipped model is keyed by these values: a change to fhash or fkey
        // must come with a retrained model.
        assert_eq!(fhash(&[b"w", b"paris"]), 0x4953_29dd_048f_833f);
        assert_eq!(template(b"w-1"), fhash(&[b"w-1"]));
        let paris = fhash(&[b"paris"]);
        assert_eq!(fkey(t::W_1, [paris]), 0xf48e_08fb_7782_d676);
        assert_ne!(fkey(t::W_1W, [paris, 1]), fkey(t::W_1W, [1, paris]));
        assert_ne!(fkey(t::T_1, [1]), fkey(t::T_1, [2]));
        for w in ["paris", "Paris", "PARIS", "Zürich", "ÉTAT", "O'Neill", "3M"] {
            assert_eq!(lower_hash(w), fhash(&[lowered(w).as_bytes()]), "{w}");
        }
        assert_ne!(fhash(&[b"ab", b"c"]), fhash(&[b"a", b"bc"]));
        assert_ne!(
            fhash(&[b"clc-1c", &[95, 0], &[16, 0]]),
            fhash(&[b"clc-1c", &[95], &[5, 0]])
        );
    }

    #[test]
    fn gazetteer_reads_lists_and_names_a_bad_line() {
        let g = read_gazetteer("LOC1\tNew York\nFIRST\tJohn\nLAST\tJohn\n").unwrap();
        assert_eq!(g["new york"], 1);
        assert_eq!(g["john"], 4 | 8);
        let err = read_gazetteer("LOC1\tParis\nCITY\tLyon\n").unwrap_err();
        assert!(err.starts_with("line 2:"), "{err}");
    }

    /// Looks words up by their text.
    struct Looks<'a>(&'a WordTable);

    impl Looks<'_> {
        fn get(&self, raw: &str, lower: &str) -> WordInfo {
            self.0.get(fhash(&[raw.as_bytes()]), fhash(&[lower.as_bytes()]))
        }
    }

    #[test]
    fn word_table_gives_each_table_its_own_key() {
        let table = WordTable::new(&lexicon());
        let t = Looks(&table);
        // As written first, then lower-cased: "PARIS" is not a cluster key,
        // so it gets lower-case "paris"'s cluster; its cap prior is always
        // the lower-cased word's.
        let paris = t.get("Paris", "paris");
        assert_eq!((paris.cap, paris.cluster[0]), (b'4', 7u16.to_le_bytes()));
        let shouted = t.get("PARIS", "paris");
        assert_eq!((shouted.cap, shouted.cluster[0]), (b'4', 9u16.to_le_bytes()));
        assert_eq!(t.get("Lyon", "lyon").cluster, CL_NONE);
        assert!(t.get("New", "new").gaz_prefix && !t.get("York", "york").gaz_prefix);
    }

    #[test]
    fn gazetteer_marks_the_longest_listed_names() {
        let t = WordTable::new(&lexicon());
        let words = ["John", "flew", "to", "New", "York", "City", "and", "Paris"];
        let mut p = prepare(&words);
        p.gazetteer(&words, &t);
        let loc1: Vec<u8> = p.gaz.iter().map(|g| g[0]).collect();
        let loc2: Vec<u8> = p.gaz.iter().map(|g| g[1]).collect();
        let first: Vec<u8> = p.gaz.iter().map(|g| g[2]).collect();
        // 1 begin, 2 inside, 3 last, 4 a one-word name.
        assert_eq!(loc1, [0, 0, 0, 1, 3, 0, 0, 4]);
        assert_eq!(loc2, [0, 0, 0, 1, 2, 3, 0, 0]);
        assert_eq!(first, [4, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn bio_tags_become_bilou_and_back() {
        // B-PER I-PER I-PER O B-LOC B-LOC I-LOC O I-ORG (IOB1-style start)
        let bio = [1, 2, 2, 0, 5, 5, 6, 0, 4];
        let model = to_model(&bio);
        let parts: Vec<(usize, usize)> = model.iter().map(|&t| type_part(t)).collect();
        assert_eq!(
            parts,
            [
                (1, 0),
                (1, 1),
                (1, 2),
                (0, 0),
                (3, 3),
                (3, 0),
                (3, 2),
                (0, 0),
                (2, 2)
            ]
        );
        let back: Vec<usize> = model.iter().map(|&t| to_bio(t)).collect();
        assert_eq!(spans(&back), spans(&bio));
    }

    #[test]
    fn names_continue_only_their_own_type_but_may_stop_early() {
        let [b_per, i_per, l_per, u_per] = [1, 2, 3, 4];
        let i_org = 6;
        assert!(allowed(b_per, i_per) && allowed(i_per, l_per));
        assert!(
            !allowed(b_per, i_org),
            "a person does not go on as an organisation"
        );
        assert!(!allowed(0, i_per) && !allowed(u_per, l_per) && !allowed(START, i_per));
        // Left open where the tagger cannot go on: O or a new name.
        assert!(allowed(b_per, 0) && allowed(i_per, u_per));
    }

    #[test]
    fn history_keeps_the_most_frequent_type_per_word() {
        let sentences = [["Ford", "said"], ["Ford", "rose"]];
        let doc = DocCase::new(&sentences);
        let (_, ford) = doc.of(lower_hash("ford"));
        let mut h = History::new(&doc);
        assert_eq!(h.of(ford), *b"n");
        // Model (BILOU) tags from BIO ones: U-ORG, U-PER and L-ORG.
        let tags = to_model(&[3, 1, 0, 3, 4]);
        h.record(ford, tags[0]);
        h.record(ford, tags[1]);
        h.record(ford, tags[4]);
        assert_eq!(h.of(ford), *b"2", "ORG, twice");
        assert_eq!(h.of(u32::MAX), *b"n", "a word not in the document");
    }

    #[test]
    fn the_mean_of_models_averages_their_weights() {
        let data = read_conll("Smith I-PER\nsaid O\n\nParis I-LOC\nrose O\n");
        let models = [1, 3].map(|seed| Perceptron::train(&data, lexicon(), 3, seed, |_, _| {}));
        let m = Perceptron::mean(&models);
        let [a, b] = &models;
        for (f, w) in &m.weights {
            let get = |p: &Perceptron| p.weights.get(f).copied().unwrap_or([0.0; N]);
            let (wa, wb) = (get(a), get(b));
            for (t, v) in w.iter().enumerate() {
                assert!((v - (wa[t] + wb[t]) / 2.0).abs() < 1e-6);
            }
        }
        assert_eq!(
            m.len(),
            a.weights
                .keys()
                .chain(b.weights.keys())
                .collect::<std::collections::HashSet<_>>()
                .len()
        );
    }

    #[test]
    fn learns_a_toy_pattern_and_round_trips_through_save() {
        let mut data = Vec::new();
        for name in ["Smith", "Jones", "Brown", "Wilson", "Taylor"] {
            for verb in ["said", "spoke", "left"] {
                data.extend(read_conll(&format!(
                    "Mr O\n{name} I-PER\n{verb} O\nin O\nParis I-LOC\n. O\n"
                )));
            }
        }
        // Each sentence its own article, as the tagger will see it.
        for (k, s) in data.iter_mut().enumerate() {
            s.doc = k;
        }
        let lex = Lexicon {
            caps: capitalisation_table(["The man Taylor said that Taylor left"].into_iter()),
            clusters: [("Taylor", (3, 1)), ("Paris", (5, 2))]
                .into_iter()
                .map(|(w, c)| (w.to_string(), c))
                .collect(),
            gazetteer: [("paris".to_string(), 1)].into_iter().collect(),
        };
        let model = Perceptron::train(&data, lex, 5, 7, |_, _| {});
        let words: Vec<String> = ["Mr", "Taylor", "left", "in", "Paris", "."]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let tags = model.tag(&words);
        assert_eq!(spans(&tags), [(1, 2, "PER"), (4, 5, "LOC")]);
        let mut buf = Vec::new();
        model.save(&mut buf, 0.0).unwrap();
        let back = Perceptron::load(&buf[..]).unwrap();
        assert_eq!(back.tag(&words), tags);
        assert_eq!(back.lex.clusters, model.lex.clusters);
        assert_eq!(back.lex.caps, model.lex.caps);
        assert_eq!(back.lex.gazetteer, model.lex.gazetteer);
        assert!(Perceptron::load(&b"nonsense"[..]).is_err());
        // A bias towards O: none changes nothing; a large one leaves no
        // name; and it survives saving.
        assert_eq!(model.with_outside_bias(0.0).tag(&words), tags);
        let shy = model.with_outside_bias(1e6);
        assert!(spans(&shy.tag(&words)).is_empty());
        let mut buf = Vec::new();
        shy.save(&mut buf, 0.0).unwrap();
        assert!(spans(&Perceptron::load(&buf[..]).unwrap().tag(&words)).is_empty());
        assert!(spans(&back.with_outside_bias(1e6).tag(&words)).is_empty());
        assert_eq!(back.with_outside_bias(0.0).tag(&words), tags);
    }
}
