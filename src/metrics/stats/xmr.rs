//! XmR (individuals and moving range) process-behaviour limits for a weekly series: only points
//! outside the natural process limits are called out, so ordinary week-to-week noise is not
//! reported as a trend.

/// Fewer points than this give moving ranges too few to estimate the routine variation.
pub const MIN_XMR_POINTS: usize = 8;

/// 2.66 = 3 / d2 with d2 = 1.128 for moving ranges of two: three-sigma limits estimated from the
/// average moving range, which (unlike the overall sd) is not inflated by a shift in the series.
const XMR_SCALE: f64 = 2.66;

/// XmR limits of a series and the indices of the points outside them.
#[derive(Debug, Clone, PartialEq)]
pub struct Xmr {
    pub mean: f64,
    /// Mean of |x_i - x_(i-1)|.
    pub mr_mean: f64,
    /// mean - 2.66 mr_mean; not clamped at 0, so a caller plotting counts may clamp for display.
    pub lower: f64,
    pub upper: f64,
    /// Indices into the series of points strictly outside [lower, upper], in order.
    pub signals: Vec<usize>,
}

/// XmR chart of `series` (in time order); `None` below 8 points.
pub fn xmr(series: &[f64]) -> Option<Xmr> {
    if series.len() < MIN_XMR_POINTS {
        return None;
    }
    let n = series.len() as f64;
    let mean = series.iter().sum::<f64>() / n;
    let mr_mean = series.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>() / (n - 1.0);
    let (lower, upper) = (mean - XMR_SCALE * mr_mean, mean + XMR_SCALE * mr_mean);
    let signals = series
        .iter()
        .enumerate()
        .filter(|&(_, &x)| x < lower || x > upper)
        .map(|(i, _)| i)
        .collect();
    Some(Xmr {
        mean,
        mr_mean,
        lower,
        upper,
        signals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xmr_hand_computed() {
        // Mean of the 10 points: (9 * 10 + 30) / 10 = 12; moving ranges: 0 x 7, 20, 20 over 9
        // -> 40/9 = 4.444; limits 12 -+ 11.822 = 0.178 .. 23.822; only the 30 is outside.
        let s = [10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 30.0, 10.0];
        let x = xmr(&s).unwrap();
        assert!((x.mean - 12.0).abs() < 1e-12);
        assert!((x.mr_mean - 40.0 / 9.0).abs() < 1e-12);
        assert!((x.upper - (12.0 + 2.66 * 40.0 / 9.0)).abs() < 1e-12);
        assert!((x.lower - (12.0 - 2.66 * 40.0 / 9.0)).abs() < 1e-12);
        assert_eq!(x.signals, vec![8]);
        // Ordinary noise: no signal.
        let noisy = [5.0, 7.0, 4.0, 6.0, 5.0, 8.0, 6.0, 5.0];
        assert!(xmr(&noisy).unwrap().signals.is_empty());
        assert_eq!(xmr(&noisy[..7]), None);
    }
}
