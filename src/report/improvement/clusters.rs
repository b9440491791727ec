//! Section 3, the recurring clusters of the period and whether they stopped once their action
//! items were done: the cluster table of recurrence (incidents, first and last seen, the action
//! items of its earlier incidents), with each cluster's last incident set against the last
//! completion of those items.
//!
//! Membership comes from the same recurrence run (`recurrence::with_members`), the completion dates from
//! the action items of every member but the latest (the items the cluster table counts).

use std::collections::BTreeMap;

use polars::prelude::*;

use super::data::Data;
use super::fmt::{self, table};
use super::{Block, Section};
use crate::error::Result;
use crate::metrics::TableId;
use crate::metrics::recurrence::Members;
use crate::metrics::table::pe;
use crate::model::columns::*;
use crate::model::time::DAY_US_F;
use crate::report::view::{cell_f64, cell_str};
use crate::report::{Inputs, TableView};

/// At most this many clusters are listed.
const TOP: usize = 10;

/// Per cluster: the last completion (UTC microseconds, at or before as-of) of the done action
/// items of every member but the latest.
fn last_done(inp: &Inputs, members: &Members) -> Result<BTreeMap<String, i64>> {
    let (mut cl, mut ids) = (vec![], vec![]);
    for (c, m) in members {
        for id in m {
            cl.push(c.clone());
            ids.push(id.clone());
        }
    }
    let df = df!("cluster" => cl, INCIDENT_ID => ids)
        .map_err(pe)?
        .lazy()
        .join(
            inp.frames
                .incidents
                .clone()
                .select([col(INCIDENT_ID), col(DETECTED_AT).cast(DataType::Int64)]),
            [col(INCIDENT_ID)],
            [col(INCIDENT_ID)],
            JoinArgs::new(JoinType::Inner),
        )
        .sort(
            ["cluster", DETECTED_AT, INCIDENT_ID],
            SortMultipleOptions::default(),
        )
        .collect()
        .map_err(pe)?;
    // Rows are in (cluster, detected_at, id) order: the last row of a cluster is its latest.
    let mut earlier: Vec<(String, String)> = vec![];
    for i in 0..df.height() {
        let c = cell_str(&df, "cluster", i);
        let next_same = i + 1 < df.height() && cell_str(&df, "cluster", i + 1) == c;
        if next_same {
            earlier.push((c, cell_str(&df, INCIDENT_ID, i)));
        }
    }
    let (cl, ids): (Vec<String>, Vec<String>) = earlier.into_iter().unzip();
    let as_of = inp.as_of.timestamp_micros();
    let done = df!("cluster" => cl, INCIDENT_ID => ids)
        .map_err(pe)?
        .lazy()
        .join(
            inp.frames.action_items.clone().select([
                col(INCIDENT_ID),
                col(STATUS),
                col(COMPLETED_AT).cast(DataType::Int64),
            ]),
            [col(INCIDENT_ID)],
            [col(INCIDENT_ID)],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(
            col(STATUS)
                .eq(lit("done"))
                .and(col(COMPLETED_AT).lt_eq(lit(as_of))),
        )
        .group_by([col("cluster")])
        .agg([col(COMPLETED_AT).max()])
        .sort(["cluster"], SortMultipleOptions::default())
        .collect()
        .map_err(pe)?;
    let at = fmt::instants(&done, COMPLETED_AT)?;
    Ok((0..done.height())
        .filter_map(|i| at[i].map(|t| (cell_str(&done, "cluster", i), t)))
        .collect())
}

/// Did the cluster stop after its items were done? In words a reader can check.
fn stopped(
    inp: &Inputs,
    last_seen: Option<i64>,
    done_at: Option<i64>,
    df: &DataFrame,
    i: usize,
) -> String {
    let n = |c: &str| cell_f64(df, c, i).unwrap_or(0.0);
    let (total, open) = (n("actions_total"), n("actions_open"));
    let mean_days = cell_f64(df, "mean_interval_days", i).unwrap_or(0.0);
    let still_open = if open > 0.0 {
        format!("; {open:.0} still open")
    } else {
        String::new()
    };
    match (done_at, last_seen) {
        _ if total == 0.0 => "no action items on its earlier incidents".into(),
        (None, _) if open > 0.0 => format!("not yet: no item done, {open:.0} open"),
        (None, _) => "no item done".into(),
        (Some(c), Some(l)) if l > c => format!(
            "no: recurred on {} after items were done{still_open}",
            fmt::day(Some(l))
        ),
        (Some(c), _) => {
            let quiet = (inp.as_of.timestamp_micros() - c) as f64 / DAY_US_F;
            if quiet < mean_days {
                format!(
                    "too early to tell: {quiet:.0} days quiet, mean interval {mean_days:.0} \
                     days{still_open}"
                )
            } else {
                format!("yes so far: none in the {quiet:.0} days since{still_open}")
            }
        }
    }
}

pub fn section(inp: &Inputs, d: &Data) -> Result<Section> {
    let ct = table(&d.recurrence, TableId::RecurrenceClusters)?;
    let df = &ct.frame;
    let done = last_done(inp, &d.members)?;
    let first = fmt::instants(df, "first_seen")?;
    let last = fmt::instants(df, "last_seen")?;
    // Most incidents in the period first; the metric's order (largest, oldest) breaks ties.
    let mut order: Vec<usize> = (0..df.height()).collect();
    order.sort_by(|&a, &b| {
        let n = |i| cell_f64(df, "in_period", i).unwrap_or(0.0);
        n(b).total_cmp(&n(a)).then(a.cmp(&b))
    });
    let mut t = TableView::new(
        &[
            ("Cluster (first incident)", false),
            ("Title template", false),
            ("Teams", false),
            ("In period", true),
            ("All known", true),
            ("First seen", false),
            ("Last seen", false),
            ("Items done", true),
            ("Last item done", false),
            ("Stopped after the items?", false),
        ],
        "No cluster of recurring incidents touches the period.",
    );
    for &i in order.iter().take(TOP) {
        let name = cell_str(df, "cluster", i);
        let done_at = done.get(&name).copied();
        let n = |c: &str| fmt::whole(cell_f64(df, c, i));
        t.push(vec![
            name.clone(),
            cell_str(df, "template", i),
            cell_str(df, "teams", i),
            n("in_period"),
            n("incidents"),
            fmt::day(first[i]),
            fmt::day(last[i]),
            format!("{} of {}", n("actions_done"), n("actions_total")),
            fmt::day(done_at),
            stopped(inp, last[i], done_at, df, i),
        ]);
    }
    let shown = df.height().min(TOP);
    let mut text = vec![format!(
        "{} cluster(s) of matching incidents have an incident in the period{}. A cluster is \
         named by its first incident and its title template, as in the weekly reports and \
         postmortems; \"All known\" counts its incidents known at the as-of instant, before \
         and after the period. Its action items are those of every incident but the latest.",
        df.height(),
        if df.height() > TOP {
            format!("; the {shown} with the most in the period are listed")
        } else {
            String::new()
        }
    )];
    text.push(
        "Stopped: no incident after the last of those items was done (by the as-of instant); \
         too early to tell while the quiet time since is shorter than the cluster's mean \
         interval between incidents."
            .into(),
    );
    Ok(Section {
        id: "clusters".into(),
        number: 0,
        title: "Recurring clusters and their action items".into(),
        intro: vec![],
        blocks: vec![Block::table("", text, t)],
    })
}
