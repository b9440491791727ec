//! Section 2 of a team's weekly report: incidents by severity this week against the previous four
//! weeks' weekly average, what was still open when the week ended, and the twelve-week count
//! trend as an XmR chart with its signals in words.
//!
//! The count verdict is the exact conditional binomial test of two rates (`stats::
//! binomial_test_rates`): this week's count over one week against the previous four weeks' count
//! over four. Both counts are uncertain, and the test treats them so: one incident after a quiet
//! month is p = 0.2, not "more". "More" or "fewer" only when p < 0.05, else "no detectable
//! change". The baseline's weekly rate is shown with its exact Poisson interval (the four-week
//! count's, divided by four).

use super::compute::{BASELINE_WEEKS, Computed};
use super::fmt::{NONE, Tbl, avg, int, plural, slice};
use crate::error::Result;
use crate::metrics::stats;
use crate::report::charts::{XmrChart, XmrPoint};
use crate::report::{ChartView, TableView};

/// The count verdict of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    More,
    Fewer,
    Steady,
}

impl Change {
    pub fn words(self) -> &'static str {
        match self {
            Change::More => "more",
            Change::Fewer => "fewer",
            Change::Steady => "no detectable change",
        }
    }
}

/// One severity's counts (or all severities' in `total`).
#[derive(Debug, Clone)]
pub struct SevCount {
    pub severity: String,
    pub n: u64,
    pub low: f64,
    pub high: f64,
    /// Incidents in the whole baseline (four weeks).
    pub baseline: u64,
    /// The exact Poisson 95% interval of the baseline's weekly rate.
    pub base_low: f64,
    pub base_high: f64,
    pub change: Change,
    pub open_of_week: u64,
    pub open_any: u64,
    pub excluded: u64,
}

impl SevCount {
    fn zero(severity: &str) -> SevCount {
        SevCount {
            severity: severity.into(),
            n: 0,
            low: 0.0,
            high: 0.0,
            baseline: 0,
            base_low: 0.0,
            base_high: 0.0,
            change: Change::Steady,
            open_of_week: 0,
            open_any: 0,
            excluded: 0,
        }
    }

    pub fn weekly_average(&self) -> f64 {
        self.baseline as f64 / BASELINE_WEEKS as f64
    }
}

/// The baseline's weekly-rate interval, and the verdict on `n` this week against `baseline` over
/// the previous four weeks.
pub fn change(n: u64, baseline: u64) -> (f64, f64, Change) {
    let (lo, hi) = stats::poisson_exact(baseline);
    let weeks = BASELINE_WEEKS as f64;
    let p = stats::binomial_test_rates(n, 1.0, baseline, weeks);
    let c = if p >= COUNT_ALPHA {
        Change::Steady
    } else if n as f64 > baseline as f64 / weeks {
        Change::More
    } else {
        Change::Fewer
    };
    (lo / weeks, hi / weeks, c)
}

/// A count change is called only at this two-sided significance.
const COUNT_ALPHA: f64 = 0.05;

/// The section's figures, for the tables and the headline.
pub struct Counts {
    pub rows: Vec<SevCount>,
    pub total: SevCount,
}

/// Counts per severity of one team.
pub fn counts(c: &Computed, team: &str) -> Result<Counts> {
    let now = slice(&c.counts, team)?;
    let base = slice(&c.baseline_counts, team)?;
    let end = slice(&c.open_at_end, team)?;
    let week = c.week.label();
    let mut sevs = now.distinct("severity");
    sevs.extend(base.distinct("severity"));
    sevs.extend(end.distinct("severity"));
    sevs.sort();
    sevs.dedup();
    let mut rows = vec![];
    for sev in sevs {
        let r = now.find("severity", &sev);
        let n = r.map_or(0, |r| now.u("incidents", r));
        let (low, high) = match r {
            Some(r) => (
                now.f("incidents_low", r).unwrap_or(0.0),
                now.f("incidents_high", r).unwrap_or(0.0),
            ),
            None => stats::poisson_exact(0),
        };
        let baseline = base
            .find("severity", &sev)
            .map_or(0, |r| base.u("incidents", r));
        let (mut open_of_week, mut open_any) = (0, 0);
        for r in end.rows_where("severity", &sev) {
            let open = end.u("open", r);
            open_any += open;
            if end.s("week", r) == week {
                open_of_week += open;
            }
        }
        // Open incidents of the backlog with no count this week or in the baseline still get a
        // row; a severity with nothing at all does not.
        if n + baseline + open_any == 0 && r.is_none() {
            continue;
        }
        let (base_low, base_high, change) = change(n, baseline);
        rows.push(SevCount {
            severity: sev,
            n,
            low,
            high,
            baseline,
            base_low,
            base_high,
            change,
            open_of_week,
            open_any,
            excluded: r.map_or(0, |r| now.u("excluded", r)),
        });
    }
    let total = with_test(SevCount {
        severity: "All severities".into(),
        n: rows.iter().map(|r| r.n).sum(),
        baseline: rows.iter().map(|r| r.baseline).sum(),
        open_of_week: rows.iter().map(|r| r.open_of_week).sum(),
        open_any: rows.iter().map(|r| r.open_any).sum(),
        excluded: rows.iter().map(|r| r.excluded).sum(),
        ..SevCount::zero("")
    });
    Ok(Counts { rows, total })
}

/// The counts as a table, the total last.
pub fn table(counts: &Counts) -> TableView {
    let mut t = TableView::new(
        &[
            ("Severity", false),
            ("Incidents", true),
            ("95% interval", true),
            ("Previous 4 weeks, per week", true),
            ("Change", false),
            ("Open at week end: of this week's", true),
            ("Open at week end: all", true),
            ("Excluded", true),
        ],
        "No incidents this week, in the previous four weeks or open at the week's end.",
    );
    if counts.rows.is_empty() {
        return t;
    }
    for r in counts.rows.iter().chain(std::iter::once(&counts.total)) {
        t.push(vec![
            r.severity.clone(),
            int(r.n),
            format!("{:.1}–{:.1}", r.low, r.high),
            avg(r.weekly_average()),
            r.change.words().into(),
            int(r.open_of_week),
            int(r.open_any),
            int(r.excluded),
        ]);
    }
    t
}

/// The weekly counts of the trend weeks (0 for a week without incidents), in week order.
fn weekly_series(c: &Computed, team: &str) -> Result<Vec<(String, f64)>> {
    let w: Tbl = slice(&c.weekly, team)?;
    Ok(c.trend
        .weeks()
        .into_iter()
        .map(|label| {
            let n = w.find("week", &label).map_or(0, |r| w.u("incidents", r));
            (label, n as f64)
        })
        .collect())
}

/// The XmR chart of weekly counts and the sentences that call out its signals.
pub fn trend(c: &Computed, team: &str, slug: &str, png: bool) -> Result<(ChartView, Vec<String>)> {
    let series = weekly_series(c, team)?;
    let values: Vec<f64> = series.iter().map(|s| s.1).collect();
    let x = stats::xmr(&values);
    let mut chart = XmrChart {
        title: format!("Incidents per week, {team}"),
        period_label: "ISO week (UTC)".into(),
        value_label: "incidents per week".into(),
        points: series
            .iter()
            .map(|(p, v)| XmrPoint {
                period: p.clone(),
                value: *v,
            })
            .collect(),
        centre: f64::NAN,
        lower: f64::NAN,
        upper: f64::NAN,
    };
    let mut words = vec![];
    match &x {
        Some(x) => {
            chart.centre = x.mean;
            chart.lower = x.lower;
            chart.upper = x.upper;
            let limits = format!(
                "mean {} a week, natural process limits {} to {}",
                avg(x.mean),
                avg(x.lower.max(0.0)),
                avg(x.upper)
            );
            if x.signals.is_empty() {
                words.push(format!(
                    "No week of the last {} lies outside the limits ({limits}): the variation \
                     is routine.",
                    series.len()
                ));
            }
            for &i in &x.signals {
                let (label, v) = &series[i];
                let side = if *v > x.upper { "above" } else { "below" };
                words.push(format!(
                    "Signal: {label} had {}, {side} the limits ({limits}).",
                    plural(*v as u64, "incident", "incidents")
                ));
            }
        }
        None => words.push(format!(
            "Too few weeks for process limits (XmR needs {}).",
            stats::MIN_XMR_POINTS
        )),
    }
    let caption = format!(
        "Incidents per ISO week (UTC) over the last {} weeks, with the XmR centre line and \
         natural process limits; weeks without incidents count as 0.",
        series.len()
    );
    let view = ChartView::draw(
        &format!("{slug}-incidents-xmr"),
        &caption,
        &chart.into(),
        png,
    )?;
    Ok((view, words))
}

/// "1 SEV2, 3 SEV3" for the headline; the en dash when there are none.
pub fn by_severity_words(counts: &Counts) -> String {
    let parts: Vec<String> = counts
        .rows
        .iter()
        .filter(|r| r.n > 0)
        .map(|r| format!("{} {}", int(r.n), r.severity))
        .collect();
    if parts.is_empty() {
        NONE.into()
    } else {
        parts.join(", ")
    }
}

/// A row with its intervals and verdict computed from its counts (for sums of rows).
fn with_test(mut r: SevCount) -> SevCount {
    (r.low, r.high) = stats::poisson_exact(r.n);
    (r.base_low, r.base_high, r.change) = change(r.n, r.baseline);
    r
}

/// The organisation's counts: every team's rows summed by severity, with the Poisson interval
/// and the verdict of each sum.
pub fn org_counts(teams: &[&Counts]) -> Counts {
    let mut by: std::collections::BTreeMap<String, SevCount> = Default::default();
    for c in teams {
        for r in &c.rows {
            let e = by
                .entry(r.severity.clone())
                .or_insert_with(|| SevCount::zero(&r.severity));
            e.n += r.n;
            e.baseline += r.baseline;
            e.open_of_week += r.open_of_week;
            e.open_any += r.open_any;
            e.excluded += r.excluded;
        }
    }
    let rows: Vec<SevCount> = by.into_values().map(with_test).collect();
    let total = with_test(SevCount {
        severity: "All severities".into(),
        n: rows.iter().map(|r| r.n).sum(),
        baseline: rows.iter().map(|r| r.baseline).sum(),
        open_of_week: rows.iter().map(|r| r.open_of_week).sum(),
        open_any: rows.iter().map(|r| r.open_any).sum(),
        excluded: rows.iter().map(|r| r.excluded).sum(),
        ..SevCount::zero("")
    });
    Counts { rows, total }
}
