//! The few distribution functions the statistics need, written out on `f64` (with `libm` for
//! `erfc` and `lgamma`) rather than pulled from a numerics crate: the normal upper tail, the
//! Binomial(n, 1/2) CDF and the Poisson CDF through the regularized incomplete gamma function.

/// P(Z > z) for a standard normal Z. Through `erfc` rather than `1 - Phi(z)`, so small tail
/// probabilities (tiny p-values) keep their relative precision instead of rounding to 0.
pub(super) fn normal_sf(z: f64) -> f64 {
    0.5 * libm::erfc(z / std::f64::consts::SQRT_2)
}

/// ln P(B = 0) for B ~ Binomial(n, 1/2). The pmf is then walked upwards in log space, because
/// 2^-n underflows for n > 1074 and counts (alerts, pages) can be far larger than that.
pub(super) fn ln_binom_half_pmf0(n: u64) -> f64 {
    -(n as f64) * std::f64::consts::LN_2
}

/// ln P(B = i + 1) from ln P(B = i), for B ~ Binomial(n, 1/2).
pub(super) fn ln_binom_half_pmf_next(ln_pmf_i: f64, n: u64, i: u64) -> f64 {
    ln_pmf_i + ((n - i) as f64 / (i + 1) as f64).ln()
}

/// P(B <= k) for B ~ Binomial(n, 1/2), by summing the pmf: O(k), exact up to rounding.
pub(super) fn binom_half_cdf(k: u64, n: u64) -> f64 {
    if k >= n {
        return 1.0;
    }
    let mut ln_pmf = ln_binom_half_pmf0(n);
    let mut sum = 0.0;
    for i in 0..=k {
        sum += ln_pmf.exp();
        ln_pmf = ln_binom_half_pmf_next(ln_pmf, n, i);
    }
    sum.min(1.0)
}

/// P(X <= k) for X ~ Poisson(lambda): the regularized upper incomplete gamma Q(k + 1, lambda),
/// which costs O(sqrt(k)) terms instead of summing k + 1 pmf terms.
pub(super) fn poisson_cdf(k: u64, lambda: f64) -> f64 {
    if lambda <= 0.0 {
        return 1.0;
    }
    gamma_pq((k + 1) as f64, lambda).1
}

/// Regularized incomplete gammas (P(a, x), Q(a, x) = 1 - P), a > 0: the series for P below
/// x < a + 1, the continued fraction (modified Lentz) for Q above, each where it converges fast
/// (Numerical Recipes, 6.2). Both are returned so a caller takes the small one directly instead
/// of losing it to `1 - big`.
pub(super) fn gamma_pq(a: f64, x: f64) -> (f64, f64) {
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    let ln_prefactor = -x + a * x.ln() - libm::lgamma(a);
    if x < a + 1.0 {
        let mut ap = a;
        let mut term = 1.0 / a;
        let mut sum = term;
        for _ in 0..100_000 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-16 {
                break;
            }
        }
        let p = (sum * ln_prefactor.exp()).clamp(0.0, 1.0);
        (p, 1.0 - p)
    } else {
        const TINY: f64 = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..100_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < TINY {
                d = TINY;
            }
            c = b + an / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < 1e-16 {
                break;
            }
        }
        let q = (ln_prefactor.exp() * h).clamp(0.0, 1.0);
        (1.0 - q, q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_tail_matches_tables() {
        assert!((normal_sf(1.959964) - 0.025).abs() < 1e-7);
        assert!((normal_sf(0.0) - 0.5).abs() < 1e-15);
        // Far tail keeps relative precision: P(Z > 10) = 7.6199e-24.
        assert!((normal_sf(10.0) / 7.619853e-24 - 1.0).abs() < 1e-5);
    }

    #[test]
    fn binomial_half_cdf_matches_hand_sums() {
        // n = 6: P(B <= 1) = 7/64.
        assert!((binom_half_cdf(1, 6) - 7.0 / 64.0).abs() < 1e-15);
        assert_eq!(binom_half_cdf(6, 6), 1.0);
        // Symmetry with a large n that would underflow 2^-n: P(B <= n/2 - 1) + P(B <= n/2) = 1.
        let n = 5000;
        let s = binom_half_cdf(n / 2 - 1, n) + binom_half_cdf(n / 2, n);
        assert!((s - 1.0).abs() < 1e-9, "{s}");
    }

    #[test]
    fn poisson_cdf_matches_direct_sums() {
        // P(X <= 2; 1.5) = e^-1.5 (1 + 1.5 + 1.125).
        let direct = (-1.5f64).exp() * (1.0 + 1.5 + 1.125);
        assert!((poisson_cdf(2, 1.5) - direct).abs() < 1e-13);
        // Continued-fraction branch: P(X <= 3; 10) = e^-10 (1 + 10 + 50 + 166.67).
        let direct = (-10.0f64).exp() * (1.0 + 10.0 + 50.0 + 1000.0 / 6.0);
        assert!((poisson_cdf(3, 10.0) / direct - 1.0).abs() < 1e-10);
    }
}
