//! The noisy-rule ranking (`metrics.md`, "Alert fatigue"): which alert rules cost people the most
//! for the least, per team and overall. A rule's score is its pages, with sleep-hour pages
//! weighted (`sleep_weight`, x3 by default), times the share of its pages that were not
//! actionable:
//!
//! `score = (pages + (sleep_weight - 1) x sleep_pages) x (1 - actionable / pages)`
//!
//! The per-alert flags (paged, actionable, transient, flapping) and the zone of a page come from
//! `fatigue::classify` and `fatigue::shifts`, so the ranking and the fatigue tables agree. The
//! work is split as in docs/scale-out.md: `reduce` touches every alert and writes per team and
//! rule counts and time-to-resolve value counts (the same tables the SQL job of
//! `metrics::scaleout` writes on Spark or DuckDB), and `finish` ranks them (with `rank`: the
//! score, the flag, the top 10, the table layout). How each rule's pages moved against the
//! previous period (the improvement report's verdicts) is in `change`.

pub mod change;
pub mod cols;
pub(crate) mod finish;
mod rank;
pub(crate) mod reduce;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use super::fatigue::{classify, shifts};
use super::source::AlertSource;
use super::{Frames, MetricTable, Scope};
use crate::config::Config;
use crate::error::Result;
use crate::model::columns::RULE;

/// `rules_by_team` (top 10 per team) and `rules_overall` (top 10 across teams): the reduce step of
/// `source` (the local engine's, or another engine's output), then the finish step every engine
/// shares.
pub(crate) fn rules(
    source: &dyn AlertSource,
    f: &Frames,
    cfg: &Config,
    scope: &Scope,
) -> Result<Vec<MetricTable>> {
    finish::finish(source.rules(f, cfg, scope)?, cfg)
}

/// The ranking's tables and each rule's pages (`change::pages_by_rule`, for `change::rule_changes`)
/// from one reduce step of `source`.
pub(crate) fn rules_with_pages(
    source: &dyn AlertSource,
    f: &Frames,
    cfg: &Config,
    scope: &Scope,
) -> Result<(Vec<MetricTable>, BTreeMap<String, u64>)> {
    let red = source.rules(f, cfg, scope)?;
    let pages = change::pages_by_rule(&red);
    Ok((finish::finish(red, cfg)?, pages))
}

/// The reduce step run locally over the frames' alerts.
pub(crate) fn reduce_local(f: &Frames, cfg: &Config, scope: &Scope) -> Result<reduce::Reduced> {
    let shifts = shifts::load(f, scope)?;
    let al = classify::prepare(&f.alerts, &f.alert_history, cfg, scope, &[RULE])?;
    Ok(reduce::reduce(&al, cfg, &shifts))
}
