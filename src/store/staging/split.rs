//! A finished batch of typed rows made ready to spill: numbered with `_seq`, split by the month
//! of its main instant, each month's rows put in the partition's order, and each row's key hashed
//! for the commit's key index. `Staging::add` and the summarised incidents (`add_split`) come
//! this way; the ingester's typing threads build their rows by month from the start
//! (`building.rs`) and skip this copy.

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow::array::{ArrayRef, UInt32Array, UInt64Array};
use arrow::record_batch::RecordBatch;

use super::{Staging, spill_schema};
use crate::error::{Error, Result};
use crate::model::Table;
use crate::store::batch::{Months, key_col, key_hash, ts_at, ts_col};

impl Staging {
    /// The copying half of `add`, which needs no `Staging`.
    pub(super) fn split(table: Table, batch: &RecordBatch, seqs: Vec<u64>) -> Result<Parts> {
        let mut out = Parts {
            table,
            rows: 0,
            parts: vec![],
        };
        if batch.num_rows() == 0 {
            return Ok(out);
        }
        out.rows = seqs.len() as u64;
        if seqs.len() != batch.num_rows() {
            return Err(Error::Internal(
                "a staged batch and its row numbers differ in length".into(),
            ));
        }
        let batch = with_seq(table, batch, UInt64Array::from(seqs))
            .map_err(|e| Error::Internal(format!("numbering spilled rows: {e}")))?;
        if table == Table::Incidents {
            out.parts.push(Part {
                month: None,
                rows: batch,
                hashes: vec![],
            });
        } else {
            out.parts = by_month(table, &batch)?;
        }
        Ok(out)
    }
}

/// A batch of numbered rows split by month (`None`: kept unsplit), made by `Staging::split`.
pub struct Parts {
    pub(super) table: Table,
    pub(super) rows: u64,
    pub(super) parts: Vec<Part>,
}

/// One month's rows of a batch (`month` `None`: kept unsplit) with their key hashes
/// (`batch::key_hash`; none for unsplit rows).
pub(super) struct Part {
    pub(super) month: Option<String>,
    pub(super) rows: RecordBatch,
    pub(super) hashes: Vec<u64>,
}

/// Numbered rows split by the month of their main instant, each month's in the partition's
/// order, with their key hashes (in row order: the key index does not need them matched).
pub(super) fn by_month(table: Table, batch: &RecordBatch) -> Result<Vec<Part>> {
    let main = ts_col(batch, table.spec().main_instant);
    let keys = key_col(batch, table);
    let mut rows: BTreeMap<String, (Vec<u32>, Vec<u64>)> = BTreeMap::new();
    let mut months = Months::default();
    for i in 0..batch.num_rows() {
        let month = months.of(ts_at(main, i).unwrap_or_default());
        let hash = key_hash(keys.get(i));
        match rows.get_mut(month) {
            Some((idx, hashes)) => {
                idx.push(i as u32);
                hashes.push(hash);
            }
            None => {
                rows.insert(month.to_string(), (vec![i as u32], vec![hash]));
            }
        }
    }
    let mut out = Vec::with_capacity(rows.len());
    for (month, (mut idx, hashes)) in rows {
        // Each month's part in the partition's order (main instant, then key): the commit then
        // gathers a month's rows from sorted runs, reading each file front to back, where rows
        // in input order sent it all over memory for every value (that gather is a tenth of a
        // large ingest's CPU; sorted runs took 2% off the whole). Only that locality rests on
        // this order: the commit sorts each month exactly.
        idx.sort_unstable_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            (ts_at(main, a), keys.get(a)).cmp(&(ts_at(main, b), keys.get(b)))
        });
        let in_order = idx.iter().enumerate().all(|(n, i)| n == *i as usize);
        let part = if in_order && idx.len() == batch.num_rows() {
            batch.clone()
        } else {
            arrow::compute::take_record_batch(batch, &UInt32Array::from(idx))
                .map_err(|e| Error::Internal(format!("splitting spilled rows by month: {e}")))?
        };
        out.push(Part {
            month: Some(month),
            rows: part,
            hashes,
        });
    }
    Ok(out)
}

pub(super) fn with_seq(
    table: Table,
    batch: &RecordBatch,
    seqs: UInt64Array,
) -> std::result::Result<RecordBatch, arrow::error::ArrowError> {
    let mut cols = batch.columns().to_vec();
    cols.push(Arc::new(seqs) as ArrayRef);
    RecordBatch::try_new(spill_schema(table), cols)
}
