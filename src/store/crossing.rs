//! Keys that live in more than one month: in the input (the same key in two months' spills) or
//! in the input and the store (a row whose main instant moved). Found through a sorted index of
//! 8-byte key hashes of the incoming rows (the low bits hold the month's position), then settled
//! exactly on the real keys, so a hash collision costs a little work but never a row. Only the
//! keys found this way are ever held as strings. When the index of every incoming row would take
//! more than a quarter of the memory budget (past 67 million rows at the default 2 GiB), it is
//! built over one range of hashes at a time, each pass reading the key hashes again. The same
//! index tells which months repeat a key hash among their incoming rows: only those need the
//! per-key choice of `winners.rs` (a fresh export rarely repeats a key, and that choice was a
//! hash map of every key of every month).

use arrow::record_batch::RecordBatch;
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use rayon::prelude::*;
use std::collections::BTreeMap;

use super::batch::{KeyCol, key_col, key_hashes, ts_at, ts_col};
use super::snapshot::Snapshot;
use super::staging::{SEQ, Staging};
use crate::error::{Error, Result};
use crate::model::Table;

/// Low bits of an index entry hold the month's position; the rest is the key's hash. 4,096
/// months: ingest accepts instants of 1900-2200 only (3,612 months).
const MONTH_BITS: u32 = 12;

/// The share of the memory budget the key index may take: the month merges that follow plan for
/// the whole budget, and this is freed before they start.
const INDEX_SHARE: u64 = 4;

fn hashes(batch: &RecordBatch, table: Table) -> Vec<u64> {
    let mut hs = key_hashes(batch, table);
    hs.iter_mut().for_each(|h| *h >>= MONTH_BITS);
    hs
}

pub(super) fn versions(batch: &RecordBatch, table: Table) -> Vec<Option<i64>> {
    match table.spec().version {
        Some(v) => {
            let col = ts_col(batch, v);
            (0..batch.num_rows()).map(|i| ts_at(col, i)).collect()
        }
        None => vec![None; batch.num_rows()],
    }
}

pub(super) fn seqs(batch: &RecordBatch) -> Result<&arrow::array::UInt64Array> {
    batch
        .column_by_name(SEQ)
        .and_then(|c| c.as_any().downcast_ref())
        .ok_or_else(|| Error::Internal("spilled rows lack _seq".into()))
}

/// Which keys cross months, settled on the real keys.
#[derive(Default)]
pub(super) struct Crossing {
    /// Incoming rows (by `_seq`) that lose to a row of another month or to a newer stored row.
    pub dropped: HashSet<u64>,
    /// month -> stored keys to remove (their newer version lives in another month now).
    pub removed: BTreeMap<String, HashSet<String>>,
    /// Keys inserted into a month that replace a stored row of another month (updates).
    pub moved: HashSet<String>,
    /// Months whose incoming rows may repeat a key (two rows with one key hash): only these need
    /// the exact per-key choice of `winners`; in the others every row not dropped wins.
    pub repeated: HashSet<String>,
}

/// Find the keys that live in more than one month and settle each exactly; `budget` (bytes) is
/// what the commit may plan for.
pub(super) fn cross_months(
    base: &Snapshot,
    staging: &Staging,
    table: Table,
    months_in: &[String],
    stored_months: &[String],
    budget: u64,
) -> Result<Crossing> {
    let spec = table.spec();
    let key_cols: Vec<&str> = spec
        .primary_key
        .iter()
        .copied()
        .chain(spec.version)
        .collect();
    let key_cols = key_cols.as_slice();
    if months_in.len() >= 1 << MONTH_BITS {
        return Err(Error::Internal(format!(
            "{} months of {table} in one run: more than the key index holds",
            months_in.len()
        )));
    }
    let mut rows_in = 0;
    for month in months_in {
        rows_in += staging.month_rows(table, month);
    }
    let passes = (rows_in * 8).div_ceil((budget / INDEX_SHARE).max(1)).max(1);
    let mut wanted: HashSet<u64> = HashSet::new();
    let mut repeated: HashSet<usize> = HashSet::new();
    // Stored keys whose hash the input has in another month: (key, stored month, version).
    let mut stored_at: HashMap<String, (String, Option<i64>)> = HashMap::new();
    for pass in 0..passes {
        let mine = |h: &u64| *h % passes == pass;
        // The months' key hashes were taken as their rows were spilled (`Staging::month_hashes`);
        // sorting 10 million of them took a second on one core with the other idle, so the
        // months are read on both and the index is sorted on both.
        let parts: Vec<Vec<u64>> = months_in
            .par_iter()
            .enumerate()
            .map(|(m, month)| -> Result<Vec<u64>> {
                Ok(staging
                    .month_hashes(table, month)?
                    .into_iter()
                    .map(|h| h >> MONTH_BITS)
                    .filter(mine)
                    .map(|h| h << MONTH_BITS | m as u64)
                    .collect())
            })
            .collect::<Result<_>>()?;
        let mut index: Vec<u64> = Vec::with_capacity((rows_in / passes) as usize);
        parts.into_iter().for_each(|p| index.extend(p));
        index.par_sort_unstable();
        let months_of = |h: u64| {
            let from = index.partition_point(|e| e >> MONTH_BITS < h);
            index[from..]
                .iter()
                .take_while(move |e| *e >> MONTH_BITS == h)
                .map(|e| (e & ((1 << MONTH_BITS) - 1)) as usize)
        };
        for w in index.windows(2) {
            if w[0] == w[1] {
                // One hash twice in one month: a repeated key (or a collision) for `winners`.
                repeated.insert((w[0] & ((1 << MONTH_BITS) - 1)) as usize);
            } else if w[0] >> MONTH_BITS == w[1] >> MONTH_BITS {
                wanted.insert(w[0] >> MONTH_BITS);
            }
        }
        for month in stored_months {
            let probe = base.read_partition(table, month, Some(key_cols))?;
            let hs = hashes(&probe, table);
            // Keys and versions are only looked at for the (usually few) rows that cross months.
            let mut ks: Option<(KeyCol<'_>, Vec<Option<i64>>)> = None;
            for (j, h) in hs.iter().enumerate() {
                if mine(h) && months_of(*h).any(|m| months_in[m] != *month) {
                    let (ks, vs) =
                        ks.get_or_insert_with(|| (key_col(&probe, table), versions(&probe, table)));
                    stored_at.insert(ks.get(j).to_string(), (month.clone(), vs[j]));
                    wanted.insert(*h);
                }
            }
        }
    }
    let mut out = Crossing {
        repeated: repeated.iter().map(|m| months_in[*m].clone()).collect(),
        ..Crossing::default()
    };
    if wanted.is_empty() {
        return Ok(out);
    }
    // The exact winner of each wanted key among the incoming rows: newest version, then latest.
    let mut cols = key_cols.to_vec();
    cols.push(SEQ);
    let mut best: HashMap<String, (Option<i64>, u64, usize)> = HashMap::new();
    let mut rows: Vec<(String, u64)> = vec![];
    for (m, month) in months_in.iter().enumerate() {
        let b = staging.read_month(table, month, Some(&cols))?;
        let hs = hashes(&b, table);
        let (ks, vs, ss) = (key_col(&b, table), versions(&b, table), seqs(&b)?);
        for j in (0..b.num_rows()).filter(|j| wanted.contains(&hs[*j])) {
            let cand = (vs[j], ss.value(j), m);
            let e = best.entry(ks.get(j).to_string()).or_insert(cand);
            if (cand.0, cand.1) >= (e.0, e.1) {
                *e = cand;
            }
            rows.push((ks.get(j).to_string(), ss.value(j)));
        }
    }
    for (k, s) in rows {
        if best.get(&k).is_some_and(|b| b.1 != s) {
            out.dropped.insert(s);
        }
    }
    for (k, (month, stored_v)) in stored_at {
        let Some((v, s, m)) = best.get(&k) else {
            continue; // a hash collision: the key is not in the input
        };
        if months_in[*m] == month {
            continue; // settled by the month's merge
        }
        if table.spec().version.is_some() && stored_v > *v {
            out.dropped.insert(*s);
        } else {
            out.removed.entry(month).or_default().insert(k.clone());
            out.moved.insert(k);
        }
    }
    Ok(out)
}
