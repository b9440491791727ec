//! A small `--memory-budget` changes how a commit works, never what it stores. Under a budget of
//! a few kilobytes the key index of the incoming rows is built over one range of hashes at a time
//! (several passes), and the incidents are settled in parts by key hash, each part reading the
//! events again; a store built that way must equal, row for row, the store built in one pass.
//!
//! The second run exercises every case those passes split: rows that move to another month, rows
//! that lose to a newer stored row of another month, a key twice in the input in two months, and
//! incidents updated through new events only.

use crate::common::*;
use aftermath::model::Table;

/// Forces 5 passes over the 602 incoming alert rows of the second run and over a hundred parts
/// of its incidents; the default (2G) does each in one.
const TINY: &str = "4K";

const ALERTS: &str =
    "alert_id,source,rule,title,team,severity,fingerprint,fired_at,paged,updated_at\n";
const INCIDENTS: &str =
    "incident_id,source,title,team,service,severity,status,detected_at,resolved_at,updated_at\n";

fn alert(i: usize, month: usize, title: &str, updated: &str) -> String {
    format!(
        "csv:a{i},csv,r,{title},core,SEV3,fp{i},2026-{month:02}-{:02}T00:00:00Z,true,{updated}\n",
        1 + i % 28
    )
}

fn incident(i: usize, month: usize, updated: &str) -> String {
    format!(
        "csv:i{i},csv,incident {i},core,web,SEV2,resolved,2026-{month:02}-03T00:00:00Z,2026-{month:02}-04T00:00:00Z,{updated}\n"
    )
}

fn event(i: usize, n: usize, at: &str, kind: &str) -> String {
    format!(
        "{{\"event_id\":\"csv:i{i}:{n}\",\"incident_id\":\"csv:i{i}\",\"at\":\"{at}\",\"kind\":\"{kind}\",\"source\":\"csv\"}}\n"
    )
}

fn first_run(s: &Sandbox) {
    let alerts: String = (0..3000)
        .map(|i| alert(i, 1 + i % 6, "first", "2026-07-01T00:00:00Z"))
        .collect();
    s.write("d1/alerts.csv", format!("{ALERTS}{alerts}"));
    let incidents: String = (0..200)
        .map(|i| incident(i, 1 + i % 6, "2026-07-01T00:00:00Z"))
        .collect();
    s.write("d1/incidents.csv", format!("{INCIDENTS}{incidents}"));
    let events: String = (0..100)
        .flat_map(|i| {
            let m = 1 + i % 6;
            [
                event(i, 0, &format!("2026-{m:02}-03T00:00:00Z"), "triggered"),
                event(i, 1, &format!("2026-{m:02}-04T00:00:00Z"), "resolved"),
            ]
        })
        .collect();
    s.write("d1/incident_events.ndjson", events);
}

fn second_run(s: &Sandbox) {
    let mut alerts = String::from(ALERTS);
    // Moved to the next month by a newer version: removed from the stored month.
    for i in 0..500 {
        alerts.push_str(&alert(i, 2 + i % 6, "moved", "2026-08-01T00:00:00Z"));
    }
    // An older version in another month: the stored row wins and this one is dropped.
    for i in 500..600 {
        alerts.push_str(&alert(i, 2 + i % 6, "stale", "2026-06-01T00:00:00Z"));
    }
    // The same key twice in the input, in two months: the newer wins.
    alerts.push_str(&alert(600, 9, "older", "2026-08-01T00:00:00Z"));
    alerts.push_str(&alert(600, 10, "newer", "2026-09-01T00:00:00Z"));
    s.write("d2/alerts.csv", alerts);
    // Unchanged incidents, and one stale version of an incident without events whose detection
    // moved a month: the stored, newer row wins, and the stale one is dropped by its number.
    let mut incidents = String::from(INCIDENTS);
    for i in (100..200).filter(|i| *i != 150) {
        incidents.push_str(&incident(i, 1 + i % 6, "2026-07-01T00:00:00Z"));
    }
    incidents.push_str(&incident(150, 8, "2026-06-01T00:00:00Z"));
    s.write("d2/incidents.csv", incidents);
    // Reopened and resolved again later: the incidents change through their events only.
    let events: String = (0..50)
        .flat_map(|i| {
            [
                event(i, 2, "2026-11-01T00:00:00Z", "reopened"),
                event(i, 3, "2026-11-02T00:00:00Z", "resolved"),
            ]
        })
        .collect();
    s.write("d2/incident_events.ndjson", events);
}

fn store_with(budget: &str) -> Sandbox {
    let s = Sandbox::new();
    first_run(&s);
    s.ok(&["ingest", "d1", "--memory-budget", budget]);
    second_run(&s);
    s.ok(&["ingest", "d2", "--memory-budget", budget]);
    s
}

fn all_rows(s: &Sandbox, table: Table) -> Vec<String> {
    let cols: Vec<&str> = table.spec().columns.iter().map(|c| c.name).collect();
    s.rows(table, &cols)
}

#[test]
fn a_tiny_budget_stores_exactly_what_one_pass_stores() {
    let (tiny, big) = (store_with(TINY), store_with("2G"));
    for table in Table::ALL {
        assert_eq!(
            all_rows(&tiny, table),
            all_rows(&big, table),
            "{table} differs"
        );
    }
    // And what one pass stores is right: values worked out from the inputs above.
    let alerts = tiny.rows(Table::Alerts, &["alert_id", "title", "fired_at"]);
    assert_eq!(alerts.len(), 3000, "every key once");
    let find = |id: &str| {
        alerts
            .iter()
            .find(|r| r.starts_with(&format!("alert_id={id} ")))
            .unwrap()
            .clone()
    };
    assert_eq!(
        find("csv:a0"),
        "alert_id=csv:a0 | title=moved | fired_at=2026-02-01T00:00:00Z"
    );
    assert_eq!(
        find("csv:a500"),
        "alert_id=csv:a500 | title=first | fired_at=2026-03-25T00:00:00Z"
    );
    assert_eq!(
        find("csv:a600"),
        "alert_id=csv:a600 | title=newer | fired_at=2026-10-13T00:00:00Z"
    );
    let incidents = tiny.rows(
        Table::Incidents,
        &["incident_id", "detected_at", "reopen_count", "updated_at"],
    );
    assert_eq!(incidents.len(), 200);
    assert!(incidents.contains(
        &"incident_id=csv:i150 | detected_at=2026-01-03T00:00:00Z | reopen_count=0 | updated_at=2026-07-01T00:00:00Z"
            .to_string()
    ));
    assert!(
        incidents
            .iter()
            .any(|r| r.starts_with("incident_id=csv:i0 ") && r.contains("reopen_count=1")),
        "{incidents:?}"
    );
}
