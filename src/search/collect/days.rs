//! A collector that counts matching articles per day from the `date` fast
//! field; months (and other buckets) are folded from days at the end, since
//! tantivy's own date histogram only has fixed-width intervals.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::index::SegmentReader;
use tantivy::{DocId, Score};

use crate::index::columns::{ColumnCache, FlatDays};
use crate::search::request::Interval;
use crate::text::dates;

/// Counts per day (days since the Unix epoch) and of undated articles.
#[derive(Clone, Debug, Default)]
pub struct DayCounts {
    /// `(day, count)`, sorted by day, counts above zero.
    pub days: Vec<(i64, u64)>,
    pub undated: u64,
}

impl DayCounts {
    pub fn first(&self) -> Option<NaiveDate> {
        self.days.first().and_then(|&(d, _)| day_to_date(d))
    }

    pub fn last(&self) -> Option<NaiveDate> {
        self.days.last().and_then(|&(d, _)| day_to_date(d))
    }
}

/// The bucket key of a day, and the first day of the next bucket.
fn bucket(interval: Interval, d: NaiveDate) -> (String, Option<NaiveDate>) {
    match interval {
        Interval::Day => (dates::format_ymd(d), d.succ_opt()),
        Interval::Week => {
            let w = d.iso_week();
            let monday = d - chrono::Days::new(d.weekday().num_days_from_monday().into());
            (
                format!("{:04}-W{:02}", w.year(), w.week()),
                monday.checked_add_days(chrono::Days::new(7)),
            )
        }
        Interval::Month => {
            let first = d.with_day(1).unwrap_or(d);
            (
                dates::format_month(d),
                first.checked_add_months(chrono::Months::new(1)),
            )
        }
        Interval::Year => (
            format!("{:04}", d.year()),
            NaiveDate::from_ymd_opt(d.year() + 1, 1, 1),
        ),
    }
}

impl DayCounts {
    /// Counts per bucket in calendar order, with empty buckets between the
    /// first and last dated match (a timeline shows its gaps).
    pub fn bucketed(&self, interval: Interval) -> Vec<(String, u64)> {
        let (Some(first), Some(last)) = (self.first(), self.last()) else {
            return Vec::new();
        };
        let mut out: Vec<(String, u64)> = Vec::new();
        let mut day = first;
        let mut counts = self.days.iter().map(|(d, n)| (d, n)).peekable();
        // Whole ranges longer than this are listed sparsely (no gap fill).
        if interval == Interval::Day && (last - first).num_days() > 20_000 {
            return self
                .days
                .iter()
                .filter_map(|&(d, n)| Some((dates::format_ymd(day_to_date(d)?), n)))
                .collect();
        }
        while day <= last {
            let (key, next) = bucket(interval, day);
            let next_day = next.map(|n| {
                n.signed_duration_since(NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch"))
                    .num_days()
            });
            let mut n = 0;
            while let Some((&d, &c)) = counts.peek() {
                if next_day.is_some_and(|nd| d >= nd) {
                    break;
                }
                n += c;
                counts.next();
            }
            out.push((key, n));
            match next {
                Some(nx) => day = nx,
                None => break,
            }
        }
        out
    }
}

fn day_to_date(day: i64) -> Option<NaiveDate> {
    dates::from_day_number(day)
}

/// Collects [`DayCounts`] of the matching documents.
pub struct DayHistogram {
    field: String,
    columns: Arc<ColumnCache>,
}

impl DayHistogram {
    pub fn for_field(field: &str, columns: Arc<ColumnCache>) -> Self {
        DayHistogram {
            field: field.to_string(),
            columns,
        }
    }
}

impl Collector for DayHistogram {
    type Fruit = DayCounts;
    type Child = DaySegmentCollector;

    fn for_segment(&self, _: u32, reader: &SegmentReader) -> tantivy::Result<DaySegmentCollector> {
        let column = reader.fast_fields().i64(&self.field)?;
        let (first, last) = (column.min_value(), column.max_value());
        let flat = self.columns.days.get(reader, &self.field, || {
            FlatDays::decode(&column, first, last, reader.max_doc())
        });
        // A dense array of days when the span is sane (it is for news).
        let span = (last - first + 1).clamp(0, 200_000) as usize;
        Ok(DaySegmentCollector {
            column,
            flat,
            first,
            dense: vec![0; span],
            outside: BTreeMap::new(),
            undated: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<DayCounts>) -> tantivy::Result<DayCounts> {
        if fruits.len() == 1 {
            return Ok(fruits.into_iter().next().expect("one fruit"));
        }
        // Each fruit is sorted by day: concatenate, sort (runs merge
        // quickly) and add up equal days. A map per day showed in profiles
        // of multi-segment indexes (thousands of days per query).
        let undated = fruits.iter().map(|f| f.undated).sum();
        let mut all: Vec<(i64, u64)> = fruits.into_iter().flat_map(|f| f.days).collect();
        all.sort_by_key(|&(d, _)| d);
        let mut days: Vec<(i64, u64)> = Vec::with_capacity(all.len());
        for (d, n) in all {
            match days.last_mut() {
                Some(last) if last.0 == d => last.1 += n,
                _ => days.push((d, n)),
            }
        }
        Ok(DayCounts { days, undated })
    }
}

pub struct DaySegmentCollector {
    column: Column<i64>,
    flat: Option<Arc<FlatDays>>,
    first: i64,
    dense: Vec<u64>,
    /// Days outside the dense range (none for sane dates).
    outside: BTreeMap<i64, u64>,
    undated: u64,
}

impl DaySegmentCollector {
    fn count(&mut self, date: Option<i64>) {
        match date {
            Some(day) => {
                match usize::try_from(day - self.first)
                    .ok()
                    .and_then(|i| self.dense.get_mut(i))
                {
                    Some(n) => *n += 1,
                    None => *self.outside.entry(day).or_insert(0) += 1,
                }
            }
            None => self.undated += 1,
        }
    }
}

/// Counts `doc`'s day from decoded days (whose span is the segment's, as
/// `dense`'s is).
#[inline]
fn count_flat(flat: &FlatDays, dense: &mut [u64], undated: &mut u64, doc: DocId) {
    match flat.days.get(doc as usize) {
        Some(0) | None => *undated += 1,
        Some(&d) => {
            if let Some(n) = dense.get_mut(usize::from(d) - 1) {
                *n += 1;
            }
        }
    }
}

impl SegmentCollector for DaySegmentCollector {
    type Fruit = DayCounts;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(flat) = &self.flat {
            return count_flat(flat, &mut self.dense, &mut self.undated, doc);
        }
        let d = self.column.first(doc);
        self.count(d);
    }
    fn collect_block(&mut self, docs: &[DocId]) {
        if let Some(flat) = &self.flat {
            for &doc in docs {
                count_flat(flat, &mut self.dense, &mut self.undated, doc);
            }
            return;
        }
        let mut days = [None; 64];
        for chunk in docs.chunks(64) {
            let out = &mut days[..chunk.len()];
            out.fill(None);
            self.column.first_vals(chunk, out);
            for d in out.iter() {
                self.count(*d);
            }
        }
    }

    fn harvest(self) -> DayCounts {
        let first = self.first;
        let mut days: Vec<(i64, u64)> = self
            .dense
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(i, &n)| (first + i as i64, n))
            .collect();
        // Outside days never fall in the dense range.
        if !self.outside.is_empty() {
            days.extend(self.outside);
            days.sort_unstable();
        }
        DayCounts {
            days,
            undated: self.undated,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoded_days_count_like_the_column() {
        use tantivy::collector::Count;
        use tantivy::query::AllQuery;
        use tantivy::schema::{NumericOptions, Schema, FAST, STRING};
        use tantivy::{Index, IndexWriter, TantivyDocument, Term};
        let mut b = Schema::builder();
        let date = b.add_i64_field("date", NumericOptions::from(FAST));
        let id = b.add_text_field("id", STRING);
        let index = Index::create_in_ram(b.build());
        let mut w: IndexWriter = index.writer_with_num_threads(1, 20_000_000).unwrap();
        for i in 0..3_000i64 {
            let mut doc = TantivyDocument::default();
            doc.add_text(id, i.to_string());
            // Every 7th undated; the others over 400 days.
            if i % 7 != 0 {
                doc.add_i64(date, 18_000 + (i * 13) % 400);
            }
            w.add_document(doc).unwrap();
        }
        w.commit().unwrap();
        // A deletion: the segment then hands matches over one by one.
        w.delete_term(Term::from_field_text(id, "5"));
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let columns = Arc::new(ColumnCache::default());
        let run = || {
            let h = DayHistogram::for_field("date", columns.clone());
            let (n, c) = searcher.search(&AllQuery, &(Count, h)).unwrap();
            (n, c.days, c.undated, columns.days.has_decoded())
        };
        let (n, days, undated, decoded) = run();
        assert!(!decoded);
        assert_eq!(n, 2_999);
        assert_eq!(undated, 429);
        assert_eq!(days.iter().map(|d| d.1).sum::<u64>(), 2_999 - 429);
        let again = run();
        assert!(again.3, "a second search reads decoded days");
        assert_eq!((again.0, again.1, again.2), (n, days, undated));
    }

    #[test]
    fn segments_merge_by_day() {
        let h = DayHistogram::for_field("date", Default::default());
        let a = DayCounts {
            days: vec![(1, 2), (5, 1), (9, 4)],
            undated: 1,
        };
        let b = DayCounts {
            days: vec![(0, 1), (5, 3)],
            undated: 2,
        };
        let c = DayCounts {
            days: vec![(9, 1)],
            undated: 0,
        };
        let m = tantivy::collector::Collector::merge_fruits(&h, vec![a, b, c]).unwrap();
        assert_eq!(m.days, [(0, 1), (1, 2), (5, 4), (9, 5)]);
        assert_eq!(m.undated, 3);
    }

    #[test]
    fn buckets_fill_gaps_in_calendar_order() {
        let day = |s: &str| dates::day_number(dates::parse_ymd(s).unwrap());
        let mut c = DayCounts::default();
        for (d, n) in [("2023-01-30", 1), ("2023-02-01", 2), ("2023-04-02", 3)] {
            c.days.push((day(d), n));
        }
        let keys = |v: Vec<(String, u64)>| v.into_iter().map(|(k, n)| format!("{k}={n}")).collect::<Vec<_>>();
        assert_eq!(
            keys(c.bucketed(Interval::Month)),
            ["2023-01=1", "2023-02=2", "2023-03=0", "2023-04=3"]
        );
        assert_eq!(keys(c.bucketed(Interval::Year)), ["2023=6"]);
        let weeks = keys(c.bucketed(Interval::Week));
        assert_eq!(weeks.first().map(String::as_str), Some("2023-W05=3"));
        assert_eq!(weeks.last().map(String::as_str), Some("2023-W13=3"));
        assert_eq!(weeks.len(), 9);
        assert_eq!(c.bucketed(Interval::Day).len(), 63);
    }
}
