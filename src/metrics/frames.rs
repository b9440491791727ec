//! The inputs of every metric family: the store's five tables as `LazyFrame`s plus the rejected-row
//! counts, and the expressions every family shares to pick its rows: the exclusion reason of an
//! incident, the filters, and period membership.
//!
//! The CLI (or a test) fills `Frames` from the store or from frames built in memory; nothing here
//! reads a file.

use polars::prelude::*;
use regex::Regex;

use super::scope::{Filters, Scope};
use crate::config::Config;
use crate::model::columns::*;

/// The tables a metric run reads.
#[derive(Clone)]
pub struct Frames {
    pub incidents: LazyFrame,
    pub events: LazyFrame,
    pub alerts: LazyFrame,
    pub action_items: LazyFrame,
    pub oncall_shifts: LazyFrame,
    /// The alerts with their acknowledgement and resolution instants as the store records them
    /// now, not revised to as-of (`known_at` keeps only those fired by then). For the flapping
    /// look-back alone: it filters the whole history on `resolved_at`, a predicate that must reach
    /// the store's row-group statistics, which the revised `alerts` column cannot; it applies
    /// `scope.as_of` itself. Everything else reads `alerts`.
    pub alert_history: LazyFrame,
    /// Rejected input records of the store's latest ingest run: `table, reason, rows` (UInt64).
    pub rejected: DataFrame,
}

/// The column name of an incident's exclusion reason (null when it is included).
pub const EXCLUDED: &str = "excluded";

/// Why the metrics leave an incident out, as the words a report prints, or null. The first rule
/// that applies wins, in this order:
/// - `kind = maintenance` (any kind the config's `exclude.kinds` lists);
/// - `merged into <incident_id>` (a merged duplicate is counted once, in the incident it joined);
/// - `title matches <pattern>` (the config's `exclude.title_patterns`).
pub fn exclusion_reason(cfg: &Config) -> Expr {
    let kind_excluded = cfg
        .exclude
        .kinds
        .iter()
        .map(|k| col(KIND).eq(lit(k.as_str())))
        .reduce(|a, b| a.or(b))
        .unwrap_or(lit(false));
    let patterns: Vec<Regex> = cfg.exclude.title_patterns.clone();
    let title_reason = col(TITLE).map(
        move |c| {
            let titles = c.str()?;
            let out: StringChunked = titles
                .iter()
                .map(|t| {
                    let t = t?;
                    patterns
                        .iter()
                        .find(|p| p.is_match(t))
                        .map(|p| format!("title matches {}", p.as_str()))
                })
                .collect();
            Ok(out.with_name(EXCLUDED.into()).into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::String)),
    );
    when(kind_excluded)
        .then(lit("kind = ") + col(KIND))
        .when(col(MERGED_INTO).is_not_null())
        .then(lit("merged into ") + col(MERGED_INTO))
        .otherwise(title_reason)
        .alias(EXCLUDED)
}

/// `true` for rows the filters keep. `severity_col` is `None` for tables without a severity.
pub fn filter_expr(f: &Filters, has_service: bool, has_severity: bool) -> Expr {
    let any_of = |c: &str, vals: &[String]| {
        vals.iter()
            .map(|v| col(c).eq(lit(v.as_str())))
            .reduce(|a, b| a.or(b))
            .unwrap_or(lit(true))
    };
    let mut e = any_of(TEAM, &f.teams);
    if has_service && !f.services.is_empty() {
        e = e.and(any_of(SERVICE, &f.services));
    }
    if has_severity && !f.severities.is_empty() {
        e = e.and(any_of(SEVERITY, &f.severities));
    }
    e
}

/// The teams with incidents in `frames` or alerts (`alerts`, the alert source's facts), sorted:
/// the teams a `--team` may name besides the config's own.
pub fn store_teams(
    frames: &Frames,
    alerts: &super::source::AlertFacts,
) -> crate::error::Result<Vec<String>> {
    let df = frames
        .incidents
        .clone()
        .select([col(TEAM)])
        .unique(None, UniqueKeepStrategy::Any)
        .collect()
        .map_err(super::table::pe)?;
    let mut teams: std::collections::BTreeSet<String> =
        texts(&df, TEAM)?.into_iter().flatten().collect();
    teams.extend(alerts.teams.iter().cloned());
    Ok(teams.into_iter().collect())
}

/// An error for the first of `asked` that is neither a team of the store nor of the config,
/// naming the known teams. `metrics --team` and `report weekly --team` both check through here,
/// so a typo is refused the same way everywhere instead of printing or rendering an empty team.
pub fn check_teams(
    store_teams: &[String],
    cfg: &Config,
    asked: &[String],
) -> crate::error::Result<()> {
    let Some(unknown) = asked
        .iter()
        .find(|t| !store_teams.contains(t) && !cfg.teams.contains_key(t.as_str()))
    else {
        return Ok(());
    };
    let configured: Vec<&str> = cfg
        .teams
        .keys()
        .map(String::as_str)
        .filter(|t| !store_teams.iter().any(|s| s == t))
        .collect();
    let mut known = format!("teams in the store: {}", list_or_none(store_teams));
    if !configured.is_empty() {
        known.push_str(&format!("; in the config only: {}", configured.join(", ")));
    }
    Err(crate::error::Error::Query(format!(
        "team {unknown:?} has no incidents or alerts in the store and is not in the config; {known}"
    )))
}

fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// `true` when the instant column `instant` lies in the scope's period.
pub fn in_period(instant: &str, scope: &Scope) -> Expr {
    col(instant)
        .gt_eq(ts_lit(scope.period.from_micros()))
        .and(col(instant).lt(ts_lit(scope.period.to_micros())))
}

/// The ISO week label (`2026-W46`) of an instant column, in UTC.
pub fn week_expr(instant: &str) -> Expr {
    // chrono's %G/%V are the ISO week-year and week, so 2027-01-01 is 2026-W53.
    col(instant).dt().strftime("%G-W%V")
}

/// The month label (`2026-11`) of an instant column, in UTC.
pub fn month_expr(instant: &str) -> Expr {
    col(instant).dt().strftime("%Y-%m")
}

/// A UTC-microsecond instant as a literal of the store's timestamp type, for comparisons.
pub fn ts_lit(us: i64) -> Expr {
    lit(us).cast(DataType::Datetime(
        TimeUnit::Microseconds,
        Some(TimeZone::UTC),
    ))
}

/// A column of a collected frame as text values (cast to text first), nulls kept.
pub fn texts(df: &DataFrame, name: &str) -> crate::error::Result<Vec<Option<String>>> {
    use super::table::pe;
    let c = df
        .column(name)
        .map_err(pe)?
        .cast(&DataType::String)
        .map_err(pe)?;
    Ok(c.str()
        .map_err(pe)?
        .iter()
        .map(|v| v.map(str::to_string))
        .collect())
}

/// Like [`texts`], with null as the empty string (for required columns).
pub fn texts_or_empty(df: &DataFrame, name: &str) -> crate::error::Result<Vec<String>> {
    Ok(texts(df, name)?
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect())
}
