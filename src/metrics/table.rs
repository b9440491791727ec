//! The shape every metric family returns, and the one conversion to the tidy long table.
//!
//! A family (durations, fatigue, ...) returns one or more `MetricTable`s: a wide frame whose first
//! columns are its grouping dimensions (`dims`), then one column per figure, plus notes that say
//! what was left out and why. Wide frames are what a person reads (`--format table|csv|json`);
//! the tidy long table (`--format parquet`, and what `aftermath run` writes) has one row per
//! (table, group, metric) with every dimension as its own nullable column, so an analyst can join
//! it on `team` or `week` without parsing anything.

use polars::prelude::*;

use super::catalogue::TableId;
use super::scope::{Dim, Scope};
use crate::error::{Error, Result};

/// A metric family: one subcommand of `aftermath metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    Durations,
    Fatigue,
    Rules,
    Recurrence,
    Actions,
    Impact,
    Quality,
    Oncall,
}

impl Family {
    pub const ALL: [Family; 8] = [
        Family::Durations,
        Family::Fatigue,
        Family::Rules,
        Family::Recurrence,
        Family::Actions,
        Family::Impact,
        Family::Quality,
        Family::Oncall,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Family::Durations => "durations",
            Family::Fatigue => "fatigue",
            Family::Rules => "rules",
            Family::Recurrence => "recurrence",
            Family::Actions => "actions",
            Family::Impact => "impact",
            Family::Quality => "quality",
            Family::Oncall => "oncall",
        }
    }
}

/// One table of results.
#[derive(Debug, Clone)]
pub struct MetricTable {
    pub family: Family,
    /// Which table of the catalogue this is; its stable machine name is `name()`.
    pub id: TableId,
    /// Heading for people, e.g. "Time to resolve by team and severity".
    pub title: String,
    /// The leading columns of `frame` that identify a group.
    pub dims: Vec<String>,
    pub frame: DataFrame,
    /// What was left out and why, and how to read the figures ("3 excluded: kind = maintenance").
    pub notes: Vec<String>,
}

impl MetricTable {
    /// The table's stable machine name, e.g. `ttr`, `fatigue_compare`, `recurrence_pairs`.
    pub fn name(&self) -> &'static str {
        self.id.name()
    }
}

/// polars errors inside the metric code: the frames come from our own store, so a failure here
/// is ours to fix unless the store is damaged; the message carries polars' text either way.
pub fn pe(e: PolarsError) -> Error {
    Error::Internal(format!("metric computation failed: {e}"))
}

/// The dimension of a table with one row per incident (`impact_incidents`): its id.
pub const INCIDENT: &str = "incident";
/// The dimensions that are not store columns (the store's are `model::columns`): the ISO week
/// label (`2026-W46`), the recurrence cluster's id, the quality check's name, the on-call shift.
pub const WEEK: &str = "week";
pub const CLUSTER: &str = "cluster";
pub const CHECK: &str = "check";
pub const SHIFT: &str = "shift";

/// The dimension columns the tidy table always has, in this order.
pub const TIDY_DIMS: [&str; 12] = [
    "team", "severity", "service", WEEK, "month", "person", "rule", "priority", CLUSTER, SHIFT,
    CHECK, INCIDENT,
];

/// The tidy long table of `tables`: `family, table, period_from, period_to` then every dimension
/// of [`TIDY_DIMS`] (null where the table does not group by it), then `metric`, `value` (numbers as
/// Float64) and `text` (labels and verdicts). Columns a table groups by that are not in
/// `TIDY_DIMS` are an internal error: the tidy schema must not change with the input.
pub fn tidy(tables: &[MetricTable], scope: &Scope) -> Result<DataFrame> {
    let mut parts: Vec<LazyFrame> = vec![];
    for t in tables {
        for d in &t.dims {
            if !TIDY_DIMS.contains(&d.as_str()) {
                return Err(Error::Internal(format!(
                    "metric table {} groups by {d}, which the tidy table has no column for",
                    t.name()
                )));
            }
        }
        let dims: Vec<Expr> = TIDY_DIMS
            .iter()
            .map(|d| {
                if t.dims.iter().any(|x| x == d) {
                    col(*d).cast(DataType::String)
                } else {
                    lit(NULL).cast(DataType::String).alias(*d)
                }
            })
            .collect();
        for c in t.frame.columns() {
            let name = c.name().as_str();
            if t.dims.iter().any(|d| d == name) {
                continue;
            }
            let dtype = c.dtype();
            let (value, text) = if dtype.is_primitive_numeric() || dtype.is_bool() {
                (
                    col(name).cast(DataType::Float64),
                    lit(NULL).cast(DataType::String),
                )
            } else if matches!(dtype, DataType::Datetime(..)) {
                // The text the writers give `period_from`, so one file holds one format.
                (
                    lit(NULL).cast(DataType::Float64),
                    col(name).dt().strftime(crate::model::INSTANT_TEXT),
                )
            } else {
                // Text, and instants as RFC 3339 text: `value` stays purely numeric.
                (
                    lit(NULL).cast(DataType::Float64),
                    col(name).cast(DataType::String),
                )
            };
            let mut exprs = vec![
                lit(t.family.name()).alias("family"),
                lit(t.name()).alias("table"),
                lit(scope.period.from.timestamp_micros())
                    .cast(DataType::Datetime(
                        TimeUnit::Microseconds,
                        Some(TimeZone::UTC),
                    ))
                    .alias("period_from"),
                lit(scope.period.to.timestamp_micros())
                    .cast(DataType::Datetime(
                        TimeUnit::Microseconds,
                        Some(TimeZone::UTC),
                    ))
                    .alias("period_to"),
            ];
            exprs.extend(dims.iter().cloned());
            exprs.push(lit(name).alias("metric"));
            exprs.push(value.alias("value"));
            exprs.push(text.alias("text"));
            parts.push(t.frame.clone().lazy().select(exprs));
        }
    }
    if parts.is_empty() {
        return Ok(DataFrame::empty_with_schema(&tidy_schema()));
    }
    concat(parts, UnionArgs::default())
        .and_then(|lf| lf.collect())
        .map_err(pe)
}

/// The schema of the tidy long table (documented in docs/metrics.md).
pub fn tidy_schema() -> Schema {
    let ts = DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC));
    let mut fields = vec![
        Field::new("family".into(), DataType::String),
        Field::new("table".into(), DataType::String),
        Field::new("period_from".into(), ts.clone()),
        Field::new("period_to".into(), ts),
    ];
    fields.extend(
        TIDY_DIMS
            .iter()
            .map(|d| Field::new((*d).into(), DataType::String)),
    );
    fields.push(Field::new("metric".into(), DataType::String));
    fields.push(Field::new("value".into(), DataType::Float64));
    fields.push(Field::new("text".into(), DataType::String));
    fields.into_iter().collect()
}

/// The names of `dims`, for a table's `dims` field.
pub fn dim_names(dims: &[Dim]) -> Vec<String> {
    dims.iter().map(|d| d.name().to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::scope::Period;
    use chrono::{TimeZone, Utc};

    #[test]
    fn tidy_has_one_row_per_group_and_metric_with_null_dims_elsewhere() {
        let frame = df!(
            "team" => ["a", "b"],
            "n" => [3u32, 5],
            "median_s" => [Some(60.0), None],
            "verdict" => ["shorter", "insufficient data"],
        )
        .unwrap();
        let t = MetricTable {
            family: Family::Durations,
            id: TableId::Duration(crate::metrics::durations::Metric::Ttd),
            title: "t".into(),
            dims: vec!["team".into()],
            frame,
            notes: vec![],
        };
        let p = Period::new(
            Utc.with_ymd_and_hms(2026, 11, 9, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 16, 0, 0, 0).unwrap(),
        )
        .unwrap();
        let out = tidy(&[t], &Scope::new(p, p.to)).unwrap();
        assert_eq!(out.height(), 6);
        assert_eq!(out.width(), 4 + 12 + 3);
        assert_eq!(out.schema().as_ref(), &tidy_schema());
        let metric: Vec<_> = out
            .column("metric")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(metric[0], Some("n"));
        let values: Vec<_> = out.column("value").unwrap().f64().unwrap().iter().collect();
        assert_eq!(values[..4], [Some(3.0), Some(5.0), Some(60.0), None]);
        let text: Vec<_> = out.column("text").unwrap().str().unwrap().iter().collect();
        assert_eq!(text[5], Some("insufficient data"));
        assert_eq!(out.column("severity").unwrap().null_count(), 6);
    }

    #[test]
    fn tidy_of_nothing_has_the_schema() {
        let p = Period::new(
            Utc.with_ymd_and_hms(2026, 11, 9, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 16, 0, 0, 0).unwrap(),
        )
        .unwrap();
        let out = tidy(&[], &Scope::new(p, p.to)).unwrap();
        assert_eq!(out.height(), 0);
        assert_eq!(out.schema().as_ref(), &tidy_schema());
    }
}
