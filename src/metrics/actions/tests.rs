//! Hand-computed cases for `metrics::actions`: completion, overdue, days to complete and targets
//! over March 2026 (as of 2026-04-01 00:00 UTC), and postmortems due over a weekend and a holiday.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::postmortems::business_days_between;
use super::*;
use crate::metrics::quality::fixtures::*;

fn d(m: u32, day: u32) -> i64 {
    utc(2026, m, day, 0, 0)
}

/// i1 (team a) and i2 (team b); item u1 refers to an incident that is not in the store.
fn setup() -> Frames {
    let mut f = frames();
    let mut i2 = inc("i2", "Slow checkout", d(3, 2));
    i2.team = "b";
    f.incidents = incidents(&[inc("i1", "Disk full", d(3, 1)), i2]);
    f.action_items = action_items(&[
        (
            "a1",
            "i1",
            "P1",
            "done",
            d(3, 2),
            Some(d(3, 30)),
            Some(d(3, 12)),
        ), // 10 days
        ("a2", "i1", "P1", "done", d(3, 1), None, Some(d(3, 31))), // 30 days > 28
        ("a3", "i1", "P1", "open", d(3, 5), Some(d(3, 20)), None), // overdue
        ("a4", "i1", "P1", "wont_do", d(3, 6), None, None),
        ("a5", "i1", "P1", "open", d(3, 7), Some(d(4, 15)), None), // not due yet
        ("b1", "i2", "P2", "done", d(3, 10), None, Some(d(3, 30))), // 20 days <= 56
        ("b2", "i2", "P3", "done", d(3, 10), None, Some(d(3, 20))), // P3: no target
        ("u1", "ghost", "P2", "open", d(3, 11), Some(d(3, 21)), None),
        ("old", "i2", "P2", "open", d(1, 5), Some(d(1, 20)), None), // before the period
    ]);
    f
}

fn run(by: Option<&[Dim]>) -> Result<Vec<MetricTable>> {
    actions(&setup(), &cfg(), &scope(d(3, 1), d(4, 1), d(4, 1)), by)
}

fn strs(df: &DataFrame, name: &str) -> Vec<String> {
    texts(df, name).into_iter().map(Option::unwrap).collect()
}

#[test]
fn completion_overdue_median_and_targets_by_priority_and_team() {
    let out = run(None).unwrap();
    let t = &out[0];
    assert_eq!(t.name(), "actions");
    assert_eq!(t.dims, ["priority", "team"]);
    let df = &t.frame;
    assert_eq!(strs(df, PRIORITY), ["P1", "P2", "P2", "P3"]);
    assert_eq!(strs(df, TEAM), ["a", "b", "unassigned", "b"]);
    assert_eq!(u64s(df, "items"), [5, 1, 1, 1]);
    assert_eq!(u64s(df, "done"), [2, 1, 0, 1]);
    assert_eq!(u64s(df, "wont_do"), [1, 0, 0, 0]);
    assert_eq!(u64s(df, "open"), [2, 0, 1, 0]);
    assert_eq!(u64s(df, "overdue"), [1, 0, 1, 0]);
    // P1/a: 2 done of 5 - 1 wont_do = 50%; Wilson 2 of 4: centre 0.5, half-width
    // 1.959964 * sqrt(0.0625 + 3.841459/64) / 1.960365 = 0.349963.
    let pct = f64s(df, "completion_pct");
    assert!(close(pct[0], 50.0) && close(pct[1], 100.0) && close(pct[2], 0.0));
    assert!((f64s(df, "completion_low_pct")[0].unwrap() - 15.0037).abs() < 1e-3);
    assert!((f64s(df, "completion_high_pct")[0].unwrap() - 84.9963).abs() < 1e-3);
    // 1 of 1: centre (1 + z²/2) / (1 + z²) = 0.603260, half z sqrt(z²/4) / (1 + z²) = 0.396740.
    assert!((f64s(df, "completion_low_pct")[1].unwrap() - 20.652).abs() < 1e-2);
    assert_eq!(f64s(df, "completion_high_pct")[1], Some(100.0));
    // median(10, 30) = 20; b1 20 days; none for u1; b2 10.
    assert_eq!(
        f64s(df, "median_days_to_complete"),
        [Some(20.0), Some(20.0), None, Some(10.0)]
    );
    assert_eq!(
        f64s(df, "target_days"),
        [Some(28.0), Some(56.0), Some(56.0), None]
    );
    // a1 in 10 <= 28, a2 in 30 > 28: 50%; b1 20 <= 56: 100%; P3 has no target.
    assert_eq!(
        f64s(df, "within_target_pct"),
        [Some(50.0), Some(100.0), None, None]
    );
    assert!(
        t.notes
            .iter()
            .any(|n| n.starts_with("1 action item(s) refer to incidents"))
    );
}

#[test]
fn overdue_backlog_counts_every_open_item_past_due_whatever_its_creation() {
    let out = run(None).unwrap();
    let t = out
        .iter()
        .find(|t| t.name() == "actions_overdue_all")
        .unwrap();
    let df = &t.frame;
    assert_eq!(strs(df, PRIORITY), ["P1", "P2", "P2"]);
    assert_eq!(strs(df, TEAM), ["a", "b", "unassigned"]);
    assert_eq!(u64s(df, "overdue"), [1, 1, 1]);
    // Due 03-20, 01-20 (created in January, still counted) and 03-21, judged on 04-01:
    // 12, 31 + 28 + 12 = 71 and 11 days.
    assert_eq!(
        f64s(df, "oldest_overdue_days"),
        [Some(12.0), Some(71.0), Some(11.0)]
    );
    assert!(
        texts(df, "oldest_due")[1]
            .as_deref()
            .unwrap()
            .starts_with("2026-01-20")
    );
}

#[test]
fn grouping_by_team_only_has_no_single_target_and_other_dims_are_refused() {
    let out = run(Some(&[Dim::Team])).unwrap();
    let df = &out[0].frame;
    assert_eq!(strs(df, TEAM), ["a", "b", "unassigned"]);
    assert_eq!(u64s(df, "items"), [5, 2, 1]);
    assert_eq!(f64s(df, "target_days"), [None, None, None]);
    // Team b: b1 within its P2 target; b2 (P3) has none, so 1 of 1.
    assert_eq!(f64s(df, "within_target_pct")[1], Some(100.0));
    let all = run(Some(&[])).unwrap();
    assert_eq!(u64s(&all[0].frame, "items"), [8]);
    assert!(matches!(run(Some(&[Dim::Severity])), Err(Error::Query(_))));
}

/// Team `berlin`: Europe/Berlin, Mon-Fri, Easter Monday 2026-04-06 a holiday.
fn berlin() -> crate::config::Team {
    let mut t = cfg().default_team.clone();
    t.name = "berlin".into();
    t.timezone = Tz::Europe__Berlin;
    t.holidays = BTreeSet::from([NaiveDate::from_ymd_opt(2026, 4, 6).unwrap()]);
    t
}

#[test]
fn business_days_skip_the_weekend_and_the_holiday_in_the_teams_zone() {
    let t = berlin();
    // Thu 2026-04-02 23:30 UTC is Fri 04-03 01:30 in Berlin (CEST, UTC+2).
    let detected = utc(2026, 4, 2, 23, 30);
    // Whole days after Fri 04-03 and before Mon 04-13: Sat, Sun, Mon 6 (holiday), Tue-Fri
    // 7-10 (4), Sat, Sun: 4 business days.
    assert_eq!(
        business_days_between(detected, utc(2026, 4, 13, 10, 0), &t),
        4
    );
    // A day later Mon 04-13 is whole too: 5.
    assert_eq!(
        business_days_between(detected, utc(2026, 4, 14, 8, 0), &t),
        5
    );
    // In UTC the same instant is Thursday 04-02, and with no holiday Fri 3 and Mon 6 count:
    // Fri 3, Mon 6 .. Fri 10 = 6.
    let plain = cfg().default_team.clone();
    assert_eq!(
        business_days_between(detected, utc(2026, 4, 13, 10, 0), &plain),
        6
    );
    // Three whole weeks and two days: 15 + Mon, Tue.
    assert_eq!(
        business_days_between(d(3, 1), utc(2026, 3, 25, 12, 0), &plain),
        17
    );
    assert_eq!(business_days_between(d(3, 2), d(3, 3), &plain), 0);
    assert_eq!(business_days_between(d(3, 3), d(3, 2), &plain), 0);
}

#[test]
fn postmortems_missing_after_five_business_days() {
    let mut cfg = cfg();
    cfg.teams.insert("berlin".into(), berlin());
    let detected = utc(2026, 4, 2, 23, 30);
    let mut b = inc("b1", "Checkout down", detected);
    (b.team, b.severity) = ("berlin", "SEV1");
    let mut u = inc("u1", "Search down", detected);
    (u.team, u.severity) = ("other", "SEV2"); // not configured: UTC, no holidays
    let mut done = inc("u2", "Search slow", detected);
    (done.team, done.severity, done.postmortem_url) = ("other", "SEV2", Some("https://pm/1"));
    let mut minor = inc("u3", "Search flaky", detected);
    minor.team = "other"; // SEV3: no postmortem due
    let mut f = frames();
    f.incidents = incidents(&[b, u, done, minor]);
    let period = (utc(2026, 3, 30, 0, 0), utc(2026, 4, 13, 0, 0));

    let at = |as_of| {
        let out = actions(&f, &cfg, &scope(period.0, period.1, as_of), None).unwrap();
        out.into_iter()
            .find(|t| t.name() == "postmortems_missing")
            .unwrap()
    };
    // Monday 04-13 12:00 Berlin: berlin has 4 whole business days, other 6.
    let t = at(utc(2026, 4, 13, 10, 0));
    assert_eq!(t.dims, ["team", "severity"]);
    assert_eq!(strs(&t.frame, INCIDENT_ID), ["u1"]);
    assert_eq!(u64s(&t.frame, "business_days_elapsed"), [6]);
    // Tuesday: berlin reaches 5.
    let t = at(utc(2026, 4, 14, 8, 0));
    assert_eq!(strs(&t.frame, INCIDENT_ID), ["b1", "u1"]);
    assert_eq!(strs(&t.frame, TEAM), ["berlin", "other"]);
    assert_eq!(strs(&t.frame, SEVERITY), ["SEV1", "SEV2"]);
    assert_eq!(u64s(&t.frame, "business_days_elapsed"), [5, 7]);
    assert_eq!(strs(&t.frame, TITLE), ["Checkout down", "Search down"]);
}
