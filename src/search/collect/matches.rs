//! A collector of the set of matching documents, per segment.

use tantivy::SegmentReader;

/// The matching documents of one segment.
pub(crate) struct MatchedDocs {
    pub(crate) segment: u32,
    pub(crate) docs: tantivy::BitSet,
}

/// Collects the set of matching documents (for collapsing: a duplicate is
/// listed only when it matches too); collects nothing when not `wanted`.
pub(crate) struct MatchSet {
    pub(crate) wanted: bool,
}

pub(crate) struct MatchSetSegment(Option<MatchedDocs>);

impl tantivy::collector::Collector for MatchSet {
    type Fruit = Vec<MatchedDocs>;
    type Child = MatchSetSegment;

    fn for_segment(&self, segment: u32, reader: &SegmentReader) -> tantivy::Result<MatchSetSegment> {
        Ok(MatchSetSegment(self.wanted.then(|| MatchedDocs {
            segment,
            docs: tantivy::BitSet::with_max_value(reader.max_doc()),
        })))
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<MatchedDocs>>) -> tantivy::Result<Vec<MatchedDocs>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl tantivy::collector::SegmentCollector for MatchSetSegment {
    type Fruit = Vec<MatchedDocs>;

    fn collect(&mut self, doc: tantivy::DocId, _: tantivy::Score) {
        if let Some(m) = &mut self.0 {
            m.docs.insert(doc);
        }
    }

    fn harvest(self) -> Vec<MatchedDocs> {
        self.0.into_iter().collect()
    }
}
