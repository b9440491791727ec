//! `aftermath query`: SQL over the store in every output format, clear SQL errors, `date_trunc`,
//! durations in every text format, and every example of docs/cli.md's query section.

use crate::common::*;

const DOC: &str = include_str!("../docs/cli.md");

fn store_with_two_incidents() -> Sandbox {
    let s = Sandbox::new();
    s.write(
        "in/incidents.csv",
        "incident_id,title,team,severity,detected_at,resolved_at,reopen_count\n\
         x:1,first,payments,P1,2026-11-03T14:05:00Z,2026-11-03T15:35:00Z,0\n\
         x:2,second,search,P3,2026-10-03T14:05:00.25Z,2026-10-05T14:05:00Z,2\n",
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

/// Regression (issue 13): `date_trunc`, which docs/cli.md shows, was "unsupported function" in
/// polars SQL.
#[test]
fn date_trunc_is_the_start_of_the_utc_period_holding_the_instant() {
    let s = store_with_two_incidents();
    let q = "SELECT incident_id, date_trunc('week', detected_at) AS week, \
             DATE_TRUNC('Month', detected_at) AS month_start, date_trunc('day', detected_at) AS day, \
             date_trunc('hour', detected_at) AS hour FROM incidents ORDER BY incident_id";
    // 2026-11-03 is a Tuesday, 2026-10-03 a Saturday: their weeks start on Mondays 11-02 and 09-28.
    assert_eq!(
        s.ok(&["query", q, "--format", "csv"]),
        "incident_id,week,month_start,day,hour\n\
         x:1,2026-11-02T00:00:00.000000Z,2026-11-01T00:00:00.000000Z,2026-11-03T00:00:00.000000Z,\
         2026-11-03T14:00:00.000000Z\n\
         x:2,2026-09-28T00:00:00.000000Z,2026-10-01T00:00:00.000000Z,2026-10-03T00:00:00.000000Z,\
         2026-10-03T14:00:00.000000Z\n"
    );
    // In a GROUP BY, as the doc's example counts per week.
    assert_eq!(
        s.ok(&[
            "query",
            "SELECT date_trunc('quarter', detected_at) AS q, count(*) AS n FROM incidents GROUP BY q",
            "--format",
            "csv"
        ]),
        "q,n\n2026-10-01T00:00:00.000000Z,2\n"
    );
    let out = s.run(&[
        "query",
        "SELECT date_trunc('fortnight', detected_at) FROM incidents",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(
            "date_trunc: unknown unit 'fortnight'; use one of year, quarter, month, week, day, \
             hour, minute, second"
        ),
        "{}",
        text(&out.stderr)
    );
}

/// Regression (issue 13): a duration column (`resolved_at - detected_at`) failed in `table`
/// ("casting from Duration to String not supported") and `csv` ("cannot be written to CSV").
#[test]
fn durations_are_iso_8601_in_every_text_format() {
    let s = store_with_two_incidents();
    let q = "SELECT incident_id, resolved_at - detected_at AS ttr, detected_at - resolved_at AS back \
             FROM incidents ORDER BY incident_id";
    // x:1 took 1h30m; x:2 two days less a quarter second.
    assert_eq!(
        s.ok(&["query", q]),
        "incident_id  ttr               back\n\
         -----------  ----------------  -----------------\n\
         x:1          PT1H30M           -PT1H30M\n\
         x:2          P1DT23H59M59.75S  -P1DT23H59M59.75S\n\
         (2 rows)\n"
    );
    // A negative duration is not a spreadsheet formula: no leading quote.
    assert_eq!(
        s.ok(&["query", q, "--format", "csv"]),
        "incident_id,ttr,back\nx:1,PT1H30M,-PT1H30M\nx:2,P1DT23H59M59.75S,-P1DT23H59M59.75S\n"
    );
    let json: serde_json::Value =
        serde_json::from_str(&s.ok(&["query", q, "--format", "json"])).unwrap();
    assert_eq!(json[1]["ttr"], "P1DT23H59M59.75S");
    let nd = s.ok(&["query", q, "--format", "ndjson"]);
    assert_eq!(
        nd.lines().next().unwrap(),
        r#"{"incident_id":"x:1","ttr":"PT1H30M","back":"-PT1H30M"}"#
    );
}

/// The `aftermath query` lines of docs/cli.md's query section: the SQL and the flags after it.
fn doc_examples() -> Vec<(String, Vec<String>)> {
    let section = DOC
        .split("## aftermath query")
        .nth(1)
        .expect("a query section")
        .split("\n## ")
        .next()
        .unwrap();
    section
        .lines()
        .filter_map(|l| l.strip_prefix("aftermath query \""))
        .map(|rest| {
            let (sql, flags) = rest.rsplit_once('"').expect("the SQL in double quotes");
            (
                sql.to_string(),
                flags.split_whitespace().map(String::from).collect(),
            )
        })
        .collect()
}

/// docs/cli.md's query examples run on the sample and return rows, so the doc cannot drift from
/// what polars SQL accepts.
#[test]
fn every_query_example_of_the_cli_doc_runs_on_the_sample() {
    let examples = doc_examples();
    assert!(examples.len() >= 5, "{examples:?}");
    assert!(
        examples
            .iter()
            .any(|(sql, _)| sql.contains("date_trunc('week'"))
    );
    assert!(
        examples
            .iter()
            .any(|(sql, _)| sql.contains("resolved_at - detected_at"))
    );
    let sb = sample();
    for (sql, flags) in &examples {
        let mut args = vec!["query", sql.as_str()];
        args.extend(flags.iter().map(String::as_str));
        let out = sb.ok(&args);
        let rows = match flags.iter().position(|f| f == "--out") {
            Some(i) => {
                std::fs::read_to_string(sb.path(&flags[i + 1]))
                    .unwrap()
                    .lines()
                    .count()
                    - 1
            }
            None if flags.iter().any(|f| f == "csv") => out.lines().count() - 1,
            None => {
                let last = out.lines().last().unwrap_or_default();
                last.trim_start_matches('(')
                    .split(' ')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            }
        };
        assert!(rows > 0, "{sql}: no rows\n{out}");
    }
    // The week example gives Monday midnights, and the duration one ISO 8601 durations.
    let (week, _) = examples
        .iter()
        .find(|(sql, _)| sql.contains("date_trunc('week'"))
        .unwrap();
    let weeks = sb.ok(&["query", week, "--format", "csv"]);
    let first = weeks.lines().nth(1).unwrap();
    assert!(first.starts_with("2026-05-18T00:00:00.000000Z,"), "{weeks}");
    let (ttr, _) = examples
        .iter()
        .find(|(sql, _)| sql.contains("AS ttr"))
        .unwrap();
    let ttrs = sb.ok(&["query", ttr, "--format", "csv"]);
    let longest = ttrs.lines().nth(1).unwrap().split(',').nth(1).unwrap();
    assert!(longest.starts_with('P') && longest.ends_with('S'), "{ttrs}");
}
