//! The quality job's two tables (`quality_alerts`, `quality_examples`) as the `AlertChecks` the
//! quality finish step takes. A job's output without its one figures row, or with examples of a
//! check aftermath does not know, is refused with the table's name.

use polars::prelude::*;

use super::{bad, ints, texts};
use crate::error::Result;
use crate::metrics::quality::alerts::{AlertCheck, AlertChecks, EXAMPLES, Found};
use crate::metrics::scaleout::names::{QUALITY_ALERTS, QUALITY_EXAMPLES, ReadTable};

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

/// The alert figures of a quality job.
pub(in crate::metrics::scaleout) fn quality_checks(f: &QualityFrames) -> Result<AlertChecks> {
    const FIGURES: &str = QUALITY_ALERTS;
    const EXAMPLE_IDS: &str = QUALITY_EXAMPLES;
    if f.alerts.height() != 1 {
        return Err(bad(
            FIGURES,
            format_args!("has {} rows where the job writes one", f.alerts.height()),
        ));
    }
    let first = |name: &str| -> Result<Option<i64>> { Ok(ints(&f.alerts, FIGURES, name)?[0]) };
    let count = |name: &str| -> Result<u64> { Ok(first(name)?.unwrap_or(0).max(0) as u64) };
    let mut out = AlertChecks {
        alerts: count("alerts")?,
        last_fired: first("last_fired_us")?,
        ..AlertChecks::default()
    };
    let names = texts(&f.examples, EXAMPLE_IDS, "check_name")?;
    let ids = texts(&f.examples, EXAMPLE_IDS, "alert_id")?;
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
            .filter(|(n, _)| n.as_deref() == Some(c.key()))
            .filter_map(|(_, id)| id.clone())
            .collect();
        // Engines write a table's rows in any order.
        examples.sort();
        examples.truncate(EXAMPLES);
        out.set(
            c,
            Found {
                rows: count(c.key())?,
                examples,
            },
        );
    }
    Ok(out)
}
