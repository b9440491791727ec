//! The `fatigue` table from the groups' counts: percentages with their Wilson intervals, the
//! median acknowledgement time of pages with its order-statistic interval, and, over 8+ weeks,
//! the XmR limits of each group's weekly interruptions.

use super::cols;
use std::collections::HashMap;

use chrono::{Datelike, Duration};
use polars::prelude::*;

use super::groups::{Groups, Stats};
use crate::error::Result;
use crate::metrics::scope::{Dim, Period, week_label};
use crate::metrics::stats;
use crate::metrics::table::pe;

/// `100 n / d`, or null when `d` is 0.
pub(super) fn pct(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| 100.0 * n as f64 / d as f64)
}

/// The Wilson 95% interval of `n / d` in percent, or nulls when `d` is 0.
pub(super) fn wilson_pct(n: u64, d: u64) -> (Option<f64>, Option<f64>) {
    if d == 0 || n > d {
        return (None, None);
    }
    let (lo, hi) = stats::wilson(n, d);
    (Some(100.0 * lo), Some(100.0 * hi))
}

/// The ISO week labels of every week the period touches, in order.
pub(super) fn period_weeks(period: &Period) -> Vec<String> {
    let first = period.from.date_naive();
    let mut monday = first - Duration::days(i64::from(first.weekday().num_days_from_monday()));
    let mut out = vec![];
    while monday.and_time(chrono::NaiveTime::MIN).and_utc() < period.to {
        out.push(week_label(monday));
        monday += Duration::weeks(1);
    }
    out
}

/// The wide `fatigue` frame: the group keys, then the figures.
pub(super) fn fatigue_frame(groups: &Groups, dims: &[Dim], period: &Period) -> Result<DataFrame> {
    let st = &groups.stats;
    let u = |name: &str, f: fn(&Stats) -> u64| {
        Column::new(name.into(), st.iter().map(f).collect::<Vec<u64>>())
    };
    let fl = |name: &str, v: Vec<Option<f64>>| Column::new(name.into(), v);
    let actionable: Vec<_> = st
        .iter()
        .map(|s| wilson_pct(s.actionable, s.pages))
        .collect();
    let tta: Vec<_> = st
        .iter()
        .map(|s| stats::median_estimate(&s.tta_min))
        .collect();
    let mut columns = groups.keys.columns().to_vec();
    columns.extend([
        u(cols::ALERTS, |s| s.alerts),
        u(cols::PAGES, |s| s.pages),
        u(cols::INTERRUPTIONS, |s| s.interruptions),
        u(cols::BUSINESS_INTERRUPTIONS, |s| s.business),
        u(cols::OFF_INTERRUPTIONS, |s| s.off),
        u(cols::SLEEP_INTERRUPTIONS, |s| s.sleep),
        u(cols::NIGHTS_INTERRUPTED, |s| s.nights),
        fl(
            cols::ACTIONABLE_PCT,
            st.iter().map(|s| pct(s.actionable, s.pages)).collect(),
        ),
        fl(
            cols::ACTIONABLE_LOW_PCT,
            actionable.iter().map(|a| a.0).collect(),
        ),
        fl(
            cols::ACTIONABLE_HIGH_PCT,
            actionable.iter().map(|a| a.1).collect(),
        ),
        fl(
            cols::TRANSIENT_PCT,
            st.iter().map(|s| pct(s.transient, s.alerts)).collect(),
        ),
        u(cols::FLAPPING_ALERTS, |s| s.flapping),
        fl(
            cols::FLAPPING_PCT,
            st.iter().map(|s| pct(s.flapping, s.alerts)).collect(),
        ),
        u(cols::FLAPPING_EPISODES, |s| s.episodes),
        fl(
            cols::ALERTS_PER_INCIDENT,
            st.iter()
                .map(|s| (s.incidents > 0).then(|| s.incident_alerts as f64 / s.incidents as f64))
                .collect(),
        ),
        u(cols::NOTIFICATION_REPEATS, |s| s.repeats),
        u(cols::PAGES_ACKED, |s| s.tta_min.len() as u64),
        fl(
            cols::PAGE_TTA_MEDIAN_MIN,
            tta.iter().map(|m| m.map(|m| m.median)).collect(),
        ),
        fl(
            cols::PAGE_TTA_LOW_MIN,
            tta.iter()
                .map(|m| m.and_then(|m| m.ci).map(|c| c.low))
                .collect(),
        ),
        fl(
            cols::PAGE_TTA_HIGH_MIN,
            tta.iter()
                .map(|m| m.and_then(|m| m.ci).map(|c| c.high))
                .collect(),
        ),
    ]);
    if let Some(x) = xmr_columns(groups, dims, period)? {
        columns.extend(x);
    }
    DataFrame::new_infer_height(columns).map_err(pe)
}

/// XmR limits and signals of each group's weekly interruptions, when grouping by week over a
/// period of 8+ weeks; weeks without alerts are points at 0.
fn xmr_columns(groups: &Groups, dims: &[Dim], period: &Period) -> Result<Option<Vec<Column>>> {
    let weeks = period_weeks(period);
    if !dims.contains(&Dim::Week) || weeks.len() < stats::MIN_XMR_POINTS {
        return Ok(None);
    }
    let n = groups.keys.height();
    let text = |name: &str| crate::metrics::frames::texts(&groups.keys, name);
    let week_of = text("week")?;
    let others: Vec<Vec<Option<String>>> = dims
        .iter()
        .filter(|d| **d != Dim::Week)
        .map(|d| text(d.name()))
        .collect::<Result<_>>()?;
    // Rows of each series (the other dims' values), by week.
    let mut series: HashMap<Vec<Option<&str>>, HashMap<&str, usize>> = HashMap::new();
    for row in 0..n {
        let key: Vec<Option<&str>> = others.iter().map(|c| c[row].as_deref()).collect();
        let week = week_of[row].as_deref().unwrap_or("");
        series.entry(key).or_default().insert(week, row);
    }
    let mut upper = vec![None; n];
    let mut lower = vec![None; n];
    let mut signal: Vec<Option<&str>> = vec![None; n];
    for rows in series.values() {
        let points: Vec<f64> = weeks
            .iter()
            .map(|w| {
                rows.get(w.as_str())
                    .map_or(0.0, |&r| groups.stats[r].interruptions as f64)
            })
            .collect();
        let Some(x) = stats::xmr(&points) else {
            continue;
        };
        for (wi, w) in weeks.iter().enumerate() {
            if let Some(&r) = rows.get(w.as_str()) {
                upper[r] = Some(x.upper);
                lower[r] = Some(x.lower);
                signal[r] = Some(if !x.signals.contains(&wi) {
                    ""
                } else if points[wi] > x.upper {
                    "above limits"
                } else {
                    "below limits"
                });
            }
        }
    }
    Ok(Some(vec![
        Column::new(cols::INTERRUPTIONS_XMR_UPPER.into(), upper),
        Column::new(cols::INTERRUPTIONS_XMR_LOWER.into(), lower),
        Column::new(cols::INTERRUPTIONS_SIGNAL.into(), signal),
    ]))
}
