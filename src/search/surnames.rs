//! The archive's own name table: which full name a bare surname ("Blair")
//! or an honorific form ("Mr Blair") stands for, where the archive makes
//! that unambiguous. The table itself is index data
//! ([`crate::index::names`]); this module applies it to what readers see.

use rustc_hash::FxHashMap;

use crate::search::response::FacetCount;

pub use crate::index::names::{table, SurnameTable, HONORIFICS};

/// The full name (lower-cased) that the short person name `short` ("blair",
/// "Mr Blair") stands for in this archive, if one does.
pub fn full_name<'t>(table: &'t SurnameTable, short: &str) -> Option<&'t str> {
    let lower = short.to_lowercase();
    let bare = match lower.split_once(' ') {
        Some((h, rest)) if HONORIFICS.contains(&h) && !rest.contains(' ') => rest,
        Some(_) => return None,
        None => lower.as_str(),
    };
    table.get(bare).map(String::as_str)
}

/// The indexed short forms (lower-cased: "blair", "mr blair") that stand
/// for the full person name `full` (lower-cased) in this archive.
pub fn short_forms(table: &SurnameTable, full: &str) -> Vec<String> {
    let Some((_, surname)) = full.rsplit_once(' ') else {
        return Vec::new();
    };
    if table.get(surname).map(String::as_str) != Some(full) {
        return Vec::new();
    }
    let mut out = vec![surname.to_string()];
    out.extend(HONORIFICS.iter().map(|h| format!("{h} {surname}")));
    out
}

/// The full name `full` (lower-cased) written as `short` writes its words
/// ("Reagan" gives "Ronald Reagan", "McCain" keeps its capitals), the other
/// words (and shouted ones) capitalised.
fn spell(full: &str, short: &str) -> String {
    let written: Vec<&str> = short.split_whitespace().collect();
    let spelt: Vec<String> = full
        .split_whitespace()
        .map(|w| match written.iter().find(|x| x.eq_ignore_ascii_case(w)) {
            // A shouted headline's "OBAMA" is not how the name is written.
            Some(x) if x.chars().any(char::is_lowercase) => x.to_string(),
            _ => {
                let mut c = w.chars();
                c.next()
                    .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
            }
        })
        .collect();
    spelt.join(" ")
}

/// The people of one article as its reader should see them: a short form
/// the table resolves stands for its full name ("Obama" in an article that
/// also names "Barack Obama" is one chip; alone, it reads "Barack Obama"),
/// and spellings that differ only in case are one name (not the shouted
/// one). Order is kept.
pub fn resolve_people(names: &mut Vec<String>, table: &SurnameTable) {
    let shouted = |s: &str| !s.chars().any(char::is_lowercase);
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for name in names.drain(..) {
        let resolved = match full_name(table, &name) {
            Some(full) => match out.iter().position(|o| o.to_lowercase() == full) {
                Some(_) => continue,
                None => spell(full, &name),
            },
            None => name,
        };
        let lower = resolved.to_lowercase();
        match out.iter().position(|o| o.to_lowercase() == lower) {
            Some(i) => {
                if shouted(&out[i]) && !shouted(&resolved) {
                    out[i] = resolved;
                }
            }
            None => out.push(resolved),
        }
    }
    *names = out;
}

/// Person facet values with one value per person: a short form the table
/// resolves ("Obama", "Mr Blair") counts for its full name when that is
/// among the values, and spellings that differ only in case are one value
/// (written as the most counted form that is not all capitals). Ordered by
/// count, then name; the first `k`.
pub fn merge_people(values: Vec<FacetCount>, table: &SurnameTable, k: usize) -> Vec<FacetCount> {
    let mut merged: Vec<FacetCount> = Vec::with_capacity(values.len());
    let mut at: FxHashMap<String, usize> = FxHashMap::default();
    let shouted = |s: &str| !s.chars().any(char::is_lowercase);
    for v in &values {
        let lower = v.value.to_lowercase();
        match at.get(&lower) {
            Some(&i) => {
                let m = &mut merged[i];
                if shouted(&m.value) && !shouted(&v.value) {
                    m.value = v.value.clone();
                }
                m.count += v.count;
            }
            None => {
                at.insert(lower, merged.len());
                merged.push(v.clone());
            }
        }
    }
    // A short form whose full name is not among the values is named by it
    // ("Reagan" -> Ronald Reagan), spelt as the short form spells its words.
    for v in merged.iter_mut() {
        let Some(full) = full_name(table, &v.value) else {
            continue;
        };
        if at.contains_key(full) {
            continue;
        }
        v.value = spell(full, &v.value);
    }
    // Values that are now equal are one.
    let mut seen: FxHashMap<String, usize> = FxHashMap::default();
    let mut unique: Vec<FacetCount> = Vec::with_capacity(merged.len());
    for v in merged {
        match seen.get(&v.value.to_lowercase()) {
            Some(&i) => unique[i].count += v.count,
            None => {
                seen.insert(v.value.to_lowercase(), unique.len());
                unique.push(v);
            }
        }
    }
    let (mut merged, at) = (unique, seen);
    // Where each value's articles count: its own place, or its full name's.
    let target: Vec<usize> = (0..merged.len())
        .map(|i| {
            full_name(table, &merged[i].value)
                .and_then(|f| at.get(f))
                .copied()
                .unwrap_or(i)
        })
        .collect();
    for (i, &t) in target.iter().enumerate() {
        if t != i {
            merged[t].count += merged[i].count;
        }
    }
    let mut out: Vec<FacetCount> = merged
        .into_iter()
        .zip(&target)
        .enumerate()
        .filter(|&(i, (_, &t))| t == i)
        .map(|(_, (v, _))| v)
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    out.truncate(k);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms_and_full_names_are_each_other_s_inverse() {
        let t: SurnameTable = [("blair".to_string(), "tony blair".to_string())]
            .into_iter()
            .collect();
        assert_eq!(full_name(&t, "Mr Blair"), Some("tony blair"));
        assert_eq!(full_name(&t, "BLAIR"), Some("tony blair"));
        assert_eq!(full_name(&t, "Cherie Blair"), None);
        assert_eq!(full_name(&t, "Mr Brown"), None);
        assert!(short_forms(&t, "tony blair").contains(&"mr blair".to_string()));
        assert!(short_forms(&t, "cherie blair").is_empty());
    }

    #[test]
    fn an_article_s_people_are_one_chip_per_person() {
        let t: SurnameTable = [("obama".to_string(), "barack obama".to_string())]
            .into_iter()
            .collect();
        let v = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut both = v(&[
            "Obama",
            "Ben Bernanke",
            "Barack Obama",
            "BEN BERNANKE",
            "Mr Obama",
        ]);
        resolve_people(&mut both, &t);
        assert_eq!(both, v(&["Barack Obama", "Ben Bernanke"]));
        let mut alone = v(&["OBAMA", "Mr Brown"]);
        resolve_people(&mut alone, &t);
        assert_eq!(alone, v(&["Barack Obama", "Mr Brown"]));
    }

    #[test]
    fn people_facets_count_short_forms_and_case_variants_for_the_full_name() {
        let t: SurnameTable = [("obama".to_string(), "barack obama".to_string())]
            .into_iter()
            .collect();
        let f = |value: &str, count| FacetCount {
            value: value.into(),
            count,
        };
        let got = merge_people(
            vec![
                f("Barack Obama", 10),
                f("Obama", 5),
                f("BARACK OBAMA", 2),
                f("Ben Bernanke", 12),
                f("Mr Brown", 1),
            ],
            &t,
            2,
        );
        assert_eq!(got, [f("Barack Obama", 17), f("Ben Bernanke", 12)]);
        // A full name not among the values is named by its short form.
        let alone = merge_people(vec![f("Obama", 5), f("Ben Bernanke", 2)], &t, 2);
        assert_eq!(alone, [f("Barack Obama", 5), f("Ben Bernanke", 2)]);
    }
}
