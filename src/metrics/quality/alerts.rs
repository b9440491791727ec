//! The alert checks of `quality` and the last alert of `freshness`, split the way the other
//! alert-scale families are (docs/scale-out.md, "Quality"): a reduce step, the only part that
//! touches every alert, and a finish step that puts its figures into the two tables.
//!
//! The reduce step counts the period's alerts (as known at as-of, under the filters), those never
//! resolved and those resolved before they fired, with the first three ids of each in text order,
//! and finds the last alert fired whatever the period. Locally polars runs it over the store's
//! frames (`reduce`); on Spark or DuckDB the job of `metrics::scaleout` writes the same figures as
//! `quality_alerts` and `quality_examples`, read back into an `AlertChecks` by `scaleout::read`.
//! Both feed the same `quality::finish`, so the figures have one definition.

use polars::prelude::*;

use crate::error::Result;
use crate::metrics::Scope;
use crate::metrics::frames::{Frames, filter_expr, in_period};
use crate::metrics::table::pe;
use crate::model::columns::{ALERT_ID, FIRED_AT, RESOLVED_AT};

/// Ids listed per check.
pub(crate) const EXAMPLES: usize = 3;

/// What one alert check found: how many alerts, and the first `EXAMPLES` ids in text order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Found {
    pub rows: u64,
    pub examples: Vec<String>,
}

/// The alert figures of `quality` and `freshness`, from either engine's reduce step.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertChecks {
    /// Alerts fired in the period.
    pub alerts: u64,
    pub never_resolved: Found,
    pub resolved_before_fired: Found,
    /// The last alert fired under the filters, whatever the period (UTC microseconds).
    pub last_fired: Option<i64>,
}

/// An alert check: its row in the `quality` table and its name in the reduced tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertCheck {
    NeverResolved,
    ResolvedBeforeFired,
}

impl AlertCheck {
    /// In the order the `quality` table lists them.
    pub const ALL: [AlertCheck; 2] = [AlertCheck::NeverResolved, AlertCheck::ResolvedBeforeFired];

    /// The `check` of the `quality` table.
    pub fn title(self) -> &'static str {
        match self {
            AlertCheck::NeverResolved => "alerts never resolved",
            AlertCheck::ResolvedBeforeFired => "alert resolved before fired",
        }
    }

    /// The check's name in the reduced tables (`quality_alerts` columns, `quality_examples` rows).
    pub fn key(self) -> &'static str {
        match self {
            AlertCheck::NeverResolved => "never_resolved",
            AlertCheck::ResolvedBeforeFired => "resolved_before_fired",
        }
    }

    /// The check as a condition on an alert, in polars.
    fn when(self) -> Expr {
        match self {
            AlertCheck::NeverResolved => col(RESOLVED_AT).is_null(),
            AlertCheck::ResolvedBeforeFired => col(RESOLVED_AT).lt(col(FIRED_AT)),
        }
    }

    /// The same condition in SQL, over `am_quality`'s columns (`scaleout::quality_sql`).
    pub(crate) fn sql(self) -> &'static str {
        match self {
            AlertCheck::NeverResolved => "resolved_at IS NULL",
            AlertCheck::ResolvedBeforeFired => "resolved_at < fired_at",
        }
    }

    pub(crate) fn of(self, c: &AlertChecks) -> &Found {
        match self {
            AlertCheck::NeverResolved => &c.never_resolved,
            AlertCheck::ResolvedBeforeFired => &c.resolved_before_fired,
        }
    }

    fn of_mut(self, c: &mut AlertChecks) -> &mut Found {
        match self {
            AlertCheck::NeverResolved => &mut c.never_resolved,
            AlertCheck::ResolvedBeforeFired => &mut c.resolved_before_fired,
        }
    }
}

impl AlertChecks {
    /// Set a check's count and examples (the finish-side reader fills them one by one).
    pub(crate) fn set(&mut self, check: AlertCheck, found: Found) {
        *check.of_mut(self) = found;
    }
}

/// The reduce step run locally over the store's alerts as known at as-of (`Frames::known_at`).
pub(crate) fn reduce(f: &Frames, scope: &Scope) -> Result<AlertChecks> {
    let kept = f
        .alerts
        .clone()
        .filter(filter_expr(&scope.filters, true, true));
    // One pass over the period's alerts: the count, and each check's count and first ids.
    const EXAMPLES_OF: &str = "_examples";
    let mut figures = vec![len().cast(DataType::UInt64).alias("alerts")];
    for c in AlertCheck::ALL {
        figures.push(c.when().sum().cast(DataType::UInt64).alias(c.key()));
        figures.push(
            col(ALERT_ID)
                .filter(c.when())
                .sort(SortOptions::default())
                .head(Some(EXAMPLES))
                .implode(true)
                .alias(format!("{}{EXAMPLES_OF}", c.key())),
        );
    }
    let found = kept
        .clone()
        .filter(in_period(FIRED_AT, scope))
        .select(figures)
        .collect()
        .map_err(pe)?;
    let count = |name: &str| -> Result<u64> {
        Ok(found
            .column(name)
            .map_err(pe)?
            .u64()
            .map_err(pe)?
            .get(0)
            .unwrap_or(0))
    };
    let mut out = AlertChecks {
        alerts: count("alerts")?,
        ..AlertChecks::default()
    };
    for c in AlertCheck::ALL {
        let ids = found
            .column(&format!("{}{EXAMPLES_OF}", c.key()))
            .map_err(pe)?
            .list()
            .map_err(pe)?
            .get_as_series(0);
        let examples = match ids {
            Some(ids) => ids
                .str()
                .map_err(pe)?
                .iter()
                .flatten()
                .map(str::to_string)
                .collect(),
            None => vec![],
        };
        out.set(
            c,
            Found {
                rows: count(c.key())?,
                examples,
            },
        );
    }
    let last = kept
        .select([col(FIRED_AT).cast(DataType::Int64).max()])
        .collect()
        .map_err(pe)?;
    out.last_fired = last.columns()[0].i64().map_err(pe)?.get(0);
    Ok(out)
}
