//! What every connector needs: walking JSON by path, reading the timestamp zoo of vendor exports
//! into UTC microseconds, and building a canonical row (`Fields`) column by column.
//!
//! Timestamps are handed to the row parser as RFC 3339 UTC text with microseconds, so a connector
//! decides the zone of a naive time (it knows the source) and the row parser only ever sees
//! unambiguous instants.

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use serde_json::{Map, Value};

use crate::ingest::timestamp::{format_micros, parse_epoch, parse_text};

/// The value at a dotted path (`"service.summary"`, `"report.ackTime"`); array indices as numbers
/// (`"teams.0.summary"`).
pub fn at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for key in path.split('.') {
        cur = match cur {
            Value::Object(m) => m.get(key)?,
            Value::Array(a) => a.get(key.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    (!cur.is_null()).then_some(cur)
}

/// A non-empty string (numbers and booleans as text) at `path`.
pub fn text(v: &Value, path: &str) -> Option<String> {
    match at(v, path)? {
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The array at `path`, or an empty slice.
pub fn array<'a>(v: &'a Value, path: &str) -> &'a [Value] {
    match at(v, path) {
        Some(Value::Array(a)) => a,
        _ => &[],
    }
}

/// Whether `v` is an object having every key.
pub fn has_keys(v: &Value, keys: &[&str]) -> bool {
    v.as_object()
        .is_some_and(|m| keys.iter().all(|k| m.contains_key(*k)))
}

/// An unsigned integer at `path`, from a number or a numeric string, never through `f64`.
pub fn uint(v: &Value, path: &str) -> Option<u64> {
    match at(v, path)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// An instant from a JSON value: RFC 3339 (any offset, 0-9 fractional digits, hour-only offsets),
/// `YYYY-MM-DD HH:MM:SS UTC`, a date alone (midnight UTC), naive text read in `zone`, or an epoch
/// integer in s/ms/µs/ns told apart by magnitude (`u64` nanoseconds above `i64::MAX` included).
/// `Ok(None)` for null, empty and the zero-time sentinel.
pub fn instant(v: &Value, zone: Tz) -> Result<Option<i64>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => parse_epoch(i),
            (None, Some(u)) => Ok(Some((u / 1_000) as i64)),
            _ => Err(format!("{n} is not a whole epoch number")),
        },
        Value::String(s) => instant_text(s, zone),
        other => Err(format!("expected a timestamp, found {}", json_kind(other))),
    }
}

/// `instant` for the value at `path` of `v`, with the path in the error.
pub fn instant_at(v: &Value, path: &str, zone: Tz) -> Result<Option<i64>, String> {
    match at(v, path) {
        None => Ok(None),
        Some(x) => instant(x, zone).map_err(|e| format!("{path}: {e}")),
    }
}

/// Text forms of `instant`.
pub fn instant_text(s: &str, zone: Tz) -> Result<Option<i64>, String> {
    let s = s.trim();
    if s.is_empty() || matches!(s, "?" | "UNKNOWN" | "null" | "N/A") {
        return Ok(None);
    }
    // Ruby's Time#to_s (FireHydrant webhooks): "2023-07-25 13:34:49 UTC".
    if let Some(body) = s.strip_suffix(" UTC") {
        return parse_text(body, Tz::UTC);
    }
    // ISO 8601 with an hour-only offset, as PagerDuty documents: "2011-05-06T03:30-07".
    if let Some(t) = hour_only_offset(s) {
        return Ok(Some(t));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return local(d.and_hms_opt(0, 0, 0).unwrap_or_default(), zone, s).map(Some);
    }
    parse_text(s, zone)
}

fn hour_only_offset(s: &str) -> Option<i64> {
    let (body, sign, hours) = {
        let i = s.rfind(['+', '-'])?;
        let (b, off) = s.split_at(i);
        if !b.contains('T') || off.len() != 3 {
            return None;
        }
        (b, &off[..1], off[1..].parse::<i32>().ok()?)
    };
    let naive = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(body, f).ok())?;
    let secs = hours * 3600 * if sign == "-" { -1 } else { 1 };
    let off = chrono::FixedOffset::east_opt(secs)?;
    off.from_local_datetime(&naive)
        .single()
        .map(|d| d.timestamp_micros())
}

/// A naive wall time in a given strftime format, read in `zone`; DST gaps and folds are errors.
pub fn instant_fmt(s: &str, formats: &[&str], zone: Tz) -> Result<Option<i64>, String> {
    let s = s.trim();
    if s.is_empty() || matches!(s, "?" | "UNKNOWN" | "null" | "N/A") {
        return Ok(None);
    }
    let naive = formats
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .ok_or_else(|| {
            format!(
                "cannot read {s:?} as a date and time in the form {}",
                formats.join(" or ")
            )
        })?;
    local(naive, zone, s).map(Some)
}

fn local(naive: NaiveDateTime, zone: Tz, shown: &str) -> Result<i64, String> {
    match zone.from_local_datetime(&naive) {
        chrono::LocalResult::Single(d) => Ok(d.timestamp_micros()),
        chrono::LocalResult::None => Err(format!(
            "local time {shown:?} does not exist in {zone} (a daylight-saving gap)"
        )),
        chrono::LocalResult::Ambiguous(..) => Err(format!(
            "local time {shown:?} happens twice in {zone} (a daylight-saving fold)"
        )),
    }
}

/// Microseconds as the RFC 3339 text the row parser reads back exactly.
pub fn iso(us: i64) -> String {
    format_micros(us)
}

/// Whole seconds since the epoch to microseconds, checked.
pub fn add_seconds(us: i64, secs: i64) -> Option<i64> {
    us.checked_add(secs.checked_mul(1_000_000)?)
}

pub fn json_kind(v: &Value) -> &'static str {
    crate::ingest::reader::kind_of(v)
}

/// A record as compact JSON for the rejected log, cut to a readable length.
pub fn raw_text(v: &Value) -> String {
    const MAX: usize = 4000;
    let s = v.to_string();
    if s.len() <= MAX {
        return s;
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// A canonical row under construction. Setters skip `None`, so a connector writes one line per
/// column whether or not the source has the value.
#[derive(Debug, Default, Clone)]
pub struct Fields(pub Map<String, Value>);

impl Fields {
    pub fn new() -> Fields {
        Fields::default()
    }
    pub fn text(&mut self, col: &str, v: Option<impl Into<String>>) -> &mut Self {
        if let Some(s) = v {
            let s: String = s.into();
            if !s.trim().is_empty() {
                self.0.insert(col.to_string(), Value::String(s));
            }
        }
        self
    }
    pub fn ts(&mut self, col: &str, us: Option<i64>) -> &mut Self {
        if let Some(us) = us {
            self.0.insert(col.to_string(), Value::String(iso(us)));
        }
        self
    }
    pub fn uint(&mut self, col: &str, v: Option<u64>) -> &mut Self {
        if let Some(n) = v {
            self.0.insert(col.to_string(), Value::from(n));
        }
        self
    }
    pub fn flag(&mut self, col: &str, v: bool) -> &mut Self {
        self.0.insert(col.to_string(), Value::Bool(v));
        self
    }
    /// Labels or tags as a JSON object; an empty object is left out.
    pub fn labels(&mut self, col: &str, m: Map<String, Value>) -> &mut Self {
        if !m.is_empty() {
            self.0.insert(col.to_string(), Value::Object(m));
        }
        self
    }
    pub fn get(&self, col: &str) -> Option<&str> {
        self.0.get(col).and_then(Value::as_str)
    }
    pub fn into_map(self) -> Map<String, Value> {
        self.0
    }
}

/// Tags (`["a", "env:prod"]`) as labels: `key:value` tags split, bare tags map to `"true"`.
pub fn tags_as_labels(tags: &[Value]) -> Map<String, Value> {
    let mut m = Map::new();
    for t in tags.iter().filter_map(Value::as_str) {
        match t.split_once(':') {
            Some((k, v)) if !k.is_empty() => m.insert(k.to_string(), Value::from(v)),
            _ => m.insert(t.to_string(), Value::from("true")),
        };
    }
    m
}

/// An object's string-valued entries (labels, details), non-strings as their JSON text.
pub fn string_map(v: Option<&Value>) -> Map<String, Value> {
    match v {
        Some(Value::Object(m)) => m
            .iter()
            .filter(|(_, x)| !x.is_null())
            .map(|(k, x)| {
                let s = x.as_str().map_or_else(|| x.to_string(), str::to_string);
                (k.clone(), Value::String(s))
            })
            .collect(),
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn t(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_micros()
    }

    #[test]
    fn the_timestamp_zoo() {
        let z = Tz::UTC;
        assert_eq!(
            instant(&json!("2023-07-25 13:34:49 UTC"), z),
            Ok(Some(t("2023-07-25T13:34:49Z")))
        );
        assert_eq!(
            instant(&json!("2011-05-06T03:30-07"), z),
            Ok(Some(t("2011-05-06T10:30:00Z")))
        );
        assert_eq!(
            instant(&json!("2011-05-06"), z),
            Ok(Some(t("2011-05-06T00:00:00Z")))
        );
        assert_eq!(
            instant(&json!(1502709956288u64), z),
            Ok(Some(t("2017-08-14T11:25:56.288Z")))
        );
        assert_eq!(
            instant(&json!(1502709956288000110u64), z),
            Ok(Some(t("2017-08-14T11:25:56.288Z")))
        );
        assert_eq!(
            instant(&json!(18_000_000_000_000_000_000u64), z),
            Ok(Some(18_000_000_000_000_000))
        );
        assert_eq!(instant(&json!("0001-01-01T00:00:00Z"), z), Ok(None));
        assert_eq!(
            instant_fmt("29/2/2016 01:16", &["%d/%m/%Y %H:%M"], z),
            Ok(Some(t("2016-02-29T01:16:00Z")))
        );
        assert!(instant(&json!(true), z).is_err());
    }

    #[test]
    fn paths_and_fields() {
        let v = json!({"a": {"b": [{"c": 7}]}, "n": null, "s": " "});
        assert_eq!(text(&v, "a.b.0.c").as_deref(), Some("7"));
        assert_eq!(at(&v, "n"), None);
        assert_eq!(text(&v, "s"), None);
        let mut f = Fields::new();
        f.text("title", Some("x"))
            .text("team", None::<String>)
            .ts("at", Some(0));
        assert_eq!(f.0.len(), 2);
        assert_eq!(f.get("at"), Some("1970-01-01T00:00:00.000000Z"));
        let l = tags_as_labels(&[json!("env:prod"), json!("db")]);
        assert_eq!(Value::Object(l), json!({"env": "prod", "db": "true"}));
    }
}
