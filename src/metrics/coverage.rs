//! The data's coverage: the span from the first to the last incident detected or alert fired (as
//! the frames know them at as-of), taken to cover whole UTC days, and whether a period and its
//! baseline lie inside it. A comparison whose period or baseline reaches outside the data is not
//! judged: weeks without data would otherwise read as quiet weeks, and "fewer incidents than the
//! previous 4 weeks" for a week after the last export is a verdict about missing data.
//!
//! Whole days, because the last instant of the data is the last event, not the end of the export:
//! a week whose last incident or alert came on its Sunday morning is covered; a week after the
//! data, or one whose last days have no incident and no alert at all, is not. Partly covered periods are
//! still reported (their counts are what the store holds); only the verdicts are withheld.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use polars::prelude::*;

use super::frames::Frames;
use super::overview::{FIRST, LAST, span};
use super::scope::{Period, Scope};
use super::source::AlertFacts;
use super::stats::{CountChange, Verdict};
use crate::error::{Error, Result};
use crate::model::columns::DETECTED_AT;

/// The verdict of a comparison whose period or baseline is not wholly inside the data.
pub const NOT_JUDGED: &str = "not judged: outside the data";

/// The first and last instant of the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataSpan {
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
}

impl DataSpan {
    /// The span of the incidents detected (in `frames`) and the alerts fired (`alerts`, the alert
    /// source's facts), or `None` for no data.
    pub fn of(frames: &Frames, alerts: &AlertFacts) -> Result<Option<DataSpan>> {
        let df = span(frames.incidents.clone(), DETECTED_AT)
            .select([
                col(FIRST).cast(DataType::Int64),
                col(LAST).cast(DataType::Int64),
            ])
            .collect()
            .map_err(|e| Error::Query(e.to_string()))?;
        let get = |c: &str| {
            df.column(c)
                .ok()
                .and_then(|c| c.get(0).ok())
                .and_then(|v| v.extract::<i64>())
        };
        let first = get(FIRST).into_iter().chain(alerts.first_fired).min();
        let last = get(LAST).into_iter().chain(alerts.last_fired).max();
        Ok(first.zip(last).and_then(|(a, b)| {
            Some(DataSpan {
                first: DateTime::from_timestamp_micros(a)?,
                last: DateTime::from_timestamp_micros(b)?,
            })
        }))
    }

    /// Midnight UTC starting the first day of the data.
    fn from(&self) -> DateTime<Utc> {
        self.first.date_naive().and_time(NaiveTime::MIN).and_utc()
    }

    /// Midnight UTC ending the last day of the data.
    fn to(&self) -> DateTime<Utc> {
        self.last.date_naive().and_time(NaiveTime::MIN).and_utc() + Duration::days(1)
    }

    /// Whether `period`, up to `as_of` (what comes after it is not known yet, not missing), lies
    /// inside the data's days.
    pub fn covers(&self, period: &Period, as_of: DateTime<Utc>) -> bool {
        period.from >= self.from() && period.to.min(as_of) <= self.to()
    }

    /// "2026-04-01 to 2026-11-15", the data's days.
    pub fn words(&self) -> String {
        format!(
            "{} to {}",
            self.first.format("%Y-%m-%d"),
            self.last.format("%Y-%m-%d")
        )
    }
}

impl Scope {
    /// Whether a comparison of this scope's period with its baseline may be judged: both lie
    /// inside the data (or nothing is known about the data's span).
    pub fn judged(&self) -> bool {
        self.data.is_none_or(|d| {
            d.covers(&self.period, self.as_of) && d.covers(&self.period.previous(), self.as_of)
        })
    }

    /// A count comparison's verdict as this scope may state it.
    pub fn judge_count(&self, change: CountChange) -> CountChange {
        if self.judged() {
            change
        } else {
            CountChange::NotJudged
        }
    }

    /// A duration comparison's verdict as this scope may state it: too few incidents stays the
    /// reason when it is one.
    pub fn judge_durations(&self, verdict: Verdict) -> Verdict {
        match verdict {
            Verdict::InsufficientData => verdict,
            _ if !self.judged() => Verdict::NotJudged,
            v => v,
        }
    }

    /// The sentence a report or the CLI shows when `judged` is false, else `None`.
    pub fn not_judged_words(&self) -> Option<String> {
        let d = self.data.filter(|_| !self.judged())?;
        let p = &self.period;
        // Name the period when it reaches outside the data, else its baseline.
        let (what, part) = if d.covers(p, self.as_of) {
            let b = p.previous();
            (
                format!("the baseline of {}, {},", p.label(), p.previous_words()),
                (b.from, b.to),
            )
        } else {
            (p.label(), (p.from, p.to.min(self.as_of)))
        };
        let outside = part.1 <= d.from() || part.0 >= d.to();
        Some(format!(
            "The data hold incidents and alerts from {}; {what} {}, so its comparisons are not \
             judged (\"{NOT_JUDGED}\"): days without data would read as quiet days.",
            d.words(),
            if outside {
                "lies outside them"
            } else {
                "is only partly inside them"
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::scope::parse_week;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn scope(week: &str, data: Option<DataSpan>, as_of: &str) -> Scope {
        let mut s = Scope::new(parse_week(week).unwrap(), utc(as_of));
        s.data = data;
        s
    }

    /// Data from Wednesday 2026-04-01 to Sunday 2026-11-15 10:00 (the end of 2026-W46).
    fn sample() -> Option<DataSpan> {
        Some(DataSpan {
            first: utc("2026-04-01T08:00:00Z"),
            last: utc("2026-11-15T10:00:00Z"),
        })
    }

    #[test]
    fn a_week_and_its_baseline_inside_the_data_are_judged() {
        // W46 ends Monday 2026-11-16 00:00, the end of the data's last day.
        let s = scope("2026-W46", sample(), "2026-12-06T00:00:00Z");
        assert!(s.judged());
        assert_eq!(s.not_judged_words(), None);
    }

    #[test]
    fn a_week_after_the_data_is_not_judged() {
        let s = scope("2026-W48", sample(), "2026-12-06T00:00:00Z");
        assert!(!s.judged());
        assert_eq!(
            s.not_judged_words().unwrap(),
            "The data hold incidents and alerts from 2026-04-01 to 2026-11-15; 2026-W48 lies \
             outside them, so its comparisons are not judged (\"not judged: outside the data\"): \
             days without data would read as quiet days."
        );
    }

    #[test]
    fn a_week_whose_baseline_starts_before_the_data_is_not_judged() {
        // W16 (2026-04-13) is inside; its baseline W12-W15 starts 2026-03-16, before the data.
        let s = scope("2026-W16", sample(), "2026-12-06T00:00:00Z");
        assert!(!s.judged());
        assert!(s.not_judged_words().unwrap().contains(
            "the baseline of 2026-W16, the previous 4 weeks (2026-W12 to 2026-W15), is \
                     only partly inside them"
        ));
        // Five weeks in, the baseline is inside too.
        assert!(scope("2026-W19", sample(), "2026-12-06T00:00:00Z").judged());
    }

    #[test]
    fn the_part_of_a_week_after_as_of_is_not_missing_data() {
        // As of Wednesday of W46, the data's last day being that Wednesday: judged.
        let data = Some(DataSpan {
            first: utc("2026-04-01T08:00:00Z"),
            last: utc("2026-11-11T09:00:00Z"),
        });
        assert!(scope("2026-W46", data, "2026-11-11T12:00:00Z").judged());
        assert!(!scope("2026-W46", data, "2026-11-13T12:00:00Z").judged());
        // Nothing known about the data: judged as before.
        assert!(scope("2026-W48", None, "2026-12-06T00:00:00Z").judged());
    }
}
