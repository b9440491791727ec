//! The count test and the XmR chart said together (issue 13): a team's week that the count test
//! cannot call a change but that lies above the limits of its twelve weeks (data-platform's
//! 2026-W46 on the whole sample, 6 incidents against 2.75 a week, limits 1.07 to 5.43) got a
//! counts table and headline saying "no detectable change" over a chart text saying "Signal:
//! 2026-W46 had 6 incidents, above the limits". The headline, the table and the chart text now
//! each say both, in the same words. Values are hand-computed on a series built here.

use super::super::fatigue::FatigueFacts;
use super::super::followup::FollowupFacts;
use super::super::headline;
use super::super::incidents::{self, Counts};
use super::sev;
use crate::metrics::durations::weekly::WeeklyTrend;
use crate::report::testkit;

/// Twelve weeks of a team, the reported week (W46) last with 6: mean 39 / 12 = 3.25, moving
/// ranges 1,1,0,1,2,1,1,1,0,0,3 (mean 1), limits 3.25 -+ 2.66 = 0.59 .. 5.91.
fn trend() -> WeeklyTrend {
    WeeklyTrend::new(series(6.0))
}

/// The twelve weeks, the reported week with `last`.
fn series(last: f64) -> Vec<(String, f64)> {
    let values = [3.0, 4.0, 3.0, 3.0, 2.0, 4.0, 3.0, 2.0, 3.0, 3.0, 3.0, last];
    (35..=46)
        .zip(values)
        .map(|(w, v)| (format!("2026-W{w}"), v))
        .collect()
}

/// 6 this week (2 SEV2, 4 SEV3) against 11 in the previous four weeks (2.75 a week):
/// Bin(17, 1/5), p = 0.128, no detectable change.
fn counts() -> Counts {
    Counts {
        rows: vec![sev("SEV2", 2, 3), sev("SEV3", 4, 8)],
        total: sev("All severities", 6, 11),
    }
}

const BOTH: &str = "no detectable change by the count test, though the week lies above the \
                    natural process limits of the last 12 weeks (0.59 to 5.91): an unusual week \
                    for this team, but not yet a detectable change in its rate against the \
                    previous 4 weeks";

#[test]
fn a_week_above_its_limits_is_not_reported_as_no_detectable_change_alone() {
    let (tr, c) = (trend(), counts());
    let limits = tr.limits();
    let (_, cfg) = testkit::sample();
    let head = headline::team(
        &c,
        limits.as_ref(),
        &[],
        &FatigueFacts::default(),
        &FollowupFacts::default(),
        cfg,
        "2026-11-17 00:00 UTC",
    );
    assert_eq!(
        head[0],
        format!(
            "6 incidents this week (2 SEV2, 4 SEV3), against 2.75 a week over the previous 4 \
             weeks: {BOTH}."
        )
    );

    let table = incidents::table(&c, limits.as_ref());
    let total = table.rows.last().unwrap();
    assert_eq!(total[0], "All severities");
    assert_eq!(total[4], "no detectable change; above the XmR limits");
    // A severity's row is not what the chart (of all severities) judges.
    assert_eq!(table.rows[0][4], "no detectable change");

    let (_, words) = incidents::trend(&tr, &c.total, "t", "t", false).unwrap();
    assert_eq!(
        words,
        [format!(
            "2026-W46 had 6 incidents, against 2.75 a week over the previous 4 weeks: {BOTH}."
        )]
    );
}

#[test]
fn readings_that_agree_keep_their_own_sentences() {
    // The same twelve weeks ending with 3: within the limits and no detectable change.
    let tr = WeeklyTrend::new(series(3.0));
    let total = sev("All severities", 3, 11);
    let (_, words) = incidents::trend(&tr, &total, "t", "t", false).unwrap();
    // Mean 36 / 12 = 3, moving ranges sum 8 over 11: limits 3 -+ 1.93 = 1.07 .. 4.93.
    assert_eq!(
        words,
        [
            "No week of the last 12 lies outside the limits (mean 3 a week, natural process limits \
          1.07 to 4.93): the variation is routine."
        ]
    );
}
