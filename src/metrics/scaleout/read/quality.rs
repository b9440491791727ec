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
/// for the filters it was written with: it is taken whole, and refused for a set of teams.
pub(in crate::metrics::scaleout) fn quality_checks(
    f: &QualityFrames,
    teams: &[String],
) -> Result<AlertChecks> {
    const FIGURES: &str = QUALITY_ALERTS;
    const EXAMPLE_IDS: &str = QUALITY_EXAMPLES;
    let by_team = f.alerts.column(TEAM_KEY).is_ok();
    if !by_team && !teams.is_empty() {
        return Err(bad(
            FIGURES,
            "has no k_team column, so it cannot answer for one team (it was written by an \
             older release)",
        ));
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn frames() -> QualityFrames {
        let teams = [Some("a"), Some("b"), None];
        QualityFrames {
            alerts: df!(
                "k_team" => teams,
                "alerts" => [10i64, 4, 1],
                "never_resolved" => [2i64, 3, 1],
                "resolved_before_fired" => [0i64, 1, 0],
                "last_fired_us" => [Some(50i64), Some(70), Some(90)],
            )
            .unwrap(),
            examples: df!(
                "k_team" => [Some("a"), Some("a"), Some("b"), Some("b"), Some("b"), None, Some("b")],
                "check_name" => ["never_resolved", "never_resolved", "never_resolved",
                    "never_resolved", "never_resolved", "never_resolved", "resolved_before_fired"],
                "alert_id" => ["a:9", "a:2", "b:1", "b:5", "b:3", "x:0", "b:7"],
            )
            .unwrap(),
        }
    }

    #[test]
    fn teams_rows_add_up_and_their_first_ids_merge() {
        let all = quality_checks(&frames(), &[]).unwrap();
        assert_eq!(all.alerts, 15);
        assert_eq!(all.never_resolved.rows, 6);
        // The first three of every team's first three, the team-less alert's included.
        assert_eq!(all.never_resolved.examples, ["a:2", "a:9", "b:1"]);
        assert_eq!(all.last_fired, Some(90));

        let b = quality_checks(&frames(), &["b".into()]).unwrap();
        assert_eq!((b.alerts, b.never_resolved.rows), (4, 3));
        assert_eq!(b.never_resolved.examples, ["b:1", "b:3", "b:5"]);
        assert_eq!(b.resolved_before_fired.examples, ["b:7"]);
        assert_eq!(b.last_fired, Some(70));

        let ab = quality_checks(&frames(), &["a".into(), "b".into()]).unwrap();
        assert_eq!((ab.alerts, ab.never_resolved.rows), (14, 5));
        assert_eq!(ab.last_fired, Some(70));
    }

    #[test]
    fn output_without_teams_is_taken_whole_and_refused_for_a_team() {
        let mut f = frames();
        f.alerts = f.alerts.drop("k_team").unwrap().head(Some(1));
        f.examples = f.examples.drop("k_team").unwrap();
        assert_eq!(quality_checks(&f, &[]).unwrap().alerts, 10);
        let e = quality_checks(&f, &["a".into()]).unwrap_err().to_string();
        assert!(e.contains("has no k_team column"), "{e}");
    }
}
