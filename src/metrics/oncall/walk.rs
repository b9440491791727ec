//! The hours of each person's on-call shifts, split the way alert fatigue splits an instant:
//! business, off or sleep hours (`hours::bucket_local`) in the shift's zone with the team's
//! holidays, plus the hours on local weekend days and holidays for payroll, and the nights the
//! person was on call. Not the pages (`pages`) nor the tables (`build`).
//!
//! The walk goes minute by minute: every edge the rules know (a window's `HH:MM`, local
//! midnight) is a whole local minute, and zone offsets are whole minutes, so each UTC minute lies
//! in one bucket and one local day, and the minute pieces add up to the exact hours. The zone is
//! consulted once per UTC hour (twice at a DST change), since within an hour of one offset the
//! local time is the UTC time plus that offset.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone};

use super::{Load, Span};
use crate::config::{Config, Team};
use crate::metrics::fatigue::ids::{month_index, week_index};
use crate::metrics::fatigue::judges::shift_judge;
use crate::metrics::fatigue::shifts::Shifts;
use crate::metrics::hours::{self, Bucket};
use crate::model::time::{HOUR_US, HOUR_US_F, MINUTE_US};

/// A person of a team's roster.
pub(super) type Person = (String, String);

/// The roster's load so far, and each on-call night's week and month (where its first on-call
/// minute in the period fell), so an interrupted night is counted where the night is.
#[derive(Debug, Default)]
pub(super) struct Roster {
    pub loads: BTreeMap<(Person, Span), Load>,
    pub nights: HashMap<(Person, NaiveDate), (i64, i64)>,
    /// The nights already counted as interrupted.
    pub interrupted: HashSet<(Person, NaiveDate)>,
}

impl Roster {
    /// The load of `who` for every span an instant falls in: the period, its week, its month.
    pub(super) fn each(
        &mut self,
        who: &Person,
        week: i64,
        month: i64,
        mut f: impl FnMut(&mut Load),
    ) {
        for span in [Span::All, Span::Week(week), Span::Month(month)] {
            f(self.loads.entry((who.clone(), span)).or_default());
        }
    }
}

/// Walk every shift's hours inside `[from, to)`. A person's overlapping shifts of one team are
/// counted once: each instant in the zone of the shift that started first.
pub(super) fn walk(cfg: &Config, shifts: &Shifts, from: i64, to: i64) -> Roster {
    let mut roster = Roster::default();
    let mut order: Vec<usize> = (0..shifts.list.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&shifts.list[a], &shifts.list[b]);
        (&x.team, &x.person, x.start, a).cmp(&(&y.team, &y.person, y.start, b))
    });
    let mut covered: Option<(Person, i64)> = None;
    for s in order {
        let sh = &shifts.list[s];
        let who: Person = (sh.team.clone(), sh.person.clone());
        let until = match &covered {
            Some((p, t)) if *p == who => *t,
            _ => i64::MIN,
        };
        let (lo, hi) = (sh.start.max(from).max(until), sh.end.min(to));
        covered = Some((who.clone(), until.max(sh.end)));
        // Listed even with no hours left, so the person is on the roster of the period.
        roster.loads.entry((who.clone(), Span::All)).or_default();
        if lo < hi {
            walk_one(&mut roster, &who, &shift_judge(cfg, sh), lo, hi);
        }
    }
    roster
}

/// The local reading of UTC microseconds `t` at a fixed offset (seconds east of UTC).
fn at_offset(t: i64, offset: i32) -> NaiveDateTime {
    let utc = DateTime::from_timestamp_micros(t).expect("a shift inside chrono's range");
    utc.naive_utc() + Duration::seconds(i64::from(offset))
}

fn offset(team: &Team, t: i64) -> Option<i32> {
    let utc = DateTime::from_timestamp_micros(t)?;
    Some(
        team.timezone
            .offset_from_utc_datetime(&utc.naive_utc())
            .fix()
            .local_minus_utc(),
    )
}

/// Add the hours of `[lo, hi)` of one person, judged by `team` (the shift's judge).
fn walk_one(roster: &mut Roster, who: &Person, team: &Team, lo: i64, hi: i64) {
    // Per span touched, microseconds by business, off, sleep, weekend, holiday, and new nights:
    // whole microseconds add up exactly, where adding 1/60 h per minute would drift; merged
    // into the roster as hours at the end, so the minute loop does no string work.
    let mut local: HashMap<Span, ([i64; 5], u64)> = HashMap::new();
    let mut last_night: Option<NaiveDate> = None;
    let mut t = lo;
    while t < hi {
        let hour = t.div_euclid(HOUR_US) * HOUR_US;
        let hour_end = (hour + HOUR_US).min(hi);
        let steady = match (offset(team, hour), offset(team, hour + HOUR_US - 1)) {
            (Some(a), Some(b)) if a == b => Some(a),
            _ => None,
        };
        while t < hour_end {
            let next = ((t.div_euclid(MINUTE_US) + 1) * MINUTE_US).min(hour_end);
            let at = match steady {
                Some(off) => at_offset(t, off),
                None => hours::local(t, team),
            };
            let us = next - t;
            let bucket = hours::bucket_local(at, team);
            let date = at.date();
            let weekend = !team.business_days.contains(&date.weekday());
            let holiday = !weekend && team.holidays.contains(&date);
            let (week, month) = (week_index(t), month_index(t));
            let night = (bucket == Bucket::Sleep)
                .then(|| hours::night_of_local(at, team))
                .flatten();
            // A night's minutes come in a row, so the roster is asked once per night.
            let new_night = night.is_some_and(|n| {
                last_night != Some(n) && {
                    last_night = Some(n);
                    let key = (who.clone(), n);
                    !roster.nights.contains_key(&key) && {
                        roster.nights.insert(key, (week, month));
                        true
                    }
                }
            });
            let slot = match bucket {
                Bucket::Business => 0,
                Bucket::Off => 1,
                Bucket::Sleep => 2,
            };
            for span in [Span::All, Span::Week(week), Span::Month(month)] {
                let (us_by, nights) = local.entry(span).or_default();
                us_by[slot] += us;
                us_by[3] += if weekend { us } else { 0 };
                us_by[4] += if holiday { us } else { 0 };
                *nights += u64::from(new_night);
            }
            t = next;
        }
    }
    for (span, (us_by, nights)) in local {
        let h = |i: usize| us_by[i] as f64 / HOUR_US_F;
        let l = Load {
            business_h: h(0),
            off_h: h(1),
            sleep_h: h(2),
            weekend_h: h(3),
            holiday_h: h(4),
            nights,
            ..Load::default()
        };
        roster
            .loads
            .entry((who.clone(), span))
            .or_default()
            .add_hours(&l);
    }
}
