//! Who owes what (`metrics.md`, "Who owes what"): the overdue action items and the outstanding
//! postmortems one by one, with their owners, teams, incidents, dates and tickets, ranked so the
//! most urgent come first. The counts of `actions_overdue_all` and `postmortems_missing` say how
//! much is owed; this list says what and by whom, so a report can name it.
//!
//! The same rules as the counts, never a second definition: an item is overdue by `overdue_at`
//! (open with `due_at` before as-of, whatever its creation date; one completed after as-of was
//! still open then, which `Frames::known_at` has already made it), with the team of its incident
//! and the scope's filters (`joined_with`); a postmortem is outstanding by the rows of
//! `postmortems_missing`. The ticket URL is passed on as the store holds it: deciding what may
//! become a link is the report's job, per output format.

use chrono::{DateTime, Utc};
use polars::prelude::*;

use super::{joined_with, overdue_at, postmortems};
use crate::config::Config;
use crate::error::Result;
use crate::metrics::Scope;
use crate::metrics::frames::{Frames, texts, texts_or_empty};
use crate::metrics::table::pe;
use crate::model::columns::*;
use crate::model::time::DAY_US_F;
use crate::model::vocab::Priority;

/// An action item open past its due date at as-of.
#[derive(Debug, Clone, PartialEq)]
pub struct OverdueItem {
    pub action_item_id: String,
    pub title: String,
    /// `None` when the source names nobody (or an empty name).
    pub owner: Option<String>,
    /// The team of the item's incident; `unassigned` when the incident is not in the store.
    pub team: String,
    pub incident_id: String,
    pub priority: String,
    pub created_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    /// as-of minus `due_at`, in days (fractional, > 0).
    pub overdue_days: f64,
    /// as-of minus `created_at`, in days.
    pub age_days: f64,
    /// The ticket as the store holds it, unchecked; `None` when absent or empty.
    pub url: Option<String>,
}

/// A SEV1/SEV2 incident still without a postmortem once the due business days have passed.
#[derive(Debug, Clone, PartialEq)]
pub struct OutstandingPostmortem {
    pub incident_id: String,
    pub title: String,
    pub team: String,
    pub severity: String,
    pub detected_at: DateTime<Utc>,
    /// Whole business days of the team between the day of detection and the as-of day.
    pub business_days: u32,
}

/// Everything owed at as-of, each list most urgent first.
#[derive(Debug, Clone, PartialEq)]
pub struct Owed {
    pub as_of: DateTime<Utc>,
    /// Every overdue item, whenever created: P0 first, then the longest overdue.
    pub items: Vec<OverdueItem>,
    /// The incidents of the scope's period owing a postmortem: SEV1 first, then the longest
    /// outstanding.
    pub postmortems: Vec<OutstandingPostmortem>,
}

/// Who owes what at `scope.as_of`: the overdue items (the period does not matter: the backlog is
/// a state at as-of) and the postmortems outstanding for the incidents of the period.
pub fn owed(f: &Frames, cfg: &Config, scope: &Scope) -> Result<Owed> {
    Ok(Owed {
        as_of: scope.as_of,
        items: overdue_items(f, cfg, scope)?,
        postmortems: postmortems::outstanding(f, cfg, scope)?,
    })
}

/// The overdue items, ranked: priority (P0 first; a priority outside the vocabulary last), then
/// the earliest due date (the longest overdue), then the id, so ties keep one order.
fn overdue_items(f: &Frames, cfg: &Config, scope: &Scope) -> Result<Vec<OverdueItem>> {
    let as_of = scope.as_of.timestamp_micros();
    let days_since = |c: &str| {
        (lit(as_of) - col(c).cast(DataType::Int64)).cast(DataType::Float64) / lit(DAY_US_F)
    };
    let df = joined_with(f, cfg, scope, &[TITLE, OWNER, URL])
        .filter(overdue_at(as_of))
        .select([
            col(ACTION_ITEM_ID),
            col(TITLE),
            col(OWNER),
            col(TEAM),
            col(INCIDENT_ID),
            col(PRIORITY),
            col(CREATED_AT).cast(DataType::Int64).alias("created_us"),
            col(DUE_AT).cast(DataType::Int64).alias("due_us"),
            days_since(CREATED_AT).alias("age_days"),
            days_since(DUE_AT).alias("overdue_days"),
            col(URL),
        ])
        .collect()
        .map_err(pe)?;
    let text = |c: &str| texts_or_empty(&df, c);
    let (ids, titles, teams) = (text(ACTION_ITEM_ID)?, text(TITLE)?, text(TEAM)?);
    let (incidents, priorities) = (text(INCIDENT_ID)?, text(PRIORITY)?);
    let non_empty = |v: Vec<Option<String>>| -> Vec<Option<String>> {
        v.into_iter()
            .map(|s| s.filter(|s| !s.trim().is_empty()))
            .collect()
    };
    let (owners, urls) = (non_empty(texts(&df, OWNER)?), non_empty(texts(&df, URL)?));
    let ints = |c: &str| -> Result<Vec<Option<i64>>> {
        Ok(df
            .column(c)
            .map_err(pe)?
            .i64()
            .map_err(pe)?
            .iter()
            .collect())
    };
    let floats = |c: &str| -> Result<Vec<Option<f64>>> {
        Ok(df
            .column(c)
            .map_err(pe)?
            .f64()
            .map_err(pe)?
            .iter()
            .collect())
    };
    let (created, due) = (ints("created_us")?, ints("due_us")?);
    let (age, overdue) = (floats("age_days")?, floats("overdue_days")?);
    // Every row has both instants (created_at is required; the overdue filter needs due_at), so
    // `?` drops none unless an instant lies beyond chrono's range, which no source produces.
    let at = |us: Option<i64>| us.and_then(DateTime::from_timestamp_micros);
    let mut items: Vec<OverdueItem> = (0..df.height())
        .filter_map(|i| {
            Some(OverdueItem {
                action_item_id: ids[i].clone(),
                title: titles[i].clone(),
                owner: owners[i].clone(),
                team: teams[i].clone(),
                incident_id: incidents[i].clone(),
                priority: priorities[i].clone(),
                created_at: at(created[i])?,
                due_at: at(due[i])?,
                overdue_days: overdue[i]?,
                age_days: age[i]?,
                url: urls[i].clone(),
            })
        })
        .collect();
    // `None` sorts first, so rank an unknown priority after P3 explicitly.
    let rank = |p: &str| Priority::parse(p).map_or(Priority::ALL.len(), |p| p as usize);
    items.sort_by(|a, b| {
        rank(&a.priority)
            .cmp(&rank(&b.priority))
            .then(a.due_at.cmp(&b.due_at))
            .then(a.action_item_id.cmp(&b.action_item_id))
    });
    Ok(items)
}

#[cfg(test)]
mod tests;
