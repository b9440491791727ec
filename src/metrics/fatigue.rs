//! Alert fatigue (`metrics.md`, "Alert fatigue"): how often people were interrupted, when (business,
//! off or sleep hours in their own zone), and how much of it was worth it (actionable, transient,
//! flapping), per team and week by default, per person from the on-call shifts, per shift, and
//! against the previous period.
//!
//! The family owns its submodules: `classify` (the per-alert flags, shared with the noisy-rule
//! ranking), `ids` (dense ids and orders for millions of rows), `shifts` (who was on call),
//! `judges` (which zone and hours judge a page), `groups` and `units` (the counts of each group),
//! `build` (the `fatigue` table with intervals and XmR limits), `shift` (`fatigue_shift`) and
//! `compare` (`fatigue_compare`); `heatmap` is the typed 7 x 24 grid of each team's pages on its
//! own clock that the weekly report draws. This file checks the request and writes the notes.

mod build;
pub(crate) mod classify;
pub mod cols;
pub(crate) mod compare;
pub(crate) mod finish;
pub(crate) mod groups;
pub mod heatmap;
pub(crate) mod ids;
pub(crate) mod judges;
mod lookback;
pub(crate) mod reduce;
pub(crate) mod shift;
pub(crate) mod shifts;
#[cfg(test)]
pub(crate) mod testkit;
#[cfg(test)]
mod tests;
mod units;

use super::source::AlertSource;
use super::table::dim_names;
use super::{Dim, Family, Frames, MetricTable, Scope};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::metrics::catalogue::TableId;
use shifts::Shifts;

/// The dimensions fatigue can be grouped by.
const ALLOWED: [Dim; 6] = [
    Dim::Team,
    Dim::Week,
    Dim::Month,
    Dim::Person,
    Dim::Service,
    Dim::Severity,
];

/// The grouping of a request: `by`, or team and week; an error for a dim fatigue has not.
pub(crate) fn dims_of(by: Option<&[Dim]>) -> Result<Vec<Dim>> {
    let dims: Vec<Dim> = match by {
        Some(b) if !b.is_empty() => b.to_vec(),
        _ => vec![Dim::Team, Dim::Week],
    };
    if let Some(bad) = dims.iter().find(|d| !ALLOWED.contains(d)) {
        let names: Vec<_> = ALLOWED.iter().map(|d| d.name()).collect();
        return Err(Error::Query(format!(
            "fatigue cannot be grouped by {}; use any of {}",
            bad.name(),
            names.join(", ")
        )));
    }
    Ok(dims)
}

/// The fatigue tables: `fatigue` (by `by`, default team and week), `fatigue_shift` when on-call
/// shifts overlap the period, and `fatigue_compare` when `compare`: the reduce step of `source`
/// (the local engine's, or another engine's output), then the finish step every engine shares.
pub(crate) fn fatigue(
    source: &dyn AlertSource,
    f: &Frames,
    cfg: &Config,
    scope: &Scope,
    by: Option<&[Dim]>,
    compare: bool,
) -> Result<Vec<MetricTable>> {
    let dims = dims_of(by)?;
    tables(
        source.fatigue(f, cfg, scope, &dims, compare)?,
        cfg,
        scope,
        &dims,
    )
}

/// What the fatigue family's reduce step hands its finish step, from either engine.
pub(crate) struct FatigueReduced {
    /// The groups of the request's own grouping and period.
    pub main: reduce::Reduced,
    /// The on-call shifts overlapping the period (for the notes and `fatigue_shift`).
    pub shifts: Shifts,
    /// Each shift's pages inside it and the period (`shift::reduce`).
    pub shift_pages: Vec<Vec<shift::ShiftPage>>,
    /// For a comparison: the period by team (`None` when `main` sums to teams) and the
    /// previous period by team.
    pub compare: Option<(Option<reduce::Reduced>, reduce::Reduced)>,
}

/// The reduce step run locally over the frames' alerts (`dims` validated by `dims_of`).
pub(crate) fn reduce_local(
    f: &Frames,
    cfg: &Config,
    scope: &Scope,
    dims: &[Dim],
    compare: bool,
) -> Result<FatigueReduced> {
    let shifts = shifts::load(f, scope)?;
    if dims.contains(&Dim::Person) && !shifts.table_has_rows {
        return Err(Error::Query(
            "fatigue by person needs on-call shifts, and the store has no oncall_shifts; \
             ingest an oncall_shifts file or group by team"
                .into(),
        ));
    }
    let scoped = groups::load(f, cfg, scope, dims)?;
    let main = reduce::reduce(&scoped, cfg, dims, &shifts);
    let shift_pages = if shifts.list.is_empty() {
        vec![]
    } else {
        shift::reduce(&scoped, cfg, scope, &shifts)
    };
    let compare = if compare {
        // The comparison is by team: the groups above when they sum to teams, else by team anew;
        // the previous period's by team, with that period's shifts.
        let by_team = [Dim::Team];
        let now = (!compare::reuses(dims)).then(|| reduce::reduce(&scoped, cfg, &by_team, &shifts));
        drop(scoped);
        let prev_scope = scope.previous();
        let prev_shifts = shifts::load(f, &prev_scope)?;
        let prev = groups::load(f, cfg, &prev_scope, &by_team)?;
        Some((now, reduce::reduce(&prev, cfg, &by_team, &prev_shifts)))
    } else {
        None
    };
    Ok(FatigueReduced {
        main,
        shifts,
        shift_pages,
        compare,
    })
}

/// The finish step: the tables from a reduce step's output, whichever engine ran it.
pub(crate) fn tables(
    red: FatigueReduced,
    cfg: &Config,
    scope: &Scope,
    dims: &[Dim],
) -> Result<Vec<MetricTable>> {
    let groups = finish::finish(red.main, cfg, dims)?;
    let mut out = vec![fatigue_table(cfg, dims, &red.shifts, &groups, scope)?];
    if !red.shifts.list.is_empty() {
        out.push(shift::shift_table(
            &red.shifts,
            &red.shift_pages,
            cfg,
            scope,
        )?);
    }
    if let Some((now, before)) = red.compare {
        let by_team = [Dim::Team];
        let recomputed;
        let now = match now {
            Some(r) => {
                recomputed = finish::finish(r, cfg, &by_team)?;
                &recomputed
            }
            None if compare::reuses(dims) => &groups,
            None => {
                return Err(Error::Query(
                    "the grouping does not sum to teams, and the reduce step gave no groups by \
                     team for the comparison; emit the job again"
                        .into(),
                ));
            }
        };
        let before = finish::finish(before, cfg, &by_team)?;
        out.push(compare::compare_table(scope, now, &before)?);
    }
    Ok(out)
}

/// The `fatigue` table from its groups' figures (`groups::compute`, or the finish step over an
/// engine's reduced tables, `metrics::scaleout`), with the notes in force.
pub(crate) fn fatigue_table(
    cfg: &Config,
    dims: &[Dim],
    shifts: &Shifts,
    groups: &groups::Groups,
    scope: &Scope,
) -> Result<MetricTable> {
    let frame = build::fatigue_frame(groups, dims, &scope.period)?;
    let mut notes = fatigue_notes(cfg, dims, shifts);
    if dims.contains(&Dim::Person) && groups.no_shift_alerts > 0 {
        notes.push(format!(
            "{} alerts fired when no on-call shift of their team covered them; they are under \
             person \"{}\"",
            groups.no_shift_alerts,
            groups::NO_SHIFT
        ));
    }
    if groups.negative_tta > 0 {
        notes.push(format!(
            "{} acknowledged pages are left out of the acknowledgement time: acknowledged before \
             they fired (a data error)",
            groups.negative_tta
        ));
    }
    if frame.column(cols::INTERRUPTIONS_SIGNAL).is_ok() {
        notes.push(
            "interruptions_signal marks weeks outside the XmR limits (mean +- 2.66 x mean moving \
             range) of the group's weekly interruptions; weeks without alerts count as 0"
                .into(),
        );
    }
    let names = dim_names(dims);
    Ok(MetricTable {
        family: Family::Fatigue,
        id: TableId::Fatigue,
        title: format!("Alert fatigue by {}", join_words(&names)),
        dims: names,
        frame,
        notes,
    })
}

/// "team", "team and week", "team, service and week".
fn join_words(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

pub(super) fn zone_note(shifts: &Shifts) -> Option<String> {
    (!shifts.bad_zones.is_empty()).then(|| {
        let names: Vec<_> = shifts.bad_zones.iter().map(|z| format!("{z:?}")).collect();
        format!(
            "{} shift time zones could not be read ({}); the team's zone was used for them",
            names.len(),
            names.join(", ")
        )
    })
}

/// The definitions in force, in a manager's words.
fn fatigue_notes(cfg: &Config, dims: &[Dim], shifts: &Shifts) -> Vec<String> {
    let th = &cfg.thresholds;
    let who = if dims.contains(&Dim::Person) {
        "person"
    } else {
        "team"
    };
    let mut notes = vec![
        format!(
            "pages: alerts with paged = true; interruptions merge pages to the same {who} within \
             {} s of the interruption's first page",
            th.interruption_merge_seconds
        ),
        format!(
            "hours are judged in the on-call person's zone where a shift covers the page, else in \
             the team's configured zone; holidays count as off hours; a night counts once per \
             {who} in a group"
        ),
        "actionable: pages acknowledged by a person (acknowledged_by not \"auto\") or linked to \
         an incident, with a Wilson 95% interval"
            .into(),
        format!(
            "transient: alerts resolved by the monitoring system within {} s of firing and never \
             acknowledged, as a share of alerts",
            th.transient_seconds
        ),
        format!(
            "flapping: alerts whose fingerprint fired again within {} min of the previous \
             firing's resolution; an episode is {}+ firings of one fingerprint within {} min, \
             counted in the group of its first firing",
            th.flap_window_minutes, th.flap_episode_firings, th.flap_episode_window_minutes
        ),
        "notification_repeats: notifications beyond the first of each alert; \
         alerts_per_incident: alerts linked to an incident / the distinct incidents among them"
            .into(),
        "page_tta: minutes from firing to acknowledgement of acknowledged pages; the median's \
         interval is shown from 6 acknowledged pages"
            .into(),
    ];
    if dims.contains(&Dim::Person) {
        notes.push(
            "an alert covered by several shifts (primary and secondary) counts once for each \
             person, so person rows add up to more than the team's alerts"
                .into(),
        );
    }
    notes.extend(zone_note(shifts));
    notes
}
