//! The dimension tables a reduce job carries inline, so that no engine's time-zone functions are
//! ever used and the job needs no file beside it:
//!
//! - `am_tz (zone, from_us, to_us, offset_s)`: every IANA zone chrono-tz knows (aliases too, as a
//!   shift's zone may be written either way), as intervals of UTC microseconds, half-open, with
//!   the zone's offset from UTC in seconds, covering the job's time range. chrono-tz has no list of
//!   transitions, so they are found by sampling each zone's offset every `STEP` and bisecting to
//!   the second where it changes (tz transitions fall on whole seconds, and no zone changes its
//!   offset twice within `STEP`).
//! - `am_settings (settings_id, zone, business_start_us, business_end_us, sleep_start_us,
//!   sleep_end_us, business_days)`: each configured team's hours (times of day in microseconds;
//!   `business_days` is seven characters, Monday first, `1` for a business day), id 0 being the
//!   default team's; `am_teams (team, settings_id)` maps the configured team names.
//! - `am_holidays (settings_id, day)`: holidays as days since 1970-01-01.

use chrono::{DateTime, NaiveTime, Offset, TimeZone, Timelike, Weekday};
use chrono_tz::{TZ_VARIANTS, Tz};

use super::dialect::Engine;
use crate::config::{Config, Team, Window};
use crate::metrics::fatigue::reduce::day_number;
use crate::model::time::SECOND_US as SEC_US;

const STEP: i64 = 3 * 3_600;

/// The offset of a zone at a UTC second.
fn offset_at(tz: Tz, sec: i64) -> i32 {
    DateTime::from_timestamp(sec, 0).map_or(0, |d| {
        tz.offset_from_utc_datetime(&d.naive_utc())
            .fix()
            .local_minus_utc()
    })
}

/// One zone's offsets over `[from_sec, to_sec)`: `(from_us, to_us, offset_s)`, contiguous.
pub(crate) fn transitions(tz: Tz, from_sec: i64, to_sec: i64) -> Vec<(i64, i64, i32)> {
    let mut out = vec![];
    let mut start = from_sec;
    let mut current = offset_at(tz, from_sec);
    let mut probe = from_sec;
    while probe < to_sec {
        let next = (probe + STEP).min(to_sec);
        let there = offset_at(tz, next);
        if there != current && next < to_sec {
            // The first second in (probe, next] with the new offset.
            let (mut lo, mut hi) = (probe, next);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if offset_at(tz, mid) == current {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            out.push((start * SEC_US, hi * SEC_US, current));
            start = hi;
            current = there;
        }
        probe = next;
    }
    out.push((start * SEC_US, to_sec * SEC_US, current));
    out
}

/// `am_tz` over `[from_us, to_us)`, widened to whole seconds.
pub(crate) fn tz_view(e: Engine, from_us: i64, to_us: i64) -> String {
    let (from_sec, to_sec) = (from_us.div_euclid(SEC_US), to_us.div_euclid(SEC_US) + 1);
    let mut rows = vec![];
    for tz in TZ_VARIANTS {
        for (a, b, off) in transitions(tz, from_sec, to_sec) {
            rows.push(vec![
                e.string(tz.name()),
                a.to_string(),
                b.to_string(),
                off.to_string(),
            ]);
        }
    }
    let values = e.values("v", &["zone", "from_us", "to_us", "offset_s"], &rows);
    format!(
        "CREATE OR REPLACE TEMPORARY VIEW am_tz AS\nSELECT zone, CAST(from_us AS BIGINT) AS from_us, \
         CAST(to_us AS BIGINT) AS to_us, CAST(offset_s AS BIGINT) AS offset_s FROM {values}"
    )
}

fn time_us(t: NaiveTime) -> i64 {
    i64::from(t.num_seconds_from_midnight()) * SEC_US + i64::from(t.nanosecond() / 1_000)
}

fn window(w: &Window) -> [String; 2] {
    [time_us(w.start).to_string(), time_us(w.end).to_string()]
}

fn days(team: &Team) -> String {
    use Weekday::*;
    [Mon, Tue, Wed, Thu, Fri, Sat, Sun]
        .iter()
        .map(|d| {
            if team.business_days.contains(d) {
                '1'
            } else {
                '0'
            }
        })
        .collect()
}

/// `am_settings`, `am_teams` and `am_holidays` for the config's teams.
pub(crate) fn team_views(e: Engine, cfg: &Config) -> Vec<String> {
    let mut all: Vec<(Option<&str>, &Team)> = vec![(None, &cfg.default_team)];
    all.extend(cfg.teams.iter().map(|(k, t)| (Some(k.as_str()), t)));
    let mut settings = vec![];
    let mut teams = vec![];
    let mut holidays = vec![];
    for (id, (name, team)) in all.iter().enumerate() {
        let [bs, be] = window(&team.business_hours);
        let [ss, se] = window(&team.sleep_hours);
        settings.push(vec![
            id.to_string(),
            e.string(team.timezone.name()),
            bs,
            be,
            ss,
            se,
            e.string(&days(team)),
        ]);
        if let Some(n) = name {
            teams.push(vec![e.string(n), id.to_string()]);
        }
        holidays.extend(
            team.holidays
                .iter()
                .map(|d| vec![id.to_string(), day_number(*d).to_string()]),
        );
    }
    // An inline table needs a row: a team no alert can have, a day no id can match.
    if teams.is_empty() {
        teams.push(vec!["NULL".into(), "-1".into()]);
    }
    if holidays.is_empty() {
        holidays.push(vec!["-1".into(), "0".into()]);
    }
    vec![
        format!(
            "CREATE OR REPLACE TEMPORARY VIEW am_settings AS\nSELECT CAST(settings_id AS BIGINT) AS \
             settings_id, zone, CAST(bs AS BIGINT) AS business_start_us, CAST(be AS BIGINT) AS \
             business_end_us, CAST(ss AS BIGINT) AS sleep_start_us, CAST(se AS BIGINT) AS \
             sleep_end_us, business_days FROM {}",
            e.values(
                "v",
                &[
                    "settings_id",
                    "zone",
                    "bs",
                    "be",
                    "ss",
                    "se",
                    "business_days"
                ],
                &settings
            )
        ),
        format!(
            "CREATE OR REPLACE TEMPORARY VIEW am_teams AS\nSELECT CAST(team AS STRING) AS team, \
             CAST(settings_id AS BIGINT) AS settings_id FROM {}",
            e.values("v", &["team", "settings_id"], &teams)
        ),
        format!(
            "CREATE OR REPLACE TEMPORARY VIEW am_holidays AS\nSELECT CAST(settings_id AS BIGINT) \
             AS settings_id, CAST(day AS BIGINT) AS day FROM {}",
            e.values("v", &["settings_id", "day"], &holidays)
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Europe/Berlin in 2026: CEST from 2026-03-29 01:00 UTC to 2026-10-25 01:00 UTC.
    #[test]
    fn berlin_2026_changes_at_one_utc() {
        let from = 1_767_225_600; // 2026-01-01T00:00:00Z
        let to = 1_798_761_600; // 2027-01-01T00:00:00Z
        let t = transitions(Tz::Europe__Berlin, from, to);
        let spring = 1_774_746_000; // 2026-03-29T01:00:00Z
        let autumn = 1_792_890_000; // 2026-10-25T01:00:00Z
        assert_eq!(
            t,
            vec![
                (from * SEC_US, spring * SEC_US, 3_600),
                (spring * SEC_US, autumn * SEC_US, 7_200),
                (autumn * SEC_US, to * SEC_US, 3_600),
            ]
        );
    }

    /// Lord Howe moves by half an hour: +11:00 to +10:30 on 2026-04-05 at 02:00 local (15:00 UTC
    /// the day before).
    #[test]
    fn lord_howe_half_hour_change() {
        let from = 1_775_001_600; // 2026-04-01T00:00:00Z
        let to = 1_775_606_400; // 2026-04-08T00:00:00Z
        let t = transitions(Tz::Australia__Lord_Howe, from, to);
        let change = 1_775_314_800; // 2026-04-04T15:00:00Z
        assert_eq!(
            t,
            vec![
                (from * SEC_US, change * SEC_US, 39_600),
                (change * SEC_US, to * SEC_US, 37_800)
            ]
        );
    }
}
