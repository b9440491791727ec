//! The output columns of the recurrence tables, named once: the family builds its frames with
//! these and the reports read them with these. The strings are the tidy table's `metric` values
//! and docs/metrics.md's names, stable across releases. Each table's list (`RATE_TABLE`, ...) is
//! its figures in frame order after its dimensions; the catalogue's schema test holds the frames
//! to them.

pub use crate::model::columns::{INCIDENT_ID, TITLE};

// `recurrence`, `recurrence_overall` (the share of incidents that recur).
/// Incidents of the period, excluded ones left out (count).
pub const INCIDENTS: &str = "incidents";
/// Of them, incidents matching an earlier one within the recurrence window (count).
pub const RECURRENCES: &str = "recurrences";
/// `recurrences` of `incidents` (percent).
pub const REPEAT_RATE_PCT: &str = "repeat_rate_pct";
/// Lower end of the Wilson 95% interval of `repeat_rate_pct` (percent).
pub const REPEAT_RATE_LOW_PCT: &str = "repeat_rate_low_pct";
/// Upper end of the Wilson 95% interval of `repeat_rate_pct` (percent).
pub const REPEAT_RATE_HIGH_PCT: &str = "repeat_rate_high_pct";
/// Incidents matching an earlier one within the long window (count).
pub const RECURRENCES_LONG: &str = "recurrences_long";
/// `recurrences_long` of `incidents` (percent).
pub const REPEAT_RATE_LONG_PCT: &str = "repeat_rate_long_pct";

// `recurrence_clusters` (one recurring problem a row, by `cluster`).
/// Incidents of the cluster, in the period and before it (count).
pub const IN_PERIOD: &str = "in_period";
/// The cluster's first incident (instant, UTC).
pub const FIRST_SEEN: &str = "first_seen";
/// The cluster's last incident (instant, UTC).
pub const LAST_SEEN: &str = "last_seen";
/// Mean days between the cluster's consecutive incidents (days).
pub const MEAN_INTERVAL_DAYS: &str = "mean_interval_days";
/// The teams the incidents belong to, comma-separated (text).
pub const TEAMS: &str = "teams";
/// The services the incidents name, comma-separated (text).
pub const SERVICES: &str = "services";
/// The title template the incidents share (text).
pub const TEMPLATE: &str = "template";
/// One incident's title as an example (text).
pub const EXAMPLE_TITLE: &str = "example_title";
/// Action items of the cluster's incidents (count).
pub const ACTIONS_TOTAL: &str = "actions_total";
/// Of them, items done (count).
pub const ACTIONS_DONE: &str = "actions_done";
/// Of them, items still open (count).
pub const ACTIONS_OPEN: &str = "actions_open";

// `recurrence_pairs` (`--pairs`; also `INCIDENT_ID` and `TITLE` of the later incident).
/// The earlier incident the later one matched (id).
pub const MATCHED_INCIDENT_ID: &str = "matched_incident_id";
/// "fingerprint" or "title": what matched (text).
pub const KEY: &str = "key";
/// 1 for a fingerprint, else the Jaccard similarity of the title templates (0 to 1).
pub const SCORE: &str = "score";
/// Days from the earlier incident to the later (days).
pub const DAYS_BETWEEN: &str = "days_between";
/// The earlier incident's title (text).
pub const MATCHED_TITLE: &str = "matched_title";

/// `recurrence`, `recurrence_overall`: figures after the dimensions.
pub const RATE_TABLE: &[&str] = &[
    INCIDENTS,
    RECURRENCES,
    REPEAT_RATE_PCT,
    REPEAT_RATE_LOW_PCT,
    REPEAT_RATE_HIGH_PCT,
    RECURRENCES_LONG,
    REPEAT_RATE_LONG_PCT,
];
/// `recurrence_clusters`: figures after `cluster`.
pub const CLUSTERS_TABLE: &[&str] = &[
    INCIDENTS,
    IN_PERIOD,
    FIRST_SEEN,
    LAST_SEEN,
    MEAN_INTERVAL_DAYS,
    TEAMS,
    SERVICES,
    TEMPLATE,
    EXAMPLE_TITLE,
    ACTIONS_TOTAL,
    ACTIONS_DONE,
    ACTIONS_OPEN,
];
/// `recurrence_pairs`: figures after `cluster`.
pub const PAIRS_TABLE: &[&str] = &[
    INCIDENT_ID,
    MATCHED_INCIDENT_ID,
    KEY,
    SCORE,
    DAYS_BETWEEN,
    TITLE,
    MATCHED_TITLE,
];
