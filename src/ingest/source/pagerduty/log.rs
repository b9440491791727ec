//! Log entries (`GET /incidents/{id}/log_entries`, `GET /log_entries`, `GET /log_entries/{id}`, and
//! those embedded in legacy v2 webhooks) as incident events.
//!
//! Each entry is one event at its `created_at` (`+00:00` or the account's offset), with the entry
//! id as event id so overlapping pages update rather than duplicate. The `type` decides the kind,
//! with or without the `_reference` suffix; `acknowledgement_log_entry` (the OpenAPI enum's
//! spelling) is read like `acknowledge_log_entry`. Entries are emitted sorted by (`created_at`,
//! `id`), as PagerDuty does not promise an order.

use std::collections::BTreeMap;

use chrono_tz::Tz;
use serde_json::Value;

use super::common::{NAME, Rec, incident_id, ref_name, split_summary};
use super::tracker::{Info, Origin, Tracker};
use crate::ingest::source::util::{Fields, at, text};
use crate::ingest::source::{Out, SourceContext};
use crate::model::Table;
use crate::model::columns::*;

/// The event kind of a log entry `type`; `None` for types that say nothing about the lifecycle or
/// the timeline (counted in the notes, not rejected).
pub fn kind_of(t: &str) -> Option<&'static str> {
    let t = t.trim();
    let t = t.strip_suffix("_reference").unwrap_or(t);
    let t = t.strip_suffix("_log_entry").unwrap_or(t);
    Some(match t {
        "trigger" => "triggered",
        "acknowledge" | "acknowledgement" => "acknowledged",
        "unacknowledge" => "unacknowledged",
        "escalate" | "repeat_escalation_path" => "escalated",
        "assign" | "delegate" => "assigned",
        "notify" => "notified",
        "annotate" => "note",
        "resolve" => "resolved",
        "reopen" => "reopened",
        "urgency_change" | "priority_change" | "priority_update" => "severity_changed",
        // Facts worth seeing on the timeline that have no lifecycle meaning of their own.
        "snooze" | "exhaust_escalation_path" | "reach_ack_limit" | "reach_trigger_limit" => "note",
        _ => return None,
    })
}

/// A notification method as the canonical channel (`sms_notification` -> `sms`).
pub fn notify_channel(t: &str) -> String {
    let t = t.trim().to_ascii_lowercase();
    let t = t.strip_suffix("_notification").unwrap_or(&t).to_string();
    match t.as_str() {
        "phone" | "voice" | "call" => "phone".into(),
        "slack" | "teams" | "chat" => "chat".into(),
        _ => t,
    }
}

/// One entry read: its event row and what it says about its incident.
#[derive(Debug)]
pub struct Mapped {
    pub pd_incident: String,
    pub id: String,
    pub at: i64,
    pub kind: &'static str,
    pub fields: Fields,
    pub info: Info,
}

/// Read one entry. `Ok(None)`: a type without an event kind. `incident` is the incident the
/// entry belongs to when the envelope says it (a legacy webhook message) and the entry does not.
pub fn map(
    rec: &Rec,
    v: &Value,
    incident: Option<&str>,
    zone: Tz,
) -> Result<Option<Mapped>, String> {
    let ty = text(v, "type").ok_or_else(|| rec.reason("type", "missing"))?;
    let Some(kind) = kind_of(&ty) else {
        return Ok(None);
    };
    let id = rec.id(v, "id")?;
    let pd_incident = match (text(v, "incident.id"), incident) {
        (Some(i), _) => i,
        (None, Some(i)) => i.to_string(),
        (None, None) => rec.id(v, "incident.id")?,
    };
    let when = rec.required_instant(v, "created_at", zone)?;
    let inc = incident_id(&pd_incident);
    let (actor, channel, message) = match kind {
        "notified" => (
            ref_name(v, "user").or_else(|| ref_name(v, "agent")),
            text(v, "channel.notification.type")
                .or_else(|| text(v, "channel.type"))
                .map(|c| notify_channel(&c)),
            text(v, "summary"),
        ),
        "note" if ty.starts_with("annotate") => (
            ref_name(v, "agent"),
            channel_of(v),
            text(v, "channel.summary")
                .or_else(|| text(v, "note"))
                .or_else(|| text(v, "summary")),
        ),
        "triggered" => (
            ref_name(v, "agent"),
            channel_of(v),
            text(v, "event_details.description").or_else(|| text(v, "summary")),
        ),
        _ => (ref_name(v, "agent"), channel_of(v), text(v, "summary")),
    };
    let mut f = Fields::new();
    f.text(EVENT_ID, Some(format!("{inc}:{id}")))
        .text(INCIDENT_ID, Some(inc))
        .ts(AT, Some(when))
        .text(KIND, Some(kind))
        .text(ACTOR, actor)
        .text(CHANNEL, channel)
        .text(MESSAGE, message)
        .text(SOURCE, Some(NAME));
    Ok(Some(Mapped {
        pd_incident,
        id,
        at: when,
        kind,
        fields: f,
        info: info(v),
    }))
}

/// `website` is the web UI; other channel types (`api`, `email`, `auto`, `timeout`) stay as given.
fn channel_of(v: &Value) -> Option<String> {
    text(v, "channel.type").map(|c| match c.as_str() {
        "website" | "web_trigger" => "web".to_string(),
        _ => c,
    })
}

/// What an entry says about its incident: the reference's `[#number] title` summary (or the full
/// incident when the page was fetched with `include[]=incidents`), the service and the team.
fn info(v: &Value) -> Info {
    let inc = at(v, "incident");
    let (number, title) = match inc.and_then(|i| text(i, "summary")) {
        Some(s) => split_summary(&s),
        None => (None, String::new()),
    };
    let full_title = inc.and_then(|i| text(i, "title"));
    Info {
        number: inc.and_then(|i| text(i, "incident_number")).or(number),
        url: inc.and_then(|i| text(i, "html_url")),
        title: full_title.or((!title.is_empty()).then_some(title)),
        service: ref_name(v, "service").or_else(|| inc.and_then(|i| ref_name(i, "service"))),
        service_id: text(v, "service.id").or_else(|| inc.and_then(|i| text(i, "service.id"))),
        team: ref_name(v, "teams.0"),
        urgency: inc.and_then(|i| text(i, "urgency")),
        priority: inc.and_then(|i| text(i, "priority.summary")),
        fingerprint: inc.and_then(|i| text(i, "incident_key")),
        escalation_policy: inc.and_then(|i| ref_name(i, "escalation_policy")),
        status: None,
        created_at: None,
    }
}

/// Emit the entries of a page (or one entry) sorted by (`created_at`, `id`), and tell the tracker
/// about each incident: a trigger entry asks for a minimal incident row.
pub fn emit_entries(
    entries: &[(Rec, &Value)],
    incident: Option<&str>,
    ctx: &SourceContext,
    out: &mut Out,
    tracker: Option<&mut Tracker>,
    skipped: &mut BTreeMap<String, u64>,
) -> Vec<&'static str> {
    let mut good = vec![];
    for (rec, v) in entries {
        match map(rec, v, incident, ctx.zone) {
            Ok(Some(m)) => good.push((m, rec, *v)),
            Ok(None) => {
                let ty = text(v, "type").unwrap_or_default();
                *skipped.entry(format!("log entry {ty}")).or_default() += 1;
            }
            Err(reason) => out.refuse(rec.loc(), Some(Table::IncidentEvents), reason, v),
        }
    }
    good.sort_by(|a, b| (a.0.at, &a.0.id).cmp(&(b.0.at, &b.0.id)));
    let kinds = good.iter().map(|(m, _, _)| m.kind).collect();
    let mut tracker = tracker;
    for (m, rec, v) in good {
        if let Some(t) = tracker.as_deref_mut() {
            let origin = Origin::new(out, rec.loc(), v);
            t.saw(
                &m.pd_incident,
                m.at,
                Some(m.kind),
                m.info,
                origin,
                m.kind == "triggered",
            );
        }
        out.row(Table::IncidentEvents, rec.loc(), m.fields.into_map(), v);
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::source::Input;
    use serde_json::json;
    use std::path::Path;

    #[test]
    fn every_type_spelling_maps() {
        assert_eq!(kind_of("acknowledge_log_entry"), Some("acknowledged"));
        assert_eq!(kind_of("acknowledgement_log_entry"), Some("acknowledged"));
        assert_eq!(kind_of("trigger_log_entry_reference"), Some("triggered"));
        assert_eq!(kind_of("delegate_log_entry"), Some("assigned"));
        assert_eq!(
            kind_of("urgency_change_log_entry"),
            Some("severity_changed")
        );
        assert_eq!(kind_of("reopen_log_entry"), Some("reopened"));
        assert_eq!(kind_of("field_value_change_log_entry"), None);
        assert_eq!(notify_channel("sms_notification"), "sms");
        assert_eq!(notify_channel("phone_notification"), "phone");
        assert_eq!(notify_channel("push_notification"), "push");
    }

    #[test]
    fn notify_and_annotate_entries() {
        let input = Input::parse(Path::new("x.json"), "{}").unwrap();
        let doc = &input.docs()[0];
        let rec = Rec::new(doc, "$.log_entries[0]");
        let notify = json!({
            "id": "R1", "type": "notify_log_entry", "created_at": "2026-06-02T09:00:05+02:00",
            "summary": "Notified Ana Ruiz by SMS", "agent": {"summary": "Default policy"},
            "user": {"summary": "Ana Ruiz"},
            "channel": {"type": "notification", "notification": {"type": "sms_notification"}},
            "incident": {"id": "PX1", "summary": "[#42] Ledger lag"}
        });
        let m = map(&rec, &notify, None, Tz::UTC).unwrap().unwrap();
        assert_eq!(m.fields.get(AT), Some("2026-06-02T07:00:05.000000Z"));
        assert_eq!(m.fields.get(ACTOR), Some("Ana Ruiz"));
        assert_eq!(m.fields.get(CHANNEL), Some("sms"));
        assert_eq!(m.fields.get(EVENT_ID), Some("pagerduty:PX1:R1"));
        assert_eq!(m.info.number.as_deref(), Some("42"));
        assert_eq!(m.info.title.as_deref(), Some("Ledger lag"));
        let note = json!({
            "id": "R2", "type": "annotate_log_entry", "created_at": "2026-06-02T07:01:00Z",
            "summary": "Note added", "agent": {"summary": "Ana Ruiz"},
            "channel": {"type": "note", "summary": "rolled back ledger 4.2"},
            "incident": {"id": "PX1"}
        });
        let m = map(&rec, &note, None, Tz::UTC).unwrap().unwrap();
        assert_eq!(m.kind, "note");
        assert_eq!(m.fields.get(MESSAGE), Some("rolled back ledger 4.2"));
        let bad = json!({"id": "R3", "type": "resolve_log_entry", "created_at": "soon",
                         "incident": {"id": "PX1"}});
        let e = map(&rec, &bad, None, Tz::UTC).unwrap_err();
        assert!(e.starts_with("log_entries[0].created_at: "), "{e}");
        let orphan = json!({"id": "R4", "type": "resolve_log_entry",
                            "created_at": "2026-06-02T07:01:00Z"});
        let e = map(&rec, &orphan, None, Tz::UTC).unwrap_err();
        assert!(e.starts_with("log_entries[0].incident.id: missing"), "{e}");
    }
}
