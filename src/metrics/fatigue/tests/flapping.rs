//! Flapping against earlier instances from long before the period, measured from the moment the
//! alert went quiet (the latest resolution of any earlier instance), and what is not a flap: a
//! refire while an earlier instance is still firing (a duplicate).

use super::*;

/// `flapping_alerts` of team `a` over week 2026-W46.
fn flapping(rows: &[Al]) -> Vec<u64> {
    u64s(
        &run(rows, &cfg(&[]), &w46(), &[Dim::Team])[0].frame,
        "flapping_alerts",
    )
}

#[test]
fn a_refire_after_a_firing_that_began_hours_before_the_period_is_a_flap() {
    let from = us(2026, 11, 9, 0, 0, 0);
    let rows = [
        // Fired 4 hours before the period, resolved 5 minutes before the refire at 00:10.
        Al::quiet("a", from - 4 * HOUR)
            .fp("long")
            .resolved(from + 5 * MIN, Some("auto")),
        Al::quiet("a", from + 10 * MIN)
            .fp("long")
            .resolved(from + 20 * MIN, Some("auto")),
        // An ordinary flap inside the period.
        Al::quiet("a", from + 2 * HOUR)
            .fp("short")
            .resolved(from + 2 * HOUR + MIN, Some("auto")),
        Al::quiet("a", from + 2 * HOUR + 5 * MIN).fp("short"),
    ];
    // Before the fix only 70 minutes before the period were read: 1 where 2 is right.
    assert_eq!(flapping(&rows), [2]);
}

#[test]
fn the_gap_is_measured_from_the_last_resolution_of_any_earlier_instance() {
    let from = us(2026, 11, 9, 0, 0, 0);
    let rows = [
        // Fired 5 h before and resolved at 00:05: the alert was firing until then.
        Al::quiet("a", from - 5 * HOUR)
            .fp("x")
            .resolved(from + 5 * MIN, Some("auto")),
        // A later instance that fired and resolved while the first one still fired.
        Al::quiet("a", from - 3 * HOUR)
            .fp("x")
            .resolved(from - 3 * HOUR + 10 * MIN, Some("auto")),
        // Quiet since 00:05, fired again at 00:10: a flap.
        Al::quiet("a", from + 10 * MIN).fp("x"),
    ];
    assert_eq!(flapping(&rows), [1]);
}

#[test]
fn a_firing_while_the_previous_instance_is_still_firing_is_a_duplicate_not_a_flap() {
    let t0 = us(2026, 11, 10, 12, 0, 0);
    let rows = [
        Al::quiet("a", t0).fp("d").resolved(t0 + HOUR, Some("auto")),
        // Fires 10 minutes in, while the first instance fires for another 50 minutes.
        Al::quiet("a", t0 + 10 * MIN)
            .fp("d")
            .resolved(t0 + 2 * HOUR, Some("auto")),
    ];
    assert_eq!(flapping(&rows), [0]);
}
