use std::path::Path;

use serde_json::{Map, Value, json};

use super::*;

fn ctx() -> SourceContext {
    SourceContext {
        zone: Tz::UTC,
        mapping: None,
    }
}

fn run(files: &[String]) -> Out<'static> {
    let mut g = Grafana::default();
    let mut out = Out::default();
    for (i, text) in files.iter().enumerate() {
        out.file = format!("f{i}.json");
        let input = Input::parse(Path::new("x.json"), text).unwrap();
        g.read(&input, &ctx(), &mut out).unwrap();
    }
    g.finish(&ctx(), &mut out).unwrap();
    out
}

fn col(out: &Out, col: &str) -> Vec<Option<Value>> {
    out.rows
        .iter()
        .map(|r| r.fields.get(col).cloned())
        .collect()
}

fn line(prev: &str, cur: &str, service: &str) -> String {
    json!({"schemaVersion": 1, "previous": prev, "current": cur, "ruleTitle": "Ledger lag",
           "ruleUID": "u1", "labels": {"alertname": "Ledger lag", "service": service}})
    .to_string()
}

/// A Loki query response, newest entry first as Loki answers, seconds after 2026-06-01T00:00Z.
fn query(entries: &[(i64, String)]) -> String {
    let values: Vec<Value> = entries
        .iter()
        .rev()
        .map(|(s, l)| json!([((1_780_272_000 + s) * 1_000_000_000).to_string(), l]))
        .collect();
    json!({"status": "success", "data": {"resultType": "streams",
           "result": [{"stream": {"from": "state-history", "group": "g"}, "values": values}]}})
    .to_string()
}

#[test]
fn transitions_replay_in_time_order_with_reasons_and_fixture_spellings() {
    let q = query(&[
        (0, line("Normal", "Pending", "ledger")),
        (60, line("Pending", "Alerting (NoData)", "ledger")),
        (60, line("Pending", "Alerting (NoData)", "ledger")),
        (120, line("Alerting", "Error", "ledger")),
        (180, line("Error", "Normal (MissingSeries)", "ledger")),
        (300, line("normal", "pending", "ledger")),
        (360, line("pending", "normal", "ledger")),
        (400, line("Alerting", "Normal", "billing")),
        (500, line("Normal", "Recovering", "billing")),
    ]);
    let out = run(&[q]);
    assert!(out.refused.is_empty(), "{:?}", out.refused);
    // One episode: the duplicate line is one transition, the pending that never fired makes no
    // row, and billing's resolution has its firing before the window (a note).
    assert_eq!(
        col(&out, "fired_at"),
        [Some(json!("2026-06-01T00:01:00.000000Z"))]
    );
    assert_eq!(
        col(&out, "resolved_at"),
        [Some(json!("2026-06-01T00:03:00.000000Z"))]
    );
    assert_eq!(col(&out, "paged"), [Some(json!(false))]);
    let labels = &out.rows[0].fields["labels"];
    assert_eq!(labels["state.pending_at"], "2026-06-01T00:00:00.000000Z");
    assert_eq!(labels["rule.uid"], "u1");
    assert_eq!(labels["rule.group"], "g");
    assert!(
        out.notes.iter().any(|n| n.contains("1 resolution(s)")),
        "{:?}",
        out.notes
    );
}

#[test]
fn a_line_without_fingerprint_gets_the_state_history_one() {
    // The rules-history DataFrame of Grafana's own UI tests: no schemaVersion, no fingerprint.
    let frame = json!({"data": {"values": [
        [1_780_272_000_000i64],
        [{"previous": "Pending", "current": "Alerting", "values": {"B": 0.01},
          "ruleTitle": "Handler errors", "labels": {"alertname": "Handler errors", "handler": "/api/live/ws"}}],
        [{"from": "state-history"}]]}});
    let out = run(&[frame.to_string()]);
    let mut l = Map::new();
    l.insert("alertname".into(), json!("Handler errors"));
    l.insert("handler".into(), json!("/api/live/ws"));
    assert_eq!(
        col(&out, "fingerprint"),
        [Some(Value::String(webhook::fingerprint(&l)))]
    );
    assert_eq!(col(&out, "rule"), [Some(json!("Handler errors"))]);
}

#[test]
fn a_notification_whose_every_attempt_failed_paged_nobody() {
    let lines = [
        json!({"schemaVersion": 2, "uuid": "a", "alertIndex": 0, "status": "firing",
               "labels": {"alertname": "X", "__alert_rule_uid__": "r"}, "startsAt": "2026-06-01T00:00:00Z"}),
        json!({"schemaVersion": 2, "uuid": "a", "receiver": "slack", "integration": "slack",
               "status": "firing", "alertCount": 1, "error": "503"}),
        json!({"schemaVersion": 2, "uuid": "a", "receiver": "slack", "integration": "slack",
               "status": "firing", "alertCount": 1, "retry": true, "error": "503"}),
    ];
    let text: Vec<String> = lines.iter().map(Value::to_string).collect();
    let out = run(&[text.join("\n")]);
    assert_eq!(col(&out, "paged"), [Some(json!(false))]);
    assert_eq!(col(&out, "notifications"), [Some(json!(0))]);
    assert_eq!(out.rows[0].fields["labels"]["rule.uid"], "r");
    assert_eq!(out.rows[0].fields["labels"]["notify.receiver"], "slack");
}

#[test]
fn detection_claims_only_grafana_data() {
    let g = Grafana::default();
    let detect = |v: Value| g.detect(&Input::parse(Path::new("x.json"), &v.to_string()).unwrap());
    let am = json!({"version": "4", "receiver": "r", "groupKey": "{}:{}", "alerts": []});
    assert_eq!(detect(am), None);
    let grafana9 = json!({"version": "1", "state": "ok", "title": "t", "alerts": []});
    assert_eq!(
        detect(grafana9),
        Some("webhook contact point payload (version 1)")
    );
    let other_logs = json!({"data": {"result": [{"stream": {"app": "web"},
        "values": [["1780272000000000000", "GET /index 200"]]}]}});
    assert_eq!(detect(other_logs), None);
    // A bare line must show its schemaVersion to be claimed.
    assert_eq!(
        detect(json!({"previous": "Normal", "current": "Pending"})),
        None
    );
    assert_eq!(
        detect(json!({"schemaVersion": 1, "previous": "Normal", "current": "Pending"})),
        Some("Loki state-history lines")
    );
}

#[test]
fn a_loki_push_body_is_read_like_a_query_response() {
    let alert = json!({"schemaVersion": 2, "uuid": "p", "alertIndex": 0, "status": "resolved",
        "labels": {"alertname": "Y"}, "startsAt": "2026-06-01T00:00:00+10:00",
        "endsAt": "2026-06-01T00:30:00+10:00"});
    let push = json!({"streams": [{"stream": {"from": "notify-history-alerts"},
        "values": [["1780272000000000000", alert.to_string()]]}]});
    let input = Input::parse(Path::new("x.json"), &push.to_string()).unwrap();
    assert_eq!(Grafana::default().detect(&input), Some("Loki push body"));
    let out = run(&[push.to_string()]);
    assert!(out.refused.is_empty(), "{:?}", out.refused);
    assert_eq!(
        col(&out, "fired_at"),
        [Some(json!("2026-05-31T14:00:00.000000Z"))]
    );
    assert_eq!(
        col(&out, "resolved_at"),
        [Some(json!("2026-05-31T14:30:00.000000Z"))]
    );
    // Only its resolution was sent: it reached a receiver, but no firing notification is known.
    assert_eq!(col(&out, "notifications"), [Some(json!(0))]);
}
