//! Who and which group each alert counts for: grouping by person expands the alerts into units
//! (one per person whose shift of the alert's team covers it, or one under `(no shift)`), and
//! every unit gets a dense group id from its dimension ids (team, week, month, service,
//! severity, person), with the label of each group.

use super::classify::Alerts;
use super::groups::{NO_SHIFT, Scoped};
use super::ids::{
    FastMap, dense_groups, month_index, month_index_label, week_index, week_index_label,
};
use super::shifts::Shifts;
use crate::metrics::scope::Dim;
use crate::model::columns::*;

/// The alert-person units of a grouping: `row[u]` is the alert, `person[u]` an id into `names`
/// (by person only), `shift[u]` the covering shift.
pub(super) struct Units {
    pub row: Vec<u32>,
    pub person: Vec<u32>,
    pub shift: Vec<Option<u32>>,
    pub names: Vec<String>,
}

/// One unit per (alert, covering shift), or per alert under `(no shift)`.
pub(super) fn attribute(al: &Alerts, shifts: &Shifts) -> Units {
    let all = al.team_order(false);
    let mut names: Vec<String> = vec![];
    let mut person_of_shift: Vec<u32> = Vec::with_capacity(shifts.list.len());
    let mut ids: FastMap<&str, u32> = FastMap::default();
    for sh in &shifts.list {
        let id = *ids.entry(sh.person.as_str()).or_insert_with(|| {
            names.push(sh.person.clone());
            (names.len() - 1) as u32
        });
        person_of_shift.push(id);
    }
    let no_shift = names.len() as u32;
    names.push(NO_SHIFT.to_string());
    let mut u = Units {
        row: Vec::with_capacity(al.len()),
        person: Vec::with_capacity(al.len()),
        shift: Vec::with_capacity(al.len()),
        names,
    };
    let mut covered = vec![false; al.len()];
    for (id, range) in all.ranges.iter().enumerate() {
        let team = al.team.name(id as u32).unwrap_or("");
        let entries = &all.entries[range.clone()];
        shifts.cover_team(team, entries, |i, s| {
            let row = entries[i].2;
            u.row.push(row);
            u.person.push(person_of_shift[s as usize]);
            u.shift.push(Some(s));
            covered[row as usize] = true;
        });
    }
    for (r, c) in covered.iter().enumerate() {
        if !c {
            u.row.push(r as u32);
            u.person.push(no_shift);
            u.shift.push(None);
        }
    }
    u
}

/// The label of a dim's id.
type Label<'a> = Box<dyn Fn(u32) -> Option<String> + 'a>;

/// A dense group id per unit, and per dim the label of each group.
pub(super) fn group_ids(
    s: &Scoped,
    dims: &[Dim],
    units: &Units,
) -> (Vec<u32>, Vec<Vec<Option<String>>>) {
    let al = &s.alerts;
    let n = units.row.len();
    let row = |u: usize| units.row[u] as usize;
    // Each dim as ids per unit, with a function from id to label.
    let mut per_dim: Vec<(Vec<u32>, Label<'_>)> = vec![];
    for d in dims {
        per_dim.push(match d {
            Dim::Week | Dim::Month => {
                let idx = |t: i64| {
                    if *d == Dim::Week {
                        week_index(t)
                    } else {
                        month_index(t)
                    }
                };
                let base = (0..n).map(|u| idx(al.t[row(u)])).min().unwrap_or(0);
                let ids = (0..n).map(|u| (idx(al.t[row(u)]) - base) as u32).collect();
                let week = *d == Dim::Week;
                let label = move |id: u32| {
                    let i = base + i64::from(id);
                    Some(if week {
                        week_index_label(i)
                    } else {
                        month_index_label(i)
                    })
                };
                (ids, Box::new(label))
            }
            Dim::Person => (
                units.person.clone(),
                Box::new(|id: u32| units.names.get(id as usize).cloned()),
            ),
            Dim::Service | Dim::Severity => {
                let t = s.text(if *d == Dim::Service {
                    SERVICE
                } else {
                    SEVERITY
                });
                let ids = (0..n).map(|u| t.ids[row(u)]).collect();
                (ids, Box::new(move |id: u32| t.name(id).map(str::to_string)))
            }
            _ => {
                let ids = (0..n).map(|u| al.team.ids[row(u)]).collect();
                (
                    ids,
                    Box::new(|id: u32| al.team.name(id).map(str::to_string)),
                )
            }
        });
    }
    let cards: Vec<u128> = per_dim
        .iter()
        .map(|(ids, _)| u128::from(ids.iter().copied().max().map_or(1, |m| m + 1)))
        .collect();
    let size = cards.iter().try_fold(1u128, |acc, c| acc.checked_mul(*c));
    let (gid, first) = dense_groups(
        n,
        size,
        |u| {
            per_dim
                .iter()
                .zip(&cards)
                .fold(0u128, |key, ((ids, _), card)| {
                    key * card + u128::from(ids[u])
                })
        },
        |u| per_dim.iter().map(|(ids, _)| ids[u]).collect(),
    );
    let labels = per_dim
        .iter()
        .map(|(ids, label)| first.iter().map(|&u| label(ids[u])).collect())
        .collect();
    (gid, labels)
}
