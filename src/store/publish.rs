//! Building and publishing the next snapshot: a `Draft` is the new snapshot being written in
//! `_staging/<id>`, invisible to every reader, until `publish` moves it into `snapshots/` and
//! swaps `current` to it with one atomic `rename(2)` of a symlink.
//!
//! Changed partitions are written under the run's own file name; unchanged ones and the earlier
//! runs' rejected logs are hard-linked from the base snapshot, so a commit costs the partitions it
//! changes, not the store's size. Files and folders are flushed before the swap, so after a crash
//! `current` names a snapshot whose files are all on disk.

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::record_batch::RecordBatch;

use super::failpoint;
use super::files::{PartWriter, write_parquet};
use super::meta::StoreMeta;
use super::rejected::{REJECTED_DIR, Rejection, write_log};
use super::snapshot::{CURRENT, SNAPSHOTS_DIR, Snapshot};
use crate::error::{Error, IoContext, Result};
use crate::model::Table;

/// Where drafts are built.
pub const STAGING_DIR: &str = "_staging";
/// Readers hold a shared lock on this file of the snapshot they read (`retention.rs`).
pub const PIN_FILE: &str = "_pin";

/// The next snapshot, being written.
#[derive(Debug)]
pub struct Draft {
    root: PathBuf,
    id: String,
    dir: PathBuf,
}

impl Draft {
    /// Start a draft named `id` (the run id, which sorts by time).
    pub fn begin(root: &Path, id: &str) -> Result<Draft> {
        let dir = root.join(STAGING_DIR).join(id);
        std::fs::create_dir_all(&dir).at(&dir)?;
        let pin = dir.join(PIN_FILE);
        File::create(&pin).at(&pin)?;
        Ok(Draft {
            root: root.to_path_buf(),
            id: id.to_string(),
            dir,
        })
    }

    /// The draft as a snapshot, to read back what this commit has written so far.
    pub fn view(&self) -> Snapshot {
        Snapshot::draft(self.dir.clone())
    }

    /// The name of every partition file this run writes.
    fn part_name(&self) -> String {
        format!("part-{}.parquet", self.id)
    }

    fn month_dir(&self, table: Table, month: &str) -> PathBuf {
        self.dir.join(table.name()).join(format!("month={month}"))
    }

    /// Write a changed partition under this run's file name.
    pub fn write_partition(&self, table: Table, month: &str, batch: &RecordBatch) -> Result<()> {
        write_parquet(&self.partition_path(table, month), table, batch)
    }

    /// Start a changed partition's file under this run's name, to be written a slice at a time.
    pub fn partition_writer(&self, table: Table, month: &str) -> Result<PartWriter> {
        PartWriter::create(&self.partition_path(table, month), table)
    }

    fn partition_path(&self, table: Table, month: &str) -> PathBuf {
        self.month_dir(table, month).join(self.part_name())
    }

    /// Carry an unchanged partition file of the base snapshot into the draft (a hard link: no
    /// copy, and the file keeps its name).
    pub fn link_file(&self, table: Table, month: &str, from: &Path) -> Result<()> {
        let dir = self.month_dir(table, month);
        std::fs::create_dir_all(&dir).at(&dir)?;
        failpoint::hit("link");
        let to = dir.join(from.file_name().unwrap_or_default());
        std::fs::hard_link(from, &to).at(&to)
    }

    /// This run's rejected log, plus the earlier runs' logs of `base`. Returns the log's path
    /// relative to a snapshot, as recorded in `_store.json`.
    pub fn rejected(
        &self,
        base: &Snapshot,
        run_id: &str,
        rejections: &[Rejection],
    ) -> Result<Option<String>> {
        let dir = self.dir.join(REJECTED_DIR);
        let from = base.dir().join(REJECTED_DIR);
        if let Ok(entries) = std::fs::read_dir(&from) {
            std::fs::create_dir_all(&dir).at(&dir)?;
            for e in entries {
                let path = e.at(&from)?.path();
                if path.extension().is_some_and(|x| x == "ndjson") {
                    let to = dir.join(path.file_name().unwrap_or_default());
                    std::fs::hard_link(&path, &to).at(&to)?;
                }
            }
        }
        if rejections.is_empty() {
            return Ok(None);
        }
        std::fs::create_dir_all(&dir).at(&dir)?;
        let name = format!("{run_id}.ndjson");
        write_log(&dir.join(&name), rejections)?;
        Ok(Some(format!("{REJECTED_DIR}/{name}")))
    }

    pub fn write_meta(&self, meta: &StoreMeta) -> Result<()> {
        failpoint::hit("meta");
        meta.write(&self.dir)
    }

    /// Flush the draft, move it into `snapshots/`, and point `current` at it. Returns the
    /// published snapshot's folder.
    pub fn publish(self) -> Result<PathBuf> {
        sync_tree(&self.dir, &self.part_name())?;
        let snapshots = self.root.join(SNAPSHOTS_DIR);
        std::fs::create_dir_all(&snapshots).at(&snapshots)?;
        let fin = snapshots.join(&self.id);
        failpoint::hit("rename-snapshot");
        std::fs::rename(&self.dir, &fin).at(&fin)?;
        sync_dir(&snapshots)?;

        // A relative target keeps the store movable (copied, mounted elsewhere, in a container).
        let target = Path::new(SNAPSHOTS_DIR).join(&self.id);
        let tmp = self.root.join(format!("{CURRENT}.tmp-{}", self.id));
        let _ = std::fs::remove_file(&tmp);
        std::os::unix::fs::symlink(&target, &tmp).at(&tmp)?;
        failpoint::hit("swap");
        // The commit point: rename(2) replaces the old link in one step.
        let link = self.root.join(CURRENT);
        std::fs::rename(&tmp, &link).at(&link)?;
        sync_dir(&self.root)?;
        failpoint::hit("published");
        Ok(fin)
    }
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|f| f.sync_all()).at(dir)
}

/// Flush the files this run wrote into a draft (`part`: their name), then every folder. The files
/// are flushed here, together, rather than each as it was written: during a large ingest the disk
/// is still writing back the run's spill files, and a flush per partition file waited behind
/// them (a second with almost nothing running, on the 10M-alert year). By now most spills are
/// removed, and their unwritten pages with them. Hard-linked files of the base snapshot were
/// flushed by the run that wrote them.
fn sync_tree(dir: &Path, part: &str) -> Result<()> {
    for entry in walkdir::WalkDir::new(dir).contents_first(true) {
        let entry = entry.map_err(|e| Error::store(dir, format!("cannot walk the draft: {e}")))?;
        if entry.file_type().is_dir() {
            sync_dir(entry.path())?;
        } else if entry.file_name() == part {
            File::open(entry.path())
                .and_then(|f| f.sync_all())
                .at(entry.path())?;
        }
    }
    Ok(())
}
