//! The tag scheme: BIO tags as the tagger reads and returns them, the BILOU
//! tags the model predicts inside, which tag may follow which, and entity
//! spans of a tag sequence (cf. spaCy's `training/iob_utils.py`).

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
pub(crate) const N: usize = 17;
/// Tag index of "no previous tag" (sentence start), only used in features.
pub(crate) const START: usize = N;

#[cfg(feature = "train")]
pub(crate) fn tag_index(tag: &str) -> Option<usize> {
    TAGS.iter().position(|t| *t == tag)
}

/// Entity type of a tag index (`None` for O).
pub fn tag_type(t: usize) -> Option<&'static str> {
    (t > 0).then(|| &TAGS[t][2..])
}

pub(crate) fn is_begin(t: usize) -> bool {
    t > 0 && t % 2 == 1
}

/// A model tag's type (1 to 4, 0 for O) and part (0 Begin, 1 Inside,
/// 2 Last, 3 Unit).
pub(crate) fn type_part(t: usize) -> (usize, usize) {
    if t == 0 || t >= N {
        (0, 0)
    } else {
        ((t - 1) / 4 + 1, (t - 1) % 4)
    }
}

/// Does model tag `t` leave a name open (Begin or Inside)?
pub(crate) fn opens(t: usize) -> bool {
    let (ty, part) = type_part(t);
    ty > 0 && part < 2
}

/// May model tag `t` follow `prev`? A name is continued (Inside, Last)
/// only by its own type, and only while open. An open name may also be
/// left unclosed, where the tagger sees it cannot go on ("Vostochny
/// cosmodrome"): forcing it on would run it over the words that follow.
pub(crate) fn allowed(prev: usize, t: usize) -> bool {
    let (ty, part) = type_part(t);
    if t == 0 || part == 0 || part == 3 {
        return true;
    }
    opens(prev) && ty == type_part(prev).0
}

/// BIO tags as model tags.
#[cfg(feature = "train")]
pub(crate) fn to_model(tags: &[usize]) -> Vec<usize> {
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
pub(crate) fn to_bio(t: usize) -> usize {
    match type_part(t) {
        (0, _) => 0,
        (ty, 0 | 3) => 2 * ty - 1,
        (ty, _) => 2 * ty,
    }
}

/// A sentence of tokens, with gold tags when read from CoNLL data.
#[derive(Clone, Debug, Default)]
pub struct Sentence {
    /// The tokens.
    pub words: Vec<String>,
    /// Gold tags as [`TAGS`] indices (empty when tagging unlabelled text).
    pub tags: Vec<usize>,
    /// Number of the document (article) the sentence belongs to.
    pub doc: usize,
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
