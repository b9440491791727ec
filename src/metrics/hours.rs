//! The time rules of alert fatigue (`metrics.md`, "Alert fatigue"): which bucket of the day an
//! instant falls in for a team (business, off or sleep hours, judged in the team's IANA zone and
//! DST-correct), which night a sleep-hour page interrupted, which pages merge into one
//! interruption, and when an alert is flapping. Pure functions over UTC microseconds (the store's
//! timestamp unit) and a `Team`, so the frame-level metrics stay thin and these rules are tested
//! here on hand-computed instants.
//!
//! Conventions, chosen once and used everywhere here:
//! - hour windows are half-open `[start, end)` (as `Window::contains`): with the defaults 08:00 is
//!   business, 18:00 is off, 22:00 is sleep and 08:00 is no longer sleep;
//! - every "within N" duration is inclusive: a gap of exactly N still counts as within.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};

use crate::config::Team;
use crate::model::time::{DAY_US, SECOND_US};

/// Pages to the same team (person) within this many seconds count as one interruption.
pub const INTERRUPTION_MERGE_SECS: i64 = 60;
/// A fingerprint firing again within this many seconds of its previous resolution is flapping.
pub const FLAP_WINDOW_SECS: i64 = 10 * 60;
/// This many firings of one fingerprint inside `FLAP_EPISODE_WINDOW_SECS` make an episode.
pub const FLAP_EPISODE_FIRINGS: usize = 3;
pub const FLAP_EPISODE_WINDOW_SECS: i64 = 60 * 60;

/// The part of a team's day an instant falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bucket {
    Business,
    Off,
    Sleep,
}

/// The wall-clock date and time of a UTC instant in the team's zone.
///
/// The zone's rules decide the offset of that very instant, so both sides of a DST change are
/// right, and the two occurrences of an ambiguous fall-back time are both found (each instant has
/// exactly one local reading; only the reverse mapping is ambiguous). Instants beyond chrono's
/// range (hundreds of millennia away, so only corrupt data) are clamped two days inside it, which
/// keeps the local conversion and the day before from overflowing instead of panicking.
pub fn local(instant_utc_micros: i64, team: &Team) -> NaiveDateTime {
    const MARGIN: i64 = 2 * DAY_US;
    let lo = DateTime::<Utc>::MIN_UTC.timestamp_micros() + MARGIN;
    let hi = DateTime::<Utc>::MAX_UTC.timestamp_micros() - MARGIN;
    let utc = DateTime::from_timestamp_micros(instant_utc_micros.clamp(lo, hi))
        .expect("clamped into chrono's range");
    utc.with_timezone(&team.timezone).naive_local()
}

/// The bucket of an instant for a team.
///
/// Sleep wins over everything (sleep hours apply every day, weekends and holidays included);
/// then business hours on a business day that is not a holiday; everything else is off hours.
/// The day and the time are both the local ones, so a page at 23:30 local on Friday is judged
/// against Friday whatever the UTC date is.
pub fn bucket(instant_utc_micros: i64, team: &Team) -> Bucket {
    bucket_local(local(instant_utc_micros, team), team)
}

/// The bucket of a wall-clock reading in the team's zone: the rule of `bucket`, for a caller that
/// already has the local time (the on-call hours walk converts once per UTC hour, not per
/// minute).
pub fn bucket_local(at: NaiveDateTime, team: &Team) -> Bucket {
    let (date, time) = (at.date(), at.time());
    if team.sleep_hours.contains(time) {
        Bucket::Sleep
    } else if team.business_days.contains(&date.weekday())
        && !team.holidays.contains(&date)
        && team.business_hours.contains(time)
    {
        Bucket::Business
    } else {
        Bucket::Off
    }
}

/// For an instant in the team's sleep hours, the local date of the night it interrupted; `None`
/// outside sleep hours.
///
/// A night is named by the local date on which its sleep window began. With a window that wraps
/// midnight (the default 22:00-08:00) the part after midnight belongs to the evening before: a
/// page at 01:30 on 2026-03-29 interrupted the night of 2026-03-28, the same night as a page at
/// 23:00 on 2026-03-28, so counting distinct dates counts distinct nights. A window that does not
/// wrap lies within one date and is named by it.
pub fn night_of(instant_utc_micros: i64, team: &Team) -> Option<NaiveDate> {
    night_of_local(local(instant_utc_micros, team), team)
}

/// `night_of` for a wall-clock reading in the team's zone.
pub fn night_of_local(at: NaiveDateTime, team: &Team) -> Option<NaiveDate> {
    let (date, time) = (at.date(), at.time());
    let sleep = team.sleep_hours;
    if !sleep.contains(time) {
        return None;
    }
    // Same test as `Window::contains` for a wrapping window (start >= end): the times before
    // `end` are the morning half, which started the evening before.
    if sleep.start >= sleep.end && time < sleep.end {
        date.pred_opt()
    } else {
        Some(date)
    }
}

/// The indices of the pages that start an interruption, given one team's (person's) page
/// instants sorted ascending.
///
/// Rule: an interruption starts at a page and absorbs every later page at most `window_secs`
/// after that first page (inclusive: exactly 60 s merges, 61 s does not). The window is measured
/// from the interruption's first page, not chained from the previous page, so an interruption
/// never spans more than `window_secs`: a storm paging every 50 s for an hour is one interruption
/// per minute, not one for the hour, which is what being woken repeatedly feels like. The next
/// page after the window starts a new interruption.
///
/// The input must be sorted; this is checked in debug builds.
pub fn merge_interruptions(sorted_instants_micros: &[i64], window_secs: i64) -> Vec<usize> {
    debug_assert!(
        sorted_instants_micros.is_sorted(),
        "page instants must be sorted"
    );
    let window = window_secs.saturating_mul(SECOND_US);
    let mut starts = Vec::new();
    let mut anchor: Option<i64> = None;
    for (i, &t) in sorted_instants_micros.iter().enumerate() {
        match anchor {
            Some(a) if t.saturating_sub(a) <= window => {}
            _ => {
                starts.push(i);
                anchor = Some(t);
            }
        }
    }
    starts
}

/// Whether a firing is a flap: the same fingerprint fired again at most `window_secs` after its
/// previous instance resolved (inclusive: exactly 10 minutes is flapping, 10 min 1 s is not).
///
/// A firing before the previous resolution (the instances overlap) is not a flap: the alert never
/// went quiet, so nothing toggled. It is a duplicate firing, which an on-call engineer fixes by
/// deduplication, not by damping the rule.
pub fn is_flapping(prev_resolved_micros: i64, next_fired_micros: i64, window_secs: i64) -> bool {
    let gap = next_fired_micros.saturating_sub(prev_resolved_micros);
    (0..=window_secs.saturating_mul(SECOND_US)).contains(&gap)
}

/// The flapping episodes of one fingerprint with the spec's thresholds: 3+ firings inside 60
/// minutes. See `flapping_episodes_with` for how episodes are counted.
pub fn flapping_episodes(fired_sorted: &[i64]) -> usize {
    flapping_episodes_with(fired_sorted, FLAP_EPISODE_FIRINGS, FLAP_EPISODE_WINDOW_SECS)
}

/// The flapping episodes of one fingerprint, given its firing instants sorted ascending.
///
/// Counted greedily in time order, the way interruptions are: an episode starts at the first
/// firing that has at least `min_firings` firings (itself included) at most `window_secs` after
/// it (inclusive), and takes every firing in that window. Those firings are used up: they never
/// start or join another episode, so overlapping windows are not counted twice. The search goes on
/// from the first firing after the window; a firing that starts no episode is skipped. So firings
/// at 0, 30, 60 min are one episode; adding 61, 70, 80 min makes two; a fingerprint flapping all
/// afternoon counts about one episode per hour of flapping.
///
/// `min_firings` of 0 is treated as 1. The input must be sorted; this is checked in debug builds.
pub fn flapping_episodes_with(fired_sorted: &[i64], min_firings: usize, window_secs: i64) -> usize {
    debug_assert!(fired_sorted.is_sorted(), "firing instants must be sorted");
    let need = min_firings.max(1);
    let window = window_secs.saturating_mul(SECOND_US);
    let mut episodes = 0;
    let mut i = 0;
    while i < fired_sorted.len() {
        let start = fired_sorted[i];
        // Index one past the last firing inside [start, start + window].
        let end = i + fired_sorted[i..].partition_point(|&t| t.saturating_sub(start) <= window);
        if end - i >= need {
            episodes += 1;
            i = end;
        } else {
            i += 1;
        }
    }
    episodes
}

#[cfg(test)]
mod tests;
