//! Section 3 of a team's weekly report: time to acknowledge and time to resolve per severity (never
//! pooled), with n, the open ones, the median with its interval or "too few to bound", and the p90
//! or the labelled maximum, all from the `tta` and `ttr` tables; strip charts of the incidents'
//! durations (open incidents hollow); and the comparison with the previous four weeks.
//!
//! The comparison is `--compare`'s method on other scopes: the closed durations of this week and
//! of the four weeks before it, per severity, through `stats::verdict` (Hodges-Lehmann interval of
//! the ratio) and `stats::smallest_detectable_change`. Open incidents are left out of it (their
//! time so far is only a lower bound) and counted.

use serde::Serialize;

use super::compute::{Computed, Durations};
use super::fmt::{NONE, Tbl, dur, dur_range, factor, slice};
use crate::error::Result;
use crate::metrics::stats::{self, Verdict};
use crate::report::charts::{StripChart, StripGroup, StripValue};
use crate::report::view::too_few_to_compare;
use crate::report::{ChartView, TableView};

const MIN: f64 = 60.0;
const MEASURES: [(&str, &str); 2] = [("tta", "TTA"), ("ttr", "TTR")];

/// What the headline says about time to resolve, per severity.
pub struct TtrFact {
    pub severity: String,
    pub n: u64,
    pub median_min: Option<f64>,
    pub low_min: Option<f64>,
    pub high_min: Option<f64>,
    pub verdict: Verdict,
}

/// The section's tables and charts.
#[derive(Serialize)]
pub struct DurationsView {
    pub summary: TableView,
    pub strips: Vec<ChartView>,
    /// The comparisons with a verdict; the rest are named in `compare_thin`.
    pub compare: TableView,
    /// One sentence naming the severities and measures with too few closed incidents to
    /// compare (empty when there are none): a row each said "insufficient data" many times.
    pub compare_thin: String,
}

fn summary_row(t: &Tbl, r: usize, measure: &str) -> Vec<String> {
    let mut median = dur(t.f("median_min", r));
    if t.s("median_method", r) == "Kaplan-Meier" {
        median.push_str(" (Kaplan-Meier)");
    }
    let interval = match t.s("median_interval", r).as_str() {
        "95%" => dur_range(t.f("median_low_min", r), t.f("median_high_min", r)),
        "" => NONE.into(),
        words => words.to_string(),
    };
    let tail = match (t.s("p90_kind", r).as_str(), t.f("p90_min", r)) {
        ("p90", v) => format!("p90 {}", dur(v)),
        ("maximum", v) => format!("max {}", dur(v)),
        _ => NONE.into(),
    };
    // The reasons carry their counts ("1 resolved without acknowledgement").
    let not_measured = match t.u("n_not_measured", r) {
        0 => "0".to_string(),
        _ => t.s("not_measured", r),
    };
    vec![
        t.s("severity", r),
        measure.to_string(),
        t.u("n", r).to_string(),
        t.u("n_open", r).to_string(),
        median,
        interval,
        tail,
        not_measured,
    ]
}

fn closed(d: &Durations, key: &(String, String, String)) -> (Vec<f64>, usize) {
    let v = d.get(key).map(Vec::as_slice).unwrap_or_default();
    let closed = v.iter().filter(|x| !x.1).map(|x| x.0).collect();
    (closed, v.iter().filter(|x| x.1).count())
}

/// Every severity of `team` with a duration in either scope, sorted.
fn severities(c: &Computed, team: &str) -> Vec<String> {
    let mut s: Vec<String> = c
        .durations
        .keys()
        .chain(c.baseline_durations.keys())
        .filter(|k| k.0 == team)
        .map(|k| k.1.clone())
        .collect();
    s.sort();
    s.dedup();
    s
}

fn compare_table(c: &Computed, team: &str) -> (TableView, String, Vec<(String, Verdict)>) {
    let mut t = TableView::new(
        &[
            ("Severity", false),
            ("Measure", false),
            ("Closed this week", true),
            ("Closed, previous 4 weeks", true),
            ("Median this week", true),
            ("Median, previous 4 weeks", true),
            ("Verdict", false),
            ("Smallest detectable change", true),
            ("Open, left out", true),
        ],
        "No incident this week or in the previous four weeks to compare.",
    );
    let mut ttr = vec![];
    let mut thin = vec![];
    for sev in severities(c, team) {
        for (code, label) in MEASURES {
            let key = (team.to_string(), sev.clone(), code.to_string());
            let (a, oa) = closed(&c.durations, &key);
            let (b, ob) = closed(&c.baseline_durations, &key);
            let v = stats::verdict(&a, &b);
            if code == "ttr" {
                ttr.push((sev.clone(), v));
            }
            if v == Verdict::InsufficientData {
                thin.push(format!("{sev} {label} ({} vs {})", a.len(), b.len()));
                continue;
            }
            t.push(vec![
                sev.clone(),
                label.into(),
                a.len().to_string(),
                b.len().to_string(),
                dur(stats::median(&a).map(|m| m / MIN)),
                dur(stats::median(&b).map(|m| m / MIN)),
                v.to_string(),
                factor(stats::smallest_detectable_change(&a, &b)),
                (oa + ob).to_string(),
            ]);
        }
    }
    if t.rows.is_empty() && !thin.is_empty() {
        t.empty = "No severity had enough closed incidents for a comparison.".into();
    }
    let thin = too_few_to_compare("this week vs the previous four", &thin);
    (t, thin, ttr)
}

fn strip(c: &Computed, team: &str, code: &str, label: &str) -> StripChart {
    let groups = severities(c, team)
        .into_iter()
        .map(|sev| {
            let key = (team.to_string(), sev.clone(), code.to_string());
            let values = c
                .durations
                .get(&key)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|&(s, open)| StripValue {
                    minutes: s / MIN,
                    open,
                })
                .collect();
            StripGroup { name: sev, values }
        })
        .filter(|g| !g.values.is_empty())
        .collect();
    StripChart {
        title: format!("{label} by severity, {team}, {}", c.week.label()),
        measure: label.into(),
        group_label: "severity".into(),
        groups,
    }
}

/// The section, and the facts the headline quotes.
pub fn section(
    c: &Computed,
    team: &str,
    slug: &str,
    png: bool,
) -> Result<(DurationsView, Vec<TtrFact>)> {
    let tta = slice(&c.tta, team)?;
    let ttr = slice(&c.ttr, team)?;
    let mut summary = TableView::new(
        &[
            ("Severity", false),
            ("Measure", false),
            ("n", true),
            ("Open", true),
            ("Median", true),
            ("95% interval", true),
            ("p90 or maximum", true),
            ("Not measured", false),
        ],
        "No incident this week.",
    );
    let mut sevs = tta.distinct("severity");
    sevs.extend(ttr.distinct("severity"));
    sevs.sort();
    sevs.dedup();
    for sev in &sevs {
        for (t, label) in [(&tta, "TTA"), (&ttr, "TTR")] {
            if let Some(r) = t.find("severity", sev) {
                summary.push(summary_row(t, r, label));
            }
        }
    }
    let (compare, compare_thin, verdicts) = compare_table(c, team);
    let mut facts = vec![];
    for sev in &sevs {
        if let Some(r) = ttr.find("severity", sev) {
            let verdict = verdicts
                .iter()
                .find(|v| &v.0 == sev)
                .map_or(Verdict::InsufficientData, |v| v.1);
            let bounded = ttr.s("median_interval", r) == "95%";
            facts.push(TtrFact {
                severity: sev.clone(),
                n: ttr.u("n", r),
                median_min: ttr.f("median_min", r),
                low_min: ttr.f("median_low_min", r).filter(|_| bounded),
                high_min: ttr.f("median_high_min", r).filter(|_| bounded),
                verdict,
            });
        }
    }
    let mut strips = vec![];
    for (code, label) in MEASURES {
        // A week without incidents has nothing to plot; the table above says so.
        if sevs.is_empty() {
            break;
        }
        let chart = strip(c, team, code, label);
        let caption = format!(
            "{label} of each incident of the week by severity (log scale). Hollow points are \
             incidents still open at the as-of time: their duration so far is a lower bound. \
             A box (quartiles) is drawn once a severity has enough closed incidents."
        );
        strips.push(ChartView::draw(
            &format!("{slug}-{code}-strip"),
            &caption,
            &chart.into(),
            png,
        )?);
    }
    Ok((
        DurationsView {
            summary,
            strips,
            compare,
            compare_thin,
        },
        facts,
    ))
}
