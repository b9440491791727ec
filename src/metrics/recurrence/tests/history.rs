//! `History::cluster_of` against its definition: the recurrence family with its pairs, run over
//! the incident's own window (what each postmortem ran before the history was shared). On random
//! incidents, loaded once for all of them: for every incident, the same cluster name, template,
//! other incidents and direct matches.

use super::super::*;
use super::{lcg, table};
use crate::metrics::quality::fixtures::*;

const DAY: i64 = 86_400_000_000;
/// The postmortem's look-back.
const DAYS: i64 = 90;

/// (cluster, template, the other incidents with how each matched directly), others by id.
type Seen = (String, String, Vec<(String, Option<String>)>);

fn key_text(k: Option<Key>) -> Option<String> {
    k.map(|k| match k {
        Key::Fingerprint => "fingerprint".to_string(),
        Key::Title(s) => format!("title {s:.6}"),
    })
}

/// The recurrence family over [at - DAYS, at] and the cluster its pairs put `id` in.
fn by_the_family(f: &Frames, cfg: &Config, id: &str, at: i64, as_of: i64) -> Option<Seen> {
    let s = scope(at - DAYS * DAY, at + 1, as_of);
    let out = recurrence(f, cfg, &s, true).unwrap();
    let (pairs, clusters) = (
        table(&out, "recurrence_pairs"),
        table(&out, "recurrence_clusters"),
    );
    let col = |df: &DataFrame, name: &str| -> Vec<String> {
        crate::metrics::frames::texts(df, name)
            .unwrap()
            .into_iter()
            .map(Option::unwrap)
            .collect()
    };
    let (cluster, later, earlier, key) = (
        col(pairs, "cluster"),
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
    let row = (0..later.len()).find(|&i| later[i] == id || earlier[i] == id)?;
    let name = cluster[row].clone();
    let mut others: Vec<String> = (0..later.len())
        .filter(|&i| cluster[i] == name)
        .flat_map(|i| [later[i].clone(), earlier[i].clone()])
        .filter(|o| o != id)
        .collect();
    others.sort();
    others.dedup();
    let direct = |o: &str| {
        (0..later.len())
            .find(|&i| (later[i] == id && earlier[i] == o) || (later[i] == o && earlier[i] == id))
            .map(|i| match key[i].as_str() {
                "fingerprint" => "fingerprint".to_string(),
                _ => format!("title {:.6}", score[i]),
            })
    };
    let names = col(clusters, "cluster");
    let c = names.iter().position(|n| *n == name).unwrap();
    let template = col(clusters, "template")[c].clone();
    let others = others
        .into_iter()
        .map(|o| {
            let d = direct(&o);
            (o, d)
        })
        .collect();
    Some((name, template, others))
}

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
fn each_incidents_cluster_is_the_familys_over_its_own_window() {
    let (f, ids, at) = random_incidents();
    const N: usize = 160;
    let t0 = utc(2025, 1, 1, 0, 0);
    let cfg = cfg();
    let as_of = t0 + 500 * DAY;
    let as_of_utc = chrono::DateTime::from_timestamp_micros(as_of).unwrap();
    let history = History::load(&f, &cfg, as_of_utc, DAYS, &at).unwrap();
    let (mut clustered, mut through_others) = (0, 0);
    for (id, &t) in ids.iter().zip(&at) {
        let got: Option<Seen> = history.cluster_of(id).map(|c| {
            let mut others: Vec<(String, Option<String>)> = c
                .others
                .into_iter()
                .map(|m| (m.incident_id, key_text(m.direct)))
                .collect();
            others.sort();
            (c.name, c.template, others)
        });
        let want = by_the_family(&f, &cfg, id, t, as_of);
        assert_eq!(got, want, "incident {id}");
        if let Some((_, _, others)) = &want {
            clustered += 1;
            through_others += others.iter().filter(|o| o.1.is_none()).count();
        }
    }
    // The data exercise what they should: clusters, and members joined through others.
    assert!(clustered > N / 3, "{clustered}");
    assert!(through_others > 0);
}

#[test]
fn members_are_the_incidents_the_pairs_of_each_cluster_name() {
    let (f, _, _) = random_incidents();
    let t0 = utc(2025, 1, 1, 0, 0);
    let s = scope(t0 + 100 * DAY, t0 + 200 * DAY, t0 + 500 * DAY);
    let (tables, members) = with_members(&f, &cfg(), &s).unwrap();
    assert!(tables.iter().all(|t| t.name != "recurrence_pairs"));
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
