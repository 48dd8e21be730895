//! Top values of the entity facet (`/person/…`, `/org/…`, `/place/…`,
//! `/source/…`) over a query's matches.
//!
//! tantivy's `FacetCollector` turns every counted facet ordinal back into
//! its path, one dictionary block decompression each: with thousands of
//! distinct names among the matches that dominated query time. Here counts
//! stay ordinals until the end, and only the top ones are named, with one
//! sorted pass over the dictionary.
//!
//! Reading every match's facet values is what a broad query costs most (a
//! dozen values per article, each a random read). So a segment with more
//! than [`SAMPLE_SIZE`] matches is sampled: its matches are cut into that
//! many equal runs, one random match of each run is read and counts for its
//! run. The counts are then estimates (the response says so) whose ranking
//! of the top names is stable; `exact` reads every match. A process that
//! counts a segment again reads decoded copies of its values instead
//! ([`FlatOrds`]), prefetching ahead of the random reads.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::index::SegmentReader;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, Searcher};

use crate::index::columns::{bounded, ColumnCache, FlatOrds};
use crate::search::response::FacetCount;

/// Asks the CPU to start loading the cache line at `p`.
#[inline(always)]
fn prefetch<T>(p: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: SSE is part of x86_64's baseline, and a prefetch is a
        // hint: it never faults and changes no memory, whatever the address.
        unsafe { _mm_prefetch::<_MM_HINT_T0>((p as *const T).cast()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
/// Counts of every facet ordinal, per segment.
pub struct FacetOrdCounts {
    field: String,
    columns: Arc<ColumnCache>,
    exact: bool,
}

impl FacetOrdCounts {
    pub fn for_field(field: &str, columns: Arc<ColumnCache>) -> Self {
        FacetOrdCounts {
            field: field.to_string(),
            columns,
            exact: false,
        }
    }

    /// Reads every match, however many: exact counts, slower on broad queries.
    pub fn exact(mut self, exact: bool) -> Self {
        self.exact = exact;
        self
    }
}

/// Matches per segment whose facets are all read; beyond, this many are
/// sampled. Measured on the 200k corpus over the 65 bench queries (see
/// `benches/query.rs`), against exact counts.
pub const SAMPLE_SIZE: usize = 1024;

/// Zeroed count buffers, reused across queries: a segment has one slot per
/// distinct name (hundreds of thousands), and allocating and zeroing that
/// per query cost more than the counting.
static BUFFERS: Mutex<Vec<Vec<u32>>> = Mutex::new(Vec::new());

fn zeroed(n: usize) -> Vec<u32> {
    let reused = BUFFERS.lock().ok().and_then(|mut b| b.pop());
    let mut v = reused.unwrap_or_default();
    v.resize(n, 0);
    v
}

/// One segment's counts (indexed by ordinal).
pub struct SegmentCounts {
    segment: u32,
    counts: Vec<u32>,
    /// Ordinals with a count, in the order first counted, so that ranking
    /// does not scan all of them. Not sorted: a root's names are filtered by
    /// their ordinal range instead (the sort showed in query profiles).
    touched: Vec<u32>,
    /// The counts are estimated from a sample.
    pub sampled: bool,
}

pub struct FacetOrdSegment {
    /// The facet's ordinals column: a doc's ordinals are one row range, read
    /// with one `get_range` call (a virtual call and a bit-unpacking per value
    /// through `facet_ords` showed at the top of query profiles).
    ords: Option<Column<u64>>,
    /// The same ordinals decoded, when the cache has them.
    flat: Option<Arc<FlatOrds>>,
    buf: Vec<u64>,
    counts: SegmentCounts,
    /// The segment's matches, in doc order: sampling needs their number.
    docs: Vec<DocId>,
    exact: bool,
    /// xorshift state: fixed seed, so results repeat.
    rng: u64,
}

impl Collector for FacetOrdCounts {
    type Fruit = Vec<SegmentCounts>;
    type Child = FacetOrdSegment;

    fn for_segment(&self, segment: u32, reader: &SegmentReader) -> tantivy::Result<FacetOrdSegment> {
        // No column: no document of the segment has a facet value.
        let column = self.columns.str_column(reader, &self.field)?;
        let n = column.as_ref().map_or(0, |c| c.dictionary().num_terms());
        let ords = column.map(|c| c.ords().clone());
        let flat = ords
            .as_ref()
            .and_then(|o| self.columns.flat_ords(reader, &self.field, o));
        Ok(FacetOrdSegment {
            ords,
            flat,
            buf: Vec::with_capacity(64),
            counts: SegmentCounts {
                segment,
                counts: zeroed(n),
                touched: Vec::new(),
                sampled: false,
            },
            docs: Vec::new(),
            exact: self.exact,
            rng: 0x9e37_79b9_7f4a_7c15 ^ u64::from(segment),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<SegmentCounts>>) -> tantivy::Result<Vec<SegmentCounts>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl FacetOrdSegment {
    /// Adds each pick's weight to each facet ordinal of its document.
    fn count(&mut self, picks: &[(DocId, u32)]) {
        let Some(flat) = self.flat.clone() else {
            for &(doc, weight) in picks {
                self.count_one(doc, weight);
            }
            return;
        };
        // Prefetched in two steps: a document's row start `FAR` picks ahead,
        // then its ordinals `NEAR` picks ahead (its start is cached by then).
        const FAR: usize = 16;
        const NEAR: usize = 8;
        let counts = &mut self.counts;
        for (i, &(doc, weight)) in picks.iter().enumerate() {
            if let Some(&(d, _)) = picks.get(i + FAR) {
                if let Some(s) = flat.starts.get(d as usize) {
                    prefetch(s);
                }
            }
            if let Some(first) = picks.get(i + NEAR).and_then(|&(d, _)| flat.of(d).first()) {
                prefetch(first);
            }
            for &ord in flat.of(doc) {
                counts.add(ord, weight);
            }
        }
    }

    /// Adds `weight` to each facet ordinal of `doc`, read from the column.
    fn count_one(&mut self, doc: DocId, weight: u32) {
        let Some(ords) = &self.ords else { return };
        let rows = ords.index.value_row_ids(doc);
        self.buf.resize(rows.len(), 0);
        ords.values.get_range(u64::from(rows.start), &mut self.buf);
        for &ord in &self.buf {
            self.counts.add(ord as u32, weight);
        }
    }
}

impl SegmentCounts {
    #[inline]
    fn add(&mut self, ord: u32, weight: u32) {
        if let Some(c) = self.counts.get_mut(ord as usize) {
            if *c == 0 {
                self.touched.push(ord);
            }
            *c = c.saturating_add(weight);
        }
    }
}

impl SegmentCollector for FacetOrdSegment {
    type Fruit = Vec<SegmentCounts>;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.docs.push(doc);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.docs.extend_from_slice(docs);
    }

    fn harvest(mut self) -> Vec<SegmentCounts> {
        let docs = std::mem::take(&mut self.docs);
        if self.exact || docs.len() <= SAMPLE_SIZE {
            let picks: Vec<(DocId, u32)> = docs.iter().map(|&d| (d, 1)).collect();
            self.count(&picks);
        } else {
            // SAMPLE_SIZE runs of equal length (the first `long` one longer):
            // one random match of each counts for the whole run. Stratified,
            // so every stretch of the index is represented.
            self.counts.sampled = true;
            let (base, long) = (docs.len() / SAMPLE_SIZE, docs.len() % SAMPLE_SIZE);
            let mut at = 0;
            let mut picks = Vec::with_capacity(SAMPLE_SIZE);
            for run in 0..SAMPLE_SIZE {
                let len = base + usize::from(run < long);
                self.rng ^= self.rng << 13;
                self.rng ^= self.rng >> 7;
                self.rng ^= self.rng << 17;
                picks.push((docs[at + (self.rng % len as u64) as usize], len as u32));
                at += len;
            }
            self.count(&picks);
        }
        vec![self.counts]
    }
}

/// How many candidates per segment are named before merging segments: an
/// entity outside every segment's top `k * CANDIDATES` is not listed.
const CANDIDATES: usize = 5;

impl Drop for SegmentCounts {
    fn drop(&mut self) {
        // Only touched slots are non-zero: reset those and give it back.
        for &o in &self.touched {
            self.counts[o as usize] = 0;
        }
        let counts = std::mem::take(&mut self.counts);
        if let Ok(mut pool) = BUFFERS.lock() {
            if pool.len() < 8 {
                pool.push(counts);
            }
        }
    }
}

/// Were any counts estimated from a sample?
pub fn sampled(fruits: &[SegmentCounts]) -> bool {
    fruits.iter().any(|f| f.sampled)
}

/// The `k` most frequent values under `/root`, most frequent first (ties by
/// name).
pub fn top_k(
    searcher: &Searcher,
    columns: &ColumnCache,
    field: &str,
    fruits: &[SegmentCounts],
    root: &str,
    k: usize,
) -> tantivy::Result<Vec<FacetCount>> {
    let lo = format!("{}\u{0}", Facet::from_path([root]).encoded_str());
    let hi = format!("{}\u{1}", Facet::from_path([root]).encoded_str());
    let per_segment = if fruits.len() == 1 { k } else { k * CANDIDATES };
    // Per name: its count so far and the segments (indices into `fruits`)
    // that count is from.
    let mut totals: HashMap<String, (u64, Vec<usize>)> = HashMap::new();
    let mut readers = Vec::new();
    for (fi, fruit) in fruits.iter().enumerate() {
        let Some(reader) = columns.facet_reader(searcher.segment_reader(fruit.segment), field)? else {
            continue;
        };
        let dict = reader.facet_dict();
        let ord_at = |key: &str| -> tantivy::Result<usize> {
            let mut s = dict.range().ge(key.as_bytes()).into_stream()?;
            Ok(if s.advance() {
                s.term_ord() as usize
            } else {
                fruit.counts.len()
            })
        };
        let segment_id = searcher.segment_reader(fruit.segment).segment_id();
        let range_key = (segment_id, lo.clone());
        let cached = columns
            .ranges
            .lock()
            .ok()
            .and_then(|r| r.get(&range_key).copied());
        let (a, b) = match cached {
            Some(r) => r,
            None => {
                let r = (ord_at(&lo)? as u32, ord_at(&hi)? as u32);
                if let Ok(mut m) = columns.ranges.lock() {
                    m.insert(range_key, r);
                }
                r
            }
        };
        let mut best: Vec<(u32, u64)> = fruit
            .touched
            .iter()
            .filter(|&&o| a <= o && o < b)
            .map(|&o| (fruit.counts[o as usize], u64::from(o)))
            .collect();
        // Partial selection: broad queries have many thousands of names.
        let by_count = |x: &(u32, u64), y: &(u32, u64)| y.0.cmp(&x.0).then(x.1.cmp(&y.1));
        if best.len() > per_segment {
            best.select_nth_unstable_by(per_segment, by_count);
            best.truncate(per_segment);
        }
        best.sort_unstable_by_key(|&(_, ord)| ord);
        // Names already known, then one sorted pass for the others.
        let mut missing: Vec<(u32, u64)> = Vec::new();
        if let Ok(names) = columns.names.lock() {
            let names = names.get(&segment_id);
            for &(count, ord) in &best {
                match names.and_then(|n| n.get(&ord)) {
                    Some(name) => {
                        let t = totals.entry(name.clone()).or_default();
                        t.0 += u64::from(count);
                        t.1.push(fi);
                    }
                    None => missing.push((count, ord)),
                }
            }
        } else {
            missing = best.clone();
        }
        let ords: Vec<u64> = missing.iter().map(|&(_, o)| o).collect();
        let mut found: Vec<(u64, String)> = Vec::with_capacity(ords.len());
        let mut i = 0;
        dict.sorted_ords_to_term_cb(&ords, |bytes| {
            if let Some(name) = std::str::from_utf8(bytes)
                .ok()
                .and_then(|t| t.strip_prefix(lo.as_str()))
            {
                let t = totals.entry(name.to_string()).or_default();
                t.0 += u64::from(missing[i].0);
                t.1.push(fi);
                found.push((missing[i].1, name.to_string()));
            }
            i += 1;
        })?;
        if let Ok(mut names) = columns.names.lock() {
            bounded(&mut names, segment_id).extend(found);
        }
        readers.push((fruit, reader));
    }
    // With several segments, a candidate named in one segment may be
    // counted in another without being among its top: add those counts
    // (looked up only where the name was not named already).
    if fruits.len() > 1 {
        let mut key = String::new();
        for (name, (total, counted)) in totals.iter_mut() {
            key.clear();
            key.push_str(&lo);
            key.push_str(name);
            for (fi, (fruit, reader)) in readers.iter().enumerate() {
                if counted.contains(&fi) {
                    continue;
                }
                let segment_id = searcher.segment_reader(fruit.segment).segment_id();
                if let Some(ord) = columns.term_ord(segment_id, reader, &key)? {
                    *total += u64::from(fruit.counts.get(ord as usize).copied().unwrap_or(0));
                }
            }
        }
    }
    let mut out: Vec<FacetCount> = totals
        .into_iter()
        .map(|(value, (count, _))| (value, count))
        .filter(|(_, c)| *c > 0)
        .map(|(value, count)| FacetCount { value, count })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    out.truncate(k);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::Count;
    use tantivy::query::AllQuery;
    use tantivy::schema::{Schema, FAST};
    use tantivy::{Index, IndexWriter, TantivyDocument};

    /// `n` documents whose entity column holds `names(i)` (root, name) for
    /// document `i`, as the indexer writes it.
    fn index_of(n: u32, names: impl Fn(u32) -> Vec<(&'static str, String)>) -> Index {
        let mut b = Schema::builder();
        let f = b.add_text_field("entity", FAST);
        let index = Index::create_in_ram(b.build());
        let mut w: IndexWriter = index.writer_with_num_threads(1, 20_000_000).unwrap();
        for i in 0..n {
            let mut doc = TantivyDocument::default();
            for (root, name) in names(i) {
                doc.add_text(f, crate::index::schema::entity_value(root, &name));
            }
            w.add_document(doc).unwrap();
        }
        w.commit().unwrap();
        index
    }

    /// `n` documents: every one names A, every 2nd B, every 10th C.
    fn index(n: u32) -> Index {
        index_of(n, |i| {
            let mut names = vec![("person", "A".to_string())];
            if i % 2 == 0 {
                names.push(("person", "B".to_string()));
            }
            if i % 10 == 0 {
                names.push(("person", "C".to_string()));
            }
            names.push(("place", "X".to_string()));
            names
        })
    }

    fn run(n: u32) -> (Vec<FacetCount>, bool) {
        run_with(n, false)
    }

    fn run_with(n: u32, exact: bool) -> (Vec<FacetCount>, bool) {
        let index = index(n);
        let searcher = index.reader().unwrap().searcher();
        let cache = Arc::new(ColumnCache::default());
        let (_, fruits) = searcher
            .search(
                &AllQuery,
                &(
                    Count,
                    FacetOrdCounts::for_field("entity", cache.clone()).exact(exact),
                ),
            )
            .unwrap();
        let top = top_k(&searcher, &cache, "entity", &fruits, "person", 10).unwrap();
        // A second call is answered from the name cache, identically.
        assert_eq!(
            top_k(&searcher, &cache, "entity", &fruits, "person", 10).unwrap(),
            top
        );
        (top, sampled(&fruits))
    }

    #[test]
    fn decoded_ordinals_count_like_the_column() {
        // Every 3rd document has no name: rows are not one per document.
        let index = index_of(5_000, |i| {
            (0..i % 3)
                .map(|k| ("person", format!("P{}", (i * 7 + k) % 97)))
                .collect()
        });
        let searcher = index.reader().unwrap().searcher();
        let cache = Arc::new(ColumnCache::default());
        let counts = |exact: bool| {
            let c = FacetOrdCounts::for_field("entity", cache.clone()).exact(exact);
            let fruits = searcher.search(&AllQuery, &c).unwrap();
            let used_flat = cache.flat.has_decoded();
            let top = top_k(&searcher, &cache, "entity", &fruits, "person", 100).unwrap();
            (fruits[0].counts.clone(), top, used_flat)
        };
        // First from the column, then (counted before) from decoded arrays.
        let (column, column_top, flat_before) = counts(true);
        let (flat, flat_top, flat_after) = counts(true);
        assert!(!flat_before && flat_after);
        assert_eq!(column, flat);
        assert_eq!(column_top, flat_top);
        // 1,667 documents with one name, 1,666 with two.
        assert_eq!(column_top.iter().map(|c| c.count).sum::<u64>(), 4_999);
        // Sampled counts pick the same documents either way.
        let sampled = |c: &Arc<ColumnCache>| {
            let fruits = searcher
                .search(&AllQuery, &FacetOrdCounts::for_field("entity", c.clone()))
                .unwrap();
            fruits[0].counts.clone()
        };
        assert_eq!(sampled(&cache), sampled(&Arc::new(ColumnCache::default())));
    }

    #[test]
    fn small_result_sets_are_counted_exactly() {
        let (top, estimated) = run(200);
        let got: Vec<(&str, u64)> = top.iter().map(|f| (f.value.as_str(), f.count)).collect();
        assert_eq!(got, [("A", 200), ("B", 100), ("C", 20)]);
        assert!(!estimated);
    }

    #[test]
    fn exact_counting_reads_every_match() {
        let (top, estimated) = run_with(20_000, true);
        let got: Vec<(&str, u64)> = top.iter().map(|f| (f.value.as_str(), f.count)).collect();
        assert_eq!(got, [("A", 20_000), ("B", 10_000), ("C", 2_000)]);
        assert!(!estimated);
    }

    #[test]
    fn large_result_sets_are_sampled_and_flagged() {
        let (top, estimated) = run(20_000);
        assert!(estimated);
        let names: Vec<&str> = top.iter().map(|f| f.value.as_str()).collect();
        assert_eq!(names, ["A", "B", "C"]);
        for (f, exact) in top.iter().zip([20_000.0, 10_000.0, 2_000.0]) {
            let err = (f.count as f64 - exact).abs() / exact;
            assert!(err < 0.2, "{} estimated {} for {exact}", f.value, f.count);
        }
    }
}
