//! A collector that counts matching articles per day from the `date` fast
//! field; months (and other buckets) are folded from days at the end, since
//! tantivy's own date histogram only has fixed-width intervals.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::index::SegmentReader;
use tantivy::{DocId, Score};

use crate::dates;

/// Counts per day (days since the Unix epoch) and of undated articles.
#[derive(Clone, Debug, Default)]
pub struct DayCounts {
    pub days: BTreeMap<i64, u64>,
    pub undated: u64,
}

impl DayCounts {
    pub fn first(&self) -> Option<NaiveDate> {
        self.days.keys().next().and_then(|&d| day_to_date(d))
    }

    pub fn last(&self) -> Option<NaiveDate> {
        self.days.keys().next_back().and_then(|&d| day_to_date(d))
    }

    /// Counts per `YYYY-MM`, in calendar order.
    pub fn by_month(&self) -> Vec<(String, u64)> {
        let mut months: BTreeMap<String, u64> = BTreeMap::new();
        for (&day, &n) in &self.days {
            if let Some(d) = day_to_date(day) {
                *months.entry(dates::format_month(d)).or_insert(0) += n;
            }
        }
        months.into_iter().collect()
    }
}

fn day_to_date(day: i64) -> Option<NaiveDate> {
    dates::from_tantivy(tantivy::DateTime::from_timestamp_secs(day * 86_400))
}

/// Collects [`DayCounts`] of the matching documents.
pub struct DayHistogram {
    field: String,
}

impl DayHistogram {
    pub fn for_field(field: &str) -> Self {
        DayHistogram {
            field: field.to_string(),
        }
    }
}

impl Collector for DayHistogram {
    type Fruit = DayCounts;
    type Child = DaySegmentCollector;

    fn for_segment(&self, _: u32, reader: &SegmentReader) -> tantivy::Result<DaySegmentCollector> {
        Ok(DaySegmentCollector {
            column: reader.fast_fields().date(&self.field)?,
            counts: DayCounts::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<DayCounts>) -> tantivy::Result<DayCounts> {
        let mut all = DayCounts::default();
        for f in fruits {
            all.undated += f.undated;
            for (d, n) in f.days {
                *all.days.entry(d).or_insert(0) += n;
            }
        }
        Ok(all)
    }
}

pub struct DaySegmentCollector {
    column: Column<tantivy::DateTime>,
    counts: DayCounts,
}

impl SegmentCollector for DaySegmentCollector {
    type Fruit = DayCounts;

    fn collect(&mut self, doc: DocId, _: Score) {
        match self.column.first(doc) {
            Some(dt) => {
                let day = dt.into_timestamp_secs().div_euclid(86_400);
                *self.counts.days.entry(day).or_insert(0) += 1;
            }
            None => self.counts.undated += 1,
        }
    }

    fn harvest(self) -> DayCounts {
        self.counts
    }
}
