//! The per-alert classification shared by alert fatigue and the noisy-rule ranking, so the two
//! families can never disagree about what a page, an actionable page, a transient alert or a
//! flapping alert is: the alerts of a scope as plain vectors with one flag each. polars reads and
//! filters the store and computes the vectorised flags; the flapping rules, which need each
//! fingerprint's firings in time order, run over dense fingerprint ids (`ids`).
//!
//! Definitions (the thresholds are the config's, never constants):
//! - **paged**: the store's `paged` column.
//! - **actionable**: acknowledged by a human, or linked to an incident. A human acknowledgement is
//!   `acknowledged_at` set with `acknowledged_by` anything but `auto` (the ingesters write `auto`
//!   for the monitoring system); an acknowledgement with no actor is counted as human, because the
//!   sources that leave the actor out (PagerDuty, Opsgenie exports) only record people's acks.
//! - **transient**: resolved by the monitoring system (`resolved_by` = `auto`, or no resolver)
//!   within `transient_seconds` of firing (inclusive) and never acknowledged.
//! - **flapping**: the alert had gone quiet (every earlier instance of the fingerprint resolved)
//!   at most `flap_window_minutes` before this one fired (`hours::is_flapping`: inclusive); a
//!   firing while an earlier instance still fires is a duplicate, not a flap. The earlier
//!   instances may lie before the period, however long ago they fired: alerts from one flap window
//!   plus one episode window before the period are read, with the latest resolution of each
//!   fingerprint's older firings where it falls near the period (`lookback`), and dropped
//!   afterwards.
//! - **episode start**: the first firing of a flapping episode (`flap_episode_firings` firings of a
//!   fingerprint inside `flap_episode_window_minutes`, counted greedily as in
//!   `hours::flapping_episodes_with`); the episode belongs to the group of that first firing.

use crate::model::time::SECOND_US;
use std::collections::HashMap;

use polars::prelude::*;

use super::ids::{Interned, Ordered, intern, order_by_key, retain};
use super::lookback;
use super::shifts::Shifts;
use crate::config::Config;
use crate::error::Result;
use crate::metrics::frames::filter_expr;
use crate::metrics::hours;
use crate::metrics::scope::Scope;
use crate::metrics::table::pe;
use crate::model::columns::*;

/// `fired_at`, `resolved_at` and `acknowledged_at` as UTC microseconds (Int64).
const T: &str = "t";
const R: &str = "r";
const A: &str = "a";
const ACTIONABLE: &str = "actionable";
const TRANSIENT: &str = "transient";

/// The system's acknowledger/resolver as the ingesters write it.
const AUTO: &str = "auto";

/// Acknowledged by a person (see the module text for the missing-actor rule).
pub(crate) fn human_ack() -> Expr {
    col(ACKNOWLEDGED_AT)
        .is_not_null()
        .and(col(ACKNOWLEDGED_BY).neq(lit(AUTO)).fill_null(lit(true)))
}

/// Acknowledged by a person or linked to an incident. Meaningful for pages; the ratio's
/// denominator is pages.
pub(crate) fn actionable() -> Expr {
    human_ack().or(col(INCIDENT_ID).is_not_null())
}

/// Resolved by the system within `transient_seconds` of firing and never acknowledged. A
/// resolution before the firing is a data error, not a transient.
pub(crate) fn transient(cfg: &Config) -> Expr {
    let limit = i64::from(cfg.thresholds.transient_seconds) * SECOND_US;
    let dur = col(RESOLVED_AT).cast(DataType::Int64) - col(FIRED_AT).cast(DataType::Int64);
    col(RESOLVED_AT)
        .is_not_null()
        .and(col(ACKNOWLEDGED_AT).is_null())
        .and(col(RESOLVED_BY).eq(lit(AUTO)).fill_null(lit(true)))
        .and(dur.clone().gt_eq(lit(0i64)))
        .and(dur.lt_eq(lit(limit)))
        .fill_null(lit(false))
}

/// A UTC instant literal comparable with the store's `Datetime(us, UTC)` columns, so the
/// period filter can be pushed into the Parquet scan.
fn ts(us: i64) -> Expr {
    lit(us).cast(DataType::Datetime(
        TimeUnit::Microseconds,
        Some(TimeZone::UTC),
    ))
}

/// A missing instant in the `r` and `a` vectors of `Alerts`.
pub(crate) const NONE: i64 = i64::MIN;

/// The alerts of a scope (fired in the period, through the filters), one entry per alert, as
/// plain vectors indexed by row, with every flag of the module text.
pub(crate) struct Alerts {
    pub team: Interned,
    /// Fired, resolved and acknowledged instants in UTC microseconds; `NONE` when missing.
    pub t: Vec<i64>,
    pub r: Vec<i64>,
    pub a: Vec<i64>,
    pub paged: Vec<bool>,
    pub actionable: Vec<bool>,
    pub transient: Vec<bool>,
    pub flapping: Vec<bool>,
    pub episode: Vec<bool>,
    pub notifications: Vec<u32>,
    /// The text columns the caller asked for (`extra`), in that order.
    pub extra: Vec<Interned>,
}

impl Alerts {
    pub(crate) fn len(&self) -> usize {
        self.t.len()
    }

    /// Keep the rows where `keep` is true.
    fn retain(&mut self, keep: &[bool]) {
        self.team.retain(keep);
        for v in [&mut self.t, &mut self.r, &mut self.a] {
            retain(v, keep);
        }
        for v in [
            &mut self.paged,
            &mut self.actionable,
            &mut self.transient,
            &mut self.flapping,
            &mut self.episode,
        ] {
            retain(v, keep);
        }
        retain(&mut self.notifications, keep);
        for e in &mut self.extra {
            e.retain(keep);
        }
    }

    /// Every row (or every page) by team id, in time order.
    pub(crate) fn team_order(&self, pages_only: bool) -> Ordered {
        let rows = (0..self.len() as u32).filter(|&i| !pages_only || self.paged[i as usize]);
        order_by_key(&self.team.ids, self.team.names.len(), rows, &self.t, None)
    }

    /// The primary on-call shift of each entry of a `team_order`.
    pub(crate) fn primary(&self, order: &Ordered, shifts: &Shifts) -> Vec<Option<u32>> {
        let mut out = vec![None; order.entries.len()];
        if shifts.list.is_empty() {
            return out;
        }
        for (id, range) in order.ranges.iter().enumerate() {
            if !range.is_empty() {
                let name = self.team.name(id as u32).unwrap_or("");
                let p = shifts.primary_team(name, &order.entries[range.clone()]);
                out[range.clone()].copy_from_slice(&p);
            }
        }
        out
    }
}

/// The scope's alerts with their flags and the `extra` text columns (store column names).
/// `history` is `Frames::alert_history`, for the flapping look-back.
pub(crate) fn prepare(
    alerts: &LazyFrame,
    history: &LazyFrame,
    cfg: &Config,
    scope: &Scope,
    extra: &[&str],
) -> Result<Alerts> {
    let th = &cfg.thresholds;
    let flap_secs = i64::from(th.flap_window_minutes) * 60;
    let episode_secs = i64::from(th.flap_episode_window_minutes) * 60;
    let from = scope.period.from_micros();
    let lookback = (flap_secs + episode_secs) * SECOND_US;
    // Nulls are filled here, in the vectorised pass, so the columns convert without checks.
    let mut select = vec![
        col(FINGERPRINT),
        col(TEAM),
        col(FIRED_AT).cast(DataType::Int64).alias(T),
        col(RESOLVED_AT)
            .cast(DataType::Int64)
            .fill_null(lit(NONE))
            .alias(R),
        col(ACKNOWLEDGED_AT)
            .cast(DataType::Int64)
            .fill_null(lit(NONE))
            .alias(A),
        col(PAGED).fill_null(lit(false)),
        actionable().fill_null(lit(false)).alias(ACTIONABLE),
        transient(cfg).alias(TRANSIENT),
        col(NOTIFICATIONS).fill_null(lit(0u32)),
    ];
    select.extend(extra.iter().map(|c| col(*c)));
    let window_from = from.saturating_sub(lookback);
    // The streaming engine decodes and filters the Parquet row groups in one pass; measured on
    // 8.6 million alerts it takes about half the time of the in-memory engine here.
    let df = alerts
        .clone()
        .filter(
            col(FIRED_AT)
                .gt_eq(ts(window_from))
                .and(col(FIRED_AT).lt(ts(scope.period.to_micros())))
                .and(filter_expr(&scope.filters, true, true)),
        )
        .select(select)
        .collect_with_engine(Engine::Streaming)
        .map_err(pe)?
        .unwrap_single();
    let previous =
        lookback::previous_resolutions(history, scope, window_from, flap_secs * SECOND_US)?;
    let text = |name: &str| -> Result<Interned> {
        Ok(intern(df.column(name).map_err(pe)?.str().map_err(pe)?))
    };
    let fp = text(FINGERPRINT)?;
    let mut out = Alerts {
        team: text(TEAM)?,
        t: i64s(&df, T)?,
        r: i64s(&df, R)?,
        a: i64s(&df, A)?,
        paged: bools(&df, PAGED)?,
        actionable: bools(&df, ACTIONABLE)?,
        transient: bools(&df, TRANSIENT)?,
        flapping: vec![],
        episode: vec![],
        notifications: df
            .column(NOTIFICATIONS)
            .map_err(pe)?
            .u32()
            .map_err(pe)?
            .into_no_null_iter()
            .collect(),
        extra: extra.iter().map(|c| text(c)).collect::<Result<_>>()?,
    };
    drop(df);
    (out.flapping, out.episode) = flap_walk(&fp, &out.t, &out.r, cfg, &previous);
    let keep: Vec<bool> = out.t.iter().map(|&t| t >= from).collect();
    if keep.iter().any(|k| !k) {
        out.retain(&keep);
    }
    Ok(out)
}

/// Flapping flags and episode starts: each fingerprint's firings in time order (ties by
/// resolution, so the result does not depend on the input order). A firing is a flap when the
/// alert had gone quiet, every earlier instance resolved, at most the flap window before it: the
/// gap is measured from the latest resolution of any earlier instance, and an earlier instance
/// still firing (resolved later) makes it a duplicate. `previous` holds, by
/// fingerprint, the latest resolution among the firings before those read, where it matters.
fn flap_walk(
    fp: &Interned,
    t: &[i64],
    r: &[i64],
    cfg: &Config,
    previous: &HashMap<String, i64>,
) -> (Vec<bool>, Vec<bool>) {
    let th = &cfg.thresholds;
    let flap_secs = i64::from(th.flap_window_minutes) * 60;
    let need = th.flap_episode_firings as usize;
    let window = i64::from(th.flap_episode_window_minutes) * 60;
    let n = t.len();
    let order = order_by_key(&fp.ids, fp.names.len(), 0..n as u32, t, Some(r));
    let mut flapping = vec![false; n];
    let mut episode = vec![false; n];
    let mut times = vec![];
    for (id, range) in order.ranges.into_iter().enumerate() {
        let firings = &order.entries[range];
        // The latest resolution of the earlier instances. An instance with no resolution in the
        // data gives no gap to judge: the next firing is not a flap, and supersedes it (a lost
        // resolution must not silence the fingerprint's flaps for good).
        let mut quiet_since = fp
            .name(id as u32)
            .and_then(|name| previous.get(name).copied());
        let mut after_unresolved = false;
        for &(fired, resolved, row) in firings {
            flapping[row as usize] = !after_unresolved
                && quiet_since.is_some_and(|q| hours::is_flapping(q, fired, flap_secs));
            after_unresolved = resolved == NONE;
            if resolved != NONE {
                quiet_since = Some(quiet_since.map_or(resolved, |q| q.max(resolved)));
            }
        }
        times.clear();
        times.extend(firings.iter().map(|e| e.0));
        for s in episode_starts(&times, need, window) {
            episode[firings[s].2 as usize] = true;
        }
    }
    (flapping, episode)
}

/// The index of the first firing of each flapping episode of one fingerprint (firings sorted):
/// the same greedy rule as `hours::flapping_episodes_with`, which only returns the count; a test
/// checks the two agree.
pub(crate) fn episode_starts(
    fired_sorted: &[i64],
    min_firings: usize,
    window_secs: i64,
) -> Vec<usize> {
    let need = min_firings.max(1);
    let window = window_secs.saturating_mul(SECOND_US);
    let mut starts = vec![];
    let (mut i, mut end) = (0, 0);
    while i < fired_sorted.len() {
        let first = fired_sorted[i];
        // One past the last firing inside [first, first + window]; it never moves back, as
        // `first` only grows, so the whole pass is linear.
        end = end.max(i);
        while end < fired_sorted.len() && fired_sorted[end].saturating_sub(first) <= window {
            end += 1;
        }
        if end - i >= need {
            starts.push(i);
            i = end;
        } else {
            i += 1;
        }
    }
    starts
}

/// An Int64 column without nulls as a vector.
pub(crate) fn i64s(df: &DataFrame, name: &str) -> Result<Vec<i64>> {
    let ca = df.column(name).map_err(pe)?.i64().map_err(pe)?;
    Ok(ca.into_no_null_iter().collect())
}

/// A Boolean column without nulls as a vector.
pub(crate) fn bools(df: &DataFrame, name: &str) -> Result<Vec<bool>> {
    let ca = df.column(name).map_err(pe)?.bool().map_err(pe)?;
    Ok(ca
        .downcast_iter()
        .flat_map(|arr| arr.values().iter())
        .collect())
}
