//! Parsing the instants of canonical inputs into UTC microseconds.
//!
//! Accepted, in this order:
//! - RFC 3339 with any offset (`Z`, `+05:30`, `+0530`) and 0 to 9 fractional digits, `T` or a space
//!   between date and time;
//! - naive `YYYY-MM-DD HH:MM[:SS[.f]]` (or with `T`), read in the zone given by `--timezone`; a wall
//!   time that does not exist (spring-forward gap) or happens twice (fall-back fold) in that zone
//!   is rejected with that reason rather than guessed;
//! - an integer of epoch seconds, milliseconds, microseconds or nanoseconds, told apart by
//!   magnitude; integers are never routed through floating point.
//!
//! Sub-microsecond digits are truncated (floor), the store's resolution. The sentinels
//! `0001-01-01T00:00:00Z` and epoch `0` mean "missing" and come back as `None`. The row parser
//! stores only instants of the years 1900-2200 (`plausible`); others are rejected rows.

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// Parse a textual instant; `Ok(None)` is a recognised "missing" sentinel.
pub fn parse_text(s: &str, zone: Tz) -> Result<Option<i64>, String> {
    let s = s.trim();
    if s.bytes().all(|b| b.is_ascii_digit())
        || (s.starts_with('-') && s.len() > 1 && s[1..].bytes().all(|b| b.is_ascii_digit()))
    {
        let n: i64 = s
            .parse()
            .map_err(|_| format!("epoch integer {s:?} is out of range"))?;
        return parse_epoch(n);
    }
    if let Some(dt) = parse_with_offset(s) {
        let us = dt.timestamp_micros();
        return Ok(if dt.timestamp() == ZERO_TIME_SECS {
            None
        } else {
            Some(us)
        });
    }
    if let Some(naive) = parse_naive(s) {
        return match zone.from_local_datetime(&naive) {
            LocalResult::Single(dt) => Ok(Some(dt.timestamp_micros())),
            LocalResult::None => Err(format!(
                "local time {s:?} does not exist in {zone} (skipped by a daylight-saving change); give the instant with its UTC offset"
            )),
            LocalResult::Ambiguous(a, b) => Err(format!(
                "local time {s:?} happens twice in {zone} (at {} and {}, a daylight-saving change); give the instant with its UTC offset",
                a.format("%:z"),
                b.format("%:z")
            )),
        };
    }
    Err(format!(
        "cannot read {s:?} as an instant; expected RFC 3339 (2026-11-03T14:05:00Z), \"YYYY-MM-DD HH:MM[:SS]\" or epoch seconds/ms/ns"
    ))
}

/// 1900-01-01T00:00:00Z and 2201-01-01T00:00:00Z in microseconds: the instants `plausible` keeps.
const EARLIEST_US: i64 = -2_208_988_800_000_000;
const AFTER_LATEST_US: i64 = 7_289_654_400_000_000;

/// An instant outside the years 1900-2200 is not an incident's: it is an epoch number in the
/// wrong unit (seconds read as nanoseconds give 1970, milliseconds written as seconds year 50000),
/// a mistyped year, or a "never" sentinel such as 9999-12-31. Stored, it would make durations of
/// centuries, so it is refused with a reason, like a DST-ambiguous time, rather than kept as a
/// guess; `given` makes the value as the input had it, for the message (only then: one comparison
/// per value is the whole cost of a good one).
pub fn plausible(us: i64, given: impl FnOnce() -> String) -> Result<i64, String> {
    if (EARLIEST_US..AFTER_LATEST_US).contains(&us) {
        return Ok(us);
    }
    Err(format!(
        "{} is outside the years 1900-2200 accepted for instants (read as {}); check the year, or the unit of an epoch number (seconds, ms, µs or ns), or leave the value empty if it means \"none\"",
        given(),
        format_micros(us)
    ))
}

/// `0001-01-01T00:00:00Z`, the zero time of Go-based tools, in Unix seconds.
const ZERO_TIME_SECS: i64 = -62_135_596_800;

/// Epoch integers by magnitude: below 1e11 seconds (to year 5138), below 1e14 milliseconds, below
/// 1e17 microseconds, else nanoseconds. `0` is a "missing" sentinel.
pub fn parse_epoch(n: i64) -> Result<Option<i64>, String> {
    let a = n.unsigned_abs();
    let us = if n == 0 {
        return Ok(None);
    } else if a < 100_000_000_000 {
        n.checked_mul(1_000_000)
    } else if a < 100_000_000_000_000 {
        n.checked_mul(1_000)
    } else if a < 100_000_000_000_000_000 {
        Some(n)
    } else {
        Some(n.div_euclid(1_000))
    };
    us.map(Some)
        .ok_or_else(|| format!("epoch value {n} is out of range"))
}

fn parse_with_offset(s: &str) -> Option<DateTime<chrono::FixedOffset>> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt);
    }
    // Lenient forms seen in exports: a space for `T`, a lower-case `z`, `+0000` without a colon.
    let fixed = s.replacen(' ', "T", 1);
    let fixed = fixed
        .strip_suffix(['z', 'Z'])
        .map(|x| format!("{x}+00:00"))
        .unwrap_or(fixed);
    DateTime::parse_from_rfc3339(&fixed)
        .ok()
        .or_else(|| DateTime::parse_from_str(&fixed, "%Y-%m-%dT%H:%M:%S%.f%z").ok())
}

fn parse_naive(s: &str) -> Option<NaiveDateTime> {
    [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
}

/// Format microseconds as RFC 3339 UTC with microseconds, as the generator and the docs write them.
pub fn format_micros(us: i64) -> String {
    DateTime::from_timestamp_micros(us)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string())
        .unwrap_or_else(|| us.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_762_178_700_000_000; // 2025-11-03T14:05:00Z

    fn p(s: &str) -> Result<Option<i64>, String> {
        parse_text(s, Tz::UTC)
    }

    #[test]
    fn rfc3339_with_offsets_and_fractions() {
        assert_eq!(p("2025-11-03T14:05:00Z"), Ok(Some(T)));
        assert_eq!(p("2025-11-03T15:05:00+01:00"), Ok(Some(T)));
        assert_eq!(p("2025-11-03T19:35:00+05:30"), Ok(Some(T)));
        assert_eq!(p("2025-11-03T14:05:00.5Z"), Ok(Some(T + 500_000)));
        assert_eq!(p("2025-11-03T14:05:00.123456789Z"), Ok(Some(T + 123_456)));
        assert_eq!(p("2025-11-03 14:05:00z"), Ok(Some(T)));
        assert_eq!(p("2025-11-03T14:05:00+0000"), Ok(Some(T)));
    }

    #[test]
    fn naive_in_zone_and_dst() {
        assert_eq!(
            parse_text("2025-11-03 15:05", chrono_tz::Europe::Berlin),
            Ok(Some(T))
        );
        assert_eq!(p("2025-11-03 14:05:00"), Ok(Some(T)));
        let gap = parse_text("2026-03-29 02:30", chrono_tz::Europe::Berlin).unwrap_err();
        assert!(gap.contains("does not exist"), "{gap}");
        let fold = parse_text("2026-10-25 02:30", chrono_tz::Europe::Berlin).unwrap_err();
        assert!(fold.contains("happens twice"), "{fold}");
    }

    #[test]
    fn epochs_by_magnitude() {
        assert_eq!(p("1762178700"), Ok(Some(T)));
        assert_eq!(p("1762178700000"), Ok(Some(T)));
        assert_eq!(p("1762178700000000"), Ok(Some(T)));
        assert_eq!(p("1762178700000000999"), Ok(Some(T)));
        assert_eq!(parse_epoch(1_762_178_700_123), Ok(Some(T + 123_000)));
    }

    /// Regression (fuzzing): instants of year 1 or 50000 were stored without a word.
    #[test]
    fn plausible_years_are_1900_to_2200() {
        let year = |y: i32| {
            chrono::NaiveDate::from_ymd_opt(y, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp_micros()
        };
        assert_eq!(plausible(year(1900), || "x".into()), Ok(year(1900)));
        assert_eq!(plausible(year(2201) - 1, || "x".into()), Ok(year(2201) - 1));
        assert_eq!(plausible(T, || "x".into()), Ok(T));
        assert!(plausible(year(1900) - 1, || "x".into()).is_err());
        assert_eq!(
            plausible(year(2201), || "\"2201-01-01T00:00:00Z\"".into()),
            Err("\"2201-01-01T00:00:00Z\" is outside the years 1900-2200 accepted for instants (read as 2201-01-01T00:00:00.000000Z); check the year, or the unit of an epoch number (seconds, ms, µs or ns), or leave the value empty if it means \"none\"".to_string())
        );
        assert!(
            plausible(i64::MAX, || "x".into())
                .unwrap_err()
                .contains(&i64::MAX.to_string())
        );
    }

    #[test]
    fn sentinels_are_missing_and_garbage_is_explained() {
        assert_eq!(p("0001-01-01T00:00:00Z"), Ok(None));
        assert_eq!(p("0"), Ok(None));
        assert!(p("yesterday").unwrap_err().contains("RFC 3339"));
        assert!(p("2025-02-30T00:00:00Z").is_err());
    }
}
