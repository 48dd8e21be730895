//! A rule-based extractor: gazetteer matches first, then runs of capitalised
//! words classified by cues (titles before people, suffixes of organisations,
//! acronyms). It is fast and predictable, and good enough for facets on news
//! text until a trained tagger replaces it.

use rustc_hash::FxHashMap;

use super::{EntityExtractor, EntityKind, Mention};
use crate::text::sentences::is_abbreviation;

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

#[derive(Debug)]
struct Token<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    /// Something other than spaces (punctuation, a line break) precedes it.
    broken: bool,
    sentence_start: bool,
    possessive: bool,
    /// Inside `<...>`: a stock ticker in wire copy.
    ticker: bool,
    /// First word of a paragraph, in capitals, followed by a comma.
    dateline: bool,
}

/// `alias|alias => Canonical` lines; the canonical name is also an alias.
const PLACES: &str = "
Afghanistan; Albania; Algeria; Angola; Argentina; Armenia; Australia; Austria; Azerbaijan; Bahrain;
Bangladesh; Belarus; Belgium; Bolivia; Bosnia; Brazil; Bulgaria; Cambodia; Cameroon; Canada; Chile;
China|People's Republic of China|PRC => China; Colombia; Congo; Costa Rica; Croatia; Cuba; Cyprus;
Czech Republic; Denmark; Ecuador; Egypt; Estonia; Ethiopia; Finland; France; Georgia; Germany;
West Germany; East Germany; Ghana; Greece; Guatemala; Haiti; Honduras; Hong Kong; Hungary; Iceland;
India; Indonesia; Iran; Iraq; Ireland; Israel; Italy; Ivory Coast; Jamaica; Japan; Jordan;
Kazakhstan; Kenya; Kuwait; Laos; Latvia; Lebanon; Libya; Lithuania; Luxembourg; Malaysia; Mali;
Mexico; Moldova; Mongolia; Morocco; Mozambique; Myanmar|Burma => Myanmar; Nepal; Netherlands|Holland => Netherlands;
New Zealand; Nicaragua; Niger; Nigeria; North Korea|DPRK|Democratic People's Republic of Korea => North Korea;
South Korea|Republic of Korea|ROK => South Korea; Korea; Norway; Oman; Pakistan; Palestine; Panama; Paraguay; Peru;
Philippines; Poland; Portugal; Qatar; Romania; Russia|Russian Federation => Russia; Rwanda;
Saudi Arabia; Senegal; Serbia; Singapore; Slovakia; Slovenia; Somalia; South Africa; Spain; Sri Lanka;
Sudan; South Sudan; Sweden; Switzerland; Syria; Taiwan; Tanzania; Thailand; Tunisia; Turkey|Turkiye => Turkey;
Uganda; Ukraine; United Arab Emirates|UAE => United Arab Emirates; Britain|United Kingdom|UK|U.K.|Great Britain => Britain;
United States|U.S.|USA|U.S.A.|US => United States; Uruguay; Uzbekistan; Venezuela; Vietnam|Viet Nam => Vietnam;
Yemen; Zambia; Zimbabwe; Soviet Union|USSR => Soviet Union; Europe; Asia; Africa; Latin America; Middle East;
Gulf; Persian Gulf; Crimea; Gaza; West Bank; Kosovo; Scotland; Wales; England; Northern Ireland;
Washington; New York; London; Paris; Berlin; Bonn; Brussels; Moscow; Kyiv|Kiev => Kyiv; Beijing|Peking => Beijing;
Tokyo; Seoul; Pyongyang; Shanghai; Hong Kong; Taipei; Singapore; Sydney; Melbourne; Toronto; Ottawa;
Montreal; Chicago; Los Angeles; San Francisco; Boston; Houston; Dallas; Detroit; Miami; Atlanta;
Frankfurt; Munich; Hamburg; Zurich; Geneva; Vienna; Rome; Milan; Madrid; Barcelona; Lisbon; Amsterdam;
Rotterdam; Stockholm; Oslo; Copenhagen; Helsinki; Warsaw; Prague; Budapest; Athens; Istanbul; Ankara;
Cairo; Tehran; Baghdad; Riyadh; Dubai; Jerusalem; Tel Aviv; Beirut; Damascus; Kabul; Islamabad;
New Delhi; Delhi; Mumbai|Bombay => Mumbai; Bangkok; Jakarta; Manila; Kuala Lumpur; Hanoi; Johannesburg; Nairobi;
Lagos; Buenos Aires; Sao Paulo; Rio de Janeiro; Mexico City; Caracas; Bogota; Lima; Santiago; Havana;
Vladivostok; Khasan; St Petersburg; Minsk; Tbilisi; Osaka; Kyoto; Okinawa; Sea of Japan|East Sea => Sea of Japan;
California; Texas; Florida; Illinois; Ohio; Michigan; Pennsylvania; New Jersey; Virginia; Massachusetts;
Alaska; Hawaii; Louisiana; Oklahoma; Iowa; Kansas; Nebraska; Minnesota; Wisconsin; Colorado; Arizona;
Oregon; Montana; Wyoming; N.Y. => New York; N.J. => New Jersey; Calif. => California; Mass. => Massachusetts;
Conn. => Connecticut; Ill. => Illinois; Pa. => Pennsylvania; Tex. => Texas; Ohio; Fla. => Florida; Arctic; Antarctica; Pacific; Atlantic; Baltic; Black Sea; Mediterranean;
North Sea; South China Sea; Taiwan Strait; Hormuz|Strait of Hormuz => Strait of Hormuz; Siberia; Donbas; Kharkiv; Odesa|Odessa => Odesa;
Mariupol; Bakhmut; Kherson; Zaporizhzhia; Lviv; Sahel; Caribbean; Balkans; Scandinavia; Latin America
";

const ORGS: &str = "
Reuters; Associated Press|AP => Associated Press; Agence France-Presse|AFP => AFP; Bloomberg; KCNA|Korean Central News Agency => KCNA;
NHK; Kyodo; Yonhap; Xinhua; TASS; Interfax; BBC; CNN; Kremlin; White House; Pentagon; Congress;
Senate; House of Representatives; Parliament; State Department; Treasury; Federal Reserve|Fed => Federal Reserve;
European Union|EU => European Union; European Community|EC|EEC => European Community; United Nations|UN|U.N. => United Nations;
UN Security Council|Security Council => UN Security Council; NATO; OPEC; IMF|International Monetary Fund => IMF;
World Bank; World Trade Organization|WTO => WTO; GATT; G7|Group of Seven => G7; G20; OECD; ASEAN; African Union;
Joint Chiefs of Staff; Workers' Party of Korea|WPK => Workers' Party of Korea; Communist Party; Bundesbank;
Bank of England; Bank of Japan; European Central Bank|ECB => European Central Bank; People's Bank of China;
Wall Street; Nasdaq; New York Stock Exchange|NYSE => New York Stock Exchange; SEC|Securities and Exchange Commission => SEC;
FBI; CIA; NASA; Hamas; Hezbollah; Taliban; Wagner Group|Wagner => Wagner Group; Gazprom; Rosneft; Apple; Google;
Microsoft; Amazon; Meta; Facebook; Twitter; Tesla; Boeing; Airbus; Toyota; Samsung; IAEA; WHO|World Health Organization => WHO;
Red Cross; Amnesty International; Greenpeace; Supreme Court; Ministry of Defence; Defence Ministry; Foreign Ministry;
Standard & Poor's|Standard and Poor's|Standard & Poor|Standard and Poor|S&P => Standard & Poor's; Moody's|Moody's Investors Service => Moody's
";

/// Capitalised words that precede a person's name and are not part of it.
const TITLES: &[&str] = &[
    "president",
    "minister",
    "secretary",
    "chancellor",
    "leader",
    "chairman",
    "chairwoman",
    "governor",
    "senator",
    "sen.",
    "rep.",
    "representative",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "gen.",
    "ambassador",
    "judge",
    "justice",
    "mayor",
    "spokesman",
    "spokeswoman",
    "premier",
    "dictator",
    "commander",
    "colonel",
    "col.",
    "lt.",
    "sir",
    "dame",
    "lord",
    "mr",
    "mr.",
    "mrs",
    "mrs.",
    "ms",
    "ms.",
    "dr",
    "dr.",
    "prof.",
    "professor",
    "economist",
    "analyst",
    "executive",
    "adviser",
    "advisor",
    "director",
    "envoy",
    "negotiator",
];

/// Words that qualify a title ("Foreign Minister", "Chief Cabinet
/// Secretary"); stripped, but not a sign of a person on their own.
const MODIFIERS: &[&str] = &[
    "vice",
    "prime",
    "chief",
    "cabinet",
    "foreign",
    "finance",
    "defence",
    "defense",
    "deputy",
    "treasury",
    "trade",
    "state",
    "interior",
    "economy",
    "agriculture",
    "energy",
    "oil",
    "central",
    "bank",
    "party",
    "former",
    "new",
    "opposition",
    "national",
    "security",
    "senior",
    "assistant",
    "general",
    "acting",
    "top",
    "first",
];

/// Words that are never a name on their own, whatever a tagger says:
/// company suffixes left over from a split name ("American Adventure Inc"
/// gave a person "Inc") and the abbreviations of wire earnings tables.
const NEVER_ALONE: &[&str] = &[
    "inc", "corp", "co", "ltd", "plc", "llc", "reuter", "shr", "shrs", "net", "revs", "qtr", "avg", "mln",
    "pct", "dlrs", "cts", "bbl", "tonnes", "note",
];

/// Is `name` one of [`NEVER_ALONE`] (trailing period and case aside)?
pub fn is_never_alone(name: &str) -> bool {
    let w = name.trim_end_matches('.');
    !w.contains(' ') && with_lower(w, |l| NEVER_ALONE.contains(&l))
}

/// True when every word of `name` is a nationality adjective or compass
/// word ("North Korean", "Russian"): such names are descriptions, not
/// entities.
pub fn is_demonym(name: &str) -> bool {
    static SET: std::sync::LazyLock<rustc_hash::FxHashSet<&str>> =
        std::sync::LazyLock::new(|| DEMONYMS.iter().copied().collect());
    let mut words = name.split_whitespace().peekable();
    words.peek().is_some() && words.all(|w| with_lower(w, |l| SET.contains(l)))
}

/// Adjectives of nationality stripped from the front of a span.
const DEMONYMS: &[&str] = &[
    "american",
    "russian",
    "japanese",
    "chinese",
    "korean",
    "north",
    "south",
    "british",
    "french",
    "german",
    "italian",
    "spanish",
    "ukrainian",
    "indian",
    "iranian",
    "israeli",
    "palestinian",
    "canadian",
    "australian",
    "brazilian",
    "mexican",
    "turkish",
    "saudi",
    "european",
    "western",
    "eastern",
    "dutch",
    "swiss",
    "polish",
    "egyptian",
    "syrian",
    "iraqi",
    "afghan",
    "pakistani",
    "taiwanese",
    "vietnamese",
    "thai",
    "indonesian",
    "african",
    "asian",
    "arab",
    "u.s.",
    "u.s",
];

/// Capitalised words that are never entities on their own.
const STOP: &[&str] = &[
    "the",
    "a",
    "an",
    "in",
    "on",
    "at",
    "but",
    "and",
    "or",
    "it",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "this",
    "that",
    "these",
    "those",
    "his",
    "her",
    "its",
    "their",
    "our",
    "if",
    "when",
    "while",
    "after",
    "before",
    "as",
    "for",
    "by",
    "with",
    "from",
    "to",
    "of",
    "there",
    "here",
    "some",
    "many",
    "most",
    "all",
    "no",
    "not",
    "so",
    "yet",
    "also",
    "however",
    "meanwhile",
    "what",
    "who",
    "why",
    "how",
    "where",
    "which",
    "one",
    "two",
    "three",
    "last",
    "next",
    "since",
    "until",
    "under",
    "over",
    "about",
    "according",
    "despite",
    "during",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "jan.",
    "feb.",
    "aug.",
    "sept.",
    "oct.",
    "nov.",
    "dec.",
    "today",
    "yesterday",
    "tomorrow",
    "reuter",
    "inc",
    "corp",
    "ltd",
    "co",
    "note",
    "icbm",
    "shr",
    "net",
    "revs",
    "qtr",
    "avg",
    "shrs",
    "mln",
    "pct",
    "dlrs",
    "cts",
    "bbl",
    "tonnes",
];

/// Last words that make a span an organisation.
const ORG_SUFFIXES: &[&str] = &[
    "inc",
    "inc.",
    "corp",
    "corp.",
    "corporation",
    "co",
    "co.",
    "ltd",
    "ltd.",
    "plc",
    "llc",
    "ag",
    "sa",
    "nv",
    "group",
    "bank",
    "agency",
    "party",
    "ministry",
    "council",
    "committee",
    "commission",
    "association",
    "university",
    "institute",
    "fund",
    "exchange",
    "authority",
    "board",
    "company",
    "union",
    "federation",
    "organization",
    "organisation",
    "department",
    "office",
    "court",
    "army",
    "navy",
    "forces",
    "police",
    "news",
    "times",
    "post",
    "journal",
    "airlines",
    "motors",
    "holdings",
    "industries",
    "partners",
    "capital",
    "securities",
    "reserve",
    "administration",
    "service",
];

/// First names that make a two-to-four word span a person.
const FIRST_NAMES: &[&str] = &[
    "john",
    "james",
    "robert",
    "michael",
    "william",
    "david",
    "richard",
    "joseph",
    "thomas",
    "charles",
    "mary",
    "patricia",
    "jennifer",
    "linda",
    "elizabeth",
    "barbara",
    "susan",
    "jessica",
    "sarah",
    "karen",
    "george",
    "ronald",
    "paul",
    "mark",
    "donald",
    "steven",
    "andrew",
    "kenneth",
    "joshua",
    "kevin",
    "brian",
    "edward",
    "anthony",
    "peter",
    "alan",
    "helmut",
    "margaret",
    "jacques",
    "francois",
    "emmanuel",
    "angela",
    "olaf",
    "boris",
    "vladimir",
    "dmitry",
    "sergei",
    "sergey",
    "xi",
    "li",
    "kim",
    "moon",
    "yoon",
    "shinzo",
    "fumio",
    "yoshihide",
    "hirokazu",
    "joe",
    "kamala",
    "hillary",
    "bill",
    "barack",
    "nancy",
    "mike",
    "rishi",
    "keir",
    "liz",
    "theresa",
    "tony",
    "gordon",
    "volodymyr",
    "recep",
    "benjamin",
    "narendra",
    "jair",
    "luiz",
    "justin",
    "jerome",
    "janet",
    "christine",
    "mario",
    "ursula",
    "jens",
    "antonio",
    "alexei",
    "yevgeny",
    "ali",
    "mohammed",
    "muhammad",
    "ahmed",
    "hassan",
    "abdullah",
    "yasuhiro",
    "noboru",
    "kiichi",
    "paul",
    "clayton",
    "jim",
    "bob",
    "tom",
    "dan",
    "frank",
    "henry",
    "jack",
    "lee",
    "karl",
    "hans",
    "gerhard",
];

fn parse_gazetteer(spec: &'static str, kind: EntityKind, into: &mut FxHashMap<String, Vec<GazEntry>>) {
    for item in spec.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let (aliases, canonical) = match item.split_once("=>") {
            Some((a, c)) => (a.trim(), c.trim()),
            None => (item, item),
        };
        let mut all: Vec<&str> = aliases.split('|').map(str::trim).collect();
        all.push(canonical);
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

/// Calls `f` with `w` lower-cased, without allocating for short ASCII
/// words (nearly all words looked up).
fn with_lower<R>(w: &str, f: impl FnOnce(&str) -> R) -> R {
    let mut buf = [0u8; 32];
    if w.len() <= buf.len() && w.is_ascii() {
        let b = &mut buf[..w.len()];
        b.copy_from_slice(w.as_bytes());
        b.make_ascii_lowercase();
        f(std::str::from_utf8(b).expect("ASCII stays UTF-8"))
    } else {
        f(&w.to_lowercase())
    }
}

/// Byte spans of the words of `text`. A word is letters and digits, with
/// inner dots ("U.S."), apostrophes and hyphens; a trailing dot is kept when
/// the word is an initial or abbreviation like "U.S." or "Mr.".
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !c.is_alphanumeric() {
            continue;
        }
        let start = i;
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = chars.peek() {
            if d.is_alphanumeric() {
                end = j + d.len_utf8();
                chars.next();
            } else if matches!(d, '.' | '\'' | '’' | '-' | '&') {
                // Joiners stay inside a word only when a letter follows them.
                let next = text[j + d.len_utf8()..].chars().next();
                match next {
                    Some(n) if n.is_alphanumeric() && !(d == '-' && n.is_uppercase()) => {
                        chars.next();
                    }
                    _ => break,
                }
            } else {
                break;
            }
        }
        // Abbreviation dot: "U.S." or "Mr.".
        if end < bytes.len() && bytes[end] == b'.' && is_abbreviation(&text[start..end]) {
            end += 1;
            while chars.next_if(|&(j, _)| j < end).is_some() {}
        }
        out.push((start, end));
    }
    out
}

fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut out: Vec<Token<'_>> = Vec::new();
    let mut prev_end = 0;
    for (start, end) in word_spans(text) {
        let gap = &text[prev_end..start];
        let first = out.is_empty();
        let broken = first || gap.chars().any(|c| !c.is_whitespace() || c == '\n');
        let prev_ends_sentence = out
            .last()
            .map(|t: &Token<'_>| t.text.ends_with('.') && t.text.len() > 3)
            .unwrap_or(false);
        let sentence_start =
            first || gap.contains(['.', '!', '?', '\n', '"', '“', '‘', ':']) || prev_ends_sentence;
        let mut text_w = &text[start..end];
        let mut possessive = false;
        for suf in ["'s", "’s", "'", "’"] {
            if text_w.len() > suf.len() && text_w.ends_with(suf) {
                if suf.len() <= 1 || suf == "’" {
                    // Plural possessive ("Workers'") stays part of a name.
                    break;
                }
                text_w = &text_w[..text_w.len() - suf.len()];
                possessive = true;
                break;
            }
        }
        let para_start = first || gap.contains("\n\n");
        let dateline = para_start && text[end..].starts_with(',') && !text_w.chars().any(char::is_lowercase);
        out.push(Token {
            text: text_w,
            start,
            end: start + text_w.len(),
            broken,
            sentence_start,
            possessive,
            ticker: gap.ends_with('<'),
            dateline,
        });
        prev_end = end;
    }
    out
}

fn is_cap(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

fn is_acronym(w: &str) -> bool {
    let letters: Vec<char> = w.chars().filter(|c| *c != '.').collect();
    (2..=6).contains(&letters.len()) && letters.iter().all(|c| c.is_ascii_uppercase())
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
        let toks = tokenize(text);
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
        let toks = tokenize(text);
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
        for org in ["Reuters", "KCNA", "Kremlin"] {
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
