//! `aftermath scale-out`: the fatigue, rules and quality reduce steps emitted as SQL, run on a real
//! engine over a generated store, finished, and compared with `aftermath metrics fatigue
//! --compare previous` (`fatigue`, `fatigue_shift`, `fatigue_compare`), `aftermath metrics rules`
//! and `aftermath metrics quality` value for value.
//!
//! The store spans the 2026 autumn DST changes of four zones (Lord Howe's half-hour one on
//! 2026-10-04, Sydney the same day, Berlin on 10-25, New York and Los Angeles on 11-01), a
//! holiday on the Monday after Berlin's change, a Sunday-to-Thursday team with business hours
//! from 09:30, sleep hours ending at 07:15, and the generated on-call roster (whose zones judge
//! the pages). DuckDB runs through Python's `duckdb`, Spark through `spark-sql -f` from PyPI's
//! `pyspark` in `local[2]` mode, bound to 127.0.0.1; each is SKIPPED, saying so, when missing
//! (.ci/run installs both).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

pub(crate) const CONFIG: &str = r#"
store = "store"
timezone = "UTC"
[defaults]
timezone = "UTC"
[teams.payments]
timezone = "Europe/Berlin"
services = ["payments-api", "billing", "ledger"]
holidays = ["2026-10-03", "2026-10-26", "2026-12-25"]
[teams.search]
timezone = "America/New_York"
services = ["search-api", "indexer"]
holidays = ["2026-11-02", "2026-11-26"]
[teams.identity]
timezone = "Asia/Kolkata"
services = ["auth", "sso"]
business_hours = "09:30-18:30"
business_days = ["Sun", "Mon", "Tue", "Wed", "Thu"]
[teams.storefront]
timezone = "America/Los_Angeles"
services = ["web", "cdn-edge"]
sleep_hours = "22:30-07:15"
[teams.data-platform]
timezone = "Australia/Lord_Howe"
services = ["kafka", "warehouse"]
[teams.mobile]
timezone = "Australia/Sydney"
services = ["mobile-api", "push"]
"#;

/// The period: ten weeks over the changes, judged during its last week.
const PERIOD: [&str; 6] = [
    "--from",
    "2026-09-14",
    "--to",
    "2026-11-23",
    "--as-of",
    "2026-11-20T12:00:00Z",
];

pub(crate) fn sandbox() -> Sandbox {
    let s = Sandbox::new();
    s.write("aftermath.toml", CONFIG);
    s.ok(&[
        "generate",
        "--out",
        "gen",
        "--teams",
        "6",
        "--weeks",
        "26",
        "--scale",
        "0.5",
        "--no-dirty",
    ]);
    s.ok(&["ingest", "gen"]);
    s
}

/// The tidy rows of the tables `keep` accepts (the header first).
fn rows_of(csv: &str, keep: impl Fn(&str) -> bool) -> Vec<String> {
    csv.lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || l.split(',').nth(1).is_some_and(&keep))
        .map(|(_, l)| l.to_string())
        .collect()
}

/// The tidy rows of the `fatigue`, `fatigue_shift` and `fatigue_compare` tables (the header
/// first).
fn fatigue_rows(csv: &str) -> Vec<String> {
    rows_of(csv, |t| t.starts_with("fatigue"))
}

/// The tidy rows of `quality` and `freshness` (the header first).
fn quality_rows(csv: &str) -> Vec<String> {
    rows_of(csv, |t| t == "quality" || t == "freshness")
}

/// The tidy rows of `rules_by_team` and `rules_overall` (the header first).
fn rules_rows(csv: &str) -> Vec<String> {
    rows_of(csv, |t| t.starts_with("rules_"))
}

/// `want` and `got` equal row for row, with at least `min` rows and a value above 0 for each of
/// `metrics` (so the data reach what the comparison is for).
fn same_rows(what: &str, want: &[String], got: &[String], min: usize, metrics: &[&str]) {
    assert!(
        want.len() > min,
        "{what}: too few rows to compare: {}",
        want.len()
    );
    assert_eq!(got.len(), want.len(), "{what}: row count");
    let differ: Vec<_> = want.iter().zip(got).filter(|(w, g)| w != g).collect();
    assert!(
        differ.is_empty(),
        "{what}: {} rows differ, first {:?}",
        differ.len(),
        differ.first()
    );
    for metric in metrics {
        let nonzero = got.iter().any(|l| {
            let f: Vec<&str> = l.split(',').collect();
            f.get(16) == Some(metric) && f.get(17).is_some_and(|v| !v.is_empty() && *v != "0.0")
        });
        assert!(nonzero, "{what}: no row has {metric} above 0");
    }
}

/// Groupings checked on every engine: the default (team and week: pages judged in the primary
/// on-call person's zone), by person (one unit per covering shift, judged in its own zone), and
/// by severity, month and service with a team filter.
const CASES: [&[&str]; 3] = [
    &[],
    &["--by", "person,week"],
    &[
        "--by",
        "severity,month,service",
        "--team",
        "payments,search",
    ],
];

/// Emit a job per case for `engine`, run them all (fatigue and rules) with `run`, finish each,
/// and compare with the local engine.
fn check(s: &Sandbox, engine: &str, run: impl Fn(&[PathBuf]) -> bool) {
    let mut jobs = vec![];
    for (i, extra) in CASES.iter().enumerate() {
        let job = format!("job-{engine}-{i}");
        let mut emit = vec!["scale-out", "emit", "--engine", engine, "--out", &job];
        emit.extend(PERIOD);
        emit.extend(["--compare", "previous"]);
        emit.extend(*extra);
        s.ok(&emit);
        jobs.push(job);
    }
    let sql: Vec<PathBuf> = jobs
        .iter()
        .flat_map(|j| ["fatigue.sql", "rules.sql", "quality.sql"].map(|f| s.path(j).join(f)))
        .collect();
    assert!(run(&sql), "{engine} job failed");
    for (job, extra) in jobs.iter().zip(CASES) {
        let finished = s.ok(&["scale-out", "finish", "--job", job, "--format", "csv"]);
        let mut local = vec![
            "metrics",
            "fatigue",
            "--format",
            "csv",
            "--compare",
            "previous",
        ];
        local.extend(PERIOD);
        local.extend(extra);
        let what = format!("{engine} fatigue {extra:?}");
        let got = fatigue_rows(&finished);
        same_rows(
            &what,
            &fatigue_rows(&s.ok(&local)),
            &got,
            500,
            &[
                "sleep_interruptions",
                "nights_interrupted",
                "flapping_episodes",
                "pages_per_12h",
                "pages_previous",
            ],
        );
        for table in ["fatigue_shift", "fatigue_compare"] {
            assert!(
                got.iter().any(|l| l.split(',').nth(1) == Some(table)),
                "{what}: no {table} rows"
            );
        }
        // The rules ranking has no grouping: the same filters, without --by.
        let mut local = vec!["metrics", "rules", "--format", "csv"];
        local.extend(PERIOD);
        let filters: &[&str] = match extra {
            ["--by", _, rest @ ..] => rest,
            all => all,
        };
        local.extend(filters);
        let what = format!("{engine} rules {extra:?}");
        same_rows(
            &what,
            &rules_rows(&s.ok(&local)),
            &rules_rows(&finished),
            100,
            &[
                "sleep_pages",
                "flapping_pct",
                "transient_pct",
                "median_ttr_min",
            ],
        );
        // Quality: the alert checks from the engine, the incident checks from the local store.
        let mut local = vec!["metrics", "quality", "--format", "csv"];
        local.extend(PERIOD);
        local.extend(filters);
        let what = format!("{engine} quality {extra:?}");
        same_rows(
            &what,
            &quality_rows(&s.ok(&local)),
            &quality_rows(&finished),
            20,
            &["rows", "share_pct"],
        );
        // The engine's own figures reach the table: alerts still firing at as-of.
        assert!(
            quality_rows(&finished)
                .iter()
                .any(|l| l.contains(",alerts never resolved,,rows,") && !l.contains(",rows,0.0,")),
            "{what}: no alert left unresolved"
        );
    }
}

pub(crate) fn python_has(module: &str) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn duckdb_reduce_steps_give_the_local_fatigue_rules_and_quality_tables() {
    if !python_has("duckdb") {
        eprintln!(
            "SKIPPED duckdb_reduce_steps_give_the_local_fatigue_rules_and_quality_tables: python3 with duckdb is not installed (pip install duckdb)"
        );
        return;
    }
    let s = sandbox();
    check(&s, "duckdb", run_duckdb);
}

/// Run the jobs on DuckDB through Python's `duckdb`, each in a connection of its own.
pub(crate) fn run_duckdb(sql: &[PathBuf]) -> bool {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys, duckdb\nfor f in sys.argv[1:]: duckdb.connect().execute(open(f).read())",
        ])
        .args(sql)
        .output()
        .unwrap();
    eprintln!("{}", text(&out.stderr));
    out.status.success()
}

/// `spark-sql` of the installed pyspark, when there is one and a Java runtime.
pub(crate) fn spark_sql() -> Option<PathBuf> {
    let java = Command::new("java").arg("-version").output();
    if !java.is_ok_and(|o| o.status.success()) {
        return None;
    }
    let out = Command::new("python3")
        .args([
            "-c",
            "import os, pyspark; print(os.path.dirname(pyspark.__file__))",
        ])
        .output()
        .ok()?;
    let bin = PathBuf::from(text(&out.stdout).trim()).join("bin/spark-sql");
    (out.status.success() && bin.is_file()).then_some(bin)
}

#[test]
fn spark_reduce_steps_give_the_local_fatigue_rules_and_quality_tables() {
    let Some(bin) = spark_sql() else {
        eprintln!(
            "SKIPPED spark_reduce_steps_give_the_local_fatigue_rules_and_quality_tables: pyspark (pip install pyspark) or a Java runtime (apt-get install openjdk-17-jre-headless) is missing"
        );
        return;
    };
    let s = sandbox();
    check(&s, "spark", |sql: &[PathBuf]| run_spark(&s, &bin, sql));
}

/// Run the jobs on Spark (`spark-sql` at `bin`, `local[2]`, bound to 127.0.0.1) in one session:
/// their views are replaced, their outputs apart.
pub(crate) fn run_spark(s: &Sandbox, bin: &Path, sql: &[PathBuf]) -> bool {
    let all = s.path("all-jobs.sql");
    let text_of = |p: &PathBuf| std::fs::read_to_string(p).unwrap();
    std::fs::write(&all, sql.iter().map(text_of).collect::<Vec<_>>().join("\n")).unwrap();
    let out = Command::new(bin)
        .current_dir(s.dir.path())
        .env("SPARK_LOCAL_IP", "127.0.0.1")
        .args(["--master", "local[2]", "--conf", "spark.ui.enabled=false"])
        .args(["--conf", "spark.driver.host=127.0.0.1", "-f"])
        .arg(&all)
        .output()
        .unwrap();
    if !out.status.success() {
        eprintln!("{}", text(&out.stderr));
    }
    out.status.success()
}

/// `finish` refuses another config's thresholds (they are baked into the job), and a folder
/// without the job's tables; `emit` by person refuses a store without on-call shifts. No engine
/// is needed for any of these.
#[test]
fn finish_refuses_another_config_and_missing_tables_and_person_needs_shifts() {
    let s = Sandbox::new();
    s.write("aftermath.toml", CONFIG);
    s.ok(&[
        "generate",
        "--out",
        "gen",
        "--teams",
        "2",
        "--weeks",
        "2",
        "--no-dirty",
    ]);
    std::fs::remove_file(s.path("gen/oncall_shifts.csv")).unwrap();
    s.ok(&["ingest", "gen"]);
    let mut emit = vec!["scale-out", "emit", "--engine", "duckdb", "--out", "job"];
    emit.extend(PERIOD);
    s.ok(&emit);
    for job in ["job/fatigue.sql", "job/rules.sql"] {
        let sql = std::fs::read_to_string(s.path(job)).unwrap();
        // The empty shifts view stands in for the missing table; the period is baked in.
        assert!(sql.contains("AS ends_at FROM (SELECT 1 AS one) AS z WHERE z.one = 0"));
        assert!(sql.contains("TIMESTAMPTZ '2026-11-23 00:00:00.000000+00'"));
    }
    let job = std::fs::read_to_string(s.path("job/job.json")).unwrap();
    assert!(
        job.contains("\"families\": [\n    \"fatigue\",\n    \"rules\",\n    \"quality\"\n  ]"),
        "{job}"
    );

    let out = s.run(&["scale-out", "finish", "--job", "job"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("no reduced table fatigue_groups here"),
        "{}",
        text(&out.stderr)
    );

    s.write(
        "other.toml",
        format!("{CONFIG}\n[thresholds]\ninterruption_merge_seconds = 120\n"),
    );
    let out = s.run(&[
        "--config",
        "other.toml",
        "scale-out",
        "finish",
        "--job",
        "job",
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("the job was written with other thresholds"),
        "{}",
        text(&out.stderr)
    );

    emit.extend(["--by", "person"]);
    let out = s.run(&emit);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("fatigue by person needs on-call shifts"),
        "{}",
        text(&out.stderr)
    );
}
