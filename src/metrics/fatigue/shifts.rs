//! On-call shifts: who was paged and in which zone. A page belongs to every person whose shift
//! (`oncall_shifts`, half-open `[starts_at, ends_at)`) of the alert's team covers its firing; its
//! hours are judged in the zone of the team's *primary* on-call person at that instant (the
//! covering shift that started first, then by name), else in the team's configured zone.
//!
//! Shifts are few (one per person and week), so they are collected into plain vectors; the pages
//! are matched to them by binary search over each team's pages in time order.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use chrono_tz::Tz;
use polars::prelude::*;

use super::classify::i64s;
use crate::error::Result;
use crate::metrics::frames::{Frames, filter_expr, texts_or_empty, ts_lit};
use crate::metrics::scope::Scope;
use crate::metrics::table::pe;
use crate::model::columns::*;

#[derive(Debug, Clone)]
pub(crate) struct Shift {
    pub team: String,
    pub person: String,
    /// `None` when the shift's zone could not be read (the team's zone is used instead).
    pub zone: Option<Tz>,
    pub start: i64,
    pub end: i64,
}

/// The shifts overlapping a scope's period, sorted by team, start, person.
#[derive(Debug, Clone, Default)]
pub(crate) struct Shifts {
    pub list: Vec<Shift>,
    /// Zone names that did not parse, for the notes.
    pub bad_zones: BTreeSet<String>,
    /// Whether the store has any shift at all (grouping by person needs them).
    pub table_has_rows: bool,
    /// Index range in `list` of each team's shifts.
    by_team: HashMap<String, Range<usize>>,
}

/// The shifts of the scope's teams that overlap its period.
pub(crate) fn load(f: &Frames, scope: &Scope) -> Result<Shifts> {
    let any = f
        .oncall_shifts
        .clone()
        .select([len().alias("n")])
        .collect()
        .map_err(pe)?;
    let table_has_rows = any
        .column("n")
        .map_err(pe)?
        .u32()
        .map_err(pe)?
        .get(0)
        .unwrap_or(0)
        > 0;
    if !table_has_rows {
        return Ok(Shifts::default());
    }
    let df = f
        .oncall_shifts
        .clone()
        .filter(
            col(STARTS_AT)
                .lt(ts_lit(scope.period.to_micros()))
                .and(col(ENDS_AT).gt(ts_lit(scope.period.from_micros())))
                .and(filter_expr(&scope.filters, false, false)),
        )
        .select([
            col(TEAM),
            col(PERSON),
            col(TIMEZONE),
            col(STARTS_AT).cast(DataType::Int64),
            col(ENDS_AT).cast(DataType::Int64),
        ])
        .collect()
        .map_err(pe)?;
    let starts = i64s(&df, STARTS_AT)?;
    let ends = i64s(&df, ENDS_AT)?;
    let text = |name: &str| texts_or_empty(&df, name);
    let (teams, persons, zones) = (text(TEAM)?, text(PERSON)?, text(TIMEZONE)?);
    let rows = (0..df.height()).map(|i| ShiftRow {
        team: teams[i].clone(),
        person: persons[i].clone(),
        timezone: zones[i].clone(),
        start: starts[i],
        end: ends[i],
    });
    Ok(Shifts::from_rows(rows.collect()))
}

/// A shift as the store (or an engine's `fatigue_shifts`) holds it, its zone as written.
pub(crate) struct ShiftRow {
    pub team: String,
    pub person: String,
    pub timezone: String,
    pub start: i64,
    pub end: i64,
}

impl Shifts {
    /// The shifts of a store that has some, sorted by team, start and person (equal ones kept
    /// in their order) and indexed, their zones read.
    pub(crate) fn from_rows(mut rows: Vec<ShiftRow>) -> Shifts {
        rows.sort_by(|a, b| (&a.team, a.start, &a.person).cmp(&(&b.team, b.start, &b.person)));
        let mut out = Shifts {
            table_has_rows: true,
            ..Shifts::default()
        };
        for r in rows {
            let zone = r.timezone.trim().parse::<Tz>().ok();
            if zone.is_none() {
                out.bad_zones.insert(r.timezone.clone());
            }
            out.list.push(Shift {
                team: r.team,
                person: r.person,
                zone,
                start: r.start,
                end: r.end,
            });
        }
        out.index();
        out
    }

    /// Shifts built in memory, sorted and indexed as `load` gives them (for tests).
    #[cfg(test)]
    pub(crate) fn from_list(mut list: Vec<Shift>) -> Shifts {
        list.sort_by(|a, b| (&a.team, a.start, &a.person).cmp(&(&b.team, b.start, &b.person)));
        let mut out = Shifts {
            list,
            table_has_rows: true,
            ..Shifts::default()
        };
        out.index();
        out
    }

    fn index(&mut self) {
        self.by_team.clear();
        for (team, range) in runs(self.list.iter().map(|s| s.team.as_str())) {
            self.by_team.insert(team.to_string(), range);
        }
    }

    /// For one team's entries in time order (`(instant, _, row)`, as `ids::Ordered` holds
    /// them): `visit(i, shift)` for every entry `i` a shift of that team covers, each entry's
    /// shifts in priority order (start, then person).
    pub(crate) fn cover_team(
        &self,
        team: &str,
        entries: &[(i64, i64, u32)],
        mut visit: impl FnMut(usize, u32),
    ) {
        let Some(range) = self.by_team.get(team) else {
            return;
        };
        for s in range.clone() {
            let sh = &self.list[s];
            let lo = entries.partition_point(|e| e.0 < sh.start);
            let hi = entries.partition_point(|e| e.0 < sh.end).max(lo);
            for i in lo..hi {
                visit(i, s as u32);
            }
        }
    }

    /// The primary on-call shift of each of one team's entries (in time order), if any.
    pub(crate) fn primary_team(&self, team: &str, entries: &[(i64, i64, u32)]) -> Vec<Option<u32>> {
        let mut out: Vec<Option<u32>> = vec![None; entries.len()];
        // Shift indices are in priority order (team, start, person): the smallest one wins.
        self.cover_team(team, entries, |i, s| {
            let slot = &mut out[i];
            if slot.is_none_or(|cur| s < cur) {
                *slot = Some(s);
            }
        });
        out
    }
}

/// Index ranges of the runs of equal values in a sequence (sorted, so each value is one run).
fn runs<'a>(values: impl Iterator<Item = &'a str>) -> Vec<(&'a str, Range<usize>)> {
    let mut out: Vec<(&str, Range<usize>)> = vec![];
    for (i, v) in values.enumerate() {
        match out.last_mut() {
            Some((cur, range)) if *cur == v => range.end = i + 1,
            _ => out.push((v, i..i + 1)),
        }
    }
    out
}
