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

#[test]
fn open_impact_minutes_are_the_union_of_the_open_incidents_part() {
    use super::intervals::AS_OF_END;
    const M: i64 = MINUTE_US;
    let imp = |start: i64, end: i64, end_used: &str| Impact {
        incident_id: "x".into(),
        team: "t".into(),
        service: Some("s".into()),
        severity: "SEV2".into(),
        start,
        end,
        start_used: "detected_at".into(),
        end_used: end_used.into(),
        excluded: None,
    };
    // Closed 0-30; open 20-100 and 90-120 (both counted up to as-of at 120, the window's end).
    // impact = union 0-120 = 120; open = union 20-120 = 100, its shared 20-30 with the closed
    // one included (an open incident had impact then). Window 0-1440: availability
    // 1 - 120/1440 = 91.66666666666667%.
    let closed = imp(0, 30 * M, "resolved_at");
    let open_a = imp(20 * M, 100 * M, AS_OF_END);
    let open_b = imp(90 * M, 120 * M, AS_OF_END);
    let f = figures(&[&closed, &open_a, &open_b], None, 0, 1440 * M);
    assert_eq!(f.impact_min, 120.0);
    assert_eq!(f.open_min, 100.0);
    assert_eq!(f.open, 2);
    assert!((f.availability_pct.unwrap() - 91.66666666666667).abs() < 1e-9);
    // Without open incidents the column is 0, not null.
    assert_eq!(figures(&[&closed], None, 0, 1440 * M).open_min, 0.0);
}
