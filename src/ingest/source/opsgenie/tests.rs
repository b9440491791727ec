//! Unit tests of Opsgenie shape detection, log file naming and the small mapping helpers.

use super::*;

fn shape(name: &str, text: &str) -> Option<Shape> {
    let input = Input::parse(Path::new(name), text).unwrap();
    input.first_json().and_then(|v| shape_of(v, &input.path))
}

#[test]
fn detect_tells_alerts_incidents_logs_and_webhooks_apart() {
    let alert = r#"{"data":[{"id":"a","alias":"x","tinyId":"1","createdAt":"2026-06-01T00:00:00Z"}],"took":0.1}"#;
    let incident = r#"{"data":[{"id":"i","tinyId":"1","message":"m","status":"resolved","createdAt":"2026-06-01T00:00:00Z"}]}"#;
    let logs = r#"{"data":[{"log":"Alert acknowledged via web","createdAt":"2026-06-01T00:00:00Z","offset":"1"}]}"#;
    assert_eq!(shape("a.json", alert), Some(Shape::AlertList));
    assert_eq!(
        shape("a.json", r#"{"data":{"id":"a","count":2,"createdAt":"x"}}"#),
        Some(Shape::AlertGet)
    );
    assert_eq!(shape("i.json", incident), Some(Shape::IncidentList));
    assert_eq!(shape("a.logs.json", logs), Some(Shape::AlertLogs));
    assert_eq!(
        shape("incident-a.logs.json", logs),
        Some(Shape::IncidentLogs)
    );
    assert_eq!(
        shape("w.json", r#"{"action":"Create","alert":{"alertId":"a"}}"#),
        Some(Shape::Webhook)
    );
    // Other tools' envelopes are left alone.
    assert_eq!(
        shape(
            "x.json",
            r#"{"data":[{"id":"1","name":"n","created_at":"x"}]}"#
        ),
        None
    );
    assert_eq!(
        shape("x.json", r#"{"data":{"resultType":"streams","result":[]}}"#),
        None
    );
}

#[test]
fn logs_files_are_tied_to_an_id_by_their_name() {
    let id = |n: &str| id_from_file_name(Path::new(n));
    assert_eq!(
        id("logs_052652ac-5d1c-464a-812a-7dd18bbfba8c.json").as_deref(),
        Some("052652ac-5d1c-464a-812a-7dd18bbfba8c")
    );
    assert_eq!(id("alert-7f3a.logs.json").as_deref(), Some("7f3a"));
    assert_eq!(id("incident-9c1.logs.ndjson").as_deref(), Some("9c1"));
    assert_eq!(id("logs.json"), None);
    assert_eq!(id(".logs.json"), None);
}

#[test]
fn priorities_actors_and_millisecond_offsets() {
    assert_eq!(
        priority(&serde_json::json!({"priority": 3})).as_deref(),
        Some("P3")
    );
    assert_eq!(
        priority(&serde_json::json!({"priority": "p1"})).as_deref(),
        Some("P1")
    );
    assert_eq!(actor(Some("System".into()), None).as_deref(), Some("auto"));
    assert_eq!(
        actor(Some("Datadog".into()), Some("Datadog")).as_deref(),
        Some("auto")
    );
    assert_eq!(
        actor(Some("ana".into()), Some("Datadog")).as_deref(),
        Some("ana")
    );
    assert_eq!(add_millis(1_000_000, 15_702), Some(16_702_000));
    assert_eq!(add_millis(0, u64::MAX), None);
}
