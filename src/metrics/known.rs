//! The store as it was known at an instant (`--as-of`): every family, report and postmortem reads
//! the frames through [`Frames::known_at`], so a figure for a past period does not change when newer
//! data is ingested.
//!
//! What "known at T" means, per table (docs/metrics.md, "As of"):
//! - an incident exists from its `detected_at`; its acknowledgement, mitigation and resolution
//!   instants after T are unknown (null), and its status is the furthest state it had reached by T;
//! - a timeline event exists from its `at`;
//! - an alert exists from its `fired_at`; an acknowledgement or resolution after T is unknown
//!   (with who did it), so the alert is still firing at T;
//! - an action item exists from its `created_at`; completed after T, it was still open at T;
//! - on-call shifts are a schedule, known ahead, and are kept whole;
//! - `alert_history` keeps the alerts fired by T with their instants as recorded: its one reader,
//!   the flapping look-back, applies T itself, so its `resolved_at` filter reaches the store.
//!
//! Facts the sources give without an instant cannot be dated and are kept as they are now: an
//! incident's `postmortem_url`, `merged_into`, `reopen_count`, severity and title; an alert's
//! notification count; an action item closed as `wont_do` or `done` with no `completed_at`. The
//! rejected-row counts describe the latest ingest, not the data, and are kept too.

use chrono::{DateTime, Utc};
use polars::prelude::*;

use super::frames::{Frames, ts_lit};
use crate::model::columns::*;
use crate::model::vocab::{ActionStatus, IncidentStatus};

impl Frames {
    /// These frames as they were known at `as_of` (see the module docs). Lazy: the filters push
    /// down to the store's scans, and columns a family does not read are not computed.
    pub fn known_at(&self, as_of: DateTime<Utc>) -> Frames {
        let t = as_of.timestamp_micros();
        Frames {
            incidents: incidents_at(self.incidents.clone(), t),
            events: self.events.clone().filter(col(AT).lt_eq(ts_lit(t))),
            alerts: alerts_at(self.alerts.clone(), t),
            action_items: action_items_at(self.action_items.clone(), t),
            oncall_shifts: self.oncall_shifts.clone(),
            alert_history: self
                .alert_history
                .clone()
                .filter(col(FIRED_AT).lt_eq(ts_lit(t))),
            rejected: self.rejected.clone(),
        }
    }
}

/// `true` where the instant column `c` is known and later than `t`.
fn after(c: &str, t: i64) -> Expr {
    col(c).gt(ts_lit(t)).fill_null(lit(false))
}

/// The instant column `c`, null where it is later than `t`.
fn unless_after(c: &str, t: i64) -> Expr {
    when(after(c, t))
        .then(lit(NULL).cast(col_type()))
        .otherwise(col(c))
        .alias(c)
}

/// The text column `who`, null where the instant column `c` is later than `t`.
fn who_unless_after(who: &str, c: &str, t: i64) -> Expr {
    when(after(c, t))
        .then(lit(NULL).cast(DataType::String))
        .otherwise(col(who))
        .alias(who)
}

fn col_type() -> DataType {
    DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
}

fn incidents_at(incidents: LazyFrame, t: i64) -> LazyFrame {
    // The status is derived again only for an incident whose later state was removed; one whose
    // instants all lie before `t` keeps the status its source gave.
    let changed = after(ACKNOWLEDGED_AT, t)
        .or(after(MITIGATED_AT, t))
        .or(after(RESOLVED_AT, t));
    let known = |c: &str| col(c).is_not_null().and(col(c).lt_eq(ts_lit(t)));
    let status_at = when(known(RESOLVED_AT))
        .then(lit(IncidentStatus::Resolved.as_str()))
        .when(known(MITIGATED_AT))
        .then(lit(IncidentStatus::Mitigated.as_str()))
        .when(known(ACKNOWLEDGED_AT))
        .then(lit(IncidentStatus::Acknowledged.as_str()))
        .otherwise(lit(IncidentStatus::Open.as_str()));
    incidents
        .filter(col(DETECTED_AT).lt_eq(ts_lit(t)))
        .with_column(
            when(changed)
                .then(status_at)
                .otherwise(col(STATUS))
                .alias(STATUS),
        )
        .with_columns([
            unless_after(ACKNOWLEDGED_AT, t),
            unless_after(MITIGATED_AT, t),
            unless_after(RESOLVED_AT, t),
        ])
}

/// The alerts as known at `t` (UTC microseconds): `Frames::known_at`'s `alerts`.
pub(crate) fn alerts_at(alerts: LazyFrame, t: i64) -> LazyFrame {
    alerts
        .filter(col(FIRED_AT).lt_eq(ts_lit(t)))
        .with_columns([
            who_unless_after(ACKNOWLEDGED_BY, ACKNOWLEDGED_AT, t),
            who_unless_after(RESOLVED_BY, RESOLVED_AT, t),
        ])
        .with_columns([
            unless_after(ACKNOWLEDGED_AT, t),
            unless_after(RESOLVED_AT, t),
        ])
}

fn action_items_at(items: LazyFrame, t: i64) -> LazyFrame {
    items
        .filter(col(CREATED_AT).lt_eq(ts_lit(t)))
        .with_column(
            when(after(COMPLETED_AT, t))
                .then(lit(ActionStatus::Open.as_str()))
                .otherwise(col(STATUS))
                .alias(STATUS),
        )
        .with_column(unless_after(COMPLETED_AT, t))
}

#[cfg(test)]
mod tests;
