//! The `csv` connector end to end: the fixtures (two overlapping Jira Service Management exports
//! and a German ServiceNow list export, each with its sibling mapping) give exact incident rows,
//! `--source auto` claims a CSV only through its sibling mapping, `--mapping` applies the shipped
//! mappings, bad rows are rejected with their line and reason, and a missing or wrong mapping, a
//! missing header column or a JSON input are whole-file errors that say what to do.

use aftermath::model::Table;

use crate::common::*;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/csv");

const COLS: &[&str] = &[
    "incident_id",
    "number",
    "title",
    "team",
    "severity",
    "severity_raw",
    "status",
    "kind",
    "detected_at",
    "acknowledged_at",
    "resolved_at",
    "updated_at",
];

const JIRA_HEADER: &str = "Summary,Issue key,Issue id,Issue Type,Status,Project name,Priority,Resolution,Assignee,Created,Updated,Resolved,Custom field (Category),Custom field (Category),Custom field (Time to first response),Custom field (Time to resolution),Custom field (Severity),Custom field (Request Type),Custom field ([CHART] Date of First Response),Comment,Comment\n";

/// The fixtures' mappings state Europe/Berlin: UTC+2 in summer.
#[test]
fn the_fixtures_give_exact_incidents_and_a_later_export_updates_the_row() {
    let s = Sandbox::with_sample_teams();
    s.ok(&["ingest", "--source", "csv", FIXTURES]);
    let want = [
        "incident_id=jira:10101 | number=PAY-101 | title=Checkout latency above SLO | team=payments | severity=SEV2 | severity_raw=Sev-2 | status=resolved | kind=normal | detected_at=2026-06-02T07:15:00Z | acknowledged_at=2026-06-02T07:21:07.412000Z | resolved_at=2026-06-02T08:48:00Z | updated_at=2026-06-02T09:02:00Z",
        // Waiting for customer in the first export, resolved in the second: one row, the newer.
        "incident_id=jira:10102 | number=SRCH-7 | title=Search results empty for some queries | team=search | severity=SEV1 | severity_raw=Sev-1 | status=resolved | kind=normal | detected_at=2026-09-14T20:40:00Z | acknowledged_at=2026-09-14T20:52:00Z | resolved_at=2026-09-15T07:12:00Z | updated_at=2026-09-15T07:30:00Z",
        // Issue Type Maintenance; status Monitoring maps to mitigated.
        "incident_id=jira:10103 | number=IDN-3 | title=Planned failover test of the auth cluster | team=identity | severity=SEV4 | severity_raw=Sev-4 | status=mitigated | kind=maintenance | detected_at=2026-10-20T04:00:00Z | acknowledged_at=- | resolved_at=- | updated_at=2026-10-20T05:30:00Z",
        // German labels and dd.MM.yyyy through the mapping; ids as the servicenow connector's.
        "incident_id=servicenow:INC0012020 | number=INC0012020 | title=Zahlungsabgleich hängt | team=payments | severity=SEV2 | severity_raw=2 - High | status=resolved | kind=normal | detected_at=2026-08-04T07:12:00Z | acknowledged_at=- | resolved_at=2026-08-04T09:47:00Z | updated_at=2026-08-09T10:00:05Z",
        "incident_id=servicenow:INC0012021 | number=INC0012021 | title=Suche liefert leere Ergebnisse | team=search | severity=SEV3 | severity_raw=3 - Moderate | status=acknowledged | kind=normal | detected_at=2026-08-05T12:03:10Z | acknowledged_at=- | resolved_at=- | updated_at=2026-08-05T12:30:00Z",
        // Canceled (Abgebrochen) is a duplicate, ended when closed.
        "incident_id=servicenow:INC0012022 | number=INC0012022 | title=Doppelt gemeldet: Suche leer | team=search | severity=SEV4 | severity_raw=4 - Low | status=resolved | kind=duplicate | detected_at=2026-08-05T12:10:00Z | acknowledged_at=- | resolved_at=2026-08-05T12:12:00Z | updated_at=2026-08-05T12:12:00Z",
    ];
    assert_eq!(
        s.rows(Table::Incidents, COLS),
        want.map(String::from).to_vec()
    );
    // Labels by position among repeated names, multi-line cells kept whole.
    let labels = s.rows(Table::Incidents, &["labels"]);
    assert!(
        labels[0].contains(r#""category":"Payments""#)
            && labels[0].contains(r#""subcategory":"Card""#),
        "{}",
        labels[0]
    );
    assert!(
        labels[1].contains(r#""subcategory":"Ranking""#),
        "{}",
        labels[1]
    );
}

#[test]
fn auto_claims_a_csv_only_through_its_sibling_mapping() {
    let s = Sandbox::with_sample_teams();
    let out = s.ok(&["ingest", "--source", "auto", FIXTURES]);
    for f in [
        "jsm_incidents.csv",
        "jsm_incidents_update.csv",
        "servicenow_de.csv",
    ] {
        assert!(
            out.contains(&format!("{f}: csv (CSV with a sibling mapping file)")),
            "{f}:\n{out}"
        );
    }
    // Without the sibling, the same Jira CSV is no tool's export.
    let t = Sandbox::with_sample_teams();
    let src = std::fs::read_to_string(format!("{FIXTURES}/jsm_incidents.csv")).unwrap();
    t.write("lone/export.csv", &src);
    let out = t.run(&["ingest", "--source", "auto", "lone"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--source csv --mapping FILE"),
        "{}",
        text(&out.stderr)
    );
    // A ServiceNow list export with a sibling mapping is the mapping's, not the servicenow connector's.
    let list = std::fs::read_to_string(format!("{ROOT}/tests/fixtures/servicenow/list_export.csv"))
        .unwrap();
    t.write("sn/list.csv", &list);
    let mapping =
        std::fs::read_to_string(format!("{ROOT}/sample_data/mappings/servicenow_list.toml"))
            .unwrap();
    t.write("sn/list.mapping.toml", &mapping);
    let out = t.ok(&["ingest", "--source", "auto", "sn"]);
    assert!(out.contains("list.csv: csv ("), "{out}");
}

#[test]
fn the_shipped_mappings_read_their_exports() {
    // The Jira mapping through --mapping, on a CSV with no sibling.
    let s = Sandbox::with_sample_teams();
    let src = std::fs::read_to_string(format!("{FIXTURES}/jsm_incidents.csv")).unwrap();
    s.write("jira.csv", &src);
    let m = format!("{ROOT}/sample_data/mappings/jira_service_management.toml");
    s.ok(&[
        "ingest",
        "--source",
        "csv",
        "--mapping",
        &m,
        "--timezone",
        "Europe/Berlin",
        "jira.csv",
    ]);
    assert_eq!(
        s.rows(Table::Incidents, &["incident_id", "detected_at"]),
        [
            "incident_id=jira:10101 | detected_at=2026-06-02T07:15:00Z",
            "incident_id=jira:10102 | detected_at=2026-09-14T20:40:00Z",
            "incident_id=jira:10103 | detected_at=2026-10-20T04:00:00Z",
        ]
    );
    // The ServiceNow list mapping gives the servicenow connector's ids: both land on one row.
    let s = Sandbox::with_sample_teams();
    let list = format!("{ROOT}/tests/fixtures/servicenow/list_export.csv");
    let m = format!("{ROOT}/sample_data/mappings/servicenow_list.toml");
    s.ok(&["ingest", "--source", "csv", "--mapping", &m, &list]);
    s.ok(&["ingest", "--source", "servicenow", &list]);
    assert_eq!(
        s.rows(
            Table::Incidents,
            &["incident_id", "status", "detected_at", "resolved_at"]
        ),
        [
            "incident_id=servicenow:INC0012010 | status=resolved | detected_at=2026-08-03T09:12:00Z | resolved_at=2026-08-03T11:47:00Z",
            "incident_id=servicenow:INC0012012 | status=acknowledged | detected_at=2026-10-21T19:02:11Z | resolved_at=-",
            "incident_id=servicenow:INC0012013 | status=resolved | detected_at=2026-11-02T03:15:00Z | resolved_at=2026-11-02T04:05:30Z",
        ]
    );
    // The sample Jira export ingests whole through its sibling.
    let s = Sandbox::with_sample_teams();
    let out = s.ok(&[
        "ingest",
        "--source",
        "auto",
        &format!("{ROOT}/sample_data/sources/jira"),
    ]);
    assert!(out.contains("jira_export.csv: csv ("), "{out}");
    assert!(s.rejected().is_empty());
    assert_eq!(s.rows(Table::Incidents, &["incident_id"]).len(), 8);
}

#[test]
fn bad_rows_are_rejected_with_line_and_reason() {
    let s = Sandbox::with_sample_teams();
    s.write(
        "in/bad.mapping.toml",
        "source = \"jira\"\n[columns]\nsource_id = \"Issue id\"\ntitle = \"Summary\"\nstatus = \"Status\"\n\
         detected_at = \"Created\"\n[formats]\ndefault = \"%d/%b/%y %I:%M %p\"\n[values.status]\n\"Done\" = \"resolved\"\n",
    );
    s.write(
        "in/bad.csv",
        format!(
            "{JIRA_HEADER}\
             Fine,OPS-1,1,Incident,Done,Payments,High,Done,Ana,01/Jun/26 9:00 AM,,,,,,,,,,\"a\nmulti-line\ncomment\",\n\
             Bad date,OPS-2,2,Incident,Done,Payments,High,Done,Ana,31/Jun/26 9:00 AM,,,,,,,,,,,\n\
             Unmapped status,OPS-3,3,Incident,Triage,Payments,High,,Ana,01/Jun/26 9:00 AM,,,,,,,,,,,\n\
             No id,OPS-4,,Incident,Done,Payments,High,Done,Ana,01/Jun/26 9:00 AM,,,,,,,,,,,\n"
        ),
    );
    let out = s.run(&["ingest", "--source", "csv", "--max-rejected", "100%", "in"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut got: Vec<String> = s
        .rejected()
        .iter()
        .map(|r| {
            format!(
                "{}:{} {}",
                r.file.rsplit('/').next().unwrap_or_default(),
                r.line,
                r.reason
            )
        })
        .collect();
    got.sort();
    // Line numbers count the multi-line cell: the second record starts on line 5.
    assert_eq!(got.len(), 3, "{got:#?}");
    assert!(
        got[0].starts_with("bad.csv:5 detected_at (column 10): cannot read \"31/Jun/26 9:00 AM\""),
        "{}",
        got[0]
    );
    assert!(
        got[1].starts_with("bad.csv:6 status (column 5): \"Triage\" is not one of open, acknowledged, mitigated, resolved; map it in [values.status]"),
        "{}",
        got[1]
    );
    assert_eq!(
        got[2],
        "bad.csv:7 source_id (column 3): empty; every incidents row needs it"
    );
    assert_eq!(
        s.rows(Table::Incidents, &["incident_id", "status", "labels"]),
        ["incident_id=jira:1 | status=resolved | labels=-"]
    );
}

#[test]
fn mapping_problems_are_whole_file_errors_that_say_what_to_do() {
    let s = Sandbox::with_sample_teams();
    s.write(
        "a.csv",
        format!(
            "{JIRA_HEADER}x,OPS-1,1,Incident,Done,P,High,Done,Ana,01/Jun/26 9:00 AM,,,,,,,,,,,\n"
        ),
    );
    // No mapping at all.
    let out = s.run(&["ingest", "--source", "csv", "a.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("--source csv needs a mapping file") && err.contains("a.mapping.toml"),
        "{err}"
    );
    // A mapping with problems: each named by its key.
    s.write(
        "bad.toml",
        "tabel = \"incidents\"\n[columns]\ntitle = \"Summary\"\ndetected = \"Created\"\n",
    );
    let out = s.run(&[
        "ingest",
        "--source",
        "csv",
        "--mapping",
        "bad.toml",
        "a.csv",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    for want in [
        "tabel: unknown key",
        "columns.detected: not a column of incidents",
        "columns.detected_at: missing",
        "columns.source_id: missing",
    ] {
        assert!(err.contains(want), "{want:?} not in {err}");
    }
    // A mapping naming a column the CSV lacks: the column and the header.
    s.write(
        "typo.toml",
        "[columns]\nsource_id = \"Issue id\"\ntitle = \"Summry\"\ndetected_at = \"Created\"\n",
    );
    let out = s.run(&[
        "ingest",
        "--source",
        "csv",
        "--mapping",
        "typo.toml",
        "a.csv",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("columns.title = \"Summry\"")
            && err.contains("The header has: Summary, Issue key"),
        "{err}"
    );
    // JSON is not for this connector.
    s.write("p.json", "{\"result\": []}");
    let out = s.run(&[
        "ingest",
        "--source",
        "csv",
        "--mapping",
        "typo.toml",
        "p.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("the csv connector reads CSV files"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_shared_formats_hold_no_csv_mapping_payloads() {
    let Some(root) = shared_formats() else {
        println!("skipped: ../shared/formats is absent");
        return;
    };
    // Jira exports are evidence only there (formats README section 9): no file, nothing to read.
    // The ServiceNow payloads are the servicenow connector's, never this one's, under auto.
    for e in std::fs::read_dir(root.join("servicenow")).unwrap() {
        let p = e.unwrap().path();
        let s = Sandbox::new();
        let out = s.ok(&["ingest", "--source", "auto", &p.display().to_string()]);
        assert!(out.contains(": servicenow ("), "{out}");
        assert!(!out.contains(": csv ("), "{out}");
    }
}
