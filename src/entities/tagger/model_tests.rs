//! Tests of the tagger's parts, with training (feature `train`) at hand to
//! make toy models.

use super::document::{DocCase, History};
use super::features::*;
use super::lexicon::*;
use super::model::*;
use super::tags::*;
use crate::entities::train::{capitalisation_table, evaluate, read_conll};

#[test]
fn iob1_becomes_bio_and_spans_are_exact() {
    let s = &read_conll("EU I-ORG\nrejects O\nPeter I-PER\nBlackburn I-PER\nJohn B-PER\n\n-DOCSTART- O\n")[0];
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
        gazetteer: read_gazetteer("LOC1\tParis\nLOC1\tNew York\nLOC2\tNew York City\nFIRST\tJohn\n").unwrap(),
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
