//! One ingest run's commit: upsert every table against the current snapshot, derive the incident
//! summaries from the events, write the changed partitions into a draft of the next snapshot,
//! link the unchanged ones, record the run, and publish it (`publish.rs`).
//!
//! Tables are processed events-first so the incidents can be summarised from the events as they
//! will be after this commit (`model::lifecycle`). Nothing becomes visible until the publish swap.

use foldhash::HashSet;
use std::sync::Mutex;

use super::batch::text_col;
use super::publish::Draft;
use super::snapshot::Snapshot;
use super::staging::Staging;
use super::summaries::spill_summarised;
use super::upsert::upsert;
use super::{Rejection, RunRecord, Store, WriteLock, legacy, retention};
use crate::error::Result;
use crate::model::columns::INCIDENT_ID;
use crate::model::{SCHEMA_VERSION, Table};

/// What the commit did.
#[derive(Debug)]
pub struct CommitOutcome {
    /// The run as recorded in `_store.json`, with inserted/updated/unchanged filled in.
    pub run: RunRecord,
    pub files_written: usize,
}

impl Store {
    /// Where a run's incoming rows are spilled until its commit; `_lock` proves the caller holds
    /// the writer lock.
    pub fn staging(&self, _lock: &WriteLock, run_id: &str) -> Result<Staging> {
        Staging::new(self.root(), run_id)
    }

    /// Remove what killed writers left, for a run that has nothing to commit (a commit does it
    /// anyway); `_lock` proves the caller holds the writer lock.
    pub fn tidy(&self, _lock: &WriteLock) -> Result<()> {
        retention::collect_garbage(self.root())
    }

    /// Commit the rows in `staging` and append `run` to `_store.json`. All or nothing; `_lock`
    /// proves the caller holds the writer lock, and `budget` (bytes) is what the month merges may
    /// plan for.
    pub fn commit(
        &self,
        _lock: &WriteLock,
        mut staging: Staging,
        mut run: RunRecord,
        rejections: &[Rejection],
        budget: u64,
    ) -> Result<CommitOutcome> {
        staging.finish()?;
        // Read under the lock: no other writer can move `current` until this one is done.
        let base = Snapshot::resolve(self.root())?;
        let mut meta = base.meta()?;
        let draft = Draft::begin(self.root(), &run.id)?;
        run.rejected_log = draft.rejected(&base, &run.id, rejections)?;
        let mut files_written = 0;
        let touched: Mutex<HashSet<String>> = Mutex::default();

        for table in Table::ALL {
            if table == Table::Incidents {
                // The events are final in the draft: summarise from them, then spill the
                // incidents by the month their summarised detection falls in.
                // The events are done: their touched incidents are handed over, not copied.
                let touched =
                    std::mem::take(&mut *touched.lock().unwrap_or_else(|p| p.into_inner()));
                spill_summarised(&base, &draft.view(), &mut staging, touched, budget)?;
            }
            let on_changed = |batch: &arrow::record_batch::RecordBatch, rows: &[usize]| {
                if table == Table::IncidentEvents {
                    let ids = text_col(batch, INCIDENT_ID);
                    let mut t = touched.lock().unwrap_or_else(|p| p.into_inner());
                    t.extend(rows.iter().map(|i| ids.value(*i).to_string()));
                }
            };
            // A table whose columns changed since the base's version is rewritten, not linked.
            let migrate = table.changed_since(meta.schema_version);
            let done = upsert(&base, &staging, &draft, table, budget, migrate, &on_changed)?;
            files_written += done.files_written;
            // A table the input did not name can still change: incidents through their events.
            if run.tables.contains_key(table.name()) || done.inserted + done.updated > 0 {
                let c = run.tables.entry(table.name().to_string()).or_default();
                c.inserted = done.inserted;
                c.updated = done.updated;
            }
        }

        // Whatever was read and accepted but neither inserted nor updated was already stored (or
        // lost to a newer version). Updates forced by changed events can exceed the incoming rows.
        for c in run.tables.values_mut() {
            c.unchanged = (c.read - c.rejected).saturating_sub(c.inserted + c.updated);
        }
        // Every table changed since an older base's version was rewritten above (`upsert`).
        meta.schema_version = SCHEMA_VERSION;
        meta.runs.push(run.clone());
        draft.write_meta(&meta)?;
        draft.publish()?;
        drop(staging);
        self.unpin();
        // The run is committed: tidying up is best effort and the next writer retries it.
        if base.is_legacy() {
            let _ = legacy::remove(self.root());
        }
        let _ = retention::collect_garbage(self.root());
        Ok(CommitOutcome { run, files_written })
    }
}

#[cfg(test)]
mod tests {
    use arrow::record_batch::RecordBatch;

    use super::*;
    use crate::model::columns::TITLE;
    use crate::model::{Cell, ColumnType};
    use crate::store::RowBuilder;
    use crate::store::batch::text_col;

    /// One row of `table` with key `id` and `title`, every instant at 2026-01-10.
    fn row(table: Table, id: &str, title: &str) -> RecordBatch {
        let key = table.spec().primary_key;
        let cells = crate::store::test_rows::row(table, |name, ty| match (name, ty) {
            (n, _) if key.contains(&n) => Some(Cell::Text(id.to_string())),
            (TITLE, _) => Some(Cell::Text(title.to_string())),
            (_, ColumnType::Timestamp) => Some(Cell::Timestamp(1_768_003_200_000_000)),
            _ => None,
        });
        let mut b = RowBuilder::new(table);
        b.push(&cells);
        b.finish()
    }

    /// Regression: the typing threads spill rows in the order they finish, not in input order;
    /// on equal versions the later input row must still win (it went by spill order).
    #[test]
    fn on_a_tie_the_later_input_row_wins_whatever_order_it_was_spilled_in() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().join("store"));
        let lock = store.lock().unwrap();
        let mut staging = store.staging(&lock, "r1").unwrap();
        for table in [Table::Alerts, Table::Incidents] {
            staging
                .add(table, &row(table, "k", "later"), vec![9])
                .unwrap();
            staging
                .add(table, &row(table, "k", "earlier"), vec![2])
                .unwrap();
        }
        store
            .commit(&lock, staging, run("r1"), &[], 1 << 30)
            .unwrap();
        let snap = Snapshot::resolve(store.root()).unwrap();
        for table in [Table::Alerts, Table::Incidents] {
            let rows = snap.read_partition(table, "2026-01", None).unwrap();
            assert_eq!(rows.num_rows(), 1, "{table}");
            assert_eq!(text_col(&rows, TITLE).value(0), "later", "{table}");
        }
    }

    fn run(id: &str) -> RunRecord {
        RunRecord {
            id: id.into(),
            started_at: String::new(),
            finished_at: String::new(),
            inputs: vec![],
            tables: Default::default(),
            rejected_log: None,
            files: vec![],
        }
    }

    /// Whether a Parquet file has a column.
    fn has_column(path: &std::path::Path, name: &str) -> bool {
        let file = std::fs::File::open(path).unwrap();
        let b =
            parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
        b.schema().column_with_name(name).is_some()
    }

    /// Regression for schema 2 (`incidents.url`): a store written by schema 1 is read with the new
    /// column as nulls, and its next commit, though it brings no incident, rewrites every
    /// incidents file in the new layout and records version 2, the rows unchanged.
    #[test]
    fn a_schema_1_store_reads_url_as_null_and_its_next_commit_migrates_the_incidents() {
        use crate::model::columns::URL;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().join("store"));
        let lock = store.lock().unwrap();
        let mut staging = store.staging(&lock, "r1").unwrap();
        for (i, id) in ["a", "b"].iter().enumerate() {
            let t = Table::Incidents;
            staging.add(t, &row(t, id, "kept"), vec![i as u64]).unwrap();
        }
        store
            .commit(&lock, staging, run("r1"), &[], 1 << 30)
            .unwrap();

        // Make it a schema-1 store: incidents files without `url`, `_store.json` at version 1.
        let snap = Snapshot::resolve(store.root()).unwrap();
        for path in snap.partition_files(Table::Incidents, "2026-01").unwrap() {
            let rows = snap
                .read_partition(Table::Incidents, "2026-01", None)
                .unwrap();
            let keep: Vec<usize> = (0..rows.num_columns())
                .filter(|&i| rows.schema().field(i).name() != URL)
                .collect();
            let old = rows.project(&keep).unwrap();
            std::fs::remove_file(&path).unwrap();
            let mut w = parquet::arrow::ArrowWriter::try_new(
                std::fs::File::create(&path).unwrap(),
                old.schema(),
                None,
            )
            .unwrap();
            w.write(&old).unwrap();
            w.close().unwrap();
            assert!(!has_column(&path, URL));
        }
        let mut meta = snap.meta().unwrap();
        meta.schema_version = 1;
        meta.write(snap.dir()).unwrap();

        let read = |store: &Store| {
            store
                .scan(Table::Incidents)
                .unwrap()
                .select([
                    polars::prelude::col(TITLE),
                    polars::prelude::col(URL).is_null().alias("no_url"),
                ])
                .collect()
                .unwrap()
        };
        let before = read(&Store::at(store.root()));
        assert_eq!(before.height(), 2);
        assert!(before.column("no_url").unwrap().bool().unwrap().all());

        // The next run brings an alert only.
        let mut staging = store.staging(&lock, "r2").unwrap();
        let t = Table::Alerts;
        staging.add(t, &row(t, "al", "x"), vec![0]).unwrap();
        store
            .commit(&lock, staging, run("r2"), &[], 1 << 30)
            .unwrap();
        let snap = Snapshot::resolve(store.root()).unwrap();
        assert_eq!(snap.meta().unwrap().schema_version, SCHEMA_VERSION);
        for path in snap.partition_files(Table::Incidents, "2026-01").unwrap() {
            assert!(has_column(&path, URL), "{}", path.display());
        }
        assert_eq!(read(&Store::at(store.root())), before);
    }
}
