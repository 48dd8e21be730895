//! The index schema: every field name lives here, and nowhere else.
//!
//! Text is analysed with tantivy's English stemmer so that "missiles" finds
//! "missile". Entity names are kept whole and lower-cased in their own fields
//! (`person:"kim jong un"` is one term) and also, as written, in the `entity`
//! column (see [`entity_value`]), which is what facet counting reads.

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED,
    STRING,
};
use tantivy::tokenizer::{LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};
use tantivy::Index;

use crate::entities::EntityKind;

/// Bumped whenever the schema or the meaning of a field changes; an index with
/// another version is refused rather than misread.
pub const SCHEMA_VERSION: u32 = 8;

/// Names of the fields, as used in queries (`title:`, `person:`) and on disk.
pub mod names {
    pub const ID: &str = "id";
    pub const PATH: &str = "path";
    pub const TITLE: &str = "title";
    pub const BODY: &str = "body";
    pub const DATE: &str = "date";
    pub const ENTITY: &str = "entity";
    pub const PERSON: &str = "person";
    pub const ORG: &str = "org";
    pub const PLACE: &str = "place";
    pub const SOURCE: &str = "source";
    /// The people credited with the story, one name per value.
    pub const AUTHOR: &str = "author";
    /// The byline as the source's metadata wrote it (stored only).
    pub const BYLINE: &str = "byline";
    /// Ticker codes the text cites.
    pub const TICKER: &str = "ticker";
    /// The dateline's place as written (stored only).
    pub const DATELINE: &str = "dateline";
    pub const URL: &str = "url";
    /// Relative path of the source file (indexed whole: a changed file's
    /// articles are deleted by this term).
    pub const SRC_PATH: &str = "src_path";
    /// `path \x1f size \x1f mtime_ns \x1f blake3` of the source file as it was
    /// indexed (a fast field): what the next incremental run compares with.
    pub const SRC_STAMP: &str = "src_stamp";
    /// SimHash of the body (a fast field; absent for short bodies).
    pub const SIMHASH: &str = "simhash";
    /// The SimHash's four bands as indexed terms: near-duplicate candidates.
    pub const DUP_BAND: &str = "dup_band";
    /// The number of the `index` run that added or last changed the article.
    pub const RUN: &str = "run";
}

/// Analyzer of `title` and `body`: tantivy's built-in English stemmer.
pub const TEXT_TOKENIZER: &str = "en_stem";
/// Analyzer of entity name fields: the whole name, lower-cased.
pub const NAME_TOKENIZER: &str = "newsdex_name";

/// Handles to every field of the schema.
#[derive(Clone, Debug)]
pub struct Fields {
    pub id: Field,
    pub path: Field,
    pub title: Field,
    pub body: Field,
    pub date: Field,
    pub entity: Field,
    pub person: Field,
    pub org: Field,
    pub place: Field,
    pub source: Field,
    pub author: Field,
    pub byline: Field,
    pub ticker: Field,
    pub dateline: Field,
    pub url: Field,
    pub src_path: Field,
    pub src_stamp: Field,
    pub simhash: Field,
    pub dup_band: Field,
    pub run: Field,
}

impl Fields {
    /// The name field of one entity kind.
    pub fn of_kind(&self, kind: EntityKind) -> Field {
        match kind {
            EntityKind::Person => self.person,
            EntityKind::Org => self.org,
            EntityKind::Place => self.place,
        }
    }

    /// The name field of a facet root (`person`, `source`, `author`…).
    pub fn of_root(&self, root: &str) -> Field {
        match root {
            "person" => self.person,
            "org" => self.org,
            "place" => self.place,
            AUTHOR_FACET => self.author,
            TICKER_FACET => self.ticker,
            _ => self.source,
        }
    }

    /// Looks the fields up in a schema read from disk.
    pub fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        Ok(Fields {
            id: schema.get_field(names::ID)?,
            path: schema.get_field(names::PATH)?,
            title: schema.get_field(names::TITLE)?,
            body: schema.get_field(names::BODY)?,
            date: schema.get_field(names::DATE)?,
            entity: schema.get_field(names::ENTITY)?,
            person: schema.get_field(names::PERSON)?,
            org: schema.get_field(names::ORG)?,
            place: schema.get_field(names::PLACE)?,
            source: schema.get_field(names::SOURCE)?,
            author: schema.get_field(names::AUTHOR)?,
            byline: schema.get_field(names::BYLINE)?,
            ticker: schema.get_field(names::TICKER)?,
            dateline: schema.get_field(names::DATELINE)?,
            url: schema.get_field(names::URL)?,
            src_path: schema.get_field(names::SRC_PATH)?,
            src_stamp: schema.get_field(names::SRC_STAMP)?,
            simhash: schema.get_field(names::SIMHASH)?,
            dup_band: schema.get_field(names::DUP_BAND)?,
            run: schema.get_field(names::RUN)?,
        })
    }
}

/// Builds the schema of a new index.
pub fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TEXT_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let name = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(NAME_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    // Days since 1970-01-01 (see `dates::day_number`), not a tantivy date:
    // those count nanoseconds and end at 1677 and 2262.
    let date = NumericOptions::default().set_indexed().set_fast().set_stored();

    // Fast as well, so that the ids of collapsed duplicates are read
    // without loading their documents.
    let id = b.add_text_field(names::ID, STRING | STORED | FAST);
    let path = b.add_text_field(names::PATH, STRING | STORED);
    let title = b.add_text_field(names::TITLE, text.clone());
    let body = b.add_text_field(names::BODY, text);
    let date = b.add_i64_field(names::DATE, date);
    // A column only: counting reads it, and filters use the name fields. A
    // facet field was also indexed, and building the term dictionary of
    // every name (twice, with the name fields) cost 6% of a build's
    // instructions.
    let entity = b.add_text_field(names::ENTITY, FAST);
    let person = b.add_text_field(names::PERSON, name.clone());
    let org = b.add_text_field(names::ORG, name.clone());
    let place = b.add_text_field(names::PLACE, name.clone());
    let source = b.add_text_field(names::SOURCE, name.clone());
    let author = b.add_text_field(names::AUTHOR, name.clone());
    let ticker = b.add_text_field(names::TICKER, name);
    let byline = b.add_text_field(names::BYLINE, STORED);
    let dateline = b.add_text_field(names::DATELINE, STORED);
    let url = b.add_text_field(names::URL, STORED);
    let src_path = b.add_text_field(names::SRC_PATH, STRING);
    let src_stamp = b.add_text_field(names::SRC_STAMP, FAST);
    let simhash = b.add_u64_field(names::SIMHASH, FAST);
    let dup_band = b.add_u64_field(names::DUP_BAND, INDEXED);
    let run = b.add_u64_field(names::RUN, INDEXED | FAST);
    let fields = Fields {
        id,
        path,
        title,
        body,
        date,
        entity,
        person,
        org,
        place,
        source,
        author,
        byline,
        ticker,
        dateline,
        url,
        src_path,
        src_stamp,
        simhash,
        dup_band,
        run,
    };
    (b.build(), fields)
}

/// The `en_stem` analyzer of title and body in two parts, as the snippet
/// highlighter runs them: words lower-cased (tantivy's SimpleTokenizer,
/// RemoveLongFilter(40), LowerCaser), and the English stemmer alone.
pub fn text_analyzer_parts() -> (TextAnalyzer, TextAnalyzer) {
    let scan = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .build();
    (scan, crate::index::analysis::stemmer())
}

/// Tokenizers are not persisted by tantivy: every opened index needs them.
/// `en_stem` replaces tantivy's own with the same analysis, memoised.
pub fn register_tokenizers(index: &Index) {
    index
        .tokenizers()
        .register(TEXT_TOKENIZER, crate::index::analysis::en_stem());
    index.tokenizers().register(
        NAME_TOKENIZER,
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .build(),
    );
}

/// Facet root of article sources (`/source/Reuters`), counted beside the
/// entity kinds.
pub const SOURCE_FACET: &str = "source";
/// Facet root of authors (`/author/Leslie Adler`).
pub const AUTHOR_FACET: &str = "author";
/// Facet root of ticker codes (`/ticker/XOM.N`).
pub const TICKER_FACET: &str = "ticker";

/// The value of the `entity` column for `name` under `root` (`person`,
/// `org`, `place`, `source`): tantivy's facet encoding (`person\0Kim Jong
/// Un`), so that one root's names are one range of the column's sorted
/// dictionary.
pub fn entity_value(root: &str, name: &str) -> String {
    tantivy::schema::Facet::from_path([root, name])
        .encoded_str()
        .to_string()
}

/// The form in which a name is indexed in the name fields.
pub fn name_term(name: &str) -> String {
    name.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(a: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut s = a.token_stream(text);
        while s.advance() {
            out.push(s.token().text.clone());
        }
        out
    }

    #[test]
    fn analyzer_parts_make_the_index_analyzer() {
        let (schema, _) = build_schema();
        let index = Index::create_in_ram(schema);
        register_tokenizers(&index);
        let mut en_stem = index.tokenizers().get(TEXT_TOKENIZER).expect("en_stem");
        let (mut scan, mut stem) = text_analyzer_parts();
        let text = "Dying skies: North Korea's MISSILES were tested, says U.S. envoy; naïve Café-goers flee \
                    über-long-words-are-split and a supercalifragilisticexpialidociousnessesandmoreletters.";
        let parts: Vec<String> = tokens(&mut scan, text)
            .iter()
            .flat_map(|w| tokens(&mut stem, w))
            .collect();
        assert_eq!(parts, tokens(&mut en_stem, text));
    }
}
