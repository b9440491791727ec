//! Property tests of the durations family: for any set of well-formed incidents, the counts of
//! the groups add up to the ungrouped count, TTA <= TTR when both are measured from detection,
//! the median lies inside its interval, and the order of the input rows changes nothing.

use proptest::prelude::*;

use super::testkit::{Inc, cfg, f64s, frames, scope, table};
use super::*;

const IDS: [&str; 24] = [
    "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s",
    "t", "u", "v", "w", "x",
];
const TEAMS: [&str; 3] = ["red", "green", "blue"];
const SEVS: [&str; 2] = ["SEV1", "SEV3"];

/// A well-formed incident: detected in the week of T0 (minutes 0..=6000 after it), acknowledged
/// and resolved in order when at all, so ack <= resolve.
/// (team, severity, detected, ack after detection, resolution after ack, maintenance?)
type Raw = (usize, usize, i64, Option<i64>, Option<i64>, bool);

fn incident() -> impl Strategy<Value = Raw> {
    (
        0..TEAMS.len(),
        0..SEVS.len(),
        0i64..6000,
        proptest::option::of(0i64..300),
        proptest::option::of(0i64..3000),
        any::<bool>(),
    )
}

fn build(raw: &[Raw]) -> Vec<Inc> {
    raw.iter()
        .enumerate()
        .map(|(i, &(t, s, det, ack, res, maint))| {
            let ack = ack.map(|a| det + a);
            // Resolution after the acknowledgement (if any), so TTA <= TTR is a fact of the data.
            let res = res.map(|r| ack.unwrap_or(det) + r);
            let kind = if maint { "maintenance" } else { "normal" };
            (IDS[i], TEAMS[t], SEVS[s], kind, None, det, ack, None, res)
        })
        .collect()
}

fn sum(v: &[Option<f64>]) -> f64 {
    v.iter().flatten().sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn groups_add_up_tta_within_ttr_and_order_is_irrelevant(
        raw in proptest::collection::vec(incident(), 1..IDS.len()),
        seed in any::<u64>(),
    ) {
        let rows = build(&raw);
        let s = scope();
        let by_team = durations(&frames(&rows), &cfg(), &s, Some(&[Dim::Team, Dim::Severity]), false).unwrap();
        let all = durations(&frames(&rows), &cfg(), &s, Some(&[]), false).unwrap();
        for name in ["incidents", "ttr", "tta"] {
            for c in ["n", "n_open", "n_excluded", "incidents", "open", "excluded"] {
                let (g, a) = (table(&by_team, name), table(&all, name));
                if g.column(c).is_ok() {
                    prop_assert_eq!(sum(&f64s(g, c)), sum(&f64s(a, c)), "{} {}", name, c);
                }
            }
        }
        // Per incident: both closed and measured from detection -> TTA <= TTR.
        let per = per_incident(&frames(&rows), &cfg(), &s).collect().unwrap();
        let r = super::group::Rows::from_frame(&per).unwrap();
        for i in 0..r.metric.len() {
            if r.metric[i] != "tta" || r.censored[i] || r.seconds[i].is_none() || r.not_measured[i].is_some() {
                continue;
            }
            let j = (0..r.metric.len())
                .find(|&j| r.metric[j] == "ttr" && r.incident_id[j] == r.incident_id[i])
                .unwrap();
            if !r.censored[j] && r.start_used[j].as_deref() == Some("detected") && r.not_measured[j].is_none() {
                prop_assert!(r.seconds[i] <= r.seconds[j]);
            }
        }
        // The median lies inside its interval, wherever one is given.
        let ttr = table(&by_team, "ttr");
        for ((m, lo), hi) in f64s(ttr, "median_min").into_iter().zip(f64s(ttr, "median_low_min")).zip(f64s(ttr, "median_high_min")) {
            if let (Some(m), Some(lo), Some(hi)) = (m, lo, hi) {
                prop_assert!(lo <= m && m <= hi, "{} not in [{}, {}]", m, lo, hi);
            }
        }
        // A permutation of the rows (a deterministic shuffle from the seed) gives equal tables.
        let mut shuffled = rows.clone();
        let mut x = seed | 1;
        for k in (1..shuffled.len()).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            shuffled.swap(k, (x % (k as u64 + 1)) as usize);
        }
        let again = durations(&frames(&shuffled), &cfg(), &s, Some(&[Dim::Team, Dim::Severity]), false).unwrap();
        for (a, b) in by_team.iter().zip(&again) {
            prop_assert!(a.frame.equals_missing(&b.frame), "{} differs after a permutation", a.name());
        }
    }
}
