//! One writer per index: an advisory lock (flock) on a file in the index
//! directory. The operating system drops it when the process dies, however it
//! dies, so a stale lock never blocks a run; the file's content names the
//! holder so a refused run can say who is working.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Name of the lock file inside the index directory.
pub const LOCK_FILE: &str = ".newsdex-writer.lock";

/// Who holds the lock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockHolder {
    /// Process id of the holder.
    pub pid: u32,
    /// RFC 3339, UTC.
    pub started: String,
}

/// Held while a process writes the index; released on drop (or death).
#[derive(Debug)]
pub struct WriterLock {
    _file: File,
}

impl WriterLock {
    /// Takes the lock of the index at `dir` (creating the directory). When
    /// another process holds it: waits for it if `wait`, else fails with
    /// [`Error::Busy`] once it has stayed taken for 0.3 s, so that a second
    /// writer, process start included, exits within half a second.
    pub fn acquire(dir: &Path, wait: bool) -> Result<WriterLock> {
        let io = |action: &'static str| {
            let path = dir.join(LOCK_FILE);
            move |source| Error::Io { action, path, source }
        };
        std::fs::create_dir_all(dir).map_err(io("cannot create index directory"))?;
        let path = dir.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io("cannot open lock file"))?;
        let taken = if wait {
            file.lock().map_err(TryLockError::Error)
        } else {
            try_lock_with_grace(&file)
        };
        match taken {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let holder = read_holder(&mut file);
                return Err(Error::Busy {
                    path: dir.to_path_buf(),
                    holder: holder.map_or_else(
                        || "another process".to_string(),
                        |h| format!("process {} (started {})", h.pid, h.started),
                    ),
                });
            }
            Err(TryLockError::Error(e)) => return Err(io("cannot lock")(e)),
        }
        let me = LockHolder {
            pid: std::process::id(),
            started: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        };
        file.set_len(0).map_err(io("cannot write lock file"))?;
        file.rewind().map_err(io("cannot write lock file"))?;
        file.write_all(serde_json::to_string(&me).expect("serialisable").as_bytes())
            .map_err(io("cannot write lock file"))?;
        Ok(WriterLock { _file: file })
    }
}

/// How long a lock must stay taken before a run that does not wait gives up.
///
/// A child process forked by any thread of this process holds a copy of
/// every descriptor until it execs, so for a moment it also holds a lock this
/// process has just released. A run started in that moment (a test, or a
/// program that embeds the library and spawns processes) would be refused by
/// a lock nobody is really holding.
const GRACE: Duration = Duration::from_millis(300);

/// `try_lock`, tried again for up to [`GRACE`] while the lock is taken.
fn try_lock_with_grace(file: &File) -> std::result::Result<(), TryLockError> {
    let deadline = Instant::now() + GRACE;
    loop {
        match file.try_lock() {
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            other => return other,
        }
    }
}

/// The holder named in the lock file. The holder writes its name just
/// after locking, so a reader may briefly see the previous holder's name (a
/// dead process) or nothing: read again for a little while in that case.
fn read_holder(file: &mut File) -> Option<LockHolder> {
    for _ in 0..50 {
        let mut text = String::new();
        if file.rewind().is_ok() && file.read_to_string(&mut text).is_ok() {
            if let Ok(h) = serde_json::from_str::<LockHolder>(&text) {
                if process_alive(h.pid) {
                    return Some(h);
                }
            }
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    None
}

fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_writer_is_refused_naming_the_first_and_the_lock_frees_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let first = WriterLock::acquire(dir.path(), false).unwrap();
        let err = WriterLock::acquire(dir.path(), false).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(&format!("process {}", std::process::id())), "{msg}");
        assert!(matches!(err, Error::Busy { .. }));
        drop(first);
        WriterLock::acquire(dir.path(), false).unwrap();
    }

    /// Children forked by another thread briefly hold a copy of the lock's
    /// descriptor; that must not make a free lock look taken.
    #[test]
    fn children_spawned_by_another_thread_do_not_make_the_lock_busy() {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        use std::sync::Arc;
        let dir = tempfile::tempdir().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let spawned = Arc::new(AtomicUsize::new(0));
        let spawner = {
            let (stop, spawned) = (stop.clone(), spawned.clone());
            // The current test binary, asked for no test: a child that
            // exists on every platform and exits at once.
            let exe = std::env::current_exe().unwrap();
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let _ = std::process::Command::new(&exe)
                        .args(["--list", "--exact", "no such test"])
                        .stdout(std::process::Stdio::null())
                        .status();
                    spawned.fetch_add(1, Ordering::Relaxed);
                }
            })
        };
        // Lock and unlock until enough children have come and gone, however
        // slowly the spawning thread gets going.
        let (mut tries, mut busy) = (0, 0);
        while tries < 300 || spawned.load(Ordering::Relaxed) < 20 {
            if WriterLock::acquire(dir.path(), false).is_err() {
                busy += 1;
            }
            tries += 1;
        }
        stop.store(true, Ordering::Relaxed);
        spawner.join().unwrap();
        let children = spawned.load(Ordering::Relaxed);
        assert_eq!(
            busy, 0,
            "refused {busy} of {tries} times while {children} children ran"
        );
    }
}
