//! One incident.io `IncidentV2` object as a canonical incident row.
//!
//! Status comes from `incident_status.category`, which is stable across orgs (the status *names*
//! are each org's own): triage/live/paused are still open (mitigated once "Fixed at" is set, else
//! acknowledged once "Accepted at" is set, else open); learning ("Post-incident") and closed are
//! resolved; declined/merged/canceled are resolved too and of kind `duplicate`, so the metrics leave
//! them out as incident.io's own insights do. Mode test/tutorial is kind `test`; a retrospective
//! incident is a real one recorded after the fact, so `normal`. A resolved incident without a
//! "Resolved at" value takes the timestamp of the category that closed it ("Closed at", "Declined
//! at", ...), so it still has an end.
//!
//! Custom fields: the first field whose name mentions "team" gives `team`, the first mentioning
//! "service" gives `service` (its first value: option, catalog entry, text, number or link); every
//! field with a value is kept in `labels` under its name.

use std::collections::BTreeMap;

use chrono_tz::Tz;
use serde_json::{Map, Value};

use super::super::util::{Fields, array, at, instant, instant_at, text};
use super::NAME;
use crate::model::columns::URL;

/// The org's timestamp values by lower-cased name; `value: null` is left out.
pub(super) fn timestamps(v: &Value, zone: Tz) -> Result<BTreeMap<String, i64>, String> {
    let mut out = BTreeMap::new();
    for (i, t) in array(v, "incident_timestamp_values").iter().enumerate() {
        let Some(name) = text(t, "incident_timestamp.name").or_else(|| text(t, "name")) else {
            continue;
        };
        // `{"value": {"value": "..."}}` in v2; a bare string value is accepted too.
        let (raw, path) = match at(t, "value") {
            Some(Value::Object(_)) => (at(t, "value.value"), "value.value"),
            other => (other, "value"),
        };
        let Some(raw) = raw else { continue };
        let ts = instant(raw, zone)
            .map_err(|e| format!("incident_timestamp_values[{i}].{path} ({name:?}): {e}"))?;
        if let Some(ts) = ts {
            out.entry(name.trim().to_lowercase()).or_insert(ts);
        }
    }
    Ok(out)
}

const ACTIVE: [&str; 3] = ["triage", "live", "paused"];
const CLOSED: [&str; 2] = ["learning", "closed"];
const DISCARDED: [&str; 3] = ["declined", "merged", "canceled"];

/// Whether a status category is one where the incident is still being worked on.
pub(super) fn is_active(category: &str) -> bool {
    ACTIVE.contains(&category)
}

/// Whether a status category is one after the incident was resolved.
pub(super) fn is_resolved(category: &str) -> bool {
    CLOSED.contains(&category)
}

/// The canonical status of a category; `None` for a category this version does not know, so the
/// row parser derives it from the instants.
pub(super) fn status(category: &str, accepted: bool, fixed: bool) -> Option<&'static str> {
    if is_active(category) {
        Some(if fixed {
            "mitigated"
        } else if accepted {
            "acknowledged"
        } else {
            "open"
        })
    } else if is_resolved(category) || DISCARDED.contains(&category) {
        Some("resolved")
    } else {
        None
    }
}

pub(super) fn kind(mode: Option<&str>, category: Option<&str>) -> &'static str {
    match (mode, category) {
        (Some("test" | "tutorial"), _) => "test",
        (_, Some(c)) if DISCARDED.contains(&c) => "duplicate",
        _ => "normal",
    }
}

/// The timestamp that closed an incident of `category` when "Resolved at" is empty.
fn closing_timestamp(category: &str) -> &'static [&'static str] {
    match category {
        "declined" => &["declined at"],
        "merged" => &["merged at"],
        "canceled" => &["canceled at", "cancelled at"],
        _ => &["closed at"],
    }
}

/// The text of one custom field value, whatever its field type.
fn value_text(x: &Value) -> Option<String> {
    [
        "value_option.value",
        "value_catalog_entry.name",
        "value_text",
        "value_numeric",
        "value_link",
        "value_timestamp",
    ]
    .iter()
    .find_map(|p| text(x, p))
}

struct Custom {
    team: Option<String>,
    service: Option<String>,
    labels: Map<String, Value>,
}

fn custom_fields(v: &Value) -> Custom {
    let mut c = Custom {
        team: None,
        service: None,
        labels: Map::new(),
    };
    for e in array(v, "custom_field_entries") {
        let Some(name) = text(e, "custom_field.name") else {
            continue;
        };
        let values: Vec<String> = array(e, "values").iter().filter_map(value_text).collect();
        let Some(first) = values.first() else {
            continue;
        };
        let lower = name.to_lowercase();
        if lower.contains("team") && c.team.is_none() {
            c.team = Some(first.clone());
        } else if lower.contains("service") && c.service.is_none() {
            c.service = Some(first.clone());
        }
        c.labels.insert(name, Value::from(values.join(", ")));
    }
    c
}

/// The canonical incident row, or why the record cannot be read.
pub(super) fn map(v: &Value, zone: Tz) -> Result<Fields, String> {
    let id = text(v, "id").ok_or(
        "id: missing; every incident.io incident has one (a ULID), so the record is damaged",
    )?;
    let stamps = timestamps(v, zone)?;
    let get = |n: &str| stamps.get(n).copied();
    let created = instant_at(v, "created_at", zone)?;
    let detected = match get("reported at") {
        Some(t) => Some(t),
        None => instant_at(v, "reported_at", zone)?.or(created),
    }
    .ok_or(
        "no \"Reported at\" timestamp value, reported_at or created_at: cannot tell when it was detected",
    )?;
    let category = text(v, "incident_status.category").map(|c| c.to_lowercase());
    let accepted = get("accepted at");
    let fixed = get("fixed at");
    let status = category
        .as_deref()
        .and_then(|c| status(c, accepted.is_some(), fixed.is_some()));
    let mut resolved = get("resolved at");
    if status == Some("resolved") && resolved.is_none() {
        let names = closing_timestamp(category.as_deref().unwrap_or_default());
        resolved = names.iter().find_map(|n| get(n));
    }
    let mode = text(v, "mode").map(|m| m.to_lowercase());
    let custom = custom_fields(v);

    let mut labels = custom.labels;
    for (key, path) in [
        ("incident_type", "incident_type.name"),
        ("incident_status", "incident_status.name"),
    ] {
        if let Some(x) = text(v, path) {
            labels.insert(key.to_string(), Value::from(x));
        }
    }
    if let Some(m) = mode.as_deref().filter(|m| *m != "standard") {
        labels.insert("mode".to_string(), Value::from(m));
    }

    let mut f = Fields::new();
    f.text("source", Some(NAME))
        .text("source_id", Some(id))
        .text("number", text(v, "reference"))
        .text("title", text(v, "name").or_else(|| text(v, "reference")))
        .text("team", custom.team)
        .text("service", custom.service)
        .text("severity_raw", text(v, "severity.name"))
        .text("status", status)
        .text("kind", Some(kind(mode.as_deref(), category.as_deref())))
        .ts("impact_started_at", get("impact started at"))
        .ts("detected_at", Some(detected))
        .ts("acknowledged_at", accepted)
        .ts("mitigated_at", fixed)
        .ts("resolved_at", resolved)
        .text("postmortem_url", text(v, "postmortem_document_url"))
        .text(URL, text(v, "permalink"))
        .labels("labels", labels)
        .ts("updated_at", instant_at(v, "updated_at", zone)?);
    Ok(f)
}
