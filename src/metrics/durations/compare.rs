//! Period over period (`--compare previous`): this period's durations against its baseline
//! (`Period::previous`, in `metrics::baseline`: for one ISO week the 4 weeks before it, as the
//! weekly report reads them from here), per group, with the Hodges-Lehmann ratio, its distribution-free
//! interval, the Mann-Whitney p-value, the verdict words and the smallest change the data could
//! have detected; and the counts, with exact Poisson intervals and the conditional binomial test.
//!
//! Only closed durations are compared: an open incident's time so far is a lower bound, and the
//! rank tests have no place for it. The table says how many open incidents were left out.

use std::collections::BTreeSet;

use polars::prelude::*;

use super::Metric;
use super::group::{Rows, by_words, frame, key_columns};
use crate::error::Result;
use crate::metrics::catalogue::TableId;
use crate::metrics::scope::{Dim, Scope};
use crate::metrics::stats::{self, Verdict};
use crate::metrics::table::{Family, MetricTable, dim_names};

/// The union of both periods' group keys, so a group present in only one still shows.
type Key = Vec<Option<String>>;
type Groups = std::collections::BTreeMap<Key, Vec<usize>>;

fn union_keys(a: &Rows, b: &Rows, metric: Metric, by: &[Dim]) -> (Vec<Key>, Groups, Groups) {
    let ga = a.groups(metric, by);
    let gb = b.groups(metric, by);
    let keys: BTreeSet<_> = ga.keys().chain(gb.keys()).cloned().collect();
    (keys.into_iter().collect(), ga, gb)
}

fn closed(rows: &Rows, idx: Option<&Vec<usize>>) -> (Vec<f64>, usize) {
    let Some(idx) = idx else {
        return (vec![], 0);
    };
    let (xs, cens) = rows.measured(idx);
    let open = cens.iter().filter(|c| **c).count();
    let closed = xs
        .into_iter()
        .zip(cens)
        .filter(|(_, c)| !c)
        .map(|(x, _)| x)
        .collect();
    (closed, open)
}

/// One metric's comparison per group.
pub fn metric_compare(
    current: &Rows,
    previous: &Rows,
    metric: Metric,
    by: &[Dim],
    scope: &Scope,
) -> Result<MetricTable> {
    let (keys, ga, gb) = union_keys(current, previous, metric, by);
    let mut n = vec![];
    let mut n_prev = vec![];
    let mut open_left_out = vec![];
    let mut med = vec![];
    let mut med_prev = vec![];
    let mut ratio = vec![];
    let mut low = vec![];
    let mut high = vec![];
    let mut p = vec![];
    let mut verdict = vec![];
    let mut sdc = vec![];
    for k in &keys {
        let (a, oa) = closed(current, ga.get(k));
        let (b, ob) = closed(previous, gb.get(k));
        n.push(a.len() as u64);
        n_prev.push(b.len() as u64);
        open_left_out.push((oa + ob) as u64);
        med.push(stats::median(&a).map(|m| m / 60.0));
        med_prev.push(stats::median(&b).map(|m| m / 60.0));
        let v = scope.judge_durations(stats::verdict(&a, &b));
        let hl = (v != Verdict::InsufficientData)
            .then(|| stats::hodges_lehmann_ratio(&a, &b))
            .flatten();
        ratio.push(hl.map(|h| h.ratio));
        low.push(hl.map(|h| h.low));
        high.push(hl.map(|h| h.high));
        p.push(hl.map(|h| h.p_value));
        verdict.push(v.to_string());
        sdc.push(stats::smallest_detectable_change(&a, &b));
    }
    let mut cols = key_columns(by, &keys);
    cols.extend([
        Column::new("n".into(), n),
        Column::new("n_previous".into(), n_prev),
        Column::new("open_left_out".into(), open_left_out),
        Column::new("median_min".into(), med),
        Column::new("median_previous_min".into(), med_prev),
        Column::new("ratio".into(), ratio),
        Column::new("ratio_low".into(), low),
        Column::new("ratio_high".into(), high),
        Column::new("p_value".into(), p),
        Column::new("verdict".into(), verdict),
        Column::new("smallest_detectable_change".into(), sdc),
    ]);
    Ok(MetricTable {
        family: Family::Durations,
        id: TableId::DurationCompare(metric),
        title: format!(
            "{}: {} against {}, by {}",
            metric.title(),
            scope.period.label(),
            scope.period.previous_words(),
            by_words(by)
        ),
        dims: dim_names(by),
        frame: frame(cols)?,
        notes: vec![
            "ratio: Hodges-Lehmann estimate of this period's durations over the previous \
             period's (0.5 = half as long), with its distribution-free 95% interval and the \
             Mann-Whitney p-value. Verdict: shorter or longer only when the whole interval is \
             below or above 1; insufficient data below 8 closed incidents in either period."
                .into(),
            "smallest_detectable_change: exp(2.80 s sqrt(1/n1 + 1/n2)), s the pooled standard \
             deviation of log durations: changes smaller than this factor could not have been \
             seen. Open incidents are left out of the comparison."
                .into(),
        ]
        .into_iter()
        .chain(scope.not_judged_words())
        .collect(),
    })
}

/// Incident counts per group in both periods, with the exact Poisson interval of each and the
/// conditional binomial test of their ratio.
pub fn counts_compare(
    current: &Rows,
    previous: &Rows,
    by: &[Dim],
    scope: &Scope,
) -> Result<MetricTable> {
    let (keys, ga, gb) = union_keys(current, previous, Metric::Ttr, by);
    let count = |rows: &Rows, idx: Option<&Vec<usize>>| {
        idx.map_or(0, |v| {
            v.iter().filter(|&&i| rows.excluded[i].is_none()).count()
        }) as u64
    };
    let (days, prev_days) = (scope.period.days(), scope.period.previous().days());
    // The previous count scaled to this period's length: "2.75 a week" over a 4-week baseline.
    let scale = days / prev_days;
    let mut cols_n = vec![];
    let mut cols_np = vec![];
    let (mut lo, mut hi, mut plo, mut phi, mut pv, mut verdict) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    let (mut rate, mut rate_lo, mut rate_hi) = (vec![], vec![], vec![]);
    for k in &keys {
        let (a, b) = (count(current, ga.get(k)), count(previous, gb.get(k)));
        let (l, h) = stats::poisson_exact(a);
        let (pl, ph) = stats::poisson_exact(b);
        // Periods differ in length (a week against 4, Q3's 92 days against Q2's 91): compare
        // rates, not counts.
        let (p, change) = stats::count_change(a, days, b, prev_days);
        let change = scope.judge_count(change);
        cols_n.push(a);
        cols_np.push(b);
        lo.push(l);
        hi.push(h);
        plo.push(pl);
        phi.push(ph);
        rate.push(b as f64 * scale);
        rate_lo.push(pl * scale);
        rate_hi.push(ph * scale);
        pv.push(p);
        verdict.push(change.words());
    }
    let mut cols = key_columns(by, &keys);
    cols.extend([
        Column::new("incidents".into(), cols_n),
        Column::new("incidents_low".into(), lo),
        Column::new("incidents_high".into(), hi),
        Column::new("incidents_previous".into(), cols_np),
        Column::new("incidents_previous_low".into(), plo),
        Column::new("incidents_previous_high".into(), phi),
        Column::new("incidents_previous_scaled".into(), rate),
        Column::new("incidents_previous_scaled_low".into(), rate_lo),
        Column::new("incidents_previous_scaled_high".into(), rate_hi),
        Column::new("p_value".into(), pv),
        Column::new("verdict".into(), verdict),
    ]);
    Ok(MetricTable {
        family: Family::Durations,
        id: TableId::IncidentsCompare,
        title: format!(
            "Incidents: {} against {}, by {}",
            scope.period.label(),
            scope.period.previous_words(),
            by_words(by)
        ),
        dims: dim_names(by),
        frame: frame(cols)?,
        notes: vec![
            format!(
                "Baseline: {}, the same the reports use (one ISO week against the {} weeks \
                 before it, whole months against as many months before, else the same length).",
                scope.period.previous_words(),
                crate::metrics::baseline::BASELINE_WEEKS
            ),
            format!(
                "Exact Poisson 95% intervals per period; incidents_previous_scaled (with _low, \
                 _high): the previous count and its interval scaled to this period's length \
                 (per week for a week); p_value: the conditional binomial test of the two rates; \
                 more or fewer only when p < {}.",
                stats::COUNT_ALPHA
            ),
        ]
        .into_iter()
        .chain(scope.not_judged_words())
        .collect(),
    })
}
