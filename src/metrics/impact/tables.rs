//! The four impact tables built from the counted intervals (`impact.rs` decides which incidents
//! count and which services have a row): one row per incident, the union per team, service and
//! severity, and per service the availability and error budget of the period and of each ISO week
//! touching it. The arithmetic of one service over one window is `figures`, shared by the last
//! two tables so a week's row and the period's row can never be computed two ways. This module
//! neither filters incidents nor writes notes about what was left out.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::intervals::{Impact, union_minutes};
use super::universe::{self, Key, ServiceRow};
use super::*;
use crate::config::Config;
use crate::error::Result;
use crate::metrics::catalogue::TableId;
use crate::metrics::scope::{Dim, Period};
use crate::metrics::table::{Family, INCIDENT, MetricTable, pe};
use crate::model::columns::*;

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
pub(super) fn incidents_table(
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
        id: TableId::ImpactIncidents,
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
pub(super) fn severity_table(
    cfg: &Config,
    counted: &[Impact],
    from: i64,
    to: i64,
) -> Result<MetricTable> {
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
        id: TableId::Impact,
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

/// The figures of one service over `[lo, hi)`: (incidents, open, impact minutes, of them the
/// minutes of incidents still open, period minutes, availability %, budget minutes, budget
/// burned %).
pub(super) struct Figures {
    pub(super) incidents: u32,
    pub(super) open: u32,
    pub(super) impact_min: f64,
    /// The part of `impact_min` when an incident still open at as-of had impact: minutes counted
    /// only because nobody has mitigated or resolved it yet, which a report must name so a ticket
    /// left open for months is not read as a months-long outage without saying so.
    pub(super) open_min: f64,
    pub(super) period_min: f64,
    pub(super) availability_pct: Option<f64>,
    pub(super) budget_min: Option<f64>,
    pub(super) burned_pct: Option<f64>,
}

pub(super) fn figures(members: &[&Impact], slo: Option<f64>, lo: i64, hi: i64) -> Figures {
    let touching: Vec<&&Impact> = members
        .iter()
        .filter(|i| i.start < hi && i.end > lo)
        .collect();
    let impact_min = union_minutes(touching.iter().map(|i| (i.start, i.end)), lo, hi);
    let open_min = union_minutes(
        touching
            .iter()
            .filter(|i| i.open())
            .map(|i| (i.start, i.end)),
        lo,
        hi,
    );
    let period_min = (hi - lo) as f64 / MINUTE_US as f64;
    let budget_min = slo.map(|s| period_min * (1.0 - s / 100.0));
    Figures {
        incidents: touching.len() as u32,
        open: touching.iter().filter(|i| i.open()).count() as u32,
        impact_min,
        open_min,
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
            OPEN_IMPACT_MIN.into(),
            f.iter().map(|x| x.open_min).collect::<Vec<_>>(),
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

pub(super) fn availability_table(
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
        id: TableId::Availability,
        title: "Availability and error budget by service".into(),
        dims: vec![TEAM.into(), SERVICE.into()],
        frame: frame(cols)?,
        notes: vec![
            "Every service a configured team lists or an incident names, with or without \
             incidents. impact_min is the union of all the service's incidents; \
             open_impact_min the minutes of it when an incident still open at the as-of instant \
             had impact (counted up to as-of: check such incidents really are ongoing); slo_pct, \
             budget_min and budget_burned_pct only where the config sets \
             [services.NAME] availability; over 100% burned means the target was missed."
                .into(),
        ],
    })
}

/// The ISO weeks touching `[from, to)` (µs), each clipped to it: (label, start, end).
pub(super) fn weeks(from: i64, to: i64) -> Vec<(String, i64, i64)> {
    let at = chrono::DateTime::from_timestamp_micros;
    let Some(period) = at(from)
        .zip(at(to))
        .and_then(|(from, to)| Period::new(from, to).ok())
    else {
        return vec![];
    };
    period
        .week_spans()
        .into_iter()
        .map(|(label, lo, hi)| (label, lo.timestamp_micros(), hi.timestamp_micros()))
        .collect()
}

pub(super) fn budget_table(
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
        id: TableId::ErrorBudget,
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
