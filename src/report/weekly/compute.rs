//! Every figure of the weekly report, computed once for all teams: each metric family runs over
//! the whole store grouped by team (and severity, week or priority where a section needs it), and
//! the team sections read their team's rows. Fifty teams cost one run per family, not fifty.
//!
//! The scopes: the week itself, with its comparisons against its baseline (the four weeks before
//! it, `Period::previous`: the tables `aftermath metrics --week W --compare previous` prints,
//! read here, not recomputed); the twelve weeks ending with it (the count trend, each team's series
//! and limits a `metrics::durations::weekly` fact); and everything detected before the week's end,
//! judged at the week's end (what was still open then). Every table is a `metrics::run` table, so
//! a report figure equals `aftermath metrics` for the same scope; who owes what is the typed list
//! of `metrics::actions::owed`, computed once and read by every team, and the page heatmap is the
//! typed grid of `metrics::fatigue::heatmap`. The only data read outside the metric families is
//! the team list. Every alert figure is asked of the session's alert source (`metrics::source`:
//! the store's alerts, or a scale-out job's output); `alert_asks` lists what the report asks it,
//! for `aftermath scale-out emit --report`.
//!
//! Data quality has no team dimension, so it runs once per team with the team filter; to keep
//! that cheap it runs over the week's incidents and alerts held in memory (the checks only read
//! rows of the period, so the table is the one `aftermath metrics quality --team` prints).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use polars::prelude::*;

use crate::error::Result;
use crate::metrics::TableId;
use crate::metrics::actions::owed::Owed;
use crate::metrics::catalogue;
use crate::metrics::durations::Metric;
use crate::metrics::durations::weekly::{Trends, weekly_trends};
use crate::metrics::durations::{self, CENSORED, METRIC, NOT_MEASURED, SECONDS};
use crate::metrics::fatigue::heatmap::{PageHeatmaps, page_heatmaps};
use crate::metrics::frames::in_period;
use crate::metrics::scaleout::{Ask, Step};
use crate::metrics::table::pe;
use crate::metrics::{self, Dim, Family, Frames, MetricTable, Period, Request, Scope};
use crate::model::columns::*;
use crate::report::Inputs;

/// Weeks of the comparison baseline (`metrics::baseline`) and of the count trend.
pub use crate::metrics::baseline::BASELINE_WEEKS;
pub const TREND_WEEKS: i64 = 12;
/// How far back "open at the end of the week" looks for incidents still unresolved.
const BACKLOG_WEEKS: i64 = 520;

/// Measured durations of one (team, severity, metric): seconds and whether still open.
pub type Durations = BTreeMap<(String, String, String), Vec<(f64, bool)>>;

/// The metric tables of the report, for every team.
pub struct Computed {
    pub week: Period,
    pub week_scope: Scope,
    /// Teams with incidents or alerts anywhere in the store, sorted.
    pub store_teams: Vec<String>,
    /// `incidents` by team and severity: this week.
    pub counts: DataFrame,
    /// `incidents_compare`, `tta_compare`, `ttr_compare` by team and severity: this week against
    /// its baseline.
    pub counts_compare: DataFrame,
    pub tta_compare: DataFrame,
    pub ttr_compare: DataFrame,
    /// Every team's weekly incident counts over the trend weeks, with their XmR limits.
    pub trends: Trends,
    /// `incidents` by team, severity and week, judged at the week's end: `open` is what was
    /// still unresolved then.
    pub open_at_end: DataFrame,
    pub tta: DataFrame,
    pub ttr: DataFrame,
    /// TTA and TTR per incident of the week (measured rows only), for the strip charts.
    pub durations: Durations,
    pub fatigue: DataFrame,
    pub shifts: Option<DataFrame>,
    pub rules: DataFrame,
    pub recurrence: DataFrame,
    pub recurrence_overall: DataFrame,
    pub clusters: DataFrame,
    pub actions: DataFrame,
    pub overdue: DataFrame,
    /// Who owes what at as-of, for every team: the overdue items (any week) and the postmortems
    /// outstanding for the incidents of the trend weeks (a postmortem is due 5 business days
    /// after the incident, so the week alone would almost never show one).
    pub owed: Owed,
    /// `availability` of the week, by team and service (with the open incidents' minutes).
    pub availability: DataFrame,
    /// `impact_incidents` of the week: the open ones are named beside the availability.
    pub impact_incidents: DataFrame,
    /// `oncall` of the week and `oncall_spread` of the trend weeks, for every team.
    pub oncall: super::oncall::OncallTables,
    /// Each team's pages of the week by weekday and hour on the team's clock.
    pub heatmaps: PageHeatmaps,
    /// The week's incidents and alerts in memory, for the per-team quality runs.
    quality_frames: Frames,
}

fn take(tables: &mut Vec<MetricTable>, id: TableId) -> Result<DataFrame> {
    Ok(catalogue::take(tables, id)?.frame)
}

fn take_opt(tables: &mut Vec<MetricTable>, id: TableId) -> Option<DataFrame> {
    catalogue::take(tables, id).ok().map(|t| t.frame)
}

fn run(
    inp: &Inputs,
    scope: &Scope,
    family: Family,
    by: Option<Vec<Dim>>,
) -> Result<Vec<MetricTable>> {
    run_compare(inp, scope, family, by, false)
}

fn run_compare(
    inp: &Inputs,
    scope: &Scope,
    family: Family,
    by: Option<Vec<Dim>>,
    compare: bool,
) -> Result<Vec<MetricTable>> {
    let req = Request {
        families: vec![family],
        by,
        compare,
        pairs: false,
    };
    metrics::run_on(inp.alerts, inp.frames, inp.cfg, scope, &req)
}

/// The measured TTA and TTR durations of a scope, by team, severity and metric.
fn measured(inp: &Inputs, scope: &Scope) -> Result<Durations> {
    let df = durations::per_incident(inp.frames, inp.cfg, scope)
        .filter(
            col(METRIC)
                .eq(lit("tta"))
                .or(col(METRIC).eq(lit("ttr")))
                .and(col(NOT_MEASURED).is_null())
                .and(col(SECONDS).is_not_null()),
        )
        .select([
            col(TEAM),
            col(SEVERITY),
            col(METRIC),
            col(SECONDS),
            col(CENSORED),
        ])
        .collect()
        .map_err(pe)?;
    let text = |c: &str| -> Result<Vec<String>> {
        Ok(df
            .column(c)
            .map_err(pe)?
            .str()
            .map_err(pe)?
            .iter()
            .map(|v| v.unwrap_or_default().to_string())
            .collect())
    };
    let (team, sev, metric) = (text(TEAM)?, text(SEVERITY)?, text(METRIC)?);
    let secs = df.column(SECONDS).map_err(pe)?.f64().map_err(pe)?;
    let cens = df.column(CENSORED).map_err(pe)?.bool().map_err(pe)?;
    let mut out = Durations::new();
    for (i, (s, c)) in secs.iter().zip(cens.iter()).enumerate() {
        if let Some(s) = s {
            let key = (team[i].clone(), sev[i].clone(), metric[i].clone());
            out.entry(key).or_default().push((s, c.unwrap_or(false)));
        }
    }
    Ok(out)
}

/// The report's two alert scopes: the week, and the trend weeks ending with it.
fn scopes(week: Period, as_of: DateTime<Utc>) -> Result<(Scope, Scope)> {
    let trend = Period::new(week.to - Duration::weeks(TREND_WEEKS), week.to)?;
    Ok((Scope::new(week, as_of), Scope::new(trend, as_of)))
}

/// The alert-scale reduce steps the weekly report of `week` asks its alert source for
/// (`metrics::source`), whatever its teams: the jobs `aftermath scale-out emit --report weekly`
/// writes. The facts are the session's; the week's fatigue by team and its noisy rules; the
/// week's alert checks (by team); the pages of the week (the heatmap, the on-call table) and of
/// the trend weeks (the on-call fairness line).
pub fn alert_asks(week: Period, as_of: DateTime<Utc>) -> Result<Vec<Ask>> {
    let (week_scope, trend_scope) = scopes(week, as_of)?;
    Ok(vec![
        Ask::new(Step::Facts, &week_scope),
        Ask::fatigue(&week_scope, &[Dim::Team], false),
        Ask::new(Step::Rules, &week_scope),
        Ask::new(Step::Quality, &week_scope),
        Ask::new(Step::Pages, &week_scope),
        Ask::new(Step::Pages, &trend_scope),
    ])
}

impl Computed {
    pub fn new(inp: &Inputs, week: Period) -> Result<Computed> {
        let as_of = inp.as_of;
        let (mut week_scope, trend_scope) = scopes(week, as_of)?;
        // Once for every comparison of the report: whether the week and its baseline lie inside
        // the data (`metrics::coverage`).
        week_scope.data = inp.span;
        // Judged at the week's end (or earlier, if the data is judged before it ended).
        let backlog = Period::new(week.to - Duration::weeks(BACKLOG_WEEKS), week.to)?;
        let end_scope = Scope::new(backlog, as_of.min(week.to));

        let team_sev = Some(vec![Dim::Team, Dim::Severity]);
        let mut d = run_compare(inp, &week_scope, Family::Durations, team_sev, true)?;
        let by_end = Some(vec![Dim::Team, Dim::Severity, Dim::Week]);
        let mut e = run(inp, &end_scope, Family::Durations, by_end)?;
        let mut f = run(inp, &week_scope, Family::Fatigue, Some(vec![Dim::Team]))?;
        let mut r = run(inp, &week_scope, Family::Rules, None)?;
        let mut rc = run(inp, &week_scope, Family::Recurrence, None)?;
        let by_priority = Some(vec![Dim::Priority, Dim::Team]);
        let mut a = run(inp, &week_scope, Family::Actions, by_priority)?;
        let mut imp = run(inp, &week_scope, Family::Impact, None)?;
        let owed = metrics::actions::owed::owed(inp.frames, inp.cfg, &trend_scope)?;

        let store_teams = crate::metrics::frames::store_teams(inp.frames, &inp.alert_facts)?;

        Ok(Computed {
            week,
            store_teams,
            counts: take(&mut d, TableId::Incidents)?,
            tta: take(&mut d, TableId::Duration(Metric::Tta))?,
            ttr: take(&mut d, TableId::Duration(Metric::Ttr))?,
            counts_compare: take(&mut d, TableId::IncidentsCompare)?,
            tta_compare: take(&mut d, TableId::DurationCompare(Metric::Tta))?,
            ttr_compare: take(&mut d, TableId::DurationCompare(Metric::Ttr))?,
            trends: weekly_trends(inp.frames, inp.cfg, &trend_scope)?,
            open_at_end: take(&mut e, TableId::Incidents)?,
            durations: measured(inp, &week_scope)?,
            fatigue: take(&mut f, TableId::Fatigue)?,
            shifts: take_opt(&mut f, TableId::FatigueShift),
            rules: take(&mut r, TableId::RulesByTeam)?,
            recurrence: take(&mut rc, TableId::Recurrence)?,
            recurrence_overall: take(&mut rc, TableId::RecurrenceOverall)?,
            clusters: take(&mut rc, TableId::RecurrenceClusters)?,
            actions: take(&mut a, TableId::Actions)?,
            overdue: take(&mut a, TableId::ActionsOverdueAll)?,
            owed,
            availability: take(&mut imp, TableId::Availability)?,
            impact_incidents: take(&mut imp, TableId::ImpactIncidents)?,
            oncall: super::oncall::OncallTables::new(inp, &week_scope, &trend_scope)?,
            heatmaps: page_heatmaps(&inp.alerts.pages(inp.frames, &week_scope)?, inp.cfg),
            quality_frames: quality_frames(inp.frames, &week_scope)?,
            week_scope,
        })
    }

    /// The `quality` table of the week for one team, or for every team (`None`).
    pub fn quality(&self, inp: &Inputs, team: Option<&str>) -> Result<DataFrame> {
        let mut scope = self.week_scope.clone();
        scope.filters.teams = team.map(|t| vec![t.to_string()]).unwrap_or_default();
        let mut q = metrics::quality::quality(inp.alerts, &self.quality_frames, inp.cfg, &scope)?;
        take(&mut q, TableId::Quality)
    }
}

/// The frames the quality checks read, cut down to the week and held in memory.
fn quality_frames(f: &Frames, scope: &Scope) -> Result<Frames> {
    let incidents = f
        .incidents
        .clone()
        .filter(in_period(DETECTED_AT, scope))
        .collect()
        .map_err(pe)?;
    let alerts = f
        .alerts
        .clone()
        .filter(in_period(FIRED_AT, scope))
        .select([
            col(ALERT_ID),
            col(TEAM),
            col(SERVICE),
            col(FIRED_AT),
            col(RESOLVED_AT),
        ])
        .collect()
        .map_err(pe)?;
    Ok(Frames {
        incidents: incidents.lazy(),
        alerts: alerts.lazy(),
        events: f.events.clone(),
        action_items: f.action_items.clone(),
        oncall_shifts: f.oncall_shifts.clone(),
        alert_history: f.alert_history.clone(),
        rejected: f.rejected.clone(),
    })
}
