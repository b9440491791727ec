//! The output columns of the durations tables, named once: the family builds its frames with
//! these and the reports read them with these, so a renamed figure is a compile error in every
//! reader. The strings are the tidy table's `metric` values and docs/metrics.md's names: they are
//! stable across releases. Each table's list (`INCIDENTS_TABLE`, ...) is its figures in frame
//! order after its grouping dimensions; the catalogue's schema test holds the frames to them.

pub use super::{METRIC, NOT_MEASURED, SECONDS, START_USED};
pub use crate::model::columns::INCIDENT_ID;

// `incidents` (counts by group).
/// Incidents of the group in the period, excluded ones left out (count).
pub const INCIDENTS: &str = "incidents";
/// Lower end of the exact Poisson 95% interval of `incidents` (count).
pub const INCIDENTS_LOW: &str = "incidents_low";
/// Upper end of the exact Poisson 95% interval of `incidents` (count).
pub const INCIDENTS_HIGH: &str = "incidents_high";
/// Incidents not resolved at the as-of instant (count).
pub const OPEN: &str = "open";
/// Incidents left out by the exclusion rules (count).
pub const EXCLUDED: &str = "excluded";
/// Why they were left out, "3 kind = maintenance; 1 merged into ..." (text).
pub const EXCLUDED_REASONS: &str = "excluded_reasons";
/// XmR lower natural process limit of the weekly counts (count; only when grouped by week).
pub const XMR_LOWER: &str = "xmr_lower";
/// XmR upper natural process limit of the weekly counts (count; only when grouped by week).
pub const XMR_UPPER: &str = "xmr_upper";
/// "above limits", "below limits" or "" for a week against its XmR limits (text).
pub const XMR_SIGNAL: &str = "xmr_signal";

// `ttd`, `tta`, `ttm`, `ttr` (one duration's summary by group).
/// Incidents measured or censored (open) for the metric (count).
pub const N: &str = "n";
/// Of `n`, incidents still open at the as-of instant, censored at it (count).
pub const N_OPEN: &str = "n_open";
/// Incidents left out by the exclusion rules (count).
pub const N_EXCLUDED: &str = "n_excluded";
/// Incidents with no value for the metric (missing instant, negative duration) (count).
// `NOT_MEASURED` (re-exported above): why they are not measured, most frequent first (text).
pub const N_NOT_MEASURED: &str = "n_not_measured";
/// Incidents whose duration starts at impact_started_at (count).
pub const START_IMPACT: &str = "start_impact";
/// Incidents whose duration starts at detected_at, the impact start unknown (count).
pub const START_DETECTED: &str = "start_detected";
/// Median duration, Kaplan-Meier when any incident is open (minutes).
pub const MEDIAN_MIN: &str = "median_min";
/// "Kaplan-Meier" or "sample" (text).
pub const MEDIAN_METHOD: &str = "median_method";
/// Lower end of the median's exact 95% interval (minutes).
pub const MEDIAN_LOW_MIN: &str = "median_low_min";
/// Upper end of the median's exact 95% interval (minutes).
pub const MEDIAN_HIGH_MIN: &str = "median_high_min";
/// "95%" or "too few to bound" (text; null when no median).
pub const MEDIAN_INTERVAL: &str = "median_interval";
/// 90th percentile, or the maximum when too few (minutes; see `P90_KIND`).
pub const P90_MIN: &str = "p90_min";
/// "p90" or "maximum": what `p90_min` holds (text).
pub const P90_KIND: &str = "p90_kind";
/// Mean duration of the measured incidents, skew-sensitive (minutes).
pub const MEAN_SKEW_SENSITIVE_MIN: &str = "mean_skew_sensitive_min";
/// XmR lower limit of the weekly medians (minutes; only when grouped by week).
pub const XMR_LOWER_MIN: &str = "xmr_lower_min";
/// XmR upper limit of the weekly medians (minutes; only when grouped by week).
pub const XMR_UPPER_MIN: &str = "xmr_upper_min";

// `ttd_compare` ... (a duration against the previous period).
/// Closed incidents of the previous period compared (count).
pub const N_PREVIOUS: &str = "n_previous";
/// Open incidents left out of the comparison (count).
pub const OPEN_LEFT_OUT: &str = "open_left_out";
/// Median of the previous period's closed incidents (minutes).
pub const MEDIAN_PREVIOUS_MIN: &str = "median_previous_min";
/// Hodges-Lehmann estimate of this period's durations over the previous period's (ratio).
pub const RATIO: &str = "ratio";
/// Lower end of the ratio's 95% interval (ratio).
pub const RATIO_LOW: &str = "ratio_low";
/// Upper end of the ratio's 95% interval (ratio).
pub const RATIO_HIGH: &str = "ratio_high";
/// The test's p-value (probability).
pub const P_VALUE: &str = "p_value";
/// "shorter", "longer", "no clear change", "insufficient data" or not judged (text).
pub const VERDICT: &str = "verdict";
/// The smallest ratio the comparison could have detected (ratio).
pub const SMALLEST_DETECTABLE_CHANGE: &str = "smallest_detectable_change";

// `incidents_compare` (counts against the baseline).
/// Incidents of the baseline period (count).
pub const INCIDENTS_PREVIOUS: &str = "incidents_previous";
/// Lower end of the baseline count's exact Poisson 95% interval (count).
pub const INCIDENTS_PREVIOUS_LOW: &str = "incidents_previous_low";
/// Upper end of the baseline count's exact Poisson 95% interval (count).
pub const INCIDENTS_PREVIOUS_HIGH: &str = "incidents_previous_high";
/// The baseline count scaled to this period's length (count per period).
pub const INCIDENTS_PREVIOUS_SCALED: &str = "incidents_previous_scaled";
/// Lower end of the scaled baseline's interval (count per period).
pub const INCIDENTS_PREVIOUS_SCALED_LOW: &str = "incidents_previous_scaled_low";
/// Upper end of the scaled baseline's interval (count per period).
pub const INCIDENTS_PREVIOUS_SCALED_HIGH: &str = "incidents_previous_scaled_high";

/// `incidents`: figures after the dimensions (then `WEEKLY_COUNT_XMR` when grouped by week).
pub const INCIDENTS_TABLE: &[&str] = &[
    INCIDENTS,
    INCIDENTS_LOW,
    INCIDENTS_HIGH,
    OPEN,
    EXCLUDED,
    EXCLUDED_REASONS,
];
/// The XmR columns `incidents` gains when grouped by week.
pub const WEEKLY_COUNT_XMR: &[&str] = &[XMR_LOWER, XMR_UPPER, XMR_SIGNAL];
/// `ttd` ... `ttr`: figures after the dimensions (then `WEEKLY_MEDIAN_XMR` when by week).
pub const METRIC_TABLE: &[&str] = &[
    N,
    N_OPEN,
    N_EXCLUDED,
    N_NOT_MEASURED,
    NOT_MEASURED,
    START_IMPACT,
    START_DETECTED,
    MEDIAN_MIN,
    MEDIAN_METHOD,
    MEDIAN_LOW_MIN,
    MEDIAN_HIGH_MIN,
    MEDIAN_INTERVAL,
    P90_MIN,
    P90_KIND,
    MEAN_SKEW_SENSITIVE_MIN,
];
/// The XmR columns a duration table gains when grouped by week.
pub const WEEKLY_MEDIAN_XMR: &[&str] = &[XMR_LOWER_MIN, XMR_UPPER_MIN, XMR_SIGNAL];
/// `negative_durations` (no dimensions).
pub const NEGATIVE_TABLE: &[&str] = &[
    INCIDENT_ID,
    crate::model::columns::TEAM,
    METRIC,
    START_USED,
    SECONDS,
];
/// `ttd_compare` ...: figures after the dimensions.
pub const COMPARE_TABLE: &[&str] = &[
    N,
    N_PREVIOUS,
    OPEN_LEFT_OUT,
    MEDIAN_MIN,
    MEDIAN_PREVIOUS_MIN,
    RATIO,
    RATIO_LOW,
    RATIO_HIGH,
    P_VALUE,
    VERDICT,
    SMALLEST_DETECTABLE_CHANGE,
];
/// `incidents_compare`: figures after the dimensions.
pub const INCIDENTS_COMPARE_TABLE: &[&str] = &[
    INCIDENTS,
    INCIDENTS_LOW,
    INCIDENTS_HIGH,
    INCIDENTS_PREVIOUS,
    INCIDENTS_PREVIOUS_LOW,
    INCIDENTS_PREVIOUS_HIGH,
    INCIDENTS_PREVIOUS_SCALED,
    INCIDENTS_PREVIOUS_SCALED_LOW,
    INCIDENTS_PREVIOUS_SCALED_HIGH,
    P_VALUE,
    VERDICT,
];
