//! The impact interval of each incident, and the union of intervals: the two rules every figure
//! of the impact family is built from (docs/metrics.md, "Customer impact").
//!
//! An incident's impact runs from `impact_started_at`, else `detected_at`, to `mitigated_at`, else
//! `resolved_at`, else the as-of instant for an incident still open then. Each row keeps which
//! instants it used, so a reader can see why an interval is as long as it is. An instant after the
//! as-of instant is unknown, as everywhere in the catalogue. This module does not group, clip to
//! weeks or know about services' targets: `impact.rs` does, from these rows.

use polars::prelude::*;

use crate::config::Config;
use crate::error::Result;
use crate::metrics::frames::{EXCLUDED, exclusion_reason, texts, texts_or_empty};
use crate::metrics::table::pe;
use crate::model::columns::*;
use crate::model::time::MINUTE_US_F;

/// The end an open incident's interval uses: the as-of instant, its impact so far.
pub const AS_OF_END: &str = "as-of (open)";

/// Columns of the collected interval frame.
const START: &str = "impact_start_us";
const END: &str = "impact_end_us";
const START_USED: &str = "impact_start_used";
const END_USED: &str = "impact_end_used";

/// One incident's impact interval `[start, end)`, in UTC microseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Impact {
    pub incident_id: String,
    pub team: String,
    pub service: Option<String>,
    pub severity: String,
    pub start: i64,
    pub end: i64,
    /// `impact_started_at` or `detected_at`.
    pub start_used: String,
    /// `mitigated_at`, `resolved_at` or [`AS_OF_END`].
    pub end_used: String,
    /// Why the metrics leave it out (`kind = maintenance`, ...), or None.
    pub excluded: Option<String>,
}

impl Impact {
    /// Still open at the as-of instant: its impact is counted up to it.
    pub fn open(&self) -> bool {
        self.end_used == AS_OF_END
    }

    /// An end before the start: a data error, left out of every figure and listed.
    pub fn negative(&self) -> bool {
        self.end < self.start
    }

    /// `impact_started_at -> mitigated_at`: the instants this interval was measured between.
    pub fn instants_used(&self) -> String {
        format!("{} -> {}", self.start_used, self.end_used)
    }

    /// The whole interval, in minutes.
    pub fn minutes(&self) -> f64 {
        (self.end - self.start) as f64 / MINUTE_US_F
    }

    /// The part of the interval inside `[lo, hi)`, in minutes (0 when they do not meet).
    pub fn minutes_within(&self, lo: i64, hi: i64) -> f64 {
        (self.end.min(hi) - self.start.max(lo)).max(0) as f64 / MINUTE_US_F
    }
}

/// The impact intervals of `incidents` (the caller's filters applied) known at `as_of` that
/// touch `[from, to)`: those whose interval overlaps it, and those detected in it whatever their
/// interval, so a negative one (resolved before detected) is found and listed rather than lost.
/// Sorted by incident id. Excluded incidents are kept with their reason.
pub fn impacts(
    incidents: LazyFrame,
    cfg: &Config,
    as_of: i64,
    from: i64,
    to: i64,
) -> Result<Vec<Impact>> {
    let us = |c: &str| col(c).cast(DataType::Int64);
    // An instant after the as-of instant is not known yet (`Frames::known_at` already removes
    // them from frames of the store; frames built another way get the same rule here).
    let known = |c: &str| {
        when(us(c).lt_eq(lit(as_of)))
            .then(us(c))
            .otherwise(lit(NULL).cast(DataType::Int64))
    };
    let start = coalesce(&[known(IMPACT_STARTED_AT), us(DETECTED_AT)]);
    let start_used = when(known(IMPACT_STARTED_AT).is_not_null())
        .then(lit(IMPACT_STARTED_AT))
        .otherwise(lit(DETECTED_AT));
    let end = coalesce(&[known(MITIGATED_AT), known(RESOLVED_AT), lit(as_of)]);
    let end_used = when(known(MITIGATED_AT).is_not_null())
        .then(lit(MITIGATED_AT))
        .when(known(RESOLVED_AT).is_not_null())
        .then(lit(RESOLVED_AT))
        .otherwise(lit(AS_OF_END));
    let detected_in = us(DETECTED_AT)
        .gt_eq(lit(from))
        .and(us(DETECTED_AT).lt(lit(to)));
    let df = incidents
        .filter(us(DETECTED_AT).lt_eq(lit(as_of)))
        .filter(
            start
                .clone()
                .lt(lit(to))
                .and(end.clone().gt(lit(from)))
                .or(detected_in),
        )
        .select([
            col(INCIDENT_ID),
            col(TEAM),
            col(SERVICE),
            col(SEVERITY),
            exclusion_reason(cfg),
            start.alias(START),
            end.alias(END),
            start_used.alias(START_USED),
            end_used.alias(END_USED),
        ])
        .sort([INCIDENT_ID], SortMultipleOptions::default())
        .collect()
        .map_err(pe)?;
    let ints = |name: &str| -> Result<Vec<i64>> {
        Ok(df
            .column(name)
            .map_err(pe)?
            .i64()
            .map_err(pe)?
            .iter()
            .map(Option::unwrap_or_default)
            .collect())
    };
    let (starts, ends) = (ints(START)?, ints(END)?);
    let ids = texts_or_empty(&df, INCIDENT_ID)?;
    let teams = texts_or_empty(&df, TEAM)?;
    let services = texts(&df, SERVICE)?;
    let severities = texts_or_empty(&df, SEVERITY)?;
    let excluded = texts(&df, EXCLUDED)?;
    let start_used = texts_or_empty(&df, START_USED)?;
    let end_used = texts_or_empty(&df, END_USED)?;
    Ok((0..df.height())
        .map(|i| Impact {
            incident_id: ids[i].clone(),
            team: teams[i].clone(),
            service: services[i].clone(),
            severity: severities[i].clone(),
            start: starts[i],
            end: ends[i],
            start_used: start_used[i].clone(),
            end_used: end_used[i].clone(),
            excluded: excluded[i].clone(),
        })
        .collect())
}

/// Minutes inside `[lo, hi)` covered by at least one of `spans` (`[start, end)` microseconds):
/// the union, so the minutes two incidents of one service share are counted once.
pub fn union_minutes(spans: impl IntoIterator<Item = (i64, i64)>, lo: i64, hi: i64) -> f64 {
    let mut clipped: Vec<(i64, i64)> = spans
        .into_iter()
        .map(|(s, e)| (s.max(lo), e.min(hi)))
        .filter(|(s, e)| s < e)
        .collect();
    clipped.sort_unstable();
    let mut total = 0;
    let mut run: Option<(i64, i64)> = None;
    for (s, e) in clipped {
        run = match run {
            // Touching or overlapping: one stretch of impact.
            Some((rs, re)) if s <= re => Some((rs, re.max(e))),
            Some((rs, re)) => {
                total += re - rs;
                Some((s, e))
            }
            None => Some((s, e)),
        };
    }
    if let Some((rs, re)) = run {
        total += re - rs;
    }
    total as f64 / MINUTE_US_F
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: i64 = 60_000_000;

    #[test]
    fn union_counts_shared_minutes_once_and_clips_to_the_window() {
        // 10-40 and 30-60 overlap by 10: 50 minutes, not 60. 60-70 touches the run: 60.
        // 100-130 is clipped to the window's end at 120: 20 more.
        let spans = [
            (10 * M, 40 * M),
            (30 * M, 60 * M),
            (60 * M, 70 * M),
            (100 * M, 130 * M),
        ];
        assert_eq!(union_minutes(spans, 0, 120 * M), 80.0);
        // A window starting at 35 keeps 35-70 and 100-120.
        assert_eq!(union_minutes(spans, 35 * M, 120 * M), 55.0);
        // One span inside another adds nothing.
        assert_eq!(
            union_minutes([(0, 60 * M), (10 * M, 20 * M)], 0, i64::MAX),
            60.0
        );
        assert_eq!(union_minutes([], 0, M), 0.0);
    }

    #[test]
    fn minutes_within_is_the_overlap() {
        let i = Impact {
            incident_id: "x".into(),
            team: "t".into(),
            service: None,
            severity: "SEV1".into(),
            start: 10 * M,
            end: 70 * M,
            start_used: DETECTED_AT.into(),
            end_used: RESOLVED_AT.into(),
            excluded: None,
        };
        assert_eq!(i.minutes(), 60.0);
        assert_eq!(i.minutes_within(40 * M, 100 * M), 30.0);
        assert_eq!(i.minutes_within(80 * M, 100 * M), 0.0);
        assert_eq!(i.instants_used(), "detected_at -> resolved_at");
        assert!(!i.open());
    }
}
