//! The figures of each fatigue group, as plain counts. polars reads and flags the alerts
//! (`classify::prepare`); here each alert (or, by person, each alert-person unit) gets a dense
//! group id from its dimension ids, the counts are summed per group, and one pass over the pages
//! in (team or person, instant) order does what polars cannot: the interruption merge, the hour
//! bucket of each interruption in its zone, the nights interrupted and the acknowledgement times
//! for the median.
//!
//! Which unit (alert, or alert and person) counts for which group is `units`.

use std::ops::Range;

use polars::prelude::*;

use super::classify::{self, Alerts, NONE};
use super::ids::{Interned, Ordered, order_by_key};
use super::judges::Judges;
use super::shifts::Shifts;
use super::units::{Units, attribute, group_ids};
use crate::config::Config;
use crate::error::Result;
use crate::metrics::frames::Frames;
use crate::metrics::hours::{self, Bucket};
use crate::metrics::scope::{Dim, Scope};
use crate::metrics::table::pe;
use crate::model::columns::*;
use crate::model::time::MINUTE_US_F;

/// The person of alerts no shift covers.
pub(super) const NO_SHIFT: &str = "(no shift)";

/// Counts of one group.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Stats {
    pub alerts: u64,
    pub pages: u64,
    pub actionable: u64,
    pub transient: u64,
    pub flapping: u64,
    pub episodes: u64,
    pub incident_alerts: u64,
    pub incidents: u64,
    pub repeats: u64,
    pub interruptions: u64,
    pub business: u64,
    pub off: u64,
    pub sleep: u64,
    pub nights: u64,
    /// Minutes from firing to acknowledgement of the acknowledged pages.
    pub tta_min: Vec<f64>,
}

/// A scope's alerts ready for grouping: the text columns are `incident_id`, then `service` and
/// `severity` when grouped by, in that order (`text`).
pub(super) struct Scoped {
    pub alerts: Alerts,
    /// Every page by team in time order.
    pub pages: Ordered,
    text: Vec<&'static str>,
}

impl Scoped {
    pub(super) fn text(&self, name: &str) -> &Interned {
        let i = self
            .text
            .iter()
            .position(|c| *c == name)
            .expect("column loaded for its dim");
        &self.alerts.extra[i]
    }
}

/// Read and flag the scope's alerts for `dims`.
pub(super) fn load(f: &Frames, cfg: &Config, scope: &Scope, dims: &[Dim]) -> Result<Scoped> {
    let mut text = vec![INCIDENT_ID];
    for (d, c) in [(Dim::Service, SERVICE), (Dim::Severity, SEVERITY)] {
        if dims.contains(&d) {
            text.push(c);
        }
    }
    let alerts = classify::prepare(&f.alerts, &f.alert_history, cfg, scope, &text)?;
    let pages = alerts.team_order(true);
    Ok(Scoped {
        alerts,
        pages,
        text,
    })
}

/// The groups of one scope: `keys` has one row per group (the dims, named as the dims, weeks and
/// months as labels), in sorted order, and `stats` the same rows' counts.
pub(super) struct Groups {
    pub keys: DataFrame,
    pub stats: Vec<Stats>,
    /// Alerts put under `(no shift)` (grouping by person only).
    pub no_shift_alerts: u64,
    /// Acknowledged pages whose acknowledgement precedes the firing (left out of the median).
    pub negative_tta: u64,
}

/// Every group's counts for `dims` (validated by the caller).
pub(super) fn compute(s: &Scoped, cfg: &Config, dims: &[Dim], shifts: &Shifts) -> Result<Groups> {
    let al = &s.alerts;
    let by_person = dims.contains(&Dim::Person);
    let units = if by_person {
        attribute(al, shifts)
    } else {
        Units {
            row: (0..al.len() as u32).collect(),
            person: vec![],
            shift: vec![],
            names: vec![],
        }
    };
    let n_units = units.row.len();
    let (gid, labels) = group_ids(s, dims, &units);
    let n_groups = labels.first().map_or(0, Vec::len);
    let mut stats = vec![Stats::default(); n_groups];
    let incident = s.text(INCIDENT_ID);
    let no_incident = incident
        .names
        .iter()
        .position(Option::is_none)
        .map(|p| p as u32);
    let mut linked: Vec<(u32, u32)> = vec![];
    for u in 0..n_units {
        let r = units.row[u] as usize;
        let st = &mut stats[gid[u] as usize];
        st.alerts += 1;
        st.pages += u64::from(al.paged[r]);
        st.actionable += u64::from(al.paged[r] && al.actionable[r]);
        st.transient += u64::from(al.transient[r]);
        st.flapping += u64::from(al.flapping[r]);
        st.episodes += u64::from(al.episode[r]);
        // Re-sends: notifications beyond the first, never below 0 for an alert that sent none.
        st.repeats += u64::from(al.notifications[r].saturating_sub(1));
        if Some(incident.ids[r]) != no_incident {
            st.incident_alerts += 1;
            linked.push((gid[u], incident.ids[r]));
        }
        if al.paged[r] && al.a[r] != NONE && al.a[r] >= al.t[r] {
            st.tta_min.push((al.a[r] - al.t[r]) as f64 / MINUTE_US_F);
        }
    }
    // Counted per alert, not per unit: a page of two people is one data error.
    let negative_tta = (0..al.len())
        .filter(|&r| al.paged[r] && al.a[r] != NONE && al.a[r] < al.t[r])
        .count() as u64;
    linked.sort_unstable();
    linked.dedup();
    for (g, _) in linked {
        stats[g as usize].incidents += 1;
    }

    // The pages in (merge key, instant) order, each with the shift whose zone judges it.
    let mut judges = Judges::new(cfg, &al.team, shifts);
    if by_person {
        // Merge key: the person, or `(no shift)` of each team apart.
        let n_people = units.names.len() as u32;
        let mkey: Vec<u32> = (0..n_units)
            .map(|u| match units.shift[u] {
                Some(_) => units.person[u],
                None => n_people + al.team.ids[units.row[u] as usize],
            })
            .collect();
        let unit_t: Vec<i64> = units.row.iter().map(|&r| al.t[r as usize]).collect();
        let page_units = (0..n_units as u32).filter(|&u| al.paged[units.row[u as usize] as usize]);
        let n_keys = n_people as usize + al.team.names.len();
        let order = order_by_key(&mkey, n_keys, page_units, &unit_t, None);
        let pages: Vec<Page> = order
            .entries
            .iter()
            .map(|&(t, _, u)| Page {
                t,
                row: units.row[u as usize],
                gid: gid[u as usize],
                shift: units.shift[u as usize],
            })
            .collect();
        walk(al, cfg, &mut judges, &pages, &order.ranges, &mut stats);
    } else {
        let primary = al.primary(&s.pages, shifts);
        let pages: Vec<Page> = s
            .pages
            .entries
            .iter()
            .zip(primary)
            .map(|(&(t, _, row), shift)| Page {
                t,
                row,
                gid: gid[row as usize],
                shift,
            })
            .collect();
        walk(al, cfg, &mut judges, &pages, &s.pages.ranges, &mut stats);
    }

    // Groups in the order of their labels.
    let mut order: Vec<usize> = (0..n_groups).collect();
    order.sort_by(|&x, &y| {
        labels
            .iter()
            .map(|l| &l[x])
            .cmp(labels.iter().map(|l| &l[y]))
    });
    let columns: Vec<Column> = dims
        .iter()
        .zip(&labels)
        .map(|(d, l)| {
            let v: Vec<Option<&str>> = order.iter().map(|&g| l[g].as_deref()).collect();
            Column::new(d.name().into(), v)
        })
        .collect();
    let keys = DataFrame::new(n_groups, columns).map_err(pe)?;
    let mut sorted = Vec::with_capacity(n_groups);
    for g in order {
        sorted.push(std::mem::take(&mut stats[g]));
    }
    let no_shift_alerts = if by_person {
        let mut seen = vec![false; al.len()];
        for u in 0..n_units {
            if units.shift[u].is_none() {
                seen[units.row[u] as usize] = true;
            }
        }
        seen.iter().filter(|s| **s).count() as u64
    } else {
        0
    };
    Ok(Groups {
        keys,
        stats: sorted,
        no_shift_alerts,
        negative_tta,
    })
}

/// A page in the interruption walk: its instant, alert row, group and judging shift.
struct Page {
    t: i64,
    row: u32,
    gid: u32,
    shift: Option<u32>,
}

/// Interruptions, their buckets and nights, into `stats`: `pages` in (merge key, instant) order
/// with a range per key.
fn walk(
    al: &Alerts,
    cfg: &Config,
    judges: &mut Judges,
    pages: &[Page],
    ranges: &[Range<usize>],
    stats: &mut [Stats],
) {
    let window = i64::from(cfg.thresholds.interruption_merge_seconds);
    let mut nights = vec![];
    let mut times = vec![];
    for (key, range) in ranges.iter().enumerate() {
        times.clear();
        times.extend(pages[range.clone()].iter().map(|p| p.t));
        for s in hours::merge_interruptions(&times, window) {
            let p = &pages[range.start + s];
            let st = &mut stats[p.gid as usize];
            st.interruptions += 1;
            match judges.judge(al.team.ids[p.row as usize], p.shift, p.t) {
                (Bucket::Business, _) => st.business += 1,
                (Bucket::Off, _) => st.off += 1,
                (Bucket::Sleep, night) => {
                    st.sleep += 1;
                    if let Some(night) = night {
                        nights.push((p.gid, key, night));
                    }
                }
            }
        }
    }
    // A night counts once per group and merge key (team or person).
    nights.sort_unstable();
    nights.dedup();
    for (g, _, _) in nights {
        stats[g as usize].nights += 1;
    }
}
