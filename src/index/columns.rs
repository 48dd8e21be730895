//! Column data opened or decoded once per segment and kept for the next
//! search: string columns, entity names by ordinal, and decoded copies of
//! the facet ordinals and days. Shared by every collector of the read path.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;
use tantivy::columnar::{Column, StrColumn};
use tantivy::fastfield::FacetReader;
use tantivy::index::{SegmentId, SegmentReader};
use tantivy::DocId;

/// String columns (entities, ids) opened once per segment: opening one
/// parses its dictionary's index, which cost more than a query's counting.
/// Also remembers entity names by ordinal and the ordinal range of each
/// root: naming an ordinal decompresses a dictionary block, and the same
/// names (United States, Reuters) top most queries. A process that searches
/// on also gets decoded ordinals and days ([`SecondUse`]).
#[derive(Default)]
pub struct ColumnCache {
    pub(crate) columns: Mutex<HashMap<(SegmentId, String), StrColumn>>,
    pub(crate) names: Mutex<PerSegment<u64, String>>,
    /// The other way: ordinals of names, looked up when merging segments.
    /// Per segment, so that a lookup by `&str` allocates nothing.
    pub(crate) ords: Mutex<PerSegment<Box<str>, Option<u64>>>,
    pub(crate) ranges: Mutex<HashMap<(SegmentId, String), (u32, u32)>>,
    pub(crate) flat: SecondUse<FlatOrds>,
    /// The date histogram's days, decoded the same way.
    pub(crate) days: SecondUse<FlatDays>,
    /// The archive's surname table (bare surname -> the one full name it
    /// stands for, both lower-cased), for the segments it was read from.
    pub(crate) surnames: Mutex<Option<SurnameCache>>,
}

/// A surname table (lower-cased surname -> full name) and the segments it
/// was read from.
pub(crate) type SurnameCache = (Vec<SegmentId>, Arc<FxHashMap<String, String>>);

/// Column data decoded into plain arrays per segment and field, on the
/// second lookup: a process that searches twice likely searches on, and a
/// one-shot `search` never pays for decoding.
pub(crate) struct SecondUse<T>(Mutex<Decoded<T>>);

struct Decoded<T> {
    clock: u64,
    /// Each entry with the clock of its last use.
    map: HashMap<(SegmentId, String), (u64, State<T>)>,
}

enum State<T> {
    /// Looked up once, not decoded yet.
    Seen,
    Ready(Arc<T>),
    /// The decoder declined (an unexpected layout): use the column.
    Unusable,
}

impl<T> Default for SecondUse<T> {
    fn default() -> Self {
        SecondUse(Mutex::new(Decoded {
            clock: 0,
            map: HashMap::new(),
        }))
    }
}

/// Decoded segments unused for this many lookups are dropped when another
/// is decoded: every query looks up every live segment, so those are
/// segments merged away.
const STALE: u64 = 1024;

impl<T> SecondUse<T> {
    /// The decoded data of `field` in `reader`'s segment: `None` on the
    /// first lookup, then what `decode` makes of it (once).
    pub(crate) fn get(
        &self,
        reader: &SegmentReader,
        field: &str,
        decode: impl FnOnce() -> Option<T>,
    ) -> Option<Arc<T>> {
        let mut cache = self.0.lock().ok()?;
        cache.clock += 1;
        let now = cache.clock;
        let key = (reader.segment_id(), field.to_string());
        match cache.map.get_mut(&key) {
            Some((used, State::Ready(data))) => {
                *used = now;
                return Some(data.clone());
            }
            Some((used, State::Unusable)) => {
                *used = now;
                return None;
            }
            Some((_, State::Seen)) => {}
            None => {
                cache.map.insert(key, (now, State::Seen));
                return None;
            }
        }
        cache.map.retain(|_, (used, _)| now - *used < STALE);
        let data = decode().map(Arc::new);
        let state = data.clone().map_or(State::Unusable, State::Ready);
        cache.map.insert(key, (now, state));
        data
    }

    #[cfg(test)]
    pub(crate) fn has_decoded(&self) -> bool {
        self.0
            .lock()
            .is_ok_and(|c| c.map.values().any(|(_, s)| matches!(s, State::Ready(_))))
    }
}

/// Every document's facet ordinals, uncompressed: `ords[starts[d]..starts[d
/// + 1]]` are document `d`'s.
///
/// Counting reads a sample of matches scattered over the segment, and on
/// the compressed column each read was a chain of cache misses (row index,
/// then bit-packed values) that the next document's reads waited on. Plain
/// arrays let the facet counter prefetch documents ahead. They
/// cost 4 bytes per value and time to build (21 MB and 17 ms on the 200k
/// corpus), so they are built only for a segment counted a second time: a
/// one-shot `search` process never pays for them.
pub struct FlatOrds {
    pub(crate) starts: Vec<u32>,
    pub(crate) ords: Vec<u32>,
}

impl FlatOrds {
    /// `None` if the column is not laid out as one run of values per
    /// document in doc order (tantivy's multivalued layout).
    pub(crate) fn decode(column: &Column<u64>, max_doc: DocId) -> Option<FlatOrds> {
        let mut starts = Vec::with_capacity(max_doc as usize + 1);
        let mut at = 0u32;
        for doc in 0..max_doc {
            starts.push(at);
            let rows = column.index.value_row_ids(doc);
            if !rows.is_empty() {
                if rows.start != at {
                    return None;
                }
                at = rows.end;
            }
        }
        starts.push(at);
        let mut ords = Vec::with_capacity(at as usize);
        let mut buf = [0u64; 1024];
        let mut row = 0u32;
        while row < at {
            let n = (at - row).min(buf.len() as u32);
            let chunk = &mut buf[..n as usize];
            column.values.get_range(u64::from(row), chunk);
            for &o in chunk.iter() {
                ords.push(u32::try_from(o).ok()?);
            }
            row += n;
        }
        Some(FlatOrds { starts, ords })
    }

    pub(crate) fn of(&self, doc: DocId) -> &[u32] {
        let d = doc as usize;
        match (self.starts.get(d), self.starts.get(d + 1)) {
            (Some(&s), Some(&e)) => self.ords.get(s as usize..e as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// A map per segment.
pub(crate) type PerSegment<K, V> = HashMap<SegmentId, FxHashMap<K, V>>;

/// Most names remembered per segment; the cache starts over beyond.
const NAMES_MAX: usize = 200_000;

/// The cache of `segment`, emptied when it grew past [`NAMES_MAX`]; caches
/// of segments merged away are dropped now and then.
pub(crate) fn bounded<K, V>(m: &mut PerSegment<K, V>, segment: SegmentId) -> &mut FxHashMap<K, V> {
    if m.len() > 256 {
        m.clear();
    }
    let s = m.entry(segment).or_default();
    if s.len() > NAMES_MAX {
        s.clear();
    }
    s
}

impl ColumnCache {
    pub fn str_column(&self, reader: &SegmentReader, field: &str) -> tantivy::Result<Option<StrColumn>> {
        let key = (reader.segment_id(), field.to_string());
        if let Some(c) = self.columns.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(Some(c));
        }
        let Some(column) = reader.fast_fields().str(field)? else {
            return Ok(None);
        };
        if let Ok(mut m) = self.columns.lock() {
            // Segments merged away leave stale entries: start over now and then.
            if m.len() > 256 {
                m.clear();
            }
            m.insert(key, column.clone());
        }
        Ok(Some(column))
    }

    pub(crate) fn term_ord(
        &self,
        segment: SegmentId,
        reader: &FacetReader,
        key: &str,
    ) -> tantivy::Result<Option<u64>> {
        let known = self
            .ords
            .lock()
            .ok()
            .and_then(|m| m.get(&segment).and_then(|s| s.get(key)).copied());
        if let Some(o) = known {
            return Ok(o);
        }
        let o = reader.facet_dict().term_ord(key.as_bytes())?;
        if let Ok(mut m) = self.ords.lock() {
            bounded(&mut m, segment).insert(key.into(), o);
        }
        Ok(o)
    }

    /// The segment's decoded ordinals, once it has been counted before.
    pub(crate) fn flat_ords(
        &self,
        reader: &SegmentReader,
        field: &str,
        column: &Column<u64>,
    ) -> Option<Arc<FlatOrds>> {
        self.flat
            .get(reader, field, || FlatOrds::decode(column, reader.max_doc()))
    }

    /// `None` when no document of the segment has a value.
    pub(crate) fn facet_reader(
        &self,
        reader: &SegmentReader,
        field: &str,
    ) -> tantivy::Result<Option<FacetReader>> {
        Ok(self.str_column(reader, field)?.map(FacetReader::new))
    }
}

/// Every document's day, decoded: `days[doc]` is its day minus the
/// segment's first day, plus one (0: undated). Two bytes per document.
///
/// Reading the date column cost a virtual call, a bit-unpacking and a
/// division per match, and a segment with deletions hands matches over one
/// at a time: the histogram took 15% of one-word queries on an updated 200k
/// index. Built on a segment's second use, like [`FlatOrds`].
pub struct FlatDays {
    pub(crate) days: Vec<u16>,
}

impl FlatDays {
    /// `None` when the segment's days span more than `u16` can hold.
    pub(crate) fn decode(column: &Column<i64>, first: i64, last: i64, max_doc: DocId) -> Option<FlatDays> {
        if last - first >= i64::from(u16::MAX) - 1 {
            return None;
        }
        let mut days = Vec::with_capacity(max_doc as usize);
        let (mut ids, mut buf) = ([0 as DocId; 256], [None; 256]);
        for start in (0..max_doc).step_by(ids.len()) {
            let n = (max_doc - start).min(ids.len() as DocId) as usize;
            for (k, id) in ids[..n].iter_mut().enumerate() {
                *id = start + k as DocId;
            }
            let out = &mut buf[..n];
            out.fill(None);
            column.first_vals(&ids[..n], out);
            for d in out.iter() {
                days.push(match d {
                    Some(day) => u16::try_from(*day - first + 1).ok()?,
                    None => 0,
                });
            }
        }
        Some(FlatDays { days })
    }
}
