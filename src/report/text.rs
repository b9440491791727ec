//! The one home of how a report writes a value for people: durations ("45 min", "2.5 h"),
//! percentages and their intervals, ratios, counts with thousands separated, dates and minutes
//! in UTC, day counts, plurals and lists, and file-name slugs. Every report, table and chart
//! label uses these, so the same figure reads the same in the weekly, improvement and
//! postmortem reports. Formatting only: the numbers come from `metrics`.

use chrono::DateTime;

/// Shown where a figure has no value: an en dash.
pub const NONE: &str = "–";

const MIN: f64 = 1.0;
const HOUR: f64 = 60.0;
const DAY: f64 = 1440.0;

/// A duration in minutes as a short label: "45 s", "1.5 min", "2 h", "1 d". The unit is the
/// largest one the value reaches, the number has at most one decimal.
///
/// ```
/// use aftermath::report::text::duration_label;
/// assert_eq!(duration_label(1.5), "1.5 min");
/// assert_eq!(duration_label(120.0), "2 h");
/// ```
pub fn duration_label(minutes: f64) -> String {
    if !minutes.is_finite() {
        return "-".to_string();
    }
    // A chart tick goes through log10 and back, so 60 may arrive as 59.99999999: accept
    // values a hair below a unit as reaching it.
    let reaches = |unit: f64| minutes >= unit * (1.0 - 1e-9);
    let (value, unit) = if reaches(DAY) {
        (minutes / DAY, "d")
    } else if reaches(HOUR) {
        (minutes / HOUR, "h")
    } else if reaches(MIN) {
        (minutes, "min")
    } else {
        (minutes * 60.0, "s")
    };
    format!("{} {unit}", number_label(value))
}

/// A number with at most one decimal and no trailing ".0": 2, 1.5, 0.3.
pub fn number_label(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// Minutes as "45 min", "2.5 h"; an en dash for no value.
pub fn dur(minutes: Option<f64>) -> String {
    minutes
        .filter(|m| m.is_finite())
        .map_or(NONE.into(), duration_label)
}

/// "40 min – 3 h", or an en dash when either end is missing.
pub fn dur_range(lo: Option<f64>, hi: Option<f64>) -> String {
    dur_interval(lo, hi, "")
}

/// "12 min – 1.5 h", or `what` (e.g. "too few to bound") when an end is missing; an en dash
/// when `what` is empty or only names the level ("95%").
pub fn dur_interval(lo: Option<f64>, hi: Option<f64>, what: &str) -> String {
    match (lo, hi) {
        (Some(l), Some(h)) if l.is_finite() && h.is_finite() => {
            format!("{} – {}", duration_label(l), duration_label(h))
        }
        _ if what.is_empty() || what == "95%" => NONE.into(),
        _ => what.to_string(),
    }
}

/// A percentage (0-100) to one decimal: "45.2%"; an en dash for no value.
pub fn pct(x: Option<f64>) -> String {
    x.filter(|v| v.is_finite())
        .map_or(NONE.into(), |v| format!("{v:.1}%"))
}

/// "27.6%–51.7%", or an en dash when either end is missing.
pub fn pct_range(lo: Option<f64>, hi: Option<f64>) -> String {
    match (lo.filter(|v| v.is_finite()), hi.filter(|v| v.is_finite())) {
        (Some(a), Some(b)) => format!("{a:.1}%–{b:.1}%"),
        _ => NONE.into(),
    }
}

/// A ratio of durations or counts: "x0.82"; an en dash for no value.
pub fn ratio(r: Option<f64>) -> String {
    r.filter(|r| r.is_finite())
        .map_or(NONE.into(), |r| format!("x{r:.2}"))
}

/// A count with thousands separated: 133,963.
pub fn int(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A figure that is a whole number (a count summed in a table), as [`int`]; negative values
/// keep their sign; an en dash for no value.
pub fn whole(v: Option<f64>) -> String {
    match v.filter(|v| v.is_finite()).map(f64::round) {
        None => NONE.into(),
        Some(x) if x < 0.0 => format!("-{}", int(-x as u64)),
        Some(x) => int(x as u64),
    }
}

/// A number to at most one decimal ("2", "2.5"); an en dash for no value.
pub fn dec(v: Option<f64>) -> String {
    match v.filter(|v| v.is_finite()) {
        None => NONE.into(),
        Some(x) if x.fract() == 0.0 => format!("{x:.0}"),
        Some(x) => format!("{x:.1}"),
    }
}

/// A weekly average (a multiple of 1/4) to at most two decimals: 3, 1.5, 0.25.
pub fn avg(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// "2026-11-09" from UTC microseconds; an en dash for no value.
pub fn day(us: Option<i64>) -> String {
    us.and_then(DateTime::from_timestamp_micros)
        .map_or(NONE.into(), |t| t.format("%Y-%m-%d").to_string())
}

/// "2026-11-09 14:05 UTC" from microseconds; an en dash for no value.
pub fn minute(us: Option<i64>) -> String {
    us.and_then(DateTime::from_timestamp_micros)
        .map_or(NONE.into(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string())
}

/// "2026-11-09 14:05 UTC" from an RFC 3339 text; the text itself when it is not one.
pub fn minute_text(text: &str) -> String {
    match DateTime::parse_from_rfc3339(text) {
        Ok(t) => minute(Some(t.timestamp_micros())),
        Err(_) if text.is_empty() => NONE.into(),
        Err(_) => text.to_string(),
    }
}

/// Days to the nearest whole day: "103 days", "1 day", "under a day" below half a day; an en
/// dash for no value.
pub fn days(x: Option<f64>) -> String {
    match x.filter(|v| v.is_finite()).map(f64::round) {
        None => NONE.into(),
        Some(d) if d < 1.0 => "under a day".into(),
        Some(d) => plural(d as u64, "day", "days"),
    }
}

/// "1 incident", "3 incidents", "1,204 pages".
pub fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", int(n))
    }
}

/// "a, b and c".
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The longest slug: file names are `team-<slug>-<chart>.svg`, and filesystems take 255 bytes.
const MAX_SLUG: usize = 80;

/// A name (a team's, a chart's) as a file-name part: lower case, runs of anything outside
/// `[a-z0-9]` become one `-`, no `-` at either end, at most 80 characters; "team" when nothing
/// is left.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    // Bounded, so a name of any length makes a valid file name (`unique_slugs` keeps two names
    // that share their first 80 characters apart).
    out.truncate(MAX_SLUG);
    let t = out.trim_end_matches('-');
    if t.is_empty() {
        "team".into()
    } else {
        t.to_string()
    }
}

/// Slugs for `names`, in order, made unique by a `-2`, `-3` ... suffix on later collisions.
pub fn unique_slugs(names: &[String]) -> Vec<String> {
    let mut taken = std::collections::BTreeSet::new();
    names
        .iter()
        .map(|n| {
            let base = slug(n);
            let mut s = base.clone();
            let mut k = 2;
            while !taken.insert(s.clone()) {
                s = format!("{base}-{k}");
                k += 1;
            }
            s
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(dur(Some(150.0)), "2.5 h");
        assert_eq!(dur(None), NONE);
        assert_eq!(dur(Some(f64::NAN)), NONE);
        assert_eq!(pct(Some(12.345)), "12.3%");
        assert_eq!(pct_range(Some(27.64), Some(51.7)), "27.6%–51.7%");
        assert_eq!(ratio(Some(0.825)), "x0.82");
        assert_eq!(dec(Some(2.0)), "2");
        assert_eq!(dec(Some(2.46)), "2.5");
        assert_eq!(whole(Some(133_963.2)), "133,963");
        assert_eq!(whole(Some(-1_204.0)), "-1,204");
        assert_eq!(int(1_000), "1,000");
        assert_eq!(avg(0.25), "0.25");
        assert_eq!(avg(3.0), "3");
        assert_eq!(days(Some(0.4)), "under a day");
        assert_eq!(days(Some(1.2)), "1 day");
        assert_eq!(
            dur_interval(None, None, "too few to bound"),
            "too few to bound"
        );
        assert_eq!(dur_range(Some(12.0), Some(90.0)), "12 min – 1.5 h");
        assert_eq!(dur_range(Some(12.0), None), NONE);
        assert_eq!(day(Some(1_782_864_000_000_000)), "2026-07-01");
        assert_eq!(
            and_list(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
    }

    #[test]
    fn slugs_are_file_safe_and_unique() {
        assert_eq!(
            slug("<script>Data Platform</script>"),
            "script-data-platform-script"
        );
        assert_eq!(slug("---"), "team");
        assert_eq!(slug(&"x".repeat(300)).len(), 80);
        let names = [
            "Payments".to_string(),
            "payments".into(),
            "PAYMENTS!".into(),
        ];
        assert_eq!(
            unique_slugs(&names),
            ["payments", "payments-2", "payments-3"]
        );
    }
}
