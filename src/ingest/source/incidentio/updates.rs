//! incident.io incident updates (`IncidentUpdateV2`) as the incident timeline.
//!
//! Every update is one event whose id is the update's id, so re-ingesting pages (or the tap's
//! copy nested in each incident) updates rows instead of adding them. Its kind depends on the
//! update before it, so updates are gathered over the run and ordered per incident in `emit`:
//! a move from an active category (triage/live/paused) to learning ("Post-incident") or closed is
//! `resolved`, to `merged` is `merged`, back from learning/closed to active is `reopened`; otherwise
//! a severity change is `severity_changed`, and anything else (declined and canceled included:
//! those incidents were never resolved, their row ends at "Declined at") `status_update`. "Accepted at" and
//! "Fixed at" stay the incident's own timestamps: no update is turned into `acknowledged` or
//! `mitigated`, so the curated values are not overridden by the time someone clicked.
//!
//! An incident seen only through its updates also gets a stand-in incident row (title from the
//! id, detected at its first update) whose `updated_at` is that first update, so the full incident
//! wins whenever it is ingested.

use std::collections::{BTreeMap, BTreeSet};

use chrono_tz::Tz;
use serde_json::Value;

use super::super::util::{Fields, instant_at, raw_text, text};
use super::super::{Doc, Emitted, Out};
use super::NAME;
use super::incident::{is_active, is_resolved, kind, status};
use crate::ingest::reader::Location;
use crate::model::Table;

#[derive(Debug, Clone)]
struct Update {
    id: String,
    at: i64,
    category: Option<String>,
    status_name: Option<String>,
    severity: Option<String>,
    message: Option<String>,
    actor: Option<String>,
    channel: Option<&'static str>,
    file: String,
    loc: Location,
    raw: String,
}

/// Updates by incident id, then by update id (a repeated update replaces the earlier copy).
#[derive(Debug, Default)]
pub(super) struct Gathered(BTreeMap<String, BTreeMap<String, Update>>);

impl Gathered {
    /// Read one update, or refuse it with the reason.
    pub(super) fn add(&mut self, doc: &Doc, path: &str, v: &Value, zone: Tz, out: &mut Out) {
        match parse(v, zone) {
            Ok((incident, mut u)) => {
                u.file = out.file.clone();
                u.loc = doc.at(path);
                u.raw = raw_text(v);
                self.0.entry(incident).or_default().insert(u.id.clone(), u);
            }
            Err(e) => out.refuse(doc.at(path), Some(Table::IncidentEvents), e, v),
        }
    }

    /// The events, and a stand-in incident row for each incident not in `seen`.
    pub(super) fn emit(&mut self, seen: &BTreeSet<String>, out: &mut Out) {
        for (incident, updates) in std::mem::take(&mut self.0) {
            let mut list: Vec<Update> = updates.into_values().collect();
            list.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
            let incident_id = format!("{NAME}:{incident}");
            let mut prev: Option<&Update> = None;
            for u in &list {
                let (kind, message) = classify(prev, u);
                let mut f = Fields::new();
                f.text("event_id", Some(format!("{incident_id}:{}", u.id)))
                    .text("incident_id", Some(incident_id.clone()))
                    .ts("at", Some(u.at))
                    .text("kind", Some(kind))
                    .text("actor", u.actor.clone())
                    .text("channel", u.channel)
                    .text("message", Some(message))
                    .text("source", Some(NAME));
                push(out, u, Table::IncidentEvents, f);
                prev = Some(u);
            }
            if !seen.contains(&incident)
                && let (Some(first), Some(last)) = (list.first(), list.last())
            {
                push(
                    out,
                    first,
                    Table::Incidents,
                    stand_in(&incident, &list, last),
                );
            }
        }
    }
}

fn push(out: &mut Out, u: &Update, table: Table, f: Fields) {
    out.rows.push(Emitted {
        file: u.file.clone(),
        table,
        loc: u.loc.clone(),
        fields: f.into_map(),
        raw: u.raw.clone(),
    });
}

/// The incident as far as its updates tell: enough for the timeline not to be orphaned.
fn stand_in(incident: &str, list: &[Update], last: &Update) -> Fields {
    let first = list.first().map_or(last.at, |u| u.at);
    let category = last.category.as_deref();
    let mut f = Fields::new();
    f.text("source", Some(NAME))
        .text("source_id", Some(incident))
        .text("title", Some(format!("incident.io incident {incident}")))
        .text(
            "severity_raw",
            list.iter().rev().find_map(|u| u.severity.clone()),
        )
        .text("status", category.and_then(|c| status(c, false, false)))
        .text("kind", Some(kind(None, category)))
        .ts("detected_at", Some(first))
        .ts("updated_at", Some(first));
    f
}

fn parse(v: &Value, zone: Tz) -> Result<(String, Update), String> {
    let id = text(v, "id").ok_or("id: missing; every incident update has one")?;
    let incident = text(v, "incident_id")
        .ok_or("incident_id: missing; cannot tell which incident this update belongs to")?;
    let at = instant_at(v, "created_at", zone)?
        .ok_or("created_at: missing; cannot place the update on the timeline")?;
    let (actor, channel) = if let Some(n) = text(v, "updater.user.name") {
        (Some(n), None)
    } else if let Some(n) = text(v, "updater.api_key.name") {
        (Some(n), Some("api"))
    } else if let Some(n) = text(v, "updater.workflow.name") {
        (Some(n), Some("auto"))
    } else {
        (None, None)
    };
    let u = Update {
        id,
        at,
        category: text(v, "new_incident_status.category").map(|c| c.to_lowercase()),
        status_name: text(v, "new_incident_status.name"),
        severity: text(v, "new_severity.name"),
        message: text(v, "message"),
        actor,
        channel,
        file: String::new(),
        loc: Location {
            line: 0,
            json_path: None,
        },
        raw: String::new(),
    };
    Ok((incident, u))
}

/// The event kind of `u` given the update before it, and its message: the responder's text when
/// there is one, else what changed.
fn classify(prev: Option<&Update>, u: &Update) -> (&'static str, String) {
    let cat = u.category.as_deref().unwrap_or_default();
    let before = prev.and_then(|p| p.category.as_deref());
    let kind = match before {
        Some(b) if is_active(b) && cat == "merged" => "merged",
        Some(b) if is_active(b) && is_resolved(cat) => "resolved",
        Some(b) if is_resolved(b) && is_active(cat) => "reopened",
        Some(_)
            if u.severity.is_some()
                && prev.and_then(|p| p.severity.as_deref()) != u.severity.as_deref() =>
        {
            "severity_changed"
        }
        _ => "status_update",
    };
    let mut what = vec![];
    if let Some(n) = &u.status_name {
        what.push(match &u.category {
            Some(c) => format!("status {n} ({c})"),
            None => format!("status {n}"),
        });
    }
    if let Some(s) = &u.severity {
        what.push(format!("severity {s}"));
    }
    let what = if what.is_empty() {
        "update".to_string()
    } else {
        what.join(", ")
    };
    (kind, u.message.clone().unwrap_or(what))
}
