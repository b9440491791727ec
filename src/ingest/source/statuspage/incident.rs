//! One Statuspage incident object to an `incidents` row and its updates to `incident_events` rows;
//! the mapping is described in the parent module.

use serde_json::{Map, Value};

use super::super::util::{Fields, array, instant_at, text};
use super::super::{Doc, Out, SourceContext};
use super::NAME;
use crate::model::Table;
use crate::model::columns::*;

/// Whether a status belongs to scheduled maintenance rather than a realtime incident.
fn is_scheduled_status(s: &str) -> bool {
    matches!(s, "scheduled" | "in_progress" | "verifying" | "completed")
}

/// The event kind of an update's status; `resolved` says whether the incident was resolved before.
fn update_kind(status: &str, resolved: bool) -> &'static str {
    match status {
        "investigating" | "identified" | "monitoring" if resolved => "reopened",
        "investigating" | "identified" => "status_update",
        "monitoring" | "verifying" => "mitigated",
        "resolved" | "completed" => "resolved",
        "in_progress" => "impact_started",
        "postmortem" | "scheduled" => "note",
        _ => "status_update",
    }
}

fn incident_status(s: &str) -> Option<&'static str> {
    match s {
        "investigating" | "identified" | "scheduled" | "in_progress" => Some("open"),
        "monitoring" | "verifying" => Some("mitigated"),
        "resolved" | "completed" | "postmortem" => Some("resolved"),
        _ => None,
    }
}

/// One readable incident update, for sorting oldest first.
struct Update<'a> {
    index: usize,
    at: i64,
    status: String,
    value: &'a Value,
}

pub(super) fn incident(
    v: &Value,
    path: &str,
    page: Option<&Value>,
    doc: &Doc,
    ctx: &SourceContext,
    out: &mut Out,
) {
    let refuse = |out: &mut Out, reason: String| {
        out.refuse(
            doc.at(path),
            Some(Table::Incidents),
            format!("{path}.{reason}"),
            v,
        )
    };
    let Some(id) = text(v, "id") else {
        return refuse(
            out,
            "id: missing; every Statuspage incident has an id".into(),
        );
    };
    let mut instants = [
        "created_at",
        "started_at",
        "monitoring_at",
        "resolved_at",
        "updated_at",
        "scheduled_for",
    ]
    .map(|k| (k, None));
    for (k, slot) in instants.iter_mut() {
        match instant_at(v, k, ctx.zone) {
            Ok(t) => *slot = t,
            Err(e) => return refuse(out, format!("{e}; expected an RFC 3339 time")),
        }
    }
    let [
        created,
        started,
        monitoring,
        resolved,
        updated,
        scheduled_for,
    ] = instants.map(|p| p.1);
    let Some(created) = created else {
        return refuse(
            out,
            "created_at: missing; the incident has no creation time".into(),
        );
    };

    let incident_id = format!("{NAME}:{id}");
    let mut updates = vec![];
    for (j, u) in array(v, "incident_updates").iter().enumerate() {
        let upath = format!("{path}.incident_updates[{j}]");
        let reason = match instant_at(u, "created_at", ctx.zone) {
            Ok(Some(t)) => {
                updates.push(Update {
                    index: j,
                    at: t,
                    status: text(u, "status").unwrap_or_default().to_ascii_lowercase(),
                    value: u,
                });
                continue;
            }
            Ok(None) => "created_at: missing; the update has no posting time".to_string(),
            Err(e) => e,
        };
        out.refuse(
            doc.at(&upath),
            Some(Table::IncidentEvents),
            format!("{upath}.{reason}"),
            u,
        );
    }
    // Updates come newest first; at equal instants the later index is the older update.
    updates.sort_by_key(|u| (u.at, std::cmp::Reverse(u.index)));

    let status = text(v, "status").unwrap_or_default().to_ascii_lowercase();
    let maintenance = scheduled_for.is_some()
        || is_scheduled_status(&status)
        || updates.iter().any(|u| is_scheduled_status(&u.status));
    let first = |wanted: &str| updates.iter().find(|u| u.status == wanted).map(|u| u.at);
    let (mitigating, resolving) = if maintenance {
        ("verifying", "completed")
    } else {
        ("monitoring", "resolved")
    };
    // A maintenance window opens when it goes in progress; announcing it detects nothing.
    let window = first("in_progress").or_else(|| {
        let done = updates
            .iter()
            .any(|u| matches!(u.status.as_str(), "verifying" | "completed"));
        scheduled_for.filter(|_| done)
    });
    let impact_started = if maintenance {
        window
    } else {
        started.or(Some(created))
    };
    let latest = updates
        .last()
        .map_or(status.as_str(), |u| u.status.as_str());

    let mut f = Fields::new();
    f.text(SOURCE, Some(NAME))
        .text(SOURCE_ID, Some(id.as_str()))
        .text(NUMBER, text(v, "shortlink"))
        .text(TITLE, text(v, "name"))
        .text(URL, text(v, "shortlink"))
        .text(STATUS, incident_status(latest))
        .text(
            KIND,
            Some(if maintenance { "maintenance" } else { "normal" }),
        )
        .ts(IMPACT_STARTED_AT, impact_started)
        .ts(DETECTED_AT, window.or(Some(created)))
        .ts(MITIGATED_AT, monitoring.or_else(|| first(mitigating)))
        .ts(RESOLVED_AT, resolved.or_else(|| first(resolving)))
        .ts(UPDATED_AT, updated);
    let impact = text(v, "impact").map(|s| s.to_ascii_lowercase());
    let raw = text(v, "impact_override")
        .map(|s| s.to_ascii_lowercase())
        .or(impact.clone());
    if matches!(raw.as_deref(), Some("none" | "maintenance")) {
        f.text(SEVERITY, Some("SEV5"));
    }
    f.text(SEVERITY_RAW, raw.clone());

    let components = component_names(v, &updates);
    f.text(SERVICE, components.first().cloned());
    let mut labels = Map::new();
    if !components.is_empty() {
        labels.insert("components".into(), components.join(", ").into());
    }
    let page_id = text(v, "page_id").or_else(|| page.and_then(|p| text(p, "id")));
    for (k, val) in [
        ("page_id", page_id),
        ("page", page.and_then(|p| text(p, "name"))),
        ("backfilled", text(v, "backfilled").filter(|b| b == "true")),
        ("impact", impact.filter(|i| Some(i) != raw.as_ref())),
    ] {
        if let Some(val) = val {
            labels.insert(k.into(), val.into());
        }
    }
    f.labels(LABELS, labels);
    out.row(Table::Incidents, doc.at(path), f.into_map(), v);

    let mut was_resolved = false;
    for u in &updates {
        let kind = update_kind(&u.status, was_resolved && !maintenance);
        match kind {
            "resolved" => was_resolved = true,
            "reopened" => was_resolved = false,
            _ => {}
        }
        let mut e = Fields::new();
        e.text(INCIDENT_ID, Some(incident_id.as_str()))
            .text(
                EVENT_ID,
                text(u.value, "id").map(|uid| format!("{incident_id}:{uid}")),
            )
            .ts(AT, Some(u.at))
            .text(KIND, Some(kind))
            .text(MESSAGE, text(u.value, "body"))
            .text(SOURCE, Some(NAME));
        let upath = format!("{path}.incident_updates[{}]", u.index);
        out.row(Table::IncidentEvents, doc.at(upath), e.into_map(), u.value);
    }
}

/// The incident's component names; when it lists none, those its updates affected, in order.
fn component_names(v: &Value, updates: &[Update]) -> Vec<String> {
    let mut names: Vec<String> = array(v, "components")
        .iter()
        .filter_map(|c| text(c, "name"))
        .collect();
    if names.is_empty() {
        for u in updates {
            for c in array(u.value, "affected_components") {
                if let Some(n) = text(c, "name")
                    && !names.contains(&n)
                {
                    names.push(n);
                }
            }
        }
    }
    names
}
