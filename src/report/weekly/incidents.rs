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
//!
//! Every figure here is a metrics fact: the rows of `incidents_compare`, the test of their sums
//! (`metrics::durations::weekly::CountTest`) and the weekly series with its limits
//! (`WeeklyTrend`). This file lays them out as a table, a chart and sentences.

use super::compute::{BASELINE_WEEKS, Computed};
use super::fmt::{NONE, avg, int, plural, slice};
use super::signal::{Limits, change_cell, verdict_words};
use crate::error::Result;
use crate::metrics::durations::cols as durations_cols;
use crate::metrics::durations::weekly::{CountTest, WeeklyTrend, baseline_change};
use crate::metrics::stats;
use crate::metrics::table::WEEK;
use crate::model::columns::SEVERITY;
use crate::report::charts::{XmrChart, XmrPoint};
use crate::report::{ChartView, TableView};

/// The count verdict of one row: the metrics' (`stats::count_change`).
pub use crate::metrics::stats::CountChange as Change;

/// One severity's counts (or all severities' in `total`): the metrics' test of this week's
/// count against the baseline's, and what was open at the week's end.
#[derive(Debug, Clone)]
pub struct SevCount {
    pub severity: String,
    pub test: CountTest,
    pub open_of_week: u64,
    pub open_any: u64,
    pub excluded: u64,
}

impl SevCount {
    fn zero(severity: &str) -> SevCount {
        SevCount {
            severity: severity.into(),
            test: CountTest::of(0, 0, true),
            open_of_week: 0,
            open_any: 0,
            excluded: 0,
        }
    }

    pub fn weekly_average(&self) -> f64 {
        self.test.baseline as f64 / BASELINE_WEEKS as f64
    }

    /// A row of `severity` with the counts, intervals and verdict of `t`, nothing open or
    /// excluded (the tests' rows).
    #[cfg(test)]
    pub fn of(severity: &str, t: CountTest) -> SevCount {
        SevCount {
            test: t,
            ..SevCount::zero(severity)
        }
    }
}

/// The section's figures, for the tables and the headline.
pub struct Counts {
    pub rows: Vec<SevCount>,
    pub total: SevCount,
}

/// Counts per severity of one team: this week's against the baseline's, each row as
/// `incidents_compare` has it (the table `metrics --compare previous` prints).
pub fn counts(c: &Computed, team: &str) -> Result<Counts> {
    let now = slice(&c.counts, team)?;
    let cmp = slice(&c.counts_compare, team)?;
    let end = slice(&c.open_at_end, team)?;
    let week = c.week.label();
    let mut sevs = now.distinct(SEVERITY);
    sevs.extend(cmp.distinct(SEVERITY));
    sevs.extend(end.distinct(SEVERITY));
    sevs.sort();
    sevs.dedup();
    let mut rows = vec![];
    for sev in sevs {
        let r = now.find(SEVERITY, &sev);
        let n = r.map_or(0, |r| now.u(durations_cols::INCIDENTS, r));
        let (low, high) = match r {
            Some(r) => (
                now.f(durations_cols::INCIDENTS_LOW, r).unwrap_or(0.0),
                now.f(durations_cols::INCIDENTS_HIGH, r).unwrap_or(0.0),
            ),
            None => stats::poisson_exact(0),
        };
        let k = cmp.find(SEVERITY, &sev);
        let baseline = k.map_or(0, |k| cmp.u(durations_cols::INCIDENTS_PREVIOUS, k));
        let (mut open_of_week, mut open_any) = (0, 0);
        for r in end.rows_where(SEVERITY, &sev) {
            let open = end.u(durations_cols::OPEN, r);
            open_any += open;
            if end.s(WEEK, r) == week {
                open_of_week += open;
            }
        }
        // Open incidents of the backlog with no count this week or in the baseline still get a
        // row; a severity with nothing at all does not.
        if n + baseline + open_any == 0 && r.is_none() {
            continue;
        }
        let (base_low, base_high, change) = match k {
            Some(k) => (
                cmp.f(durations_cols::INCIDENTS_PREVIOUS_SCALED_LOW, k)
                    .unwrap_or(0.0),
                cmp.f(durations_cols::INCIDENTS_PREVIOUS_SCALED_HIGH, k)
                    .unwrap_or(0.0),
                Change::from_words(&cmp.s(durations_cols::VERDICT, k)).ok_or_else(|| {
                    crate::error::Error::Internal(format!(
                        "incidents_compare verdict {:?}",
                        cmp.s(durations_cols::VERDICT, k)
                    ))
                })?,
            ),
            // A severity only open from earlier weeks: nothing this week or in the baseline.
            None => baseline_change(0, 0),
        };
        rows.push(SevCount {
            severity: sev,
            test: CountTest {
                n,
                low,
                high,
                baseline,
                base_low,
                base_high,
                change,
            },
            open_of_week,
            open_any,
            excluded: r.map_or(0, |r| now.u(durations_cols::EXCLUDED, r)),
        });
    }
    let total = sum("All severities", &rows, c.week_scope.judged());
    Ok(Counts { rows, total })
}

/// The counts as a table, the total last; its Change cell also gives the trend's reading of the
/// week when `limits` disagree with the count test (the limits are of all severities' counts).
pub fn table(counts: &Counts, limits: Option<&Limits>) -> TableView {
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
        let total = std::ptr::eq(r, &counts.total);
        t.push(vec![
            r.severity.clone(),
            int(r.test.n),
            format!("{:.1}–{:.1}", r.test.low, r.test.high),
            avg(r.weekly_average()),
            change_cell(&r.test, limits.filter(|_| total)),
            int(r.open_of_week),
            int(r.open_any),
            int(r.excluded),
        ]);
    }
    t
}

/// The XmR chart of weekly counts and the sentences that call out its signals. When the count
/// test on `total` and the limits disagree about the reported week, its sentence says both
/// (`signal::verdict_words`), in the headline's words.
pub fn trend(
    tr: &WeeklyTrend,
    total: &SevCount,
    team: &str,
    slug: &str,
    png: bool,
) -> Result<(ChartView, Vec<String>)> {
    let series = tr.series();
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
    let limits = tr.limits().filter(|l| l.disagrees(total.test.change));
    // The reported week's sentence when the two readings disagree, in place of its own signal
    // sentence or of "the variation is routine".
    let joint = limits.as_ref().map(|l| {
        format!(
            "{} had {}, against {} a week over the previous {BASELINE_WEEKS} weeks: {}.",
            series.last().map_or("", |s| s.0.as_str()),
            plural(total.test.n, "incident", "incidents"),
            avg(total.weekly_average()),
            verdict_words(&total.test, Some(l))
        )
    });
    match tr.xmr() {
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
            if x.signals.is_empty() && joint.is_none() {
                words.push(format!(
                    "No week of the last {} lies outside the limits ({limits}): the variation \
                     is routine.",
                    series.len()
                ));
            }
            for &i in &x.signals {
                let (label, v) = &series[i];
                if i + 1 == series.len()
                    && let Some(j) = &joint
                {
                    words.push(j.clone());
                    continue;
                }
                let side = if *v > x.upper { "above" } else { "below" };
                words.push(format!(
                    "Signal: {label} had {}, {side} the limits ({limits}).",
                    plural(*v as u64, "incident", "incidents")
                ));
            }
            if x.signals.is_empty()
                && let Some(j) = joint
            {
                words.push(j);
            }
        }
        None => words.push(format!(
            "Too few weeks for process limits (XmR needs {}).",
            stats::MIN_XMR_POINTS
        )),
    }
    // Weeks outside the data count as 0 in the series: its signals would be about missing data.
    if total.test.change == Change::NotJudged {
        words = vec![
            "The limits are not read: some of these weeks lie outside the data, and a week \
             without data counts as 0 here."
                .into(),
        ];
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
        .filter(|r| r.test.n > 0)
        .map(|r| format!("{} {}", int(r.test.n), r.severity))
        .collect();
    if parts.is_empty() {
        NONE.into()
    } else {
        parts.join(", ")
    }
}

/// A sum of rows with the metrics' test of its counts (`CountTest`); not judged when the week or
/// its baseline reaches outside the data, as the rows summed.
fn retest(mut r: SevCount, judged: bool) -> SevCount {
    r.test = CountTest::of(r.test.n, r.test.baseline, judged);
    r
}

/// The sum of `rows` as one row named `severity`, with the test of the summed counts.
fn sum(severity: &str, rows: &[SevCount], judged: bool) -> SevCount {
    SevCount {
        severity: severity.into(),
        test: CountTest::of(
            rows.iter().map(|r| r.test.n).sum(),
            rows.iter().map(|r| r.test.baseline).sum(),
            judged,
        ),
        open_of_week: rows.iter().map(|r| r.open_of_week).sum(),
        open_any: rows.iter().map(|r| r.open_any).sum(),
        excluded: rows.iter().map(|r| r.excluded).sum(),
    }
}

/// The organisation's counts: every team's rows summed by severity, with the Poisson interval
/// and the verdict of each sum.
pub fn org_counts(teams: &[&Counts], judged: bool) -> Counts {
    let mut by: std::collections::BTreeMap<String, SevCount> = Default::default();
    for c in teams {
        for r in &c.rows {
            let e = by
                .entry(r.severity.clone())
                .or_insert_with(|| SevCount::zero(&r.severity));
            e.test.n += r.test.n;
            e.test.baseline += r.test.baseline;
            e.open_of_week += r.open_of_week;
            e.open_any += r.open_any;
            e.excluded += r.excluded;
        }
    }
    let rows: Vec<SevCount> = by.into_values().map(|r| retest(r, judged)).collect();
    let total = sum("All severities", &rows, judged);
    Counts { rows, total }
}
