//! What a metric run looks at: the period (`--from/--to`, `--week`, `--last`), which instant puts
//! an incident in it (`detected_at` by default, or `resolved_at`), the filters (team, service,
//! severity), the grouping dimensions (`--by`) and the instant the data is judged at (`as_of`,
//! which censors incidents still open).
//!
//! Periods are half-open `[from, to)` in UTC, and weeks are ISO weeks starting Monday 00:00 UTC:
//! one calendar for every team, so a team-week row of one team lines up with another's. (Hours of
//! the day are judged in each team's zone; see `hours`.) Parsing lives here, not in the CLI, so
//! the reports take the same words as `aftermath metrics`.

use super::coverage::DataSpan;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};

use crate::error::{Error, Result};

/// A half-open UTC interval `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Period {
    pub fn new(from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Period> {
        if to <= from {
            return Err(Error::Query(format!(
                "the period is empty: --to ({}) must be after --from ({})",
                to.format("%Y-%m-%d"),
                from.format("%Y-%m-%d")
            )));
        }
        Ok(Period { from, to })
    }

    pub fn from_micros(&self) -> i64 {
        self.from.timestamp_micros()
    }

    pub fn to_micros(&self) -> i64 {
        self.to.timestamp_micros()
    }

    /// `2026-08-01 .. 2026-11-01` (the end exclusive), or `2026-W46` for exactly one ISO week.
    pub fn label(&self) -> String {
        if self.is_iso_week() {
            return week_label(self.from.date_naive());
        }
        format!(
            "{} .. {}",
            self.from.format("%Y-%m-%d"),
            self.to.format("%Y-%m-%d")
        )
    }

    /// The ISO week labels the period touches, in order (a partial week at either end included).
    pub fn weeks(&self) -> Vec<String> {
        self.week_spans()
            .into_iter()
            .map(|(label, ..)| label)
            .collect()
    }

    /// The ISO weeks the period touches, in order, each clipped to the period: its label, start
    /// and end.
    pub fn week_spans(&self) -> Vec<(String, DateTime<Utc>, DateTime<Utc>)> {
        let day = self.from.date_naive();
        let mut monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
        let mut out = vec![];
        while midnight(monday) < self.to {
            let next = monday + Duration::days(7);
            out.push((
                week_label(monday),
                midnight(monday).max(self.from),
                midnight(next).min(self.to),
            ));
            monday = next;
        }
        out
    }

    /// Days in the period, as a fraction (for rates per day or week).
    pub fn days(&self) -> f64 {
        (self.to - self.from).num_seconds() as f64 / 86_400.0
    }
}

/// `2026-W46` for the ISO week holding `date`.
pub fn week_label(date: NaiveDate) -> String {
    let w = date.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// Midnight UTC of `date`.
pub fn midnight(date: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_time(chrono::NaiveTime::MIN))
}

fn parse_date(flag: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        Error::Query(format!(
            "{flag} {text:?} is not a date; write it as YYYY-MM-DD, e.g. 2026-08-01"
        ))
    })
}

/// `2026-W46` -> Monday 2026-11-09 00:00 UTC .. the next Monday.
pub fn parse_week(text: &str) -> Result<Period> {
    let bad = || {
        Error::Query(format!(
            "--week {text:?} is not an ISO week; write it as YYYY-Www, e.g. 2026-W46"
        ))
    };
    let (y, w) = text.trim().split_once("-W").ok_or_else(bad)?;
    let year: i32 = y.parse().map_err(|_| bad())?;
    let week: u32 = w.parse().map_err(|_| bad())?;
    let monday = NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).ok_or_else(bad)?;
    Period::new(midnight(monday), midnight(monday + Duration::weeks(1)))
}

/// `--last 12w` (the 12 complete ISO weeks before the week of `as_of`) or `--last 30d` (the 30
/// complete UTC days before the day of `as_of`). Complete units only, so a weekly figure never
/// mixes a finished week with the few days of the current one.
pub fn parse_last(text: &str, as_of: DateTime<Utc>) -> Result<Period> {
    let t = text.trim();
    let bad = || {
        Error::Query(format!(
            "--last {text:?} is not a span; write a count and a unit, e.g. 12w (weeks) or 30d (days)"
        ))
    };
    let (num, unit) = t.split_at(t.len().saturating_sub(1));
    let n: i64 = num.parse().map_err(|_| bad())?;
    if n <= 0 {
        return Err(bad());
    }
    let today = as_of.date_naive();
    let end = match unit {
        "w" => today - Duration::days(today.weekday().num_days_from_monday() as i64),
        "d" => today,
        _ => return Err(bad()),
    };
    let start = match unit {
        "w" => end - Duration::weeks(n),
        _ => end - Duration::days(n),
    };
    Period::new(midnight(start), midnight(end))
}

/// The period from the CLI's words: exactly one of `--week`, `--last`, or `--from`/`--to` (either
/// may be left out: `--from` alone runs to `as_of`, `--to` alone starts 12 weeks earlier). With
/// none, the last 12 complete weeks.
pub fn resolve_period(
    from: Option<&str>,
    to: Option<&str>,
    week: Option<&str>,
    last: Option<&str>,
    as_of: DateTime<Utc>,
) -> Result<Period> {
    let given = [
        from.is_some() || to.is_some(),
        week.is_some(),
        last.is_some(),
    ];
    if given.iter().filter(|g| **g).count() > 1 {
        return Err(Error::Query(
            "give the period one way: --from/--to, --week or --last".into(),
        ));
    }
    if let Some(w) = week {
        return parse_week(w);
    }
    if let Some(l) = last {
        return parse_last(l, as_of);
    }
    match (from, to) {
        (None, None) => parse_last("12w", as_of),
        (f, t) => {
            let to = match t {
                Some(t) => midnight(parse_date("--to", t)?),
                None => as_of,
            };
            let from = match f {
                Some(f) => midnight(parse_date("--from", f)?),
                None => to - Duration::weeks(12),
            };
            Period::new(from, to)
        }
    }
}

/// Which instant puts an incident in a period, for counts and durations alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PeriodBy {
    #[default]
    Detected,
    Resolved,
}

impl PeriodBy {
    pub fn column(self) -> &'static str {
        match self {
            PeriodBy::Detected => crate::model::columns::DETECTED_AT,
            PeriodBy::Resolved => crate::model::columns::RESOLVED_AT,
        }
    }
}

/// A grouping dimension of `--by`. Not every family has every dimension; each says which it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dim {
    Team,
    Severity,
    Service,
    Week,
    Month,
    Person,
    Rule,
    Priority,
}

impl Dim {
    pub const ALL: [Dim; 8] = [
        Dim::Team,
        Dim::Severity,
        Dim::Service,
        Dim::Week,
        Dim::Month,
        Dim::Person,
        Dim::Rule,
        Dim::Priority,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Dim::Team => "team",
            Dim::Severity => "severity",
            Dim::Service => "service",
            Dim::Week => "week",
            Dim::Month => "month",
            Dim::Person => "person",
            Dim::Rule => "rule",
            Dim::Priority => "priority",
        }
    }

    /// `team,severity,week` -> the dimensions, in the order given, without repeats.
    pub fn parse_list(text: &str) -> Result<Vec<Dim>> {
        let mut dims = vec![];
        for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            let dim = Dim::ALL
                .iter()
                .copied()
                .find(|d| d.name() == word)
                .ok_or_else(|| {
                    let names: Vec<_> = Dim::ALL.iter().map(|d| d.name()).collect();
                    Error::Query(format!(
                        "--by: unknown dimension {word:?}; use any of {}",
                        names.join(", ")
                    ))
                })?;
            if !dims.contains(&dim) {
                dims.push(dim);
            }
        }
        Ok(dims)
    }
}

/// Row filters: empty means everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub teams: Vec<String>,
    pub services: Vec<String>,
    pub severities: Vec<String>,
}

/// Everything a metric family needs besides the frames and the config.
#[derive(Debug, Clone)]
pub struct Scope {
    pub period: Period,
    pub period_by: PeriodBy,
    pub filters: Filters,
    /// The instant the data is judged at: facts after it are unknown (`Frames::known_at`), and an
    /// incident still open at it is censored there, also when the period ended earlier.
    pub as_of: DateTime<Utc>,
    /// The data's span (`coverage.rs`), set by `metrics::run`: comparisons reaching outside it
    /// are not judged. `None` before that, and for a store without data.
    pub data: Option<DataSpan>,
}

impl Scope {
    pub fn new(period: Period, as_of: DateTime<Utc>) -> Scope {
        Scope {
            period,
            period_by: PeriodBy::Detected,
            filters: Filters::default(),
            as_of,
            data: None,
        }
    }

    /// The same scope over the previous period of equal length.
    pub fn previous(&self) -> Scope {
        Scope {
            period: self.period.previous(),
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn week_is_monday_to_monday_utc() {
        let p = parse_week("2026-W46").unwrap();
        assert_eq!(p.from, at("2026-11-09T00:00:00Z"));
        assert_eq!(p.to, at("2026-11-16T00:00:00Z"));
        assert_eq!(p.label(), "2026-W46");
        assert_eq!(p.weeks(), ["2026-W46"]);
        let q = Period::new(at("2026-12-30T00:00:00Z"), at("2027-01-12T00:00:00Z")).unwrap();
        assert_eq!(q.weeks(), ["2026-W53", "2027-W01", "2027-W02"]);
        assert!(parse_week("2026-46").is_err());
        assert!(parse_week("2026-W54").is_err());
    }

    #[test]
    fn last_weeks_are_complete_weeks_before_as_of() {
        // Saturday 2026-11-21: the current week (W47) is not complete, so 12w ends on W46.
        let p = parse_last("12w", at("2026-11-21T15:00:00Z")).unwrap();
        assert_eq!(p.to, at("2026-11-16T00:00:00Z"));
        assert_eq!(p.from, at("2026-08-24T00:00:00Z"));
        let d = parse_last("30d", at("2026-11-21T15:00:00Z")).unwrap();
        assert_eq!(d.to, at("2026-11-21T00:00:00Z"));
        assert_eq!(d.from, at("2026-10-22T00:00:00Z"));
        assert!(parse_last("12", at("2026-11-21T15:00:00Z")).is_err());
        assert!(parse_last("0w", at("2026-11-21T15:00:00Z")).is_err());
    }

    #[test]
    fn one_way_to_give_a_period() {
        let now = at("2026-11-21T00:00:00Z");
        assert!(resolve_period(Some("2026-08-01"), None, Some("2026-W46"), None, now).is_err());
        assert!(resolve_period(None, None, None, None, now).is_ok());
        assert!(resolve_period(Some("2026-12-01"), Some("2026-11-01"), None, None, now).is_err());
        assert!(resolve_period(Some("1 Aug"), None, None, None, now).is_err());
    }

    #[test]
    fn dimensions_parse_in_order_and_reject_unknown_words() {
        assert_eq!(
            Dim::parse_list("team, severity,week,team").unwrap(),
            [Dim::Team, Dim::Severity, Dim::Week]
        );
        let e = Dim::parse_list("team,colour").unwrap_err().to_string();
        assert!(e.contains("colour") && e.contains("severity"), "{e}");
    }
}
