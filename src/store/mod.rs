//! The Parquet store: the only module that knows paths and Parquet.
//!
//! Layout (`data-model.md`): `<store>/<table>/month=YYYY-MM/part-0.parquet`, `_store.json` with the
//! schema version and the runs, `_rejected/<run>.ndjson`, `_lock`, and `_journal.json` while a
//! commit is being applied. Writes go through arrow-rs (`files.rs`, `upsert.rs`, `commit.rs`);
//! reads for analysis go through polars `scan_parquet` with hive partitioning and return
//! `LazyFrame`s (`scan.rs`).

mod batch;
mod commit;
mod export;
mod files;
mod journal;
mod lock;
mod meta;
mod rejected;
pub mod scan;
mod upsert;

use std::path::{Path, PathBuf};

pub use batch::RowBuilder;
pub use commit::{CommitOutcome, Staged};
pub use export::write_parquet_frame;
pub use lock::WriteLock;
pub use meta::{RunRecord, StoreMeta, TableCounts};
pub use rejected::Rejection;

use crate::error::{Error, IoContext, Result};
use crate::model::Table;

/// A store on disk. Opening does not create anything; the first commit does.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    pub fn at(root: impl Into<PathBuf>) -> Store {
        Store { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn exists(&self) -> bool {
        self.root.join(meta::META_FILE).is_file()
    }

    /// Take the writer lock, creating the store folder if needed, and finish or discard whatever a
    /// killed writer left behind.
    pub fn lock(&self) -> Result<WriteLock> {
        std::fs::create_dir_all(&self.root).at(&self.root)?;
        let lock = WriteLock::acquire(&self.root)?;
        journal::recover(self)?;
        Ok(lock)
    }

    pub fn meta(&self) -> Result<StoreMeta> {
        StoreMeta::read(&self.root)
    }

    fn table_dir(&self, table: Table) -> PathBuf {
        self.root.join(table.name())
    }

    pub(crate) fn partition_path(&self, table: Table, month: &str) -> PathBuf {
        self.table_dir(table)
            .join(format!("month={month}"))
            .join(files::PART_FILE)
    }

    /// The months that have a partition file, sorted.
    pub fn months(&self, table: Table) -> Result<Vec<String>> {
        let dir = self.table_dir(table);
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
            Err(e) => return Err(Error::io(&dir, e)),
        };
        let mut months = vec![];
        for entry in entries {
            let entry = entry.at(&dir)?;
            let name = entry.file_name().to_string_lossy().to_string();
            if let Some(m) = name.strip_prefix("month=")
                && entry.path().join(files::PART_FILE).is_file()
            {
                months.push(m.to_string());
            }
        }
        months.sort();
        Ok(months)
    }

    pub(crate) fn read_partition(
        &self,
        table: Table,
        month: &str,
        columns: Option<&[&str]>,
    ) -> Result<arrow::record_batch::RecordBatch> {
        files::read_parquet(&self.partition_path(table, month), table, columns)
    }

    /// The path of a run's rejected log.
    pub fn rejected_log(&self, run_id: &str) -> PathBuf {
        self.root
            .join(rejected::REJECTED_DIR)
            .join(format!("{run_id}.ndjson"))
    }
}
