//! Section 5, action-item throughput and ageing: per month, the items created (and what became
//! of them) from the `actions` table of that month, beside the items completed in the month; per
//! team, the period's items; and the open backlog at the as-of instant by age (0-28, 29-56 and
//! over 56 days since creation) beside the overdue items of `actions_overdue_all`.
//!
//! Completions per month and the age buckets are counts the metric tables do not carry; they are
//! counted here from the action items, with the team of each item's incident as `actions` takes
//! it (`unassigned` when the incident is unknown).

use std::collections::BTreeMap;

use polars::prelude::*;

use super::data::Data;
use super::fmt::{self, table};
use super::{Block, Section};
use crate::error::Result;
use crate::metrics::TableId;
use crate::metrics::table::pe;
use crate::model::columns::*;
use crate::model::time::DAY_US;
use crate::model::vocab::UNASSIGNED_TEAM;
use crate::report::view::{cell_f64, cell_str};
use crate::report::{Inputs, TableView};

/// Upper ends (inclusive, in whole days since creation) of the first two age buckets.
const AGE_BUCKETS: [i64; 2] = [28, 56];

fn ts(us: i64) -> Expr {
    lit(us).cast(DataType::Datetime(
        TimeUnit::Microseconds,
        Some(TimeZone::UTC),
    ))
}

/// Items completed (done, completed_at in the month and by as-of) per month label.
fn completed_per_month(inp: &Inputs, d: &Data) -> Result<Vec<u64>> {
    let as_of = inp.as_of.timestamp_micros();
    let mut out = vec![];
    for m in &d.months {
        let to = m.period.to_micros().min(as_of + 1);
        let df = inp
            .frames
            .action_items
            .clone()
            .filter(
                col(STATUS)
                    .eq(lit("done"))
                    .and(col(COMPLETED_AT).gt_eq(ts(m.period.from_micros())))
                    .and(col(COMPLETED_AT).lt(ts(to))),
            )
            .select([len().cast(DataType::UInt64).alias("n")])
            .collect()
            .map_err(pe)?;
        out.push(cell_f64(&df, "n", 0).unwrap_or(0.0) as u64);
    }
    Ok(out)
}

/// Open items at as-of per team, counted in the age buckets (then the rest).
fn ageing(inp: &Inputs) -> Result<BTreeMap<String, [u64; 3]>> {
    let as_of = inp.as_of.timestamp_micros();
    let teams = inp
        .frames
        .incidents
        .clone()
        .select([col(INCIDENT_ID), col(TEAM)]);
    let df = inp
        .frames
        .action_items
        .clone()
        .filter(
            col(STATUS)
                .eq(lit("open"))
                .and(col(CREATED_AT).lt_eq(ts(as_of))),
        )
        .select([
            col(INCIDENT_ID),
            ((lit(as_of) - col(CREATED_AT).cast(DataType::Int64)) / lit(DAY_US)).alias("age"),
        ])
        .join(
            teams,
            [col(INCIDENT_ID)],
            [col(INCIDENT_ID)],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(col(TEAM).fill_null(lit(UNASSIGNED_TEAM)))
        .collect()
        .map_err(pe)?;
    let mut out: BTreeMap<String, [u64; 3]> = BTreeMap::new();
    for i in 0..df.height() {
        let age = cell_f64(&df, "age", i).unwrap_or(0.0) as i64;
        let k = AGE_BUCKETS.iter().position(|&b| age <= b).unwrap_or(2);
        out.entry(cell_str(&df, TEAM, i)).or_default()[k] += 1;
    }
    Ok(out)
}

fn throughput_block(inp: &Inputs, d: &Data) -> Result<Block> {
    let completed = completed_per_month(inp, d)?;
    let mut t = TableView::new(
        &[
            ("Month", false),
            ("Created", true),
            ("Of those done", true),
            ("Won't do", true),
            ("Still open", true),
            ("Completion", true),
            ("Median days to complete", true),
            ("Completed in the month", true),
        ],
        "No month in the period.",
    );
    for (m, done_in) in d.months.iter().zip(completed) {
        let df = &m.actions.frame;
        let n = |c: &str| fmt::whole(cell_f64(df, c, 0).or(Some(0.0)));
        t.push(vec![
            m.label.clone(),
            n("items"),
            n("done"),
            n("wont_do"),
            n("open"),
            fmt::pct(cell_f64(df, "completion_pct", 0)),
            fmt::dec(cell_f64(df, "median_days_to_complete", 0).map(|x| (x * 10.0).round() / 10.0)),
            done_in.to_string(),
        ]);
    }
    Ok(Block::table(
        "Throughput by month",
        vec![
            "Items created each month and what has become of them by the as-of instant \
             (completion = done / items not marked won't do), beside the items completed in \
             the month, whenever they were created."
                .into(),
        ],
        t,
    ))
}

fn team_block(d: &Data) -> Result<Block> {
    let df = &table(&d.actions, TableId::Actions)?.frame;
    let mut t = TableView::new(
        &[
            ("Team", false),
            ("Created", true),
            ("Done", true),
            ("Open", true),
            ("Completion (95% interval)", true),
            ("Overdue", true),
            ("Median days to complete", true),
        ],
        "No action item was created in the period.",
    );
    for i in 0..df.height() {
        let n = |c: &str| fmt::whole(cell_f64(df, c, i).or(Some(0.0)));
        t.push(vec![
            cell_str(df, "team", i),
            n("items"),
            n("done"),
            n("open"),
            match cell_f64(df, "completion_pct", i) {
                None => fmt::NONE.into(),
                Some(p) => format!(
                    "{} ({})",
                    fmt::pct(Some(p)),
                    fmt::pct_range(
                        cell_f64(df, "completion_low_pct", i),
                        cell_f64(df, "completion_high_pct", i)
                    )
                ),
            },
            n("overdue"),
            fmt::dec(cell_f64(df, "median_days_to_complete", i).map(|x| (x * 10.0).round() / 10.0)),
        ]);
    }
    Ok(Block::table(
        "Items created in the period, by team",
        vec!["Overdue: still open with a due date before the as-of instant.".into()],
        t,
    ))
}

fn ageing_block(inp: &Inputs, d: &Data) -> Result<Block> {
    let ages = ageing(inp)?;
    let overdue_df = &table(&d.actions, TableId::ActionsOverdueAll)?.frame;
    let mut overdue: BTreeMap<String, f64> = BTreeMap::new();
    for i in 0..overdue_df.height() {
        *overdue.entry(cell_str(overdue_df, "team", i)).or_default() +=
            cell_f64(overdue_df, "overdue", i).unwrap_or(0.0);
    }
    let mut teams: Vec<&String> = ages.keys().chain(overdue.keys()).collect();
    teams.sort();
    teams.dedup();
    let mut t = TableView::new(
        &[
            ("Team", false),
            ("Open", true),
            ("0–28 days", true),
            ("29–56 days", true),
            ("Over 56 days", true),
            ("Overdue", true),
        ],
        "No open action item.",
    );
    for team in teams {
        let a = ages.get(team).copied().unwrap_or_default();
        t.push(vec![
            team.clone(),
            a.iter().sum::<u64>().to_string(),
            a[0].to_string(),
            a[1].to_string(),
            a[2].to_string(),
            fmt::whole(Some(overdue.get(team).copied().unwrap_or(0.0))),
        ]);
    }
    Ok(Block::table(
        "Open items by age",
        vec![format!(
            "Every open action item at {} by whole days since it was created, whenever that \
             was; overdue = open past its due date (all priorities).",
            inp.as_of.format("%Y-%m-%d %H:%M UTC")
        )],
        t,
    ))
}

pub fn section(inp: &Inputs, d: &Data) -> Result<Section> {
    Ok(Section {
        id: "actions".into(),
        number: 0,
        title: "Action item throughput and ageing".into(),
        intro: vec![],
        blocks: vec![
            throughput_block(inp, d)?,
            team_block(d)?,
            ageing_block(inp, d)?,
        ],
    })
}
