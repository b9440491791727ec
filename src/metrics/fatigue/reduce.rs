//! The reduce step of alert fatigue, run locally: everything that touches every alert, written as
//! the three reduced tables that `finish` turns into the figures (docs/scale-out.md, "Fatigue"):
//!
//! - `fatigue_groups`, one row per group: the plain aggregates (alerts, pages, actionable pages,
//!   transient, flapping, incident-linked alerts, distinct incidents, notification repeats);
//! - `fatigue_pages`, one row per page (per page and person when grouping by person): its merge
//!   key (team, or person), instant, group, hour bucket and night in the judge's zone, and its
//!   acknowledgement delay, because the interruption merge, the nights and the median
//!   acknowledgement time are not plain aggregates;
//! - `fatigue_firings`, the firings that may start a flapping episode, with their fingerprint,
//!   instant and group (none before the period), because episodes are counted greedily in time
//!   order.
//!
//! The SQL job (`metrics::scaleout`) writes the same tables from the store; the test in
//! tests/scale_out.rs checks that both give the same figures. Locally `fatigue_firings` holds only
//! the firings that start an episode (`classify` finds them): the greedy walk of `finish` over that
//! subset of the candidate firings picks the same starts, as each start lies more than one window
//! after the previous one.

use chrono::NaiveDate;

use super::classify::NONE;
use super::groups::{NO_SHIFT, Scoped};
use super::judges::Judges;
use super::shifts::Shifts;
use super::units::{Units, attribute, group_ids};
use crate::config::Config;
use crate::metrics::hours::Bucket;
use crate::metrics::scope::Dim;
use crate::model::columns::INCIDENT_ID;

/// The plain aggregates of one group (a `fatigue_groups` row without its keys).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Counts {
    pub alerts: u64,
    pub pages: u64,
    pub actionable: u64,
    pub transient: u64,
    pub flapping: u64,
    pub incident_alerts: u64,
    pub incidents: u64,
    pub repeats: u64,
}

/// A `fatigue_pages` row: `key` and `group` index the reduced tables' keys.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PageRow {
    pub key: u32,
    pub t: i64,
    pub group: u32,
    pub bucket: Bucket,
    /// The night a sleep-hour page interrupted, as days since 1970-01-01.
    pub night: Option<i64>,
    /// Acknowledgement minus firing, in microseconds, for an acknowledged page.
    pub tta_us: Option<i64>,
}

/// A `fatigue_firings` row: `fp` indexes fingerprints and `seq` is the firing's place among its
/// fingerprint's firings (several rows share it when grouping by person); `group` is `None`
/// before the period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct FiringRow {
    pub fp: u32,
    pub seq: u64,
    pub t: i64,
    pub group: Option<u32>,
}

/// The reduced tables of one scope, with their text keys interned.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reduced {
    /// Per dim (in the request's order), the label of each group.
    pub labels: Vec<Vec<Option<String>>>,
    pub counts: Vec<Counts>,
    pub pages: Vec<PageRow>,
    pub firings: Vec<FiringRow>,
    /// Acknowledged pages acknowledged before they fired, counted once per alert.
    pub negative_tta: u64,
    /// Alerts no shift covers (grouping by person only).
    pub no_shift_alerts: u64,
}

/// Days since 1970-01-01 of a date.
pub(crate) fn day_number(d: NaiveDate) -> i64 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
    (d - epoch).num_days()
}

/// The reduce step over a scope's classified alerts, for `dims` (validated by the caller).
pub(crate) fn reduce(s: &Scoped, cfg: &Config, dims: &[Dim], shifts: &Shifts) -> Reduced {
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
    let mut counts = vec![Counts::default(); n_groups];
    let incident = s.text(INCIDENT_ID);
    let no_incident = incident
        .names
        .iter()
        .position(Option::is_none)
        .map(|p| p as u32);
    let mut linked: Vec<(u32, u32)> = vec![];
    for u in 0..n_units {
        let r = units.row[u] as usize;
        let c = &mut counts[gid[u] as usize];
        c.alerts += 1;
        c.pages += u64::from(al.paged[r]);
        c.actionable += u64::from(al.paged[r] && al.actionable[r]);
        c.transient += u64::from(al.transient[r]);
        c.flapping += u64::from(al.flapping[r]);
        // Re-sends: notifications beyond the first, never below 0 for an alert that sent none.
        c.repeats += u64::from(al.notifications[r].saturating_sub(1));
        if Some(incident.ids[r]) != no_incident {
            c.incident_alerts += 1;
            linked.push((gid[u], incident.ids[r]));
        }
    }
    linked.sort_unstable();
    linked.dedup();
    for (g, _) in linked {
        counts[g as usize].incidents += 1;
    }
    // Counted per alert, not per unit: a page of two people is one data error.
    let negative_tta = (0..al.len())
        .filter(|&r| al.paged[r] && al.a[r] != NONE && al.a[r] < al.t[r])
        .count() as u64;

    let mut judges = Judges::new(cfg, &al.team, shifts);
    let mut page = |key: u32, row: u32, group: u32, shift: Option<u32>| {
        let r = row as usize;
        let (bucket, night) = judges.judge(al.team.ids[r], shift, al.t[r]);
        PageRow {
            key,
            t: al.t[r],
            group,
            bucket,
            night: night.map(day_number),
            tta_us: (al.a[r] != NONE).then(|| al.a[r] - al.t[r]),
        }
    };
    let pages: Vec<PageRow> = if by_person {
        // Merge key: the person, or `(no shift)` of each team apart.
        let n_people = units.names.len() as u32;
        (0..n_units)
            .filter(|&u| al.paged[units.row[u] as usize])
            .map(|u| {
                let row = units.row[u];
                let key = match units.shift[u] {
                    Some(_) => units.person[u],
                    None => n_people + al.team.ids[row as usize],
                };
                page(key, row, gid[u], units.shift[u])
            })
            .collect()
    } else {
        let primary = al.primary(&s.pages, shifts);
        s.pages
            .entries
            .iter()
            .zip(primary)
            .map(|(&(_, _, row), shift)| {
                page(al.team.ids[row as usize], row, gid[row as usize], shift)
            })
            .collect()
    };

    // Episode starts, in the group of each unit of the starting alert; each start is a
    // fingerprint of its own here, which the walk of `finish` leaves as it is.
    let firings = (0..n_units)
        .filter(|&u| al.episode[units.row[u] as usize])
        .map(|u| FiringRow {
            fp: units.row[u],
            seq: 0,
            t: al.t[units.row[u] as usize],
            group: Some(gid[u]),
        })
        .collect();
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
    // `NO_SHIFT` is the label `attribute` gave the uncovered units.
    debug_assert!(!by_person || units.names.last().map(String::as_str) == Some(NO_SHIFT));
    Reduced {
        labels,
        counts,
        pages,
        firings,
        negative_tta,
        no_shift_alerts,
    }
}
