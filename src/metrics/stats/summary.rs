//! Summary statistics of one duration group: the sample median with its exact distribution-free
//! interval, the Kaplan-Meier median when some incidents are still open, and the p90 (or the
//! maximum when the group is too small for a p90 to mean anything).

use super::dist::{ln_binom_half_pmf_next, ln_binom_half_pmf0};

/// Below this many durations no order-statistic interval reaches 95% coverage (n = 5 gives at
/// most 93.75%), so the report says "too few to bound".
pub const MIN_FOR_MEDIAN_CI: usize = 6;

/// Below this many durations the p90 is not shown; the maximum is, labelled as such.
pub const MIN_FOR_P90: usize = 29;

/// Nominal coverage of the median interval.
const MEDIAN_CI_COVERAGE: f64 = 0.95;

/// The sample median (mean of the two middle values when n is even); `None` when empty.
/// NaNs sort last (`total_cmp`), so they never panic, but callers should not pass them.
pub fn median(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    let mut v = xs.to_vec();
    v.sort_unstable_by(f64::total_cmp);
    Some(median_of_sorted(&v))
}

pub(super) fn median_of_sorted(v: &[f64]) -> f64 {
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

/// 1-based ranks `(k, n + 1 - k)` of the order statistics bounding the median of `n` values with
/// at least 95% coverage, whatever the distribution: the median lies between X(k) and X(n+1-k)
/// unless at most k - 1 of the n values fall below it (or above), which has probability
/// P(B <= k - 1) on each side, B ~ Binomial(n, 1/2). The narrowest such symmetric interval is
/// returned (the largest k). `None` when n < 6: even (X(1), X(n)) covers less than 95%.
pub fn median_ci(n: usize) -> Option<(usize, usize)> {
    median_ci_with_coverage(n).map(|(ranks, _)| ranks)
}

/// `median_ci` with the exact coverage of the interval, 1 - 2 P(B <= k - 1).
fn median_ci_with_coverage(n: usize) -> Option<((usize, usize), f64)> {
    let n64 = n as u64;
    let mut ln_pmf = ln_binom_half_pmf0(n64);
    let mut cdf = 0.0; // P(B <= k - 1)
    let mut best = None;
    for k in 1..=n / 2 {
        cdf += ln_pmf.exp();
        let coverage = 1.0 - 2.0 * cdf;
        if coverage < MEDIAN_CI_COVERAGE {
            break;
        }
        best = Some(((k, n + 1 - k), coverage));
        ln_pmf = ln_binom_half_pmf_next(ln_pmf, n64, (k - 1) as u64);
    }
    best
}

/// The median's interval, as values and as the ranks that gave them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MedianCi {
    pub low: f64,
    pub high: f64,
    /// 1-based ranks of `low` and `high` in the sorted group.
    pub ranks: (usize, usize),
    /// Exact coverage (>= 0.95), e.g. 0.96875 for n = 6.
    pub coverage: f64,
}

/// A group's median with its interval; `ci` is `None` ("too few to bound") when n < 6.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MedianEstimate {
    pub n: usize,
    pub median: f64,
    pub ci: Option<MedianCi>,
}

/// Median and its exact distribution-free 95% interval; `None` when `xs` is empty.
pub fn median_estimate(xs: &[f64]) -> Option<MedianEstimate> {
    if xs.is_empty() {
        return None;
    }
    let mut v = xs.to_vec();
    v.sort_unstable_by(f64::total_cmp);
    let ci = median_ci_with_coverage(v.len()).map(|((lo, hi), coverage)| MedianCi {
        low: v[lo - 1],
        high: v[hi - 1],
        ranks: (lo, hi),
        coverage,
    });
    Some(MedianEstimate {
        n: v.len(),
        median: median_of_sorted(&v),
        ci,
    })
}

/// Kaplan-Meier median survival time: the smallest observed event time t with S(t) <= 0.5, where
/// `censored[i]` marks an incident still open at `durations[i]` (its time so far). `None` when
/// the curve never reaches 0.5 (too many still open to say) or the group is empty.
///
/// At a tie, events are counted before censorings at the same time (the usual convention: an
/// incident open for t was still at risk at t). Panics if the slices differ in length, which is a
/// caller's bug, not a data condition.
pub fn km_median(durations: &[f64], censored: &[bool]) -> Option<f64> {
    assert_eq!(
        durations.len(),
        censored.len(),
        "km_median: one censoring flag per duration"
    );
    let mut obs: Vec<(f64, bool)> = durations
        .iter()
        .copied()
        .zip(censored.iter().copied())
        .collect();
    obs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut at_risk = obs.len();
    let mut survival = 1.0;
    let mut i = 0;
    while i < obs.len() {
        let t = obs[i].0;
        let (mut events, mut leaving) = (0usize, 0usize);
        while i < obs.len() && obs[i].0 == t {
            events += usize::from(!obs[i].1);
            leaving += 1;
            i += 1;
        }
        if events > 0 {
            survival *= 1.0 - events as f64 / at_risk as f64;
            // A product of fractions that is exactly 1/2 (e.g. 3/4 * 2/3) can round just above
            // it; a survival of exactly one half must count as reached.
            if survival <= 0.5 + 1e-12 {
                return Some(t);
            }
        }
        at_risk -= leaving;
    }
    None
}

/// The median the report shows: the Kaplan-Meier median when any incident is censored, the plain
/// sample median when none is (`metrics.md`, "Durations").
pub fn group_median(durations: &[f64], censored: &[bool]) -> Option<f64> {
    if censored.iter().any(|&c| c) {
        km_median(durations, censored)
    } else {
        median(durations)
    }
}

/// Which figure a [`Tail`] holds: a small group's "p90" would just be its largest value or
/// next-to-largest, so it is shown as the maximum and labelled so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TailKind {
    P90,
    Maximum,
}

/// The upper-tail figure of a group: the p90 when n >= 29, else the maximum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tail {
    pub value: f64,
    pub kind: TailKind,
}

/// The p90 by the nearest-rank definition (the ceil(0.9 n)-th smallest value) when n >= 29, else
/// the maximum. Nearest rank rather than interpolation (R's type 7) because the figure is then an
/// actual incident's duration, "90% of incidents were resolved within this", and it does not move
/// between two observations as n changes. `None` when empty.
pub fn p90(xs: &[f64]) -> Option<Tail> {
    let n = xs.len();
    if n == 0 {
        return None;
    }
    let mut v = xs.to_vec();
    v.sort_unstable_by(f64::total_cmp);
    Some(if n >= MIN_FOR_P90 {
        Tail {
            value: v[(9 * n).div_ceil(10) - 1],
            kind: TailKind::P90,
        }
    } else {
        Tail {
            value: v[n - 1],
            kind: TailKind::Maximum,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn median_of_odd_and_even_groups() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn median_ci_ranks_match_the_binomial() {
        // n = 6: (X1, X6) covers 1 - 2/64 = 96.875%; (X2, X5) only 78%.
        assert_eq!(median_ci(6), Some((1, 6)));
        assert!((median_ci_with_coverage(6).unwrap().1 - 0.96875).abs() < 1e-12);
        // n = 5: (X1, X5) covers 1 - 2/32 = 93.75% < 95%.
        assert_eq!(median_ci(5), None);
        assert_eq!(median_ci(0), None);
        // Published table values (e.g. Conover): n = 10 -> (2, 9) at 97.9%, n = 20 -> (6, 15).
        assert_eq!(median_ci(10), Some((2, 9)));
        assert!((median_ci_with_coverage(10).unwrap().1 - 0.978515625).abs() < 1e-12);
        assert_eq!(median_ci(20), Some((6, 15)));
        // Large n stays near the normal approximation n/2 -/+ 0.98 sqrt(n).
        let (lo, hi) = median_ci(10_000).unwrap();
        assert!((4900..=4903).contains(&lo) && hi == 10_001 - lo, "{lo}");
    }

    #[test]
    fn median_estimate_returns_interval_values() {
        let e = median_estimate(&[60.0, 10.0, 50.0, 20.0, 40.0, 30.0]).unwrap();
        assert_eq!(e.median, 35.0);
        let ci = e.ci.unwrap();
        assert_eq!((ci.low, ci.high, ci.ranks), (10.0, 60.0, (1, 6)));
        assert!(
            median_estimate(&[1.0, 2.0, 3.0, 4.0, 5.0])
                .unwrap()
                .ci
                .is_none()
        );
    }

    #[test]
    fn km_median_hand_computed() {
        // Times 1..6, still open at 2 and 4. S(1) = 5/6; at 3, 4 at risk: S = 5/6 * 3/4 = 0.625;
        // at 5, 2 at risk: S = 0.625 * 1/2 = 0.3125 <= 0.5 -> median 5 (the naive median of the
        // six times would be 3.5, biased low by treating open incidents as finished).
        let d = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let c = [false, true, false, true, false, false];
        assert_eq!(km_median(&d, &c), Some(5.0));
        assert_eq!(group_median(&d, &c), Some(5.0));
        // Without censoring S reaches exactly 1/2 at the 2nd of 4 (3/4 * 2/3): the KM median is
        // that time, while the group median is the sample median.
        let none = [false; 4];
        assert_eq!(km_median(&d[..4], &none), Some(2.0));
        assert_eq!(group_median(&d[..4], &none), Some(2.5));
        // Half or more still open before S reaches 1/2: no median.
        assert_eq!(km_median(&[1.0, 2.0, 3.0], &[false, true, true]), None);
    }

    #[test]
    fn p90_nearest_rank_or_maximum() {
        let small: Vec<f64> = (1..=28).map(f64::from).collect();
        assert_eq!(
            p90(&small),
            Some(Tail {
                value: 28.0,
                kind: TailKind::Maximum
            })
        );
        let big: Vec<f64> = (1..=30).rev().map(f64::from).collect();
        // ceil(0.9 * 30) = 27th smallest.
        assert_eq!(
            p90(&big),
            Some(Tail {
                value: 27.0,
                kind: TailKind::P90
            })
        );
        let n29: Vec<f64> = (1..=29).map(f64::from).collect();
        assert_eq!(p90(&n29).unwrap().value, 27.0); // ceil(26.1) = 27
        assert_eq!(p90(&[]), None);
    }

    proptest! {
        #[test]
        fn median_lies_in_its_interval_and_ignores_order(
            (v, shuffled) in prop::collection::vec(0.0f64..1e6, 6..80)
                .prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle()))
        ) {
            let e = median_estimate(&v).unwrap();
            let ci = e.ci.unwrap();
            prop_assert!(ci.low <= e.median && e.median <= ci.high);
            prop_assert!(ci.coverage >= 0.95);
            prop_assert_eq!(median_estimate(&shuffled), Some(e));
            prop_assert_eq!(p90(&shuffled), p90(&v));
        }
    }
}
