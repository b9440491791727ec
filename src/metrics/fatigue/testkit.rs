//! Test frames for the fatigue and rules tests: alerts and on-call shifts built in memory with the
//! store's exact schema (every column, right types), other tables empty, plus readers for the
//! result columns. Test-only.

use std::path::Path;

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;
use polars::prelude::*;

use crate::config::Config;
use crate::metrics::{Frames, MetricTable, Period, Scope};
use crate::model::columns::*;
use crate::model::{ColumnType, Table};

pub(crate) const SEC: i64 = 1_000_000;
pub(crate) const MIN: i64 = 60 * SEC;
pub(crate) const HOUR: i64 = 60 * MIN;
pub(crate) const DAY: i64 = 24 * HOUR;

/// UTC microseconds of a UTC wall time.
pub(crate) fn us(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, mi, s)
        .unwrap()
        .and_utc()
        .timestamp_micros()
}

/// One alert row; the builders fill the rest with plain defaults.
#[derive(Debug, Clone)]
pub(crate) struct Al {
    pub team: String,
    pub rule: String,
    pub fp: String,
    pub service: Option<String>,
    pub severity: String,
    pub fired: i64,
    pub ack: Option<i64>,
    pub ack_by: Option<String>,
    pub resolved: Option<i64>,
    pub resolved_by: Option<String>,
    pub paged: bool,
    pub notifications: u32,
    pub incident: Option<String>,
}

impl Al {
    /// A page of `team` at `fired`, with its own fingerprint per instant (so it never flaps).
    pub(crate) fn page(team: &str, fired: i64) -> Al {
        Al {
            team: team.into(),
            rule: "r".into(),
            fp: format!("{team}-{fired}"),
            service: Some("svc".into()),
            severity: "SEV2".into(),
            fired,
            ack: None,
            ack_by: None,
            resolved: None,
            resolved_by: None,
            paged: true,
            notifications: 1,
            incident: None,
        }
    }
    /// An alert that did not page.
    pub(crate) fn quiet(team: &str, fired: i64) -> Al {
        Al {
            paged: false,
            notifications: 0,
            ..Al::page(team, fired)
        }
    }
    pub(crate) fn fp(mut self, fp: &str) -> Al {
        self.fp = fp.into();
        self
    }
    pub(crate) fn rule(mut self, rule: &str) -> Al {
        self.rule = rule.into();
        self
    }
    pub(crate) fn ack(mut self, at: i64, by: Option<&str>) -> Al {
        self.ack = Some(at);
        self.ack_by = by.map(Into::into);
        self
    }
    pub(crate) fn resolved(mut self, at: i64, by: Option<&str>) -> Al {
        self.resolved = Some(at);
        self.resolved_by = by.map(Into::into);
        self
    }
    pub(crate) fn notifications(mut self, n: u32) -> Al {
        self.notifications = n;
        self
    }
    pub(crate) fn incident(mut self, id: &str) -> Al {
        self.incident = Some(id.into());
        self
    }
}

fn ts_col(name: &str, v: Vec<Option<i64>>) -> Column {
    Series::new(name.into(), v)
        .cast(&DataType::Datetime(
            TimeUnit::Microseconds,
            Some(TimeZone::UTC),
        ))
        .unwrap()
        .into_column()
}

fn dtype(ty: ColumnType) -> DataType {
    match ty {
        ColumnType::Text | ColumnType::Json => DataType::String,
        ColumnType::Timestamp => DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC)),
        ColumnType::UInt32 => DataType::UInt32,
        ColumnType::Bool => DataType::Boolean,
    }
}

/// The store's schema of `table` (its columns, then `month`).
pub(crate) fn schema(table: Table) -> Schema {
    table
        .spec()
        .columns
        .iter()
        .map(|c| Field::new(c.name.into(), dtype(c.ty)))
        .chain(std::iter::once(Field::new(MONTH.into(), DataType::String)))
        .collect()
}

fn empty(table: Table) -> LazyFrame {
    DataFrame::empty_with_schema(&schema(table)).lazy()
}

pub(crate) fn alerts_frame(rows: &[Al]) -> LazyFrame {
    let s = |f: fn(&Al) -> String| rows.iter().map(f).collect::<Vec<_>>();
    let o = |f: fn(&Al) -> Option<String>| rows.iter().map(f).collect::<Vec<_>>();
    let t = |f: fn(&Al) -> Option<i64>| rows.iter().map(f).collect::<Vec<_>>();
    let ids: Vec<String> = (0..rows.len()).map(|i| format!("test:{i}")).collect();
    let df = DataFrame::new(
        rows.len(),
        vec![
            Column::new(ALERT_ID.into(), ids),
            Column::new(SOURCE.into(), vec!["test"; rows.len()]),
            Column::new(RULE.into(), s(|a| a.rule.clone())),
            Column::new(TITLE.into(), s(|a| a.rule.clone())),
            Column::new(TEAM.into(), s(|a| a.team.clone())),
            Column::new(SERVICE.into(), o(|a| a.service.clone())),
            Column::new(SEVERITY.into(), s(|a| a.severity.clone())),
            Column::new(FINGERPRINT.into(), s(|a| a.fp.clone())),
            ts_col(FIRED_AT, t(|a| Some(a.fired))),
            ts_col(ACKNOWLEDGED_AT, t(|a| a.ack)),
            Column::new(ACKNOWLEDGED_BY.into(), o(|a| a.ack_by.clone())),
            ts_col(RESOLVED_AT, t(|a| a.resolved)),
            Column::new(RESOLVED_BY.into(), o(|a| a.resolved_by.clone())),
            Column::new(
                PAGED.into(),
                rows.iter().map(|a| a.paged).collect::<Vec<_>>(),
            ),
            Column::new(
                NOTIFICATIONS.into(),
                rows.iter().map(|a| a.notifications).collect::<Vec<_>>(),
            ),
            Column::new(INCIDENT_ID.into(), o(|a| a.incident.clone())),
            Column::new(LABELS.into(), vec![None::<&str>; rows.len()]),
            ts_col(UPDATED_AT, t(|a| Some(a.fired))),
            Column::new(MONTH.into(), vec!["2026-11"; rows.len()]),
        ],
    )
    .unwrap();
    assert_eq!(df.schema().as_ref(), &schema(Table::Alerts));
    df.lazy()
}

/// An on-call shift: team, person, zone name, starts, ends.
pub(crate) type Sh<'a> = (&'a str, &'a str, &'a str, i64, i64);

pub(crate) fn shifts_frame(rows: &[Sh]) -> LazyFrame {
    let df = DataFrame::new(
        rows.len(),
        vec![
            Column::new(TEAM.into(), rows.iter().map(|r| r.0).collect::<Vec<_>>()),
            Column::new(PERSON.into(), rows.iter().map(|r| r.1).collect::<Vec<_>>()),
            Column::new(
                TIMEZONE.into(),
                rows.iter().map(|r| r.2).collect::<Vec<_>>(),
            ),
            ts_col(STARTS_AT, rows.iter().map(|r| Some(r.3)).collect()),
            ts_col(ENDS_AT, rows.iter().map(|r| Some(r.4)).collect()),
            Column::new(MONTH.into(), vec!["2026-11"; rows.len()]),
        ],
    )
    .unwrap();
    assert_eq!(df.schema().as_ref(), &schema(Table::OncallShifts));
    df.lazy()
}

pub(crate) fn frames(alerts: &[Al], shifts: &[Sh]) -> Frames {
    Frames {
        incidents: empty(Table::Incidents),
        events: empty(Table::IncidentEvents),
        alerts: alerts_frame(alerts),
        action_items: empty(Table::ActionItems),
        oncall_shifts: shifts_frame(shifts),
        alert_history: alerts_frame(alerts),
        rejected: DataFrame::empty(),
    }
}

pub(crate) fn scope(from: i64, to: i64) -> Scope {
    let at = |x: i64| DateTime::from_timestamp_micros(x).unwrap();
    Scope::new(Period::new(at(from), at(to)).unwrap(), at(to))
}

/// The default config with the given teams (default hours) in their zones.
pub(crate) fn cfg(teams: &[(&str, Tz)]) -> Config {
    let mut c = Config::defaults_in(Path::new("."));
    for (name, tz) in teams {
        let mut t = c.default_team.clone();
        t.name = name.to_string();
        t.timezone = *tz;
        c.teams.insert(name.to_string(), t);
    }
    c
}

pub(crate) fn table<'a>(out: &'a [MetricTable], name: &str) -> &'a DataFrame {
    &out.iter()
        .find(|t| t.name() == name)
        .unwrap_or_else(|| panic!("no table {name}"))
        .frame
}

pub(crate) fn u64s(df: &DataFrame, name: &str) -> Vec<u64> {
    let c = df.column(name).unwrap().cast(&DataType::UInt64).unwrap();
    c.u64().unwrap().iter().map(|v| v.unwrap()).collect()
}

pub(crate) fn f64s(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
    let c = df.column(name).unwrap().cast(&DataType::Float64).unwrap();
    c.f64().unwrap().iter().collect()
}

pub(crate) fn strs(df: &DataFrame, name: &str) -> Vec<String> {
    let c = df.column(name).unwrap().cast(&DataType::String).unwrap();
    c.str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap_or("<null>").to_string())
        .collect()
}

pub(crate) fn bools(df: &DataFrame, name: &str) -> Vec<bool> {
    df.column(name)
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .map(|v| v.unwrap())
        .collect()
}

/// `a` and `b` equal to 1e-9.
pub(crate) fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}
