use std::path::Path;

use serde_json::json;

use super::*;

const MAPPING: &str = r#"
table = "incidents"
source = "jira"
timezone = "Europe/Berlin"
[columns]
source_id = "Issue key"
title = "Summary"
status = "Status"
severity_raw = ["Custom field (Severity)", "Priority"]
detected_at = "Created"
acknowledged_at = "Custom field ([CHART] Date of First Response)"
resolved_at = "Resolved"
team = "Project name"
[formats]
default = "%d/%b/%y %I:%M %p"
acknowledged_at = ["%Y-%m-%d %H:%M:%S%.f"]
[values.status]
"Done" = "resolved"
"In Progress" = "acknowledged"
[values.team]
"Payments Support" = "payments"
[constants]
kind = "normal"
team = "unassigned-jsm"
[labels]
first_comment = "Comment"
second_comment = "Comment#2"
fourth = { index = 4 }
"#;

const HEADER: &str = "Summary,Issue key,Status,Priority,Comment,Comment,Custom field (Severity),Created,Resolved,Custom field ([CHART] Date of First Response),Project name";

fn mapping(text: &str) -> Result<Mapping> {
    Mapping::parse(Path::new("m.toml"), text)
}

fn run(csv: &str, m: &Mapping) -> Out<'static> {
    let input = Input::parse(Path::new("j.csv"), csv).unwrap();
    let Content::Csv { header, rows } = &input.content else {
        panic!("not csv")
    };
    let cols = Resolved::new(m, header).unwrap();
    let mut out = Out::default();
    for (line, rec) in rows {
        let loc = Location {
            line: *line,
            json_path: None,
        };
        match row(m, &cols, rec, m.zone.unwrap_or(Tz::UTC)) {
            Ok(f) => out.row(m.table, loc, f.into_map(), &raw(header, rec)),
            Err(e) => out.refuse(loc, Some(m.table), e, &raw(header, rec)),
        }
    }
    out
}

#[test]
fn a_jira_row_maps_by_name_position_format_and_value_map() {
    let m = mapping(MAPPING).unwrap();
    let csv = format!(
        "{HEADER}\nLedger lag,OPS-12,Done,High,\"first\nline two\",second,Sev 2,25/Feb/26 10:17 PM,26/Feb/26 1:05 AM,2026-02-25 22:30:00.500,Payments Support\n"
    );
    let out = run(&csv, &m);
    assert!(out.refused.is_empty(), "{:?}", out.refused);
    let f = &out.rows[0].fields;
    assert_eq!(f["source"], json!("jira"));
    assert_eq!(f["source_id"], json!("OPS-12"));
    assert_eq!(f["status"], json!("resolved"));
    assert_eq!(f["severity_raw"], json!("Sev 2"));
    assert_eq!(f["team"], json!("payments"));
    assert_eq!(f["kind"], json!("normal"));
    // Berlin is UTC+1 in February; %y reads 26 as 2026.
    assert_eq!(f["detected_at"], json!("2026-02-25T21:17:00.000000Z"));
    assert_eq!(f["resolved_at"], json!("2026-02-26T00:05:00.000000Z"));
    assert_eq!(f["acknowledged_at"], json!("2026-02-25T21:30:00.500000Z"));
    assert_eq!(
        f["labels"],
        json!({"first_comment": "first\nline two", "second_comment": "second", "fourth": "High"})
    );
}

#[test]
fn empty_cells_fall_back_to_the_next_column_then_the_constant() {
    let m = mapping(MAPPING).unwrap();
    let csv = format!("{HEADER}\nx,OPS-13,Done,Highest,,,,25/Feb/26 10:17 PM,,,\n");
    let f = &run(&csv, &m).rows[0].fields;
    assert_eq!(f["severity_raw"], json!("Highest"));
    assert_eq!(f["team"], json!("unassigned-jsm"));
    assert_eq!(f.get("resolved_at"), None);
}

#[test]
fn bad_cells_refuse_the_row_naming_every_column() {
    let m = mapping(MAPPING).unwrap();
    let csv = format!("{HEADER}\nx,OPS-14,Waiting for support,High,,,,yesterday,,,\n");
    let out = run(&csv, &m);
    assert!(out.rows.is_empty());
    let why = &out.refused[0].reason;
    assert!(
        why.contains("status (column 3): \"Waiting for support\" is not one of open"),
        "{why}"
    );
    assert!(why.contains("[values.status]"), "{why}");
    assert!(
        why.contains("detected_at (column 8): cannot read \"yesterday\""),
        "{why}"
    );
    assert_eq!(out.refused[0].loc.line, 2);
}

#[test]
fn every_mapping_problem_is_named_by_its_key() {
    let Err(Error::Config { problems, .. }) = mapping(
        r#"
table = "incidents"
timezone = "Mars/Olympus"
colums = {}
[columns]
titel = "Summary"
detected_at = { index = 0 }
[formats]
title = "%Y"
[constants]
team = ["a"]
"#,
    ) else {
        panic!("expected problems")
    };
    let all = problems.join("\n");
    for want in [
        "colums: unknown key",
        "timezone: unknown zone \"Mars/Olympus\"",
        "columns.titel: not a column of incidents",
        "columns.detected_at: expected { index = N } with N >= 1",
        "formats.title: title is not a timestamp column",
        "constants.team: expected a string",
        "columns.title: missing",
        "columns.source_id: missing",
    ] {
        assert!(all.contains(want), "missing {want:?} in:\n{all}");
    }
}

#[test]
fn header_references_resolve_case_insensitively_and_by_position() {
    let h: Vec<String> = ["Summary", "Comment", "comment", "Comment#2"]
        .map(String::from)
        .to_vec();
    let r = |s: &str| resolve(&ColumnRef::Name(s.into()), &h);
    assert_eq!(r("summary"), Some(0));
    // A header literally named "Comment#2" wins; "#3" is the third "Comment".
    assert_eq!(r("Comment#2"), Some(3));
    assert_eq!(r("COMMENT#1"), Some(1));
    assert_eq!(r("Comment#3"), None);
    assert_eq!(resolve(&ColumnRef::Index(3), &h), Some(2));
    assert_eq!(resolve(&ColumnRef::Index(5), &h), None);
    let m = mapping(MAPPING).unwrap();
    let err = Resolved::new(&m, &h).err().unwrap();
    assert!(err.contains("columns.source_id = \"Issue key\""), "{err}");
    assert!(
        err.contains("The header has: Summary, Comment, comment, Comment#2"),
        "{err}"
    );
}

#[test]
fn formats_with_offsets_dates_alone_and_the_canonical_forms() {
    let z = Tz::America__New_York;
    assert_eq!(
        instant("2026-06-01 10:00 +0200", vec!["%Y-%m-%d %H:%M %z"], z),
        Ok(Some(1_780_300_800_000_000))
    );
    assert_eq!(
        instant("01/06/2026", vec!["%d/%m/%Y"], z),
        instant("2026-06-01 00:00", vec![], z)
    );
    assert_eq!(
        instant("2026-06-01T08:00:00Z", vec!["%d/%b/%y %I:%M %p"], z),
        Ok(Some(1_780_300_800_000_000))
    );
    assert!(
        instant("2026-03-08 02:30", vec![], z)
            .unwrap_err()
            .contains("daylight")
    );
}
