//! Customer impact (`metrics.md`, "Customer impact"): how long each incident hurt users, how much
//! of each service's period that was, and how much of a service's error budget incidents burned.
//!
//! Four tables, from one list of impact intervals (`intervals`):
//! - `impact_incidents`: one row per incident with its interval, the instants it used and its
//!   minutes, whole and inside the period;
//! - `impact`: per team, service and severity, the union of the intervals (overlapping incidents
//!   of one group count their shared minutes once) beside their plain sum;
//! - `availability`: per service (`universe`: configured and seen, incidents or not), 1 - impact
//!   / period minutes over the union of all its incidents, and with an SLO the budget burned;
//! - `error_budget`: the same, week by week, for the services with an SLO.
//!
//! The period is observed up to the as-of instant: minutes after it are not known yet, neither as
//! impact nor as available time, so a period still running is judged on what has happened so far.
//! Unlike counts and durations, an incident belongs to the period by its interval, not by one
//! instant: an outage that began last week and lasted into this one costs this week its minutes.

pub mod intervals;
#[cfg(test)]
mod tests;
pub mod universe;

use std::collections::BTreeMap;

use chrono::{Datelike, Duration};
use polars::prelude::*;

use super::frames::{Frames, filter_expr};
use super::scope::{Dim, Scope, midnight, week_label};
use super::table::{Family, INCIDENT, MetricTable, pe};
use crate::config::Config;
use crate::error::Result;
use crate::model::columns::*;
use intervals::{Impact, union_minutes};
use universe::{Key, ServiceRow};

/// Column names of the impact tables (the reports read them through these).
pub const IMPACT_FROM: &str = "impact_from";
pub const IMPACT_TO: &str = "impact_to";
pub const INSTANTS_USED: &str = "instants_used";
pub const OPEN: &str = "open";
pub const IMPACT_MIN: &str = "impact_min";
pub const IN_PERIOD_MIN: &str = "in_period_min";
pub const INCIDENTS: &str = "incidents";
pub const SUM_MIN: &str = "sum_min";
pub const OVERLAP_MIN: &str = "overlap_min";
pub const PERIOD_MIN: &str = "period_min";
pub const AVAILABILITY_PCT: &str = "availability_pct";
pub const SLO_PCT: &str = "slo_pct";
pub const BUDGET_MIN: &str = "budget_min";
pub const BUDGET_BURNED_PCT: &str = "budget_burned_pct";

/// Table names.
pub const INCIDENTS_TABLE: &str = "impact_incidents";
pub const IMPACT_TABLE: &str = "impact";
pub const AVAILABILITY_TABLE: &str = "availability";
pub const BUDGET_TABLE: &str = "error_budget";

const MINUTE_US: i64 = 60_000_000;
const WEEK_MIN: f64 = 7.0 * 1440.0;

/// The catalogue's definition, as `--explain` and the reports print it.
pub const DEFINITION: &str = "impact of an incident: impact_started_at (else detected_at) -> \
     mitigated_at (else resolved_at; an incident open at the as-of instant counts up to it). \
     Per service, overlapping incidents count their shared minutes once (the union of their \
     intervals). availability = 1 - impact minutes / period minutes, the period observed up to \
     the as-of instant. With an SLO target (`[services.NAME] availability`), error budget = \
     period minutes x (1 - target / 100) and budget burned = impact minutes / error budget";

/// The share of a week's error budget (7 x 1440 minutes x (1 - slo / 100)) that `minutes` of
/// impact burn, in percent: what the postmortem says of one incident.
pub fn week_budget_share_pct(minutes: f64, slo: f64) -> f64 {
    100.0 * minutes / (WEEK_MIN * (1.0 - slo / 100.0))
}

/// One incident's impact interval as known at `as_of` (what its postmortem gives), excluded or
/// not, or None when the store has no such incident by then.
pub fn incident(frames: &Frames, cfg: &Config, id: &str, as_of: i64) -> Result<Option<Impact>> {
    let one = frames
        .incidents
        .clone()
        .filter(col(INCIDENT_ID).eq(lit(id)));
    Ok(intervals::impacts(one, cfg, as_of, i64::MIN, i64::MAX)?
        .into_iter()
        .next())
}

/// Every impact table of the scope (`--by` does not apply: the tables have fixed groups).
pub fn impact(frames: &Frames, cfg: &Config, scope: &Scope) -> Result<Vec<MetricTable>> {
    let from = scope.period.from_micros();
    // Observed up to as-of: later minutes are neither impact nor availability yet.
    let to = scope
        .period
        .to_micros()
        .min(scope.as_of.timestamp_micros())
        .max(from);
    let (services, seen) = universe::services(frames, cfg, &scope.filters)?;
    crate::config::services::check_known(cfg, &seen)?;
    let incidents = frames
        .incidents
        .clone()
        .filter(filter_expr(&scope.filters, true, true));
    let all = intervals::impacts(incidents, cfg, scope.as_of.timestamp_micros(), from, to)?;
    let (counted, left_out): (Vec<Impact>, Vec<Impact>) = all
        .into_iter()
        .partition(|i| i.excluded.is_none() && !i.negative());
    let mut notes = vec![format!("{DEFINITION}.")];
    notes.extend(left_out_notes(&left_out, &counted));
    if to < scope.period.to_micros() {
        notes.push(format!(
            "The period is observed up to the as-of instant {}: {} of its minutes.",
            scope.as_of.format("%Y-%m-%dT%H:%M:%SZ"),
            (to - from) / MINUTE_US
        ));
    }
    let by_service = by_service(cfg, &counted, &services);
    Ok(vec![
        incidents_table(&counted, from, to, &notes)?,
        severity_table(cfg, &counted, from, to)?,
        availability_table(&services, &by_service, from, to)?,
        budget_table(&services, &by_service, from, to)?,
    ])
}

/// What was left out and why, and the incidents no service's figure can hold.
fn left_out_notes(left_out: &[Impact], counted: &[Impact]) -> Vec<String> {
    let mut notes = vec![];
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for i in left_out.iter().filter_map(|i| i.excluded.as_deref()) {
        let reason = if i.starts_with("merged into ") {
            "merged into another incident"
        } else {
            i
        };
        *reasons.entry(reason).or_default() += 1;
    }
    if !reasons.is_empty() {
        let parts: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
        notes.push(format!("Excluded: {}.", parts.join(", ")));
    }
    let negative: Vec<&str> = left_out
        .iter()
        .filter(|i| i.excluded.is_none() && i.negative())
        .map(|i| i.incident_id.as_str())
        .collect();
    if !negative.is_empty() {
        notes.push(format!(
            "Left out, impact ends before it starts (a data error): {}.",
            negative.join(", ")
        ));
    }
    let no_service = counted.iter().filter(|i| i.service.is_none()).count();
    if no_service > 0 {
        notes.push(format!(
            "{no_service} incident(s) name no service: listed, but in no service's figures."
        ));
    }
    notes
}

/// The counted incidents of each service row.
fn by_service<'a>(
    cfg: &Config,
    counted: &'a [Impact],
    services: &BTreeMap<Key, ServiceRow>,
) -> BTreeMap<Key, Vec<&'a Impact>> {
    let mut out: BTreeMap<Key, Vec<&Impact>> = BTreeMap::new();
    for i in counted {
        let Some(service) = &i.service else { continue };
        let k = universe::key(cfg, &i.team, service);
        if services.contains_key(&k) {
            out.entry(k).or_default().push(i);
        }
    }
    out
}

fn instants(name: &str, values: Vec<i64>) -> Result<Column> {
    Column::new(name.into(), values)
        .cast(&DataType::Datetime(
            TimeUnit::Microseconds,
            Some(TimeZone::UTC),
        ))
        .map_err(pe)
}

fn frame(columns: Vec<Column>) -> Result<DataFrame> {
    DataFrame::new_infer_height(columns).map_err(pe)
}

/// One row per counted incident, by team, service, start and id.
fn incidents_table(
    counted: &[Impact],
    from: i64,
    to: i64,
    notes: &[String],
) -> Result<MetricTable> {
    let mut rows: Vec<&Impact> = counted.iter().collect();
    rows.sort_by(|a, b| {
        (&a.team, &a.service, a.start, &a.incident_id).cmp(&(
            &b.team,
            &b.service,
            b.start,
            &b.incident_id,
        ))
    });
    let text = |f: fn(&Impact) -> Option<String>| rows.iter().map(|i| f(i)).collect::<Vec<_>>();
    let cols = vec![
        Column::new(TEAM.into(), text(|i| Some(i.team.clone()))),
        Column::new(SERVICE.into(), text(|i| i.service.clone())),
        Column::new(SEVERITY.into(), text(|i| Some(i.severity.clone()))),
        Column::new(INCIDENT.into(), text(|i| Some(i.incident_id.clone()))),
        instants(IMPACT_FROM, rows.iter().map(|i| i.start).collect())?,
        instants(IMPACT_TO, rows.iter().map(|i| i.end).collect())?,
        Column::new(INSTANTS_USED.into(), text(|i| Some(i.instants_used()))),
        Column::new(
            OPEN.into(),
            rows.iter().map(|i| i.open()).collect::<Vec<_>>(),
        ),
        Column::new(
            IMPACT_MIN.into(),
            rows.iter().map(|i| i.minutes()).collect::<Vec<_>>(),
        ),
        Column::new(
            IN_PERIOD_MIN.into(),
            rows.iter()
                .map(|i| i.minutes_within(from, to))
                .collect::<Vec<_>>(),
        ),
    ];
    Ok(MetricTable {
        family: Family::Impact,
        name: INCIDENTS_TABLE.into(),
        title: "Customer impact per incident".into(),
        dims: vec![
            TEAM.into(),
            SERVICE.into(),
            SEVERITY.into(),
            INCIDENT.into(),
        ],
        frame: frame(cols)?,
        notes: notes.to_vec(),
    })
}

/// Per service row and severity: the union of the group's intervals inside the period.
fn severity_table(cfg: &Config, counted: &[Impact], from: i64, to: i64) -> Result<MetricTable> {
    let mut groups: BTreeMap<(Key, String), (String, Vec<&Impact>)> = BTreeMap::new();
    for i in counted {
        let Some(service) = &i.service else { continue };
        let k = universe::key(cfg, &i.team, service);
        groups
            .entry((k, i.severity.clone()))
            .or_insert_with(|| (service.clone(), vec![]))
            .1
            .push(i);
    }
    let (mut team, mut service, mut severity) = (vec![], vec![], vec![]);
    let (mut n, mut open, mut union, mut sum) = (vec![], vec![], vec![], vec![]);
    for (((t, _), sev), (name, members)) in &groups {
        team.push(t.clone());
        service.push(name.clone());
        severity.push(sev.clone());
        n.push(members.len() as u32);
        open.push(members.iter().filter(|i| i.open()).count() as u32);
        union.push(union_minutes(
            members.iter().map(|i| (i.start, i.end)),
            from,
            to,
        ));
        sum.push(
            members
                .iter()
                .map(|i| i.minutes_within(from, to))
                .sum::<f64>(),
        );
    }
    let overlap: Vec<f64> = sum.iter().zip(&union).map(|(s, u)| s - u).collect();
    let cols = vec![
        Column::new(TEAM.into(), team),
        Column::new(SERVICE.into(), service),
        Column::new(SEVERITY.into(), severity),
        Column::new(INCIDENTS.into(), n),
        Column::new(OPEN.into(), open),
        Column::new(IMPACT_MIN.into(), union),
        Column::new(SUM_MIN.into(), sum),
        Column::new(OVERLAP_MIN.into(), overlap),
    ];
    Ok(MetricTable {
        family: Family::Impact,
        name: IMPACT_TABLE.into(),
        title: "Customer impact by team, service and severity".into(),
        dims: vec![TEAM.into(), SERVICE.into(), SEVERITY.into()],
        frame: frame(cols)?,
        notes: vec![
            "impact_min: minutes inside the period when at least one of the group's incidents \
             had impact (the union of their intervals); sum_min: their minutes added up; \
             overlap_min = sum_min - impact_min, the minutes not counted twice."
                .into(),
        ],
    })
}

/// The figures of one service over `[lo, hi)`: (incidents, open, impact minutes, period minutes,
/// availability %, budget minutes, budget burned %).
struct Figures {
    incidents: u32,
    open: u32,
    impact_min: f64,
    period_min: f64,
    availability_pct: Option<f64>,
    budget_min: Option<f64>,
    burned_pct: Option<f64>,
}

fn figures(members: &[&Impact], slo: Option<f64>, lo: i64, hi: i64) -> Figures {
    let touching: Vec<&&Impact> = members
        .iter()
        .filter(|i| i.start < hi && i.end > lo)
        .collect();
    let impact_min = union_minutes(touching.iter().map(|i| (i.start, i.end)), lo, hi);
    let period_min = (hi - lo) as f64 / MINUTE_US as f64;
    let budget_min = slo.map(|s| period_min * (1.0 - s / 100.0));
    Figures {
        incidents: touching.len() as u32,
        open: touching.iter().filter(|i| i.open()).count() as u32,
        impact_min,
        period_min,
        // An empty period (as-of at its start) has no availability to speak of.
        availability_pct: (period_min > 0.0).then(|| 100.0 * (1.0 - impact_min / period_min)),
        budget_min,
        burned_pct: budget_min
            .filter(|b| *b > 0.0)
            .map(|b| 100.0 * impact_min / b),
    }
}

/// Columns of a list of figures, after the caller's dimension columns.
fn figure_columns(f: &[Figures], slo: Vec<Option<f64>>) -> Vec<Column> {
    vec![
        Column::new(
            INCIDENTS.into(),
            f.iter().map(|x| x.incidents).collect::<Vec<_>>(),
        ),
        Column::new(OPEN.into(), f.iter().map(|x| x.open).collect::<Vec<_>>()),
        Column::new(
            IMPACT_MIN.into(),
            f.iter().map(|x| x.impact_min).collect::<Vec<_>>(),
        ),
        Column::new(
            PERIOD_MIN.into(),
            f.iter().map(|x| x.period_min).collect::<Vec<_>>(),
        ),
        Column::new(
            AVAILABILITY_PCT.into(),
            f.iter().map(|x| x.availability_pct).collect::<Vec<_>>(),
        ),
        Column::new(SLO_PCT.into(), slo),
        Column::new(
            BUDGET_MIN.into(),
            f.iter().map(|x| x.budget_min).collect::<Vec<_>>(),
        ),
        Column::new(
            BUDGET_BURNED_PCT.into(),
            f.iter().map(|x| x.burned_pct).collect::<Vec<_>>(),
        ),
    ]
}

fn availability_table(
    services: &BTreeMap<Key, ServiceRow>,
    by_service: &BTreeMap<Key, Vec<&Impact>>,
    from: i64,
    to: i64,
) -> Result<MetricTable> {
    let none = vec![];
    let figs: Vec<Figures> = services
        .iter()
        .map(|(k, s)| figures(by_service.get(k).unwrap_or(&none), s.slo, from, to))
        .collect();
    let mut cols = vec![
        Column::new(
            TEAM.into(),
            services
                .values()
                .map(|s| s.team.clone())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            SERVICE.into(),
            services
                .values()
                .map(|s| s.name.clone())
                .collect::<Vec<_>>(),
        ),
    ];
    cols.extend(figure_columns(
        &figs,
        services.values().map(|s| s.slo).collect(),
    ));
    Ok(MetricTable {
        family: Family::Impact,
        name: AVAILABILITY_TABLE.into(),
        title: "Availability and error budget by service".into(),
        dims: vec![TEAM.into(), SERVICE.into()],
        frame: frame(cols)?,
        notes: vec![
            "Every service a configured team lists or an incident names, with or without \
             incidents. impact_min is the union of all the service's incidents; slo_pct, \
             budget_min and budget_burned_pct only where the config sets \
             [services.NAME] availability; over 100% burned means the target was missed."
                .into(),
        ],
    })
}

/// The ISO weeks touching `[from, to)`, each clipped to it: (label, start, end).
fn weeks(from: i64, to: i64) -> Vec<(String, i64, i64)> {
    let Some(start) = chrono::DateTime::from_timestamp_micros(from) else {
        return vec![];
    };
    let day = start.date_naive();
    let mut monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
    let mut out = vec![];
    loop {
        let lo = midnight(monday).timestamp_micros();
        if lo.max(from) >= to {
            return out;
        }
        let hi = midnight(monday + Duration::days(7)).timestamp_micros();
        out.push((week_label(monday), lo.max(from), hi.min(to)));
        monday += Duration::days(7);
    }
}

fn budget_table(
    services: &BTreeMap<Key, ServiceRow>,
    by_service: &BTreeMap<Key, Vec<&Impact>>,
    from: i64,
    to: i64,
) -> Result<MetricTable> {
    let none = vec![];
    let (mut team, mut service, mut week, mut slo, mut figs) =
        (vec![], vec![], vec![], vec![], vec![]);
    for (k, s) in services.iter().filter(|(_, s)| s.slo.is_some()) {
        for (label, lo, hi) in weeks(from, to) {
            team.push(s.team.clone());
            service.push(s.name.clone());
            week.push(label);
            slo.push(s.slo);
            figs.push(figures(by_service.get(k).unwrap_or(&none), s.slo, lo, hi));
        }
    }
    let mut cols = vec![
        Column::new(TEAM.into(), team),
        Column::new(SERVICE.into(), service),
        Column::new(Dim::Week.name().into(), week),
    ];
    cols.extend(figure_columns(&figs, slo));
    Ok(MetricTable {
        family: Family::Impact,
        name: BUDGET_TABLE.into(),
        title: "Error budget burned by service and week".into(),
        dims: vec![TEAM.into(), SERVICE.into(), Dim::Week.name().into()],
        frame: frame(cols)?,
        notes: vec![
            "Services with an SLO, ISO week by week (UTC, from Monday 00:00); a week the period \
             or the as-of instant cuts is judged on its part inside, with its own (smaller) \
             budget."
                .into(),
        ],
    })
}
