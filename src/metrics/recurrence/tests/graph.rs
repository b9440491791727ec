//! The match graph and the similarity join against their definitions on random data, and the
//! timing of recurrence at 200,000 incidents.

use std::collections::BTreeSet;

use super::super::matching::{Graph, Key, Loaded};
use super::super::similar::{intern, jaccard_sorted, matches};
use super::super::*;
use super::{lcg, table};
use crate::metrics::quality::fixtures::*;
use crate::metrics::template::{jaccard, template, tokens};

#[test]
fn prefix_filtered_matches_equal_all_pairs() {
    // Pseudo-random sets over a 12-word vocabulary (a fixed LCG): the pruned join must find
    // exactly the pairs, and scores, that scoring every pair finds.
    let words = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"];
    let mut next = lcg(42);
    let sets: Vec<BTreeSet<String>> = (0..300)
        .map(|_| {
            let n = next() % 6;
            (0..n)
                .map(|_| words[next() % words.len()].to_string())
                .collect()
        })
        .collect();
    let ids = intern(&sets);
    let refs: Vec<&[u32]> = ids.iter().map(Vec::as_slice).collect();
    for min in [0.0, 0.3, 0.5, 0.6, 0.75, 1.0] {
        let got = matches(&refs, min);
        for i in 0..sets.len() {
            let want: Vec<(u32, f64)> = (0..sets.len())
                .filter_map(|j| {
                    let s = jaccard(&sets[i], &sets[j]);
                    (s >= min && (min <= 0.0 || s > 0.0)).then_some((j as u32, s))
                })
                .collect();
            assert_eq!(got[i], want, "set {i} at {min}");
            for &(j, s) in &got[i] {
                assert_eq!(jaccard_sorted(&ids[i], &ids[j as usize]), s);
            }
        }
    }
}

/// The match rule straight from the spec at Jaccard 0.6, for the cross-check below; `words` are
/// the template tokens of each title.
fn matches_directly(inc: &Loaded, words: &[BTreeSet<String>], a: usize, b: usize) -> Option<Key> {
    match (&inc.fingerprint[a], &inc.fingerprint[b]) {
        (Some(x), Some(y)) => (x == y).then_some(Key::Fingerprint),
        _ => {
            let same = inc.team[a] == inc.team[b] && inc.service[a] == inc.service[b];
            let s = jaccard(&words[a], &words[b]);
            (same && s >= 0.6).then_some(Key::Title(s))
        }
    }
}

/// (detected_at, id, team, service, title, fingerprint) of a generated incident.
type Row = (i64, String, String, Option<String>, String, Option<String>);

#[test]
fn the_grouped_graph_agrees_with_comparing_every_pair() {
    // Random incidents (a fixed LCG) over 2 teams, 2 services, 3 fingerprint states and titles
    // that overlap to different degrees, on whole days so that ties happen.
    let titles = [
        "Disk full on primary",
        "Disk full on replica",
        "Disk full on replica node",
        "Cache miss rate high edge",
        "Cache miss rate high origin node",
        "Payment gateway timeout",
    ];
    let mut draw = lcg(7);
    let mut next = |n: usize| draw() % n;
    let window = 30 * DAY;
    for round in 0..20 {
        let mut rows: Vec<Row> = (0..80)
            .map(|k| {
                (
                    (next(200) as i64) * DAY,
                    format!("i{k:03}"),
                    ["a", "b"][next(2)].to_string(),
                    [Some("db".to_string()), None][next(2)].clone(),
                    titles[next(titles.len())].to_string(),
                    [None, Some("X".to_string()), Some("Y".to_string())][next(3)].clone(),
                )
            })
            .collect();
        rows.sort();
        let inc = Loaded {
            at: rows.iter().map(|r| r.0).collect(),
            ids: rows.iter().map(|r| r.1.clone()).collect(),
            team: rows.iter().map(|r| r.2.clone()).collect(),
            service: rows.iter().map(|r| r.3.clone()).collect(),
            title: rows.iter().map(|r| r.4.clone()).collect(),
            fingerprint: rows.iter().map(|r| r.5.clone()).collect(),
            in_period: vec![true; rows.len()],
        };
        let g = Graph::new(&inc, 0.6, window);
        let words: Vec<_> = inc.title.iter().map(|t| tokens(&template(t))).collect();
        let m = |a, b| matches_directly(&inc, &words, a, b);
        let n = rows.len();
        let latest = g.latest_before_all();
        let roots = g.components();
        // Components from every pair, as each incident's smallest companion.
        let mut label: Vec<usize> = (0..n).collect();
        loop {
            let mut changed = false;
            for b in 0..n {
                for a in 0..b {
                    let near = inc.at[b] - inc.at[a] <= window;
                    if near && m(a, b).is_some() {
                        let m = label[a].min(label[b]);
                        changed |= label[a] != m || label[b] != m;
                        (label[a], label[b]) = (m, m);
                    }
                }
            }
            if !changed {
                break;
            }
        }
        for b in 0..n {
            let want = (0..n)
                .filter(|&a| inc.at[a] < inc.at[b] && m(a, b).is_some())
                .map(|a| inc.at[a])
                .max();
            assert_eq!(latest[b], want, "round {round}, latest before {b}");
            for a in 0..n {
                assert_eq!(
                    roots[a] == roots[b],
                    label[a] == label[b],
                    "round {round}: {a} {b}"
                );
            }
            let mut got: Vec<(usize, Key)> = g
                .pairs_of(b)
                .into_iter()
                .map(|p| (p.earlier, p.key))
                .collect();
            got.sort_by_key(|p| p.0);
            let want: Vec<(usize, Key)> = (0..b)
                .filter(|&a| inc.at[b] - inc.at[a] <= window)
                .filter_map(|a| m(a, b).map(|k| (a, k)))
                .collect();
            assert_eq!(got, want, "round {round}, pairs of {b}");
        }
    }
}

/// 200,000 incidents across 50 teams with 5 services each over a year, half of the recurring
/// ones fingerprinted. Run with `cargo test --release -- --ignored recurrence_scales`.
#[test]
#[ignore]
fn recurrence_scales_to_200k_incidents() {
    const N: usize = 200_000;
    let words = [
        "disk", "cpu", "queue", "latency", "errors", "memory", "cache", "dns",
    ];
    let (mut ids, mut teams, mut services, mut titles, mut fps, mut at) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    let t0 = utc(2025, 4, 1, 0, 0);
    for k in 0..N {
        let team = k % 50;
        ids.push(format!("pd:{k}"));
        teams.push(format!("team-{team}"));
        services.push(format!("svc-{}", (k / 50) % 5));
        let w = words[(k * 7 / 3) % words.len()];
        let v = words[(k * 13 / 5) % words.len()];
        titles.push(format!(
            "{w} {v} high on db-{} after deploy {}",
            k % 97,
            k % 1000
        ));
        fps.push((k % 4 == 0).then(|| format!("fp-{}", k % 300)));
        at.push(Some(t0 + (k as i64) * (365 * DAY / N as i64)));
    }
    let n = ids.len();
    let mut f = frames();
    f.incidents = DataFrame::new(
        n,
        vec![
            Column::new(INCIDENT_ID.into(), ids),
            Column::new(TITLE.into(), titles),
            Column::new(TEAM.into(), teams),
            Column::new(SERVICE.into(), services),
            Column::new(SEVERITY.into(), vec!["SEV3"; n]),
            Column::new(KIND.into(), vec!["normal"; n]),
            Column::new(MERGED_INTO.into(), vec![None::<&str>; n]),
            Column::new(FINGERPRINT.into(), fps),
            instants(DETECTED_AT, at),
        ],
    )
    .unwrap()
    .lazy();
    let s = scope(
        utc(2025, 4, 1, 0, 0),
        utc(2026, 4, 1, 0, 0),
        utc(2026, 4, 1, 0, 0),
    );
    let started = std::time::Instant::now();
    let out = recurrence(&f, &cfg(), &s, false).unwrap();
    let took = started.elapsed();
    assert_eq!(
        u64s(table(&out, "recurrence_overall"), "incidents"),
        [N as u64]
    );
    eprintln!("recurrence over {N} incidents: {took:?}");
    assert!(took.as_secs_f64() < 2.0, "{took:?}");
    // The template of a generated title, to show the test exercises masking.
    assert_eq!(
        tokens(&template("disk cpu high on db-7 after deploy 12")).len(),
        8
    );
}
