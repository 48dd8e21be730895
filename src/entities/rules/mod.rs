//! A rule-based extractor: gazetteer matches first, then runs of capitalised
//! words classified by cues (titles before people, suffixes of organisations,
//! acronyms). It is fast and predictable, and good enough for facets on news
//! text until a trained tagger replaces it.

use rustc_hash::FxHashMap;

use super::{EntityExtractor, EntityKind, Mention};
mod lists;
mod tokens;

use lists::*;
pub(crate) use lists::{is_demonym, is_never_alone, is_place_word, STOP as STOP_WORDS};
pub(crate) use tokens::with_lower;
use tokens::{is_acronym, is_cap, rule_tokens, word_spans, Token};

/// Rule-based [`EntityExtractor`]. Construction builds the gazetteer index;
/// build it once and share it.
pub struct RuleExtractor {
    /// First word (lower-cased) -> candidate entries, longest first.
    gazetteer: FxHashMap<String, Vec<GazEntry>>,
}

struct GazEntry {
    words: Vec<String>,
    kind: EntityKind,
    canonical: &'static str,
}

fn parse_gazetteer(spec: &'static str, kind: EntityKind, into: &mut FxHashMap<String, Vec<GazEntry>>) {
    for item in spec.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let (aliases, canonical) = match item.split_once("=>") {
            Some((a, c)) => (a.trim(), c.trim()),
            None => (item, item),
        };
        let mut all: Vec<&str> = aliases.split('|').map(str::trim).collect();
        // "The Wall Street Journal" is found as "Wall Street Journal": no
        // listed name starts at every "The".
        if !canonical.starts_with("The ") {
            all.push(canonical);
        }
        for alias in all {
            let words: Vec<String> = word_spans(alias)
                .iter()
                .map(|&(s, e)| alias[s..e].to_lowercase())
                .collect();
            if words.is_empty() {
                continue;
            }
            let list = into.entry(words[0].clone()).or_default();
            if !list.iter().any(|e| e.words == words) {
                list.push(GazEntry {
                    words,
                    kind,
                    canonical,
                });
            }
        }
    }
}

impl Default for RuleExtractor {
    fn default() -> Self {
        Self::new()
    }
}

impl RuleExtractor {
    /// The extractor with its built-in word lists.
    pub fn new() -> RuleExtractor {
        let mut gazetteer = FxHashMap::default();
        parse_gazetteer(PLACES, EntityKind::Place, &mut gazetteer);
        parse_gazetteer(ORGS, EntityKind::Org, &mut gazetteer);
        for list in gazetteer.values_mut() {
            list.sort_by_key(|e| std::cmp::Reverse(e.words.len()));
        }
        RuleExtractor { gazetteer }
    }

    /// Words in the longest gazetteer name that may start at this token, as
    /// the tagger splits text (0 if none may). ("U.S." here is "U.S" to
    /// the rules' own tokenizer.) Lets the tagger look for listed names only
    /// where one may start, and only as far as it may go.
    pub fn longest_name_from(&self, token: &str) -> usize {
        let words = |w: &str| {
            with_lower(w, |l| {
                self.gazetteer
                    .get(l)
                    .and_then(|e| e.first())
                    .map(|e| e.words.len())
            })
        };
        if !is_cap(token) {
            return 0;
        }
        words(token)
            .or_else(|| words(token.trim_end_matches('.')))
            .unwrap_or(0)
    }

    /// What the gazetteer knows of `name`: its kind and its one spelling
    /// ("U.S." -> place "United States").
    pub fn lookup(&self, name: &str) -> Option<(EntityKind, &'static str)> {
        let spans = word_spans(name);
        let &(s, e) = spans.first()?;
        // Most names are not listed: rule them out before lower-casing all.
        let entries = with_lower(&name[s..e], |l| self.gazetteer.get(l))?;
        let words: Vec<String> = spans.iter().map(|&(s, e)| name[s..e].to_lowercase()).collect();
        entries
            .iter()
            .find(|e| e.words == words)
            .map(|e| (e.kind, e.canonical))
    }

    /// The gazetteer's longest name at the very start of `text`, if any.
    pub fn gazetteer_mention_at(&self, text: &str) -> Option<Mention> {
        let toks = rule_tokens(text);
        let (e, n) = self.gazetteer_match(&toks, 0)?;
        Some(Mention {
            kind: e.kind,
            name: e.canonical.to_string(),
            start: toks[0].start,
            end: toks[n - 1].end,
        })
    }

    /// Longest gazetteer entry starting at token `i`, as (entry, token count).
    fn gazetteer_match(&self, toks: &[Token<'_>], i: usize) -> Option<(&GazEntry, usize)> {
        let first = toks[i].text;
        if !is_cap(first) {
            return None;
        }
        let entries = with_lower(first, |l| self.gazetteer.get(l))?;
        'entry: for e in entries {
            if i + e.words.len() > toks.len() {
                continue;
            }
            for (k, w) in e.words.iter().enumerate() {
                let t = &toks[i + k];
                if k > 0 && (t.broken || toks[i + k - 1].possessive && k < e.words.len()) {
                    // Possessives inside names ("People's Republic") are fine
                    // only when the alias itself has them.
                    if t.broken || !e.words[k - 1].contains('\'') {
                        continue 'entry;
                    }
                }
                let raw = toks[i + k].text;
                // Compare "People's" with the raw text, including "'s".
                let suffix = if toks[i + k].possessive && k + 1 < e.words.len() {
                    "'s"
                } else {
                    ""
                };
                if !spells(&[raw, suffix], true, w) && !spells(&[raw], false, w) {
                    continue 'entry;
                }
                if k > 0 && !is_cap(raw) && !matches!(w.as_str(), "of" | "the" | "and" | "de") {
                    continue 'entry;
                }
            }
            // An acronym alias must be written in capitals ("US", not "us").
            if e.words.len() == 1 && e.words[0].len() <= 3 && !is_acronym(first) {
                continue;
            }
            return Some((e, e.words.len()));
        }
        None
    }
}

impl EntityExtractor for RuleExtractor {
    fn extract(&self, text: &str) -> Vec<Mention> {
        let toks = rule_tokens(text);
        let mut mentions: Vec<Mention> = Vec::new();
        let mut spans: Vec<(usize, usize)> = Vec::new(); // unresolved capitalised runs
        let mut i = 0;
        while i < toks.len() {
            if let Some((e, n)) = self.gazetteer_match(&toks, i) {
                mentions.push(Mention {
                    kind: e.kind,
                    name: e.canonical.to_string(),
                    start: toks[i].start,
                    end: toks[i + n - 1].end,
                });
                i += n;
                continue;
            }
            if !is_cap(toks[i].text) {
                i += 1;
                continue;
            }
            // A run of capitalised words, allowing "of" inside.
            let mut j = i + 1;
            while j < toks.len() && !toks[j].broken && !toks[j - 1].possessive {
                let w = toks[j].text;
                if is_cap(w) && self.gazetteer_match(&toks, j).is_none() {
                    j += 1;
                } else if matches!(w, "of" | "de" | "al" | "bin" | "van" | "von")
                    && j + 1 < toks.len()
                    && is_cap(toks[j + 1].text)
                    && !toks[j + 1].broken
                {
                    j += 2;
                } else {
                    break;
                }
            }
            spans.push((i, j));
            i = j;
        }

        for &(s, e) in &spans {
            if let Some(m) = classify(&toks[s..e]) {
                mentions.push(m);
            }
        }

        // Second pass: lone words that repeat part of a person's name.
        let person_words: Vec<String> = mentions
            .iter()
            .filter(|m| m.kind == EntityKind::Person)
            .flat_map(|m| m.name.split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .collect();
        for &(s, e) in &spans {
            if e - s == 1 && person_words.iter().any(|w| w == toks[s].text) {
                let already = mentions.iter().any(|m| m.start == toks[s].start);
                if !already {
                    mentions.push(Mention {
                        kind: EntityKind::Person,
                        name: toks[s].text.to_string(),
                        start: toks[s].start,
                        end: toks[s].end,
                    });
                }
            }
        }
        mentions.sort_by_key(|m| m.start);
        mentions
    }
}

/// Decides what a capitalised run is, if anything.
fn classify(run: &[Token<'_>]) -> Option<Mention> {
    let lower: Vec<String> = run.iter().map(|t| t.text.to_lowercase()).collect();
    if run.iter().any(|t| t.ticker) {
        return None;
    }
    // A shouted word opening a paragraph before a comma is a wire dateline.
    if run.len() == 1
        && run[0].dateline
        && run[0].text.chars().count() > 2
        && !STOP.contains(&lower[0].as_str())
    {
        return Some(Mention {
            kind: EntityKind::Place,
            name: title_case(run[0].text),
            start: run[0].start,
            end: run[0].end,
        });
    }
    let mut s = 0;
    while s < run.len() && (STOP.contains(&lower[s].as_str()) || DEMONYMS.contains(&lower[s].as_str())) {
        s += 1;
    }
    let core = &run[s..];
    let core_lower = &lower[s..];
    let last = core_lower.last().map(String::as_str).unwrap_or("");
    if core.len() >= 2 && ORG_SUFFIXES.contains(&last) {
        return Some(span(core, EntityKind::Org));
    }
    let mut titled = false;
    while s < run.len() {
        let w = lower[s].as_str();
        if TITLES.contains(&w) {
            titled = true;
        } else if !(MODIFIERS.contains(&w) || STOP.contains(&w) || DEMONYMS.contains(&w)) {
            break;
        }
        s += 1;
    }
    let rest = &run[s..];
    let rest_lower = &lower[s..];
    if rest.is_empty()
        || rest_lower
            .iter()
            .any(|w| STOP.contains(&w.as_str()) || ORG_SUFFIXES.contains(&w.as_str()))
    {
        return None;
    }
    if rest.len() == 1 && is_acronym(rest[0].text) {
        return Some(span(rest, EntityKind::Org));
    }
    if rest.iter().all(|t| !t.text.chars().any(char::is_lowercase)) {
        // Shouted text (tables, headlines) gives no capitalisation signal.
        return None;
    }
    let has_first_name = FIRST_NAMES.contains(&rest_lower[0].as_str());
    if (2..=4).contains(&rest.len()) && (titled || has_first_name) {
        return Some(span(rest, EntityKind::Person));
    }
    if rest.len() == 1 && titled && !rest[0].sentence_start {
        return Some(span(rest, EntityKind::Person));
    }
    None
}

fn span(toks: &[Token<'_>], kind: EntityKind) -> Mention {
    Mention {
        kind,
        name: toks.iter().map(|t| t.text).collect::<Vec<_>>().join(" "),
        start: toks[0].start,
        end: toks[toks.len() - 1].end,
    }
}

fn title_case(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    for (i, c) in w.chars().enumerate() {
        if i == 0 {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Whether `parts` joined and lower-cased (with ’ read as ' when
/// `apostrophes`) are `w`: the same as comparing `to_lowercase()`'s result,
/// without allocating it for each word of each candidate name.
fn spells(parts: &[&str], apostrophes: bool, w: &str) -> bool {
    // A capital sigma lower-cases by its place in the word: leave that to
    // the standard library.
    if parts.iter().any(|p| p.contains('Σ')) {
        let lower = parts.concat().to_lowercase();
        return if apostrophes {
            lower.replace('’', "'") == w
        } else {
            lower == w
        };
    }
    let mut want = w.chars();
    for c in parts.iter().flat_map(|p| p.chars()).flat_map(char::to_lowercase) {
        let c = if apostrophes && c == '’' { '\'' } else { c };
        if want.next() != Some(c) {
            return false;
        }
    }
    want.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::Entities;

    #[test]
    fn spells_is_lower_casing_without_allocating() {
        let reference = |parts: &[&str], apostrophes: bool, w: &str| {
            let lower = parts.concat().to_lowercase();
            (if apostrophes {
                lower.replace('’', "'")
            } else {
                lower
            }) == w
        };
        let words = [
            "people's",
            "people’s",
            "people",
            "peoples",
            "İstanbul",
            "i̇stanbul",
            "ΟΔΟΣ",
            "οδος",
            "οδοσ",
            "",
        ];
        let parts: [&[&str]; 7] = [
            &["People", "'s"],
            &["PEOPLE’s"],
            &["People"],
            &["İstanbul"],
            &["ΟΔΟΣ"],
            &["People", ""],
            &[""],
        ];
        for p in parts {
            for w in words {
                for a in [true, false] {
                    assert_eq!(spells(p, a, w), reference(p, a, w), "{p:?} {a} {w}");
                }
            }
        }
    }

    #[test]
    fn listed_names_start_at_the_tagger_s_tokens() {
        let r = RuleExtractor::new();
        assert!(
            r.longest_name_from("U.S.") > 0,
            "the tagger keeps the final period"
        );
        assert!(r.longest_name_from("New") >= 2 && r.longest_name_from("KCNA") == 1);
        assert_eq!(r.longest_name_from("new"), 0, "only capitalised words");
        assert_eq!(r.longest_name_from("The"), 0);
        let m = r
            .gazetteer_mention_at("New York Stock Exchange shares rose")
            .unwrap();
        assert_eq!(
            (m.name.as_str(), m.start, m.end),
            ("New York Stock Exchange", 0, 23)
        );
        assert!(
            r.gazetteer_mention_at("Shares of New York").is_none(),
            "only at the start"
        );
    }

    fn entities(text: &str) -> Entities {
        Entities::from_mentions(&RuleExtractor::new().extract(text))
    }

    #[test]
    fn words_keep_abbreviations_and_possessives() {
        let text = "The U.S. and Japan's Mr. Abe met.";
        let words: Vec<&str> = word_spans(text).iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(words, vec!["The", "U.S.", "and", "Japan's", "Mr.", "Abe", "met"]);
    }

    #[test]
    fn seed_like_text() {
        let e = entities(
            "North Korea fired missiles as Kim Jong un is poised to meet Russian President \
             Vladimir Putin. Japan's Chief Cabinet Secretary Hirokazu Matsuno spoke in Beijing, \
             reported Reuters news agency. Putin met Kim. Kim Jong Un said so, KCNA said. \
             The Kremlin said the Democratic People's Republic of Korea was welcome on Wednesday.",
        );
        assert_eq!(
            e.person[..3],
            ["Kim Jong Un", "Vladimir Putin", "Hirokazu Matsuno"]
        );
        assert!(e.place.contains(&"North Korea".to_string()), "{e:?}");
        assert!(e.place.contains(&"Japan".to_string()));
        assert!(e.place.contains(&"Beijing".to_string()));
        assert!(!e.place.contains(&"South Korea".to_string()), "{e:?}");
        for org in ["Reuters", "Korean Central News Agency", "Moscow Kremlin"] {
            assert!(e.org.contains(&org.to_string()), "{org} missing: {e:?}");
        }
        let all = [e.person, e.org, e.place].concat();
        assert!(!all.iter().any(|n| n == "Wednesday" || n == "The"), "{all:?}");
    }

    #[test]
    fn aliases_give_one_spelling() {
        let e =
            entities("Officials in the U.S. and the United States agreed with Russian Federation envoys.");
        assert_eq!(e.place, vec!["United States", "Russia"]);
    }
}
