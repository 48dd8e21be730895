//! The saved-searches file: JSON with a version, beside the index, read
//! and written under its own lock (not the index writer's: saving a search
//! while a reindex runs is fine) and replaced atomically (a new file
//! renamed over it), so a reader never sees half of it.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::search::Filter;

/// The file of saved searches inside the index directory.
pub const SAVED_FILE: &str = "saved-searches.json";
const LOCK: &str = ".newsdex-saved.lock";
const VERSION: u32 = 1;
const MAX_NAME: usize = 64;

/// A search kept by name: the query and filters as the user gave them
/// (relative dates stay relative: `7d` is the last week of each run).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SavedSearch {
    /// Letters, digits, `-`, `_` and `.`; it names the search's feed.
    pub name: String,
    /// Query in newsdex's language.
    pub query: String,
    /// As `--since` takes it.
    pub since: Option<String>,
    /// As `--until` takes it.
    pub until: Option<String>,
    /// People who must appear, as `--person` takes them.
    pub person: Vec<String>,
    /// Organisations who must appear.
    pub org: Vec<String>,
    /// Places that must appear.
    pub place: Vec<String>,
    /// Sources, one of which must be the article's.
    pub source: Vec<String>,
    /// Authors who must be credited.
    pub author: Vec<String>,
    /// Ticker codes that must be cited.
    pub ticker: Vec<String>,
    /// The last `index` run whose matches were reported (0: none yet).
    pub reported_run: u64,
    /// When it was saved, RFC 3339.
    pub created: String,
}

impl SavedSearch {
    /// The search's filter, its dates read as of today.
    pub fn filter(&self) -> Result<Filter> {
        let mut f = Filter::new(self.query.clone()).with_user_dates(
            self.since.as_deref(),
            self.until.as_deref(),
            ["since", "until"],
        )?;
        f.person = self.person.clone();
        f.org = self.org.clone();
        f.place = self.place.clone();
        f.source = self.source.clone();
        f.author = self.author.clone();
        f.ticker = self.ticker.clone();
        Ok(f)
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct SavedFile {
    version: u32,
    searches: Vec<SavedSearch>,
}

/// The saved searches of one index.
#[derive(Clone, Debug)]
pub struct SavedSearches {
    dir: PathBuf,
}

fn name_error(name: &str) -> Error {
    Error::InvalidArgument {
        what: "saved search name",
        message: format!(
            "{name:?} is not a name: use 1 to {MAX_NAME} letters, digits, '-', '_' or '.', starting with a letter or digit"
        ),
    }
}

/// Checks a saved search's name: it goes into feed URLs and file listings.
pub fn check_name(name: &str) -> Result<()> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if first_ok && rest_ok && name.len() <= MAX_NAME {
        Ok(())
    } else {
        Err(name_error(name))
    }
}

impl SavedSearches {
    /// The saved searches of the index at `index_dir` (none until one is added).
    pub fn open(index_dir: &Path) -> SavedSearches {
        SavedSearches {
            dir: index_dir.to_path_buf(),
        }
    }

    fn path(&self) -> PathBuf {
        self.dir.join(SAVED_FILE)
    }

    fn io(&self, action: &'static str) -> impl FnOnce(std::io::Error) -> Error {
        let path = self.path();
        move |source| Error::Io { action, path, source }
    }

    fn read(&self) -> Result<SavedFile> {
        let text = match fs::read_to_string(self.path()) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(SavedFile::default()),
            Err(e) => return Err(self.io("cannot read the saved searches")(e)),
        };
        let file: SavedFile = serde_json::from_str(&text).map_err(|e| Error::InvalidArgument {
            what: "saved searches file",
            message: format!("{} is not a saved-searches file: {e}", self.path().display()),
        })?;
        if file.version > VERSION {
            return Err(Error::InvalidArgument {
                what: "saved searches file",
                message: format!(
                    "{} is version {}; this newsdex reads version {VERSION}",
                    self.path().display(),
                    file.version
                ),
            });
        }
        Ok(file)
    }

    /// Every saved search, in the order they were saved.
    pub fn list(&self) -> Result<Vec<SavedSearch>> {
        Ok(self.read()?.searches)
    }

    /// The saved search named `name`.
    pub fn get(&self, name: &str) -> Result<SavedSearch> {
        self.list()?
            .into_iter()
            .find(|s| s.name == name)
            .ok_or_else(|| Error::InvalidArgument {
                what: "saved search",
                message: format!("no saved search named {name:?} (see `newsdex saved list`)"),
            })
    }

    /// Saves `search`, replacing one of the same name when `replace`. Its
    /// alerts start after `last_run`: what the index held when it was
    /// saved is not news.
    pub fn add(&self, mut search: SavedSearch, replace: bool, last_run: u64) -> Result<()> {
        check_name(&search.name)?;
        search.filter()?; // dates that do not parse are refused now, not at the next run
        search.reported_run = last_run;
        if search.created.is_empty() {
            search.created = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        }
        self.update(|list| {
            match list.iter().position(|s| s.name == search.name) {
                Some(_) if !replace => {
                    return Err(Error::InvalidArgument {
                        what: "saved search",
                        message: format!(
                            "a search named {:?} is saved already (--replace replaces it)",
                            search.name
                        ),
                    })
                }
                Some(i) => list[i] = search,
                None => list.push(search),
            }
            Ok(())
        })
    }

    /// Removes the search named `name`; false when there was none.
    pub fn remove(&self, name: &str) -> Result<bool> {
        self.update(|list| {
            let before = list.len();
            list.retain(|s| s.name != name);
            Ok(list.len() < before)
        })
    }

    /// Reads, changes and writes the list under the lock.
    pub(crate) fn update<T>(&self, change: impl FnOnce(&mut Vec<SavedSearch>) -> Result<T>) -> Result<T> {
        fs::create_dir_all(&self.dir).map_err(self.io("cannot create the index directory"))?;
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.dir.join(LOCK))
            .map_err(self.io("cannot open the saved searches' lock"))?;
        lock.lock().map_err(self.io("cannot lock the saved searches"))?;
        let mut file = self.read()?;
        let out = change(&mut file.searches)?;
        file.version = VERSION;
        let text = serde_json::to_string_pretty(&file).expect("saved searches serialise");
        // Not named .tmp*: an index run removes those under its own lock.
        let new = self.dir.join(format!(".{SAVED_FILE}.new"));
        let mut f = fs::File::create(&new).map_err(self.io("cannot write the saved searches"))?;
        f.write_all(text.as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(self.io("cannot write the saved searches"))?;
        fs::rename(&new, self.path()).map_err(self.io("cannot replace the saved searches"))?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(name: &str, query: &str) -> SavedSearch {
        SavedSearch {
            name: name.into(),
            query: query.into(),
            ..Default::default()
        }
    }

    #[test]
    fn searches_are_added_listed_replaced_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let saved = SavedSearches::open(dir.path());
        assert!(saved.list().unwrap().is_empty());
        saved.add(search("oil", "crude oil"), false, 3).unwrap();
        saved.add(search("korea", "missile"), false, 3).unwrap();
        assert!(
            saved.add(search("oil", "x"), false, 3).is_err(),
            "a name is taken once"
        );
        saved.add(search("oil", "brent"), true, 4).unwrap();
        let list = saved.list().unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!((list[0].query.as_str(), list[0].reported_run), ("brent", 4));
        assert!(!list[0].created.is_empty());
        assert!(saved.remove("korea").unwrap());
        assert!(!saved.remove("korea").unwrap());
        assert_eq!(saved.list().unwrap().len(), 1);
        let text = fs::read_to_string(dir.path().join(SAVED_FILE)).unwrap();
        assert!(text.contains("\"version\": 1"), "{text}");
    }

    #[test]
    fn names_and_dates_are_checked_when_saved() {
        let dir = tempfile::tempdir().unwrap();
        let saved = SavedSearches::open(dir.path());
        for bad in ["", "-x", "a b", "a/b", &"x".repeat(65)] {
            assert!(saved.add(search(bad, "q"), false, 0).is_err(), "{bad:?}");
        }
        let mut s = search("dated", "q");
        s.since = Some("March".into());
        assert!(saved.add(s, false, 0).is_err());
    }

    #[test]
    fn a_newer_file_version_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(SAVED_FILE), r#"{"version": 9, "searches": []}"#).unwrap();
        let err = SavedSearches::open(dir.path()).list().unwrap_err().to_string();
        assert!(err.contains("version 9"), "{err}");
    }
}
