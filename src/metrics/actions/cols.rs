//! The output columns of the actions tables, named once: the family builds its frames with these
//! and the reports read them with these. The strings are the tidy table's `metric` values and
//! docs/metrics.md's names, stable across releases. Each table's list (`ACTIONS_TABLE`, ...) is
//! its figures in frame order after its dimensions; the catalogue's schema test holds the frames
//! to them.

pub use crate::model::columns::{DETECTED_AT, INCIDENT_ID, TITLE};

// `actions` (follow-through of the items created in the period, by group).
/// Action items created in the period (count).
pub const ITEMS: &str = "items";
/// Of them, items done (count).
pub const DONE: &str = "done";
/// Of them, items closed as won't do (count).
pub const WONT_DO: &str = "wont_do";
/// Of them, items still open (count).
pub const OPEN: &str = "open";
/// Done items of the items not closed as won't do (percent).
pub const COMPLETION_PCT: &str = "completion_pct";
/// Lower end of the Wilson 95% interval of `completion_pct` (percent).
pub const COMPLETION_LOW_PCT: &str = "completion_low_pct";
/// Upper end of the Wilson 95% interval of `completion_pct` (percent).
pub const COMPLETION_HIGH_PCT: &str = "completion_high_pct";
/// Open items past their due date at the as-of instant (count).
pub const OVERDUE: &str = "overdue";
/// Median days from creation to completion of the done items (days).
pub const MEDIAN_DAYS_TO_COMPLETE: &str = "median_days_to_complete";
/// The priority's target days to complete (days; only when grouped by priority).
pub const TARGET_DAYS: &str = "target_days";
/// Done items completed within their priority's target (percent).
pub const WITHIN_TARGET_PCT: &str = "within_target_pct";

// `actions_overdue_all` (the overdue backlog now, by priority and team; also `OVERDUE`).
/// The earliest due date of the group's overdue items (instant, UTC).
pub const OLDEST_DUE: &str = "oldest_due";
/// Days since that due date at the as-of instant (days).
pub const OLDEST_OVERDUE_DAYS: &str = "oldest_overdue_days";

// `postmortems_missing` (one incident a row by team and severity; also `INCIDENT_ID`, `TITLE`
// and `DETECTED_AT` of the store).
/// Business days since detection in the team's calendar (days).
pub const BUSINESS_DAYS_ELAPSED: &str = "business_days_elapsed";

/// `actions`: figures after the dimensions.
pub const ACTIONS_TABLE: &[&str] = &[
    ITEMS,
    DONE,
    WONT_DO,
    OPEN,
    COMPLETION_PCT,
    COMPLETION_LOW_PCT,
    COMPLETION_HIGH_PCT,
    OVERDUE,
    MEDIAN_DAYS_TO_COMPLETE,
    TARGET_DAYS,
    WITHIN_TARGET_PCT,
];
/// `actions_overdue_all`: figures after `priority, team`.
pub const OVERDUE_TABLE: &[&str] = &[OVERDUE, OLDEST_DUE, OLDEST_OVERDUE_DAYS];
/// `postmortems_missing`: figures after `team, severity`.
pub const POSTMORTEMS_MISSING_TABLE: &[&str] =
    &[INCIDENT_ID, TITLE, DETECTED_AT, BUSINESS_DAYS_ELAPSED];
