//! Who judges an instant's hours, and a memo that keeps that cheap for millions of pages.
//!
//! The judge of a page is the team's `Team` settings from the config, in the zone of the on-call
//! person's shift when one covers the page (the team's own zone when the shift's did not parse).
//! Judges are built once per team and per shift, so a lookup is indexing.
//!
//! `hours::bucket` converts every instant to local time through the zone's rules, which costs
//! about as much as everything else done per page. Within one UTC hour the answer rarely
//! changes, so each judge remembers its last hour: when the judge's windows start and end on
//! whole hours and the zone's offset is the same whole number of hours at both ends of that UTC
//! hour, every local boundary (window edges, and midnight for weekdays and holidays) falls on
//! the hour's edges, so the bucket and the night are those of the hour's first instant. Any
//! other hour (a half-hour zone, a DST change, a window at 08:30) is judged instant by instant.

use chrono::{DateTime, NaiveDate, NaiveTime, Offset, TimeZone, Timelike};

use super::ids::Interned;
use super::shifts::Shifts;
use crate::config::{Config, Team};
use crate::metrics::hours::{self, Bucket};
use crate::model::time::HOUR_US;

#[derive(Debug, Clone, Copy)]
struct Memo {
    hour: i64,
    bucket: Bucket,
    night: Option<NaiveDate>,
}

/// The judges of a scope's teams and shifts, with their memos.
pub(crate) struct Judges {
    /// Team ids first, then shifts.
    judges: Vec<Team>,
    n_teams: usize,
    /// Whether all of a judge's window edges are whole hours.
    whole_hours: Vec<bool>,
    memo: Vec<Option<Memo>>,
}

fn whole(t: NaiveTime) -> bool {
    t.minute() == 0 && t.second() == 0 && t.nanosecond() == 0
}

impl Judges {
    pub(crate) fn new(cfg: &Config, teams: &Interned, shifts: &Shifts) -> Judges {
        let named = |name: &str| {
            let mut t = cfg.team(name).clone();
            t.name = name.to_string();
            t
        };
        let mut judges: Vec<Team> = teams
            .names
            .iter()
            .map(|n| named(n.as_deref().unwrap_or("")))
            .collect();
        let n_teams = judges.len();
        judges.extend(shifts.list.iter().map(|s| shift_judge(cfg, s)));
        let whole_hours = judges
            .iter()
            .map(|t| {
                [t.business_hours, t.sleep_hours]
                    .iter()
                    .all(|w| whole(w.start) && whole(w.end))
            })
            .collect();
        let memo = vec![None; judges.len()];
        Judges {
            judges,
            n_teams,
            whole_hours,
            memo,
        }
    }

    fn index(&self, team: u32, shift: Option<u32>) -> usize {
        match shift {
            Some(s) => self.n_teams + s as usize,
            None => team as usize,
        }
    }

    /// The judge of a team's instant, in the zone of `shift` when there is one.
    #[cfg(test)]
    pub(crate) fn get(&self, team: u32, shift: Option<u32>) -> &Team {
        &self.judges[self.index(team, shift)]
    }

    /// The bucket of instant `t` for a team (in `shift`'s zone when given), and for a sleep-hour
    /// instant the night it interrupted: `hours::bucket` and `hours::night_of`, remembered per
    /// clean hour (module text).
    pub(crate) fn judge(
        &mut self,
        team: u32,
        shift: Option<u32>,
        t: i64,
    ) -> (Bucket, Option<NaiveDate>) {
        let j = self.index(team, shift);
        let hour = t.div_euclid(HOUR_US);
        if let Some(m) = self.memo[j]
            && m.hour == hour
        {
            return (m.bucket, m.night);
        }
        let judge = &self.judges[j];
        let start = hour * HOUR_US;
        if self.whole_hours[j] && whole_hour_offset(judge, start, start + HOUR_US - 1) {
            let bucket = hours::bucket(start, judge);
            let night = hours::night_of(start, judge);
            self.memo[j] = Some(Memo {
                hour,
                bucket,
                night,
            });
            return (bucket, night);
        }
        let bucket = hours::bucket(t, judge);
        let night = if bucket == Bucket::Sleep {
            hours::night_of(t, judge)
        } else {
            None
        };
        (bucket, night)
    }
}

/// The judge of a shift: its team's settings (business hours and days, sleep hours, holidays)
/// in the shift's zone, or the team's own zone when the shift's did not parse. The on-call load
/// (`metrics::oncall`) judges a shift's hours with the same settings as its pages.
pub(crate) fn shift_judge(cfg: &Config, shift: &super::shifts::Shift) -> Team {
    let mut t = cfg.team(&shift.team).clone();
    t.name = shift.team.clone();
    if let Some(z) = shift.zone {
        t.timezone = z;
    }
    t
}

/// Whether the team's zone has the same offset, a whole number of hours, at both instants.
fn whole_hour_offset(team: &Team, a: i64, b: i64) -> bool {
    let offset = |us: i64| {
        DateTime::from_timestamp_micros(us).map(|d| {
            team.timezone
                .offset_from_utc_datetime(&d.naive_utc())
                .fix()
                .local_minus_utc()
        })
    };
    match (offset(a), offset(b)) {
        (Some(x), Some(y)) => x == y && x % 3_600 == 0,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::model::time::SECOND_US;

    use chrono_tz::Tz;
    use proptest::prelude::*;

    use super::*;
    use crate::config::Window;
    use crate::metrics::fatigue::ids::intern;
    use polars::prelude::*;

    fn judges(tz: Tz, business_start: NaiveTime) -> Judges {
        let mut cfg = Config::defaults_in(Path::new("."));
        let mut team = cfg.default_team.clone();
        team.timezone = tz;
        team.business_hours = Window {
            start: business_start,
            end: team.business_hours.end,
        };
        team.holidays
            .insert(NaiveDate::from_ymd_opt(2026, 12, 25).unwrap());
        cfg.teams.insert("a".into(), team);
        let names = intern(&StringChunked::new("team".into(), ["a"]));
        Judges::new(&cfg, &names, &Shifts::default())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The memo never changes an answer: instants in time order (as the walks visit them)
        /// over the 2026 DST changes, in whole-hour, half-hour and quarter-hour zones, with
        /// business hours starting on the hour or at 08:30.
        #[test]
        fn memo_agrees_with_hours(
            zone in prop::sample::select(vec![
                Tz::UTC, Tz::Europe__Berlin, Tz::America__New_York, Tz::Asia__Kolkata,
                Tz::Asia__Kathmandu, Tz::Australia__Lord_Howe,
            ]),
            half_past in any::<bool>(),
            start_day in 0i64..365,
            steps in prop::collection::vec(0i64..5_400, 1..200),
        ) {
            let business = NaiveTime::from_hms_opt(8, if half_past { 30 } else { 0 }, 0).unwrap();
            let mut j = judges(zone, business);
            let team = j.get(0, None).clone();
            // From 2026-01-01 plus `start_day` days, in steps of up to 90 minutes.
            let mut t = 1_767_225_600 * SECOND_US + start_day * 24 * HOUR_US;
            for step in steps {
                t += step * SECOND_US;
                let want_bucket = hours::bucket(t, &team);
                let want_night = hours::night_of(t, &team);
                prop_assert_eq!(j.judge(0, None, t), (want_bucket, want_night), "{}", t);
            }
        }
    }
}
