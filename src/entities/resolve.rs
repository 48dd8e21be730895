//! Names as news writes them, made into entities within one article.
//!
//! A tagger reads spans of capitals; news wraps names in titles ("Treasury
//! Secretary James Baker"), legal forms ("Exxon Mobil Corp"), lists ("Brit
//! Awards and the Mercury Music Prize") and honorifics ("Mr Blair"). Two
//! steps undo that: [`refine`] cuts, joins and retypes the spans of one text,
//! and [`fold`] gives each entity of the article one name and one kind.

use std::sync::LazyLock;

use rustc_hash::{FxHashMap, FxHashSet};

use super::rules::{is_demonym, is_place_word, with_lower, RuleExtractor};

/// A word list looked up by hash, in any case (see [`is_in`]):
/// resolution asks these lists a few dozen questions per mention.
macro_rules! words {
    ($(#[$doc:meta])* $name:ident = [$($w:literal),* $(,)?]) => {
        $(#[$doc])*
        static $name: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| [$($w),*].into_iter().collect());
    };
}
use super::{Entities, EntityKind, Mention};

words!(
    /// Legal forms of companies: part of a name as written, dropped from its
    /// canonical form ("Alcoa Inc" is Alcoa).
    LEGAL_FORMS = [
    "inc", "corp", "co", "cos", "ltd", "plc", "llc", "lp", "l.p", "ag", "sa", "s.a", "nv", "n.v", "spa",
    "p.c", "pc", "bhd", "gmbh", "kgaa", "se", "oyj", "asa", "ab", "corporation", "incorporated", "limited",
]);

words!(
    /// Words that end the name of an organisation (an institution, a company,
    /// a newspaper): "Hereford County Hospital", "Mengniu Dairy".
    ORG_HEADS = [
    "group", "bank", "landesbank", "agency", "party", "ministry", "council", "committee", "commission",
    "association", "university", "institute", "fund", "exchange", "authority", "board", "company", "union",
    "federation", "organization", "organisation", "department", "office", "court", "army", "navy", "police",
    "news", "times", "post", "journal", "airlines", "airways", "motors", "holdings", "industries", "partners",
    "capital", "securities", "reserve", "service", "services", "hospital", "school", "college", "academy",
    "society", "foundation", "trust", "dairy", "bros", "brothers", "records", "studios", "pictures", "telecom",
    "communications", "systems", "technologies", "pharmaceuticals", "foods", "energy", "petroleum", "insurance",
    "investments", "management", "advisors", "advisers", "associates", "bancorp", "financial", "electric",
    "resorts", "entertainment", "networks", "network", "club", "magazine", "league", "bureau", "chamber",
]);

words!(
    /// Heads that take an "of" and a place or name after them ("Federal
    /// Reserve Bank of Kansas City", "University of Dundee").
    OF_HEADS = [
    "bank", "university", "institute", "committee", "commission", "council", "ministry", "department",
    "court", "board", "exchange", "chamber", "bureau", "school", "college", "academy", "society",
    "federation", "association", "authority", "office", "church", "house",
]);

words!(
    /// Last words of names of places made by people ("Leicester Square").
    PLACE_HEADS = [
    "square", "avenue", "airport", "docks", "river", "island", "islands", "bay", "lake", "mountains",
    "valley", "peninsula", "province", "canal", "strait", "coast", "stadium",
]);

words!(
    /// Last words of events, works, awards, laws and indexes: named, but not
    /// people, organisations or places.
    EVENT_HEADS = [
    "awards", "award", "prize", "prizes", "marathon", "championships", "championship", "cup", "games",
    "olympics", "festival", "show", "index", "act", "bill", "programme", "program", "survey", "depression",
    "trophy", "tour", "game", "baftas", "oscars", "grammys", "emmys", "review",
]);

words!(
    /// Job titles between an institution and a person ("Kansas City Federal
    /// Reserve Bank President Thomas Hoenig").
    JOB_TITLES = [
    "president", "minister", "secretary", "chancellor", "leader", "chairman", "chairwoman", "governor",
    "senator", "sen.", "rep.", "representative", "ambassador", "judge", "mayor", "spokesman", "spokeswoman",
    "spokesperson", "premier", "commander", "economist", "analyst", "strategist", "executive", "ceo", "cfo",
    "officer", "adviser", "advisor", "director", "envoy", "negotiator", "chief", "head", "founder", "manager",
    "coach", "captain", "striker", "midfielder", "presenter", "commissioner", "treasurer", "prosecutor",
    "attorney", "mp", "mep", "boss",
]);

words!(
    /// Heads of organisations that are also common surnames ("Emily Post",
    /// "Margaret Court"): not enough to make a person's name a company's.
    SURNAME_HEADS = [
    "post", "times", "news", "union", "trust", "board", "office", "school", "club", "service",
    "capital", "reserve", "fund", "army", "navy", "police", "society", "chamber", "bureau", "network",
    "league", "electric", "journal", "exchange", "partners", "energy", "records",
]);

words!(
    /// Words that qualify a job title without naming an institution ("Vice
    /// President", "Deputy Prime Minister"; "Treasury Secretary" keeps its
    /// Treasury).
    QUALIFIERS = [
    "vice", "prime", "deputy", "former", "acting", "senior", "assistant", "top", "first", "new", "interim", "then",
]);

words!(
    /// Honorifics before a surname ("Mr Blair"): not part of the name.
    HONORIFICS = ["mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "dr", "dr.", "prof", "prof."]);

/// US states, to read "Lansing, Michigan" as one place.
const US_STATES: &str = "Alabama|Ala.;Alaska;Arizona|Ariz.;Arkansas|Ark.;California|Calif.;Colorado|Colo.;\
Connecticut|Conn.;Delaware|Del.;Florida|Fla.;Georgia|Ga.;Hawaii;Idaho;Illinois|Ill.;Indiana|Ind.;Iowa;\
Kansas|Kan.;Kentucky|Ky.;Louisiana|La.;Maine;Maryland|Md.;Massachusetts|Mass.;Michigan|Mich.;\
Minnesota|Minn.;Mississippi|Miss.;Missouri|Mo.;Montana|Mont.;Nebraska|Neb.;Nevada|Nev.;\
New Hampshire|N.H.;New Jersey|N.J.;New Mexico|N.M.;New York|N.Y.;North Carolina|N.C.;North Dakota|N.D.;\
Ohio;Oklahoma|Okla.;Oregon|Ore.;Pennsylvania|Pa.;Rhode Island|R.I.;South Carolina|S.C.;South Dakota|S.D.;\
Tennessee|Tenn.;Texas|Tex.;Utah;Vermont|Vt.;Virginia|Va.;Washington|Wash.;West Virginia|W.Va.;\
Wisconsin|Wis.;Wyoming|Wyo.";

words!(
    /// US cities whose datelines stand alone (the AP's list, which is also how
    /// encyclopedias title them): "Oklahoma City", not "Oklahoma City, Oklahoma".
    STANDALONE_CITIES = [
    "atlanta", "baltimore", "boston", "chicago", "cincinnati", "cleveland", "dallas", "denver", "detroit",
    "honolulu", "houston", "indianapolis", "las vegas", "los angeles", "miami", "milwaukee", "minneapolis",
    "new orleans", "new york", "oklahoma city", "philadelphia", "phoenix", "pittsburgh", "st. louis",
    "salt lake city", "san antonio", "san diego", "san francisco", "seattle", "washington",
]);

/// Whether `word` (case, a trailing comma or period aside) is in `list`.
fn is_in(list: &FxHashSet<&str>, word: &str) -> bool {
    let w = word.trim_end_matches([',', ';', ':']);
    let has = |w: &str| with_lower(w, |l| list.contains(l));
    has(w) || w.ends_with('.') && has(w.trim_end_matches('.'))
}

fn starts_upper(w: &str) -> bool {
    w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
}

/// The full name of the US state `w` names or abbreviates, if it does.
fn us_state(w: &str) -> Option<&'static str> {
    static FORMS: LazyLock<FxHashMap<&'static str, &'static str>> = LazyLock::new(|| {
        US_STATES
            .split(';')
            .flat_map(|item| {
                let full = item.split('|').next().unwrap_or(item);
                item.split('|').map(move |form| (form, full))
            })
            .collect()
    });
    FORMS.get(w).copied()
}

/// Whitespace-separated words of `text[start..end]`, as byte ranges.
fn words(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut at = None;
    for (i, c) in text[start..end].char_indices() {
        match (c.is_whitespace(), at) {
            (true, Some(s)) => {
                out.push((start + s, start + i));
                at = None;
            }
            (false, None) => at = Some(i),
            _ => {}
        }
    }
    if let Some(s) = at {
        out.push((start + s, end));
    }
    out
}

/// The next word after byte `at`, on the same line, with what separates it
/// (spaces only, or a comma).
fn next_word(text: &str, at: usize) -> Option<(usize, usize, bool)> {
    let rest = &text[at..];
    let comma = rest.starts_with(',');
    let skip = rest.len() - rest[usize::from(comma)..].trim_start_matches([' ', '\t']).len();
    let s = at + skip;
    if s == at && !comma || text[at..s].contains('\n') {
        return None;
    }
    let len = text[s..]
        .find(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '(' | ')' | '"'))
        .unwrap_or(text.len() - s);
    (len > 0).then_some((s, s + len, comma))
}

/// The word before byte `at`, on the same line, separated by spaces only.
fn prev_word(text: &str, at: usize) -> Option<(usize, usize)> {
    let before = &text[..at];
    let e = before.trim_end_matches([' ', '\t']).len();
    if e == at || e == 0 {
        return None;
    }
    let s = before[..e]
        .rfind(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '(' | ')' | '"'))
        .map_or(0, |i| i + 1);
    (s < e).then_some((s, e))
}

fn named(text: &str, kind: EntityKind, start: usize, end: usize, aliases: &RuleExtractor) -> Mention {
    let name = text[start..end].split_whitespace().collect::<Vec<_>>().join(" ");
    let name = name.trim_end_matches([',', ';', ':']).to_string();
    match aliases.lookup(&name) {
        Some((k, canonical)) => Mention {
            kind: k,
            name: canonical.to_string(),
            start,
            end,
        },
        None => Mention {
            kind,
            name,
            start,
            end,
        },
    }
}

/// Cuts, joins and retypes the mentions of `text` (in text order) by what
/// news writing says about names. Listed names keep their listed form.
pub(crate) fn refine(text: &str, mentions: Vec<Mention>, aliases: &RuleExtractor) -> Vec<Mention> {
    let mentions: Vec<Mention> = mentions
        .into_iter()
        .filter_map(|m| without_month(text, m, aliases))
        .collect();
    let mut ms = without_overlaps(join_legal_forms(text, mentions, aliases));
    ms = join_of_names(text, ms, aliases);
    let mut out = Vec::with_capacity(ms.len());
    for m in ms {
        for part in split_title(text, m, aliases) {
            split_list(text, part, aliases, &mut out);
        }
    }
    out.retain(|m| !is_event(&m.name) && !is_demonym(&m.name));
    for m in &mut out {
        retype(m, aliases);
        // "the Obama administration" names the president.
        if !m.name.contains(' ') && text[m.end..].starts_with(" administration") {
            m.kind = EntityKind::Person;
        }
        // "Tory MP", "Labour leader": the party.
        if m.kind != EntityKind::Person {
            if let Some((rest, last)) = m.name.rsplit_once(' ') {
                if is_in(&JOB_TITLES, last) {
                    if let Some((kind, name)) = aliases.lookup(rest) {
                        m.kind = kind;
                        m.name = name.to_string();
                    }
                }
            }
        }
    }
    join_city_state(text, &mut out);
    out = join_reserve_banks(text, out);
    out = repeated_companies(text, out);
    out.sort_by_key(|m| m.start);
    out
}

words!(
    /// Months and their abbreviations: "IBM APR 150" in an options table is
    /// IBM, not "IBM Apr".
    MONTHS = [
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "january",
        "february", "march", "april", "june", "july", "august", "september", "october", "november", "december",
    ]
);

/// The mention without the month words that end it (none if nothing else
/// is left).
fn without_month(text: &str, m: Mention, aliases: &RuleExtractor) -> Option<Mention> {
    let ws = words(text, m.start, m.end);
    let keep = ws.iter().rposition(|&(s, e)| !is_in(&MONTHS, &text[s..e]))? + 1;
    if keep == ws.len() {
        return Some(m);
    }
    Some(named(text, m.kind, m.start, ws[keep - 1].1, aliases))
}

/// Mentions in text order with none overlapping the one before it: where
/// a joined name grew over the next mention, the longer one stays.
fn without_overlaps(mut mentions: Vec<Mention>) -> Vec<Mention> {
    mentions.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    let mut out: Vec<Mention> = Vec::with_capacity(mentions.len());
    for m in mentions {
        match out.last_mut() {
            Some(p) if m.start < p.end => {
                if m.end - m.start > p.end - p.start {
                    *p = m;
                }
            }
            _ => out.push(m),
        }
    }
    out
}

/// "Kellwood Co", "Resnick & Moss P.C.", "Marketing Systems of America
/// Inc": a legal form after a name makes it a company's and belongs to it,
/// and so do the capitalised words before it that the tagger left out.
fn join_legal_forms(text: &str, mentions: Vec<Mention>, aliases: &RuleExtractor) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::with_capacity(mentions.len());
    for mut m in mentions {
        let mut end = m.end;
        while let Some((s, e, comma)) = next_word(text, end) {
            let w = &text[s..e];
            if is_in(&LEGAL_FORMS, w) && starts_upper(w) {
                end = e;
            } else if !comma
                && is_in(&ORG_HEADS, w)
                && w.starts_with(char::is_uppercase)
                && m.kind != EntityKind::Person
            {
                // "Hereford County" + "Hospital", "Federal Reserve" + "Bank".
                end = e;
            } else if w == "&" {
                // "D.E. Shaw & Co."
                match next_word(text, e) {
                    Some((s2, e2, false)) if is_in(&LEGAL_FORMS, &text[s2..e2]) => end = e2,
                    _ => break,
                }
            } else {
                break;
            }
        }
        let last = words(text, m.start, end).last().map(|&(s, e)| &text[s..e]);
        let legal = last.is_some_and(|w| is_in(&LEGAL_FORMS, w));
        let headed = last.is_some_and(|w| is_in(&ORG_HEADS, w)) && (m.kind == EntityKind::Org || end > m.end);
        if !legal && !headed {
            out.push(m);
            continue;
        }
        let mut start = m.start;
        let capital = |w: &str| {
            w.starts_with(char::is_uppercase)
                && !super::rules::STOP_WORDS.iter().any(|x| x.eq_ignore_ascii_case(w))
                && !is_in(&JOB_TITLES, w)
                && !w.ends_with("'s")
                && !w.ends_with("’s")
        };
        while let Some((s, e)) = prev_word(text, start) {
            let w = &text[s..e];
            let connector = matches!(w, "of" | "&" | "und" | "de");
            // "Shares of Kellwood Co": a sentence's first word takes no "of".
            let before = prev_word(text, s).filter(|&(a, _)| !sentence_start(text, a));
            // "Jane Roe of Acme Securities" is a person of a company: only a
            // legal form's name reaches over "of", and never over a person.
            let person_before = out
                .last()
                .is_some_and(|p| p.kind == EntityKind::Person && p.end >= s);
            if person_before {
                break;
            }
            if capital(w) || legal && connector && before.is_some_and(|(a, b)| capital(&text[a..b])) {
                start = s;
            } else {
                break;
            }
        }
        while out.last().is_some_and(|p| p.end > start) {
            let p = out.pop().expect("checked");
            start = start.min(p.start);
        }
        if (start, end) != (m.start, m.end) || m.kind != EntityKind::Org {
            m = named(text, EntityKind::Org, start, end, aliases);
            m.kind = EntityKind::Org;
        }
        out.push(m);
    }
    out
}

/// Whether the word at byte `at` opens a sentence or a line.
fn sentence_start(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end_matches([' ', '\t', '"', '“']);
    before.is_empty() || before.ends_with(['.', '!', '?', '\n'])
}

/// "Federal Reserve Bank of Kansas City": an institution's head word, "of"
/// and the name after it are one organisation.
fn join_of_names(text: &str, mentions: Vec<Mention>, aliases: &RuleExtractor) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::with_capacity(mentions.len());
    let mut it = mentions.into_iter().peekable();
    while let Some(m) = it.next() {
        let head = words(text, m.start, m.end)
            .last()
            .is_some_and(|&(s, e)| is_in(&OF_HEADS, &text[s..e]));
        let of_next = head
            && next_word(text, m.end).is_some_and(|(s, e, comma)| !comma && &text[s..e] == "of")
            && it.peek().is_some_and(|n| {
                n.start >= m.end && {
                    let gap = &text[m.end..n.start];
                    gap.trim() == "of" && !gap.contains('\n')
                }
            });
        if of_next && m.kind == EntityKind::Org {
            let n = it.next().expect("peeked");
            out.push(named(text, EntityKind::Org, m.start, n.end, aliases));
        } else {
            out.push(m);
        }
    }
    out
}

/// "U.S. Treasury Secretary James Baker" is the organisation "U.S.
/// Treasury" and the person "James Baker"; "President Bush" is Bush.
fn split_title(text: &str, m: Mention, aliases: &RuleExtractor) -> Vec<Mention> {
    let ws = words(text, m.start, m.end);
    // The last title word with only capitalised name words after it.
    let Some(k) = (0..ws.len().saturating_sub(1)).rev().find(|&k| {
        is_title(text, &ws, k)
            && ws[k + 1..].iter().all(|&(s, e)| {
                let w = &text[s..e];
                starts_upper(w) && !is_in(&JOB_TITLES, w) && !is_in(&ORG_HEADS, w) && !is_in(&LEGAL_FORMS, w)
            })
    }) else {
        return vec![m];
    };
    if aliases.lookup(&m.name).is_some() {
        return vec![m];
    }
    let mut out = Vec::with_capacity(2);
    // The words before the title, less the words that qualify it.
    let mut head_end = k;
    while head_end > 0 && {
        let (s, e) = ws[head_end - 1];
        is_title(text, &ws, head_end - 1) || is_in(&QUALIFIERS, &text[s..e])
    } {
        head_end -= 1;
    }
    if head_end > 0 {
        let head = named(text, m.kind, ws[0].0, ws[head_end - 1].1, aliases);
        if !is_demonym(&head.name) {
            let kind = match (aliases.lookup(&head.name), m.kind) {
                (Some((k, _)), _) => k,
                (None, EntityKind::Person) => EntityKind::Org,
                (None, k) => k,
            };
            out.push(Mention { kind, ..head });
        }
    }
    let person = named(text, EntityKind::Person, ws[k + 1].0, m.end, aliases);
    out.push(Mention {
        kind: EntityKind::Person,
        ..person
    });
    out
}

/// Whether word `k` of `ws` is a job title: one of [`JOB_TITLES`], or
/// "General" after one ("Attorney General", not "General Mills").
fn is_title(text: &str, ws: &[(usize, usize)], k: usize) -> bool {
    let w = |k: usize| &text[ws[k].0..ws[k].1];
    is_in(&JOB_TITLES, w(k)) || k > 0 && w(k).eq_ignore_ascii_case("general") && is_in(&JOB_TITLES, w(k - 1))
}

/// "RJ Reynolds Tobacco, Lorillard Tobacco, Liggett Group" is three
/// companies, "US and Europe" two places. Listed names ("Procter and
/// Gamble") and company names ending in a legal form stay whole.
fn split_list(text: &str, m: Mention, aliases: &RuleExtractor, out: &mut Vec<Mention>) {
    let span = &text[m.start..m.end];
    let has_and = span.contains(" and ") || span.starts_with("and ") || span.starts_with("And ");
    let last_legal = words(text, m.start, m.end)
        .last()
        .is_some_and(|&(s, e)| is_in(&LEGAL_FORMS, &text[s..e]));
    if !(span.contains(", ") || has_and) || aliases.lookup(&m.name).is_some() || last_legal {
        out.push(m);
        return;
    }
    // "Procter and Gamble" is one company, "Brit Awards and the Mercury
    // Music Prize" two names: without a comma, "and" splits places, and
    // names of several words each.
    if !span.contains(", ") && m.kind != EntityKind::Place {
        let pieces: Vec<&str> = span.split(" and ").collect();
        let several = pieces.iter().all(|p| {
            let p = p.trim_start_matches("the ");
            p.split_whitespace().count() >= 2 || aliases.lookup(p).is_some()
        });
        if !several {
            out.push(m);
            return;
        }
    }
    let mut piece_start = m.start;
    let cut = |a: usize, b: usize, out: &mut Vec<Mention>| {
        let piece = text[a..b].trim_matches([' ', ',']);
        let piece = piece.strip_prefix("the ").unwrap_or(piece);
        if piece.is_empty() || !starts_upper(piece) {
            return;
        }
        let s = a + text[a..b].find(piece).unwrap_or(0);
        out.push(named(text, m.kind, s, s + piece.len(), aliases));
    };
    for (s, e) in words(text, m.start, m.end) {
        let w = &text[s..e];
        if w.eq_ignore_ascii_case("and") {
            cut(piece_start, s, out);
            piece_start = e;
        } else if w.ends_with(',') {
            cut(piece_start, e - 1, out);
            piece_start = e;
        }
    }
    cut(piece_start, m.end, out);
}

/// Whether `name` is an event, a work, an award, a law or an index.
fn is_event(name: &str) -> bool {
    name.split_whitespace()
        .next_back()
        .is_some_and(|w| is_in(&EVENT_HEADS, w))
}

/// The kind a name's own words give it, where the alias table does not
/// know it: "Mengniu Dairy" is a company, "Leicester Square" a place.
fn retype(m: &mut Mention, aliases: &RuleExtractor) {
    if let Some((kind, canonical)) = aliases.lookup(&m.name) {
        m.kind = kind;
        m.name = canonical.to_string();
        return;
    }
    let ws: Vec<&str> = m.name.split_whitespace().collect();
    let Some(&last) = ws.last() else { return };
    // The head of "X of Y" is X's last word.
    let head = ws
        .iter()
        .position(|&w| w == "of")
        .filter(|&i| i > 0)
        .map_or(last, |i| ws[i - 1]);
    match m.kind {
        EntityKind::Person
            if ws.len() > 1
                && ws
                    .iter()
                    .any(|w| is_in(&ORG_HEADS, w) && !is_in(&SURNAME_HEADS, w) || is_in(&LEGAL_FORMS, w)) =>
        {
            m.kind = EntityKind::Org;
        }
        EntityKind::Place if is_in(&ORG_HEADS, head) || is_in(&LEGAL_FORMS, last) => m.kind = EntityKind::Org,
        EntityKind::Org | EntityKind::Person if is_in(&PLACE_HEADS, last) && ws.len() > 1 => {
            m.kind = EntityKind::Place;
        }
        _ => {}
    }
}

/// "General Motors Corp" found once is the company wherever "General
/// Motors" stands again, whatever the tagger made of those words there
/// ("Motors" as a person).
fn repeated_companies(text: &str, mentions: Vec<Mention>) -> Vec<Mention> {
    let mut companies: Vec<(&str, String)> = mentions
        .iter()
        .filter(|m| m.kind == EntityKind::Org)
        .map(|m| (without_legal_form(&text[m.start..m.end]), m.name.clone()))
        .filter(|(bare, name)| bare.contains(' ') && bare.len() < name.len())
        .collect();
    companies.sort();
    companies.dedup();
    if companies.is_empty() {
        return mentions;
    }
    let mut found = Vec::new();
    for (bare, name) in &companies {
        for (at, _) in text.match_indices(bare) {
            let end = at + bare.len();
            let bounded = !text[..at].ends_with(char::is_alphanumeric)
                && !text[end..].starts_with(char::is_alphanumeric);
            if bounded {
                found.push(Mention {
                    kind: EntityKind::Org,
                    name: name.clone(),
                    start: at,
                    end,
                });
            }
        }
    }
    let mut out = mentions;
    cover(&mut out, found);
    out
}

/// Puts each of `found` in place of the mentions it covers, where it only
/// covers whole mentions ("General Motors Corp" over "Motors"), and sorts
/// the mentions in text order.
pub(crate) fn cover(mentions: &mut Vec<Mention>, found: Vec<Mention>) {
    for g in found {
        let overlaps = |m: &Mention| m.start < g.end && g.start < m.end;
        let inside = |m: &Mention| g.start <= m.start && m.end <= g.end;
        if mentions.iter().filter(|m| overlaps(m)).all(inside) {
            mentions.retain(|m| !overlaps(m));
            mentions.push(g);
        }
    }
    mentions.sort_by_key(|m| m.start);
}

words!(
    /// Cities of the twelve Federal Reserve Banks.
    RESERVE_CITIES = [
    "atlanta", "boston", "chicago", "cleveland", "dallas", "kansas city", "minneapolis", "new york",
    "new york city", "philadelphia", "richmond", "san francisco", "st. louis",
]);

/// "Kansas City Federal Reserve Bank", "New York Fed" and "San Francisco
/// Federal Reserve" are the Federal Reserve Bank of that city, one name
/// however written (and not a place and an organisation).
fn join_reserve_banks(text: &str, mentions: Vec<Mention>) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::with_capacity(mentions.len());
    for m in mentions {
        let written = &text[m.start..m.end];
        let city = ["Federal Reserve Bank", "Federal Reserve", "Fed"]
            .iter()
            .find_map(|r| written.strip_suffix(r).map(str::trim_end));
        let city = match city {
            Some("") => match out.last() {
                Some(p) if text[p.end..m.start].trim().is_empty() && is_in(&RESERVE_CITIES, &p.name) => {
                    let p = out.pop().expect("checked");
                    Some((p.start, p.name))
                }
                _ => None,
            },
            Some(c) if is_in(&RESERVE_CITIES, c) => Some((m.start, c.to_string())),
            _ => None,
        };
        match city {
            Some((start, city)) => {
                let city = city
                    .strip_suffix(" City")
                    .filter(|c| *c == "New York")
                    .unwrap_or(&city);
                out.push(Mention {
                    kind: EntityKind::Org,
                    name: format!("Federal Reserve Bank of {city}"),
                    start,
                    end: m.end,
                });
            }
            None => out.push(m),
        }
    }
    out
}

/// "Lansing, Michigan" is one place, the city (the state stays a place of
/// its own): the form under which such cities are known.
fn join_city_state(text: &str, mentions: &mut [Mention]) {
    let mut joined = Vec::new();
    for (i, m) in mentions.iter().enumerate() {
        let place_like = m.kind == EntityKind::Place || !m.name.contains(' ');
        if !place_like
            || m.name.contains(',')
            || us_state(&m.name).is_some()
            || is_in(&STANDALONE_CITIES, &m.name)
        {
            continue;
        }
        let Some((s, e, true)) = next_word(text, m.end) else {
            continue;
        };
        // The state may be two words ("New Jersey").
        let two = next_word(text, e)
            .filter(|&(_, e2, comma)| !comma && us_state(&text[s..e2]).is_some())
            .map(|(_, e2, _)| e2);
        let end = two.unwrap_or(e);
        let Some(state) = us_state(&text[s..end]) else {
            continue;
        };
        // "Kay Bailey Hutchison, Texas Republican" is no place.
        let after = text[end..].trim_start_matches([' ', '-']);
        if m.kind != EntityKind::Place && after.starts_with(char::is_uppercase) {
            continue;
        }
        joined.push((i, format!("{}, {state}", m.name)));
    }
    for (i, name) in joined {
        mentions[i].name = name;
        mentions[i].kind = EntityKind::Place;
    }
}

/// The places a dateline names: "Charlotte, North Carolina" is the city
/// "Charlotte, North Carolina" and the state "North Carolina"; "Oklahoma
/// City, Oklahoma" is Oklahoma City and Oklahoma; "Embu, Kenya" is
/// "Embu, Kenya" and Kenya.
pub(crate) fn dateline_places(dateline: &str) -> Vec<String> {
    let Some((city, region)) = dateline.split_once(", ") else {
        return vec![dateline.to_string()];
    };
    let region = us_state(region).unwrap_or(region);
    let city = if is_in(&STANDALONE_CITIES, city) {
        city.to_string()
    } else {
        format!("{city}, {region}")
    };
    vec![city, region.to_string()]
}

/// A person's name without its honorific ("Mr Blair" -> "Blair").
pub(crate) fn without_honorific(name: &str) -> &str {
    match name.split_once(' ') {
        Some((first, rest)) if is_in(&HONORIFICS, first) => rest,
        _ => name,
    }
}

/// An organisation's name without its legal form ("Alcoa Inc" ->
/// "Alcoa", "Merrill Lynch & Co" -> "Merrill Lynch").
pub(crate) fn without_legal_form(name: &str) -> &str {
    let mut n = name.trim_end_matches([',', ' ']);
    loop {
        let Some((rest, last)) = n.rsplit_once(' ') else {
            return n;
        };
        if is_in(&LEGAL_FORMS, last) && starts_upper(last) {
            n = rest.trim_end_matches([',', ' ']).trim_end_matches(" &");
        } else {
            return n;
        }
    }
}

/// One name and one kind for each entity of an article, most mentioned
/// first:
/// - spellings that differ only in case are one name, in its most
///   capitalised form;
/// - a person named by part of a longer name ("Putin", "Mr Putin") is the
///   one longest name that contains it word for word;
/// - a company is named without its legal form, and a shorter form of a
///   company's name ("Ford" beside "Ford Motor Co") is that company;
/// - a name given several kinds is the kind of most of its mentions.
pub(crate) fn fold(mentions: &[Mention]) -> Entities {
    // A company's name loses its legal form where the article also uses
    // the bare name ("Alcoa Inc" then "Alcoa"); "Scovill Inc" alone stays.
    let bare: rustc_hash::FxHashSet<String> = mentions.iter().map(|m| m.name.to_lowercase()).collect();
    let mut named: Vec<(EntityKind, String)> = mentions
        .iter()
        .map(|m| {
            let stripped = without_legal_form(&m.name);
            let n = match m.kind {
                EntityKind::Org if bare.contains(&stripped.to_lowercase()) => stripped,
                _ => m.name.as_str(),
            };
            (m.kind, n.to_string())
        })
        .collect();
    // Company names as written with a legal form: their first words are
    // the company wherever they stand alone.
    let mut companies: Vec<Vec<String>> = mentions
        .iter()
        .filter(|m| m.kind == EntityKind::Org && without_legal_form(&m.name).len() < m.name.len())
        .map(|m| m.name.split_whitespace().map(str::to_lowercase).collect())
        .collect();
    companies.sort();
    companies.dedup();
    let display: Vec<String> = named.iter().map(|(_, n)| n.clone()).collect();
    for (kind, name) in &mut named {
        let ws: Vec<String> = name.split_whitespace().map(str::to_lowercase).collect();
        // "UBS" is not "UBS Luxembourg SA": a place in the rest makes a
        // subsidiary.
        let within: Vec<&Vec<String>> = companies
            .iter()
            .filter(|c| {
                c.len() > ws.len() && c.starts_with(&ws) && !c[ws.len()..].iter().any(|w| is_place_word(w))
            })
            .collect();
        if let [company] = within[..] {
            let full = display
                .iter()
                .zip(mentions)
                .find(|(_, m)| {
                    m.name
                        .split_whitespace()
                        .map(str::to_lowercase)
                        .eq(company.iter().cloned())
                })
                .map(|(n, _)| n.clone());
            if let Some(full) = full {
                *kind = EntityKind::Org;
                *name = full;
            }
        }
    }
    // Kind by majority of mentions, per name (case aside).
    let mut votes: FxHashMap<String, [usize; 3]> = FxHashMap::default();
    for (kind, name) in &named {
        votes.entry(name.to_lowercase()).or_default()[*kind as usize] += 1;
    }
    let mut out = Entities::default();
    for kind in EntityKind::ALL {
        let names: Vec<&str> = named
            .iter()
            .filter(|(_, n)| {
                let v = votes[&n.to_lowercase()];
                // Ties go to the first kind in facet order.
                let best = (0..3).max_by_key(|&k| (v[k], std::cmp::Reverse(k))).unwrap_or(0);
                best == kind as usize
            })
            .map(|(_, n)| n.as_str())
            .collect();
        *out.of_kind_mut(kind) = canonical_counts(&names, kind == EntityKind::Person);
    }
    out
}

/// Counts names, mapping partial person names onto the one longest name
/// that contains them word for word ("Kim", "Kim Jong" -> "Kim Jong Un";
/// "Mr Blair" -> "Tony Blair"); ordered by count, then by first mention.
fn canonical_counts(names: &[&str], merge_parts: bool) -> Vec<String> {
    // Spellings that differ only in case are one name, written as its most
    // capitalised form ("Kim Jong un" -> "Kim Jong Un").
    let lowers: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    let mut best: FxHashMap<&str, &str> = FxHashMap::default();
    for (&n, lower) in names.iter().zip(&lowers) {
        let caps = |s: &str| s.chars().filter(|c| c.is_uppercase()).count();
        let e = best.entry(lower.as_str()).or_insert(n);
        // All capitals is the least informative form ("BARACK OBAMA").
        let shouted = |s: &str| !s.chars().any(char::is_lowercase);
        if shouted(e) && !shouted(n) || caps(n) > caps(e) && !shouted(n) {
            *e = n;
        }
    }
    let mut order: Vec<&str> = Vec::new();
    let mut counts: FxHashMap<&str, usize> = FxHashMap::default();
    for lower in &lowers {
        let n = best[lower.as_str()];
        let c = counts.entry(n).or_insert(0);
        if *c == 0 {
            order.push(n);
        }
        *c += 1;
    }
    // Rank of each name's first mention; a merged name keeps the earliest.
    let mut first: FxHashMap<&str, usize> = order.iter().enumerate().map(|(i, &n)| (n, i)).collect();
    if merge_parts {
        // Lower-cased words of each name without its honorific, split once.
        let words: FxHashMap<&str, Vec<String>> = order
            .iter()
            .map(|&n| {
                (
                    n,
                    without_honorific(n)
                        .split_whitespace()
                        .map(str::to_lowercase)
                        .collect(),
                )
            })
            .collect();
        // "Mr Blair" is within "Blair", and both within "Tony Blair".
        let honorific = |n: &str| without_honorific(n).len() < n.len();
        let within = |long: &str, short: &str| {
            let (l, s) = (&words[long], &words[short]);
            long != short
                && (l.len() > s.len() && contains_words(l, s)
                    || l == s && honorific(short) && !honorific(long))
        };
        for &short in &order {
            let longer: Vec<&str> = order
                .iter()
                .copied()
                .filter(|&long| within(long, short))
                .collect();
            let maximal: Vec<&str> = longer
                .iter()
                .copied()
                .filter(|&l| !longer.iter().any(|&o| within(o, l)))
                .collect();
            if let [long] = maximal[..] {
                let c = counts.remove(short).unwrap_or(0);
                *counts.entry(long).or_insert(0) += c;
                let f = first[short].min(first[long]);
                first.insert(long, f);
            }
        }
    }
    let mut ranked: Vec<(usize, usize, &str)> = order
        .iter()
        .filter_map(|n| counts.get(n).map(|&c| (c, first[n], *n)))
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.into_iter().map(|(_, _, n)| n.to_string()).collect()
}

/// True when the words `s` appear as a contiguous run of `l` (both
/// lower-cased: "kim jong" in "kim jong un").
fn contains_words(l: &[String], s: &[String]) -> bool {
    !s.is_empty() && s.len() <= l.len() && l.windows(s.len()).any(|w| w == s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(kind: EntityKind, name: &str) -> Mention {
        Mention {
            kind,
            name: name.into(),
            start: 0,
            end: 0,
        }
    }

    /// Mentions of `names` (kind, exact text) found in `text`, in order.
    fn at(text: &str, names: &[(EntityKind, &str)]) -> Vec<Mention> {
        names
            .iter()
            .map(|&(kind, n)| {
                let start = text.find(n).unwrap();
                Mention {
                    kind,
                    name: n.into(),
                    start,
                    end: start + n.len(),
                }
            })
            .collect()
    }

    fn refined(text: &str, names: &[(EntityKind, &str)]) -> Vec<(EntityKind, String)> {
        refine(text, at(text, names), &RuleExtractor::new())
            .into_iter()
            .map(|m| (m.kind, m.name))
            .collect()
    }

    use EntityKind::{Org, Person, Place};

    #[test]
    fn surnames_and_honorifics_fold_into_the_full_name() {
        let ms = [
            m(Person, "Vladimir Putin"),
            m(Person, "Putin"),
            m(Person, "Mr Putin"),
            m(Person, "Kim Jong Un"),
            m(Place, "Japan"),
        ];
        let e = fold(&ms);
        assert_eq!(e.person, vec!["Vladimir Putin", "Kim Jong Un"]);
        assert_eq!(e.place, vec!["Japan"]);
        assert!(e.org.is_empty());
    }

    #[test]
    fn ambiguous_parts_are_left_alone() {
        let ms = [
            m(Person, "George Bush"),
            m(Person, "Laura Bush"),
            m(Person, "Bush"),
        ];
        assert_eq!(fold(&ms).person.len(), 3);
        let nested = [m(Person, "Kim Jong"), m(Person, "Kim"), m(Person, "Kim Jong Un")];
        assert_eq!(fold(&nested).person, ["Kim Jong Un"]);
        // An honorific alone does not make a name.
        assert_eq!(fold(&[m(Person, "Mr Leslie")]).person, ["Mr Leslie"]);
    }

    #[test]
    fn case_variants_take_the_written_form_not_the_shouted_one() {
        let ms = [m(Person, "BARACK OBAMA"), m(Person, "Barack Obama")];
        assert_eq!(fold(&ms).person, ["Barack Obama"]);
    }

    #[test]
    fn companies_lose_their_legal_form_and_absorb_short_forms() {
        let ms = [
            m(Org, "Ford Motor Co."),
            m(Org, "Ford"),
            m(Person, "Kellwood"),
            m(Org, "Kellwood Co"),
            m(Org, "Merrill Lynch & Co"),
            m(Person, "Mannesmann"),
            m(Org, "Mannesmann AG"),
        ];
        let e = fold(&ms);
        // The bare name only where the article itself uses it.
        assert_eq!(
            e.org,
            ["Ford Motor Co.", "Kellwood", "Mannesmann", "Merrill Lynch & Co"]
        );
        let alcoa = fold(&[m(Org, "Alcoa Inc"), m(Org, "Alcoa")]);
        assert_eq!(alcoa.org, ["Alcoa"]);
        assert!(e.person.is_empty(), "{:?}", e.person);
        assert_eq!(without_legal_form("Richter, Cohen and Co"), "Richter, Cohen and");
    }

    #[test]
    fn a_name_takes_the_kind_of_most_of_its_mentions() {
        let ms = [m(Place, "Obama"), m(Person, "Obama"), m(Person, "Obama")];
        let e = fold(&ms);
        assert_eq!(e.person, ["Obama"]);
        assert!(e.place.is_empty());
    }

    #[test]
    fn job_titles_are_split_from_names() {
        let text = "U.S. Treasury Secretary James Baker said, and Kansas City Federal Reserve Bank President Thomas Hoenig.";
        let got = refined(
            text,
            &[
                (Org, "U.S. Treasury Secretary James Baker"),
                (Org, "Kansas City Federal Reserve Bank President Thomas Hoenig"),
            ],
        );
        assert_eq!(
            got,
            [
                (Org, "United States Department of the Treasury".to_string()),
                (Person, "James Baker".to_string()),
                (Org, "Federal Reserve Bank of Kansas City".to_string()),
                (Person, "Thomas Hoenig".to_string()),
            ]
        );
    }

    #[test]
    fn lists_are_split_into_their_members() {
        let text = "It sued RJ Reynolds Tobacco, Lorillard Tobacco, Liggett Group and the US and Europe.";
        let got = refined(
            text,
            &[
                (Org, "RJ Reynolds Tobacco, Lorillard Tobacco, Liggett Group"),
                (Place, "US and Europe"),
            ],
        );
        let names: Vec<&str> = got.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "RJ Reynolds Tobacco",
                "Lorillard Tobacco",
                "Liggett Group",
                "United States",
                "Europe"
            ]
        );
    }

    #[test]
    fn legal_forms_join_the_name_before_them() {
        let text = "Resnick & Moss P.C. and Marketing Systems of America Inc and Kellwood Co (KWD.N) said.";
        let got = refined(
            text,
            &[
                (Org, "Resnick & Moss"),
                (Org, "America Inc"),
                (Person, "Kellwood"),
            ],
        );
        let names: Vec<(EntityKind, &str)> = got.iter().map(|(k, n)| (*k, n.as_str())).collect();
        assert_eq!(
            names,
            [
                (Org, "Resnick & Moss P.C."),
                (Org, "Marketing Systems of America Inc"),
                (Org, "Kellwood Co")
            ]
        );
    }

    #[test]
    fn institutions_of_a_place_are_one_name() {
        let text = "the Federal Reserve Bank of Kansas City said";
        let got = refined(text, &[(Org, "Federal Reserve Bank"), (Place, "Kansas City")]);
        assert_eq!(got, [(Org, "Federal Reserve Bank of Kansas City".to_string())]);
    }

    #[test]
    fn events_and_works_are_not_entities_and_heads_give_kinds() {
        let text = "At the Brit Awards in Leicester Square, Mengniu Dairy and the Wall Street Journal.";
        let got = refined(
            text,
            &[
                (Org, "Brit Awards"),
                (Org, "Leicester Square"),
                (Person, "Mengniu Dairy"),
                (Place, "Wall Street Journal"),
            ],
        );
        assert_eq!(
            got,
            [
                (Place, "Leicester Square".to_string()),
                (Org, "Mengniu Dairy".to_string()),
                (Org, "The Wall Street Journal".to_string()),
            ]
        );
    }

    #[test]
    fn a_company_found_once_is_found_again() {
        let text = "General Motors Corp said. General Motors shares fell.";
        let got = refined(text, &[(Org, "General Motors Corp"), (Person, "Motors")]);
        assert_eq!(
            got,
            [
                (Org, "General Motors Corp".into()),
                (Org, "General Motors Corp".into())
            ]
        );
    }

    #[test]
    fn reserve_banks_are_named_by_their_city() {
        let text = "Kansas City Federal Reserve Bank said, and the New York Fed said.";
        let got = refined(
            text,
            &[
                (Place, "Kansas City"),
                (Org, "Federal Reserve Bank"),
                (Org, "New York Fed"),
            ],
        );
        let names: Vec<&str> = got.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "Federal Reserve Bank of Kansas City",
                "Federal Reserve Bank of New York"
            ]
        );
    }

    #[test]
    fn cities_take_their_state() {
        let text = "LANSING, Michigan - in Atlantic City, New Jersey, and Paris, France.";
        let got = refined(
            text,
            &[
                (Place, "LANSING"),
                (Place, "Atlantic City"),
                (Place, "New Jersey"),
                (Place, "Paris"),
            ],
        );
        let names: Vec<&str> = got.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "LANSING, Michigan",
                "Atlantic City, New Jersey",
                "New Jersey",
                "Paris"
            ]
        );
    }
}
