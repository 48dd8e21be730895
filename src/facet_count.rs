//! Top values of the entity facet (`/person/…`, `/org/…`, `/place/…`,
//! `/source/…`) over a query's matches.
//!
//! tantivy's `FacetCollector` turns every counted facet ordinal back into
//! its path, one dictionary block decompression each: with thousands of
//! distinct names among the matches that dominated query time. Here counts
//! stay ordinals until the end, and only the top ones are named, with one
//! sorted pass over the dictionary.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentReader;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, Searcher};

use crate::search::FacetCount;

/// Counts of every facet ordinal, per segment.
pub struct FacetOrdCounts {
    field: String,
}

impl FacetOrdCounts {
    pub fn for_field(field: &str) -> Self {
        FacetOrdCounts {
            field: field.to_string(),
        }
    }
}

/// One segment's counts (indexed by ordinal).
pub struct SegmentCounts {
    segment: u32,
    counts: Vec<u32>,
}

pub struct FacetOrdSegment {
    reader: tantivy::fastfield::FacetReader,
    counts: SegmentCounts,
}

impl Collector for FacetOrdCounts {
    type Fruit = Vec<SegmentCounts>;
    type Child = FacetOrdSegment;

    fn for_segment(&self, segment: u32, reader: &SegmentReader) -> tantivy::Result<FacetOrdSegment> {
        let reader = reader.facet_reader(&self.field)?;
        let n = reader.num_facets();
        Ok(FacetOrdSegment {
            reader,
            counts: SegmentCounts {
                segment,
                counts: vec![0; n],
            },
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<SegmentCounts>>) -> tantivy::Result<Vec<SegmentCounts>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for FacetOrdSegment {
    type Fruit = Vec<SegmentCounts>;

    fn collect(&mut self, doc: DocId, _: Score) {
        for ord in self.reader.facet_ords(doc) {
            if let Some(c) = self.counts.counts.get_mut(ord as usize) {
                *c += 1;
            }
        }
    }

    fn harvest(self) -> Vec<SegmentCounts> {
        vec![self.counts]
    }
}

/// How many candidates per segment are named before merging segments: an
/// entity outside every segment's top `k * CANDIDATES` is not listed.
const CANDIDATES: usize = 5;

/// The `k` most frequent values under `/root`, most frequent first (ties by
/// name).
pub fn top_k(
    searcher: &Searcher,
    field: &str,
    fruits: &[SegmentCounts],
    root: &str,
    k: usize,
) -> tantivy::Result<Vec<FacetCount>> {
    let lo = format!("{}\u{0}", Facet::from_path([root]).encoded_str());
    let hi = format!("{}\u{1}", Facet::from_path([root]).encoded_str());
    let per_segment = if fruits.len() == 1 { k } else { k * CANDIDATES };
    let mut totals: HashMap<String, u64> = HashMap::new();
    let mut readers = Vec::new();
    for fruit in fruits {
        let reader = searcher.segment_reader(fruit.segment).facet_reader(field)?;
        let dict = reader.facet_dict();
        let ord_at = |key: &str| -> tantivy::Result<usize> {
            let mut s = dict.range().ge(key.as_bytes()).into_stream()?;
            Ok(if s.advance() {
                s.term_ord() as usize
            } else {
                fruit.counts.len()
            })
        };
        let (a, b) = (ord_at(&lo)?, ord_at(&hi)?);
        let mut best: Vec<(u32, u64)> = fruit.counts[a.min(b)..b]
            .iter()
            .enumerate()
            .filter(|(_, &c)| c > 0)
            .map(|(i, &c)| (c, (a + i) as u64))
            .collect();
        // Partial selection: broad queries have many thousands of names.
        let by_count = |x: &(u32, u64), y: &(u32, u64)| y.0.cmp(&x.0).then(x.1.cmp(&y.1));
        if best.len() > per_segment {
            best.select_nth_unstable_by(per_segment, by_count);
            best.truncate(per_segment);
        }
        best.sort_unstable_by_key(|&(_, ord)| ord);
        let ords: Vec<u64> = best.iter().map(|&(_, o)| o).collect();
        let mut i = 0;
        dict.sorted_ords_to_term_cb(&ords, |bytes| {
            if let Some(name) = std::str::from_utf8(bytes)
                .ok()
                .and_then(|t| t.strip_prefix(lo.as_str()))
            {
                *totals.entry(name.to_string()).or_insert(0) += best[i].0 as u64;
            }
            i += 1;
        })?;
        readers.push((fruit, reader));
    }
    // With several segments, a candidate named in one segment may be
    // counted in another without being among its top: add those counts.
    if fruits.len() > 1 {
        for (name, total) in totals.iter_mut() {
            *total = 0;
            let key = format!("{lo}{name}");
            for (fruit, reader) in &readers {
                if let Some(ord) = reader.facet_dict().term_ord(key.as_bytes())? {
                    *total += u64::from(fruit.counts.get(ord as usize).copied().unwrap_or(0));
                }
            }
        }
    }
    let mut out: Vec<FacetCount> = totals
        .into_iter()
        .filter(|(_, c)| *c > 0)
        .map(|(value, count)| FacetCount { value, count })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    out.truncate(k);
    Ok(out)
}
