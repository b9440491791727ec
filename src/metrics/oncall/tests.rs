//! Unit tests of the on-call hours walk and the fairness spread, on hand-computed shifts. The
//! end-to-end figures (pages, incidents, payroll) are the data-driven case
//! `tests/fixtures/metrics/oncall`.

use std::path::Path;

use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use super::walk::walk;
use super::{Load, Span, build, month_complete};
use crate::config::Config;
use crate::metrics::fatigue::ids::{month_index, week_index};
use crate::metrics::fatigue::shifts::{Shift, Shifts};

fn us(y: i32, m: u32, d: u32, h: u32) -> i64 {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
        .unwrap()
        .timestamp_micros()
}

fn shift(team: &str, person: &str, zone: Tz, start: i64, end: i64) -> Shift {
    Shift {
        team: team.into(),
        person: person.into(),
        zone: Some(zone),
        start,
        end,
    }
}

fn all(roster: &super::walk::Roster, team: &str, person: &str) -> Load {
    roster.loads[&((team.into(), person.into()), Span::All)].clone()
}

/// US summer time begins Sun 2026-03-08 at 02:00 EST (07:00Z): the night of Sat 7 in New York
/// is an hour shorter. A shift Sat 2026-03-07 20:00 EST (Sun 01:00Z) .. Sun 09:00 EDT (13:00Z)
/// is 12 h: off 20:00-22:00 (2 h), sleep 22:00 EST .. 08:00 EDT (9 h, not 10), off 08:00-09:00
/// (1 h); all of it on the weekend, one night.
#[test]
fn a_night_across_the_spring_change_is_an_hour_shorter() {
    let cfg = Config::defaults_in(Path::new("."));
    let shifts = Shifts::from_list(vec![shift(
        "t",
        "p",
        Tz::America__New_York,
        us(2026, 3, 8, 1),
        us(2026, 3, 8, 13),
    )]);
    let roster = walk(&cfg, &shifts, us(2026, 3, 1, 0), us(2026, 3, 15, 0));
    let l = all(&roster, "t", "p");
    assert_eq!((l.business_h, l.off_h, l.sleep_h), (0.0, 3.0, 9.0));
    assert_eq!((l.weekend_h, l.holiday_h, l.nights), (12.0, 0.0, 1));
    let night = NaiveDate::from_ymd_opt(2026, 3, 7).unwrap();
    assert!(
        roster
            .nights
            .contains_key(&(("t".into(), "p".into()), night))
    );
}

/// Two overlapping shifts of one person count their hours once: 08:00-12:00 and 10:00-14:00 UTC
/// on Mon 2026-11-09 are 6 business hours, not 8. A shift cut by the period counts its part.
#[test]
fn overlapping_shifts_count_once_and_the_period_cuts_them() {
    let cfg = Config::defaults_in(Path::new("."));
    let shifts = Shifts::from_list(vec![
        shift("t", "p", Tz::UTC, us(2026, 11, 9, 8), us(2026, 11, 9, 12)),
        shift("t", "p", Tz::UTC, us(2026, 11, 9, 10), us(2026, 11, 9, 14)),
        shift("t", "q", Tz::UTC, us(2026, 11, 8, 20), us(2026, 11, 9, 2)),
    ]);
    let roster = walk(&cfg, &shifts, us(2026, 11, 9, 0), us(2026, 11, 16, 0));
    assert_eq!(all(&roster, "t", "p").business_h, 6.0);
    // q from the period's start, Mon 00:00-02:00: sleep, the night of Sun 8.
    let q = all(&roster, "t", "q");
    assert_eq!((q.sleep_h, q.nights), (2.0, 1));
    let week = roster.loads[&(
        ("t".into(), "q".into()),
        Span::Week(week_index(us(2026, 11, 9, 0))),
    )]
        .sleep_h;
    assert_eq!(week, 2.0);
}

/// The spread: three people with 10, 20 and 60 hours outside business hours: median 20,
/// 60 / 20 = 3 over the default limit 1.5; a lone person gets no ratio.
#[test]
fn spread_is_the_busiest_against_the_median() {
    let cfg = Config::defaults_in(Path::new("."));
    let mut roster = super::walk::Roster::default();
    for (team, p, off) in [
        ("a", "x", 10.0),
        ("a", "y", 20.0),
        ("a", "z", 60.0),
        ("b", "w", 5.0),
    ] {
        roster.loads.insert(
            ((team.into(), p.into()), Span::All),
            Load {
                off_h: off,
                ..Load::default()
            },
        );
    }
    let (fair, spread) = build::fairness_frames(&roster, &cfg).unwrap();
    let ratio = spread.column("spread_ratio").unwrap().f64().unwrap();
    assert_eq!(ratio.get(0), Some(3.0));
    assert_eq!(ratio.get(1), None);
    let over = spread.column("over_limit").unwrap().bool().unwrap();
    assert_eq!((over.get(0), over.get(1)), (Some(true), Some(false)));
    let share = fair
        .column("outside_business_hours_share_pct")
        .unwrap()
        .f64()
        .unwrap();
    // z: 60 of 90.
    assert_eq!(share.get(2), Some(100.0 * 60.0 / 90.0));
}

#[test]
fn a_month_is_complete_only_when_the_period_covers_it() {
    let oct = month_index(us(2026, 10, 15, 0));
    assert!(month_complete(oct, us(2026, 10, 1, 0), us(2026, 11, 1, 0)));
    assert!(!month_complete(
        oct,
        us(2026, 10, 1, 0),
        us(2026, 10, 31, 0)
    ));
    assert!(!month_complete(oct, us(2026, 10, 2, 0), us(2026, 12, 1, 0)));
}
