//! Postmortem hygiene: SEV1 and SEV2 incidents detected in the period that still have no
//! postmortem_url once the due number of business days has passed, as the `postmortems_missing`
//! table and, ranked, as the typed list of who owes a postmortem (`outstanding`).
//!
//! Business days are counted in the owning team's zone with its working days and holidays. Only
//! whole days count: the days after the local day of detection and before the local day of
//! `as_of`. With the default 5 days an incident detected on a Monday is listed from the Tuesday of
//! the following week, i.e. once five full working days (Tue..Mon) have gone by without one.

use std::ops::Bound::Excluded;

use chrono::{DateTime, Datelike, Duration, NaiveDate};
use polars::prelude::*;

use super::owed::OutstandingPostmortem;
use crate::config::{Config, Team};
use crate::error::Result;
use crate::metrics::Scope;
use crate::metrics::catalogue::TableId;
use crate::metrics::frames::{
    EXCLUDED, Frames, exclusion_reason, filter_expr, in_period, texts_or_empty,
};
use crate::metrics::table::{Family, MetricTable, pe};
use crate::model::columns::*;
use crate::model::vocab::Severity;

/// The local date of a UTC instant in the team's zone; `None` beyond chrono's range.
fn local_date(us: i64, team: &Team) -> Option<NaiveDate> {
    DateTime::from_timestamp_micros(us).map(|t| t.with_timezone(&team.timezone).date_naive())
}

/// Business days of `team` strictly between the local dates of `from_us` and `to_us`: working
/// weekdays that are not holidays. 0 when the dates are the same or adjacent (or reversed).
pub fn business_days_between(from_us: i64, to_us: i64, team: &Team) -> u32 {
    let (Some(d0), Some(d1)) = (local_date(from_us, team), local_date(to_us, team)) else {
        return 0;
    };
    let days = (d1 - d0).num_days() - 1;
    if days <= 0 {
        return 0;
    }
    let working = |d: NaiveDate| team.business_days.contains(&d.weekday());
    // Whole weeks have every working weekday once; walk only the remainder.
    let per_week = (0..7).filter(|k| working(d0 + Duration::days(*k))).count() as i64;
    let mut n = days / 7 * per_week;
    let rest_from = d0 + Duration::days(days / 7 * 7);
    n += (1..=days % 7)
        .filter(|k| working(rest_from + Duration::days(*k)))
        .count() as i64;
    let holidays = team
        .holidays
        .range((Excluded(d0), Excluded(d1)))
        .filter(|d| working(**d))
        .count() as i64;
    (n - holidays).max(0) as u32
}

/// The elapsed business days of a row of [`rows`].
const ELAPSED: &str = "business_days_elapsed";

/// The `postmortems_missing` table: one row per overdue incident.
pub fn missing(f: &Frames, cfg: &Config, scope: &Scope) -> Result<MetricTable> {
    let due = cfg.thresholds.postmortem_due_business_days;
    Ok(MetricTable {
        family: Family::Actions,
        id: TableId::PostmortemsMissing,
        title: format!("SEV1/SEV2 incidents without a postmortem after {due} business days"),
        dims: vec![TEAM.into(), SEVERITY.into()],
        frame: rows(f, cfg, scope)?,
        notes: vec![format!(
            "SEV1 and SEV2 incidents detected in the period with no postmortem_url once {due} \
             business days have passed by {}: whole working days of the team (its zone, weekdays \
             and holidays) after the day of detection and before the as-of day.",
            scope.as_of.format("%Y-%m-%d %H:%M UTC")
        )],
    })
}

/// The same incidents as [`missing`], typed, most urgent first: SEV1 before SEV2, then the
/// most business days elapsed, then the earliest detected and the id (so ties have one order).
pub fn outstanding(f: &Frames, cfg: &Config, scope: &Scope) -> Result<Vec<OutstandingPostmortem>> {
    let df = rows(f, cfg, scope)?;
    let text = |c: &str| texts_or_empty(&df, c);
    let (ids, titles, teams, sevs) = (
        text(INCIDENT_ID)?,
        text(TITLE)?,
        text(TEAM)?,
        text(SEVERITY)?,
    );
    let detected = df
        .column(DETECTED_AT)
        .map_err(pe)?
        .cast(&DataType::Int64)
        .map_err(pe)?;
    let detected = detected.i64().map_err(pe)?;
    let elapsed = df.column(ELAPSED).map_err(pe)?.u32().map_err(pe)?;
    let mut out: Vec<OutstandingPostmortem> = (0..df.height())
        .filter_map(|i| {
            Some(OutstandingPostmortem {
                incident_id: ids[i].clone(),
                title: titles[i].clone(),
                team: teams[i].clone(),
                severity: sevs[i].clone(),
                detected_at: DateTime::from_timestamp_micros(detected.get(i)?)?,
                business_days: elapsed.get(i)?,
            })
        })
        .collect();
    let sev_rank = |s: &str| Severity::parse(s).unwrap_or(Severity::Unknown);
    out.sort_by(|a, b| {
        sev_rank(&a.severity)
            .cmp(&sev_rank(&b.severity))
            .then(b.business_days.cmp(&a.business_days))
            .then(a.detected_at.cmp(&b.detected_at))
            .then(a.incident_id.cmp(&b.incident_id))
    });
    Ok(out)
}

/// The rows of `postmortems_missing`, by team, severity and detection.
fn rows(f: &Frames, cfg: &Config, scope: &Scope) -> Result<DataFrame> {
    let due = cfg.thresholds.postmortem_due_business_days;
    let df = f
        .incidents
        .clone()
        .filter(
            in_period(DETECTED_AT, scope)
                .and(filter_expr(&scope.filters, true, true))
                .and(
                    col(SEVERITY)
                        .eq(lit("SEV1"))
                        .or(col(SEVERITY).eq(lit("SEV2"))),
                )
                .and(
                    col(POSTMORTEM_URL)
                        .is_null()
                        .or(col(POSTMORTEM_URL).eq(lit(""))),
                ),
        )
        .with_column(exclusion_reason(cfg))
        .filter(col(EXCLUDED).is_null())
        .select([
            col(TEAM),
            col(SEVERITY),
            col(INCIDENT_ID),
            col(TITLE),
            col(DETECTED_AT),
        ])
        .sort(
            [TEAM, SEVERITY, DETECTED_AT, INCIDENT_ID],
            SortMultipleOptions::default(),
        )
        .collect()
        .map_err(pe)?;
    let as_of = scope.as_of.timestamp_micros();
    let teams = df.column(TEAM).map_err(pe)?.str().map_err(pe)?;
    let detected = df
        .column(DETECTED_AT)
        .map_err(pe)?
        .cast(&DataType::Int64)
        .map_err(pe)?;
    let detected = detected.i64().map_err(pe)?;
    let elapsed: Vec<u32> = teams
        .iter()
        .zip(detected.iter())
        .map(|(t, d)| match d {
            Some(d) => business_days_between(d, as_of, cfg.team(t.unwrap_or_default())),
            None => 0,
        })
        .collect();
    let keep: BooleanChunked = elapsed.iter().map(|&e| e >= due).collect();
    let mut frame = df.filter(&keep).map_err(pe)?;
    let kept: Vec<u32> = elapsed.into_iter().filter(|&e| e >= due).collect();
    frame
        .with_column(Column::new(ELAPSED.into(), kept))
        .map_err(pe)?;
    Ok(frame)
}
