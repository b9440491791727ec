//! Action items and postmortem hygiene (`metrics.md`, "Action items and postmortem hygiene"):
//! completion, overdue items, days to complete and the share done within the priority's target,
//! by priority and team; every item overdue today whatever its creation date; and the SEV1/SEV2
//! incidents still without a postmortem after the due number of business days (`postmortems`).
//!
//! Two views of overdue, on purpose: `actions.overdue` is a flow (of the items created in the
//! period, how many are open past due at `as_of`), `actions_overdue_all` is the state of the
//! backlog at `as_of`, which is what a team must act on. The same backlog and the missing
//! postmortems, item by item with their owners, are `owed` ("who owes what").

pub mod owed;
mod postmortems;

use polars::prelude::*;

use super::frames::{Frames, filter_expr, in_period};
use super::stats::wilson;
use super::table::{Family, MetricTable, dim_names, pe};
use super::{Dim, Scope};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::metrics::catalogue::TableId;
use crate::model::columns::*;
use crate::model::time::DAY_US_F;
use crate::model::vocab::UNASSIGNED_TEAM;

const KNOWN: &str = "known_incident";
const DAYS: &str = "days_to_complete";
const TARGET: &str = "target";

fn ts(us: i64) -> Expr {
    lit(us).cast(DataType::Datetime(
        TimeUnit::Microseconds,
        Some(TimeZone::UTC),
    ))
}

/// `true` for an item open past its due date at `as_of` (µs): the one rule of "overdue" that
/// the backlog counts and the named list (`owed`) share. No due date, never overdue.
fn overdue_at(as_of: i64) -> Expr {
    col(STATUS).eq(lit("open")).and(col(DUE_AT).lt(ts(as_of)))
}

/// `actions`, `actions_overdue_all` and `postmortems_missing`.
pub fn actions(
    f: &Frames,
    cfg: &Config,
    scope: &Scope,
    by: Option<&[Dim]>,
) -> Result<Vec<MetricTable>> {
    let dims = by.unwrap_or(&[Dim::Priority, Dim::Team]);
    if let Some(d) = dims
        .iter()
        .find(|d| !matches!(d, Dim::Priority | Dim::Team))
    {
        return Err(Error::Query(format!(
            "action items can be grouped by priority and team, not by {}",
            d.name()
        )));
    }
    let items = joined(f, cfg, scope);
    let as_of = scope.as_of.timestamp_micros();
    let in_scope = items.clone().filter(in_period(CREATED_AT, scope));
    let mut out = vec![flow(in_scope.clone(), cfg, scope, dims)?];
    out[0].notes.extend(side_notes(in_scope)?);

    let backlog = items
        .filter(overdue_at(as_of))
        .group_by([col(PRIORITY), col(TEAM)])
        .agg([
            len().cast(DataType::UInt32).alias("overdue"),
            col(DUE_AT).min().alias("oldest_due"),
        ])
        .with_column(
            ((lit(as_of) - col("oldest_due").cast(DataType::Int64)).cast(DataType::Float64)
                / lit(DAY_US_F))
            .alias("oldest_overdue_days"),
        )
        .sort([PRIORITY, TEAM], SortMultipleOptions::default())
        .collect()
        .map_err(pe)?;
    out.push(MetricTable {
        family: Family::Actions,
        id: TableId::ActionsOverdueAll,
        title: "Overdue action items now".into(),
        dims: vec![PRIORITY.into(), TEAM.into()],
        frame: backlog,
        notes: vec![format!(
            "Open action items whose due_at is before {}, whatever their creation date: the \
             backlog to act on, not a figure of the period.",
            scope.as_of.to_rfc3339()
        )],
    });
    out.push(postmortems::missing(f, cfg, scope)?);
    Ok(out)
}

/// Action items with their incident's team, service and severity (team `unassigned` when the
/// incident is unknown), the target days of their priority and their days to complete (done
/// items with a completion not before creation), filters applied.
fn joined(f: &Frames, cfg: &Config, scope: &Scope) -> LazyFrame {
    joined_with(f, cfg, scope, &[])
}

/// [`joined`] keeping also the action-item columns `extra` (the named list reads the title,
/// owner and ticket; the counts do not, so they do not ask a store or a test frame for them).
fn joined_with(f: &Frames, cfg: &Config, scope: &Scope, extra: &[&str]) -> LazyFrame {
    let incidents = f.incidents.clone().select([
        col(INCIDENT_ID),
        col(TEAM),
        col(SERVICE),
        col(SEVERITY),
        lit(true).alias(KNOWN),
    ]);
    let target = cfg.thresholds.action_target_days.iter().fold(
        lit(NULL).cast(DataType::UInt32),
        |acc, (p, d)| {
            when(col(PRIORITY).eq(lit(p.as_str())))
                .then(lit(*d))
                .otherwise(acc)
        },
    );
    let days = (col(COMPLETED_AT).cast(DataType::Int64) - col(CREATED_AT).cast(DataType::Int64))
        .cast(DataType::Float64)
        / lit(DAY_US_F);
    let mut columns = vec![
        col(ACTION_ITEM_ID),
        col(INCIDENT_ID),
        col(PRIORITY),
        col(CREATED_AT),
        col(DUE_AT),
        col(COMPLETED_AT),
        col(STATUS),
    ];
    columns.extend(extra.iter().map(|c| col(*c)));
    f.action_items
        .clone()
        .select(columns)
        .join(
            incidents,
            [col(INCIDENT_ID)],
            [col(INCIDENT_ID)],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            col(TEAM).fill_null(lit(UNASSIGNED_TEAM)),
            col(KNOWN).fill_null(lit(false)),
            target.alias(TARGET),
            when(
                col(STATUS)
                    .eq(lit("done"))
                    .and(days.clone().gt_eq(lit(0.0))),
            )
            .then(days)
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias(DAYS),
        ])
        .filter(filter_expr(&scope.filters, true, true))
}

fn sum_of(e: Expr) -> Expr {
    e.cast(DataType::UInt32).sum()
}

/// The `actions` table over the items created in the period.
fn flow(items: LazyFrame, cfg: &Config, scope: &Scope, dims: &[Dim]) -> Result<MetricTable> {
    let status = |s: &str| col(STATUS).eq(lit(s));
    let has_target = col(DAYS).is_not_null().and(col(TARGET).is_not_null());
    let by_priority = dims.contains(&Dim::Priority);
    let aggs = vec![
        len().cast(DataType::UInt32).alias("items"),
        sum_of(status("done")).alias("done"),
        sum_of(status("wont_do")).alias("wont_do"),
        sum_of(status("open")).alias("open"),
        sum_of(status("open").and(col(DUE_AT).lt(ts(scope.as_of.timestamp_micros()))))
            .alias("overdue"),
        col(DAYS).median().alias("median_days_to_complete"),
        // The target is a property of the priority: one value per group only when grouped by it.
        if by_priority {
            col(TARGET).first()
        } else {
            lit(NULL).cast(DataType::UInt32)
        }
        .alias("target_days"),
        sum_of(
            has_target
                .clone()
                .and(col(DAYS).lt_eq(col(TARGET).cast(DataType::Float64))),
        )
        .alias("in_target"),
        sum_of(has_target).alias("with_target"),
    ];
    let names = dim_names(dims);
    let grouped = if dims.is_empty() {
        items.select(aggs)
    } else {
        let keys: Vec<Expr> = names.iter().map(|d| col(d.as_str())).collect();
        items
            .group_by(keys)
            .agg(aggs)
            .sort(names.clone(), SortMultipleOptions::default())
    };
    let mut df = grouped.collect().map_err(pe)?;
    let u = |df: &DataFrame, c: &str| -> Result<Vec<u32>> {
        let s = df
            .column(c)
            .map_err(pe)?
            .cast(&DataType::UInt32)
            .map_err(pe)?;
        Ok(s.u32()
            .map_err(pe)?
            .iter()
            .map(Option::unwrap_or_default)
            .collect())
    };
    let (items_n, done, wont) = (u(&df, "items")?, u(&df, "done")?, u(&df, "wont_do")?);
    let (in_t, with_t) = (u(&df, "in_target")?, u(&df, "with_target")?);
    let (mut pct, mut low, mut high, mut within) = (vec![], vec![], vec![], vec![]);
    for k in 0..df.height() {
        let n = u64::from(items_n[k] - wont[k].min(items_n[k]));
        let d = u64::from(done[k]).min(n);
        let (lo, hi) = wilson(d, n);
        pct.push((n > 0).then(|| 100.0 * d as f64 / n as f64));
        low.push((n > 0).then_some(100.0 * lo));
        high.push((n > 0).then_some(100.0 * hi));
        within.push((with_t[k] > 0).then(|| 100.0 * f64::from(in_t[k]) / f64::from(with_t[k])));
    }
    for (name, v) in [
        ("completion_pct", pct),
        ("completion_low_pct", low),
        ("completion_high_pct", high),
        ("within_target_pct", within),
    ] {
        df.with_column(Column::new(name.into(), v)).map_err(pe)?;
    }
    let mut order: Vec<String> = names.clone();
    order.extend(
        [
            "items",
            "done",
            "wont_do",
            "open",
            "completion_pct",
            "completion_low_pct",
            "completion_high_pct",
            "overdue",
            "median_days_to_complete",
            "target_days",
            "within_target_pct",
        ]
        .map(String::from),
    );
    let targets: Vec<String> = cfg
        .thresholds
        .action_target_days
        .iter()
        .map(|(p, d)| format!("{p} {d} days"))
        .collect();
    Ok(MetricTable {
        family: Family::Actions,
        id: TableId::Actions,
        title: format!(
            "Action items created in the period by {}",
            names.join(" and ")
        ),
        dims: names,
        frame: df.select(order).map_err(pe)?,
        notes: vec![
            format!(
                "Action items created in the period. completion_pct = done / (items - wont_do), \
                 with a Wilson 95% interval; overdue = still open with due_at before {}.",
                scope.as_of.to_rfc3339()
            ),
            format!(
                "median_days_to_complete: done items, completed_at - created_at in days. \
                 within_target_pct: done items completed within their priority's target ({}) \
                 among done items whose priority has one.",
                if targets.is_empty() {
                    "none set".to_string()
                } else {
                    targets.join(", ")
                }
            ),
        ],
    })
}

/// Notes on items the figures treat specially: unknown incidents, done without a usable
/// completion time.
fn side_notes(items: LazyFrame) -> Result<Vec<String>> {
    let df = items
        .select([
            sum_of(col(KNOWN).not()).alias("unknown"),
            sum_of(col(STATUS).eq(lit("done")).and(col(DAYS).is_null())).alias("no_completion"),
        ])
        .collect()
        .map_err(pe)?;
    let get = |c: &str| -> Result<u32> {
        Ok(df
            .column(c)
            .map_err(pe)?
            .u32()
            .map_err(pe)?
            .get(0)
            .unwrap_or_default())
    };
    let mut notes = vec![];
    let unknown = get("unknown")?;
    if unknown > 0 {
        notes.push(format!(
            "{unknown} action item(s) refer to incidents not in the store; they are counted under \
             team {UNASSIGNED_TEAM}."
        ));
    }
    let bad = get("no_completion")?;
    if bad > 0 {
        notes.push(format!(
            "{bad} done item(s) have no completed_at, or one before created_at; they count as \
             done but are left out of median_days_to_complete and within_target_pct."
        ));
    }
    Ok(notes)
}

#[cfg(test)]
mod tests;
