//! The query language: parsed here into a small syntax tree, which
//! [`crate::search`] turns into tantivy queries.
//!
//! ```text
//! ballistic missile          both words (AND is implied)
//! "ballistic missile"        the exact phrase ("…"~2: within two words)
//! missile OR rocket          either word; OR binds tighter than AND, so
//!                            `north korea missile OR rocket` needs
//!                            missile or rocket, and north, and korea
//! NOT rocket, -rocket        without the word
//! (a OR b) c                 grouping
//! title:missile              in a field: title body person org place source author ticker
//! person:"Vladimir Putin"    an entity, by its canonical name (any case)
//! date:2023-09               a day, month (2023-09) or year (2023)
//! date:[2023-09-01 TO 2023-09-30]   a range of days ({…} excludes the ends,
//!                                   * leaves an end open)
//! missil*                    words starting with "missil"
//! kremlin~1                  words within one edit of "kremlin" (up to ~2)
//! ```
//!
//! We parse ourselves, rather than use tantivy's parser, so that an error
//! can say where it is (`at column 12: unclosed quote`) and so that entity
//! and date fields get their own meaning.

use chrono::NaiveDate;

use crate::text::dates;

/// Deepest nesting of parentheses and NOTs a query may have.
pub const MAX_DEPTH: usize = 32;

/// A field a clause is restricted to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryField {
    Title,
    Body,
    Person,
    Org,
    Place,
    Source,
    Author,
    Ticker,
    Date,
}

impl QueryField {
    pub const ALL: [(&'static str, QueryField); 9] = [
        ("title", QueryField::Title),
        ("body", QueryField::Body),
        ("person", QueryField::Person),
        ("org", QueryField::Org),
        ("place", QueryField::Place),
        ("source", QueryField::Source),
        ("author", QueryField::Author),
        ("ticker", QueryField::Ticker),
        ("date", QueryField::Date),
    ];

    fn named(name: &str) -> Option<QueryField> {
        let lower = name.to_ascii_lowercase();
        Self::ALL.iter().find(|(n, _)| *n == lower).map(|(_, f)| *f)
    }

    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(_, f)| *f == self).map_or("", |(n, _)| n)
    }

    /// Entity and source fields hold whole names, not analysed text.
    pub fn is_name(self) -> bool {
        matches!(
            self,
            QueryField::Person
                | QueryField::Org
                | QueryField::Place
                | QueryField::Source
                | QueryField::Author
                | QueryField::Ticker
        )
    }
}

/// How a single word matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TermKind {
    Exact,
    /// `missil*`
    Prefix,
    /// `kremlin~1`: at most this many edits.
    Fuzzy(u8),
}

/// A parsed query.
#[derive(Clone, Debug, PartialEq)]
pub enum Ast {
    /// `*` or an empty query: every article.
    All,
    Term {
        field: Option<QueryField>,
        text: String,
        kind: TermKind,
        /// 1-based column of the term, for errors found later (an unknown
        /// entity name).
        column: usize,
    },
    Phrase {
        field: Option<QueryField>,
        text: String,
        slop: u32,
        column: usize,
    },
    /// Days from `from` to `to`, both included; `None` is open.
    Dates {
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    },
    And(Vec<Ast>),
    Or(Vec<Ast>),
    Not(Box<Ast>),
}

/// A query that does not parse, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("at column {column}: {message}")]
pub struct SyntaxError {
    /// 1-based character position of the problem.
    pub column: usize,
    pub message: String,
}

/// Parses query text.
pub fn parse(text: &str) -> Result<Ast, SyntaxError> {
    let mut p = Parser {
        chars: text.chars().collect(),
        at: 0,
        depth: 0,
    };
    p.skip_ws();
    if p.at == p.chars.len() || text.trim() == "*" {
        return Ok(Ast::All);
    }
    let ast = p.and(None)?;
    p.skip_ws();
    if p.at < p.chars.len() {
        // `and` only stops early at a ')'.
        return Err(p.error_here("unmatched \")\""));
    }
    Ok(ast)
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    depth: usize,
}

fn is_word_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, '(' | ')' | '"')
}

impl Parser {
    fn error_at(&self, at: usize, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            column: at + 1,
            message: message.into(),
        }
    }

    fn error_here(&self, message: impl Into<String>) -> SyntaxError {
        self.error_at(self.at, message)
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    fn at_end_of_group(&self) -> bool {
        matches!(self.peek(), None | Some(')'))
    }

    /// The operator keyword (AND, OR, NOT; capitals only) starting here.
    fn keyword(&self) -> Option<&'static str> {
        let rest = &self.chars[self.at..];
        ["AND", "OR", "NOT"].into_iter().find(|k| {
            let n = k.len();
            rest.len() >= n
                && rest[..n].iter().copied().eq(k.chars())
                && rest
                    .get(n)
                    .is_none_or(|&c| c.is_whitespace() || c == '(' || c == '"')
        })
    }

    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_here(format!("nested more than {MAX_DEPTH} levels deep")));
        }
        Ok(())
    }

    /// Clauses that must all match, up to the end or a ')'.
    fn and(&mut self, field: Option<QueryField>) -> Result<Ast, SyntaxError> {
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            if self.at_end_of_group() {
                break;
            }
            match self.keyword() {
                Some(k @ ("AND" | "OR")) => {
                    if items.is_empty() {
                        return Err(self.error_here(format!("\"{k}\" needs a term before it")));
                    }
                    let op = self.at;
                    self.at += k.len();
                    self.skip_ws();
                    if self.at_end_of_group() || matches!(self.keyword(), Some("AND" | "OR")) {
                        return Err(self.error_at(op, format!("\"{k}\" needs a term after it")));
                    }
                    if k == "OR" {
                        // `a AND OR b` and similar: OR after AND.
                        return Err(self.error_at(op, "\"OR\" needs a term before it"));
                    }
                }
                _ => items.push(self.or(field)?),
            }
        }
        Ok(match items.len() {
            1 => items.pop().expect("one item"),
            _ => Ast::And(items),
        })
    }

    /// `a OR b OR …`
    fn or(&mut self, field: Option<QueryField>) -> Result<Ast, SyntaxError> {
        let mut items = vec![self.unary(field)?];
        loop {
            let save = self.at;
            self.skip_ws();
            if self.keyword() != Some("OR") {
                self.at = save;
                break;
            }
            let op = self.at;
            self.at += 2;
            self.skip_ws();
            if self.at_end_of_group() || matches!(self.keyword(), Some("AND" | "OR")) {
                return Err(self.error_at(op, "\"OR\" needs a term after it"));
            }
            items.push(self.unary(field)?);
        }
        Ok(match items.len() {
            1 => items.pop().expect("one item"),
            _ => Ast::Or(items),
        })
    }

    fn unary(&mut self, field: Option<QueryField>) -> Result<Ast, SyntaxError> {
        self.skip_ws();
        let next_is_term = |p: &Parser| {
            p.chars
                .get(p.at + 1)
                .is_some_and(|&c| !c.is_whitespace() && c != ')')
        };
        if self.keyword() == Some("NOT") {
            let op = self.at;
            self.at += 3;
            self.skip_ws();
            if self.at_end_of_group() || self.keyword().is_some_and(|k| k != "NOT") {
                return Err(self.error_at(op, "\"NOT\" needs a term after it"));
            }
            self.enter()?;
            let inner = self.unary(field)?;
            self.depth -= 1;
            return Ok(Ast::Not(Box::new(inner)));
        }
        match self.peek() {
            Some('-') if next_is_term(self) => {
                self.at += 1;
                self.enter()?;
                let inner = self.unary(field)?;
                self.depth -= 1;
                Ok(Ast::Not(Box::new(inner)))
            }
            Some('+') if next_is_term(self) => {
                self.at += 1;
                self.primary(field)
            }
            _ => self.primary(field),
        }
    }

    fn primary(&mut self, field: Option<QueryField>) -> Result<Ast, SyntaxError> {
        let start = self.at;
        match self.peek() {
            Some('(') => {
                self.at += 1;
                self.enter()?;
                self.skip_ws();
                if self.peek() == Some(')') {
                    return Err(self.error_at(start, "empty parentheses"));
                }
                let inner = self.and(field)?;
                self.skip_ws();
                if self.peek() != Some(')') {
                    return Err(self.error_at(start, "unclosed \"(\""));
                }
                self.at += 1;
                self.depth -= 1;
                Ok(inner)
            }
            Some(')') => Err(self.error_here("unmatched \")\"")),
            Some('"') => self.phrase(field),
            Some('[' | '{') if field == Some(QueryField::Date) => self.range(),
            Some('[' | '{') => {
                Err(self.error_here("a range needs the date field: date:[2023-09-01 TO 2023-09-30]"))
            }
            _ => self.word(field),
        }
    }

    fn phrase(&mut self, field: Option<QueryField>) -> Result<Ast, SyntaxError> {
        let column = self.at + 1;
        let open = self.at;
        self.at += 1;
        let from = self.at;
        while self.peek().is_some_and(|c| c != '"') {
            self.at += 1;
        }
        if self.peek().is_none() {
            return Err(self.error_at(open, "unclosed quote"));
        }
        let text: String = self.chars[from..self.at].iter().collect();
        self.at += 1;
        if text.trim().is_empty() {
            return Err(self.error_at(open, "empty phrase"));
        }
        let mut slop = 0;
        if self.peek() == Some('~') {
            let tilde = self.at;
            self.at += 1;
            let digits = self.take_while(|c| c.is_ascii_digit());
            slop = digits.parse::<u32>().ok().filter(|&n| n <= 100).ok_or_else(|| {
                self.error_at(tilde, "a phrase's \"~\" takes a word distance from 0 to 100")
            })?;
        }
        if field == Some(QueryField::Date) {
            return self.period(&text, open + 1);
        }
        Ok(Ast::Phrase {
            field,
            text,
            slop,
            column,
        })
    }

    fn take_while(&mut self, f: impl Fn(char) -> bool) -> String {
        let from = self.at;
        while self.peek().is_some_and(&f) {
            self.at += 1;
        }
        self.chars[from..self.at].iter().collect()
    }

    fn word(&mut self, field: Option<QueryField>) -> Result<Ast, SyntaxError> {
        let start = self.at;
        // A field name: letters then ':' (only where no field applies yet).
        if field.is_none() {
            let name = self.take_while(|c| c.is_alphabetic());
            if !name.is_empty() && self.peek() == Some(':') {
                let Some(f) = QueryField::named(&name) else {
                    let known: Vec<&str> = QueryField::ALL.iter().map(|(n, _)| *n).collect();
                    return Err(self.error_at(
                        start,
                        format!("unknown field \"{name}:\" (fields: {})", known.join(", ")),
                    ));
                };
                self.at += 1;
                return match self.peek() {
                    None => Err(self.error_at(start, format!("\"{name}:\" needs a value"))),
                    Some(c) if c.is_whitespace() || c == ')' => {
                        Err(self.error_at(start, format!("\"{name}:\" needs a value")))
                    }
                    Some('(') => {
                        self.enter()?;
                        let open = self.at;
                        self.at += 1;
                        let inner = self.and(Some(f))?;
                        self.skip_ws();
                        if self.peek() != Some(')') {
                            return Err(self.error_at(open, "unclosed \"(\""));
                        }
                        self.at += 1;
                        self.depth -= 1;
                        Ok(inner)
                    }
                    _ => self.primary(Some(f)),
                };
            }
            self.at = start;
        }
        let raw = self.take_while(is_word_char);
        if field == Some(QueryField::Date) {
            return self.period(&raw, start);
        }
        if let Some(stem) = raw.strip_suffix('*') {
            let stem = stem.trim_end_matches('*');
            if stem.is_empty() {
                return match field {
                    None => Ok(Ast::All),
                    Some(f) => Err(self.error_at(start, format!("\"{}:*\" is not a query", f.name()))),
                };
            }
            if stem.chars().count() < 2 {
                return Err(self.error_at(start, "a prefix needs at least 2 characters before \"*\""));
            }
            if stem.contains(['*', '?', '~']) {
                return Err(self.error_at(start, "\"*\" only ends a word: missil*"));
            }
            return Ok(self.term(field, stem, TermKind::Prefix, start));
        }
        if let Some((word, dist)) = raw.rsplit_once('~') {
            let d = if dist.is_empty() {
                Ok(1)
            } else {
                dist.parse::<u8>()
            };
            match d {
                Ok(d) if d <= 2 && !word.is_empty() => {
                    return Ok(self.term(field, word, TermKind::Fuzzy(d), start));
                }
                _ => {
                    return Err(self.error_at(
                        start,
                        format!(
                            "\"{raw}\": a fuzzy term is a word and a distance of 0, 1 or 2, as in kremlin~1"
                        ),
                    ))
                }
            }
        }
        Ok(self.term(field, &raw, TermKind::Exact, start))
    }

    fn term(&self, field: Option<QueryField>, text: &str, kind: TermKind, at: usize) -> Ast {
        Ast::Term {
            field,
            text: text.to_string(),
            kind,
            column: at + 1,
        }
    }

    fn period(&self, text: &str, at: usize) -> Result<Ast, SyntaxError> {
        let (from, to) = dates::parse_period(text).ok_or_else(|| {
            self.error_at(
                at,
                format!("\"{text}\" is not a date: use 2023, 2023-09, 2023-09-13 or a range [2023-09-01 TO 2023-09-30]"),
            )
        })?;
        Ok(Ast::Dates {
            from: Some(from),
            to: Some(to),
        })
    }

    /// `[A TO B]`, `{A TO B}`, either end `*`.
    fn range(&mut self) -> Result<Ast, SyntaxError> {
        let open = self.at;
        let inclusive = self.peek() == Some('[');
        let close = if inclusive { ']' } else { '}' };
        self.at += 1;
        let from = self.at;
        while self.peek().is_some_and(|c| c != close && c != ']' && c != '}') {
            self.at += 1;
        }
        if self.peek() != Some(close) {
            return Err(self.error_at(
                open,
                format!("unclosed \"{}\" (expected \"{close}\")", self.chars[open]),
            ));
        }
        let inner: String = self.chars[from..self.at].iter().collect();
        self.at += 1;
        let parts: Vec<&str> = inner.split_whitespace().collect();
        let [a, "TO", b] = parts[..] else {
            return Err(self.error_at(open, "a range is written [2023-09-01 TO 2023-09-30]"));
        };
        let end = |s: &str, first: bool| -> Result<Option<NaiveDate>, SyntaxError> {
            if s == "*" {
                return Ok(None);
            }
            let (lo, hi) = dates::parse_period(s).ok_or_else(|| {
                self.error_at(
                    open,
                    format!("\"{s}\" is not a date: use 2023, 2023-09 or 2023-09-13"),
                )
            })?;
            Ok(Some(match (first, inclusive) {
                (true, true) => lo,
                (true, false) => hi.succ_opt().unwrap_or(hi),
                (false, true) => hi,
                (false, false) => lo.pred_opt().unwrap_or(lo),
            }))
        };
        let (from, to) = (end(a, true)?, end(b, false)?);
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                return Err(self.error_at(open, format!("the range [{a} TO {b}] holds no day")));
            }
        }
        Ok(Ast::Dates { from, to })
    }
}

/// A one-line message pointing into the query: `… ballistic "missile …`.
pub fn excerpt(query: &str, column: usize) -> String {
    let chars: Vec<char> = query.chars().collect();
    let at = column.saturating_sub(1).min(chars.len());
    let from = at.saturating_sub(20);
    let to = (at + 20).min(chars.len());
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.extend(&chars[from..at]);
    out.push_str(" >>>");
    out.extend(&chars[at..to]);
    if to < chars.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Ast {
        Ast::Term {
            field: None,
            text: text.into(),
            kind: TermKind::Exact,
            column: 0,
        }
    }

    /// Columns zeroed, to compare shapes.
    fn shape(a: Ast) -> Ast {
        match a {
            Ast::Term {
                field, text, kind, ..
            } => Ast::Term {
                field,
                text,
                kind,
                column: 0,
            },
            Ast::Phrase {
                field, text, slop, ..
            } => Ast::Phrase {
                field,
                text,
                slop,
                column: 0,
            },
            Ast::And(v) => Ast::And(v.into_iter().map(shape).collect()),
            Ast::Or(v) => Ast::Or(v.into_iter().map(shape).collect()),
            Ast::Not(b) => Ast::Not(Box::new(shape(*b))),
            other => other,
        }
    }

    fn p(q: &str) -> Ast {
        shape(parse(q).unwrap_or_else(|e| panic!("{q}: {e}")))
    }

    fn err(q: &str) -> SyntaxError {
        parse(q).expect_err(q)
    }

    #[test]
    fn boolean_structure_and_precedence() {
        assert_eq!(p("a b"), Ast::And(vec![t("a"), t("b")]));
        assert_eq!(p("a AND b"), p("a b"));
        assert_eq!(
            p("a b OR c"),
            Ast::And(vec![t("a"), Ast::Or(vec![t("b"), t("c")])])
        );
        assert_eq!(
            p("(a b) OR c"),
            Ast::Or(vec![Ast::And(vec![t("a"), t("b")]), t("c")])
        );
        assert_eq!(p("a -b"), Ast::And(vec![t("a"), Ast::Not(Box::new(t("b")))]));
        assert_eq!(p("a NOT b"), p("a -b"));
        assert_eq!(p("+a"), t("a"));
        assert_eq!(p("a - b"), Ast::And(vec![t("a"), t("-"), t("b")]));
        assert_eq!(p("and or not"), Ast::And(vec![t("and"), t("or"), t("not")]));
        assert_eq!(p(""), Ast::All);
        assert_eq!(p(" * "), Ast::All);
    }

    #[test]
    fn fields_phrases_prefixes_fuzzy_and_dates() {
        let d = |s| dates::parse_ymd(s);
        assert_eq!(
            p("title:\"north korea\"~2"),
            Ast::Phrase {
                field: Some(QueryField::Title),
                text: "north korea".into(),
                slop: 2,
                column: 0
            }
        );
        assert!(
            matches!(p("missil*"), Ast::Term { kind: TermKind::Prefix, ref text, .. } if text == "missil")
        );
        assert!(matches!(
            p("kremlin~"),
            Ast::Term {
                kind: TermKind::Fuzzy(1),
                ..
            }
        ));
        assert!(matches!(
            p("kremlin~2"),
            Ast::Term {
                kind: TermKind::Fuzzy(2),
                ..
            }
        ));
        assert!(matches!(p("person:(putin OR biden)"), Ast::Or(ref v) if v.len() == 2));
        assert_eq!(
            p("date:2023-09"),
            Ast::Dates {
                from: d("2023-09-01"),
                to: d("2023-09-30")
            }
        );
        assert_eq!(
            p("date:[2023-09-01 TO 2023-09-30]"),
            Ast::Dates {
                from: d("2023-09-01"),
                to: d("2023-09-30")
            }
        );
        assert_eq!(
            p("date:{2023-09-01 TO *}"),
            Ast::Dates {
                from: d("2023-09-02"),
                to: None
            }
        );
        assert_eq!(
            p("date:[* TO 2023]"),
            Ast::Dates {
                from: None,
                to: d("2023-12-31")
            }
        );
        assert_eq!(p("10:30"), t("10:30"));
        assert_eq!(
            p("TITLE:x"),
            Ast::Term {
                field: Some(QueryField::Title),
                text: "x".into(),
                kind: TermKind::Exact,
                column: 0
            }
        );
    }

    #[test]
    fn errors_say_where() {
        let cases = [
            ("ballistic \"missile", 11, "unclosed quote"),
            ("(a OR b", 1, "unclosed \"(\""),
            ("a OR b)", 7, "unmatched \")\""),
            ("a OR", 3, "\"OR\" needs a term after it"),
            ("OR a", 1, "\"OR\" needs a term before it"),
            ("a AND", 3, "\"AND\" needs a term after it"),
            ("a NOT", 3, "\"NOT\" needs a term after it"),
            ("foo:bar", 1, "unknown field \"foo:\""),
            ("title:", 1, "\"title:\" needs a value"),
            ("date:2023-13", 6, "is not a date"),
            ("date:[2023-10 TO 2023-09]", 6, "holds no day"),
            ("date:[2023-10 2023-09]", 6, "a range is written"),
            ("x [a TO b]", 3, "a range needs the date field"),
            ("k~3", 1, "fuzzy"),
            ("a*", 1, "at least 2 characters"),
            ("a ()", 3, "empty parentheses"),
            ("\"\"", 1, "empty phrase"),
        ];
        for (q, column, msg) in cases {
            let e = err(q);
            assert_eq!(e.column, column, "{q}: {e}");
            assert!(e.message.contains(msg), "{q}: {e}");
        }
        let deep = "(".repeat(100) + "a" + &")".repeat(100);
        assert!(err(&deep).message.contains("nested"));
        let nots = "NOT ".repeat(100) + "a";
        assert!(err(&nots).message.contains("nested"));
    }

    #[test]
    fn excerpt_points_at_the_column() {
        assert_eq!(excerpt("ballistic \"missile", 11), "ballistic  >>>\"missile");
    }
}
