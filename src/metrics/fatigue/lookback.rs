//! The previous firings that flapping needs from before the classification's look-back window.
//!
//! Whether an alert in the period is flapping depends on the previous firing of its fingerprint,
//! however long ago that fired: an alert that fired four hours before the period and resolved five
//! minutes before a refire inside it makes that refire a flap. `classify::prepare` reads the
//! alerts of one flap window plus one episode window before the period; this module finds, for each
//! fingerprint whose firing from before that window resolved late enough to matter (at most one
//! flap window before the period starts, or later), the latest firing of that fingerprint before
//! the window: the previous firing of its first firing in the window. The first read finds the few
//! long-running firings; the second aggregates per fingerprint from the earliest of them to the
//! window, so its memory grows with the fingerprints, not with the alerts it reads.

use std::collections::{HashMap, HashSet};

use polars::prelude::*;

use super::classify::{NONE, i64s};
use crate::error::Result;
use crate::metrics::frames::{filter_expr, ts_lit};
use crate::metrics::scope::Scope;
use crate::metrics::table::pe;
use crate::model::columns::*;

const T: &str = "t";
const R: &str = "r";

/// Fingerprint -> fired and resolved instants (UTC microseconds, `NONE` when unresolved) of its
/// latest firing before `window_from`, for the fingerprints where that can make a flap.
pub(super) fn previous_firings(
    alerts: &LazyFrame,
    scope: &Scope,
    window_from: i64,
    flap_us: i64,
) -> Result<HashMap<String, (i64, i64)>> {
    let before = col(FIRED_AT)
        .lt(ts_lit(window_from))
        .and(filter_expr(&scope.filters, true, true));
    let late = alerts
        .clone()
        .filter(
            before
                .clone()
                .and(col(RESOLVED_AT).gt_eq(ts_lit(scope.period.from_micros() - flap_us))),
        )
        .select([
            col(FINGERPRINT),
            col(FIRED_AT).cast(DataType::Int64).alias(T),
        ])
        .collect_with_engine(Engine::Streaming)
        .map_err(pe)?
        .unwrap_single();
    if late.height() == 0 {
        return Ok(HashMap::new());
    }
    let fps = late.column(FINGERPRINT).map_err(pe)?.str().map_err(pe)?;
    let wanted: HashSet<&str> = fps.iter().flatten().collect();
    let start = i64s(&late, T)?.into_iter().min().unwrap_or(window_from);
    // Between the earliest long-running firing and the window, a later firing of the same
    // fingerprint, not the long-running one, is the previous firing. Ties of the latest instant
    // go to the later resolution (an unresolved one, `NONE`, sorts first), as the walk orders them.
    let latest = alerts
        .clone()
        .filter(before.and(col(FIRED_AT).gt_eq(ts_lit(start))))
        .select([
            col(FINGERPRINT),
            col(FIRED_AT).cast(DataType::Int64).alias(T),
            col(RESOLVED_AT)
                .cast(DataType::Int64)
                .fill_null(lit(NONE))
                .alias(R),
        ])
        .group_by([col(FINGERPRINT)])
        .agg([col(T).max(), col(R).filter(col(T).eq(col(T).max())).max()])
        .collect_with_engine(Engine::Streaming)
        .map_err(pe)?
        .unwrap_single();
    let fp = latest.column(FINGERPRINT).map_err(pe)?.str().map_err(pe)?;
    let (ts, rs) = (i64s(&latest, T)?, i64s(&latest, R)?);
    Ok(fp
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let f = f.filter(|f| wanted.contains(f))?;
            Some((f.to_string(), (ts[i], rs[i])))
        })
        .collect())
}
