//! Customer impact in the weekly reports, through the binary, on the small store of the metric
//! case `tests/fixtures/metrics/impact/` (its `case.toml` derives every minute): a team's file
//! prints each service's impact, availability and SLO budget as the metric computed them, and
//! names the incident still open at as-of whose minutes count up to it; the organisation file
//! gives the team one row saying the same in brief.

use crate::common::Sandbox;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/metrics/impact");
/// Sunday 2026-11-15 23:00 + 1 h: c3 (checkout, detected 23:00, never resolved) is 60 min open.
const AS_OF: &str = "2026-11-16T00:00:00Z";

fn weekly() -> (String, String) {
    let sb = Sandbox::new();
    let config = format!("{FIXTURE}/aftermath.toml");
    let incidents = format!("{FIXTURE}/incidents.csv");
    sb.ok(&["--config", &config, "ingest", &incidents]);
    sb.ok(&[
        "--config", &config, "report", "weekly", "--week", "2026-W46", "--as-of", AS_OF,
        "--format", "md", "--out", "out",
    ]);
    let read = |name: &str| {
        std::fs::read_to_string(sb.path(&format!("out/weekly/2026-W46/{name}"))).unwrap()
    };
    (read("team-payments.md"), read("organisation.md"))
}

#[test]
fn a_teams_weekly_prints_each_services_availability_budget_and_the_open_incident_behind_it() {
    let (team, org) = weekly();
    // checkout: c1 10:00-10:30 and c2 10:20-10:50 (union 50 min) plus c3's 60 min open = 110
    // min = 1.8 h, of it 60 min = 1 h still open. 1 - 110 / 10080 = 98.908...% (rounded down to
    // 98.9%). SLO 99.9%: 10080 x 0.001 = 10.08 min of budget; 110 / 10.08 = 1091.27% burned.
    assert!(
        team.contains("| checkout | 3 | 1.8 h | 1 h | 98.9% | 99.9% | 10.1 min | 1,091% |"),
        "{team}"
    );
    // ledger is listed by payments and had no incident: 100%, not missing.
    assert!(
        team.contains("| ledger | 0 | 0 min | – | 100% | – | – | – |"),
        "{team}"
    );
    assert!(
        team.contains(
            "1 incident is still open at the as-of instant (2026-11-16 00:00 UTC) and, by \
             definition, counted as impact up to it (\"Of it, still open\"): csv:c3 (checkout, \
             since 2026-11-15 23:00 UTC)."
        ),
        "{team}"
    );
    // The organisation's row: the lowest availability with the open share, one SLO overspent.
    assert!(
        org.contains(
            "| payments | 2 | checkout 98.9% (1 h of its 1.8 h from open incidents) | 1 of 1 | \
             1, oldest since 2026-11-15 |"
        ),
        "{org}"
    );
    // search-api: s0's 30 min inside W46 + s1's 60 = 90 min: 1 - 90 / 10080 = 99.107%; no SLO.
    assert!(
        org.contains("| search | 1 | search-api 99.107% | – | 0 |"),
        "{org}"
    );
}
