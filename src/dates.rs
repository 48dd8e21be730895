//! Calendar dates: parsing what users and articles write, and converting to
//! the index's representation (UTC midnight of the article's own day).

use chrono::{Datelike, NaiveDate};

use crate::error::{Error, Result};

/// Parses a strict `YYYY-MM-DD` date, as used in the seed format and on the
/// command line.
pub fn parse_ymd(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Parses a date given by the user (`--since`, `--until`), naming the option
/// in the error.
pub fn parse_user_date(what: &'static str, s: &str) -> Result<NaiveDate> {
    parse_ymd(s).ok_or_else(|| Error::InvalidArgument {
        what,
        message: format!("{s:?} is not a date in the form YYYY-MM-DD"),
    })
}

/// The index stores a day as the UTC timestamp of its midnight.
pub fn to_tantivy(date: NaiveDate) -> tantivy::DateTime {
    let secs = date
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp();
    tantivy::DateTime::from_timestamp_secs(secs)
}

/// Inverse of [`to_tantivy`]; `None` for timestamps outside chrono's range.
pub fn from_tantivy(dt: tantivy::DateTime) -> Option<NaiveDate> {
    let secs = dt.into_timestamp_secs();
    chrono::DateTime::from_timestamp(secs, 0).map(|d| d.date_naive())
}

/// `YYYY-MM-DD`, the form of dates in every output.
pub fn format_ymd(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// `YYYY-MM`, the key of the month facet.
pub fn format_month(date: NaiveDate) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_strict_days_only() {
        assert_eq!(parse_ymd("2023-09-13"), NaiveDate::from_ymd_opt(2023, 9, 13));
        assert_eq!(parse_ymd(" 1987-03-01 "), NaiveDate::from_ymd_opt(1987, 3, 1));
        assert_eq!(parse_ymd("2023-02-30"), None);
        assert_eq!(parse_ymd("2023-9-13"), None);
        assert_eq!(parse_ymd("yesterday"), None);
    }

    #[test]
    fn round_trips_through_the_index_representation() {
        let d = NaiveDate::from_ymd_opt(1987, 10, 20).unwrap();
        assert_eq!(from_tantivy(to_tantivy(d)), Some(d));
        assert_eq!(format_month(d), "1987-10");
        assert_eq!(format_ymd(d), "1987-10-20");
    }

    #[test]
    fn user_date_errors_name_the_option() {
        let err = parse_user_date("--since", "March").unwrap_err();
        assert!(err.to_string().contains("--since"), "{err}");
        assert!(err.is_usage());
    }
}
