//! Intervals and tests for counts and proportions: the exact (Garwood) Poisson interval for a
//! count of incidents or pages in a period, the conditional binomial test for the ratio of two
//! such counts, and the Wilson interval for proportions (actionable ratio, repeat rate). Exact or
//! score-based methods because the counts are often small, where the textbook normal intervals
//! go below zero or collapse to a point.

use super::dist::{binom_half_cdf, gamma_pq, poisson_cdf};

/// z for 95% two-sided.
const Z_975: f64 = 1.959964;

/// Two-sided tail probability of each 95% interval end.
const ALPHA_HALF: f64 = 0.025;

/// Wilson score 95% interval for `successes` out of `n`. Unlike p +- z se it never leaves [0, 1]
/// and does not collapse to a point at 0 or n successes (0 of 10 still allows up to 27.8%).
/// `n = 0` gives (0, 1): no data, no information. Panics if `successes > n` (a caller's bug).
pub fn wilson(successes: u64, n: u64) -> (f64, f64) {
    assert!(successes <= n, "wilson: {successes} successes out of {n}");
    if n == 0 {
        return (0.0, 1.0);
    }
    let (nf, p) = (n as f64, successes as f64 / n as f64);
    let z2 = Z_975 * Z_975;
    let denom = 1.0 + z2 / nf;
    let centre = (p + z2 / (2.0 * nf)) / denom;
    let half = Z_975 * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / denom;
    // At 0 or n the bound is exactly 0 or 1; pin it so rounding does not print "0.0000001".
    let low = if successes == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let high = if successes == n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    (low, high)
}

/// Exact (Garwood) 95% interval for the mean of a Poisson count `k`: the lambdas with
/// P(X >= k) = 2.5% and P(X <= k) = 2.5%, the chi-square (gamma) quantiles chi2(2k)/2 and
/// chi2(2k + 2)/2, found by bisection on the Poisson CDF (monotone in lambda). k = 0 gives
/// (0, -ln 0.025) = (0, 3.689).
pub fn poisson_exact(k: u64) -> (f64, f64) {
    let kf = k as f64;
    // Lower end: P(X >= k; lambda) = P(k, lambda), the regularized lower incomplete gamma.
    let low = if k == 0 {
        0.0
    } else {
        bisect_increasing(|lam| gamma_pq(kf, lam).0, ALPHA_HALF, 0.0, kf)
    };
    // Upper end: P(X <= k; lambda) decreases in lambda; it is below 2.5% past the bracket.
    let mut hi_bracket = kf + 10.0;
    while poisson_cdf(k, hi_bracket) > ALPHA_HALF {
        hi_bracket *= 2.0;
    }
    // 1 - P(X <= k) = P(k + 1, lambda) increases in lambda; it crosses 97.5% at the upper end.
    let high = bisect_increasing(
        |lam| gamma_pq(kf + 1.0, lam).0,
        1.0 - ALPHA_HALF,
        kf,
        hi_bracket,
    );
    (low, high)
}

/// The x in [lo, hi] where the increasing `f` crosses `target`. Bisection rather than Newton
/// because it cannot diverge; it stops when the bracket reaches f64 resolution (at most ~1100
/// halvings, about 60 in practice).
fn bisect_increasing(f: impl Fn(f64) -> f64, target: f64, mut lo: f64, mut hi: f64) -> f64 {
    loop {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if f(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Two-sided exact p-value for "both periods have the same rate" given counts `k1` and `k2` over
/// equal exposure: conditional on the total, k1 ~ Binomial(k1 + k2, 1/2) under that hypothesis
/// (the conditional test, which needs no estimate of the rate). The distribution is symmetric, so
/// the two-sided p is twice the smaller tail, at most 1. No events at all give p = 1.
pub fn binomial_test_two_counts(k1: u64, k2: u64) -> f64 {
    let n = k1 + k2;
    if n == 0 {
        return 1.0;
    }
    (2.0 * binom_half_cdf(k1.min(k2), n)).min(1.0)
}

/// Two-sided exact p-value for "the same rate" given `k1` events over exposure `t1` and `k2` over
/// `t2` (one week against the previous four, say): conditional on the total n, k1 ~ Binomial(n,
/// t1 / (t1 + t2)). The distribution is not symmetric when the exposures differ, so the two-sided
/// p sums the probabilities of every outcome no more likely than the one seen (the "minimum
/// likelihood" rule of R's binom.test), with a relative tolerance for ties. No events give p = 1;
/// a non-positive exposure is a caller's bug and also gives 1 (no evidence either way).
pub fn binomial_test_rates(k1: u64, t1: f64, k2: u64, t2: f64) -> f64 {
    let n = k1 + k2;
    if n == 0 || !(t1 > 0.0 && t2 > 0.0) {
        return 1.0;
    }
    let p = t1 / (t1 + t2);
    let ln_pmf = |k: u64| {
        let (k, nf) = (k as f64, n as f64);
        libm::lgamma(nf + 1.0) - libm::lgamma(k + 1.0) - libm::lgamma(nf - k + 1.0)
            + k * p.ln()
            + (nf - k) * (1.0 - p).ln()
    };
    let seen = ln_pmf(k1);
    let total: f64 = (0..=n)
        .map(ln_pmf)
        .filter(|&l| l <= seen + 1e-7 * seen.abs().max(1.0))
        .map(f64::exp)
        .sum();
    total.min(1.0)
}

/// A change in a count's rate is called only at this two-sided significance.
pub const COUNT_ALPHA: f64 = 0.05;

/// The verdict on two counts' rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountChange {
    More,
    Fewer,
    Steady,
    /// The period or its baseline reaches outside the data (`metrics::coverage`).
    NotJudged,
}

impl CountChange {
    pub fn words(self) -> &'static str {
        match self {
            CountChange::More => "more",
            CountChange::Fewer => "fewer",
            CountChange::Steady => "no detectable change",
            CountChange::NotJudged => crate::metrics::coverage::NOT_JUDGED,
        }
    }
    /// The verdict back from its words (a comparison table's `verdict` cell).
    pub fn from_words(words: &str) -> Option<CountChange> {
        [
            CountChange::More,
            CountChange::Fewer,
            CountChange::Steady,
            CountChange::NotJudged,
        ]
        .into_iter()
        .find(|c| c.words() == words)
    }
}

/// `k1` events over exposure `t1` against `k2` over `t2` (a week against the 4 before it, a
/// quarter against the previous one): the p-value of `binomial_test_rates`, and "more" or
/// "fewer" only when p < [`COUNT_ALPHA`]. The direction is the rates', not the counts': 3 in a
/// week is more than 8 in four weeks.
pub fn count_change(k1: u64, t1: f64, k2: u64, t2: f64) -> (f64, CountChange) {
    let p = binomial_test_rates(k1, t1, k2, t2);
    let change = if p >= COUNT_ALPHA {
        CountChange::Steady
    } else if k1 as f64 * t2 > k2 as f64 * t1 {
        CountChange::More
    } else {
        CountChange::Fewer
    };
    (p, change)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: (f64, f64), want: (f64, f64), tol: f64) -> bool {
        (got.0 - want.0).abs() < tol && (got.1 - want.1).abs() < tol
    }

    #[test]
    fn wilson_matches_published_values() {
        assert!(
            close(wilson(0, 10), (0.0, 0.2775), 1e-4),
            "{:?}",
            wilson(0, 10)
        );
        assert!(
            close(wilson(5, 10), (0.2366, 0.7634), 1e-4),
            "{:?}",
            wilson(5, 10)
        );
        assert!(close(wilson(10, 10), (0.7225, 1.0), 1e-4));
        // Newcombe (1998), 81 of 263: 0.2553 - 0.3662.
        assert!(
            close(wilson(81, 263), (0.2553, 0.3662), 1e-4),
            "{:?}",
            wilson(81, 263)
        );
        assert_eq!(wilson(0, 0), (0.0, 1.0));
    }

    #[test]
    fn poisson_exact_matches_published_values() {
        let (l0, h0) = poisson_exact(0);
        assert_eq!(l0, 0.0);
        assert!((h0 - 3.6889).abs() < 1e-4, "{h0}");
        assert!(
            close(poisson_exact(10), (4.7954, 18.3904), 1e-4),
            "{:?}",
            poisson_exact(10)
        );
        assert!(
            close(poisson_exact(1), (0.02532, 5.5716), 1e-4),
            "{:?}",
            poisson_exact(1)
        );
        // Large counts land near k -+ 1.96 sqrt(k).
        let (l, h) = poisson_exact(10_000);
        assert!(
            (l - 9804.7).abs() < 1.0 && (h - 10_197.3).abs() < 1.0,
            "{l} {h}"
        );
    }

    #[test]
    fn binomial_test_of_two_counts() {
        // 10 vs 2: P(B <= 2; 12, 1/2) = 79/4096, p = 158/4096 = 0.03857.
        assert!((binomial_test_two_counts(10, 2) - 158.0 / 4096.0).abs() < 1e-12);
        assert!((binomial_test_two_counts(2, 10) - 158.0 / 4096.0).abs() < 1e-12);
        assert_eq!(binomial_test_two_counts(7, 7), 1.0);
        assert_eq!(binomial_test_two_counts(0, 0), 1.0);
        // 0 vs 5: 2 / 32.
        assert!((binomial_test_two_counts(0, 5) - 0.0625).abs() < 1e-12);
    }

    #[test]
    fn binomial_test_of_two_rates() {
        // Equal exposures agree with the symmetric test.
        assert!((binomial_test_rates(10, 1.0, 2, 1.0) - 158.0 / 4096.0).abs() < 1e-9);
        // 3 this week against 4 in the previous four weeks: n = 7, p = 1/5. P(K = k) for
        // k = 0..7: 0.2097, 0.3670, 0.2753, 0.1147, 0.0287, 0.0043, 0.0004, 0.0000; P(3) = 0.1147,
        // so p = P(3) + P(4) + ... + P(7) = 0.1480 (R: binom.test(3, 7, 0.2) gives 0.148).
        let p = binomial_test_rates(3, 1.0, 4, 4.0);
        assert!((p - 0.1480).abs() < 5e-4, "{p}");
        // 1 after a quiet month (0 in four weeks) is no evidence: p = P(K = 1) = 0.2.
        assert!((binomial_test_rates(1, 1.0, 0, 4.0) - 0.2).abs() < 1e-9);
        assert_eq!(binomial_test_rates(0, 1.0, 0, 4.0), 1.0);
    }

    #[test]
    fn count_change_compares_rates_not_counts() {
        // 3 in one week against 8 in four (2 a week): n = 11, K ~ Binomial(11, 1/5), p = 0.47,
        // no detectable change. Against 4 weeks' counts, "more" would be wrong: 3 < 8.
        let (p, c) = count_change(3, 7.0, 8, 28.0);
        assert!((p - 0.4685).abs() < 1e-3, "{p}");
        assert_eq!(c, CountChange::Steady);
        // 10 against 12 over four weeks: p = 0.0061, and 10 a week is more than 3 a week though
        // 10 < 12.
        let (p, c) = count_change(10, 7.0, 12, 28.0);
        assert!((p - 0.006141).abs() < 1e-5, "{p}");
        assert_eq!(c, CountChange::More);
        assert_eq!(count_change(0, 7.0, 40, 28.0).1, CountChange::Fewer);
    }
}
