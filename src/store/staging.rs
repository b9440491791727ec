//! The rows one run brings, spilled to disk as they are read so an ingest's memory does not grow
//! with its input: each batch the ingester hands over is written at once to
//! `_staging/spill-<run>/`, split by the month partition its rows belong to (built by month as
//! they are typed, `building.rs`, or split afterwards, `split.rs`), and read
//! back one month at a time by the commit (`upsert.rs`). The rows' key hashes go to one `keys` file
//! per month, so the commit's key index (`crossing.rs`) reads 8 bytes a row instead of the rows.
//!
//! Every row gets `_seq`, its position in the run's input, because the upsert's tie rule ("on equal
//! versions the later row wins") must survive the split by month. Incidents are kept unsplit:
//! their month follows from lifecycle summaries computed at commit time (`commit.rs`). The folder
//! is removed when the `Staging` is dropped, and by the next writer if this one was killed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{BooleanArray, UInt64Array};
use arrow::compute::{concat_batches, filter_record_batch};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;

use super::batch::{key_col, key_hash, schema};
use super::publish::STAGING_DIR;
use super::spill;
use crate::error::{Error, IoContext, Result};
use crate::model::Table;
pub use building::MonthRows;
pub use split::Parts;
use split::{by_month, with_seq};

/// The input-order column of spilled rows.
pub const SEQ: &str = "_seq";

/// A run's incoming rows, on disk.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    rows: u64,
    /// Rows given to `add_split` so far: the next one's `_seq`.
    split_rows: u64,
    files: usize,
    by_month: BTreeMap<Table, BTreeMap<String, Vec<Spilled>>>,
    unsplit: BTreeMap<Table, Vec<Spilled>>,
    writer: Option<Writer>,
}

/// One spill file and how many rows it holds (kept here: an IPC file has no row count in its
/// footer).
#[derive(Debug, Clone)]
struct Spilled {
    path: PathBuf,
    rows: u64,
}

fn arrow_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::store(path, format!("spilled rows: {e}"))
}

/// A table's schema with `_seq` appended.
pub fn spill_schema(table: Table) -> SchemaRef {
    let base = schema(table);
    let mut fields: Vec<Field> = base.fields().iter().map(|f| f.as_ref().clone()).collect();
    fields.push(Field::new(SEQ, DataType::UInt64, false));
    Arc::new(Schema::new_with_metadata(fields, base.metadata().clone()))
}

impl Staging {
    pub(crate) fn new(root: &Path, run_id: &str) -> Result<Staging> {
        let dir = root.join(STAGING_DIR).join(format!("spill-{run_id}"));
        std::fs::create_dir_all(&dir).at(&dir)?;
        Ok(Staging {
            dir,
            rows: 0,
            split_rows: 0,
            files: 0,
            by_month: BTreeMap::new(),
            unsplit: BTreeMap::new(),
            writer: Some(Writer::start()),
        })
    }

    /// Spill a batch of `table` (in the table's schema), with each row's place in the run's input
    /// (`seqs`, increasing within a file). Incidents are kept unsplit for their summaries. The
    /// ingester builds its rows by month instead (`MonthRows`, then `add_parts`).
    pub fn add(&mut self, table: Table, batch: &RecordBatch, seqs: Vec<u64>) -> Result<()> {
        let parts = Staging::split(table, batch, seqs)?;
        self.add_parts(parts)
    }

    /// File and spill the parts `split` or `MonthRows::take` made.
    pub fn add_parts(&mut self, parts: Parts) -> Result<()> {
        self.rows += parts.rows;
        let table = parts.table;
        for part in parts.parts {
            match part.month {
                None => {
                    let dir = self.dir.join(table.name()).join("unsplit");
                    let file = self.write(&dir, part.rows, vec![])?;
                    self.unsplit.entry(table).or_default().push(file);
                }
                Some(month) => self.add_month(table, month, part.rows, part.hashes)?,
            }
        }
        Ok(())
    }

    /// Spill rows split by month at once (the summarised incidents, one row per key: their
    /// order no longer matters). May be called once per part of the keys.
    pub fn add_split(&mut self, table: Table, batch: &RecordBatch) -> Result<()> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        // Numbered after the rows of earlier calls: the upsert names dropped rows by number.
        let from = self.split_rows;
        self.split_rows += batch.num_rows() as u64;
        let seqs: UInt64Array = (from..self.split_rows).collect();
        let batch = with_seq(table, batch, seqs).map_err(|e| arrow_err(&self.dir, e))?;
        for part in by_month(table, &batch)? {
            if let Some(month) = part.month {
                self.add_month(table, month, part.rows, part.hashes)?;
            }
        }
        Ok(())
    }

    /// Spill one month's numbered rows and their key hashes as one file.
    fn add_month(
        &mut self,
        table: Table,
        month: String,
        rows: RecordBatch,
        hashes: Vec<u64>,
    ) -> Result<()> {
        let dir = self.month_dir(table, &month);
        let file = self.write(&dir, rows, hashes)?;
        self.by_month
            .entry(table)
            .or_default()
            .entry(month)
            .or_default()
            .push(file);
        Ok(())
    }

    /// Queue a spill file for the writer thread (or write it here once that has finished).
    fn write(&mut self, dir: &Path, batch: RecordBatch, hashes: Vec<u64>) -> Result<Spilled> {
        std::fs::create_dir_all(dir).at(dir)?;
        self.files += 1;
        let path = dir.join(format!("{:06}.arrow", self.files));
        let rows = batch.num_rows() as u64;
        match &self.writer {
            Some(w) => {
                if w.jobs.send((path.clone(), batch, hashes)).is_err() {
                    // The writer stopped on an error: `finish` reports it.
                    self.finish()?;
                }
            }
            None => spill::write(&path, &batch, &hashes)?,
        }
        Ok(Spilled { path, rows })
    }

    /// Wait for every queued spill file to be on disk. The commit calls it before reading.
    pub fn finish(&mut self) -> Result<()> {
        let Some(w) = self.writer.take() else {
            return Ok(());
        };
        drop(w.jobs);
        w.thread
            .join()
            .map_err(|_| Error::Internal("the spill writer panicked".into()))?
    }

    /// The months `table` has incoming rows for, sorted.
    pub fn months(&self, table: Table) -> Vec<String> {
        self.by_month
            .get(&table)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// A month's incoming rows (with `_seq`), all columns or only `columns` (`_seq` included
    /// when named), in no particular order: `_seq` gives the input order.
    pub fn read_month(
        &self,
        table: Table,
        month: &str,
        columns: Option<&[&str]>,
    ) -> Result<RecordBatch> {
        let files = self.month_files(table, month);
        spill::read(
            files.iter().map(|f| f.path.as_path()),
            spill_schema(table),
            columns,
        )
    }

    /// The key hashes (`batch::key_hash`) of a month's incoming rows, in no particular order:
    /// the commit's key index needs nothing else, and reading them from the rows' files read
    /// every column of every month once more.
    pub fn month_hashes(&self, table: Table, month: &str) -> Result<Vec<u64>> {
        spill::read_hashes(&self.month_dir(table, month), self.month_rows(table, month))
    }

    fn month_dir(&self, table: Table, month: &str) -> PathBuf {
        self.dir.join(table.name()).join(format!("month={month}"))
    }

    /// A month's incoming rows as `read_month` gives them, one batch per spill file.
    pub fn read_month_files(&self, table: Table, month: &str) -> Result<Vec<RecordBatch>> {
        let files = self.month_files(table, month);
        spill::read_batches(
            files.iter().map(|f| f.path.as_path()),
            spill_schema(table),
            None,
        )
    }

    /// Remove a month's spill files once the commit has read them for the last time: their pages
    /// are still in the page cache, mostly unwritten, and removing them spares the disk writing a
    /// file nobody will read (on the 10M-alert year the spills are gigabytes, enough for the
    /// kernel to hold up the ingest's writes until it caught up). Best effort: the folder goes
    /// when the `Staging` is dropped anyway.
    pub fn release_month(&self, table: Table, month: &str) {
        let files = self.month_files(table, month).iter().map(|f| &f.path);
        spill::remove(&self.month_dir(table, month), files);
    }

    /// How many incoming rows a month has.
    pub fn month_rows(&self, table: Table, month: &str) -> u64 {
        self.month_files(table, month).iter().map(|f| f.rows).sum()
    }

    fn month_files(&self, table: Table, month: &str) -> &[Spilled] {
        self.by_month
            .get(&table)
            .and_then(|m| m.get(month))
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// How many unsplit incoming rows `table` has.
    pub fn unsplit_rows(&self, table: Table) -> u64 {
        self.unsplit_files(table).iter().map(|f| f.rows).sum()
    }

    fn unsplit_files(&self, table: Table) -> &[Spilled] {
        self.unsplit
            .get(&table)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The unsplit incoming rows of `table` (incidents) whose key's hash falls in `part` of
    /// `parts` (`batch::key_hash`), in input order and in the table's schema. One spill file is
    /// held at a time besides the rows kept.
    pub fn read_unsplit(&self, table: Table, parts: u64, part: u64) -> Result<RecordBatch> {
        let mut kept = vec![];
        for file in self.unsplit_files(table) {
            let rows = spill::read([file.path.as_path()], spill_schema(table), None)?;
            let ks = key_col(&rows, table);
            let mask: BooleanArray = (0..rows.num_rows())
                .map(|i| Some(key_hash(ks.get(i)) % parts == part))
                .collect();
            kept.push(filter_record_batch(&rows, &mask).map_err(|e| arrow_err(&file.path, e))?);
        }
        let rows =
            concat_batches(&spill_schema(table), &kept).map_err(|e| arrow_err(&self.dir, e))?;
        drop(kept);
        // The typing threads spill in the order they finish: `_seq` gives the input order.
        let width = rows.num_columns() - 1;
        let order = arrow::compute::sort_to_indices(rows.column(width), None, None)
            .map_err(|e| arrow_err(&self.dir, e))?;
        let rows = arrow::compute::take_record_batch(&rows, &order)
            .map_err(|e| arrow_err(&self.dir, e))?;
        rows.project(&(0..width).collect::<Vec<_>>())
            .map_err(|e| arrow_err(&self.dir, e))
    }

    /// How many rows the ingester spilled so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }
}

/// A spill file to write: its path, its rows and their key hashes.
type Job = (PathBuf, RecordBatch, Vec<u64>);

/// The spill writer: writing batches on the second core while the ingester
/// goes on parsing. Two batches in flight at most, so memory stays bounded.
#[derive(Debug)]
struct Writer {
    jobs: std::sync::mpsc::SyncSender<Job>,
    thread: std::thread::JoinHandle<Result<()>>,
}

impl Writer {
    fn start() -> Writer {
        let (jobs, rx) = std::sync::mpsc::sync_channel::<Job>(2);
        let thread = std::thread::spawn(move || {
            for (path, batch, hashes) in rx {
                spill::write(&path, &batch, &hashes)?;
            }
            Ok(())
        });
        Writer { jobs, thread }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = self.finish();
        // Best effort: the next writer removes a staging folder left by a killed one.
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

mod building;
mod split;
#[cfg(test)]
mod tests;
