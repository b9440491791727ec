//! The incident.io connector end to end: the fixtures (API pages, a single incident, the singer
//! tap's arrays and message stream, updates, timestamp definitions) give exact incident and event
//! rows, `--source auto` finds every file, bad records are rejected with file, line, JSON path and
//! reason, another tool's file is a whole-file error, and the real payloads in
//! `../shared/formats/incidentio` are read.

use aftermath::model::Table;

use crate::common::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/incidentio");

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
    "reopen_count",
    "updated_at",
];

const EVENT_COLS: &[&str] = &["event_id", "at", "kind", "actor", "message"];

#[test]
fn fixtures_give_exact_incidents_and_timeline() {
    let s = Sandbox::with_sample_teams();
    let out = s.run(&["ingest", "--source", "incidentio", FIXTURES]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("incident_timestamps.json: holds incident.io timestamp definitions only"),
        "{err}"
    );
    assert!(
        err.contains("tap_incident_messages.ndjson: skipped the singer streams users"),
        "{err}"
    );
    // INC-101: every timestamp by name, team from the "Team" option (an alias of payments).
    // INC-102: retrospective (normal), no "Reported at" value so the top-level reported_at.
    // INC-103: test mode. INC-104: live and accepted. INC-105: reopened once by its updates.
    // INC-106: declined, so a duplicate that ends at "Declined at". INC-107: paused, from a singer
    // RECORD. 01JXE5G7...: only seen through updates, so a stand-in versioned at its first update.
    assert_eq!(
        s.rows(Table::Incidents, INCIDENT_COLS),
        [
            "incident_id=incidentio:01JX3K7Q2M8D4V6N0RYF5TB1CA | number=INC-101 | title=Card payments failing at checkout | team=payments | service=payments-api | severity=SEV1 | severity_raw=Critical | status=resolved | kind=normal | impact_started_at=2026-06-03T13:58:10Z | detected_at=2026-06-03T14:02:31.720000Z | acknowledged_at=2026-06-03T14:05:00.100000Z | mitigated_at=2026-06-03T14:31:02Z | resolved_at=2026-06-03T14:40:00Z | reopen_count=0 | updated_at=2026-06-05T09:00:01.204000Z",
            "incident_id=incidentio:01JX5P0W3E7H2C9S4KQD8ZM6NB | number=INC-102 | title=Stale search results after indexer backlog | team=search | service=indexer | severity=SEV4 | severity_raw=Minor | status=resolved | kind=normal | impact_started_at=2026-06-10T02:10:00Z | detected_at=2026-06-10T02:31:00Z | acknowledged_at=- | mitigated_at=2026-06-10T05:45:00Z | resolved_at=2026-06-10T06:00:00Z | reopen_count=0 | updated_at=2026-06-11T09:20:00Z",
            "incident_id=incidentio:01JX6R1T9B2F5G8J3LXV7WC4PD | number=INC-103 | title=[Drill] Paging path check | team=identity | service=- | severity=SEV4 | severity_raw=Minor | status=resolved | kind=test | impact_started_at=- | detected_at=2026-06-12T10:00:00Z | acknowledged_at=- | mitigated_at=- | resolved_at=2026-06-12T10:05:30Z | reopen_count=0 | updated_at=2026-06-12T10:06:00Z",
            "incident_id=incidentio:01JX9A4C6E8G0J2L4N6Q8S0U2E | number=INC-104 | title=Push notifications delayed on Android | team=mobile | service=push | severity=SEV2 | severity_raw=Major | status=acknowledged | kind=normal | impact_started_at=2026-07-21T18:40:00Z | detected_at=2026-07-21T18:52:13.409000Z | acknowledged_at=2026-07-21T18:58:00Z | mitigated_at=- | resolved_at=- | reopen_count=0 | updated_at=2026-07-21T19:30:12.550000Z",
            "incident_id=incidentio:01JXB2D4F6H8K0M2P4R6T8V0XF | number=INC-105 | title=SSO logins failing for enterprise tenants | team=identity | service=sso | severity=SEV1 | severity_raw=Critical | status=resolved | kind=normal | impact_started_at=2026-08-04T07:00:00Z | detected_at=2026-08-04T07:12:00.500000Z | acknowledged_at=2026-08-04T07:15:00Z | mitigated_at=2026-08-04T08:55:00Z | resolved_at=2026-08-04T09:05:00Z | reopen_count=1 | updated_at=2026-08-04T09:05:01Z",
            "incident_id=incidentio:01JXC3E5G7J9L1N3Q5S7U9W1YG | number=INC-106 | title=Checkout latency alert (declined) | team=storefront | service=web | severity=SEV4 | severity_raw=Minor | status=resolved | kind=duplicate | impact_started_at=- | detected_at=2026-08-09T11:00:00Z | acknowledged_at=- | mitigated_at=- | resolved_at=2026-08-09T11:04:00Z | reopen_count=0 | updated_at=2026-08-09T11:04:00Z",
            "incident_id=incidentio:01JXD4F6H8K0M2P4R6T8V0X2ZH | number=INC-107 | title=Ledger export job stuck | team=payments | service=ledger | severity=SEV4 | severity_raw=Minor | status=acknowledged | kind=normal | impact_started_at=- | detected_at=2026-09-14T16:20:00Z | acknowledged_at=2026-09-14T16:25:00Z | mitigated_at=- | resolved_at=- | reopen_count=0 | updated_at=2026-09-14T17:00:00Z",
            "incident_id=incidentio:01JXE5G7J9L1N3Q5S7U9W1Y3AI | number=- | title=incident.io incident 01JXE5G7J9L1N3Q5S7U9W1Y3AI | team=unassigned | service=- | severity=SEV2 | severity_raw=Major | status=resolved | kind=normal | impact_started_at=- | detected_at=2026-09-20T22:03:10Z | acknowledged_at=- | mitigated_at=- | resolved_at=2026-09-20T22:47:55Z | reopen_count=0 | updated_at=2026-09-20T22:03:10Z",
        ]
    );
    assert_eq!(
        s.rows(Table::IncidentEvents, EVENT_COLS),
        [
            "event_id=incidentio:01JX3K7Q2M8D4V6N0RYF5TB1CA:01JX3KU1000000000000000001 | at=2026-06-03T14:02:31.720000Z | kind=status_update | actor=Priya Nair | message=status Investigating (live), severity Major",
            "event_id=incidentio:01JX3K7Q2M8D4V6N0RYF5TB1CA:01JX3KU1000000000000000002 | at=2026-06-03T14:15:00Z | kind=severity_changed | actor=Priya Nair | message=Card declines spreading to all regions",
            "event_id=incidentio:01JX3K7Q2M8D4V6N0RYF5TB1CA:01JX3KU1000000000000000003 | at=2026-06-03T14:31:02Z | kind=status_update | actor=Priya Nair | message=Rolled back payments-api 4.12",
            "event_id=incidentio:01JX3K7Q2M8D4V6N0RYF5TB1CA:01JX3KU1000000000000000004 | at=2026-06-03T14:40:00Z | kind=resolved | actor=Priya Nair | message=status Closed (closed), severity Critical",
            "event_id=incidentio:01JXB2D4F6H8K0M2P4R6T8V0XF:01JXB2U1000000000000000001 | at=2026-08-04T07:12:00.500000Z | kind=status_update | actor=Sam Ortiz | message=status Investigating (live), severity Major",
            "event_id=incidentio:01JXB2D4F6H8K0M2P4R6T8V0XF:01JXB2U1000000000000000002 | at=2026-08-04T07:48:00Z | kind=resolved | actor=Sam Ortiz | message=Failover complete, errors gone",
            "event_id=incidentio:01JXB2D4F6H8K0M2P4R6T8V0XF:01JXB2U1000000000000000003 | at=2026-08-04T08:30:00Z | kind=reopened | actor=Sam Ortiz | message=Errors are back in eu-west",
            "event_id=incidentio:01JXB2D4F6H8K0M2P4R6T8V0XF:01JXB2U1000000000000000004 | at=2026-08-04T09:05:00Z | kind=resolved | actor=Sam Ortiz | message=status Closed (closed), severity Critical",
            "event_id=incidentio:01JXC3E5G7J9L1N3Q5S7U9W1YG:01JXC3U1000000000000000001 | at=2026-08-09T11:00:00Z | kind=status_update | actor=Ada Park | message=status Triage (triage), severity Minor",
            "event_id=incidentio:01JXC3E5G7J9L1N3Q5S7U9W1YG:01JXC3U1000000000000000002 | at=2026-08-09T11:04:00Z | kind=status_update | actor=Ada Park | message=Known synthetic check flake",
            "event_id=incidentio:01JXE5G7J9L1N3Q5S7U9W1Y3AI:01JXE5U1000000000000000001 | at=2026-09-20T22:03:10Z | kind=status_update | actor=Lena Fischer | message=status Investigating (live), severity Major",
            "event_id=incidentio:01JXE5G7J9L1N3Q5S7U9W1Y3AI:01JXE5U1000000000000000002 | at=2026-09-20T22:47:55Z | kind=resolved | actor=Lena Fischer | message=Warehouse loads caught up",
        ]
    );
    assert_eq!(
        s.rows(Table::Incidents, &["postmortem_url", "labels"]),
        [
            "postmortem_url=https://docs.google.com/document/d/inc-101-postmortem | labels={\"Affected services\":\"payments-api, billing\",\"Impact\":\"Partial production outage\",\"Team\":\"Payments\",\"incident_status\":\"Closed\",\"incident_type\":\"Default\"}",
            "postmortem_url=- | labels={\"Affected services\":\"indexer\",\"incident_status\":\"Documenting\",\"incident_type\":\"Default\",\"mode\":\"retrospective\"}",
            "postmortem_url=- | labels={\"Team\":\"identity\",\"incident_status\":\"Closed\",\"incident_type\":\"Default\",\"mode\":\"test\"}",
            "postmortem_url=- | labels={\"Affected services\":\"push\",\"Customer impact\":\"Delayed, not lost\",\"incident_status\":\"Investigating\",\"incident_type\":\"Default\"}",
            "postmortem_url=- | labels={\"Affected services\":\"sso\",\"Affected teams\":\"identity\",\"incident_status\":\"Closed\",\"incident_type\":\"Default\"}",
            "postmortem_url=- | labels={\"Affected services\":\"web\",\"incident_status\":\"Declined\",\"incident_type\":\"Default\"}",
            "postmortem_url=- | labels={\"Affected services\":\"ledger\",\"incident_status\":\"Paused\",\"incident_type\":\"Default\"}",
            "postmortem_url=- | labels=-",
        ]
    );
    assert!(s.rejected().is_empty());
}

#[test]
fn auto_detects_every_fixture_with_the_same_rows() {
    let s = Sandbox::with_sample_teams();
    let out = s.ok(&["ingest", "--source", "auto", FIXTURES]);
    for (file, shape) in [
        ("incident_single.json", "GET /v2/incidents/{id}"),
        (
            "incident_timestamps.json",
            "GET /v2/incident_timestamps (definitions only)",
        ),
        (
            "incident_updates_page.json",
            "GET /v2/incident_updates page",
        ),
        ("incidents_page.json", "GET /v2/incidents page"),
        ("incidents_singer.json", "incidents array (singer tap data)"),
        (
            "tap_incident_messages.ndjson",
            "singer tap-incident messages",
        ),
    ] {
        assert!(
            out.contains(&format!("{file}: incidentio ({shape})")),
            "{file}:\n{out}"
        );
    }
    let named = Sandbox::with_sample_teams();
    named.ok(&["ingest", "--source", "incidentio", FIXTURES]);
    for (table, cols) in [
        (Table::Incidents, INCIDENT_COLS),
        (Table::IncidentEvents, EVENT_COLS),
    ] {
        assert_eq!(s.rows(table, cols), named.rows(table, cols));
    }
}

/// INC-108 as `GET /v2/incidents/{id}` returns it, for the stand-in tests.
const FULL_108: &str = r#"{"incident": {
  "id": "01JXE5G7J9L1N3Q5S7U9W1Y3AI", "reference": "INC-108", "name": "Warehouse loads delayed",
  "mode": "standard", "created_at": "2026-09-20T22:03:10Z", "updated_at": "2026-09-21T08:00:00Z",
  "incident_status": {"id": "s", "name": "Closed", "category": "closed"},
  "severity": {"id": "v", "name": "Major", "rank": 1},
  "custom_field_entries": [{"custom_field": {"id": "c", "name": "Affected services"},
                            "values": [{"value_catalog_entry": {"id": "e", "name": "warehouse"}}]}],
  "incident_timestamp_values": [
    {"incident_timestamp": {"id": "a", "name": "Reported at", "rank": 0}, "value": {"value": "2026-09-20T22:01:00Z"}},
    {"incident_timestamp": {"id": "b", "name": "Resolved at", "rank": 5}, "value": {"value": "2026-09-20T22:47:55Z"}}
  ]}}"#;

#[test]
fn a_stand_in_from_updates_yields_to_the_full_incident_in_either_order() {
    let updates = format!("{FIXTURES}/tap_incident_messages.ndjson");
    let cols = &[
        "incident_id",
        "number",
        "title",
        "team",
        "detected_at",
        "updated_at",
    ];
    let want = [
        "incident_id=incidentio:01JXE5G7J9L1N3Q5S7U9W1Y3AI | number=INC-108 | title=Warehouse loads delayed | team=data-platform | detected_at=2026-09-20T22:01:00Z | updated_at=2026-09-21T08:00:00Z",
    ];
    // Updates first, the full incident in a later run.
    let s = Sandbox::with_sample_teams();
    let full = s.write("in/inc108.json", FULL_108).display().to_string();
    s.ok(&["ingest", "--source", "incidentio", &updates]);
    s.ok(&["ingest", "--source", "incidentio", &full]);
    let got: Vec<String> = s
        .rows(Table::Incidents, cols)
        .into_iter()
        .filter(|r| r.contains("01JXE5G7"))
        .collect();
    assert_eq!(got, want);
    // The full incident first: the later stand-in is older and changes nothing.
    let t = Sandbox::with_sample_teams();
    let full = t.write("in/inc108.json", FULL_108).display().to_string();
    t.ok(&["ingest", "--source", "incidentio", &full]);
    let out = t.ok(&["ingest", "--source", "incidentio", &updates]);
    let got: Vec<String> = t
        .rows(Table::Incidents, cols)
        .into_iter()
        .filter(|r| r.contains("01JXE5G7"))
        .collect();
    assert_eq!(got, want, "{out}");
    // Both orders end with the same timeline, resolved by the closing update.
    assert_eq!(
        s.rows(Table::IncidentEvents, EVENT_COLS),
        t.rows(Table::IncidentEvents, EVENT_COLS)
    );
    assert_eq!(
        t.rows(Table::Incidents, &["incident_id", "status", "resolved_at"])
            .into_iter()
            .filter(|r| r.contains("01JXE5G7"))
            .collect::<Vec<_>>(),
        [
            "incident_id=incidentio:01JXE5G7J9L1N3Q5S7U9W1Y3AI | status=resolved | resolved_at=2026-09-20T22:47:55Z"
        ]
    );
}

#[test]
fn overlapping_exports_update_rows_instead_of_adding_them() {
    let s = Sandbox::with_sample_teams();
    s.ok(&[
        "ingest",
        "--source",
        "incidentio",
        &format!("{FIXTURES}/incidents_singer.json"),
    ]);
    // The updates page repeats INC-105's first update (nested in the singer record): unchanged.
    let out = s.ok(&[
        "ingest",
        "--source",
        "incidentio",
        &format!("{FIXTURES}/incident_updates_page.json"),
    ]);
    let line = out
        .lines()
        .find(|l| l.starts_with("incident_events"))
        .unwrap();
    let counts: Vec<&str> = line.split_whitespace().collect();
    // read, inserted, updated, unchanged, rejected
    assert_eq!(&counts[1..], ["5", "4", "0", "1", "0"], "{out}");
    assert_eq!(s.frame(Table::IncidentEvents).height(), 10);
}

#[test]
fn bad_records_are_rejected_with_file_line_path_and_reason() {
    let s = Sandbox::with_sample_teams();
    let good = r#"{"id": "01JZU1", "incident_id": "01JZI1", "created_at": "2026-10-02T08:00:00Z", "message": "Looking", "new_incident_status": {"name": "Investigating", "category": "live"}, "new_severity": {"name": "Minor"}, "updater": {"user": {"name": "Ada"}}}"#;
    let bad_ts = good
        .replace("01JZU1", "01JZU2")
        .replace("2026-10-02T08:00:00Z", "Tuesday morning");
    let no_id = good.replace("\"id\": \"01JZU1\", ", "");
    s.write(
        "in/updates.ndjson",
        format!("{good}\n{{\"id\": \"01JZU3\", \"incident_id\n{bad_ts}\n{no_id}\n"),
    );
    let page = r#"{"incidents": [
      {"id": "01JZI9", "name": "Fine", "created_at": "2026-10-03T10:00:00Z", "incident_status": {"category": "live"}, "incident_timestamp_values": []},
      {"id": "01JZI8", "name": "Bad stamp", "created_at": "2026-10-03T11:00:00Z", "incident_status": {"category": "live"},
       "incident_timestamp_values": [{"incident_timestamp": {"name": "Fixed at"}, "value": {"value": "soon"}}]}
    ], "pagination_meta": {"page_size": 2}}"#;
    s.write("in/page.json", page);
    let out = s.run(&[
        "ingest",
        "--source",
        "incidentio",
        "--max-rejected",
        "100%",
        &s.path("in").display().to_string(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("4 row(s) rejected"), "{stdout}");
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
    assert_eq!(
        got[0],
        "page.json | 1 | $.incidents[1] | incidents | incident_timestamp_values[0].value.value (\"Fixed at\"): cannot read \"soon\" as an instant; expected RFC 3339 (2026-11-03T14:05:00Z), \"YYYY-MM-DD HH:MM[:SS]\" or epoch seconds/ms/ns"
    );
    assert!(
        got[1].starts_with("updates.ndjson | 2 | - | incident_events | invalid JSON"),
        "{}",
        got[1]
    );
    assert!(
        got[2].starts_with("updates.ndjson | 3 | $ | incident_events | created_at: "),
        "{}",
        got[2]
    );
    assert_eq!(
        got[3],
        "updates.ndjson | 4 | $ | incident_events | id: missing; every incident update has one"
    );
    // The good rows landed: one incident from the page, one update and its stand-in incident.
    assert_eq!(
        s.rows(Table::Incidents, &["incident_id", "title"]),
        [
            "incident_id=incidentio:01JZI1 | title=incident.io incident 01JZI1",
            "incident_id=incidentio:01JZI9 | title=Fine",
        ]
    );
    assert_eq!(s.frame(Table::IncidentEvents).height(), 1);
}

#[test]
fn another_tools_export_is_a_whole_file_error() {
    let s = Sandbox::with_sample_teams();
    let pd = s.write(
        "in/pagerduty.json",
        r#"{"incidents": [{"id": "PT4KHLK", "incident_number": 1234, "status": "resolved", "created_at": "2026-06-01T10:00:00Z"}], "limit": 25, "more": false}"#,
    );
    let out = s.run(&[
        "ingest",
        "--source",
        "incidentio",
        &pd.display().to_string(),
    ]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("pagerduty.json"), "{err}");
    assert!(err.contains("not an incident.io export"), "{err}");
    assert!(!s.current().exists(), "nothing was published");
}

#[test]
fn the_real_payloads_are_read() {
    let Some(root) = shared_formats() else {
        println!("skipped: ../shared/formats is absent");
        return;
    };
    let dir = root.join("incidentio");
    let s = Sandbox::with_sample_teams();
    let out = s.run(&["ingest", "--source", "auto", &dir.display().to_string()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            stdout.contains(&format!("{name}: incidentio (")),
            "{name}:\n{stdout}"
        );
    }
    assert!(s.rejected().is_empty(), "{stdout}");
    assert!(
        text(&out.stderr).contains("incident_timestamps_v2.singer_testdata.json: holds incident.io timestamp definitions only"),
        "{}",
        text(&out.stderr)
    );
    // The tap's test incident: "Reported at" to the millisecond, the one update nested in the
    // incident and listed by the updates endpoint is one event.
    assert_eq!(
        s.rows(
            Table::Incidents,
            &[
                "incident_id",
                "number",
                "title",
                "severity",
                "status",
                "detected_at",
                "resolved_at",
                "updated_at"
            ]
        ),
        [
            "incident_id=incidentio:01HDH3SMWK0C2D8TN41PVW61TA | number=INC-1 | title=teal-ostrich | severity=SEV4 | status=open | detected_at=2023-10-24T15:10:35.411000Z | resolved_at=- | updated_at=2023-10-24T15:10:36.217000Z"
        ]
    );
    assert_eq!(
        s.rows(Table::IncidentEvents, EVENT_COLS),
        [
            "event_id=incidentio:01HDH3SMWK0C2D8TN41PVW61TA:01HDH3SMWK9X84B9CQ9ZV831GQ | at=2023-10-24T15:10:35.411000Z | kind=status_update | actor=Rob | message=status Investigating (live), severity Minor"
        ]
    );
}
