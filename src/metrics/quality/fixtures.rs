//! Test fixtures shared by the recurrence, actions and quality tests: frames built in memory with
//! the store's column types (instants as Datetime(us, UTC) from i64 microseconds), empty frames
//! for the tables a test does not use, and the default config and a scope.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use polars::prelude::*;

use crate::config::Config;
use crate::metrics::{Frames, Period, Scope};
use crate::model::columns::*;
use crate::model::{ColumnType, Table};

pub const MIN: i64 = 60_000_000;
pub const HOUR: i64 = 60 * MIN;
pub const DAY: i64 = 24 * HOUR;

/// A UTC instant in microseconds.
pub fn utc(y: i32, m: u32, d: u32, h: u32, mi: u32) -> i64 {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, mi, 0)
        .unwrap()
        .and_utc()
        .timestamp_micros()
}

pub fn at(us: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(us).unwrap()
}

fn ts_type() -> DataType {
    DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
}

/// An instant column from optional microseconds.
pub fn instants(name: &str, v: Vec<Option<i64>>) -> Column {
    Column::new(name.into(), v).cast(&ts_type()).unwrap()
}

/// An empty frame of `table` with the store's schema.
pub fn empty(table: Table) -> LazyFrame {
    let schema: Schema = table
        .spec()
        .columns
        .iter()
        .map(|c| {
            let ty = match c.ty {
                ColumnType::Text | ColumnType::Json => DataType::String,
                ColumnType::Timestamp => ts_type(),
                ColumnType::UInt32 => DataType::UInt32,
                ColumnType::Bool => DataType::Boolean,
            };
            Field::new(c.name.into(), ty)
        })
        .collect();
    DataFrame::empty_with_schema(&schema).lazy()
}

/// Every table empty, no rejected rows (a log with no columns, as when nothing was rejected).
pub fn frames() -> Frames {
    Frames {
        incidents: empty(Table::Incidents),
        events: empty(Table::IncidentEvents),
        alerts: empty(Table::Alerts),
        action_items: empty(Table::ActionItems),
        oncall_shifts: empty(Table::OncallShifts),
        alert_history: empty(Table::Alerts),
        rejected: DataFrame::empty(),
    }
}

pub fn cfg() -> Config {
    Config::defaults_in(Path::new("."))
}

pub fn scope(from: i64, to: i64, as_of: i64) -> Scope {
    Scope::new(Period::new(at(from), at(to)).unwrap(), at(as_of))
}

/// An incident row; `inc` fills the usual values and tests change the fields they exercise.
#[derive(Clone)]
pub struct Inc {
    pub id: &'static str,
    pub team: &'static str,
    pub service: Option<&'static str>,
    pub title: &'static str,
    pub fingerprint: Option<&'static str>,
    pub severity: &'static str,
    pub status: &'static str,
    pub kind: &'static str,
    pub detected: i64,
    pub impact: Option<i64>,
    pub ack: Option<i64>,
    pub mitigated: Option<i64>,
    pub resolved: Option<i64>,
    pub merged_into: Option<&'static str>,
    pub postmortem_url: Option<&'static str>,
}

/// A resolved SEV3 `normal` incident of team `a`, service `db`, acknowledged 5 minutes and
/// resolved an hour after detection.
pub fn inc(id: &'static str, title: &'static str, detected: i64) -> Inc {
    Inc {
        id,
        team: "a",
        service: Some("db"),
        title,
        fingerprint: None,
        severity: "SEV3",
        status: "resolved",
        kind: "normal",
        detected,
        impact: None,
        ack: Some(detected + 5 * MIN),
        mitigated: None,
        resolved: Some(detected + HOUR),
        merged_into: None,
        postmortem_url: None,
    }
}

/// The incident columns the metrics read.
pub fn incidents(rows: &[Inc]) -> LazyFrame {
    let s = |f: fn(&Inc) -> &'static str| rows.iter().map(f).collect::<Vec<_>>();
    let o = |f: fn(&Inc) -> Option<&'static str>| rows.iter().map(f).collect::<Vec<_>>();
    let t = |f: fn(&Inc) -> Option<i64>| rows.iter().map(f).collect::<Vec<_>>();
    DataFrame::new(
        rows.len(),
        vec![
            Column::new(INCIDENT_ID.into(), s(|r| r.id)),
            Column::new(TITLE.into(), s(|r| r.title)),
            Column::new(TEAM.into(), s(|r| r.team)),
            Column::new(SERVICE.into(), o(|r| r.service)),
            Column::new(SEVERITY.into(), s(|r| r.severity)),
            Column::new(STATUS.into(), s(|r| r.status)),
            Column::new(KIND.into(), s(|r| r.kind)),
            instants(IMPACT_STARTED_AT, t(|r| r.impact)),
            instants(DETECTED_AT, t(|r| Some(r.detected))),
            instants(ACKNOWLEDGED_AT, t(|r| r.ack)),
            instants(MITIGATED_AT, t(|r| r.mitigated)),
            instants(RESOLVED_AT, t(|r| r.resolved)),
            Column::new(MERGED_INTO.into(), o(|r| r.merged_into)),
            Column::new(FINGERPRINT.into(), o(|r| r.fingerprint)),
            Column::new(POSTMORTEM_URL.into(), o(|r| r.postmortem_url)),
        ],
    )
    .unwrap()
    .lazy()
}

/// Action items: (id, incident_id, priority, status, created, due, completed).
pub type Item = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    Option<i64>,
    Option<i64>,
);

pub fn action_items(rows: &[Item]) -> LazyFrame {
    DataFrame::new(
        rows.len(),
        vec![
            Column::new(
                ACTION_ITEM_ID.into(),
                rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            ),
            Column::new(
                INCIDENT_ID.into(),
                rows.iter().map(|r| r.1).collect::<Vec<_>>(),
            ),
            Column::new(
                PRIORITY.into(),
                rows.iter().map(|r| r.2).collect::<Vec<_>>(),
            ),
            Column::new(STATUS.into(), rows.iter().map(|r| r.3).collect::<Vec<_>>()),
            instants(CREATED_AT, rows.iter().map(|r| Some(r.4)).collect()),
            instants(DUE_AT, rows.iter().map(|r| r.5).collect()),
            instants(COMPLETED_AT, rows.iter().map(|r| r.6).collect()),
        ],
    )
    .unwrap()
    .lazy()
}

/// Alerts of team `a`: (alert_id, fired, resolved).
pub fn alerts(rows: &[(&'static str, i64, Option<i64>)]) -> LazyFrame {
    DataFrame::new(
        rows.len(),
        vec![
            Column::new(
                ALERT_ID.into(),
                rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            ),
            Column::new(TEAM.into(), vec!["a"; rows.len()]),
            Column::new(SERVICE.into(), vec![Some("db"); rows.len()]),
            Column::new(SEVERITY.into(), vec!["SEV3"; rows.len()]),
            instants(FIRED_AT, rows.iter().map(|r| Some(r.1)).collect()),
            instants(RESOLVED_AT, rows.iter().map(|r| r.2).collect()),
        ],
    )
    .unwrap()
    .lazy()
}

/// A column of a result as text (instants as their RFC 3339-like display), for assertions.
pub fn texts(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    let c = df.column(name).unwrap().cast(&DataType::String).unwrap();
    c.str()
        .unwrap()
        .iter()
        .map(|s| s.map(str::to_string))
        .collect()
}

pub fn u64s(df: &DataFrame, name: &str) -> Vec<u64> {
    let c = df.column(name).unwrap().cast(&DataType::UInt64).unwrap();
    c.u64().unwrap().iter().map(|v| v.unwrap()).collect()
}

pub fn f64s(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
    let c = df.column(name).unwrap().cast(&DataType::Float64).unwrap();
    c.f64().unwrap().iter().collect()
}

/// Whether `a` and `b` agree to 1e-6 (both None, or both values close).
pub fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-6)
}
