//! On-call load and fairness per person (`metrics.md`, "On-call load and fairness"): how many
//! hours each person was on call and when (business, off and sleep hours in the zone of their
//! shift, with the team's holidays), the pages routed to them and the interruptions and nights
//! those broke, the time they spent acting on incidents, each person's share of the team's load
//! with the spread between the busiest and the median person, and the monthly figures on-call
//! pay is computed from.
//!
//! The time rules are alert fatigue's, not a second copy: hours and pages are judged by
//! `hours::bucket` and `hours::night_of` with the judge of the shift (`fatigue::judges`), pages
//! are routed to people by `fatigue::shifts`, and interruptions merge by `hours::
//! merge_interruptions`. The submodules: `walk` (the hours of the shifts), `pages`, `incidents`
//! and `build` (the tables). This file holds the per-person figures and writes the notes.

mod build;
pub mod cols;
mod incidents;
mod pages;
#[cfg(test)]
mod tests;
mod walk;

use super::fatigue::shifts;
use super::source::AlertSource;
use super::{Family, Frames, MetricTable, Scope};
use crate::config::Config;
use crate::error::Result;
use crate::metrics::catalogue::TableId;
pub use incidents::MIN_INCIDENT_MINUTES;

/// The part of the period a figure covers: all of it, one ISO week or one UTC month (indices of
/// `fatigue::ids::week_index` and `month_index`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Span {
    All,
    Week(i64),
    Month(i64),
}

/// One person's on-call figures over one span.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Load {
    pub business_h: f64,
    pub off_h: f64,
    pub sleep_h: f64,
    /// Hours on local days that are not the team's business days (part of off and sleep hours).
    pub weekend_h: f64,
    /// Hours on the team's holidays that fall on business days.
    pub holiday_h: f64,
    /// Distinct local nights with on-call sleep hours.
    pub nights: u64,
    pub pages: u64,
    pub interruptions: u64,
    pub business_int: u64,
    pub off_int: u64,
    pub sleep_int: u64,
    pub nights_interrupted: u64,
    pub incidents: u64,
    pub incident_min: f64,
}

impl Load {
    pub(crate) fn hours(&self) -> f64 {
        self.business_h + self.off_h + self.sleep_h
    }

    pub(crate) fn outside_business_h(&self) -> f64 {
        self.off_h + self.sleep_h
    }

    fn add_hours(&mut self, o: &Load) {
        self.business_h += o.business_h;
        self.off_h += o.off_h;
        self.sleep_h += o.sleep_h;
        self.weekend_h += o.weekend_h;
        self.holiday_h += o.holiday_h;
        self.nights += o.nights;
    }
}

/// The definition `--explain` prints.
pub const DEFINITION: &str = "on-call hours are the hours of each person's shifts (oncall_shifts) \
inside the period and before as-of, split into business, off and sleep hours judged in the \
shift's zone with the team's business days, hours and holidays, exactly as alert fatigue judges \
a page; a person's overlapping shifts count once. A page goes to every person whose shift of the \
page's team covers it, and a person's pages merge into interruptions as in alert fatigue. \
Nights are local nights (named by the evening they begin) with on-call sleep hours; a night is \
interrupted by a sleep-hour interruption. Time on incidents: per incident, the person's first to \
last action on the timeline (actor, case-insensitive), at least the minimum per incident";

/// The on-call tables: `oncall`, `oncall_week`, `oncall_fairness`, `oncall_spread` and
/// `oncall_payroll`; none when no shift overlaps the period.
pub(crate) fn oncall(
    source: &dyn AlertSource,
    f: &Frames,
    cfg: &Config,
    scope: &Scope,
) -> Result<Vec<MetricTable>> {
    let shifts = shifts::load(f, scope)?;
    if shifts.list.is_empty() {
        return Ok(vec![]);
    }
    let from = scope.period.from_micros();
    // Hours after as-of have not happened yet: no page can be known in them.
    let to = scope.period.to_micros().min(scope.as_of.timestamp_micros());
    let mut roster = walk::walk(cfg, &shifts, from, to);
    let uncovered = pages::add_pages(&source.pages(f, scope)?, cfg, &shifts, &mut roster);
    let strangers = incidents::add_incidents(f, cfg, scope, &mut roster)?;
    let (period, weeks) = build::load_frames(&roster)?;
    let (fair, spread) = build::fairness_frames(&roster, cfg)?;
    let payroll = build::payroll_frame(&roster, |m| month_complete(m, from, to))?;

    let th = &cfg.thresholds;
    let mut notes = vec![
        "hours in the zone of each shift, with the team's business hours, sleep hours and \
         holidays; outside_business_hours = off_hours + sleep_hours; weekend_hours (days that \
         are not business days) and holiday_hours (holidays on business days) are part of them"
            .to_string(),
        format!(
            "pages: paged alerts of the team fired during the person's shift; interruptions \
             merge a person's pages within {} s of the interruption's first page; rates are per \
             on-call hour and, for sleep interruptions, per on-call night",
            th.interruption_merge_seconds
        ),
        format!(
            "incident_min: per incident, the person's first to last action on its timeline, at \
             least {MIN_INCIDENT_MINUTES} min; counted in the week of the first action"
        ),
    ];
    if to < scope.period.to_micros() {
        notes.push("shifts are counted up to as-of, not beyond".into());
    }
    if uncovered > 0 {
        notes.push(format!(
            "{uncovered} pages fired when no on-call shift of their team covered them; they are \
             nobody's load here (alert fatigue counts them for the team)"
        ));
    }
    if strangers > 0 {
        notes.push(format!(
            "{strangers} incident-person pairs are left out of incident time: the actor is on no \
             roster of the incident's team in the period"
        ));
    }
    notes.extend(zone_note(&shifts));
    let table = |id: TableId, title: &str, dims: &[&str], frame, notes: Vec<String>| MetricTable {
        family: Family::Oncall,
        id,
        title: title.into(),
        dims: dims.iter().map(|d| d.to_string()).collect(),
        frame,
        notes,
    };
    Ok(vec![
        table(
            TableId::Oncall,
            "On-call load by team and person",
            &["team", "person"],
            period,
            notes.clone(),
        ),
        table(
            TableId::OncallWeek,
            "On-call load by team, person and week",
            &["team", "person", "week"],
            weeks,
            notes,
        ),
        table(
            TableId::OncallFairness,
            "Each person's share of the team's on-call load",
            &["team", "person"],
            fair,
            vec![
                "shares of the team's on-call hours, hours outside business hours and sleep \
                 interruptions; load_vs_median = the person's hours outside business hours / \
                 the team's median person's"
                    .into(),
            ],
        ),
        table(
            TableId::OncallSpread,
            "On-call fairness: the busiest person against the team's median",
            &["team"],
            spread,
            vec![
                "spread_ratio = the most hours outside business hours any person of the team \
                 carried / the team's median person's; over_limit above the team's \
                 oncall_spread_limit; no ratio with fewer than 2 people or a median of 0"
                    .into(),
            ],
        ),
        table(
            TableId::OncallPayroll,
            "On-call pay figures by team, person and month",
            &["team", "person", "month"],
            payroll,
            vec![
                "months are UTC calendar months; month_complete is false when the period or \
                 as-of cuts the month: ask for whole months (--from 2026-10-01 --to 2026-11-01) \
                 to hand this to payroll"
                    .into(),
            ],
        ),
    ])
}

/// Whether `[from, to)` covers the whole UTC month `m` (a `month_index`).
fn month_complete(m: i64, from: i64, to: i64) -> bool {
    let start = |m: i64| {
        chrono::NaiveDate::from_ymd_opt(m.div_euclid(12) as i32, (m.rem_euclid(12) + 1) as u32, 1)
            .map(|d| super::scope::midnight(d).timestamp_micros())
    };
    match (start(m), start(m + 1)) {
        (Some(a), Some(b)) => from <= a && b <= to,
        _ => false,
    }
}

fn zone_note(shifts: &shifts::Shifts) -> Option<String> {
    (!shifts.bad_zones.is_empty()).then(|| {
        let names: Vec<_> = shifts.bad_zones.iter().map(|z| format!("{z:?}")).collect();
        format!(
            "{} shift time zones could not be read ({}); the team's zone was used for them",
            names.len(),
            names.join(", ")
        )
    })
}
