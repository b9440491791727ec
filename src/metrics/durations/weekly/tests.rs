//! Hand-computed cases for the weekly count facts: the count test of sums, the limits' reading
//! of the reported week, and the teams' weekly series built from incidents in memory.

use super::super::testkit::*;
use super::*;

/// Twelve weekly counts ending with a week of 6: mean 39 / 12 = 3.25; moving ranges
/// 1,1,0,1,2,1,1,1,0,0,3 (mean 1); limits 3.25 -+ 2.66 = 0.59 .. 5.91.
const SERIES: [f64; 12] = [3.0, 4.0, 3.0, 3.0, 2.0, 4.0, 3.0, 2.0, 3.0, 3.0, 3.0, 6.0];

#[test]
fn the_count_test_of_a_sum_weighs_one_week_against_four() {
    // 8 against 8 in four weeks: k1 ~ Bin(16, 1/5) given 16, p = 0.0070: more. The baseline's
    // weekly rate is 2 with the Garwood interval of 8, (3.454 .. 15.763) / 4.
    let t = CountTest::of(8, 8, true);
    assert_eq!(t.change, CountChange::More);
    assert!((t.weekly_average() - 2.0).abs() < 1e-12);
    assert!((t.low - 3.454).abs() < 1e-3, "{}", t.low);
    assert!((t.high - 15.763).abs() < 1e-3, "{}", t.high);
    assert!((t.base_low - 3.454 / 4.0).abs() < 1e-3, "{}", t.base_low);
    assert!((t.base_high - 15.763 / 4.0).abs() < 1e-3, "{}", t.base_high);
    // 6 against 11: Bin(17, 1/5), p = 0.128: no detectable change.
    assert_eq!(CountTest::of(6, 11, true).change, CountChange::Steady);
    // 3 against 12 is fewer incidents than the baseline held but the same rate (3 a week):
    // k1 = 3 is the mode of Bin(15, 1/5), p = 1.
    assert_eq!(CountTest::of(3, 12, true).change, CountChange::Steady);
    // Nothing at all: no evidence; the interval of 0 is 0 .. 3.689.
    let zero = CountTest::of(0, 0, true);
    assert_eq!(zero.change, CountChange::Steady);
    assert!((zero.high - 3.689).abs() < 1e-3);
    // A week or baseline outside the data: the counts stay, the verdict goes.
    let out = CountTest::of(8, 8, false);
    assert_eq!((out.n, out.baseline), (8, 8));
    assert_eq!(out.change, CountChange::NotJudged);
    assert_eq!(baseline_change(8, 8).2, CountChange::More);
}

#[test]
fn the_reported_week_against_the_limits() {
    let x = stats::xmr(&SERIES).unwrap();
    assert!((x.lower - 0.59).abs() < 1e-9 && (x.upper - 5.91).abs() < 1e-9);
    let above = Limits::of(&x, 6.0);
    assert_eq!(above.week, Side::Above);
    assert_eq!(Limits::of(&x, 3.0).week, Side::Within);
    assert_eq!(Limits::of(&x, 0.0).week, Side::Below);
    // At the limit is within: only strictly outside is a signal.
    assert_eq!(Limits::of(&x, x.upper).week, Side::Within);
    assert!(above.disagrees(CountChange::Steady));
    assert!(!above.disagrees(CountChange::More));
    assert!(!above.disagrees(CountChange::NotJudged));
    assert!(Limits::of(&x, 3.0).disagrees(CountChange::More));
    assert!(!Limits::of(&x, 3.0).disagrees(CountChange::Steady));
    assert!(!Limits::of(&x, 0.0).disagrees(CountChange::Fewer));

    let tr = WeeklyTrend::new(
        (35..=46)
            .zip(SERIES)
            .map(|(w, v)| (format!("2026-W{w}"), v))
            .collect(),
    );
    assert_eq!(tr.limits(), Some(above));
    assert_eq!(tr.xmr().unwrap().signals, [11]);
    // Below 8 weeks there are no limits.
    let short = WeeklyTrend::new(vec![("2026-W46".into(), 6.0)]);
    assert_eq!(short.limits(), None);
}

/// An incident of `team` detected `weeks` weeks before T0's week, 10 min after T0's instant.
fn inc(id: &'static str, team: &'static str, weeks: i64) -> Inc {
    let det = -weeks * 7 * 24 * 60 + 10;
    (
        id,
        team,
        "SEV2",
        "normal",
        None,
        det,
        None,
        None,
        Some(det + 30),
    )
}

/// The eight weeks 2026-W39 .. 2026-W46, judged at T0 + 2 hours.
fn eight_weeks() -> Scope {
    let mut s = scope();
    s.period = Period::new(s.period.from - chrono::Duration::weeks(7), s.period.to).unwrap();
    s
}

#[test]
fn every_teams_weekly_series_and_its_limits() {
    // Team t: one incident in each of W39 .. W45 and three in W46: mean 10 / 8 = 1.25, moving
    // ranges 0 x 6 and 2 (mean 2/7), limits 1.25 -+ 0.76 = 0.49 .. 2.01; W46 is above.
    // Team u: one incident in W46 alone: mean 0.125, limits 0.125 -+ 2.66/7 = -0.255 .. 0.505.
    let ids = ["a", "b", "c", "d", "e", "f", "g"];
    let mut rows: Vec<Inc> = (0..7).map(|k| inc(ids[k as usize], "t", 7 - k)).collect();
    rows.extend([inc("h", "t", 0), inc("i", "t", 0), inc("j", "t", 0)]);
    rows.push(inc("k", "u", 0));
    let s = eight_weeks();
    let trends = weekly_trends(&frames(&rows), &cfg(), &s).unwrap();

    let t = trends.of("t");
    let weeks: Vec<&str> = t.series().iter().map(|w| w.0.as_str()).collect();
    assert_eq!(
        weeks,
        (39..=46).map(|w| format!("2026-W{w}")).collect::<Vec<_>>()
    );
    let counts: Vec<f64> = t.series().iter().map(|w| w.1).collect();
    assert_eq!(counts, [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 3.0]);
    let x = t.xmr().unwrap();
    assert!((x.mean - 1.25).abs() < 1e-12);
    assert!(
        (x.upper - (1.25 + 2.66 * 2.0 / 7.0)).abs() < 1e-12,
        "{}",
        x.upper
    );
    assert_eq!(x.signals, [7]);
    assert_eq!(t.limits().unwrap().week, Side::Above);

    let u = trends.of("u");
    let counts: Vec<f64> = u.series().iter().map(|w| w.1).collect();
    assert_eq!(counts, [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
    assert!((u.xmr().unwrap().upper - (0.125 + 2.66 / 7.0)).abs() < 1e-12);

    // A team without incidents: eight weeks of 0, limits 0 .. 0, the week within them.
    let v = trends.of("v");
    assert_eq!(v.series().len(), 8);
    assert!(v.series().iter().all(|w| w.1 == 0.0));
    assert_eq!(v.limits().unwrap().week, Side::Within);

    // The same counts as `metrics durations --by team,week` prints.
    let out = run(&rows, &[Dim::Team, Dim::Week], &s);
    let table = table(&out, "incidents");
    let from_table: f64 = f64s(table, "incidents").iter().flatten().sum();
    assert_eq!(from_table, 11.0);
}
