//! Regression tests of issue 13's CLI bullet, through the binary on the sample: a reader that
//! closes the output pipe ends every command quietly (no panic, exit 0, the work still done); an
//! unknown `metrics --team` is an error naming the known teams, as in `report`; a week or quarter
//! after the data and after `--as-of` is refused with nothing written; a bare incident number
//! names its incident, and one that several sources hold lists them.

use std::io::Read;
use std::process::{Command, Stdio};

use crate::common::{BIN, Sandbox, sample, text};

const AS_OF: &str = "2026-11-17T00:00:00Z";

/// Run `aftermath --store <sandbox>/store <args>` with standard output a pipe whose reader goes
/// away: at once, or after the first byte (`read_first`, for output longer than a pipe holds).
/// Returns the exit code and standard error.
fn with_closed_stdout(sb: &Sandbox, args: &[&str], read_first: bool) -> (Option<i32>, String) {
    let mut child = Command::new(BIN)
        .current_dir(sb.dir.path())
        .arg("--store")
        .arg(sb.store())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run aftermath");
    let mut stdout = child.stdout.take().expect("piped stdout");
    if read_first {
        let mut first = [0u8; 1];
        stdout.read_exact(&mut first).expect("some output");
    }
    drop(stdout);
    let out = child.wait_with_output().expect("wait for aftermath");
    (out.status.code(), text(&out.stderr))
}

/// Regression (issue 13): `aftermath run | head` and `aftermath report ... | head` panicked with
/// "failed printing to stdout: Broken pipe" (exit 101), and `run` stopped before writing its
/// reports. Every print path goes through one writer now.
#[test]
fn a_closed_pipe_ends_every_command_quietly_and_the_work_is_still_done() {
    let sb = sample();
    let incidents =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/incidents.csv");
    let incidents = incidents.to_str().unwrap();
    let cases: &[&[&str]] = &[
        &["run", "--as-of", AS_OF],
        &["report", "weekly", "--week", "2026-W46", "--as-of", AS_OF],
        &["report", "postmortem", "--incident", "pagerduty:QK5RBB3"],
        &["metrics", "all", "--week", "2026-W46", "--as-of", AS_OF],
        &["metrics", "durations", "--format", "csv", "--as-of", AS_OF],
        &["metrics", "--explain"],
        &["query", "SELECT * FROM incidents"],
        &["query", "SELECT * FROM incidents", "--format", "csv"],
        &["query", "SELECT * FROM incidents", "--format", "ndjson"],
        &["ingest", incidents],
        &["config", "check"],
    ];
    for args in cases {
        let (code, err) = with_closed_stdout(&sb, args, false);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(code, Some(0), "{args:?}: {err}");
        assert!(!err.contains("error"), "{args:?}: {err}");
        if args[0] == "run" {
            // The batch job finished after its reader left: the metrics and reports are there.
            assert!(sb.path("out/index.html").is_file());
            assert!(sb.path("out/metrics.parquet").is_file());
            assert!(sb.path("out/weekly/2026-W46/organisation.html").is_file());
        }
    }
    // A reader that takes the first line of a long result and leaves (`| head -1`).
    let (code, err) = with_closed_stdout(&sb, &["query", "SELECT * FROM alerts"], true);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(code, Some(0), "{err}");
}

/// Regression (issue 13): `metrics --team <unknown>` printed empty tables and exited 0.
#[test]
fn an_unknown_team_is_an_error_naming_the_known_ones_in_metrics_as_in_report() {
    let sb = sample();
    let week = ["--week", "2026-W46", "--as-of", AS_OF];
    let mut metrics = vec!["metrics", "durations", "--team", "paymnts"];
    metrics.extend(week);
    let mut report = vec!["report", "weekly", "--team", "paymnts"];
    report.extend(week);
    let expected = "error: team \"paymnts\" has no incidents or alerts in the store and is not in \
                    the config; teams in the store: data-platform, identity, mobile, payments, \
                    search, storefront\n";
    for args in [&metrics, &report] {
        let out = sb.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(text(&out.stderr), expected, "{args:?}");
        assert_eq!(text(&out.stdout), "", "{args:?}");
    }
    assert!(!sb.path("out/weekly").exists());
    // A known team still gets its tables, and only its rows.
    let mut ok = vec!["metrics", "durations", "--team", "payments", "--by", "team"];
    ok.extend(week);
    let tables = sb.ok(&ok);
    assert!(tables.contains("payments"), "{tables}");
    assert!(!tables.contains("search"), "{tables}");
}

/// Regression (issue 13): `report weekly --week 2099-W01` wrote an empty report of a week nothing
/// was known about yet.
#[test]
fn a_period_after_the_data_and_after_as_of_is_refused_and_nothing_written() {
    let sb = sample();
    let refused: &[&[&str]] = &[
        &["report", "weekly", "--week", "2099-W01", "--as-of", AS_OF],
        &[
            "report",
            "improvement",
            "--quarter",
            "2099-Q1",
            "--as-of",
            AS_OF,
        ],
        &[
            "report",
            "improvement",
            "--from",
            "2099-01-01",
            "--to",
            "2099-02-01",
            "--as-of",
            AS_OF,
        ],
        &["metrics", "--week", "2099-W01", "--as-of", AS_OF],
    ];
    for args in refused {
        let out = sb.run(args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("starts after --as-of (2026-11-17 00:00 UTC) and the data end 2026-11-15: nothing is known about it yet, so nothing was written"),
            "{args:?}: {err}"
        );
        assert_eq!(text(&out.stdout), "", "{args:?}");
    }
    assert!(!sb.path("out").exists(), "nothing was written");
    // The same week as of a later instant is a past week without data: rendered.
    let out = sb.ok(&[
        "report",
        "weekly",
        "--week",
        "2099-W01",
        "--as-of",
        "2099-01-10",
    ]);
    assert!(out.contains("weekly/2099-W01/organisation.html"), "{out}");
}

/// Regression (issue 13): `report postmortem --incident 1064` was refused although docs/cli.md
/// says the number alone is accepted (the store holds it as `#1064`).
#[test]
fn a_bare_incident_number_names_its_incident() {
    let sb = sample();
    let out = sb.ok(&[
        "report",
        "postmortem",
        "--incident",
        "1064",
        "--as-of",
        AS_OF,
    ]);
    assert!(
        out.contains("postmortem/pagerduty-QK5RBB3/pagerduty-QK5RBB3.html"),
        "{out}"
    );
}

#[test]
fn an_id_several_sources_hold_lists_them_and_an_unknown_one_names_the_closest() {
    let sb = Sandbox::new();
    sb.write(
        "in/incidents.csv",
        "incident_id,title,team,severity,detected_at\n\
         jira:7,first,payments,SEV1,2026-11-03T14:05:00Z\n\
         opsgenie:7,second,payments,SEV1,2026-11-04T14:05:00Z\n\
         opsgenie:8,third,payments,SEV2,2026-11-05T14:05:00Z\n",
    );
    sb.ok(&["ingest", "in"]);
    let out = sb.run(&["report", "postmortem", "--incident", "7", "--as-of", AS_OF]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: \"7\" is the source id or number of 2 incidents (jira:7, opsgenie:7); give one \
         of these full ids\n"
    );
    let out = sb.ok(&["report", "postmortem", "--incident", "8", "--as-of", AS_OF]);
    assert!(out.contains("postmortem/opsgenie-8/opsgenie-8.md"), "{out}");
    let out = sb.run(&["report", "postmortem", "--incident", "9", "--as-of", AS_OF]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("error: no incident \"9\" in the store; the closest ids:"),
        "{}",
        text(&out.stderr)
    );
}

/// Issue 13: the choices and instants are typed when the command line is read, so a wrong value
/// is a usage error (exit 2) that names the flag and lists what it takes, before any work; the
/// scope flags `metrics` and `scale-out emit` share are one set, read the same way.
#[test]
fn a_wrong_choice_or_instant_is_a_usage_error_naming_the_flag_and_its_values() {
    let sb = sample();
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["metrics", "durations", "--format", "xlsx"],
            &["'--format <FORMAT>'", "table, csv, json, ndjson, parquet"],
        ),
        (
            &["metrics", "latency"],
            &["'latency'", "durations", "oncall", "all"],
        ),
        (
            &["metrics", "durations", "--period-by", "closed"],
            &["'--period-by <PERIOD_BY>'", "detected, resolved"],
        ),
        (
            &["metrics", "durations", "--as-of", "last tuesday"],
            &["'--as-of <INSTANT>'", "2026-11-17T00:00:00Z or 2026-11-17"],
        ),
        (
            &["report", "weekly", "--format", "pdf"],
            &["'--format <FORMAT>'", "html, md"],
        ),
        (
            &["scale-out", "emit", "--engine", "trino", "--out", "job"],
            &["'--engine <ENGINE>'", "spark, duckdb"],
        ),
        (
            &[
                "scale-out",
                "emit",
                "--engine",
                "duckdb",
                "--out",
                "job",
                "--as-of",
                "soon",
            ],
            &["'--as-of <INSTANT>'"],
        ),
        (
            &["query", "SELECT 1", "--format", "yaml"],
            &["'--format <FORMAT>'"],
        ),
    ];
    for (args, wanted) in cases {
        let out = sb.run(args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        for w in *wanted {
            assert!(err.contains(w), "{args:?}: {w:?} not in {err}");
        }
        assert!(!sb.path("job").exists(), "{args:?} wrote a job");
    }
    // The aliases the old parsers took still work.
    sb.ok(&[
        "metrics",
        "durations",
        "--period-by",
        "resolved_at",
        "--week",
        "2026-W46",
        "--as-of",
        "2026-11-17",
    ]);
    sb.ok(&[
        "report",
        "weekly",
        "--team",
        "payments",
        "--week",
        "2026-W46",
        "--format",
        "markdown,md",
        "--as-of",
        AS_OF,
    ]);
}
