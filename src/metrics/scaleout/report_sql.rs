//! The two reduce steps the reports ask for besides the families' (`metrics::source`), as SQL:
//!
//! - `pages` (table `pages`): one row per page of the period, as known at as-of, under the
//!   filters: `team` and `t` (the firing, UTC microseconds), what the page heatmap and the
//!   on-call load count (`source::Local::pages`);
//! - `facts` (table `alert_facts`): one row per team (null for alerts without one) with the
//!   first and last alert fired as known at as-of, `first_us` and `last_us` (`Local::facts`):
//!   the data's span and the teams a report may name.
//!
//! - `incident_alerts` (table `incident_alerts`): the alerts the postmortems classify, as the
//!   store holds them: their incidents' own and every alert of their fingerprints (flapping is
//!   judged against a fingerprint's earlier firings, however long before), fired by as-of, with
//!   the columns the classification reads and the instants as UTC microseconds (`*_us`); one
//!   step for all of a plan's incidents, as each postmortem picks its incident's alerts itself.
//!
//! "As known at as-of" is `metrics::known`'s: fired by then.

use super::Params;
use super::dialect::Engine;
use super::names::{ALERT_FACTS, INCIDENT_ALERTS, PAGES};

/// The statements after the alerts' source view for the `pages` step.
pub(super) fn pages_statements(e: Engine, p: &Params) -> Vec<String> {
    let query = format!(
        "SELECT team, {t} AS t FROM am_alerts_src\n\
         WHERE COALESCE(paged, false) AND fired_at >= {from} AND fired_at < {to} \
         AND fired_at <= {asof}{filters}",
        t = e.micros("fired_at"),
        from = e.instant(p.from_us),
        to = e.instant(p.to_us),
        asof = e.instant(p.as_of_us),
        filters = p.filters(e),
    );
    vec![e.write(&p.out_url, PAGES, &query)]
}

/// The statements after the alerts' source view for the `facts` step.
pub(super) fn facts_statements(e: Engine, p: &Params) -> Vec<String> {
    let query = format!(
        "SELECT team, MIN({t}) AS first_us, MAX({t}) AS last_us FROM am_alerts_src\n\
         WHERE fired_at <= {asof}\nGROUP BY team",
        t = e.micros("fired_at"),
        asof = e.instant(p.as_of_us),
    );
    vec![e.write(&p.out_url, ALERT_FACTS, &query)]
}

/// The statements after the alerts' source view for the `incident_alerts` step of `incidents`.
pub(super) fn incident_statements(e: Engine, p: &Params, incidents: &[String]) -> Vec<String> {
    let asof = e.instant(p.as_of_us);
    let ids: Vec<String> = incidents.iter().map(|i| e.string(i)).collect();
    let id = format!("({})", ids.join(", "));
    let query = format!(
        "SELECT alert_id, incident_id, fingerprint, team, service, severity, rule,\n  \
           {fired} AS fired_us, {acked} AS acknowledged_us, acknowledged_by,\n  \
           {resolved} AS resolved_us, resolved_by, paged, notifications\n\
         FROM am_alerts_src\n\
         WHERE fired_at <= {asof} AND (incident_id IN {id} OR fingerprint IN (\n  \
           SELECT fingerprint FROM am_alerts_src WHERE incident_id IN {id} AND fired_at <= {asof}))",
        fired = e.micros("fired_at"),
        acked = e.micros("acknowledged_at"),
        resolved = e.micros("resolved_at"),
    );
    vec![e.write(&p.out_url, INCIDENT_ALERTS, &query)]
}
