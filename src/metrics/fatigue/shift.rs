//! The `fatigue_shift` table: each on-call shift's pages, interruptions and sleep interruptions
//! (in the person's zone), and the pages per 12 hours against the limit (Google SRE: at most 2
//! incidents per 12-hour shift). Shifts running past either end of the period are counted for
//! their hours inside it, so the rate compares like with like.

use polars::prelude::*;

use super::groups::Scoped;
use super::judges::Judges;
use super::shifts::Shifts;
use crate::config::Config;
use crate::error::Result;
use crate::metrics::hours::{self, Bucket};
use crate::metrics::scope::Scope;
use crate::metrics::table::pe;
use crate::model::time::HOUR_US_F;

/// `2026-11-09T08:00:00Z` for UTC microseconds.
fn rfc3339(us: i64) -> String {
    chrono::DateTime::from_timestamp_micros(us)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// The shift table and whether any shift was clipped to the period.
pub(super) fn shift_frame(
    s: &Scoped,
    cfg: &Config,
    scope: &Scope,
    shifts: &Shifts,
) -> Result<(DataFrame, bool)> {
    let team_pages = |team: &str| -> &[(i64, i64, u32)] {
        s.alerts.team.id_of(team).map_or(&[][..], |id| {
            &s.pages.entries[s.pages.ranges[id as usize].clone()]
        })
    };
    let mut judges = Judges::new(cfg, &s.alerts.team, shifts);
    let (from, to) = (scope.period.from_micros(), scope.period.to_micros());
    let window = i64::from(cfg.thresholds.interruption_merge_seconds);
    let limit = cfg.thresholds.pages_per_shift_limit;
    let mut order: Vec<usize> = (0..shifts.list.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&shifts.list[a], &shifts.list[b]);
        (&x.team, &x.person, x.start).cmp(&(&y.team, &y.person, y.start))
    });
    let n = order.len();
    let (mut team, mut person, mut shift) = (vec![], vec![], vec![]);
    let (mut starts, mut ends, mut hours_v) = (vec![], vec![], vec![]);
    let (mut pages_v, mut inter_v, mut sleep_v) = (vec![], vec![], vec![]);
    let (mut rate_v, mut over_v) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let mut clipped = false;
    for &s in &order {
        let sh = &shifts.list[s];
        let (lo, hi) = (sh.start.max(from), sh.end.min(to));
        clipped |= lo != sh.start || hi != sh.end;
        let run = team_pages(&sh.team);
        let a = run.partition_point(|e| e.0 < lo);
        let b = run.partition_point(|e| e.0 < hi).max(a);
        let slice: Vec<i64> = run[a..b].iter().map(|e| e.0).collect();
        let starts_idx = hours::merge_interruptions(&slice, window);
        // In the person's zone: the shift's judge (the team id is not consulted then).
        let sleep = starts_idx
            .iter()
            .filter(|&&i| judges.judge(0, Some(s as u32), slice[i]).0 == Bucket::Sleep)
            .count() as u64;
        let h = (hi - lo).max(0) as f64 / HOUR_US_F;
        let rate = (h > 0.0).then(|| slice.len() as f64 / (h / 12.0));
        team.push(sh.team.clone());
        person.push(sh.person.clone());
        shift.push(rfc3339(sh.start));
        starts.push(rfc3339(sh.start));
        ends.push(rfc3339(sh.end));
        hours_v.push(h);
        pages_v.push(slice.len() as u64);
        inter_v.push(starts_idx.len() as u64);
        sleep_v.push(sleep);
        rate_v.push(rate);
        over_v.push(rate.is_some_and(|r| r > limit));
    }
    let frame = DataFrame::new(
        n,
        vec![
            Column::new("team".into(), team),
            Column::new("person".into(), person),
            Column::new("shift".into(), shift),
            Column::new("starts_at".into(), starts),
            Column::new("ends_at".into(), ends),
            Column::new("hours".into(), hours_v),
            Column::new("pages".into(), pages_v),
            Column::new("interruptions".into(), inter_v),
            Column::new("sleep_interruptions".into(), sleep_v),
            Column::new("pages_per_12h".into(), rate_v),
            Column::new("over_limit".into(), over_v),
        ],
    )
    .map_err(pe)?;
    Ok((frame, clipped))
}
