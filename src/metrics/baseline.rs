//! The baseline a period is compared with: what `aftermath metrics --compare previous` compares
//! against, and what the weekly and improvement reports call "the previous 4 weeks" or "the
//! previous quarter". One definition here, so the CLI and the reports cannot disagree on it (they
//! did: `--compare previous` set a week against the one before while the weekly report set it
//! against the four before, and the two gave different verdicts for the same week).
//!
//! - One ISO week: the [`BASELINE_WEEKS`] weeks before it. A single week is too small a baseline
//!   for counts: one incident more or less in it flips a verdict.
//! - Whole calendar months: the same number of months before (a quarter against the previous
//!   quarter, whatever their lengths in days).
//! - Anything else: the same length just before.
//!
//! Counts are compared as rates over each period's length (`stats::count_change`), so a baseline
//! longer than the period is weighed as such. This file owns the period and its words; not the
//! comparisons themselves (`durations::compare`, `fatigue::compare`).

use chrono::{Datelike, Duration, Weekday};

use super::scope::{Period, midnight};

/// Weeks of the baseline of a one-week period.
pub const BASELINE_WEEKS: i64 = 4;

impl Period {
    /// Exactly one ISO week, Monday 00:00 UTC to the next Monday.
    pub fn is_iso_week(&self) -> bool {
        self.to - self.from == Duration::weeks(1)
            && self.from.weekday() == Weekday::Mon
            && self.from.time() == chrono::NaiveTime::MIN
    }

    /// The baseline just before this period (`--compare previous`; the module doc says which).
    pub fn previous(&self) -> Period {
        if self.is_iso_week() {
            return Period {
                from: self.from - Duration::weeks(BASELINE_WEEKS),
                to: self.from,
            };
        }
        if let Some(months) = self.whole_months() {
            let from = self
                .from
                .date_naive()
                .checked_sub_months(chrono::Months::new(months))
                .map(midnight);
            if let Some(from) = from {
                return Period {
                    from,
                    to: self.from,
                };
            }
        }
        let len = self.to - self.from;
        Period {
            from: self.from - len,
            to: self.from,
        }
    }

    /// The baseline in words, for titles and report text: "the previous 4 weeks (2026-W42 to
    /// 2026-W45)", "the previous 3 months (2026-04-01 .. 2026-07-01)", "the 30 days before
    /// (2026-09-01 .. 2026-10-01)".
    pub fn previous_words(&self) -> String {
        let prev = self.previous();
        if self.is_iso_week() {
            let weeks = prev.weeks();
            return format!(
                "the previous {BASELINE_WEEKS} weeks ({} to {})",
                weeks.first().map_or("", String::as_str),
                weeks.last().map_or("", String::as_str)
            );
        }
        match self.whole_months() {
            Some(1) => format!("the previous month ({})", prev.label()),
            Some(m) => format!("the previous {m} months ({})", prev.label()),
            None => format!(
                "the {} days before ({})",
                fmt_days(prev.days()),
                prev.label()
            ),
        }
    }

    /// How many calendar months the period spans when it runs from a first of the month to a
    /// first of the month, at midnight UTC.
    fn whole_months(&self) -> Option<u32> {
        let first =
            |d: chrono::DateTime<chrono::Utc>| d.day() == 1 && d.time() == chrono::NaiveTime::MIN;
        if !(first(self.from) && first(self.to)) {
            return None;
        }
        let months = (self.to.year() - self.from.year()) * 12 + self.to.month() as i32
            - self.from.month() as i32;
        u32::try_from(months).ok().filter(|m| *m > 0)
    }
}

/// "30", or "1.5" for a period that is not whole days.
fn fmt_days(d: f64) -> String {
    if d.fract() == 0.0 {
        format!("{d:.0}")
    } else {
        format!("{d:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::scope::{parse_week, resolve_period};
    use chrono::{DateTime, Utc};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_week_is_compared_with_the_four_weeks_before_it() {
        // Regression (issue 13): `--compare previous --week 2026-W46` compared W46 with W45 alone
        // while the weekly report compared it with W42-W45.
        let w = parse_week("2026-W46").unwrap();
        assert_eq!(w.previous().from, at("2026-10-12T00:00:00Z"));
        assert_eq!(w.previous().to, w.from);
        assert_eq!(
            w.previous().weeks(),
            ["2026-W42", "2026-W43", "2026-W44", "2026-W45"]
        );
        assert_eq!(
            w.previous_words(),
            "the previous 4 weeks (2026-W42 to 2026-W45)"
        );
    }

    #[test]
    fn whole_months_against_the_months_before_else_the_same_length() {
        let p = resolve_period(
            Some("2026-08-01"),
            Some("2026-11-01"),
            None,
            None,
            at("2026-11-21T00:00:00Z"),
        )
        .unwrap();
        // Three whole months: the previous three calendar months (92 days against 92 here).
        assert_eq!(p.previous().from, at("2026-05-01T00:00:00Z"));
        assert_eq!(p.previous().to, p.from);
        assert_eq!(
            p.previous_words(),
            "the previous 3 months (2026-05-01 .. 2026-08-01)"
        );
        // Q3 (92 days) against Q2 (91 days), not against the 92 days before July.
        let q3 = Period::new(at("2026-07-01T00:00:00Z"), at("2026-10-01T00:00:00Z")).unwrap();
        assert_eq!(q3.previous().from, at("2026-04-01T00:00:00Z"));
        // Two weeks, or a week not starting on a Monday: the same length just before.
        let two = Period::new(at("2026-11-02T00:00:00Z"), at("2026-11-16T00:00:00Z")).unwrap();
        assert_eq!(two.previous().from, at("2026-10-19T00:00:00Z"));
        assert_eq!(
            two.previous_words(),
            "the 14 days before (2026-10-19 .. 2026-11-02)"
        );
        let tue = Period::new(at("2026-11-10T00:00:00Z"), at("2026-11-17T00:00:00Z")).unwrap();
        assert_eq!(tue.previous().from, at("2026-11-03T00:00:00Z"));
    }
}
