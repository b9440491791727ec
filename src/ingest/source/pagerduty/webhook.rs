//! Webhooks: v3 events (`{"event":{id, event_type, resource_type, occurred_at, agent, data}}`, one
//! per file or one per line, or the bare event object) and legacy v2 messages
//! (`{"messages":[{event, incident, log_entries, created_on}]}`).
//!
//! v3: every `incident.*` event is an event at `occurred_at` (ms precision) with the event id as
//! its id, and feeds the incident's minimal row (`tracker`) from `data` (a full incident, or only
//! `data.incident` for notes, status updates and responders). Kinds: triggered, acknowledged,
//! unacknowledged, resolved, reopened, escalated; reassigned, delegated and role.assigned ->
//! assigned; priority_updated -> severity_changed; annotated -> note (`data.content`);
//! status_update_published -> status_update (`data.message`); responder.added -> notified (a
//! responder request pages that person: actor = the requested user); responder.replied -> note.
//! Other incident events (workflows, tasks, custom fields, conference bridge, service moves) only
//! feed the row; `service.*` events are counted in the notes.
//!
//! v2: `messages[].incident` is a full REST incident (read as such), `messages[].log_entries` are
//! log entries; the message's own event (`incident.resolve` at `created_on`) is added only when its
//! log entries do not already carry that kind, so one action is not counted twice.

use std::collections::BTreeMap;

use serde_json::Value;

use super::common::{NAME, Rec, incident_id, ref_name, split_summary, status};
use super::tracker::{Info, Origin, Tracker};
use super::{log, rest};
use crate::ingest::source::util::{Fields, array, at, text};
use crate::ingest::source::{Out, SourceContext};
use crate::model::Table;
use crate::model::columns::*;

/// The event object of a v3 delivery: under `event`, or the document itself.
pub fn v3_event(v: &Value) -> Option<&Value> {
    let is_event = |e: &Value| {
        e.get("event_type").is_some_and(Value::is_string) && e.get("occurred_at").is_some()
    };
    match v.get("event") {
        Some(e) if is_event(e) => Some(e),
        _ if is_event(v) => Some(v),
        _ => None,
    }
}

pub fn v3_kind(event_type: &str) -> Option<&'static str> {
    Some(match event_type.strip_prefix("incident.")? {
        "triggered" => "triggered",
        "acknowledged" => "acknowledged",
        "unacknowledged" => "unacknowledged",
        "resolved" => "resolved",
        "reopened" => "reopened",
        "escalated" => "escalated",
        "reassigned" | "delegated" | "role.assigned" => "assigned",
        "priority_updated" => "severity_changed",
        "annotated" | "responder.replied" => "note",
        "status_update_published" => "status_update",
        "responder.added" => "notified",
        _ => return None,
    })
}

/// Read one v3 event (`rec` points at the event object).
pub fn v3(
    rec: &Rec,
    e: &Value,
    ctx: &SourceContext,
    out: &mut Out,
    tracker: &mut Tracker,
    skipped: &mut BTreeMap<String, u64>,
) {
    match v3_read(rec, e, ctx, out, tracker, skipped) {
        Ok(()) => {}
        Err(reason) => out.refuse(rec.loc(), Some(Table::IncidentEvents), reason, e),
    }
}

fn v3_read(
    rec: &Rec,
    e: &Value,
    ctx: &SourceContext,
    out: &mut Out,
    tracker: &mut Tracker,
    skipped: &mut BTreeMap<String, u64>,
) -> Result<(), String> {
    let et = text(e, "event_type").ok_or_else(|| rec.reason("event_type", "missing"))?;
    if !et.starts_with("incident.") {
        *skipped.entry(format!("webhook {et}")).or_default() += 1;
        return Ok(());
    }
    let id = rec.id(e, "id")?;
    let when = rec.required_instant(e, "occurred_at", ctx.zone)?;
    let data = at(e, "data").ok_or_else(|| rec.reason("data", "missing"))?;
    // Incident events carry the incident; notes, status updates and responders a reference to it.
    let full = text(data, "type").as_deref() == Some("incident")
        || (at(data, "incident").is_none() && at(data, "number").is_some());
    let data_rec = rec.child("data");
    let pd_id = if full {
        data_rec.id(data, "id")?
    } else {
        data_rec.id(data, "incident.id")?
    };
    let info = if full {
        Info {
            number: text(data, "number"),
            url: text(data, "html_url"),
            title: text(data, "title"),
            service: ref_name(data, "service"),
            service_id: text(data, "service.id"),
            team: ref_name(data, "teams.0"),
            urgency: text(data, "urgency"),
            priority: text(data, "priority.summary"),
            fingerprint: text(data, "incident_key"),
            escalation_policy: ref_name(data, "escalation_policy"),
            status: text(data, "status").as_deref().and_then(status),
            created_at: data_rec.instant(data, "created_at", ctx.zone)?,
        }
    } else {
        let (number, title) = split_summary(&text(data, "incident.summary").unwrap_or_default());
        Info {
            number,
            url: text(data, "incident.html_url"),
            title: (!title.is_empty()).then_some(title),
            ..Info::default()
        }
    };
    let kind = v3_kind(&et);
    if let Some(kind) = kind {
        let inc = incident_id(&pd_id);
        let actor = match kind {
            "notified" => ref_name(data, "user").or_else(|| ref_name(e, "agent")),
            _ => ref_name(e, "agent"),
        };
        let message = match et.as_str() {
            "incident.annotated" => text(data, "content"),
            "incident.priority_updated" => {
                text(data, "priority.summary").map(|p| format!("priority {p}"))
            }
            "incident.reassigned" | "incident.delegated" | "incident.escalated" => {
                names(data, "assignees").map(|n| format!("assigned to {n}"))
            }
            "incident.responder.replied" => text(data, "message")
                .or_else(|| text(data, "state").map(|s| format!("responder request {s}"))),
            _ => text(data, "message"),
        };
        let mut f = Fields::new();
        f.text(EVENT_ID, Some(format!("{inc}:{id}")))
            .text(INCIDENT_ID, Some(inc))
            .ts(AT, Some(when))
            .text(KIND, Some(kind))
            .text(ACTOR, actor)
            .text(CHANNEL, text(e, "client.name"))
            .text(MESSAGE, message)
            .text(SOURCE, Some(NAME));
        out.row(Table::IncidentEvents, rec.loc(), f.into_map(), e);
    } else {
        *skipped.entry(format!("webhook {et}")).or_default() += 1;
    }
    let origin = Origin::new(out, rec.loc(), e);
    tracker.saw(&pd_id, when, kind, info, origin, true);
    Ok(())
}

fn names(v: &Value, path: &str) -> Option<String> {
    let n: Vec<String> = array(v, path)
        .iter()
        .filter_map(|a| text(a, "summary"))
        .collect();
    (!n.is_empty()).then(|| n.join(", "))
}

fn v2_kind(event: &str) -> Option<&'static str> {
    Some(match event.strip_prefix("incident.")? {
        "trigger" => "triggered",
        "acknowledge" => "acknowledged",
        "unacknowledge" => "unacknowledged",
        "resolve" => "resolved",
        "reopen" => "reopened",
        "assign" | "delegate" => "assigned",
        "escalate" => "escalated",
        "annotate" => "note",
        _ => return None,
    })
}

/// Read one v2 message (`rec` points at `messages[i]`).
pub fn v2(
    rec: &Rec,
    m: &Value,
    ctx: &SourceContext,
    out: &mut Out,
    skipped: &mut BTreeMap<String, u64>,
) {
    let inc = at(m, "incident");
    if let Some(inc) = inc {
        rest::incident(&rec.child("incident"), inc, ctx, out, skipped);
    }
    let pd_id = inc.and_then(|i| text(i, "id"));
    let entries: Vec<(Rec, &Value)> = array(m, "log_entries")
        .iter()
        .enumerate()
        .map(|(j, v)| (rec.child(&format!("log_entries[{j}]")), v))
        .collect();
    let kinds = log::emit_entries(&entries, pd_id.as_deref(), ctx, out, None, skipped);
    let event = text(m, "event").unwrap_or_default();
    let Some(kind) = v2_kind(&event) else {
        *skipped.entry(format!("webhook v2 {event}")).or_default() += 1;
        return;
    };
    if kinds.contains(&kind) {
        return;
    }
    let built = (|| {
        let pd_id = match &pd_id {
            Some(p) => p.clone(),
            None => rec.id(m, "incident.id")?,
        };
        let when = rec.required_instant(m, "created_on", ctx.zone)?;
        let inc = incident_id(&pd_id);
        let actor = match kind {
            "triggered" | "acknowledged" | "unacknowledged" | "resolved" => m
                .get("incident")
                .and_then(|i| ref_name(i, "last_status_change_by")),
            _ => None,
        };
        let mut f = Fields::new();
        f.text(INCIDENT_ID, Some(inc.clone()))
            .text(EVENT_ID, text(m, "id").map(|id| format!("{inc}:{id}")))
            .ts(AT, Some(when))
            .text(KIND, Some(kind))
            .text(ACTOR, actor)
            .text(SOURCE, Some(NAME));
        Ok::<Fields, String>(f)
    })();
    match built {
        Ok(f) => out.row(Table::IncidentEvents, rec.loc(), f.into_map(), m),
        Err(reason) => out.refuse(rec.loc(), Some(Table::IncidentEvents), reason, m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn event_types_and_wrappers() {
        assert_eq!(v3_kind("incident.delegated"), Some("assigned"));
        assert_eq!(
            v3_kind("incident.priority_updated"),
            Some("severity_changed")
        );
        assert_eq!(
            v3_kind("incident.status_update_published"),
            Some("status_update")
        );
        assert_eq!(v3_kind("incident.workflow.started"), None);
        assert_eq!(v3_kind("service.updated"), None);
        assert_eq!(v2_kind("incident.resolve"), Some("resolved"));
        let wrapped = json!({"event": {"event_type": "incident.triggered", "occurred_at": "x"}});
        assert!(v3_event(&wrapped).is_some());
        let bare = json!({"event_type": "incident.triggered", "occurred_at": "x"});
        assert!(v3_event(&bare).is_some());
        // FireHydrant's webhook has an `event` too, without event_type/occurred_at.
        let other = json!({"event": {"operation": "CREATED", "resource_type": "incident"}});
        assert!(v3_event(&other).is_none());
    }
}
