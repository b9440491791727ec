//! The Grafana connector end to end: webhook payloads, Loki state history (query API, logcli,
//! the rules-history DataFrame, bare lines) and notification history give one row per alert
//! instance, the webhook and the state history of the same alert meet on one row, bad lines are
//! rejected with their JSON path, and another tool's file is a whole-file error.

use aftermath::model::Table;

use crate::common::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/grafana");

const CONFIG: &str = "[teams.storefront]\nservices = [\"web\", \"cdn-edge\"]\n\
                      [teams.search]\nservices = [\"search-api\"]\n\
                      [teams.identity]\nservices = [\"auth\"]\n\
                      [teams.data-platform]\nservices = [\"kafka\"]\n\
                      [teams.mobile]\nservices = [\"mobile-api\", \"push\"]\n";

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

/// The labels of each alert, by alert id order.
fn labels(s: &Sandbox) -> Vec<serde_json::Value> {
    strs(&sorted(s.frame(Table::Alerts), "alert_id"), "labels")
        .into_iter()
        .map(|l| serde_json::from_str(l.as_deref().unwrap_or("{}")).unwrap())
        .collect()
}

#[test]
fn fixtures_give_one_row_per_instance_across_shapes() {
    let s = sandbox();
    let out = s.run(&["ingest", "--source", "grafana", FIXTURES]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(
            "state_history_lines.jsonl: 2 Grafana state-history line(s) without their Loki timestamp"
        ),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        s.rows(Table::Alerts, COLS),
        [
            // Webhook (fired +02:00, resolved by Grafana 9's state "ok") and state history meet.
            "alert_id=grafana:081e9844b821113a:2026-10-02T14:04:10.000000Z | rule=Checkout latency high | title=p95 checkout latency above 2s | team=storefront | service=web | severity=SEV2 | fired_at=2026-10-02T14:04:10Z | resolved_at=2026-10-02T14:31:10Z | paged=true | notifications=1",
            // logcli lines: nanosecond RFC 3339 timestamps with an offset.
            "alert_id=grafana:17114b1af68c8965:2026-10-07T09:20:00.123456Z | rule=Kafka consumer lag | title=Kafka consumer lag | team=data-platform | service=kafka | severity=SEV2 | fired_at=2026-10-07T09:20:00.123456Z | resolved_at=2026-10-07T10:02:00Z | paged=false | notifications=0",
            // Its only notification failed on every attempt: nobody was paged.
            "alert_id=grafana:44b331fc12fee84d:2026-10-12T08:45:00.000000Z | rule=Mobile API saturation | title=mobile-api CPU above 85% | team=mobile | service=mobile-api | severity=SEV3 | fired_at=2026-10-12T08:45:00Z | resolved_at=- | paged=false | notifications=0",
            // No-data alert: its own alertname, titled after the rule it stands for; repeated.
            "alert_id=grafana:6bc600925d254836:2026-10-02T14:06:40.250000Z | rule=DatasourceNoData | title=DatasourceNoData: CDN edge 5xx rate | team=storefront | service=cdn-edge | severity=UNKNOWN | fired_at=2026-10-02T14:06:40.250000Z | resolved_at=- | paged=true | notifications=2",
            // Query API: Alerting -> Recovering -> "Normal (MissingSeries)" resolves.
            "alert_id=grafana:9fa8b38465e878e6:2026-10-05T01:02:30.500000Z | rule=Search API error budget burn | title=Search API error budget burn | team=search | service=search-api | severity=SEV1 | fired_at=2026-10-05T01:02:30.500000Z | resolved_at=2026-10-05T01:22:30Z | paged=false | notifications=0",
            // DataFrame with the fixtures' lowercase states: "firing" is Alerting, still open.
            "alert_id=grafana:de9ea58c46049338:2026-10-09T08:31:00.000000Z | rule=Auth login failures | title=Auth login failures | team=identity | service=auth | severity=SEV3 | fired_at=2026-10-09T08:31:00Z | resolved_at=- | paged=false | notifications=0",
            // Notification history: two firing notifications (one after a failed attempt).
            "alert_id=grafana:f78ea127604d92fa:2026-10-11T02:10:00.000000Z | rule=Push delivery failures | title=APNs push failures above 2% | team=mobile | service=push | severity=SEV1 | fired_at=2026-10-11T02:10:00Z | resolved_at=2026-10-11T07:02:30Z | paged=true | notifications=2",
        ]
    );
    let l = labels(&s);
    assert_eq!(l[0]["state.pending_at"], "2026-10-02T14:03:10.000000Z");
    assert_eq!(l[0]["alert.fingerprint"], "8d3f1c0e5b7a9264");
    assert_eq!(l[0]["rule.uid"], "fe1x9c2lq8ow0b");
    assert_eq!(l[0]["notify.receiver"], "storefront-webhook");
    assert_eq!(l[4]["state.pending_at"], "2026-10-05T00:57:30.000000Z");
    assert_eq!(l[4]["rule.group"], "search-slo");
    assert_eq!(l[5]["state.pending_at"], "2026-10-09T08:30:00.000000Z");
    assert_eq!(l[6]["notify.receiver"], "mobile-pager");
    assert_eq!(l[6]["notify.integration"], "pagerduty");
    assert_eq!(l[6]["rule.uid"], "fa5s7u9w1y3b5d");
    assert_eq!(l[6]["annotation.summary"], "APNs push failures above 2%");
    // Private labels and annotations stay out.
    assert!(l[6].get("__alert_rule_uid__").is_none());
    assert!(
        l[6].get("annotation.__alert_rule_namespace_uid__")
            .is_none()
    );
    assert!(s.rejected().is_empty());
}

#[test]
fn auto_detects_every_shape_and_history_alone_converges_with_the_webhook() {
    let s = sandbox();
    let out = s.ok(&["ingest", "--source", "auto", FIXTURES]);
    for (file, shape) in [
        (
            "notification_history.jsonl",
            "Loki notification-history lines",
        ),
        (
            "rules_history_frame.json",
            "rules history DataFrame (/api/v1/rules/history)",
        ),
        ("state_history_lines.jsonl", "Loki state-history lines"),
        ("state_history_logcli.jsonl", "logcli JSONL lines"),
        ("state_history_query_range.json", "Loki query API response"),
        (
            "webhook_firing.json",
            "webhook contact point payload (version 1)",
        ),
        (
            "webhook_grafana9.ndjson",
            "webhook contact point payload (version 1)",
        ),
    ] {
        assert!(
            out.contains(&format!("{file}: grafana ({shape})")),
            "{file}:\n{out}"
        );
    }
    // The webhook alone, then the state history alone in a later run: the same row.
    let t = sandbox();
    t.ok(&["ingest", &format!("{FIXTURES}/webhook_firing.json")]);
    t.ok(&[
        "ingest",
        &format!("{FIXTURES}/state_history_query_range.json"),
    ]);
    let ids: Vec<String> = t.rows(Table::Alerts, &["alert_id", "resolved_at"]);
    assert_eq!(
        ids,
        [
            "alert_id=grafana:081e9844b821113a:2026-10-02T14:04:10.000000Z | resolved_at=2026-10-02T14:31:10Z",
            "alert_id=grafana:6bc600925d254836:2026-10-02T14:06:40.250000Z | resolved_at=-",
            "alert_id=grafana:9fa8b38465e878e6:2026-10-05T01:02:30.500000Z | resolved_at=2026-10-05T01:22:30Z",
        ]
    );
}

#[test]
fn bad_lines_are_rejected_with_line_and_json_path() {
    let s = sandbox();
    let entry = |prev: &str, cur: &str| {
        format!(
            r#"{{\"schemaVersion\":1,\"previous\":\"{prev}\",\"current\":\"{cur}\",\"ruleTitle\":\"Ledger lag\",\"ruleUID\":\"u1\",\"labels\":{{\"alertname\":\"Ledger lag\",\"service\":\"ledger\"}}}}"#
        )
    };
    let query = format!(
        r#"{{"status":"success","data":{{"resultType":"streams","result":[{{"stream":{{"from":"state-history"}},"values":[["1780000000000000000","{}"],["yesterday","{}"],["1780000060000000000","not json"],["1780000120000000000","{{\"schemaVersion\":1,\"current\":\"Alerting\"}}"]]}}]}}}}"#,
        entry("Pending", "Alerting"),
        entry("Alerting", "Normal"),
    );
    s.write("in/history.json", query);
    let notify = [
        r#"{"schemaVersion":2,"uuid":"n1","alertIndex":0,"status":"firing","labels":{"alertname":"Ledger lag","service":"ledger"},"annotations":{},"startsAt":"2026-06-02T10:00:00Z","endsAt":"0001-01-01T00:00:00Z"}"#,
        r#"{"schemaVersion":2,"uuid":"n2","alertIndex":0,"status":"firing","labels":{"alertname":"Ledger lag"},"annotations":{}}"#,
        r#"{"schemaVersion":2,"uuid":"n3","alertIndex":0,"status":"firing","labels":{"service":"ledger"},"startsAt":"2026-06-02T10:00:00Z"}"#,
        r#"{"schemaVersion":2,"uuid":"#,
    ];
    s.write("in/notify.jsonl", notify.join("\n"));
    let out = s.ok(&[
        "ingest",
        "--source",
        "grafana",
        "in",
        "--max-rejected",
        "100%",
    ]);
    assert!(out.contains("alerts"), "{out}");
    let got: Vec<(String, u64, String, String)> = s
        .rejected()
        .into_iter()
        .map(|r| {
            let file = r.file.rsplit('/').next().unwrap_or_default().to_string();
            let reason = r.reason.split(';').next().unwrap_or_default().to_string();
            (file, r.line, r.json_path.unwrap_or_default(), reason)
        })
        .collect();
    let want = [
        (
            "history.json",
            1,
            "$.data.result[0].values[1]",
            "$.data.result[0].values[1]: timestamp: cannot read \"yesterday\" as an instant",
        ),
        (
            "history.json",
            1,
            "$.data.result[0].values[2]",
            "$.data.result[0].values[2]: the line is not a JSON object: not json",
        ),
        (
            "history.json",
            1,
            "$.data.result[0].values[3][1]",
            "$.data.result[0].values[3][1]: not a Grafana state-history line (previous/current) or notification-history line (uuid)",
        ),
        ("notify.jsonl", 2, "$", "$: no startsAt"),
        ("notify.jsonl", 3, "$", "$.labels.alertname: missing"),
        (
            "notify.jsonl",
            4,
            "$",
            "invalid JSON: EOF while parsing a value at line 1 column 26",
        ),
    ];
    let want: Vec<(String, u64, String, String)> = want
        .iter()
        .map(|(f, l, p, r)| (f.to_string(), *l, p.to_string(), r.to_string()))
        .collect();
    assert_eq!(got, want);
    // The good lines still land: the firing from the state history, the notified instance.
    assert_eq!(
        s.rows(
            Table::Alerts,
            &["rule", "fired_at", "paged", "notifications"]
        ),
        [
            "rule=Ledger lag | fired_at=2026-05-28T20:26:40Z | paged=false | notifications=0",
            "rule=Ledger lag | fired_at=2026-06-02T10:00:00Z | paged=true | notifications=1",
        ]
    );
}

#[test]
fn another_tools_file_is_a_whole_file_error() {
    let s = sandbox();
    let am = r#"{"version":"4","status":"firing","receiver":"r","groupKey":"{}:{}","alerts":[{"status":"firing","labels":{"alertname":"A"},"startsAt":"2026-07-01T10:00:00Z"}]}"#;
    s.write("in/am.json", am);
    let out = s.run(&["ingest", "--source", "grafana", "in/am.json"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("am.json"), "{err}");
    assert!(err.contains("not a Grafana Alerting export"), "{err}");
}

#[test]
fn the_real_payloads_are_read() {
    let Some(dir) = shared_formats() else {
        println!("skipped: ../shared/formats is absent");
        return;
    };
    let dir = dir.join("grafana");
    let cols = [
        "alert_id",
        "rule",
        "fired_at",
        "resolved_at",
        "paged",
        "notifications",
    ];
    let cases: [(&str, &str, Vec<&str>); 3] = [
        (
            "notification_history_loki_lines.grafana_alerting_test.jsonl",
            "Loki notification-history lines",
            vec![
                "alert_id=grafana:0f8c8eae06af0c03:2025-07-15T16:55:00.000000Z | rule=Alert1 | fired_at=2025-07-15T16:55:00Z | resolved_at=2025-07-15T16:55:00Z | paged=true | notifications=0",
            ],
        ),
        (
            "state_history_loki_lines.grafana_loki_test.jsonl",
            "Loki state-history lines",
            vec![],
        ),
        (
            "webhook_firing.grafana_docs_example.json",
            "webhook contact point payload (version 1)",
            vec![
                "alert_id=grafana:b4ab7c4e8d6676fb:2021-10-12T07:51:03.157076Z | rule=High memory usage | fired_at=2021-10-12T07:51:03.157076Z | resolved_at=- | paged=true | notifications=1",
                "alert_id=grafana:ead5c61dfe6a3ea0:2021-10-12T07:56:03.157076Z | rule=High CPU usage | fired_at=2021-10-12T07:56:03.157076Z | resolved_at=- | paged=true | notifications=1",
            ],
        ),
    ];
    for (file, shape, want) in &cases {
        let s = Sandbox::new();
        let path = dir.join(file).display().to_string();
        let out = s.run(&["ingest", "--source", "auto", &path]);
        assert!(out.status.success(), "{file}: {}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains(&format!("{file}: grafana ({shape})")),
            "{}",
            text(&out.stdout)
        );
        assert!(s.rejected().is_empty(), "{file}: {:?}", s.rejected());
        let rows = if want.is_empty() {
            vec![]
        } else {
            s.rows(Table::Alerts, &cols)
        };
        assert_eq!(&rows, want, "{file}");
        if want.is_empty() {
            assert!(
                text(&out.stderr).contains("without their Loki timestamp"),
                "{}",
                text(&out.stderr)
            );
        }
    }
    let s = Sandbox::new();
    s.ok(&[
        "ingest",
        "--source",
        "auto",
        &dir.join(cases[0].0).display().to_string(),
    ]);
    let l = labels(&s);
    assert_eq!(l[0]["rule.uid"], "testRuleUID");
    assert_eq!(l[0]["notify.receiver"], "testReceiverName");
    assert_eq!(l[0]["annotation.foo"], "bar");
}
