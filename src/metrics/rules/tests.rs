//! Hand-computed cases for `metrics::rules`: the score with the sleep weight, ties, the flag, the
//! top 10, and one rule across teams overall.

use chrono_tz::Tz;

use super::*;
use crate::metrics::fatigue::testkit::*;
use crate::metrics::source::Local;

/// Week 2026-W46, zone UTC: Tuesday 2026-11-10 12:00 is business, 23:00 is sleep.
fn w46() -> Scope {
    scope(us(2026, 11, 9, 0, 0, 0), us(2026, 11, 16, 0, 0, 0))
}

fn day(i: i64) -> i64 {
    us(2026, 11, 10, 12, 0, 0) + (i % 5) * DAY + (i / 5) * HOUR
}

fn night(i: i64) -> i64 {
    us(2026, 11, 10, 23, 0, 0) + i * DAY
}

fn rows() -> Vec<Al> {
    // disk (team a): 4 pages, 2 of them at night, 1 acknowledged by a person.
    // weighted = 4 + (3 - 1) x 2 = 8; score = 8 x (1 - 1/4) = 6.
    let mut rows = vec![
        Al::page("a", day(0))
            .rule("disk")
            .ack(day(0) + MIN, Some("ann")),
        Al::page("a", day(1)).rule("disk"),
        Al::page("a", night(0)).rule("disk"),
        Al::page("a", night(1)).rule("disk"),
    ];
    // cpu (team a): 6 daytime pages, none actionable: score 6, tied with disk; "cpu" < "disk".
    // Resolved after 10, 20, ..., 60 min: median 35.
    for i in 0..6 {
        let at = day(i) + 5 * MIN;
        rows.push(
            Al::page("a", at)
                .rule("cpu")
                .resolved(at + (i + 1) * 10 * MIN, Some("auto")),
        );
    }
    // mem (team a): 5 pages, 3 linked to an incident: 5 x (1 - 0.6) = 2, not flagged (60%).
    for i in 0..5 {
        let mut a = Al::page("a", day(i) + 10 * MIN).rule("mem");
        if i < 3 {
            a = a.incident("inc-1");
        }
        rows.push(a);
    }
    // quiet (team a): never paged: not ranked.
    rows.push(Al::quiet("a", day(0)).rule("quiet"));
    // cpu (team b): 2 more pages of the same rule, one at night.
    rows.push(Al::page("b", day(0)).rule("cpu"));
    rows.push(Al::page("b", night(2)).rule("cpu"));
    rows
}

#[test]
fn score_weighs_sleep_pages_and_flags_noisy_rules() {
    let c = cfg(&[("a", Tz::UTC), ("b", Tz::UTC)]);
    let out = rules(&Local, &frames(&rows(), &[]), &c, &w46()).unwrap();
    let t = table(&out, "rules_by_team");
    assert_eq!(strs(t, "team"), ["a", "a", "a", "b"]);
    assert_eq!(strs(t, "rule"), ["cpu", "disk", "mem", "cpu"]);
    assert_eq!(u64s(t, "rank"), [1, 2, 3, 1]);
    assert_eq!(u64s(t, "pages"), [6, 4, 5, 2]);
    assert_eq!(u64s(t, "sleep_pages"), [0, 2, 0, 1]);
    // b/cpu: (2 + 2 x 1) x 1 = 4.
    assert_eq!(
        f64s(t, "score"),
        [Some(6.0), Some(6.0), Some(2.0), Some(4.0)]
    );
    assert_eq!(
        f64s(t, "actionable_pct"),
        [Some(0.0), Some(25.0), Some(60.0), Some(0.0)]
    );
    // cpu: 6 pages >= 5, 0% < 50%: flagged. disk: 4 pages < 5. mem: 60% actionable.
    assert_eq!(bools(t, "flagged"), [true, false, false, false]);
    assert_eq!(f64s(t, "median_ttr_min")[0], Some(35.0));
    assert_eq!(f64s(t, "median_ttr_min")[1], None, "no resolved disk alert");
    assert_eq!(f64s(t, "transient_pct")[0], Some(0.0));

    // Overall, cpu is one rule: 8 pages, 1 at night -> (8 + 2) x 1 = 10.
    let o = table(&out, "rules_overall");
    assert_eq!(strs(o, "rule"), ["cpu", "disk", "mem"]);
    assert_eq!(u64s(o, "pages"), [8, 4, 5]);
    assert_eq!(f64s(o, "score"), [Some(10.0), Some(6.0), Some(2.0)]);
    assert!(o.column("team").is_err());
}

#[test]
fn weights_and_flag_thresholds_come_from_the_config() {
    let mut c = cfg(&[("a", Tz::UTC), ("b", Tz::UTC)]);
    c.thresholds.sleep_weight = 1.0;
    c.thresholds.noisy_rule_min_pages = 4;
    let out = rules(&Local, &frames(&rows(), &[]), &c, &w46()).unwrap();
    let t = table(&out, "rules_by_team");
    // disk without the weight: 4 x 0.75 = 3, now below cpu (6) and above mem (2); flagged with
    // 4 pages >= 4 and 25% < 50%.
    assert_eq!(strs(t, "rule"), ["cpu", "disk", "mem", "cpu"]);
    assert_eq!(
        f64s(t, "score"),
        [Some(6.0), Some(3.0), Some(2.0), Some(2.0)]
    );
    assert_eq!(bools(t, "flagged"), [true, true, false, false]);
}

#[test]
fn sleep_pages_in_the_on_call_persons_zone() {
    // Tuesday 14:00 UTC is 23:00 in Tokyo: a sleep page for a team whose zone is UTC.
    let at = us(2026, 11, 10, 14, 0, 0);
    let rows = [Al::page("a", at).rule("disk")];
    let shifts: Vec<Sh> = vec![(
        "a",
        "ann",
        "Asia/Tokyo",
        us(2026, 11, 9, 0, 0, 0),
        us(2026, 11, 16, 0, 0, 0),
    )];
    let out = rules(
        &Local,
        &frames(&rows, &shifts),
        &cfg(&[("a", Tz::UTC)]),
        &w46(),
    )
    .unwrap();
    let t = table(&out, "rules_by_team");
    assert_eq!(u64s(t, "sleep_pages"), [1]);
    assert_eq!(f64s(t, "score"), [Some(3.0)]);
    let out = rules(&Local, &frames(&rows, &[]), &cfg(&[("a", Tz::UTC)]), &w46()).unwrap();
    assert_eq!(u64s(table(&out, "rules_by_team"), "sleep_pages"), [0]);
}

#[test]
fn top_ten_per_team_by_score_then_name() {
    // Rules r00..r11 with 1..12 unacknowledged daytime pages: scores 1..12.
    let mut rows = vec![];
    for r in 0..12i64 {
        for i in 0..=r {
            rows.push(Al::page("a", day(i) + r * MIN).rule(&format!("r{r:02}")));
        }
    }
    let out = rules(&Local, &frames(&rows, &[]), &cfg(&[]), &w46()).unwrap();
    let t = table(&out, "rules_by_team");
    assert_eq!(t.height(), 10);
    assert_eq!(strs(t, "rule")[0], "r11");
    assert_eq!(strs(t, "rule")[9], "r02");
    assert_eq!(u64s(t, "rank"), (1..=10).collect::<Vec<u64>>());
    assert_eq!(table(&out, "rules_overall").height(), 10);
}

#[test]
fn transient_and_flapping_shares_per_rule() {
    let t0 = us(2026, 11, 10, 12, 0, 0);
    let rows = [
        // flap: resolved after 1 min (transient), fired again 5 min later (flapping, transient).
        Al::page("a", t0)
            .rule("flap")
            .fp("f")
            .resolved(t0 + MIN, Some("auto")),
        Al::page("a", t0 + 6 * MIN)
            .rule("flap")
            .fp("f")
            .resolved(t0 + 7 * MIN, Some("auto")),
        // A third firing an hour later: neither (resolved after 10 min).
        Al::page("a", t0 + HOUR)
            .rule("flap")
            .fp("f")
            .resolved(t0 + 70 * MIN, Some("auto")),
        Al::quiet("a", t0 + 2 * HOUR).rule("flap").fp("g"),
    ];
    let out = rules(&Local, &frames(&rows, &[]), &cfg(&[]), &w46()).unwrap();
    let t = table(&out, "rules_by_team");
    // 4 alerts: 2 transient, 1 flapping; median time to resolve of 1, 1, 10 min = 1.
    assert_eq!(u64s(t, "alerts"), [4]);
    assert_eq!(f64s(t, "transient_pct"), [Some(50.0)]);
    assert_eq!(f64s(t, "flapping_pct"), [Some(25.0)]);
    assert_eq!(f64s(t, "median_ttr_min"), [Some(1.0)]);
}

#[test]
fn median_from_value_counts_is_the_median_of_the_values() {
    use crate::metrics::fatigue::ids::median_in_place;
    use crate::model::time::MINUTE_US_F;
    // 7 us x3, 1 us, 90 s x2, 40 s: sorted 1, 7, 7, 7, 40 s, 90 s, 90 s -> the 4th, 7 us.
    let counts = vec![(7i64, 3u64), (90_000_000, 2), (1, 1), (40_000_000, 1)];
    let expand = |c: &[(i64, u64)]| -> Vec<f64> {
        c.iter()
            .flat_map(|&(us, n)| std::iter::repeat_n(us as f64 / MINUTE_US_F, n as usize))
            .collect()
    };
    let mut odd = counts.clone();
    assert_eq!(rank::median_minutes(&mut odd), Some(7.0 / MINUTE_US_F));
    assert_eq!(
        rank::median_minutes(&mut counts.clone()),
        median_in_place(&mut expand(&counts))
    );
    // Even: 1, 7, 7, 7, 40 s, 90 s, 90 s, 90 s -> (7 us + 40 s) / 2.
    let even = vec![(7i64, 3u64), (90_000_000, 3), (1, 1), (40_000_000, 1)];
    let want = 0.5 * (7.0 / MINUTE_US_F + 40_000_000.0 / MINUTE_US_F);
    assert_eq!(rank::median_minutes(&mut even.clone()), Some(want));
    assert_eq!(
        rank::median_minutes(&mut even.clone()),
        median_in_place(&mut expand(&even))
    );
    assert_eq!(rank::median_minutes(&mut []), None);
}

#[test]
fn finish_does_not_depend_on_the_order_of_the_reduced_rows() {
    let c = cfg(&[("a", Tz::UTC), ("b", Tz::UTC)]);
    let f = frames(&rows(), &[]);
    let scope = w46();
    let sh = crate::metrics::fatigue::shifts::load(&f, &scope).unwrap();
    let al = classify::prepare(&f.alerts, &f.alert_history, &c, &scope, &[RULE]).unwrap();
    let red = reduce::reduce(&al, &c, &sh);
    // a/cpu, a/disk, a/mem, a/quiet, b/cpu; cpu of team a resolved after 10..60 min.
    assert_eq!(red.groups.len(), 5);
    assert_eq!(red.ttr.len(), 6);
    let mut rev = red.clone();
    let n = rev.groups.len() as u32;
    rev.groups.reverse();
    rev.ttr.reverse();
    for row in &mut rev.ttr {
        row.group = n - 1 - row.group;
    }
    let want = finish::finish(red, &c).unwrap();
    let got = finish::finish(rev, &c).unwrap();
    for (w, g) in want.iter().zip(&got) {
        assert!(w.frame.equals_missing(&g.frame), "{}", w.id.name());
    }
}
