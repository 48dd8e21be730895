//! The trained tagger as an [`EntityExtractor`]: text is split into
//! sentences and CoNLL-style tokens (punctuation apart, "'s" apart, "U.S."
//! whole), tagged per document, and the spans mapped back to the text.
//! Names are then given one spelling: the alias table of the rule-based
//! extractor (U.S. -> United States), and acronyms defined in the text
//! ("… Republic of Korea (DPRK)") joined to their long form. A name of
//! several words found once also covers its other occurrences, where the
//! model split it.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;

pub(crate) mod document;
pub(crate) mod features;
mod format;
pub(crate) mod lexicon;
pub(crate) mod model;
#[cfg(all(test, feature = "train"))]
mod model_tests;
pub(crate) mod tags;
mod tokenize;
mod truecase;

use super::{EntityExtractor, EntityKind, Mention, RuleExtractor};
use crate::text::anatomy::Anatomy;
pub use lexicon::{read_gazetteer, Cluster, Lexicon, GAZ_LISTS, GAZ_WORDS};
pub use model::Perceptron;
pub use tags::{spans, tag_type, Sentence, TAGS};
pub use tokenize::{tokenize, Tok};

/// The model shipped with newsdex (trained by `examples/train_tagger.rs`).
const MODEL: &[u8] = include_bytes!("ner.bin");

/// Extracts entities with the trained perceptron.
#[derive(Clone)]
pub struct TaggerExtractor {
    /// Loaded at first use: a command that stops early (a second writer
    /// finding the index locked) does not pay for decoding the model.
    model: Arc<OnceLock<Perceptron>>,
    aliases: Arc<RuleExtractor>,
}

impl TaggerExtractor {
    /// The shipped model, loaded once per process and shared.
    pub fn shipped() -> TaggerExtractor {
        static SHARED: OnceLock<TaggerExtractor> = OnceLock::new();
        SHARED
            .get_or_init(|| TaggerExtractor {
                model: Arc::new(OnceLock::new()),
                aliases: Arc::new(RuleExtractor::new()),
            })
            .clone()
    }

    /// The underlying sequence model.
    pub fn model(&self) -> &Perceptron {
        // Only the shipped tagger is built without its model.
        self.model
            .get_or_init(|| Perceptron::load(MODEL).expect("the shipped model loads"))
    }

    /// A tagger of another model (a retrained one), with the shipped alias table.
    pub fn with_model(model: Perceptron) -> TaggerExtractor {
        TaggerExtractor {
            model: Arc::new(OnceLock::from(model)),
            aliases: Arc::new(RuleExtractor::new()),
        }
    }
}

/// First words of wire credit lines ("Editing by Jane Doe").
const CREDIT_WORDS: [&str; 8] = [
    "editing",
    "edited",
    "reporting",
    "additional",
    "writing",
    "written",
    "compiled",
    "graphics",
];

fn is_lowercase_word(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_lowercase)
}

/// A lower-case word that is not a particle of names ("al", "van", "de").
fn is_common_word(w: &str) -> bool {
    const PARTICLES: &[&str] = &[
        "al", "el", "bin", "ibn", "bint", "de", "da", "di", "del", "della", "der", "den", "du", "dos", "das",
        "la", "le", "van", "von", "ter", "zu",
    ];
    w.chars().all(char::is_lowercase) && !PARTICLES.contains(&w)
}

/// Other occurrences of the multi-word names in `mentions`: as written
/// where found, and as given (an acronym's long form), each with the kind
/// and name of its first mention. Matched token by token over `sentences`
/// (the text's tokens), starting only at capitalised words.
fn repeated_names(text: &str, sentences: &[Vec<Tok>], mentions: &[Mention]) -> Vec<Mention> {
    let mut names: Vec<(Vec<&str>, &Mention)> = Vec::new();
    for m in mentions {
        for written in [&text[m.start..m.end], m.name.as_str()] {
            // One run of letters and digits is one token: no need to
            // tokenize it (most mentions are one word).
            if written.chars().all(char::is_alphanumeric) {
                continue;
            }
            let words: Vec<&str> = tokenize(written)
                .concat()
                .into_iter()
                .map(|(a, b)| &written[a..b])
                .collect();
            let starts_upper = words.first().is_some_and(|w| w.starts_with(char::is_uppercase));
            if words.len() > 1 && starts_upper && !names.iter().any(|(n, _)| *n == words) {
                names.push((words, m));
            }
        }
    }
    let mut out = Vec::new();
    if names.is_empty() {
        return out;
    }
    // By first word, so that a long article with many names stays linear.
    let mut by_first: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (k, (words, _)) in names.iter().enumerate() {
        by_first.entry(words[0]).or_default().push(k);
    }
    for sent in sentences {
        for i in 0..sent.len() {
            let word = |j: usize| &text[sent[j].0..sent[j].1];
            let Some(candidates) = by_first.get(word(i)) else {
                continue;
            };
            for (words, m) in candidates.iter().map(|&k| &names[k]) {
                let end = i + words.len();
                if end <= sent.len() && words.iter().enumerate().all(|(k, w)| word(i + k) == *w) {
                    out.push(Mention {
                        kind: m.kind,
                        name: m.name.clone(),
                        start: sent[i].0,
                        end: sent[end - 1].1,
                    });
                }
            }
        }
    }
    out
}

fn kind_of(ty: &str) -> Option<EntityKind> {
    match ty {
        "PER" => Some(EntityKind::Person),
        "ORG" => Some(EntityKind::Org),
        "LOC" => Some(EntityKind::Place),
        _ => None,
    }
}

impl EntityExtractor for TaggerExtractor {
    fn is_heavy(&self) -> bool {
        true
    }

    fn extract(&self, text: &str) -> Vec<Mention> {
        self.extract_read(text, &Anatomy::read(text))
    }

    fn extract_read(&self, text: &str, anatomy: &Anatomy) -> Vec<Mention> {
        // Credit lines, the agency credit and tickers are not the story:
        // the model reads the text without them (at the same offsets).
        let story = anatomy.story(text);
        // A shouted headline or body is read with its capitals restored.
        let truecased = truecase::truecase(&story, &self.model().lex);
        let mut mentions = self.extract_story(truecased.as_deref().unwrap_or(&story), &story);
        let story = truecased.unwrap_or(story);
        // A name just before a ticker is a company's: "Exxon Mobil Corp ( XOM.N )".
        for m in &mut mentions {
            if anatomy.ticker_after(text, m.end) {
                m.kind = EntityKind::Org;
            }
        }
        let mut mentions = super::resolve::refine(&story, mentions, &self.aliases);
        // The dateline's places are places of the story, whatever the model
        // made of the capitals ("NEW YORK").
        if let (Some(place), Some(span)) = (&anatomy.dateline, &anatomy.dateline_span) {
            mentions.retain(|m| m.end <= span.start || m.start >= span.end);
            for name in super::resolve::dateline_places(place) {
                let (kind, name) = match self.aliases.lookup(&name) {
                    Some((kind, canonical)) => (kind, canonical.to_string()),
                    None => (EntityKind::Place, name),
                };
                mentions.push(Mention {
                    kind,
                    name,
                    start: span.start,
                    end: span.end,
                });
            }
            mentions.sort_by_key(|m| m.start);
        }
        mentions
    }
}

impl TaggerExtractor {
    /// The mentions the model and the post-processing find in `text`.
    /// `as_written` is `text` before its capitals were restored (the same
    /// byte offsets): listed names are matched there, whatever the case.
    fn extract_story(&self, text: &str, as_written: &str) -> Vec<Mention> {
        let sentences = tokenize(text);
        let words: Vec<Vec<&str>> = sentences
            .iter()
            .map(|s| s.iter().map(|&(a, b)| &text[a..b]).collect())
            .collect();
        let tags = self.model().tag_document(&words);
        let mut mentions = Vec::new();
        // Acronyms defined in the text: "Long Form (LF)".
        let mut acronyms: HashMap<String, (EntityKind, String)> = HashMap::new();
        for (s, sent) in sentences.iter().enumerate() {
            for (a, b, ty) in spans(&tags[s]) {
                let Some(kind) = kind_of(ty) else { continue };
                // A name does not end in a lower-case word: the model may
                // run one on ("Vostochny cosmodrome"); CoNLL has almost none.
                let tagged_end = b;
                let mut b = b;
                while b > a + 1 && is_lowercase_word(&text[sent[b - 1].0..sent[b - 1].1]) {
                    b -= 1;
                }
                // A person's name has no common word in it: a "person" run
                // on over one is a thing ("Vostochny cosmodrome", "Maybach
                // limousines", "Justice Department is").
                if kind == EntityKind::Person
                    && (b..tagged_end).any(|k| is_common_word(&text[sent[k].0..sent[k].1]))
                {
                    continue;
                }
                let (start, end) = (sent[a].0, sent[b - 1].1);
                let name = text[start..end].split_whitespace().collect::<Vec<_>>().join(" ");
                let paren = b + 2 < sent.len()
                    && &text[sent[b].0..sent[b].1] == "("
                    && &text[sent[b + 2].0..sent[b + 2].1] == ")";
                if paren {
                    let acr = &text[sent[b + 1].0..sent[b + 1].1];
                    if acr.len() >= 2 && acr.chars().all(|c| c.is_uppercase()) {
                        acronyms.insert(acr.to_string(), (kind, name.clone()));
                    }
                }
                mentions.push(Mention {
                    kind,
                    name,
                    start,
                    end,
                });
            }
        }
        for m in &mut mentions {
            if let Some((kind, long)) = acronyms.get(&m.name) {
                m.kind = *kind;
                m.name = long.clone();
            }
            // The alias table knows some names better than the model does.
            if let Some((kind, canonical)) = self.aliases.lookup(&m.name) {
                m.kind = kind;
                m.name = canonical.to_string();
            }
        }
        mentions.retain(|m| !super::rules::is_demonym(&m.name) && !super::rules::is_never_alone(&m.name));
        // Wire credit lines ("Editing by …", "Additional reporting by …")
        // start with a capitalised word that the model takes for a name.
        mentions.retain(|m| {
            let after = text[m.end..].trim_start();
            let credit = after.starts_with("by ") || after.starts_with("reporting by ");
            !(credit && CREDIT_WORDS.contains(&m.name.to_lowercase().as_str()))
        });
        // A lone word of a person's name is that person, whatever the model
        // said of it there ("Putin", "Kim").
        let person_words: Vec<String> = mentions
            .iter()
            .filter(|m| m.kind == EntityKind::Person && m.name.contains(' '))
            .flat_map(|m| {
                m.name
                    .split_whitespace()
                    .map(str::to_lowercase)
                    .collect::<Vec<_>>()
            })
            .collect();
        for m in &mut mentions {
            if !m.name.contains(' ') && person_words.contains(&m.name.to_lowercase()) {
                m.kind = EntityKind::Person;
            }
        }
        // Well-known names from the gazetteer: added where the model found
        // nothing, and in place of shorter spans inside them ("Republic of
        // Korea" inside "Democratic People's Republic of Korea"). Matched
        // only at words that start a listed name, each over the few words a
        // name can have, not over the whole sentence.
        let mut listed = Vec::new();
        for sent in &sentences {
            let mut covered = 0;
            for (k, &(a, b)) in sent.iter().enumerate() {
                // A listed name may start with a possessive ("People's
                // Bank of China"), which the tagger splits off.
                let possessive = sent
                    .get(k + 1)
                    .filter(|&&(c, d)| c == b && matches!(&text[c..d], "'s" | "'S" | "’s" | "’S"));
                let words = match (a < covered, possessive) {
                    (true, _) => 0,
                    (false, None) => self.aliases.longest_name_from(&as_written[a..b]),
                    (false, Some(&(_, d))) => self
                        .aliases
                        .longest_name_from(&as_written[a..b])
                        .max(self.aliases.longest_name_from(&as_written[a..d])),
                };
                if words == 0 {
                    continue;
                }
                // Twice the words: punctuation is tokens too ("People 's").
                let end = sent[(k + 2 * words + 1).min(sent.len()) - 1].1;
                if let Some(mut g) = self.aliases.gazetteer_mention_at(&as_written[a..end]) {
                    g.start += a;
                    g.end += a;
                    covered = g.end;
                    listed.push(g);
                }
            }
        }
        // A name of several words found once is the same name where it
        // occurs again but the model split it ("Workers' Party" and
        // "Korea" in a second "Workers' Party of Korea").
        listed.extend(repeated_names(text, &sentences, &mentions));
        super::resolve::cover(&mut mentions, listed);
        mentions
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::Entities;

    fn words(text: &str) -> Vec<Vec<&str>> {
        tokenize(text)
            .iter()
            .map(|s| s.iter().map(|&(a, b)| &text[a..b]).collect())
            .collect()
    }

    #[test]
    fn conll_style_tokens_and_sentences() {
        assert_eq!(
            words("Japan's U.S. envoy, Mr. Smith, said \"no\". Then he left.\n\nNew paragraph"),
            vec![
                vec!["Japan", "'s", "U.S.", "envoy", ",", "Mr.", "Smith", ",", "said", "\"", "no", "\"", "."],
                vec!["Then", "he", "left", "."],
                vec!["New", "paragraph"],
            ]
        );
        assert_eq!(
            words("rock'n'roll don't DPRK-Russia"),
            vec![vec!["rock'n'roll", "don't", "DPRK", "-", "Russia"]]
        );
    }

    #[test]
    fn the_shipped_model_finds_the_seed_entities() {
        let seed = include_str!("../../../corpus/000_6e74873c9db6a563.txt");
        let e = Entities::from_mentions(&TaggerExtractor::shipped().extract(seed));
        for p in ["Kim Jong Un", "Vladimir Putin", "Hirokazu Matsuno"] {
            assert!(e.person.iter().any(|x| x == p), "{p} not in {:?}", e.person);
        }
        for p in ["North Korea", "Russia", "Japan", "Ukraine", "Seoul", "Beijing"] {
            assert!(e.place.iter().any(|x| x == p), "{p} not in {:?}", e.place);
        }
        for o in ["Korean Central News Agency", "NHK", "Reuters"] {
            assert!(e.org.iter().any(|x| x == o), "{o} not in {:?}", e.org);
        }
        let all = [e.person.clone(), e.org.clone(), e.place.clone()].concat();
        let credits = TaggerExtractor::shipped()
            .extract("Prices rose.\n\nEditing by John Smith; Additional reporting by Jane Doe");
        let names: Vec<&str> = credits.iter().map(|m| m.name.as_str()).collect();
        // Credit lines are not the story: their journalists are authors,
        // not people of the article.
        assert!(names.is_empty(), "{names:?}");
        for junk in ["The", "Wednesday", "Sept"] {
            assert!(!all.iter().any(|n| n == junk), "{junk} in {all:?}");
        }
        // The model runs "Vostochny" on over "cosmodrome"; names are cut
        // back to their last capitalised word.
        let last_lower = |n: &String| n.split(' ').next_back().is_some_and(is_lowercase_word);
        assert!(!all.iter().any(last_lower), "{all:?}");
        // The second "Workers' Party of Korea" is split by the model; the
        // name found first (as WPK's long form) covers it again.
        assert!(
            !e.org.iter().any(|o| o == "Workers' Party") && !e.place.iter().any(|p| p == "Korea"),
            "{e:?}"
        );
    }

    #[test]
    fn a_person_run_on_over_a_common_word_is_not_a_person() {
        // The model tags "Vostochny cosmodrome" PER: a person's name has no
        // common noun in it. Particles of names keep theirs.
        let seed = include_str!("../../../corpus/000_6e74873c9db6a563.txt");
        let e = Entities::from_mentions(&TaggerExtractor::shipped().extract(seed));
        assert_eq!(e.person, ["Kim Jong Un", "Vladimir Putin", "Hirokazu Matsuno"]);
        assert!(is_common_word("cosmodrome") && is_common_word("limousines"));
        for particle in ["al", "van", "de", "deMario"] {
            assert!(!is_common_word(particle), "{particle}");
        }
    }

    #[test]
    fn listed_names_may_start_with_a_possessive() {
        let names: Vec<String> = TaggerExtractor::shipped()
            .extract("SHANGHAI - THE PEOPLE'S BANK OF CHINA CUT RATES ON FRIDAY.")
            .into_iter()
            .map(|m| m.name)
            .collect();
        assert!(names.iter().any(|n| n == "People's Bank of China"), "{names:?}");
    }

    #[test]
    fn rating_agencies_are_one_organisation() {
        // From Reuters-21578: after a dateline the model calls "Poor" a
        // person; the alias table knows the name and its spellings.
        let text = "NEW YORK, March 13 - Standard and Poor's Corp said it cut the debt. \
                    S&P and Moody's Investors Service said more.";
        let e = Entities::from_mentions(&TaggerExtractor::shipped().extract(text));
        assert!(e.person.is_empty(), "{:?}", e.person);
        assert_eq!(e.org, ["Standard & Poor's", "Moody's"]);
    }

    #[test]
    fn names_found_once_cover_their_other_occurrences() {
        let text = "The WPK met. The Workers' Party of Korea and the Workers' Party of Koreans.";
        let wpk = Mention {
            kind: EntityKind::Org,
            name: "Workers' Party of Korea".into(),
            start: 4,
            end: 7,
        };
        let found = repeated_names(text, &tokenize(text), &[wpk]);
        let at: Vec<(&str, &str)> = found
            .iter()
            .map(|m| (&text[m.start..m.end], m.name.as_str()))
            .collect();
        // Only whole words ("Koreans" is not "Korea").
        assert_eq!(at, [("Workers' Party of Korea", "Workers' Party of Korea")]);
        assert_eq!(found[0].kind, EntityKind::Org);
    }

    #[test]
    fn company_suffixes_are_never_names_alone() {
        // From Reuters-21578: the model splits this name and calls "Inc" a
        // person.
        let text = "LOS ANGELES, March 26 - Americanture Inc said it has purchased American Adventure Inc \
                    <GOAQC> for cash.";
        let names: Vec<String> = TaggerExtractor::shipped()
            .extract(text)
            .into_iter()
            .map(|m| m.name)
            .collect();
        assert!(names.iter().any(|n| n == "Americanture Inc"), "{names:?}");
        assert!(!names.iter().any(|n| n == "Inc"), "{names:?}");
    }
}
