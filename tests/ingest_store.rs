//! Ingest round trips through the store: every timestamp form to exact microseconds, upsert with
//! the newest version winning, idempotent re-ingest, lifecycle derived from events, rows moving
//! between months, the writer lock and a writer killed mid-commit.

use aftermath::model::Table;
use aftermath::store::{Store, WriteLock};

use crate::common::*;

/// 2026-11-03T14:05:00Z in microseconds.
const T: i64 = 1_793_714_700_000_000;

const HEADER: &str = "incident_id,source,source_id,title,team,service,severity,status,detected_at,resolved_at,updated_at\n";

#[test]
fn timestamps_in_every_supported_form_land_as_exact_utc_microseconds() {
    let s = Sandbox::new();
    s.write(
        "in/incidents.csv",
        format!(
            "{HEADER}\
             t:z,t,z,Z suffix,a,,P1,open,2026-11-03T14:05:00Z,,\n\
             t:off,t,off,positive offset,a,,P1,open,2026-11-03T19:35:00+05:30,,\n\
             t:neg,t,neg,negative offset,a,,P1,open,2026-11-03T09:05:00-05:00,,\n\
             t:frac9,t,frac9,nine fraction digits,a,,P1,open,2026-11-03T14:05:00.123456789Z,,\n\
             t:frac1,t,frac1,one fraction digit,a,,P1,open,2026-11-03T14:05:00.5Z,,\n\
             t:naive,t,naive,naive in --timezone,a,,P1,open,2026-11-03 15:05,,\n\
             t:naivesec,t,naivesec,naive with seconds,a,,P1,open,2026-11-03 15:05:07,,\n\
             t:s,t,s,epoch seconds,a,,P1,open,1793714700,,\n\
             t:ms,t,ms,epoch milliseconds,a,,P1,open,1793714700123,,\n\
             t:ns,t,ns,epoch nanoseconds,a,,P1,open,1793714700123456789,,\n\
             t:zero,t,zero,zero time is null,a,,P1,resolved,2026-11-03T14:05:00Z,0001-01-01T00:00:00Z,\n"
        ),
    );
    s.ok(&["ingest", "in", "--timezone", "Europe/Berlin"]);
    let df = sorted(s.frame(Table::Incidents), "incident_id");
    let ids = strs(&df, "incident_id");
    let got: Vec<(String, Option<i64>)> = ids
        .into_iter()
        .map(Option::unwrap)
        .zip(micros(&df, "detected_at"))
        .collect();
    let want = [
        ("t:frac1", T + 500_000),
        ("t:frac9", T + 123_456),
        ("t:ms", T + 123_000),
        ("t:naive", T),
        ("t:naivesec", T + 7_000_000),
        ("t:neg", T),
        ("t:ns", T + 123_456),
        ("t:off", T),
        ("t:s", T),
        ("t:z", T),
        ("t:zero", T),
    ];
    assert_eq!(got, want.map(|(i, t)| (i.to_string(), Some(t))).to_vec());
    // The zero time is null, not year 1; updated_at defaults to the latest known instant.
    assert!(micros(&df, "resolved_at").iter().all(Option::is_none));
    assert_eq!(micros(&df, "updated_at")[0], Some(T + 500_000));
    // Severity mapped through the built-in map, the raw value kept.
    assert_eq!(strs(&df, "severity")[0].as_deref(), Some("SEV1"));
    assert_eq!(strs(&df, "severity_raw")[0].as_deref(), Some("P1"));
    assert_eq!(strs(&df, "month")[0].as_deref(), Some("2026-11"));
}

fn incident(id: &str, title: &str, detected: &str, updated: &str) -> String {
    format!(
        "{HEADER}{id},t,{},{title},a,,SEV2,open,{detected},,{updated}\n",
        id.trim_start_matches("t:")
    )
}

#[test]
fn upsert_keeps_the_newest_version_and_reingest_changes_nothing() {
    let s = Sandbox::new();
    s.write(
        "v1/incidents.csv",
        incident(
            "t:1",
            "first title",
            "2026-11-03T14:05:00Z",
            "2026-11-03T15:00:00Z",
        ),
    );
    let out = s.ok(&["ingest", "v1/incidents.csv"]);
    assert!(
        out.contains("incidents                1         1         0          0         0"),
        "{out}"
    );

    // Same file again, read again: nothing changes on disk, and the run says so.
    let before = s.parquet_files();
    let out = s.ok(&["ingest", "--force", "v1/incidents.csv"]);
    assert!(
        out.contains("incidents                1         0         0          1         0"),
        "{out}"
    );
    assert_eq!(s.parquet_files(), before);

    // An older version loses.
    s.write(
        "v0/incidents.csv",
        incident(
            "t:1",
            "stale title",
            "2026-11-03T14:05:00Z",
            "2026-11-03T14:30:00Z",
        ),
    );
    s.ok(&["ingest", "v0/incidents.csv"]);
    assert_eq!(
        strs(&s.frame(Table::Incidents), "title"),
        [Some("first title".into())]
    );

    // A newer one wins, and an equal version from a later file wins too.
    s.write(
        "v2/incidents.csv",
        incident(
            "t:1",
            "new title",
            "2026-11-03T14:05:00Z",
            "2026-11-03T16:00:00Z",
        ),
    );
    let out = s.ok(&["ingest", "v2/incidents.csv"]);
    assert!(
        out.contains("incidents                1         0         1          0         0"),
        "{out}"
    );
    s.write(
        "v3/incidents.csv",
        incident(
            "t:1",
            "same version; later file",
            "2026-11-03T14:05:00Z",
            "2026-11-03T16:00:00Z",
        ),
    );
    s.ok(&["ingest", "v3/incidents.csv"]);
    let df = s.frame(Table::Incidents);
    assert_eq!(df.height(), 1);
    assert_eq!(
        strs(&df, "title"),
        [Some("same version; later file".into())]
    );

    // Within one input, duplicates of a key collapse to the newest.
    s.write(
        "dup/incidents.csv",
        format!(
            "{HEADER}t:2,t,2,older,a,,SEV2,open,2026-10-01T00:00:00Z,,2026-10-01T02:00:00Z\n\
             t:2,t,2,newest,a,,SEV2,open,2026-10-01T00:00:00Z,,2026-10-01T03:00:00Z\n\
             t:2,t,2,old again,a,,SEV2,open,2026-10-01T00:00:00Z,,2026-10-01T01:00:00Z\n"
        ),
    );
    s.ok(&["ingest", "dup"]);
    let df = sorted(s.frame(Table::Incidents), "incident_id");
    assert_eq!(
        strs(&df, "title"),
        [
            Some("same version; later file".into()),
            Some("newest".into())
        ]
    );
}

#[test]
fn a_row_whose_instant_moves_to_another_month_leaves_its_old_partition() {
    let s = Sandbox::new();
    s.write(
        "a/incidents.csv",
        incident("t:1", "x", "2026-10-31T23:00:00Z", "2026-10-31T23:00:00Z"),
    );
    s.ok(&["ingest", "a"]);
    assert!(
        s.parquet_files()
            .iter()
            .any(|(p, _)| p.starts_with("incidents/month=2026-10/"))
    );
    s.write(
        "b/incidents.csv",
        incident("t:1", "x", "2026-11-01T01:00:00Z", "2026-11-01T02:00:00Z"),
    );
    s.ok(&["ingest", "b"]);
    assert!(
        !s.store().join("incidents/month=2026-10").exists(),
        "the emptied partition is removed"
    );
    let df = s.frame(Table::Incidents);
    assert_eq!(df.height(), 1);
    assert_eq!(strs(&df, "month"), [Some("2026-11".into())]);
}

const EVENTS_HEADER: &str = "event_id,incident_id,at,kind,actor,channel,message,source\n";

#[test]
fn incident_summary_is_derived_from_its_events_even_when_they_arrive_later() {
    let s = Sandbox::new();
    // The row claims resolution at 15:00; no events yet.
    s.write(
        "a/incidents.csv",
        format!("{HEADER}t:1,t,1,db down,a,,SEV1,resolved,2026-11-03T14:05:00Z,2026-11-03T15:00:00Z,2026-11-03T15:00:00Z\n"),
    );
    s.ok(&["ingest", "a"]);
    assert_eq!(
        micros(&s.frame(Table::Incidents), "resolved_at"),
        [Some(T + 3_300_000_000)]
    );

    // The timeline says: triggered 14:00, acked 14:10 (and 14:20), resolved 15:00, reopened 15:30.
    s.write(
        "b/incident_events.csv",
        format!(
            "{EVENTS_HEADER}e1,t:1,2026-11-03T14:00:00Z,triggered,mon,auto,,t\n\
             e2,t:1,2026-11-03T14:20:00Z,acknowledged,ann,web,,t\n\
             e3,t:1,2026-11-03T14:10:00Z,acknowledged,bob,web,,t\n\
             e4,t:1,2026-11-03T15:00:00Z,resolved,ann,web,,t\n\
             e5,t:1,2026-11-03T15:30:00Z,reopened,mon,auto,,t\n"
        ),
    );
    let out = s.ok(&["ingest", "b"]);
    assert!(
        out.contains("incidents                0         0         1          0         0"),
        "{out}"
    );
    let df = s.frame(Table::Incidents);
    let min = 60_000_000;
    assert_eq!(micros(&df, "detected_at"), [Some(T - 5 * min)]);
    assert_eq!(micros(&df, "acknowledged_at"), [Some(T + 5 * min)]);
    assert_eq!(
        micros(&df, "resolved_at"),
        [None],
        "reopened and not resolved again"
    );
    assert_eq!(
        df.column("reopen_count").unwrap().u32().unwrap().get(0),
        Some(1)
    );
    // Regression: the status followed the source row ("resolved") while the events reopened it.
    assert_eq!(strs(&df, "status"), [Some("open".to_string())]);

    // Resolved again later: resolved_at is the last resolution.
    s.write(
        "c/incident_events.csv",
        format!("{EVENTS_HEADER}e6,t:1,2026-11-03T16:00:00Z,resolved,ann,web,,t\n"),
    );
    s.ok(&["ingest", "c"]);
    let df = s.frame(Table::Incidents);
    assert_eq!(micros(&df, "resolved_at"), [Some(T + 115 * min)]);
    assert_eq!(strs(&df, "status"), [Some("resolved".to_string())]);
    // An event without an id gets a stable one: ingesting it twice stores it once.
    s.write(
        "d/incident_events.csv",
        format!("{EVENTS_HEADER},t:1,2026-11-03T14:30:00Z,note,ann,,looking,t\n"),
    );
    s.ok(&["ingest", "d"]);
    s.ok(&["ingest", "d"]);
    let ev = s.frame(Table::IncidentEvents);
    assert_eq!(ev.height(), 7);
    assert!(
        strs(&ev, "event_id")
            .iter()
            .flatten()
            .any(|id| id.starts_with("t:1:ev-"))
    );
}

#[test]
fn a_second_writer_fails_at_once_with_a_clear_message() {
    let s = Sandbox::new();
    s.write(
        "a/incidents.csv",
        incident("t:1", "x", "2026-11-03T14:05:00Z", "2026-11-03T14:05:00Z"),
    );
    std::fs::create_dir_all(s.store()).unwrap();
    let lock = WriteLock::acquire(&s.store()).unwrap();
    let out = s.run(&["ingest", "a"]);
    assert_eq!(out.status.code(), Some(3));
    let err = text(&out.stderr);
    assert!(
        err.contains("is locked by another aftermath writer (pid "),
        "{err}"
    );
    drop(lock);
    s.ok(&["ingest", "a"]);
}

#[test]
fn a_writer_killed_mid_commit_leaves_the_previous_state_intact() {
    let s = Sandbox::new();
    s.write(
        "small/incidents.csv",
        incident("t:1", "x", "2026-11-03T14:05:00Z", "2026-11-03T14:05:00Z"),
    );
    s.ok(&["ingest", "small"]);
    let before = s.parquet_files();
    let generated = s.ok(&[
        "generate",
        "--out",
        "big",
        "--teams",
        "6",
        "--weeks",
        "30",
        "--scale",
        "4",
        "--no-dirty",
    ]);
    let alerts: usize = generated
        .split(" incident events, ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .unwrap()
        .parse()
        .unwrap();

    let mut child = std::process::Command::new(BIN)
        .current_dir(s.dir.path())
        .args(["--store", s.store().to_str().unwrap(), "ingest", "big"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it as soon as it starts writing partition files (its draft appears).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let mut saw_temp = false;
    while std::time::Instant::now() < deadline && child.try_wait().unwrap().is_none() {
        let temp = s.store().join("_staging").exists();
        if temp {
            saw_temp = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().ok();
    child.wait().unwrap();
    if !saw_temp {
        eprintln!(
            "note: the ingest finished before it could be killed mid-write; checking the end state only"
        );
    }
    // A reader sees either the old state or the complete new one, never a mix; the next writer
    // cleans up whatever the killed one left.
    let store = Store::at(s.store());
    let n = store
        .scan(Table::Alerts)
        .unwrap()
        .collect()
        .unwrap()
        .height();
    assert!(
        n == 0 || n == alerts,
        "{n} alerts visible: neither the old state (0) nor the new one ({alerts})"
    );
    if n == 0 {
        assert_eq!(
            s.parquet_files(),
            before,
            "the old state is intact to the byte"
        );
    }
    s.ok(&["ingest", "small"]);
    let leftovers: Vec<_> = walkdir::WalkDir::new(s.store())
        .into_iter()
        .flatten()
        .filter(|e| {
            e.file_name().to_string_lossy().contains(".tmp-") || e.file_name() == "_staging"
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

const ALERTS: &str =
    "alert_id,source,rule,title,team,severity,fingerprint,fired_at,paged,updated_at\n";

fn alert(id: &str, fired: &str, updated: &str) -> String {
    format!("csv:{id},csv,r,{id} {fired},core,SEV3,fp-{id},{fired},true,{updated}\n")
}

/// (alert id, month, title) of every stored alert, sorted.
fn alert_rows(s: &Sandbox) -> Vec<String> {
    let mut rows = s.rows(Table::Alerts, &["alert_id", "month", "title"]);
    rows.sort();
    rows
}

#[test]
fn a_key_in_two_months_of_one_run_keeps_the_newest_version_and_on_a_tie_the_later_row() {
    let s = Sandbox::new();
    // The rows of a run are split by month before the upsert; the winner must not depend on it.
    s.write(
        "in/alerts-1.csv",
        format!(
            "{ALERTS}{}{}",
            alert("x", "2026-01-10T00:00:00Z", "2026-05-02T00:00:00Z"),
            alert("y", "2026-01-10T00:00:00Z", "2026-05-01T00:00:00Z")
        ),
    );
    s.write(
        "in/alerts-2.csv",
        format!(
            "{ALERTS}{}{}",
            alert("x", "2026-03-10T00:00:00Z", "2026-05-01T00:00:00Z"),
            alert("y", "2026-02-10T00:00:00Z", "2026-05-01T00:00:00Z")
        ),
    );
    let out = s.ok(&["ingest", "in"]);
    assert!(
        out.contains("alerts                   4         2         0          2         0"),
        "{out}"
    );
    assert_eq!(
        alert_rows(&s),
        vec![
            "alert_id=csv:x | month=2026-01 | title=x 2026-01-10T00:00:00Z",
            "alert_id=csv:y | month=2026-02 | title=y 2026-02-10T00:00:00Z"
        ]
    );
    assert!(
        !s.store().join("_staging").exists(),
        "the spilled rows were left behind"
    );
}

/// Regression for the upsert's shortcut: a month none of whose incoming keys repeats skips the
/// per-key choice, so a month where one does must still get it (newest version, then the later
/// row), beside a month with nothing repeated.
#[test]
fn a_key_twice_in_one_month_of_one_run_keeps_the_newest_version_and_on_a_tie_the_later_row() {
    let s = Sandbox::new();
    let fired = |day: u32| format!("2026-01-{day:02}T00:00:00Z");
    s.write(
        "in/alerts.csv",
        format!(
            "{ALERTS}{}{}{}{}{}",
            alert("x", &fired(10), "2026-05-02T00:00:00Z"),
            alert("x", &fired(11), "2026-05-01T00:00:00Z"),
            alert("y", &fired(12), "2026-05-01T00:00:00Z"),
            alert("y", &fired(13), "2026-05-01T00:00:00Z"),
            alert("z", "2026-02-10T00:00:00Z", "2026-05-01T00:00:00Z"),
        ),
    );
    let out = s.ok(&["ingest", "in"]);
    assert!(
        out.contains("alerts                   5         3         0          2         0"),
        "{out}"
    );
    assert_eq!(
        alert_rows(&s),
        vec![
            "alert_id=csv:x | month=2026-01 | title=x 2026-01-10T00:00:00Z",
            "alert_id=csv:y | month=2026-01 | title=y 2026-01-13T00:00:00Z",
            "alert_id=csv:z | month=2026-02 | title=z 2026-02-10T00:00:00Z",
        ]
    );
}

#[test]
fn a_stored_row_newer_than_an_incoming_one_of_another_month_stays_where_it_is() {
    let s = Sandbox::new();
    s.write(
        "a/alerts.csv",
        format!(
            "{ALERTS}{}{}",
            alert("z", "2026-04-10T00:00:00Z", "2026-06-01T00:00:00Z"),
            alert("w", "2026-04-10T00:00:00Z", "2026-06-01T00:00:00Z")
        ),
    );
    s.ok(&["ingest", "a"]);
    s.write(
        "b/alerts.csv",
        format!(
            "{ALERTS}{}{}",
            alert("z", "2026-05-10T00:00:00Z", "2026-05-01T00:00:00Z"),
            alert("w", "2026-05-10T00:00:00Z", "2026-07-01T00:00:00Z")
        ),
    );
    let out = s.ok(&["ingest", "b"]);
    // z: the stored row is newer, so nothing changes; w: newer, moves to May (an update).
    assert!(
        out.contains("alerts                   2         0         1          1         0"),
        "{out}"
    );
    assert_eq!(
        alert_rows(&s),
        vec![
            "alert_id=csv:w | month=2026-05 | title=w 2026-05-10T00:00:00Z",
            "alert_id=csv:z | month=2026-04 | title=z 2026-04-10T00:00:00Z"
        ]
    );
}
