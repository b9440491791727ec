//! Which PagerDuty export a document is, from its envelope keys alone: cheap, and specific enough
//! never to claim another tool's data (incident.io and Statuspage also have `incidents`,
//! Alertmanager and Grafana `alerts`, Opsgenie and FireHydrant `data`, FireHydrant an `event`).

use serde_json::Value;

use super::webhook;
use crate::ingest::source::util::{array, has_keys, text};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    IncidentsPage,
    IncidentsArray,
    Incident,
    AlertsPage,
    Alert,
    LogEntries,
    LogEntry,
    AnalyticsPage,
    AnalyticsOne,
    WebhookV3,
    WebhookV2,
}

impl Shape {
    pub fn name(self) -> &'static str {
        match self {
            Shape::IncidentsPage => "REST GET /incidents page",
            Shape::IncidentsArray => "REST incidents array",
            Shape::Incident => "REST GET /incidents/{id}",
            Shape::AlertsPage => "REST GET /incidents/{id}/alerts page",
            Shape::Alert => "REST GET /incidents/{id}/alerts/{alert_id}",
            Shape::LogEntries => "REST log entries page",
            Shape::LogEntry => "REST GET /log_entries/{id}",
            Shape::AnalyticsPage => "Analytics raw incidents",
            Shape::AnalyticsOne => "Analytics raw incident",
            Shape::WebhookV3 => "webhook v3 events",
            Shape::WebhookV2 => "webhook v2 messages",
        }
    }
}

fn type_is(v: &Value, t: &str) -> bool {
    text(v, "type").as_deref() == Some(t)
}

fn is_analytics(v: &Value) -> bool {
    v.is_object()
        && ([
            "seconds_to_first_ack",
            "seconds_to_resolve",
            "total_notifications",
        ]
        .iter()
        .any(|k| v.get(*k).is_some())
            || has_keys(v, &["incident_number", "service_name", "description"]))
}

fn is_incident(v: &Value) -> bool {
    v.get("id").is_some()
        && !is_analytics(v)
        && (type_is(v, "incident")
            || (v.get("incident_number").is_some()
                && (v.get("created_at").is_some() || v.get("status").is_some())))
}

fn is_alert(v: &Value) -> bool {
    type_is(v, "alert") || (v.get("alert_key").is_some() && v.get("created_at").is_some())
}

fn is_log_entry(v: &Value) -> bool {
    text(v, "type")
        .is_some_and(|t| t.ends_with("_log_entry") || t.ends_with("_log_entry_reference"))
}

/// An empty list page still has PagerDuty's classic pagination keys.
fn classic_page(v: &Value) -> bool {
    has_keys(v, &["limit", "more"]) && v.get("pagination_meta").is_none()
}

fn list_of(v: &Value, key: &str, item: fn(&Value) -> bool) -> bool {
    match v.get(key) {
        Some(Value::Array(a)) => a.first().map_or_else(|| classic_page(v), item),
        _ => false,
    }
}

/// A v3 webhook event, wrapped or bare, of PagerDuty's `incident.*`/`service.*` kinds.
fn is_v3(v: &Value) -> bool {
    webhook::v3_event(v).is_some_and(|e| {
        e.get("resource_type").is_some()
            || text(e, "event_type")
                .is_some_and(|t| t.starts_with("incident.") || t.starts_with("service."))
    })
}

pub fn classify(v: &Value) -> Option<Shape> {
    if let Value::Array(a) = v {
        return match a.first() {
            Some(x) if is_incident(x) => Some(Shape::IncidentsArray),
            // A dump of stored webhook bodies as one JSON array.
            Some(x) if is_v3(x) => Some(Shape::WebhookV3),
            _ => None,
        };
    }
    let one = |key: &str, item: fn(&Value) -> bool| v.get(key).is_some_and(item);
    Some(if list_of(v, "incidents", is_incident) {
        Shape::IncidentsPage
    } else if one("incident", is_incident) && v.get("messages").is_none() {
        Shape::Incident
    } else if list_of(v, "log_entries", is_log_entry) {
        Shape::LogEntries
    } else if one("log_entry", is_log_entry) {
        Shape::LogEntry
    } else if list_of(v, "alerts", is_alert) && v.get("receiver").is_none() {
        Shape::AlertsPage
    } else if one("alert", is_alert) {
        Shape::Alert
    } else if matches!(v.get("data"), Some(Value::Array(a)) if a.first().map_or(
        has_keys(v, &["time_zone", "order_by"]), is_analytics))
    {
        Shape::AnalyticsPage
    } else if is_analytics(v) && v.get("id").is_some() {
        Shape::AnalyticsOne
    } else if is_v3(v) {
        Shape::WebhookV3
    } else if array(v, "messages")
        .first()
        .is_some_and(|m| text(m, "event").is_some_and(|e| e.starts_with("incident.")))
    {
        Shape::WebhookV2
    } else if is_incident(v) {
        Shape::Incident
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::source::pagerduty::PagerDuty;
    use crate::ingest::source::{Input, Source};
    use std::path::Path;

    fn shape(text: &str) -> Option<&'static str> {
        PagerDuty::default().detect(&Input::parse(Path::new("x.json"), text).ok()?)
    }

    #[test]
    fn detects_every_pagerduty_shape() {
        let cases = [
            (
                r#"{"incidents":[{"id":"P1","type":"incident","incident_number":1}],"limit":1,"offset":0,"more":false}"#,
                Shape::IncidentsPage,
            ),
            (
                r#"{"incidents":[],"limit":25,"offset":0,"more":false,"total":null}"#,
                Shape::IncidentsPage,
            ),
            (
                r#"[{"id":"P1","incident_number":1,"status":"triggered"}]"#,
                Shape::IncidentsArray,
            ),
            (
                r#"{"incident":{"id":"P1","type":"incident"}}"#,
                Shape::Incident,
            ),
            (
                r#"{"alerts":[{"id":"Q1","type":"alert"}],"limit":25,"more":false}"#,
                Shape::AlertsPage,
            ),
            (
                r#"{"log_entries":[{"id":"R1","type":"acknowledgement_log_entry"}]}"#,
                Shape::LogEntries,
            ),
            (
                r#"{"log_entry":{"id":"R1","type":"trigger_log_entry_reference"}}"#,
                Shape::LogEntry,
            ),
            (
                r#"{"data":[{"id":"P1","seconds_to_resolve":5}],"time_zone":"Etc/UTC"}"#,
                Shape::AnalyticsPage,
            ),
            (
                r#"{"id":"P1","seconds_to_first_ack":5,"created_at":"2026-01-01T00:00:00"}"#,
                Shape::AnalyticsOne,
            ),
            (
                r#"{"event":{"id":"E","event_type":"incident.triggered","resource_type":"incident","occurred_at":"x"}}"#,
                Shape::WebhookV3,
            ),
            (
                r#"{"id":"E","event_type":"service.updated","resource_type":"service","occurred_at":"x"}"#,
                Shape::WebhookV3,
            ),
            (
                r#"{"messages":[{"event":"incident.resolve","incident":{}}]}"#,
                Shape::WebhookV2,
            ),
            (
                r#"[{"event":{"id":"E","event_type":"incident.resolved","occurred_at":"x"}}]"#,
                Shape::WebhookV3,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(shape(text), Some(want.name()), "{text}");
        }
    }

    #[test]
    fn leaves_other_tools_alone() {
        for text in [
            // Alertmanager, Grafana, Opsgenie, incident.io, Statuspage, FireHydrant, ServiceNow.
            r#"{"version":"4","receiver":"pd","status":"firing","alerts":[{"labels":{},"startsAt":"x"}]}"#,
            r#"{"receiver":"x","status":"firing","orgId":1,"alerts":[],"limit":1,"more":false}"#,
            r#"{"data":[{"id":"a","tinyId":"1","message":"m","createdAt":"x"}],"took":0.1,"requestId":"r"}"#,
            r#"{"incidents":[{"id":"01H","reference":"INC-1","name":"x"}],"pagination_meta":{}}"#,
            r#"{"page":{"id":"p"},"incidents":[{"id":"x","name":"n","shortlink":"s"}]}"#,
            r#"{"event":{"operation":"CREATED","resource_type":"incident"},"data":{}}"#,
            r#"{"event_type":"public_incident.incident_created_v2","public_incident.incident_created_v2":{}}"#,
            r#"{"result":[{"number":"INC0010001","sys_id":"x"}]}"#,
            "id,title\n1,x\n",
        ] {
            assert_eq!(shape(text), None, "{text}");
        }
    }
}
