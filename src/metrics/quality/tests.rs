//! Hand-computed cases for `metrics::quality`: each check over March 2026 with its count, share
//! and examples, the rejected log by table and kind of reason, and the data range. The reason
//! categories themselves are tested in `rejected`.

use super::fixtures::*;
use super::*;
use crate::metrics::source::Local;

fn incident_rows() -> Vec<Inc> {
    let t = |d| utc(2026, 3, d, 12, 0);
    let mut q1 = inc("q1", "Ack early", t(1));
    q1.ack = Some(t(1) - MIN);
    let mut q2 = inc("q2", "Mitigated before impact", t(2));
    (q2.impact, q2.mitigated) = (Some(t(2) - 30 * MIN), Some(t(2) - 40 * MIN));
    let mut q3 = inc("q3", "Impact after detection", t(3));
    q3.impact = Some(t(3) + 10 * MIN);
    let mut q4 = inc("q4", "Resolved early", t(4));
    q4.resolved = Some(t(4) - HOUR);
    let mut q5 = inc("q5", "Resolved without time", t(5));
    q5.resolved = None;
    let mut q6 = inc("q6", "Open with time", t(6));
    q6.status = "open";
    // Mitigated before detection but after the known impact start: fine.
    let mut q7 = inc("q7", "Fine", t(7));
    (q7.impact, q7.mitigated) = (Some(t(7) - 30 * MIN), Some(t(7) - 10 * MIN));
    let mut q8 = inc("q8", "Planned work", t(8));
    q8.kind = "maintenance";
    let mut q9 = inc("q9", "Dup", t(9));
    q9.merged_into = Some("q1");
    let mut q10 = inc("q10", "Dup", t(10));
    q10.merged_into = Some("q2");
    // Outside the period: not checked, but part of the data range.
    let mut z1 = inc("z1", "February", utc(2026, 2, 1, 0, 0));
    z1.ack = Some(utc(2026, 1, 31, 0, 0));
    vec![q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, z1]
}

fn setup() -> Frames {
    let mut f = frames();
    f.incidents = incidents(&incident_rows());
    let t = |d| utc(2026, 3, d, 12, 0);
    f.alerts = alerts(&[
        ("al1", t(5), None),
        ("al2", t(6), Some(t(6) - MIN)),
        ("al3", t(7), Some(t(7) + 5 * MIN)),
        ("al4", utc(2026, 2, 1, 0, 0), None), // outside the period
    ]);
    // The store's summary counts by (table, reason); reasons carry the bad value, so one broken
    // column gives several reasons, and one reason can occur in two tables.
    f.rejected = df!(
        "table" => ["incidents", "incidents", "incidents", "alerts", "incidents", "alerts"],
        "reason" => [
            "detected_at: cannot read \"soon\" as an instant; expected RFC 3339",
            "detected_at: cannot read \"later\" as an instant; expected RFC 3339",
            "detected_at: cannot read \"never\" as an instant; expected RFC 3339",
            "invalid JSON: EOF while parsing an object at line 1 column 9",
            "invalid JSON: expected value at line 1 column 1",
            "fired_at: missing; the column is required",
        ],
        "rows" => [2u64, 3, 1, 1, 4, 2],
    )
    .unwrap();
    f
}

fn run(f: &Frames) -> Vec<MetricTable> {
    let s = scope(
        utc(2026, 3, 1, 0, 0),
        utc(2026, 4, 1, 0, 0),
        utc(2026, 4, 1, 0, 0),
    );
    quality(&Local, f, &cfg(), &s).unwrap()
}

/// (table, rows, share_pct, examples) of a check.
fn row(df: &DataFrame, check: &str) -> (String, u64, Option<f64>, Option<String>) {
    let checks = texts(df, CHECK);
    let k = checks
        .iter()
        .position(|c| c.as_deref() == Some(check))
        .unwrap_or_else(|| panic!("no check {check:?} in {checks:?}"));
    (
        texts(df, "table")[k].clone().unwrap(),
        u64s(df, "rows")[k],
        f64s(df, "share_pct")[k],
        texts(df, "examples")[k].clone(),
    )
}

#[test]
fn every_incident_check_counts_its_rows_with_share_and_examples() {
    let out = run(&setup());
    let df = &out[0].frame;
    assert_eq!(out[0].dims, [CHECK]);
    let one = |id: &str| ("incidents".to_string(), 1, Some(10.0), Some(id.to_string()));
    // Ten incidents detected in March; z1 is February's.
    assert_eq!(row(df, "acknowledged before detected"), one("q1"));
    assert_eq!(
        row(df, "mitigated before impact started/detected"),
        one("q2")
    );
    assert_eq!(row(df, "impact started after detected"), one("q3"));
    assert_eq!(row(df, "resolved before detected"), one("q4"));
    assert_eq!(row(df, "resolved but no resolved_at"), one("q5"));
    assert_eq!(row(df, "open with resolved_at"), one("q6"));
    // No impact start: q1, q4, q5, q6, q8, q9, q10 = 7 of 10; the first three ids as text.
    assert_eq!(
        row(df, "missing impact_started_at"),
        (
            "incidents".into(),
            7,
            Some(70.0),
            Some("q1, q10, q4".into())
        )
    );
    assert_eq!(row(df, "excluded: kind = maintenance"), one("q8"));
    // Every merged duplicate under one reason, not one row per target.
    assert_eq!(
        row(df, "excluded: merged into another incident"),
        ("incidents".into(), 2, Some(20.0), Some("q10, q9".into()))
    );
    // A reason that excluded nothing still has its row.
    assert_eq!(
        row(df, "excluded: kind = gameday"),
        ("incidents".into(), 0, Some(0.0), None)
    );
}

#[test]
fn alert_checks_and_rejected_rows() {
    let out = run(&setup());
    let df = &out[0].frame;
    // Three alerts fired in March: al1 never resolved, al2 resolved a minute before it fired.
    let (table, n, share, ex) = row(df, "alerts never resolved");
    assert_eq!(
        (table.as_str(), n, ex.as_deref()),
        ("alerts", 1, Some("al1"))
    );
    assert!(close(share, 100.0 / 3.0));
    assert_eq!(
        row(df, "alert resolved before fired").3.as_deref(),
        Some("al2")
    );
    // Summed per table and kind of reason: three bad detected_at values are one check of
    // 2 + 3 + 1 = 6 rows, its examples the full messages, sorted.
    assert_eq!(
        row(df, "rejected: incidents: detected_at: not a timestamp"),
        (
            "incidents".into(),
            6,
            None,
            Some(
                "detected_at: cannot read \"later\" as an instant; expected RFC 3339 | \
                 detected_at: cannot read \"never\" as an instant; expected RFC 3339 | \
                 detected_at: cannot read \"soon\" as an instant; expected RFC 3339"
                    .into()
            )
        )
    );
    // The same kind in two tables: two checks, each named after its table.
    assert_eq!(
        row(df, "rejected: incidents: not JSON"),
        (
            "incidents".into(),
            4,
            None,
            Some("invalid JSON: expected value at line 1 column 1".into())
        )
    );
    assert_eq!(
        row(df, "rejected: alerts: not JSON").1,
        1,
        "the alerts' bad line is not added to the incidents' four"
    );
    assert_eq!(row(df, "rejected: alerts: fired_at: missing").1, 2);
    // 7 incident checks, 4 excluded kinds and merged, 2 alert checks, 3 + 1 rejected checks.
    assert_eq!(df.height(), 7 + 5 + 2 + 4);
    // The tidy table's key is its dims: every check name must be unique.
    let checks = texts(df, CHECK);
    let distinct: std::collections::BTreeSet<_> = checks.iter().collect();
    assert_eq!(distinct.len(), checks.len(), "{checks:?}");
}

#[test]
fn no_rejected_log_and_no_rows_still_list_every_check_with_zero() {
    let out = run(&frames());
    let df = &out[0].frame;
    assert_eq!(df.height(), 7 + 5 + 2);
    assert_eq!(u64s(df, "rows"), vec![0; 14]);
    assert_eq!(f64s(df, "share_pct"), vec![None; 14]);
    let fresh = &out[1].frame;
    assert_eq!(fresh.height(), 1);
    assert_eq!(texts(fresh, "last_alert"), [None]);
}

#[test]
fn freshness_is_the_data_range_whatever_the_period() {
    let out = run(&setup());
    let t = &out[1];
    assert_eq!(t.name(), "freshness");
    assert!(t.dims.is_empty());
    let first = texts(&t.frame, "first_detected")[0].clone().unwrap();
    let last = texts(&t.frame, "last_detected")[0].clone().unwrap();
    let alert = texts(&t.frame, "last_alert")[0].clone().unwrap();
    assert!(first.starts_with("2026-02-01 00:00:00"), "{first}");
    assert!(last.starts_with("2026-03-10 12:00:00"), "{last}");
    assert!(alert.starts_with("2026-03-07 12:00:00"), "{alert}");
}

#[test]
fn exclusion_note_counts_reasons_for_other_families() {
    let f = setup();
    let s = scope(
        utc(2026, 3, 1, 0, 0),
        utc(2026, 4, 1, 0, 0),
        utc(2026, 4, 1, 0, 0),
    );
    assert_eq!(
        exclusions(&f, &cfg(), &s).unwrap(),
        [
            ("merged into another incident".to_string(), 2),
            ("kind = maintenance".to_string(), 1)
        ]
    );
    assert_eq!(
        exclusion_note(&f, &cfg(), &s).unwrap(),
        "3 incident(s) of the period excluded: 2 merged into another incident, 1 kind = maintenance."
    );
}
