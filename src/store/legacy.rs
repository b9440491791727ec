//! Stores of the first layout, written before snapshots: tables directly under the root, made
//! atomic for aftermath alone by a commit journal. Such a store is read as it is (a "legacy"
//! snapshot) and migrated by the next ingest, which publishes a snapshot (hard links, no copy)
//! and then removes the old folders.
//!
//! Only a writer finishes an old journal, under the writer lock; a reader never does (it fails
//! and says to run an ingest), so a reader can never block a writer.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::files::is_temp;
use super::meta::{META_FILE, StoreMeta};
use super::rejected::REJECTED_DIR;
use crate::error::{Error, IoContext, Result};
use crate::model::Table;

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

/// Replay a journal left by a killed writer of the first layout and delete its stray temporary
/// files. Called with the writer lock held, before the store is read for a commit.
pub fn recover(root: &Path) -> Result<()> {
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

/// Whether a legacy commit was interrupted (a reader must not read the store as it is).
pub fn interrupted(root: &Path) -> bool {
    root.join(JOURNAL_FILE).is_file()
}

/// Remove the first layout's folders once a snapshot has been published from them. Idempotent:
/// a writer killed half-way leaves them to the next one.
pub fn remove(root: &Path) -> Result<()> {
    for table in Table::ALL {
        let p = root.join(table.name());
        if p.is_dir() {
            std::fs::remove_dir_all(&p).at(&p)?;
        }
    }
    let rejected = root.join(REJECTED_DIR);
    if rejected.is_dir() {
        std::fs::remove_dir_all(&rejected).at(&rejected)?;
    }
    let meta = root.join(META_FILE);
    if meta.is_file() {
        std::fs::remove_file(&meta).at(&meta)?;
    }
    Ok(())
}
