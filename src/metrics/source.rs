//! Where the alert-scale reduce steps run. Every figure that touches each alert (the fatigue
//! groups, the noisy-rule counts, the alert checks of `quality`, the pages the heatmap and the
//! on-call load count, and the all-time facts: the first and last alert and the teams) is asked of
//! an [`AlertSource`]: the local engine ([`Local`], over the frames' alerts) or another engine's
//! output (`metrics::scaleout::Output`, over the tables a Spark or DuckDB job wrote). The finish
//! steps after it are one piece of code, so a report rendered from either gives the same figures.
//!
//! This file owns the trait, the local engine's answers, and the definitions of the two answers
//! that belong to no family: a period's pages by team ([`TeamPages`]) and the alert facts
//! ([`AlertFacts`]).

use polars::prelude::*;

use super::fatigue::{self, FatigueReduced};
use super::frames::{Frames, filter_expr, in_period, texts_or_empty};
use super::quality::alerts::{self as quality_alerts, AlertChecks};
use super::rules::reduce::Reduced as RulesReduced;
use super::scope::{Dim, Scope};
use super::table::pe;
use crate::config::Config;
use crate::error::Result;
use crate::model::columns::{FIRED_AT, PAGED, TEAM};

/// The pages of a period by team, each team's in time order (UTC microseconds): an alert with
/// `paged` set (null as false), fired in the period, under the scope's filters. An alert without
/// a team is under the team `""`.
pub type TeamPages = Vec<(String, Vec<i64>)>;

/// What the alerts say about the data as a whole, as known at as-of: the first and last alert
/// fired (UTC microseconds) and the teams that have one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertFacts {
    pub first_fired: Option<i64>,
    pub last_fired: Option<i64>,
    pub teams: Vec<String>,
}

/// The reduce steps of the alert-scale figures, answered by one engine.
pub(crate) trait AlertSource {
    /// The fatigue family's reduce step for `dims` (validated), with the comparison's groups.
    fn fatigue(
        &self,
        f: &Frames,
        cfg: &Config,
        scope: &Scope,
        dims: &[Dim],
        compare: bool,
    ) -> Result<FatigueReduced>;
    /// The noisy-rule ranking's reduce step.
    fn rules(&self, f: &Frames, cfg: &Config, scope: &Scope) -> Result<RulesReduced>;
    /// The alert checks of `quality` and the last alert of `freshness`.
    fn quality(&self, f: &Frames, scope: &Scope) -> Result<AlertChecks>;
    /// The period's pages by team ([`TeamPages`]).
    fn pages(&self, f: &Frames, scope: &Scope) -> Result<TeamPages>;
    /// The all-time facts ([`AlertFacts`]).
    fn facts(&self, f: &Frames) -> Result<AlertFacts>;
    /// The alerts a postmortem of `incident` classifies, as `(alerts, alert_history)` of
    /// `Frames::known_at`: at least the incident's own and every alert of their fingerprints
    /// (the flapping look-back reads them).
    fn incident_alerts(&self, f: &Frames, incident: &str) -> Result<(LazyFrame, LazyFrame)>;
}

/// The local engine: every reduce step run by polars over the frames' alerts.
pub(crate) struct Local;

impl AlertSource for Local {
    fn fatigue(
        &self,
        f: &Frames,
        cfg: &Config,
        scope: &Scope,
        dims: &[Dim],
        compare: bool,
    ) -> Result<FatigueReduced> {
        fatigue::reduce_local(f, cfg, scope, dims, compare)
    }

    fn rules(&self, f: &Frames, cfg: &Config, scope: &Scope) -> Result<RulesReduced> {
        super::rules::reduce_local(f, cfg, scope)
    }

    fn quality(&self, f: &Frames, scope: &Scope) -> Result<AlertChecks> {
        quality_alerts::reduce(f, scope)
    }

    fn pages(&self, f: &Frames, scope: &Scope) -> Result<TeamPages> {
        let df = f
            .alerts
            .clone()
            .filter(
                col(PAGED)
                    .fill_null(lit(false))
                    .and(in_period(FIRED_AT, scope))
                    .and(filter_expr(&scope.filters, true, true)),
            )
            .select([col(TEAM), col(FIRED_AT).cast(DataType::Int64)])
            .sort(
                [TEAM, FIRED_AT],
                SortMultipleOptions::default().with_maintain_order(true),
            )
            .collect()
            .map_err(pe)?;
        let teams = texts_or_empty(&df, TEAM)?;
        let times = super::fatigue::classify::i64s(&df, FIRED_AT)?;
        Ok(by_team(teams.into_iter().zip(times)))
    }

    fn facts(&self, f: &Frames) -> Result<AlertFacts> {
        let df = f
            .alerts
            .clone()
            .group_by([col(TEAM)])
            .agg([
                col(FIRED_AT).min().cast(DataType::Int64).alias("first"),
                col(FIRED_AT).max().cast(DataType::Int64).alias("last"),
            ])
            .collect()
            .map_err(pe)?;
        let ints = |name: &str| -> Result<Vec<Option<i64>>> {
            Ok(df
                .column(name)
                .map_err(pe)?
                .i64()
                .map_err(pe)?
                .iter()
                .collect())
        };
        let teams = super::frames::texts(&df, TEAM)?;
        Ok(AlertFacts::from_rows(
            teams.into_iter().zip(ints("first")?).zip(ints("last")?),
        ))
    }

    fn incident_alerts(&self, f: &Frames, _incident: &str) -> Result<(LazyFrame, LazyFrame)> {
        // The postmortem picks the incident's alerts itself; the whole store is a superset.
        Ok((f.alerts.clone(), f.alert_history.clone()))
    }
}

/// (team, instant) rows sorted by team and then instant, grouped by team.
pub(crate) fn by_team(rows: impl IntoIterator<Item = (String, i64)>) -> TeamPages {
    let mut out: TeamPages = vec![];
    for (team, t) in rows {
        match out.last_mut() {
            Some((cur, v)) if *cur == team => v.push(t),
            _ => out.push((team, vec![t])),
        }
    }
    out
}

impl AlertFacts {
    /// The facts from one row per team (null: alerts without a team) with its first and last
    /// alert fired.
    pub(crate) fn from_rows(
        rows: impl IntoIterator<Item = ((Option<String>, Option<i64>), Option<i64>)>,
    ) -> AlertFacts {
        let mut out = AlertFacts::default();
        for ((team, first), last) in rows {
            out.first_fired = out.first_fired.into_iter().chain(first).min();
            out.last_fired = out.last_fired.into_iter().chain(last).max();
            out.teams.extend(team);
        }
        out.teams.sort();
        out.teams.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::fatigue::testkit::*;

    #[test]
    fn pages_are_the_paged_alerts_of_the_period_by_team_in_time_order_under_the_filters() {
        let (from, to) = (us(2026, 11, 9, 0, 0, 0), us(2026, 11, 16, 0, 0, 0));
        let rows = [
            Al::page("b", from + 3 * MIN),
            Al::page("a", from + 2 * MIN),
            Al::page("a", from + MIN),
            Al::quiet("a", from + 4 * MIN),
            // At the end of the period: the next one's.
            Al::page("a", to),
            Al::page("c", from + MIN),
        ];
        let f = frames(&rows, &[]);
        let mut s = scope(from, to);
        let all = Local.pages(&f, &s).unwrap();
        assert_eq!(
            all,
            vec![
                ("a".to_string(), vec![from + MIN, from + 2 * MIN]),
                ("b".to_string(), vec![from + 3 * MIN]),
                ("c".to_string(), vec![from + MIN]),
            ]
        );
        s.filters.teams = vec!["b".into()];
        assert_eq!(
            Local.pages(&f, &s).unwrap(),
            vec![("b".to_string(), vec![from + 3 * MIN])]
        );
    }

    #[test]
    fn facts_are_the_first_and_last_alert_and_the_named_teams() {
        let t0 = us(2026, 11, 9, 0, 0, 0);
        let rows = [
            Al::page("b", t0 + 3 * MIN),
            Al::quiet("a", t0 + 9 * MIN),
            Al::page("a", t0 - MIN),
        ];
        let facts = Local.facts(&frames(&rows, &[])).unwrap();
        assert_eq!(
            facts,
            AlertFacts {
                first_fired: Some(t0 - MIN),
                last_fired: Some(t0 + 9 * MIN),
                teams: vec!["a".into(), "b".into()],
            }
        );
        assert_eq!(
            Local.facts(&frames(&[], &[])).unwrap(),
            AlertFacts::default()
        );
    }
}
