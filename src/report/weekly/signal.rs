//! The two readings of a team's week count, said together: the count test (this week against
//! the baseline weeks, `incidents::change`) and the XmR chart of the trend weeks (is the week
//! outside its natural process limits?). They ask different questions over different baselines
//! (4 weeks against 12), so they can disagree: data-platform's 2026-W46 on the sample, 6
//! incidents against 2.75 a week, is no detectable change in rate, yet above the limits of 1.07
//! to 5.43. A table saying "no
//! detectable change" over a chart text saying "signal above the limits" left the reader to
//! pick one; here the verdict words carry both whenever they disagree, and the headline, the
//! counts table and the chart text all use these words, so the report says one thing.
//!
//! This file owns the reading of the reported week against the limits and the verdict words;
//! not the limits themselves (`stats::xmr`) nor the count test (`incidents::change`).

use super::compute::{BASELINE_WEEKS, TREND_WEEKS};
use super::fmt::avg;
use super::incidents::{Change, SevCount};
use crate::metrics::stats::Xmr;

/// Where the reported week lies against the natural process limits of the trend weeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Above,
    Within,
    Below,
}

impl Side {
    fn words(self) -> &'static str {
        match self {
            Side::Above => "above",
            Side::Within => "within",
            Side::Below => "below",
        }
    }
}

/// The XmR limits of the trend weeks' counts and where the reported week (their last point)
/// lies.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    pub lower: f64,
    pub upper: f64,
    pub week: Side,
}

impl Limits {
    /// The limits of `x`, over a series whose last point is the reported week, `value`.
    pub fn of(x: &Xmr, value: f64) -> Limits {
        // Strictly outside, as `stats::xmr` calls a signal: the chart text and this agree.
        let week = if value > x.upper {
            Side::Above
        } else if value < x.lower {
            Side::Below
        } else {
            Side::Within
        };
        Limits {
            lower: x.lower,
            upper: x.upper,
            week,
        }
    }

    /// Whether the count test and the limits tell different stories about the week.
    pub fn disagrees(&self, change: Change) -> bool {
        !matches!(
            (change, self.week),
            (Change::Steady, Side::Within)
                | (Change::More, Side::Above)
                | (Change::Fewer, Side::Below)
                // A week outside the data is not read against the limits either.
                | (Change::NotJudged, _)
        )
    }
}

/// The count verdict alone: "no detectable change", or "more (this week's 95% interval, ...)".
fn count_words(r: &SevCount) -> String {
    match r.change {
        Change::Steady | Change::NotJudged => r.change.words().into(),
        Change::More | Change::Fewer => format!(
            "{} (this week's 95% interval, {:.1}–{:.1}, lies {} that of the previous weekly \
             rate, {:.1}–{:.1})",
            r.change.words(),
            r.low,
            r.high,
            if r.change == Change::More {
                "above"
            } else {
                "below"
            },
            r.base_low,
            r.base_high
        ),
    }
}

/// What the week's count means, for the words after "against 2.75 a week over the previous 4
/// weeks: ". With `limits` that disagree with the count test, both readings in one clause.
pub fn verdict_words(r: &SevCount, limits: Option<&Limits>) -> String {
    let count = count_words(r);
    let Some(l) = limits.filter(|l| l.disagrees(r.change)) else {
        return count;
    };
    let gloss = match (r.change, l.week) {
        (Change::Steady, _) => format!(
            "an unusual week for this team, but not yet a detectable change in its rate against \
             the previous {BASELINE_WEEKS} weeks"
        ),
        (_, Side::Within) => format!(
            "a change against the previous {BASELINE_WEEKS} weeks that the routine variation of \
             the last {TREND_WEEKS} still covers"
        ),
        _ => format!(
            "the previous {BASELINE_WEEKS} weeks and the last {TREND_WEEKS} point different \
             ways; read the chart"
        ),
    };
    format!(
        "{count} by the count test, though the week lies {} the natural process limits of the \
         last {TREND_WEEKS} weeks ({} to {}): {gloss}",
        l.week.words(),
        avg(l.lower.max(0.0)),
        avg(l.upper)
    )
}

/// The counts table's Change cell: the verdict, and the limits' reading when it differs.
pub fn change_cell(r: &SevCount, limits: Option<&Limits>) -> String {
    match limits.filter(|l| l.disagrees(r.change)) {
        Some(l) => format!("{}; {} the XmR limits", r.change.words(), l.week.words()),
        None => r.change.words().into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::stats;

    fn count(n: u64, baseline: u64) -> SevCount {
        let (low, high) = stats::poisson_exact(n);
        let (base_low, base_high, change) = super::super::incidents::change(n, baseline);
        SevCount {
            severity: "All severities".into(),
            n,
            low,
            high,
            baseline,
            base_low,
            base_high,
            change,
            open_of_week: 0,
            open_any: 0,
            excluded: 0,
        }
    }

    /// Twelve weekly counts ending with a week of 6.
    const SERIES: [f64; 12] = [3.0, 4.0, 3.0, 3.0, 2.0, 4.0, 3.0, 2.0, 3.0, 3.0, 3.0, 6.0];

    #[test]
    fn a_week_above_the_limits_that_the_count_test_cannot_call_says_both() {
        // Mean 39/12 = 3.25; moving ranges 1,1,0,1,2,1,1,1,0,0,3 = 11 over 11 = 1; limits
        // 3.25 -+ 2.66 = 0.59 .. 5.91; 6 is above. The count test: 6 against 11 in four weeks,
        // K ~ Binomial(17, 1/5), p = 0.128: no detectable change.
        let x = stats::xmr(&SERIES).unwrap();
        let l = Limits::of(&x, 6.0);
        assert_eq!(l.week, Side::Above);
        let r = count(6, 11);
        assert_eq!(r.change, Change::Steady);
        assert_eq!(
            verdict_words(&r, Some(&l)),
            "no detectable change by the count test, though the week lies above the natural \
             process limits of the last 12 weeks (0.59 to 5.91): an unusual week for this team, \
             but not yet a detectable change in its rate against the previous 4 weeks"
        );
        assert_eq!(
            change_cell(&r, Some(&l)),
            "no detectable change; above the XmR limits"
        );
    }

    #[test]
    fn a_detectable_change_within_the_limits_says_both() {
        // 10 against 12 in four weeks: p = 0.0061, more. Twelve weeks alternating 2 and 14:
        // mean 8, moving range 12, limits 8 -+ 31.92: 10 is within.
        let series: Vec<f64> = (0..12)
            .map(|i| if i % 2 == 0 { 2.0 } else { 14.0 })
            .collect();
        let x = stats::xmr(&series).unwrap();
        let l = Limits::of(&x, 10.0);
        assert_eq!(l.week, Side::Within);
        let r = count(10, 12);
        assert_eq!(r.change, Change::More);
        assert_eq!(
            verdict_words(&r, Some(&l)),
            "more (this week's 95% interval, 4.8–18.4, lies above that of the previous weekly \
             rate, 1.6–5.2) by the count test, though the week lies within the natural process \
             limits of the last 12 weeks (0 to 39.92): a change against the previous 4 weeks \
             that the routine variation of the last 12 still covers"
        );
    }

    #[test]
    fn readings_that_agree_are_the_count_verdict_alone() {
        let x = stats::xmr(&SERIES).unwrap();
        let r = count(3, 11);
        let l = Limits::of(&x, 3.0);
        assert_eq!(verdict_words(&r, Some(&l)), "no detectable change");
        assert_eq!(verdict_words(&r, None), "no detectable change");
        assert_eq!(change_cell(&r, Some(&l)), "no detectable change");
    }
}
