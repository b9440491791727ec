//! The data-driven metric cases: each folder under `tests/fixtures/metrics/` holds canonical input
//! files, an optional `aftermath.toml`, and a `case.toml` with the commands to run and the numbers
//! they must give, worked out by hand in the file's comments.
//!
//! `case.toml`:
//! ```toml
//! inputs = ["incidents.csv"]              # ingested into a fresh store, in order
//! [[check]]
//! args = ["durations", "--week", "2026-W46", "--as-of", "2026-11-16T00:00:00Z", "--by", "team"]
//! [[check.expect]]
//! table = "ttr"                           # the metric table
//! team = "payments"                       # every grouping dimension of the row, exactly
//! n = 3                                   # figures: numbers compare to 1e-6, strings exactly
//! median_min = 20.0
//! [[check.absent]]                        # no row of this table has these dimensions
//! table = "postmortems_missing"
//! team = "payments"
//! ```
//! `ingest_args = ["--max-rejected", "10"]` at the top passes flags to the ingest.
//! The harness runs `aftermath metrics <args> --format ndjson` (the tidy long table) and looks up
//! each expected figure by table, dimensions and metric. A dimension not named in the expectation
//! must be null in the row, so an expectation cannot silently match a finer group.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{Sandbox, text};

const DIMS: [&str; 12] = [
    "team", "severity", "service", "week", "month", "person", "rule", "priority", "cluster",
    "shift", "check", "incident",
];

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/metrics")
}

/// Run one case folder; every failed expectation is collected and reported together.
fn run_case(dir: &Path) -> Vec<String> {
    let case: toml::Table =
        toml::from_str(&std::fs::read_to_string(dir.join("case.toml")).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let sb = Sandbox::new();
    let config = dir.join("aftermath.toml");
    let mut base: Vec<String> = vec![];
    if config.is_file() {
        base.extend(["--config".into(), config.display().to_string()]);
    }
    let inputs: Vec<String> = case["inputs"]
        .as_array()
        .expect("inputs = [...]")
        .iter()
        .map(|v| dir.join(v.as_str().unwrap()).display().to_string())
        .collect();
    let mut ingest: Vec<&str> = base.iter().map(String::as_str).collect();
    ingest.push("ingest");
    let extra_ingest: Vec<String> = case
        .get("ingest_args")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
        .unwrap_or_default();
    ingest.extend(extra_ingest.iter().map(String::as_str));
    ingest.extend(inputs.iter().map(String::as_str));
    sb.ok(&ingest);

    let mut failures = vec![];
    for (ci, check) in case["check"]
        .as_array()
        .expect("[[check]]")
        .iter()
        .enumerate()
    {
        let mut args: Vec<&str> = base.iter().map(String::as_str).collect();
        args.push("metrics");
        let extra: Vec<&str> = check["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        args.extend(extra.iter().copied());
        args.extend(["--format", "ndjson"]);
        let out = sb.run(&args);
        if !out.status.success() {
            failures.push(format!(
                "check {ci} {extra:?} failed: {}",
                text(&out.stderr)
            ));
            continue;
        }
        let rows: Vec<Value> = text(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        for gone in check
            .get("absent")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            let gone = gone.as_table().unwrap();
            let table = gone["table"].as_str().unwrap();
            let hit = rows.iter().find(|r| {
                r["table"] == table
                    && DIMS.iter().all(|d| match gone.get(*d) {
                        Some(v) => r[*d].as_str() == v.as_str(),
                        None => true,
                    })
            });
            if let Some(r) = hit {
                failures.push(format!(
                    "check {ci} {extra:?}: expected no {table} row like {gone:?}, found {r}"
                ));
            }
        }
        for exp in check
            .get("expect")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            let exp = exp.as_table().unwrap();
            let table = exp["table"].as_str().unwrap();
            let dims: Vec<(&str, Option<String>)> = DIMS
                .iter()
                .map(|d| (*d, exp.get(*d).map(|v| v.as_str().unwrap().to_string())))
                .collect();
            let here = |r: &Value| {
                r["table"] == table
                    && dims
                        .iter()
                        .all(|(d, want)| r[*d].as_str().map(String::from) == *want)
            };
            for (metric, want) in exp
                .iter()
                .filter(|(k, _)| *k != "table" && !DIMS.contains(&k.as_str()))
            {
                let found = rows
                    .iter()
                    .find(|r| here(r) && r["metric"] == metric.as_str());
                let ctx = format!("check {ci} {extra:?}: {table} {dims:?} {metric}");
                let Some(row) = found else {
                    failures.push(format!("{ctx}: no such row"));
                    continue;
                };
                let ok = match want {
                    toml::Value::String(s) => row["text"].as_str() == Some(s.as_str()),
                    toml::Value::Integer(i) => row["value"]
                        .as_f64()
                        .is_some_and(|v| (v - *i as f64).abs() < 1e-6),
                    toml::Value::Float(f) => row["value"]
                        .as_f64()
                        .is_some_and(|v| (v - f).abs() < 1e-6 * f.abs().max(1.0)),
                    toml::Value::Boolean(b) => {
                        row["value"].as_f64() == Some(f64::from(u8::from(*b)))
                    }
                    other => panic!("{ctx}: unsupported expectation {other}"),
                };
                if !ok {
                    failures.push(format!(
                        "{ctx}: expected {want}, got value {} text {}",
                        row["value"], row["text"]
                    ));
                }
            }
        }
    }
    failures
}

#[test]
fn every_metric_case_gives_its_hand_computed_numbers() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("case.toml").is_file())
        .collect();
    dirs.sort();
    assert!(
        !dirs.is_empty(),
        "expected the metric case folders, found {dirs:?}"
    );
    let mut failures = vec![];
    for d in &dirs {
        for f in run_case(d) {
            failures.push(format!("{}: {f}", d.file_name().unwrap().to_string_lossy()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
