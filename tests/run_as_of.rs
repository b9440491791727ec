//! `run --as-of T` is reproducible: ingesting data newer than T (new incidents, alerts and action
//! items, and later resolutions and completions of rows the store already holds) changes no figure
//! of any report or of the tidy metric table written for T. Only the provenance of the store may
//! differ: the "last ingest" instant.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;
use crate::run::sample_sandbox;

const AS_OF: &str = "2026-10-21";
/// After every fact of the sample data (it ends 2026-11-15).
const LATER: &str = "2026-11-20T10:00:00Z";

/// Every file `run` wrote under `reports/`, by relative path, the provenance masked.
fn reports(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let provenance = regex::Regex::new(r"last ingest [0-9T:Z-]+").unwrap();
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir.join("reports")) {
        let e = e.unwrap();
        if !e.file_type().is_file() {
            continue;
        }
        let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
        let bytes = std::fs::read(e.path()).unwrap();
        let bytes = match String::from_utf8(bytes) {
            Ok(t) => provenance
                .replace_all(&t, "last ingest X")
                .into_owned()
                .into_bytes(),
            Err(e) => e.into_bytes(),
        };
        out.insert(rel, bytes);
    }
    out
}

fn run_as_of(s: &Sandbox) -> BTreeMap<String, Vec<u8>> {
    let _ = std::fs::remove_dir_all(s.path("reports"));
    let out = std::process::Command::new(BIN)
        .current_dir(s.dir.path())
        .args(["run", "--as-of", AS_OF])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    reports(s.dir.path())
}

/// The sample's unresolved incidents resolved at `LATER`, and one new SEV1 detected then.
fn later_incidents(root: &Path) -> String {
    let mut r = csv::Reader::from_path(root.join("sample_data/incidents.csv")).unwrap();
    let header = r.headers().unwrap().clone();
    let pos = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (status, resolved, updated) = (pos("status"), pos("resolved_at"), pos("updated_at"));
    let mut w = csv::Writer::from_writer(vec![]);
    w.write_record(&header).unwrap();
    let mut changed = 0;
    for row in r.records() {
        let mut row: Vec<String> = row.unwrap().iter().map(String::from).collect();
        if row[status] != "resolved" {
            row[status] = "resolved".into();
            row[resolved] = LATER.into();
            row[updated] = LATER.into();
            w.write_record(&row).unwrap();
            changed += 1;
        }
    }
    assert!(
        changed > 0,
        "the sample has open incidents to resolve later"
    );
    let mut new: Vec<String> = vec![String::new(); header.len()];
    for (k, v) in [
        ("incident_id", "csv:later-1"),
        ("source", "csv"),
        ("source_id", "later-1"),
        ("title", "Card payments failing"),
        ("team", "payments"),
        ("severity", "SEV1"),
        ("status", "open"),
        ("kind", "normal"),
        ("detected_at", LATER),
        ("updated_at", LATER),
    ] {
        new[pos(k)] = v.into();
    }
    w.write_record(&new).unwrap();
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// The sample's open action items completed at `LATER`, and one new item created then.
fn later_action_items(root: &Path) -> String {
    let text = std::fs::read_to_string(root.join("sample_data/action_items.json")).unwrap();
    let items: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let mut out: Vec<serde_json::Value> = items
        .into_iter()
        .filter(|i| i["status"] == "open")
        .map(|mut i| {
            i["status"] = "done".into();
            i["completed_at"] = LATER.into();
            i
        })
        .collect();
    assert!(!out.is_empty(), "the sample has open action items");
    let mut new = out[0].clone();
    new["action_item_id"] = "csv:later-1:ai-1".into();
    new["created_at"] = LATER.into();
    out.push(new);
    serde_json::to_string(&out).unwrap()
}

#[test]
fn run_as_of_gives_the_same_reports_and_metrics_after_a_later_ingest_of_newer_data() {
    let s = sample_sandbox();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let before = run_as_of(&s);
    assert!(
        before.keys().any(|k| k.ends_with("metrics.parquet")),
        "{before:?}"
    );

    s.write("later/incidents.csv", later_incidents(root));
    s.write("later/action_items.json", later_action_items(root));
    s.write(
        "later/alerts.csv",
        format!(
            "alert_id,source,rule,title,team,severity,fingerprint,fired_at,paged,updated_at\n\
             csv:later-a1,csv,cpu,cpu high,payments,SEV2,later,{LATER},true,{LATER}\n"
        ),
    );
    let out = std::process::Command::new(BIN)
        .current_dir(s.dir.path())
        .args(["ingest", "later"])
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("updated"), "{stdout}");

    let after = run_as_of(&s);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    let differ: Vec<&String> = before
        .iter()
        .filter(|(k, v)| after[*k] != **v)
        .map(|(k, _)| k)
        .collect();
    assert!(differ.is_empty(), "files that changed: {differ:?}");
}
