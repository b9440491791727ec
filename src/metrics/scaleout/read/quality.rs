//! The quality job's two tables (`quality_alerts`, `quality_examples`, by team) as the
//! `AlertChecks` the quality finish step takes, for any set of teams. A job's output without its one figures row, or with examples of a
//! check aftermath does not know, is refused with the table's name.

use polars::prelude::*;

use super::{bad, ints, texts};
use crate::error::Result;
use crate::metrics::quality::alerts::{AlertCheck, AlertChecks, EXAMPLES, Found};
use crate::metrics::scaleout::names::{QUALITY_ALERTS, QUALITY_EXAMPLES, ReadTable, TEAM_KEY};

/// The two tables of the quality job, as read from its output (`store::reduced`).
pub struct QualityFrames {
    pub alerts: DataFrame,
    pub examples: DataFrame,
}

impl QualityFrames {
    pub fn read(read: ReadTable<'_>) -> Result<QualityFrames> {
        Ok(QualityFrames {
            alerts: read(QUALITY_ALERTS)?,
            examples: read(QUALITY_EXAMPLES)?,
        })
    }
}

/// The alert figures of a quality job for `teams` (every team when empty): the rows of those
/// teams added up. A job's output from before the tables were by team (no `k_team`) holds one row
/// for the filters it was written with, and is taken whole.
pub(in crate::metrics::scaleout) fn quality_checks(
    f: &QualityFrames,
    teams: &[String],
) -> Result<AlertChecks> {
    const FIGURES: &str = QUALITY_ALERTS;
    const EXAMPLE_IDS: &str = QUALITY_EXAMPLES;
    let by_team = f.alerts.column(TEAM_KEY).is_ok();
    if !by_team && f.alerts.height() != 1 {
        return Err(bad(
            FIGURES,
            format_args!("has {} rows where the job writes one", f.alerts.height()),
        ));
    }
    // Whether a row's team is one asked for.
    let kept = |df: &DataFrame, table: &str| -> Result<Vec<bool>> {
        if !by_team || teams.is_empty() {
            return Ok(vec![true; df.height()]);
        }
        Ok(texts(df, table, TEAM_KEY)?
            .iter()
            .map(|t| t.as_ref().is_some_and(|t| teams.contains(t)))
            .collect())
    };
    let rows = kept(&f.alerts, FIGURES)?;
    let sum = |name: &str| -> Result<u64> {
        Ok(ints(&f.alerts, FIGURES, name)?
            .iter()
            .zip(&rows)
            .filter(|(_, k)| **k)
            .map(|(v, _)| v.unwrap_or(0).max(0) as u64)
            .sum())
    };
    let mut out = AlertChecks {
        alerts: sum("alerts")?,
        last_fired: ints(&f.alerts, FIGURES, "last_fired_us")?
            .into_iter()
            .zip(&rows)
            .filter_map(|(v, k)| v.filter(|_| *k))
            .max(),
        ..AlertChecks::default()
    };
    let names = texts(&f.examples, EXAMPLE_IDS, "check_name")?;
    let ids = texts(&f.examples, EXAMPLE_IDS, "alert_id")?;
    let examples_kept = kept(&f.examples, EXAMPLE_IDS)?;
    if let Some(other) = names.iter().find(|n| {
        !AlertCheck::ALL
            .iter()
            .any(|c| n.as_deref() == Some(c.key()))
    }) {
        return Err(bad(
            EXAMPLE_IDS,
            format_args!("has examples of an unknown check {other:?}"),
        ));
    }
    for c in AlertCheck::ALL {
        let mut examples: Vec<String> = names
            .iter()
            .zip(&ids)
            .zip(&examples_kept)
            .filter(|((n, _), k)| **k && n.as_deref() == Some(c.key()))
            .filter_map(|((_, id), _)| id.clone())
            .collect();
        // Engines write a table's rows in any order; each team's first three are there.
        examples.sort();
        examples.truncate(EXAMPLES);
        out.set(
            c,
            Found {
                rows: sum(c.key())?,
                examples,
            },
        );
    }
    Ok(out)
}
