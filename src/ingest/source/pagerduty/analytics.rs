//! Analytics raw incidents: `POST /analytics/raw/incidents` responses (`{data:[...], time_zone}`)
//! and `GET /analytics/raw/incidents/{id}` (one record).
//!
//! Timestamps are naive wall times in the response's `time_zone` (`Etc/UTC` when the response does
//! not say, as PagerDuty's default). `detected_at` = `created_at`; `acknowledged_at` =
//! `created_at` plus `seconds_to_first_ack`; `resolved_at` = `resolved_at`, else `created_at` plus
//! `seconds_to_resolve`. The record's `updated_at` is when the analytics pipeline processed it, not
//! a version of the incident, so it is kept in the labels and the row's version defaults to its
//! latest lifecycle instant: a REST export of the same incident, versioned by its real last change,
//! wins. Records are kept as given even when inconsistent (PagerDuty's own example resolves before
//! it is created); the metrics flag such rows.

use chrono_tz::Tz;
use serde_json::Value;

use super::common::{Labels, NAME, Rec, severity_raw, status};
use crate::ingest::source::util::{Fields, add_seconds, at, text};
use crate::ingest::source::{Out, SourceContext};
use crate::model::Table;
use crate::model::columns::*;

/// Counters and names kept as labels: the fatigue and effort figures no canonical column holds.
const LABEL_KEYS: [&str; 24] = [
    "total_notifications",
    "business_hour_interruptions",
    "off_hour_interruptions",
    "sleep_hour_interruptions",
    "acknowledgement_count",
    "assignment_count",
    "escalation_count",
    "manual_escalation_count",
    "timeout_escalation_count",
    "reassignment_count",
    "active_user_count",
    "engaged_user_count",
    "engaged_seconds",
    "snoozed_seconds",
    "seconds_to_engage",
    "seconds_to_mobilize",
    "user_defined_effort_seconds",
    "auto_resolved",
    "major",
    "urgency",
    "service_id",
    "team_id",
    "escalation_policy_name",
    "incident_type_name",
];

/// The zone of a response: its `time_zone`, else UTC. An unknown zone is a whole-file problem.
pub fn zone_of(response: &Value) -> Result<Tz, String> {
    match text(response, "time_zone") {
        None => Ok(Tz::UTC),
        Some(z) => z.parse::<Tz>().map_err(|_| {
            format!(
                "time_zone: unknown time zone {z:?}; the naive timestamps of an Analytics response cannot be placed without it (re-export with an IANA zone such as \"Etc/UTC\")"
            )
        }),
    }
}

/// Emit one record (or refuse it).
pub fn record(rec: &Rec, v: &Value, zone: Tz, _ctx: &SourceContext, out: &mut Out) {
    match fields(rec, v, zone) {
        Ok(f) => out.row(Table::Incidents, rec.loc(), f.into_map(), v),
        Err(reason) => out.refuse(rec.loc(), Some(Table::Incidents), reason, v),
    }
}

/// Whole seconds at `key`: integers, integral floats and numeric strings; null is `None`.
fn seconds(rec: &Rec, v: &Value, key: &str) -> Result<Option<i64>, String> {
    match at(v, key) {
        None => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .map(Some)
            .ok_or_else(|| rec.reason(key, &format!("{n} is not a whole number of seconds"))),
        Some(Value::String(s)) => s
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| rec.reason(key, &format!("{s:?} is not a whole number of seconds"))),
        Some(_) => Err(rec.reason(key, "expected a number of seconds")),
    }
}

fn after(rec: &Rec, start: i64, secs: Option<i64>, key: &str) -> Result<Option<i64>, String> {
    secs.map(|s| {
        add_seconds(start, s).ok_or_else(|| rec.reason(key, "too large to add to created_at"))
    })
    .transpose()
}

fn fields(rec: &Rec, v: &Value, zone: Tz) -> Result<Fields, String> {
    let id = rec.id(v, "id")?;
    let created = rec.required_instant(v, "created_at", zone)?;
    let title = text(v, "description")
        .or_else(|| text(v, "title"))
        .ok_or_else(|| rec.reason("description", "missing; the incident has no title"))?;
    let acked = after(
        rec,
        created,
        seconds(rec, v, "seconds_to_first_ack")?,
        "seconds_to_first_ack",
    )?;
    let resolved = match rec.instant(v, "resolved_at", zone)? {
        Some(t) => Some(t),
        None => after(
            rec,
            created,
            seconds(rec, v, "seconds_to_resolve")?,
            "seconds_to_resolve",
        )?,
    };
    let priority = text(v, "priority_name");
    let urgency = text(v, "urgency");
    let mut labels = Labels::default();
    for key in LABEL_KEYS {
        labels.from(key, v, key);
    }
    labels
        // PagerDuty's own example spells this key with a stray quote: read either spelling.
        .put(
            "total_interruptions",
            text(v, "total_interruptions").or_else(|| text(v, "total_interruptions\"")),
        )
        .put("priority", priority.clone())
        .names("acknowledged_by", v, "acknowledged_user_names", "name")
        .names("assignees", v, "assigned_user_names", "name")
        .from("resolved_by", v, "resolved_by_user_name")
        .from("analytics_updated_at", v, "updated_at")
        .from("status_raw", v, "status");
    let mut f = Fields::new();
    f.text(SOURCE, Some(NAME))
        .text(SOURCE_ID, Some(id))
        .text(NUMBER, text(v, "incident_number"))
        .text(TITLE, Some(title))
        .text(TEAM, text(v, "team_name"))
        .text(SERVICE, text(v, "service_name"))
        .text(SEVERITY_RAW, severity_raw(priority, urgency))
        .text(STATUS, text(v, "status").as_deref().and_then(status))
        .ts(DETECTED_AT, Some(created))
        .ts(ACKNOWLEDGED_AT, acked)
        .ts(RESOLVED_AT, resolved)
        .labels(LABELS, labels.0);
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::source::Input;
    use serde_json::json;
    use std::path::Path;

    #[test]
    fn naive_times_in_the_response_zone_and_durations() {
        let input = Input::parse(Path::new("x.json"), "{}").unwrap();
        let rec = Rec::new(&input.docs()[0], "$.data[0]");
        let zone = zone_of(&json!({"time_zone": "America/New_York"})).unwrap();
        let v = json!({
            "id": "PQ1", "description": "Search indexer stalled", "created_at": "2026-07-01T10:00:00",
            "seconds_to_first_ack": 90, "seconds_to_resolve": 3600, "resolved_at": null,
            "status": "resolved", "urgency": "high", "priority_name": null,
            "total_notifications": 4, "total_interruptions\"": 2, "service_name": "indexer"
        });
        let f = fields(&rec, &v, zone).unwrap();
        assert_eq!(f.get(DETECTED_AT), Some("2026-07-01T14:00:00.000000Z"));
        assert_eq!(f.get(ACKNOWLEDGED_AT), Some("2026-07-01T14:01:30.000000Z"));
        assert_eq!(f.get(RESOLVED_AT), Some("2026-07-01T15:00:00.000000Z"));
        assert_eq!(f.get(SEVERITY_RAW), Some("high"));
        assert_eq!(f.get(UPDATED_AT), None);
        let labels = f.0.get(LABELS).unwrap();
        assert_eq!(labels["total_notifications"], "4");
        assert_eq!(labels["total_interruptions"], "2");
        assert_eq!(zone_of(&json!({})).unwrap(), Tz::UTC);
        assert!(zone_of(&json!({"time_zone": "Mars/Olympus"})).is_err());
        let bad = json!({"id": "PQ2", "description": "x", "created_at": "2026-07-01T10:00:00",
                         "seconds_to_first_ack": "soon"});
        let e = fields(&rec, &bad, zone).unwrap_err();
        assert!(e.starts_with("data[0].seconds_to_first_ack: "), "{e}");
    }
}
