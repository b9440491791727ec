//! Section 3 of a team's weekly report: time to acknowledge and time to resolve per severity (never
//! pooled), with n, the open ones, the median with its interval or "too few to bound", and the p90
//! or the labelled maximum, all from the `tta` and `ttr` tables; strip charts of the incidents'
//! durations (open incidents hollow); and the comparison with the previous four weeks.
//!
//! The comparison is `--compare previous`'s, read from its tables (`tta_compare`, `ttr_compare`)
//! rather than recomputed: the closed durations of this week against its baseline, the four weeks
//! before it (`metrics::baseline`), per severity, with the Hodges-Lehmann verdict and the
//! smallest detectable change. Open incidents are left out of it (their time so far is only a
//! lower bound) and counted.

use serde::Serialize;

use super::compute::Computed;
use super::fmt::{NONE, Tbl, dur, dur_range, ratio, slice};
use crate::error::Result;
use crate::metrics::stats::Verdict;
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
    /// Against the baseline, as `ttr_compare` words it; `None` with too few closed incidents.
    pub verdict: Option<String>,
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

/// A severity and its TTR verdict words.
type Verdicts = (String, String);

/// Every severity of `team` with a duration this week, sorted.
fn severities(c: &Computed, team: &str) -> Vec<String> {
    let mut s: Vec<String> = c
        .durations
        .keys()
        .filter(|k| k.0 == team)
        .map(|k| k.1.clone())
        .collect();
    s.sort();
    s.dedup();
    s
}

/// The comparisons of `tta_compare` and `ttr_compare` (this week against its baseline), read as
/// `metrics --compare previous` prints them; the TTR verdict per severity for the headline.
fn compare_table(c: &Computed, team: &str) -> Result<(TableView, String, Vec<Verdicts>)> {
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
    let tables = [
        (slice(&c.tta_compare, team)?, "TTA"),
        (slice(&c.ttr_compare, team)?, "TTR"),
    ];
    let mut sevs: Vec<String> = tables
        .iter()
        .flat_map(|t| t.0.distinct("severity"))
        .collect();
    sevs.sort();
    sevs.dedup();
    let mut ttr = vec![];
    let mut thin = vec![];
    for sev in sevs {
        for (cmp, label) in &tables {
            let Some(r) = cmp.find("severity", &sev) else {
                continue;
            };
            let (n, n_prev) = (cmp.u("n", r), cmp.u("n_previous", r));
            let verdict = cmp.s("verdict", r);
            let insufficient = verdict == Verdict::InsufficientData.to_string();
            if *label == "TTR" && !insufficient {
                ttr.push((sev.clone(), verdict.clone()));
            }
            if insufficient {
                thin.push(format!("{sev} {label} ({n} vs {n_prev})"));
                continue;
            }
            t.push(vec![
                sev.clone(),
                label.to_string(),
                n.to_string(),
                n_prev.to_string(),
                dur(cmp.f("median_min", r)),
                dur(cmp.f("median_previous_min", r)),
                verdict,
                ratio(cmp.f("smallest_detectable_change", r)),
                cmp.u("open_left_out", r).to_string(),
            ]);
        }
    }
    if t.rows.is_empty() && !thin.is_empty() {
        t.empty = "No severity had enough closed incidents for a comparison.".into();
    }
    let thin = too_few_to_compare("this week vs the previous four", &thin);
    Ok((t, thin, ttr))
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
    let (compare, compare_thin, verdicts) = compare_table(c, team)?;
    let mut facts = vec![];
    for sev in &sevs {
        if let Some(r) = ttr.find("severity", sev) {
            let verdict = verdicts.iter().find(|v| &v.0 == sev).map(|v| v.1.clone());
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
