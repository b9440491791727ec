//! The output columns of the fatigue tables, named once: the family builds its frames with these
//! and the reports read them with these, so a renamed figure is a compile error in every reader.
//! The strings are the tidy table's `metric` values and docs/metrics.md's names, stable across
//! releases. Each table's list (`FATIGUE_TABLE`, ...) is its figures in frame order after its
//! grouping dimensions; the catalogue's schema test holds the frames to them.

pub use crate::model::columns::{ENDS_AT, STARTS_AT};

// `fatigue` (by the chosen groups).
/// Alerts fired (count).
pub const ALERTS: &str = "alerts";
/// Alerts that paged a person (count).
pub const PAGES: &str = "pages";
/// Pages merged into interruptions: pages within a minute of each other interrupt once (count).
pub const INTERRUPTIONS: &str = "interruptions";
/// Interruptions in the team's business hours (count).
pub const BUSINESS_INTERRUPTIONS: &str = "business_interruptions";
/// Interruptions outside business hours, not in sleep hours (count).
pub const OFF_INTERRUPTIONS: &str = "off_interruptions";
/// Interruptions in the person's sleep hours (count).
pub const SLEEP_INTERRUPTIONS: &str = "sleep_interruptions";
/// Nights with at least one sleep interruption (count).
pub const NIGHTS_INTERRUPTED: &str = "nights_interrupted";
/// Pages tied to an incident, of all pages (percent).
pub const ACTIONABLE_PCT: &str = "actionable_pct";
/// Lower end of the Wilson 95% interval of `actionable_pct` (percent).
pub const ACTIONABLE_LOW_PCT: &str = "actionable_low_pct";
/// Upper end of the Wilson 95% interval of `actionable_pct` (percent).
pub const ACTIONABLE_HIGH_PCT: &str = "actionable_high_pct";
/// Alerts that resolved by themselves within minutes, of all alerts (percent).
pub const TRANSIENT_PCT: &str = "transient_pct";
/// Alerts that fired again within the flap window (count).
pub const FLAPPING_ALERTS: &str = "flapping_alerts";
/// `flapping_alerts` of all alerts (percent).
pub const FLAPPING_PCT: &str = "flapping_pct";
/// Flapping episodes: runs of firings of one rule within the episode window (count).
pub const FLAPPING_EPISODES: &str = "flapping_episodes";
/// Alerts per incident they were tied to (ratio).
pub const ALERTS_PER_INCIDENT: &str = "alerts_per_incident";
/// Notifications beyond the first of each alert (count).
pub const NOTIFICATION_REPEATS: &str = "notification_repeats";
/// Pages acknowledged, the ones `page_tta_*` is measured on (count).
pub const PAGES_ACKED: &str = "pages_acked";
/// Median time from page to acknowledgement (minutes).
pub const PAGE_TTA_MEDIAN_MIN: &str = "page_tta_median_min";
/// Lower end of the median's 95% interval (minutes).
pub const PAGE_TTA_LOW_MIN: &str = "page_tta_low_min";
/// Upper end of the median's 95% interval (minutes).
pub const PAGE_TTA_HIGH_MIN: &str = "page_tta_high_min";
/// XmR upper limit of the group's weekly interruptions (count; only when grouped by week).
pub const INTERRUPTIONS_XMR_UPPER: &str = "interruptions_xmr_upper";
/// XmR lower limit of the group's weekly interruptions (count; only when grouped by week).
pub const INTERRUPTIONS_XMR_LOWER: &str = "interruptions_xmr_lower";
/// "above limits", "below limits" or "" for a week's interruptions (text; only by week).
pub const INTERRUPTIONS_SIGNAL: &str = "interruptions_signal";

// `fatigue_shift` (per on-call shift; also `STARTS_AT`, `ENDS_AT` of the shift, RFC 3339).
/// Length of the shift inside the period (hours).
pub const HOURS: &str = "hours";
/// Pages per 12 hours of the shift (rate).
pub const PAGES_PER_12H: &str = "pages_per_12h";
/// Whether `pages_per_12h` is above the configured limit (bool).
pub const OVER_LIMIT: &str = "over_limit";

// `fatigue_compare` (pages against the previous period).
/// Pages of the previous period (count).
pub const PAGES_PREVIOUS: &str = "pages_previous";
/// Lower end of the exact Poisson 95% interval of `pages` (count).
pub const PAGES_LOW: &str = "pages_low";
/// Upper end of the exact Poisson 95% interval of `pages` (count).
pub const PAGES_HIGH: &str = "pages_high";
/// p-value of the change in pages (probability).
pub const PAGES_CHANGE_P: &str = "pages_change_p";
/// Interruptions of the previous period (count).
pub const INTERRUPTIONS_PREVIOUS: &str = "interruptions_previous";
/// `actionable_pct` of the previous period (percent).
pub const ACTIONABLE_PCT_PREVIOUS: &str = "actionable_pct_previous";
/// "more", "fewer", "no clear change", "insufficient data" or not judged (text).
pub const VERDICT: &str = "verdict";

/// `fatigue`: figures after the dimensions (then `WEEKLY_XMR` when grouped by week).
pub const FATIGUE_TABLE: &[&str] = &[
    ALERTS,
    PAGES,
    INTERRUPTIONS,
    BUSINESS_INTERRUPTIONS,
    OFF_INTERRUPTIONS,
    SLEEP_INTERRUPTIONS,
    NIGHTS_INTERRUPTED,
    ACTIONABLE_PCT,
    ACTIONABLE_LOW_PCT,
    ACTIONABLE_HIGH_PCT,
    TRANSIENT_PCT,
    FLAPPING_ALERTS,
    FLAPPING_PCT,
    FLAPPING_EPISODES,
    ALERTS_PER_INCIDENT,
    NOTIFICATION_REPEATS,
    PAGES_ACKED,
    PAGE_TTA_MEDIAN_MIN,
    PAGE_TTA_LOW_MIN,
    PAGE_TTA_HIGH_MIN,
];
/// The XmR columns `fatigue` gains when grouped by week.
pub const WEEKLY_XMR: &[&str] = &[
    INTERRUPTIONS_XMR_UPPER,
    INTERRUPTIONS_XMR_LOWER,
    INTERRUPTIONS_SIGNAL,
];
/// `fatigue_shift`: figures after `team, person, shift`.
pub const SHIFT_TABLE: &[&str] = &[
    STARTS_AT,
    ENDS_AT,
    HOURS,
    PAGES,
    INTERRUPTIONS,
    SLEEP_INTERRUPTIONS,
    PAGES_PER_12H,
    OVER_LIMIT,
];
/// `fatigue_compare`: figures after `team`.
pub const COMPARE_TABLE: &[&str] = &[
    PAGES,
    PAGES_PREVIOUS,
    PAGES_LOW,
    PAGES_HIGH,
    PAGES_CHANGE_P,
    INTERRUPTIONS,
    INTERRUPTIONS_PREVIOUS,
    ACTIONABLE_PCT,
    ACTIONABLE_PCT_PREVIOUS,
    VERDICT,
];
