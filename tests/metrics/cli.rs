//! `aftermath metrics` as a command: the definitions it explains, the tidy Parquet analysts read,
//! one table written wide, and clear errors for wrong words.

use polars::prelude::*;

use crate::common::{Sandbox, text};

const CASE: &str = "tests/fixtures/metrics/durations";

fn sandbox_with_case() -> Sandbox {
    let sb = Sandbox::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(CASE);
    sb.ok(&["ingest", dir.join("incidents.csv").to_str().unwrap()]);
    sb
}

#[test]
fn explain_prints_the_definitions_with_the_configs_thresholds() {
    let sb = Sandbox::new();
    sb.write(
        "aftermath.toml",
        "[thresholds]\ninterruption_merge_seconds = 120\njaccard_min = 0.75\n",
    );
    let out = sb.ok(&["metrics", "--explain", "--week", "2026-W46"]);
    assert!(out.contains("Period: 2026-W46"), "{out}");
    assert!(out.contains("Time to resolve (TTR): impact_started_at (else detected_at)"));
    assert!(out.contains("within 120s of the first page"), "{out}");
    assert!(out.contains("templates >= 0.75"), "{out}");
    assert!(out.contains("insufficient data"));
}

#[test]
fn parquet_is_the_tidy_long_table() {
    let sb = sandbox_with_case();
    let out = sb.path("m.parquet");
    let args = [
        "metrics",
        "durations",
        "--week",
        "2026-W46",
        "--as-of",
        "2026-11-16T00:00:00Z",
        "--format",
        "parquet",
        "--out",
    ];
    let mut a: Vec<&str> = args.to_vec();
    a.push(out.to_str().unwrap());
    sb.ok(&a);
    let df = LazyFrame::scan_parquet(PlRefPath::new(out.to_str().unwrap()), Default::default())
        .unwrap()
        .collect()
        .unwrap();
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        names,
        [
            "family",
            "table",
            "period_from",
            "period_to",
            "team",
            "severity",
            "service",
            "week",
            "month",
            "person",
            "rule",
            "priority",
            "cluster",
            "shift",
            "check",
            "incident",
            "metric",
            "value",
            "text"
        ]
    );
    // The payments SEV2 TTR median of the case (70 minutes), found by plain column filters.
    let hit = df
        .lazy()
        .filter(
            col("table")
                .eq(lit("ttr"))
                .and(col("team").eq(lit("payments")))
                .and(col("severity").eq(lit("SEV2")))
                .and(col("metric").eq(lit("median_min"))),
        )
        .collect()
        .unwrap();
    assert_eq!(
        hit.column("value").unwrap().f64().unwrap().get(0),
        Some(70.0)
    );
}

#[test]
fn one_table_is_written_wide_and_an_unknown_one_is_named() {
    let sb = sandbox_with_case();
    let csv = sb.ok(&[
        "metrics",
        "durations",
        "--week",
        "2026-W46",
        "--as-of",
        "2026-11-16",
        "--by",
        "team",
        "--table",
        "ttr",
        "--format",
        "csv",
    ]);
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with("team,n,n_open,n_excluded"), "{header}");
    assert_eq!(csv.lines().count(), 4, "three teams and a header:\n{csv}");
    let out = sb.run(&[
        "metrics",
        "durations",
        "--week",
        "2026-W46",
        "--table",
        "nope",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("--table nope") && err.contains("ttr"), "{err}");
}

#[test]
fn wrong_words_are_errors_that_say_what_to_write() {
    let sb = sandbox_with_case();
    for (args, needle) in [
        (vec!["metrics", "--by", "team,colour"], "colour"),
        (vec!["metrics", "--week", "2026-46"], "YYYY-Www"),
        (vec!["metrics", "--last", "12x"], "12w"),
        (
            vec!["metrics", "--from", "2026-11-01", "--to", "2026-10-01"],
            "must be after",
        ),
        (vec!["metrics", "--as-of", "yesterday"], "--as-of"),
        (
            vec!["metrics", "--week", "2026-W46", "--last", "4w"],
            "one way",
        ),
        (vec!["metrics", "actions", "--by", "severity"], "severity"),
        (vec!["metrics", "--format", "parquet"], "--out"),
    ] {
        let out = sb.run(&args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let err = text(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    let empty = Sandbox::new();
    let out = empty.run(&["metrics"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).contains("no store here yet"));
}

#[test]
fn tables_for_people_carry_titles_and_notes() {
    let sb = sandbox_with_case();
    let out = sb.ok(&[
        "metrics",
        "durations",
        "--week",
        "2026-W46",
        "--as-of",
        "2026-11-16",
        "--team",
        "payments",
    ]);
    assert!(
        out.starts_with("Period 2026-W46 (by detected_at), as of 2026-11-16T00:00:00Z"),
        "{out}"
    );
    assert!(
        out.contains("== Time to resolve (TTR) by team and severity [ttr]"),
        "{out}"
    );
    assert!(
        out.contains("note: TTR: impact_started_at (else detected_at)"),
        "{out}"
    );
    assert!(!out.contains("search"), "filtered to payments:\n{out}");
}

#[test]
fn compare_previous_on_a_week_uses_the_weekly_reports_baseline_and_says_so() {
    // Regression (issue 13): `--compare previous` set a week against the one week before it
    // while the weekly report set it against the four before, so the two printed different
    // baselines and verdicts for the same week. On the sample, data-platform had 5 incidents in
    // W46 and 8 in W42-W45 (2 a week); the report's counts table says 2 a week.
    let sb = crate::common::sample();
    let as_of = crate::reports::AS_OF;
    let week = ["--week", "2026-W46", "--as-of", as_of];
    let mut args = vec![
        "metrics",
        "durations",
        "--compare",
        "previous",
        "--by",
        "team",
    ];
    args.extend(week);
    let table = sb.ok(&args);
    assert!(
        table.contains(
            "== Incidents: 2026-W46 against the previous 4 weeks (2026-W42 to 2026-W45), by team"
        ),
        "{table}"
    );
    args.extend(["--table", "incidents_compare", "--format", "csv"]);
    let csv = sb.ok(&args);
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with("data-platform,"))
        .unwrap()
        .split(',')
        .collect();
    let cell = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(cell("incidents"), "5");
    assert_eq!(cell("incidents_previous"), "8");
    assert_eq!(cell("incidents_previous_scaled"), "2.0");
    // 5 against 8 over four weeks: Bin(13, 1/5), p = 0.154: no detectable change.
    assert_eq!(cell("verdict"), "no detectable change");

    let mut report = vec![
        "report",
        "weekly",
        "--team",
        "data-platform",
        "--format",
        "md",
    ];
    report.extend(week);
    sb.ok(&report);
    let md = std::fs::read_to_string(sb.path("out/weekly/2026-W46/team-data-platform.md")).unwrap();
    assert!(
        md.contains("Compared with the previous 4 weeks (2026-W42 to 2026-W45)"),
        "{md}"
    );
    assert!(
        md.contains("| All severities | 5 | 1.6–11.7 | 2 | no detectable change |"),
        "{md}"
    );
}

/// The payroll export: `oncall_payroll` written wide for one whole month, as CSV and as Parquet
/// with the same rows (the on-call case: anna 30 h on call, all outside business hours, 24 on
/// the weekend, 6 on the holiday; ben 14 h, 4 outside business hours).
#[test]
fn oncall_payroll_exports_one_month_as_csv_and_parquet() {
    let sb = Sandbox::new();
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/metrics/oncall");
    let config = dir.join("aftermath.toml");
    let cfg = config.to_str().unwrap();
    let mut ingest = vec!["--config", cfg, "ingest"];
    let files: Vec<String> = [
        "oncall_shifts.csv",
        "alerts.csv",
        "incidents.csv",
        "incident_events.ndjson",
    ]
    .iter()
    .map(|f| dir.join(f).display().to_string())
    .collect();
    ingest.extend(files.iter().map(String::as_str));
    sb.ok(&ingest);
    let base = [
        "--config",
        cfg,
        "metrics",
        "oncall",
        "--from",
        "2026-10-01",
        "--to",
        "2026-11-01",
        "--as-of",
        "2026-11-02T00:00:00Z",
        "--table",
        "oncall_payroll",
    ];
    let csv_path = sb.path("payroll.csv");
    let mut args = base.to_vec();
    args.extend(["--format", "csv", "--out", csv_path.to_str().unwrap()]);
    sb.ok(&args);
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "team,person,month,oncall_hours,outside_business_hours,weekend_hours,holiday_hours,\
         oncall_nights,nights_interrupted,month_complete"
    );
    assert_eq!(lines[1], "berlin,anna,2026-10,30.0,30.0,24.0,6.0,1,1,true");
    assert_eq!(lines[2], "berlin,ben,2026-10,14.0,4.0,0.0,0.0,1,1,true");
    assert_eq!(lines.len(), 5, "{csv}");

    let pq_path = sb.path("payroll.parquet");
    let mut args = base.to_vec();
    args.extend(["--format", "parquet", "--out", pq_path.to_str().unwrap()]);
    sb.ok(&args);
    let df = ParquetReader::new(std::fs::File::open(&pq_path).unwrap())
        .finish()
        .unwrap();
    assert_eq!(df.height(), 4);
    let hours: Vec<Option<f64>> = df
        .column("oncall_hours")
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(hours, [Some(30.0), Some(14.0), Some(12.0), Some(12.0)]);
}

/// Regression: a page fired at as-of itself is known, and alert fatigue counted it while the
/// on-call load did not (its pages ended at as-of, exclusive). In the on-call case at as-of
/// 2026-10-25T01:30Z, the firing of p3: berlin has three pages in both, two of them anna's first
/// interruption (40 s apart) and p3 her second.
#[test]
fn a_page_fired_at_as_of_counts_in_the_oncall_load_as_in_fatigue() {
    let sb = Sandbox::new();
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/metrics/oncall");
    let config = dir.join("aftermath.toml");
    let cfg = config.to_str().unwrap();
    let files: Vec<String> = ["oncall_shifts.csv", "alerts.csv"]
        .iter()
        .map(|f| dir.join(f).display().to_string())
        .collect();
    let mut ingest = vec!["--config", cfg, "ingest"];
    ingest.extend(files.iter().map(String::as_str));
    sb.ok(&ingest);
    let figures = |family: &str, table: &str, by: &[&str]| -> Vec<String> {
        let mut args = vec!["--config", cfg, "metrics", family, "--table", table];
        args.extend(by);
        args.extend([
            "--from",
            "2026-10-24",
            "--to",
            "2026-10-26",
            "--as-of",
            "2026-10-25T01:30:00Z",
            "--format",
            "csv",
        ]);
        let out = sb.ok(&args);
        let mut lines = out.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
        let (pages, interruptions) = (at("pages"), at("interruptions"));
        lines
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                format!(
                    "{} {} pages {} interruptions",
                    f[0], f[pages], f[interruptions]
                )
            })
            .collect()
    };
    assert_eq!(
        figures("oncall", "oncall", &[]),
        ["berlin 3 pages 2 interruptions"]
    );
    assert_eq!(
        figures("fatigue", "fatigue", &["--by", "team"]),
        ["berlin 3 pages 2 interruptions"]
    );
}
