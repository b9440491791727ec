//! Hand-written cases for the rejected-row categories: reasons produced by the real canonical row
//! parser (so a change of the ingester's wording shows up here), reader and connector reasons as
//! they are written, and the summing of the store's counts by table and category.

use chrono_tz::Tz;
use serde_json::{Value, json};

use super::*;
use crate::config::Config;
use crate::ingest::reader::Record;
use crate::ingest::row::{FieldMap, RowContext, parse};
use crate::model::Table;

/// The reason the canonical row parser gives for an incident record, read in `zone`: the real
/// message, so a change of the ingester's wording shows up here.
fn reason_in(record: Value, zone: Tz) -> String {
    let cfg = Config::defaults_in(std::path::Path::new("."));
    let ctx = RowContext { config: &cfg, zone };
    let map = record.as_object().expect("an object").clone();
    parse(
        Table::Incidents.spec(),
        &FieldMap::for_json(),
        &Record::Json(&map),
        &ctx,
    )
    .expect_err("the record is bad")
}

fn reason(mut fields: Value) -> String {
    let base = json!({"incident_id": "csv:1", "title": "t", "detected_at": "2026-03-01T00:00:00Z"});
    for (k, v) in base.as_object().expect("an object") {
        fields
            .as_object_mut()
            .expect("an object")
            .entry(k.clone())
            .or_insert(v.clone());
    }
    reason_in(fields, Tz::UTC)
}

#[test]
fn canonical_row_reasons_fold_to_field_and_kind() {
    let cases = [
        (
            json!({"detected_at": "yesterday"}),
            "detected_at: not a timestamp",
        ),
        (json!({"detected_at": [1]}), "detected_at: wrong type"),
        (
            json!({"resolved_at": "99999999999999999999"}),
            "resolved_at: out of range",
        ),
        (json!({"title": ""}), "title: missing"),
        (
            json!({"resolved_at": "2500-01-01T00:00:00Z"}),
            "resolved_at: instant outside 1900-2200",
        ),
        (
            json!({"resolved_at": 16725225600000000i64}),
            "resolved_at: instant outside 1900-2200",
        ),
        (
            json!({"status": "closed-ish"}),
            "status: not an accepted value",
        ),
        (
            json!({"reopen_count": "-1"}),
            "reopen_count: not a whole number",
        ),
        (json!({"labels": "[1]"}), "labels: not a JSON object"),
        (
            json!({"source": "csv", "incident_id": "pd:1"}),
            "incident_id: id without its source prefix",
        ),
    ];
    for (fields, want) in cases {
        let why = reason(fields.clone());
        assert_eq!(category(&why), want, "{fields} gave {why:?}");
    }
    // Two different bad values of one column are one kind.
    assert_eq!(
        category(&reason(json!({"detected_at": "31/11/2026"}))),
        category(&reason(json!({"detected_at": "soon"})))
    );
    // Daylight-saving gaps and folds of naive times, in a zone that has them.
    let berlin: Tz = "Europe/Berlin".parse().expect("a zone");
    let gap = json!({"incident_id": "csv:1", "title": "t", "detected_at": "2026-03-29 02:30"});
    assert_eq!(
        category(&reason_in(gap, berlin)),
        "detected_at: local time skipped by a clock change"
    );
    let fold = json!({"incident_id": "csv:1", "title": "t", "detected_at": "2026-10-25 02:30"});
    assert_eq!(
        category(&reason_in(fold, berlin)),
        "detected_at: ambiguous local time"
    );
}

#[test]
fn reader_and_connector_reasons_drop_paths_indices_and_values() {
    let bad = serde_json::from_str::<Value>("{\"a\": ").expect_err("truncated");
    assert_eq!(category(&format!("invalid JSON: {bad}")), "not JSON");
    assert_eq!(
        category(
            "duplicate key \"labels.env\": the object gives it twice, so which value is meant cannot be told; keep one"
        ),
        "a key given twice"
    );
    assert_eq!(
        category("the row has 3 fields but the header has 16"),
        "wrong number of fields"
    );
    assert_eq!(
        category("expected a JSON object, found an array"),
        "not a JSON object"
    );
    // JSON paths lose the root and the indices: every record's `id` is one field.
    assert_eq!(
        category("$.data[0].id: missing; every Opsgenie alert has an id"),
        "data.id: missing"
    );
    assert_eq!(
        category("incidents[3].created_at: missing; the record has no time to place it at"),
        "incidents.created_at: missing"
    );
    assert_eq!(
        category("$.data[1].createdAt: cannot read \"x\" as an instant; expected an RFC 3339 time"),
        "data.createdAt: not a timestamp"
    );
    assert_eq!(
        category("timezone: unknown time zone \"Mars/Base\"; use an IANA name"),
        "timezone: unknown time zone"
    );
    assert_eq!(
        category("ends_at: the shift ends before it starts"),
        "ends_at: ends before it starts"
    );
    // A path naming only a record is no field; an unlisted kind keeps its first clause with
    // quoted text and numbers masked, so its instances still fold together.
    assert_eq!(
        category("$[2]: not a webhook payload (no \"alerts\" array)"),
        "not a webhook payload (no \"…\" array)"
    );
    assert_eq!(
        category("slot 12 of \"bob\" overlaps; fix the rota"),
        category("slot 7 of \"amy \\\"a\\\"\" overlaps; fix it")
    );
    assert_eq!(
        category("slot 12 of \"bob\" overlaps; fix the rota"),
        "slot N of \"…\" overlaps"
    );
    // A sentence before the first colon is not a field.
    assert_eq!(
        category("not an incident.io export: expected a page"),
        "not an incident.io export: expected a page"
    );
    let long = "not a PagerDuty record of any accepted shape (a webhook event, an API page or \
                an incident); it was skipped";
    let c = category(long);
    assert_eq!(c.chars().count(), MAX_FALLBACK + 1, "{c}");
    assert!(
        c.ends_with('…') && c.starts_with("not a PagerDuty record"),
        "{c}"
    );
}

#[test]
fn counts_are_summed_per_table_and_kind_with_three_sorted_examples() {
    let df = df!(
        "table" => [Some("incidents"), Some("incidents"), Some("incidents"), Some("incidents"), None],
        "reason" => [
            "title: missing; the column is required",
            "detected_at: cannot read \"d\" as an instant",
            "detected_at: cannot read \"b\" as an instant",
            "detected_at: cannot read \"c\" as an instant",
            "detected_at: cannot read \"a\" as an instant",
        ],
        "rows" => [1u64, 1, 2, 3, 5],
    )
    .unwrap();
    let out = rejected(&df).unwrap();
    let row = |t: &str, c: &str| {
        out.iter()
            .find(|r| r.table == t && r.category == c)
            .cloned()
    };
    // b, c, d for incidents: 1 + 2 + 3 = 6 rows, the three smallest messages shown.
    let ts = row("incidents", "detected_at: not a timestamp").unwrap();
    assert_eq!(ts.rows, 6);
    assert_eq!(
        ts.examples,
        "detected_at: cannot read \"b\" as an instant | detected_at: cannot read \"c\" as an \
         instant | detected_at: cannot read \"d\" as an instant"
    );
    // A row with no table is counted under "unknown", apart from the incidents' ones.
    assert_eq!(
        row("unknown", "detected_at: not a timestamp").unwrap().rows,
        5
    );
    assert_eq!(row("incidents", "title: missing").unwrap().rows, 1);
    assert_eq!(out.len(), 3);
    // Sorted by table, then category.
    let keys: Vec<_> = out
        .iter()
        .map(|r| (r.table.as_str(), r.category.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("incidents", "detected_at: not a timestamp"),
            ("incidents", "title: missing"),
            ("unknown", "detected_at: not a timestamp"),
        ]
    );
    assert!(rejected(&DataFrame::empty()).unwrap().is_empty());
}
