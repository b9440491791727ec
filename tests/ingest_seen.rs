//! Files the store already holds are skipped by content: the same bytes under the same name with
//! the same settings are not read again; a changed file, another name or another config is read;
//! `--force` reads everything; each run records what it read.

use crate::common::*;
use aftermath::model::Table;

const ALERTS: &str =
    "alert_id,source,rule,title,team,severity,fingerprint,fired_at,paged,updated_at\n";

fn alert(i: usize, team: &str) -> String {
    format!(
        "csv:a{i},csv,r,alert {i},{team},SEV3,fp{i},2026-03-02T0{i}:00:00Z,true,2026-04-01T00:00:00Z\n"
    )
}

#[test]
fn a_file_already_ingested_is_skipped_and_a_changed_one_is_read() {
    let s = Sandbox::new();
    s.write(
        "in/alerts.csv",
        format!("{ALERTS}{}{}", alert(1, "core"), alert(2, "core")),
    );
    s.write(
        "in/oncall_shifts.csv",
        "team,person,timezone,starts_at,ends_at\ncore,ann,UTC,2026-03-01T00:00:00Z,2026-03-08T00:00:00Z\n",
    );
    s.ok(&["ingest", "in"]);

    let out = s.ok(&["ingest", "in"]);
    assert!(
        out.contains("skipped 2 file(s) the store already holds"),
        "{out}"
    );
    assert!(out.contains("nothing new to ingest"), "{out}");
    let meta = std::fs::read_to_string(s.current().join("_store.json")).unwrap();
    let meta: serde_json::Value = serde_json::from_str(&meta).unwrap();
    assert_eq!(
        meta["runs"].as_array().map(Vec::len),
        Some(1),
        "a run that read nothing committed nothing"
    );

    // One file grows: only it is read.
    s.write(
        "in/alerts.csv",
        format!(
            "{ALERTS}{}{}{}",
            alert(1, "core"),
            alert(2, "core"),
            alert(3, "core")
        ),
    );
    let out = s.ok(&["ingest", "in"]);
    assert!(out.contains("skipped 1 file(s)"), "{out}");
    assert!(
        out.contains("alerts                   3         1         0          2         0"),
        "{out}"
    );
    assert_eq!(s.frame(Table::Alerts).height(), 3);

    // The same bytes under another name may mean another table: read.
    std::fs::create_dir_all(s.path("again")).unwrap();
    std::fs::copy(s.path("in/alerts.csv"), s.path("again/alerts-copy.csv")).unwrap();
    let out = s.ok(&["ingest", "again"]);
    assert!(
        out.contains("alerts                   3         0         0          3         0"),
        "{out}"
    );

    // --force reads what would be skipped.
    let out = s.ok(&["ingest", "--force", "in"]);
    assert!(!out.contains("skipped"), "{out}");
    assert!(
        out.contains("alerts                   3         0         0          3         0"),
        "{out}"
    );
}

#[test]
fn a_config_change_that_shapes_rows_makes_the_same_file_read_again() {
    let s = Sandbox::new();
    s.write("in/alerts.csv", format!("{ALERTS}{}", alert(1, "core-old")));
    s.ok(&["ingest", "in"]);
    assert_eq!(s.rows(Table::Alerts, &["team"]), ["team=core-old"]);
    // The team is renamed through an alias: the rows read from the same file change.
    s.write(
        "aftermath.toml",
        "[teams.core]\ntimezone = \"UTC\"\naliases = [\"core-old\"]\n",
    );
    let out = s.ok(&["--config", "aftermath.toml", "ingest", "in"]);
    assert!(!out.contains("skipped"), "{out}");
    assert_eq!(s.rows(Table::Alerts, &["team"]), ["team=core"]);
    // A threshold of the metrics does not shape rows: skipped.
    s.write(
        "aftermath.toml",
        "[teams.core]\ntimezone = \"UTC\"\naliases = [\"core-old\"]\n\n[thresholds]\ntransient_seconds = 120\n",
    );
    let out = s.ok(&["--config", "aftermath.toml", "ingest", "in"]);
    assert!(out.contains("skipped 1 file(s)"), "{out}");
}

#[test]
fn each_run_records_the_size_and_blake3_of_what_it_read() {
    let s = Sandbox::new();
    let text = format!("{ALERTS}{}", alert(1, "core"));
    s.write("in/alerts.csv", &text);
    s.ok(&["ingest", "in"]);
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(s.current().join("_store.json")).unwrap())
            .unwrap();
    let files = &meta["runs"][0]["files"];
    assert_eq!(files.as_array().map(Vec::len), Some(1), "{meta}");
    assert_eq!(files[0]["bytes"], text.len() as u64);
    assert_eq!(
        files[0]["blake3"],
        blake3::hash(text.as_bytes()).to_hex().to_string()
    );
    assert!(files[0]["path"].as_str().unwrap().ends_with("alerts.csv"));
}
