//! Grouped duration statistics: the per-incident rows of `per_incident`, collected once into
//! plain columns, grouped by the `--by` dimensions, and summarised with the statistics of
//! `stats` (the median and its exact interval, Kaplan-Meier when any incident is open, the p90 or
//! the labelled maximum, the skew-sensitive mean), with counts of what was open, excluded or not
//! measured and why. XmR limits are added over weekly series when grouping by week.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::{CENSORED, METRIC, Metric, NOT_MEASURED, SECONDS, START_USED};
use crate::error::Result;
use crate::metrics::catalogue::TableId;
use crate::metrics::frames::{EXCLUDED, texts, texts_or_empty};
use crate::metrics::scope::{Dim, Scope};
use crate::metrics::stats;
use crate::metrics::table::{Family, MetricTable, dim_names, pe};
use crate::model::columns::*;

/// The per-incident rows as plain vectors, one entry per (incident, metric).
pub struct Rows {
    pub incident_id: Vec<String>,
    pub team: Vec<Option<String>>,
    pub severity: Vec<Option<String>>,
    pub service: Vec<Option<String>>,
    pub week: Vec<Option<String>>,
    pub month: Vec<Option<String>>,
    pub excluded: Vec<Option<String>>,
    pub metric: Vec<String>,
    pub start_used: Vec<Option<String>>,
    pub seconds: Vec<Option<f64>>,
    pub censored: Vec<bool>,
    pub not_measured: Vec<Option<String>>,
}

impl Rows {
    pub fn from_frame(df: &DataFrame) -> Result<Rows> {
        let req = |name: &str| texts_or_empty(df, name);
        Ok(Rows {
            incident_id: req(INCIDENT_ID)?,
            team: texts(df, TEAM)?,
            severity: texts(df, SEVERITY)?,
            service: texts(df, SERVICE)?,
            week: texts(df, "week")?,
            month: texts(df, "month")?,
            excluded: texts(df, EXCLUDED)?,
            metric: req(METRIC)?,
            start_used: texts(df, START_USED)?,
            seconds: df
                .column(SECONDS)
                .map_err(pe)?
                .f64()
                .map_err(pe)?
                .iter()
                .collect(),
            censored: df
                .column(CENSORED)
                .map_err(pe)?
                .bool()
                .map_err(pe)?
                .iter()
                .map(|b| b.unwrap_or(false))
                .collect(),
            not_measured: texts(df, NOT_MEASURED)?,
        })
    }

    /// The value of dimension `d` on row `i`.
    pub fn dim(&self, d: Dim, i: usize) -> Option<String> {
        match d {
            Dim::Team => self.team[i].clone(),
            Dim::Severity => self.severity[i].clone(),
            Dim::Service => self.service[i].clone(),
            Dim::Week => self.week[i].clone(),
            Dim::Month => self.month[i].clone(),
            _ => None,
        }
    }

    /// Row indices of `metric`, grouped by the values of `by`, in key order.
    pub fn groups(&self, metric: Metric, by: &[Dim]) -> BTreeMap<Vec<Option<String>>, Vec<usize>> {
        let mut out: BTreeMap<Vec<Option<String>>, Vec<usize>> = BTreeMap::new();
        for i in (0..self.metric.len()).filter(|&i| self.metric[i] == metric.code()) {
            let key = by.iter().map(|d| self.dim(*d, i)).collect();
            out.entry(key).or_default().push(i);
        }
        out
    }

    /// The durations (seconds) and censoring flags of the measured rows among `idx`.
    pub fn measured(&self, idx: &[usize]) -> (Vec<f64>, Vec<bool>) {
        idx.iter()
            .filter(|&&i| self.not_measured[i].is_none())
            .filter_map(|&i| self.seconds[i].map(|s| (s, self.censored[i])))
            .unzip()
    }
}

/// "3 kind = maintenance; 1 merged into pd:P1", most frequent first, for a group's reasons.
pub fn reasons<'a>(it: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in it {
        *counts.entry(r).or_default() += 1;
    }
    let mut v: Vec<_> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    (!v.is_empty()).then(|| {
        v.iter()
            .map(|(r, n)| format!("{n} {r}"))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// The group-key columns of a table, one per dimension.
pub fn key_columns(by: &[Dim], keys: &[Vec<Option<String>>]) -> Vec<Column> {
    by.iter()
        .enumerate()
        .map(|(j, d)| {
            let v: Vec<Option<&str>> = keys.iter().map(|k| k[j].as_deref()).collect();
            Column::new(d.name().into(), v)
        })
        .collect()
}

pub fn frame(columns: Vec<Column>) -> Result<DataFrame> {
    DataFrame::new_infer_height(columns).map_err(pe)
}

pub const MIN: f64 = 60.0;

/// XmR over each group's weekly series (the other dimensions fixed), in week order: for every
/// row, the limits of its series and whether its point is outside them. `None` limits when the
/// series has fewer than 8 points or `by` has no week.
pub fn weekly_xmr(
    by: &[Dim],
    keys: &[Vec<Option<String>>],
    values: &[Option<f64>],
) -> Vec<(Option<f64>, Option<f64>, Option<&'static str>)> {
    let mut out = vec![(None, None, None); keys.len()];
    let Some(w) = by.iter().position(|d| *d == Dim::Week) else {
        return out;
    };
    let mut series: BTreeMap<Vec<Option<String>>, Vec<usize>> = BTreeMap::new();
    for (i, k) in keys.iter().enumerate() {
        let mut rest = k.clone();
        rest.remove(w);
        series.entry(rest).or_default().push(i);
    }
    for idx in series.values() {
        // Keys are sorted, and `2026-W05` sorts as text in time order within and across years.
        let pts: Vec<(usize, f64)> = idx
            .iter()
            .filter_map(|&i| values[i].map(|v| (i, v)))
            .collect();
        let ys: Vec<f64> = pts.iter().map(|p| p.1).collect();
        if let Some(x) = stats::xmr(&ys) {
            for (j, &(i, y)) in pts.iter().enumerate() {
                let signal = if x.signals.contains(&j) {
                    Some(if y > x.upper {
                        "above limits"
                    } else {
                        "below limits"
                    })
                } else {
                    Some("")
                };
                out[i] = (Some(x.lower), Some(x.upper), signal);
            }
        }
    }
    out
}

/// Incident counts per group: included incidents with their exact Poisson interval, still open
/// at the as-of instant, and excluded with the reasons.
pub fn counts_table(rows: &Rows, by: &[Dim], scope: &Scope) -> Result<MetricTable> {
    let mut groups = rows.groups(Metric::Ttr, by);
    // A week without incidents is a count of 0, not a missing point: every group gets every week
    // of the period, so the weekly series (and its XmR limits) include the quiet weeks.
    if let Some(w) = by.iter().position(|d| *d == Dim::Week) {
        let others: std::collections::BTreeSet<Vec<Option<String>>> = groups
            .keys()
            .map(|k| {
                let mut k = k.clone();
                k.remove(w);
                k
            })
            .collect();
        for other in others {
            for week in scope.period.weeks() {
                let mut key = other.clone();
                key.insert(w, Some(week));
                groups.entry(key).or_default();
            }
        }
    }
    let keys: Vec<_> = groups.keys().cloned().collect();
    let (mut n, mut low, mut high, mut open, mut excl, mut why) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for idx in groups.values() {
        let included: Vec<usize> = idx
            .iter()
            .copied()
            .filter(|&i| rows.excluded[i].is_none())
            .collect();
        let k = included.len() as u64;
        let (lo, hi) = stats::poisson_exact(k);
        n.push(k);
        low.push(lo);
        high.push(hi);
        open.push(included.iter().filter(|&&i| rows.censored[i]).count() as u64);
        excl.push((idx.len() - included.len()) as u64);
        why.push(reasons(
            idx.iter().filter_map(|&i| rows.excluded[i].as_deref()),
        ));
    }
    let counts: Vec<Option<f64>> = n.iter().map(|&k| Some(k as f64)).collect();
    let xmr = weekly_xmr(by, &keys, &counts);
    let mut cols = key_columns(by, &keys);
    cols.extend([
        Column::new("incidents".into(), n),
        Column::new("incidents_low".into(), low),
        Column::new("incidents_high".into(), high),
        Column::new("open".into(), open),
        Column::new("excluded".into(), excl),
        Column::new("excluded_reasons".into(), why),
    ]);
    if by.contains(&Dim::Week) {
        cols.extend(xmr_columns(&xmr, ""));
    }
    Ok(MetricTable {
        family: Family::Durations,
        id: TableId::Incidents,
        title: format!("Incidents by {}", by_words(by)),
        dims: dim_names(by),
        frame: frame(cols)?,
        notes: vec![format!(
            "An incident belongs to the period by its {}; open = not resolved at {}; \
             the interval is the exact Poisson 95% interval of the count.",
            scope.period_by.column(),
            scope.as_of.format("%Y-%m-%dT%H:%M:%SZ")
        )],
    })
}

pub fn xmr_columns(xmr: &[(Option<f64>, Option<f64>, Option<&str>)], unit: &str) -> Vec<Column> {
    let scale = if unit == "_min" { MIN } else { 1.0 };
    vec![
        Column::new(
            format!("xmr_lower{unit}").into(),
            xmr.iter()
                .map(|x| x.0.map(|v| v / scale))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            format!("xmr_upper{unit}").into(),
            xmr.iter()
                .map(|x| x.1.map(|v| v / scale))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "xmr_signal".into(),
            xmr.iter().map(|x| x.2).collect::<Vec<_>>(),
        ),
    ]
}

/// "team and severity".
pub fn by_words(by: &[Dim]) -> String {
    match by {
        [] => "all incidents".into(),
        [one] => one.name().into(),
        _ => {
            let names: Vec<_> = by.iter().map(|d| d.name()).collect();
            format!(
                "{} and {}",
                names[..names.len() - 1].join(", "),
                names[names.len() - 1]
            )
        }
    }
}
