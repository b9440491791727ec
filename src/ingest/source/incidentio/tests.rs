use std::path::Path;

use serde_json::{Value, json};

use super::*;

fn ctx() -> SourceContext {
    SourceContext {
        zone: chrono_tz::UTC,
        mapping: None,
    }
}

fn input(v: &Value) -> Input {
    Input::parse(Path::new("x.json"), &v.to_string()).unwrap()
}

/// Read `inputs` in one run and return the connector's output.
fn run(inputs: &[Value]) -> Out<'static> {
    let mut c = IncidentIo::default();
    let mut out = Out::default();
    for v in inputs {
        c.read(&input(v), &ctx(), &mut out).unwrap();
    }
    c.finish(&ctx(), &mut out).unwrap();
    out
}

fn rows<'a>(out: &'a Out, table: Table) -> Vec<&'a serde_json::Map<String, Value>> {
    out.rows
        .iter()
        .filter(|r| r.table == table)
        .map(|r| &r.fields)
        .collect()
}

fn stamp(name: &str, value: Option<&str>) -> Value {
    json!({
        "incident_timestamp": {"id": format!("01ORG{}", name.len()), "name": name, "rank": 1},
        "value": value.map(|v| json!({"value": v})),
    })
}

fn incident(category: &str, mode: &str, stamps: Vec<Value>) -> Value {
    json!({
        "id": "01JINC",
        "reference": "INC-7",
        "name": "Checkout errors",
        "mode": mode,
        "created_at": "2026-06-01T10:00:00.5Z",
        "updated_at": "2026-06-01T12:00:00Z",
        "incident_status": {"id": "s", "name": "Whatever the org calls it", "category": category},
        "severity": {"name": "Major"},
        "incident_timestamp_values": stamps,
        "custom_field_entries": [
            {"custom_field": {"name": "Affected services"}, "values": [
                {"value_catalog_entry": {"name": "billing"}},
                {"value_catalog_entry": {"name": "ledger"}}
            ]},
            {"custom_field": {"name": "Owning team"}, "values": [{"value_option": {"value": "Payments"}}]},
            {"custom_field": {"name": "Customer"}, "values": [{"value_text": "ACME"}]},
            {"custom_field": {"name": "Empty"}, "values": []}
        ],
        "postmortem_document_url": "https://docs.example.com/pm/7",
        "permalink": "https://app.incident.io/acme/incidents/7"
    })
}

#[test]
fn timestamps_are_matched_by_name_whatever_their_case_and_id() {
    let v = incident(
        "closed",
        "standard",
        vec![
            stamp("reported AT", Some("2026-06-01T09:58:00.72Z")),
            stamp("Accepted at", Some("2026-06-01T10:01:00Z")),
            stamp("Impact started at", Some("2026-06-01T09:50:00Z")),
            stamp("Fixed at", Some("2026-06-01T10:30:00Z")),
            stamp("Resolved at", Some("2026-06-01T10:45:00Z")),
            stamp("Closed at", None),
        ],
    );
    let out = run(&[json!({"incident": v})]);
    assert!(out.refused.is_empty(), "{:?}", out.refused);
    let r = rows(&out, Table::Incidents)[0];
    let f = |k: &str| r.get(k).and_then(Value::as_str);
    assert_eq!(f("source_id"), Some("01JINC"));
    assert_eq!(f("number"), Some("INC-7"));
    assert_eq!(f("detected_at"), Some("2026-06-01T09:58:00.720000Z"));
    assert_eq!(f("acknowledged_at"), Some("2026-06-01T10:01:00.000000Z"));
    assert_eq!(f("impact_started_at"), Some("2026-06-01T09:50:00.000000Z"));
    assert_eq!(f("mitigated_at"), Some("2026-06-01T10:30:00.000000Z"));
    assert_eq!(f("resolved_at"), Some("2026-06-01T10:45:00.000000Z"));
    assert_eq!(f("status"), Some("resolved"));
    assert_eq!(f("kind"), Some("normal"));
    assert_eq!(f("team"), Some("Payments"));
    assert_eq!(f("service"), Some("billing"));
    assert_eq!(f("severity_raw"), Some("Major"));
    assert_eq!(f("postmortem_url"), Some("https://docs.example.com/pm/7"));
    assert_eq!(f("url"), Some("https://app.incident.io/acme/incidents/7"));
    assert_eq!(
        r.get("labels"),
        Some(&json!({
            "Affected services": "billing, ledger",
            "Owning team": "Payments",
            "Customer": "ACME",
            "incident_status": "Whatever the org calls it"
        }))
    );
}

#[test]
fn detected_falls_back_to_reported_at_then_created_at() {
    let mut v = incident("live", "standard", vec![stamp("Reported at", None)]);
    v["reported_at"] = json!("2026-06-01T09:59:00Z");
    let out = run(&[json!([v.clone()])]);
    let r = rows(&out, Table::Incidents)[0];
    assert_eq!(r["detected_at"], "2026-06-01T09:59:00.000000Z");
    assert_eq!(r["status"], "open");
    v.as_object_mut().unwrap().remove("reported_at");
    let out = run(&[json!([v])]);
    assert_eq!(
        rows(&out, Table::Incidents)[0]["detected_at"],
        "2026-06-01T10:00:00.500000Z"
    );
}

#[test]
fn categories_and_modes_give_status_and_kind() {
    let cases = [
        ("triage", "standard", vec![], "open", "normal"),
        (
            "live",
            "standard",
            vec![stamp("Accepted at", Some("2026-06-01T10:01:00Z"))],
            "acknowledged",
            "normal",
        ),
        (
            "paused",
            "retrospective",
            vec![stamp("Fixed at", Some("2026-06-01T10:31:00Z"))],
            "mitigated",
            "normal",
        ),
        ("learning", "test", vec![], "resolved", "test"),
        ("live", "tutorial", vec![], "open", "test"),
        (
            "declined",
            "standard",
            vec![stamp("Declined at", Some("2026-06-01T10:05:00Z"))],
            "resolved",
            "duplicate",
        ),
        ("merged", "standard", vec![], "resolved", "duplicate"),
        ("canceled", "standard", vec![], "resolved", "duplicate"),
    ];
    for (cat, mode, stamps, status, kind) in cases {
        let out = run(&[json!([incident(cat, mode, stamps)])]);
        let r = rows(&out, Table::Incidents)[0];
        assert_eq!(
            (cat, &r["status"], &r["kind"]),
            (cat, &json!(status), &json!(kind))
        );
    }
    // A declined incident ends at "Declined at" when "Resolved at" is empty.
    let v = incident(
        "declined",
        "standard",
        vec![stamp("Declined at", Some("2026-06-01T10:05:00Z"))],
    );
    let out = run(&[json!([v])]);
    assert_eq!(
        rows(&out, Table::Incidents)[0]["resolved_at"],
        "2026-06-01T10:05:00.000000Z"
    );
}

fn update(id: &str, at: &str, name: &str, category: &str, severity: &str) -> Value {
    json!({
        "id": id, "incident_id": "01JINC", "created_at": at, "message": null,
        "new_incident_status": {"name": name, "category": category},
        "new_severity": {"name": severity},
        "updater": {"user": {"name": "Ada"}, "api_key": null}
    })
}

#[test]
fn update_kinds_follow_the_status_before_them_across_files() {
    // Two pages, out of order: the kind of each update depends on the one before it in time.
    let page2 = json!({"incident_updates": [
        update("u4", "2026-06-01T11:00:00Z", "Investigating", "live", "Critical"),
        update("u3", "2026-06-01T10:45:00Z", "Closed", "closed", "Major"),
    ], "pagination_meta": {"page_size": 2}});
    let page1 = json!({"incident_updates": [
        update("u1", "2026-06-01T10:00:00Z", "Investigating", "live", "Minor"),
        update("u2", "2026-06-01T10:20:00Z", "Monitoring", "live", "Major"),
    ], "pagination_meta": {"page_size": 2}});
    let mut u5 = update("u5", "2026-06-01T11:30:00Z", "Closed", "closed", "Critical");
    u5["message"] = json!("Rolled back the deploy");
    let page3 = json!({"incident_updates": [u5]});
    let out = run(&[page2, page1, page3]);
    let evs: Vec<(String, String, String)> = rows(&out, Table::IncidentEvents)
        .iter()
        .map(|r| {
            (
                r["event_id"].as_str().unwrap().to_string(),
                r["kind"].as_str().unwrap().to_string(),
                r["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let id = |u: &str| format!("incidentio:01JINC:{u}");
    assert_eq!(
        evs,
        vec![
            (
                id("u1"),
                "status_update".into(),
                "status Investigating (live), severity Minor".into()
            ),
            (
                id("u2"),
                "severity_changed".into(),
                "status Monitoring (live), severity Major".into()
            ),
            (
                id("u3"),
                "resolved".into(),
                "status Closed (closed), severity Major".into()
            ),
            (
                id("u4"),
                "reopened".into(),
                "status Investigating (live), severity Critical".into()
            ),
            (id("u5"), "resolved".into(), "Rolled back the deploy".into()),
        ]
    );
    // The incident was never read whole: a stand-in row, versioned at its first update.
    let inc = rows(&out, Table::Incidents);
    assert_eq!(inc.len(), 1);
    assert_eq!(inc[0]["title"], "incident.io incident 01JINC");
    assert_eq!(inc[0]["detected_at"], "2026-06-01T10:00:00.000000Z");
    assert_eq!(inc[0]["updated_at"], "2026-06-01T10:00:00.000000Z");
    assert_eq!(inc[0]["status"], "resolved");
    assert_eq!(inc[0]["severity_raw"], "Critical");
}

#[test]
fn embedded_updates_are_events_and_suppress_the_stand_in() {
    let mut v = incident("live", "standard", vec![]);
    v["updates"] = json!([update(
        "u1",
        "2026-06-01T10:00:00Z",
        "Investigating",
        "live",
        "Minor"
    )]);
    // The same update again from the updates endpoint is one event, not two.
    let out = run(&[
        json!([v]),
        json!([update(
            "u1",
            "2026-06-01T10:00:00Z",
            "Investigating",
            "live",
            "Minor"
        )]),
    ]);
    assert_eq!(rows(&out, Table::Incidents).len(), 1);
    assert_eq!(rows(&out, Table::IncidentEvents).len(), 1);
    assert_eq!(rows(&out, Table::IncidentEvents)[0]["actor"], "Ada");
}

#[test]
fn timestamp_definitions_are_a_note_not_rows() {
    let defs = json!([{"id": "a", "name": "Reported at", "rank": 0}, {"id": "b", "name": "Fixed at", "rank": 8}]);
    let out = run(&[defs.clone(), json!({"incident_timestamps": defs})]);
    assert!(out.rows.is_empty() && out.refused.is_empty());
    assert_eq!(out.notes.len(), 2);
    assert!(
        out.notes[0].contains("timestamp definitions only"),
        "{}",
        out.notes[0]
    );
}

#[test]
fn singer_messages_are_read_and_other_streams_noted() {
    let lines = [
        json!({"type": "SCHEMA", "stream": "incidents", "schema": {}, "key_properties": ["id"]}),
        json!({"type": "RECORD", "stream": "incidents", "record": incident("live", "standard", vec![])}),
        json!({"type": "RECORD", "stream": "users", "record": {"id": "u", "name": "Ada"}}),
        json!({"type": "STATE", "value": {}}),
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let inp = Input::parse(Path::new("x.ndjson"), &text).unwrap();
    let c = IncidentIo::default();
    assert_eq!(c.detect(&inp), Some("singer tap-incident messages"));
    let mut c = c;
    let mut out = Out::default();
    c.read(&inp, &ctx(), &mut out).unwrap();
    assert_eq!(rows(&out, Table::Incidents).len(), 1);
    assert!(out.notes[0].contains("users"), "{:?}", out.notes);
}

#[test]
fn bad_records_are_refused_with_their_path_and_reason() {
    let mut no_id = incident("live", "standard", vec![]);
    no_id.as_object_mut().unwrap().remove("id");
    let bad_ts = incident(
        "live",
        "standard",
        vec![stamp("Reported at", Some("yesterday-ish"))],
    );
    let out = run(&[json!({"incidents": [no_id, bad_ts], "pagination_meta": {}})]);
    let reasons: Vec<(Option<&str>, &str)> = out
        .refused
        .iter()
        .map(|r| (r.loc.json_path.as_deref(), r.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 2);
    assert_eq!(reasons[0].0, Some("$.incidents[0]"));
    assert!(reasons[0].1.starts_with("id: missing"), "{}", reasons[0].1);
    assert_eq!(reasons[1].0, Some("$.incidents[1]"));
    assert!(
        reasons[1]
            .1
            .starts_with("incident_timestamp_values[0].value.value (\"Reported at\")"),
        "{}",
        reasons[1].1
    );
}

#[test]
fn other_tools_are_not_claimed() {
    let c = IncidentIo::default();
    for v in [
        // PagerDuty REST incidents.
        json!({"incidents": [{"id": "P1", "incident_number": 1, "status": "triggered"}], "limit": 25}),
        // A Statuspage incident with its updates, and a Statuspage webhook.
        json!({"id": "x", "name": "Outage", "status": "resolved", "incident_updates": [{"id": "u", "incident_id": "x", "status": "resolved", "body": "ok"}]}),
        json!({"meta": {}, "page": {"id": "p"}, "incident": {"id": "x", "name": "n", "status": "investigating"}}),
        // Severities look like timestamp definitions but carry a description.
        json!([{"id": "s", "name": "Minor", "rank": 0, "description": "low"}]),
        json!({"type": "SCHEMA", "stream": "incidents", "schema": {}}),
    ] {
        assert_eq!(c.detect(&input(&v)), None, "{v}");
    }
    let err = IncidentIo::default()
        .read(&input(&json!({"data": []})), &ctx(), &mut Out::default())
        .unwrap_err();
    assert!(
        err.to_string().contains("not an incident.io export"),
        "{err}"
    );
}
