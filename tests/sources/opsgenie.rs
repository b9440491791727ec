//! Opsgenie: the fixtures give exact alert, incident and event rows; webhook events and the REST
//! export of the same alert converge on one row; bad records are rejected with their place and
//! reason; other shapes are whole-file errors; the real payloads of `../shared/formats` ingest.

use aftermath::model::Table;

use crate::common::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/opsgenie");

const ALERT_COLS: &[&str] = &[
    "alert_id",
    "rule",
    "team",
    "service",
    "severity",
    "fired_at",
    "acknowledged_at",
    "acknowledged_by",
    "resolved_at",
    "resolved_by",
    "paged",
    "notifications",
    "updated_at",
];

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

#[test]
fn fixtures_give_exact_alerts_incidents_and_events() {
    let s = Sandbox::new();
    let out = s.ok(&["ingest", FIXTURES, "--source", "opsgenie"]);
    assert!(!out.contains("rejected;"), "{out}");
    assert_eq!(
        s.rows(Table::Alerts, ALERT_COLS),
        [
            // REST page, ack instant from its log file (the alert's report has none); no team
            // responder, so the owner team id (the sandbox has no config to map its service).
            "alert_id=opsgenie:5b7e0c3d-2a14-4f9e-8c6d-0e1f2a3b4c02 | rule=indexer-backlog | team=7d1e2f3a-4b5c-4d6e-8f9a-0b1c2d3e4f52 | service=indexer | severity=SEV3 | fired_at=2026-06-04T14:30:00Z | acknowledged_at=2026-06-04T14:36:45.120000Z | acknowledged_by=marco.ruiz@example.com | resolved_at=- | resolved_by=- | paged=true | notifications=12 | updated_at=2026-06-04T14:41:12.250000Z",
            // No alias: the rule is the message; no responders: it paged nobody.
            "alert_id=opsgenie:9e2f4a6b-8c0d-4e1f-a3b5-c7d9e1f3a503 | rule=Disk usage 85% on warehouse-db-2 | team=unassigned | service=warehouse | severity=SEV5 | fired_at=2026-06-05T03:00:00Z | acknowledged_at=- | acknowledged_by=- | resolved_at=2026-06-05T03:04:00Z | resolved_by=auto | paged=false | notifications=1 | updated_at=2026-06-05T03:04:00Z",
            // report.ackTime / closeTime are milliseconds after createdAt; closed by its integration.
            "alert_id=opsgenie:c1a9e4b2-7d3f-4e8a-9b21-3f5d6e7a8b01 | rule=payments-api-latency-p99 | team=payments | service=payments-api | severity=SEV1 | fired_at=2026-06-03T02:14:07.412000Z | acknowledged_at=2026-06-03T02:17:11.645000Z | acknowledged_by=lena.vogel@example.com | resolved_at=2026-06-03T02:56:40.513000Z | resolved_by=auto | paged=true | notifications=3 | updated_at=2026-06-03T02:58:40.105000Z",
            // Webhook events and GET /v2/alerts/{id} of one alert: the newer REST version wins.
            "alert_id=opsgenie:e4d3c2b1-a0f9-4e8d-b7c6-d5e4f3a2b104 | rule=sso-error-rate | team=identity | service=sso | severity=SEV2 | fired_at=2026-06-08T08:00:00Z | acknowledged_at=2026-06-08T08:04:30.123000Z | acknowledged_by=priya.nair@example.com | resolved_at=2026-06-08T08:31:02.987000Z | resolved_by=priya.nair@example.com | paged=true | notifications=1 | updated_at=2026-06-08T08:40:00Z",
            // Webhook only: integer priority 1 is P1; team from alert.teams.
            "alert_id=opsgenie:f5e6d7c8-b9a0-4f1e-8d2c-3b4a5c6d7e05 | rule=push-delivery-failures | team=mobile | service=push | severity=SEV1 | fired_at=2026-06-09T22:10:00Z | acknowledged_at=- | acknowledged_by=- | resolved_at=- | resolved_by=- | paged=true | notifications=1 | updated_at=2026-06-09T22:12:00Z",
        ]
    );
    assert_eq!(
        s.rows(
            Table::Incidents,
            &[
                "incident_id",
                "number",
                "team",
                "severity",
                "status",
                "impact_started_at",
                "detected_at",
                "mitigated_at",
                "resolved_at",
                "updated_at",
            ]
        ),
        [
            "incident_id=opsgenie:3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c01 | number=41 | team=payments | severity=SEV1 | status=resolved | impact_started_at=2026-06-03T02:10:00Z | detected_at=2026-06-03T02:20:00Z | mitigated_at=- | resolved_at=2026-06-03T02:56:00Z | updated_at=2026-06-03T03:05:00Z",
            // Resolved by its log's "resolved" line, not the later close (updatedAt).
            "incident_id=opsgenie:4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d02 | number=42 | team=7d1e2f3a-4b5c-4d6e-8f9a-0b1c2d3e4f52 | severity=SEV3 | status=resolved | impact_started_at=- | detected_at=2026-06-04T15:00:00Z | mitigated_at=- | resolved_at=2026-06-04T17:40:00Z | updated_at=2026-06-04T17:45:10.500000Z",
            "incident_id=opsgenie:5c6d7e8f-9a0b-4c1d-ae2f-3a4b5c6d7e03 | number=43 | team=unassigned | severity=SEV2 | status=mitigated | impact_started_at=2026-06-10T08:50:00Z | detected_at=2026-06-10T09:00:00Z | mitigated_at=2026-06-10T09:25:00Z | resolved_at=- | updated_at=2026-06-10T09:30:00Z",
        ]
    );
    let inc = "opsgenie:4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d02";
    assert_eq!(
        s.rows(
            Table::IncidentEvents,
            &["event_id", "at", "kind", "actor", "channel"]
        ),
        [
            format!(
                "event_id={inc}:1780585200000_1780585200000000101 | at=2026-06-04T15:00:00Z | kind=detected | actor=System | channel=api"
            ),
            format!(
                "event_id={inc}:1780585201000_1780585201000000102 | at=2026-06-04T15:00:01Z | kind=assigned | actor=dana.kim@example.com | channel=-"
            ),
            format!(
                "event_id={inc}:1780594800000_1780594800000000103 | at=2026-06-04T17:40:00Z | kind=resolved | actor=dana.kim@example.com | channel=web"
            ),
            format!(
                "event_id={inc}:1780595110500_1780595110500000104 | at=2026-06-04T17:45:10.500000Z | kind=note | actor=dana.kim@example.com | channel=web"
            ),
        ]
    );
    // Tags, details and the integration become labels; the incident's Opsgenie status is kept.
    assert_eq!(
        s.rows(Table::Incidents, &["labels"])[1],
        r#"labels={"service":"search-api","source":"API","status":"closed","tinyId":"42"}"#
    );
}

#[test]
fn auto_detects_every_fixture_shape() {
    let s = Sandbox::new();
    let out = s.ok(&["ingest", FIXTURES, "--source", "auto"]);
    for (file, shape) in [
        (
            "5b7e0c3d-2a14-4f9e-8c6d-0e1f2a3b4c02.logs.json",
            "Alert API GET /v2/alerts/{id}/logs",
        ),
        ("alert-api-get.json", "Alert API GET /v2/alerts/{id}"),
        ("alert-api-list.json", "Alert API GET /v2/alerts"),
        (
            "incident-4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d02.logs.json",
            "Incident API GET /v1/incidents/{id}/logs",
        ),
        ("incident-api-list.json", "Incident API GET /v1/incidents"),
        ("webhook-events.ndjson", "outgoing webhook events"),
    ] {
        let line = format!("{}: opsgenie ({shape})", fixture(file));
        assert!(out.lines().any(|l| l == line), "no {line:?} in\n{out}");
    }
    assert_eq!(s.rows(Table::Alerts, &["alert_id"]).len(), 5);
}

#[test]
fn webhook_events_and_the_rest_export_converge_in_either_order() {
    let cols = &[
        "alert_id",
        "acknowledged_at",
        "resolved_at",
        "notifications",
        "updated_at",
    ];
    let w1 = "alert_id=opsgenie:e4d3c2b1-a0f9-4e8d-b7c6-d5e4f3a2b104";
    let rest = format!(
        "{w1} | acknowledged_at=2026-06-08T08:04:30.123000Z | resolved_at=2026-06-08T08:31:02.987000Z | notifications=1 | updated_at=2026-06-08T08:40:00Z"
    );

    let s = Sandbox::new();
    s.ok(&["ingest", &fixture("webhook-events.ndjson")]);
    // Three events of one alert merged into one row, nanosecond instants cut to microseconds.
    assert_eq!(
        s.rows(Table::Alerts, cols)[0],
        format!(
            "{w1} | acknowledged_at=2026-06-08T08:04:30.123456Z | resolved_at=2026-06-08T08:31:02.987654Z | notifications=1 | updated_at=2026-06-08T08:31:02.987654Z"
        )
    );
    let out = s.ok(&["ingest", &fixture("alert-api-get.json")]);
    assert!(
        out.contains("alerts                   1         0         1          0         0"),
        "{out}"
    );
    assert_eq!(s.rows(Table::Alerts, cols)[0], rest);
    assert_eq!(s.rows(Table::Alerts, cols).len(), 2);

    // The other way round the older webhook version changes nothing.
    let s = Sandbox::new();
    s.ok(&["ingest", &fixture("alert-api-get.json")]);
    s.ok(&["ingest", &fixture("webhook-events.ndjson")]);
    assert_eq!(s.rows(Table::Alerts, cols)[0], rest);
}

#[test]
fn bad_records_are_rejected_with_file_line_and_reason() {
    let s = Sandbox::new();
    s.write(
        "in/hooks.ndjson",
        concat!(
            r#"{"action":"Create","alert":{"alertId":"ok-1","alias":"cpu","message":"CPU high","createdAt":1780308000000,"updatedAt":1780308000000000000,"priority":3}}"#,
            "\n",
            "{\"action\":\"Close\",\"alert\":{\"alertId\":\n",
            r#"{"action":"Close","alert":{"alertId":"ok-1","createdAt":1780308000000,"updatedAt":"not a time"}}"#,
            "\n",
            r#"{"action":"Create","alert":{"message":"no id","createdAt":1780308000000}}"#,
            "\n",
        ),
    );
    s.write(
        "in/page.json",
        r#"{"data":[
  {"id":"a-1","alias":"disk","message":"Disk","createdAt":"2026-06-01T10:00:00Z","updatedAt":"2026-06-01T10:00:00Z"},
  {"alias":"no-id","message":"No id","createdAt":"2026-06-01T10:00:00Z"},
  {"id":"a-3","alias":"bad","message":"Bad","createdAt":"June 1st"}
]}"#,
    );
    let out = s.ok(&[
        "ingest",
        "in",
        "--source",
        "opsgenie",
        "--max-rejected",
        "100%",
    ]);
    assert!(out.contains("5 row(s) rejected"), "{out}");
    let got: Vec<(String, u64, Option<String>, String)> = s
        .rejected()
        .into_iter()
        .map(|r| {
            let file = r.file.rsplit('/').next().unwrap_or_default().to_string();
            (file, r.line, r.json_path, r.reason)
        })
        .collect();
    let reasons: Vec<&str> = got.iter().map(|g| g.3.as_str()).collect();
    assert_eq!(
        got.iter()
            .map(|g| (g.0.as_str(), g.1, g.2.as_deref()))
            .collect::<Vec<_>>(),
        [
            ("hooks.ndjson", 2, None),
            ("hooks.ndjson", 3, Some("$")),
            ("hooks.ndjson", 4, Some("$")),
            ("page.json", 1, Some("$.data[1]")),
            ("page.json", 1, Some("$.data[2]")),
        ],
        "{reasons:?}"
    );
    assert!(reasons[0].starts_with("invalid JSON"), "{reasons:?}");
    assert!(reasons[1].starts_with("alert.updatedAt: "), "{reasons:?}");
    assert!(
        reasons[2].starts_with("alert.alertId: missing"),
        "{reasons:?}"
    );
    assert!(
        reasons[3].starts_with("$.data[1].id: missing"),
        "{reasons:?}"
    );
    assert!(
        reasons[4].starts_with("$.data[2].createdAt: "),
        "{reasons:?}"
    );
    // The good records still land.
    assert_eq!(
        s.rows(Table::Alerts, &["alert_id", "severity", "paged"]),
        [
            "alert_id=opsgenie:a-1 | severity=UNKNOWN | paged=false",
            "alert_id=opsgenie:ok-1 | severity=SEV3 | paged=false",
        ]
    );
}

#[test]
fn other_shapes_and_unnamed_logs_are_whole_file_errors() {
    let s = Sandbox::new();
    s.write(
        "in/status.json",
        r#"{"meta":{},"page":{"id":"p"},"incident":{"id":"i","impact":"minor","incident_updates":[]}}"#,
    );
    let out = s.run(&["ingest", "in/status.json", "--source", "opsgenie"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("in/status.json"), "{err}");
    assert!(err.contains("not an Opsgenie export"), "{err}");

    s.write(
        "in/logs.json",
        r#"{"data":[{"log":"Alert acknowledged via web","owner":"ana","createdAt":"2026-06-01T10:00:00Z","offset":"1"}]}"#,
    );
    let out = s.run(&["ingest", "in/logs.json", "--source", "opsgenie"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("<alertId>.logs.json"), "{err}");
    assert!(!s.current().exists(), "nothing was published");
}

#[test]
fn shared_format_payloads_ingest_with_exact_values() {
    let Some(dir) = shared_formats() else {
        println!("skipped: ../shared/formats is absent");
        return;
    };
    let dir = dir.join("opsgenie");
    let mut seen = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let s = Sandbox::new();
        let p = path.display().to_string();
        let out = s.ok(&["ingest", &p, "--source", "auto"]);
        assert!(out.contains(&format!("{p}: opsgenie (")), "{out}");
        assert!(!out.contains("rejected;"), "{out}");
        assert_eq!(s.rows(Table::Alerts, &["alert_id"]).len(), 1, "{p}");
        seen += 1;
    }
    assert!(seen > 0);

    // Acknowledge and Close of one alert in one run merge into one row.
    let s = Sandbox::new();
    let ack = dir.join("webhook_Acknowledge.zulip_fixture.json");
    let close = dir.join("webhook_Close.zulip_fixture.json");
    if ack.exists() && close.exists() {
        s.ok(&[
            "ingest",
            &ack.display().to_string(),
            &close.display().to_string(),
        ]);
        assert_eq!(
            s.rows(Table::Alerts, ALERT_COLS),
            [
                "alert_id=opsgenie:052652ac-5d1c-464a-812a-7dd18bbfba8c | rule=aliastest | team=unassigned | service=- | severity=UNKNOWN | fired_at=2015-01-05T10:03:11.104000Z | acknowledged_at=2015-01-05T10:03:44.764002Z | acknowledged_by=fili@ifountain.com | resolved_at=2015-01-05T10:06:14.669001Z | resolved_by=fili@ifountain.com | paged=true | notifications=1 | updated_at=2015-01-05T10:06:14.669001Z"
            ]
        );
    }
    let create = dir.join("webhook_Create.zulip_fixture.json");
    if create.exists() {
        let s = Sandbox::new();
        s.ok(&["ingest", &create.display().to_string()]);
        assert_eq!(
            s.rows(
                Table::Alerts,
                &[
                    "alert_id",
                    "rule",
                    "severity",
                    "fired_at",
                    "paged",
                    "updated_at"
                ]
            ),
            [
                "alert_id=opsgenie:ec03dad6-62c8-4c94-b38b-d88f398e900f | rule=alert-alias | severity=SEV3 | fired_at=2017-08-14T11:25:56.288000Z | paged=false | updated_at=2017-08-14T11:25:56.288000Z"
            ]
        );
    }
}
