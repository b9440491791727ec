//! Bad input: rejected rows with exact reasons in the rejected log, --strict, --max-rejected, and
//! whole-file errors (missing, not UTF-8, truncated JSON, unknown table, missing columns) that name
//! the file and line and write nothing.

use aftermath::model::Table;
use aftermath::store::Rejection;

use crate::common::*;

const HEADER: &str =
    "incident_id,source,source_id,title,team,severity,status,detected_at,reopen_count\n";

fn rejected_log(s: &Sandbox) -> Vec<Rejection> {
    let dir = s.store().join("_rejected");
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
    assert!(!s.store().join("incidents").exists());
    assert!(!s.store().join("_store.json").exists());
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
    assert!(!s.store().join("incidents").exists());
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

fn fails_with(s: &Sandbox, args: &[&str], needles: &[&str]) {
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
    assert!(!s.store().join("_store.json").exists(), "nothing written");
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

/// The rejected rows as (line, json path, reason).
fn rejections(s: &Sandbox) -> Vec<(u64, Option<String>, String)> {
    rejected_log(s)
        .into_iter()
        .map(|r| (r.line, r.json_path, r.reason))
        .collect()
}

/// Regression (fuzzing): a `.json` array element holding a lone surrogate (`"\ud800"`) or nested
/// deeper than 128 levels ended the run as an internal error with a wrong line. It is now one
/// rejected row at its own line and `$[i]`, as the same row in NDJSON is, and the run goes on.
#[test]
fn unreadable_json_elements_are_rejected_rows_not_internal_errors() {
    let s = Sandbox::new();
    let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    let row = |i: u32, extra: &str| {
        format!(
            "{{\"alert_id\": \"x:{i}\", \"rule\": \"cpu\", \"fired_at\": 1793714700, \"paged\": true{extra}}}"
        )
    };
    s.write(
        "in/alerts.json",
        format!(
            "[\n  {},\n  {},\n  {},\n  {}\n]\n",
            row(1, ""),
            row(2, ", \"title\": \"\\ud800\""),
            row(3, &format!(", \"labels\": {deep}")),
            row(4, "")
        ),
    );
    s.write(
        "in/alerts-stream.json",
        format!("{}\n{}\n", row(5, ", \"title\": \"\\udc00\""), row(6, "")),
    );
    // The same row first in NDJSON: rejected there too, not handed to the connectors.
    s.write(
        "in/alerts.x.ndjson",
        format!("{}\n{}\n", row(7, ", \"title\": \"\\ud800\""), row(8, "")),
    );
    let out = s.ok(&["ingest", "in", "--max-rejected", "100%"]);
    assert!(!out.contains("internal error"), "{out}");
    let got = rejections(&s);
    assert_eq!(got.len(), 4, "{got:?}");
    assert_eq!((got[3].0, got[3].1.as_deref()), (1, None));
    assert!(got[3].2.contains("lone UTF-16 surrogate"), "{got:?}");
    assert_eq!((got[0].0, got[0].1.as_deref()), (1, Some("$[0]")));
    assert!(got[0].2.contains("lone UTF-16 surrogate"), "{got:?}");
    assert_eq!((got[1].0, got[1].1.as_deref()), (3, Some("$[1]")));
    assert!(
        got[1].2.starts_with("invalid JSON: unexpected end of hex escape: a string holds a lone UTF-16 surrogate escape"),
        "{got:?}"
    );
    assert!(got[1].2.ends_with(" at line 3 column 93"), "{got:?}");
    assert_eq!((got[2].0, got[2].1.as_deref()), (4, Some("$[2]")));
    assert!(
        got[2]
            .2
            .starts_with("invalid JSON: the value nests deeper than 128 arrays or objects"),
        "{got:?}"
    );
    let mut ids = strs(&s.frame(Table::Alerts), "alert_id");
    ids.sort();
    assert_eq!(
        ids,
        [
            Some("x:1".into()),
            Some("x:4".into()),
            Some("x:6".into()),
            Some("x:8".into())
        ]
    );
}

/// A vendor export is parsed whole, so there the same problems are a whole-file error, with the
/// line and words of the problem, never an internal error.
#[test]
fn unreadable_json_in_a_vendor_export_is_an_input_error() {
    let s = Sandbox::new();
    let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    s.write(
        "deep/page.json",
        format!("{{\"incidents\": [\n  {{\"id\": \"P1\", \"x\": {deep}}}\n]}}\n"),
    );
    fails_with(
        &s,
        &["ingest", "deep"],
        &[
            "deep/page.json:2: invalid JSON (neither one document nor one document per line): the value nests deeper than 128 arrays or objects",
        ],
    );
    s.write(
        "lone/page.json",
        "{\"incidents\": [\n  {\"id\": \"P1\",\n   \"title\": \"\\ud800\"}\n]}\n",
    );
    fails_with(
        &s,
        &["ingest", "lone", "--source", "pagerduty"],
        &["lone/page.json:3: invalid JSON", "lone UTF-16 surrogate"],
    );
}

/// Regression (fuzzing): empty, blank and scalar files were described by whichever reader saw
/// them last (a `.json` holding `true` "looks like a CSV file with columns true"). Each now says
/// what the file holds and what is expected, whether the file is named after a table or not,
/// with or without `--source`.
#[test]
fn empty_blank_and_scalar_files_say_what_they_hold() {
    let s = Sandbox::new();
    let json_expected = "expected a JSON array of objects (or objects one after another) for a table file, or a tool's export";
    let cases: [(&str, &str, &[&str], &[&str]); 12] = [
        (
            "alerts.json",
            "",
            &[],
            &["the file is empty (0 bytes)", json_expected],
        ),
        (
            "dump.json",
            "",
            &[],
            &["the file is empty (0 bytes)", json_expected],
        ),
        (
            "dump.json",
            " \n\t\n",
            &[],
            &["only whitespace (4 bytes, no data)", json_expected],
        ),
        (
            "alerts.json",
            "\n\n",
            &["--source", "canonical"],
            &["only whitespace (2 bytes, no data)"],
        ),
        (
            "dump.json",
            "true",
            &[],
            &[
                "dump.json:1: the file holds only the JSON boolean true, not records",
                json_expected,
            ],
        ),
        (
            "alerts.json",
            "\n42\n",
            &["--source", "canonical"],
            &["alerts.json:2: the file holds only the JSON number 42"],
        ),
        (
            "dump.json",
            "\"x\"",
            &["--source", "pagerduty"],
            &["the file holds only the JSON string \"x\""],
        ),
        (
            "alerts.ndjson",
            "",
            &[],
            &["the file is empty (0 bytes); expected one JSON object per line"],
        ),
        (
            "dump.ndjson",
            "\n",
            &["--source", "alertmanager"],
            &["only whitespace (1 bytes, no data); expected one JSON object per line"],
        ),
        (
            "incidents.csv",
            "",
            &[],
            &["the file is empty (0 bytes); expected a header line naming the columns"],
        ),
        (
            "incidents.csv",
            "\n \n",
            &["--source", "canonical"],
            &["only whitespace (3 bytes, no data); expected a header line"],
        ),
        (
            "dump.csv",
            "  ",
            &[],
            &["only whitespace (2 bytes, no data); expected a header line"],
        ),
    ];
    for (i, (name, content, flags, needles)) in cases.into_iter().enumerate() {
        let dir = format!("c{i}");
        s.write(&format!("{dir}/{name}"), content);
        let mut args = vec!["ingest", dir.as_str()];
        args.extend(flags);
        let mut want = vec![format!("{dir}/{name}")];
        want.extend(needles.iter().map(|n| n.to_string()));
        let want: Vec<&str> = want.iter().map(String::as_str).collect();
        fails_with(&s, &args, &want);
        let err = text(&s.run(&args).stderr);
        assert!(!err.contains("CSV file with columns"), "{err}");
        assert!(!err.contains("no readable JSON"), "{err}");
    }
}

/// Regression (fuzzing): a CSV quote never closed made the rest of the file one field, and the
/// rows after it were lost into one odd row. Now the file is refused, naming the quote's line.
#[test]
fn an_unclosed_csv_quote_names_the_line_it_opened_on() {
    let s = Sandbox::new();
    s.write(
        "in/incidents.csv",
        format!(
            "{HEADER}t:1,t,1,good,a,P1,open,2026-11-03T14:05:00Z,0\n\
             t:2,t,2,\"unclosed,a,P1,open,2026-11-03T14:05:00Z,0\n\
             t:3,t,3,good,a,P1,open,2026-11-03T14:05:00Z,0\n"
        ),
    );
    fails_with(
        &s,
        &["ingest", "in", "--max-rejected", "100%"],
        &[
            "in/incidents.csv:3: unclosed quote: the quote opened on line 3 (in column \"title\") is never closed, so lines 3-4 would be read as one value",
            "written twice",
        ],
    );
}

/// Regression (fuzzing): `alert_id,rule,rule` and `{"rule": "a", "rule": "b"}` were read with
/// the last value silently winning.
#[test]
fn duplicate_columns_and_keys_are_refused() {
    let s = Sandbox::new();
    s.write(
        "csv/alerts.csv",
        "alert_id,rule,rule,fired_at,paged\nx:1,cpu,mem,2026-11-03T14:05:00Z,true\n",
    );
    fails_with(
        &s,
        &["ingest", "csv"],
        &["csv/alerts.csv:1: the header names the column \"rule\" twice (fields 2 and 3)"],
    );
    let row = |i: u32, extra: &str| {
        format!(
            "{{\"alert_id\": \"x:{i}\", \"rule\": \"cpu\", \"fired_at\": 1793714700, \"paged\": true{extra}}}"
        )
    };
    s.write(
        "json/alerts.ndjson",
        format!("{}\n{}\n", row(1, ", \"rule\": \"mem\""), row(2, "")),
    );
    s.write(
        "json/alerts.json",
        format!(
            "[{},\n {}]",
            row(3, ""),
            row(4, ", \"labels\": {\"env\": \"a\", \"env\": \"b\"}")
        ),
    );
    s.ok(&["ingest", "json", "--max-rejected", "100%"]);
    let dup = |k: &str| {
        format!(
            "duplicate key {k:?}: the object gives it twice, so which value is meant cannot be told; keep one"
        )
    };
    assert_eq!(
        rejections(&s),
        [
            (2, Some("$[1]".to_string()), dup("labels.env")),
            (1, None, dup("rule")),
        ]
    );
    let mut ids = strs(&s.frame(Table::Alerts), "alert_id");
    ids.sort();
    assert_eq!(ids, [Some("x:2".into()), Some("x:3".into())]);
}

/// Regression (fuzzing): instants of year 1 or 50000 were stored. Outside the years 1900-2200
/// they are rejected rows naming column and value (see `timestamp::plausible` for why not a
/// warning).
#[test]
fn instants_outside_1900_to_2200_are_rejected() {
    let s = Sandbox::new();
    s.write(
        "in/incidents.csv",
        format!(
            "{HEADER}t:1,t,1,good,a,P1,open,1900-01-01T00:00:00Z,0\n\
             t:2,t,2,early,a,P1,open,1899-12-31T23:59:59Z,0\n\
             t:3,t,3,late,a,P1,open,2201-01-01T00:00:00Z,0\n\
             t:4,t,4,ms as s,a,P1,open,17627207000,0\n\
             t:5,t,5,good,a,P1,open,2200-12-31T23:59:59Z,0\n"
        ),
    );
    s.write(
        "in/alerts.ndjson",
        "{\"alert_id\": \"x:1\", \"rule\": \"cpu\", \"fired_at\": 99999999999, \"paged\": true}\n",
    );
    s.ok(&["ingest", "in", "--max-rejected", "100%"]);
    let got: Vec<(u64, String)> = rejections(&s).into_iter().map(|(l, _, r)| (l, r)).collect();
    let why = |col: &str, given: &str, read: &str| {
        format!(
            "{col}: {given} is outside the years 1900-2200 accepted for instants (read as {read}); check the year, or the unit of an epoch number (seconds, ms, µs or ns), or leave the value empty if it means \"none\""
        )
    };
    assert_eq!(
        got,
        [
            (
                1,
                why("fired_at", "99999999999", "5138-11-16T09:46:39.000000Z")
            ),
            (
                3,
                why(
                    "detected_at",
                    "\"1899-12-31T23:59:59Z\"",
                    "1899-12-31T23:59:59.000000Z"
                )
            ),
            (
                4,
                why(
                    "detected_at",
                    "\"2201-01-01T00:00:00Z\"",
                    "2201-01-01T00:00:00.000000Z"
                )
            ),
            (
                5,
                why(
                    "detected_at",
                    "\"17627207000\"",
                    "2528-08-01T14:23:20.000000Z"
                )
            ),
        ]
    );
    assert_eq!(s.frame(Table::Incidents).height(), 2);
}
