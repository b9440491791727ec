//! The Parquet store: the only module that knows paths and Parquet.
//!
//! Layout (docs/schema.md): `<store>/current`, a symlink to `snapshots/<id>`, the published
//! snapshot; each snapshot holds `_store.json` (schema version and runs), `_rejected/<run>.ndjson`
//! and `<table>/month=YYYY-MM/part-<run>.parquet`. Beside them: `_lock` (the writer lock),
//! `_deliveries.parquet` (the delivery log, `deliveries.rs`) and, while a commit runs,
//! `_staging/<id>`. Writes go through arrow-rs (`files.rs`, `upsert.rs`,
//! `commit.rs`) into a draft that `publish.rs` swaps in atomically; reads resolve and pin one
//! snapshot (`retention.rs`) and go through polars `scan_parquet` with hive partitioning
//! (`scan.rs`), so every table a command reads comes from the same commit.

mod batch;
mod commit;
mod crossing;
mod deliveries;
mod export;
mod failpoint;
mod files;
mod legacy;
mod lock;
mod meta;
mod publish;
mod reduced;
mod rejected;
mod retention;
pub mod scan;
mod snapshot;
mod spill;
mod staging;
mod summaries;
#[cfg(test)]
mod test_rows;
mod upsert;
mod winners;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub use batch::RowBuilder;
pub use commit::CommitOutcome;
pub use deliveries::{DELIVERIES_FILE, Delivery};
pub use export::write_parquet_frame;
pub use failpoint::POINTS as FAILPOINTS;
pub use lock::WriteLock;
pub use meta::{InputFile, RunRecord, StoreMeta, TableCounts};
pub use reduced::read_reduced;
pub use rejected::Rejection;
pub use retention::KEEP_PREVIOUS;
pub use snapshot::{CURRENT, SNAPSHOTS_DIR, Snapshot};
pub use staging::{MonthRows, Staging};

use crate::error::{Error, IoContext, Result};

/// A store on disk. Opening does not create anything; the first commit does.
///
/// The first read pins the published snapshot, and every later read through this value (or its
/// clones) uses the same one, so a command's tables always come from one commit. A commit made
/// through this value unpins it, so what follows reads the new snapshot.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
    view: Arc<Mutex<Option<Arc<retention::Pinned>>>>,
}

impl Store {
    pub fn at(root: impl Into<PathBuf>) -> Store {
        Store {
            root: root.into(),
            view: Arc::default(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn exists(&self) -> bool {
        self.root.join(CURRENT).exists() || self.root.join(meta::META_FILE).is_file()
    }

    /// Take the writer lock, creating the store folder if needed, and clear whatever a killed
    /// writer left behind (its draft, an unpublished snapshot; a first-layout journal).
    pub fn lock(&self) -> Result<WriteLock> {
        std::fs::create_dir_all(&self.root).at(&self.root)?;
        let lock = WriteLock::acquire(&self.root)?;
        let base = Snapshot::resolve(&self.root)?;
        if base.is_legacy() {
            legacy::recover(&self.root)?;
        } else if base.is_published() {
            // A writer killed after publishing the migration but before removing the old folders.
            legacy::remove(&self.root)?;
        }
        retention::collect_garbage(&self.root)?;
        Ok(lock)
    }

    /// The snapshot this value reads, pinned on first use.
    pub fn snapshot(&self) -> Result<Snapshot> {
        let mut view = self.view.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(p) = view.as_ref() {
            return Ok(p.snapshot.clone());
        }
        let pinned = retention::pin(&self.root)?;
        if pinned.snapshot.is_legacy() && legacy::interrupted(&self.root) {
            return Err(Error::store(
                &self.root,
                "the last ingest into this store (written by an earlier aftermath) was interrupted; run `aftermath ingest` again to finish it, then read",
            ));
        }
        let snapshot = pinned.snapshot.clone();
        *view = Some(Arc::new(pinned));
        Ok(snapshot)
    }

    /// Forget the pinned snapshot (after a commit through this value).
    fn unpin(&self) {
        *self.view.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// `_store.json` of the snapshot this value reads.
    pub fn meta(&self) -> Result<StoreMeta> {
        self.snapshot()?.meta()
    }

    /// The path of a run's rejected log, through `current` (every later snapshot keeps it).
    pub fn rejected_log(&self, run_id: &str) -> PathBuf {
        self.root
            .join(CURRENT)
            .join(rejected::REJECTED_DIR)
            .join(format!("{run_id}.ndjson"))
    }
}
