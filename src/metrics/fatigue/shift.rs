//! The `fatigue_shift` table: each on-call shift's pages, interruptions and sleep interruptions
//! (in the person's zone), and the pages per 12 hours against the limit (Google SRE: at most 2
//! incidents per 12-hour shift). Shifts running past either end of the period are counted for
//! their hours inside it, so the rate compares like with like.
//!
//! Split as the `fatigue` table is: the reduce step (`reduce` here, the SQL of
//! `metrics::scaleout` on another engine) lists each shift's pages inside the period with whether
//! each fell in sleep hours in the shift's zone; the finish step (`shift_table`) merges them into
//! interruptions and computes the rates, whichever engine listed them.

use super::cols;
use polars::prelude::*;

use super::groups::Scoped;
use super::judges::Judges;
use super::shifts::Shifts;
use crate::config::Config;
use crate::error::Result;
use crate::metrics::catalogue::TableId;
use crate::metrics::hours::{self, Bucket};
use crate::metrics::scope::Scope;
use crate::metrics::table::{Family, MetricTable, pe};
use crate::model::time::HOUR_US_F;

/// A page of a shift: its instant, and whether it fell in sleep hours in the shift's zone.
pub(crate) type ShiftPage = (i64, bool);

/// `2026-11-09T08:00:00Z` for UTC microseconds.
fn rfc3339(us: i64) -> String {
    chrono::DateTime::from_timestamp_micros(us)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// The reduce step run locally: the pages of each shift of `shifts` (by index) inside both the
/// shift and the period, in time order, each judged by the shift's judge.
pub(super) fn reduce(
    s: &Scoped,
    cfg: &Config,
    scope: &Scope,
    shifts: &Shifts,
) -> Vec<Vec<ShiftPage>> {
    let team_pages = |team: &str| -> &[(i64, i64, u32)] {
        s.alerts.team.id_of(team).map_or(&[][..], |id| {
            &s.pages.entries[s.pages.ranges[id as usize].clone()]
        })
    };
    let mut judges = Judges::new(cfg, &s.alerts.team, shifts);
    let (from, to) = (scope.period.from_micros(), scope.period.to_micros());
    let mut out = Vec::with_capacity(shifts.list.len());
    for (i, sh) in shifts.list.iter().enumerate() {
        let (lo, hi) = (sh.start.max(from), sh.end.min(to));
        let run = team_pages(&sh.team);
        let a = run.partition_point(|e| e.0 < lo);
        let b = run.partition_point(|e| e.0 < hi).max(a);
        // In the person's zone: the shift's judge (the team id is not consulted then).
        let pages = run[a..b]
            .iter()
            .map(|e| (e.0, judges.judge(0, Some(i as u32), e.0).0 == Bucket::Sleep))
            .collect();
        out.push(pages);
    }
    out
}

/// The finish step: the `fatigue_shift` table from each shift's pages (`pages[i]` those of
/// `shifts.list[i]`, in time order), with the notes in force.
pub(crate) fn shift_table(
    shifts: &Shifts,
    pages: &[Vec<ShiftPage>],
    cfg: &Config,
    scope: &Scope,
) -> Result<MetricTable> {
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
        let own = pages.get(s).map_or(&[][..], Vec::as_slice);
        let times: Vec<i64> = own.iter().map(|p| p.0).collect();
        let starts_idx = hours::merge_interruptions(&times, window);
        let sleep = starts_idx.iter().filter(|&&i| own[i].1).count() as u64;
        let h = (hi - lo).max(0) as f64 / HOUR_US_F;
        let rate = (h > 0.0).then(|| own.len() as f64 / (h / 12.0));
        team.push(sh.team.clone());
        person.push(sh.person.clone());
        shift.push(rfc3339(sh.start));
        starts.push(rfc3339(sh.start));
        ends.push(rfc3339(sh.end));
        hours_v.push(h);
        pages_v.push(own.len() as u64);
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
            Column::new(cols::HOURS.into(), hours_v),
            Column::new(cols::PAGES.into(), pages_v),
            Column::new(cols::INTERRUPTIONS.into(), inter_v),
            Column::new(cols::SLEEP_INTERRUPTIONS.into(), sleep_v),
            Column::new(cols::PAGES_PER_12H.into(), rate_v),
            Column::new(cols::OVER_LIMIT.into(), over_v),
        ],
    )
    .map_err(pe)?;
    let mut notes = vec![format!(
        "pages_per_12h = pages / (shift hours / 12); over_limit when above {limit} (Google SRE: \
         at most 2 incidents per 12-hour shift); sleep interruptions in the person's zone"
    )];
    if clipped {
        notes.push("shifts running past the period are counted for their hours inside it".into());
    }
    notes.extend(super::zone_note(shifts));
    Ok(MetricTable {
        family: Family::Fatigue,
        id: TableId::FatigueShift,
        title: "Pages per on-call shift".into(),
        dims: vec!["team".into(), "person".into(), "shift".into()],
        frame,
        notes,
    })
}
