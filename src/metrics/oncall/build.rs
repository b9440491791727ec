//! The on-call tables from the roster's loads: `oncall` (per person, the period as a whole),
//! `oncall_week` (per person and ISO week), `oncall_fairness` (each person's shares of the team),
//! `oncall_spread` (the busiest person against the team's median, flagged against the team's
//! `oncall_spread_limit`) and `oncall_payroll` (per person and UTC month, for on-call pay).
//! Rates are null where their denominator is 0 (no on-call hours, no on-call night).

use std::collections::BTreeMap;

use polars::prelude::*;

use super::cols;
use super::walk::{Person, Roster};
use super::{Load, Span};
use crate::config::Config;
use crate::error::Result;
use crate::metrics::fatigue::ids::{median_in_place, month_index_label, week_index_label};
use crate::metrics::table::pe;

fn ratio(n: f64, d: f64) -> Option<f64> {
    (d > 0.0).then(|| n / d)
}

/// The columns of the per-person tables, in order, from one load each.
fn load_columns(loads: &[&Load]) -> Vec<Column> {
    let f = |name: &str, g: &dyn Fn(&Load) -> f64| {
        Column::new(
            name.into(),
            loads.iter().map(|l| g(l)).collect::<Vec<f64>>(),
        )
    };
    let u = |name: &str, g: &dyn Fn(&Load) -> u64| {
        Column::new(
            name.into(),
            loads.iter().map(|l| g(l)).collect::<Vec<u64>>(),
        )
    };
    let o = |name: &str, g: &dyn Fn(&Load) -> Option<f64>| {
        Column::new(name.into(), loads.iter().map(|l| g(l)).collect::<Vec<_>>())
    };
    vec![
        f(cols::ONCALL_HOURS, &|l| l.hours()),
        f(cols::BUSINESS_HOURS, &|l| l.business_h),
        f(cols::OFF_HOURS, &|l| l.off_h),
        f(cols::SLEEP_HOURS, &|l| l.sleep_h),
        f(cols::OUTSIDE_BUSINESS_HOURS, &|l| l.outside_business_h()),
        f(cols::WEEKEND_HOURS, &|l| l.weekend_h),
        f(cols::HOLIDAY_HOURS, &|l| l.holiday_h),
        u(cols::ONCALL_NIGHTS, &|l| l.nights),
        u(cols::PAGES, &|l| l.pages),
        u(cols::INTERRUPTIONS, &|l| l.interruptions),
        u(cols::BUSINESS_INTERRUPTIONS, &|l| l.business_int),
        u(cols::OFF_INTERRUPTIONS, &|l| l.off_int),
        u(cols::SLEEP_INTERRUPTIONS, &|l| l.sleep_int),
        u(cols::NIGHTS_INTERRUPTED, &|l| l.nights_interrupted),
        o(cols::PAGES_PER_ONCALL_HOUR, &|l| {
            ratio(l.pages as f64, l.hours())
        }),
        o(cols::INTERRUPTIONS_PER_ONCALL_HOUR, &|l| {
            ratio(l.interruptions as f64, l.hours())
        }),
        o(cols::SLEEP_INTERRUPTIONS_PER_NIGHT, &|l| {
            ratio(l.sleep_int as f64, l.nights as f64)
        }),
        u(cols::INCIDENTS_WORKED, &|l| l.incidents),
        f(cols::INCIDENT_MIN, &|l| l.incident_min),
    ]
}

/// The rows of one kind of span, sorted by team, person, span label.
fn rows(roster: &Roster, pick: impl Fn(Span) -> Option<String>) -> Vec<(&Person, String, &Load)> {
    let mut out: Vec<_> = roster
        .loads
        .iter()
        .filter_map(|((p, s), l)| pick(*s).map(|label| (p, label, l)))
        .collect();
    out.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    out
}

fn frame(
    rows: &[(&Person, String, &Load)],
    span_dim: Option<&str>,
    extra: Vec<Column>,
) -> Result<DataFrame> {
    let mut cols = vec![
        Column::new(
            "team".into(),
            rows.iter().map(|r| r.0.0.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "person".into(),
            rows.iter().map(|r| r.0.1.as_str()).collect::<Vec<_>>(),
        ),
    ];
    if let Some(d) = span_dim {
        cols.push(Column::new(
            d.into(),
            rows.iter().map(|r| r.1.as_str()).collect::<Vec<_>>(),
        ));
    }
    let loads: Vec<&Load> = rows.iter().map(|r| r.2).collect();
    cols.extend(load_columns(&loads));
    cols.extend(extra);
    DataFrame::new(rows.len(), cols).map_err(pe)
}

/// `oncall` (the period) and `oncall_week`.
pub(super) fn load_frames(roster: &Roster) -> Result<(DataFrame, DataFrame)> {
    let all = rows(roster, |s| matches!(s, Span::All).then(String::new));
    let weeks = rows(roster, |s| match s {
        Span::Week(w) => Some(week_index_label(w)),
        _ => None,
    });
    Ok((
        frame(&all, None, vec![])?,
        frame(&weeks, Some("week"), vec![])?,
    ))
}

/// `oncall_payroll`: per person and month, the figures on-call pay is computed from, and whether
/// the period (cut at as-of) covered the whole month.
pub(super) fn payroll_frame(roster: &Roster, complete: impl Fn(i64) -> bool) -> Result<DataFrame> {
    let months: Vec<(i64, &Person, &Load)> = roster
        .loads
        .iter()
        .filter_map(|((p, s), l)| match s {
            Span::Month(m) => Some((*m, p, l)),
            _ => None,
        })
        .collect();
    let mut sorted = months;
    sorted.sort_by(|a, b| (a.1, a.0).cmp(&(b.1, b.0)));
    let n = sorted.len();
    let col_f = |name: &str, g: &dyn Fn(&Load) -> f64| {
        Column::new(
            name.into(),
            sorted.iter().map(|r| g(r.2)).collect::<Vec<f64>>(),
        )
    };
    let col_u = |name: &str, g: &dyn Fn(&Load) -> u64| {
        Column::new(
            name.into(),
            sorted.iter().map(|r| g(r.2)).collect::<Vec<u64>>(),
        )
    };
    DataFrame::new(
        n,
        vec![
            Column::new(
                "team".into(),
                sorted.iter().map(|r| r.1.0.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "person".into(),
                sorted.iter().map(|r| r.1.1.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "month".into(),
                sorted
                    .iter()
                    .map(|r| month_index_label(r.0))
                    .collect::<Vec<_>>(),
            ),
            col_f(cols::ONCALL_HOURS, &|l| l.hours()),
            col_f(cols::OUTSIDE_BUSINESS_HOURS, &|l| l.outside_business_h()),
            col_f(cols::WEEKEND_HOURS, &|l| l.weekend_h),
            col_f(cols::HOLIDAY_HOURS, &|l| l.holiday_h),
            col_u(cols::ONCALL_NIGHTS, &|l| l.nights),
            col_u(cols::NIGHTS_INTERRUPTED, &|l| l.nights_interrupted),
            Column::new(
                cols::MONTH_COMPLETE.into(),
                sorted.iter().map(|r| complete(r.0)).collect::<Vec<bool>>(),
            ),
        ],
    )
    .map_err(pe)
}

/// One row of `oncall_spread`: team, people, median, max, busiest, ratio, limit, over the limit.
type SpreadRow = (
    String,
    usize,
    f64,
    f64,
    Option<String>,
    Option<f64>,
    f64,
    bool,
);

fn share(x: f64, total: f64) -> Option<f64> {
    ratio(100.0 * x, total)
}

/// `oncall_fairness` (team, person) and `oncall_spread` (team).
pub(super) fn fairness_frames(roster: &Roster, cfg: &Config) -> Result<(DataFrame, DataFrame)> {
    let all = rows(roster, |s| matches!(s, Span::All).then(String::new));
    let mut teams: BTreeMap<&str, Vec<(&str, &Load)>> = BTreeMap::new();
    for (p, _, l) in &all {
        teams
            .entry(p.0.as_str())
            .or_default()
            .push((p.1.as_str(), l));
    }
    let (mut hs, mut os, mut ss, mut vs) = (vec![], vec![], vec![], vec![]);
    let mut spread: Vec<SpreadRow> = vec![];
    for (team, people) in &teams {
        let total = |g: &dyn Fn(&Load) -> f64| people.iter().map(|(_, l)| g(l)).sum::<f64>();
        let (th, to, ts) = (
            total(&|l| l.hours()),
            total(&|l| l.outside_business_h()),
            total(&|l| l.sleep_int as f64),
        );
        let mut loads: Vec<f64> = people.iter().map(|(_, l)| l.outside_business_h()).collect();
        let median = median_in_place(&mut loads).unwrap_or(0.0);
        for (_, l) in people {
            hs.push(share(l.hours(), th));
            os.push(share(l.outside_business_h(), to));
            ss.push(share(l.sleep_int as f64, ts));
            vs.push(ratio(l.outside_business_h(), median));
        }
        // The busiest: the most hours outside business hours, the first name on a tie.
        let busiest = people
            .iter()
            .fold(None::<(&str, f64)>, |best, &(name, l)| match best {
                Some((_, b)) if b >= l.outside_business_h() => best,
                _ => Some((name, l.outside_business_h())),
            });
        let max = busiest.map_or(0.0, |b| b.1);
        let limit = cfg.team(team).oncall_spread_limit;
        // One person alone has no one to be unfair to; a zero median makes any ratio infinite.
        let ratio_v = (people.len() >= 2).then(|| ratio(max, median)).flatten();
        spread.push((
            team.to_string(),
            people.len(),
            median,
            max,
            busiest.map(|b| b.0.to_string()),
            ratio_v,
            limit,
            ratio_v.is_some_and(|r| r > limit),
        ));
    }
    let fair = frame(
        &all,
        None,
        vec![
            Column::new(cols::ONCALL_HOURS_SHARE_PCT.into(), hs),
            Column::new(cols::OUTSIDE_BUSINESS_HOURS_SHARE_PCT.into(), os),
            Column::new(cols::SLEEP_INTERRUPTIONS_SHARE_PCT.into(), ss),
            Column::new(cols::LOAD_VS_MEDIAN.into(), vs),
        ],
    )?
    .select([
        "team",
        "person",
        cols::ONCALL_HOURS,
        cols::OUTSIDE_BUSINESS_HOURS,
        cols::SLEEP_INTERRUPTIONS,
        cols::ONCALL_HOURS_SHARE_PCT,
        cols::OUTSIDE_BUSINESS_HOURS_SHARE_PCT,
        cols::SLEEP_INTERRUPTIONS_SHARE_PCT,
        cols::LOAD_VS_MEDIAN,
    ])
    .map_err(pe)?;
    let n = spread.len();
    let spread_df = DataFrame::new(
        n,
        vec![
            Column::new(
                "team".into(),
                spread.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                cols::PEOPLE.into(),
                spread.iter().map(|r| r.1 as u64).collect::<Vec<_>>(),
            ),
            Column::new(
                cols::MEDIAN_OUTSIDE_BUSINESS_HOURS.into(),
                spread.iter().map(|r| r.2).collect::<Vec<_>>(),
            ),
            Column::new(
                cols::MAX_OUTSIDE_BUSINESS_HOURS.into(),
                spread.iter().map(|r| r.3).collect::<Vec<_>>(),
            ),
            Column::new(
                cols::BUSIEST.into(),
                spread.iter().map(|r| r.4.clone()).collect::<Vec<_>>(),
            ),
            Column::new(
                cols::SPREAD_RATIO.into(),
                spread.iter().map(|r| r.5).collect::<Vec<_>>(),
            ),
            Column::new(
                cols::SPREAD_LIMIT.into(),
                spread.iter().map(|r| r.6).collect::<Vec<_>>(),
            ),
            Column::new(
                cols::OVER_LIMIT.into(),
                spread.iter().map(|r| r.7).collect::<Vec<_>>(),
            ),
        ],
    )
    .map_err(pe)?;
    Ok((fair, spread_df))
}
