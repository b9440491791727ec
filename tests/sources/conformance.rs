//! The conformance check every connector passes, run over its fixtures in `tests/fixtures/<name>`:
//! nothing rejected, the exact schema of every table, lifecycle instants in order, events that
//! point at stored incidents, ids that are stable across stores, `--source auto` finding the same
//! connector, and a re-ingest that changes nothing. Then every real payload of `../shared/formats`
//! is ingested with `--source auto`, file by file and all together into one store.

use std::path::{Path, PathBuf};

use aftermath::ingest::source::NAMES;
use aftermath::model::{ColumnType, Table};
use aftermath::store::StoreMeta;
use polars::prelude::*;

use crate::common::*;

fn fixtures(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The fixture folder name of a connector (the `csv` connector's module is `csvmap`).
fn connectors() -> Vec<&'static str> {
    NAMES.to_vec()
}

/// The counts of the last run in the store's `_store.json`, summed over tables.
fn last_run(s: &Sandbox) -> (u64, u64, u64, u64) {
    let meta = StoreMeta::read(&s.current()).unwrap();
    let run = meta.runs.last().expect("a run was recorded");
    run.tables.values().fold((0, 0, 0, 0), |a, c| {
        (
            a.0 + c.read,
            a.1 + c.inserted,
            a.2 + c.updated,
            a.3 + c.rejected,
        )
    })
}

fn expected_dtype(ty: ColumnType) -> DataType {
    match ty {
        ColumnType::Text | ColumnType::Json => DataType::String,
        ColumnType::Timestamp => DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC)),
        ColumnType::UInt32 => DataType::UInt32,
        ColumnType::Bool => DataType::Boolean,
    }
}

/// Every table's columns, in order and with their types, then the partition column.
fn assert_schema(s: &Sandbox, source: &str) {
    for table in Table::ALL {
        let df = s.frame(table);
        let got: Vec<(String, DataType)> = df
            .schema()
            .iter()
            .map(|(n, t)| (n.to_string(), t.clone()))
            .collect();
        let mut want: Vec<(String, DataType)> = table
            .spec()
            .columns
            .iter()
            .map(|c| (c.name.to_string(), expected_dtype(c.ty)))
            .collect();
        want.push(("month".to_string(), DataType::String));
        assert_eq!(got, want, "{source}: schema of {table}");
    }
}

/// impact_started <= detected <= acknowledged <= mitigated <= resolved on every incident, and an
/// alert never resolves before it fires. Hand-written fixtures are in order; a source whose data
/// is out of order keeps it (a data-quality flag for the metrics), which the fixtures do not use.
fn assert_lifecycle_order(s: &Sandbox, source: &str) {
    let df = s.frame(Table::Incidents);
    let ids = strs(&df, "incident_id");
    let cols = [
        "impact_started_at",
        "detected_at",
        "acknowledged_at",
        "mitigated_at",
        "resolved_at",
    ];
    let vals: Vec<Vec<Option<i64>>> = cols.iter().map(|c| micros(&df, c)).collect();
    for (i, id) in ids.iter().enumerate() {
        let seq: Vec<(usize, i64)> = (0..cols.len())
            .filter_map(|c| vals[c][i].map(|v| (c, v)))
            .collect();
        for w in seq.windows(2) {
            assert!(
                w[0].1 <= w[1].1,
                "{source}: incident {id:?} has {} after {}",
                cols[w[0].0],
                cols[w[1].0]
            );
        }
        let status = strs(&df, "status")[i].clone().unwrap_or_default();
        assert_eq!(
            status == "resolved",
            vals[4][i].is_some(),
            "{source}: incident {id:?} status {status} disagrees with resolved_at"
        );
    }
    let alerts = s.frame(Table::Alerts);
    let fired = micros(&alerts, "fired_at");
    let resolved = micros(&alerts, "resolved_at");
    for (i, id) in strs(&alerts, "alert_id").iter().enumerate() {
        if let (Some(f), Some(r)) = (fired[i], resolved[i]) {
            assert!(f <= r, "{source}: alert {id:?} resolves before it fires");
        }
    }
    // Every event belongs to an incident that is in the store.
    let known: std::collections::HashSet<Option<String>> = ids.into_iter().collect();
    let events = s.frame(Table::IncidentEvents);
    for inc in strs(&events, "incident_id") {
        assert!(
            known.contains(&inc),
            "{source}: event of unknown incident {inc:?}"
        );
    }
}

/// Primary keys of every table, for comparing two stores.
fn keys(s: &Sandbox) -> Vec<Vec<String>> {
    Table::ALL
        .iter()
        .map(|t| {
            let key = t.spec().primary_key[0];
            let mut v: Vec<String> = match key {
                "team" => vec![],
                _ => strs(&s.frame(*t), key).into_iter().flatten().collect(),
            };
            v.sort();
            v
        })
        .collect()
}

#[test]
fn every_connector_passes_the_shared_check() {
    let mut checked = vec![];
    for name in connectors() {
        let dir = fixtures(name);
        assert!(dir.is_dir(), "{name}: no fixtures in {}", dir.display());
        let dir = dir.display().to_string();
        let s = Sandbox::new();
        s.ok(&["ingest", "--source", name, &dir]);
        let (read, inserted, _, rejected) = last_run(&s);
        assert!(read > 0, "{name}: the fixtures gave no rows");
        assert_eq!(
            rejected, 0,
            "{name}: fixtures must ingest without rejections"
        );
        assert!(inserted > 0, "{name}: nothing inserted");
        assert_schema(&s, name);
        assert_lifecycle_order(&s, name);
        for id in strs(&s.frame(Table::Incidents), "incident_id")
            .into_iter()
            .chain(strs(&s.frame(Table::Alerts), "alert_id"))
            .flatten()
        {
            let src = id.split(':').next().unwrap_or_default().to_string();
            assert!(
                name == "csv" || src == name,
                "{name}: id {id:?} lacks the source prefix"
            );
        }

        // Re-ingest with --source auto: the same connector claims every file, nothing changes.
        let before = s.parquet_files();
        let out = s.ok(&["ingest", "--source", "auto", &dir]);
        let claimed = out
            .lines()
            .filter(|l| l.contains(&format!(": {name} (")))
            .count();
        let files = walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| {
                e.file_type().is_file()
                    && e.path().extension().is_some_and(|x| {
                        ["json", "ndjson", "jsonl", "csv"].contains(&x.to_str().unwrap_or(""))
                    })
            })
            .count();
        assert_eq!(
            claimed, files,
            "{name}: --source auto claimed {claimed} of {files} files:\n{out}"
        );
        let (_, inserted, updated, rejected) = last_run(&s);
        assert_eq!(
            (inserted, updated, rejected),
            (0, 0, 0),
            "{name}: re-ingest changed the store"
        );
        assert_eq!(s.parquet_files(), before, "{name}: re-ingest rewrote files");

        // Ids are stable: a fresh store gets the same keys.
        let t = Sandbox::new();
        t.ok(&["ingest", "--source", name, &dir]);
        assert_eq!(keys(&s), keys(&t), "{name}: ids differ between two stores");
        checked.push(name);
    }
    assert_eq!(checked.len(), NAMES.len());
}

/// Each real payload is detected as the tool of its folder and read without a rejection.
#[test]
fn every_shared_payload_is_detected_and_read_without_rejections() {
    let Some(root) = shared_formats() else {
        println!("skipped: ../shared/formats is absent");
        return;
    };
    let mut seen = 0;
    for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let entry = entry.unwrap();
        let p = entry.path();
        let Some(ext) = p.extension().and_then(|x| x.to_str()) else {
            continue;
        };
        if !entry.file_type().is_file() || !["json", "jsonl", "ndjson", "csv"].contains(&ext) {
            continue;
        }
        let folder = p
            .parent()
            .and_then(|d| d.file_name())
            .and_then(|d| d.to_str())
            .unwrap();
        let s = Sandbox::new();
        let out = s.ok(&["ingest", "--source", "auto", &p.display().to_string()]);
        assert!(
            out.contains(&format!(": {folder} (")),
            "{} not detected as {folder}:\n{out}",
            p.display()
        );
        let (_, _, _, rejected) = last_run(&s);
        assert_eq!(rejected, 0, "{}: rejected rows:\n{out}", p.display());
        seen += 1;
    }
    assert!(
        seen >= 20,
        "only {seen} payloads found in {}",
        root.display()
    );
}

/// One command over the whole folder of mixed real exports fills one store.
#[test]
fn a_folder_of_mixed_real_exports_fills_one_store() {
    let Some(root) = shared_formats() else {
        println!("skipped: ../shared/formats is absent");
        return;
    };
    let s = Sandbox::new();
    let out = s.ok(&["ingest", "--source", "auto", &root.display().to_string()]);
    let (_, _, _, rejected) = last_run(&s);
    assert_eq!(rejected, 0, "{out}");
    let sources: std::collections::BTreeSet<String> = strs(&s.frame(Table::Incidents), "source")
        .into_iter()
        .chain(strs(&s.frame(Table::Alerts), "source"))
        .flatten()
        .collect();
    for want in [
        "alertmanager",
        "firehydrant",
        "grafana",
        "incidentio",
        "opsgenie",
        "pagerduty",
        "servicenow",
        "statuspage",
    ] {
        assert!(sources.contains(want), "no {want} rows in {sources:?}");
    }
}
