//! JSON and JSON Lines: one object, an array of objects, or one object per
//! line. Each record is its own article; field names vary in the wild, so
//! each article field is looked up under the names scrapers use (and any
//! the user adds with `--field`).

use serde_json::{Map, Value};

use super::{text, FieldMap, Parsed, SkipReason, Skipped};
use crate::article::Article;
use crate::text::dates;

/// Parses a `.json` file: an object is one article, an array of objects is
/// one article per element.
pub fn parse_json(rel: &str, text: &str, fields: &FieldMap) -> Parsed {
    let mut out = Parsed::default();
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(obj)) => push_record(&mut out, rel, None, &obj, fields),
        Ok(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::Object(obj) => push_record(&mut out, rel, Some(i + 1), obj, fields),
                    _ => out
                        .problems
                        .push(problem(rel, None, format!("record {} is not an object", i + 1))),
                }
            }
        }
        Ok(_) => out
            .problems
            .push(problem(rel, None, "not a JSON object or array of objects".into())),
        Err(e) => out
            .problems
            .push(problem(rel, Some(e.line() as u64), format!("invalid JSON: {e}"))),
    }
    out
}

/// Parses JSON Lines: a broken line is reported with its number and the
/// other lines are still read.
pub fn parse_jsonl(rel: &str, text: &str, fields: &FieldMap) -> Parsed {
    let mut out = Parsed::default();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let n = i + 1;
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(obj)) => push_record(&mut out, rel, Some(n), &obj, fields),
            Ok(_) => out
                .problems
                .push(problem(rel, Some(n as u64), "line is not a JSON object".into())),
            Err(e) => out
                .problems
                .push(problem(rel, Some(n as u64), format!("invalid JSON: {e}"))),
        }
    }
    out
}

fn problem(rel: &str, line: Option<u64>, msg: String) -> Skipped {
    Skipped::new(rel, line, SkipReason::Parse(msg))
}

/// The first non-empty string among `names`; arrays of strings are joined
/// (authors), numbers are written out (timestamps, ids).
pub(super) fn field(obj: &Map<String, Value>, names: &[String]) -> Option<String> {
    names.iter().find_map(|name| {
        let s = match obj.get(name)? {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            Value::Array(items) => items
                .iter()
                .filter_map(|v| match v {
                    Value::String(s) => Some(s.trim().to_string()),
                    Value::Object(o) => o.get("name").and_then(Value::as_str).map(str::to_string),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(", "),
            Value::Object(o) => o.get("name").and_then(Value::as_str)?.to_string(),
            _ => return None,
        };
        (!s.is_empty()).then_some(s)
    })
}

/// `record` is the record's number (line, or position in an array); `None`
/// for a file that is a single article.
fn push_record(out: &mut Parsed, rel: &str, record: Option<usize>, obj: &Map<String, Value>, f: &FieldMap) {
    let title = field(obj, &f.title).unwrap_or_default();
    let body = field(obj, &f.body).unwrap_or_default();
    let id = match (record, field(obj, &f.id)) {
        (None, _) => rel.to_string(),
        (Some(_), Some(own)) => format!("{rel}#{own}"),
        (Some(n), None) => format!("{rel}#{n}"),
    };
    let Some(mut article) = text::from_parts(&id, rel, &title, &body) else {
        out.problems
            .push(Skipped::new(rel, record.map(|n| n as u64), SkipReason::Empty));
        return;
    };
    apply_meta(&mut article, obj, f);
    out.articles.push(article);
}

/// Sets date, url, source and author of `article` from a record or a
/// front-matter block.
pub(super) fn apply_meta(article: &mut Article, obj: &Map<String, Value>, f: &FieldMap) {
    article.date = field(obj, &f.date).as_deref().and_then(dates::parse_any);
    article.url = field(obj, &f.url);
    article.source = field(obj, &f.source);
    article.author = field(obj, &f.author);
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn jsonl_records_with_wild_field_names() {
        let text = r#"{"headline": "Oil rises", "maintext": "Crude rose.", "date_publish": "2023-09-13 08:00:00", "source_domain": "example.com", "authors": ["A", "B"]}

{"title": "Second", "text": "Body two.", "timestamp": 1694592000, "id": "abc"}
{"title": "Broken", "text": 
[1, 2]
{"title": null, "body": ""}"#;
        let p = parse_jsonl("feed.jsonl", text, &FieldMap::default());
        assert_eq!(p.articles.len(), 2);
        let a = &p.articles[0];
        assert_eq!(
            (a.id.as_str(), a.title.as_str(), a.body.as_str()),
            ("feed.jsonl#1", "Oil rises", "Crude rose.")
        );
        assert_eq!(a.date, NaiveDate::from_ymd_opt(2023, 9, 13));
        assert_eq!(a.source.as_deref(), Some("example.com"));
        assert_eq!(a.author.as_deref(), Some("A, B"));
        assert_eq!(p.articles[1].id, "feed.jsonl#abc");
        assert_eq!(p.articles[1].date, NaiveDate::from_ymd_opt(2023, 9, 13));
        let lines: Vec<Option<u64>> = p.problems.iter().map(|s| s.line).collect();
        assert_eq!(lines, [Some(4), Some(5), Some(6)]);
        assert!(p.problems[0].reason.to_string().starts_with("invalid JSON"));
        assert_eq!(p.problems[2].reason, SkipReason::Empty);
    }

    #[test]
    fn json_object_and_array() {
        let one = parse_json(
            "a.json",
            r#"{"title": "T", "content": "C", "pubDate": "Wed, 13 Sep 2023 10:00:00 GMT"}"#,
            &FieldMap::default(),
        );
        assert_eq!(one.articles[0].id, "a.json");
        assert_eq!(one.articles[0].date, NaiveDate::from_ymd_opt(2023, 9, 13));
        let many = parse_json(
            "b.json",
            r#"[{"title": "T1", "body": "x"}, {"title": "T2", "body": "y"}, 3]"#,
            &FieldMap::default(),
        );
        assert_eq!(
            many.articles.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
            ["b.json#1", "b.json#2"]
        );
        assert_eq!(many.problems.len(), 1);
        let bad = parse_json("c.json", "{nope", &FieldMap::default());
        assert_eq!(bad.problems[0].line, Some(1));
    }

    #[test]
    fn user_named_fields() {
        let mut f = FieldMap::default();
        f.set("title", "hed").unwrap();
        f.set("body", "txt").unwrap();
        let p = parse_jsonl("x.jsonl", r#"{"hed": "Custom", "txt": "Layout."}"#, &f);
        assert_eq!(p.articles[0].title, "Custom");
        assert!(f.set("colour", "x").is_err());
    }
}
