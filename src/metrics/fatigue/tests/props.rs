//! Property tests: the episode rule agrees with `hours`, groups add up to the totals, and the row
//! order of the input changes nothing.

use chrono_tz::Tz;
use polars::prelude::DataFrame;
use proptest::prelude::*;

use super::super::testkit::*;
use super::super::*;
use crate::metrics::hours;
use crate::metrics::source::Local;

fn run(rows: &[Al], cfg: &Config, scope: &Scope, by: &[Dim]) -> Vec<MetricTable> {
    fatigue(&Local, &frames(rows, &[]), cfg, scope, Some(by), false).unwrap()
}

#[test]
fn episode_starts_agree_with_the_hours_rule() {
    let mut runner = proptest::test_runner::TestRunner::default();
    runner
        .run(
            &(
                prop::collection::vec(0i64..400, 0..40),
                1usize..5,
                1i64..120,
            ),
            |(mut mins, need, window_min)| {
                mins.sort_unstable();
                let t: Vec<i64> = mins.iter().map(|m| m * MIN).collect();
                let starts = classify::episode_starts(&t, need, window_min * 60);
                prop_assert_eq!(
                    starts.len(),
                    hours::flapping_episodes_with(&t, need, window_min * 60)
                );
                Ok(())
            },
        )
        .unwrap();
}

/// Alerts for the property tests: three teams over two weeks, a few fingerprints so some flap,
/// distinct instants (ties would make "the previous firing" depend on row order).
fn arb_alerts() -> impl Strategy<Value = Vec<Al>> {
    prop::collection::vec(
        (
            0usize..3,
            0u8..4,
            any::<bool>(),
            0i64..40,
            prop::option::of(0i64..30),
            any::<bool>(),
        ),
        1..60,
    )
    .prop_map(|specs| {
        let from = us(2026, 11, 9, 0, 0, 0) - HOUR;
        specs
            .into_iter()
            .enumerate()
            .map(|(i, (team, fp, paged, res, ack, linked))| {
                let team = ["a", "b", "c"][team];
                let fired = from + i as i64 * 7 * HOUR + (i as i64 % 5) * 17 * SEC;
                let mut a = if paged {
                    Al::page(team, fired)
                } else {
                    Al::quiet(team, fired)
                };
                a = a
                    .fp(&format!("{team}{fp}"))
                    .resolved(fired + res * MIN, Some("auto"));
                if let Some(m) = ack {
                    a = a.ack(fired + m * MIN, Some("ann"));
                }
                if linked {
                    a = a.incident(&format!("inc-{}", i % 3));
                }
                a
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn groups_add_up_and_row_order_changes_nothing(
        (rows, shuffled) in arb_alerts().prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle()))
    ) {
        let s = scope(us(2026, 11, 9, 0, 0, 0), us(2026, 11, 23, 0, 0, 0));
        let c = cfg(&[("a", Tz::Europe__Berlin), ("b", Tz::America__New_York)]);
        let by_week = run(&rows, &c, &s, &[Dim::Team, Dim::Week]);
        let by_team = run(&rows, &c, &s, &[Dim::Team]);
        let in_period: Vec<&Al> = rows
            .iter()
            .filter(|a| a.fired >= us(2026, 11, 9, 0, 0, 0) && a.fired < us(2026, 11, 23, 0, 0, 0))
            .collect();
        let sum = |t: &DataFrame, c: &str| u64s(t, c).iter().sum::<u64>();
        let (w, t) = (&by_week[0].frame, &by_team[0].frame);
        prop_assert_eq!(sum(w, "alerts"), in_period.len() as u64);
        prop_assert_eq!(sum(w, "pages"), in_period.iter().filter(|a| a.paged).count() as u64);
        for c in ["alerts", "pages", "interruptions", "flapping_alerts", "flapping_episodes",
                  "notification_repeats", "sleep_interruptions"] {
            prop_assert_eq!(sum(w, c), sum(t, c), "{}", c);
        }
        let again = run(&shuffled, &c, &s, &[Dim::Team, Dim::Week]);
        prop_assert!(again[0].frame.equals_missing(w));
    }
}
