//! The commit journal, which makes a multi-file commit all-or-nothing.
//!
//! A commit first writes every new partition under a temporary name. Then it writes
//! `_journal.json` (atomically): that is the commit point. Then it renames the temporary files
//! over the old ones, deletes emptied partitions, writes `_store.json` and removes the journal. A
//! writer killed before the commit point leaves only temporary files, which the next writer
//! deletes; one killed after it leaves a journal, which the next writer (or reader) replays.
//! Either way the store holds the old state or the new one, never a mix.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::files::{is_temp, write_atomic};
use super::{Store, StoreMeta, WriteLock};
use crate::error::{Error, IoContext, Result};

pub const JOURNAL_FILE: &str = "_journal.json";

#[derive(Debug, Serialize, Deserialize)]
pub struct Journal {
    /// (temporary, final) paths relative to the store root.
    pub renames: Vec<(PathBuf, PathBuf)>,
    /// Partition files to delete, relative to the store root.
    pub deletes: Vec<PathBuf>,
    /// `_store.json` as it is after the commit.
    pub meta: StoreMeta,
}

impl Journal {
    /// Make it durable (the commit point), then apply it.
    pub fn commit(&self, store: &Store) -> Result<()> {
        let text = serde_json::to_vec_pretty(self).map_err(|e| Error::Internal(e.to_string()))?;
        write_atomic(&store.root().join(JOURNAL_FILE), &text)?;
        self.apply(store.root())
    }

    /// Idempotent: every step can be repeated after a crash.
    fn apply(&self, root: &Path) -> Result<()> {
        for (tmp, fin) in &self.renames {
            let (tmp, fin) = (root.join(tmp), root.join(fin));
            if tmp.exists() {
                std::fs::rename(&tmp, &fin).at(&fin)?;
            }
        }
        for del in &self.deletes {
            let p = root.join(del);
            if p.exists() {
                std::fs::remove_file(&p).at(&p)?;
                if let Some(dir) = p.parent() {
                    let _ = std::fs::remove_dir(dir); // only succeeds when empty, which is the point
                }
            }
        }
        self.meta.write(root)?;
        let j = root.join(JOURNAL_FILE);
        std::fs::remove_file(&j).at(&j)
    }
}

/// Replay a journal left by a killed writer and delete stray temporary files. Called with the
/// lock held, before anything else touches the store.
pub fn recover(store: &Store) -> Result<()> {
    let root = store.root();
    let j = root.join(JOURNAL_FILE);
    if j.is_file() {
        let text = std::fs::read(&j).at(&j)?;
        let journal: Journal = serde_json::from_slice(&text).map_err(|e| {
            Error::store(
                &j,
                format!(
                    "unreadable commit journal ({e}); the last ingest may be incomplete: re-run it"
                ),
            )
        })?;
        journal.apply(root)?;
    }
    for entry in walkdir::WalkDir::new(root).max_depth(3) {
        let Ok(entry) = entry else { continue };
        if entry.file_type().is_file() && is_temp(entry.path()) {
            std::fs::remove_file(entry.path()).at(entry.path())?;
        }
    }
    Ok(())
}

/// For readers: if a journal is pending and no writer is running, finish it first so a reader
/// never sees a half-applied commit.
pub fn settle_for_reading(store: &Store) -> Result<()> {
    if store.root().join(JOURNAL_FILE).is_file()
        && let Ok(lock) = WriteLock::acquire(store.root())
    {
        recover(store)?;
        drop(lock);
    }
    Ok(())
}
