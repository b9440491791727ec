//! The PagerDuty connector through the binary: the exact rows of every fixture shape, detection by
//! `--source auto`, one incident from a webhook stream and a REST export in either order,
//! rejected records with their place and reason, whole-file errors for other tools' files, and
//! the real payloads of `../shared/formats/pagerduty`.

use std::path::Path;

use aftermath::model::Table;

use crate::common::*;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pagerduty")
        .join(name)
        .display()
        .to_string()
}

const INCIDENT: [&str; 12] = [
    "incident_id",
    "number",
    "title",
    "service",
    "severity_raw",
    "status",
    "kind",
    "detected_at",
    "acknowledged_at",
    "resolved_at",
    "reopen_count",
    "updated_at",
];

fn incident_row(s: &Sandbox, id: &str) -> String {
    s.rows(Table::Incidents, &INCIDENT)
        .into_iter()
        .find(|r| r.starts_with(&format!("incident_id={id} |")))
        .unwrap_or_else(|| panic!("no incident {id}"))
}

#[test]
fn fixtures_give_exact_rows() {
    let s = Sandbox::new();
    s.ok(&["ingest", "--source", "pagerduty", &fixture("")]);
    assert_eq!(
        s.rows(Table::Incidents, &INCIDENT),
        [
            "incident_id=pagerduty:PAUTH9K | number=4110 | title=Auth token service error rate above 2% | service=auth | severity_raw=high | status=resolved | kind=normal | detected_at=2026-06-10T06:01:15Z | acknowledged_at=2026-06-10T06:03:02Z | resolved_at=2026-06-10T06:44:09Z | reopen_count=0 | updated_at=2026-06-10T06:44:09Z",
            "incident_id=pagerduty:PBILL22 | number=4108 | title=Billing invoice run failed for EU tenants | service=billing | severity_raw=P3 | status=resolved | kind=normal | detected_at=2026-06-09T02:05:11Z | acknowledged_at=- | resolved_at=2026-06-09T03:30:58Z | reopen_count=0 | updated_at=2026-06-09T03:31:00Z",
            "incident_id=pagerduty:PDUP5M1 | number=4109 | title=Ledger replica ledger-db-2 behind | service=ledger | severity_raw=high | status=resolved | kind=duplicate | detected_at=2026-06-03T08:13:30Z | acknowledged_at=- | resolved_at=2026-06-03T08:25:02Z | reopen_count=0 | updated_at=2026-06-03T08:25:02Z",
            "incident_id=pagerduty:PIDN5S1 | number=4105 | title=SSO login failures spike | service=sso | severity_raw=P2 | status=resolved | kind=normal | detected_at=2026-06-06T07:15:00Z | acknowledged_at=2026-06-06T07:16:35Z | resolved_at=2026-06-06T07:45:30Z | reopen_count=0 | updated_at=2026-06-06T07:45:30Z",
            "incident_id=pagerduty:PKFK9ZD | number=4103 | title=Kafka consumer lag on orders topic | service=kafka | severity_raw=- | status=resolved | kind=normal | detected_at=2026-06-05T02:58:40Z | acknowledged_at=- | resolved_at=2026-06-05T04:14:05Z | reopen_count=0 | updated_at=2026-06-05T02:58:40Z",
            "incident_id=pagerduty:PLDG7Q2 | number=4101 | title=Ledger replication lag above 5 minutes | service=ledger | severity_raw=P1 | status=resolved | kind=normal | detected_at=2026-06-03T08:12:04.512000Z | acknowledged_at=2026-06-03T08:15:40.201000Z | resolved_at=2026-06-03T09:02:51.877000Z | reopen_count=0 | updated_at=2026-06-03T09:02:52Z",
            "incident_id=pagerduty:PMOB8A2 | number=4106 | title=Mobile API 503s on /v2/cart | service=mobile-api | severity_raw=SEV-2 | status=resolved | kind=normal | detected_at=2026-06-07T16:00:00Z | acknowledged_at=2026-06-07T16:00:48Z | resolved_at=2026-06-07T16:33:49Z | reopen_count=0 | updated_at=2026-06-07T16:33:49Z",
            "incident_id=pagerduty:PPUSH7T | number=4107 | title=Push notification delivery delayed | service=push | severity_raw=low | status=open | kind=normal | detected_at=2026-06-08T22:41:00Z | acknowledged_at=- | resolved_at=- | reopen_count=0 | updated_at=2026-06-08T22:41:00Z",
            "incident_id=pagerduty:PSRCH41 | number=4102 | title=Search API p99 latency above 2s | service=search-api | severity_raw=high | status=acknowledged | kind=normal | detected_at=2026-06-04T13:40:10Z | acknowledged_at=2026-06-04T13:47:31Z | resolved_at=- | reopen_count=0 | updated_at=2026-06-04T13:47:31Z",
            "incident_id=pagerduty:Q2WEB3XRCDN8KF | number=4104 | title=CDN edge 5xx rate above 1% | service=cdn-edge | severity_raw=P2 | status=open | kind=normal | detected_at=2026-06-03T08:30:00.250000Z | acknowledged_at=2026-06-03T08:34:12.900000Z | resolved_at=- | reopen_count=1 | updated_at=2026-06-03T08:30:00Z",
        ]
    );
    assert_eq!(
        s.rows(
            Table::Incidents,
            &["incident_id", "team", "merged_into", "fingerprint"]
        )[..3],
        [
            "incident_id=pagerduty:PAUTH9K | team=identity | merged_into=- | fingerprint=-",
            "incident_id=pagerduty:PBILL22 | team=Payments | merged_into=- | fingerprint=billing/invoice-run-eu",
            "incident_id=pagerduty:PDUP5M1 | team=Payments | merged_into=pagerduty:PLDG7Q2 | fingerprint=ledger/replica-behind",
        ]
    );
    // REST alert counts, assignment and escalation policy, Analytics fatigue counters: labels.
    let labels = s.rows(Table::Incidents, &["incident_id", "labels"]);
    assert!(
        labels[5].contains(r#""alert_count_all":"2""#),
        "{}",
        labels[5]
    );
    assert!(labels[5].contains(r#""escalation_policy":"Payments primary""#));
    assert!(labels[5].contains(r#""service_id":"PSLDGR1""#));
    assert!(
        labels[3].contains(r#""total_notifications":"2""#),
        "{}",
        labels[3]
    );
    // PMOB8A2 has only the misspelt `total_interruptions"` key, and it is null.
    assert!(!labels[6].contains("total_interruptions"), "{}", labels[6]);

    assert_eq!(
        s.rows(
            Table::IncidentEvents,
            &["event_id", "at", "kind", "actor", "channel"]
        ),
        [
            "event_id=pagerduty:PAUTH9K:8a1f0c2e-4d6b-11f1-9a3c-22000affca53 | at=2026-06-10T06:03:02Z | kind=acknowledged | actor=Ana Ruiz | channel=-",
            "event_id=pagerduty:PAUTH9K:R5AUTH0RES1 | at=2026-06-10T06:44:09Z | kind=resolved | actor=Ana Ruiz | channel=web",
            "event_id=pagerduty:PBILL22:R4BILL0TRG0 | at=2026-06-09T02:05:11Z | kind=triggered | actor=billing | channel=api",
            "event_id=pagerduty:PKFK9ZD:R3KAFK0ASN1 | at=2026-06-05T02:58:41Z | kind=assigned | actor=- | channel=auto",
            "event_id=pagerduty:PKFK9ZD:R3KAFK0RES1 | at=2026-06-05T04:14:05Z | kind=resolved | actor=kafka | channel=api",
            "event_id=pagerduty:PKFK9ZD:R3KAFK0TRG0 | at=2026-06-05T02:58:40Z | kind=triggered | actor=kafka | channel=api",
            "event_id=pagerduty:PLDG7Q2:01J0A1ACK00000000000000002 | at=2026-06-03T08:15:40.201000Z | kind=acknowledged | actor=Ana Ruiz | channel=-",
            "event_id=pagerduty:PLDG7Q2:01J0A1NOTE0000000000000004 | at=2026-06-03T08:20:00Z | kind=note | actor=Ana Ruiz | channel=-",
            "event_id=pagerduty:PLDG7Q2:01J0A1PRIO0000000000000005 | at=2026-06-03T08:21:13.004000Z | kind=severity_changed | actor=Ana Ruiz | channel=-",
            "event_id=pagerduty:PLDG7Q2:01J0A1RES00000000000000008 | at=2026-06-03T09:02:51.877000Z | kind=resolved | actor=Ana Ruiz | channel=-",
            "event_id=pagerduty:PLDG7Q2:01J0A1TRIG0000000000000001 | at=2026-06-03T08:12:04.512000Z | kind=triggered | actor=- | channel=-",
            "event_id=pagerduty:PSRCH41:R1SRCH0ESC1 | at=2026-06-04T13:45:10Z | kind=escalated | actor=- | channel=timeout",
            "event_id=pagerduty:PSRCH41:R1SRCH0NTF1 | at=2026-06-04T13:40:12Z | kind=notified | actor=Ben Okafor | channel=push",
            "event_id=pagerduty:PSRCH41:R1SRCH0NTF2 | at=2026-06-04T13:45:12Z | kind=notified | actor=Ben Okafor | channel=sms",
            "event_id=pagerduty:PSRCH41:R1SRCH0TRG0 | at=2026-06-04T13:40:10Z | kind=triggered | actor=search-api | channel=api",
            "event_id=pagerduty:PSRCH41:R2SRCH0ACK1 | at=2026-06-04T13:47:31Z | kind=acknowledged | actor=Ben Okafor | channel=web",
            "event_id=pagerduty:PSRCH41:R2SRCH0DLG1 | at=2026-06-04T13:52:00Z | kind=assigned | actor=Ben Okafor | channel=web",
            "event_id=pagerduty:PSRCH41:R2SRCH0NOTE | at=2026-06-04T13:50:02Z | kind=note | actor=Ben Okafor | channel=note",
            "event_id=pagerduty:PSRCH41:R2SRCH0URG1 | at=2026-06-04T13:53:00Z | kind=severity_changed | actor=Ben Okafor | channel=web",
            "event_id=pagerduty:Q2WEB3XRCDN8KF:01J0D1ACK00000000000000006 | at=2026-06-03T08:34:12.900000Z | kind=acknowledged | actor=Chidi Eze | channel=-",
            "event_id=pagerduty:Q2WEB3XRCDN8KF:01J0D1REOP0000000000000011 | at=2026-06-03T09:40:02.274000Z | kind=reopened | actor=Devi Rao | channel=-",
            "event_id=pagerduty:Q2WEB3XRCDN8KF:01J0D1RES00000000000000010 | at=2026-06-03T09:10:30.120000Z | kind=resolved | actor=Chidi Eze | channel=-",
            "event_id=pagerduty:Q2WEB3XRCDN8KF:01J0D1RESP0000000000000007 | at=2026-06-03T08:36:00Z | kind=notified | actor=Devi Rao | channel=-",
            "event_id=pagerduty:Q2WEB3XRCDN8KF:01J0D1TRIG0000000000000003 | at=2026-06-03T08:30:00.250000Z | kind=triggered | actor=- | channel=-",
        ]
    );
    let messages = s.rows(Table::IncidentEvents, &["event_id", "message"]);
    assert!(
        messages[7]
            .ends_with("message=Replica ledger-db-2 is 6 min behind; pausing batch settlement.")
    );
    assert!(messages[8].ends_with("message=priority P1"));
    assert!(messages[17].ends_with("message=Shard 7 GC pauses; draining node search-7"));
    assert!(messages[14].ends_with("message=search-api p99 latency 2.4s over 5m"));

    assert_eq!(
        s.rows(
            Table::Alerts,
            &[
                "alert_id",
                "rule",
                "service",
                "fingerprint",
                "fired_at",
                "resolved_at",
                "paged",
                "incident_id"
            ]
        ),
        [
            "alert_id=pagerduty:Q1BILLAL0001 | rule=InvoiceRunFailed | service=billing | fingerprint=billing/invoice-run-eu | fired_at=2026-06-09T02:05:11Z | resolved_at=- | paged=true | incident_id=pagerduty:PBILL22",
            "alert_id=pagerduty:Q1BILLAL0002 | rule=InvoiceRunFailed | service=billing | fingerprint=billing/invoice-run-eu-central | fired_at=2026-06-09T02:06:40Z | resolved_at=- | paged=false | incident_id=pagerduty:PBILL22",
            "alert_id=pagerduty:auth/token-5xx:2026-06-10T06:01:15.000000Z | rule=Auth token service error rate above 2% | service=auth | fingerprint=auth/token-5xx | fired_at=2026-06-10T06:01:15Z | resolved_at=2026-06-10T06:44:09Z | paged=true | incident_id=pagerduty:PAUTH9K",
            "alert_id=pagerduty:auth/token-latency:2026-06-10T06:01:15.000000Z | rule=Auth token service error rate above 2% | service=auth | fingerprint=auth/token-latency | fired_at=2026-06-10T06:01:15Z | resolved_at=2026-06-10T06:44:09Z | paged=true | incident_id=pagerduty:PAUTH9K",
        ]
    );
}

#[test]
fn auto_detects_every_fixture_shape() {
    let s = Sandbox::new();
    let dir = fixture("");
    let out = s.ok(&["ingest", "--source", "auto", &dir]);
    let mut got: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix(dir.as_str()))
        .map(|l| l.trim_start_matches('/'))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            "analytics_GET_raw_incident.json: pagerduty (Analytics raw incident)",
            "analytics_POST_raw_incidents.json: pagerduty (Analytics raw incidents)",
            "rest_GET_incident.json: pagerduty (REST GET /incidents/{id})",
            "rest_GET_incident_alerts.page.json: pagerduty (REST GET /incidents/{id}/alerts page)",
            "rest_GET_incidents.page.json: pagerduty (REST GET /incidents page)",
            "rest_GET_log_entries.page.json: pagerduty (REST log entries page)",
            "rest_incidents.array.json: pagerduty (REST incidents array)",
            "webhook_v2_messages.json: pagerduty (webhook v2 messages)",
            "webhook_v3_events.ndjson: pagerduty (webhook v3 events)",
            "webhook_v3_incident.reopened.json: pagerduty (webhook v3 events)",
        ]
    );
}

#[test]
fn a_webhook_stream_and_a_rest_page_converge_in_either_order() {
    let (rest, hooks) = (
        fixture("rest_GET_incidents.page.json"),
        fixture("webhook_v3_events.ndjson"),
    );
    let want = "incident_id=pagerduty:PLDG7Q2 | number=4101 | title=Ledger replication lag above 5 minutes | service=ledger | severity_raw=P1 | status=resolved | kind=normal | detected_at=2026-06-03T08:12:04.512000Z | acknowledged_at=2026-06-03T08:15:40.201000Z | resolved_at=2026-06-03T09:02:51.877000Z | reopen_count=0 | updated_at=2026-06-03T09:02:52Z";

    // REST alone: PagerDuty empties `acknowledgements` once resolved, so no MTTA yet.
    let s = Sandbox::new();
    s.ok(&["ingest", "--source", "pagerduty", &rest]);
    assert!(
        incident_row(&s, "pagerduty:PLDG7Q2")
            .contains("acknowledged_at=- | resolved_at=2026-06-03T09:02:51Z")
    );
    s.ok(&["ingest", "--source", "pagerduty", &hooks]);
    assert_eq!(incident_row(&s, "pagerduty:PLDG7Q2"), want);

    // Webhooks first: a minimal row versioned by its oldest instant, then REST replaces it.
    let t = Sandbox::new();
    t.ok(&["ingest", "--source", "auto", &hooks]);
    assert!(
        incident_row(&t, "pagerduty:PLDG7Q2")
            .ends_with("reopen_count=0 | updated_at=2026-06-03T08:12:04.512000Z")
    );
    t.ok(&["ingest", "--source", "auto", &rest]);
    assert_eq!(incident_row(&t, "pagerduty:PLDG7Q2"), want);
    assert_eq!(
        t.rows(Table::Incidents, &["incident_id", "fingerprint"])[0],
        "incident_id=pagerduty:PLDG7Q2 | fingerprint=ledger/replication-lag"
    );

    // Both in one run, and again: one incident, five events, nothing changes on re-ingest.
    let u = Sandbox::new();
    u.ok(&["ingest", "--source", "pagerduty", &hooks, &rest]);
    assert_eq!(incident_row(&u, "pagerduty:PLDG7Q2"), want);
    let events = |s: &Sandbox| {
        s.rows(Table::IncidentEvents, &["incident_id"])
            .iter()
            .filter(|r| r.ends_with("pagerduty:PLDG7Q2"))
            .count()
    };
    assert_eq!((events(&s), events(&t), events(&u)), (5, 5, 5));
    let before = u.parquet_files();
    u.ok(&["ingest", "--source", "pagerduty", &rest, &hooks]);
    assert_eq!(u.parquet_files(), before);
}

#[test]
fn bad_records_are_rejected_with_their_place_and_reason() {
    let s = Sandbox::new();
    let ev = |id: &str, kind: &str, at: &str| {
        format!(
            r#"{{"event":{{"id":"{id}","event_type":"incident.{kind}","resource_type":"incident","occurred_at":"{at}","agent":null,"data":{{"id":"PWEB1","type":"incident","number":7,"title":"Web 5xx","status":"triggered","service":{{"id":"PS1","summary":"web"}},"urgency":"high"}}}}}}"#
        )
    };
    s.write(
        "in/events.ndjson",
        [
            ev("E1", "triggered", "2026-07-01T10:00:00.000Z"),
            r#"{"event": {"id": "E2", "event_type": "incident.acknowledged""#.to_string(),
            ev("E3", "acknowledged", "yesterday"),
            ev("E4", "resolved", "2026-07-01T10:30:00.000Z").replace(r#""id":"E4","#, ""),
            ev("E5", "acknowledged", "2026-07-01T10:05:00.000Z"),
        ]
        .join("\n"),
    );
    s.write(
        "in/page.json",
        r#"{"incidents": [
  {"id": "PGOOD1", "type": "incident", "incident_number": 1, "title": "Good", "created_at": "2026-07-01T09:00:00Z", "status": "triggered", "urgency": "low"},
  {"type": "incident", "incident_number": 2, "title": "No id", "created_at": "2026-07-01T09:00:00Z"},
  {"id": "PBAD3", "type": "incident", "incident_number": 3, "title": "Bad time", "created_at": "31/06/2026 9am"}
], "limit": 25, "offset": 0, "more": false}"#,
    );
    s.write(
        "in/log.json",
        r#"{"log_entries": [
  {"id": "L1", "type": "trigger_log_entry", "created_at": "2026-07-02T08:00:00+00:00", "incident": {"id": "PLOG1", "summary": "[#9] Indexer stalled"}},
  {"id": "L2", "type": "resolve_log_entry", "created_at": "2026-07-02T08:30:00+00:00"}
]}"#,
    );
    let out = s.run(&[
        "ingest",
        "--source",
        "pagerduty",
        "in",
        "--max-rejected",
        "100%",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let got: Vec<(String, u64, Option<String>, String)> = s
        .rejected()
        .into_iter()
        .map(|r| {
            let file = r.file.rsplit('/').next().unwrap_or_default().to_string();
            (file, r.line, r.json_path, r.reason)
        })
        .collect();
    let want = [
        (
            "events.ndjson",
            2,
            None,
            "invalid JSON: EOF while parsing an object",
        ),
        (
            "events.ndjson",
            3,
            Some("$.event"),
            "event.occurred_at: cannot read \"yesterday\"",
        ),
        (
            "events.ndjson",
            4,
            Some("$.event"),
            "event.id: missing; a PagerDuty record without its id cannot be matched with other exports",
        ),
        (
            "log.json",
            1,
            Some("$.log_entries[1]"),
            "log_entries[1].incident.id: missing; a PagerDuty record without its id cannot be matched with other exports",
        ),
        (
            "page.json",
            1,
            Some("$.incidents[1]"),
            "incidents[1].id: missing; a PagerDuty record without its id cannot be matched with other exports",
        ),
        (
            "page.json",
            1,
            Some("$.incidents[2]"),
            "incidents[2].created_at: cannot read \"31/06/2026 9am\"",
        ),
    ];
    assert_eq!(got.len(), want.len(), "{got:#?}");
    for (g, w) in got.iter().zip(want) {
        assert_eq!((g.0.as_str(), g.1, g.2.as_deref()), (w.0, w.1, w.2));
        assert!(
            g.3.starts_with(w.3),
            "{:?} does not start with {:?}",
            g.3,
            w.3
        );
    }
    // The good records still land.
    assert_eq!(
        s.rows(Table::Incidents, &["incident_id", "title", "status"]),
        [
            "incident_id=pagerduty:PGOOD1 | title=Good | status=open",
            "incident_id=pagerduty:PLOG1 | title=Indexer stalled | status=open",
            "incident_id=pagerduty:PWEB1 | title=Web 5xx | status=acknowledged",
        ]
    );
    assert_eq!(
        s.rows(Table::IncidentEvents, &["event_id", "kind"]),
        [
            "event_id=pagerduty:PLOG1:L1 | kind=triggered",
            "event_id=pagerduty:PWEB1:E1 | kind=triggered",
            "event_id=pagerduty:PWEB1:E5 | kind=acknowledged",
        ]
    );
}

#[test]
fn a_json_array_of_webhook_events_is_one_stream() {
    let s = Sandbox::new();
    let p = s.write(
        "in/dump.json",
        r#"[
  {"event": {"id": "E1", "event_type": "incident.triggered", "resource_type": "incident", "occurred_at": "2026-08-01T22:00:00.125Z",
             "agent": null, "data": {"id": "PWH1", "type": "incident", "number": 77, "title": "Warehouse load late",
             "status": "triggered", "service": {"id": "PS9", "summary": "warehouse"}, "urgency": "low", "priority": null}}},
  {"id": "E2", "event_type": "incident.resolved", "resource_type": "incident", "occurred_at": "2026-08-01T23:10:00.500Z",
   "agent": {"summary": "Hana Sato"}, "data": {"id": "PWH1", "type": "incident", "number": 77, "title": "Warehouse load late",
   "status": "resolved", "service": {"id": "PS9", "summary": "warehouse"}, "urgency": "low", "priority": null}}
]"#,
    );
    let out = s.ok(&["ingest", "--source", "auto", &p.display().to_string()]);
    assert!(
        out.contains("dump.json: pagerduty (webhook v3 events)"),
        "{out}"
    );
    assert_eq!(
        s.rows(Table::IncidentEvents, &["event_id", "kind", "actor"]),
        [
            "event_id=pagerduty:PWH1:E1 | kind=triggered | actor=-",
            "event_id=pagerduty:PWH1:E2 | kind=resolved | actor=Hana Sato",
        ]
    );
    assert_eq!(
        incident_row(&s, "pagerduty:PWH1"),
        "incident_id=pagerduty:PWH1 | number=77 | title=Warehouse load late | service=warehouse | severity_raw=low | status=resolved | kind=normal | detected_at=2026-08-01T22:00:00.125000Z | acknowledged_at=- | resolved_at=2026-08-01T23:10:00.500000Z | reopen_count=0 | updated_at=2026-08-01T22:00:00.125000Z"
    );
}

#[test]
fn analytics_naive_times_use_the_response_zone_and_inconsistent_records_are_kept() {
    let s = Sandbox::new();
    // PagerDuty's own example resolves before it is created and misspells a key: kept as given.
    s.write(
        "in/analytics.json",
        r#"{"data": [
  {"id": "PAN1", "incident_number": 1, "description": "Kafka broker down", "created_at": "2026-07-01T10:00:00",
   "resolved_at": "2026-06-30T10:00:05", "seconds_to_first_ack": 48, "seconds_to_resolve": 2029,
   "service_name": "kafka", "urgency": "low", "status": "resolved", "total_interruptions\"": 3}
], "time_zone": "America/New_York", "order_by": "created_at"}"#,
    );
    s.write(
        "in/one.json",
        r#"{"id": "PAN2", "incident_number": 2, "description": "Warehouse load late", "created_at": "2026-07-02T23:30:00",
   "resolved_at": null, "seconds_to_first_ack": 60, "seconds_to_resolve": 5400, "service_name": "warehouse",
   "priority_name": "P4", "urgency": "low", "status": "resolved", "total_notifications": 1}"#,
    );
    let out = s.ok(&["ingest", "--source", "auto", "in"]);
    assert!(
        out.contains("analytics.json: pagerduty (Analytics raw incidents)"),
        "{out}"
    );
    assert_eq!(
        s.rows(
            Table::Incidents,
            &[
                "incident_id",
                "severity_raw",
                "detected_at",
                "acknowledged_at",
                "resolved_at",
                "labels"
            ]
        ),
        [
            r#"incident_id=pagerduty:PAN1 | severity_raw=low | detected_at=2026-07-01T14:00:00Z | acknowledged_at=2026-07-01T14:00:48Z | resolved_at=2026-06-30T14:00:05Z | labels={"status_raw":"resolved","total_interruptions":"3","urgency":"low"}"#,
            r#"incident_id=pagerduty:PAN2 | severity_raw=P4 | detected_at=2026-07-02T23:30:00Z | acknowledged_at=2026-07-02T23:31:00Z | resolved_at=2026-07-03T01:00:00Z | labels={"priority":"P4","status_raw":"resolved","total_notifications":"1","urgency":"low"}"#,
        ]
    );
}

#[test]
fn another_tools_file_is_a_whole_file_error() {
    let s = Sandbox::new();
    let alertmanager = s.write(
        "am.json",
        r#"{"version": "4", "groupKey": "{}:{alertname=\"X\"}", "status": "firing", "receiver": "pd",
            "alerts": [{"status": "firing", "labels": {"alertname": "X"}, "startsAt": "2026-07-01T10:00:00Z"}]}"#,
    );
    let csv = s.write("export.csv", "id,title,created\n1,x,2026-07-01\n");
    let zone = s.write(
        "zone.json",
        r#"{"data": [{"id": "P1", "description": "x", "created_at": "2026-07-01T10:00:00", "seconds_to_resolve": 1}],
            "time_zone": "Mars/Olympus_Mons"}"#,
    );
    for (file, says) in [
        (&alertmanager, "not a PagerDuty export"),
        (&csv, "not a PagerDuty export"),
        (&zone, "time_zone: unknown time zone \"Mars/Olympus_Mons\""),
    ] {
        let out = s.run(&[
            "ingest",
            "--source",
            "pagerduty",
            &file.display().to_string(),
        ]);
        let err = text(&out.stderr);
        assert!(!out.status.success());
        assert!(err.contains(&file.display().to_string()), "{err}");
        assert!(err.contains(says), "{err}");
    }
    assert!(!s.current().exists(), "nothing was published");
}

#[test]
fn the_real_payloads_are_read() {
    let Some(dir) = shared_formats() else {
        println!("skipped: ../shared/formats is absent");
        return;
    };
    let dir = dir.join("pagerduty");
    let ingest = |name: &str, shape: &str| {
        let s = Sandbox::new();
        let path = dir.join(name).display().to_string();
        let out = s.ok(&["ingest", "--source", "auto", &path]);
        assert!(
            out.contains(&format!("{path}: pagerduty ({shape})")),
            "{out}"
        );
        assert!(s.rejected().is_empty(), "{name}: {:?}", s.rejected());
        s
    };
    let s = ingest(
        "rest_GET_incidents.openapi_example.json",
        "REST GET /incidents page",
    );
    assert_eq!(
        incident_row(&s, "pagerduty:PT4KHLK"),
        "incident_id=pagerduty:PT4KHLK | number=1234 | title=The server is on fire. | service=My Mail Service | severity_raw=P2 | status=resolved | kind=normal | detected_at=2015-10-06T21:30:42Z | acknowledged_at=- | resolved_at=2015-10-06T21:38:23Z | reopen_count=0 | updated_at=2015-10-06T21:40:23Z"
    );
    let s = ingest(
        "rest_GET_incident_log_entries.openapi_example.json",
        "REST log entries page",
    );
    assert_eq!(
        s.rows(
            Table::IncidentEvents,
            &["event_id", "at", "kind", "actor", "channel"]
        ),
        [
            "event_id=pagerduty:PT4KHLK:Q02JTSNZWHSEKV | at=2015-11-07T00:14:20Z | kind=triggered | actor=My Mail Service | channel=api"
        ]
    );
    assert_eq!(
        incident_row(&s, "pagerduty:PT4KHLK"),
        "incident_id=pagerduty:PT4KHLK | number=1234 | title=The server is on fire. | service=- | severity_raw=- | status=open | kind=normal | detected_at=2015-11-07T00:14:20Z | acknowledged_at=- | resolved_at=- | reopen_count=0 | updated_at=2015-11-07T00:14:20Z"
    );
    let s = ingest(
        "analytics_POST_raw_incidents.openapi_example.json",
        "Analytics raw incidents",
    );
    assert_eq!(
        s.rows(
            Table::Incidents,
            &[
                "incident_id",
                "severity_raw",
                "detected_at",
                "acknowledged_at",
                "resolved_at"
            ]
        ),
        [
            "incident_id=pagerduty:PCOOHCY | severity_raw=SEV-2 | detected_at=2023-05-31T10:00:00Z | acknowledged_at=2023-05-31T10:00:48Z | resolved_at=2023-05-30T10:00:05Z",
            "incident_id=pagerduty:PYC0H08 | severity_raw=low | detected_at=2023-05-31T10:05:00Z | acknowledged_at=2023-05-31T10:05:05Z | resolved_at=2023-05-31T10:15:00Z",
        ]
    );
    for (file, id, at, kind, status) in [
        (
            "webhook_v3_incident.triggered.zulip_fixture.json",
            "PFQZPSY",
            "2021-06-04T13:35:29.781000Z",
            "triggered",
            "open",
        ),
        (
            "webhook_v3_incident.acknowledged.zulip_fixture.json",
            "PQ1K5C8",
            "2021-06-04T13:55:30.394000Z",
            "acknowledged",
            "acknowledged",
        ),
        (
            "webhook_v3_incident.resolved.zulip_fixture.json",
            "PCPZE64",
            "2021-06-04T13:16:53.816000Z",
            "resolved",
            "resolved",
        ),
    ] {
        let s = ingest(file, "webhook v3 events");
        assert_eq!(
            s.rows(
                Table::IncidentEvents,
                &["incident_id", "at", "kind", "actor"]
            ),
            [format!(
                "incident_id=pagerduty:{id} | at={at} | kind={kind} | actor=PIG 208"
            )]
        );
        assert_eq!(
            s.rows(
                Table::Incidents,
                &[
                    "incident_id",
                    "title",
                    "service",
                    "severity_raw",
                    "status",
                    "detected_at"
                ]
            ),
            [format!(
                "incident_id=pagerduty:{id} | title=Test Incident{} | service=pig208 | severity_raw=high | status={status} | detected_at={at}",
                if id == "PFQZPSY" { " 3" } else { "" }
            )]
        );
    }
}

/// The incident's page in PagerDuty (`html_url`) is stored as `url`, from a REST page and from
/// webhooks alike, so the reports can link the id without a `[sources.pagerduty]` template.
#[test]
fn the_incidents_page_is_stored_from_rest_and_from_webhooks() {
    for file in ["rest_GET_incidents.page.json", "webhook_v3_events.ndjson"] {
        let s = Sandbox::new();
        s.ok(&["ingest", "--source", "pagerduty", &fixture(file)]);
        let rows = s.rows(Table::Incidents, &["incident_id", "url"]);
        let want =
            "incident_id=pagerduty:PLDG7Q2 | url=https://acme-ops.pagerduty.com/incidents/PLDG7Q2";
        assert!(rows.iter().any(|r| r == want), "{file}: {rows:?}");
    }
}
