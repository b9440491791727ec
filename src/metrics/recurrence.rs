//! Recurrence (`metrics.md`, "Recurrence"): how often an incident repeats one detected shortly
//! before it, per team and overall with Wilson intervals; the clusters of matching incidents with
//! whether the earlier incidents' action items were done; and, on request, every matched pair so a
//! match can be audited.
//!
//! This file selects the incidents (included ones, filters applied, every one known at as-of:
//! the incident a recurrence repeats may precede the period, and a cluster is the same problem
//! whatever period a report shows, see below), computes the rate tables, and writes the notes. The match graph is `matching`, the
//! template similarity join `similar`, the cluster and pair tables `clusters`, and each
//! incident's own cluster for its postmortem `history`.
//!
//! Window convention: an incident detected at `b` is a recurrence when a matching incident was
//! detected in `[b - N days, b)`: a gap of exactly N days counts, an incident at the same instant
//! does not (it is a simultaneous duplicate, not an earlier occurrence).
//!
//! Identity: a cluster is a connected component of the match graph over every included incident
//! known at as-of, not over the period's window. Built over each report's own window, the same
//! recurring problem got a different earliest incident, template and count in each: on the
//! sample, data-platform's disk-usage incidents were cluster 01JPR3011F1H4 (5 incidents) in the
//! weekly report and 01JSNNF1B8YUW in the postmortem (10) and the improvement report (8). Now
//! the name (its earliest incident), the template and the incidents are the same in every table
//! and report of one as-of; only `in_period` depends on the period.

mod clusters;
mod history;
mod matching;
mod similar;

pub use clusters::Members;
pub use history::{Cluster, History, Member};
pub use matching::Key;

use polars::prelude::*;

use super::frames::{EXCLUDED, Frames, exclusion_reason, filter_expr, in_period, texts, ts_lit};
use super::stats::wilson;
use super::table::{Family, MetricTable, pe};
use super::{Scope, quality};
use crate::config::Config;
use crate::error::Result;
use crate::metrics::catalogue::TableId;
use crate::model::columns::*;
use crate::model::time::DAY_US;
use matching::{Graph, Loaded};

/// The recurrence tables: `recurrence` (per team), `recurrence_overall`, `recurrence_clusters`,
/// and with `pairs` also `recurrence_pairs`.
pub fn recurrence(
    f: &Frames,
    cfg: &Config,
    scope: &Scope,
    pairs: bool,
) -> Result<Vec<MetricTable>> {
    Ok(tables_and_members(f, cfg, scope, pairs)?.0)
}

/// The recurrence tables (without pairs) and the incidents of each cluster listed in
/// `recurrence_clusters`, by cluster name, in (detected_at, incident_id) order: membership without
/// listing every matched pair, of which a large organisation's quarter has millions.
pub fn with_members(
    f: &Frames,
    cfg: &Config,
    scope: &Scope,
) -> Result<(Vec<MetricTable>, Members)> {
    tables_and_members(f, cfg, scope, false)
}

fn tables_and_members(
    f: &Frames,
    cfg: &Config,
    scope: &Scope,
    pairs: bool,
) -> Result<(Vec<MetricTable>, Members)> {
    let th = &cfg.thresholds;
    let short = i64::from(th.recurrence_days) * DAY_US;
    let long = i64::from(th.recurrence_long_days) * DAY_US;
    let history_from = scope.period.from_micros() - short.max(long);
    let inc = load(f, cfg, scope)?;
    let graph = Graph::new(&inc, th.jaccard_min, long);

    // Per in-period incident: is it a recurrence within the short and the long window?
    let latest = graph.latest_before_all();
    let (mut teams, mut rec, mut rec_long) = (vec![], vec![], vec![]);
    for i in (0..inc.ids.len()).filter(|&i| inc.in_period[i]) {
        let gap = latest[i].map(|a| inc.at[i] - a);
        teams.push(inc.team[i].as_str());
        rec.push(gap.is_some_and(|g| g <= short));
        rec_long.push(gap.is_some_and(|g| g <= long));
    }
    let flags = DataFrame::new(
        teams.len(),
        vec![
            Column::new(TEAM.into(), teams),
            Column::new("rec".into(), rec),
            Column::new("rec_long".into(), rec_long),
        ],
    )
    .map_err(pe)?
    .lazy();
    let counts = [
        len().cast(DataType::UInt64).alias("incidents"),
        col("rec").cast(DataType::UInt64).sum().alias("recurrences"),
        col("rec_long")
            .cast(DataType::UInt64)
            .sum()
            .alias("recurrences_long"),
    ];
    let per_team = flags
        .clone()
        .group_by([col(TEAM)])
        .agg(counts.clone())
        .sort([TEAM], SortMultipleOptions::default())
        .collect()
        .map_err(pe)?;
    let overall = flags.select(counts).collect().map_err(pe)?;

    let (d, dl) = (th.recurrence_days, th.recurrence_long_days);
    let mut notes = vec![
        format!(
            "A recurrence is an incident with a matching incident detected in the previous {d} days \
             (a gap of exactly {d} days counts; one detected at the same instant does not). \
             recurrences_long and repeat_rate_long_pct use {dl} days."
        ),
        format!(
            "Two incidents match when both carry a source fingerprint and it is the same; \
             otherwise when they share team and service (no service counts as the same) and \
             the word-token Jaccard similarity of their title templates is at least {}.",
            th.jaccard_min
        ),
        format!(
            "repeat_rate_pct = recurrences / incidents, with a Wilson 95% interval. Incidents are \
             placed in the period by detected_at; earlier matches are looked for back to {}.",
            chrono::DateTime::from_timestamp_micros(history_from)
                .map(|t| t.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        ),
    ];
    notes.push(quality::exclusion_note(f, cfg, scope)?);
    let title = format!("Repeat rate ({d}-day recurrences; {dl}-day alongside)");
    let mut out = vec![
        MetricTable {
            family: Family::Recurrence,
            id: TableId::Recurrence,
            title: format!("{title} by team"),
            dims: vec![TEAM.into()],
            frame: with_rates(per_team)?,
            notes: notes.clone(),
        },
        MetricTable {
            family: Family::Recurrence,
            id: TableId::RecurrenceOverall,
            title: format!("{title}, all teams"),
            dims: vec![],
            frame: with_rates(overall)?,
            notes,
        },
    ];
    let (tables, members) = clusters::tables(f, cfg, &inc, &graph, pairs)?;
    out.extend(tables);
    Ok((out, members))
}

/// Included incidents passing the filters, every one detected by as-of (the identity of a
/// cluster, module notes), sorted by (detected_at, incident_id), with whether each lies in the
/// period.
fn load(f: &Frames, cfg: &Config, scope: &Scope) -> Result<Loaded> {
    let df = f
        .incidents
        .clone()
        .filter(
            col(DETECTED_AT)
                .lt_eq(ts_lit(scope.as_of.timestamp_micros()))
                .and(filter_expr(&scope.filters, true, true)),
        )
        .with_column(exclusion_reason(cfg))
        .filter(col(EXCLUDED).is_null())
        .select([
            col(INCIDENT_ID),
            col(TEAM),
            col(SERVICE),
            col(TITLE),
            col(FINGERPRINT),
            in_period(DETECTED_AT, scope).alias("in_period"),
            col(DETECTED_AT).cast(DataType::Int64).alias("at"),
        ])
        .sort(["at", INCIDENT_ID], SortMultipleOptions::default())
        .collect()
        .map_err(pe)?;
    let text = |name: &str| texts(&df, name);
    let req = |v: Vec<Option<String>>| v.into_iter().map(Option::unwrap_or_default).collect();
    Ok(Loaded {
        ids: req(text(INCIDENT_ID)?),
        team: req(text(TEAM)?),
        service: text(SERVICE)?,
        title: req(text(TITLE)?),
        fingerprint: text(FINGERPRINT)?,
        at: df
            .column("at")
            .map_err(pe)?
            .i64()
            .map_err(pe)?
            .iter()
            .map(Option::unwrap_or_default)
            .collect(),
        in_period: df
            .column("in_period")
            .map_err(pe)?
            .bool()
            .map_err(pe)?
            .iter()
            .map(|b| b.unwrap_or(false))
            .collect(),
    })
}

/// Adds the rates (in %) and their Wilson intervals to a frame of counts.
fn with_rates(mut df: DataFrame) -> Result<DataFrame> {
    let get = |df: &DataFrame, name: &str| -> Result<Vec<u64>> {
        Ok(df
            .column(name)
            .map_err(pe)?
            .u64()
            .map_err(pe)?
            .iter()
            .map(Option::unwrap_or_default)
            .collect())
    };
    let n = get(&df, "incidents")?;
    let k = get(&df, "recurrences")?;
    let kl = get(&df, "recurrences_long")?;
    let pct = |k: u64, n: u64| (n > 0).then(|| 100.0 * k as f64 / n as f64);
    let bounds: Vec<(f64, f64)> = k.iter().zip(&n).map(|(&k, &n)| wilson(k, n)).collect();
    let cols = [
        (
            "repeat_rate_pct",
            k.iter()
                .zip(&n)
                .map(|(&k, &n)| pct(k, n))
                .collect::<Vec<_>>(),
        ),
        (
            "repeat_rate_low_pct",
            bounds
                .iter()
                .zip(&n)
                .map(|(b, &n)| (n > 0).then_some(100.0 * b.0))
                .collect(),
        ),
        (
            "repeat_rate_high_pct",
            bounds
                .iter()
                .zip(&n)
                .map(|(b, &n)| (n > 0).then_some(100.0 * b.1))
                .collect(),
        ),
        (
            "repeat_rate_long_pct",
            kl.iter().zip(&n).map(|(&k, &n)| pct(k, n)).collect(),
        ),
    ];
    for (name, values) in cols {
        df.with_column(Column::new(name.into(), values))
            .map_err(pe)?;
    }
    let order = [
        "incidents",
        "recurrences",
        "repeat_rate_pct",
        "repeat_rate_low_pct",
        "repeat_rate_high_pct",
        "recurrences_long",
        "repeat_rate_long_pct",
    ];
    let keep: Vec<String> = df
        .get_column_names()
        .into_iter()
        .map(|c| c.to_string())
        .filter(|c| !order.contains(&c.as_str()))
        .chain(order.map(String::from))
        .collect();
    df.select(keep).map_err(pe)
}

#[cfg(test)]
mod tests;
