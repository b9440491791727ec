//! One duration metric's summary per group (`metric_table`): n, open, excluded and not measured
//! with their reasons, the start instants used, the median (Kaplan-Meier when any incident is
//! open) with its exact interval, the p90 or the labelled maximum, the skew-sensitive mean, and
//! XmR limits by week; and the listing of negative durations (`negative_table`).

use polars::prelude::*;

use super::Metric;
use super::group::{MIN, Rows, by_words, frame, key_columns, reasons, weekly_xmr, xmr_columns};
use crate::error::Result;
use crate::metrics::catalogue::TableId;
use crate::metrics::scope::{Dim, Scope};
use crate::metrics::stats::{self, TailKind};
use crate::metrics::table::{Family, MetricTable, dim_names};

/// One duration metric's summary per group, in minutes.
pub fn metric_table(rows: &Rows, metric: Metric, by: &[Dim], scope: &Scope) -> Result<MetricTable> {
    let groups = rows.groups(metric, by);
    let keys: Vec<_> = groups.keys().cloned().collect();
    let mut c = Summary::default();
    for idx in groups.values() {
        c.push(rows, idx);
    }
    let xmr = weekly_xmr(by, &keys, &c.median_s);
    let mut cols = key_columns(by, &keys);
    cols.extend(c.into_columns());
    if by.contains(&Dim::Week) {
        cols.extend(xmr_columns(&xmr, "_min"));
    }
    Ok(MetricTable {
        family: Family::Durations,
        id: TableId::Duration(metric),
        title: format!("{} by {}", metric.title(), by_words(by)),
        dims: dim_names(by),
        frame: frame(cols)?,
        notes: vec![
            format!("{}: {}.", metric.code().to_uppercase(), metric.definition()),
            format!(
                "n counts measured and open incidents; open incidents are censored at {} and the \
                 median is then the Kaplan-Meier median. The median's interval is the exact 95% \
                 order-statistic interval (n >= 6, else too few to bound); p90 needs n >= 29, \
                 else the maximum is shown. The mean is skew-sensitive.",
                scope.as_of.format("%Y-%m-%dT%H:%M:%SZ")
            ),
        ],
    })
}

/// The summary columns of `metric_table`, filled group by group.
#[derive(Default)]
struct Summary {
    n: Vec<u64>,
    n_open: Vec<u64>,
    n_excluded: Vec<u64>,
    n_not_measured: Vec<u64>,
    not_measured: Vec<Option<String>>,
    start_impact: Vec<u64>,
    start_detected: Vec<u64>,
    median_s: Vec<Option<f64>>,
    method: Vec<Option<&'static str>>,
    low: Vec<Option<f64>>,
    high: Vec<Option<f64>>,
    interval: Vec<Option<&'static str>>,
    tail: Vec<Option<f64>>,
    tail_kind: Vec<Option<&'static str>>,
    mean: Vec<Option<f64>>,
}

impl Summary {
    fn push(&mut self, rows: &Rows, idx: &[usize]) {
        let (xs, cens) = rows.measured(idx);
        let measured: Vec<usize> = idx
            .iter()
            .copied()
            .filter(|&i| rows.not_measured[i].is_none())
            .collect();
        let excluded = idx.iter().filter(|&&i| rows.excluded[i].is_some()).count();
        self.n.push(xs.len() as u64);
        self.n_open.push(cens.iter().filter(|c| **c).count() as u64);
        self.n_excluded.push(excluded as u64);
        self.n_not_measured
            .push((idx.len() - measured.len() - excluded) as u64);
        self.not_measured.push(reasons(
            idx.iter()
                .filter(|&&i| rows.excluded[i].is_none())
                .filter_map(|&i| rows.not_measured[i].as_deref()),
        ));
        let start = |w: &str| {
            measured
                .iter()
                .filter(|&&i| rows.start_used[i].as_deref() == Some(w))
                .count() as u64
        };
        self.start_impact.push(start("impact"));
        self.start_detected.push(start("detected"));
        let any_open = cens.iter().any(|c| *c);
        self.median_s.push(stats::group_median(&xs, &cens));
        self.method.push((!xs.is_empty()).then_some(if any_open {
            "Kaplan-Meier"
        } else {
            "sample"
        }));
        let est = stats::median_estimate(&xs);
        let ci = est.and_then(|e| e.ci);
        self.low.push(ci.map(|c| c.low / MIN));
        self.high.push(ci.map(|c| c.high / MIN));
        self.interval.push(match (xs.is_empty(), ci) {
            (true, _) => None,
            (false, Some(_)) => Some("95%"),
            (false, None) => Some("too few to bound"),
        });
        let tail = stats::p90(&xs);
        self.tail.push(tail.map(|t| t.value / MIN));
        self.tail_kind.push(tail.map(|t| match t.kind {
            TailKind::P90 => "p90",
            TailKind::Maximum => "maximum",
        }));
        self.mean
            .push((!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64 / MIN));
    }

    fn into_columns(self) -> Vec<Column> {
        vec![
            Column::new("n".into(), self.n),
            Column::new("n_open".into(), self.n_open),
            Column::new("n_excluded".into(), self.n_excluded),
            Column::new("n_not_measured".into(), self.n_not_measured),
            Column::new("not_measured".into(), self.not_measured),
            Column::new("start_impact".into(), self.start_impact),
            Column::new("start_detected".into(), self.start_detected),
            Column::new(
                "median_min".into(),
                self.median_s
                    .iter()
                    .map(|m| m.map(|v| v / MIN))
                    .collect::<Vec<_>>(),
            ),
            Column::new("median_method".into(), self.method),
            Column::new("median_low_min".into(), self.low),
            Column::new("median_high_min".into(), self.high),
            Column::new("median_interval".into(), self.interval),
            Column::new("p90_min".into(), self.tail),
            Column::new("p90_kind".into(), self.tail_kind),
            Column::new("mean_skew_sensitive_min".into(), self.mean),
        ]
    }
}

/// Every negative duration in scope: a data error listed for the quality section, never clamped.
pub fn negative_table(rows: &Rows) -> Result<MetricTable> {
    let idx: Vec<usize> = (0..rows.metric.len())
        .filter(|&i| {
            rows.not_measured[i].as_deref() == Some("negative duration (end before start)")
        })
        .collect();
    let pick = |v: &Vec<Option<String>>| idx.iter().map(|&i| v[i].clone()).collect::<Vec<_>>();
    let cols = vec![
        Column::new(
            "incident_id".into(),
            idx.iter()
                .map(|&i| rows.incident_id[i].clone())
                .collect::<Vec<_>>(),
        ),
        Column::new("team".into(), pick(&rows.team)),
        Column::new(
            "metric".into(),
            idx.iter()
                .map(|&i| rows.metric[i].clone())
                .collect::<Vec<_>>(),
        ),
        Column::new("start_used".into(), pick(&rows.start_used)),
        Column::new(
            "seconds".into(),
            idx.iter().map(|&i| rows.seconds[i]).collect::<Vec<_>>(),
        ),
    ];
    Ok(MetricTable {
        family: Family::Durations,
        id: TableId::NegativeDurations,
        title: "Negative durations (data errors, excluded from their metric)".into(),
        dims: vec![],
        frame: frame(cols)?,
        notes: vec![
            "An end before its start is a data error: the incident is left out of that \
                     metric, never clamped to 0."
                .into(),
        ],
    })
}
