//! The ranking of alert rules from their per-rule counts: the score, the flag, the top 10 (per
//! team, or overall), the median time to resolve of the shown rules (from the value counts of
//! `rules_ttr`), and the table layout.

use polars::prelude::*;

use super::cols;
use crate::model::columns::{RULE, TEAM};

use super::reduce::Counts;
use crate::config::Config;
use crate::error::Result;
use crate::metrics::table::pe;
use crate::model::time::MINUTE_US_F;

/// Rows shown per ranking (per team, or overall).
pub(super) const TOP: usize = 10;

/// One rule to rank (of one team, or overall): its counts and its times to resolve as
/// (microseconds, alerts) pairs.
#[derive(Debug, Clone, Default)]
pub(super) struct Candidate {
    pub team: Option<String>,
    pub rule: String,
    pub c: Counts,
    pub ttr: Vec<(i64, u64)>,
}

struct Row {
    team: Option<String>,
    rule: String,
    c: Counts,
    ttr_counts: Vec<(i64, u64)>,
    ttr: Option<f64>,
    score: f64,
}

/// The median of the minutes to resolve given as (microseconds, alerts) pairs: bit for bit what
/// `fatigue::ids::median_in_place` gives over the list with every value repeated, as minutes
/// grow with microseconds (the mean of the two middle values when the count is even).
pub(super) fn median_minutes(ttr: &mut [(i64, u64)]) -> Option<f64> {
    ttr.sort_unstable();
    let n: u64 = ttr.iter().map(|p| p.1).sum();
    if n == 0 {
        return None;
    }
    // The value at place k (from 0) of the sorted list.
    let at = |k: u64| {
        let mut seen = 0;
        for &(us, count) in ttr.iter() {
            seen += count;
            if k < seen {
                return us as f64 / MINUTE_US_F;
            }
        }
        unreachable!("k < n")
    };
    let mid = at(n / 2);
    if n % 2 == 1 {
        return Some(mid);
    }
    Some(0.5 * (at(n / 2 - 1) + mid))
}

/// `score = (pages + (w - 1) sleep_pages) (1 - actionable / pages)`; 0 without pages.
pub(super) fn score(pages: u64, sleep_pages: u64, actionable: u64, sleep_weight: f64) -> f64 {
    if pages == 0 {
        return 0.0;
    }
    let weighted = pages as f64 + (sleep_weight - 1.0) * sleep_pages as f64;
    weighted * (1.0 - actionable as f64 / pages as f64)
}

/// The top rules by score (descending, ties by rule name), per team when `with_team`.
pub(super) fn ranked(rules: Vec<Candidate>, with_team: bool, cfg: &Config) -> Result<DataFrame> {
    let w = cfg.thresholds.sleep_weight;
    // Rules that never paged interrupted no one: not ranked.
    let mut rows: Vec<Row> = rules
        .into_iter()
        .filter(|k| k.c.pages > 0)
        .map(|k| Row {
            score: score(k.c.pages, k.c.sleep_pages, k.c.actionable, w),
            team: k.team,
            rule: k.rule,
            c: k.c,
            ttr_counts: k.ttr,
            ttr: None,
        })
        .collect();
    rows.sort_by(|a, b| {
        a.team
            .cmp(&b.team)
            .then(b.score.total_cmp(&a.score))
            .then(a.rule.cmp(&b.rule))
    });
    let th = &cfg.thresholds;
    let pct = |n: u64, d: u64| (d > 0).then(|| 100.0 * n as f64 / d as f64);
    let mut kept: Vec<(u32, Row)> = vec![];
    let mut rank = 0u32;
    let mut team: Option<Option<String>> = None;
    for mut r in rows {
        if team.as_ref() != Some(&r.team) {
            team = Some(r.team.clone());
            rank = 0;
        }
        rank += 1;
        if rank as usize <= TOP {
            // Only the shown rules need their median.
            r.ttr = median_minutes(&mut r.ttr_counts);
            kept.push((rank, r));
        }
    }
    let mut columns = vec![];
    if with_team {
        let teams: Vec<Option<&str>> = kept.iter().map(|(_, r)| r.team.as_deref()).collect();
        columns.push(Column::new(TEAM.into(), teams));
    }
    let col_u = |name: &str, f: fn(&Row) -> u64| {
        Column::new(
            name.into(),
            kept.iter().map(|(_, r)| f(r)).collect::<Vec<u64>>(),
        )
    };
    let col_f = |name: &str, v: Vec<Option<f64>>| Column::new(name.into(), v);
    columns.extend([
        Column::new(
            RULE.into(),
            kept.iter()
                .map(|(_, r)| r.rule.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            cols::RANK.into(),
            kept.iter().map(|(k, _)| *k).collect::<Vec<u32>>(),
        ),
        col_u(cols::ALERTS, |r| r.c.alerts),
        col_u(cols::PAGES, |r| r.c.pages),
        col_u(cols::SLEEP_PAGES, |r| r.c.sleep_pages),
        Column::new(
            cols::SCORE.into(),
            kept.iter().map(|(_, r)| r.score).collect::<Vec<f64>>(),
        ),
        col_f(
            cols::ACTIONABLE_PCT,
            kept.iter()
                .map(|(_, r)| pct(r.c.actionable, r.c.pages))
                .collect(),
        ),
        col_f(
            cols::TRANSIENT_PCT,
            kept.iter()
                .map(|(_, r)| pct(r.c.transient, r.c.alerts))
                .collect(),
        ),
        col_f(
            cols::FLAPPING_PCT,
            kept.iter()
                .map(|(_, r)| pct(r.c.flapping, r.c.alerts))
                .collect(),
        ),
        col_f(
            cols::MEDIAN_TTR_MIN,
            kept.iter().map(|(_, r)| r.ttr).collect(),
        ),
        Column::new(
            cols::FLAGGED.into(),
            kept.iter()
                .map(|(_, r)| {
                    r.c.pages >= u64::from(th.noisy_rule_min_pages)
                        && (r.c.actionable as f64 / r.c.pages as f64)
                            < th.noisy_rule_actionable_below
                })
                .collect::<Vec<bool>>(),
        ),
    ]);
    DataFrame::new(kept.len(), columns).map_err(pe)
}
