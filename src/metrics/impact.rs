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
mod tables;
#[cfg(test)]
mod tests;
pub mod universe;

use std::collections::BTreeMap;

use polars::prelude::*;

use super::frames::{Frames, filter_expr};
use super::scope::Scope;
use super::table::MetricTable;
use crate::config::Config;
use crate::error::Result;
use crate::model::columns::*;
use crate::model::time::MINUTE_US;
use intervals::Impact;
use tables::{availability_table, budget_table, incidents_table, severity_table};
use universe::{Key, ServiceRow};

/// Column names of the impact tables (the reports read them through these).
pub const IMPACT_FROM: &str = "impact_from";
pub const IMPACT_TO: &str = "impact_to";
pub const INSTANTS_USED: &str = "instants_used";
pub const OPEN: &str = "open";
pub const IMPACT_MIN: &str = "impact_min";
pub const OPEN_IMPACT_MIN: &str = "open_impact_min";
pub const IN_PERIOD_MIN: &str = "in_period_min";
pub const INCIDENTS: &str = "incidents";
pub const SUM_MIN: &str = "sum_min";
pub const OVERLAP_MIN: &str = "overlap_min";
pub const PERIOD_MIN: &str = "period_min";
pub const AVAILABILITY_PCT: &str = "availability_pct";
pub const SLO_PCT: &str = "slo_pct";
pub const BUDGET_MIN: &str = "budget_min";
pub const BUDGET_BURNED_PCT: &str = "budget_burned_pct";

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
