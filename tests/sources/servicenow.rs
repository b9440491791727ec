//! The ServiceNow connector end to end: the fixtures (Table API pages in the three
//! `sysparm_display_value` modes, a single record, the audit event log, a list export) give exact
//! incident and event rows and converge where they overlap, `--source auto` finds every file, bad
//! records are rejected with file, line or JSON path and reason, another tool's file is a
//! whole-file error, and the real payloads in `../shared/formats/servicenow` are read.

use aftermath::model::Table;

use crate::common::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/servicenow");

const INCIDENT_COLS: &[&str] = &[
    "incident_id",
    "title",
    "team",
    "service",
    "severity",
    "severity_raw",
    "status",
    "kind",
    "detected_at",
    "acknowledged_at",
    "resolved_at",
    "reopen_count",
    "fingerprint",
    "updated_at",
];

/// Display values and the logs' naive times are read in Berlin (UTC+2 in summer, +1 in
/// November); stored Table API values are UTC whatever the zone.
#[test]
fn the_fixtures_give_exact_incidents_converging_across_shapes() {
    let s = Sandbox::with_sample_teams();
    s.ok(&[
        "ingest",
        "--source",
        "servicenow",
        "--timezone",
        "Europe/Berlin",
        FIXTURES,
    ]);
    let rows = s.rows(Table::Incidents, INCIDENT_COLS);
    let want = [
        // Raw page then the later display_value=all record of the same incident: the newer wins.
        "incident_id=servicenow:INC0012001 | title=Checkout returns 502 for card payments | team=payments | service=payments-api | severity=SEV1 | severity_raw=1 - Critical | status=resolved | kind=normal | detected_at=2026-06-02T09:15:00Z | acknowledged_at=- | resolved_at=2026-06-02T10:42:10Z | reopen_count=0 | fingerprint=PRB0040012 | updated_at=2026-06-05T11:00:00Z",
        // Raw values: references are sys_ids, so no team or service name.
        "incident_id=servicenow:INC0012002 | title=Search indexing lag above 15 minutes | team=unassigned | service=- | severity=SEV2 | severity_raw=2 - High | status=acknowledged | kind=normal | detected_at=2026-06-10T14:00:00Z | acknowledged_at=- | resolved_at=- | reopen_count=0 | fingerprint=e5f6a7b8c9d04e1f9a2b3c4d5e6f7081 | updated_at=2026-06-10T14:25:31Z",
        // Canceled: a duplicate, ended at its last update.
        "incident_id=servicenow:INC0012003 | title=Duplicate of INC0012001: card payments failing | team=unassigned | service=- | severity=SEV4 | severity_raw=4 - Low | status=resolved | kind=duplicate | detected_at=2026-06-02T09:20:00Z | acknowledged_at=- | resolved_at=2026-06-02T09:34:00Z | reopen_count=0 | fingerprint=- | updated_at=2026-06-02T09:34:00Z",
        "incident_id=servicenow:INC0012004 | title=SSO token refresh failing for some users | team=identity | service=sso | severity=SEV3 | severity_raw=3 - Moderate | status=open | kind=normal | detected_at=2026-06-20T07:45:00Z | acknowledged_at=- | resolved_at=- | reopen_count=0 | fingerprint=sso | updated_at=2026-06-20T07:45:00Z",
        // Display values, yyyy-MM-dd, in Berlin.
        "incident_id=servicenow:INC0012005 | title=SSO login loop for EU users | team=identity | service=sso | severity=SEV2 | severity_raw=2 - High | status=resolved | kind=normal | detected_at=2026-07-01T06:30:00Z | acknowledged_at=- | resolved_at=2026-07-01T07:10:00Z | reopen_count=1 | fingerprint=- | updated_at=2026-07-04T07:10:00Z",
        // dd/MM/yyyy, proven by 18/07.
        "incident_id=servicenow:INC0012006 | title=Storefront 5xx spike on web | team=storefront | service=web | severity=SEV1 | severity_raw=1 - Critical | status=resolved | kind=normal | detected_at=2026-07-18T14:20:00Z | acknowledged_at=- | resolved_at=2026-07-18T15:05:00Z | reopen_count=0 | fingerprint=- | updated_at=2026-07-18T15:05:12Z",
        "incident_id=servicenow:INC0012007 | title=CDN edge certificate expiring in 3 days | team=storefront | service=cdn-edge | severity=SEV3 | severity_raw=3 - Moderate | status=acknowledged | kind=normal | detected_at=2026-08-02T08:00:00Z | acknowledged_at=- | resolved_at=- | reopen_count=0 | fingerprint=- | updated_at=2026-08-03T07:00:00Z",
        // The audit log and the list export of the same incident: the list row (real title,
        // newer version) wins, the log's timeline gives the acknowledgement.
        "incident_id=servicenow:INC0012010 | title=Ledger reconciliation job stuck | team=payments | service=ledger | severity=SEV3 | severity_raw=3 - Moderate | status=resolved | kind=normal | detected_at=2026-08-03T07:12:00Z | acknowledged_at=2026-08-03T07:31:00Z | resolved_at=2026-08-03T09:47:00Z | reopen_count=0 | fingerprint=ledger | updated_at=2026-08-08T10:00:05Z",
        // Audit log only: titled by category, reopened once, versioned by its opening.
        "incident_id=servicenow:INC0012011 | title=Category 20 / Subcategory 125 | team=data-platform | service=indexer | severity=SEV2 | severity_raw=2 - High | status=resolved | kind=normal | detected_at=2026-09-14T20:40:00Z | acknowledged_at=2026-09-14T20:41:00Z | resolved_at=2026-09-15T05:30:00Z | reopen_count=1 | fingerprint=Problem ID  8 | updated_at=2026-09-14T20:40:00Z",
        // List export, MM/dd/yyyy proven by 10/21.
        "incident_id=servicenow:INC0012012 | title=Push notifications delayed on Android, \"high\" backlog | team=mobile | service=push | severity=SEV2 | severity_raw=2 - High | status=acknowledged | kind=normal | detected_at=2026-10-21T17:02:11Z | acknowledged_at=- | resolved_at=- | reopen_count=0 | fingerprint=- | updated_at=2026-10-21T17:40:00Z",
        "incident_id=servicenow:INC0012013 | title=Kafka consumer lag on orders topic | team=data-platform | service=kafka | severity=SEV1 | severity_raw=1 - Critical | status=resolved | kind=normal | detected_at=2026-11-02T02:15:00Z | acknowledged_at=- | resolved_at=2026-11-02T03:05:30Z | reopen_count=0 | fingerprint=- | updated_at=2026-11-02T03:05:30Z",
    ];
    assert_eq!(rows, want.map(String::from).to_vec());

    let labels = s.rows(Table::Incidents, &["number", "labels"]);
    assert!(
        labels[0].contains(r#""calendar_duration_seconds":"5230""#)
            && labels[0].contains(r#""close_code":"Solved (Permanently)""#),
        "{}",
        labels[0]
    );
}

#[test]
fn the_audit_log_gives_a_timeline_of_state_and_assignment_changes() {
    let s = Sandbox::with_sample_teams();
    s.ok(&[
        "ingest",
        "--source",
        "servicenow",
        "--timezone",
        "Europe/Berlin",
        &format!("{FIXTURES}/event_log.csv"),
    ]);
    let mut rows = s.rows(
        Table::IncidentEvents,
        &["incident_id", "at", "kind", "actor", "message", "source"],
    );
    rows.sort();
    let want = [
        "incident_id=servicenow:INC0012010 | at=2026-08-03T07:31:00Z | kind=acknowledged | actor=Updated by 33 | message=New → Active | source=servicenow",
        "incident_id=servicenow:INC0012010 | at=2026-08-03T07:31:00Z | kind=assigned | actor=Resolver 33 | message=assigned to Resolver 33 (Payments) | source=servicenow",
        "incident_id=servicenow:INC0012010 | at=2026-08-03T08:05:00Z | kind=status_update | actor=Updated by 33 | message=Active → Awaiting User Info | source=servicenow",
        "incident_id=servicenow:INC0012010 | at=2026-08-03T09:47:00Z | kind=resolved | actor=Updated by 33 | message=Awaiting User Info → Resolved | source=servicenow",
        "incident_id=servicenow:INC0012010 | at=2026-08-08T10:00:00Z | kind=status_update | actor=Updated by 908 | message=Resolved → Closed | source=servicenow",
        // The log starts in Active: taken on at its first update. Rows out of sys_mod_count
        // order in the file are put back in order.
        "incident_id=servicenow:INC0012011 | at=2026-09-14T20:41:00Z | kind=acknowledged | actor=Updated by 5 | message=Active | source=servicenow",
        "incident_id=servicenow:INC0012011 | at=2026-09-14T20:41:00Z | kind=assigned | actor=Resolver 19 | message=assigned to Resolver 19 (search) | source=servicenow",
        "incident_id=servicenow:INC0012011 | at=2026-09-14T21:10:00Z | kind=assigned | actor=Resolver 61 | message=assigned to Resolver 61 (data-platform) | source=servicenow",
        "incident_id=servicenow:INC0012011 | at=2026-09-14T21:10:00Z | kind=severity_changed | actor=Updated by 19 | message=priority 3 - Moderate → 2 - High | source=servicenow",
        "incident_id=servicenow:INC0012011 | at=2026-09-14T23:20:00Z | kind=resolved | actor=Updated by 61 | message=Active → Resolved | source=servicenow",
        "incident_id=servicenow:INC0012011 | at=2026-09-15T04:05:00Z | kind=reopened | actor=Updated by 5 | message=Resolved → Active | source=servicenow",
        "incident_id=servicenow:INC0012011 | at=2026-09-15T05:30:00Z | kind=resolved | actor=Updated by 61 | message=Active → Resolved | source=servicenow",
        "incident_id=servicenow:INC0012011 | at=2026-09-20T06:00:00Z | kind=status_update | actor=Updated by 908 | message=Resolved → Closed | source=servicenow",
    ];
    let mut want: Vec<String> = want.map(String::from).to_vec();
    want.sort();
    assert_eq!(rows, want);
}

#[test]
fn auto_detects_every_shape() {
    let s = Sandbox::with_sample_teams();
    let out = s.ok(&["ingest", "--source", "auto", FIXTURES]);
    for (file, shape) in [
        ("event_log.csv", "audit event log CSV"),
        ("list_export.csv", "list export CSV"),
        (
            "table_api_all.ndjson",
            "Table API records (display_value=all)",
        ),
        (
            "table_api_display.json",
            "Table API records (display_value=true)",
        ),
        (
            "table_api_raw.json",
            "Table API records (display_value=false)",
        ),
        (
            "table_api_single.json",
            "Table API records (display_value=true)",
        ),
    ] {
        assert!(
            out.contains(&format!("{file}: servicenow ({shape})")),
            "{file} not detected as {shape}:\n{out}"
        );
    }
}

#[test]
fn bad_records_are_rejected_with_file_location_and_reason() {
    let s = Sandbox::with_sample_teams();
    s.write(
        "in/page.json",
        r#"{"result": [
  {"number": "INC1", "short_description": "fine", "state": "1", "opened_at": "2026-06-01 10:00:00"},
  {"number": "INC2", "short_description": "bad date", "state": "1", "opened_at": "yesterday"},
  {"short_description": "no id", "state": "1", "sys_id": "", "opened_at": "2026-06-01 10:00:00"},
  {"number": "INC4", "short_description": "no opening", "state": "1"}
]}"#,
    );
    s.write(
        "in/stream.ndjson",
        "{\"number\":{\"display_value\":\"INC5\",\"value\":\"INC5\"},\"opened_at\":{\"display_value\":\"2026-06-01 03:00:00\",\"value\":\"2026-06-01 10:00:00\"}}\n{\"number\": \"INC6\", \"opened_at\n",
    );
    s.write(
        "in/log.csv",
        "number,incident_state,sys_mod_count,opened_at,sys_updated_at,priority\n\
         INC7,New,0,1/6/2026 10:00,1/6/2026 10:01,3 - Moderate\n\
         INC7,Active,1,1/6/2026 10:00,32/6/2026 10:05,3 - Moderate\n\
         INC7,Resolved,x,1/6/2026 10:00,1/6/2026 11:00,3 - Moderate\n",
    );
    let out = s.run(&[
        "ingest",
        "--source",
        "servicenow",
        "--max-rejected",
        "100%",
        "in",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut got: Vec<String> = s
        .rejected()
        .iter()
        .map(|r| {
            let file = r.file.rsplit('/').next().unwrap_or_default().to_string();
            format!(
                "{file}:{}:{} {}",
                r.line,
                r.json_path.clone().unwrap_or_default(),
                r.reason
            )
        })
        .collect();
    got.sort();
    assert_eq!(got.len(), 6, "{got:#?}");
    assert!(
        got[0].starts_with("log.csv:3: sys_updated_at: cannot read \"32/6/2026 10:05\""),
        "{}",
        got[0]
    );
    assert!(
        got[1].starts_with("log.csv:4: sys_mod_count: expected"),
        "{}",
        got[1]
    );
    assert!(
        got[2]
            .starts_with("page.json:1:$.result[1] result[1].opened_at: cannot read \"yesterday\""),
        "{}",
        got[2]
    );
    assert!(
        got[3].starts_with("page.json:1:$.result[2] result[2].number: missing (and no sys_id)"),
        "{}",
        got[3]
    );
    assert!(
        got[4].starts_with("page.json:1:$.result[3] result[3].opened_at: missing"),
        "{}",
        got[4]
    );
    assert!(
        got[5].starts_with("stream.ndjson:2:$ invalid JSON"),
        "{}",
        got[5]
    );
    let ids = s.rows(Table::Incidents, &["incident_id", "status"]);
    assert_eq!(
        ids,
        [
            "incident_id=servicenow:INC1 | status=open",
            "incident_id=servicenow:INC5 | status=open",
            // The last update that could be read is still New.
            "incident_id=servicenow:INC7 | status=open",
        ]
    );
}

#[test]
fn another_tools_file_is_a_whole_file_error() {
    let s = Sandbox::with_sample_teams();
    s.write(
        "pd.json",
        r#"{"incidents": [{"id": "PT4KHLK", "incident_number": 1234}]}"#,
    );
    let out = s.run(&["ingest", "--source", "servicenow", "pd.json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("pd.json") && err.contains("not a ServiceNow Table API export"),
        "{err}"
    );
    s.write("other.csv", "id,title,created\n1,a,2026-06-01\n");
    let out = s.run(&["ingest", "--source", "servicenow", "other.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not a ServiceNow CSV export"),
        "{}",
        text(&out.stderr)
    );
    // A list export whose dates prove both day orders is refused whole, not half misread.
    s.write(
        "mixed.csv",
        "number,short_description,state,opened_at\nINC1,a,New,13/01/2026 10:00:00\nINC2,b,New,01/13/2026 10:00:00\n",
    );
    let out = s.run(&["ingest", "--source", "servicenow", "mixed.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("mix day-first"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_real_payloads_are_read() {
    let Some(root) = shared_formats() else {
        println!("skipped: ../shared/formats is absent");
        return;
    };
    let dir = root.join("servicenow");
    let uci = dir.join("incident_event_log.UCI_excerpt_199_lines.csv");
    let s = Sandbox::new();
    let out = s.ok(&["ingest", "--source", "auto", &uci.display().to_string()]);
    assert!(out.contains("servicenow (audit event log CSV)"), "{out}");
    assert!(s.rejected().is_empty(), "{out}");
    let rows = s.rows(
        Table::Incidents,
        &[
            "incident_id",
            "status",
            "detected_at",
            "acknowledged_at",
            "resolved_at",
        ],
    );
    // Every one of the excerpt's 32 incidents, every row of it read.
    assert_eq!(rows.len(), 32);
    assert_eq!(
        rows[0],
        "incident_id=servicenow:INC0000045 | status=resolved | detected_at=2016-02-29T01:16:00Z | acknowledged_at=- | resolved_at=2016-02-29T08:53:00Z"
    );
    // The excerpt ends while INC0000101 is still active.
    assert_eq!(
        rows[31],
        "incident_id=servicenow:INC0000101 | status=acknowledged | detected_at=2016-02-29T09:05:00Z | acknowledged_at=2016-02-29T09:13:00Z | resolved_at=-"
    );
    assert_eq!(s.rows(Table::IncidentEvents, &["event_id"]).len(), 142);

    let elastic =
        dir.join("table_api_incident.display_value_all.elastic_integrations_fixture.json");
    let s = Sandbox::new();
    let out = s.ok(&["ingest", "--source", "auto", &elastic.display().to_string()]);
    assert!(
        out.contains("servicenow (Table API records (display_value=all))"),
        "{out}"
    );
    assert!(s.rejected().is_empty(), "{out}");
    let rows = s.rows(
        Table::Incidents,
        &[
            "incident_id",
            "title",
            "team",
            "service",
            "severity",
            "status",
            "detected_at",
            "resolved_at",
            "updated_at",
        ],
    );
    // Instants from `value` (UTC), 8 hours ahead of the display values.
    assert_eq!(
        rows,
        [
            "incident_id=servicenow:INC0000060 | title=Unable to connect to email | team=Network | service=Email | severity=SEV3 | status=resolved | detected_at=2016-12-12T15:19:57Z | resolved_at=2016-12-13T21:43:14Z | updated_at=2016-12-14T02:46:44Z"
        ]
    );
    let labels = s.rows(Table::Incidents, &["labels"]);
    assert!(
        labels[0].contains(r#""calendar_duration_seconds":"102197""#),
        "{}",
        labels[0]
    );
}
