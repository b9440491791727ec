//! Large files are typed on two threads a chunk of records at a time: what the user sees must be
//! what reading them one record after another gives. Rejections in input order, the first error
//! in input order under `--strict`, exact counts, and the later of two tied rows winning, on
//! files of many chunks.

use crate::common::*;
use aftermath::model::Table;

const ALERTS: &str =
    "alert_id,source,rule,title,team,severity,fingerprint,fired_at,paged,updated_at\n";

/// `n` alerts; the rows at `bad` (0-based) have an unreadable fired_at.
fn alerts_csv(n: usize, bad: &[usize]) -> String {
    let mut s = String::from(ALERTS);
    for i in 0..n {
        let fired = if bad.contains(&i) {
            "not a time".to_string()
        } else {
            format!("2026-03-{:02}T{:02}:00:00Z", 1 + i % 28, i % 24)
        };
        s.push_str(&format!(
            "csv:a{i},csv,r,alert {i},core,SEV3,fp{i},{fired},true,2026-04-01T00:00:00Z\n"
        ));
    }
    s
}

/// `n` alerts as NDJSON; the lines at `bad` (0-based) are not JSON.
fn alerts_ndjson(n: usize, bad: &[usize]) -> String {
    let mut s = String::new();
    for i in 0..n {
        if bad.contains(&i) {
            s.push_str("{not json\n");
            continue;
        }
        s.push_str(&format!(
            r#"{{"alert_id":"ndjson:b{i}","source":"ndjson","rule":"r","title":"b {i}","team":"core","severity":"SEV3","fingerprint":"fp{i}","fired_at":"2026-03-02T00:00:00Z","paged":true,"updated_at":"2026-04-01T00:00:00Z"}}"#
        ));
        s.push('\n');
    }
    s
}

#[test]
fn rejections_of_a_many_chunk_file_are_logged_in_input_order_with_exact_counts() {
    let s = Sandbox::new();
    // Bad rows in the first, middle and last chunks of each file (chunks are 4096 records).
    s.write("in/alerts-1.csv", alerts_csv(20_000, &[3, 9_000, 19_999]));
    s.write(
        "in/alerts-2.ndjson",
        alerts_ndjson(12_000, &[1, 4_500, 11_000]),
    );
    let out = s.ok(&["ingest", "in"]);
    assert!(
        out.contains("alerts               32000     31994         0          0         6"),
        "{out}"
    );
    let got: Vec<(String, u64)> = s
        .rejected()
        .iter()
        .map(|r| (r.file.rsplit('/').next().unwrap().to_string(), r.line))
        .collect();
    let want: Vec<(String, u64)> = [
        ("alerts-1.csv", 5),
        ("alerts-1.csv", 9_002),
        ("alerts-1.csv", 20_001),
        ("alerts-2.ndjson", 2),
        ("alerts-2.ndjson", 4_501),
        ("alerts-2.ndjson", 11_001),
    ]
    .iter()
    .map(|(f, l)| (f.to_string(), *l))
    .collect();
    assert_eq!(got, want);
    assert_eq!(s.frame(Table::Alerts).height(), 31_994);
}

#[test]
fn strict_names_the_first_bad_row_in_input_order() {
    let s = Sandbox::new();
    // The first bad row is deep in the file; a later chunk holds another, which a thread may
    // reach first.
    s.write("in/alerts.csv", alerts_csv(30_000, &[12_345, 25_000]));
    let out = s.run(&["ingest", "--strict", "in"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("alerts.csv:12347"), "{err}");
    assert!(!s.current().exists(), "a failed --strict run wrote a store");
}

#[test]
fn of_two_tied_rows_in_distant_chunks_the_later_wins() {
    let s = Sandbox::new();
    let mut csv = alerts_csv(20_000, &[]);
    // The same key and version as row 1, further down: it is the later input row.
    csv.push_str(
        "csv:a1,csv,r,the later copy,core,SEV3,fp1,2026-03-02T01:00:00Z,true,2026-04-01T00:00:00Z\n",
    );
    s.write("in/alerts.csv", csv);
    s.ok(&["ingest", "in"]);
    let rows = s.rows(Table::Alerts, &["alert_id", "title"]);
    assert!(
        rows.contains(&"alert_id=csv:a1 | title=the later copy".to_string()),
        "{:?}",
        rows.iter()
            .filter(|r| r.contains("csv:a1 "))
            .collect::<Vec<_>>()
    );
    assert_eq!(rows.len(), 20_000);
}
