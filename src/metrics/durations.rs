//! Durations (`metrics.md`, "Durations"): TTD, TTA, TTM and TTR per incident, and their grouped
//! summaries, counts and period-over-period comparisons.
//!
//! `per_incident` is the one place the catalogue's pairs of instants are turned into numbers: one
//! row per incident and metric, with the start instant it used (`impact` or `detected`), whether
//! it is censored (still open at the as-of instant, its time so far), and why it is not measured
//! (excluded incident, missing instant, negative duration). Everything downstream (`group`,
//! `compare`, the reports' percentile ranks) reads those rows, so a rule is never applied twice in
//! two slightly different ways.
//!
//! Open incidents are censored at `scope.as_of`, not at the end of the period: an incident of last
//! quarter resolved since has a known time to resolve, and `--as-of` pins what "known" means, so a
//! report stays reproducible.
//!
//! `weekly` holds the weekly report's count facts built on these tables: the count test of sums of
//! rows, each team's weekly series with its XmR limits, and the reported week's place in them.

pub mod cols;
mod compare;
mod group;
mod majors;
#[cfg(test)]
mod props;
mod summary;
#[cfg(test)]
mod testkit;
#[cfg(test)]
mod tests;
pub mod weekly;

pub use majors::{MajorIncident, major_incidents};

use polars::prelude::*;

use super::frames::{
    EXCLUDED, Frames, exclusion_reason, filter_expr, in_period, month_expr, week_expr,
};
use super::scope::{Dim, Scope};
use super::table::{MetricTable, pe};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::columns::*;
use crate::model::vocab::IncidentStatus;

/// One duration metric of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    Ttd,
    Tta,
    Ttm,
    Ttr,
}

impl Metric {
    pub const ALL: [Metric; 4] = [Metric::Ttd, Metric::Tta, Metric::Ttm, Metric::Ttr];

    pub fn code(self) -> &'static str {
        match self {
            Metric::Ttd => "ttd",
            Metric::Tta => "tta",
            Metric::Ttm => "ttm",
            Metric::Ttr => "ttr",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Metric::Ttd => "Time to detect (TTD)",
            Metric::Tta => "Time to acknowledge (TTA)",
            Metric::Ttm => "Time to mitigate (TTM)",
            Metric::Ttr => "Time to resolve (TTR)",
        }
    }

    /// The catalogue's definition, as `--explain` and every report print it.
    pub fn definition(self) -> &'static str {
        match self {
            Metric::Ttd => "impact_started_at -> detected_at; measured when both are known",
            Metric::Tta => {
                "detected_at -> acknowledged_at; an open, unacknowledged incident is censored \
                 (counted as open at its time so far); a resolved incident never acknowledged, \
                 or one whose status says acknowledged or mitigated without the instant, is not \
                 measured"
            }
            Metric::Ttm => {
                "impact_started_at (else detected_at) -> mitigated_at (else resolved_at); an open \
                 incident is censored"
            }
            Metric::Ttr => {
                "impact_started_at (else detected_at) -> resolved_at (the last resolution, after \
                 any reopen); an open incident is censored"
            }
        }
    }
}

/// Columns of the per-incident frame.
pub const METRIC: &str = "metric";
pub const START_USED: &str = "start_used";
pub const SECONDS: &str = "seconds";
pub const CENSORED: &str = "censored";
/// Why this incident has no value for this metric (null when measured or censored).
pub const NOT_MEASURED: &str = "not_measured";
pub const PERIOD_AT: &str = "period_at";

/// The dimensions durations can be grouped by.
pub const DIMS: [Dim; 5] = [
    Dim::Team,
    Dim::Severity,
    Dim::Service,
    Dim::Week,
    Dim::Month,
];
/// The default grouping: never pool severities into one duration figure.
pub const DEFAULT_BY: [Dim; 2] = [Dim::Team, Dim::Severity];

fn micros(e: Expr) -> Expr {
    e.cast(DataType::Int64)
}

/// The incidents of the scope (filters and period membership applied, excluded ones kept with
/// their reason), one row per incident and metric: `incident_id, title, team, severity, service,
/// week, month, period_at, excluded, metric, start_used, seconds, censored, not_measured`.
/// `seconds` is null when not measured; negative durations keep their sign here and carry
/// `not_measured = "negative duration (end before start)"`, so the quality section can list them.
pub fn per_incident(frames: &Frames, cfg: &Config, scope: &Scope) -> LazyFrame {
    let period_col = scope.period_by.column();
    let as_of = lit(scope.as_of.timestamp_micros());
    let base = frames
        .incidents
        .clone()
        .filter(
            filter_expr(&scope.filters, true, true)
                .and(in_period(period_col, scope))
                .and(micros(col(period_col)).lt_eq(as_of.clone())),
        )
        .with_columns([
            exclusion_reason(cfg),
            col(period_col).alias(PERIOD_AT),
            week_expr(period_col).alias("week"),
            month_expr(period_col).alias("month"),
        ]);
    // Known only if it happened by the as-of instant: a report for an earlier as-of must not see
    // later facts.
    let known = |c: &str| {
        when(micros(col(c)).lt_eq(as_of.clone()))
            .then(micros(col(c)))
            .otherwise(lit(NULL).cast(DataType::Int64))
    };
    let impact = known(IMPACT_STARTED_AT);
    let detected = micros(col(DETECTED_AT));
    let resolved = known(RESOLVED_AT);
    let acked = known(ACKNOWLEDGED_AT);
    let mitigated = known(MITIGATED_AT);
    let impact_or_detected = coalesce(&[impact.clone(), detected.clone()]);
    let used = when(impact.clone().is_not_null())
        .then(lit("impact"))
        .otherwise(lit("detected"));
    let open = resolved.clone().is_null();
    // An open incident the source marks acknowledged (or mitigated) was acknowledged at an
    // instant the data does not give: its time to acknowledge is unknown, not still running.
    let acked_unrecorded = open.clone().and(
        col(STATUS)
            .eq(lit(IncidentStatus::Acknowledged.as_str()))
            .or(col(STATUS).eq(lit(IncidentStatus::Mitigated.as_str()))),
    );

    // (metric, start, end, start_used, censored-when-end-missing, why-not-measured-when-missing)
    let specs: [(Metric, Expr, Expr, Expr, Expr, Expr); 4] = [
        (
            Metric::Ttd,
            impact.clone(),
            detected.clone(),
            lit("impact"),
            lit(false),
            lit("impact_started_at unknown"),
        ),
        (
            Metric::Tta,
            detected.clone(),
            acked,
            lit("detected"),
            open.clone().and(acked_unrecorded.clone().not()),
            when(acked_unrecorded)
                .then(lit("acknowledged, instant not recorded"))
                .otherwise(lit("resolved without acknowledgement")),
        ),
        (
            Metric::Ttm,
            impact_or_detected.clone(),
            coalesce(&[mitigated, resolved.clone()]),
            used.clone(),
            open.clone(),
            lit(NULL).cast(DataType::String),
        ),
        (
            Metric::Ttr,
            impact_or_detected,
            resolved,
            used,
            open,
            lit(NULL).cast(DataType::String),
        ),
    ];
    let parts: Vec<LazyFrame> = specs
        .into_iter()
        .map(
            |(metric, start, end, start_used, censor_if_missing, missing_reason)| {
                let end_missing = end.clone().is_null().or(start.clone().is_null());
                let censored = end
                    .clone()
                    .is_null()
                    .and(start.clone().is_not_null())
                    .and(censor_if_missing);
                let raw = when(censored.clone())
                    .then(as_of.clone() - start.clone())
                    .otherwise(end - start);
                let negative = raw.clone().lt(lit(0i64));
                let not_measured = when(col(EXCLUDED).is_not_null())
                    .then(lit("excluded: ") + col(EXCLUDED))
                    .when(negative.clone())
                    .then(lit("negative duration (end before start)"))
                    .when(end_missing.and(censored.clone().not()))
                    .then(missing_reason)
                    .otherwise(lit(NULL).cast(DataType::String));
                base.clone().select([
                    col(INCIDENT_ID),
                    col(TITLE),
                    col(TEAM),
                    col(SEVERITY),
                    col(SERVICE),
                    col("week"),
                    col("month"),
                    col(PERIOD_AT),
                    col(EXCLUDED),
                    lit(metric.code()).alias(METRIC),
                    start_used.alias(START_USED),
                    (raw.cast(DataType::Float64) / lit(1e6)).alias(SECONDS),
                    censored.alias(CENSORED),
                    not_measured.alias(NOT_MEASURED),
                ])
            },
        )
        .collect();
    concat(parts, UnionArgs::default())
        .expect("four selects of one schema concatenate")
        .sort([METRIC, INCIDENT_ID], SortMultipleOptions::default())
}

/// Every durations table of the scope: a counts table, one table per metric, the negative
/// durations listing, and with `compare` one comparison table per metric plus the counts'.
pub fn durations(
    frames: &Frames,
    cfg: &Config,
    scope: &Scope,
    by: Option<&[Dim]>,
    compare: bool,
) -> Result<Vec<MetricTable>> {
    let by: Vec<Dim> = by.map(<[Dim]>::to_vec).unwrap_or(DEFAULT_BY.to_vec());
    if let Some(bad) = by.iter().find(|d| !DIMS.contains(d)) {
        let names: Vec<_> = DIMS.iter().map(|d| d.name()).collect();
        return Err(Error::Query(format!(
            "durations cannot be grouped by {}; use any of {}",
            bad.name(),
            names.join(", ")
        )));
    }
    let rows = per_incident(frames, cfg, scope).collect().map_err(pe)?;
    let current = group::Rows::from_frame(&rows)?;
    let mut out = vec![group::counts_table(&current, &by, scope)?];
    for metric in Metric::ALL {
        out.push(summary::metric_table(&current, metric, &by, scope)?);
    }
    out.push(summary::negative_table(&current)?);
    if compare {
        let prev_scope = scope.previous();
        let prev_rows = per_incident(frames, cfg, &prev_scope)
            .collect()
            .map_err(pe)?;
        let previous = group::Rows::from_frame(&prev_rows)?;
        let cmp_by: Vec<Dim> = by
            .iter()
            .copied()
            .filter(|d| !matches!(d, Dim::Week | Dim::Month))
            .collect();
        out.push(compare::counts_compare(
            &current, &previous, &cmp_by, scope,
        )?);
        for metric in Metric::ALL {
            out.push(compare::metric_compare(
                &current, &previous, metric, &cmp_by, scope,
            )?);
        }
    }
    Ok(out)
}
