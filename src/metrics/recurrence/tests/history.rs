//! `History::cluster_of` against its definition: the cluster `recurrence_clusters` lists the
//! incident in, with the same name, template and incidents whatever period the family was run
//! over (a week, the 90 days before the incident, the whole range), and its earlier members with
//! how each matched directly as `recurrence_pairs` has them. On random incidents, loaded once for
//! all of them. Regression (issue 13): the weekly, postmortem and improvement reports named one
//! recurring problem three ways, each cluster built over its own report's window.

use super::super::*;
use super::{lcg, table};
use crate::metrics::quality::fixtures::*;

const DAY: i64 = 86_400_000_000;

fn key_text(k: Option<Key>) -> Option<String> {
    k.map(|k| match k {
        Key::Fingerprint => "fingerprint".to_string(),
        Key::Title(s) => format!("title {s:.6}"),
    })
}

fn col(df: &DataFrame, name: &str) -> Vec<String> {
    crate::metrics::frames::texts(df, name)
        .unwrap()
        .into_iter()
        .map(Option::unwrap)
        .collect()
}

/// The cluster the family lists `id` in over `[from, to)`: its name, template and incidents.
fn listed(f: &Frames, cfg: &Config, id: &str, from: i64, to: i64, as_of: i64) -> Option<Seen> {
    let (tables, members) = with_members(f, cfg, &scope(from, to, as_of)).unwrap();
    let (name, ids) = members.iter().find(|m| m.1.iter().any(|i| i == id))?;
    let clusters = table(&tables, "recurrence_clusters");
    let row = col(clusters, "cluster").iter().position(|n| n == name)?;
    let incidents = clusters
        .column("incidents")
        .unwrap()
        .u32()
        .unwrap()
        .get(row)?;
    assert_eq!(incidents as usize, ids.len());
    Some((
        name.clone(),
        col(clusters, "template")[row].clone(),
        ids.len(),
    ))
}

/// (cluster, template, incidents).
type Seen = (String, String, usize);

/// 160 random incidents over 400 days from 2025-01-01: two teams, a service or none, six
/// titles of which some match, two fingerprints or none; with their ids and detection instants.
fn random_incidents() -> (Frames, Vec<String>, Vec<i64>) {
    let titles = [
        "disk full on primary",
        "disk full on replica",
        "disk full on primary db-1",
        "cache miss rate high on edge",
        "cache miss rate high on origin node",
        "queue backlog growing",
    ];
    let mut draw = lcg(11);
    let mut next = |m: usize| draw() % m;
    const N: usize = 160;
    let (mut ids, mut teams, mut services, mut title, mut fps, mut at) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    let t0 = utc(2025, 1, 1, 0, 0);
    for k in 0..N {
        ids.push(format!("i{k:03}"));
        teams.push(["a", "b"][next(2)]);
        services.push([Some("db"), None][next(2)]);
        title.push(titles[next(titles.len())]);
        fps.push([None, None, Some("X"), Some("Y")][next(4)]);
        // Two incidents often share a day, sometimes an instant.
        at.push(t0 + (next(400) as i64) * DAY + (next(2) as i64) * 3_600_000_000);
    }
    let mut f = frames();
    f.incidents = DataFrame::new(
        N,
        vec![
            Column::new(INCIDENT_ID.into(), ids.clone()),
            Column::new(TITLE.into(), title),
            Column::new(TEAM.into(), teams),
            Column::new(SERVICE.into(), services),
            Column::new(SEVERITY.into(), vec!["SEV2"; N]),
            Column::new(KIND.into(), vec!["normal"; N]),
            Column::new(MERGED_INTO.into(), vec![None::<&str>; N]),
            Column::new(FINGERPRINT.into(), fps),
            instants(DETECTED_AT, at.iter().map(|t| Some(*t)).collect()),
        ],
    )
    .unwrap()
    .lazy();
    (f, ids, at)
}

#[test]
fn each_incidents_cluster_is_the_familys_whatever_the_period() {
    let (f, ids, at) = random_incidents();
    const N: usize = 160;
    let t0 = utc(2025, 1, 1, 0, 0);
    let cfg = cfg();
    let as_of = t0 + 500 * DAY;
    let as_of_utc = chrono::DateTime::from_timestamp_micros(as_of).unwrap();
    let history = History::load(&f, &cfg, as_of_utc).unwrap();
    // The whole range once, with its pairs: the direct matches of every incident.
    let all = recurrence(&f, &cfg, &scope(t0, t0 + 401 * DAY, as_of), true).unwrap();
    let pairs = table(&all, "recurrence_pairs");
    let (later, earlier, key) = (
        col(pairs, INCIDENT_ID),
        col(pairs, "matched_incident_id"),
        col(pairs, "key"),
    );
    let score: Vec<f64> = pairs
        .column("score")
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .map(Option::unwrap)
        .collect();
    let direct = |a: &str, b: &str| {
        (0..later.len())
            .find(|&i| later[i] == a && earlier[i] == b)
            .map(|i| match key[i].as_str() {
                "fingerprint" => "fingerprint".to_string(),
                _ => format!("title {:.6}", score[i]),
            })
    };
    let order = |i: usize| (at[i], ids[i].clone());
    let (mut clustered, mut through_others, mut shifted) = (0, 0, 0);
    for (i, (id, &t)) in ids.iter().zip(&at).enumerate() {
        let got = history.cluster_of(id);
        let seen = got
            .as_ref()
            .map(|c| (c.name.clone(), c.template.clone(), c.incidents));
        // The same identity over a week, over the old postmortem window and over everything.
        let week = listed(&f, &cfg, id, t - 6 * DAY, t + 1, as_of);
        let window = listed(&f, &cfg, id, t - 90 * DAY, t + 1, as_of);
        let whole = listed(&f, &cfg, id, t0, t0 + 401 * DAY, as_of);
        assert_eq!(seen, week, "incident {id}, a week");
        assert_eq!(seen, window, "incident {id}, 90 days");
        assert_eq!(seen, whole, "incident {id}, everything");
        let Some(c) = got else { continue };
        clustered += 1;
        // Earlier members: the cluster's incidents before this one, in order, each with how it
        // matched this one directly, as the pairs say.
        let want: Vec<(String, Option<String>)> = (0..N)
            .filter(|&j| order(j) < order(i))
            .filter(|&j| {
                history
                    .cluster_of(&ids[j])
                    .is_some_and(|o| o.name == c.name)
            })
            .map(|j| (ids[j].clone(), direct(id, &ids[j])))
            .collect();
        let mut want = want;
        want.sort_by_key(|(o, _)| {
            let j = ids.iter().position(|x| x == o).unwrap();
            order(j)
        });
        let have: Vec<(String, Option<String>)> = c
            .earlier
            .iter()
            .map(|m| (m.incident_id.clone(), key_text(m.direct)))
            .collect();
        assert_eq!(have, want, "incident {id}");
        through_others += have.iter().filter(|o| o.1.is_none()).count();
        // A member later than this one, or one more than 90 days before it: a window ending at
        // the incident would have named or counted this cluster differently.
        let first = ids.iter().position(|x| *x == c.name).unwrap();
        if c.earlier.len() + 1 < c.incidents || t - at[first] > 90 * DAY {
            shifted += 1;
        }
    }
    // The data exercise what they should: clusters, members joined through others, and
    // clusters that reach beyond an incident's own window.
    assert!(clustered > N / 3, "{clustered}");
    assert!(through_others > 0);
    assert!(shifted > 0);
}

#[test]
fn members_are_the_incidents_the_pairs_of_each_cluster_name() {
    let (f, _, _) = random_incidents();
    let t0 = utc(2025, 1, 1, 0, 0);
    let s = scope(t0 + 100 * DAY, t0 + 200 * DAY, t0 + 500 * DAY);
    let (tables, members) = with_members(&f, &cfg(), &s).unwrap();
    assert!(tables.iter().all(|t| t.name() != "recurrence_pairs"));
    let with_pairs = recurrence(&f, &cfg(), &s, true).unwrap();
    let pairs = table(&with_pairs, "recurrence_pairs");
    let col = |name: &str| -> Vec<String> {
        crate::metrics::frames::texts(pairs, name)
            .unwrap()
            .into_iter()
            .map(Option::unwrap)
            .collect()
    };
    let mut want: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    for ((c, a), b) in col("cluster")
        .into_iter()
        .zip(col(INCIDENT_ID))
        .zip(col("matched_incident_id"))
    {
        want.entry(c).or_default().extend([a, b]);
    }
    let got: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> = members
        .into_iter()
        .map(|(c, m)| (c, m.into_iter().collect()))
        .collect();
    assert!(!got.is_empty());
    assert_eq!(got, want);
}
