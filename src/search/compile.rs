//! Turns a parsed query ([`crate::query::Ast`]) and a request's filters into
//! a tantivy query, checking entity names against the index on the way.

use std::collections::BTreeSet;
use std::ops::Bound;

use chrono::NaiveDate;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, ExistsQuery, FuzzyTermQuery, Occur,
    PhraseQuery, Query, RangeQuery, RegexQuery, TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::entities::EntityKind;
use crate::error::{Error, Result};
use crate::index::schema;
use crate::index::NewsIndex;
use crate::query::{Ast, QueryField, TermKind};
use crate::text::dates;

/// Title matches weigh this much more than body matches.
pub const TITLE_BOOST: f32 = 2.0;

/// What the highlighter should mark: analysed terms, prefixes and fuzzy
/// terms from the positive (not negated) text clauses.
#[derive(Default, Debug)]
pub struct HighlightTerms {
    /// Copied from [`Compiler::one_word`].
    pub one_word: bool,
    pub exact: BTreeSet<String>,
    pub prefixes: Vec<String>,
    pub fuzzy: Vec<(String, u8)>,
}

pub struct Compiler<'a> {
    index: &'a NewsIndex,
    searcher: &'a Searcher,
    query: &'a str,
    pub highlight: HighlightTerms,
    /// The query is one word of text, which compiles to a disjunction of
    /// term queries (title, body): the one shape that block-max WAND ranks
    /// while skipping most matches, so ranking apart from counting pays.
    pub one_word: bool,
    /// Prefix and fuzzy terms so far.
    expanding: usize,
}

/// Most prefix and fuzzy terms in one query: each one walks much of the
/// term dictionary, so their number, not the query's length, is its cost.
pub const MAX_EXPANDING_TERMS: usize = 8;

type Clause = (Occur, Box<dyn Query>);

impl<'a> Compiler<'a> {
    pub fn new(index: &'a NewsIndex, searcher: &'a Searcher, query: &'a str) -> Self {
        Compiler {
            index,
            searcher,
            query,
            highlight: HighlightTerms::default(),
            one_word: false,
            expanding: 0,
        }
    }

    fn syntax(&self, column: usize, message: impl Into<String>) -> Error {
        Error::Query {
            query: self.query.to_string(),
            column,
            message: message.into(),
        }
    }

    /// The tantivy query of a parsed query.
    pub fn compile(&mut self, ast: &Ast) -> Result<Box<dyn Query>> {
        let query = self.node(ast, false)?;
        self.one_word = matches!(ast, Ast::Term { field, kind: TermKind::Exact, .. }
                if !field.is_some_and(|f| f.is_name() || f == QueryField::Date))
            && self.highlight.exact.len() == 1;
        Ok(query)
    }

    fn node(&mut self, ast: &Ast, negated: bool) -> Result<Box<dyn Query>> {
        Ok(match ast {
            Ast::All => Box::new(AllQuery),
            Ast::Term {
                field,
                text,
                kind,
                column,
            } => self.term(*field, text, *kind, *column, negated)?,
            Ast::Phrase {
                field,
                text,
                slop,
                column,
            } => self.phrase(*field, text, *slop, *column, negated)?,
            Ast::Dates { from, to } => date_range(self.index.fields().date, *from, *to),
            Ast::And(items) => {
                let mut clauses: Vec<Clause> = Vec::new();
                for item in items {
                    match item {
                        Ast::Not(inner) => clauses.push((Occur::MustNot, self.node(inner, !negated)?)),
                        _ => clauses.push((Occur::Must, self.node(item, negated)?)),
                    }
                }
                with_positive(clauses)
            }
            Ast::Or(items) => {
                let mut clauses: Vec<Clause> = Vec::new();
                for item in items {
                    clauses.push((Occur::Should, self.node(item, negated)?));
                }
                Box::new(BooleanQuery::new(clauses))
            }
            Ast::Not(inner) => with_positive(vec![(Occur::MustNot, self.node(inner, !negated)?)]),
        })
    }

    /// Analysed tokens of `text` with the title/body analyzer.
    fn analyse(&self, text: &str) -> Result<Vec<String>> {
        analyse(self.index, text)
    }

    fn text_fields(&self, field: Option<QueryField>) -> Vec<(Field, f32)> {
        let f = self.index.fields();
        match field {
            Some(QueryField::Title) => vec![(f.title, 1.0)],
            Some(QueryField::Body) => vec![(f.body, 1.0)],
            _ => vec![(f.title, TITLE_BOOST), (f.body, 1.0)],
        }
    }

    fn term(
        &mut self,
        field: Option<QueryField>,
        text: &str,
        kind: TermKind,
        column: usize,
        negated: bool,
    ) -> Result<Box<dyn Query>> {
        self.bound_cost(text, kind, column)?;
        if let Some(f) = field.filter(|f| f.is_name()) {
            return self.name(f, text, kind, column);
        }
        let fields = self.text_fields(field);
        match kind {
            TermKind::Exact => {
                let tokens = self.analyse(text)?;
                self.words(&fields, tokens, 0, negated)
            }
            TermKind::Prefix => {
                let prefix = text.to_lowercase();
                if !negated {
                    self.highlight.prefixes.push(prefix.clone());
                }
                let mut clauses: Vec<Clause> = Vec::new();
                for (field, boost) in fields {
                    let q = self.prefix_query(field, &prefix, column)?;
                    clauses.push((Occur::Should, boosted(q, boost)));
                }
                Ok(Box::new(BooleanQuery::new(clauses)))
            }
            TermKind::Fuzzy(d) => {
                let tokens = self.analyse(text)?;
                let [token] = &tokens[..] else {
                    return Err(self.syntax(column, format!("\"{text}\": a fuzzy term must be one word")));
                };
                if !negated {
                    self.highlight.fuzzy.push((token.clone(), d));
                }
                let mut clauses: Vec<Clause> = Vec::new();
                for (field, boost) in fields {
                    let q = FuzzyTermQuery::new(Term::from_field_text(field, token), d, true);
                    clauses.push((Occur::Should, boosted(Box::new(q), boost)));
                }
                Ok(Box::new(BooleanQuery::new(clauses)))
            }
        }
    }

    /// Refuses what would make a query expensive: too many prefix and
    /// fuzzy terms, and edits that make a short word match nearly every
    /// word ("ab~2" matches every word of up to four letters).
    fn bound_cost(&mut self, text: &str, kind: TermKind, column: usize) -> Result<()> {
        if kind == TermKind::Exact {
            return Ok(());
        }
        self.expanding += 1;
        if self.expanding > MAX_EXPANDING_TERMS {
            return Err(self.syntax(
                column,
                format!("more than {MAX_EXPANDING_TERMS} prefix or fuzzy terms in one query"),
            ));
        }
        if let TermKind::Fuzzy(d) = kind {
            let need = 2 * d as usize + 1;
            if text.chars().count() < need {
                return Err(self.syntax(
                    column,
                    format!("\"{text}~{d}\": {d} edits need a word of at least {need} letters"),
                ));
            }
        }
        Ok(())
    }

    fn prefix_query(&self, field: Field, prefix: &str, column: usize) -> Result<Box<dyn Query>> {
        let pattern = format!("{}.*", regex_escape(prefix));
        let q = RegexQuery::from_pattern(&pattern, field)
            .map_err(|e| self.syntax(column, format!("\"{prefix}*\": {e}")))?;
        Ok(Box::new(q))
    }

    /// Analysed words: one term, or a phrase when the text analyses to
    /// several ("U.S." is "u" "s"), in each field.
    fn words(
        &mut self,
        fields: &[(Field, f32)],
        tokens: Vec<String>,
        slop: u32,
        negated: bool,
    ) -> Result<Box<dyn Query>> {
        if tokens.is_empty() {
            return Ok(Box::new(EmptyQuery));
        }
        if !negated {
            self.highlight.exact.extend(tokens.iter().cloned());
        }
        let mut clauses: Vec<Clause> = Vec::new();
        for &(field, boost) in fields {
            let q: Box<dyn Query> = if tokens.len() == 1 {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, &tokens[0]),
                    IndexRecordOption::WithFreqs,
                ))
            } else {
                let terms = tokens.iter().map(|t| Term::from_field_text(field, t)).collect();
                let mut p = PhraseQuery::new(terms);
                p.set_slop(slop);
                Box::new(p)
            };
            clauses.push((Occur::Should, boosted(q, boost)));
        }
        Ok(if clauses.len() == 1 {
            clauses.pop().expect("one clause").1
        } else {
            Box::new(BooleanQuery::new(clauses))
        })
    }

    fn phrase(
        &mut self,
        field: Option<QueryField>,
        text: &str,
        slop: u32,
        column: usize,
        negated: bool,
    ) -> Result<Box<dyn Query>> {
        if let Some(f) = field.filter(|f| f.is_name()) {
            return self.name(f, text, TermKind::Exact, column);
        }
        let tokens = self.analyse(text)?;
        if tokens.is_empty() {
            return Err(self.syntax(column, format!("the phrase \"{text}\" has no searchable words")));
        }
        let fields = self.text_fields(field);
        self.words(&fields, tokens, slop, negated)
    }

    /// An entity or source name: exact (any case), prefix or fuzzy.
    fn name(
        &mut self,
        field: QueryField,
        text: &str,
        kind: TermKind,
        column: usize,
    ) -> Result<Box<dyn Query>> {
        let f = self.index.fields();
        let (index_field, facet_root) = match field {
            QueryField::Person => (f.person, EntityKind::Person.as_str()),
            QueryField::Org => (f.org, EntityKind::Org.as_str()),
            QueryField::Place => (f.place, EntityKind::Place.as_str()),
            QueryField::Author => (f.author, schema::AUTHOR_FACET),
            QueryField::Ticker => (f.ticker, schema::TICKER_FACET),
            _ => (f.source, schema::SOURCE_FACET),
        };
        let name = schema::name_term(text.split_whitespace().collect::<Vec<_>>().join(" ").as_str());
        Ok(match kind {
            TermKind::Exact => name_query(self.index, self.searcher, index_field, facet_root, &name)?,
            TermKind::Prefix => self.prefix_query(index_field, &name, column)?,
            TermKind::Fuzzy(d) => Box::new(FuzzyTermQuery::new(
                Term::from_field_text(index_field, &name),
                d,
                true,
            )),
        })
    }
}

/// Analysed tokens of `text` with the title/body analyzer.
pub fn analyse(index: &NewsIndex, text: &str) -> Result<Vec<String>> {
    let mut analyzer = index
        .tantivy()
        .tokenizer_for_field(index.fields().body)
        .map_err(Error::tantivy(index.path()))?;
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    Ok(out)
}

/// A query over an entity or source name field; an unknown name is an error
/// that lists close names from the index.
pub fn name_query(
    index: &NewsIndex,
    searcher: &Searcher,
    field: Field,
    facet_root: &'static str,
    typed: &str,
) -> Result<Box<dyn Query>> {
    let mut name = schema::name_term(typed.trim());
    let mut term = Term::from_field_text(field, &name);
    let mut df = searcher.doc_freq(&term).map_err(Error::tantivy(index.path()))?;
    // "kcna" is indexed under its listed name, Korean Central News Agency.
    if df == 0 {
        if let Some((kind, listed)) = crate::entities::listed_name(&name) {
            let listed_term = Term::from_field_text(field, &schema::name_term(listed));
            if kind.as_str() == facet_root {
                df = searcher
                    .doc_freq(&listed_term)
                    .map_err(Error::tantivy(index.path()))?;
                if df > 0 {
                    name = schema::name_term(listed);
                    term = listed_term;
                }
            }
        }
    }
    if df == 0 {
        return Err(Error::UnknownName {
            kind: match facet_root {
                "org" => "organisation",
                other => other,
            },
            suggestions: close_names(index, searcher, facet_root, &name)?,
            // As the reader wrote it, not as the index folds it.
            name: typed.trim().to_string(),
        });
    }
    let exact: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
    if facet_root != EntityKind::Person.as_str() {
        return Ok(exact);
    }
    // "Tony Blair" also finds the articles that only say "Mr Blair" or
    // "Blair", where the archive gives that surname to him alone.
    let mut any = vec![(Occur::Should, exact)];
    let table = super::surnames::table(index, searcher)?;
    for short in super::surnames::short_forms(&table, &name) {
        let t = Term::from_field_text(field, &short);
        if searcher.doc_freq(&t).map_err(Error::tantivy(index.path()))? > 0 {
            any.push((
                Occur::Should,
                Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)),
            ));
        }
    }
    Ok(if any.len() == 1 {
        any.pop().expect("one").1
    } else {
        Box::new(BooleanQuery::new(any))
    })
}

/// Names under `/root` in the entity columns' dictionaries that look like
/// `name`: the same word in a longer name ("putin" → Vladimir Putin), or a
/// small typo.
fn close_names(index: &NewsIndex, searcher: &Searcher, root: &str, name: &str) -> Result<Vec<String>> {
    let mut scored: Vec<(f64, String)> = Vec::new();
    let mut seen = BTreeSet::new();
    let prefix = Facet::from_path([root]).encoded_str().to_string() + "\u{0}";
    let words: Vec<&str> = name.split_whitespace().collect();
    for segment in searcher.segment_readers() {
        let Some(column) = index
            .columns()
            .str_column(segment, schema::names::ENTITY)
            .map_err(Error::tantivy(index.path()))?
        else {
            continue;
        };
        let mut stream = column
            .dictionary()
            .range()
            .ge(prefix.as_bytes())
            .into_stream()
            .map_err(|e| Error::tantivy(index.path())(e.into()))?;
        while stream.advance() {
            let Some(rest) = std::str::from_utf8(stream.key())
                .ok()
                .and_then(|k| k.strip_prefix(&prefix))
            else {
                break;
            };
            if !seen.insert(rest.to_string()) {
                continue;
            }
            let lower = rest.to_lowercase();
            // The whole name, or any one of its words, against the query
            // ("putn" is close to the "putin" of "Vladimir Putin").
            let by_word = lower
                .split_whitespace()
                .flat_map(|w| words.iter().map(move |q| strsim::jaro_winkler(w, q)))
                .fold(0.0, f64::max);
            let sim = strsim::jaro_winkler(&lower, name).max(by_word * 0.99);
            if sim >= 0.85 {
                scored.push((sim, rest.to_string()));
            }
        }
    }
    // One spelling per name, the one not in capitals ("Barack Obama", not
    // "BARACK OBAMA"), and none with a bracket or colon the tagger took in.
    scored.retain(|(_, n)| !n.contains([')', '(', ':', ';']));
    scored.sort_by(|a, b| {
        let shouting = |n: &str| !n.chars().any(char::is_lowercase);
        b.0.total_cmp(&a.0)
            .then_with(|| shouting(&a.1).cmp(&shouting(&b.1)))
            .then_with(|| a.1.cmp(&b.1))
    });
    let mut names: Vec<String> = Vec::new();
    for (_, n) in scored {
        if !names.iter().any(|m| m.to_lowercase() == n.to_lowercase()) {
            names.push(n);
        }
    }
    names.truncate(5);
    Ok(names)
}

/// Days `from..=to` (either open; both open: every dated article, since
/// tantivy refuses a range without bounds).
pub fn date_range(field: Field, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Box<dyn Query> {
    if from.is_none() && to.is_none() {
        return Box::new(ExistsQuery::new(schema::names::DATE.to_string(), false));
    }
    let bound = |d: Option<NaiveDate>| match d {
        Some(d) => Bound::Included(Term::from_field_i64(field, dates::day_number(d))),
        None => Bound::Unbounded,
    };
    Box::new(RangeQuery::new(bound(from), bound(to)))
}

/// A clause that must match but adds nothing to the score: filters narrow
/// results without reordering them.
pub fn filter(q: Box<dyn Query>) -> Clause {
    (Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0)))
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if boost == 1.0 {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

/// A purely negative query matches everything but what it excludes.
fn with_positive(mut clauses: Vec<Clause>) -> Box<dyn Query> {
    if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    if clauses.len() == 1 && clauses[0].0 == Occur::Must {
        return clauses.pop().expect("one clause").1;
    }
    Box::new(BooleanQuery::new(clauses))
}

fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~\"".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
