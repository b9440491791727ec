//! The two readings of a team's week count, said together: the count test (this week against
//! the baseline weeks, `metrics::durations::weekly::CountTest`) and the XmR chart of the trend
//! weeks (is the week outside its natural process limits?). They ask different questions over
//! different baselines (4 weeks against 12), so they can disagree: data-platform's 2026-W46 on
//! the sample, 6 incidents against 2.75 a week, is no detectable change in rate, yet above the
//! limits of 1.07 to 5.43. A table saying "no detectable change" over a chart text saying "signal
//! above the limits" left the reader to pick one; here the verdict words carry both whenever they
//! disagree, and the headline, the counts table and the chart text all use these words, so the
//! report says one thing.
//!
//! This file owns the verdict words only: the limits, the reported week's side of them and
//! whether the two readings disagree are metrics facts (`metrics::durations::weekly`), as is the
//! count test.

use super::compute::{BASELINE_WEEKS, TREND_WEEKS};
use super::fmt::avg;
use super::incidents::Change;
use crate::metrics::durations::weekly::CountTest;
pub use crate::metrics::durations::weekly::{Limits, Side};

/// "above", "within" or "below" the limits.
fn side_words(side: Side) -> &'static str {
    match side {
        Side::Above => "above",
        Side::Within => "within",
        Side::Below => "below",
    }
}

/// The count verdict alone: "no detectable change", or "more (this week's 95% interval, ...)".
fn count_words(r: &CountTest) -> String {
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
pub fn verdict_words(r: &CountTest, limits: Option<&Limits>) -> String {
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
        side_words(l.week),
        avg(l.lower.max(0.0)),
        avg(l.upper)
    )
}

/// The counts table's Change cell: the verdict, and the limits' reading when it differs.
pub fn change_cell(r: &CountTest, limits: Option<&Limits>) -> String {
    match limits.filter(|l| l.disagrees(r.change)) {
        Some(l) => format!(
            "{}; {} the XmR limits",
            r.change.words(),
            side_words(l.week)
        ),
        None => r.change.words().into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::stats;

    fn count(n: u64, baseline: u64) -> CountTest {
        CountTest::of(n, baseline, true)
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
