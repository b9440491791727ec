//! The finish step of alert fatigue: the groups' figures from the reduced tables (`reduce`),
//! whichever engine wrote them. The plain aggregates are copied; what is not a plain aggregate is
//! walked here, in one definition for every engine: the interruption merge over each merge key's
//! pages in time order (`hours::merge_interruptions`), the bucket and night of each interruption's
//! first page, the nights counted once per group and merge key, the acknowledgement times of the
//! median, and the flapping episodes, counted greedily over each fingerprint's candidate firings.
//!
//! Ties are broken by the group's labels, never by the order rows arrive in, so an engine that
//! writes its rows in any order gets the same figures: pages of one merge key at one instant are
//! taken in the order of their groups, and so are firings of one fingerprint at one instant.

use polars::prelude::*;

use super::groups::{Groups, Stats};
use super::reduce::Reduced;
use crate::config::Config;
use crate::error::Result;
use crate::metrics::hours::{self, Bucket};
use crate::metrics::scope::Dim;
use crate::metrics::table::pe;
use crate::model::time::{MINUTE_US, MINUTE_US_F};

/// The groups of a reduced scope, in the order of their labels, with their figures.
pub(crate) fn finish(red: Reduced, cfg: &Config, dims: &[Dim]) -> Result<Groups> {
    let n_groups = red.counts.len();
    // Groups in the order of their labels; `rank[g]` is group g's place in it.
    let mut order: Vec<usize> = (0..n_groups).collect();
    order.sort_by(|&x, &y| {
        red.labels
            .iter()
            .map(|l| &l[x])
            .cmp(red.labels.iter().map(|l| &l[y]))
    });
    let mut rank = vec![0u32; n_groups];
    for (place, &g) in order.iter().enumerate() {
        rank[g] = place as u32;
    }
    let mut stats: Vec<Stats> = order
        .iter()
        .map(|&g| {
            let c = &red.counts[g];
            Stats {
                alerts: c.alerts,
                pages: c.pages,
                actionable: c.actionable,
                transient: c.transient,
                flapping: c.flapping,
                incident_alerts: c.incident_alerts,
                incidents: c.incidents,
                repeats: c.repeats,
                ..Stats::default()
            }
        })
        .collect();
    interruptions(&red, cfg, &rank, &mut stats);
    episodes(&red, cfg, &rank, &mut stats);
    let columns: Vec<Column> = dims
        .iter()
        .zip(&red.labels)
        .map(|(d, l)| {
            let v: Vec<Option<&str>> = order.iter().map(|&g| l[g].as_deref()).collect();
            Column::new(d.name().into(), v)
        })
        .collect();
    let keys = DataFrame::new(n_groups, columns).map_err(pe)?;
    Ok(Groups {
        keys,
        stats,
        no_shift_alerts: red.no_shift_alerts,
        negative_tta: red.negative_tta,
    })
}

/// Interruptions, their buckets and nights, and the acknowledgement times, into `stats` (indexed
/// by rank).
fn interruptions(red: &Reduced, cfg: &Config, rank: &[u32], stats: &mut [Stats]) {
    let window = i64::from(cfg.thresholds.interruption_merge_seconds);
    let mut pages: Vec<(u32, i64, u32, usize)> = red
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.key, p.t, rank[p.group as usize], i))
        .collect();
    pages.sort_unstable();
    let mut nights = vec![];
    let mut times = vec![];
    let mut start = 0;
    while start < pages.len() {
        let key = pages[start].0;
        let end = start + pages[start..].partition_point(|p| p.0 == key);
        times.clear();
        times.extend(pages[start..end].iter().map(|p| p.1));
        for s in hours::merge_interruptions(&times, window) {
            let (_, _, g, i) = pages[start + s];
            let p = &red.pages[i];
            let st = &mut stats[g as usize];
            st.interruptions += 1;
            match p.bucket {
                Bucket::Business => st.business += 1,
                Bucket::Off => st.off += 1,
                Bucket::Sleep => {
                    st.sleep += 1;
                    if let Some(night) = p.night {
                        nights.push((g, key, night));
                    }
                }
            }
        }
        start = end;
    }
    // A night counts once per group and merge key (team or person).
    nights.sort_unstable();
    nights.dedup();
    for (g, _, _) in nights {
        stats[g as usize].nights += 1;
    }
    for p in &red.pages {
        if let Some(d) = p.tta_us.filter(|d| *d >= 0) {
            let st = &mut stats[rank[p.group as usize] as usize];
            st.tta_min.push(d as f64 / MINUTE_US_F);
        }
    }
}

/// Flapping episodes from the candidate firings, those with at least `flap_episode_firings`
/// firings of their fingerprint inside the episode window from them (themselves included, counted
/// over all its firings by the reduce step). The greedy rule of `hours::flapping_episodes_with`
/// then reads: per fingerprint in time order, a candidate starts an episode unless it lies within
/// the window of the previous start (whose episode used it up). A start counts in the group of
/// each of its rows that has one; a start before the period counts nowhere but uses up its window.
fn episodes(red: &Reduced, cfg: &Config, rank: &[u32], stats: &mut [Stats]) {
    let window = i64::from(cfg.thresholds.flap_episode_window_minutes) * MINUTE_US;
    let mut rows: Vec<(u32, i64, u64, u32)> = red
        .firings
        .iter()
        .map(|f| {
            (
                f.fp,
                f.t,
                f.seq,
                f.group.map_or(u32::MAX, |g| rank[g as usize]),
            )
        })
        .collect();
    // By fingerprint, instant and firing: the rows of one firing are adjacent.
    rows.sort_unstable();
    let mut last: Option<(u32, i64, u64)> = None;
    let mut open: Option<(u32, i64)> = None;
    let mut counting = false;
    for &(fp, t, seq, g) in &rows {
        if last != Some((fp, t, seq)) {
            last = Some((fp, t, seq));
            // A new firing: it starts an episode unless the open one of its fingerprint holds it.
            counting =
                !open.is_some_and(|(ofp, first)| ofp == fp && t.saturating_sub(first) <= window);
            if counting {
                open = Some((fp, t));
            }
        }
        if counting && g != u32::MAX {
            stats[g as usize].episodes += 1;
        }
    }
}
