//! The output columns of the rules tables (`rules_by_team`, `rules_overall`), named once: the
//! family builds its frames with these and the reports read them with these. The strings are the
//! tidy table's `metric` values and docs/metrics.md's names, stable across releases. `TABLE` is
//! the figures in frame order after the dimensions (`team, rule` or `rule`); the catalogue's
//! schema test holds the frames to it.

/// The rule's place in the noise ranking, 1 the noisiest (rank).
pub const RANK: &str = "rank";
/// Alerts the rule fired (count).
pub const ALERTS: &str = "alerts";
/// Of them, alerts that paged a person (count).
pub const PAGES: &str = "pages";
/// Pages in the person's sleep hours (count).
pub const SLEEP_PAGES: &str = "sleep_pages";
/// The ranking's noise score (non-actionable pages weighted, sleep pages the most) (score).
pub const SCORE: &str = "score";
/// Pages tied to an incident, of the rule's pages (percent).
pub const ACTIONABLE_PCT: &str = "actionable_pct";
/// Alerts that resolved by themselves within minutes (percent).
pub const TRANSIENT_PCT: &str = "transient_pct";
/// Alerts that fired again within the flap window (percent).
pub const FLAPPING_PCT: &str = "flapping_pct";
/// Median time to resolve of the incidents the rule's alerts were tied to (minutes).
pub const MEDIAN_TTR_MIN: &str = "median_ttr_min";
/// Whether the rule is noisy by `[thresholds]` (enough pages, too few actionable) (bool).
pub const FLAGGED: &str = "flagged";

/// `rules_by_team`, `rules_overall`: figures after the dimensions.
pub const TABLE: &[&str] = &[
    RANK,
    ALERTS,
    PAGES,
    SLEEP_PAGES,
    SCORE,
    ACTIONABLE_PCT,
    TRANSIENT_PCT,
    FLAPPING_PCT,
    MEDIAN_TTR_MIN,
    FLAGGED,
];
