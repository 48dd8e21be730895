//! Calendar dates: parsing what users and articles write, and converting to
//! the index's representation (UTC midnight of the article's own day).

use chrono::{Datelike, NaiveDate};

/// Parses a strict `YYYY-MM-DD` date, as used in the seed format and on the
/// command line.
pub fn parse_ymd(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Parses a date as found in the wild: ISO 8601 dates and datetimes (with
/// or without offsets), RFC 2822, the forms journalists write ("September
/// 13, 2023", "Sept. 13, 2023", "13 Sep 2023", "2023/09/13") and epoch
/// seconds or milliseconds. A datetime gives the day in its own offset: the
/// day the article itself states.
pub fn parse_any(s: &str) -> Option<NaiveDate> {
    let s = s.trim().trim_end_matches(['.', ',']);
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return parse_epoch(s);
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(dt.date_naive());
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc2822(s) {
        return Some(dt.date_naive());
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(s, fmt) {
            return Some(dt.date());
        }
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S %z",
    ] {
        if let Ok(dt) = chrono::DateTime::parse_from_str(s, fmt) {
            return Some(dt.date_naive());
        }
    }
    // "Sept." is how many newsrooms abbreviate September; chrono wants "Sep".
    let norm = s
        .replace("Sept.", "Sep")
        .replace("Sept ", "Sep ")
        .replace('.', "");
    let norm = norm.split_whitespace().collect::<Vec<_>>().join(" ");
    let day_part = strip_weekday(&norm);
    for fmt in [
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%Y.%m.%d",
        "%B %d, %Y",
        "%b %d, %Y",
        "%B %d %Y",
        "%b %d %Y",
        "%d %B %Y",
        "%d %b %Y",
        "%d %B, %Y",
        "%d %b, %Y",
        "%Y%m%d",
    ] {
        if let Ok(d) = NaiveDate::parse_from_str(day_part, fmt) {
            return Some(d);
        }
    }
    // A datetime in a form above followed by a time: parse its date part.
    let first_three: String = day_part.split(' ').take(3).collect::<Vec<_>>().join(" ");
    if first_three != day_part {
        return parse_any(&first_three);
    }
    None
}

fn strip_weekday(s: &str) -> &str {
    match s.split_once(", ").or_else(|| s.split_once(' ')) {
        Some((head, rest)) if is_weekday(head) => rest,
        _ => s,
    }
}

fn is_weekday(w: &str) -> bool {
    let w = w.trim_end_matches(',').to_ascii_lowercase();
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .any(|d| w.starts_with(d))
        && w.len() <= 9
}

/// Epoch seconds (up to 11 digits) or milliseconds (12 or 13 digits).
fn parse_epoch(s: &str) -> Option<NaiveDate> {
    let n: i64 = s.parse().ok()?;
    let secs = match s.len() {
        9..=11 => n,
        12..=13 => n / 1000,
        _ => return None,
    };
    chrono::DateTime::from_timestamp(secs, 0).map(|d| d.date_naive())
}

/// A date written in a file's path: `…/2019/07/04/…`, `2019-07-04-slug`,
/// `20190704-slug`. The last such date in the path wins.
pub fn from_path(path: &str) -> Option<NaiveDate> {
    let b = path.as_bytes();
    let digits = |i: usize, n: usize| i + n <= b.len() && b[i..i + n].iter().all(u8::is_ascii_digit);
    let sep = |i: usize| i < b.len() && matches!(b[i], b'/' | b'-' | b'_' | b'.');
    let boundary = |i: usize| i == 0 || !b[i - 1].is_ascii_digit();
    let mut found = None;
    for i in 0..b.len() {
        if !boundary(i) || !digits(i, 4) {
            continue;
        }
        let ymd = if sep(i + 4) && digits(i + 5, 2) && sep(i + 7) && digits(i + 8, 2) {
            Some((&path[i..i + 4], &path[i + 5..i + 7], &path[i + 8..i + 10]))
        } else if digits(i, 8) && !digits(i + 8, 1) {
            Some((&path[i..i + 4], &path[i + 4..i + 6], &path[i + 6..i + 8]))
        } else {
            None
        };
        if let Some((y, m, d)) = ymd {
            let end = if digits(i, 8) { i + 8 } else { i + 10 };
            if end < b.len() && b[end].is_ascii_digit() {
                continue;
            }
            let (y, m, d) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
            if (1800..=2200).contains(&y) {
                if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                    found = Some(date);
                }
            }
        }
    }
    found
}

/// A calendar period written `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as its first
/// and last day.
pub fn parse_period(s: &str) -> Option<(NaiveDate, NaiveDate)> {
    let s = s.trim();
    let num = |t: &str, len: usize| {
        (t.len() == len && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse::<u32>().ok())
            .flatten()
    };
    let parts: Vec<&str> = s.split('-').collect();
    if parts[0] == "0000" {
        return None;
    }
    match parts[..] {
        [y] => {
            let y = num(y, 4)? as i32;
            Some((
                NaiveDate::from_ymd_opt(y, 1, 1)?,
                NaiveDate::from_ymd_opt(y, 12, 31)?,
            ))
        }
        [y, m] => {
            let first = NaiveDate::from_ymd_opt(num(y, 4)? as i32, num(m, 2)?, 1)?;
            let next = first.checked_add_months(chrono::Months::new(1))?;
            Some((first, next.pred_opt()?))
        }
        [_, _, _] => parse_ymd(s).map(|d| (d, d)),
        _ => None,
    }
}

/// A day relative to `today`: `today`, `yesterday`, or a count of days,
/// weeks, months or years ago (`7d`, `2w`, `3m`, `1y`).
pub fn parse_relative(s: &str, today: NaiveDate) -> Option<NaiveDate> {
    let s = s.trim().to_ascii_lowercase();
    match s.as_str() {
        "today" => return Some(today),
        "yesterday" => return today.pred_opt(),
        _ => {}
    }
    let unit = s.chars().last()?;
    let n: u32 = s[..s.len() - 1].parse().ok()?;
    match unit {
        'd' => today.checked_sub_days(chrono::Days::new(n.into())),
        'w' => today.checked_sub_days(chrono::Days::new(u64::from(n) * 7)),
        'm' => today.checked_sub_months(chrono::Months::new(n)),
        'y' => today.checked_sub_months(chrono::Months::new(n.checked_mul(12)?)),
        _ => None,
    }
}

/// Which end of a period a user's date stands for: `--since 2023-09` means
/// from September 1st, `--until 2023-09` up to September 30th.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The first day of the period.
    Start,
    /// The last day of the period.
    End,
}

/// Parses a date given by the user (`--since`, `--until`): a day, month or
/// year, or a relative date; the error names the option and the forms.
pub fn parse_user_date(
    what: &'static str,
    s: &str,
    side: Side,
    today: NaiveDate,
) -> Result<NaiveDate, DateError> {
    if let Some((first, last)) = parse_period(s) {
        return Ok(if side == Side::Start { first } else { last });
    }
    parse_relative(s, today).ok_or_else(|| DateError {
        what,
        input: s.to_string(),
    })
}

/// A date the user typed that is none of the forms newsdex reads.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{input:?} is not a date: use 2023-09-13, 2023-09 or 2023 (years 0001 to 9999), or a \
     relative date such as today, yesterday, 7d, 2w, 3m or 1y"
)]
pub struct DateError {
    /// The option or parameter it was given to (`--since`, `until`).
    pub what: &'static str,
    /// What was typed.
    pub input: String,
}

/// Today in the local time zone.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Day 0 of [`day_number`], 1970-01-01, counted from 0001-01-01 (day 1).
const EPOCH_FROM_CE: i64 = 719_163;

/// The index stores a day as its number of days since 1970-01-01 (negative
/// before): every year from 1 to 9999 fits, where a tantivy date (a count
/// of nanoseconds) holds only 1677 to 2262.
pub fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - EPOCH_FROM_CE
}

/// Inverse of [`day_number`]; `None` outside chrono's calendar.
pub fn from_day_number(day: i64) -> Option<NaiveDate> {
    i32::try_from(day + EPOCH_FROM_CE)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// The first and last day newsdex reads and filters on.
pub const FIRST_YEAR: i32 = 1;
/// See [`FIRST_YEAR`].
pub const LAST_YEAR: i32 = 9999;

/// An article's date if newsdex can represent and print it (years 1 to
/// 9999 in four digits); others are treated as undated.
pub fn in_range(date: NaiveDate) -> Option<NaiveDate> {
    (FIRST_YEAR..=LAST_YEAR).contains(&date.year()).then_some(date)
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
    fn periods_and_relative_dates() {
        let d = |s: &str| parse_ymd(s).unwrap();
        assert_eq!(parse_period("2023"), Some((d("2023-01-01"), d("2023-12-31"))));
        assert_eq!(parse_period("2024-02"), Some((d("2024-02-01"), d("2024-02-29"))));
        assert_eq!(parse_period("2023-12"), Some((d("2023-12-01"), d("2023-12-31"))));
        assert_eq!(
            parse_period("2023-09-13"),
            Some((d("2023-09-13"), d("2023-09-13")))
        );
        for bad in ["2023-13", "23", "2023-9", "2023-02-30", "", "x"] {
            assert_eq!(parse_period(bad), None, "{bad}");
        }
        let today = d("2024-03-31");
        assert_eq!(parse_relative("today", today), Some(today));
        assert_eq!(parse_relative("yesterday", today), Some(d("2024-03-30")));
        assert_eq!(parse_relative("7d", today), Some(d("2024-03-24")));
        assert_eq!(parse_relative("2w", today), Some(d("2024-03-17")));
        assert_eq!(parse_relative("1m", today), Some(d("2024-02-29")));
        assert_eq!(parse_relative("1y", today), Some(d("2023-03-31")));
        for bad in ["7", "d", "-1d", "7x", "99999999999d"] {
            assert_eq!(parse_relative(bad, today), None, "{bad}");
        }
        assert_eq!(
            parse_user_date("--until", "2023-09", Side::End, today).unwrap(),
            d("2023-09-30")
        );
        let err = parse_user_date("--since", "last week", Side::Start, today).unwrap_err();
        assert!(err.to_string().contains("7d"), "{err}");
    }

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
        assert_eq!(from_day_number(day_number(d)), Some(d));
        assert_eq!(day_number(NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()), 0);
        for (y, m, d) in [
            (1, 1, 1),
            (1500, 6, 15),
            (1677, 9, 20),
            (2263, 1, 1),
            (9999, 12, 31),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(from_day_number(day_number(date)), Some(date), "{date}");
            assert_eq!(in_range(date), Some(date));
        }
        assert_eq!(in_range(NaiveDate::from_ymd_opt(0, 12, 31).unwrap()), None);
        assert_eq!(
            format_ymd(NaiveDate::from_ymd_opt(5, 3, 1).unwrap()),
            "0005-03-01"
        );
        assert!(parse_user_date("--since", "0000", Side::Start, d).is_err());
        assert_eq!(
            parse_user_date("--until", "9999", Side::End, d),
            Ok(NaiveDate::from_ymd_opt(9999, 12, 31).unwrap())
        );
        assert_eq!(format_month(d), "1987-10");
        assert_eq!(format_ymd(d), "1987-10-20");
    }

    #[test]
    fn parses_dates_as_written_in_the_wild() {
        let d = NaiveDate::from_ymd_opt(2023, 9, 13);
        for s in [
            "2023-09-13",
            "2023-09-13T23:30:00-04:00",
            "2023-09-13T08:00:00Z",
            "2023-09-13T08:00:00.123+09:00",
            "2023-09-13 08:00:00",
            "Wed, 13 Sep 2023 10:00:00 GMT",
            "Wed, 13 Sep 2023 10:00:00 +0200",
            "September 13, 2023",
            "Sept. 13, 2023",
            "Sep 13, 2023",
            "13 Sep 2023",
            "13 September 2023",
            "2023/09/13",
            "Wednesday, September 13, 2023",
            "1694592000",
            "1694592000000",
        ] {
            assert_eq!(parse_any(s), d, "{s}");
        }
        for s in [
            "",
            "yesterday",
            "13/13/2023",
            "2023-02-30",
            "12",
            "nope nope nope nope",
        ] {
            assert_eq!(parse_any(s), None, "{s}");
        }
    }

    #[test]
    fn the_day_stated_is_kept_whatever_the_offset() {
        // 23:30 in New York is the next day in UTC; the article said the 13th.
        assert_eq!(
            parse_any("2023-09-13T23:30:00-04:00"),
            NaiveDate::from_ymd_opt(2023, 9, 13)
        );
    }

    #[test]
    fn dates_in_paths() {
        let d = NaiveDate::from_ymd_opt(2019, 7, 4);
        assert_eq!(from_path("news/2019/07/04/story.html"), d);
        assert_eq!(from_path("2019-07-04-slug.txt"), d);
        assert_eq!(from_path("archive/20190704-slug.txt"), d);
        assert_eq!(from_path("notes/story-12345678901.txt"), None);
        assert_eq!(from_path("2019/13/45/x.txt"), None);
        assert_eq!(from_path("plain.txt"), None);
    }

    #[test]
    fn user_date_errors_name_the_option() {
        let err = parse_user_date("--since", "March", Side::Start, today()).unwrap_err();
        assert_eq!(err.what, "--since");
        assert!(
            err.to_string()
                .starts_with("\"March\" is not a date: use 2023-09-13"),
            "{err}"
        );
    }
}
