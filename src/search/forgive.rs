//! Forgiving search: spellings from the archive's own words for a query
//! word it lacks or rarely uses (as Meilisearch and Recoll do), an
//! unmatched quote read as a plain character, and, for a search that
//! matches nothing, how many articles each filter's removal would give.

use std::collections::HashMap;
use std::sync::OnceLock;

use levenshtein_automata::{Distance, LevenshteinAutomatonBuilder, DFA};
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, TantivyDocument, Term};

use crate::error::{Error, Result};
use crate::index::schema;
use crate::index::NewsIndex;
use crate::query::{self, Ast, QueryField, TermKind};
use crate::search::hits::first_text;
use crate::search::response::Suggestion;

/// A word in at most this many articles is rare enough to get a spelling.
const RARE: u64 = 2;
/// A suggestion must be in at least this many articles, and in this many
/// times as many as the word typed.
const MIN_ARTICLES: u64 = 3;
const TIMES_MORE: u64 = 10;
/// Most words of one query looked up.
const MAX_WORDS: usize = 8;

/// The query with an unmatched quote read as a plain character, and a note
/// saying so; `None` when the query parses as it is or fails otherwise.
pub(crate) fn literal_quote(text: &str) -> Option<(String, String)> {
    let err = match query::parse(text) {
        Ok(_) => return None,
        Err(e) => e,
    };
    if err.message != "unclosed quote" {
        return None;
    }
    let at = err.column - 1;
    let fixed: String = text
        .chars()
        .enumerate()
        .map(|(i, c)| if i == at { ' ' } else { c })
        .collect();
    query::parse(&fixed).ok()?;
    let note = format!(
        "the quote at column {} has no partner, so it was ignored",
        err.column
    );
    Some((fixed, note))
}

/// Plain words of a query that look in title and body: not under a NOT,
/// not prefixes or fuzzy terms, not names.
fn words(ast: &Ast, out: &mut Vec<String>) {
    match ast {
        Ast::Term {
            field: None | Some(QueryField::Title | QueryField::Body),
            text,
            kind: TermKind::Exact,
            ..
        } => out.push(text.clone()),
        Ast::Phrase {
            field: None | Some(QueryField::Title | QueryField::Body),
            text,
            ..
        } => out.extend(text.split_whitespace().map(str::to_string)),
        Ast::And(v) | Ast::Or(v) => v.iter().for_each(|a| words(a, out)),
        _ => {}
    }
}

/// The analysed form of one word (lower-cased, stemmed), as the body indexes it.
fn analysed(word: &str, scan: &mut TextAnalyzer, stem: &mut TextAnalyzer) -> Option<String> {
    let mut s = scan.token_stream(word);
    if !s.advance() {
        return None;
    }
    let lower = s.token().text.clone();
    if s.advance() {
        return None; // "U.S." and the like: more than one token
    }
    let mut st = stem.token_stream(&lower);
    st.advance().then(|| st.token().text.clone())
}

/// The edit distance allowed for a word of this many letters.
fn distance(letters: usize) -> u8 {
    match letters {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

fn builder(d: u8) -> &'static LevenshteinAutomatonBuilder {
    static ONE: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    static TWO: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    let cell = if d == 1 { &ONE } else { &TWO };
    cell.get_or_init(|| LevenshteinAutomatonBuilder::new(d, true))
}

/// A Levenshtein DFA as an automaton over the term dictionary.
struct Within(DFA);

impl tantivy_fst::Automaton for Within {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// Articles with `term` in the body, over every segment.
fn doc_freq(index: &NewsIndex, searcher: &Searcher, term: &str) -> Result<u64> {
    searcher
        .doc_freq(&Term::from_field_text(index.fields().body, term))
        .map_err(Error::tantivy(index.path()))
}

/// Body terms within `d` edits of `term`, with their document frequencies.
fn neighbours(index: &NewsIndex, searcher: &Searcher, term: &str, d: u8) -> Result<HashMap<String, u64>> {
    let mut found: HashMap<String, u64> = HashMap::new();
    let field = index.fields().body;
    for segment in searcher.segment_readers() {
        let inverted = segment
            .inverted_index(field)
            .map_err(Error::tantivy(index.path()))?;
        let dfa = Within(builder(d).build_dfa(term));
        let mut stream = inverted
            .terms()
            .search(dfa)
            .into_stream()
            .map_err(|e| Error::tantivy(index.path())(e.into()))?;
        while stream.advance() {
            let Ok(key) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            *found.entry(key.to_string()).or_default() += stream.value().doc_freq as u64;
        }
    }
    Ok(found)
}

/// How the index writes the word whose analysed form is `term`: its first
/// occurrence in an article that has it, in the case the user typed when
/// that was lower case.
fn surface(index: &NewsIndex, searcher: &Searcher, term: &str, typed: &str) -> Result<String> {
    let f = index.fields();
    let q = TermQuery::new(Term::from_field_text(f.body, term), IndexRecordOption::Basic);
    let top = searcher
        .search(&q, &TopDocs::with_limit(1).order_by_score())
        .map_err(Error::tantivy(index.path()))?;
    let (mut scan, mut stem) = schema::text_analyzer_parts();
    if let Some((_, addr)) = top.first() {
        let doc: TantivyDocument = searcher.doc(*addr).map_err(Error::tantivy(index.path()))?;
        let body = first_text(&doc, f.body);
        let mut tokens = scan.token_stream(body);
        while tokens.advance() {
            let t = tokens.token();
            let mut st = stem.token_stream(&t.text);
            if st.advance() && st.token().text == term {
                let written = &body[t.offset_from..t.offset_to];
                let lower_typed = !typed.chars().any(char::is_uppercase);
                let shouting = !written.chars().any(char::is_lowercase);
                return Ok(if lower_typed || shouting {
                    written.to_lowercase()
                } else {
                    written.to_string()
                });
            }
        }
    }
    Ok(term.to_string())
}

/// Spellings for the words of `text` that the archive lacks or rarely uses.
pub(crate) fn suggest(index: &NewsIndex, searcher: &Searcher, text: &str) -> Result<Vec<Suggestion>> {
    let Ok(ast) = query::parse(text) else {
        return Ok(Vec::new());
    };
    let mut ws = Vec::new();
    words(&ast, &mut ws);
    let (mut scan, mut stem) = schema::text_analyzer_parts();
    let mut out: Vec<Suggestion> = Vec::new();
    for word in ws.into_iter().take(MAX_WORDS) {
        if out.iter().any(|s| s.word.eq_ignore_ascii_case(&word)) {
            continue;
        }
        let Some(term) = analysed(&word, &mut scan, &mut stem) else {
            continue;
        };
        let d = distance(term.chars().count());
        if d == 0 || term.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let own = doc_freq(index, searcher, &term)?;
        if own > RARE {
            continue;
        }
        let floor = MIN_ARTICLES.max(own * TIMES_MORE);
        let best = neighbours(index, searcher, &term, d)?
            .into_iter()
            .filter(|(t, n)| *n >= floor && t != &term)
            .map(|(t, n)| (rank(&t, &term, n), n, t))
            .min();
        if let Some((_, n, t)) = best {
            out.push(Suggestion {
                suggestion: surface(index, searcher, &t, &word)?,
                word,
                articles: n,
            });
        }
    }
    Ok(out)
}

/// Closest first: fewest edits, then the same first letter (a misspelling
/// rarely starts wrong: "goverment" is "government", not "over"), then the
/// longest shared beginning, then the most articles.
fn rank(
    candidate: &str,
    term: &str,
    articles: u64,
) -> (usize, bool, std::cmp::Reverse<usize>, std::cmp::Reverse<u64>) {
    let shared = candidate
        .chars()
        .zip(term.chars())
        .take_while(|(a, b)| a == b)
        .count();
    (
        strsim::osa_distance(candidate, term),
        shared == 0,
        std::cmp::Reverse(shared),
        std::cmp::Reverse(articles),
    )
}

/// `text` with each suggested word replaced by its spelling (whole words,
/// any case).
pub(crate) fn corrected(text: &str, spelling: &[Suggestion]) -> Option<String> {
    if spelling.is_empty() {
        return None;
    }
    let mut out = text.to_string();
    for s in spelling {
        let pattern = format!(r"(?i)\b{}\b", regex::escape(&s.word));
        let re = regex::Regex::new(&pattern).ok()?;
        out = re.replace_all(&out, regex::NoExpand(&s.suggestion)).into_owned();
    }
    (out != text).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unmatched_quote_is_read_as_a_space_with_a_note() {
        let (fixed, note) = literal_quote("oil prices\"").expect("fixed");
        assert_eq!(fixed, "oil prices ");
        assert!(note.contains("column 11"), "{note}");
        assert!(
            literal_quote("\"oil prices\"").is_none(),
            "a closed phrase is left alone"
        );
        assert!(literal_quote("oil)").is_none(), "other errors stay errors");
    }

    #[test]
    fn words_leave_out_negated_names_and_patterns() {
        let ast = query::parse("gadhafi \"oil price\" -libya person:x missil* kremlin~1").unwrap();
        let mut ws = Vec::new();
        words(&ast, &mut ws);
        assert_eq!(ws, ["gadhafi", "oil", "price"]);
    }

    #[test]
    fn corrections_replace_whole_words_in_any_case() {
        let s = vec![Suggestion {
            word: "Gadhafi".into(),
            suggestion: "Gaddafi".into(),
            articles: 22,
        }];
        assert_eq!(
            corrected("gadhafi libya gadhafis", &s).as_deref(),
            Some("Gaddafi libya gadhafis")
        );
        assert_eq!(corrected("libya", &s), None);
    }

    #[test]
    fn candidates_that_keep_the_first_letters_rank_first() {
        let mut c = [("over", 10_568), ("govern", 8_000)].map(|(t, n)| (rank(t, "gover", n), t));
        c.sort();
        assert_eq!(c[0].1, "govern");
        let mut c = [("gaddafi", 22), ("qaddafi", 900)].map(|(t, n)| (rank(t, "gadafi", n), t));
        c.sort();
        assert_eq!(c[0].1, "gaddafi");
    }

    #[test]
    fn the_allowed_distance_grows_with_the_word() {
        assert_eq!(distance(3), 0);
        assert_eq!(distance(6), 1);
        assert_eq!(distance(9), 2);
    }
}
