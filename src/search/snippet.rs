//! Snippets: the passage of an article that best matches the query, with the
//! matched terms located for highlighting.
//!
//! Matching runs the field's own analyzer over the stored text, so a stemmed
//! query term ("missil") highlights every surface form ("missiles"). The
//! passage is the window of at most `max_chars` that covers the most
//! distinct query terms (rarer terms weigh more), widened to start at a
//! sentence when one begins close enough before it.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tantivy::tokenizer::TextAnalyzer;

/// A passage and the byte ranges of `text` to highlight.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Snippet {
    pub text: String,
    pub highlights: Vec<[usize; 2]>,
}

/// Builds snippets for one query.
#[derive(Clone)]
pub struct Highlighter {
    /// The body analyzer without its stemmer: words, lower-cased.
    scan: TextAnalyzer,
    /// The stemmer alone, run only on words that may match.
    stem: TextAnalyzer,
    /// First letters of the terms and prefixes: stemming keeps a word's
    /// first letter, so other words cannot match and are not stemmed.
    initials: Vec<char>,
    /// Analysed term -> weight (higher for rarer terms).
    weights: HashMap<String, f32>,
    /// Prefix queries (`missil*`): analysed tokens starting with one match.
    prefixes: Vec<String>,
    /// Fuzzy queries (`kremlin~1`): analysed term and edit distance.
    fuzzy: Vec<(String, u8)>,
    max_chars: usize,
}

#[derive(Clone, Copy)]
struct Match {
    start: usize,
    end: usize,
    term: usize,
    weight: f32,
}

impl Highlighter {
    /// `scan` and `stem` together must be the field's analyzer (see
    /// [`crate::index::schema::text_analyzer_parts`]).
    pub fn new(
        scan: TextAnalyzer,
        stem: TextAnalyzer,
        weights: HashMap<String, f32>,
        max_chars: usize,
    ) -> Self {
        let initials = weights.keys().filter_map(|k| k.chars().next()).collect();
        Highlighter {
            scan,
            stem,
            initials,
            weights,
            prefixes: Vec::new(),
            fuzzy: Vec::new(),
            max_chars: max_chars.max(20),
        }
    }

    /// Also highlights tokens that start with one of `prefixes`, or are
    /// within the given edit distance of a fuzzy term.
    pub fn with_patterns(mut self, prefixes: Vec<String>, fuzzy: Vec<(String, u8)>) -> Self {
        self.initials
            .extend(prefixes.iter().filter_map(|p| p.chars().next()));
        self.prefixes = prefixes;
        self.fuzzy = fuzzy;
        self
    }

    fn pattern_match(&self, token: &str) -> bool {
        self.prefixes.iter().any(|p| token.starts_with(p.as_str()))
            || self
                .fuzzy
                .iter()
                .any(|(t, d)| strsim::osa_distance(t, token) <= *d as usize)
    }

    fn find(&self, text: &str) -> Vec<Match> {
        let mut scan = self.scan.clone();
        let mut stem = self.stem.clone();
        let mut stream = scan.token_stream(text);
        let mut ids: HashMap<&str, usize> = HashMap::new();
        let mut out = Vec::new();
        let every_word = !self.fuzzy.is_empty();
        let mut stemmed = String::new();
        while stream.advance() {
            let t = stream.token();
            let first = t.text.chars().next();
            if !every_word && !first.is_some_and(|c| self.initials.contains(&c)) {
                continue;
            }
            stemmed.clear();
            let mut one = stem.token_stream(&t.text);
            if one.advance() {
                stemmed.push_str(&one.token().text);
            }
            if let Some((key, &w)) = self.weights.get_key_value(stemmed.as_str()) {
                let next = ids.len();
                let term = *ids.entry(key.as_str()).or_insert(next);
                out.push(Match {
                    start: t.offset_from,
                    end: t.offset_to,
                    term,
                    weight: w,
                });
            } else if (!self.prefixes.is_empty() || !self.fuzzy.is_empty()) && self.pattern_match(&stemmed) {
                // Every expansion of a pattern counts as one term.
                out.push(Match {
                    start: t.offset_from,
                    end: t.offset_to,
                    term: usize::MAX,
                    weight: 1.0,
                });
            }
        }
        out
    }

    /// The best passage of `text`; the lead of the text, without
    /// highlights, when no query term occurs in it.
    pub fn snippet(&self, text: &str) -> Snippet {
        self.snippets(text, 1)
    }

    /// Up to `fragments` passages of `text`, best matches first chosen, shown
    /// in text order and joined by " … ".
    pub fn snippets(&self, text: &str, fragments: usize) -> Snippet {
        let mut matches = self.find(text);
        if matches.is_empty() {
            return render(text, 0, cut_at_word(text, 0, self.max_chars), &matches);
        }
        let mut passages: Vec<(usize, usize)> = Vec::new();
        let mut left: Vec<&Match> = matches.iter().collect();
        while passages.len() < fragments.max(1) && !left.is_empty() {
            let owned: Vec<Match> = left.iter().map(|m| **m).collect();
            let (ws, we) = best_window(&owned, self.max_chars);
            let slack = self.max_chars.saturating_sub(we - ws);
            let start = passage_start(text, ws, (slack / 2).max(self.max_chars / 3));
            let end = cut_at_word(text, start, self.max_chars).max(we);
            // Later passages may not overlap earlier ones.
            if passages.iter().any(|&(s, e)| start < e && s < end) {
                break;
            }
            passages.push((start, end));
            left.retain(|m| m.end <= start || m.start >= end);
        }
        passages.sort_unstable();
        matches.retain(|m| passages.iter().any(|&(s, e)| m.start >= s && m.end <= e));
        let mut out = Snippet::default();
        for (i, &(s, e)) in passages.iter().enumerate() {
            let mut part = render(text, s, e, &matches);
            if i > 0 {
                if let Some(rest) = part.text.strip_prefix('…') {
                    let cut = part.text.len() - rest.len();
                    part.text = rest.to_string();
                    for h in &mut part.highlights {
                        h[0] -= cut;
                        h[1] -= cut;
                    }
                }
                if let Some(t) = out.text.strip_suffix('…') {
                    out.text.truncate(t.len());
                }
                out.text.push_str(" … ");
            }
            let base = out.text.len();
            out.highlights
                .extend(part.highlights.iter().map(|h| [h[0] + base, h[1] + base]));
            out.text.push_str(&part.text);
        }
        out
    }
}

impl Highlighter {
    /// The whole of `text` as escaped HTML with `<mark>` around query
    /// words, whitespace kept; and how many words were marked.
    pub fn mark_all(&self, text: &str) -> (String, usize) {
        let matches = self.find(text);
        let mut out = String::with_capacity(text.len() + 16 * matches.len());
        let mut at = 0;
        for m in &matches {
            if m.start < at {
                continue;
            }
            escape_into(&text[at..m.start], &mut out);
            out.push_str("<mark>");
            escape_into(&text[m.start..m.end], &mut out);
            out.push_str("</mark>");
            at = m.end;
        }
        escape_into(&text[at..], &mut out);
        (out, matches.len())
    }
}

impl Snippet {
    /// The snippet as HTML: text escaped, highlights in `<mark>`.
    pub fn to_html(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + 16 * self.highlights.len());
        let mut at = 0;
        for &[s, e] in &self.highlights {
            if s < at || e > self.text.len() {
                continue;
            }
            escape_into(&self.text[at..s], &mut out);
            out.push_str("<mark>");
            escape_into(&self.text[s..e], &mut out);
            out.push_str("</mark>");
            at = e;
        }
        escape_into(&self.text[at..], &mut out);
        out
    }
}

fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// The byte range, from the first to the last match, of the highest scoring
/// run of matches that fits in `max_chars`.
fn best_window(matches: &[Match], max_chars: usize) -> (usize, usize) {
    let mut best = (f32::MIN, 0, 0);
    let limit = matches.len().min(2_000);
    for i in 0..limit {
        let mut seen: Vec<usize> = Vec::new();
        let mut score = 0.0;
        let mut j = i;
        while j < limit && matches[j].end - matches[i].start <= max_chars {
            let m = &matches[j];
            if seen.contains(&m.term) {
                score += m.weight * 0.1;
            } else {
                seen.push(m.term);
                score += m.weight;
            }
            j += 1;
        }
        if j == i {
            j = i + 1; // a single match longer than the window
        }
        if score > best.0 {
            best = (score, matches[i].start, matches[j - 1].end);
        }
    }
    (best.1, best.2)
}

/// Start of the passage: the beginning of the sentence holding `pos` when it
/// is within `slack` bytes before it, else a word boundary up to `slack/2`
/// bytes before it.
fn passage_start(text: &str, pos: usize, slack: usize) -> usize {
    let from = floor_boundary(text, pos.saturating_sub(slack));
    let before = &text[from..pos];
    let sentence = before
        .rmatch_indices(['.', '!', '?', '\n'])
        .map(|(i, _)| from + i + 1)
        .find(|&i| text[i..].starts_with(char::is_whitespace));
    if let Some(i) = sentence {
        return i + (text[i..].len() - text[i..].trim_start().len());
    }
    if from == 0 {
        return 0;
    }
    let near = floor_boundary(text, pos.saturating_sub(slack / 2));
    match text[near..pos].find(char::is_whitespace) {
        Some(i) => near + i + 1,
        None => pos,
    }
}

/// End of a passage of at most `max_chars` bytes from `start`, at a word
/// boundary (or the end of the text).
fn cut_at_word(text: &str, start: usize, max_chars: usize) -> usize {
    let limit = start + max_chars;
    if limit >= text.len() {
        return text.len();
    }
    let limit = floor_boundary(text, limit);
    if text[limit..].starts_with(char::is_whitespace) {
        return limit;
    }
    match text[start..limit].rfind(char::is_whitespace) {
        Some(i) if i > 0 => start + i,
        _ => limit,
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Copies `text[start..end]` with whitespace runs folded to one space and
/// "…" where the passage cuts the text, mapping match offsets as it goes.
fn render(text: &str, start: usize, end: usize, matches: &[Match]) -> Snippet {
    let mut out = String::with_capacity(end - start + 8);
    let ends_sentence = text[..start].trim_end().ends_with(['.', '!', '?']);
    if start > 0 && !ends_sentence {
        out.push('…');
    }
    let mut highlights = Vec::new();
    let mut ms = matches
        .iter()
        .filter(|m| m.start >= start && m.end <= end)
        .peekable();
    let mut open: Option<(usize, usize)> = None; // (output start, source end)
    let mut in_space = false;
    for (i, c) in text[start..end].char_indices() {
        let i = start + i;
        if let Some((o, e)) = open {
            if i >= e {
                highlights.push([o, out.len()]);
                open = None;
            }
        }
        if open.is_none() {
            if let Some(m) = ms.peek() {
                if m.start == i {
                    open = Some((out.len(), m.end));
                    ms.next();
                }
            }
        }
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    if let Some((o, _)) = open {
        highlights.push([o, out.len()]);
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    if end < text.len() {
        out.push('…');
    }
    Snippet {
        text: out,
        highlights,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn highlighter(terms: &[&str], max: usize) -> Highlighter {
        let (scan, stem) = crate::index::schema::text_analyzer_parts();
        let weights = terms.iter().map(|t| (t.to_string(), 1.0)).collect();
        Highlighter::new(scan, stem, weights, max)
    }

    fn marked(s: &Snippet) -> Vec<&str> {
        s.highlights.iter().map(|&[a, b]| &s.text[a..b]).collect()
    }

    #[test]
    fn mark_all_keeps_the_whole_text_and_escapes_it() {
        let h = highlighter(&["missil"], 40);
        let (html, n) = h.mark_all("A <b> missile.\n\nMissiles again & again.");
        assert_eq!(n, 2);
        assert_eq!(
            html,
            "A &lt;b&gt; <mark>missile</mark>.\n\n<mark>Missiles</mark> again &amp; again."
        );
    }

    #[test]
    fn highlights_stemmed_forms() {
        let h = highlighter(&["missil", "ballist"], 200);
        let s = h.snippet("North Korea fired ballistic missiles.\n\nJapan protested.");
        assert_eq!(marked(&s), vec!["ballistic", "missiles"]);
        assert_eq!(s.text, "North Korea fired ballistic missiles. Japan protested.");
    }

    #[test]
    fn picks_the_passage_with_most_terms_and_starts_at_a_sentence() {
        let text = format!(
            "Oil fell. {} Then crude oil prices rose sharply on Monday. {}",
            "Filler words here. ".repeat(20),
            "More filler text. ".repeat(20)
        );
        let h = highlighter(&["crude", "oil"], 80);
        let s = h.snippet(&text);
        assert!(s.text.starts_with("Then crude oil"), "{}", s.text);
        assert!(s.text.ends_with('…'));
        assert_eq!(marked(&s), vec!["crude", "oil"]);
    }

    #[test]
    fn no_match_gives_the_lead_without_highlights() {
        let h = highlighter(&["zebra"], 30);
        let s = h.snippet("The quick brown fox jumps over the lazy dog again and again");
        assert_eq!(s.text, "The quick brown fox jumps over…");
        assert!(s.highlights.is_empty());
    }

    #[test]
    fn offsets_are_char_boundaries_in_non_ascii_text() {
        let h = highlighter(&["françoi"], 25);
        let text = "Les «élections» de François Hollande — ça, c’est la fin; François again!";
        let s = h.snippet(text);
        for [a, b] in &s.highlights {
            assert!(s.text.is_char_boundary(*a) && s.text.is_char_boundary(*b));
        }
        assert!(marked(&s).iter().all(|m| *m == "François"), "{s:?}");
    }
}
