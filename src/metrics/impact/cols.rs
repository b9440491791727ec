//! The output columns of the impact tables, named once: the family builds its frames with these
//! and the reports read them with these (also as `metrics::impact::NAME`). The strings are the
//! tidy table's `metric` values and docs/metrics.md's names, stable across releases. Each
//! table's list is its figures in frame order after its dimensions; the catalogue's schema test
//! holds the frames to them.

/// Start of the incident's impact interval (instant, UTC).
pub const IMPACT_FROM: &str = "impact_from";
/// End of the impact interval, the as-of instant for an open incident (instant, UTC).
pub const IMPACT_TO: &str = "impact_to";
/// The instants the interval used, e.g. "impact_started_at -> mitigated_at" (text).
pub const INSTANTS_USED: &str = "instants_used";
/// Whether the incident was still open at the as-of instant (bool); per group, how many (count).
pub const OPEN: &str = "open";
/// Impact minutes, the union of the group's intervals (minutes).
pub const IMPACT_MIN: &str = "impact_min";
/// Of `impact_min`, minutes from incidents still open at the as-of instant (minutes).
pub const OPEN_IMPACT_MIN: &str = "open_impact_min";
/// The incident's impact minutes inside the period (minutes).
pub const IN_PERIOD_MIN: &str = "in_period_min";
/// Incidents with impact in the period (count).
pub const INCIDENTS: &str = "incidents";
/// The plain sum of the group's impact minutes, overlaps counted twice (minutes).
pub const SUM_MIN: &str = "sum_min";
/// `sum_min` - `impact_min`: minutes of overlapping incidents counted once (minutes).
pub const OVERLAP_MIN: &str = "overlap_min";
/// The period's minutes observed up to the as-of instant (minutes).
pub const PERIOD_MIN: &str = "period_min";
/// 1 - `impact_min` / `period_min` (percent).
pub const AVAILABILITY_PCT: &str = "availability_pct";
/// The service's configured availability target (percent; null without an SLO).
pub const SLO_PCT: &str = "slo_pct";
/// Error budget: `period_min` x (1 - `slo_pct` / 100) (minutes).
pub const BUDGET_MIN: &str = "budget_min";
/// `impact_min` / `budget_min` (percent).
pub const BUDGET_BURNED_PCT: &str = "budget_burned_pct";

/// `impact_incidents`: figures after `team, service, severity, incident`.
pub const INCIDENTS_TABLE: &[&str] = &[
    IMPACT_FROM,
    IMPACT_TO,
    INSTANTS_USED,
    OPEN,
    IMPACT_MIN,
    IN_PERIOD_MIN,
];
/// `impact`: figures after `team, service, severity`.
pub const IMPACT_TABLE: &[&str] = &[INCIDENTS, OPEN, IMPACT_MIN, SUM_MIN, OVERLAP_MIN];
/// `availability` (after `team, service`) and `error_budget` (after `team, service, week`).
pub const AVAILABILITY_TABLE: &[&str] = &[
    INCIDENTS,
    OPEN,
    IMPACT_MIN,
    OPEN_IMPACT_MIN,
    PERIOD_MIN,
    AVAILABILITY_PCT,
    SLO_PCT,
    BUDGET_MIN,
    BUDGET_BURNED_PCT,
];
