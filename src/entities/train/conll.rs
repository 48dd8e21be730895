//! CoNLL-2003 columns (token first, NER tag last; IOB1 or BIO) read into
//! sentences with BIO tags (cf. spaCy's `conll_ner_to_docs.py`).

use crate::entities::tagger::tags::{tag_index, Sentence};

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

pub(crate) fn iob1_to_bio(raw: &[String]) -> Vec<usize> {
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
