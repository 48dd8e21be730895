//! The parts of a wire story that are not the story: credit lines
//! ("Reporting by …; Editing by …", "By …", "… contributed to this report"),
//! the dateline ("RIYADH (Reuters) -", "SALVADOR, Feb 26 -") with its agency
//! credit, and ticker codes ("( XOM.N )", "<IMO.A>", ".DJI"). Read once per
//! article, so that the tagger sees only the story (with the same byte
//! offsets: the rest is blanked out) and the article gets its authors,
//! dateline place, agency and tickers as fields of their own.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// What [`Anatomy::read`] found in a text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Anatomy {
    /// People credited with the story, in the order named.
    pub authors: Vec<String>,
    /// The dateline's place, title-cased ("New York" for "NEW YORK").
    pub dateline: Option<String>,
    /// Where the dateline's place is written.
    pub dateline_span: Option<Range<usize>>,
    /// The agency the dateline credits ("Reuters").
    pub agency: Option<String>,
    /// Ticker codes, without their brackets, in text order, each once.
    pub tickers: Vec<String>,
    /// Byte offsets where a ticker's bracket (or code) starts: a name that
    /// ends right before one is a company's.
    pub ticker_starts: Vec<usize>,
    /// Byte ranges that are not the story (credit lines, the agency
    /// credit, tickers), sorted.
    pub blanked: Vec<Range<usize>>,
}

/// A parenthesised credit: "(Reporting by A and B; Editing by C)", also
/// with one level of nested brackets ("(… (Reuters Messaging: …))").
static CREDIT_PAREN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\((?:[^()]|\([^()]*\))*?\b(?i:additional reporting|reporting|writing|additional writing|editing|edited|compiled|compiling|written|research|graphics?)\s+by\b(?:[^()]|\([^()]*\))*\)",
    )
    .expect("valid regex")
});

/// A bare credit line closing a paragraph: "Reporting by A; Editing by B".
static CREDIT_BARE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)(?:^|[.!?\x22”]\s+)((?i:additional reporting|reporting|writing|editing|compiled|edited)\s+by\s+[A-Z][^\n]*)$",
    )
    .expect("valid regex")
});

/// A byline paragraph at the top: "By Jane Doe" (optionally ", Reuters").
static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^By ([A-Z][\w.'’-]*(?: (?:[A-Z][\w.'’-]*|van|von|de|del|der|la|al|bin)){0,4})(?:,[^\n]{0,40})?$")
        .expect("valid regex")
});

/// "Jane Doe and John Roe contributed to this report".
static CONTRIBUTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"((?:[A-Z][\w.'’-]+ ){1,3}[A-Z][\w.'’-]+(?:(?:,| and) (?:[A-Z][\w.'’-]+ ){1,3}[A-Z][\w.'’-]+)*)(?: in [A-Z][\w .]+?)? contributed (?:reporting )?to this (?:report|story)\.?",
    )
    .expect("valid regex")
});

/// "NEW YORK (Reuters) -" at the start of the body.
static DATELINE_AGENCY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^\s*(?:([A-Z][A-Z.'’ -]*[A-Z.])(?:/[A-Z][A-Z.'’ /-]*)?(, [A-Z][A-Za-z. ]+)?\s*)?(\((Reuters|AP|AFP|Reuters Life!|Reuters Legal|IFR|Bloomberg)[^)]{0,20}\))\s*[-–—]")
        .expect("valid regex")
});

/// "SALVADOR, Feb 26 -" at the start of the body (Reuters-21578).
static DATELINE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^\s*([A-Z][A-Z.'’ -]*[A-Z.]), (?:Jan|Feb|March|Mar|April|Apr|May|June|Jun|July|Jul|Aug|Sept|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}\s*[-–—]",
    )
    .expect("valid regex")
});

/// A bracketed ticker: "( XOM.N )", "(VOWG.DE)", "( .DJI )", "<IMO.A>",
/// "<MASY>", "(GM.N: Quote, Profile, Research)".
static TICKER_BRACKETED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[(<]\s*((?:[A-Z0-9]{1,7}[a-z]?\.[A-Z]{1,3}|\.[A-Z0-9]{2,12})(?:\s*,\s*(?:[A-Z0-9]{1,7}[a-z]?\.[A-Z]{1,3}|\.[A-Z0-9]{2,12}))*)(?:\s*:[^)>]{0,40})?\s*[)>]|<([A-Z]{2,6})>",
    )
    .expect("valid regex")
});

/// A code in running text: an index ("Stocks .DJI were flat") or a
/// company's code on a known exchange ("Sun Microsystems Inc JAVA.O,").
/// Codes of one letter are left to brackets: "U.N." is no ticker.
static TICKER_BARE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|\s)(\.[A-Z]{2,6}[A-Z0-9]{0,4}|[A-Z0-9]{2,7}[a-z]?\.(?:N|O|OQ|L|PA|DE|T|HK|KS|TO|AS|MI|VX|MC|SS|SZ|AX|MM|BO|NS|SI|TW|BR|ST|CO|HE|OL|SW|LS|MX|JK|BK|KL|TA|IS|WA|PK|OB))(?:[,;:)]|\.?\s|\.?$)",
    )
    .expect("valid regex")
});

/// Words of credit lines that name no person.
const NOT_NAMES: [&str; 6] = ["Reuters", "Staff", "Editors", "Messaging", "Team", "Bureau"];

impl Anatomy {
    /// Reads the credit lines, dateline and tickers of an article's text.
    pub fn read(text: &str) -> Anatomy {
        let mut a = Anatomy::default();
        // The dateline opens the story: the first paragraph, or the one
        // after a byline.
        let top = &text[..floor_char_boundary(text, 400)];
        if let Some(c) = DATELINE_AGENCY.captures(top) {
            // "NEW YORK/LONDON (Reuters)": the first city is the dateline's;
            // "CHARLOTTE, North Carolina" keeps its region.
            if let Some(place) = c.get(1) {
                let region = c.get(2).map_or("", |r| r.as_str().trim_end());
                a.dateline = Some(title_case(place.as_str()) + region);
                let end = c.get(2).map_or(place.end(), |r| r.start() + region.len());
                a.dateline_span = Some(place.start()..end);
            }
            a.agency = Some(agency_name(&c[4]));
            a.blanked.push(c.get(3).expect("group").range());
        } else if let Some(c) = DATELINE_DATE.captures(top) {
            a.dateline = Some(title_case(&c[1]));
            a.dateline_span = c.get(1).map(|m| m.range());
        }
        for m in CREDIT_PAREN.find_iter(text) {
            a.credit(
                text,
                m.range(),
                m.as_str().trim_start_matches('(').trim_end_matches(')'),
            );
        }
        for c in CREDIT_BARE.captures_iter(text) {
            let m = c.get(1).expect("group");
            if !a.is_blank(m.start()) {
                a.credit(text, m.range(), m.as_str());
            }
        }
        for c in BYLINE.captures_iter(text) {
            let m = c.get(0).expect("match");
            // Only near the top: a "By" paragraph deeper down is prose.
            if m.start() < 600 && !a.is_blank(m.start()) {
                a.add_author(&c[1]);
                a.blanked.push(m.range());
            }
        }
        for c in CONTRIBUTED.captures_iter(text) {
            let m = c.get(0).expect("match");
            if !a.is_blank(m.start()) {
                for name in split_names(&c[1]) {
                    a.add_author(name);
                }
                a.blanked.push(m.range());
            }
        }
        for c in TICKER_BRACKETED.captures_iter(text) {
            let m = c.get(0).expect("match");
            if a.is_blank(m.start()) {
                continue;
            }
            let codes = c.get(1).or(c.get(2)).expect("a group").as_str();
            for code in codes.split(',') {
                a.add_ticker(code.trim());
            }
            a.ticker_starts.push(m.start());
            a.blanked.push(m.range());
        }
        for c in TICKER_BARE.captures_iter(text) {
            let m = c.get(1).expect("group");
            if !a.is_blank(m.start()) {
                a.add_ticker(m.as_str());
                a.ticker_starts.push(m.start());
                a.blanked.push(m.range());
            }
        }
        a.blanked.sort_by_key(|r| (r.start, r.end));
        a.ticker_starts.sort_unstable();
        a
    }

    /// `text` (the text this was read from) with everything that is not the
    /// story replaced by spaces, so that offsets into it are offsets into
    /// `text`.
    pub fn story(&self, text: &str) -> String {
        let mut bytes = text.as_bytes().to_vec();
        for r in &self.blanked {
            for b in &mut bytes[r.clone()] {
                // A multi-byte character becomes as many spaces: still UTF-8.
                *b = b' ';
            }
        }
        String::from_utf8(bytes).expect("spaces over whole characters keep UTF-8")
    }

    /// Does a ticker follow `end` (with only spaces between)?
    pub fn ticker_after(&self, text: &str, end: usize) -> bool {
        let rest = &text[end.min(text.len())..];
        let gap = rest.len() - rest.trim_start_matches([' ', '\u{a0}']).len();
        self.ticker_starts.binary_search(&(end + gap)).is_ok()
    }

    fn is_blank(&self, at: usize) -> bool {
        self.blanked.iter().any(|r| r.contains(&at))
    }

    fn credit(&mut self, _text: &str, range: Range<usize>, inner: &str) {
        for part in inner.split([';', '\n']) {
            let part = part.trim();
            let lower = part.to_lowercase();
            let Some(at) = lower.find(" by ") else { continue };
            let role = &lower[..at];
            let credited = [
                "additional reporting",
                "reporting",
                "writing",
                "additional writing",
                "editing",
                "edited",
                "compiled",
                "compiling",
                "written",
                "research",
                "graphic",
                "graphics",
            ];
            if !credited.iter().any(|r| role.ends_with(r)) {
                continue;
            }
            for name in split_names(&part[at + 4..]) {
                self.add_author(name);
            }
        }
        self.blanked.push(range);
    }

    fn add_author(&mut self, name: &str) {
        // "Rakesh Sharma in Bangalore": the place is where they filed from.
        let name = name.split(" in ").next().unwrap_or(name);
        let name = name.trim_matches(|c: char| c.is_whitespace() || ",.;:()".contains(c));
        let words: Vec<&str> = name.split_whitespace().collect();
        let is_name = !words.is_empty()
            && words.len() <= 5
            && words[0].chars().next().is_some_and(char::is_uppercase)
            && !words.iter().any(|w| NOT_NAMES.contains(w) || w.contains('@'));
        let name = words.join(" ");
        if is_name && !self.authors.contains(&name) {
            self.authors.push(name);
        }
    }

    fn add_ticker(&mut self, code: &str) {
        if !code.is_empty() && !self.tickers.iter().any(|t| t == code) {
            self.tickers.push(code.to_string());
        }
    }
}

/// The largest char boundary of `s` at or below `at`.
fn floor_char_boundary(s: &str, at: usize) -> usize {
    let mut at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The names of a credit: "A, B and C" or "A & B".
fn split_names(s: &str) -> impl Iterator<Item = &str> {
    s.split([',', '&'])
        .flat_map(|p| p.split(" and "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

/// "NEW YORK" as "New York", "WASHINGTON D.C." as "Washington D.C.".
fn title_case(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            if w.contains('.') && w.len() <= 5 {
                return w.to_string();
            }
            let mut out = String::with_capacity(w.len());
            let mut first = true;
            for c in w.chars() {
                if first {
                    out.extend(c.to_uppercase());
                } else {
                    out.extend(c.to_lowercase());
                }
                first = matches!(c, '-' | '\'' | '’');
            }
            out
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The agency of a dateline credit ("Reuters Life!" is Reuters).
fn agency_name(credit: &str) -> String {
    if credit.starts_with("Reuters") {
        "Reuters".to_string()
    } else {
        credit.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "RIYADH (Reuters) - Saudi oil minister Ali al-Naimi said Exxon Mobil Corp ( XOM.N ) \
        and Chevron (CVX.N: Quote, Profile, Research) would bid. Stocks .DJI were flat.\n\n\
        Sun Microsystems Inc JAVA.O, the U.N. agency and BP said. He spoke in Riyadh. (Reporting by Rakesh Sharma in Bangalore and Jane Doe; Editing by Leslie Adler)";

    #[test]
    fn credits_dateline_agency_and_tickers_are_read() {
        let a = Anatomy::read(STORY);
        assert_eq!(a.authors, ["Rakesh Sharma", "Jane Doe", "Leslie Adler"]);
        assert_eq!(a.dateline.as_deref(), Some("Riyadh"));
        assert_eq!(a.agency.as_deref(), Some("Reuters"));
        assert_eq!(a.tickers, ["XOM.N", "CVX.N", ".DJI", "JAVA.O"]);
    }

    #[test]
    fn the_story_keeps_its_offsets_and_loses_the_rest() {
        let a = Anatomy::read(STORY);
        let story = a.story(STORY);
        assert_eq!(story.len(), STORY.len());
        for gone in [
            "Reuters",
            "XOM.N",
            "CVX.N",
            ".DJI",
            "JAVA.O",
            "Leslie Adler",
            "Bangalore",
            "Editing",
        ] {
            assert!(!story.contains(gone), "{gone} is still in {story:?}");
        }
        for kept in [
            "RIYADH",
            "Ali al-Naimi",
            "Exxon Mobil Corp",
            "Chevron",
            "the U.N. agency",
            "He spoke in Riyadh.",
        ] {
            assert!(story.contains(kept), "{kept} is gone from {story:?}");
        }
        let exxon_end = STORY.find("Corp").unwrap() + "Corp".len();
        assert!(a.ticker_after(STORY, exxon_end));
        assert!(!a.ticker_after(STORY, STORY.find("Saudi").unwrap() + 5));
    }

    #[test]
    fn bare_credit_lines_bylines_and_contributors_are_credits() {
        let text = "By Jane Doe\n\nLONDON, March 3 - Shares rose. \"We are pleased,\" he said.\n\n\
             John Roe and Mary Major contributed to this report.\n\nReporting by Tom Hals; editing by Dan Grebler";
        let a = Anatomy::read(text);
        assert_eq!(
            a.authors,
            ["Tom Hals", "Dan Grebler", "Jane Doe", "John Roe", "Mary Major"]
        );
        assert_eq!(a.dateline.as_deref(), Some("London"));
        assert_eq!(a.agency, None);
        let story = a.story(text);
        for gone in ["Jane Doe", "John Roe", "contributed", "Tom Hals", "Dan Grebler"] {
            assert!(!story.contains(gone), "{gone} is still in {story:?}");
        }
        assert!(story.contains("LONDON, March 3 - Shares rose."));
    }

    #[test]
    fn datelines_of_two_cities_a_region_or_none_credit_the_agency() {
        let a = Anatomy::read("NEW YORK/LONDON (Reuters) - Banks fell.");
        assert_eq!(
            (a.dateline.as_deref(), a.agency.as_deref()),
            (Some("New York"), Some("Reuters"))
        );
        let a = Anatomy::read("CHARLOTTE, North Carolina (Reuters) - Banks fell.");
        assert_eq!(a.dateline.as_deref(), Some("Charlotte, North Carolina"));
        let text = "Allion says\n\n(Reuters) - Allion Healthcare Inc. said.";
        let a = Anatomy::read(text);
        assert_eq!(
            (a.dateline.as_deref(), a.agency.as_deref()),
            (None, Some("Reuters"))
        );
        assert!(!a.story(text).contains("Reuters"));
    }

    #[test]
    fn prose_is_not_a_credit() {
        let text =
            "The plan was backed by Congress. Reporting by the press was thin, officials said in Washington.";
        let a = Anatomy::read(text);
        assert!(a.authors.is_empty(), "{:?}", a.authors);
        assert!(a.tickers.is_empty());
        assert_eq!(a.story(text), text);
    }
}
