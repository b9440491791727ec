//! How long snapshots live: readers pin the one they read, and the next writer removes the rest.
//!
//! A reader pins a snapshot with a shared lock on its `_pin` file; it never takes the writer lock,
//! so readers and a writer never wait on each other. A writer, holding the writer lock, removes a
//! snapshot only when it can take that `_pin` exclusively (no reader has it), and only if it is
//! neither `current` nor one of the `KEEP_PREVIOUS` newest before it: those stay for readers that
//! do not pin (DuckDB, Polars or pyarrow in the middle of a query that listed its files before the
//! swap). Removal first renames the snapshot into `_trash/`, so a reader that resolved `current`
//! just before can tell the snapshot is gone and resolve again.

use std::fs::{File, TryLockError};
use std::path::Path;

use super::failpoint;
use super::meta::META_FILE;
use super::publish::{PIN_FILE, STAGING_DIR};
use super::snapshot::{CURRENT, SNAPSHOTS_DIR, Snapshot};
use crate::error::{Error, IoContext, Result};

/// Superseded snapshots kept for readers that do not pin.
pub const KEEP_PREVIOUS: usize = 2;
const TRASH_DIR: &str = "_trash";

/// A snapshot held for reading: it is not removed while this lives.
#[derive(Debug)]
pub struct Pinned {
    pub snapshot: Snapshot,
    _pin: Option<File>,
}

/// Resolve `current` and pin that snapshot. Retries when a writer removes it in between (it can
/// only do so once two newer snapshots exist), so this returns a snapshot that is complete and
/// stays so.
pub fn pin(root: &Path) -> Result<Pinned> {
    for _ in 0..100 {
        let snapshot = Snapshot::resolve(root)?;
        if !snapshot.is_published() {
            return Ok(Pinned {
                snapshot,
                _pin: None,
            });
        }
        let path = snapshot.dir().join(PIN_FILE);
        let file = match File::open(&path) {
            Ok(f) => f,
            // A complete snapshot without its pin file (copied without it, say): read it unpinned
            // rather than fail; one being removed has lost its `_store.json` too, so try again.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if snapshot.dir().join(META_FILE).is_file() {
                    return Ok(Pinned {
                        snapshot,
                        _pin: None,
                    });
                }
                continue;
            }
            Err(e) => return Err(Error::io(&path, e)),
        };
        match file.try_lock_shared() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                // A writer is removing this one: `current` has moved on.
                std::thread::sleep(std::time::Duration::from_millis(1));
                continue;
            }
            Err(TryLockError::Error(e)) => return Err(Error::io(&path, e)),
        }
        // Pinned, unless the writer renamed it away just before we locked.
        if snapshot.dir().is_dir() {
            return Ok(Pinned {
                snapshot,
                _pin: Some(file),
            });
        }
    }
    Err(Error::store(
        root,
        "`current` names a snapshot that is missing or incomplete (tried 100 times). If no ingest is running, the store is damaged: restore the snapshot folder it names, or re-ingest into a new store",
    ))
}

/// Remove what killed writers left (drafts, half-made links, trash) and every snapshot that is
/// neither current, nor kept for readers, nor pinned. Called with the writer lock held.
pub fn collect_garbage(root: &Path) -> Result<()> {
    for dir in [STAGING_DIR, TRASH_DIR] {
        let p = root.join(dir);
        if p.exists() {
            std::fs::remove_dir_all(&p).at(&p)?;
        }
    }
    if let Ok(entries) = std::fs::read_dir(root) {
        for e in entries.flatten() {
            if e.file_name()
                .to_string_lossy()
                .starts_with(&format!("{CURRENT}.tmp-"))
            {
                std::fs::remove_file(e.path()).at(e.path())?;
            }
        }
    }
    let current = Snapshot::resolve(root)?.id();
    let dir = root.join(SNAPSHOTS_DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(());
    };
    let mut ids: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    ids.sort();
    let keep_from = match &current {
        // Ids sort by time: keep the current one and the KEEP_PREVIOUS before it. Anything newer
        // than current was moved into place by a writer killed before its swap: never visible.
        Some(c) => ids
            .iter()
            .position(|i| i == c)
            .map(|p| p.saturating_sub(KEEP_PREVIOUS)),
        None => None,
    };
    for (i, id) in ids.iter().enumerate() {
        let kept = match (&current, keep_from) {
            (Some(c), Some(from)) => i >= from && id <= c,
            _ => false,
        };
        if !kept {
            remove_unless_pinned(root, &dir.join(id))?;
        }
    }
    Ok(())
}

fn remove_unless_pinned(root: &Path, snapshot: &Path) -> Result<()> {
    let pin = snapshot.join(PIN_FILE);
    let guard = match File::open(&pin) {
        Ok(f) => match f.try_lock() {
            Ok(()) => Some(f),
            Err(TryLockError::WouldBlock) => return Ok(()), // a reader has it
            Err(TryLockError::Error(e)) => return Err(Error::io(&pin, e)),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(&pin, e)),
    };
    failpoint::hit("gc");
    let trash = root.join(TRASH_DIR);
    std::fs::create_dir_all(&trash).at(&trash)?;
    let to = trash.join(snapshot.file_name().unwrap_or_default());
    std::fs::rename(snapshot, &to).at(&to)?;
    drop(guard);
    std::fs::remove_dir_all(&to).at(&to)?;
    let _ = std::fs::remove_dir(&trash); // only when empty
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(root: &Path, id: &str) {
        let d = root.join(SNAPSHOTS_DIR).join(id);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join(PIN_FILE), b"").unwrap();
    }

    fn point_at(root: &Path, id: &str) {
        let _ = std::fs::remove_file(root.join(CURRENT));
        std::os::unix::fs::symlink(format!("{SNAPSHOTS_DIR}/{id}"), root.join(CURRENT)).unwrap();
    }

    fn left(root: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(root.join(SNAPSHOTS_DIR))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn keeps_current_and_two_before_it_and_drops_unpublished_newer_ones() {
        let dir = tempfile::tempdir().unwrap();
        for id in ["r1", "r2", "r3", "r4", "r5"] {
            snapshot(dir.path(), id);
        }
        point_at(dir.path(), "r4");
        std::fs::create_dir_all(dir.path().join(STAGING_DIR).join("r6")).unwrap();
        collect_garbage(dir.path()).unwrap();
        assert_eq!(left(dir.path()), vec!["r2", "r3", "r4"]);
        assert!(!dir.path().join(STAGING_DIR).exists());
    }

    #[test]
    fn a_snapshot_without_its_pin_file_is_read_unpinned_and_a_removed_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        snapshot(dir.path(), "r1");
        point_at(dir.path(), "r1");
        std::fs::remove_file(dir.path().join(SNAPSHOTS_DIR).join("r1").join(PIN_FILE)).unwrap();
        std::fs::write(
            dir.path().join(SNAPSHOTS_DIR).join("r1").join(META_FILE),
            b"{}",
        )
        .unwrap();
        assert_eq!(
            pin(dir.path()).unwrap().snapshot.id().as_deref(),
            Some("r1")
        );
        std::fs::remove_dir_all(dir.path().join(SNAPSHOTS_DIR).join("r1")).unwrap();
        assert!(
            pin(dir.path()).is_err(),
            "a link to nothing must not read as a store"
        );
    }

    #[test]
    fn a_pinned_snapshot_survives_and_is_removed_once_released() {
        let dir = tempfile::tempdir().unwrap();
        snapshot(dir.path(), "r1");
        point_at(dir.path(), "r1");
        let pinned = pin(dir.path()).unwrap();
        assert_eq!(pinned.snapshot.id().as_deref(), Some("r1"));
        for id in ["r2", "r3", "r4"] {
            snapshot(dir.path(), id);
        }
        point_at(dir.path(), "r4");
        collect_garbage(dir.path()).unwrap();
        assert_eq!(left(dir.path()), vec!["r1", "r2", "r3", "r4"]);
        drop(pinned);
        collect_garbage(dir.path()).unwrap();
        assert_eq!(left(dir.path()), vec!["r2", "r3", "r4"]);
    }
}
