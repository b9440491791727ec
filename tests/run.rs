//! `aftermath run` on a copy of the repository's config and sample data: it ingests everything,
//! reads every vendor export with its connector, rejects exactly the dirty rows, and prints the
//! per-team overview.

use crate::common::*;

/// A sandbox holding the repository's config and sample data.
pub(crate) fn sample_sandbox() -> Sandbox {
    let s = Sandbox::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join("aftermath.toml"), s.path("aftermath.toml")).unwrap();
    for e in walkdir::WalkDir::new(root.join("sample_data")) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(root).unwrap();
        if e.file_type().is_dir() {
            std::fs::create_dir_all(s.path(rel.to_str().unwrap())).unwrap();
        } else {
            std::fs::copy(e.path(), s.path(rel.to_str().unwrap())).unwrap();
        }
    }
    s
}

#[test]
fn run_ingests_the_sample_data_and_summarises_per_team() {
    let s = sample_sandbox();
    let out = std::process::Command::new(BIN)
        .current_dir(s.dir.path())
        .arg("run")
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(
        stdout.contains("incidents              524       494         0         22         8"),
        "{stdout}"
    );
    assert!(
        stdout.contains("alerts               17193     17186         0          0         7"),
        "{stdout}"
    );
    assert!(stdout.contains("15 row(s) rejected"), "{stdout}");
    // The sample ends on 2026-11-15 and the clock is later: the weekly report covers the last
    // complete week with data, not an empty week after it, and says so.
    assert!(
        stdout.contains("periods: weekly 2026-W46, improvement "),
        "{stdout}"
    );
    assert!(
        stdout.contains("holds no data yet (the data end 2026-11-15): reporting 2026-W46"),
        "{stdout}"
    );
    // The vendor exports are read by their connectors, each file named with what was found.
    for line in [
        "sample_data/sources/pagerduty/webhooks_v3_2026-11.ndjson: pagerduty (webhook v3 events)",
        "sample_data/sources/servicenow/incident_audit_log.csv: servicenow (audit event log CSV)",
        "sample_data/sources/jira/jira_export.csv: csv (CSV with a sibling mapping file)",
        "sample_data/sources/grafana/state_history_query_range.json: grafana (Loki query API response)",
    ] {
        assert!(stdout.contains(line), "{line} missing:\n{stdout}");
    }
    for team in [
        "payments",
        "search",
        "identity",
        "storefront",
        "data-platform",
        "mobile",
    ] {
        assert!(
            stdout.lines().any(|l| l.starts_with(team)),
            "{team} missing:\n{stdout}"
        );
    }
    assert!(stdout.contains("store: "), "{stdout}");
    assert!(s.path("store/current/_store.json").is_file());
    // A second run reads nothing: every input is in the store already.
    let run_again = |extra: &[&str]| {
        text(
            &std::process::Command::new(BIN)
                .current_dir(s.dir.path())
                .arg("run")
                .args(extra)
                .output()
                .unwrap()
                .stdout,
        )
    };
    let again = run_again(&[]);
    assert!(again.contains("nothing new to ingest"), "{again}");
    // Read again on request, it changes nothing either.
    let forced = run_again(&["--force"]);
    assert!(
        forced.contains("incidents              524         0         0        516         8"),
        "{forced}"
    );
}

#[test]
fn run_drafts_at_most_max_per_run_postmortems_the_most_severe_and_earliest_first() {
    let s = sample_sandbox();
    let mut cfg = std::fs::read_to_string(s.path("aftermath.toml")).unwrap();
    cfg.push_str("\n[postmortems]\nmax_per_run = 2\n");
    s.write("aftermath.toml", cfg);
    let out = std::process::Command::new(BIN)
        .current_dir(s.dir.path())
        .args(["run", "--as-of", "2026-11-17"])
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    // Week 46's SEV1 and SEV2 (incidents.csv): the SEV1 (11-11 18:35), then the earliest SEV2
    // (11-11 04:22); the SEV2s of 11-13 and 11-15 are left out.
    assert!(
        stdout.contains(
            "postmortems: 2 draft(s) for the 4 SEV1/SEV2 incident(s) of 2026-W46; 2 more left out \
             by [postmortems] max_per_run = 2 (the most severe and earliest were written): \
             aftermath report postmortem --incident incidentio:01JWLZUVPTKTE, or raise the cap"
        ),
        "{stdout}"
    );
    let mut written: Vec<String> = std::fs::read_dir(s.path("reports/postmortem"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, ["incidentio-01J12F6YHQ0BT", "pagerduty-QRJSWJ1"]);
}
