//! Capitals restored to shouted text ("U.S. TREASURY'S BAKER SAYS DOLLAR
//! FALLS"), so that the model, which learnt names from their capitals, can
//! read it: each word of an all-capitals line is written as running text
//! writes it, by the lexicon's capitalisation prior (how often the word is
//! capitalised inside sentences of the Reuters corpora) and the forms the
//! clusters saw ("IBM", "OPEC" stay in capitals). Only ASCII words change,
//! and only their case, so every byte offset stays where it was.

use super::lexicon::Lexicon;

/// The text with its shouted lines truecased, or `None` when it has none.
pub(crate) fn truecase(text: &str, lex: &Lexicon) -> Option<String> {
    // Shouted: most words in capitals (a dateline's "April 7" aside).
    let shouted = |line: &str| {
        let (mut caps, mut words) = (0, 0);
        for w in line
            .split_whitespace()
            .filter(|w| w.chars().filter(char::is_ascii_alphabetic).count() >= 2)
        {
            words += 1;
            if !w.chars().any(char::is_lowercase) {
                caps += 1;
            }
        }
        caps >= 2 && caps * 5 >= words * 4
    };
    if !text.split('\n').any(shouted) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if shouted(line) {
            truecase_line(line, lex, &mut out);
        } else {
            out.push_str(line);
        }
    }
    Some(out)
}

fn truecase_line(line: &str, lex: &Lexicon, out: &mut String) {
    let mut sentence_start = true;
    let mut rest = line;
    while !rest.is_empty() {
        let word_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '\'' | '&')))
            .unwrap_or(rest.len());
        if word_len == 0 {
            let c = rest.chars().next().expect("not empty");
            out.push(c);
            if matches!(c, '-' | ':' | ';' | '"') {
                sentence_start = true;
            }
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let (w, after) = rest.split_at(word_len);
        if w.chars().any(char::is_lowercase) {
            out.push_str(w);
        } else {
            out.push_str(&case_of(w, lex, sentence_start));
        }
        let bare = w.trim_end_matches('.');
        sentence_start = w.ends_with('.') && bare.len() > 3 && !bare.contains('.');
        rest = after;
    }
}

/// How running text writes the shouted word `w`.
fn case_of(w: &str, lex: &Lexicon, sentence_start: bool) -> String {
    if !w.chars().any(|c| c.is_ascii_alphabetic()) {
        return w.to_string();
    }
    let lower = w.to_ascii_lowercase();
    let title = || {
        let mut t = lower.clone();
        if let Some(first) = t.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        t
    };
    // Acronyms and dotted abbreviations seen as written: "IBM", "U.S.".
    let key = lower.trim_end_matches(['.', '\'']);
    let seen_caps = lex.clusters.contains_key(w) && !lex.clusters.contains_key(&title());
    if seen_caps || w.trim_end_matches('.').contains('.') {
        return w.to_string();
    }
    match lex.caps.get(key) {
        Some(&b) if b <= 2 => {
            if sentence_start {
                title()
            } else {
                lower
            }
        }
        _ => title(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> Lexicon {
        let mut l = Lexicon::default();
        for (w, b) in [
            ("says", 0),
            ("dollar", 1),
            ("falls", 0),
            ("treasury", 4),
            ("baker", 3),
            ("the", 0),
        ] {
            l.caps.insert(w.to_string(), b);
        }
        l.clusters.insert("IBM".into(), (1, 1));
        l
    }

    #[test]
    fn shouted_lines_are_written_as_running_text_and_keep_their_offsets() {
        let text = "U.S. TREASURY'S BAKER SAYS THE DOLLAR FALLS, IBM UP\n\nIt said so.";
        let t = truecase(text, &lex()).unwrap();
        assert_eq!(
            t,
            "U.S. Treasury's Baker says the dollar falls, IBM Up\n\nIt said so."
        );
        assert_eq!(t.len(), text.len());
        assert!(truecase("Prices rose.\n\nNo capitals here.", &lex()).is_none());
        let dateline = "WASHINGTON, April 7 - TREASURY SAYS THE DOLLAR FALLS";
        assert_eq!(
            truecase(dateline, &lex()).unwrap(),
            "Washington, April 7 - Treasury says the dollar falls"
        );
    }
}
