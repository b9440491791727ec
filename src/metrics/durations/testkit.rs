//! Test fixtures of the durations family: incidents as tuples of minutes after a fixed instant,
//! turned into the frames the metrics read, and readers of the result tables.

use std::path::Path;

use chrono::{DateTime, Utc};
use polars::prelude::*;

use super::*;
pub(super) use crate::metrics::scope::{Period, PeriodBy};
use crate::store::scan::polars_schema;

pub(super) const T0: &str = "2026-11-09T10:00:00Z";

pub(super) fn us(s: &str) -> i64 {
    DateTime::parse_from_rfc3339(s).unwrap().timestamp_micros()
}

pub(super) fn t0_plus(min: i64) -> Option<i64> {
    Some(us(T0) + min * 60_000_000)
}

/// One incident: (id, team, severity, kind, impact, detected, acked, mitigated, resolved), the
/// instants as minutes after T0.
pub(super) type Inc = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<i64>,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

pub(super) fn incidents(rows: &[Inc]) -> LazyFrame {
    let ts = |v: Vec<Option<i64>>, name: &str| {
        Column::new(name.into(), v)
            .cast(&DataType::Datetime(
                TimeUnit::Microseconds,
                Some(TimeZone::UTC),
            ))
            .unwrap()
    };
    let m = |o: Option<i64>| o.and_then(t0_plus);
    let status: Vec<&str> = rows
        .iter()
        .map(|r| if r.8.is_some() { "resolved" } else { "open" })
        .collect();
    DataFrame::new_infer_height(vec![
        Column::new(
            INCIDENT_ID.into(),
            rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        ),
        Column::new(SOURCE.into(), vec!["csv"; rows.len()]),
        Column::new(
            SOURCE_ID.into(),
            rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        ),
        Column::new(NUMBER.into(), vec![None::<&str>; rows.len()]),
        Column::new(POSTMORTEM_URL.into(), vec![None::<&str>; rows.len()]),
        Column::new(URL.into(), vec![None::<&str>; rows.len()]),
        Column::new(
            TITLE.into(),
            rows.iter()
                .map(|r| format!("incident {}", r.0))
                .collect::<Vec<_>>(),
        ),
        Column::new(TEAM.into(), rows.iter().map(|r| r.1).collect::<Vec<_>>()),
        Column::new(
            SERVICE.into(),
            rows.iter().map(|_| None::<&str>).collect::<Vec<_>>(),
        ),
        Column::new(
            SEVERITY.into(),
            rows.iter().map(|r| r.2).collect::<Vec<_>>(),
        ),
        Column::new(STATUS.into(), status),
        Column::new(KIND.into(), rows.iter().map(|r| r.3).collect::<Vec<_>>()),
        Column::new(
            MERGED_INTO.into(),
            rows.iter().map(|_| None::<&str>).collect::<Vec<_>>(),
        ),
        ts(rows.iter().map(|r| m(r.4)).collect(), IMPACT_STARTED_AT),
        ts(rows.iter().map(|r| t0_plus(r.5)).collect(), DETECTED_AT),
        ts(rows.iter().map(|r| m(r.6)).collect(), ACKNOWLEDGED_AT),
        ts(rows.iter().map(|r| m(r.7)).collect(), MITIGATED_AT),
        ts(rows.iter().map(|r| m(r.8)).collect(), RESOLVED_AT),
    ])
    .unwrap()
    .lazy()
}

pub(super) fn frames(rows: &[Inc]) -> Frames {
    let empty = |t| DataFrame::empty_with_schema(&polars_schema(t)).lazy();
    use crate::model::Table;
    Frames {
        incidents: incidents(rows),
        events: empty(Table::IncidentEvents),
        alerts: empty(Table::Alerts),
        action_items: empty(Table::ActionItems),
        oncall_shifts: empty(Table::OncallShifts),
        alert_history: empty(Table::Alerts),
        rejected: DataFrame::empty(),
    }
}

/// The week of T0 (2026-W46), judged at T0 + 2 hours.
pub(super) fn scope() -> Scope {
    let p = crate::metrics::scope::parse_week("2026-W46").unwrap();
    Scope::new(
        p,
        DateTime::<Utc>::from_timestamp_micros(t0_plus(120).unwrap()).unwrap(),
    )
}

pub(super) fn cfg() -> Config {
    Config::defaults_in(Path::new("."))
}

pub(super) fn table<'a>(tables: &'a [MetricTable], name: &str) -> &'a DataFrame {
    &tables
        .iter()
        .find(|t| t.name() == name)
        .unwrap_or_else(|| panic!("no table {name}"))
        .frame
}

pub(super) fn f64s(df: &DataFrame, c: &str) -> Vec<Option<f64>> {
    df.column(c)
        .unwrap()
        .cast(&DataType::Float64)
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .collect()
}

pub(super) fn strs(df: &DataFrame, c: &str) -> Vec<Option<String>> {
    df.column(c)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|s| s.map(String::from))
        .collect()
}

pub(super) fn run(rows: &[Inc], by: &[Dim], s: &Scope) -> Vec<MetricTable> {
    durations(&frames(rows), &cfg(), s, Some(by), false).unwrap()
}
