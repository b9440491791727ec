//! The incident volume knobs: scaled runs have more incidents and longer timelines, ids stay
//! unique, and the extra events never change what an incident row says (its lifecycle columns are
//! still exactly what its events give by the data model's derivation rule). That the default
//! volume leaves the files byte-identical is `tests/generate.rs` (the committed sample data).

use std::collections::{HashMap, HashSet};

use super::*;

fn opts(out: &Path) -> GenerateOptions {
    GenerateOptions {
        out: out.to_path_buf(),
        seed: 3,
        teams: 2,
        weeks: 8,
        start: NaiveDate::from_ymd_opt(2026, 3, 2).expect("date"),
        scale: 0.1,
        dirty: false,
    }
}

/// acknowledged_at, mitigated_at, resolved_at and reopen_count from one incident's events, by the
/// rule of the data model: first acknowledged, first mitigated, last resolved not followed by a
/// reopened, number of reopened.
type Lifecycle = (String, String, String, usize);

fn derive(events: &[(String, String)]) -> Lifecycle {
    let first = |k: &str| {
        events
            .iter()
            .find(|e| e.1 == k)
            .map(|e| e.0.clone())
            .unwrap_or_default()
    };
    let resolved = events
        .iter()
        .rev()
        .find(|e| e.1 == "resolved" || e.1 == "reopened")
        .filter(|e| e.1 == "resolved")
        .map(|e| e.0.clone())
        .unwrap_or_default();
    let reopens = events.iter().filter(|e| e.1 == "reopened").count();
    (first("acknowledged"), first("mitigated"), resolved, reopens)
}

#[test]
fn scaled_incidents_have_longer_timelines_that_still_match_their_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plain = generate(&opts(&dir.path().join("plain"))).expect("generate");
    let out = dir.path().join("scaled");
    let volume = IncidentVolume {
        scale: 5.0,
        extra_events: 6.0,
    };
    let scaled = generate_with(&opts(&out), volume).expect("generate");
    // 2 teams x 8 weeks x 2.57 incidents a week is 41 expected at scale 1 and 206 at scale 5;
    // events about 5.6 per incident, plus 6 on average when scaled.
    let per = |c: &Counts| c.events as f64 / c.incidents as f64;
    assert!((20..=70).contains(&plain.incidents), "{plain:?}");
    assert!((150..=270).contains(&scaled.incidents), "{scaled:?}");
    assert!(
        per(&plain) < 7.0 && per(&scaled) > 10.0,
        "{plain:?} {scaled:?}"
    );

    let mut events: HashMap<String, Vec<(String, String)>> = HashMap::new();
    let text = std::fs::read_to_string(out.join("incident_events.ndjson")).expect("events");
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("one JSON object a line");
        let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        events
            .entry(s("incident_id"))
            .or_default()
            .push((s("at"), s("kind")));
    }
    let mut rows = csv::Reader::from_path(out.join("incidents.csv")).expect("incidents");
    let mut ids = HashSet::new();
    for row in rows.records() {
        let row = row.expect("a CSV row");
        let id = row[0].to_string();
        // Columns 13-16: acknowledged_at, mitigated_at, resolved_at, reopen_count.
        let want: Lifecycle = (
            row[13].to_string(),
            row[14].to_string(),
            row[15].to_string(),
            row[16].parse().expect("reopen_count"),
        );
        assert_eq!(derive(&events[&id]), want, "incident {id}");
        assert!(ids.insert(id.clone()), "incident id {id} written twice");
    }
    assert_eq!(ids.len() as u64, scaled.incidents);
}

#[test]
fn a_negative_volume_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let volume = IncidentVolume {
        scale: 1.0,
        extra_events: -1.0,
    };
    assert!(generate_with(&opts(dir.path()), volume).is_err());
}
