//! The FireHydrant connector end to end: the fixtures (a REST page, a REST incident, a webhook
//! stream with Signals alerts and a single webhook) give exact incident, event and alert rows,
//! the webhooks and the later REST export of one incident converge, `--source auto` finds every
//! file, bad records are rejected with file, line, JSON path and reason, another tool's file is a
//! whole-file error, and the real payload in `../shared/formats/firehydrant` is read.

use aftermath::model::Table;

use crate::common::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/firehydrant");

const INCIDENT_COLS: &[&str] = &[
    "incident_id",
    "number",
    "title",
    "team",
    "service",
    "severity",
    "severity_raw",
    "status",
    "kind",
    "impact_started_at",
    "detected_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "updated_at",
];

const EVENT_COLS: &[&str] = &["event_id", "at", "kind", "actor", "message"];

const ALERT_COLS: &[&str] = &[
    "alert_id",
    "rule",
    "team",
    "service",
    "fingerprint",
    "fired_at",
    "resolved_at",
    "paged",
    "notifications",
    "labels",
];

#[test]
fn fixtures_give_exact_incidents_timeline_and_alerts() {
    let s = Sandbox::with_sample_teams();
    let out = s.run(&["ingest", "--source", "firehydrant", FIXTURES]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("webhooks.ndjson: skipped FireHydrant webhooks that hold no incident or alert data (1 change_event)"),
        "{}",
        text(&out.stderr)
    );
    // #214 has both milestone lists, #215 is still mitigated, #216 was discarded (a duplicate),
    // #217 comes as two webhooks, a resolving webhook and a later REST copy: one row, the newest.
    assert_eq!(
        s.rows(Table::Incidents, INCIDENT_COLS),
        [
            "incident_id=firehydrant:5e1f0001-2026-4001-a007-00f1e0000003 | number=214 | title=Kafka consumer lag on orders topic | team=data-platform | service=kafka | severity=SEV2 | severity_raw=SEV2 | status=resolved | kind=normal | impact_started_at=2026-06-15T06:40:00Z | detected_at=2026-06-15T06:47:00Z | acknowledged_at=2026-06-15T06:52:00Z | mitigated_at=2026-06-15T07:31:00Z | resolved_at=2026-06-15T08:02:00Z | updated_at=2026-06-16T09:00:00Z",
            "incident_id=firehydrant:5e1f0002-2026-4002-a00e-00f1e0000006 | number=215 | title=SSO login errors for SAML tenants | team=identity | service=sso | severity=SEV1 | severity_raw=SEV1 | status=mitigated | kind=normal | impact_started_at=2026-07-08T13:10:00Z | detected_at=2026-07-08T13:12:00Z | acknowledged_at=2026-07-08T13:15:00Z | mitigated_at=2026-07-08T13:58:00Z | resolved_at=- | updated_at=2026-07-08T13:58:00Z",
            "incident_id=firehydrant:5e1f0003-2026-4003-a015-00f1e0000009 | number=216 | title=Checkout 502s (duplicate of #214) | team=storefront | service=web | severity=SEV3 | severity_raw=SEV3 | status=resolved | kind=duplicate | impact_started_at=2026-07-09T20:01:00Z | detected_at=2026-07-09T20:03:00Z | acknowledged_at=- | mitigated_at=- | resolved_at=2026-07-09T20:09:00Z | updated_at=2026-07-09T20:15:00Z",
            "incident_id=firehydrant:5e1f0004-2026-4004-a01c-00f1e000000c | number=217 | title=Mobile API 5xx spike after push deploy | team=mobile | service=mobile-api | severity=SEV2 | severity_raw=SEV2 | status=resolved | kind=normal | impact_started_at=2026-08-18T21:30:00Z | detected_at=2026-08-18T21:34:00Z | acknowledged_at=2026-08-18T21:39:00Z | mitigated_at=2026-08-18T22:20:00Z | resolved_at=2026-08-18T22:41:00Z | updated_at=2026-08-20T10:00:00Z",
        ]
    );
    assert_eq!(
        s.rows(Table::IncidentEvents, EVENT_COLS),
        [
            "event_id=firehydrant:5e1f0001-2026-4001-a007-00f1e0000003:acknowledged | at=2026-06-15T06:52:00Z | kind=acknowledged | actor=Jordan Lee | message=milestone acknowledged",
            "event_id=firehydrant:5e1f0001-2026-4001-a007-00f1e0000003:detected | at=2026-06-15T06:47:00Z | kind=detected | actor=Jordan Lee | message=milestone detected",
            "event_id=firehydrant:5e1f0001-2026-4001-a007-00f1e0000003:first_action | at=2026-06-15T07:05:00Z | kind=status_update | actor=Jordan Lee | message=milestone first_action",
            "event_id=firehydrant:5e1f0001-2026-4001-a007-00f1e0000003:mitigated | at=2026-06-15T07:31:00Z | kind=mitigated | actor=Jordan Lee | message=milestone mitigated",
            "event_id=firehydrant:5e1f0001-2026-4001-a007-00f1e0000003:postmortem_started | at=2026-06-16T09:00:00Z | kind=note | actor=Jordan Lee | message=milestone postmortem_started",
            "event_id=firehydrant:5e1f0001-2026-4001-a007-00f1e0000003:resolved | at=2026-06-15T08:02:00Z | kind=resolved | actor=Jordan Lee | message=milestone resolved",
            "event_id=firehydrant:5e1f0001-2026-4001-a007-00f1e0000003:started | at=2026-06-15T06:40:00Z | kind=impact_started | actor=Jordan Lee | message=milestone started",
            "event_id=firehydrant:5e1f0002-2026-4002-a00e-00f1e0000006:acknowledged | at=2026-07-08T13:15:00Z | kind=acknowledged | actor=Jordan Lee | message=milestone acknowledged",
            "event_id=firehydrant:5e1f0002-2026-4002-a00e-00f1e0000006:detected | at=2026-07-08T13:12:00Z | kind=detected | actor=Jordan Lee | message=milestone detected",
            "event_id=firehydrant:5e1f0002-2026-4002-a00e-00f1e0000006:mitigated | at=2026-07-08T13:58:00Z | kind=mitigated | actor=Jordan Lee | message=milestone mitigated",
            "event_id=firehydrant:5e1f0002-2026-4002-a00e-00f1e0000006:started | at=2026-07-08T13:10:00Z | kind=impact_started | actor=Jordan Lee | message=milestone started",
            "event_id=firehydrant:5e1f0003-2026-4003-a015-00f1e0000009:detected | at=2026-07-09T20:03:00Z | kind=detected | actor=Jordan Lee | message=milestone detected",
            "event_id=firehydrant:5e1f0003-2026-4003-a015-00f1e0000009:resolved | at=2026-07-09T20:09:00Z | kind=resolved | actor=Jordan Lee | message=milestone resolved",
            "event_id=firehydrant:5e1f0003-2026-4003-a015-00f1e0000009:started | at=2026-07-09T20:01:00Z | kind=impact_started | actor=Jordan Lee | message=milestone started",
            "event_id=firehydrant:5e1f0004-2026-4004-a01c-00f1e000000c:acknowledged | at=2026-08-18T21:39:00Z | kind=acknowledged | actor=Jordan Lee | message=milestone acknowledged",
            "event_id=firehydrant:5e1f0004-2026-4004-a01c-00f1e000000c:detected | at=2026-08-18T21:34:00Z | kind=detected | actor=Jordan Lee | message=milestone detected",
            "event_id=firehydrant:5e1f0004-2026-4004-a01c-00f1e000000c:first_action | at=2026-08-18T21:44:00Z | kind=status_update | actor=Jordan Lee | message=milestone first_action",
            "event_id=firehydrant:5e1f0004-2026-4004-a01c-00f1e000000c:mitigated | at=2026-08-18T22:20:00Z | kind=mitigated | actor=Jordan Lee | message=milestone mitigated",
            "event_id=firehydrant:5e1f0004-2026-4004-a01c-00f1e000000c:postmortem_started | at=2026-08-20T10:00:00Z | kind=note | actor=Jordan Lee | message=milestone postmortem_started",
            "event_id=firehydrant:5e1f0004-2026-4004-a01c-00f1e000000c:resolved | at=2026-08-18T22:41:00Z | kind=resolved | actor=Jordan Lee | message=milestone resolved",
            "event_id=firehydrant:5e1f0004-2026-4004-a01c-00f1e000000c:started | at=2026-08-18T21:30:00Z | kind=impact_started | actor=Jordan Lee | message=milestone started",
        ]
    );
    // Signals alerts: the furthest state of each; the webhooks do not say when it changed.
    assert_eq!(
        s.rows(Table::Alerts, ALERT_COLS),
        [
            "alert_id=firehydrant:5e1f0001-2026-4001-a007-00f1e000000b | rule=mobile-api 5xx rate above 5% | team=mobile | service=mobile-api | fingerprint=5e1f0001-2026-4001-a007-00f1e000000b | fired_at=2026-08-18T21:33:12Z | resolved_at=- | paged=true | notifications=1 | labels={\"decision\":\"ACKNOWLEDGE\",\"env\":\"production\",\"service\":\"mobile-api\",\"status\":\"acknowledged\"}",
            "alert_id=firehydrant:5e1f0002-2026-4002-a00e-00f1e0000016 | rule=push queue depth high | team=mobile | service=push | fingerprint=5e1f0002-2026-4002-a00e-00f1e0000016 | fired_at=2026-08-18T21:35:40Z | resolved_at=- | paged=true | notifications=1 | labels={\"decision\":\"DISMISS\",\"service\":\"push\",\"status\":\"ignored\"}",
        ]
    );
    assert_eq!(
        s.rows(Table::Incidents, &["labels"]),
        [
            "labels={\"cause\":\"config-change\",\"customer-facing\":\"true\",\"environment\":\"production\",\"priority\":\"P2\",\"region\":\"eu-west-1\"}",
            "labels={\"environment\":\"production\",\"priority\":\"P1\"}",
            "labels={\"environment\":\"production\",\"priority\":\"P3\"}",
            "labels={\"deploy\":\"true\",\"environment\":\"production\",\"priority\":\"P2\"}",
        ]
    );
    assert!(s.rejected().is_empty());
}

#[test]
fn auto_detects_every_fixture_with_the_same_rows() {
    let s = Sandbox::with_sample_teams();
    let out = s.ok(&["ingest", "--source", "auto", FIXTURES]);
    for (file, shape) in [
        ("rest_incident.json", "REST GET /v1/incidents/{id}"),
        ("rest_incidents_page.json", "REST GET /v1/incidents page"),
        ("webhook_incident_resolved.json", "webhook events"),
        ("webhooks.ndjson", "webhook events"),
    ] {
        assert!(
            out.contains(&format!("{file}: firehydrant ({shape})")),
            "{file}:\n{out}"
        );
    }
    let named = Sandbox::with_sample_teams();
    named.ok(&["ingest", "--source", "firehydrant", FIXTURES]);
    for (table, cols) in [
        (Table::Incidents, INCIDENT_COLS),
        (Table::IncidentEvents, EVENT_COLS),
        (Table::Alerts, ALERT_COLS),
    ] {
        assert_eq!(s.rows(table, cols), named.rows(table, cols));
    }
}

#[test]
fn webhooks_then_a_later_rest_export_converge_across_runs() {
    let s = Sandbox::with_sample_teams();
    let cols = &["incident_id", "status", "resolved_at", "updated_at"];
    // Run 1: the webhook stream leaves #217 acknowledged.
    s.ok(&[
        "ingest",
        "--source",
        "firehydrant",
        &format!("{FIXTURES}/webhooks.ndjson"),
    ]);
    assert_eq!(
        s.rows(Table::Incidents, cols),
        [
            "incident_id=firehydrant:5e1f0004-2026-4004-a01c-00f1e000000c | status=acknowledged | resolved_at=- | updated_at=2026-08-18T21:44:00Z"
        ]
    );
    // Run 2: the resolving webhook; run 3: the REST export, newer still. One row, updated twice.
    s.ok(&[
        "ingest",
        "--source",
        "firehydrant",
        &format!("{FIXTURES}/webhook_incident_resolved.json"),
    ]);
    let out = s.ok(&[
        "ingest",
        "--source",
        "firehydrant",
        &format!("{FIXTURES}/rest_incident.json"),
    ]);
    assert_eq!(
        s.rows(Table::Incidents, cols),
        [
            "incident_id=firehydrant:5e1f0004-2026-4004-a01c-00f1e000000c | status=resolved | resolved_at=2026-08-18T22:41:00Z | updated_at=2026-08-20T10:00:00Z"
        ]
    );
    // The REST copy's seven milestones: the six the webhooks had are updated (the actor is
    // known now), the retrospective one is new.
    let line = out
        .lines()
        .find(|l| l.starts_with("incident_events"))
        .unwrap();
    let counts: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(&counts[1..], ["7", "1", "6", "0", "0"], "{out}");
    assert_eq!(s.frame(Table::IncidentEvents).height(), 7);
    // Re-ingesting the older webhooks afterwards does not roll the incident back.
    s.ok(&[
        "ingest",
        "--source",
        "firehydrant",
        &format!("{FIXTURES}/webhooks.ndjson"),
    ]);
    assert_eq!(
        s.rows(Table::Incidents, &["status", "updated_at"]),
        ["status=resolved | updated_at=2026-08-20T10:00:00Z"]
    );
}

#[test]
fn bad_records_are_rejected_with_file_line_path_and_reason() {
    let s = Sandbox::with_sample_teams();
    let good = r#"{"data": {"incident": {"id": "0b6f3c1e-0000-4000-8000-000000000001", "number": 900, "name": "Good one", "created_at": "2026-10-02 08:00:00 UTC", "current_milestone": "detected", "milestones": [{"type": "started", "duration": "", "occurred_at": "2026-10-02 07:55:00 UTC"}], "updated_at": "2026-10-02 08:00:00 UTC"}}, "event": {"operation": "CREATED", "resource_type": "incident"}}"#;
    let bad_ts = good
        .replace("0000-000000000001", "0000-000000000002")
        .replace(
            "\"occurred_at\": \"2026-10-02 07:55:00 UTC\"",
            "\"occurred_at\": \"25/07/2023 13h34\"",
        );
    let no_id = good.replace("\"id\": \"0b6f3c1e-0000-4000-8000-000000000001\", ", "");
    let bad_alert = r#"{"data": {"alert": {"id": "a1", "summary": "disk full", "status": "opened", "starts_at": "whenever"}}, "event": {"operation": "CREATED", "resource_type": "signals_alerts"}}"#;
    s.write(
        "in/hooks.ndjson",
        format!("{good}\n{{\"data\": {{\"incident\"\n{bad_ts}\n{no_id}\n{bad_alert}\n"),
    );
    let out = s.run(&[
        "ingest",
        "--source",
        "firehydrant",
        "--max-rejected",
        "100%",
        &s.path("in").display().to_string(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("4 row(s) rejected"),
        "{}",
        text(&out.stdout)
    );
    let got: Vec<String> = s
        .rejected()
        .iter()
        .map(|r| {
            format!(
                "{} | {} | {} | {} | {}",
                r.file.rsplit('/').next().unwrap(),
                r.line,
                r.json_path.as_deref().unwrap_or("-"),
                r.table.as_deref().unwrap_or("-"),
                r.reason
            )
        })
        .collect();
    assert_eq!(got.len(), 4, "{got:#?}");
    assert!(
        got[0].starts_with("hooks.ndjson | 2 | - | incidents | invalid JSON"),
        "{}",
        got[0]
    );
    assert!(
        got[1].starts_with("hooks.ndjson | 3 | $.data.incident | incidents | milestones[0].occurred_at: cannot read \"25/07/2023 13h34\""),
        "{}",
        got[1]
    );
    assert_eq!(
        got[2],
        "hooks.ndjson | 4 | $.data.incident | incidents | id: missing; every FireHydrant incident has one (a uuid), so the record is damaged"
    );
    assert!(
        got[3].starts_with(
            "hooks.ndjson | 5 | $.data.alert | alerts | starts_at: cannot read \"whenever\""
        ),
        "{}",
        got[3]
    );
    assert_eq!(
        s.rows(
            Table::Incidents,
            &["incident_id", "title", "impact_started_at"]
        ),
        [
            "incident_id=firehydrant:0b6f3c1e-0000-4000-8000-000000000001 | title=Good one | impact_started_at=2026-10-02T07:55:00Z"
        ]
    );
}

#[test]
fn another_tools_export_is_a_whole_file_error() {
    let s = Sandbox::with_sample_teams();
    let og = s.write(
        "in/opsgenie.json",
        r#"{"data": [{"id": "70413a06-38d6-4c85-92b8-5ebc900d42e2", "tinyId": "1791", "alias": "event_573", "message": "Our servers are in danger", "status": "closed", "createdAt": "2026-06-01T10:00:00.123Z"}], "took": 0.605, "requestId": "9ae63dd7-ed00-4c81-86f0-c4ffd33142c9"}"#,
    );
    let out = s.run(&[
        "ingest",
        "--source",
        "firehydrant",
        &og.display().to_string(),
    ]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("opsgenie.json"), "{err}");
    assert!(err.contains("not a FireHydrant export"), "{err}");
    assert!(!s.current().exists(), "nothing was published");
}

#[test]
fn the_real_payload_is_read() {
    let Some(root) = shared_formats() else {
        println!("skipped: ../shared/formats is absent");
        return;
    };
    let dir = root.join("firehydrant");
    let s = Sandbox::with_sample_teams();
    let out = s.run(&["ingest", "--source", "auto", &dir.display().to_string()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            stdout.contains(&format!("{name}: firehydrant (")),
            "{name}:\n{stdout}"
        );
    }
    assert!(s.rejected().is_empty(), "{stdout}");
    // The docs' webhook: Ruby `... UTC` timestamps, severity and priority as objects.
    assert_eq!(
        s.rows(Table::Incidents, INCIDENT_COLS),
        [
            "incident_id=firehydrant:04d9fd1a-ba9c-417d-b396-58a6e2c374de | number=602 | title=Hark I hear an incident subscription webhook | team=unassigned | service=- | severity=SEV2 | severity_raw=SEV2 | status=resolved | kind=normal | impact_started_at=2023-07-25T13:34:49Z | detected_at=2023-07-25T13:34:49Z | acknowledged_at=2023-07-25T13:34:49Z | mitigated_at=2023-07-25T13:37:04Z | resolved_at=2023-07-25T13:38:17Z | updated_at=2023-07-25T13:38:17Z"
        ]
    );
    assert_eq!(
        s.rows(Table::IncidentEvents, &["event_id", "at", "kind"]),
        [
            "event_id=firehydrant:04d9fd1a-ba9c-417d-b396-58a6e2c374de:acknowledged | at=2023-07-25T13:34:49Z | kind=acknowledged",
            "event_id=firehydrant:04d9fd1a-ba9c-417d-b396-58a6e2c374de:mitigated | at=2023-07-25T13:37:04Z | kind=mitigated",
            "event_id=firehydrant:04d9fd1a-ba9c-417d-b396-58a6e2c374de:resolved | at=2023-07-25T13:38:17Z | kind=resolved",
            "event_id=firehydrant:04d9fd1a-ba9c-417d-b396-58a6e2c374de:started | at=2023-07-25T13:34:49Z | kind=impact_started",
        ]
    );
}
