//! Cell access for the improvement report: the lookups that read one figure of a metric table
//! by its group key, and the display strings of `report::text`, re-exported. Formatting only:
//! every number here was computed by `metrics`.

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::error::Result;
use crate::metrics::table::pe;
use crate::report::view::{cell_f64, cell_str};

// The display strings live in `report::text`, shared with every report.
pub use crate::report::text::{
    NONE, day, dec, dur, dur_interval, pct, pct_range, ratio, slug, whole,
};
// The lookup of a metric table by its catalogue id.
pub use crate::metrics::catalogue::find as table;

/// One metric table's rows indexed by the text of its key columns, for lookups by group.
pub struct Rows<'a> {
    pub df: &'a DataFrame,
    index: BTreeMap<Vec<String>, usize>,
}

impl<'a> Rows<'a> {
    /// Index `df` by the columns `keys` (null keys as "").
    pub fn new(df: &'a DataFrame, keys: &[&str]) -> Rows<'a> {
        let index = (0..df.height())
            .map(|i| (keys.iter().map(|k| cell_str(df, k, i)).collect(), i))
            .collect();
        Rows { df, index }
    }

    /// The row of the group `key`, if the table has it.
    pub fn row(&self, key: &[&str]) -> Option<usize> {
        let k: Vec<String> = key.iter().map(|s| s.to_string()).collect();
        self.index.get(&k).copied()
    }

    /// A number of the group `key`; `None` when the group or the value is absent.
    pub fn num(&self, key: &[&str], col: &str) -> Option<f64> {
        self.row(key).and_then(|i| cell_f64(self.df, col, i))
    }

    /// A text of the group `key`; "" when absent.
    pub fn text(&self, key: &[&str], col: &str) -> String {
        self.row(key)
            .map(|i| cell_str(self.df, col, i))
            .unwrap_or_default()
    }
}

/// The distinct texts of column `name` of `df`, sorted.
pub fn distinct(df: &DataFrame, name: &str) -> Vec<String> {
    let set: std::collections::BTreeSet<String> =
        (0..df.height()).map(|i| cell_str(df, name, i)).collect();
    set.into_iter().collect()
}

/// An instant column of `df` as UTC microseconds, one entry per row.
pub fn instants(df: &DataFrame, name: &str) -> Result<Vec<Option<i64>>> {
    let c = df
        .column(name)
        .map_err(pe)?
        .cast(&DataType::Int64)
        .map_err(pe)?;
    Ok(c.i64().map_err(pe)?.iter().collect())
}
