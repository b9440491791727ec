//! `aftermath scale-out emit --report all` and `aftermath scale-out report`: every alert figure of
//! `run`'s reports (the weekly's fatigue, shifts, page heatmaps, noisy rules, alert checks and
//! on-call pages; the improvement report's monthly fatigue, comparison, rules of two quarters,
//! rule changes and on-call load; each postmortem's linked alerts with their flapping flags; the
//! data's span and teams) reduced on a real engine over the whole store, then the reports
//! rendered over a second store that holds everything *but* the alerts, and compared file for
//! file (Markdown, summaries and charts) with `aftermath report` over the whole store. The store
//! and config are `scale_out`'s: DST changes in five zones, holidays, odd business days and an
//! on-call roster. DuckDB runs through Python's `duckdb`, Spark through PyPI's `pyspark` in
//! `local[2]` mode; each is SKIPPED, saying so, when missing (.ci/run installs both).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::*;
use crate::scale_out::{CONFIG, python_has, run_duckdb, run_spark, sandbox, spark_sql};

const WEEK: &str = "2026-W46";
const AS_OF: &str = "2026-11-20T12:00:00Z";

/// The whole store, and a second sandbox whose store has the same incidents, events, action
/// items and shifts without a single alert.
fn stores() -> (Sandbox, Sandbox) {
    let full = sandbox();
    let small = Sandbox::new();
    small.write("aftermath.toml", CONFIG);
    std::fs::create_dir(small.path("gen")).unwrap();
    for entry in std::fs::read_dir(full.path("gen")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if !name.starts_with("alerts") {
            std::fs::copy(&path, small.path("gen").join(name)).unwrap();
        }
    }
    small.ok(&["ingest", "gen"]);
    (full, small)
}

/// Every file of the reports under `dir`, by path, with the last-ingest instant (each store's
/// own) masked.
fn files(dir: &Path) -> BTreeMap<String, String> {
    let root = dir.to_path_buf();
    let mut out = BTreeMap::new();
    let ingest = regex::Regex::new(r"last ingest [0-9TZ:.-]+").unwrap();
    let mut todo = vec![root.clone()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
                continue;
            }
            if path.extension().is_some_and(|x| x == "parquet") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let masked = ingest
                .replace_all(&text, "last ingest <masked>")
                .into_owned();
            let name = path.strip_prefix(&root).unwrap().display().to_string();
            out.insert(name, masked);
        }
    }
    out
}

/// Emit the jobs of `run`'s reports for `engine` over the whole store, run them with `run`,
/// render the reports over the store without alerts, and compare them with the local reports over
/// the whole store.
fn check(s: &Sandbox, small: &Sandbox, engine: &str, run: impl Fn(&[PathBuf]) -> bool) {
    let job = format!("job-{engine}");
    s.ok(&[
        "scale-out",
        "emit",
        "--engine",
        engine,
        "--out",
        &job,
        "--report",
        "all",
        "--week",
        WEEK,
        "--as-of",
        AS_OF,
    ]);
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(s.path(&job).join("job.json")).unwrap())
            .unwrap();
    let plan = &plan["report"]["plan"];
    let quarter = plan["quarter"].as_str().unwrap().to_string();
    let postmortems: Vec<String> = plan["postmortems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(quarter, "2026-Q3");
    assert!(!postmortems.is_empty(), "no postmortem in {plan}");
    let mut sql: Vec<PathBuf> = std::fs::read_dir(s.path(&job))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .filter(|p| p.file_name().unwrap().to_str().unwrap() != "all.sql")
        .collect();
    sql.sort();
    // The weekly's 6 steps, the improvement's 9 (the facts shared), the metric tables' 4 (their
    // 12 weeks' pages are the weekly's trend pages), one for every postmortem's alerts.
    assert_eq!(
        sql.len(),
        6 + 8 + 3 + 1,
        "{engine}: one job per step: {sql:?}"
    );
    // Every job in one session, as the docs say to run them.
    let all = s.path(&job).join("all.sql");
    let text = std::fs::read_to_string(&all).unwrap();
    let parts: Vec<String> = sql
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert_eq!(text, parts.join("\n"));
    assert!(run(&[all]), "{engine} jobs failed");

    let job = s.path(&job).display().to_string();
    let out = format!("engine-{engine}");
    small.ok(&[
        "scale-out",
        "report",
        "--job",
        &job,
        "--out",
        &out,
        "--format",
        "md",
    ]);
    // As `run` writes them: the metric tables, the postmortem drafts first, so the weekly
    // reports link them.
    let local = |s: &Sandbox| {
        std::fs::create_dir_all(s.path("local")).unwrap();
        let at = |args: &[&str]| {
            let mut all = args.to_vec();
            all.extend(["--as-of", AS_OF]);
            s.ok(&all)
        };
        let metrics = "local/metrics.parquet";
        at(&[
            "metrics", "all", "--last", "12w", "--format", "parquet", "--out", metrics,
        ]);
        let md = ["--out", "local", "--format", "md"];
        for id in &postmortems {
            at(&[&["report", "postmortem", "--incident", id][..], &md].concat());
        }
        at(&[&["report", "improvement", "--quarter", &quarter][..], &md].concat());
        at(&[&["report", "weekly", "--week", WEEK][..], &md].concat());
    };
    local(s);
    let (want, got) = (files(&s.path("local")), files(&small.path(&out)));
    assert!(want.len() > 20, "too few files: {:?}", want.keys());
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
    for (name, text) in &want {
        assert!(got[name] == *text, "{engine}: {name} differs");
    }
    let table = |dir: &Path| {
        use polars::prelude::SerReader;
        let file = std::fs::File::open(dir.join("metrics.parquet")).unwrap();
        polars::prelude::ParquetReader::new(file).finish().unwrap()
    };
    let metrics = table(&small.path(&out));
    assert!(metrics.height() > 1000, "{}", metrics.height());
    assert!(
        metrics.equals_missing(&table(&s.path("local"))),
        "{engine}: metrics.parquet differs"
    );
    // The figures come from the alerts: the small store's own report has none of them.
    let org = &got[&format!("weekly/{WEEK}/organisation.md")];
    assert!(org.contains(" pages made "), "{org}");
    assert!(got.keys().any(|k| k.ends_with("-pages-heatmap.svg")));
    local(small);
    let without = files(&small.path("local"));
    assert_ne!(without[&format!("weekly/{WEEK}/organisation.md")], *org);
    // The postmortems' alert sections come from the engine too.
    let pm = got
        .iter()
        .find(|(k, _)| k.starts_with("postmortem/") && k.ends_with(".md"))
        .unwrap();
    assert!(pm.1.contains("Linked alerts"), "{}", pm.0);
    assert_ne!(without[pm.0], *pm.1);
}

#[test]
fn reports_from_duckdb_reduce_steps_equal_the_local_ones_file_for_file() {
    if !python_has("duckdb") {
        eprintln!(
            "SKIPPED reports_from_duckdb_reduce_steps_equal_the_local_ones_file_for_file: python3 with duckdb is not installed (pip install duckdb)"
        );
        return;
    }
    let (full, small) = stores();
    check(&full, &small, "duckdb", run_duckdb);
}

#[test]
fn reports_from_spark_reduce_steps_equal_the_local_ones_file_for_file() {
    let Some(bin) = spark_sql() else {
        eprintln!(
            "SKIPPED reports_from_spark_reduce_steps_equal_the_local_ones_file_for_file: pyspark (pip install pyspark) or a Java runtime (apt-get install openjdk-17-jre-headless) is missing"
        );
        return;
    };
    let (full, small) = stores();
    check(&full, &small, "spark", |sql: &[PathBuf]| {
        run_spark(&full, &bin, sql)
    });
}

/// A report's jobs are rendered by `scale-out report`, not finished as metrics; metric jobs are
/// not a report; and a report's output without one of its steps is refused naming the table.
/// No engine is needed for any of these.
#[test]
fn report_jobs_and_metric_jobs_are_not_mixed_up_and_a_missing_step_is_named() {
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
    s.ok(&["ingest", "gen"]);
    s.ok(&[
        "scale-out",
        "emit",
        "--engine",
        "duckdb",
        "--out",
        "rjob",
        "--report",
        "weekly",
        "--as-of",
        AS_OF,
    ]);
    let job = std::fs::read_to_string(s.path("rjob/job.json")).unwrap();
    // The default week, as `run` chooses it: the last complete one with data (two weeks of
    // data from 2026-05-18).
    assert!(job.contains("\"week\": \"2026-W22\""), "{job}");

    let out = s.run(&["scale-out", "finish", "--job", "rjob"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("these are a report's jobs"),
        "{}",
        text(&out.stderr)
    );
    let out = s.run(&["scale-out", "report", "--job", "rjob", "--out", "r"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("no reduced table alert_facts here"),
        "{}",
        text(&out.stderr)
    );

    s.ok(&[
        "scale-out",
        "emit",
        "--engine",
        "duckdb",
        "--out",
        "mjob",
        "--week",
        WEEK,
        "--as-of",
        AS_OF,
    ]);
    let out = s.run(&["scale-out", "report", "--job", "mjob", "--out", "r"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("these jobs are not a report's"),
        "{}",
        text(&out.stderr)
    );
    let out = s.run(&[
        "scale-out",
        "emit",
        "--engine",
        "duckdb",
        "--out",
        "x",
        "--report",
        "weekly",
        "--by",
        "team",
    ]);
    assert!(!out.status.success(), "--report with --by is refused");
    let refused = |args: &[&str], why: &str| {
        let out = s.run(args);
        assert!(!out.status.success(), "{args:?}");
        assert!(text(&out.stderr).contains(why), "{}", text(&out.stderr));
    };
    let emit = [
        "scale-out",
        "emit",
        "--engine",
        "duckdb",
        "--out",
        "x",
        "--as-of",
        AS_OF,
    ];
    refused(
        &[&emit[..], &["--report", "weekly", "--quarter", "2026-Q3"]].concat(),
        "--quarter does not apply",
    );
    refused(
        &[&emit[..], &["--report", "improvement", "--week", WEEK]].concat(),
        "--week does not apply",
    );

    // A step folder that would lead out of the reduced folder is refused.
    let tampered = job.replace("\"folder\": \"01-facts\"", "\"folder\": \"../01-facts\"");
    assert_ne!(tampered, job);
    s.write("rjob/job.json", tampered);
    refused(
        &["scale-out", "report", "--job", "rjob", "--out", "r"],
        "is not a plain folder name",
    );

    // Without alerts in the local store, the default week cannot be chosen from the data.
    let bare = Sandbox::new();
    bare.write("aftermath.toml", CONFIG);
    bare.ok(&[
        "generate",
        "--out",
        "gen",
        "--teams",
        "2",
        "--weeks",
        "2",
        "--no-dirty",
    ]);
    std::fs::remove_file(bare.path("gen/alerts.csv")).unwrap();
    bare.ok(&["ingest", "gen"]);
    let out = bare.run(&[&emit[..], &["--report", "all"]].concat());
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("holds no alerts")
            && text(&out.stderr).contains("give --week and --quarter"),
        "{}",
        text(&out.stderr)
    );
    bare.ok(&[&emit[..], &["--report", "weekly", "--week", WEEK]].concat());
}
