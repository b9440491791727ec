//! Reading the metric tables and writing their values as a manager reads them: a team's slice of
//! a table computed for every team, typed cell access, and the display strings every section of
//! the weekly report shares (durations, percentages, intervals, counts, dates, file-name slugs).
//!
//! Nothing here computes a figure: values are taken from the tables as they are and only
//! formatted, so a number in the report is the number `aftermath metrics` prints.

use chrono::DateTime;
use polars::prelude::*;

use crate::error::Result;
use crate::metrics::table::pe;
use crate::model::columns::TEAM;
use crate::report::charts::duration_label;
use crate::report::view::{cell_f64, cell_str};

/// The en dash the tables print for "no value".
pub const NONE: &str = "–";

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

/// "45 min", "2.5 h"; an en dash for no value.
pub fn dur(minutes: Option<f64>) -> String {
    minutes.map_or(NONE.into(), duration_label)
}

/// "45.2%"; an en dash for no value.
pub fn pct(x: Option<f64>) -> String {
    x.map_or(NONE.into(), |v| format!("{v:.1}%"))
}

/// "27.6%–51.7%", or an en dash when either end is missing.
pub fn pct_range(lo: Option<f64>, hi: Option<f64>) -> String {
    match (lo, hi) {
        (Some(a), Some(b)) => format!("{a:.1}%–{b:.1}%"),
        _ => NONE.into(),
    }
}

/// "40 min – 3 h", or an en dash.
pub fn dur_range(lo: Option<f64>, hi: Option<f64>) -> String {
    match (lo, hi) {
        (Some(a), Some(b)) => format!("{} – {}", duration_label(a), duration_label(b)),
        _ => NONE.into(),
    }
}

/// A ratio factor as the comparison tables print it: "x2.3".
pub fn factor(x: Option<f64>) -> String {
    x.filter(|v| v.is_finite())
        .map_or(NONE.into(), |v| format!("x{v:.1}"))
}

/// "2026-11-09 14:05 UTC" from microseconds.
pub fn minute(us: Option<i64>) -> String {
    us.and_then(DateTime::from_timestamp_micros)
        .map_or(NONE.into(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string())
}

/// "2026-11-09 14:05 UTC" from an RFC 3339 text; the text itself when it is not one.
pub fn minute_text(text: &str) -> String {
    match DateTime::parse_from_rfc3339(text) {
        Ok(t) => minute(Some(t.timestamp_micros())),
        Err(_) if text.is_empty() => NONE.into(),
        Err(_) => text.to_string(),
    }
}

/// "2026-11-09" from microseconds.
pub fn day(us: Option<i64>) -> String {
    us.and_then(DateTime::from_timestamp_micros)
        .map_or(NONE.into(), |t| t.format("%Y-%m-%d").to_string())
}

/// Days to the nearest whole day: "103 days", "1 day", "under a day" below half a day; an en
/// dash for no value. The backlog's oldest item and the named list print days the same way.
pub fn days(x: Option<f64>) -> String {
    match x.map(f64::round) {
        None => NONE.into(),
        Some(d) if d < 1.0 => "under a day".into(),
        Some(d) => plural(d as u64, "day", "days"),
    }
}

/// A count with thousands separated: 133,963.
pub fn int(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1 incident", "3 incidents", "1,204 pages".
pub fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", int(n))
    }
}

/// "a, b and c".
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A team name as a file-name part: lower case, runs of anything outside `[a-z0-9]` become one
/// `-`, no `-` at either end; "team" when nothing is left.
/// The longest slug: file names are `team-<slug>-<chart>.svg`, and filesystems take 255 bytes.
const MAX_SLUG: usize = 80;

pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    // Bounded, so a team name of any length makes a valid file name (`unique_slugs` keeps two
    // names that share their first 80 characters apart).
    out.truncate(MAX_SLUG);
    let t = out.trim_end_matches('-');
    if t.is_empty() {
        "team".into()
    } else {
        t.to_string()
    }
}

/// Slugs for `names`, in order, made unique by a `-2`, `-3` ... suffix on later collisions.
pub fn unique_slugs(names: &[String]) -> Vec<String> {
    let mut taken = std::collections::BTreeSet::new();
    names
        .iter()
        .map(|n| {
            let base = slug(n);
            let mut s = base.clone();
            let mut k = 2;
            while !taken.insert(s.clone()) {
                s = format!("{base}-{k}");
                k += 1;
            }
            s
        })
        .collect()
}

/// A weekly average (a multiple of 1/4) to at most two decimals: 3, 1.5, 0.25.
pub fn avg(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
