//! Which row wins each key, and what is new: the newest version of a key among batches (a tie
//! goes to the later row), the incoming rows of a month that win, whether none of them is stored
//! yet (an append), and whether an incoming and a stored row are identical (left alone).
//!
//! Keys are borrowed from the Arrow columns (`KeyCol`): the upsert looks at millions of keys, and a
//! string per key was most of its time and memory.

use std::path::PathBuf;

use arrow::array::UInt32Array;
use arrow::compute::{interleave_record_batch, take_record_batch};
use arrow::record_batch::RecordBatch;
use arrow::row::{RowConverter, SortField};
use foldhash::{HashMap, HashMapExt, HashSet};

use super::batch::{KeyCol, key_col, schema, ts_at, ts_col};
use super::crossing::{seqs, versions};
use super::files::read_parquet;
use crate::error::{Error, Result};
use crate::model::Table;

fn arrow_err(e: arrow::error::ArrowError) -> Error {
    Error::Internal(format!("arrow: {e}"))
}

/// The winning `(batch, row)` of each key (newest version; on a tie the later batch, then the
/// later row), in first-seen order of the keys. Keys are borrowed from the batches.
pub fn dedup(table: Table, batches: &[RecordBatch]) -> Vec<(usize, usize)> {
    let version = table.spec().version;
    let total = batches.iter().map(RecordBatch::num_rows).sum();
    let mut pos: HashMap<&str, usize> = HashMap::with_capacity(total);
    let mut winners: Vec<(usize, usize)> = Vec::with_capacity(total);
    let key_cols: Vec<KeyCol<'_>> = batches.iter().map(|b| key_col(b, table)).collect();
    for (b, batch) in batches.iter().enumerate() {
        let vers = version.map(|v| ts_col(batch, v));
        for i in 0..batch.num_rows() {
            match pos.get(key_cols[b].get(i)) {
                None => {
                    pos.insert(key_cols[b].get(i), winners.len());
                    winners.push((b, i));
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
    winners
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

/// The incoming rows of a month that win (newest version, then latest in input order), in the
/// table's schema, rows dropped by the cross-month settling left out. `repeated` says whether a
/// key may occur twice among them (`Crossing::repeated`); when not, every row not dropped wins,
/// and the key map of a whole month is not built.
pub(super) fn winners(
    table: Table,
    b: RecordBatch,
    dropped: &HashSet<u64>,
    repeated: bool,
) -> Result<RecordBatch> {
    let width = schema(table).fields().len();
    let ss = seqs(&b)?;
    // Row numbers in order: the map's are sorted, the filter keeps its input's.
    let idx: Vec<u32> = if repeated {
        let (ks, vs) = (key_col(&b, table), versions(&b, table));
        let mut pos: HashMap<&str, usize> = HashMap::with_capacity(b.num_rows());
        for i in 0..b.num_rows() {
            if dropped.contains(&ss.value(i)) {
                continue;
            }
            // On equal versions the later row in input order wins (the spill is not in input
            // order: several threads type and spill rows).
            let e = pos.entry(ks.get(i)).or_insert(i);
            if (vs[i], ss.value(i)) >= (vs[*e], ss.value(*e)) {
                *e = i;
            }
        }
        let mut idx: Vec<u32> = pos.into_values().map(|i| i as u32).collect();
        idx.sort_unstable();
        idx
    } else {
        (0..b.num_rows())
            .filter(|i| !dropped.contains(&ss.value(*i)))
            .map(|i| i as u32)
            .collect()
    };
    // Usually every row wins: keep the batch rather than copy it (memory is the point).
    let b = if idx.len() == b.num_rows() {
        b
    } else {
        take_record_batch(&b, &UInt32Array::from(idx)).map_err(arrow_err)?
    };
    b.project(&(0..width).collect::<Vec<_>>())
        .map_err(arrow_err)
}

/// Whether none of `winners`' keys is in the month's stored `files` (only their key columns
/// are read).
pub(super) fn all_new(table: Table, winners: &RecordBatch, files: &[PathBuf]) -> Result<bool> {
    let stored = read_parquet(files, table, Some(table.spec().primary_key))?;
    let st = key_col(&stored, table);
    let have: HashSet<&str> = (0..stored.num_rows()).map(|j| st.get(j)).collect();
    let new = key_col(winners, table);
    Ok((0..winners.num_rows()).all(|i| !have.contains(new.get(i))))
}

/// Whether each `(incoming, stored)` pair holds identical rows.
pub(super) fn same_rows(
    table: Table,
    a: &RecordBatch,
    b: &RecordBatch,
    pairs: &[(usize, usize)],
) -> Result<Vec<bool>> {
    if pairs.is_empty() {
        return Ok(vec![]);
    }
    let fields = schema(table)
        .fields()
        .iter()
        .map(|f| SortField::new(f.data_type().clone()))
        .collect();
    let conv = RowConverter::new(fields).map_err(arrow_err)?;
    let mut same = Vec::with_capacity(pairs.len());
    // A chunk at a time: a re-ingest compares every row of a month, and converting them all at
    // once held two more copies of the month.
    for chunk in pairs.chunks(64 * 1024) {
        let ia: UInt32Array = chunk.iter().map(|p| p.0 as u32).collect();
        let ib: UInt32Array = chunk.iter().map(|p| p.1 as u32).collect();
        let ra = conv
            .convert_columns(take_record_batch(a, &ia).map_err(arrow_err)?.columns())
            .map_err(arrow_err)?;
        let rb = conv
            .convert_columns(take_record_batch(b, &ib).map_err(arrow_err)?.columns())
            .map_err(arrow_err)?;
        same.extend((0..chunk.len()).map(|n| ra.row(n) == rb.row(n)));
    }
    Ok(same)
}
