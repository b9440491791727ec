//! Hand-computed cases for `metrics::hours`.
use std::path::Path;

use chrono::NaiveTime;
use chrono_tz::Tz;

use super::*;
use crate::config::{Config, Window};

/// The default team (business Mon-Fri 08:00-18:00, sleep 22:00-08:00) in a zone.
fn team(tz: Tz) -> Team {
    let mut t = Config::defaults_in(Path::new(".")).default_team.clone();
    t.timezone = tz;
    t
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A UTC instant in microseconds; the tests give the UTC reading of each local time by hand.
fn utc(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
    date(y, m, d)
        .and_hms_opt(h, mi, s)
        .unwrap()
        .and_utc()
        .timestamp_micros()
}

const MIN: i64 = 60 * SECOND_US;

#[test]
fn buckets_and_boundaries_on_a_utc_weekday() {
    // 2026-03-02 is a Monday; the zone is UTC, so local = UTC.
    let t = team(Tz::UTC);
    let cases = [
        ((7, 59, 59), Bucket::Sleep),
        ((8, 0, 0), Bucket::Business), // sleep ends and business starts at 08:00
        ((12, 0, 0), Bucket::Business),
        ((17, 59, 59), Bucket::Business),
        ((18, 0, 0), Bucket::Off), // business ends at 18:00, exclusive
        ((21, 59, 59), Bucket::Off),
        ((22, 0, 0), Bucket::Sleep), // sleep starts at 22:00, inclusive
        ((23, 59, 59), Bucket::Sleep),
    ];
    for ((h, m, s), want) in cases {
        assert_eq!(bucket(utc(2026, 3, 2, h, m, s), &t), want, "{h}:{m}:{s}");
    }
}

#[test]
fn sleep_across_midnight_is_one_night() {
    let t = team(Tz::UTC);
    let monday = date(2026, 3, 2);
    for at in [
        utc(2026, 3, 2, 22, 0, 0),
        utc(2026, 3, 2, 23, 59, 59),
        utc(2026, 3, 3, 0, 0, 0),
        utc(2026, 3, 3, 7, 59, 59),
    ] {
        assert_eq!(bucket(at, &t), Bucket::Sleep);
        assert_eq!(night_of(at, &t), Some(monday));
    }
    assert_eq!(
        night_of(utc(2026, 3, 3, 22, 0, 0), &t),
        Some(date(2026, 3, 3))
    );
    assert_eq!(night_of(utc(2026, 3, 3, 8, 0, 0), &t), None);
    assert_eq!(night_of(utc(2026, 3, 2, 21, 59, 59), &t), None);
}

#[test]
fn night_of_a_window_that_does_not_wrap() {
    let mut t = team(Tz::UTC);
    t.sleep_hours = Window {
        start: NaiveTime::from_hms_opt(0, 0, 0).unwrap(),
        end: NaiveTime::from_hms_opt(7, 0, 0).unwrap(),
    };
    let at = utc(2026, 3, 3, 1, 30, 0);
    assert_eq!(bucket(at, &t), Bucket::Sleep);
    assert_eq!(night_of(at, &t), Some(date(2026, 3, 3)));
    assert_eq!(bucket(utc(2026, 3, 2, 23, 0, 0), &t), Bucket::Off);
}

#[test]
fn berlin_spring_forward() {
    // 2026-03-29 (Sunday) 02:00 CET (+01) jumps to 03:00 CEST (+02).
    let t = team(Tz::Europe__Berlin);
    let night = Some(date(2026, 3, 28));
    // 01:30 CET = 00:30 UTC, before the change.
    let before = utc(2026, 3, 29, 0, 30, 0);
    assert_eq!(bucket(before, &t), Bucket::Sleep);
    assert_eq!(night_of(before, &t), night);
    // 03:30 CEST = 01:30 UTC, after the change: the same night.
    let after = utc(2026, 3, 29, 1, 30, 0);
    assert_eq!(bucket(after, &t), Bucket::Sleep);
    assert_eq!(night_of(after, &t), night);
    // 05:59:59 UTC is 07:59:59 CEST: still asleep. 06:00 UTC is 08:00 CEST on a Sunday: off
    // (read with the winter offset it would be 07:00, still sleep).
    assert_eq!(bucket(utc(2026, 3, 29, 5, 59, 59), &t), Bucket::Sleep);
    assert_eq!(bucket(utc(2026, 3, 29, 6, 0, 0), &t), Bucket::Off);
    assert_eq!(night_of(utc(2026, 3, 29, 6, 0, 0), &t), None);
    // Monday 2026-03-30 06:30 UTC is 08:30 CEST: business (07:30 with the winter offset).
    assert_eq!(bucket(utc(2026, 3, 30, 6, 30, 0), &t), Bucket::Business);
}

#[test]
fn berlin_fall_back() {
    // 2026-10-25 (Sunday) 03:00 CEST (+02) falls back to 02:00 CET (+01); 02:00-03:00 happens
    // twice, so Berlin's ambiguous half past is 02:30.
    let t = team(Tz::Europe__Berlin);
    let night = Some(date(2026, 10, 24));
    for at in [
        utc(2026, 10, 24, 23, 30, 0), // 01:30 CEST, unambiguous
        utc(2026, 10, 25, 0, 30, 0),  // 02:30 CEST, first occurrence
        utc(2026, 10, 25, 1, 30, 0),  // 02:30 CET, second occurrence
    ] {
        assert_eq!(bucket(at, &t), Bucket::Sleep);
        assert_eq!(night_of(at, &t), night);
    }
    // Monday 2026-10-26 06:30 UTC is 07:30 CET: sleep (08:30 with the summer offset).
    assert_eq!(bucket(utc(2026, 10, 26, 6, 30, 0), &t), Bucket::Sleep);
    assert_eq!(bucket(utc(2026, 10, 26, 7, 0, 0), &t), Bucket::Business);
}

#[test]
fn new_york_spring_forward() {
    // 2026-03-08 (Sunday) 02:00 EST (-05) jumps to 03:00 EDT (-04).
    let t = team(Tz::America__New_York);
    let night = Some(date(2026, 3, 7));
    // 01:30 EST = 06:30 UTC; 03:30 EDT = 07:30 UTC.
    for at in [utc(2026, 3, 8, 6, 30, 0), utc(2026, 3, 8, 7, 30, 0)] {
        assert_eq!(bucket(at, &t), Bucket::Sleep);
        assert_eq!(night_of(at, &t), night);
    }
    // Saturday 2026-03-07 23:00 EST = 2026-03-08 04:00 UTC: the same night, by local date.
    assert_eq!(night_of(utc(2026, 3, 8, 4, 0, 0), &t), night);
    // Monday 2026-03-09 12:30 UTC is 08:30 EDT: business (07:30 with the winter offset).
    assert_eq!(bucket(utc(2026, 3, 9, 12, 30, 0), &t), Bucket::Business);
    assert_eq!(bucket(utc(2026, 3, 9, 11, 59, 59), &t), Bucket::Sleep);
}

#[test]
fn new_york_fall_back_both_ambiguous_readings() {
    // 2026-11-01 (Sunday) 02:00 EDT (-04) falls back to 01:00 EST (-05): 01:30 happens twice.
    let t = team(Tz::America__New_York);
    let night = Some(date(2026, 10, 31));
    // 01:30 EDT = 05:30 UTC; 01:30 EST = 06:30 UTC.
    for at in [utc(2026, 11, 1, 5, 30, 0), utc(2026, 11, 1, 6, 30, 0)] {
        assert_eq!(bucket(at, &t), Bucket::Sleep);
        assert_eq!(night_of(at, &t), night);
    }
    // Monday 2026-11-02 12:30 UTC is 07:30 EST: sleep (08:30 with the summer offset).
    assert_eq!(bucket(utc(2026, 11, 2, 12, 30, 0), &t), Bucket::Sleep);
    assert_eq!(bucket(utc(2026, 11, 2, 13, 0, 0), &t), Bucket::Business);
}

#[test]
fn holidays_are_off_but_still_sleep() {
    // Friday 2026-12-25 10:00 CET = 09:00 UTC.
    let mut t = team(Tz::Europe__Berlin);
    let at = utc(2026, 12, 25, 9, 0, 0);
    assert_eq!(bucket(at, &t), Bucket::Business, "a plain Friday");
    t.holidays.insert(date(2026, 12, 25));
    assert_eq!(bucket(at, &t), Bucket::Off);
    // 23:00 CET on the holiday is still sleep, and the holiday's night is its own date.
    let late = utc(2026, 12, 25, 22, 0, 0);
    assert_eq!(bucket(late, &t), Bucket::Sleep);
    assert_eq!(night_of(late, &t), Some(date(2026, 12, 25)));
    // The day after is not a holiday: Saturday anyway, so off at 10:00.
    assert_eq!(bucket(utc(2026, 12, 26, 9, 0, 0), &t), Bucket::Off);
}

#[test]
fn weekends_are_off_by_local_day() {
    // Saturday 2026-03-28 10:00 CET = 09:00 UTC.
    let t = team(Tz::Europe__Berlin);
    assert_eq!(bucket(utc(2026, 3, 28, 9, 0, 0), &t), Bucket::Off);
    // Friday 2026-03-27 10:00 CET is business.
    assert_eq!(bucket(utc(2026, 3, 27, 9, 0, 0), &t), Bucket::Business);
    // Monday 2026-03-09 09:00 EDT = 13:00 UTC: business. Sunday 2026-03-08 22:00 EDT is
    // Monday 02:00 UTC: sleep, judged by the local clock whatever the UTC weekday.
    let ny = team(Tz::America__New_York);
    assert_eq!(bucket(utc(2026, 3, 9, 13, 0, 0), &ny), Bucket::Business);
    assert_eq!(bucket(utc(2026, 3, 9, 2, 0, 0), &ny), Bucket::Sleep);
    // Sunday 2026-03-08 20:00 EDT = Monday 2026-03-09 00:00 UTC: off, a Sunday evening.
    assert_eq!(bucket(utc(2026, 3, 9, 0, 0, 0), &ny), Bucket::Off);
}

#[test]
fn custom_business_days() {
    // A team working Sunday-Thursday: Sunday 10:00 is business, Friday 10:00 is off.
    let mut t = team(Tz::UTC);
    t.business_days = vec![
        chrono::Weekday::Sun,
        chrono::Weekday::Mon,
        chrono::Weekday::Tue,
        chrono::Weekday::Wed,
        chrono::Weekday::Thu,
    ];
    assert_eq!(bucket(utc(2026, 3, 29, 10, 0, 0), &t), Bucket::Business);
    assert_eq!(bucket(utc(2026, 3, 27, 10, 0, 0), &t), Bucket::Off);
}

#[test]
fn far_instants_do_not_panic() {
    let t = team(Tz::Europe__Berlin);
    for at in [i64::MIN, i64::MAX] {
        let _ = bucket(at, &t);
        let _ = night_of(at, &t);
    }
}

#[test]
fn merge_at_exactly_60_and_61_seconds() {
    let s = SECOND_US;
    assert_eq!(merge_interruptions(&[0, 60 * s], 60), vec![0]);
    assert_eq!(merge_interruptions(&[0, 61 * s], 60), vec![0, 1]);
    assert_eq!(merge_interruptions(&[0, 60 * s + 1], 60), vec![0, 1]);
    assert!(merge_interruptions(&[], 60).is_empty());
    assert_eq!(merge_interruptions(&[5], 60), vec![0]);
}

#[test]
fn merge_is_measured_from_the_first_page_not_chained() {
    let s = SECOND_US;
    // 0, 40, 80 s: 80 s is 40 s after the previous page but 80 s after the first one, so it
    // starts the second interruption; 100 s joins it (20 s after 80 s).
    let pages = [0, 40 * s, 80 * s, 100 * s, 141 * s];
    assert_eq!(merge_interruptions(&pages, 60), vec![0, 2, 4]);
    // Simultaneous pages are one interruption.
    assert_eq!(merge_interruptions(&[7, 7, 7], 60), vec![0]);
    // A zero window merges only identical instants.
    assert_eq!(merge_interruptions(&[0, 0, 1], 0), vec![0, 2]);
}

#[test]
fn flapping_at_exactly_ten_minutes() {
    let resolved = utc(2026, 3, 2, 12, 0, 0);
    assert!(is_flapping(resolved, resolved + 10 * MIN, FLAP_WINDOW_SECS));
    assert!(!is_flapping(
        resolved,
        resolved + 10 * MIN + SECOND_US,
        FLAP_WINDOW_SECS
    ));
    assert!(is_flapping(resolved, resolved, FLAP_WINDOW_SECS));
    assert!(
        !is_flapping(resolved, resolved - MIN, FLAP_WINDOW_SECS),
        "overlapping instances are duplicates, not flaps"
    );
    assert!(!is_flapping(
        resolved,
        resolved + 3600 * SECOND_US,
        FLAP_WINDOW_SECS
    ));
}

#[test]
fn flapping_episodes_inside_sixty_minutes() {
    assert_eq!(flapping_episodes(&[]), 0);
    assert_eq!(flapping_episodes(&[0, 30 * MIN]), 0);
    // 0, 30, 60 min: exactly 60 minutes is inside.
    assert_eq!(flapping_episodes(&[0, 30 * MIN, 60 * MIN]), 1);
    // 0, 30, 60 min + 1 s: the three do not fit one window, and neither do any later three.
    assert_eq!(flapping_episodes(&[0, 30 * MIN, 60 * MIN + SECOND_US]), 0);
    // The first firing starts nothing (only 0 and 50 in its hour); 50, 70, 100 is one episode.
    assert_eq!(flapping_episodes(&[0, 50 * MIN, 70 * MIN, 100 * MIN]), 1);
}

#[test]
fn overlapping_windows_count_once() {
    // Every 10 minutes from 0 to 60: windows starting at 0, 10, 20... all qualify but overlap;
    // the episode from 0 takes all seven firings, so one episode.
    let every10: Vec<i64> = (0..=6).map(|k| k * 10 * MIN).collect();
    assert_eq!(flapping_episodes(&every10), 1);
    // Adding 61, 70, 80 min starts a second episode after the first window.
    let mut two = every10.clone();
    two.extend([61 * MIN, 70 * MIN, 80 * MIN]);
    assert_eq!(flapping_episodes(&two), 2);
    // Only 61 and 70 after the window: not enough for a second episode.
    let mut short = every10;
    short.extend([61 * MIN, 70 * MIN]);
    assert_eq!(flapping_episodes(&short), 1);
    // Custom thresholds: 2 firings inside 5 minutes.
    assert_eq!(
        flapping_episodes_with(&[0, 5 * MIN, 6 * MIN, 11 * MIN], 2, 300),
        2
    );
}
