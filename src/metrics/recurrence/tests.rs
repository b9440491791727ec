//! Hand-computed cases for `metrics::recurrence`. The period is March 2026; earlier matches are
//! read back 90 days, to 2025-12-01.

mod graph;
mod history;

use super::*;
use crate::metrics::quality::fixtures::texts;
use crate::metrics::quality::fixtures::*;
use crate::metrics::template::similar;

fn run_with(cfg: &Config, rows: &[Inc], items: &[Item], pairs: bool) -> Vec<MetricTable> {
    let mut f = frames();
    f.incidents = incidents(rows);
    if !items.is_empty() {
        f.action_items = action_items(items);
    }
    let s = scope(
        utc(2026, 3, 1, 0, 0),
        utc(2026, 4, 1, 0, 0),
        utc(2026, 4, 1, 0, 0),
    );
    recurrence(&f, cfg, &s, pairs).unwrap()
}

fn run(rows: &[Inc], pairs: bool) -> Vec<MetricTable> {
    run_with(&cfg(), rows, &[], pairs)
}

/// A fixed pseudo-random sequence (a 64-bit LCG, high bits), so random cases are the same on
/// every run.
pub(super) fn lcg(seed: u64) -> impl FnMut() -> usize {
    let mut state = seed;
    move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    }
}

pub(super) fn table<'a>(out: &'a [MetricTable], name: &str) -> &'a DataFrame {
    &out.iter().find(|t| t.name() == name).unwrap().frame
}

fn strs(df: &DataFrame, name: &str) -> Vec<String> {
    texts(df, name).into_iter().map(Option::unwrap).collect()
}

#[test]
fn title_jaccard_at_the_threshold_matches_and_just_below_does_not() {
    // {disk, full, on, primary} vs {disk, full, on, replica}: 3 shared of 5 = 0.6, a match.
    // {cache, miss, rate, high, edge} vs {.., origin, node}: 4 shared of 7 = 0.571, none.
    let rows = [
        inc("a1", "Disk full on primary", utc(2026, 3, 2, 10, 0)),
        inc("a2", "Disk full on replica", utc(2026, 3, 5, 10, 0)),
        inc("b1", "Cache miss rate high edge", utc(2026, 3, 2, 11, 0)),
        inc(
            "b2",
            "Cache miss rate high origin node",
            utc(2026, 3, 6, 11, 0),
        ),
    ];
    assert_eq!(
        similar("Disk full on primary", "Disk full on replica", 0.6),
        (true, 0.6)
    );
    let out = run(&rows, true);
    let t = table(&out, "recurrence");
    assert_eq!(strs(t, TEAM), ["a"]);
    assert_eq!(u64s(t, "incidents"), [4]);
    assert_eq!(u64s(t, "recurrences"), [1]);
    assert_eq!(u64s(t, "recurrences_long"), [1]);
    assert!(close(f64s(t, "repeat_rate_pct")[0], 25.0));
    // Wilson 1 of 4, z = 1.959964: centre (0.25 + z²/8) / (1 + z²/4) = 0.372473, half-width
    // z sqrt(0.25 * 0.75 / 4 + z²/64) / 1.960365 = 0.326886: 4.5587% .. 69.9359%.
    assert!((f64s(t, "repeat_rate_low_pct")[0].unwrap() - 4.5587).abs() < 1e-3);
    assert!((f64s(t, "repeat_rate_high_pct")[0].unwrap() - 69.9359).abs() < 1e-3);

    let p = table(&out, "recurrence_pairs");
    assert_eq!(strs(p, INCIDENT_ID), ["a2"]);
    assert_eq!(strs(p, "matched_incident_id"), ["a1"]);
    assert_eq!(strs(p, "key"), ["title"]);
    assert_eq!(f64s(p, "score"), [Some(0.6)]);
    assert!(close(f64s(p, "days_between")[0], 3.0));

    let mut strict = cfg();
    strict.thresholds.jaccard_min = 0.61;
    let out = run_with(&strict, &rows, &[], false);
    assert_eq!(u64s(table(&out, "recurrence"), "recurrences"), [0]);
    assert_eq!(table(&out, "recurrence_clusters").height(), 0);
}

#[test]
fn a_fingerprint_on_both_sides_decides_over_the_titles() {
    let mut f1 = inc("f1", "Payment gateway timeout", utc(2026, 3, 2, 9, 0));
    f1.fingerprint = Some("X");
    let mut f2 = inc("f2", "Payment gateway timeout", utc(2026, 3, 7, 9, 0));
    f2.fingerprint = Some("Y"); // same title, other fingerprint: no match with f1
    let mut f3 = inc("f3", "Something else entirely", utc(2026, 3, 12, 9, 0));
    (f3.fingerprint, f3.team, f3.service) = (Some("X"), "b", None); // f1's key, other team
    let f4 = inc("f4", "Payment gateway timeout", utc(2026, 3, 8, 9, 0)); // no key: by title
    let out = run(&[f1, f2, f3, f4], true);
    let t = table(&out, "recurrence");
    assert_eq!(strs(t, TEAM), ["a", "b"]);
    assert_eq!(u64s(t, "incidents"), [3, 1]);
    assert_eq!(u64s(t, "recurrences"), [1, 1]); // a: f4 only; b: f3 (fingerprint of f1)
    assert_eq!(u64s(table(&out, "recurrence_overall"), "recurrences"), [2]);

    // f2 joins f1 only through f4, which matches both by title.
    let c = table(&out, "recurrence_clusters");
    assert_eq!(strs(c, "cluster"), ["f1"]);
    assert_eq!(u64s(c, "incidents"), [4]);
    assert_eq!(strs(c, "teams"), ["a, b"]);
    assert_eq!(strs(c, "services"), ["db"]);
    assert_eq!(strs(c, "template"), ["payment gateway timeout"]);
    assert_eq!(strs(c, "example_title"), ["Payment gateway timeout"]);
    // 03-02 .. 03-12 over 3 intervals: 10 / 3 days.
    assert!(close(f64s(c, "mean_interval_days")[0], 10.0 / 3.0));

    let p = table(&out, "recurrence_pairs");
    assert_eq!(strs(p, INCIDENT_ID), ["f4", "f4", "f3"]);
    assert_eq!(strs(p, "matched_incident_id"), ["f2", "f1", "f1"]);
    assert_eq!(strs(p, "key"), ["title", "title", "fingerprint"]);
    assert_eq!(f64s(p, "score"), [Some(1.0); 3]);
    assert_eq!(f64s(p, "days_between"), [Some(1.0), Some(6.0), Some(10.0)]);
}

#[test]
fn thirty_days_exactly_is_a_recurrence_and_the_same_instant_is_not() {
    let keyed = |id, fp: &'static str, at| {
        let mut i = inc(id, "Replication lag", at);
        i.fingerprint = Some(fp);
        i
    };
    let p1 = utc(2026, 2, 20, 10, 0); // before the period: history
    let q1 = utc(2026, 3, 1, 10, 0);
    let r = utc(2026, 3, 10, 10, 0);
    let rows = [
        keyed("p1", "P", p1),
        keyed("p2", "P", p1 + 30 * DAY), // gap exactly 30 days: counts
        keyed("q1", "Q", q1),
        keyed("q2", "Q", q1 + 30 * DAY + MIN), // a minute over 30 days: only the 90-day one
        keyed("r1", "R", r),
        keyed("r2", "R", r), // same instant: neither repeats the other
    ];
    let out = run(&rows, true);
    let t = table(&out, "recurrence");
    assert_eq!(u64s(t, "incidents"), [5]); // p1 is only history
    assert_eq!(u64s(t, "recurrences"), [1]); // p2
    assert_eq!(u64s(t, "recurrences_long"), [2]); // p2, q2
    assert!(close(f64s(t, "repeat_rate_long_pct")[0], 40.0));
    // Simultaneous incidents still match, so they form a cluster and an audited pair.
    let p = table(&out, "recurrence_pairs");
    let r_pair = strs(p, INCIDENT_ID).iter().position(|x| x == "r2").unwrap();
    assert_eq!(f64s(p, "days_between")[r_pair], Some(0.0));
    assert_eq!(table(&out, "recurrence_clusters").height(), 3);

    let mut shorter = cfg();
    shorter.thresholds.recurrence_days = 29;
    let out = run_with(&shorter, &rows, &[], false);
    assert_eq!(u64s(table(&out, "recurrence"), "recurrences"), [0]);
}

#[test]
fn clusters_join_chains_and_report_span_interval_and_earlier_actions() {
    // c1-c2 Jaccard 3/5 = 0.6, c2-c3 4/5 = 0.8, c1-c3 3/6 = 0.5: one cluster through c2.
    let mut e1 = inc("e1", "Queue backlog growing", utc(2026, 1, 10, 0, 0));
    let mut e2 = inc("e2", "Queue backlog growing", utc(2026, 1, 20, 0, 0));
    (e1.team, e2.team) = ("b", "b"); // both before the period: not listed
    let rows = [
        inc("c1", "Disk full on primary", utc(2026, 2, 20, 10, 0)),
        inc("c2", "Disk full on replica", utc(2026, 3, 2, 10, 0)),
        inc("c3", "Disk full on replica node", utc(2026, 3, 20, 10, 0)),
        inc("d1", "Certificate expired", utc(2026, 3, 15, 10, 0)),
        e1,
        e2,
    ];
    let t0 = utc(2026, 3, 1, 0, 0);
    let items: [Item; 5] = [
        ("x1", "c1", "P1", "done", t0, None, Some(t0 + DAY)),
        ("x2", "c1", "P2", "open", t0, None, None),
        ("x3", "c2", "P2", "wont_do", t0, None, None),
        ("x4", "c3", "P1", "done", t0, None, Some(t0 + DAY)), // latest incident: not counted
        ("x5", "d1", "P1", "open", t0, None, None),
    ];
    let out = run_with(&cfg(), &rows, &items, true);
    let t = table(&out, "recurrence");
    assert_eq!(strs(t, TEAM), ["a"]);
    assert_eq!(u64s(t, "incidents"), [3]); // c2, c3, d1
    assert_eq!(u64s(t, "recurrences"), [2]); // c2 (10 days after c1), c3 (18 after c2)

    let c = table(&out, "recurrence_clusters");
    assert_eq!(strs(c, "cluster"), ["c1"]);
    assert_eq!(u64s(c, "incidents"), [3]);
    assert_eq!(u64s(c, "in_period"), [2]);
    let first = texts(c, "first_seen")[0].clone().unwrap();
    let last = texts(c, "last_seen")[0].clone().unwrap();
    assert!(first.starts_with("2026-02-20 10:00:00"), "{first}");
    assert!(last.starts_with("2026-03-20 10:00:00"), "{last}");
    assert!(close(f64s(c, "mean_interval_days")[0], 14.0)); // 28 days / 2 intervals
    // Every template once: the alphabetically first is shown.
    assert_eq!(strs(c, "template"), ["disk full on primary"]);
    assert_eq!(u64s(c, "actions_total"), [3]); // x1, x2, x3
    assert_eq!(u64s(c, "actions_done"), [1]);
    assert_eq!(u64s(c, "actions_open"), [1]);

    let p = table(&out, "recurrence_pairs");
    assert_eq!(strs(p, "cluster"), ["c1", "c1"]);
    assert_eq!(strs(p, INCIDENT_ID), ["c2", "c3"]);
    assert_eq!(strs(p, "matched_incident_id"), ["c1", "c2"]);
    assert_eq!(f64s(p, "score"), [Some(0.6), Some(0.8)]);
    assert_eq!(f64s(p, "days_between"), [Some(10.0), Some(18.0)]);
}

#[test]
fn excluded_incidents_neither_count_nor_match() {
    let mut m = inc("m1", "Disk full on primary", utc(2026, 3, 2, 10, 0));
    m.kind = "maintenance";
    let out = run(
        &[m, inc("n1", "Disk full on primary", utc(2026, 3, 3, 10, 0))],
        false,
    );
    let t = &out[0];
    assert_eq!(u64s(&t.frame, "incidents"), [1]);
    assert_eq!(u64s(&t.frame, "recurrences"), [0]);
    assert!(
        t.notes.iter().any(|n| n.contains("1 kind = maintenance")),
        "{:?}",
        t.notes
    );
}

#[test]
fn no_incidents_give_an_overall_row_of_zero_and_no_rate() {
    let out = run(&[], true);
    assert_eq!(table(&out, "recurrence").height(), 0);
    let o = table(&out, "recurrence_overall");
    assert_eq!(u64s(o, "incidents"), [0]);
    assert_eq!(f64s(o, "repeat_rate_pct"), [None]);
    assert_eq!(table(&out, "recurrence_clusters").height(), 0);
    assert_eq!(table(&out, "recurrence_pairs").height(), 0);
}
