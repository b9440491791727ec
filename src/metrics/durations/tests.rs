//! Hand-computed cases for the durations family: censoring and Kaplan-Meier, negative durations,
//! exclusions, reopen, the start instant used, the as-of cut, period membership by resolution,
//! the n = 6 and n = 5 median intervals, and the comparison tables.

use super::testkit::*;
use super::*;

#[test]
fn an_open_incident_is_censored_and_the_median_is_kaplan_meier() {
    // TTR from detection: 10 min (closed), 20 min (closed), and one detected at +105 min still
    // open at the as-of instant (+120): censored at 15 min. Sorted: 10 (event), 15 (censored),
    // 20 (event). KM: S(10) = 2/3; 15 leaves the risk set; S(20) = 2/3 * (1 - 1/1) = 0 <= 0.5, so
    // the median is 20 min, where the sample median of 10, 15, 20 would say 15.
    let rows = [
        ("a", "t", "SEV2", "normal", None, 0, None, None, Some(10)),
        ("b", "t", "SEV2", "normal", None, 0, None, None, Some(20)),
        ("c", "t", "SEV2", "normal", None, 105, None, None, None),
    ];
    let out = run(&rows, &[Dim::Team], &scope());
    let ttr = table(&out, "ttr");
    assert_eq!(f64s(ttr, "n"), [Some(3.0)]);
    assert_eq!(f64s(ttr, "n_open"), [Some(1.0)]);
    assert_eq!(f64s(ttr, "median_min"), [Some(20.0)]);
    assert_eq!(strs(ttr, "median_method"), [Some("Kaplan-Meier".into())]);
    assert_eq!(
        strs(ttr, "median_interval"),
        [Some("too few to bound".into())]
    );
    assert_eq!(strs(ttr, "p90_kind"), [Some("maximum".into())]);
    let counts = table(&out, "incidents");
    assert_eq!(f64s(counts, "incidents"), [Some(3.0)]);
    assert_eq!(f64s(counts, "open"), [Some(1.0)]);
}

#[test]
fn negative_durations_are_excluded_from_their_metric_and_listed() {
    // b was "resolved" 5 minutes before it was detected: out of TTR (and TTM, which falls back to
    // the resolution), listed twice, never clamped; its TTA of 2 minutes still counts.
    let rows = [
        ("a", "t", "SEV2", "normal", None, 0, Some(4), None, Some(10)),
        (
            "b",
            "t",
            "SEV2",
            "normal",
            None,
            10,
            Some(12),
            None,
            Some(5),
        ),
    ];
    let out = run(&rows, &[Dim::Team], &scope());
    let ttr = table(&out, "ttr");
    assert_eq!(f64s(ttr, "n"), [Some(1.0)]);
    assert_eq!(f64s(ttr, "n_not_measured"), [Some(1.0)]);
    assert_eq!(
        strs(ttr, "not_measured"),
        [Some("1 negative duration (end before start)".into())]
    );
    assert_eq!(f64s(ttr, "median_min"), [Some(10.0)]);
    let tta = table(&out, "tta");
    assert_eq!(f64s(tta, "n"), [Some(2.0)]);
    assert_eq!(f64s(tta, "median_min"), [Some(3.0)]);
    let neg = table(&out, "negative_durations");
    assert_eq!(
        strs(neg, "incident_id"),
        [Some("b".into()), Some("b".into())]
    );
    assert_eq!(
        strs(neg, "metric"),
        [Some("ttm".into()), Some("ttr".into())]
    );
    assert_eq!(f64s(neg, "seconds"), [Some(-300.0), Some(-300.0)]);
}

#[test]
fn excluded_kinds_are_counted_with_their_reason() {
    let rows = [
        ("a", "t", "SEV3", "normal", None, 0, None, None, Some(10)),
        (
            "b",
            "t",
            "SEV3",
            "maintenance",
            None,
            0,
            None,
            None,
            Some(10),
        ),
        (
            "c",
            "t",
            "SEV3",
            "maintenance",
            None,
            0,
            None,
            None,
            Some(10),
        ),
        ("d", "t", "SEV3", "test", None, 0, None, None, Some(10)),
    ];
    let out = run(&rows, &[Dim::Team], &scope());
    let ttr = table(&out, "ttr");
    assert_eq!(f64s(ttr, "n"), [Some(1.0)]);
    assert_eq!(f64s(ttr, "n_excluded"), [Some(3.0)]);
    let counts = table(&out, "incidents");
    assert_eq!(f64s(counts, "excluded"), [Some(3.0)]);
    assert_eq!(
        strs(counts, "excluded_reasons"),
        [Some("2 kind = maintenance; 1 kind = test".into())]
    );
}

#[test]
fn an_open_incident_marked_acknowledged_without_the_instant_has_no_tta() {
    // Both open and unacknowledged in the data; the source marks b acknowledged (a ServiceNow
    // "In Progress" without its instant). a's TTA runs: censored at 120 - 0 = 120 minutes. b's is
    // unknown, not running: not measured. Both TTRs are censored (open).
    let rows = [
        ("a", "t", "SEV2", "normal", None, 0, None, None, None),
        ("b", "t", "SEV2", "normal", None, 30, None, None, None),
    ];
    let mut f = frames(&rows);
    f.incidents = f.incidents.with_column(
        when(col(INCIDENT_ID).eq(lit("b")))
            .then(lit("acknowledged"))
            .otherwise(col(STATUS))
            .alias(STATUS),
    );
    let out = durations(&f, &cfg(), &scope(), Some(&[Dim::Team]), false).unwrap();
    let tta = table(&out, "tta");
    assert_eq!(f64s(tta, "n"), [Some(1.0)]);
    assert_eq!(f64s(tta, "n_open"), [Some(1.0)]);
    assert_eq!(
        strs(tta, "not_measured"),
        [Some("1 acknowledged, instant not recorded".into())]
    );
    let ttr = table(&out, "ttr");
    assert_eq!(f64s(ttr, "n"), [Some(2.0)]);
    assert_eq!(f64s(ttr, "n_open"), [Some(2.0)]);
}

#[test]
fn start_instant_and_missing_instants() {
    // a knows its impact start (-20): TTD 20, TTR 30 from impact. b does not: no TTD, TTR 15 from
    // detection. b was resolved without an acknowledgement: TTA not measured; c is open and
    // unacknowledged: TTA censored at 120 - 60 = 60 minutes.
    let rows = [
        (
            "a",
            "t",
            "SEV1",
            "normal",
            Some(-20),
            0,
            Some(5),
            Some(8),
            Some(10),
        ),
        ("b", "t", "SEV1", "normal", None, 0, None, None, Some(15)),
        ("c", "t", "SEV1", "normal", None, 60, None, None, None),
    ];
    let out = run(&rows, &[Dim::Team], &scope());
    let ttd = table(&out, "ttd");
    assert_eq!(f64s(ttd, "n"), [Some(1.0)]);
    assert_eq!(f64s(ttd, "median_min"), [Some(20.0)]);
    assert_eq!(
        strs(ttd, "not_measured"),
        [Some("2 impact_started_at unknown".into())]
    );
    let ttr = table(&out, "ttr");
    assert_eq!(f64s(ttr, "start_impact"), [Some(1.0)]);
    assert_eq!(f64s(ttr, "start_detected"), [Some(2.0)]);
    let tta = table(&out, "tta");
    assert_eq!(f64s(tta, "n"), [Some(2.0)]);
    assert_eq!(f64s(tta, "n_open"), [Some(1.0)]);
    assert_eq!(
        strs(tta, "not_measured"),
        [Some("1 resolved without acknowledgement".into())]
    );
    // TTM of a: impact (-20) to mitigation (8) = 28 min; b: detection to resolution = 15 min.
    let ttm = table(&out, "ttm");
    assert_eq!(f64s(ttm, "median_min"), [Some(28.0)]);
}

#[test]
fn facts_after_the_as_of_instant_are_not_known() {
    // Resolved at +150, after the as-of (+120): open at as-of, censored at 120 minutes.
    let rows = [("a", "t", "SEV2", "normal", None, 0, None, None, Some(150))];
    let out = run(&rows, &[Dim::Team], &scope());
    let ttr = table(&out, "ttr");
    assert_eq!(f64s(ttr, "n_open"), [Some(1.0)]);
    assert_eq!(
        f64s(ttr, "median_min"),
        [None],
        "KM never reaches 0.5 with only censoring"
    );
}

#[test]
fn period_by_resolution_takes_incidents_detected_earlier() {
    // Detected a week before the period, resolved in it: in by resolved_at, out by detected_at.
    let rows = [(
        "a",
        "t",
        "SEV2",
        "normal",
        None,
        -7 * 24 * 60,
        None,
        None,
        Some(10),
    )];
    let mut s = scope();
    assert_eq!(
        f64s(table(&run(&rows, &[Dim::Team], &s), "ttr"), "n").len(),
        0
    );
    s.period_by = PeriodBy::Resolved;
    let ttr_rows = run(&rows, &[Dim::Team], &s);
    assert_eq!(
        f64s(table(&ttr_rows, "ttr"), "median_min"),
        [Some(7.0 * 24.0 * 60.0 + 10.0)]
    );
}

#[test]
fn median_interval_at_six_and_five() {
    // TTR 1..6 minutes: median 3.5, the exact interval is (x(1), x(6)) = (1, 6) at 96.9%.
    let six: Vec<Inc> = (1..=6)
        .map(|m| {
            (
                ["a", "b", "c", "d", "e", "f"][m as usize - 1],
                "t",
                "SEV3",
                "normal",
                None,
                0,
                None,
                None,
                Some(m),
            )
        })
        .collect();
    let ttr = run(&six, &[Dim::Team], &scope());
    let ttr = table(&ttr, "ttr");
    assert_eq!(f64s(ttr, "median_min"), [Some(3.5)]);
    assert_eq!(f64s(ttr, "median_low_min"), [Some(1.0)]);
    assert_eq!(f64s(ttr, "median_high_min"), [Some(6.0)]);
    let five = &six[..5];
    let out = run(five, &[Dim::Team], &scope());
    let ttr = table(&out, "ttr");
    assert_eq!(f64s(ttr, "median_low_min"), [None]);
    assert_eq!(
        strs(ttr, "median_interval"),
        [Some("too few to bound".into())]
    );
}

#[test]
fn groups_never_pool_severities_by_default_and_reject_unknown_dimensions() {
    let rows = [
        ("a", "t", "SEV1", "normal", None, 0, None, None, Some(10)),
        ("b", "t", "SEV3", "normal", None, 0, None, None, Some(40)),
    ];
    let out = durations(&frames(&rows), &cfg(), &scope(), None, false).unwrap();
    let ttr = table(&out, "ttr");
    assert_eq!(
        strs(ttr, "severity"),
        [Some("SEV1".into()), Some("SEV3".into())]
    );
    let err = durations(&frames(&rows), &cfg(), &scope(), Some(&[Dim::Rule]), false).unwrap_err();
    assert!(err.to_string().contains("rule"), "{err}");
}

#[test]
fn comparison_with_the_baseline_weeks() {
    // This week: 8 incidents of 10 min; last week, inside the baseline of the 4 weeks before:
    // 8 of 40 min. Every pairwise log ratio is ln(1/4), so the Hodges-Lehmann ratio and both
    // interval ends are 0.25: "shorter".
    let mut rows: Vec<Inc> = vec![];
    let ids = [
        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p",
    ];
    for (j, id) in ids.iter().enumerate() {
        let (det, res) = if j < 8 {
            (j as i64, 10)
        } else {
            (-7 * 24 * 60 + j as i64, 40)
        };
        rows.push((
            id,
            "t",
            "SEV2",
            "normal",
            None,
            det,
            None,
            None,
            Some(det + res),
        ));
    }
    let out = durations(&frames(&rows), &cfg(), &scope(), Some(&[Dim::Team]), true).unwrap();
    let cmp = table(&out, "ttr_compare");
    assert_eq!(f64s(cmp, "n"), [Some(8.0)]);
    assert_eq!(f64s(cmp, "n_previous"), [Some(8.0)]);
    let ratio = f64s(cmp, "ratio")[0].unwrap();
    assert!((ratio - 0.25).abs() < 1e-12, "{ratio}");
    assert_eq!(strs(cmp, "verdict"), [Some("shorter".into())]);
    let counts = table(&out, "incidents_compare");
    // 8 this week against 8 in four weeks (2 a week): conditional on 16, this week's count ~
    // Bin(16, 1/5); the outcomes no more likely than 8 sum to p = 0.0070: more.
    assert_eq!(strs(counts, "verdict"), [Some("more".into())]);
    let p = f64s(counts, "p_value")[0].unwrap();
    assert!((p - 0.007_003_6).abs() < 1e-6, "{p}");
    // The baseline scaled to one week, with its Garwood interval of 8 (3.454 .. 15.763) / 4.
    assert_eq!(f64s(counts, "incidents_previous_scaled"), [Some(2.0)]);
    let high = f64s(counts, "incidents_previous_scaled_high")[0].unwrap();
    assert!((high - 15.763 / 4.0).abs() < 1e-3, "{high}");
    // Fewer than 8 in a period: insufficient data.
    let out = durations(
        &frames(&rows[..12]),
        &cfg(),
        &scope(),
        Some(&[Dim::Team]),
        true,
    )
    .unwrap();
    assert_eq!(
        strs(table(&out, "ttr_compare"), "verdict"),
        [Some("insufficient data".into())]
    );
}

#[test]
fn the_period_is_the_week_of_t0() {
    let p: Period = scope().period;
    assert!(p.from_micros() <= us(T0) && us(T0) < p.to_micros());
}

#[test]
fn a_week_without_incidents_counts_zero() {
    // Two weeks (W45 and W46), incidents only in W46: the counts table has W45 with 0.
    let rows = [("a", "t", "SEV2", "normal", None, 0, None, None, Some(10))];
    let mut s = scope();
    s.period = Period::new(s.period.from - chrono::Duration::weeks(1), s.period.to).unwrap();
    let out = run(&rows, &[Dim::Team, Dim::Week], &s);
    let counts = table(&out, "incidents");
    assert_eq!(
        strs(counts, "week"),
        [Some("2026-W45".into()), Some("2026-W46".into())]
    );
    assert_eq!(f64s(counts, "incidents"), [Some(0.0), Some(1.0)]);
}
