//! The tagger's tokenizer: sentences of CoNLL-style tokens (punctuation
//! apart, "'s" apart, "U.S." whole), as byte ranges of the text.

use crate::entities::rules::is_place_word;
use crate::text::sentences::is_abbreviation;

/// A token: byte range in the text.
pub type Tok = (usize, usize);

/// Whether a hyphen between `left` and the capitalised `right` joins two
/// names ("DPRK-Russia", "US-China", "Russia-Ukraine") rather than being
/// inside one ("McGraw-Hill", "Ritz-Carlton", "McEwen-King").
fn two_names(left: &str, right: &str) -> bool {
    let right = &right[..right.find(|c: char| !c.is_alphanumeric()).unwrap_or(right.len())];
    let acronym =
        |w: &str| w.chars().count() >= 2 && w.chars().all(|c| c.is_uppercase() || c.is_ascii_digit());
    acronym(left) || acronym(right) || is_place_word(left) || is_place_word(right)
}

/// Splits text into sentences of tokens.
pub fn tokenize(text: &str) -> Vec<Vec<Tok>> {
    let mut sentences: Vec<Vec<Tok>> = Vec::new();
    // Room for most sentences, so that each grows once at most (growing
    // from empty was a quarter of this function's cost).
    let room = text.len().min(48);
    let mut cur: Vec<Tok> = Vec::with_capacity(room);
    let bytes = text.as_bytes();
    let mut chars = text.char_indices().peekable();
    let mut last_end = 0;
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        // A blank line ends a sentence (paragraphs, headlines).
        if !cur.is_empty() && bytes[last_end..i].iter().filter(|&&b| b == b'\n').count() >= 2 {
            sentences.push(std::mem::replace(&mut cur, Vec::with_capacity(room)));
        }
        let mut end = i + c.len_utf8();
        if c.is_alphanumeric() {
            while let Some(&(j, d)) = chars.peek() {
                if d.is_alphanumeric() {
                    end = j + d.len_utf8();
                    chars.next();
                    continue;
                }
                // "I/B/E/S" and "AC/DC" are one word; "oil/gas" is two.
                let slash = d == '/'
                    && text[i..j].chars().last().is_some_and(char::is_uppercase)
                    && text[j + 1..].starts_with(char::is_uppercase);
                if slash {
                    end = j + 1;
                    chars.next();
                    continue;
                }
                if !matches!(d, '.' | '-' | '&' | '\'' | '’') {
                    break;
                }
                let next = text[j + d.len_utf8()..].chars().next();
                let joins = next.is_some_and(char::is_alphanumeric)
                    // "DPRK-Russia" is two names; "McGraw-Hill" is one.
                    && !(d == '-' && next.is_some_and(char::is_uppercase) && two_names(&text[i..j], &text[j + 1..]))
                    // "'s" is a token of its own, as in CoNLL.
                    && !(matches!(d, '\'' | '’') && matches!(next, Some('s' | 'S')) && !text[j + d.len_utf8() + 1..].starts_with(char::is_alphanumeric));
                if joins {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            // "U.S." and "Mr." keep their dot.
            if end < bytes.len() && bytes[end] == b'.' && is_abbreviation(&text[i..end]) {
                end += 1;
                chars.next();
            }
        } else if matches!(c, '\'' | '’')
            && text[end..].starts_with(['s', 'S'])
            && !text[end + 1..].starts_with(char::is_alphanumeric)
        {
            end += 1;
            chars.next();
        }
        cur.push((i, end));
        last_end = end;
        let tok = &text[i..end];
        let ends = matches!(tok, "." | "!" | "?");
        let next_upper = || {
            text[end..]
                .trim_start()
                .starts_with(|c: char| c.is_uppercase() || c == '"' || c == '“')
        };
        if ends && next_upper() {
            sentences.push(std::mem::replace(&mut cur, Vec::with_capacity(room)));
        }
    }
    if !cur.is_empty() {
        sentences.push(cur);
    }
    sentences
}
