//! Time spent on incidents, from the timeline: for each incident and each person whose name is an
//! event's `actor` in an action a person takes (acknowledging, assigning, a status update, a note,
//! a severity change, mitigating, resolving, reopening, merging, declaring), the minutes from the
//! person's first to last action on it, at least `MIN_INCIDENT_MINUTES`. Events that happen *to*
//! a person (notified, escalated) or come from the monitoring (triggered, impact started) are not
//! work. The incident counts in the week and month of the person's first action, when that lies
//! in the period; excluded incidents (kind, merged, title pattern) are left out.
//!
//! The actor is matched to a person of the incident's team's roster case-insensitively; actions
//! by anyone else (another team's engineer, a bot) are counted for a note.

use polars::prelude::*;

use super::walk::{Person, Roster};
use crate::error::Result;
use crate::metrics::fatigue::classify::i64s;
use crate::metrics::fatigue::ids::{month_index, week_index};
use crate::metrics::frames::{Frames, exclusion_reason, filter_expr, texts_or_empty};
use crate::metrics::scope::Scope;
use crate::metrics::table::pe;
use crate::model::columns::*;
use crate::model::time::MINUTE_US_F;
use crate::model::vocab::EventKind;

/// The least time an incident a person acted on counts for: one acknowledgement still means
/// reading the page, opening the dashboards and deciding; the timeline only records the click.
pub const MIN_INCIDENT_MINUTES: f64 = 15.0;

/// The event kinds that are a person's action.
pub const ACTIONS: [EventKind; 10] = [
    EventKind::Detected,
    EventKind::Acknowledged,
    EventKind::Assigned,
    EventKind::StatusUpdate,
    EventKind::Note,
    EventKind::SeverityChanged,
    EventKind::Mitigated,
    EventKind::Resolved,
    EventKind::Reopened,
    EventKind::Merged,
];

const FIRST: &str = "first";
const LAST: &str = "last";
const WHO: &str = "who";

/// Add each roster person's incidents and minutes; returns the (incident, actor) pairs in the
/// period whose actor is on no roster of the incident's team.
pub(super) fn add_incidents(
    f: &Frames,
    cfg: &crate::config::Config,
    scope: &Scope,
    roster: &mut Roster,
) -> Result<u64> {
    let acting = ACTIONS
        .iter()
        .map(|k| col(KIND).eq(lit(k.as_str())))
        .reduce(|a, b| a.or(b))
        .expect("ACTIONS is not empty");
    let incidents = f
        .incidents
        .clone()
        .filter(exclusion_reason(cfg).is_null())
        .filter(filter_expr(&scope.filters, true, true))
        .select([col(INCIDENT_ID), col(TEAM)]);
    let df = f
        .events
        .clone()
        .filter(col(ACTOR).is_not_null().and(acting))
        .select([
            col(INCIDENT_ID),
            col(ACTOR)
                .str()
                .to_lowercase()
                .str()
                .strip_chars(lit(NULL))
                .alias(WHO),
            col(AT).cast(DataType::Int64),
        ])
        .join(
            incidents,
            [col(INCIDENT_ID)],
            [col(INCIDENT_ID)],
            JoinArgs::new(JoinType::Inner),
        )
        .group_by([col(INCIDENT_ID), col(TEAM), col(WHO)])
        .agg([col(AT).min().alias(FIRST), col(AT).max().alias(LAST)])
        .filter(
            col(FIRST)
                .gt_eq(lit(scope.period.from_micros()))
                .and(col(FIRST).lt(lit(scope.period.to_micros()))),
        )
        .sort(
            [INCIDENT_ID, WHO],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .collect()
        .map_err(pe)?;
    let (teams, who) = (texts_or_empty(&df, TEAM)?, texts_or_empty(&df, WHO)?);
    let (first, last) = (i64s(&df, FIRST)?, i64s(&df, LAST)?);
    // The roster's people by (team, lower-cased name).
    let people: std::collections::HashMap<(String, String), Person> = roster
        .loads
        .keys()
        .map(|(p, _)| ((p.0.clone(), p.1.trim().to_lowercase()), p.clone()))
        .collect();
    let mut strangers = 0u64;
    for i in 0..df.height() {
        let Some(p) = people.get(&(teams[i].clone(), who[i].clone())) else {
            strangers += 1;
            continue;
        };
        let min = ((last[i] - first[i]) as f64 / MINUTE_US_F).max(MIN_INCIDENT_MINUTES);
        let p = p.clone();
        roster.each(&p, week_index(first[i]), month_index(first[i]), |l| {
            l.incidents += 1;
            l.incident_min += min;
        });
    }
    Ok(strangers)
}
