//! The upsert of one table, a month at a time: the newest version of each primary key wins (a tie
//! goes to the later input row, `winners.rs`), identical rows are not rewritten, a row whose main
//! instant moved to another month is deleted from its old partition, and each file's rows are
//! sorted by (main instant, primary key), so the output is a function of the rows alone.
//!
//! A month that only gains new keys gets one more file and keeps its stored files (hard links);
//! any other change merges the month into one file. Memory is bounded by a month's partition (two
//! at once when the budget allows) plus a compact key index, not by the input or the store: the
//! incoming rows come from the run's spill (`staging.rs`) and each month is merged with its stored
//! partition and written into the draft (`publish.rs`) before its memory is freed. Keys that live in
//! two months are settled first (`crossing.rs`). Unchanged partitions are hard-linked.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use arrow::array::{ArrayRef, BooleanArray, UInt32Array};
use arrow::compute::{
    SortColumn, concat_batches, filter_record_batch, lexsort_to_indices, take_record_batch,
};
use arrow::record_batch::RecordBatch;
use foldhash::{HashMap, HashSet, HashSetExt};

use super::batch::{KeyCol, key_col, schema};
use super::crossing::{Crossing, cross_months, versions};
use super::files::{read_parquet, row_count};
use super::publish::Draft;
use super::snapshot::Snapshot;
use super::staging::Staging;
use super::winners::{SortedGather, all_new, pick, same_rows, winner_rows};
use crate::error::{Error, Result};
use crate::model::Table;

fn arrow_err(e: arrow::error::ArrowError) -> Error {
    Error::Internal(format!("arrow: {e}"))
}

/// What a table's upsert did.
#[derive(Debug, Default)]
pub struct Upserted {
    pub inserted: u64,
    pub updated: u64,
    pub files_written: usize,
}

/// Told, per month, the incoming winners and which of them were inserted or updated (from the
/// merging threads, hence `Sync`).
pub type OnChanged<'a> = &'a (dyn Fn(&RecordBatch, &[usize]) + Sync);

/// Files a month may hold before a change to it merges them into one: each append of new rows
/// adds a file, and readers open every file of the months they read.
const MAX_FILES_PER_MONTH: usize = 16;

/// What a month's merge holds per row (incoming or stored), planned high: measured on the
/// generated alerts, a re-ingested month held about 620 bytes per row of either side at its peak.
const MERGE_BYTES_PER_ROW: u64 = 1024;

/// What a month the store does not hold yet holds per incoming row, planned high: it is gathered
/// and written in slices (`GATHER_ROWS`), and two such months of about 860k rows took the
/// 10M-alert ingest from 300 MB while reading to 880 MB (RSS sampled every 0.2 s), about 340 per
/// row. Planned at 1 KB like a stored month, a budget of 1 GiB merged them one at a time.
const FRESH_BYTES_PER_ROW: u64 = 512;

/// Rows of a fresh month gathered and written at a time: a slice's columns stay a few megabytes,
/// so their memory is reused from slice to slice and the Parquet writer reads them from cache.
const GATHER_ROWS: usize = 32 * 1024;

/// Upsert the spilled rows of `table` against `base` into `draft`; with `migrate` (the table's
/// columns changed since the base's schema version) every stored file is rewritten in the new
/// layout, its rows as they are, instead of linked, so the snapshot holds one layout per table.
pub fn upsert(
    base: &Snapshot,
    staging: &Staging,
    draft: &Draft,
    table: Table,
    budget: u64,
    migrate: bool,
    on_changed: OnChanged<'_>,
) -> Result<Upserted> {
    let months_in = staging.months(table);
    let stored = base.partitions(table)?;
    let stored_months: Vec<String> = stored.keys().cloned().collect();
    let mut done = Upserted::default();
    let rewritten = AtomicUsize::new(0);
    let link_all = |month: &str, files: &[PathBuf]| -> Result<()> {
        if migrate && !files.is_empty() {
            let rows = sort(table, &read_parquet(files, table, None)?)?;
            rewritten.fetch_add(1, Ordering::Relaxed);
            return draft.write_partition(table, month, &rows);
        }
        files
            .iter()
            .try_for_each(|f| draft.link_file(table, month, f))
    };
    if months_in.is_empty() {
        for (month, files) in &stored {
            link_all(month, files)?;
        }
        done.files_written = rewritten.into_inner();
        return Ok(done);
    }
    let crossing = cross_months(base, staging, table, &months_in, &stored_months, budget)?;

    let all: BTreeSet<&String> = months_in.iter().chain(crossing.removed.keys()).collect();
    for (month, files) in &stored {
        if !all.contains(month) {
            link_all(month, files)?;
        }
    }
    // Months are independent now: merge them two at a time when two of the largest fit the
    // budget, else one at a time.
    let months: Vec<&String> = all.into_iter().collect();
    let mut largest = 0;
    for month in &months {
        let mut stored_rows = 0;
        for f in stored.get(*month).map(Vec::as_slice).unwrap_or_default() {
            stored_rows += row_count(f)?;
        }
        largest = largest.max(merge_bytes(stored_rows, staging.month_rows(table, month)));
    }
    let workers = if 2 * largest <= budget { 2 } else { 1 };
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Result<Upserted>>> = Mutex::new(vec![]);
    let one = |month: &String| -> Result<Upserted> {
        let mut done = Upserted::default();
        let files = stored.get(month).map(Vec::as_slice).unwrap_or_default();
        let winners = if months_in.contains(month) {
            let incoming = staging.read_month_files(table, month)?;
            // The month's last read of its spill (the key index read its key hashes).
            staging.release_month(table, month);
            let repeated = crossing.repeated.contains(month.as_str());
            let rows = winner_rows(table, &incoming, &crossing.dropped, repeated)?;
            if files.is_empty() {
                // A month the store does not hold (most of a first ingest): every winner is
                // new, and they are sorted in the one copy that gathers them.
                let sorted = SortedGather::new(table, &incoming, &rows)?;
                drop(incoming);
                if !sorted.is_empty() {
                    let slices = sorted.slices(GATHER_ROWS);
                    add_new(
                        table, month, slices, &crossing, draft, on_changed, &mut done,
                    )?;
                }
                return Ok(done);
            }
            pick(table, &incoming, &rows)?
        } else {
            RecordBatch::new_empty(schema(table))
        };
        let removes = crossing.removed.get(month).is_some_and(|r| !r.is_empty());
        // Not when migrating: the stored files are rewritten, and the month is one file again.
        if winners.num_rows() > 0
            && !migrate
            && !files.is_empty()
            && files.len() < MAX_FILES_PER_MONTH
            && !removes
            && all_new(table, &winners, files)?
        {
            // An append: the stored files stay as they are and the new rows become one more.
            link_all(month, files)?;
            let sorted = std::iter::once(sort(table, &winners));
            add_new(
                table, month, sorted, &crossing, draft, on_changed, &mut done,
            )?;
            return Ok(done);
        }
        let rows = if files.is_empty() {
            None
        } else {
            Some(read_parquet(files, table, None)?)
        };
        match merge_month(
            table, winners, rows, month, &crossing, &mut done, on_changed,
        )? {
            // Unchanged is only returned for a month that has stored files.
            Merged::Unchanged => link_all(month, files)?,
            Merged::Empty => {}
            Merged::Rows(batch) => {
                draft.write_partition(table, month, &batch)?;
                done.files_written += 1;
            }
        }
        Ok(done)
    };
    std::thread::scope(|scope| {
        for _ in 0..workers.clamp(1, months.len().max(1)) {
            scope.spawn(|| {
                while let Some(month) = months.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let r = one(month);
                    let failed = r.is_err();
                    results.lock().unwrap_or_else(|p| p.into_inner()).push(r);
                    if failed {
                        break;
                    }
                }
            });
        }
    });
    for r in results.into_inner().unwrap_or_else(|p| p.into_inner()) {
        let r = r?;
        done.inserted += r.inserted;
        done.updated += r.updated;
        done.files_written += r.files_written;
    }
    done.files_written += rewritten.into_inner();
    Ok(done)
}

/// Rows none of which `month` holds, already sorted and in slices: counted (inserted, or updated
/// when they moved from another month), told to `on_changed`, and written as one file of the
/// month, a slice at a time.
fn add_new(
    table: Table,
    month: &str,
    sorted: impl Iterator<Item = Result<RecordBatch>>,
    crossing: &Crossing,
    draft: &Draft,
    on_changed: OnChanged<'_>,
    done: &mut Upserted,
) -> Result<()> {
    let mut file = draft.partition_writer(table, month)?;
    for slice in sorted {
        let slice = slice?;
        let all: Vec<usize> = (0..slice.num_rows()).collect();
        let none = vec![false; all.len()];
        count_new(
            &key_col(&slice, table),
            &vec![true; all.len()],
            &none,
            crossing,
            done,
        );
        on_changed(&slice, &all);
        file.write(&slice)?;
    }
    file.finish()?;
    done.files_written += 1;
    Ok(())
}

enum Merged {
    Unchanged,
    Empty,
    Rows(RecordBatch),
}

/// One month: the stored partition with the incoming winners applied, as one file.
fn merge_month(
    table: Table,
    winners: RecordBatch,
    stored: Option<RecordBatch>,
    month: &str,
    crossing: &Crossing,
    done: &mut Upserted,
    on_changed: OnChanged<'_>,
) -> Result<Merged> {
    let spec = table.spec();
    let in_keys = key_col(&winners, table);
    let none = HashSet::new();
    let removed = crossing.removed.get(month).unwrap_or(&none);

    let mut keep_stored: Vec<bool> = vec![];
    let mut take_in: Vec<bool> = vec![true; winners.num_rows()];
    let mut changed_stored = false;
    if let Some(st) = &stored {
        // Only a month with stored rows looks incoming keys up (a fresh month is most of a
        // first ingest, and hashing its keys for nothing was a few percent of it).
        let in_pos: HashMap<&str, usize> = (0..winners.num_rows())
            .map(|i| (in_keys.get(i), i))
            .collect();
        let in_vers = versions(&winners, table);
        let st_keys = key_col(st, table);
        let st_n = st.num_rows();
        let st_vers = versions(st, table);
        // Pairs of (incoming, stored) rows with the same key: compared whole, on the rows only.
        let hits: Vec<(usize, usize)> = (0..st_n)
            .filter_map(|j| in_pos.get(st_keys.get(j)).map(|&i| (i, j)))
            .collect();
        let same = same_rows(table, &winners, st, &hits)?;
        keep_stored = (0..st_n)
            .map(|j| removed.is_empty() || !removed.contains(st_keys.get(j)))
            .collect();
        changed_stored = keep_stored.iter().any(|k| !k);
        for (n, &(i, j)) in hits.iter().enumerate() {
            let stored_newer = spec.version.is_some() && st_vers[j] > in_vers[i];
            if stored_newer || same[n] {
                take_in[i] = false;
            } else {
                keep_stored[j] = false;
                changed_stored = true;
                done.updated += 1;
            }
        }
        // Inserted: incoming keys this month did not have.
        let mut hit_in = vec![false; take_in.len()];
        for h in &hits {
            hit_in[h.0] = true;
        }
        count_new(&in_keys, &take_in, &hit_in, crossing, done);
    } else {
        count_new(
            &in_keys,
            &take_in,
            &vec![false; take_in.len()],
            crossing,
            done,
        );
    }
    let changed: Vec<usize> = (0..winners.num_rows()).filter(|i| take_in[*i]).collect();
    if changed.is_empty() && !changed_stored {
        return Ok(if stored.is_some() {
            Merged::Unchanged
        } else {
            Merged::Empty
        });
    }
    on_changed(&winners, &changed);
    let fresh = if changed.len() == winners.num_rows() {
        winners
    } else {
        let idx: UInt32Array = changed.iter().map(|i| *i as u32).collect();
        take_record_batch(&winners, &idx).map_err(arrow_err)?
    };
    let kept = match &stored {
        Some(st) if keep_stored.iter().any(|k| *k) => {
            let mask: BooleanArray = keep_stored.iter().map(|k| Some(*k)).collect();
            Some(filter_record_batch(st, &mask).map_err(arrow_err)?)
        }
        _ => None,
    };
    drop(stored);
    let merged = match kept {
        Some(kept) => concat_batches(&schema(table), &[kept, fresh]).map_err(arrow_err)?,
        None => fresh,
    };
    Ok(if merged.num_rows() == 0 {
        Merged::Empty
    } else {
        Merged::Rows(sort(table, &merged)?)
    })
}

/// What merging a month is planned to hold: a fresh month (nothing stored) only its incoming rows,
/// as slices are written; a stored one both sides and the merged copy.
fn merge_bytes(stored_rows: u64, incoming_rows: u64) -> u64 {
    if stored_rows == 0 {
        incoming_rows * FRESH_BYTES_PER_ROW
    } else {
        (stored_rows + incoming_rows) * MERGE_BYTES_PER_ROW
    }
}

fn count_new(
    keys: &KeyCol<'_>,
    take: &[bool],
    hit: &[bool],
    crossing: &Crossing,
    done: &mut Upserted,
) {
    for i in 0..take.len() {
        if take[i] && !hit[i] {
            if crossing.moved.contains(keys.get(i)) {
                done.updated += 1;
            } else {
                done.inserted += 1;
            }
        }
    }
}

/// Sort by (main instant, primary key).
pub fn sort(table: Table, batch: &RecordBatch) -> Result<RecordBatch> {
    let spec = table.spec();
    let cols: Vec<usize> = std::iter::once(spec.main_instant)
        .chain(spec.primary_key.iter().copied())
        .map(|c| spec.index(c))
        .collect();
    let idx = order(&batch.project(&cols).map_err(arrow_err)?)?;
    take_record_batch(batch, &idx).map_err(arrow_err)
}

/// The row order of a batch of sort columns (main instant, then the primary key's columns),
/// each ascending with nulls first: the one definition of a partition's order, used by `sort`
/// and by `winners::SortedGather`.
pub(super) fn order(sort_columns: &RecordBatch) -> Result<UInt32Array> {
    let cols: Vec<SortColumn> = sort_columns
        .columns()
        .iter()
        .map(|c| SortColumn {
            values: c.clone() as ArrayRef,
            options: None,
        })
        .collect();
    lexsort_to_indices(&cols, None).map_err(arrow_err)
}
