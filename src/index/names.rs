//! The archive's surname table: which full name a bare surname ("blair")
//! stands for, where the archive makes that unambiguous. It is read from the
//! person field's term dictionary, so it always agrees with what is indexed
//! (an incremental run and `--full` give the same table). Reading that
//! dictionary is most of a one-shot search's time on a large archive, so the
//! indexer saves the table beside the index at the end of each run, with the
//! segments it was read from ([`FILE`]); a search whose segments differ
//! (merged since) reads the dictionary again.

use std::path::Path;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use tantivy::Searcher;

use crate::error::{Error, Result};
use crate::index::NewsIndex;

/// Honorifics that, before a surname, name the same person.
pub const HONORIFICS: [&str; 7] = ["mr", "mr.", "mrs", "ms", "dr", "dr.", "miss"];

/// Share of the articles naming a full name with this surname that one
/// name must have for the bare surname to stand for it.
pub const DOMINANT_SHARE: f64 = 0.8;

/// Surname (lower-cased) -> the full name (lower-cased) it stands for.
pub type SurnameTable = FxHashMap<String, String>;

/// The saved table's file in the index directory: hidden, so that an
/// index kept inside its corpus does not read it as an article. Its first
/// line is [`HEADER`] and the segments it was read from, as tantivy names
/// them; the rest is the table as a JSON object. A no-op run reads only the
/// first line to see that the file is current.
pub const FILE: &str = ".surnames";

/// How [`FILE`] starts (the format's version is its last word).
const HEADER: &str = "newsdex-surnames 1";

/// The table of the searcher's segments: for each surname, the full name
/// ending in it that holds at least [`DOMINANT_SHARE`] of the articles of
/// all full names ending in it (and at least two articles). Cached per set
/// of segments; loaded from [`FILE`] when that was saved for them.
pub fn table(index: &NewsIndex, searcher: &Searcher) -> Result<Arc<SurnameTable>> {
    let segments: Vec<_> = searcher
        .segment_readers()
        .iter()
        .map(|s| s.segment_id())
        .collect();
    let cache = &index.columns().surnames;
    if let Ok(c) = cache.lock() {
        if let Some((_, t)) = c.as_ref().filter(|(ids, _)| *ids == segments) {
            return Ok(t.clone());
        }
    }
    let t = match load(index.path(), searcher) {
        Some(t) => t,
        None => read(index, searcher)?,
    };
    let t = Arc::new(t);
    if let Ok(mut c) = cache.lock() {
        *c = Some((segments, t.clone()));
    }
    Ok(t)
}

/// Saves the table of the index's current segments as [`FILE`], written
/// atomically (a reader sees the old file or the new one), unless the file
/// is already the one of these segments.
pub(crate) fn save(index: &NewsIndex) -> Result<()> {
    let searcher = index.searcher();
    let segments = segment_line(&searcher);
    if saved(index.path(), &segments).is_some() {
        return Ok(());
    }
    let table = read(index, &searcher)?;
    let mut bytes = segments.into_bytes();
    bytes.push(b'\n');
    serde_json::to_writer(&mut bytes, &table).expect("a map of strings serialises");
    let path = index.path().join(FILE);
    let tmp = index.path().join(format!(".tmp{FILE}"));
    let io = |action: &'static str, path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { action, path, source }
    };
    std::fs::write(&tmp, bytes).map_err(io("cannot write the surname table", &tmp))?;
    std::fs::rename(&tmp, &path).map_err(io("cannot replace the surname table", &path))
}

/// [`FILE`]'s first line for the searcher's segments.
fn segment_line(searcher: &Searcher) -> String {
    let mut line = HEADER.to_string();
    for s in searcher.segment_readers() {
        line.push(' ');
        line.push_str(&s.segment_id().uuid_string());
    }
    line
}

/// The bytes of the table in [`FILE`], if it was saved for the segments
/// of `line` ([`segment_line`]).
fn saved(dir: &Path, line: &str) -> Option<Vec<u8>> {
    let mut bytes = std::fs::read(dir.join(FILE)).ok()?;
    let end = bytes.iter().position(|&b| b == b'\n')?;
    if &bytes[..end] != line.as_bytes() {
        return None;
    }
    bytes.drain(..=end);
    Some(bytes)
}

/// The saved table, if it was saved for the searcher's segments.
fn load(dir: &Path, searcher: &Searcher) -> Option<SurnameTable> {
    serde_json::from_slice(&saved(dir, &segment_line(searcher))?).ok()
}

/// The table, read from the person field's term dictionary.
fn read(index: &NewsIndex, searcher: &Searcher) -> Result<SurnameTable> {
    let field = index.fields().person;
    let mut by_name: FxHashMap<String, u64> = FxHashMap::default();
    for segment in searcher.segment_readers() {
        let inverted = segment
            .inverted_index(field)
            .map_err(Error::tantivy(index.path()))?;
        let mut stream = inverted
            .terms()
            .stream()
            .map_err(|e| Error::tantivy(index.path())(e.into()))?;
        while stream.advance() {
            let Ok(term) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            let full = term
                .rsplit_once(' ')
                .is_some_and(|(first, _)| !HONORIFICS.contains(&first));
            if full {
                *by_name.entry(term.to_string()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    // Per surname: all articles, and the best name with its articles.
    let mut by_surname: FxHashMap<&str, (u64, &str, u64)> = FxHashMap::default();
    for (name, &n) in &by_name {
        let surname = name.rsplit_once(' ').map_or(name.as_str(), |(_, s)| s);
        let e = by_surname.entry(surname).or_insert((0, name, 0));
        e.0 += n;
        if n > e.2 || n == e.2 && name.as_str() < e.1 {
            e.1 = name;
            e.2 = n;
        }
    }
    let t: SurnameTable = by_surname
        .into_iter()
        .filter(|&(_, (total, _, n))| n >= 2 && n as f64 >= DOMINANT_SHARE * total as f64)
        .map(|(s, (_, name, _))| (s.to_string(), name.to_string()))
        .collect();
    Ok(t)
}
