//! The weekly count facts a weekly report reads, computed here once: the count test of a week
//! against its baseline weeks for sums of `incidents_compare` rows that no table holds (a team's
//! severities, the organisation's teams), the series of weekly incident counts over the trend
//! weeks per team with its XmR limits, and where the reported week lies against them.
//!
//! The two readings ask different questions over different baselines (a change in rate against
//! the previous [`BASELINE_WEEKS`] weeks; an unusual week against the trend's weeks), so they can
//! disagree; [`Limits::disagrees`] says when. Putting either into words is the report's job
//! (`report::weekly::signal`), not this file's.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::cols;
use super::group::{Rows, counts_table};
use super::per_incident;
use crate::config::Config;
use crate::error::Result;
use crate::metrics::baseline::BASELINE_WEEKS;
use crate::metrics::frames::{Frames, texts, texts_or_empty};
use crate::metrics::scope::{Dim, Scope};
use crate::metrics::stats::{self, CountChange, Xmr};
use crate::metrics::table::{WEEK, pe};
use crate::model::columns::TEAM;

/// A week's incident count against its baseline's: the count with its exact Poisson 95%
/// interval, the baseline's count over [`BASELINE_WEEKS`] weeks with the interval of its weekly
/// rate, and the verdict of `stats::count_change` (one week's exposure against four).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CountTest {
    pub n: u64,
    pub low: f64,
    pub high: f64,
    /// Incidents in the whole baseline.
    pub baseline: u64,
    /// The exact Poisson 95% interval of the baseline's weekly rate (`incidents_previous_scaled`).
    pub base_low: f64,
    pub base_high: f64,
    pub change: CountChange,
}

impl CountTest {
    /// `n` this week against `baseline` over the baseline weeks; `NotJudged` unless `judged` (the
    /// week and its baseline lie inside the data, `Scope::judged`).
    pub fn of(n: u64, baseline: u64, judged: bool) -> CountTest {
        let (low, high) = stats::poisson_exact(n);
        let (base_low, base_high, change) = baseline_change(n, baseline);
        CountTest {
            n,
            low,
            high,
            baseline,
            base_low,
            base_high,
            change: if judged {
                change
            } else {
                CountChange::NotJudged
            },
        }
    }

    /// The baseline's average per week.
    pub fn weekly_average(&self) -> f64 {
        self.baseline as f64 / BASELINE_WEEKS as f64
    }
}

/// The baseline's weekly-rate interval, and the verdict on `n` this week against `baseline` over
/// the baseline weeks: `incidents_compare`'s rule (`stats::count_change`).
pub fn baseline_change(n: u64, baseline: u64) -> (f64, f64, CountChange) {
    let (lo, hi) = stats::poisson_exact(baseline);
    let weeks = BASELINE_WEEKS as f64;
    let (_, c) = stats::count_change(n, 1.0, baseline, weeks);
    (lo / weeks, hi / weeks, c)
}

/// Where the reported week lies against the natural process limits of the trend weeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Above,
    Within,
    Below,
}

/// The XmR limits of the trend weeks' counts and where the reported week (their last point)
/// lies.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    pub lower: f64,
    pub upper: f64,
    pub week: Side,
}

impl Limits {
    /// The limits of `x`, over a series whose last point is the reported week, `value`.
    pub fn of(x: &Xmr, value: f64) -> Limits {
        // Strictly outside, as `stats::xmr` calls a signal: the chart text and this agree.
        let week = if value > x.upper {
            Side::Above
        } else if value < x.lower {
            Side::Below
        } else {
            Side::Within
        };
        Limits {
            lower: x.lower,
            upper: x.upper,
            week,
        }
    }

    /// Whether the count test and the limits tell different stories about the week.
    pub fn disagrees(&self, change: CountChange) -> bool {
        !matches!(
            (change, self.week),
            (CountChange::Steady, Side::Within)
                | (CountChange::More, Side::Above)
                | (CountChange::Fewer, Side::Below)
                // A week outside the data is not read against the limits either.
                | (CountChange::NotJudged, _)
        )
    }
}

/// The weekly counts of the trend weeks (0 for a week without incidents), in week order, the
/// reported week last, and their XmR limits (none below `stats::MIN_XMR_POINTS` weeks).
#[derive(Debug, Clone, PartialEq)]
pub struct WeeklyTrend {
    series: Vec<(String, f64)>,
    xmr: Option<Xmr>,
}

impl WeeklyTrend {
    /// The trend of a series of (ISO week, count), in week order.
    pub fn new(series: Vec<(String, f64)>) -> WeeklyTrend {
        let values: Vec<f64> = series.iter().map(|s| s.1).collect();
        let xmr = stats::xmr(&values);
        WeeklyTrend { series, xmr }
    }

    pub fn series(&self) -> &[(String, f64)] {
        &self.series
    }

    pub fn xmr(&self) -> Option<&Xmr> {
        self.xmr.as_ref()
    }

    /// Where the reported week lies against the limits.
    pub fn limits(&self) -> Option<Limits> {
        let (x, last) = (self.xmr.as_ref()?, self.series.last()?);
        Some(Limits::of(x, last.1))
    }
}

/// Every team's weekly trend over the same weeks.
#[derive(Debug, Clone, PartialEq)]
pub struct Trends {
    weeks: Vec<String>,
    by_team: BTreeMap<String, WeeklyTrend>,
}

impl Trends {
    /// The trend of `team`; all weeks 0 for a team without incidents in them.
    pub fn of(&self, team: &str) -> WeeklyTrend {
        self.by_team.get(team).cloned().unwrap_or_else(|| {
            WeeklyTrend::new(self.weeks.iter().map(|w| (w.clone(), 0.0)).collect())
        })
    }
}

/// The weekly trend of every team over the ISO weeks of `scope`: the `incidents` counts of
/// `aftermath metrics durations --by team,week` for the same scope.
pub fn weekly_trends(frames: &Frames, cfg: &Config, scope: &Scope) -> Result<Trends> {
    let rows = per_incident(frames, cfg, scope).collect().map_err(pe)?;
    let table = counts_table(&Rows::from_frame(&rows)?, &[Dim::Team, Dim::Week], scope)?;
    let df = &table.frame;
    let teams = texts(df, TEAM)?;
    let weeks_of_rows = texts_or_empty(df, WEEK)?;
    let n = df
        .column(cols::INCIDENTS)
        .map_err(pe)?
        .cast(&DataType::UInt64)
        .map_err(pe)?;
    let n = n.u64().map_err(pe)?;
    let mut counts: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for ((team, week), n) in teams.into_iter().zip(weeks_of_rows).zip(n.iter()) {
        // Incidents without a team have no team's trend.
        if let Some(team) = team {
            *counts.entry(team).or_default().entry(week).or_default() += n.unwrap_or(0);
        }
    }
    let weeks = scope.period.weeks();
    let by_team = counts
        .into_iter()
        .map(|(team, by_week)| {
            let series = weeks
                .iter()
                .map(|w| (w.clone(), by_week.get(w).copied().unwrap_or(0) as f64))
                .collect();
            (team, WeeklyTrend::new(series))
        })
        .collect();
    Ok(Trends { weeks, by_team })
}

#[cfg(test)]
mod tests;
