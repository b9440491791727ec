//! Data quality, reported alongside every metric (`metrics.md`, "Reported alongside"): incidents
//! with out-of-order or missing timestamps, incidents left out of the metrics and why, alerts never
//! resolved or resolved before they fired, input rows the store rejected, and the data's range.
//!
//! Every check is one row of the `quality` table with the table it looks at, its count, its share
//! of that table's rows in scope and up to three example ids, so a reader can find the rows. A
//! check that finds nothing still has its row with 0: "0 incidents resolved before detected" is
//! information. Out-of-order timestamps are listed here rather than repaired: the duration metrics
//! exclude an incident from a metric whose end precedes its start, and this table says how many.
//! The exclusion counts are also what the other families quote in their notes (`exclusion_note`).
//! Rejected input rows are grouped by table and kind of reason, with full messages as examples
//! (`rejected`). The alert checks and the last alert fired are split into a reduce step and this
//! file's finish step (`alerts`), so that Spark or DuckDB can run the part that reads every alert
//! (`metrics::scaleout`).

use polars::prelude::*;

use super::Scope;
use super::frames::{EXCLUDED, Frames, exclusion_reason, filter_expr, in_period};
use super::source::AlertSource;
use super::table::{Family, MetricTable, pe};
use crate::config::Config;
use crate::error::Result;
use crate::metrics::catalogue::TableId;
use crate::model::columns::*;

use super::table::CHECK;
use alerts::{AlertCheck, AlertChecks};

/// The `table` of the checks' rows.
const INCIDENTS_TABLE: &str = "incidents";
const ALERTS_TABLE: &str = "alerts";
const MERGED: &str = "merged into another incident";

/// The exclusion reason of `frames::exclusion_reason` with every "merged into <id>" folded into
/// one reason, so a report counts merged duplicates instead of listing each target.
fn reason_label() -> Expr {
    when(col(EXCLUDED).str().starts_with(lit("merged into ")))
        .then(lit(MERGED))
        .otherwise(col(EXCLUDED))
}

/// Incidents detected in the period that pass the filters.
fn incidents_in_scope(f: &Frames, scope: &Scope) -> LazyFrame {
    f.incidents
        .clone()
        .filter(in_period(DETECTED_AT, scope).and(filter_expr(&scope.filters, true, true)))
}

/// Incidents of the period (filters applied) left out of the metrics, by reason, most first.
/// How the checks of rejected input rows begin (`rejected: <table>: <kind of reason>`).
const REJECTED_CHECK: &str = "rejected: ";

/// Whether a `check` of the quality table counts rejected input rows (a report sums them into
/// one line: they belong to no team or period, so a row per kind repeated in every section said
/// the same thing many times).
pub fn is_rejected_check(check: &str) -> bool {
    check.starts_with(REJECTED_CHECK)
}

pub fn exclusions(f: &Frames, cfg: &Config, scope: &Scope) -> Result<Vec<(String, u64)>> {
    let df = incidents_in_scope(f, scope)
        .select([exclusion_reason(cfg)])
        .filter(col(EXCLUDED).is_not_null())
        .group_by([reason_label().alias("reason")])
        .agg([len().cast(DataType::UInt64).alias("n")])
        .sort(
            ["n", "reason"],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .collect()
        .map_err(pe)?;
    let reasons = df.column("reason").map_err(pe)?.str().map_err(pe)?;
    let n = df.column("n").map_err(pe)?.u64().map_err(pe)?;
    Ok(reasons
        .iter()
        .zip(n.iter())
        .map(|(r, n)| (r.unwrap_or_default().to_string(), n.unwrap_or_default()))
        .collect())
}

/// "Left out: 3 kind = maintenance, 1 merged into another incident." for a family's notes.
pub fn exclusion_note(f: &Frames, cfg: &Config, scope: &Scope) -> Result<String> {
    let ex = exclusions(f, cfg, scope)?;
    if ex.is_empty() {
        return Ok("No incident of the period was excluded.".into());
    }
    let parts: Vec<String> = ex.iter().map(|(r, n)| format!("{n} {r}")).collect();
    let total: u64 = ex.iter().map(|x| x.1).sum();
    Ok(format!(
        "{total} incident(s) of the period excluded: {}.",
        parts.join(", ")
    ))
}

/// An incident check: its name and the condition on an incident.
struct Check {
    name: String,
    when: Expr,
}

fn check(name: impl Into<String>, when: Expr) -> Check {
    Check {
        name: name.into(),
        when,
    }
}

/// The incident checks, in the order the table lists them (the alert checks follow them).
fn checks(cfg: &Config) -> Vec<Check> {
    let start = when(col(IMPACT_STARTED_AT).is_not_null())
        .then(col(IMPACT_STARTED_AT))
        .otherwise(col(DETECTED_AT));
    let resolved = col(STATUS).eq(lit("resolved"));
    let mut out = vec![
        check(
            "acknowledged before detected",
            col(ACKNOWLEDGED_AT).lt(col(DETECTED_AT)),
        ),
        check(
            "mitigated before impact started/detected",
            col(MITIGATED_AT).lt(start),
        ),
        check(
            "resolved before detected",
            col(RESOLVED_AT).lt(col(DETECTED_AT)),
        ),
        check(
            "impact started after detected",
            col(IMPACT_STARTED_AT).gt(col(DETECTED_AT)),
        ),
        check(
            "resolved but no resolved_at",
            resolved.clone().and(col(RESOLVED_AT).is_null()),
        ),
        check(
            "open with resolved_at",
            resolved.not().and(col(RESOLVED_AT).is_not_null()),
        ),
        check(
            "missing impact_started_at",
            col(IMPACT_STARTED_AT).is_null(),
        ),
    ];
    // One row per reason the config can give, so a reason that excluded nothing still says 0.
    let mut reasons: Vec<String> = cfg
        .exclude
        .kinds
        .iter()
        .map(|k| format!("kind = {k}"))
        .collect();
    reasons.push(MERGED.into());
    reasons.extend(
        cfg.exclude
            .title_patterns
            .iter()
            .map(|p| format!("title matches {}", p.as_str())),
    );
    for r in reasons {
        let when = reason_label().eq(lit(r.as_str()));
        out.push(check(format!("excluded: {r}"), when));
    }
    out
}

/// The `quality` table (one row per check) and the `freshness` table (one row): the alert checks'
/// reduce step of `source` (the local engine's, or another engine's output), then the finish
/// step.
pub(crate) fn quality(
    source: &dyn AlertSource,
    f: &Frames,
    cfg: &Config,
    scope: &Scope,
) -> Result<Vec<MetricTable>> {
    finish(f, cfg, scope, &source.quality(f, scope)?)
}

/// The two tables from the incidents of `f` and the alert figures of either engine's reduce step
/// (`alerts`); `f`'s alerts are not read.
pub(crate) fn finish(
    f: &Frames,
    cfg: &Config,
    scope: &Scope,
    alert_checks: &AlertChecks,
) -> Result<Vec<MetricTable>> {
    let incidents = incidents_in_scope(f, scope).with_column(exclusion_reason(cfg));
    let checks = checks(cfg);
    let mut parts = vec![];
    for (k, c) in checks.iter().enumerate() {
        parts.push(incidents.clone().filter(c.when.clone()).select([
            lit(k as u32).cast(DataType::UInt32).alias("k"),
            col(INCIDENT_ID).alias("id"),
        ]));
    }
    let found = concat(parts, UnionArgs::default())
        .map_err(pe)?
        .group_by([col("k")])
        .agg([
            len().cast(DataType::UInt64).alias("rows"),
            col("id")
                .sort(SortOptions::default())
                .head(Some(3))
                .alias("examples"),
        ])
        .with_column(col("examples").list().join(lit(", "), true))
        .collect()
        .map_err(pe)?;
    let mut rows = vec![0u64; checks.len()];
    let mut examples: Vec<Option<String>> = vec![None; checks.len()];
    let ks = found.column("k").map_err(pe)?.u32().map_err(pe)?;
    let ns = found.column("rows").map_err(pe)?.u64().map_err(pe)?;
    let ex = found.column("examples").map_err(pe)?.str().map_err(pe)?;
    for ((k, n), e) in ks.iter().zip(ns.iter()).zip(ex.iter()) {
        if let Some(k) = k.map(|k| k as usize).filter(|&k| k < checks.len()) {
            rows[k] = n.unwrap_or_default();
            examples[k] = e.map(str::to_string);
        }
    }
    let count = |lf: LazyFrame| -> Result<u64> {
        let df = lf
            .select([len().cast(DataType::UInt64)])
            .collect()
            .map_err(pe)?;
        Ok(df.columns()[0]
            .u64()
            .map_err(pe)?
            .get(0)
            .unwrap_or_default())
    };
    let n_incidents = count(incidents.clone())?;
    let n_alerts = alert_checks.alerts;
    let share = |rows: u64, total: u64| (total > 0).then(|| 100.0 * rows as f64 / total as f64);

    let mut t = QualityColumns::default();
    for (k, c) in checks.iter().enumerate() {
        t.push(
            &c.name,
            INCIDENTS_TABLE,
            rows[k],
            share(rows[k], n_incidents),
            examples[k].clone(),
        );
    }
    for c in AlertCheck::ALL {
        let found = c.of(alert_checks);
        t.push(
            c.title(),
            ALERTS_TABLE,
            found.rows,
            share(found.rows, n_alerts),
            (!found.examples.is_empty()).then(|| found.examples.join(", ")),
        );
    }
    for r in rejected::rejected(&f.rejected)? {
        let check = format!("{REJECTED_CHECK}{}: {}", r.table, r.category);
        t.push(&check, &r.table, r.rows, None, Some(r.examples));
    }
    let notes = vec![
        format!(
            "Incident checks look at the {n_incidents} incident(s) detected in the period, alert \
             checks at the {n_alerts} alert(s) fired in it; share_pct is of those. examples are up \
             to three ids, sorted."
        ),
        "An out-of-order incident is left out of the duration whose end precedes its start, never \
         clamped to 0. missing impact_started_at is informational: time to detect needs it, the \
         other durations start at detected_at instead."
            .into(),
        "Alerts never resolved have no resolved_at; this includes alerts still firing at the \
         as-of time."
            .into(),
        "Rejected rows are input records the newest ingest run refused (from the store's rejected \
         log), counted by table and kind of reason (the field and the problem: \"detected_at: not \
         a timestamp\"); examples are up to three of the full messages, with the bad values. They \
         never reached the store, so they have no share and no ids."
            .into(),
    ];
    Ok(vec![
        MetricTable {
            family: Family::Quality,
            id: TableId::Quality,
            title: "Data quality checks".into(),
            dims: vec![CHECK.into()],
            frame: t.frame()?,
            notes,
        },
        freshness(f, scope, alert_checks.last_fired)?,
    ])
}

#[derive(Default)]
struct QualityColumns {
    check: Vec<String>,
    table: Vec<String>,
    rows: Vec<u64>,
    share: Vec<Option<f64>>,
    examples: Vec<Option<String>>,
}

impl QualityColumns {
    fn push(
        &mut self,
        check: &str,
        table: &str,
        rows: u64,
        share: Option<f64>,
        ex: Option<String>,
    ) {
        self.check.push(check.into());
        self.table.push(table.into());
        self.rows.push(rows);
        self.share.push(share);
        self.examples.push(ex);
    }

    fn frame(self) -> Result<DataFrame> {
        df!(
            CHECK => self.check,
            cols::TABLE => self.table,
            cols::ROWS => self.rows,
            cols::SHARE_PCT => self.share,
            cols::EXAMPLES => self.examples,
        )
        .map_err(pe)
    }
}

/// The data's range under the filters, whatever the period: first and last incident detected
/// and the last alert fired.
fn freshness(f: &Frames, scope: &Scope, last_fired: Option<i64>) -> Result<MetricTable> {
    let inc = f
        .incidents
        .clone()
        .filter(filter_expr(&scope.filters, true, true))
        .select([
            col(DETECTED_AT).min().alias(cols::FIRST_DETECTED),
            col(DETECTED_AT).max().alias(cols::LAST_DETECTED),
        ])
        .collect()
        .map_err(pe)?;
    let last = Column::new(cols::LAST_ALERT.into(), [last_fired])
        .cast(&DataType::Datetime(
            TimeUnit::Microseconds,
            Some(TimeZone::UTC),
        ))
        .map_err(pe)?;
    let frame = inc.hstack(&[last]).map_err(pe)?;
    Ok(MetricTable {
        family: Family::Quality,
        id: TableId::Freshness,
        title: "Data range".into(),
        dims: vec![],
        frame,
        notes: vec![
            "The range of the data under the filters, whatever the period: first and last \
             incident detected, last alert fired (UTC). Empty when a table has no rows."
                .into(),
        ],
    })
}

pub(crate) mod alerts;
pub mod cols;
mod rejected;

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;
