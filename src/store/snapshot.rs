//! Snapshots: each commit publishes one complete, immutable version of every table, and readers
//! read exactly one of them.
//!
//! Layout: `<store>/snapshots/<id>/{_store.json, _rejected/, <table>/month=YYYY-MM/part-<run>.parquet}`
//! and `<store>/current`, a relative symlink to `snapshots/<id>`. A commit builds the next snapshot
//! in `_staging/<id>` (`publish.rs`), then renames it into `snapshots/` and swaps `current` with
//! one `rename(2)`: that swap is the commit point, so `current` always names a complete snapshot.
//! A file is never modified once written; a partition that did not change is hard-linked into the
//! next snapshot under its old name, and a partition that changed gets a new name (the run's id).
//!
//! This module only reads: it resolves `current`, lists partitions and reads them. A store of the
//! first layout (tables directly under the root, written before snapshots existed) reads as a
//! "legacy" snapshot until the next ingest migrates it (`legacy.rs`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use arrow::record_batch::RecordBatch;

use super::files::{is_temp, read_parquet};
use super::meta::{META_FILE, StoreMeta};
use crate::error::{Error, IoContext, Result};
use crate::model::Table;

/// The symlink naming the published snapshot.
pub const CURRENT: &str = "current";
/// Where published snapshots live.
pub const SNAPSHOTS_DIR: &str = "snapshots";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `snapshots/<id>`, reached through `current`.
    Published,
    /// Tables directly under the store root (the first layout).
    Legacy,
    /// Nothing has been committed yet.
    Empty,
}

/// One complete version of the store's tables.
#[derive(Debug, Clone)]
pub struct Snapshot {
    dir: PathBuf,
    kind: Kind,
}

impl Snapshot {
    /// What `current` names now (or the legacy layout, or nothing yet). The link is read once;
    /// everything read through the returned value comes from that one snapshot.
    pub fn resolve(root: &Path) -> Result<Snapshot> {
        let link = root.join(CURRENT);
        match std::fs::read_link(&link) {
            Ok(target) => Ok(Snapshot {
                dir: root.join(target),
                kind: Kind::Published,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let kind = if root.join(META_FILE).is_file() {
                    Kind::Legacy
                } else {
                    Kind::Empty
                };
                Ok(Snapshot {
                    dir: root.to_path_buf(),
                    kind,
                })
            }
            Err(e) => Err(Error::store(
                &link,
                format!(
                    "cannot read the link to the current snapshot ({e}); it must be a symlink to snapshots/<id>"
                ),
            )),
        }
    }

    /// A draft of the next snapshot, read as one (the commit reads its own events back).
    pub(crate) fn draft(dir: PathBuf) -> Snapshot {
        Snapshot {
            dir,
            kind: Kind::Published,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn is_published(&self) -> bool {
        self.kind == Kind::Published
    }

    pub fn is_legacy(&self) -> bool {
        self.kind == Kind::Legacy
    }

    /// The snapshot's id (its folder name), for a published one.
    pub fn id(&self) -> Option<String> {
        self.is_published()
            .then(|| {
                self.dir
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
            })
            .flatten()
    }

    pub fn meta(&self) -> Result<StoreMeta> {
        match self.kind {
            Kind::Empty => Ok(StoreMeta::default()),
            _ => StoreMeta::read(&self.dir),
        }
    }

    pub fn table_dir(&self, table: Table) -> PathBuf {
        self.dir.join(table.name())
    }

    /// The months that have a partition file, sorted.
    pub fn months(&self, table: Table) -> Result<Vec<String>> {
        Ok(self.partitions(table)?.into_keys().collect())
    }

    /// Every month of `table` that has a partition, with its data files.
    pub fn partitions(&self, table: Table) -> Result<BTreeMap<String, Vec<PathBuf>>> {
        if self.kind == Kind::Empty {
            return Ok(BTreeMap::new());
        }
        let dir = self.table_dir(table);
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => return Err(Error::io(&dir, e)),
        };
        let mut parts = BTreeMap::new();
        for entry in entries {
            let entry = entry.at(&dir)?;
            let name = entry.file_name().to_string_lossy().to_string();
            if let Some(m) = name.strip_prefix("month=") {
                let files = self.partition_files(table, m)?;
                if !files.is_empty() {
                    parts.insert(m.to_string(), files);
                }
            }
        }
        Ok(parts)
    }

    /// The data files of a month's partition, in name order (empty if none): one after a merge,
    /// more after appends of new rows (`upsert.rs`).
    pub fn partition_files(&self, table: Table, month: &str) -> Result<Vec<PathBuf>> {
        let dir = self.table_dir(table).join(format!("month={month}"));
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
            Err(e) => return Err(Error::io(&dir, e)),
        };
        let mut files = vec![];
        for entry in entries {
            let path = entry.at(&dir)?.path();
            // A first-layout store may hold a killed writer's temporary file.
            if path.extension().is_some_and(|x| x == "parquet") && !is_temp(&path) {
                files.push(path);
            }
        }
        files.sort();
        Ok(files)
    }

    /// A month's partition, all columns or only `columns`, as one batch (empty if none).
    pub fn read_partition(
        &self,
        table: Table,
        month: &str,
        columns: Option<&[&str]>,
    ) -> Result<RecordBatch> {
        let files = self.partition_files(table, month)?;
        if files.is_empty() {
            return Err(Error::store(
                self.table_dir(table),
                format!("the partition month={month} vanished while being read"),
            ));
        }
        read_parquet(&files, table, columns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_folder_is_an_empty_store_and_a_link_names_its_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let s = Snapshot::resolve(dir.path()).unwrap();
        assert!(!s.is_published() && !s.is_legacy());
        assert!(s.months(Table::Alerts).unwrap().is_empty());
        assert_eq!(s.meta().unwrap(), StoreMeta::default());

        let snap = dir.path().join(SNAPSHOTS_DIR).join("r1");
        let month = snap.join("alerts").join("month=2026-01");
        std::fs::create_dir_all(&month).unwrap();
        std::fs::write(month.join("part-r1.parquet"), b"x").unwrap();
        std::os::unix::fs::symlink("snapshots/r1", dir.path().join(CURRENT)).unwrap();
        let s = Snapshot::resolve(dir.path()).unwrap();
        assert_eq!(s.id().as_deref(), Some("r1"));
        assert_eq!(s.months(Table::Alerts).unwrap(), vec!["2026-01"]);
        assert!(s.months(Table::Incidents).unwrap().is_empty());
    }

    #[test]
    fn a_store_of_the_first_layout_reads_as_legacy() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(META_FILE), b"{}").unwrap();
        let s = Snapshot::resolve(dir.path()).unwrap();
        assert!(s.is_legacy());
        assert_eq!(s.dir(), dir.path());
    }
}
