//! The noisy-rule ranking (`metrics.md`, "Alert fatigue"): which alert rules cost people the most
//! for the least, per team and overall. A rule's score is its pages, with sleep-hour pages
//! weighted (`sleep_weight`, x3 by default), times the share of its pages that were not
//! actionable:
//!
//! `score = (pages + (sleep_weight - 1) x sleep_pages) x (1 - actionable / pages)`
//!
//! The per-alert flags (paged, actionable, transient, flapping) and the zone of a page come from
//! `fatigue::classify` and `fatigue::shifts`, so the ranking and the fatigue tables agree. The
//! ranking itself and the table layout are in `rank`; how each rule's pages moved against the
//! previous period (the improvement report's verdicts) is in `change`.

pub mod change;
pub mod cols;
mod rank;
#[cfg(test)]
mod tests;

use super::fatigue::classify::{self, Alerts, NONE};
use super::fatigue::ids::dense_groups;
use super::fatigue::judges::Judges;
use super::fatigue::shifts::{self, Shifts};
use super::hours::Bucket;
use super::{Family, Frames, MetricTable, Scope};
use crate::config::Config;
use crate::error::Result;
use crate::metrics::catalogue::TableId;
use crate::model::columns::RULE;
use crate::model::time::MINUTE_US_F;
use rank::Counts;

/// `rules_by_team` (top 10 per team) and `rules_overall` (top 10 across teams).
pub fn rules(f: &Frames, cfg: &Config, scope: &Scope) -> Result<Vec<MetricTable>> {
    let shifts = shifts::load(f, scope)?;
    let al = classify::prepare(&f.alerts, &f.alert_history, cfg, scope, &[RULE])?;
    let sleep = sleep_flags(&al, cfg, &shifts);
    let rule = &al.extra[0];
    let n_rules = rule.names.len() as u128;
    let size = (al.team.names.len() as u128).checked_mul(n_rules);
    let (gid, first) = dense_groups(
        al.len(),
        size,
        |r| u128::from(al.team.ids[r]) * n_rules + u128::from(rule.ids[r]),
        |r| vec![al.team.ids[r], rule.ids[r]],
    );
    let mut by_team = vec![Counts::default(); first.len()];
    let mut overall = vec![Counts::default(); rule.names.len()];
    for r in 0..al.len() {
        // Time to resolve of resolved alerts; a resolution before the firing is a data error.
        let ttr = (al.r[r] != NONE && al.r[r] >= al.t[r])
            .then(|| (al.r[r] - al.t[r]) as f64 / MINUTE_US_F);
        for c in [
            &mut by_team[gid[r] as usize],
            &mut overall[rule.ids[r] as usize],
        ] {
            c.alerts += 1;
            c.pages += u64::from(al.paged[r]);
            c.sleep_pages += u64::from(al.paged[r] && sleep[r]);
            c.actionable += u64::from(al.paged[r] && al.actionable[r]);
            c.transient += u64::from(al.transient[r]);
            c.flapping += u64::from(al.flapping[r]);
            c.ttr_min.extend(ttr);
        }
    }
    let team_rows = first
        .iter()
        .zip(by_team)
        .map(|(&r, c)| {
            let team = al.team.name(al.team.ids[r]).map(str::to_string);
            (team, rule.name(rule.ids[r]).unwrap_or("").to_string(), c)
        })
        .collect();
    let rule_rows = overall
        .into_iter()
        .enumerate()
        .map(|(id, c)| (None, rule.name(id as u32).unwrap_or("").to_string(), c))
        .collect();
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

/// For every alert: a page whose instant is in sleep hours, judged in the zone of the team's
/// primary on-call person, else the team's.
fn sleep_flags(al: &Alerts, cfg: &Config, shifts: &Shifts) -> Vec<bool> {
    let pages = al.team_order(true);
    let primary = al.primary(&pages, shifts);
    let mut judges = Judges::new(cfg, &al.team, shifts);
    let mut sleep = vec![false; al.len()];
    for (&(t, _, row), shift) in pages.entries.iter().zip(primary) {
        sleep[row as usize] = judges.judge(al.team.ids[row as usize], shift, t).0 == Bucket::Sleep;
    }
    sleep
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
