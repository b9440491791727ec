//! The reduce step of the alert checks of `quality` (and the last alert of `freshness`) as SQL:
//! the figures `quality::alerts::reduce` computes locally, written as two small tables
//! (docs/scale-out.md, "Quality"):
//!
//! - `quality_alerts`, one row per team (`k_team`, null for alerts without one): `alerts` (fired
//!   in the period), one count per check (`never_resolved`, `resolved_before_fired`), and
//!   `last_fired_us`, the team's last alert fired whatever the period, in UTC microseconds;
//! - `quality_examples`, up to three `alert_id`s per team and `check_name`, the first in text
//!   order.
//!
//! By team, so one job answers the organisation and every team of a weekly report: the counts
//! add up, the last alert is the latest of the teams', and the first three ids of a set of teams
//! are the first three of their first three.
//!
//! Alerts are taken as known at as-of, as `metrics::known` takes them: fired by then, and a
//! resolution after it is not yet one.

use super::Params;
use super::dialect::Engine;
use super::names::{QUALITY_ALERTS, QUALITY_EXAMPLES};
use crate::metrics::quality::alerts::{AlertCheck, EXAMPLES};

/// The statements after the alerts' source view: the alerts as known, then the two writes.
pub(super) fn statements(e: Engine, p: &Params) -> Vec<String> {
    let asof = e.instant(p.as_of_us);
    let alerts = format!(
        "CREATE OR REPLACE TEMPORARY VIEW am_quality AS\n\
         SELECT alert_id, team, fired_at,\n  \
           CASE WHEN resolved_at > {asof} THEN NULL ELSE resolved_at END AS resolved_at,\n  \
           fired_at >= {from} AND fired_at < {to} AS in_period\n\
         FROM am_alerts_src WHERE fired_at <= {asof}{filters}",
        from = e.instant(p.from_us),
        to = e.instant(p.to_us),
        filters = p.filters(e),
    );
    let counts: String = AlertCheck::ALL
        .iter()
        .map(|&c| {
            format!(
                "  SUM(CASE WHEN in_period AND {} THEN 1 ELSE 0 END) AS {},\n",
                c.sql(),
                c.key()
            )
        })
        .collect();
    let figures = format!(
        "SELECT team AS k_team, SUM(CASE WHEN in_period THEN 1 ELSE 0 END) AS alerts,\n{counts}  \
         MAX({last}) AS last_fired_us\nFROM am_quality GROUP BY team",
        last = e.micros("fired_at"),
    );
    let found: Vec<String> = AlertCheck::ALL
        .iter()
        .map(|&c| {
            format!(
                "SELECT team AS k_team, {} AS check_name, alert_id FROM am_quality WHERE \
                 in_period AND {}",
                e.string(c.key()),
                c.sql()
            )
        })
        .collect();
    let examples = format!(
        "SELECT k_team, check_name, alert_id FROM (\n\
         SELECT k_team, check_name, alert_id,\n  \
           ROW_NUMBER() OVER (PARTITION BY k_team, check_name ORDER BY alert_id) AS n\n\
         FROM (\n{found}\n) c\n\
         ) r WHERE n <= {EXAMPLES}",
        found = found.join("\nUNION ALL\n"),
    );
    vec![
        alerts,
        e.write(&p.out_url, QUALITY_ALERTS, &figures),
        e.write(&p.out_url, QUALITY_EXAMPLES, &examples),
    ]
}
