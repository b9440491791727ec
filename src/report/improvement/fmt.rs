//! Display strings and cell access for the improvement report: durations, percentages, ratios,
//! intervals and dates formatted the way every table of the report shows them, and the lookups
//! that read one figure of a metric table by its group key. Formatting only: every number here
//! was computed by `metrics`.

use std::collections::BTreeMap;

use chrono::DateTime;
use polars::prelude::*;

use crate::error::{Error, Result};
use crate::metrics::MetricTable;
use crate::metrics::table::pe;
use crate::report::charts::duration_label;
use crate::report::view::{cell_f64, cell_str};

/// Shown where a figure has no value.
pub const NONE: &str = "–";

/// The metric table called `name` among `tables`; its absence is our bug, not the data's.
pub fn table<'a>(tables: &'a [MetricTable], name: &str) -> Result<&'a MetricTable> {
    tables
        .iter()
        .find(|t| t.name == name)
        .ok_or_else(|| Error::Internal(format!("the metrics gave no table {name}")))
}

/// Minutes as `45 min`, `2.5 h`; `–` when unknown.
pub fn dur(min: Option<f64>) -> String {
    min.filter(|m| m.is_finite())
        .map_or(NONE.into(), duration_label)
}

/// A percentage (0-100) to one decimal: `45.2%`.
pub fn pct(p: Option<f64>) -> String {
    p.filter(|p| p.is_finite())
        .map_or(NONE.into(), |p| format!("{p:.1}%"))
}

/// A count or other whole number.
pub fn int(v: Option<f64>) -> String {
    v.filter(|v| v.is_finite())
        .map_or(NONE.into(), |v| format!("{v:.0}"))
}

/// A number to at most one decimal (`2`, `2.5`).
pub fn dec(v: Option<f64>) -> String {
    match v.filter(|v| v.is_finite()) {
        None => NONE.into(),
        Some(x) if x.fract() == 0.0 => format!("{x:.0}"),
        Some(x) => format!("{x:.1}"),
    }
}

/// A ratio of durations or counts: `x0.82`.
pub fn ratio(r: Option<f64>) -> String {
    r.filter(|r| r.is_finite())
        .map_or(NONE.into(), |r| format!("x{r:.2}"))
}

/// `12 min – 1.5 h`, or `what` (e.g. "too few to bound") when an end is missing.
pub fn dur_interval(low: Option<f64>, high: Option<f64>, what: &str) -> String {
    match (low, high) {
        (Some(l), Some(h)) if l.is_finite() && h.is_finite() => {
            format!("{} – {}", duration_label(l), duration_label(h))
        }
        _ if what.is_empty() || what == "95%" => NONE.into(),
        _ => what.to_string(),
    }
}

/// `12.0% – 31.5%` for a percentage interval.
pub fn pct_interval(low: Option<f64>, high: Option<f64>) -> String {
    match (low, high) {
        (Some(l), Some(h)) => format!("{} – {}", pct(Some(l)), pct(Some(h))),
        _ => NONE.into(),
    }
}

/// `2026-07-03` for UTC microseconds.
pub fn date(us: Option<i64>) -> String {
    us.and_then(DateTime::from_timestamp_micros)
        .map_or(NONE.into(), |d| d.format("%Y-%m-%d").to_string())
}

/// A file-name-safe form of a team name for chart names: lower-case letters, digits and dashes.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let t = out.trim_matches('-');
    let t: String = t.chars().take(32).collect();
    if t.is_empty() { "x".into() } else { t }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(dur(Some(150.0)), "2.5 h");
        assert_eq!(dur(None), NONE);
        assert_eq!(pct(Some(12.345)), "12.3%");
        assert_eq!(ratio(Some(0.825)), "x0.82");
        assert_eq!(dec(Some(2.0)), "2");
        assert_eq!(dec(Some(2.46)), "2.5");
        assert_eq!(
            dur_interval(None, None, "too few to bound"),
            "too few to bound"
        );
        assert_eq!(
            dur_interval(Some(12.0), Some(90.0), "95%"),
            "12 min – 1.5 h"
        );
        assert_eq!(
            slug("<script>Data Platform</script>"),
            "script-data-platform-script"
        );
        assert_eq!(date(Some(1_782_864_000_000_000)), "2026-07-01");
    }
}
