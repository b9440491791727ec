//! One FireHydrant incident (REST `IncidentEntity` or a webhook's `data.incident`) as a canonical
//! incident row plus one event per reached milestone.
//!
//! Milestone events are keyed `<incident_id>:<slug>`, not by the milestone's own id: a slug is
//! reached once per incident, webhook milestones carry no id while REST ones do, and the same
//! milestone appears in both `milestones[]` and `lifecycle_phases[]`. Keying by slug makes every
//! shape of one incident land on the same events, and an edited `occurred_at` update in place.
//!
//! `severity` and `priority` are strings in REST and `{slug, ...}` objects in webhooks; both are
//! read. `severity_raw` is the severity, else the priority (kept in labels too). `current_milestone`
//! gives the status; an incident with `discarded_at` (archived) is kind `duplicate` so the metrics
//! leave it out. Without `updated_at` (REST omits it) the version is the newest instant the record
//! has, milestone edits included, so a later export still wins over an earlier webhook.

use std::collections::{BTreeMap, BTreeSet};

use chrono_tz::Tz;
use serde_json::{Map, Value};

use super::super::util::{
    Fields, array, at, instant_at, raw_text, string_map, tags_as_labels, text,
};
use super::super::{Doc, Emitted, Out};
use super::NAME;
use crate::model::Table;
use crate::model::columns::URL;

/// A reached milestone.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Milestone<'a> {
    pub slug: String,
    pub at: i64,
    pub updated: Option<i64>,
    pub name: Option<String>,
    pub actor: Option<String>,
    pub path: String,
    pub raw: &'a Value,
}

/// The reached milestones, each slug once: the lifecycle phases first (they name the milestone and
/// who set it), then the deprecated `milestones[]` for slugs the phases do not have.
pub(super) fn milestones(v: &Value, zone: Tz) -> Result<Vec<Milestone<'_>>, String> {
    let mut list = vec![];
    for (p, phase) in array(v, "lifecycle_phases").iter().enumerate() {
        for (j, m) in array(phase, "milestones").iter().enumerate() {
            list.push((format!("lifecycle_phases[{p}].milestones[{j}]"), m));
        }
    }
    for (i, m) in array(v, "milestones").iter().enumerate() {
        list.push((format!("milestones[{i}]"), m));
    }
    let mut seen = BTreeSet::new();
    let mut out = vec![];
    for (path, m) in list {
        let slug = text(m, "slug")
            .or_else(|| text(m, "type"))
            .ok_or_else(|| format!("{path}: no type or slug; cannot tell which milestone it is"))?
            .to_lowercase();
        let read = |key: &str| instant_at(m, key, zone).map_err(|e| format!("{path}.{e}"));
        let Some(at) = read("occurred_at")? else {
            continue;
        };
        if !seen.insert(slug.clone()) {
            continue;
        }
        out.push(Milestone {
            slug,
            at,
            updated: read("updated_at")?,
            name: text(m, "name"),
            actor: text(m, "updated_by.name"),
            path,
            raw: m,
        });
    }
    Ok(out)
}

/// The event kind of a milestone slug.
pub(super) fn event_kind(slug: &str) -> &'static str {
    match slug {
        "started" => "impact_started",
        "detected" => "detected",
        "acknowledged" => "acknowledged",
        "mitigated" => "mitigated",
        "resolved" => "resolved",
        s if s == "closed" || s.starts_with("postmortem") || s.starts_with("retrospective") => {
            "note"
        }
        // first_action, investigating, identified and an org's own milestones: the incident moved on.
        _ => "status_update",
    }
}

/// The status of an incident whose current milestone is `slug`; `None` for an org's own slug, so
/// the row parser derives it from the instants.
pub(super) fn status(slug: &str) -> Option<&'static str> {
    match slug {
        "started" | "detected" => Some("open"),
        "acknowledged" | "first_action" | "investigating" | "identified" => Some("acknowledged"),
        "mitigated" => Some("mitigated"),
        s if s == "resolved"
            || s == "closed"
            || s.starts_with("postmortem")
            || s.starts_with("retrospective") =>
        {
            Some("resolved")
        }
        _ => None,
    }
}

/// A severity or priority: a string in REST, `{slug, ...}` in webhooks.
fn slug_or_text(v: &Value, key: &str) -> Option<String> {
    text(v, key)
        .or_else(|| text(v, &format!("{key}.slug")))
        .or_else(|| text(v, &format!("{key}.name")))
}

fn labels(v: &Value, priority: Option<&str>) -> Map<String, Value> {
    let mut m = Map::new();
    for key in ["tag_list", "tags"] {
        m.extend(tags_as_labels(array(v, key)));
    }
    match at(v, "labels") {
        Some(Value::Array(a)) => m.extend(tags_as_labels(a)),
        other => m.extend(string_map(other)),
    }
    let envs: Vec<String> = array(v, "environments")
        .iter()
        .filter_map(|e| text(e, "name"))
        .collect();
    if !envs.is_empty() {
        m.insert("environment".into(), Value::from(envs.join(", ")));
    }
    if let Some(p) = priority {
        m.insert("priority".into(), Value::from(p));
    }
    if let Some(t) = text(v, "incident_type.name") {
        m.insert("incident_type".into(), Value::from(t));
    }
    m
}

/// One incident as rows: the incident, its milestone events (JSON path below the incident, row,
/// milestone), and its version.
pub(super) struct Mapped<'a> {
    pub incident: Fields,
    pub events: Vec<(String, Fields, &'a Value)>,
    pub version: Option<i64>,
}

/// The incident's rows, or why it cannot be read.
pub(super) fn map(v: &Value, zone: Tz) -> Result<Mapped<'_>, String> {
    let id = text(v, "id").ok_or(
        "id: missing; every FireHydrant incident has one (a uuid), so the record is damaged",
    )?;
    let incident_id = format!("{NAME}:{id}");
    let ms = milestones(v, zone)?;
    let find = |slug: &str| ms.iter().find(|m| m.slug == slug).map(|m| m.at);
    let created = instant_at(v, "created_at", zone)?;
    let discarded = instant_at(v, "discarded_at", zone)?;
    let detected = find("detected")
        .or(created)
        .ok_or("no detected milestone and no created_at: cannot tell when it was detected")?;
    let impact = match find("started") {
        Some(t) => Some(t),
        None => instant_at(v, "started_at", zone)?,
    };
    let updated = match instant_at(v, "updated_at", zone)? {
        Some(t) => Some(t),
        None => ms
            .iter()
            .flat_map(|m| [Some(m.at), m.updated])
            .chain([created, discarded])
            .flatten()
            .max(),
    };
    let severity = slug_or_text(v, "severity");
    let priority = slug_or_text(v, "priority");
    let team = array(v, "team_assignments")
        .iter()
        .find_map(|t| text(t, "team.name").or_else(|| text(t, "name")));
    let milestone = text(v, "current_milestone").map(|s| s.to_lowercase());

    let mut f = Fields::new();
    f.text("source", Some(NAME))
        .text("source_id", Some(id))
        .text("number", text(v, "number"))
        .text("title", text(v, "name"))
        .text(URL, text(v, "incident_url"))
        .text("team", team)
        .text(
            "service",
            array(v, "services").iter().find_map(|s| text(s, "name")),
        )
        .text("severity_raw", severity.clone().or(priority.clone()))
        .text("status", milestone.as_deref().and_then(status))
        .text("kind", discarded.map(|_| "duplicate"))
        .ts("impact_started_at", impact)
        .ts("detected_at", Some(detected))
        .ts("acknowledged_at", find("acknowledged"))
        .ts("mitigated_at", find("mitigated"))
        .ts("resolved_at", find("resolved"))
        .labels("labels", labels(v, priority.as_deref()))
        .ts("updated_at", updated);

    let events = ms
        .iter()
        .map(|m| {
            let mut e = Fields::new();
            e.text("event_id", Some(format!("{incident_id}:{}", m.slug)))
                .text("incident_id", Some(incident_id.clone()))
                .ts("at", Some(m.at))
                .text("kind", Some(event_kind(&m.slug)))
                .text("actor", m.actor.clone())
                // The slug, not the display name: webhooks carry no name, and one incident's event
                // must read the same whichever shape it came from.
                .text("message", Some(format!("milestone {}", m.slug)))
                .text("source", Some(NAME));
            (m.path.clone(), e, m.raw)
        })
        .collect();
    Ok(Mapped {
        incident: f,
        events,
        version: updated,
    })
}

/// The newest version of each incident read this run, with its rows. A webhook stream holds
/// every state of an incident and a REST export may come before or after it; keeping only the
/// newest (by `updated_at`, a later read winning a tie) means a milestone removed since, or an
/// older copy read last, cannot leave stale events behind.
#[derive(Debug, Default)]
pub(super) struct Latest(BTreeMap<String, (Option<i64>, Vec<Emitted>)>);

impl Latest {
    /// Read one incident, or refuse it.
    pub(super) fn add(&mut self, doc: &Doc, path: &str, v: &Value, zone: Tz, out: &mut Out) {
        let m = match map(v, zone) {
            Ok(m) => m,
            Err(e) => return out.refuse(doc.at(path), Some(Table::Incidents), e, v),
        };
        let id = m.incident.get("source_id").unwrap_or_default().to_string();
        if self.0.get(&id).is_some_and(|(old, _)| *old > m.version) {
            return;
        }
        let emitted = |table, loc, f: Fields, raw: &Value| Emitted {
            file: out.file.clone(),
            table,
            loc,
            fields: f.into_map(),
            raw: raw_text(raw),
        };
        let mut rows = vec![emitted(Table::Incidents, doc.at(path), m.incident, v)];
        for (mpath, e, raw) in m.events {
            let loc = doc.at(format!("{path}.{mpath}"));
            rows.push(emitted(Table::IncidentEvents, loc, e, raw));
        }
        self.0.insert(id, (m.version, rows));
    }

    pub(super) fn emit(&mut self, out: &mut Out) {
        for (_, rows) in std::mem::take(&mut self.0).into_values() {
            out.rows.extend(rows);
        }
    }
}
