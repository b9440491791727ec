//! REST incidents (`GET /incidents` pages, bare arrays, `GET /incidents/{id}`, and the incident
//! objects of legacy v2 webhooks) and alerts (`GET /incidents/{id}/alerts` pages, one alert, and
//! the legacy `alerts[]` embedded in an incident).
//!
//! Instants: `detected_at` = `created_at` ("the time the incident was first triggered");
//! `acknowledged_at` = the earliest `acknowledgements[].at` (PagerDuty empties the list once the
//! incident is resolved, so MTTA after the fact comes from log entries or webhooks, whose events
//! override this); `resolved_at` = `resolved_at`, else `last_status_change_at` when the status is
//! resolved; `updated_at` = `updated_at`, else `last_status_change_at` (legacy webhooks have no
//! `updated_at`). A full `first_trigger_log_entry` (`include[]=first_trigger_log_entries`) also
//! gives the `triggered` event, with the same id as in a log-entry export.

use std::collections::BTreeMap;

use chrono_tz::Tz;
use serde_json::Value;

use super::common::{
    Labels, NAME, Rec, incident_id, ref_name, severity_raw, split_summary, status,
};
use super::log;
use crate::ingest::source::util::{Fields, array, at, string_map, text};
use crate::ingest::source::{Out, SourceContext};
use crate::model::Table;
use crate::model::columns::*;

/// What an incident's alerts inherit from it.
#[derive(Debug, Clone, Default)]
pub struct Parent {
    pub pd_id: String,
    pub title: Option<String>,
    pub created_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub service: Option<String>,
    pub team: Option<String>,
}

/// Emit one incident, its embedded alerts and its first trigger entry; refuse it with a reason when
/// it cannot be read.
pub fn incident(
    rec: &Rec,
    v: &Value,
    ctx: &SourceContext,
    out: &mut Out,
    skipped: &mut BTreeMap<String, u64>,
) {
    let (fields, parent) = match fields(rec, v, ctx.zone) {
        Ok(x) => x,
        Err(reason) => return out.refuse(rec.loc(), Some(Table::Incidents), reason, v),
    };
    out.row(Table::Incidents, rec.loc(), fields.into_map(), v);
    for (i, a) in array(v, "alerts").iter().enumerate() {
        alert(
            &rec.child(&format!("alerts[{i}]")),
            a,
            Some(&parent),
            ctx,
            out,
        );
    }
    if let Some(first) = at(v, "first_trigger_log_entry")
        && at(first, "created_at").is_some()
    {
        let r = rec.child("first_trigger_log_entry");
        log::emit_entries(&[(r, first)], Some(&parent.pd_id), ctx, out, None, skipped);
    }
}

fn fields(rec: &Rec, v: &Value, zone: Tz) -> Result<(Fields, Parent), String> {
    let pd_id = rec.id(v, "id")?;
    let created = rec.required_instant(v, "created_at", zone)?;
    let (num_from_summary, title_from_summary) = match text(v, "summary") {
        Some(s) => split_summary(&s),
        None => (None, String::new()),
    };
    let title = text(v, "title")
        .or_else(|| text(v, "description"))
        .or((!title_from_summary.is_empty()).then_some(title_from_summary))
        .ok_or_else(|| rec.reason("title", "missing, and no summary to take it from"))?;
    let st = text(v, "status");
    let resolved = match rec.instant(v, "resolved_at", zone)? {
        Some(t) => Some(t),
        None if st.as_deref() == Some("resolved") => {
            rec.instant(v, "last_status_change_at", zone)?
        }
        None => None,
    };
    let mut acked: Option<i64> = None;
    for (i, a) in array(v, "acknowledgements").iter().enumerate() {
        let t = rec
            .child(&format!("acknowledgements[{i}]"))
            .instant(a, "at", zone)?;
        acked = match (acked, t) {
            (Some(x), Some(y)) => Some(x.min(y)),
            (x, y) => x.or(y),
        };
    }
    let updated = match rec.instant(v, "updated_at", zone)? {
        Some(t) => Some(t),
        None => rec.instant(v, "last_status_change_at", zone)?,
    };
    let merged_into = (text(v, "resolve_reason.type").as_deref() == Some("merge_resolve_reason"))
        .then(|| text(v, "resolve_reason.incident.id"))
        .flatten()
        .map(|id| incident_id(&id));
    let service = ref_name(v, "service");
    let team = ref_name(v, "teams.0");
    let priority = text(v, "priority.summary").or_else(|| text(v, "priority.name"));
    let urgency = text(v, "urgency");

    let mut labels = Labels::default();
    labels
        .from("service_id", v, "service.id")
        .from("team_id", v, "teams.0.id")
        .put("urgency", urgency.clone())
        .put("priority", priority.clone())
        .put("escalation_policy", ref_name(v, "escalation_policy"))
        .from("escalation_policy_id", v, "escalation_policy.id")
        .from("assigned_via", v, "assigned_via")
        .names("assignees", v, "assignments", "assignee")
        .names("acknowledged_by", v, "acknowledgements", "acknowledger")
        .names("impacted_services", v, "impacted_services", "summary")
        .from("alert_count_all", v, "alert_counts.all")
        .from("alert_count_triggered", v, "alert_counts.triggered")
        .from("alert_count_resolved", v, "alert_counts.resolved")
        .from("alert_grouping", v, "alert_grouping.grouping_type")
        .from("incident_type", v, "incident_type.name")
        .from("resolve_reason", v, "resolve_reason.type")
        .from("status_raw", v, "status");

    let mut f = Fields::new();
    f.text(SOURCE, Some(NAME))
        .text(SOURCE_ID, Some(pd_id.clone()))
        .text(NUMBER, text(v, "incident_number").or(num_from_summary))
        .text(TITLE, Some(title.clone()))
        .text(URL, text(v, "html_url"))
        .text(TEAM, team.clone())
        .text(SERVICE, service.clone())
        .text(SEVERITY_RAW, severity_raw(priority, urgency))
        .text(STATUS, st.as_deref().and_then(status))
        .text(KIND, merged_into.is_some().then_some("duplicate"))
        .ts(DETECTED_AT, Some(created))
        .ts(ACKNOWLEDGED_AT, acked)
        .ts(RESOLVED_AT, resolved)
        .text(MERGED_INTO, merged_into)
        .text(FINGERPRINT, text(v, "incident_key"))
        .labels(LABELS, labels.0)
        .ts(UPDATED_AT, updated);
    let parent = Parent {
        pd_id,
        title: Some(title),
        created_at: Some(created),
        resolved_at: resolved,
        service,
        team,
    };
    Ok((f, parent))
}

/// Emit one alert (or refuse it). `parent` is the incident it is embedded in, if any.
pub fn alert(rec: &Rec, v: &Value, parent: Option<&Parent>, ctx: &SourceContext, out: &mut Out) {
    match alert_fields(rec, v, parent, ctx.zone) {
        Ok(f) => out.row(Table::Alerts, rec.loc(), f.into_map(), v),
        Err(reason) => out.refuse(rec.loc(), Some(Table::Alerts), reason, v),
    }
}

/// `fired_at` = `created_at` (a legacy embedded alert, only `{alert_key}`, takes its incident's);
/// `resolved_at` = `resolved_at`, else its incident's when that is resolved (resolving an incident
/// resolves its alerts); `paged` = not `suppressed` (a suppressed alert opens no incident).
fn alert_fields(rec: &Rec, v: &Value, parent: Option<&Parent>, zone: Tz) -> Result<Fields, String> {
    let fired = match rec.instant(v, "created_at", zone)? {
        Some(t) => t,
        None => parent
            .and_then(|p| p.created_at)
            .ok_or_else(|| rec.reason("created_at", "missing; the alert has no time it fired"))?,
    };
    let summary = text(v, "summary");
    let rule = text(v, "body.cef_details.event_class")
        .or_else(|| summary.clone())
        .or_else(|| parent.and_then(|p| p.title.clone()))
        .or_else(|| text(v, "alert_key"))
        .ok_or_else(|| rec.reason("summary", "missing; nothing names the alert"))?;
    let resolved = match rec.instant(v, "resolved_at", zone)? {
        Some(t) => Some(t),
        None => parent.and_then(|p| p.resolved_at),
    };
    let pd_incident = text(v, "incident.id").or_else(|| parent.map(|p| p.pd_id.clone()));
    let mut labels = Labels::default();
    labels
        .from("status", v, "status")
        .from("service_id", v, "service.id")
        .put("integration", ref_name(v, "integration"))
        .from("suppressed", v, "suppressed");
    let mut all = string_map(at(v, "body.details"));
    all.extend(labels.0);
    let mut f = Fields::new();
    f.text(ALERT_ID, text(v, "id").map(|id| format!("{NAME}:{id}")))
        .text(SOURCE, Some(NAME))
        .text(RULE, Some(rule))
        .text(
            TITLE,
            summary.or_else(|| parent.and_then(|p| p.title.clone())),
        )
        .text(TEAM, parent.and_then(|p| p.team.clone()))
        .text(
            SERVICE,
            ref_name(v, "service").or_else(|| parent.and_then(|p| p.service.clone())),
        )
        .text(SEVERITY, text(v, "severity"))
        .text(FINGERPRINT, text(v, "alert_key"))
        .ts(FIRED_AT, Some(fired))
        .ts(RESOLVED_AT, resolved)
        .flag(
            PAGED,
            !matches!(at(v, "suppressed"), Some(Value::Bool(true))),
        )
        .text(INCIDENT_ID, pd_incident.map(|i| incident_id(&i)))
        .labels(LABELS, all);
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::source::Input;
    use serde_json::json;
    use std::path::Path;

    fn with<T>(f: impl FnOnce(&Rec) -> T) -> T {
        let input = Input::parse(Path::new("x.json"), "{}").unwrap();
        f(&Rec::new(&input.docs()[0], "$.incidents[0]"))
    }

    #[test]
    fn incident_mapping() {
        let v = json!({
            "id": "PABC123", "type": "incident", "summary": "[#311] Ledger lag",
            "incident_number": 311, "created_at": "2026-06-02T07:00:00Z",
            "updated_at": "2026-06-02T08:00:00Z", "status": "resolved",
            "last_status_change_at": "2026-06-02T07:40:00Z", "resolved_at": null,
            "incident_key": "ledger/lag", "urgency": "high", "priority": {"summary": "P1"},
            "service": {"id": "PS1", "summary": "ledger"}, "teams": [{"summary": "Payments"}],
            "acknowledgements": [{"at": "2026-06-02T07:05:00Z"}, {"at": "2026-06-02T07:03:00Z"}],
            "alert_counts": {"all": 3, "triggered": 0, "resolved": 3},
            "resolve_reason": {"type": "merge_resolve_reason", "incident": {"id": "PMAIN"}}
        });
        let (f, p) = with(|r| fields(r, &v, Tz::UTC)).unwrap();
        assert_eq!(f.get(TITLE), Some("Ledger lag"));
        assert_eq!(f.get(STATUS), Some("resolved"));
        assert_eq!(f.get(SEVERITY_RAW), Some("P1"));
        assert_eq!(f.get(ACKNOWLEDGED_AT), Some("2026-06-02T07:03:00.000000Z"));
        assert_eq!(f.get(RESOLVED_AT), Some("2026-06-02T07:40:00.000000Z"));
        assert_eq!(f.get(KIND), Some("duplicate"));
        assert_eq!(f.get(MERGED_INTO), Some("pagerduty:PMAIN"));
        assert_eq!(f.get(FINGERPRINT), Some("ledger/lag"));
        assert_eq!(p.team.as_deref(), Some("Payments"));
        let labels = f.0.get(LABELS).unwrap();
        assert_eq!(labels["alert_count_all"], "3");
        assert_eq!(labels["service_id"], "PS1");
    }

    #[test]
    fn unreadable_incidents_say_where() {
        let v = json!({"id": "P1", "title": "x", "created_at": "yesterday"});
        let e = with(|r| fields(r, &v, Tz::UTC)).unwrap_err();
        assert!(e.starts_with("incidents[0].created_at: "), "{e}");
        let v = json!({"title": "x", "created_at": "2026-06-02T07:00:00Z"});
        let e = with(|r| fields(r, &v, Tz::UTC)).unwrap_err();
        assert!(e.starts_with("incidents[0].id: missing"), "{e}");
    }

    #[test]
    fn legacy_alerts_inherit_from_their_incident() {
        let parent = Parent {
            pd_id: "P9".into(),
            title: Some("Kafka lag".into()),
            created_at: Some(10_000_000),
            resolved_at: Some(20_000_000),
            service: Some("kafka".into()),
            team: None,
        };
        let v = json!({"alert_key": "kafka-lag-eu"});
        let f = with(|r| alert_fields(r, &v, Some(&parent), Tz::UTC)).unwrap();
        assert_eq!(f.get(FIRED_AT), Some("1970-01-01T00:00:10.000000Z"));
        assert_eq!(f.get(RESOLVED_AT), Some("1970-01-01T00:00:20.000000Z"));
        assert_eq!(f.get(RULE), Some("Kafka lag"));
        assert_eq!(f.get(INCIDENT_ID), Some("pagerduty:P9"));
        assert_eq!(f.get(ALERT_ID), None);
        assert_eq!(f.0.get(PAGED), Some(&Value::Bool(true)));
    }
}
