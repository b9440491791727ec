//! Which row wins each key, and what is new: the newest version of a key among batches (a tie
//! goes to the later row), the incoming rows of a month that win, whether none of them is stored
//! yet (an append), and whether an incoming and a stored row are identical (left alone).
//!
//! Keys are borrowed from the Arrow columns (`KeyCol`): the upsert looks at millions of keys, and a
//! string per key was most of its time and memory. The winners are named as `(file, row)` of the
//! month's spill files and gathered once (`pick`, or `SortedGather` straight into the partition's
//! order, a slice at a time, for a month the store does not hold), not concatenated first.

use std::path::PathBuf;

use arrow::array::UInt32Array;
use arrow::compute::{concat_batches, interleave_record_batch, take_record_batch};
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

/// The incoming rows of a month that win (newest version, then latest in input order), as
/// `(file, row)` of the month's spill files (`Staging::read_month_files`) in file and row order,
/// rows dropped by the cross-month settling left out. `repeated` says whether a key may occur
/// twice among them (`Crossing::repeated`); when not, every row not dropped wins, and the key map
/// of a whole month is not built.
pub(super) fn winner_rows(
    table: Table,
    files: &[RecordBatch],
    dropped: &HashSet<u64>,
    repeated: bool,
) -> Result<Vec<(usize, usize)>> {
    let ss = files.iter().map(seqs).collect::<Result<Vec<_>>>()?;
    let total = files.iter().map(RecordBatch::num_rows).sum();
    let mut rows: Vec<(usize, usize)> = Vec::with_capacity(total);
    if repeated {
        let ks: Vec<KeyCol<'_>> = files.iter().map(|b| key_col(b, table)).collect();
        let vs: Vec<Vec<Option<i64>>> = files.iter().map(|b| versions(b, table)).collect();
        let mut pos: HashMap<&str, (usize, usize)> = HashMap::with_capacity(total);
        for (f, b) in files.iter().enumerate() {
            for i in 0..b.num_rows() {
                if dropped.contains(&ss[f].value(i)) {
                    continue;
                }
                // On equal versions the later row in input order wins (the spill is not in
                // input order: several threads type and spill rows).
                let e = pos.entry(ks[f].get(i)).or_insert((f, i));
                let (ef, ei) = *e;
                if (vs[f][i], ss[f].value(i)) >= (vs[ef][ei], ss[ef].value(ei)) {
                    *e = (f, i);
                }
            }
        }
        rows.extend(pos.into_values());
        rows.sort_unstable();
    } else {
        for (f, b) in files.iter().enumerate() {
            rows.extend(
                (0..b.num_rows())
                    .filter(|i| !dropped.contains(&ss[f].value(*i)))
                    .map(|i| (f, i)),
            );
        }
    }
    Ok(rows)
}

/// `rows` of `winner_rows` (in file and row order, each once) in the table's schema, without
/// `_seq`.
pub(super) fn pick(
    table: Table,
    files: &[RecordBatch],
    rows: &[(usize, usize)],
) -> Result<RecordBatch> {
    let files = without_seq(table, files)?;
    // Usually every row wins: then they are the files one after another, copied whole rather
    // than value by value.
    if rows.len() == files.iter().map(RecordBatch::num_rows).sum::<usize>() {
        return concat_batches(&schema(table), &files).map_err(arrow_err);
    }
    materialize(&files, rows, table)
}

/// Rows of a month's spill files in the partition's order, as `upsert::sort` sorts a batch,
/// copied out a slice at a time (`slices`): the order is found on the sort columns alone, then
/// every column of a slice is gathered in it. Slices, because the month gathered whole was a
/// fresh copy of hundreds of megabytes beside the spill it came from: gathered in slices, whose
/// memory the next slice reuses, the 10M-alert year's ingest peaked at 911 MiB instead of 1,247.
pub(super) struct SortedGather {
    table: Table,
    files: Vec<RecordBatch>,
    rows: Vec<(usize, usize)>,
}

impl SortedGather {
    pub(super) fn new(
        table: Table,
        files: &[RecordBatch],
        rows: &[(usize, usize)],
    ) -> Result<SortedGather> {
        let spec = table.spec();
        let sort_cols: Vec<usize> = std::iter::once(spec.main_instant)
            .chain(spec.primary_key.iter().copied())
            .map(|c| spec.index(c))
            .collect();
        let keys = files
            .iter()
            .map(|b| b.project(&sort_cols))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(arrow_err)?;
        let keys =
            interleave_record_batch(&keys.iter().collect::<Vec<_>>(), rows).map_err(arrow_err)?;
        let order = super::upsert::order(&keys)?;
        Ok(SortedGather {
            table,
            files: without_seq(table, files)?,
            rows: order.values().iter().map(|&i| rows[i as usize]).collect(),
        })
    }

    pub(super) fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows in order, `rows` at a time, in the table's schema (no `_seq`).
    pub(super) fn slices(&self, rows: usize) -> impl Iterator<Item = Result<RecordBatch>> + '_ {
        self.rows
            .chunks(rows.max(1))
            .map(|c| materialize(&self.files, c, self.table))
    }
}

fn without_seq(table: Table, files: &[RecordBatch]) -> Result<Vec<RecordBatch>> {
    let width: Vec<usize> = (0..schema(table).fields().len()).collect();
    files
        .iter()
        .map(|b| b.project(&width).map_err(arrow_err))
        .collect()
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, UInt64Array};

    use super::*;
    use crate::model::columns::{ALERT_ID, FIRED_AT, TITLE};
    use crate::model::{Cell, ColumnType};
    use crate::store::RowBuilder;
    use crate::store::batch::text_col;
    use crate::store::staging::spill_schema;
    use crate::store::test_rows::row;

    /// One spill file of alerts: `(id, fired_at in seconds, title, _seq)` each.
    fn file(rows: &[(&str, i64, &str, u64)]) -> RecordBatch {
        let mut b = RowBuilder::new(Table::Alerts);
        for (id, at, title, _) in rows {
            b.push(&row(Table::Alerts, |name, ty| match (name, ty) {
                (ALERT_ID, _) => Some(Cell::Text(id.to_string())),
                (TITLE, _) => Some(Cell::Text(title.to_string())),
                (FIRED_AT, _) => Some(Cell::Timestamp(at * 1_000_000)),
                (_, ColumnType::Timestamp) => Some(Cell::Timestamp(1_000_000)),
                _ => None,
            }));
        }
        let mut cols = b.finish().columns().to_vec();
        let seqs: UInt64Array = rows.iter().map(|r| r.3).collect();
        cols.push(Arc::new(seqs) as ArrayRef);
        RecordBatch::try_new(spill_schema(Table::Alerts), cols).unwrap()
    }

    fn titles(b: &RecordBatch) -> Vec<&str> {
        let t = text_col(b, TITLE);
        (0..b.num_rows()).map(|i| t.value(i)).collect()
    }

    #[test]
    fn a_repeated_key_is_won_by_its_later_input_row_across_files_and_dropped_rows_lose() {
        let files = [
            file(&[("k", 5, "k later", 9), ("x", 1, "x", 1)]),
            file(&[("k", 5, "k earlier", 2), ("gone", 3, "gone", 4)]),
        ];
        let dropped: HashSet<u64> = [4].into_iter().collect();
        let rows = winner_rows(Table::Alerts, &files, &dropped, true).unwrap();
        assert_eq!(rows, vec![(0, 0), (0, 1)]);
        // Without repeated keys every row not dropped wins, file by file.
        let rows = winner_rows(Table::Alerts, &files, &dropped, false).unwrap();
        assert_eq!(rows, vec![(0, 0), (0, 1), (1, 0)]);
    }

    #[test]
    fn gathering_sorted_slices_from_several_files_orders_rows_as_sorting_the_batch_does() {
        // Instants tie across files, so the key decides; ids are not in instant order.
        let files = [
            file(&[("b", 20, "b", 0), ("z", 10, "z", 1), ("m", 30, "m", 2)]),
            file(&[("a", 20, "a", 3), ("c", 5, "c", 4)]),
        ];
        let rows = vec![(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)];
        let gather = SortedGather::new(Table::Alerts, &files, &rows).unwrap();
        let slices: Vec<RecordBatch> = gather.slices(2).map(Result::unwrap).collect();
        assert_eq!(
            slices.iter().map(RecordBatch::num_rows).collect::<Vec<_>>(),
            vec![2, 2, 1]
        );
        let sorted = concat_batches(&schema(Table::Alerts), &slices).unwrap();
        assert_eq!(titles(&sorted), vec!["c", "z", "a", "b", "m"]);
        let unsorted = pick(Table::Alerts, &files, &rows).unwrap();
        assert_eq!(titles(&unsorted), vec!["b", "z", "m", "a", "c"]);
        let some = pick(Table::Alerts, &files, &[(0, 1), (1, 0)]).unwrap();
        assert_eq!(titles(&some), vec!["z", "a"]);
        assert_eq!(some.schema(), schema(Table::Alerts));
        assert_eq!(
            sorted,
            super::super::upsert::sort(Table::Alerts, &unsorted).unwrap()
        );
        assert_eq!(
            sorted.schema(),
            schema(Table::Alerts),
            "no _seq in the store's rows"
        );
        let none = SortedGather::new(Table::Alerts, &files, &[]).unwrap();
        assert!(none.is_empty());
        assert_eq!(none.slices(2).count(), 0);
    }
}
