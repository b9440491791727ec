//! Comparing the durations of two periods: the Hodges-Lehmann estimate of their ratio with its
//! distribution-free 95% interval, the Mann-Whitney p-value, the verdict words of the report and
//! the smallest change the data could have detected. Everything is on log durations, so a change
//! is a ratio ("x0.5": half as long), which is how skewed durations change, and deterministic:
//! no resampling, the same data give the same verdict.

use std::fmt;

use super::dist::normal_sf;

/// Fewer incidents than this in either period: "insufficient data".
pub const MIN_PER_PERIOD: usize = 8;

/// Durations below this (seconds) are taken as this before the log: a 0 s duration (an automatic
/// acknowledgement, say) is real data, but its log is -inf and no ratio to it exists. One second
/// is below any resolution that matters for incidents, and ranks are unchanged except that
/// sub-second durations tie.
pub const MIN_DURATION_SECS: f64 = 1.0;

/// z for 95% two-sided.
const Z_975: f64 = 1.959964;

/// Beyond this ln C(n1 + n2, n1) the exact null distribution of U no longer fits `u128` with room
/// for the comparison below (about n1 = n2 = 57); the normal approximation is then excellent.
const EXACT_U_MAX_LN_COUNT: f64 = 80.0;

/// Hodges-Lehmann comparison of period `a` with period `b`: `ratio` is the typical factor by
/// which `a`'s durations differ from `b`'s (0.5: half as long), `low..high` its 95% interval,
/// `p_value` the two-sided Mann-Whitney p-value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HlResult {
    pub ratio: f64,
    pub low: f64,
    pub high: f64,
    pub p_value: f64,
}

/// Log durations, floored at [`MIN_DURATION_SECS`]; `None` on a negative or non-finite duration
/// (a data error that must be excluded upstream, never silently compared).
fn log_durations(xs: &[f64]) -> Option<Vec<f64>> {
    xs.iter()
        .map(|&x| (x.is_finite() && x >= 0.0).then(|| x.max(MIN_DURATION_SECS).ln()))
        .collect()
}

/// Hodges-Lehmann ratio of `a` (the period judged) to `b` (the baseline): the median of all
/// n1 n2 pairwise differences ln a_i - ln b_j, exponentiated. The 95% interval is the pair of
/// order statistics (D(C), D(n1 n2 + 1 - C)) of those differences, with C the lower critical
/// value of the Mann-Whitney U: exact (from U's null distribution) when n1 and n2 are small
/// enough for it to be counted in integers, else the normal approximation
/// C = floor(n1 n2 / 2 - 1.96 sqrt(n1 n2 (n1 + n2 + 1) / 12)). When C < 1 the interval is
/// unbounded (0, inf). `None` when a period is empty or holds an invalid duration.
pub fn hodges_lehmann_ratio(a: &[f64], b: &[f64]) -> Option<HlResult> {
    let (la, lb) = (log_durations(a)?, log_durations(b)?);
    if la.is_empty() || lb.is_empty() {
        return None;
    }
    let (n1, n2) = (la.len(), lb.len());
    let mut diffs = Vec::with_capacity(n1 * n2);
    for x in &la {
        diffs.extend(lb.iter().map(|y| x - y));
    }
    // Only four order statistics are needed (two for the median, two for the interval), so they
    // are selected in O(n1 n2) rather than sorting all the differences: at 100 x 100 that is
    // what keeps the simulation check of the test suite fast in debug builds.
    let n = diffs.len();
    let c = u_critical_rank(n1, n2);
    let mut ranks = vec![(n - 1) / 2, n / 2];
    if let Some(c) = c {
        ranks.extend([c - 1, n - c]);
    }
    let picked = order_statistics(&mut diffs, &ranks);
    let ratio = (0.5 * (picked[0] + picked[1])).exp();
    let (low, high) = match c {
        Some(_) => (picked[2].exp(), picked[3].exp()),
        None => (0.0, f64::INFINITY),
    };
    Some(HlResult {
        ratio,
        low,
        high,
        p_value: mann_whitney_p_logs(&la, &lb),
    })
}

/// The values at the 0-based `ranks` of `v` as if sorted, in the order asked. Each selection
/// partitions `v`, so the next, higher rank only searches the part above the previous one.
fn order_statistics(v: &mut [f64], ranks: &[usize]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..ranks.len()).collect();
    order.sort_by_key(|&i| ranks[i]);
    let mut out = vec![0.0; ranks.len()];
    let mut start = 0;
    for i in order {
        let r = ranks[i];
        if r >= start {
            v[start..].select_nth_unstable_by(r - start, f64::total_cmp);
            start = r + 1;
        }
        // r < start: an equal rank was selected just before, and v[r] holds it already.
        out[i] = v[r];
    }
    out
}

/// The 1-based rank C of the lower interval end (`None`: unbounded), see
/// [`hodges_lehmann_ratio`].
fn u_critical_rank(n1: usize, n2: usize) -> Option<usize> {
    let c = match exact_u_critical(n1, n2) {
        Some(c) => c,
        None => {
            let (m, n) = (n1 as f64, n2 as f64);
            let k = (m * n / 2.0 - Z_975 * (m * n * (m + n + 1.0) / 12.0).sqrt()).floor();
            if k < 1.0 { 0 } else { k as usize }
        }
    };
    (c >= 1).then_some(c)
}

/// Exact C: the largest c with P(U <= c - 1) <= 2.5% under no difference (no ties), so the
/// interval covers at least 95%. U's distribution is the coefficient list of the Gaussian
/// binomial [n1 + n2 choose n1]_q = prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i), built exactly in
/// integers in O(m * n1 n2). `None` when the counts would not fit (large periods).
fn exact_u_critical(n1: usize, n2: usize) -> Option<usize> {
    let (m, n) = (n1.min(n2), n1.max(n2));
    let ln_total = libm::lgamma((m + n + 1) as f64)
        - libm::lgamma((m + 1) as f64)
        - libm::lgamma((n + 1) as f64);
    if ln_total > EXACT_U_MAX_LN_COUNT {
        return None;
    }
    let mut coef = vec![0i128; m * n + m + n + 1];
    coef[0] = 1;
    for i in 1..=m {
        let a = n + i;
        let deg = (i - 1) * n; // degree of [n + i - 1 choose i - 1]_q
        for k in (a..=deg + a).rev() {
            coef[k] -= coef[k - a];
        }
        // Division by (1 - q^i) is a running sum with stride i; the result is a polynomial.
        for k in i..=deg + a {
            coef[k] += coef[k - i];
        }
    }
    let total: i128 = coef[..=m * n].iter().sum();
    // P(U <= c - 1) <= 1/40, compared in integers.
    let mut cum = 0i128;
    let mut c = 0;
    for &count in &coef[..=m * n] {
        cum += count;
        if cum * 40 > total {
            break;
        }
        c += 1;
    }
    Some(c)
}

/// Two-sided Mann-Whitney p-value of `a` against `b` (durations, floored and logged as in
/// [`hodges_lehmann_ratio`]): the normal approximation to U with the tie correction of the
/// variance and a continuity correction of 1/2. `None` under the same conditions as there.
pub fn mann_whitney_p(a: &[f64], b: &[f64]) -> Option<f64> {
    let (la, lb) = (log_durations(a)?, log_durations(b)?);
    if la.is_empty() || lb.is_empty() {
        return None;
    }
    Some(mann_whitney_p_logs(&la, &lb))
}

fn mann_whitney_p_logs(la: &[f64], lb: &[f64]) -> f64 {
    let (n1, n2) = (la.len() as f64, lb.len() as f64);
    let mut all: Vec<(f64, bool)> = la
        .iter()
        .map(|&x| (x, true))
        .chain(lb.iter().map(|&y| (y, false)))
        .collect();
    all.sort_unstable_by(|p, q| p.0.total_cmp(&q.0));
    // Midranks: a tie group at 1-based ranks i+1..=j shares (i + 1 + j) / 2. Half-integers are
    // exact in f64, so the rank sum does not depend on the input order.
    let (mut rank_sum_a, mut tie_term) = (0.0, 0.0);
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j < all.len() && all[j].0 == all[i].0 {
            j += 1;
        }
        let midrank = (i + 1 + j) as f64 / 2.0;
        rank_sum_a += midrank * all[i..j].iter().filter(|p| p.1).count() as f64;
        let t = (j - i) as f64;
        tie_term += t * t * t - t;
        i = j;
    }
    let big_n = n1 + n2;
    let u = rank_sum_a - n1 * (n1 + 1.0) / 2.0;
    let var = n1 * n2 / 12.0 * ((big_n + 1.0) - tie_term / (big_n * (big_n - 1.0)));
    if var <= 0.0 || !var.is_finite() {
        return 1.0; // every value tied (or n = 1 + 1 with a tie): no evidence either way
    }
    let z = ((u - n1 * n2 / 2.0).abs() - 0.5).max(0.0) / var.sqrt();
    (2.0 * normal_sf(z)).min(1.0)
}

/// The report's verdict on a comparison of two periods.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    /// Fewer than [`MIN_PER_PERIOD`] incidents in either period.
    InsufficientData,
    /// The whole 95% interval of the ratio is below 1.
    Shorter,
    /// The whole 95% interval of the ratio is above 1.
    Longer,
    /// The interval contains 1; `low..high` is what the data cannot rule out.
    NoDetectableChange { low: f64, high: f64 },
    /// The period or its baseline reaches outside the data (`metrics::coverage`).
    NotJudged,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::InsufficientData => f.write_str("insufficient data"),
            Verdict::NotJudged => f.write_str(crate::metrics::coverage::NOT_JUDGED),
            Verdict::Shorter => f.write_str("shorter"),
            Verdict::Longer => f.write_str("longer"),
            Verdict::NoDetectableChange { low, high } => {
                write!(f, "no detectable change (x{low:.1} - x{high:.1})")
            }
        }
    }
}

/// Verdict on period `a` against baseline `b` from the Hodges-Lehmann interval. An invalid
/// duration (negative, non-finite) also gives `InsufficientData`: no verdict is drawn from it.
pub fn verdict(a: &[f64], b: &[f64]) -> Verdict {
    if a.len() < MIN_PER_PERIOD || b.len() < MIN_PER_PERIOD {
        return Verdict::InsufficientData;
    }
    match hodges_lehmann_ratio(a, b) {
        None => Verdict::InsufficientData,
        Some(hl) if hl.high < 1.0 => Verdict::Shorter,
        Some(hl) if hl.low > 1.0 => Verdict::Longer,
        Some(hl) => Verdict::NoDetectableChange {
            low: hl.low,
            high: hl.high,
        },
    }
}

/// The smallest ratio change these sample sizes could detect, exp(2.80 s sqrt(1/n1 + 1/n2)):
/// 2.80 = 1.96 + 0.84, a 5% two-sided test with 80% power. `s` is the pooled within-period
/// standard deviation of log durations (weights n - 1), not the sd of both periods thrown
/// together: a real change between the periods must not inflate the noise it is measured
/// against. Returned as a factor >= 1 (the change is detectable as x1/f shorter or xf longer).
/// `None` when there are fewer than 3 durations in all, either period is empty, or a duration is
/// invalid.
pub fn smallest_detectable_change(a: &[f64], b: &[f64]) -> Option<f64> {
    let (la, lb) = (log_durations(a)?, log_durations(b)?);
    let (n1, n2) = (la.len() as f64, lb.len() as f64);
    if la.is_empty() || lb.is_empty() || n1 + n2 < 3.0 {
        return None;
    }
    let sum_sq_dev = |v: &[f64]| {
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        v.iter().map(|x| (x - mean).powi(2)).sum::<f64>()
    };
    let s = ((sum_sq_dev(&la) + sum_sq_dev(&lb)) / (n1 + n2 - 2.0)).sqrt();
    Some((2.80 * s * (1.0 / n1 + 1.0 / n2).sqrt()).exp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use rand_distr::{Distribution, LogNormal};

    #[test]
    fn hl_hand_computed() {
        // a = {2, 8}, b = {1, 4} (powers of 2: log2 differences are integers).
        // a/b pairs: 2/1 = 2, 2/4 = 0.5, 8/1 = 8, 8/4 = 2 -> sorted 0.5, 2, 2, 8; median 2.
        let hl = hodges_lehmann_ratio(&[2.0, 8.0], &[1.0, 4.0]).unwrap();
        assert!((hl.ratio - 2.0).abs() < 1e-12);
        // 2 x 2 cannot bound anything at 95% (P(U = 0) = 1/6).
        assert_eq!((hl.low, hl.high), (0.0, f64::INFINITY));
        // Odd count: a = {3}, b = {1, 2, 6}: ratios 3, 1.5, 0.5 -> median 1.5.
        let hl = hodges_lehmann_ratio(&[3.0], &[1.0, 2.0, 6.0]).unwrap();
        assert!((hl.ratio - 1.5).abs() < 1e-12);
        assert!(hodges_lehmann_ratio(&[], &[1.0]).is_none());
        assert!(hodges_lehmann_ratio(&[-1.0], &[1.0]).is_none());
    }

    #[test]
    fn exact_critical_values_match_published_tables() {
        // Two-sided 5% Mann-Whitney tables give the largest U still significant; C is one more.
        assert_eq!(exact_u_critical(8, 8), Some(14)); // table: 13
        assert_eq!(exact_u_critical(10, 10), Some(24)); // table: 23
        assert_eq!(exact_u_critical(20, 20), Some(128)); // table: 127
        assert_eq!(exact_u_critical(5, 8), Some(7)); // table: 6
        assert_eq!(exact_u_critical(2, 2), Some(0));
        assert_eq!(exact_u_critical(100, 100), None);
        // The normal approximation at 100 x 100: 5000 - 1.96 sqrt(10000 * 201 / 12).
        assert_eq!(u_critical_rank(100, 100), Some(4197));
    }

    #[test]
    fn hl_interval_uses_the_critical_order_statistics() {
        // a_i = 2^i, b_j = 2^(j + 0.5), i, j = 0..8: log2 differences i - j - 0.5, 64 distinct
        // values; with C = 14 the interval is (D(14), D(51)) of the sorted differences.
        let a: Vec<f64> = (0..8).map(|i| 2f64.powi(i) * 100.0).collect();
        let b: Vec<f64> = (0..8).map(|j| 2f64.powf(j as f64 + 0.5) * 100.0).collect();
        let mut d: Vec<f64> = (0..8)
            .flat_map(|i| (0..8).map(move |j| i as f64 - j as f64 - 0.5))
            .collect();
        d.sort_by(f64::total_cmp);
        let hl = hodges_lehmann_ratio(&a, &b).unwrap();
        assert!((hl.low.log2() - d[13]).abs() < 1e-9);
        assert!((hl.high.log2() - d[50]).abs() < 1e-9);
        assert!((hl.ratio.log2() - (-0.5)).abs() < 1e-9);
    }

    #[test]
    fn mann_whitney_textbook_example() {
        // Two groups of 5, a ranks 1, 2, 3, 5, 7: R = 18, U = 3; mean 12.5, var 25*11/12 = 22.917,
        // z = (9.5 - 0.5) / 4.7871 = 1.880, two-sided p = 0.0601.
        let a = [10.0, 20.0, 30.0, 55.0, 70.0];
        let b = [50.0, 60.0, 80.0, 90.0, 100.0];
        let p = mann_whitney_p(&a, &b).unwrap();
        assert!((p - 0.0601).abs() < 5e-4, "{p}");
        // With ties: a = {1, 2, 2, 3}, b = {2, 3, 4, 5} (times 10 s, above the 1 s floor).
        // Midranks: 1, 3, 3, 5.5 for a -> R = 12.5, U = 2.5; ties {2,2,2}, {3,3}: sum t^3 - t = 30;
        // var = 16/12 (9 - 30/56) = 11.286; z = (5.5 - 0.5) / 3.3594 = 1.4883, p = 0.1367.
        let a = [10.0, 20.0, 20.0, 30.0];
        let b = [20.0, 30.0, 40.0, 50.0];
        let p = mann_whitney_p(&a, &b).unwrap();
        assert!((p - 0.1367).abs() < 5e-4, "{p}");
        assert_eq!(mann_whitney_p(&[5.0; 4], &[5.0; 4]), Some(1.0));
    }

    #[test]
    fn verdict_words() {
        let base: Vec<f64> = (1..=12).map(|i| 600.0 * f64::from(i)).collect();
        let shorter: Vec<f64> = base.iter().map(|x| x / 10.0).collect();
        let longer: Vec<f64> = base.iter().map(|x| x * 10.0).collect();
        assert_eq!(verdict(&shorter, &base), Verdict::Shorter);
        assert_eq!(verdict(&longer, &base), Verdict::Longer);
        assert_eq!(verdict(&base[..7], &base), Verdict::InsufficientData);
        let same = verdict(&base, &base);
        let Verdict::NoDetectableChange { low, high } = same else {
            panic!("{same:?}")
        };
        assert!(low < 1.0 && high > 1.0);
        assert_eq!(
            Verdict::NoDetectableChange {
                low: 0.62,
                high: 1.94
            }
            .to_string(),
            "no detectable change (x0.6 - x1.9)"
        );
        assert_eq!(Verdict::InsufficientData.to_string(), "insufficient data");
    }

    #[test]
    fn smallest_detectable_change_hand_computed() {
        // ln durations {0, 2} and {1, 3}: pooled variance (2 + 2) / 2 = 2, s = sqrt 2;
        // exp(2.80 * sqrt 2 * sqrt(1/2 + 1/2)) = exp(3.9598) = 52.45.
        let e = std::f64::consts::E;
        let f = smallest_detectable_change(&[1.0, e * e], &[e, e.powi(3)]).unwrap();
        assert!((f - (2.80 * 2f64.sqrt()).exp()).abs() < 1e-9, "{f}");
        assert!(smallest_detectable_change(&[1.0], &[2.0]).is_none());
    }

    /// The statistical check of `metrics.md`: lognormal durations (sigma 1.25). No change, 20 vs
    /// 20: a verdict of "shorter" or "longer" in at most 6.5% of 2,000 pairs (nominal 5%). A true
    /// x0.5 change at 100 vs 100: "shorter" in at least 90%.
    #[test]
    fn verdict_error_rate_and_power_on_simulated_durations() {
        let mut rng = ChaCha8Rng::seed_from_u64(20_240_601);
        let base = LogNormal::new(1800f64.ln(), 1.25).unwrap();
        let halved = LogNormal::new((0.5f64 * 1800.0).ln(), 1.25).unwrap();
        let mut draw = |d: &LogNormal<f64>, n: usize| -> Vec<f64> {
            (0..n).map(|_| d.sample(&mut rng)).collect()
        };
        let pairs = 2000;
        let mut false_alarms = 0;
        for _ in 0..pairs {
            let (a, b) = (draw(&base, 20), draw(&base, 20));
            if matches!(verdict(&a, &b), Verdict::Shorter | Verdict::Longer) {
                false_alarms += 1;
            }
        }
        let rate = f64::from(false_alarms) / f64::from(pairs);
        assert!(rate <= 0.065, "false alarm rate {rate}");
        let mut detected = 0;
        for _ in 0..pairs {
            let (a, b) = (draw(&halved, 100), draw(&base, 100));
            if verdict(&a, &b) == Verdict::Shorter {
                detected += 1;
            }
        }
        let power = f64::from(detected) / f64::from(pairs);
        assert!(power >= 0.90, "power {power}");
    }

    proptest! {
        #[test]
        fn comparison_ignores_input_order(
            (a, a_shuffled) in prop::collection::vec(0.0f64..1e6, 1..30)
                .prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
            (b, b_shuffled) in prop::collection::vec(0.0f64..1e6, 1..30)
                .prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
        ) {
            let hl = hodges_lehmann_ratio(&a, &b).unwrap();
            prop_assert_eq!(hodges_lehmann_ratio(&a_shuffled, &b_shuffled), Some(hl));
            prop_assert!(hl.low <= hl.ratio && hl.ratio <= hl.high);
            prop_assert!((0.0..=1.0).contains(&hl.p_value));
            prop_assert_eq!(verdict(&a_shuffled, &b_shuffled), verdict(&a, &b));
        }
    }
}
