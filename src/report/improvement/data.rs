//! The metric runs behind the improvement report, made once and shared by its sections: the
//! same calls `aftermath metrics` makes for the same scope, so every figure of the report can be
//! found again with the command line (`--by team,month`, `--compare previous`, a month's
//! `--from/--to`).
//!
//! The quarter is run grouped by team and month (durations, fatigue); the comparison with the
//! previous period of the same length by team and by team and severity; recurrence and the
//! on-call shifts once per month, since they have no month dimension; the noisy rules for both
//! quarters; action items per month and per team; customer impact (its tables have fixed groups,
//! the weeks among them); and the data-quality checks. The alert-scale families run on the
//! session's alert source (`metrics::source`); `alert_asks` lists what they ask it, for
//! `aftermath scale-out emit --report`.

use chrono::{DateTime, Datelike, Months, NaiveDate, TimeZone, Utc};

use super::fmt::{instants, table};
use crate::error::Result;
use crate::metrics::TableId;
use crate::metrics::quality::cols as quality_cols;
use crate::metrics::recurrence::Members;
use crate::metrics::rules::change::{RuleChanges, rule_changes};
use crate::metrics::rules::rules_with_pages;
use crate::metrics::scaleout::{Ask, Step};
use crate::metrics::{self, Dim, Family, MetricTable, Period, Request, Scope};
use crate::report::Inputs;

/// One calendar month of the period (clipped to it), e.g. `2026-07`.
pub struct Month {
    pub label: String,
    pub period: Period,
    /// Shifts of the month (`fatigue_shift` over the month alone), when any shift overlaps it.
    pub shifts: Option<MetricTable>,
    /// `recurrence` by team over the month.
    pub recurrence: MetricTable,
    /// `actions` of items created in the month, all teams together.
    pub actions: MetricTable,
}

/// Every metric table the report reads.
pub struct Data {
    pub scope: Scope,
    pub months: Vec<Month>,
    /// Durations by team and month (`incidents`, `tta`, `ttr`, ...).
    pub durations: Vec<MetricTable>,
    /// Durations by team, compared with the previous period (`incidents_compare`).
    pub by_team: Vec<MetricTable>,
    /// Durations by team and severity, compared with the previous period (`tta_compare`, ...).
    pub by_severity: Vec<MetricTable>,
    /// Fatigue by team and month, with `fatigue_compare` by team.
    pub fatigue: Vec<MetricTable>,
    /// Recurrence over the whole period.
    pub recurrence: Vec<MetricTable>,
    /// The incidents of each cluster of `recurrence_clusters`, by cluster name.
    pub members: Members,
    pub rules: Vec<MetricTable>,
    pub rules_previous: Vec<MetricTable>,
    /// Each rule's pages in the period and the previous one, and the change between them.
    pub rule_changes: RuleChanges,
    /// Action items created in the period by team, and the overdue backlog at as-of.
    pub actions: Vec<MetricTable>,
    pub quality: Vec<MetricTable>,
    /// Customer impact over the period (`impact_incidents`, `availability`, `error_budget`, ...).
    pub impact: Vec<MetricTable>,
    /// First incident detected in the store (UTC microseconds), whatever the period.
    pub first_detected: Option<i64>,
}

fn midnight(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_time(chrono::NaiveTime::MIN))
}

/// The calendar months the period touches, each clipped to the period.
pub fn months(period: &Period) -> Vec<(String, Period)> {
    let mut out = vec![];
    let first = period.from.date_naive();
    let mut start = NaiveDate::from_ymd_opt(first.year(), first.month(), 1).expect("day 1");
    while midnight(start) < period.to {
        let next = start + Months::new(1);
        let (from, to) = (
            midnight(start).max(period.from),
            midnight(next).min(period.to),
        );
        if let Ok(p) = Period::new(from, to) {
            out.push((start.format("%Y-%m").to_string(), p));
        }
        start = next;
    }
    out
}

fn req(families: &[Family], by: Option<Vec<Dim>>, compare: bool, pairs: bool) -> Request {
    Request {
        families: families.to_vec(),
        by,
        compare,
        pairs,
    }
}

/// The alert-scale reduce steps the report of `period` asks its alert source for
/// (`metrics::source`): the jobs `aftermath scale-out emit --report improvement` writes. The
/// facts (the session's, and the comparisons' coverage); each month's fatigue by team (its
/// shifts); the period's fatigue by team and month with the comparison's groups; the alert
/// checks; the noisy rules of the period and of the previous one; the period's pages (on-call
/// load). `period` is the one the report covers, after `coverage::narrow_to_data`.
pub fn alert_asks(period: Period, as_of: DateTime<Utc>) -> Vec<Ask> {
    let scope = Scope::new(period, as_of);
    let mut asks = vec![Ask::new(Step::Facts, &scope)];
    for (_, p) in months(&period) {
        asks.push(Ask::fatigue(&Scope::new(p, as_of), &[Dim::Team], false));
    }
    asks.extend([
        Ask::fatigue(&scope, &[Dim::Team, Dim::Month], true),
        Ask::new(Step::Quality, &scope),
        Ask::new(Step::Rules, &scope),
        Ask::new(Step::Rules, &scope.previous()),
        Ask::new(Step::Pages, &scope),
    ]);
    asks
}

/// Run everything for `period`, judged at `inp.as_of`.
pub fn load(inp: &Inputs, period: Period) -> Result<Data> {
    let (f, cfg) = (inp.frames, inp.cfg);
    let scope = Scope::new(period, inp.as_of);
    let run = |scope: &Scope, r: Request| metrics::run_on(inp.alerts, f, cfg, scope, &r);
    let team_month = Some(vec![Dim::Team, Dim::Month]);
    let mut month_data = vec![];
    for (label, p) in months(&period) {
        let ms = Scope::new(p, inp.as_of);
        let fat = run(
            &ms,
            req(&[Family::Fatigue], Some(vec![Dim::Team]), false, false),
        )?;
        let rec = run(&ms, req(&[Family::Recurrence], None, false, false))?;
        let act = run(&ms, req(&[Family::Actions], Some(vec![]), false, false))?;
        month_data.push(Month {
            label,
            period: p,
            shifts: fat.into_iter().find(|t| t.id == TableId::FatigueShift),
            recurrence: table(&rec, TableId::Recurrence)?.clone(),
            actions: table(&act, TableId::Actions)?.clone(),
        });
    }
    let quality = run(&scope, req(&[Family::Quality], None, false, false))?;
    let (recurrence, members) = metrics::recurrence::with_members(f, cfg, &scope)?;
    let first_detected = instants(
        &table(&quality, TableId::Freshness)?.frame,
        quality_cols::FIRST_DETECTED,
    )?
    .first()
    .copied()
    .flatten();
    let judged = !previous_partial(&scope, first_detected);
    // The ranking and each rule's pages from one reduce step per period.
    let (rules, now) = rules_with_pages(inp.alerts, f, cfg, &scope)?;
    let (rules_previous, before) = rules_with_pages(inp.alerts, f, cfg, &scope.previous())?;
    Ok(Data {
        months: month_data,
        durations: run(
            &scope,
            req(&[Family::Durations], team_month.clone(), false, false),
        )?,
        by_team: run(
            &scope,
            req(&[Family::Durations], Some(vec![Dim::Team]), true, false),
        )?,
        by_severity: run(
            &scope,
            req(
                &[Family::Durations],
                Some(vec![Dim::Team, Dim::Severity]),
                true,
                false,
            ),
        )?,
        fatigue: run(&scope, req(&[Family::Fatigue], team_month, true, false))?,
        recurrence,
        members,
        rule_changes: rule_changes(&now, &before, &scope, judged),
        rules,
        rules_previous,
        actions: run(
            &scope,
            req(&[Family::Actions], Some(vec![Dim::Team]), false, false),
        )?,
        quality,
        impact: run(&scope, req(&[Family::Impact], None, false, false))?,
        first_detected,
        scope,
    })
}

impl Data {
    /// The month labels, in order.
    pub fn month_labels(&self) -> Vec<String> {
        self.months.iter().map(|m| m.label.clone()).collect()
    }

    /// True when the store's data starts after the previous period begins, so the previous
    /// period is only partly covered and its counts cannot be compared with this period's.
    pub fn previous_partial(&self) -> bool {
        previous_partial(&self.scope, self.first_detected)
    }
}

/// Whether the store's first incident (`first_detected`) comes after the start of the period
/// before `scope`'s, or there is none.
fn previous_partial(scope: &Scope, first_detected: Option<i64>) -> bool {
    let prev = scope.period.previous();
    first_detected.is_none_or(|first| first > prev.from_micros())
}
