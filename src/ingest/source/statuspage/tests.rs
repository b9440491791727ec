//! Unit tests of the Statuspage mapping: update order and kinds, severities, maintenance, refusals
//! and detection.

use super::*;
use crate::model::columns::*;
use std::path::Path;

fn run(text: &str) -> Out<'static> {
    let input = Input::parse(Path::new("x.json"), text).unwrap();
    let ctx = SourceContext {
        zone: chrono_tz::Tz::UTC,
        mapping: None,
    };
    let mut out = Out::default();
    Statuspage::default().read(&input, &ctx, &mut out).unwrap();
    out
}

fn col(out: &Out, table: Table, col: &str) -> Vec<String> {
    out.rows
        .iter()
        .filter(|r| r.table == table)
        .map(|r| {
            r.fields.get(col).map_or("-".into(), |v| {
                v.as_str().map_or(v.to_string(), str::to_string)
            })
        })
        .collect()
}

const PAGE: &str = r#"{"page":{"id":"pg1","name":"Acme","time_zone":"America/Chicago"},
  "incidents":[{"id":"inc1","name":"Checkout errors","status":"resolved","impact":"none",
    "created_at":"2026-06-01T10:00:00.000-06:00","updated_at":"2026-06-01T12:00:00-06:00",
    "monitoring_at":null,"resolved_at":null,"shortlink":"https://stspg.io/abc",
    "components":[{"name":"payments-api"}],
    "incident_updates":[
      {"id":"u4","status":"investigating","body":"Back again","created_at":"2026-06-01T11:30:00-06:00"},
      {"id":"u3","status":"resolved","body":"Fixed","created_at":"2026-06-01T11:00:00-06:00"},
      {"id":"u2","status":"monitoring","body":"Watching","created_at":"2026-06-01T10:30:00-06:00"},
      {"id":"u1","status":"identified","body":"Found it","created_at":"2026-06-01T10:05:00-06:00"}]}]}"#;

#[test]
fn updates_are_read_oldest_first_and_a_status_after_resolved_reopens() {
    let out = run(PAGE);
    assert!(out.refused.is_empty(), "{:?}", out.refused);
    assert_eq!(
        col(&out, Table::IncidentEvents, KIND),
        ["status_update", "mitigated", "resolved", "reopened"]
    );
    assert_eq!(
        col(&out, Table::IncidentEvents, AT)[0],
        "2026-06-01T16:05:00.000000Z"
    );
    assert_eq!(
        col(&out, Table::IncidentEvents, EVENT_ID)[3],
        "statuspage:inc1:u4"
    );
    // The latest update decides the status; the first monitoring / resolved updates the instants.
    assert_eq!(col(&out, Table::Incidents, STATUS), ["open"]);
    assert_eq!(col(&out, Table::Incidents, URL), ["https://stspg.io/abc"]);
    assert_eq!(
        col(&out, Table::Incidents, MITIGATED_AT),
        ["2026-06-01T16:30:00.000000Z"]
    );
    assert_eq!(
        col(&out, Table::Incidents, IMPACT_STARTED_AT),
        ["2026-06-01T16:00:00.000000Z"]
    );
}

#[test]
fn impact_none_is_sev5_and_components_become_service_and_labels() {
    let out = run(PAGE);
    assert_eq!(col(&out, Table::Incidents, SEVERITY), ["SEV5"]);
    assert_eq!(col(&out, Table::Incidents, SEVERITY_RAW), ["none"]);
    assert_eq!(col(&out, Table::Incidents, SERVICE), ["payments-api"]);
    assert_eq!(
        col(&out, Table::Incidents, LABELS),
        [r#"{"components":"payments-api","page_id":"pg1","page":"Acme"}"#]
    );
}

#[test]
fn scheduled_maintenance_is_kind_maintenance_with_its_own_statuses() {
    let out = run(
        r#"[{"id":"m1","page_id":"pg1","name":"DB upgrade","status":"completed","impact":"maintenance",
          "impact_override":"minor","created_at":"2026-06-02T08:00:00Z",
          "scheduled_for":"2026-06-03T01:00:00Z","incident_updates":[
          {"id":"c","status":"completed","created_at":"2026-06-03T02:00:00Z","body":"done"},
          {"id":"b","status":"in_progress","created_at":"2026-06-03T01:01:00Z"},
          {"id":"a","status":"scheduled","created_at":"2026-06-02T08:00:00Z"}]}]"#,
    );
    assert_eq!(col(&out, Table::Incidents, KIND), ["maintenance"]);
    assert_eq!(col(&out, Table::Incidents, SEVERITY_RAW), ["minor"]);
    assert_eq!(
        col(&out, Table::Incidents, IMPACT_STARTED_AT),
        ["2026-06-03T01:01:00.000000Z"]
    );
    assert_eq!(
        col(&out, Table::Incidents, DETECTED_AT),
        ["2026-06-03T01:01:00.000000Z"]
    );
    assert_eq!(
        col(&out, Table::Incidents, RESOLVED_AT),
        ["2026-06-03T02:00:00.000000Z"]
    );
    assert_eq!(
        col(&out, Table::IncidentEvents, KIND),
        ["note", "impact_started", "resolved"]
    );
}

#[test]
fn bad_records_are_refused_with_their_path() {
    let out = run(
        r#"[{"id":"a","page_id":"p","impact":"minor","name":"x","created_at":"yesterday","incident_updates":[]},
           {"page_id":"p","impact":"minor","name":"y","created_at":"2026-06-01T00:00:00Z","incident_updates":[]},
           {"id":"c","page_id":"p","impact":"minor","name":"z","created_at":"2026-06-01T00:00:00Z",
            "incident_updates":[{"id":"u","status":"resolved","created_at":"soon"}]}]"#,
    );
    let reasons: Vec<&str> = out.refused.iter().map(|r| r.reason.as_str()).collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(reasons[0].starts_with("$[0].created_at: "), "{reasons:?}");
    assert!(reasons[1].starts_with("$[1].id: missing"), "{reasons:?}");
    assert!(reasons[2].starts_with("$[2].incident_updates[0].created_at"));
    assert_eq!(col(&out, Table::Incidents, SOURCE_ID), ["c"]);
}

#[test]
fn detect_claims_only_statuspage_shapes() {
    let d = |t: &str| Statuspage::default().detect(&Input::parse(Path::new("x.json"), t).unwrap());
    assert_eq!(d(PAGE), Some(Shape::PublicPage.name()));
    assert_eq!(
        d(
            r#"{"meta":{},"page":{"id":"p"},"incident":{"id":"i","impact":"minor","incident_updates":[]}}"#
        ),
        Some(Shape::Webhook.name())
    );
    assert_eq!(d(r#"{"incidents":[{"id":"1","title":"x"}]}"#), None);
    assert_eq!(d(r#"[{"id":"1","status":"open"}]"#), None);
}
