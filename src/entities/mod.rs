//! Named entities: people, organisations and places.
//!
//! Extraction sits behind [`EntityExtractor`] so that taggers can be swapped
//! without touching the indexer; whatever the tagger, mentions are folded into
//! canonical names per article by [`Entities::from_mentions`].

mod resolve;
mod rules;
pub mod tagger;
#[cfg(feature = "train")]
pub mod train;

use serde::{Deserialize, Serialize};

use crate::text::anatomy::Anatomy;

pub use rules::RuleExtractor;
pub use tagger::{tokenize, TaggerExtractor};

/// The entity types newsdex facets on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// A person.
    Person,
    /// An organisation: a company, institution, party, agency.
    Org,
    /// A place: a country, city, region, sea.
    Place,
}

impl EntityKind {
    /// Every kind, in facet order.
    pub const ALL: [EntityKind; 3] = [EntityKind::Person, EntityKind::Org, EntityKind::Place];

    /// Name used in facets (`/person/...`), fields and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Org => "org",
            EntityKind::Place => "place",
        }
    }
}

/// One mention of an entity in a text, with byte offsets into that text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// What it names.
    pub kind: EntityKind,
    /// The name as it should be shown (honorifics and possessives removed).
    pub name: String,
    /// Byte offset of its first byte in the text.
    pub start: usize,
    /// Byte offset just past its last byte.
    pub end: usize,
}

/// Finds entity mentions in text. Implementations must be cheap to share
/// across indexing threads.
pub trait EntityExtractor: Send + Sync {
    /// The mentions of entities in `text`, in text order.
    fn extract(&self, text: &str) -> Vec<Mention>;

    /// The mentions in `text`, whose credits, dateline and tickers the
    /// caller has already read: the indexer reads them once per article
    /// for its own fields. Extractors that ignore anatomy need not care.
    fn extract_read(&self, text: &str, anatomy: &Anatomy) -> Vec<Mention> {
        let _ = anatomy;
        self.extract(text)
    }

    /// Whether extraction costs about as much CPU per article as tantivy's
    /// indexing of it. The indexer then gives tantivy half the cores by
    /// default: the threads that read and tag keep the others busy, and
    /// more indexing threads would only contend with them.
    fn is_heavy(&self) -> bool {
        false
    }
}

/// The name the alias table gives `name` ("KCNA" -> Korean Central News
/// Agency, "U.S." -> United States), with its kind, if it lists it.
pub fn listed_name(name: &str) -> Option<(EntityKind, &'static str)> {
    static TABLE: std::sync::LazyLock<RuleExtractor> = std::sync::LazyLock::new(RuleExtractor::new);
    TABLE.lookup(name)
}

/// An extractor that finds nothing: indexing without entities.
pub struct NoEntities;

impl EntityExtractor for NoEntities {
    fn extract(&self, _text: &str) -> Vec<Mention> {
        Vec::new()
    }
}

/// The canonical entity names of one article, most mentioned first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Entities {
    /// People, most mentioned first.
    pub person: Vec<String>,
    /// Organisations, most mentioned first.
    pub org: Vec<String>,
    /// Places, most mentioned first.
    pub place: Vec<String>,
}

impl Entities {
    /// The names of one kind.
    pub fn of_kind(&self, kind: EntityKind) -> &[String] {
        match kind {
            EntityKind::Person => &self.person,
            EntityKind::Org => &self.org,
            EntityKind::Place => &self.place,
        }
    }

    /// The names of one kind, to change.
    pub fn of_kind_mut(&mut self, kind: EntityKind) -> &mut Vec<String> {
        match kind {
            EntityKind::Person => &mut self.person,
            EntityKind::Org => &mut self.org,
            EntityKind::Place => &mut self.place,
        }
    }

    /// True when no entity of any kind is named.
    pub fn is_empty(&self) -> bool {
        self.person.is_empty() && self.org.is_empty() && self.place.is_empty()
    }

    /// Folds one article's mentions into one name and one kind per
    /// entity (see [`resolve::fold`]): "Putin" and "Mr Putin" after
    /// "Vladimir Putin" count as Vladimir Putin, "Ford" beside "Ford Motor
    /// Co" as Ford Motor.
    pub fn from_mentions(mentions: &[Mention]) -> Entities {
        resolve::fold(mentions)
    }
}
