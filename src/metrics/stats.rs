//! The statistics behind the metric catalogue (`metrics.md`, "Summary statistics of a duration
//! group" and "Comparing two periods"): pure functions on plain slices, durations in seconds, no
//! polars and no I/O, so the numbers can be checked against published values and by simulation
//! without building a frame. Incident durations are heavily skewed and groups are small, so every
//! method here is distribution-free or exact where that is affordable: order-statistic intervals
//! for medians, Kaplan-Meier when incidents are still open, Hodges-Lehmann and Mann-Whitney to
//! compare periods, exact Poisson and binomial intervals and tests for counts, Wilson intervals
//! for proportions, XmR limits for trends. Nothing here draws random numbers: the same data always
//! gives the same report.

mod compare;
mod counts;
mod dist;
mod summary;
mod xmr;

pub use compare::{
    HlResult, MIN_DURATION_SECS, MIN_PER_PERIOD, Verdict, hodges_lehmann_ratio, mann_whitney_p,
    smallest_detectable_change, verdict,
};
pub use counts::{
    COUNT_ALPHA, CountChange, binomial_test_rates, binomial_test_two_counts, count_change,
    poisson_exact, wilson,
};
pub use summary::{
    MIN_FOR_MEDIAN_CI, MIN_FOR_P90, MedianCi, MedianEstimate, Tail, TailKind, group_median,
    km_median, median, median_ci, median_estimate, p90,
};
pub use xmr::{MIN_XMR_POINTS, Xmr, xmr};
