//! The fatigue job's shift tables (`fatigue_shifts`, `fatigue_shift_pages`) as the shifts and
//! each shift's pages that the `fatigue_shift` finish step takes. A page of a shift the shifts
//! table lacks is refused with the table's name.

use std::collections::HashMap;

use polars::prelude::*;

use super::{bad, ints, texts};
use crate::error::Result;
use crate::metrics::fatigue::shift::ShiftPage;
use crate::metrics::fatigue::shifts::{ShiftRow, Shifts};
use crate::metrics::scaleout::names::{FATIGUE_SHIFT_PAGES, FATIGUE_SHIFTS, ReadTable};

/// The two shift tables of the fatigue job, as read from its output (`store::reduced`).
pub struct ShiftFrames {
    pub shifts: DataFrame,
    pub pages: DataFrame,
}

impl ShiftFrames {
    pub(in crate::metrics::scaleout) fn read(read: ReadTable<'_>) -> Result<ShiftFrames> {
        Ok(ShiftFrames {
            shifts: read(FATIGUE_SHIFTS)?,
            pages: read(FATIGUE_SHIFT_PAGES)?,
        })
    }
}

/// The shifts, and the pages of each (by index in `Shifts::list`) in time order.
pub(in crate::metrics::scaleout) fn shift_pages(
    f: &ShiftFrames,
) -> Result<(Shifts, Vec<Vec<ShiftPage>>)> {
    const SHIFTS: &str = FATIGUE_SHIFTS;
    const PAGES: &str = FATIGUE_SHIFT_PAGES;
    let text = |df: &DataFrame, table: &str, name: &str| -> Result<Vec<String>> {
        Ok(texts(df, table, name)?
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect())
    };
    let instant = |df: &DataFrame, table: &str, name: &str| -> Result<Vec<i64>> {
        ints(df, table, name)?
            .into_iter()
            .map(|v| v.ok_or_else(|| bad(table, format_args!("has a row without {name}"))))
            .collect()
    };
    let s = &f.shifts;
    let (team, person) = (text(s, SHIFTS, "team")?, text(s, SHIFTS, "person")?);
    let zone = text(s, SHIFTS, "timezone")?;
    let (start, end) = (instant(s, SHIFTS, "s")?, instant(s, SHIFTS, "e")?);
    let rows = (0..s.height())
        .map(|i| ShiftRow {
            team: team[i].clone(),
            person: person[i].clone(),
            timezone: zone[i].clone(),
            start: start[i],
            end: end[i],
        })
        .collect::<Vec<_>>();
    let shifts = if rows.is_empty() {
        Shifts::default()
    } else {
        Shifts::from_rows(rows)
    };
    // The store's key of a shift: team, person and start.
    let index: HashMap<(&str, &str, i64), usize> = shifts
        .list
        .iter()
        .enumerate()
        .map(|(i, sh)| ((sh.team.as_str(), sh.person.as_str(), sh.start), i))
        .collect();
    let p = &f.pages;
    let (team, person) = (text(p, PAGES, "team")?, text(p, PAGES, "person")?);
    let (start, t) = (instant(p, PAGES, "s")?, instant(p, PAGES, "t")?);
    let sleep = p
        .column("sleep")
        .map_err(|_| bad(PAGES, "has no column sleep"))?
        .as_materialized_series()
        .cast(&DataType::Boolean)
        .map_err(|e| {
            bad(
                PAGES,
                format_args!("has a column sleep that is not boolean ({e})"),
            )
        })?;
    let sleep = sleep.bool().expect("cast to Boolean");
    let mut pages: Vec<Vec<ShiftPage>> = vec![vec![]; shifts.list.len()];
    for r in 0..p.height() {
        let key = (team[r].as_str(), person[r].as_str(), start[r]);
        let i = *index.get(&key).ok_or_else(|| {
            bad(
                PAGES,
                format_args!("has a page of the shift {key:?}, which {SHIFTS} lacks"),
            )
        })?;
        pages[i].push((t[r], sleep.get(r).unwrap_or(false)));
    }
    // Engines write a table's rows in any order.
    for run in &mut pages {
        run.sort_unstable();
    }
    Ok((shifts, pages))
}
