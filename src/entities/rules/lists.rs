//! The rule-based extractor's word lists: places and organisations with
//! their aliases, titles, stop words, organisation suffixes, first names,
//! nationality adjectives. Data as code: each is a constant table.

use super::tokens::with_lower;

/// `alias|alias => Canonical` lines; the canonical name is also an alias.
pub(crate) const PLACES: &str = "
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
Uganda; Ukraine; United Arab Emirates|UAE => United Arab Emirates; Britain|United Kingdom|UK|U.K.|Great Britain => United Kingdom;
United States|U.S.|USA|U.S.A.|US => United States; Uruguay; Uzbekistan; Venezuela; Vietnam|Viet Nam => Vietnam;
Yemen; Zambia; Zimbabwe; Soviet Union|USSR => Soviet Union; Europe; Asia; Africa; Latin America; Middle East;
Gulf; Persian Gulf; Crimea; Gaza|Gaza Strip => Gaza Strip; West Bank; Kosovo; Scotland; Wales; England; Northern Ireland;
Washington|Washington D.C.|Washington, D.C. => Washington, D.C.; New York|New York City|NYC => New York City;
New York State|New York state => New York; London; Paris; Berlin; Bonn; Brussels; Moscow; Kyiv|Kiev => Kyiv; Beijing|Peking => Beijing;
Tokyo; Seoul; Pyongyang; Shanghai; Hong Kong; Taipei; Singapore; Sydney; Melbourne; Toronto; Ottawa;
Montreal; Chicago; Los Angeles; San Francisco; Boston; Houston; Dallas; Detroit; Miami; Atlanta;
Frankfurt; Munich; Hamburg; Zurich|Zürich => Zürich; Geneva; Vienna; Rome; Milan; Madrid; Barcelona; Lisbon; Amsterdam;
Rotterdam; Stockholm; Oslo; Copenhagen; Helsinki; Warsaw; Prague; Budapest; Athens; Istanbul; Ankara;
Cairo; Tehran; Baghdad; Riyadh; Dubai; Jerusalem; Tel Aviv; Beirut; Damascus; Kabul; Islamabad;
New Delhi; Delhi; Mumbai|Bombay => Mumbai; Bangkok; Jakarta; Manila; Kuala Lumpur; Hanoi; Johannesburg; Nairobi;
Lagos; Buenos Aires; Sao Paulo|São Paulo => São Paulo; Duesseldorf|Dusseldorf|Düsseldorf => Düsseldorf; San Sebastian|San Sebastián => San Sebastián; Rio de Janeiro; Mexico City; Caracas; Bogota; Lima; Santiago; Havana;
Vladivostok; Khasan; St Petersburg|St. Petersburg|Saint Petersburg => Saint Petersburg; Minsk; Tbilisi; Osaka; Kyoto; Okinawa; Sea of Japan|East Sea => Sea of Japan;
California; Texas; Florida; Illinois; Ohio; Michigan; Pennsylvania; New Jersey; Virginia; Massachusetts;
Alaska; Hawaii; Louisiana; Oklahoma; Iowa; Kansas; Nebraska; Minnesota; Wisconsin; Colorado; Arizona;
Oregon; Montana; Wyoming; N.Y. => New York; N.J. => New Jersey; Calif. => California; Mass. => Massachusetts;
Conn. => Connecticut; Ill. => Illinois; Pa. => Pennsylvania; Tex. => Texas; Ohio; Fla. => Florida; Arctic; Antarctica; Pacific; Atlantic; Baltic; Black Sea; Mediterranean;
North Sea; South China Sea; Taiwan Strait; Hormuz|Strait of Hormuz => Strait of Hormuz; Siberia; Donbas; Kharkiv; Odesa|Odessa => Odesa;
Mariupol; Bakhmut; Kherson; Zaporizhzhia; Lviv; Sahel; Caribbean; Balkans; Scandinavia; Latin America
";

pub(crate) const ORGS: &str = "
Reuters; Associated Press|AP => Associated Press; Agence France-Presse|AFP => Agence France-Presse; Bloomberg; KCNA|Korean Central News Agency => Korean Central News Agency;
NHK; Kyodo|Kyodo News => Kyodo News; Yonhap; Xinhua; TASS; Interfax; BBC; CNN; Kremlin => Moscow Kremlin; White House; Pentagon;
Congress|U.S. Congress|US Congress|United States Congress => United States Congress;
Senate|U.S. Senate|US Senate|United States Senate => United States Senate;
House of Representatives|U.S. House of Representatives|U.S. House => United States House of Representatives;
State Department|U.S. State Department|Department of State => United States Department of State;
Labor Department|U.S. Labor Department|Department of Labor => United States Department of Labor;
Commerce Department|U.S. Commerce Department|Department of Commerce => United States Department of Commerce;
Treasury Department|U.S. Treasury|U.S. Treasury Department|US Treasury => United States Department of the Treasury;
Parliament; Treasury; Federal Reserve|Fed => Federal Reserve;
European Union|EU => European Union; European Community|EC|EEC => European Community; United Nations|UN|U.N. => United Nations;
UN Security Council|Security Council => UN Security Council; NATO; IMF|International Monetary Fund => International Monetary Fund;
World Bank; World Trade Organization|WTO => World Trade Organization; GATT; G7|Group of Seven => Group of Seven; G20; OECD; ASEAN; African Union;
Joint Chiefs of Staff; Workers' Party of Korea|WPK => Workers' Party of Korea; Communist Party; Bundesbank;
Bank of England; Bank of Japan; European Central Bank|ECB => European Central Bank; People's Bank of China;
Wall Street; Nasdaq; New York Stock Exchange|NYSE => New York Stock Exchange; SEC|Securities and Exchange Commission|U.S. Securities and Exchange Commission => U.S. Securities and Exchange Commission;
FBI; CIA; NASA; OPEC|Organization of the Petroleum Exporting Countries => OPEC; Hamas; Hezbollah; Taliban; Wagner Group|Wagner => Wagner Group; Gazprom; Rosneft; Apple; Google;
Microsoft; Amazon; Meta; Facebook; Twitter; Tesla; Boeing; Airbus; Toyota; Samsung; IAEA; WHO|World Health Organization => World Health Organization;
Red Cross; Amnesty International; Greenpeace; Supreme Court; Ministry of Defence; Defence Ministry; Foreign Ministry;
Standard & Poor's|Standard and Poor's|Standard & Poor|Standard and Poor|S&P => Standard & Poor's; Moody's|Moody's Investors Service => Moody's;
Fitch|Fitch Ratings => Fitch Ratings; CBI|Confederation of British Industry => Confederation of British Industry;
Labour|Labour Party => Labour Party; Conservative Party|Conservatives|Tories|Tory|Tory Party => Conservative Party;
Democratic Party|Democrats|Democrat|Democratic => Democratic Party; Republican Party|Republicans|Republican|GOP => Republican Party;
Wall Street Journal => The Wall Street Journal; Financial Times; New York Times => The New York Times;
Thomson Reuters; Freddie Mac; Fannie Mae; Sallie Mae; Ginnie Mae; Goldman Sachs; Morgan Stanley; Lehman Brothers; Bear Stearns;
JPMorgan Chase|JPMorgan|JP Morgan|JP Morgan Chase|J.P. Morgan => JPMorgan Chase; Berkshire Hathaway; Merrill Lynch
";

/// Capitalised words that precede a person's name and are not part of it.
pub(crate) const TITLES: &[&str] = &[
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
pub(crate) const MODIFIERS: &[&str] = &[
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
pub(crate) const NEVER_ALONE: &[&str] = &[
    "inc", "corp", "co", "ltd", "plc", "llc", "reuter", "shr", "shrs", "net", "revs", "qtr", "avg", "mln",
    "pct", "dlrs", "cts", "bbl", "tonnes", "note", "mp", "mps", "no", "ok",
];

/// Is `name` one of [`NEVER_ALONE`] (trailing period and case aside)?
pub fn is_never_alone(name: &str) -> bool {
    let w = name.trim_end_matches('.');
    !w.contains(' ') && with_lower(w, |l| NEVER_ALONE.contains(&l))
}

/// True when `word` alone is a listed place or a nationality adjective
/// ("Russia", "Gaza", "Israeli"), case aside: a hyphen next to one joins
/// two names ("Russia-Ukraine", "Israeli-Palestinian").
pub fn is_place_word(word: &str) -> bool {
    static SET: std::sync::LazyLock<rustc_hash::FxHashSet<String>> = std::sync::LazyLock::new(|| {
        let places = PLACES
            .split([';', '|'])
            .flat_map(|item| item.split("=>"))
            .map(|w| w.trim().to_lowercase())
            .filter(|w| !w.is_empty() && !w.contains(' '));
        places.chain(DEMONYMS.iter().map(|d| d.to_string())).collect()
    });
    with_lower(word, |l| SET.contains(l))
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
pub(crate) const DEMONYMS: &[&str] = &[
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
pub(crate) const STOP: &[&str] = &[
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
pub(crate) const ORG_SUFFIXES: &[&str] = &[
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
pub(crate) const FIRST_NAMES: &[&str] = &[
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
