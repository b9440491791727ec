//! Tests of the period comparison: the Hodges-Lehmann ratio and its interval by hand, the
//! verdict words, the Mann-Whitney p-value, and properties on random log-normal samples.

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
    let mut draw =
        |d: &LogNormal<f64>, n: usize| -> Vec<f64> { (0..n).map(|_| d.sample(&mut rng)).collect() };
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
