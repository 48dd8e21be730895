//! The rule-based extractor's tokens: words with inner dots, apostrophes and
//! hyphens, each knowing what precedes it (a sentence start, a break, a
//! ticker's brackets, a dateline).

use crate::text::sentences::is_abbreviation;

#[derive(Debug)]
pub(crate) struct Token<'a> {
    pub(crate) text: &'a str,
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// Something other than spaces (punctuation, a line break) precedes it.
    pub(crate) broken: bool,
    pub(crate) sentence_start: bool,
    pub(crate) possessive: bool,
    /// Inside `<...>`: a stock ticker in wire copy.
    pub(crate) ticker: bool,
    /// First word of a paragraph, in capitals, followed by a comma.
    pub(crate) dateline: bool,
}

/// Calls `f` with `w` lower-cased, without allocating for short ASCII
/// words (nearly all words looked up).
pub(crate) fn with_lower<R>(w: &str, f: impl FnOnce(&str) -> R) -> R {
    let mut buf = [0u8; 32];
    if w.len() <= buf.len() && w.is_ascii() {
        let b = &mut buf[..w.len()];
        b.copy_from_slice(w.as_bytes());
        b.make_ascii_lowercase();
        f(std::str::from_utf8(b).expect("ASCII stays UTF-8"))
    } else {
        f(&w.to_lowercase())
    }
}

/// Byte spans of the words of `text`. A word is letters and digits, with
/// inner dots ("U.S."), apostrophes and hyphens; a trailing dot is kept when
/// the word is an initial or abbreviation like "U.S." or "Mr.".
pub(crate) fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !c.is_alphanumeric() {
            continue;
        }
        let start = i;
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = chars.peek() {
            if d.is_alphanumeric() {
                end = j + d.len_utf8();
                chars.next();
            } else if matches!(d, '.' | '\'' | '’' | '-' | '&') {
                // Joiners stay inside a word only when a letter follows them.
                let next = text[j + d.len_utf8()..].chars().next();
                match next {
                    Some(n) if n.is_alphanumeric() && !(d == '-' && n.is_uppercase()) => {
                        chars.next();
                    }
                    _ => break,
                }
            } else {
                break;
            }
        }
        // Abbreviation dot: "U.S." or "Mr.".
        if end < bytes.len() && bytes[end] == b'.' && is_abbreviation(&text[start..end]) {
            end += 1;
            while chars.next_if(|&(j, _)| j < end).is_some() {}
        }
        out.push((start, end));
    }
    out
}

pub(crate) fn rule_tokens(text: &str) -> Vec<Token<'_>> {
    let mut out: Vec<Token<'_>> = Vec::new();
    let mut prev_end = 0;
    for (start, end) in word_spans(text) {
        let gap = &text[prev_end..start];
        let first = out.is_empty();
        let broken = first || gap.chars().any(|c| !c.is_whitespace() || c == '\n');
        let prev_ends_sentence = out
            .last()
            .map(|t: &Token<'_>| t.text.ends_with('.') && t.text.len() > 3)
            .unwrap_or(false);
        let sentence_start =
            first || gap.contains(['.', '!', '?', '\n', '"', '“', '‘', ':']) || prev_ends_sentence;
        let mut text_w = &text[start..end];
        let mut possessive = false;
        for suf in ["'s", "’s", "'", "’"] {
            if text_w.len() > suf.len() && text_w.ends_with(suf) {
                if suf.len() <= 1 || suf == "’" {
                    // Plural possessive ("Workers'") stays part of a name.
                    break;
                }
                text_w = &text_w[..text_w.len() - suf.len()];
                possessive = true;
                break;
            }
        }
        let para_start = first || gap.contains("\n\n");
        let dateline = para_start && text[end..].starts_with(',') && !text_w.chars().any(char::is_lowercase);
        out.push(Token {
            text: text_w,
            start,
            end: start + text_w.len(),
            broken,
            sentence_start,
            possessive,
            ticker: gap.ends_with('<'),
            dateline,
        });
        prev_end = end;
    }
    out
}

pub(crate) fn is_cap(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

pub(crate) fn is_acronym(w: &str) -> bool {
    let letters: Vec<char> = w.chars().filter(|c| *c != '.').collect();
    (2..=6).contains(&letters.len()) && letters.iter().all(|c| c.is_ascii_uppercase())
}
