//! Bad input: rejected rows with exact reasons in the rejected log, --strict, --max-rejected, and
//! whole-file errors (missing, not UTF-8, truncated JSON, unknown table, missing columns) that name
//! the file and line and write nothing.

use aftermath::model::Table;
use aftermath::store::Rejection;

use crate::common::*;

pub(crate) const HEADER: &str =
    "incident_id,source,source_id,title,team,severity,status,detected_at,reopen_count\n";

fn rejected_log(s: &Sandbox) -> Vec<Rejection> {
    let dir = s.current().join("_rejected");
    let mut out = vec![];
    for e in std::fs::read_dir(dir).unwrap() {
        for line in std::fs::read_to_string(e.unwrap().path()).unwrap().lines() {
            out.push(serde_json::from_str(line).unwrap());
        }
    }
    out
}

#[test]
fn bad_rows_are_logged_with_file_line_reason_and_raw_text() {
    let s = Sandbox::new();
    s.write(
        "in/incidents.csv",
        format!(
            "{HEADER}t:1,t,1,good,a,P1,open,2026-11-03T14:05:00Z,0\n\
             t:2,t,2,bad time,a,P1,open,soon,0\n\
             t:3,t,3,,a,P1,open,2026-11-03T14:05:00Z,0\n\
             t:4,t,4,bad status,a,P1,done,2026-11-03T14:05:00Z,0\n\
             t:5,t,5,short row\n\
             t:6,t,6,dst gap,a,P1,open,2026-03-29 02:30,0\n"
        ),
    );
    let out = s.ok(&[
        "ingest",
        "in",
        "--timezone",
        "Europe/Berlin",
        "--max-rejected",
        "100%",
    ]);
    assert!(
        out.contains("incidents                6         1         0          0         5"),
        "{out}"
    );
    let log = rejected_log(&s);
    let got: Vec<(u64, &str)> = log.iter().map(|r| (r.line, r.reason.as_str())).collect();
    assert_eq!(
        got,
        [
            (
                3,
                "detected_at: cannot read \"soon\" as an instant; expected RFC 3339 (2026-11-03T14:05:00Z), \"YYYY-MM-DD HH:MM[:SS]\" or epoch seconds/ms/ns"
            ),
            (4, "title: missing; the column is required"),
            (
                5,
                "status: \"done\" is not one of: open, acknowledged, mitigated, resolved"
            ),
            (6, "the row has 4 fields but the header has 9"),
            (
                7,
                "detected_at: local time \"2026-03-29 02:30\" does not exist in Europe/Berlin (skipped by a daylight-saving change); give the instant with its UTC offset"
            ),
        ]
    );
    assert_eq!(log[0].raw, "t:2,t,2,bad time,a,P1,open,soon,0");
    assert!(log[0].file.ends_with("incidents.csv"));
    assert_eq!(log[0].table.as_deref(), Some("incidents"));
    assert_eq!(s.frame(Table::Incidents).height(), 1);
}

#[test]
fn json_rows_are_located_by_line_and_json_path() {
    let s = Sandbox::new();
    s.write(
        "in/alerts.json",
        r#"[
  {"alert_id": "x:1", "rule": "cpu", "fired_at": 1793714700, "paged": true},
  {"alert_id": "x:2", "rule": "cpu", "fired_at": 1793714700.5, "paged": true},
  {"alert_id": "x:3", "rule": "cpu", "fired_at": "2026-11-03T14:05:00Z", "paged": "maybe"}
]"#,
    );
    let out = s.ok(&["ingest", "in", "--max-rejected", "2"]);
    assert!(
        out.contains("alerts                   3         1         0          0         2"),
        "{out}"
    );
    let log = rejected_log(&s);
    assert_eq!(
        (log[0].line, log[0].json_path.as_deref()),
        (3, Some("$[1]"))
    );
    assert!(
        log[0]
            .reason
            .starts_with("fired_at: 1793714700.5 is not a whole epoch number"),
        "{}",
        log[0].reason
    );
    assert_eq!(
        (log[1].line, log[1].json_path.as_deref()),
        (4, Some("$[2]"))
    );
    assert_eq!(
        log[1].raw,
        r#"{"alert_id": "x:3", "rule": "cpu", "fired_at": "2026-11-03T14:05:00Z", "paged": "maybe"}"#
    );
    // Derived: source from the id, notifications from paged, fingerprint from rule and labels.
    let df = s.frame(Table::Alerts);
    assert_eq!(strs(&df, "source"), [Some("x".into())]);
    assert_eq!(
        df.column("notifications").unwrap().u32().unwrap().get(0),
        Some(1)
    );
    assert_eq!(strs(&df, "team"), [Some("unassigned".into())]);
    assert_eq!(strs(&df, "severity"), [Some("UNKNOWN".into())]);
}

#[test]
fn strict_stops_at_the_first_bad_row_and_writes_nothing() {
    let s = Sandbox::new();
    s.write(
        "in/incidents.csv",
        format!(
            "{HEADER}t:1,t,1,good,a,P1,open,2026-11-03T14:05:00Z,0\nt:2,t,2,bad,a,P1,open,soon,0\n"
        ),
    );
    let out = s.run(&["ingest", "in", "--strict"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("incidents.csv:3: detected_at: cannot read \"soon\""),
        "{err}"
    );
    assert!(err.contains("--strict: nothing was written"), "{err}");
    assert!(!s.current().exists(), "nothing was published");
    assert!(!s.current().exists(), "nothing was published");
}

#[test]
fn too_many_rejections_fail_the_run_and_write_nothing() {
    let s = Sandbox::new();
    let mut rows = String::from(HEADER);
    for i in 0..99 {
        rows.push_str(&format!(
            "t:{i},t,{i},ok,a,P1,open,2026-11-03T14:05:00Z,0\n"
        ));
    }
    rows.push_str("t:x,t,x,bad,a,P1,open,soon,0\nt:y,t,y,bad,a,P1,open,later,0\n");
    s.write("in/incidents.csv", rows);
    // 2 of 101 is above the default 1%.
    let out = s.run(&["ingest", "in"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "2 of 101 rows were rejected, more than --max-rejected allows; nothing was written"
        ),
        "{err}"
    );
    assert!(err.contains("incidents.csv:101: detected_at"), "{err}");
    assert!(!s.current().exists(), "nothing was published");
    // A count of 1 fails too; 2 passes and keeps the good rows.
    assert_eq!(
        s.run(&["ingest", "in", "--max-rejected", "1"])
            .status
            .code(),
        Some(2)
    );
    s.ok(&["ingest", "in", "--max-rejected", "2"]);
    assert_eq!(s.frame(Table::Incidents).height(), 99);
}

/// Run `args`, expecting exit code 2, every needle in stderr, no panic and nothing written.
pub(crate) fn fails_with(s: &Sandbox, args: &[&str], needles: &[&str]) {
    let out = s.run(args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?}: {}",
        text(&out.stderr)
    );
    let err = text(&out.stderr);
    for n in needles {
        assert!(err.contains(n), "{args:?}: {n:?} not in:\n{err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    assert!(!s.current().exists(), "nothing written");
}

#[test]
fn whole_file_problems_name_the_file_and_what_to_do() {
    let s = Sandbox::new();
    fails_with(
        &s,
        &["ingest", "nope/incidents.csv"],
        &["nope/incidents.csv: no such file or folder"],
    );
    let mut latin1 = format!("{HEADER}t:1,t,1,caf").into_bytes();
    latin1.extend([0xe9, b',']);
    latin1.extend(b"a,P1,open,2026-11-03T14:05:00Z,0\n");
    s.write("enc/incidents.csv", latin1);
    fails_with(
        &s,
        &["ingest", "enc"],
        &["enc/incidents.csv:2: the file is not valid UTF-8", "iconv"],
    );
    s.write(
        "trunc/alerts.json",
        "[\n {\"alert_id\": \"x:1\", \"rule\": \"cpu\",\n  \"fired_at\": 1793714700, \"paged\": tr",
    );
    fails_with(
        &s,
        &["ingest", "trunc"],
        &["trunc/alerts.json:3: the JSON ends early (the file looks truncated)"],
    );
    s.write("odd/stuff.csv", "a,b\n1,2\n");
    fails_with(
        &s,
        &["ingest", "odd"],
        &[
            "odd/stuff.csv: unknown format: not a canonical table file and not an export any connector knows",
            "--source NAME",
        ],
    );
    s.write("cols/incidents.csv", "incident_id,title\nt:1,x\n");
    fails_with(
        &s,
        &["ingest", "cols"],
        &[
            "cols/incidents.csv:1: the header lacks the required column(s) detected_at of table incidents",
        ],
    );
    fails_with(
        &s,
        &["ingest", "odd", "--table", "bogus"],
        &["unknown table \"bogus\""],
    );
    s.write("empty/README.md", "nothing here");
    fails_with(
        &s,
        &["ingest", "empty"],
        &["empty: the folder holds no .csv, .ndjson, .jsonl or .json files"],
    );
}

/// Regression: the line of each element of a JSON array was counted from the start of the file,
/// so a 171,000-item `action_items.json` took over an hour. Lines are now counted on from the
/// previous element; this checks they are still right deep in a long array, across elements
/// spread over several lines.
#[test]
fn json_array_line_numbers_are_counted_incrementally() {
    let s = Sandbox::new();
    let mut text = String::from("[\n");
    let n = 20_000;
    for i in 0..n {
        let paged = if i == n - 2 { "\"maybe\"" } else { "true" };
        // Every element takes two lines.
        text.push_str(&format!(
            "  {{\"alert_id\": \"x:{i}\", \"rule\": \"cpu\",\n   \"fired_at\": \"2026-11-03T14:05:00Z\", \"paged\": {paged}}}{}\n",
            if i + 1 < n { "," } else { "" }
        ));
    }
    text.push_str("]\n");
    s.write("in/alerts.json", text);
    s.ok(&["ingest", "in"]);
    let log = rejected_log(&s);
    assert_eq!(log.len(), 1);
    // Element k starts on line 2 + 2k.
    let k = n - 2;
    assert_eq!(
        (log[0].line, log[0].json_path.as_deref()),
        (2 + 2 * k as u64, Some(format!("$[{k}]").as_str()))
    );
}

/// Regression: a first data row with the wrong number of fields used to leave the file mapped as
/// JSON, so every later row was rejected for lacking its columns.
#[test]
fn a_bad_first_row_does_not_take_the_rest_of_the_csv_with_it() {
    let s = Sandbox::new();
    s.write(
        "in/incidents.csv",
        format!(
            "{HEADER}\
             t:1,t,1,extra field,a,SEV2,open,2026-11-03T14:05:00Z,0,surplus\n\
             t:2,t,2,fine,a,SEV2,open,2026-11-03T14:05:00Z,0\n"
        ),
    );
    let out = s.ok(&["ingest", "in", "--max-rejected", "1"]);
    assert!(
        out.contains("incidents                2         1         0          0         1"),
        "{out}"
    );
    let rejected = rejected_log(&s);
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert_eq!(rejected[0].line, 2);
    assert!(
        rejected[0].reason.contains("fields"),
        "{}",
        rejected[0].reason
    );
}
