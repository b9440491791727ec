//! Hand-computed cases for people: attribution of pages to on-call shifts in the person's zone,
//! the per-shift table and its limit, and the comparison with the previous period.

use chrono_tz::Tz;

use super::super::testkit::*;
use super::super::*;
use crate::metrics::source::Local;

/// Three weeks from Monday 2026-11-09.
fn three_weeks() -> Scope {
    scope(us(2026, 11, 9, 0, 0, 0), us(2026, 11, 30, 0, 0, 0))
}

fn shifts() -> Vec<Sh<'static>> {
    vec![
        (
            "a",
            "ann",
            "Asia/Tokyo",
            us(2026, 11, 9, 0, 0, 0),
            us(2026, 11, 16, 0, 0, 0),
        ),
        (
            "a",
            "carl",
            "Europe/Berlin",
            us(2026, 11, 10, 12, 0, 0),
            us(2026, 11, 11, 12, 0, 0),
        ),
        (
            "a",
            "bob",
            "America/New_York",
            us(2026, 11, 16, 0, 0, 0),
            us(2026, 11, 23, 0, 0, 0),
        ),
        (
            "a",
            "dan",
            "Mars/Base",
            us(2026, 11, 23, 0, 0, 0),
            us(2026, 11, 25, 0, 0, 0),
        ),
        // Another team's shift never takes team a's pages.
        (
            "b",
            "eve",
            "UTC",
            us(2026, 11, 9, 0, 0, 0),
            us(2026, 11, 30, 0, 0, 0),
        ),
    ]
}

fn pages() -> Vec<Al> {
    vec![
        // Tuesday 14:00 UTC: ann (Tokyo 23:00, sleep) and carl (Berlin 15:00, business).
        Al::page("a", us(2026, 11, 10, 14, 0, 0)),
        // Tuesday 14:00 UTC: bob (New York 09:00 EST, business).
        Al::page("a", us(2026, 11, 17, 14, 0, 0)),
        // Tuesday 03:00 UTC: dan, whose zone does not parse: the team's UTC, sleep.
        Al::page("a", us(2026, 11, 24, 3, 0, 0)),
        // Thursday 10:00 UTC, no shift: team zone UTC, business; and a quiet alert.
        Al::page("a", us(2026, 11, 26, 10, 0, 0)),
        Al::quiet("a", us(2026, 11, 26, 11, 0, 0)),
    ]
}

#[test]
fn pages_belong_to_every_covering_shift_judged_in_the_persons_zone() {
    let f = frames(&pages(), &shifts());
    let c = cfg(&[("a", Tz::UTC)]);
    let out = fatigue(&Local, &f, &c, &three_weeks(), Some(&[Dim::Person]), false).unwrap();
    let t = table(&out, "fatigue");
    assert_eq!(
        strs(t, "person"),
        ["(no shift)", "ann", "bob", "carl", "dan"]
    );
    assert_eq!(u64s(t, "alerts"), [2, 1, 1, 1, 1]);
    assert_eq!(u64s(t, "pages"), [1, 1, 1, 1, 1]);
    assert_eq!(u64s(t, "sleep_interruptions"), [0, 1, 0, 0, 1]);
    assert_eq!(u64s(t, "business_interruptions"), [1, 0, 1, 1, 0]);
    assert_eq!(u64s(t, "nights_interrupted"), [0, 1, 0, 0, 1]);
    let notes = out[0].notes.join("\n");
    assert!(
        notes.contains("2 alerts fired when no on-call shift"),
        "{notes}"
    );
    assert!(notes.contains("\"Mars/Base\""), "{notes}");

    // By team, each page once, in the primary person's zone: the 11-10 page is ann's (her shift
    // started first), so it is sleep. Sleep: 11-10 (Tokyo), 11-24 (UTC); business: 11-17, 11-26.
    let out = fatigue(&Local, &f, &c, &three_weeks(), Some(&[Dim::Team]), false).unwrap();
    let t = table(&out, "fatigue");
    assert_eq!(u64s(t, "pages"), [4]);
    assert_eq!(u64s(t, "sleep_interruptions"), [2]);
    assert_eq!(u64s(t, "business_interruptions"), [2]);
}

#[test]
fn shift_table_hours_pages_and_sleep_in_the_persons_zone() {
    let f = frames(&pages(), &shifts());
    let out = fatigue(
        &Local,
        &f,
        &cfg(&[("a", Tz::UTC)]),
        &three_weeks(),
        None,
        false,
    )
    .unwrap();
    let t = table(&out, "fatigue_shift");
    assert_eq!(strs(t, "team"), ["a", "a", "a", "a", "b"]);
    assert_eq!(strs(t, "person"), ["ann", "bob", "carl", "dan", "eve"]);
    assert_eq!(strs(t, "shift")[0], "2026-11-09T00:00:00Z");
    assert_eq!(
        f64s(t, "hours"),
        [
            Some(168.0),
            Some(168.0),
            Some(24.0),
            Some(48.0),
            Some(504.0)
        ]
    );
    assert_eq!(u64s(t, "pages"), [1, 1, 1, 1, 0]);
    assert_eq!(u64s(t, "sleep_interruptions"), [1, 0, 0, 1, 0]);
}

#[test]
fn by_person_without_any_shift_is_a_query_error() {
    let e = fatigue(
        &Local,
        &frames(&pages(), &[]),
        &cfg(&[]),
        &three_weeks(),
        Some(&[Dim::Person, Dim::Week]),
        false,
    )
    .unwrap_err();
    assert!(e.to_string().contains("no oncall_shifts"), "{e}");
}

#[test]
fn pages_per_12_hours_against_the_limit() {
    let d = |day: u32, h: u32| us(2026, 11, day, h, 0, 0);
    let shifts: Vec<Sh> = vec![
        ("s", "x", "UTC", d(9, 8), d(9, 20)),    // 12 h
        ("s", "y", "UTC", d(10, 0), d(11, 0)),   // 24 h
        ("s", "z", "UTC", d(15, 12), d(16, 12)), // ends after the period: 12 h inside it
    ];
    let rows = [
        Al::page("s", d(9, 9)),
        Al::page("s", d(9, 10)),
        Al::page("s", d(9, 11)),
        Al::page("s", d(10, 9)),
        Al::page("s", d(10, 10)),
        Al::page("s", d(10, 11)),
        Al::page("s", d(15, 13)),
        Al::page("s", d(15, 14)),
        Al::page("s", d(16, 1)), // after the period
    ];
    let s = scope(us(2026, 11, 9, 0, 0, 0), us(2026, 11, 16, 0, 0, 0));
    let mut c = cfg(&[]);
    let out = fatigue(&Local, &frames(&rows, &shifts), &c, &s, None, false).unwrap();
    let t = table(&out, "fatigue_shift");
    // x: 3 / (12/12) = 3 > 2; y: 3 / (24/12) = 1.5; z: 2 / (12/12) = 2, not above 2.
    assert_eq!(f64s(t, "hours"), [Some(12.0), Some(24.0), Some(12.0)]);
    assert_eq!(u64s(t, "pages"), [3, 3, 2]);
    assert_eq!(f64s(t, "pages_per_12h"), [Some(3.0), Some(1.5), Some(2.0)]);
    assert_eq!(bools(t, "over_limit"), [true, false, false]);
    assert_eq!(strs(t, "ends_at")[2], "2026-11-16T12:00:00Z");
    let notes = &out
        .iter()
        .find(|t| t.name() == "fatigue_shift")
        .unwrap()
        .notes;
    assert!(notes.iter().any(|n| n.contains("hours inside it")));
    // The limit is the config's.
    c.thresholds.pages_per_shift_limit = 1.4;
    let out = fatigue(&Local, &frames(&rows, &shifts), &c, &s, None, false).unwrap();
    assert_eq!(
        bools(table(&out, "fatigue_shift"), "over_limit"),
        [true, true, true]
    );
}

#[test]
fn compare_says_more_or_fewer_only_when_the_test_can_tell() {
    let w46 = us(2026, 11, 9, 0, 0, 0);
    let w45 = w46 - 7 * DAY;
    let mut rows = vec![];
    let mut add = |team: &str, start: i64, n: i64| {
        rows.extend((0..n).map(|i| Al::page(team, start + 10 * HOUR + i * 5 * MIN)));
    };
    add("m", w46, 30);
    add("m", w45, 10);
    add("f", w46, 2);
    // A week's baseline is the 4 weeks before it (`metrics::baseline`); these all lie in W45.
    add("f", w45, 60);
    add("n", w46, 5);
    add("n", w45, 24);
    let s = scope(w46, w46 + 7 * DAY);
    let out = fatigue(&Local, &frames(&rows, &[]), &cfg(&[]), &s, None, true).unwrap();
    let t = table(&out, "fatigue_compare");
    assert_eq!(strs(t, "team"), ["f", "m", "n"]);
    assert_eq!(u64s(t, "pages"), [2, 30, 5]);
    assert_eq!(u64s(t, "pages_previous"), [60, 10, 24]);
    // Pages 5 min apart never merge, so interruptions = pages.
    assert_eq!(u64s(t, "interruptions_previous"), [60, 10, 24]);
    assert_eq!(
        strs(t, "verdict"),
        ["fewer", "more", "no detectable change"]
    );
    // Conditional on the total, this week's pages ~ Bin(n, 7 / 35 = 1/5). f: 2 of 62, the
    // outcomes no more likely than 2 sum to p = 0.00019968 (R: binom.test(2, 62, 0.2)): fewer,
    // though 2 a week against 15 a week. n: 5 of 29 is the mode of Bin(29, 1/5) (5.8
    // expected): every outcome is no more likely, p = 1.
    let p = f64s(t, "pages_change_p");
    assert!((p[0].unwrap() - 0.000_199_68).abs() < 1e-8, "{p:?}");
    assert!(p[1].unwrap() < 0.05);
    assert_eq!(p[2], Some(1.0));
    // Exact Poisson interval of 30: 20.24 .. 42.83 (published tables).
    assert!((f64s(t, "pages_low")[1].unwrap() - 20.24).abs() < 0.01);
    assert!((f64s(t, "pages_high")[1].unwrap() - 42.83).abs() < 0.01);
    assert_eq!(f64s(t, "actionable_pct"), [Some(0.0), Some(0.0), Some(0.0)]);
}
