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
mod tests;
