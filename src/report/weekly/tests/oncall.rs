//! The "On-call load" section and the organisation's fairness lines on a roster small enough to
//! compute by hand: team `t` in the default hours (UTC, business Mon-Fri 08:00-18:00, sleep
//! 22:00-08:00 every day), week 2026-W46 (Mon 2026-11-09 .. Mon 11-16, UTC), as of 11-17.
//!
//! - q: Mon 11-09 08:00-18:00, 10 business hours; one page Mon 10:00 (business).
//! - p: Fri 11-13 18:00 .. Mon 11-16 08:00, cut at the week's end (Mon 00:00): 54 h. Off: Fri
//!   18-22 (4), Sat and Sun 08-22 (14 + 14) = 32; sleep: Fri 22 .. Sat 08 (10), Sat 22 .. Sun 08
//!   (10), Sun 22-24 (2) = 22. Pages Sat 03:00:00 and 03:00:30 merge (60 s): 2 pages, 1
//!   interruption, in sleep hours, 1 night interrupted. No incident: no time on incidents.
//!
//! Fairness over the 12 weeks to W46 (the same shifts): outside business hours p 54, q 0; the
//! median of two is 27, so the spread is 54 / 27 = 2, over the default limit of 1.5.

use super::super::oncall::{OncallTables, org_lines, section};
use super::{inputs, page};
use crate::metrics::fatigue::testkit::{Al, alerts_frame, shifts_frame, us};
use crate::metrics::scope::parse_week;
use crate::metrics::{Frames, Period, Scope};
use crate::report::OutputFormat;
use crate::report::testkit;

fn frames(with_q: bool) -> Frames {
    let mut shifts = vec![(
        "t",
        "p",
        "UTC",
        us(2026, 11, 13, 18, 0, 0),
        us(2026, 11, 16, 8, 0, 0),
    )];
    if with_q {
        shifts.push((
            "t",
            "q",
            "UTC",
            us(2026, 11, 9, 8, 0, 0),
            us(2026, 11, 9, 18, 0, 0),
        ));
    }
    let pages = [
        Al::page("t", us(2026, 11, 9, 10, 0, 0)),
        Al::page("t", us(2026, 11, 14, 3, 0, 0)),
        Al::page("t", us(2026, 11, 14, 3, 0, 30)),
    ];
    let mut f = crate::metrics::quality::fixtures::frames();
    f.oncall_shifts = shifts_frame(&shifts);
    f.alerts = alerts_frame(&pages);
    f.alert_history = f.alerts.clone();
    f
}

fn tables(f: &Frames, cfg: &crate::config::Config) -> OncallTables {
    let week = parse_week("2026-W46").unwrap();
    let trend = Period::new(week.to - chrono::Duration::weeks(12), week.to).unwrap();
    let inp = inputs(f, cfg);
    let scope = |p| Scope::new(p, testkit::as_of());
    OncallTables::new(&inp, &scope(week), &scope(trend)).unwrap()
}

#[test]
fn a_persons_week_of_hours_and_pages_and_the_spread_over_the_limit() {
    let cfg = crate::metrics::quality::fixtures::cfg();
    let f = frames(true);
    let o = tables(&f, &cfg);
    let v = section(&o, "t").unwrap();
    assert_eq!(
        v.people.rows,
        vec![
            vec!["p", "54", "0", "32", "22", "2", "1", "1", "1", "–"],
            vec!["q", "10", "10", "0", "0", "1", "1", "0", "0", "–"],
        ]
    );
    assert!(v.over_limit);
    assert_eq!(
        v.fairness,
        "Fairness over the 12 weeks to 2026-W46 (one week of a weekly rotation says nothing): \
         the busiest person, p, was on call 54 h outside business hours, 2 times the median \
         person's 27 h; over the team's limit of 1.5."
    );
    assert_eq!(
        org_lines(&o, &["t"]).unwrap(),
        vec![
            "t: p was on call 2 times the median person's hours outside business hours in the \
             12 weeks to 2026-W46 (54 h against 27 h; limit 1.5)."
        ]
    );
}

/// One person on call has no spread: no flag, and the organisation says no team is over.
#[test]
fn one_person_has_no_spread_and_no_team_is_over() {
    let cfg = crate::metrics::quality::fixtures::cfg();
    let f = frames(false);
    let o = tables(&f, &cfg);
    let v = section(&o, "t").unwrap();
    assert!(!v.over_limit);
    assert_eq!(
        v.fairness,
        "Fairness over the 12 weeks to 2026-W46: no spread, with 1 on call and a median of 54 \
         h outside business hours (it needs 2 people and a median above 0)."
    );
    assert_eq!(
        org_lines(&o, &["t"]).unwrap(),
        vec!["No team over its on-call spread limit in the 12 weeks to 2026-W46."]
    );
}

/// The whole team file renders the section: the row of p and the flagged fairness line in bold.
#[test]
fn the_team_file_shows_the_section_with_the_flag() {
    let cfg = crate::metrics::quality::fixtures::cfg();
    let f = frames(true);
    let inp = inputs(&f, &cfg);
    let docs =
        crate::report::weekly::weekly(&inp, parse_week("2026-W46").unwrap(), &[], false).unwrap();
    let md = page(&docs[0], OutputFormat::Markdown);
    assert!(
        md.contains("| p | 54 | 0 | 32 | 22 | 2 | 1 | 1 | 1 | – |"),
        "{md}"
    );
    assert!(md.contains("over the team's limit of 1.5.**"), "{md}");
}
