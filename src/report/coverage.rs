//! The data's coverage: the quarters in which the store holds incidents or alerts (as known at
//! as-of). The default week and quarter of `run` and `report` are the last complete ones that hold
//! data, so a clock past the data never renders an empty week as a quiet one. A report over a
//! period far wider than the data, such as `report improvement --from
//! 0001-01-01 --to 9999-12-31`, is narrowed to it, so its work grows with the data and not with the
//! period; a period that holds no data and is longer than a year is refused instead of rendered
//! as millions of empty weeks. A period that has not begun as of as-of and lies after the data is
//! refused ([`refuse_future`]). A period, or its baseline, that reaches outside the data is
//! reported but its comparisons are not judged (`metrics::coverage`); [`not_judged`] is the
//! CLI's warning about it.
//!
//! The narrowing goes to whole calendar quarters around the data, so a quarter or a range of whole
//! months keeps its bounds (and its comparison with the previous period) whenever it overlaps the
//! data: only the empty quarters beyond the first and last data are cut.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use crate::error::{Error, Result};
use crate::metrics::coverage::DataSpan;
use crate::metrics::scope::{midnight, parse_last, parse_week, week_label};
use crate::metrics::{Frames, Period, Scope};
use crate::model::columns::DETECTED_AT;
use crate::report::improvement::last_complete_quarter;

/// A period that holds no data is rendered as asked up to this length (an empty quarter or year
/// is a fair question); longer, it is refused.
const EMPTY_PERIOD_LIMIT_DAYS: i64 = 366;

/// `period` narrowed to the quarters that hold incidents or alerts, and whether it changed; an
/// error for a period longer than a year with no data at all.
pub fn narrow_to_data(
    data: Option<DataSpan>,
    period: Period,
    data_range: &str,
) -> Result<(Period, bool)> {
    let Some(DataSpan { first, last }) = data else {
        return Ok((period, false));
    };
    let from = period.from.max(quarter_start(first.date_naive()));
    let to = period.to.min(next_quarter_start(last.date_naive()));
    if from < to {
        return Ok((Period { from, to }, (from, to) != (period.from, period.to)));
    }
    if (period.to - period.from) <= Duration::days(EMPTY_PERIOD_LIMIT_DAYS) {
        return Ok((period, false));
    }
    Err(Error::Query(format!(
        "the period {} holds no incidents or alerts (the store's {data_range}); choose a period \
         that overlaps the data",
        period.label()
    )))
}

/// An error for a period that starts at or after `as_of` and after the last incident or alert
/// (`report weekly --week 2099-W01`): nothing about it can be known yet, and a report of it would
/// present "no incidents" as a fact. Refused rather than warned about, so a scheduled job with a
/// mistyped year fails where someone looks, instead of publishing an empty week. A past period
/// without data stays a fair question (a quiet week, a gap in the exports), as does the current,
/// unfinished one.
pub fn refuse_future(data: Option<DataSpan>, period: Period, as_of: DateTime<Utc>) -> Result<()> {
    if period.from < as_of {
        return Ok(());
    }
    let last = data.map(|d| d.last);
    if last.is_some_and(|last| last >= period.from) {
        return Ok(());
    }
    let data = match last {
        Some(last) => format!("the data end {}", last.format("%Y-%m-%d")),
        None => "the store holds no incidents or alerts".into(),
    };
    Err(Error::Query(format!(
        "{} starts after --as-of ({}) and {data}: nothing is known about it yet, so nothing was \
         written; choose an earlier period, or give --as-of after it to report it as it was then",
        period.label(),
        as_of.format("%Y-%m-%d %H:%M UTC"),
    )))
}

/// The warning for a report of `period` whose comparisons are not judged because the period or
/// its baseline reaches outside the data (`metrics::coverage`), for the CLI to print.
pub fn not_judged(data: Option<DataSpan>, period: Period, as_of: DateTime<Utc>) -> Option<String> {
    let mut scope = Scope::new(period, as_of);
    scope.data = data;
    scope.not_judged_words()
}

/// The week a default weekly report covers: the last complete ISO week before `as_of`, or, when
/// the data end before it, the week of the last incident or alert, so a report never presents a
/// week without data as a quiet one. The second value says why when it is not the former.
pub fn report_week(
    data: Option<DataSpan>,
    as_of: DateTime<Utc>,
) -> Result<(Period, Option<String>)> {
    let last_complete = parse_last("1w", as_of)?;
    let Some(DataSpan { last, .. }) = data else {
        return Ok((last_complete, None));
    };
    if last >= last_complete.from {
        return Ok((last_complete, None));
    }
    let week = parse_week(&week_label(last.date_naive()))?;
    Ok((
        week,
        Some(format!(
            "{} holds no data yet (the data end {}): reporting {}, the last complete week with \
             data; give --as-of to choose",
            last_complete.label(),
            last.format("%Y-%m-%d"),
            week.label()
        )),
    ))
}

/// The quarter a default improvement report covers, by the rule of [`report_week`]: the last
/// complete quarter before `as_of`, or the quarter of the last data when they end before it.
pub fn report_quarter(
    data: Option<DataSpan>,
    as_of: DateTime<Utc>,
) -> Result<(Period, String, Option<String>)> {
    let (quarter, label) = last_complete_quarter(as_of);
    let Some(DataSpan { last, .. }) = data else {
        return Ok((quarter, label, None));
    };
    if last >= quarter.from {
        return Ok((quarter, label, None));
    }
    let (held, held_label) = last_complete_quarter(next_quarter_start(last.date_naive()));
    let why = format!(
        "{label} holds no data yet (the data end {}): reporting {held_label}, the last complete \
         quarter with data; give --as-of or --quarter to choose",
        last.format("%Y-%m-%d")
    );
    Ok((held, held_label, Some(why)))
}

/// `incidents detected 2026-05-18 .. 2026-11-15` (first and last detection in the store), or
/// "no incidents": the data range every report prints in its header.
pub fn data_range(frames: &Frames) -> Result<String> {
    use crate::metrics::overview::{FIRST, LAST, span};
    let span = span(frames.incidents.clone(), DETECTED_AT)
        .collect()
        .map_err(|e| Error::Query(e.to_string()))?;
    let day = |c: &str| {
        span.column(c)
            .ok()
            .and_then(|c| c.get(0).ok())
            .and_then(|v| v.extract::<i64>())
            .and_then(DateTime::from_timestamp_micros)
            .map(|d| d.format("%Y-%m-%d").to_string())
    };
    Ok(match (day(FIRST), day(LAST)) {
        (Some(a), Some(b)) => format!("incidents detected {a} .. {b}"),
        _ => "no incidents".into(),
    })
}

/// Midnight UTC of the first day of the quarter holding `d`.
fn quarter_start(d: NaiveDate) -> DateTime<Utc> {
    let month = (d.month() - 1) / 3 * 3 + 1;
    midnight(NaiveDate::from_ymd_opt(d.year(), month, 1).expect("a quarter's first day exists"))
}

/// Midnight UTC of the first day of the quarter after the one holding `d`.
fn next_quarter_start(d: NaiveDate) -> DateTime<Utc> {
    let start = quarter_start(d).date_naive();
    start
        .checked_add_months(chrono::Months::new(3))
        .map(midnight)
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::quality::fixtures::{alerts, frames, inc, incidents, utc};
    use crate::metrics::source::{AlertSource, Local};

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        midnight(NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    fn data_frames() -> Frames {
        let mut f = frames();
        f.incidents = incidents(&[inc("i", "Disk full", utc(2026, 5, 19, 16, 0))]);
        f.alerts = alerts(&[("a", utc(2026, 11, 15, 10, 0), None)]);
        f
    }

    /// The span of [`data_frames`]: an incident on 2026-05-19, an alert on 2026-11-15.
    fn data() -> Option<DataSpan> {
        let f = data_frames();
        DataSpan::of(&f, &Local.facts(&f).unwrap()).unwrap()
    }

    #[test]
    fn a_period_wider_than_the_data_is_narrowed_to_the_quarters_that_hold_it() {
        let wide = Period::new(at(1, 1, 1), at(9999, 12, 31)).unwrap();
        let (p, changed) = narrow_to_data(data(), wide, "").unwrap();
        assert!(changed);
        assert_eq!((p.from, p.to), (at(2026, 4, 1), at(2027, 1, 1)));
    }

    #[test]
    fn a_quarter_that_overlaps_the_data_keeps_its_bounds() {
        // The data start on 2026-05-19, inside Q2: Q2 stays April to June.
        let q2 = Period::new(at(2026, 4, 1), at(2026, 7, 1)).unwrap();
        assert_eq!(narrow_to_data(data(), q2, "").unwrap(), (q2, false));
    }

    #[test]
    fn the_default_week_and_quarter_are_the_last_complete_ones_with_data() {
        // The data end on Sunday 2026-11-15 (W46). As of Saturday 2026-12-05, the last complete
        // week is W48: W46 is reported, and said so. Q4 has not ended: Q3 is complete.
        let (week, why) = report_week(data(), at(2026, 12, 5)).unwrap();
        assert_eq!(week.label(), "2026-W46");
        let why = why.unwrap();
        assert!(
            why.starts_with("2026-W48 holds no data yet (the data end 2026-11-15)"),
            "{why}"
        );
        let (q, label, why) = report_quarter(data(), at(2026, 12, 5)).unwrap();
        assert_eq!(
            (q.from, label.as_str(), why),
            (at(2026, 7, 1), "2026-Q3", None)
        );
        // As of 2026-11-18, W46 is the last complete week: nothing to say.
        let (week, why) = report_week(data(), at(2026, 11, 18)).unwrap();
        assert_eq!((week.label().as_str(), why), ("2026-W46", None));
        // As of mid-2027 the last complete quarter (Q1 2027) has no data: Q4 2026 is reported.
        let (q, label, why) = report_quarter(data(), at(2027, 5, 17)).unwrap();
        assert_eq!((q.from, label.as_str()), (at(2026, 10, 1), "2026-Q4"));
        assert!(why.unwrap().starts_with("2027-Q1 holds no data yet"));
    }

    #[test]
    fn a_period_after_the_data_and_after_as_of_is_refused() {
        let as_of = at(2026, 12, 6);
        let w = |label: &str| parse_week(label).unwrap();
        // 2099-W01 has not begun and the data end 2026-11-15.
        let e = refuse_future(data(), w("2099-W01"), as_of)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(
                "2099-W01 starts after --as-of (2026-12-06 00:00 UTC) and the data end 2026-11-15"
            ),
            "{e}"
        );
        // The current week (begun before as-of) and a past week without data are fair questions.
        refuse_future(data(), w("2026-W49"), as_of).unwrap();
        refuse_future(data(), w("2026-W48"), as_of).unwrap();
        // The same week as of a later instant is a past week.
        refuse_future(data(), w("2099-W01"), at(2099, 1, 10)).unwrap();
    }

    #[test]
    fn an_empty_period_is_kept_up_to_a_year_and_refused_beyond() {
        let q1 = Period::new(at(2027, 1, 1), at(2027, 4, 1)).unwrap();
        assert_eq!(narrow_to_data(data(), q1, "").unwrap(), (q1, false));
        let far = Period::new(at(3000, 1, 1), at(9999, 1, 1)).unwrap();
        let e = narrow_to_data(data(), far, "incidents detected 2026-05-19 .. 2026-05-19")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("holds no incidents or alerts") && e.contains("2026-05-19"),
            "{e}"
        );
    }
}
