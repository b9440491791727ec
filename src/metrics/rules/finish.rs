//! The finish step of the noisy-rule ranking: `rules_by_team` and `rules_overall` from the
//! reduced tables (`reduce`), whichever engine wrote them. A rule's overall counts are its teams'
//! counts added up, and its times to resolve their value counts merged; the scores, the flags,
//! the top 10 and the medians are `rank`'s. It is one piece of code, run by `aftermath metrics`
//! after the local reduce step and by `aftermath scale-out finish` after an engine's.
//!
//! The groups are taken in the order of their team and rule, never in the order rows arrive in,
//! so an engine writing its rows in any order gets the same tables.

use std::collections::BTreeMap;

use super::rank::{self, Candidate};
use super::reduce::Reduced;
use crate::config::Config;
use crate::error::Result;
use crate::metrics::catalogue::TableId;
use crate::metrics::{Family, MetricTable};

/// `rules_by_team` (top 10 per team) and `rules_overall` (top 10 across teams).
pub(crate) fn finish(red: Reduced, cfg: &Config) -> Result<Vec<MetricTable>> {
    let mut ttr: Vec<Vec<(i64, u64)>> = vec![vec![]; red.groups.len()];
    for row in &red.ttr {
        if let Some(v) = ttr.get_mut(row.group as usize) {
            v.push((row.ttr_us, row.n));
        }
    }
    // Each rule across its teams, by rule.
    let mut overall: BTreeMap<Option<String>, Candidate> = BTreeMap::new();
    let mut by_team: Vec<(Option<String>, Option<String>, Candidate)> = vec![];
    for (g, times) in red.groups.into_iter().zip(ttr) {
        let o = overall.entry(g.rule.clone()).or_insert_with(|| Candidate {
            rule: g.rule.clone().unwrap_or_default(),
            ..Candidate::default()
        });
        o.c.add(&g.counts);
        o.ttr.extend_from_slice(&times);
        let cand = Candidate {
            team: g.team.clone(),
            rule: g.rule.clone().unwrap_or_default(),
            c: g.counts,
            ttr: times,
        };
        by_team.push((g.team, g.rule, cand));
    }
    by_team.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let team_rows = by_team.into_iter().map(|(_, _, c)| c).collect();
    let rule_rows = overall.into_values().collect();
    let notes = notes(cfg);
    Ok(vec![
        MetricTable {
            family: Family::Rules,
            id: TableId::RulesByTeam,
            title: "Noisiest alert rules by team".into(),
            dims: vec!["team".into(), "rule".into()],
            frame: rank::ranked(team_rows, true, cfg)?,
            notes: notes.clone(),
        },
        MetricTable {
            family: Family::Rules,
            id: TableId::RulesOverall,
            title: "Noisiest alert rules overall".into(),
            dims: vec!["rule".into()],
            frame: rank::ranked(rule_rows, false, cfg)?,
            notes,
        },
    ])
}

fn notes(cfg: &Config) -> Vec<String> {
    let th = &cfg.thresholds;
    vec![
        format!(
            "score = (pages + {} x sleep-hour pages) x (1 - actionable share): sleep-hour pages \
             weigh x{}; rules that never paged are not ranked; top 10, ties by rule name",
            th.sleep_weight - 1.0,
            th.sleep_weight
        ),
        format!(
            "flagged: at least {} pages and under {}% of them actionable (acknowledged by a person \
             or linked to an incident)",
            th.noisy_rule_min_pages,
            th.noisy_rule_actionable_below * 100.0
        ),
        format!(
            "transient: resolved by the monitoring system within {} s, never acknowledged; \
             flapping: fired again within {} min of the previous resolution; shares of the \
             rule's alerts; median_ttr_min over its resolved alerts",
            th.transient_seconds, th.flap_window_minutes
        ),
        "sleep hours are judged in the on-call person's zone where a shift covers the page, else \
         in the team's zone"
            .into(),
    ]
}
