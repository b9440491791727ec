//! The `fatigue_compare` table: each team's pages, interruptions and actionable share in this
//! period and the previous one of equal length, with the exact Poisson interval of this period's
//! pages and the conditional binomial test of the two page counts. The verdict says "more" or
//! "fewer" only when that test gives p < 0.05, else "no detectable change".

use super::cols;
use std::collections::BTreeMap;

use polars::prelude::*;

use super::build::pct;
use super::groups::Groups;
use crate::error::Result;
use crate::metrics::catalogue::TableId;
use crate::metrics::scope::{Dim, Scope};
use crate::metrics::stats;
use crate::metrics::table::{Family, MetricTable, pe};

#[derive(Debug, Clone, Copy, Default)]
struct Totals {
    pages: u64,
    interruptions: u64,
    actionable: u64,
}

/// Per-team totals of groups that have a team dimension and count each alert once.
fn team_totals(g: &Groups) -> Result<BTreeMap<String, Totals>> {
    let teams = g
        .keys
        .column("team")
        .map_err(pe)?
        .str()
        .map_err(pe)?
        .clone();
    let mut out: BTreeMap<String, Totals> = BTreeMap::new();
    for (team, s) in teams.iter().zip(&g.stats) {
        let t = out.entry(team.unwrap_or("").to_string()).or_default();
        t.pages += s.pages;
        t.interruptions += s.interruptions;
        t.actionable += s.actionable;
    }
    Ok(out)
}

/// Whether groups by `dims` sum to teams (a team dimension and no person, whose units count an
/// alert once per person), so the comparison can reuse them instead of grouping by team anew.
pub(crate) fn reuses(dims: &[Dim]) -> bool {
    dims.contains(&Dim::Team) && !dims.contains(&Dim::Person)
}

/// The comparison table from this period's groups (by team, or by dims that `reuses` accepts)
/// and the previous period's by team, from either engine's reduce step.
pub(crate) fn compare_table(scope: &Scope, now: &Groups, before: &Groups) -> Result<MetricTable> {
    let frame = compare_frame(scope, &team_totals(now)?, &team_totals(before)?)?;
    Ok(MetricTable {
        family: Family::Fatigue,
        id: TableId::FatigueCompare,
        title: format!("Pages by team against {}", scope.period.previous_words()),
        dims: vec!["team".into()],
        frame,
        notes: vec![format!(
            "baseline: {}; pages_low/pages_high: exact Poisson 95% interval of this period's \
             pages; pages_change_p: conditional binomial test of the two counts; \
             \"more\"/\"fewer\" only when p < 0.05",
            scope.period.previous_words()
        )]
        .into_iter()
        .chain(scope.not_judged_words())
        .collect(),
    })
}

fn compare_frame(
    scope: &Scope,
    now: &BTreeMap<String, Totals>,
    before: &BTreeMap<String, Totals>,
) -> Result<DataFrame> {
    let mut teams: Vec<&String> = now.keys().chain(before.keys()).collect();
    teams.sort();
    teams.dedup();
    let n = teams.len();
    let get = |m: &BTreeMap<String, Totals>, t: &str| m.get(t).copied().unwrap_or_default();
    let (mut pages, mut pages_prev, mut low, mut high, mut p_v) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut inter, mut inter_prev, mut act, mut act_prev, mut verdict) =
        (vec![], vec![], vec![], vec![], vec![]);
    for team in &teams {
        let (a, b) = (get(now, team), get(before, team));
        let (lo, hi) = stats::poisson_exact(a.pages);
        // Rates, not counts: a week's baseline is the 4 weeks before it (`metrics::baseline`).
        let (p, change) = stats::count_change(
            a.pages,
            scope.period.days(),
            b.pages,
            scope.period.previous().days(),
        );
        let change = scope.judge_count(change);
        pages.push(a.pages);
        pages_prev.push(b.pages);
        low.push(lo);
        high.push(hi);
        p_v.push(p);
        inter.push(a.interruptions);
        inter_prev.push(b.interruptions);
        act.push(pct(a.actionable, a.pages));
        act_prev.push(pct(b.actionable, b.pages));
        verdict.push(change.words());
    }
    DataFrame::new(
        n,
        vec![
            Column::new(
                "team".into(),
                teams.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(cols::PAGES.into(), pages),
            Column::new(cols::PAGES_PREVIOUS.into(), pages_prev),
            Column::new(cols::PAGES_LOW.into(), low),
            Column::new(cols::PAGES_HIGH.into(), high),
            Column::new(cols::PAGES_CHANGE_P.into(), p_v),
            Column::new(cols::INTERRUPTIONS.into(), inter),
            Column::new(cols::INTERRUPTIONS_PREVIOUS.into(), inter_prev),
            Column::new(cols::ACTIONABLE_PCT.into(), act),
            Column::new(cols::ACTIONABLE_PCT_PREVIOUS.into(), act_prev),
            Column::new(cols::VERDICT.into(), verdict),
        ],
    )
    .map_err(pe)
}
