//! The generic webhook's JSON body, `aftermath.delivery/v1` (docs/delivery.md): the destination's
//! name, the report's kind, title, period, as-of, team(s) and severity, its headline sentences,
//! the major incidents and overdue action items it names, and where the full report is (its
//! address under `report_url`, and its path in the reports folder). The body is plain data:
//! nothing is escaped or cut, the receiver formats it. Fields are only ever added within v1.

use serde_json::{Value, json};

use super::Content;

/// The payload's `schema`.
pub const SCHEMA: &str = "aftermath.delivery/v1";

pub fn payload(c: &Content) -> Value {
    let s = c.summary;
    json!({
        "schema": SCHEMA,
        "destination": c.destination,
        "report": {
            "kind": s.kind.as_str(),
            "title": s.title,
            "period": s.period,
            "as_of": s.as_of,
            "team": s.team,
            "teams": s.teams,
            "severity": s.severity,
            "path": c.key,
            "url": c.url,
        },
        "headline": s.headline,
        "major_incidents": s.majors.iter().map(|m| json!({
            "incident_id": m.incident,
            "title": m.title,
            "severity": m.severity,
            "team": m.team,
            "detected": m.detected,
            "status": m.status,
            "time_to_resolve": m.time_to_resolve,
            "postmortem_url": m.postmortem_url,
            "incident_url": m.incident_url,
        })).collect::<Vec<_>>(),
        "overdue_action_items": s.overdue.iter().map(|o| json!({
            "priority": o.priority,
            "title": o.title,
            "owner": o.owner,
            "team": o.team,
            "incident_id": o.incident,
            "due": o.due,
            "overdue": o.overdue,
            "ticket_url": o.ticket_url,
        })).collect::<Vec<_>>(),
        "overdue_more": s.overdue_more,
        "generator": format!("aftermath {}", env!("CARGO_PKG_VERSION")),
    })
}
