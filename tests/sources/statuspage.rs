//! Statuspage: the fixtures give exact incident and event rows; subscriber webhooks and a later
//! page export of the same incident converge; bad records are rejected with their place and
//! reason; other shapes are whole-file errors; the real payloads of `../shared/formats` ingest.

use aftermath::model::Table;
use aftermath::store::Rejection;

use crate::common::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/statuspage");

const INCIDENT_COLS: &[&str] = &[
    "incident_id",
    "service",
    "severity",
    "severity_raw",
    "status",
    "kind",
    "impact_started_at",
    "detected_at",
    "mitigated_at",
    "resolved_at",
    "reopen_count",
    "updated_at",
];

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

#[test]
fn fixtures_give_exact_incidents_and_events() {
    let s = Sandbox::new();
    let out = s.ok(&["ingest", FIXTURES, "--source", "statuspage"]);
    assert!(!out.contains("rejected;"), "{out}");
    assert_eq!(
        s.rows(Table::Incidents, INCIDENT_COLS),
        [
            // Resolved, reopened, now monitoring (unresolved.json): the reopen is counted.
            "incident_id=statuspage:h3j5l7n9p1s3 | service=push | severity=SEV4 | severity_raw=minor | status=mitigated | kind=normal | impact_started_at=2026-11-13T23:45:00Z | detected_at=2026-11-14T00:00:00Z | mitigated_at=2026-11-14T01:20:00Z | resolved_at=- | reopen_count=1 | updated_at=2026-11-14T01:20:00Z",
            "incident_id=statuspage:k9m1p3r5t7v9 | service=kafka | severity=SEV4 | severity_raw=minor | status=open | kind=normal | impact_started_at=2026-11-14T11:00:00Z | detected_at=2026-11-14T11:00:00Z | mitigated_at=- | resolved_at=- | reopen_count=0 | updated_at=2026-11-14T11:20:00Z",
            // impact_override wins over impact.
            "incident_id=statuspage:m4n6p8r0t2v4 | service=cdn-edge | severity=SEV1 | severity_raw=critical | status=resolved | kind=normal | impact_started_at=2026-11-07T03:58:00Z | detected_at=2026-11-07T04:15:00Z | mitigated_at=- | resolved_at=2026-11-07T05:00:00Z | reopen_count=0 | updated_at=2026-11-07T05:02:00Z",
            // The page's -06:00 offsets land in UTC; the webhooks of it converged on this row.
            "incident_id=statuspage:p8k2m4n6q1r3 | service=payments-api | severity=SEV2 | severity_raw=major | status=resolved | kind=normal | impact_started_at=2026-11-03T14:05:00Z | detected_at=2026-11-03T14:12:40.118000Z | mitigated_at=2026-11-03T15:20:00.512000Z | resolved_at=2026-11-03T15:58:31.770000Z | reopen_count=0 | updated_at=2026-11-03T16:05:12.004000Z",
            "incident_id=statuspage:q9s1u3w5y7a9 | service=mobile-api | severity=SEV4 | severity_raw=minor | status=resolved | kind=normal | impact_started_at=2026-11-04T19:48:00Z | detected_at=2026-11-04T20:00:00Z | mitigated_at=2026-11-04T20:25:00Z | resolved_at=2026-11-04T20:40:00Z | reopen_count=0 | updated_at=2026-11-04T20:45:00Z",
            // impact none: SEV5; monitoring skipped; no started_at: created_at; component from updates.
            "incident_id=statuspage:t5v7x9z1b3d5 | service=indexer | severity=SEV5 | severity_raw=none | status=resolved | kind=normal | impact_started_at=2026-11-06T19:00:12Z | detected_at=2026-11-06T19:00:12Z | mitigated_at=- | resolved_at=2026-11-06T19:47:30.200000Z | reopen_count=0 | updated_at=2026-11-06T19:47:30.250000Z",
            // Postmortem status is resolved; the postmortem update is a note.
            "incident_id=statuspage:w2y4a6c8e0g2 | service=sso | severity=SEV1 | severity_raw=critical | status=resolved | kind=normal | impact_started_at=2026-11-09T07:52:00Z | detected_at=2026-11-09T08:10:00Z | mitigated_at=- | resolved_at=2026-11-09T09:05:00Z | reopen_count=0 | updated_at=2026-11-12T13:30:00Z",
            // Scheduled maintenance: announced a week ahead, it starts (impact and detection) when
            // it goes in progress; verifying mitigates.
            "incident_id=statuspage:x1z3b5d7f9h1 | service=warehouse | severity=SEV5 | severity_raw=maintenance | status=resolved | kind=maintenance | impact_started_at=2026-11-11T05:00:05Z | detected_at=2026-11-11T05:00:05Z | mitigated_at=2026-11-11T06:40:00Z | resolved_at=2026-11-11T07:12:44Z | reopen_count=0 | updated_at=2026-11-11T07:12:44Z",
        ]
    );
    let events = s.rows(Table::IncidentEvents, &["event_id", "at", "kind"]);
    assert_eq!(events.len(), 24);
    let of = |id: &str| -> Vec<String> {
        events
            .iter()
            .filter(|e| e.contains(&format!("statuspage:{id}:")))
            .cloned()
            .collect()
    };
    let mut s1 = of("p8k2m4n6q1r3");
    s1.sort_by_key(|e| e.split(" | ").nth(1).unwrap_or_default().to_string());
    assert_eq!(
        s1,
        [
            "event_id=statuspage:p8k2m4n6q1r3:u1a2b4c6d8f0 | at=2026-11-03T14:12:40.221000Z | kind=status_update",
            "event_id=statuspage:p8k2m4n6q1r3:u1i4j6k8m0n2 | at=2026-11-03T14:40:05.300000Z | kind=status_update",
            "event_id=statuspage:p8k2m4n6q1r3:u1m6n8p0r2t4 | at=2026-11-03T15:20:00.512000Z | kind=mitigated",
            "event_id=statuspage:p8k2m4n6q1r3:u1r8s3t5v7x9 | at=2026-11-03T15:58:31.770000Z | kind=resolved",
        ]
    );
    let kinds = |id: &str| -> Vec<String> {
        let mut v = of(id);
        v.sort_by_key(|e| e.split(" | ").nth(1).unwrap_or_default().to_string());
        v.iter()
            .map(|e| e.rsplit("kind=").next().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(
        kinds("h3j5l7n9p1s3"),
        ["status_update", "resolved", "reopened", "mitigated"]
    );
    assert_eq!(kinds("w2y4a6c8e0g2"), ["status_update", "resolved", "note"]);
    assert_eq!(
        kinds("x1z3b5d7f9h1"),
        ["note", "impact_started", "mitigated", "resolved"]
    );
    let labels = s.rows(Table::Incidents, &["number", "labels"]);
    assert_eq!(
        labels[6],
        r#"number=https://stspg.io/w2y4a6c8 | labels={"backfilled":"true","components":"sso","page":"Acme Status","page_id":"pg7x2k9m1q4w"}"#
    );
    assert_eq!(
        labels[2],
        r#"number=https://stspg.io/m4n6p8r0 | labels={"components":"cdn-edge","impact":"major","page_id":"pg7x2k9m1q4w"}"#
    );
}

#[test]
fn auto_detects_every_fixture_shape() {
    let s = Sandbox::new();
    let out = s.ok(&["ingest", FIXTURES, "--source", "auto"]);
    for (file, shape) in [
        ("incident-object.json", "manage API incident object"),
        (
            "manage-incidents.json",
            "manage API GET /v1/pages/{id}/incidents",
        ),
        (
            "public-incidents.json",
            "public page API /api/v2/incidents.json",
        ),
        (
            "public-unresolved.json",
            "public page API /api/v2/incidents.json",
        ),
        ("webhooks.ndjson", "subscriber webhook (incident)"),
    ] {
        let line = format!("{}: statuspage ({shape})", fixture(file));
        assert!(out.lines().any(|l| l == line), "no {line:?} in\n{out}");
    }
    assert_eq!(s.rows(Table::Incidents, &["incident_id"]).len(), 8);
}

#[test]
fn webhooks_and_a_later_page_export_converge() {
    let cols = &[
        "incident_id",
        "status",
        "mitigated_at",
        "resolved_at",
        "updated_at",
    ];
    let s = Sandbox::new();
    let out = s.ok(&["ingest", &fixture("webhooks.ndjson")]);
    // The component-update webhook carries no incident: a warning, not a rejection.
    assert!(!out.contains("rejected;"), "{out}");
    assert_eq!(
        s.rows(Table::Incidents, cols),
        [
            "incident_id=statuspage:p8k2m4n6q1r3 | status=mitigated | mitigated_at=2026-11-03T15:20:00.512000Z | resolved_at=- | updated_at=2026-11-03T15:20:00.601000Z"
        ]
    );
    assert_eq!(s.rows(Table::IncidentEvents, &["event_id"]).len(), 3);

    s.ok(&["ingest", &fixture("public-incidents.json")]);
    let rows = s.rows(Table::Incidents, cols);
    assert_eq!(rows.len(), 4);
    assert!(
        rows.contains(&"incident_id=statuspage:p8k2m4n6q1r3 | status=resolved | mitigated_at=2026-11-03T15:20:00.512000Z | resolved_at=2026-11-03T15:58:31.770000Z | updated_at=2026-11-03T16:05:12.004000Z".to_string()),
        "{rows:?}"
    );
    let events = s.rows(Table::IncidentEvents, &["incident_id"]);
    let s1 = events
        .iter()
        .filter(|e| e.ends_with("p8k2m4n6q1r3"))
        .count();
    assert_eq!(
        s1, 4,
        "the three webhook updates are the same events, not copies"
    );
}

#[test]
fn bad_records_are_rejected_with_file_line_and_reason() {
    let s = Sandbox::new();
    let hook = |id: &str, created: &str| {
        format!(
            r#"{{"meta":{{"generated_at":"2026-11-03T14:00:00Z"}},"page":{{"id":"pg"}},"incident":{{{id}"name":"Checkout errors","impact":"major","created_at":"{created}","updated_at":"2026-11-03T14:00:00Z","page_id":"pg","incident_updates":[{{"id":"u1","status":"investigating","body":"Looking","created_at":"2026-11-03T14:00:00Z"}}]}}}}"#
        )
    };
    s.write(
        "in/hooks.ndjson",
        [
            hook(r#""id":"good1","#, "2026-11-03T14:00:00Z"),
            "{\"meta\": {\"generated_at\"".to_string(),
            hook(r#""id":"bad2","#, "03/11/2026 at two"),
            hook("", "2026-11-03T14:00:00Z"),
        ]
        .join("\n"),
    );
    let out = s.ok(&[
        "ingest",
        "in",
        "--source",
        "statuspage",
        "--max-rejected",
        "100%",
    ]);
    assert!(out.contains("3 row(s) rejected"), "{out}");
    let mut log: Vec<Rejection> = vec![];
    for e in std::fs::read_dir(s.current().join("_rejected")).unwrap() {
        for line in std::fs::read_to_string(e.unwrap().path()).unwrap().lines() {
            log.push(serde_json::from_str(line).unwrap());
        }
    }
    let got: Vec<(u64, Option<&str>, &str)> = log
        .iter()
        .map(|r| (r.line, r.json_path.as_deref(), r.reason.as_str()))
        .collect();
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(log.iter().all(|r| r.file.ends_with("in/hooks.ndjson")));
    assert_eq!((got[0].0, got[0].1), (2, None));
    assert!(got[0].2.starts_with("invalid JSON"), "{got:?}");
    assert_eq!((got[1].0, got[1].1), (3, Some("$.incident")));
    assert!(got[1].2.starts_with("$.incident.created_at: "), "{got:?}");
    assert_eq!((got[2].0, got[2].1), (4, Some("$.incident")));
    assert!(got[2].2.starts_with("$.incident.id: missing"), "{got:?}");
    assert_eq!(
        s.rows(Table::Incidents, &["incident_id", "status"]),
        ["incident_id=statuspage:good1 | status=open"]
    );
}

#[test]
fn another_tools_file_is_a_whole_file_error() {
    let s = Sandbox::new();
    s.write(
        "in/opsgenie.json",
        r#"{"action":"Create","alert":{"alertId":"a","createdAt":1780308000000}}"#,
    );
    let out = s.run(&["ingest", "in/opsgenie.json", "--source", "statuspage"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("in/opsgenie.json"), "{err}");
    assert!(err.contains("not a Statuspage export"), "{err}");
    assert!(!s.current().exists(), "nothing was published");
}

#[test]
fn shared_format_payloads_ingest_with_exact_values() {
    let Some(dir) = shared_formats() else {
        println!("skipped: ../shared/formats is absent");
        return;
    };
    let dir = dir.join("statuspage");
    let mut seen = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let p = path.display().to_string();
        let s = Sandbox::new();
        let out = s.ok(&["ingest", &p, "--source", "auto"]);
        assert!(out.contains(&format!("{p}: statuspage (")), "{out}");
        assert!(!out.contains("rejected;"), "{out}");
        let rows = s.rows(
            Table::Incidents,
            &[
                "incident_id",
                "severity",
                "severity_raw",
                "status",
                "detected_at",
                "resolved_at",
            ],
        );
        let want = if p.contains("resolved") {
            "incident_id=statuspage:z3lct0r596n4 | severity=SEV5 | severity_raw=none | status=resolved | detected_at=2017-12-26T07:32:00.507000Z | resolved_at=2017-12-26T07:37:20.785000Z"
        } else {
            "incident_id=statuspage:z3lct0r596n4 | severity=SEV5 | severity_raw=none | status=open | detected_at=2017-12-26T07:32:00.507000Z | resolved_at=-"
        };
        assert_eq!(rows, [want], "{p}");
        let first = s.rows(Table::IncidentEvents, &["event_id", "at", "kind"]);
        assert!(
            first.contains(&"event_id=statuspage:z3lct0r596n4:qm8bgczn0p2n | at=2017-12-26T07:32:00.548000Z | kind=status_update".to_string()),
            "{first:?}"
        );
        seen += 1;
    }
    assert!(seen > 0);
}
