//! Bad input found by fuzzing (2,640 malformed files): each case here once ended a run as an
//! internal error, was described as something it is not, or was read without a word. Whole-file
//! problems must name the file, the line and what to do; row problems must be rejected rows.

use aftermath::model::Table;

use crate::common::*;
use crate::ingest_errors::{HEADER, fails_with};

/// The rejected rows as (line, json path, reason).
fn rejections(s: &Sandbox) -> Vec<(u64, Option<String>, String)> {
    s.rejected()
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
