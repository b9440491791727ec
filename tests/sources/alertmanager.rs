//! The Alertmanager connector end to end: the fixtures give one row per alert instance across
//! every payload (repeat notifications counted, resolutions paired), `--source auto` finds them,
//! bad alerts are rejected with their JSON path, and another tool's file is a whole-file error.

use aftermath::model::Table;

use crate::common::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/alertmanager");

/// Teams owning the fixtures' services, so rows map to teams as with the sample config.
const CONFIG: &str = "[teams.payments]\nservices = [\"payments-api\"]\n\
                      [teams.search]\nservices = [\"search-api\", \"indexer\"]\n\
                      [teams.data-platform]\nservices = [\"kafka\"]\n";

const COLS: &[&str] = &[
    "alert_id",
    "rule",
    "title",
    "team",
    "service",
    "severity",
    "fired_at",
    "resolved_at",
    "paged",
    "notifications",
];

fn sandbox() -> Sandbox {
    let s = Sandbox::new();
    s.write("aftermath.toml", CONFIG);
    s
}

#[test]
fn fixtures_give_one_row_per_instance_across_payloads() {
    let s = sandbox();
    let out = s.run(&["ingest", "--source", "alertmanager", FIXTURES]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The stream's Kafka payload says max_alerts dropped two alerts: a warning, not a rejection.
    assert!(
        text(&out.stderr)
            .contains("webhook_stream.ndjson line 3: the payload says 2 alert(s) were left out"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        s.rows(Table::Alerts, COLS),
        [
            // Fired in the single payload and repeated in the stream (2 firing notifications),
            // resolved by the stream's mixed payload; +02:00 and nanoseconds read to UTC µs.
            "alert_id=alertmanager:377a299ac88553ad:2026-09-14T01:12:07.418253Z | rule=PaymentsHighErrorRate | title=payments-api 5xx ratio above 5% | team=payments | service=payments-api | severity=SEV1 | fired_at=2026-09-14T01:12:07.418253Z | resolved_at=2026-09-14T01:41:52.060000Z | paged=true | notifications=2",
            // Alertmanager 0.15: no fingerprint (the Prometheus one is computed), a future endsAt
            // while firing (ignored), no summary (the alertname is the title), service from job.
            "alert_id=alertmanager:831e71f6e6594cf5:2026-08-04T01:40:12.913402Z | rule=IndexerQueueBacklog | title=IndexerQueueBacklog | team=search | service=indexer | severity=SEV2 | fired_at=2026-08-04T01:40:12.913402Z | resolved_at=2026-08-04T02:25:42.900000Z | paged=true | notifications=1",
            "alert_id=alertmanager:c7199419bf28d2ce:2026-09-15T22:05:00.000000Z | rule=KafkaConsumerLag | title=ledger-writer is 120k messages behind | team=data-platform | service=kafka | severity=SEV3 | fired_at=2026-09-15T22:05:00Z | resolved_at=- | paged=true | notifications=1",
            "alert_id=alertmanager:db6638ef250d4a4a:2026-09-14T01:14:37.500000Z | rule=PaymentsHighErrorRate | title=payments-api 5xx ratio above 5% | team=payments | service=payments-api | severity=SEV1 | fired_at=2026-09-14T01:14:37.500000Z | resolved_at=- | paged=true | notifications=2",
        ]
    );
    assert_eq!(
        s.rows(Table::Alerts, &["fingerprint", "updated_at"]),
        [
            "fingerprint=377a299ac88553ad | updated_at=2026-09-14T01:41:52.060000Z",
            "fingerprint=831e71f6e6594cf5 | updated_at=2026-08-04T02:25:42.900000Z",
            "fingerprint=c7199419bf28d2ce | updated_at=2026-09-15T22:05:00Z",
            "fingerprint=db6638ef250d4a4a | updated_at=2026-09-14T01:14:37.500000Z",
        ]
    );
    let labels = strs(&sorted(s.frame(Table::Alerts), "alert_id"), "labels");
    let first: serde_json::Value = serde_json::from_str(labels[0].as_deref().unwrap()).unwrap();
    assert_eq!(first["instance"], "pay-1:8080");
    assert_eq!(
        first["annotation.runbook_url"],
        "https://runbooks.example.com/payments/high-error-rate"
    );
    assert_eq!(first["notify.receiver"], "payments-pager");
    assert_eq!(
        first["notify.group_key"],
        "{}/{team=\"payments\"}:{alertname=\"PaymentsHighErrorRate\"}"
    );
    assert!(
        first["rule.generator_url"]
            .as_str()
            .unwrap()
            .starts_with("http://prometheus.prod:9090/graph")
    );
    assert!(
        s.current()
            .join("_rejected")
            .read_dir()
            .map_or(true, |mut d| d.next().is_none())
    );
}

#[test]
fn auto_detects_every_fixture_and_reingest_converges() {
    let s = sandbox();
    let out = s.ok(&["ingest", "--source", "auto", FIXTURES]);
    for (file, shape) in [
        ("webhook_legacy_array.json", "webhook payloads (JSON array)"),
        ("webhook_stream.ndjson", "webhook payload (version 4)"),
        ("webhook_v4_single.json", "webhook payload (version 4)"),
    ] {
        assert!(
            out.contains(&format!("{file}: alertmanager ({shape})")),
            "{file}:\n{out}"
        );
    }
    // The single payload again, alone: the same instance, one row, no duplicate.
    s.ok(&[
        "ingest",
        "--source",
        "auto",
        &format!("{FIXTURES}/webhook_v4_single.json"),
    ]);
    assert_eq!(s.frame(Table::Alerts).height(), 4);
}

#[test]
fn bad_alerts_are_rejected_with_line_and_json_path() {
    let s = sandbox();
    let good = r#"{"version":"4","status":"firing","receiver":"r","alerts":[{"status":"firing","labels":{"alertname":"A","service":"ledger"},"startsAt":"2026-07-01T10:00:00Z","endsAt":"0001-01-01T00:00:00Z"}]}"#;
    let bad = r#"{"version":"4","status":"firing","receiver":"r","alerts":[{"status":"firing","labels":{"alertname":"B"},"startsAt":"2026-07-01T11:00:00Z"},{"status":"firing","labels":{"alertname":"C"}},{"status":"firing","labels":{"alertname":"D"},"startsAt":"soon"},{"status":"firing","labels":{"job":"x"},"startsAt":"2026-07-01T11:00:00Z"},{"status":"resolved","labels":{"alertname":"E"},"startsAt":"2026-07-01T11:00:00Z","endsAt":"0001-01-01T00:00:00Z"}]}"#;
    s.write(
        "in/am.ndjson",
        format!("{good}\n{{\"version\": \"4\", \"alerts\": [\n{bad}\n"),
    );
    let out = s.ok(&[
        "ingest",
        "--source",
        "alertmanager",
        "in",
        "--max-rejected",
        "100%",
    ]);
    assert!(out.contains("alerts"), "{out}");
    // Regression: a line that is not JSON was logged as a quoted JSON string, not as written.
    assert_eq!(s.rejected()[0].raw, r#"{"version": "4", "alerts": ["#);
    let got: Vec<(u64, Option<String>, String)> = s
        .rejected()
        .into_iter()
        .map(|r| {
            assert!(r.file.ends_with("am.ndjson"));
            (r.line, r.json_path, r.reason)
        })
        .collect();
    assert_eq!(got.len(), 5, "{got:?}");
    assert_eq!(got[0].0, 2);
    assert!(got[0].2.starts_with("invalid JSON"), "{}", got[0].2);
    let rest: Vec<(u64, &str, &str)> = got[1..]
        .iter()
        .map(|(l, p, r)| {
            (
                *l,
                p.as_deref().unwrap_or(""),
                r.split(';').next().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        rest,
        [
            (3, "$.alerts[1]", "$.alerts[1]: no startsAt"),
            (
                3,
                "$.alerts[2]",
                "$.alerts[2].startsAt: cannot read \"soon\" as an instant"
            ),
            (3, "$.alerts[3]", "$.alerts[3].labels.alertname: missing"),
            (
                3,
                "$.alerts[4]",
                "$.alerts[4].endsAt: the alert is resolved but has no endsAt, so when it resolved is unknown"
            ),
        ]
    );
    assert_eq!(
        s.rows(Table::Alerts, &["rule", "fired_at"]),
        [
            "rule=A | fired_at=2026-07-01T10:00:00Z",
            "rule=B | fired_at=2026-07-01T11:00:00Z"
        ]
    );
}

#[test]
fn another_tools_file_is_a_whole_file_error() {
    let s = sandbox();
    s.write(
        "in/incidents_page.json",
        r#"{"incidents":[{"id":"PT4KHLK","created_at":"2026-07-01T10:00:00Z"}],"limit":25}"#,
    );
    let out = s.run(&[
        "ingest",
        "--source",
        "alertmanager",
        "in/incidents_page.json",
    ]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("incidents_page.json"), "{err}");
    assert!(
        err.contains("not an Alertmanager webhook payload: no document has an \"alerts\" array"),
        "{err}"
    );
}

#[test]
fn the_real_payloads_are_read() {
    let Some(dir) = shared_formats() else {
        println!("skipped: ../shared/formats is absent");
        return;
    };
    let dir = dir.join("alertmanager");
    let cases = [
        (
            "webhook_firing.alertmanager-bot_example.json",
            // Pre-0.17: the firing alert's future endsAt is not a resolution.
            vec![
                "fingerprint=88cbf0084cf27726 | fired_at=2018-11-04T21:43:58.283995Z | resolved_at=- | notifications=1",
            ],
        ),
        (
            "webhook_resolved.alertmanager-bot_example.json",
            vec![
                "fingerprint=88cbf0084cf27726 | fired_at=2018-11-04T21:43:58.283995Z | resolved_at=2018-11-04T21:48:13.283995Z | notifications=0",
            ],
        ),
        (
            "webhook_firing_2alerts_with_fingerprint.zulip_fixture.json",
            vec![
                "fingerprint=a1bc48475b20e73d | fired_at=2020-02-06T00:17:58.432911Z | resolved_at=- | notifications=1",
                "fingerprint=c2ea85182f28cbd9 | fired_at=2020-02-06T00:17:58.432911Z | resolved_at=- | notifications=1",
            ],
        ),
    ];
    let cols = ["fingerprint", "fired_at", "resolved_at", "notifications"];
    for (file, want) in &cases {
        let s = Sandbox::new();
        let path = dir.join(file).display().to_string();
        let out = s.ok(&["ingest", "--source", "auto", &path]);
        assert!(out.contains(&format!("{file}: alertmanager (")), "{out}");
        assert!(s.rejected().is_empty(), "{file}: {:?}", s.rejected());
        assert_eq!(&s.rows(Table::Alerts, &cols), want, "{file}");
    }
    // All together: the bot's firing and resolved payloads pair into one instance.
    let s = Sandbox::new();
    s.ok(&["ingest", "--source", "auto", &dir.display().to_string()]);
    assert_eq!(
        s.rows(Table::Alerts, &cols)[0],
        "fingerprint=88cbf0084cf27726 | fired_at=2018-11-04T21:43:58.283995Z | resolved_at=2018-11-04T21:48:13.283995Z | notifications=1"
    );
    assert_eq!(s.frame(Table::Alerts).height(), 3);
}
