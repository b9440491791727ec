//! The previous firings that flapping needs from before the classification's look-back window.
//!
//! Whether an alert in the period is flapping depends on the previous firing of its fingerprint,
//! however long ago that fired: an alert that fired four hours before the period and resolved five
//! minutes before a refire inside it makes that refire a flap. `classify::prepare` reads the
//! alerts of one flap window plus one episode window before the period; this module adds, for each
//! fingerprint whose firing from before that window resolved late enough to matter (at most one
//! flap window before the period starts, or later), the latest firing of that fingerprint before
//! the window. Both reads are bounded by the data that can change a figure: the first finds the
//! few long-running firings (the store's row-group statistics on `resolved_at` skip the rest), the
//! second reads only from the earliest of them to the window.

use std::collections::{HashMap, HashSet};

use polars::prelude::*;

use super::classify::i64s;
use crate::error::Result;
use crate::metrics::frames::{filter_expr, ts_lit};
use crate::metrics::scope::Scope;
use crate::metrics::table::pe;
use crate::model::columns::*;

/// For each fingerprint that needs it, its latest firing before `window_from`, as rows of the
/// caller's `select` (which must hold `FINGERPRINT` and the Int64 instants `t` and `r`, `r`
/// filled with `NONE`). `None` when no firing before the window can change a flag.
pub(super) fn previous_firings(
    alerts: &LazyFrame,
    scope: &Scope,
    select: &[Expr],
    window_from: i64,
    flap_us: i64,
    (t, r): (&str, &str),
) -> Result<Option<DataFrame>> {
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
            col(FIRED_AT).cast(DataType::Int64).alias(t),
        ])
        .collect()
        .map_err(pe)?;
    if late.height() == 0 {
        return Ok(None);
    }
    let fps = late.column(FINGERPRINT).map_err(pe)?.str().map_err(pe)?;
    let wanted: HashSet<&str> = fps.iter().flatten().collect();
    let start = i64s(&late, t)?.into_iter().min().unwrap_or(window_from);
    // Everything between the earliest long-running firing and the window: a later firing of the
    // same fingerprint there, not the long-running one, is the previous firing.
    let span = alerts
        .clone()
        .filter(before.and(col(FIRED_AT).gt_eq(ts_lit(start))))
        .select(select)
        .collect()
        .map_err(pe)?;
    let fp = span.column(FINGERPRINT).map_err(pe)?.str().map_err(pe)?;
    let (ts, rs) = (i64s(&span, t)?, i64s(&span, r)?);
    // The latest firing of each wanted fingerprint, ties broken by the later resolution (an
    // unresolved one, `NONE`, sorts first), as `classify`'s walk orders them. A latest firing
    // that is still unresolved is kept too: it is the previous firing, and makes no flap.
    let mut latest: HashMap<&str, (i64, i64, IdxSize)> = HashMap::new();
    for (i, f) in fp.iter().enumerate() {
        let Some(f) = f.filter(|f| wanted.contains(f)) else {
            continue;
        };
        let key = (ts[i], rs[i]);
        let e = latest.entry(f).or_insert((key.0, key.1, i as IdxSize));
        if key > (e.0, e.1) {
            *e = (key.0, key.1, i as IdxSize);
        }
    }
    let mut rows: Vec<IdxSize> = latest.values().map(|e| e.2).collect();
    rows.sort_unstable();
    let picked = span
        .take(&IdxCa::from_vec("row".into(), rows))
        .map_err(pe)?;
    Ok(Some(picked))
}
