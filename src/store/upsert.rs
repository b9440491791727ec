//! The upsert of one table: deduplicate the incoming rows by primary key (newest version wins, a
//! tie goes to the later row), compare them with the rows already stored, and build the new
//! contents of every month partition that changes.
//!
//! Identical rows are not rewritten, so re-ingesting the same input leaves every file untouched.
//! A row whose main instant moved to another month is deleted from its old partition. Inside a
//! partition rows are sorted by (main instant, primary key), which makes the output a function of
//! the rows alone. Nothing is written here: `commit.rs` decides when files change.

use std::collections::{BTreeMap, HashMap, HashSet};

use arrow::array::{ArrayRef, BooleanArray};
use arrow::compute::{
    SortColumn, concat_batches, filter_record_batch, interleave_record_batch, lexsort_to_indices,
    take_record_batch,
};
use arrow::record_batch::RecordBatch;
use arrow::row::{RowConverter, Rows, SortField};

use super::batch::{keys, month_of, schema, ts_at, ts_col};
use super::snapshot::Snapshot;
use crate::error::{Error, Result};
use crate::model::Table;

/// What a table's commit changes.
#[derive(Debug, Default)]
pub struct TablePlan {
    /// month -> its new full contents; `None` deletes the partition (its last row moved away).
    pub parts: BTreeMap<String, Option<RecordBatch>>,
    pub inserted: u64,
    pub updated: u64,
    /// Keys of the rows inserted or updated.
    pub changed_keys: HashSet<String>,
}

fn arrow_err(e: arrow::error::ArrowError) -> Error {
    Error::Internal(format!("arrow: {e}"))
}

/// The winning `(batch, row)` of each key, in first-seen order of the keys.
pub fn dedup(table: Table, batches: &[RecordBatch]) -> (Vec<(usize, usize)>, Vec<String>) {
    let version = table.spec().version;
    let mut pos: HashMap<String, usize> = HashMap::new();
    let mut winners: Vec<(usize, usize)> = vec![];
    let mut win_keys: Vec<String> = vec![];
    for (b, batch) in batches.iter().enumerate() {
        let vers = version.map(|v| ts_col(batch, v));
        for (i, k) in keys(batch, table).into_iter().enumerate() {
            match pos.get(&k) {
                None => {
                    pos.insert(k.clone(), winners.len());
                    winners.push((b, i));
                    win_keys.push(k);
                }
                Some(&w) => {
                    let (ob, oi) = winners[w];
                    let newer = match (vers, version) {
                        (Some(v), Some(name)) => {
                            ts_at(v, i) >= ts_at(ts_col(&batches[ob], name), oi)
                        }
                        _ => true,
                    };
                    if newer {
                        winners[w] = (b, i);
                    }
                }
            }
        }
    }
    (winners, win_keys)
}

pub fn materialize(
    batches: &[RecordBatch],
    rows: &[(usize, usize)],
    table: Table,
) -> Result<RecordBatch> {
    if rows.is_empty() {
        return Ok(RecordBatch::new_empty(schema(table)));
    }
    let refs: Vec<&RecordBatch> = batches.iter().collect();
    interleave_record_batch(&refs, rows).map_err(arrow_err)
}

fn converter(table: Table) -> Result<RowConverter> {
    let fields = schema(table)
        .fields()
        .iter()
        .map(|f| SortField::new(f.data_type().clone()))
        .collect();
    RowConverter::new(fields).map_err(arrow_err)
}

fn rows_of(conv: &RowConverter, batch: &RecordBatch) -> Result<Rows> {
    conv.convert_columns(batch.columns()).map_err(arrow_err)
}

/// Plan the upsert of `incoming` (already deduplicated) against the rows of `table` in `base`.
/// `stored` caches full partitions already read (by month) and is filled by this call.
pub fn plan(
    base: &Snapshot,
    table: Table,
    incoming: &RecordBatch,
    stored: &mut BTreeMap<String, RecordBatch>,
) -> Result<TablePlan> {
    let spec = table.spec();
    let in_keys = keys(incoming, table);
    let mut wanted: HashMap<&str, usize> = in_keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let conv = converter(table)?;
    let in_rows = rows_of(&conv, incoming)?;
    let in_version = spec.version.map(|v| ts_col(incoming, v));

    let mut plan = TablePlan::default();
    // month -> keys to remove from it (rows replaced by a changed incoming row).
    let mut remove: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    for month in base.months(table)? {
        let key_cols: Vec<&str> = spec
            .primary_key
            .iter()
            .copied()
            .chain(spec.version)
            .collect();
        let probe = base.read_partition(table, &month, Some(&key_cols))?;
        let hits: Vec<(usize, usize)> = keys(&probe, table)
            .iter()
            .enumerate()
            .filter_map(|(j, k)| wanted.get(k.as_str()).map(|&i| (i, j)))
            .collect();
        if hits.is_empty() {
            continue;
        }
        let full = base.read_partition(table, &month, None)?;
        let ex_rows = rows_of(&conv, &full)?;
        let ex_version = spec.version.map(|v| ts_col(&full, v));
        for (i, j) in hits {
            let key = &in_keys[i];
            let stored_is_newer = match (in_version, ex_version) {
                (Some(a), Some(b)) => ts_at(b, j) > ts_at(a, i),
                _ => false,
            };
            if stored_is_newer || in_rows.row(i) == ex_rows.row(j) {
                wanted.remove(key.as_str());
            } else {
                remove.entry(month.clone()).or_default().insert(key.clone());
                plan.updated += 1;
                plan.changed_keys.insert(key.clone());
            }
        }
        stored.insert(month, full);
    }

    // Incoming rows still wanted go to the month of their main instant.
    let main = ts_col(incoming, spec.main_instant);
    let mut add: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for (i, key) in in_keys.iter().enumerate() {
        if wanted.contains_key(key.as_str()) {
            let month = month_of(ts_at(main, i).unwrap_or_default());
            add.entry(month).or_default().push((0, i));
            if plan.changed_keys.insert(key.clone()) {
                plan.inserted += 1;
            }
        }
    }

    let months: HashSet<String> = add.keys().chain(remove.keys()).cloned().collect();
    let mut months: Vec<String> = months.into_iter().collect();
    months.sort();
    for month in months {
        let mut parts = vec![];
        let existing = match stored.get(&month) {
            Some(b) => Some(b.clone()),
            None if base.partition_file(table, &month)?.is_some() => {
                Some(base.read_partition(table, &month, None)?)
            }
            None => None,
        };
        if let Some(ex) = existing {
            let drop = remove.get(&month);
            let keep: BooleanArray = keys(&ex, table)
                .iter()
                .map(|k| Some(!drop.is_some_and(|d| d.contains(k))))
                .collect();
            parts.push(filter_record_batch(&ex, &keep).map_err(arrow_err)?);
        }
        if let Some(rows) = add.get(&month) {
            parts.push(materialize(std::slice::from_ref(incoming), rows, table)?);
        }
        let merged = concat_batches(&schema(table), &parts).map_err(arrow_err)?;
        let content = if merged.num_rows() == 0 {
            None
        } else {
            Some(sort(table, &merged)?)
        };
        plan.parts.insert(month, content);
    }
    Ok(plan)
}

/// Sort by (main instant, primary key).
pub fn sort(table: Table, batch: &RecordBatch) -> Result<RecordBatch> {
    let spec = table.spec();
    let cols: Vec<SortColumn> = std::iter::once(spec.main_instant)
        .chain(spec.primary_key.iter().copied())
        .map(|c| SortColumn {
            values: batch.column(spec.index(c)).clone() as ArrayRef,
            options: None,
        })
        .collect();
    let idx = lexsort_to_indices(&cols, None).map_err(arrow_err)?;
    take_record_batch(batch, &idx).map_err(arrow_err)
}
