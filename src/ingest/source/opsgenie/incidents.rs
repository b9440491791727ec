//! Opsgenie Incident API (v1): incidents from `GET /v1/incidents` / `GET /v1/incidents/{id}`, and
//! timeline events from `GET /v1/incidents/{id}/logs`.
//!
//! The incident object has no ack or resolve instant: `detected_at` = `createdAt`,
//! `impact_started_at` = `impactStartDate` (not in the official schema; optional), `resolved_at` =
//! `impactEndDate` else `updatedAt` when `status` is `resolved` or `closed`; an open incident with
//! an `impactEndDate` is mitigated at it. Its log lines are free text, read into event kinds below;
//! a log page alone also gives a placeholder incident row versioned at its oldest instant, so the
//! incident object itself wins on upsert whenever it is ingested.

use serde_json::Value;

use super::super::util::{Fields, array, instant_at, text};
use super::super::{Doc, Out, SourceContext};
use super::{NAME, label, labels_of, priority, team_of};
use crate::ingest::reader::Location;
use crate::model::Table;
use crate::model::columns::*;

/// One incident object.
pub(super) fn incident(v: &Value, loc: Location, ctx: &SourceContext, out: &mut Out) {
    let path = loc.json_path.clone().unwrap_or_else(|| "$".into());
    let refuse = |out: &mut Out, reason: String| {
        out.refuse(
            loc.clone(),
            Some(Table::Incidents),
            format!("{path}.{reason}"),
            v,
        )
    };
    let Some(id) = text(v, "id") else {
        return refuse(out, "id: missing; every Opsgenie incident has an id".into());
    };
    let mut instants =
        ["createdAt", "updatedAt", "impactStartDate", "impactEndDate"].map(|k| (k, None));
    for (k, slot) in instants.iter_mut() {
        match instant_at(v, k, ctx.zone) {
            Ok(t) => *slot = t,
            Err(e) => return refuse(out, format!("{e}; expected an RFC 3339 time")),
        }
    }
    let [created, updated, impact_start, impact_end] = instants.map(|p| p.1);
    let Some(created) = created else {
        return refuse(
            out,
            "createdAt: missing; the incident has no creation time".into(),
        );
    };
    let status = text(v, "status").unwrap_or_default().to_ascii_lowercase();
    let done = matches!(status.as_str(), "resolved" | "closed");
    let mut labels = labels_of(v, None);
    if !status.is_empty() {
        // `closed` follows `resolved` in Opsgenie; the canonical status has no room for it.
        labels.insert("status".into(), status.clone().into());
    }
    let mut f = Fields::new();
    f.text(SOURCE, Some(NAME))
        .text(SOURCE_ID, Some(id.as_str()))
        .text(NUMBER, text(v, "tinyId"))
        .text(TITLE, text(v, "message"))
        .text(TEAM, team_of(v, &labels))
        .text(SERVICE, label(&labels, "service"))
        .text(SEVERITY_RAW, priority(v))
        .text(STATUS, done.then_some("resolved"))
        .ts(IMPACT_STARTED_AT, impact_start)
        .ts(DETECTED_AT, Some(created))
        .ts(MITIGATED_AT, impact_end.filter(|_| !done))
        .ts(
            RESOLVED_AT,
            if done { impact_end.or(updated) } else { None },
        )
        .labels(LABELS, labels)
        .ts(UPDATED_AT, updated);
    out.row(Table::Incidents, loc, f.into_map(), v);
}

/// The event kind of an incident log line, from its free text. `closed` is the resolution only
/// when the log has no `resolved` line (an incident may be closed without being resolved first).
fn log_kind(line: &str, has_resolved: bool) -> &'static str {
    let l = line.to_ascii_lowercase();
    let has = |w: &str| l.contains(w);
    if has("reopen") {
        "reopened"
    } else if has("unacknowledged") {
        "unacknowledged"
    } else if has("acknowledged") {
        "acknowledged"
    } else if has("resolved") {
        "resolved"
    } else if has("closed") {
        if has_resolved { "note" } else { "resolved" }
    } else if has("created") || has("opened") {
        "detected"
    } else if has("escalat") {
        "escalated"
    } else if has("priority") || has("severity") {
        "severity_changed"
    } else if has("responder") || has("assign") || has("owner") {
        "assigned"
    } else if has("notif") {
        "notified"
    } else {
        "note"
    }
}

/// `web` of "Incident resolved via web".
fn channel(line: &str) -> Option<String> {
    let l = line.to_ascii_lowercase();
    let rest = l.split(" via ").nth(1)?;
    rest.split_whitespace().next().map(str::to_string)
}

/// The entries of `GET /v1/incidents/{id}/logs` for the incident `id` the file is named after.
pub(super) fn logs(id: &str, v: &Value, doc: &Doc, ctx: &SourceContext, out: &mut Out) {
    let incident_id = format!("{NAME}:{id}");
    let mut lines = vec![];
    for (i, l) in array(v, "data").iter().enumerate() {
        let path = format!("$.data[{i}]");
        match instant_at(l, "createdAt", ctx.zone) {
            Ok(Some(t)) => lines.push((i, t, text(l, "log").unwrap_or_default(), l)),
            Ok(None) => out.refuse(
                doc.at(&path),
                Some(Table::IncidentEvents),
                format!("{path}.createdAt: missing; the log entry has no time"),
                l,
            ),
            Err(e) => out.refuse(
                doc.at(&path),
                Some(Table::IncidentEvents),
                format!("{path}.{e}"),
                l,
            ),
        }
    }
    let has_resolved = lines
        .iter()
        .any(|(_, _, s, _)| s.to_ascii_lowercase().contains("resolved"));
    let mut kinds = vec![];
    for (i, t, line, l) in &lines {
        let kind = log_kind(line, has_resolved);
        kinds.push((*t, kind));
        let mut e = Fields::new();
        e.text(INCIDENT_ID, Some(incident_id.as_str()))
            .text(
                EVENT_ID,
                text(l, "offset").map(|o| format!("{incident_id}:{o}")),
            )
            .ts(AT, Some(*t))
            .text(KIND, Some(kind))
            .text(ACTOR, text(l, "owner"))
            .text(CHANNEL, channel(line))
            .text(MESSAGE, Some(line.as_str()))
            .text(SOURCE, Some(NAME));
        out.row(
            Table::IncidentEvents,
            doc.at(format!("$.data[{i}]")),
            e.into_map(),
            l,
        );
    }
    let Some(oldest) = kinds.iter().map(|(t, _)| *t).min() else {
        return;
    };
    kinds.sort_by_key(|(t, _)| *t);
    let detected = kinds
        .iter()
        .find(|(_, k)| *k == "detected")
        .map_or(oldest, |(t, _)| *t);
    let state = kinds
        .iter()
        .rev()
        .find(|(_, k)| matches!(*k, "resolved" | "reopened"))
        .map_or(
            "open",
            |(_, k)| if *k == "resolved" { "resolved" } else { "open" },
        );
    let mut f = Fields::new();
    f.text(SOURCE, Some(NAME))
        .text(SOURCE_ID, Some(id))
        .text(TITLE, Some(format!("Opsgenie incident {id}")))
        .text(STATUS, Some(state))
        .ts(DETECTED_AT, Some(detected))
        .ts(UPDATED_AT, Some(oldest));
    out.row(Table::Incidents, doc.at("$.data"), f.into_map(), v);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_lines_become_event_kinds() {
        assert_eq!(log_kind("Incident created via API", false), "detected");
        assert_eq!(log_kind("Incident resolved via web", false), "resolved");
        assert_eq!(log_kind("Incident closed via web", true), "note");
        assert_eq!(log_kind("Incident closed via web", false), "resolved");
        assert_eq!(log_kind("Incident reopened by ana", false), "reopened");
        assert_eq!(
            log_kind("Priority changed from P3 to P1", false),
            "severity_changed"
        );
        assert_eq!(log_kind("Responder team search added", false), "assigned");
        assert_eq!(log_kind("Status page updated", false), "note");
        assert_eq!(
            channel("Incident resolved via Web by ana").as_deref(),
            Some("web")
        );
        assert_eq!(channel("Incident resolved"), None);
    }
}
