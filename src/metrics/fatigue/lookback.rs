//! The resolutions that flapping needs from before the classification's look-back window.
//!
//! A firing in the period is a flap when the alert had gone quiet, every earlier instance of its
//! fingerprint resolved, at most the flap window before it, however long ago those instances
//! fired: an alert that fired four hours before the period and resolved five minutes before a
//! refire inside it makes that refire a flap. `classify::prepare` reads the alerts of one flap
//! window plus one episode window before the period; this module adds, for each fingerprint, the
//! latest resolution of its older firings where that resolution is at most one flap window before
//! the period starts, or later. It is one aggregate over the alerts resolved then, a predicate the
//! store's row-group statistics answer, so its cost grows with those alerts, not with the history.
//!
//! An older firing that never resolved is not looked for (it would need every row of the history
//! to be read); within the rows read, `classify` takes it as superseded by the next firing.

use std::collections::HashMap;

use polars::prelude::*;

use crate::error::Result;
use crate::metrics::frames::{filter_expr, ts_lit};
use crate::metrics::scope::Scope;
use crate::metrics::table::pe;
use crate::model::columns::*;

const R: &str = "r";

/// Fingerprint -> the latest resolution (UTC microseconds, known by as-of) of its firings before
/// `window_from`, for the fingerprints where it falls at most one flap window before the period or
/// later. Reads `history` (the alerts as recorded, `Frames::alert_history`), so that the predicate
/// on `resolved_at` reaches the store's statistics; as-of is applied here.
pub(super) fn previous_resolutions(
    history: &LazyFrame,
    scope: &Scope,
    window_from: i64,
    flap_us: i64,
) -> Result<HashMap<String, i64>> {
    let late = history
        .clone()
        .filter(
            col(FIRED_AT)
                .lt(ts_lit(window_from))
                .and(filter_expr(&scope.filters, true, true))
                .and(col(RESOLVED_AT).gt_eq(ts_lit(scope.period.from_micros() - flap_us)))
                .and(col(RESOLVED_AT).lt_eq(ts_lit(scope.as_of.timestamp_micros()))),
        )
        .group_by([col(FINGERPRINT)])
        .agg([col(RESOLVED_AT).cast(DataType::Int64).max().alias(R)])
        .collect_with_engine(Engine::Streaming)
        .map_err(pe)?
        .unwrap_single();
    let fp = late.column(FINGERPRINT).map_err(pe)?.str().map_err(pe)?;
    let r = late.column(R).map_err(pe)?.i64().map_err(pe)?;
    Ok(fp
        .iter()
        .zip(r.iter())
        .filter_map(|(f, r)| Some((f?.to_string(), r?)))
        .collect())
}
