//! Hand-computed cases for `metrics::fatigue`: the interruption merge, hours across midnight, DST
//! and holidays, flapping and episodes, the per-alert shares, and the property that groups add up
//! whatever the row order. People and shifts are in `tests/people.rs`, property tests in
//! `tests/props.rs`.

mod flapping;
mod people;
mod props;

use chrono_tz::Tz;

use super::testkit::*;
use super::*;
use crate::metrics::source::Local;

/// Week 2026-W46: Monday 2026-11-09 00:00 UTC .. Monday 2026-11-16.
fn w46() -> Scope {
    scope(us(2026, 11, 9, 0, 0, 0), us(2026, 11, 16, 0, 0, 0))
}

fn run(rows: &[Al], cfg: &Config, scope: &Scope, by: &[Dim]) -> Vec<MetricTable> {
    fatigue(&Local, &frames(rows, &[]), cfg, scope, Some(by), false).unwrap()
}

#[test]
fn pages_within_60_s_of_the_first_page_are_one_interruption() {
    // Monday 10:00 UTC, zone UTC: business hours. The window is measured from the first page:
    // 0 s starts an interruption; 59 s and 60 s are within 60 s of it (inclusive) and merge;
    // 61 s is past it and starts a second one, which absorbs 62 s. 5 pages, 2 interruptions.
    let t0 = us(2026, 11, 9, 10, 0, 0);
    let rows: Vec<Al> = [0, 59, 60, 61, 62]
        .iter()
        .map(|s| Al::page("a", t0 + s * SEC))
        .collect();
    let out = run(&rows, &cfg(&[("a", Tz::UTC)]), &w46(), &[Dim::Team]);
    assert_eq!(
        out.len(),
        1,
        "no shifts, no compare: only the fatigue table"
    );
    let t = table(&out, "fatigue");
    assert_eq!(u64s(t, "pages"), [5]);
    assert_eq!(u64s(t, "interruptions"), [2]);
    assert_eq!(u64s(t, "business_interruptions"), [2]);
    assert_eq!(u64s(t, "sleep_interruptions"), [0]);
    // The threshold is the config's: with 1 s every page but 60 s/61 s and 61 s/62 s stands alone.
    let mut c = cfg(&[("a", Tz::UTC)]);
    c.thresholds.interruption_merge_seconds = 1;
    let t = &run(&rows, &c, &w46(), &[Dim::Team])[0].frame;
    assert_eq!(u64s(t, "interruptions"), [3], "0 | 59+60 | 61+62");
}

#[test]
fn berlin_sleep_across_midnight_and_spring_forward() {
    // 2026-03-29 (Sunday) 02:00 CET jumps to 03:00 CEST.
    let rows = [
        // Friday 06:30 UTC = 07:30 CET: sleep, the night of Thursday 03-26.
        Al::page("berlin", us(2026, 3, 27, 6, 30, 0)),
        // Saturday 22:00 UTC = 23:00 CET and Sunday 00:30 UTC = 01:30 CET: one night, 03-28.
        Al::page("berlin", us(2026, 3, 28, 22, 0, 0)),
        Al::page("berlin", us(2026, 3, 29, 0, 30, 0)),
        // Sunday 12:00 UTC = 14:00 CEST: weekend, off hours.
        Al::page("berlin", us(2026, 3, 29, 12, 0, 0)),
        // Sunday 21:30 UTC = 23:30 CEST: sleep, the night of 03-29 (still UTC week W13).
        Al::page("berlin", us(2026, 3, 29, 21, 30, 0)),
        // Monday 06:30 UTC = 08:30 CEST: business (07:30 with the winter offset would be sleep).
        Al::page("berlin", us(2026, 3, 30, 6, 30, 0)),
    ];
    let s = scope(us(2026, 3, 23, 0, 0, 0), us(2026, 4, 6, 0, 0, 0));
    let c = cfg(&[("berlin", Tz::Europe__Berlin)]);
    let out = fatigue(&Local, &frames(&rows, &[]), &c, &s, None, false).unwrap();
    let t = table(&out, "fatigue");
    assert_eq!(out[0].title, "Alert fatigue by team and week");
    assert_eq!(strs(t, "week"), ["2026-W13", "2026-W14"]);
    assert_eq!(u64s(t, "interruptions"), [5, 1]);
    assert_eq!(u64s(t, "sleep_interruptions"), [4, 0]);
    assert_eq!(u64s(t, "off_interruptions"), [1, 0]);
    assert_eq!(u64s(t, "business_interruptions"), [0, 1]);
    // Nights 03-26, 03-28 (two pages), 03-29.
    assert_eq!(u64s(t, "nights_interrupted"), [3, 0]);
}

#[test]
fn new_york_fall_back_half_past_one_twice_is_one_night() {
    // 2026-11-01 (Sunday) 02:00 EDT falls back to 01:00 EST: 01:30 happens twice.
    let rows = [
        // Monday 10-26 12:30 UTC = 08:30 EDT: business.
        Al::page("ny", us(2026, 10, 26, 12, 30, 0)),
        // 05:30 UTC = 01:30 EDT and 06:30 UTC = 01:30 EST: both the night of Saturday 10-31.
        Al::page("ny", us(2026, 11, 1, 5, 30, 0)),
        Al::page("ny", us(2026, 11, 1, 6, 30, 0)),
        // Monday 11-02 12:30 UTC = 07:30 EST: sleep, the night of 11-01.
        Al::page("ny", us(2026, 11, 2, 12, 30, 0)),
    ];
    let s = scope(us(2026, 10, 26, 0, 0, 0), us(2026, 11, 9, 0, 0, 0));
    let c = cfg(&[("ny", Tz::America__New_York)]);
    let t = &run(&rows, &c, &s, &[Dim::Team])[0].frame;
    assert_eq!(u64s(t, "interruptions"), [4]);
    assert_eq!(u64s(t, "business_interruptions"), [1]);
    assert_eq!(u64s(t, "sleep_interruptions"), [3]);
    assert_eq!(u64s(t, "nights_interrupted"), [2]);
    let t = &run(&rows, &c, &s, &[Dim::Team, Dim::Week])[0].frame;
    assert_eq!(strs(t, "week"), ["2026-W44", "2026-W45"]);
    assert_eq!(u64s(t, "sleep_interruptions"), [2, 1]);
    assert_eq!(u64s(t, "nights_interrupted"), [1, 1]);
}

#[test]
fn a_holiday_is_off_hours_and_its_night_still_sleep() {
    let mut c = cfg(&[("h", Tz::UTC)]);
    let xmas = chrono::NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
    c.teams.get_mut("h").unwrap().holidays.insert(xmas);
    let rows = [
        Al::page("h", us(2026, 12, 24, 10, 0, 0)), // Thursday: business
        Al::page("h", us(2026, 12, 25, 10, 0, 0)), // Friday, holiday: off
        Al::page("h", us(2026, 12, 25, 23, 0, 0)), // the holiday's night: sleep
    ];
    let s = scope(us(2026, 12, 21, 0, 0, 0), us(2026, 12, 28, 0, 0, 0));
    let t = &run(&rows, &c, &s, &[Dim::Team])[0].frame;
    assert_eq!(u64s(t, "business_interruptions"), [1]);
    assert_eq!(u64s(t, "off_interruptions"), [1]);
    assert_eq!(u64s(t, "sleep_interruptions"), [1]);
}

#[test]
fn flapping_at_exactly_ten_minutes_counts_and_looks_before_the_period() {
    let from = us(2026, 11, 9, 0, 0, 0);
    let rows = [
        // Before the period: fired 23:50, resolved 23:55 on Sunday.
        Al::quiet("a", from - 10 * MIN)
            .fp("x")
            .resolved(from - 5 * MIN, Some("auto")),
        // 00:05 is exactly 10 min after 23:55: flapping (the previous firing is outside).
        Al::quiet("a", from + 5 * MIN)
            .fp("x")
            .resolved(from + 10 * MIN, Some("auto")),
        // 00:20:01 is 10 min 1 s after 00:10: not flapping.
        Al::quiet("a", from + 20 * MIN + SEC)
            .fp("x")
            .resolved(from + 30 * MIN, None),
        // 00:30, the moment the previous resolved: flapping (gap 0).
        Al::quiet("a", from + 30 * MIN).fp("x"),
        // 01:00 after an unresolved firing: no gap to judge, not flapping.
        Al::quiet("a", from + 60 * MIN).fp("x"),
    ];
    let t = &run(&rows, &cfg(&[]), &w46(), &[Dim::Team])[0].frame;
    assert_eq!(
        u64s(t, "alerts"),
        [4],
        "the firing before the period is not counted"
    );
    assert_eq!(u64s(t, "flapping_alerts"), [2]);
    assert_eq!(f64s(t, "flapping_pct"), [Some(50.0)]);
    // 23:50, 00:05, 00:20:01, 00:30 are an episode (4 firings in 60 min), but it began before
    // the period, so it belongs to the previous one; 01:00 alone is none.
    assert_eq!(u64s(t, "flapping_episodes"), [0]);
}

#[test]
fn a_flapping_episode_belongs_to_the_week_of_its_first_firing() {
    let rows = [
        // Sunday 23:30, 23:50 (W46) and Monday 00:10 (W47): one episode, in W46.
        Al::quiet("a", us(2026, 11, 15, 23, 30, 0)).fp("y"),
        Al::quiet("a", us(2026, 11, 15, 23, 50, 0)).fp("y"),
        Al::quiet("a", us(2026, 11, 16, 0, 10, 0)).fp("y"),
        // 03:00, 03:30 and 04:00:00 (exactly 60 min): a second episode, in W47.
        Al::quiet("a", us(2026, 11, 16, 3, 0, 0)).fp("y"),
        Al::quiet("a", us(2026, 11, 16, 3, 30, 0)).fp("y"),
        Al::quiet("a", us(2026, 11, 16, 4, 0, 0)).fp("y"),
        // 10:00, 10:30, 11:01: no 60-minute window holds three firings.
        Al::quiet("a", us(2026, 11, 17, 10, 0, 0)).fp("z"),
        Al::quiet("a", us(2026, 11, 17, 10, 30, 0)).fp("z"),
        Al::quiet("a", us(2026, 11, 17, 11, 1, 0)).fp("z"),
    ];
    let s = scope(us(2026, 11, 9, 0, 0, 0), us(2026, 11, 23, 0, 0, 0));
    let t = &run(&rows, &cfg(&[]), &s, &[Dim::Team, Dim::Week])[0].frame;
    assert_eq!(strs(t, "week"), ["2026-W46", "2026-W47"]);
    assert_eq!(u64s(t, "alerts"), [2, 7]);
    assert_eq!(u64s(t, "flapping_episodes"), [1, 1]);
    // Never resolved, so never flapping.
    assert_eq!(u64s(t, "flapping_alerts"), [0, 0]);
}

#[test]
fn actionable_share_with_wilson_bounds_and_ack_times() {
    let t0 = us(2026, 11, 10, 12, 0, 0);
    let p = |i: i64| Al::page("a", t0 + i * HOUR);
    let rows = [
        p(0).ack(t0 + MIN, Some("ann")), // human: actionable, 1 min
        p(1).ack(t0 + HOUR + 2 * MIN, Some("ann")), // 2 min
        p(2).ack(t0 + 2 * HOUR + 3 * MIN, Some("bob")), // 3 min
        p(3).ack(t0 + 3 * HOUR + 4 * MIN, Some("auto")), // the system: not actionable, 4 min
        p(4).ack(t0 + 4 * HOUR + 5 * MIN, None), // no actor: counted human, 5 min
        p(5).incident("inc-1"),          // linked: actionable
        p(6),
        p(7),
        p(8),
        p(9),
        // Not a page: its acknowledgement counts for nothing here.
        Al::quiet("a", t0).ack(t0 + MIN, Some("ann")),
    ];
    let t = &run(&rows, &cfg(&[]), &w46(), &[Dim::Team])[0].frame;
    assert_eq!(u64s(t, "pages"), [10]);
    // 5 of 10; Wilson 95% for 5/10 is 23.66% .. 76.34% (published).
    assert_eq!(f64s(t, "actionable_pct"), [Some(50.0)]);
    assert!((f64s(t, "actionable_low_pct")[0].unwrap() - 23.66).abs() < 0.01);
    assert!((f64s(t, "actionable_high_pct")[0].unwrap() - 76.34).abs() < 0.01);
    // Acknowledged pages: 1, 2, 3, 4, 5 min -> median 3; 5 < 6, so no interval.
    assert_eq!(u64s(t, "pages_acked"), [5]);
    assert_eq!(f64s(t, "page_tta_median_min"), [Some(3.0)]);
    assert_eq!(f64s(t, "page_tta_low_min"), [None]);
}

#[test]
fn ack_time_interval_from_six_pages_and_negative_acks_left_out() {
    let t0 = us(2026, 11, 10, 12, 0, 0);
    let mut rows: Vec<Al> = (1..=6)
        .map(|m| Al::page("a", t0 + m * HOUR).ack(t0 + m * HOUR + m * MIN, Some("ann")))
        .collect();
    rows.push(Al::page("a", t0).ack(t0 - MIN, Some("ann")));
    let out = run(&rows, &cfg(&[]), &w46(), &[Dim::Team]);
    let t = &out[0].frame;
    // 1..6 min: median 3.5; for n = 6 the 95% interval is (X(1), X(6)) = (1, 6).
    assert_eq!(u64s(t, "pages_acked"), [6]);
    assert_eq!(f64s(t, "page_tta_median_min"), [Some(3.5)]);
    assert_eq!(f64s(t, "page_tta_low_min"), [Some(1.0)]);
    assert_eq!(f64s(t, "page_tta_high_min"), [Some(6.0)]);
    assert!(
        out[0]
            .notes
            .iter()
            .any(|n| n.starts_with("1 acknowledged pages"))
    );
}

#[test]
fn transient_alerts_auto_resolved_within_five_minutes_never_acked() {
    let t0 = us(2026, 11, 10, 12, 0, 0);
    let q = |i: i64| Al::quiet("a", t0 + i * HOUR);
    let rows = [
        q(0).resolved(t0 + 300 * SEC, Some("auto")), // exactly 300 s: transient
        q(1).resolved(t0 + HOUR + 301 * SEC, Some("auto")), // 301 s: not
        q(2).resolved(t0 + 2 * HOUR + 100 * SEC, None), // no resolver: transient
        q(3).resolved(t0 + 3 * HOUR + 100 * SEC, Some("bob")), // a person closed it: not
        q(4).ack(t0 + 4 * HOUR + 50 * SEC, Some("bob"))
            .resolved(t0 + 4 * HOUR + 100 * SEC, Some("auto")), // acknowledged: not
        q(5),                                        // never resolved: not
    ];
    let t = &run(&rows, &cfg(&[]), &w46(), &[Dim::Team])[0].frame;
    // 2 of 6 alerts.
    assert!(close(
        f64s(t, "transient_pct")[0].unwrap(),
        100.0 * 2.0 / 6.0
    ));
}

#[test]
fn alerts_per_incident_and_notification_repeats() {
    let t0 = us(2026, 11, 10, 12, 0, 0);
    let rows = [
        Al::page("a", t0).incident("inc-1").notifications(3),
        Al::page("a", t0 + HOUR).incident("inc-1").notifications(1),
        Al::quiet("a", t0 + 2 * HOUR)
            .incident("inc-1")
            .notifications(0),
        Al::page("a", t0 + 3 * HOUR)
            .incident("inc-2")
            .notifications(2),
        Al::page("a", t0 + 4 * HOUR).notifications(1),
        Al::page("a", t0 + 5 * HOUR).notifications(4),
        Al::page("b", t0).notifications(1),
    ];
    let t = &run(&rows, &cfg(&[]), &w46(), &[Dim::Team])[0].frame;
    assert_eq!(strs(t, "team"), ["a", "b"]);
    // a: 4 linked alerts / 2 incidents = 2; b: none linked, so no figure.
    assert_eq!(f64s(t, "alerts_per_incident"), [Some(2.0), None]);
    // a: (3-1) + (1-1) + 0 (no notification, floored) + (2-1) + (1-1) + (4-1) = 6, where the
    // plain sum(notifications) - alerts would say 11 - 6 = 5.
    assert_eq!(u64s(t, "notification_repeats"), [6, 0]);
}

#[test]
fn unknown_dimension_is_a_query_error_naming_the_allowed_ones() {
    let e = fatigue(
        &Local,
        &frames(&[], &[]),
        &cfg(&[]),
        &w46(),
        Some(&[Dim::Rule]),
        false,
    )
    .unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, Error::Query(_)));
    assert!(
        msg.contains("rule") && msg.contains("team, week, month, person, service, severity"),
        "{msg}"
    );
}

#[test]
fn weekly_interruptions_get_xmr_limits_over_eight_weeks() {
    // Ten weeks from Monday 2026-09-07 (W37). One page each Wednesday, none in the third week,
    // and 30 pages 2 min apart (30 interruptions) in the ninth.
    let from = us(2026, 9, 7, 0, 0, 0);
    let mut rows = vec![];
    for w in 0..10 {
        let wed = from + w * 7 * DAY + 2 * DAY + 10 * HOUR;
        match w {
            2 => {}
            8 => rows.extend((0..30).map(|i| Al::page("a", wed + i * 2 * MIN))),
            _ => rows.push(Al::page("a", wed)),
        }
    }
    let s = scope(from, from + 70 * DAY);
    let out = run(&rows, &cfg(&[]), &s, &[Dim::Team, Dim::Week]);
    let t = &out[0].frame;
    // Series 1,1,0,1,1,1,1,1,30,1: mean 3.8; moving ranges 0,1,1,0,0,0,0,29,29 -> 60/9;
    // limits 3.8 +- 2.66 x 60/9 = -13.933 .. 21.533. Only the 30 is outside.
    assert_eq!(
        t.height(),
        9,
        "the week without alerts has no row but counts as 0"
    );
    let upper = 3.8 + 2.66 * 60.0 / 9.0;
    assert!(close(f64s(t, "interruptions_xmr_upper")[0].unwrap(), upper));
    assert!(close(
        f64s(t, "interruptions_xmr_lower")[0].unwrap(),
        3.8 - 2.66 * 60.0 / 9.0
    ));
    let signals = strs(t, "interruptions_signal");
    assert_eq!(signals[7], "above limits");
    assert_eq!(signals.iter().filter(|s| !s.is_empty()).count(), 1);
    assert_eq!(strs(t, "week")[7], "2026-W45");
    // Fewer than 8 weeks: no XmR columns.
    let s = scope(from, from + 49 * DAY);
    let t = &run(&rows, &cfg(&[]), &s, &[Dim::Team, Dim::Week])[0].frame;
    assert!(t.column("interruptions_signal").is_err());
}
