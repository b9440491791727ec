//! Reading the metric tables and writing their values as a manager reads them: a team's slice of
//! a table computed for every team and typed cell access; the display strings (durations,
//! percentages, intervals, counts, dates, file-name slugs) are `report::text`'s, re-exported.
//!
//! Nothing here computes a figure: values are taken from the tables as they are and only
//! formatted, so a number in the report is the number `aftermath metrics` prints.

use polars::prelude::*;

use crate::error::Result;
use crate::metrics::table::pe;
use crate::model::columns::TEAM;
use crate::report::view::{cell_f64, cell_str};

/// A (slice of a) metric table, read cell by cell.
pub struct Tbl {
    pub df: DataFrame,
}

impl Tbl {
    pub fn new(df: DataFrame) -> Tbl {
        Tbl { df }
    }

    pub fn height(&self) -> usize {
        self.df.height()
    }

    /// Text of a cell ("" for null or a missing column).
    pub fn s(&self, col: &str, row: usize) -> String {
        cell_str(&self.df, col, row)
    }

    pub fn f(&self, col: &str, row: usize) -> Option<f64> {
        cell_f64(&self.df, col, row)
    }

    /// A count (0 for null).
    pub fn u(&self, col: &str, row: usize) -> u64 {
        self.f(col, row).map_or(0, |v| v.max(0.0) as u64)
    }

    pub fn b(&self, col: &str, row: usize) -> bool {
        matches!(
            self.df.column(col).ok().and_then(|c| c.get(row).ok()),
            Some(AnyValue::Boolean(true))
        )
    }

    /// An instant column as microseconds since the epoch.
    pub fn micros(&self, col: &str, row: usize) -> Option<i64> {
        self.df
            .column(col)
            .ok()
            .and_then(|c| c.get(row).ok())
            .and_then(|v| v.extract::<i64>())
    }

    /// The first row whose text in `col` is `value`.
    pub fn find(&self, col: &str, value: &str) -> Option<usize> {
        (0..self.height()).find(|&r| self.s(col, r) == value)
    }

    /// The rows whose text in `col` is `value`.
    pub fn rows_where(&self, col: &str, value: &str) -> Vec<usize> {
        (0..self.height())
            .filter(|&r| self.s(col, r) == value)
            .collect()
    }

    /// The distinct texts of `col`, sorted.
    pub fn distinct(&self, col: &str) -> Vec<String> {
        let set: std::collections::BTreeSet<String> =
            (0..self.height()).map(|r| self.s(col, r)).collect();
        set.into_iter().collect()
    }
}

/// The rows of `df` (a table with a `team` column) that belong to `team`.
pub fn slice(df: &DataFrame, team: &str) -> Result<Tbl> {
    let keep = df
        .column(TEAM)
        .map_err(pe)?
        .as_materialized_series()
        .str()
        .map_err(pe)?
        .equal(team);
    Ok(Tbl::new(df.filter(&keep).map_err(pe)?))
}

// The display strings live in `report::text`, shared with every report.
pub use crate::report::text::{
    NONE, and_list, avg, day, days, dur, dur_range, int, minute, minute_text, pct, pct_range,
    plural, ratio, unique_slugs,
};
