//! New rows for a month that already has a partition are appended as one more file, the stored
//! files hard-linked as they are: a one-day append costs that day, not the month. A change to a
//! stored row, or a month at its file limit, merges the month into one file again.

use crate::common::*;
use aftermath::model::Table;

const ALERTS: &str =
    "alert_id,source,rule,title,team,severity,fingerprint,fired_at,paged,updated_at\n";

fn alerts(ids: std::ops::Range<usize>, title: &str) -> String {
    let mut s = String::from(ALERTS);
    for i in ids {
        s.push_str(&format!(
            "csv:a{i},csv,r,{title},core,SEV3,fp{i},2026-03-{:02}T00:00:00Z,true,2026-04-01T00:00:00Z\n",
            1 + i % 28
        ));
    }
    s
}

fn march_files(s: &Sandbox) -> Vec<String> {
    let dir = s.current().join("alerts/month=2026-03");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn new_rows_are_appended_as_a_file_and_a_changed_row_merges_the_month() {
    let s = Sandbox::new();
    s.write("d1/alerts.csv", alerts(0..100, "first"));
    s.ok(&["ingest", "d1"]);
    let first = march_files(&s);
    assert_eq!(first.len(), 1);

    s.write("d2/alerts.csv", alerts(100..110, "second"));
    let out = s.ok(&["ingest", "d2"]);
    assert!(
        out.contains("alerts                  10        10         0          0         0"),
        "{out}"
    );
    let appended = march_files(&s);
    assert_eq!(appended.len(), 2, "{appended:?}");
    assert!(
        appended.contains(&first[0]),
        "the stored file is kept as it is"
    );
    assert_eq!(s.frame(Table::Alerts).height(), 110);

    // A stored row changes (newer version): the month is merged into one file again.
    s.write(
        "d3/alerts.csv",
        format!(
            "{ALERTS}csv:a5,csv,r,changed,core,SEV3,fp5,2026-03-06T00:00:00Z,true,2026-05-01T00:00:00Z\n"
        ),
    );
    let out = s.ok(&["ingest", "d3"]);
    assert!(
        out.contains("alerts                   1         0         1          0         0"),
        "{out}"
    );
    assert_eq!(march_files(&s).len(), 1);
    let rows = s.rows(Table::Alerts, &["alert_id", "title"]);
    assert_eq!(rows.len(), 110);
    assert!(rows.contains(&"alert_id=csv:a5 | title=changed".to_string()));
}

#[test]
fn a_month_at_its_file_limit_is_merged_by_the_next_append() {
    let s = Sandbox::new();
    // One ingest and 15 appends: 16 files, the limit.
    for day in 0..16 {
        let from = day * 3;
        s.write(&format!("d{day}/alerts.csv"), alerts(from..from + 3, "x"));
        s.ok(&["ingest", &format!("d{day}")]);
    }
    assert_eq!(march_files(&s).len(), 16);
    s.write("d16/alerts.csv", alerts(48..51, "x"));
    s.ok(&["ingest", "d16"]);
    assert_eq!(march_files(&s).len(), 1);
    assert_eq!(s.frame(Table::Alerts).height(), 51);
}
