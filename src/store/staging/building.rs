//! Typed rows of one table built straight into the month partition each belongs to, so the
//! ingester's batches reach the staging already split (`MonthRows::take` makes the `Parts` that
//! `Staging::add_parts` files). Splitting a finished batch instead copied every value a second
//! time: on the 10M-alert year that copy was a fifth of the typing threads' CPU.
//!
//! A month's rows stay in the order they were typed; the commit sorts each month exactly. Its
//! gather reads faster from rows near their order, and parts sorted here had made it so: on the
//! year (a file by team, then roughly by instant) the gather's profile samples rose by a tenth
//! without them, fewer than the split's copy had taken, and the whole ingest's time did not move
//! beyond noise (BENCHMARKS.md, the eighth session's paragraph).

use arrow::array::UInt64Array;

use super::split::{Part, Parts, with_seq};
use crate::error::{Error, Result};
use crate::model::{Cell, Table};
use crate::store::RowBuilder;
use crate::store::batch::{key_hashes, month_span};

/// One table's rows being built, per month (incidents: one unsplit batch, as `Staging::add`
/// keeps them), with their input-order numbers.
pub struct MonthRows {
    table: Table,
    /// The main instant's column: it decides a row's month.
    main: usize,
    months: Vec<Building>,
    /// The month the last row went to: rows of a file come in runs of one month.
    last: usize,
    rows: usize,
}

/// One month's rows: its bounds `[start, end)` in microseconds and its label (`None`: unsplit).
struct Building {
    start: i64,
    end: i64,
    month: Option<String>,
    rows: RowBuilder,
    seqs: Vec<u64>,
}

impl MonthRows {
    pub fn new(table: Table) -> MonthRows {
        let spec = table.spec();
        MonthRows {
            table,
            main: spec.index(spec.main_instant),
            months: vec![],
            last: 0,
            rows: 0,
        }
    }

    /// Rows held, every month together.
    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Append one row (`cells` aligned with the table's columns), the `seq`-th of the run's input.
    pub fn push(&mut self, cells: &[Cell], seq: u64) {
        let at = self.building(cells);
        let b = &mut self.months[at];
        b.rows.push(cells);
        b.seqs.push(seq);
        self.last = at;
        self.rows += 1;
    }

    /// The building a row goes to, made if its month has none. A row without its main instant
    /// goes to the month of instant 0, as `Staging::add` puts it.
    fn building(&mut self, cells: &[Cell]) -> usize {
        if self.table == Table::Incidents {
            if self.months.is_empty() {
                self.months
                    .push(Building::new(self.table, i64::MIN, i64::MAX, None));
            }
            return 0;
        }
        let us = match cells.get(self.main) {
            Some(Cell::Timestamp(us)) => *us,
            _ => 0,
        };
        let holds = |b: &Building| (b.start..b.end).contains(&us);
        if self.months.get(self.last).is_some_and(holds) {
            return self.last;
        }
        if let Some(at) = self.months.iter().position(holds) {
            return at;
        }
        let (start, end, label) = month_span(us);
        self.months
            .push(Building::new(self.table, start, end, Some(label)));
        self.months.len() - 1
    }

    /// Every month's rows so far, numbered and with their key hashes, ready for
    /// `Staging::add_parts`. Months that got no rows since the last call are let go, with the
    /// room their builders kept.
    pub fn take(&mut self) -> Result<Parts> {
        let mut out = Parts {
            table: self.table,
            rows: self.rows as u64,
            parts: vec![],
        };
        self.months.retain(|b| !b.rows.is_empty());
        for b in &mut self.months {
            let rows = b.rows.finish();
            let seqs = UInt64Array::from(std::mem::take(&mut b.seqs));
            let rows = with_seq(self.table, &rows, seqs)
                .map_err(|e| Error::Internal(format!("numbering spilled rows: {e}")))?;
            let hashes = match b.month {
                Some(_) => key_hashes(&rows, self.table),
                None => vec![],
            };
            out.parts.push(Part {
                month: b.month.clone(),
                rows,
                hashes,
            });
        }
        self.rows = 0;
        self.last = 0;
        Ok(out)
    }
}

impl Building {
    fn new(table: Table, start: i64, end: i64, month: Option<String>) -> Building {
        Building {
            start,
            end,
            month,
            rows: RowBuilder::new(table),
            seqs: vec![],
        }
    }
}
