//! Unit tests of the impact family's own arithmetic: the weeks a period is cut into and a week's
//! budget share. The figures over real incidents are the data-driven case
//! `tests/fixtures/metrics/impact/`, through the binary.

use chrono::DateTime;

use super::tables::{figures, weeks};
use super::*;

fn us(s: &str) -> i64 {
    DateTime::parse_from_rfc3339(s).unwrap().timestamp_micros()
}

#[test]
fn a_period_is_cut_into_iso_weeks_clipped_at_both_ends() {
    // Wed 2026-11-04 12:00 to Tue 2026-11-17 00:00: the end of W45, all of W46, Monday of W47.
    let w = weeks(us("2026-11-04T12:00:00Z"), us("2026-11-17T00:00:00Z"));
    let labels: Vec<&str> = w.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(labels, ["2026-W45", "2026-W46", "2026-W47"]);
    assert_eq!(w[0].1, us("2026-11-04T12:00:00Z"));
    assert_eq!(w[0].2, us("2026-11-09T00:00:00Z"));
    assert_eq!(w[1].2, us("2026-11-16T00:00:00Z"));
    assert_eq!(w[2].2, us("2026-11-17T00:00:00Z"));
    // The ISO year: 2027-01-01 (a Friday) is in 2026-W53.
    let w = weeks(us("2027-01-01T00:00:00Z"), us("2027-01-05T00:00:00Z"));
    let labels: Vec<&str> = w.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(labels, ["2026-W53", "2027-W01"]);
    assert!(weeks(5, 5).is_empty());
}

#[test]
fn a_week_budget_share_is_minutes_over_a_whole_weeks_budget() {
    // 99.9%: 10080 x 0.001 = 10.08 min a week; 5.04 min is half of it.
    assert!((week_budget_share_pct(5.04, 99.9) - 50.0).abs() < 1e-9);
    // 99%: 100.8 min; 30 min = 29.761904761904763%.
    assert!((week_budget_share_pct(30.0, 99.0) - 29.761904761904763).abs() < 1e-9);
}

#[test]
fn figures_of_a_service_without_incidents_are_full_availability() {
    let f = figures(&[], Some(99.5), 0, 1440 * MINUTE_US);
    assert_eq!(f.availability_pct, Some(100.0));
    assert_eq!(f.impact_min, 0.0);
    assert!((f.budget_min.unwrap() - 7.2).abs() < 1e-9);
    assert_eq!(f.burned_pct, Some(0.0));
    // An empty period has no availability rather than a division by zero.
    assert_eq!(figures(&[], None, 0, 0).availability_pct, None);
}
