//! The "On-call load" section of a team's weekly report, and the organisation summary's lines on
//! on-call fairness. Each person of the team on call in the week: hours on call by part of the
//! day, pages, interruptions, sleep interruptions, nights interrupted and time on incidents (the
//! `oncall` table of the week); then one fairness line, the busiest person against the median
//! person (`oncall_spread`), flagged when over the team's limit.
//!
//! The fairness line is judged over the trend weeks (the 12 ending with the report's week), not
//! the week: a weekly rotation puts one person on call for most of any single week, so a week's
//! spread is always "unfair" and says nothing. Every figure is a metric table's cell, formatted
//! here; nothing is summed or divided again.

use polars::prelude::DataFrame;
use serde::Serialize;

use super::fmt::{NONE, Tbl, dur, int, slice};
use crate::error::Result;
use crate::metrics::TableId;
use crate::metrics::oncall::cols as oncall_cols;
use crate::metrics::{self, Family, Period, Request, Scope};
use crate::model::columns::PERSON;
use crate::report::{Inputs, TableView};

/// The on-call tables the report reads, for every team; none when no shift overlaps the scope.
pub struct OncallTables {
    /// `oncall` over the report's week.
    pub week: Option<DataFrame>,
    /// `oncall_spread` over the trend weeks.
    pub spread: Option<DataFrame>,
    /// The trend weeks, named in the fairness line.
    pub trend: Period,
}

impl OncallTables {
    pub fn new(inp: &Inputs, week: &Scope, trend: &Scope) -> Result<OncallTables> {
        let req = Request {
            families: vec![Family::Oncall],
            by: None,
            compare: false,
            pairs: false,
        };
        let take = |scope: &Scope, id: TableId| -> Result<Option<DataFrame>> {
            let tables = metrics::run_on(inp.alerts, inp.frames, inp.cfg, scope, &req)?;
            Ok(tables.into_iter().find(|t| t.id == id).map(|t| t.frame))
        };
        Ok(OncallTables {
            week: take(week, TableId::Oncall)?,
            spread: take(trend, TableId::OncallSpread)?,
            trend: trend.period,
        })
    }

    fn weeks_words(&self) -> String {
        let weeks = (self.trend.to - self.trend.from).num_weeks();
        let last = Period::new(self.trend.to - chrono::Duration::weeks(1), self.trend.to)
            .map_or_else(|_| self.trend.label(), |p| p.label());
        format!("the {weeks} weeks to {last}")
    }
}

/// The section as the templates show it.
#[derive(Serialize)]
pub struct OncallView {
    /// One row per person of the team on call in the week.
    pub people: TableView,
    /// The fairness sentence over the trend weeks.
    pub fairness: String,
    /// Whether the team's spread is over its `oncall_spread_limit` (the sentence says so too).
    pub over_limit: bool,
}

/// Hours as the metrics give them (whole or half hours): "54", "164.5".
fn hours(x: Option<f64>) -> String {
    match x {
        Some(v) if v.fract() == 0.0 => format!("{v:.0}"),
        Some(v) => format!("{v:.1}"),
        None => NONE.into(),
    }
}

/// A ratio to at most two decimals: "2", "2.02".
fn times(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn people(t: &Tbl) -> TableView {
    let mut v = TableView::new(
        &[
            ("Person", false),
            ("Hours on call", true),
            ("Business", true),
            ("Off", true),
            ("Sleep", true),
            ("Pages", true),
            ("Interruptions", true),
            ("Sleep interruptions", true),
            ("Nights interrupted", true),
            ("Time on incidents", true),
        ],
        "Nobody of the team was on call this week.",
    );
    for r in 0..t.height() {
        let worked = t.u(oncall_cols::INCIDENTS_WORKED, r) > 0;
        v.push(vec![
            t.s(PERSON, r),
            hours(t.f(oncall_cols::ONCALL_HOURS, r)),
            hours(t.f(oncall_cols::BUSINESS_HOURS, r)),
            hours(t.f(oncall_cols::OFF_HOURS, r)),
            hours(t.f(oncall_cols::SLEEP_HOURS, r)),
            int(t.u(oncall_cols::PAGES, r)),
            int(t.u(oncall_cols::INTERRUPTIONS, r)),
            int(t.u(oncall_cols::SLEEP_INTERRUPTIONS, r)),
            int(t.u(oncall_cols::NIGHTS_INTERRUPTED, r)),
            if worked {
                dur(t.f(oncall_cols::INCIDENT_MIN, r))
            } else {
                NONE.into()
            },
        ]);
    }
    v
}

/// The team's spread row over the trend weeks, if any shift of the team falls in them.
fn spread_row(o: &OncallTables, team: &str) -> Result<Option<Tbl>> {
    let Some(df) = &o.spread else {
        return Ok(None);
    };
    let t = slice(df, team)?;
    Ok((t.height() > 0).then_some(t))
}

fn fairness(o: &OncallTables, team: &str) -> Result<(String, bool)> {
    let weeks = o.weeks_words();
    let Some(s) = spread_row(o, team)? else {
        return Ok((
            format!("Fairness: no on-call shift of the team in {weeks}."),
            false,
        ));
    };
    let limit = s
        .f(oncall_cols::SPREAD_LIMIT, 0)
        .map_or_else(|| NONE.into(), times);
    let Some(ratio) = s.f(oncall_cols::SPREAD_RATIO, 0) else {
        return Ok((
            format!(
                "Fairness over {weeks}: no spread, with {} on call and a median of {} h outside \
                 business hours (it needs 2 people and a median above 0).",
                int(s.u(oncall_cols::PEOPLE, 0)),
                hours(s.f(oncall_cols::MEDIAN_OUTSIDE_BUSINESS_HOURS, 0))
            ),
            false,
        ));
    };
    let over = s.b(oncall_cols::OVER_LIMIT, 0);
    let verdict = if over {
        format!("over the team's limit of {limit}")
    } else {
        format!("within the team's limit of {limit}")
    };
    Ok((
        format!(
            "Fairness over {weeks} (one week of a weekly rotation says nothing): the busiest \
             person, {}, was on call {} h outside business hours, {} times the median person's \
             {} h; {verdict}.",
            s.s(oncall_cols::BUSIEST, 0),
            hours(s.f(oncall_cols::MAX_OUTSIDE_BUSINESS_HOURS, 0)),
            times(ratio),
            hours(s.f(oncall_cols::MEDIAN_OUTSIDE_BUSINESS_HOURS, 0)),
        ),
        over,
    ))
}

/// The section of `team`.
pub fn section(o: &OncallTables, team: &str) -> Result<OncallView> {
    let people = match &o.week {
        Some(df) => people(&slice(df, team)?),
        None => people(&Tbl::new(DataFrame::empty())),
    };
    let (fairness, over_limit) = fairness(o, team)?;
    Ok(OncallView {
        people,
        fairness,
        over_limit,
    })
}

/// The organisation summary's lines: one per team of `teams` over its spread limit, or one
/// sentence saying no team is.
pub fn org_lines(o: &OncallTables, teams: &[&str]) -> Result<Vec<String>> {
    let weeks = o.weeks_words();
    let mut out = vec![];
    for team in teams {
        let Some(s) = spread_row(o, team)? else {
            continue;
        };
        if let (true, Some(ratio)) = (
            s.b(oncall_cols::OVER_LIMIT, 0),
            s.f(oncall_cols::SPREAD_RATIO, 0),
        ) {
            out.push(format!(
                "{team}: {} was on call {} times the median person's hours outside business \
                 hours in {weeks} ({} h against {} h; limit {}).",
                s.s(oncall_cols::BUSIEST, 0),
                times(ratio),
                hours(s.f(oncall_cols::MAX_OUTSIDE_BUSINESS_HOURS, 0)),
                hours(s.f(oncall_cols::MEDIAN_OUTSIDE_BUSINESS_HOURS, 0)),
                s.f(oncall_cols::SPREAD_LIMIT, 0)
                    .map_or_else(|| NONE.into(), times),
            ));
        }
    }
    if out.is_empty() {
        out.push(format!("No team over its on-call spread limit in {weeks}."));
    }
    Ok(out)
}
