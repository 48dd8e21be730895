//! Where sentences end: shared by title extraction and the entity tagger, so
//! both agree that "U.S." or "Mr." does not end a sentence.

/// Abbreviations that are followed by a dot without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "sen", "rep", "col", "lt", "gov", "prof", "inc",
    "corp", "co", "ltd", "no", "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "mt", "ft", "capt", "sgt", "adm", "maj", "rev", "hon", "messrs",
];

/// True when `word` followed by a dot is an abbreviation, not a sentence end:
/// an initial ("J."), a dotted form ("U.S"), or a known short form ("Mr").
pub fn is_abbreviation(word: &str) -> bool {
    let w = word.trim_end_matches('.');
    let mut chars = w.chars();
    let single_initial = matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase());
    single_initial || w.contains('.') || ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(w))
}

#[cfg(test)]
mod tests {
    use super::is_abbreviation;

    #[test]
    fn abbreviations_and_sentence_ends() {
        for w in ["U.S", "U.S.", "Mr", "J", "Sept", "Inc."] {
            assert!(is_abbreviation(w), "{w}");
        }
        for w in ["Kim", "said", "Putin", "oil", "UK"] {
            assert!(!is_abbreviation(w), "{w}");
        }
    }
}
