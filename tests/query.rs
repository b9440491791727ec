//! `aftermath query`: SQL over the store in every output format, and clear SQL errors.

use crate::common::*;

fn store_with_two_incidents() -> Sandbox {
    let s = Sandbox::new();
    s.write(
        "in/incidents.csv",
        "incident_id,title,team,severity,detected_at,reopen_count\n\
         x:1,first,payments,P1,2026-11-03T14:05:00Z,0\n\
         x:2,second,search,P3,2026-10-03T14:05:00.25Z,2\n",
    );
    s.ok(&["ingest", "in"]);
    s
}

#[test]
fn every_output_format() {
    let s = store_with_two_incidents();
    let q = "SELECT incident_id, severity, detected_at, reopen_count, month FROM incidents ORDER BY incident_id";
    assert_eq!(
        s.ok(&["query", q, "--format", "csv"]),
        "incident_id,severity,detected_at,reopen_count,month\n\
         x:1,SEV1,2026-11-03T14:05:00.000000Z,0,2026-11\n\
         x:2,SEV3,2026-10-03T14:05:00.250000Z,2,2026-10\n"
    );
    let nd = s.ok(&["query", q, "--format", "ndjson"]);
    let first: serde_json::Value = serde_json::from_str(nd.lines().next().unwrap()).unwrap();
    assert_eq!(first["incident_id"], "x:1");
    assert_eq!(first["reopen_count"], 0);
    let json: serde_json::Value =
        serde_json::from_str(&s.ok(&["query", q, "--format", "json"])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);
    let table = s.ok(&["query", q]);
    assert!(
        table.starts_with(
            "incident_id  severity  detected_at                  reopen_count  month\n"
        ),
        "{table}"
    );
    assert!(
        table.contains("x:2          SEV3      2026-10-03T14:05:00.250000Z             2  2026-10"),
        "{table}"
    );
    assert!(table.ends_with("(2 rows)\n"));

    s.ok(&["query", q, "--format", "parquet", "--out", "out.parquet"]);
    let back =
        polars::prelude::ParquetReader::new(std::fs::File::open(s.path("out.parquet")).unwrap());
    use polars::prelude::SerReader;
    assert_eq!(back.finish().unwrap().height(), 2);
    let out = s.run(&["query", q, "--format", "parquet"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("give --out FILE"));
}

#[test]
fn sql_errors_are_reported_not_panicked() {
    let s = store_with_two_incidents();
    let out = s.run(&["query", "SELECT nope FROM incidents"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("nope"), "{err}");
    assert!(!err.contains("panicked"));
    let out = s.run(&["query", "SELECT * FROM tickets"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("tickets"));
}

#[test]
fn empty_tables_are_queryable() {
    let s = store_with_two_incidents();
    assert_eq!(
        s.ok(&[
            "query",
            "SELECT count(*) AS n FROM alerts",
            "--format",
            "csv"
        ]),
        "n\n0\n"
    );
}
