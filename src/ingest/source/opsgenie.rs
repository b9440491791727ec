//! The Opsgenie (Atlassian) connector: alerts from the Alert API, alert logs and the outgoing
//! webhook; incidents and their logs from the Incident API.
//!
//! Accepted shapes:
//! - Alert API `GET /v2/alerts` (`{data: [...], paging, took, requestId}`) and
//!   `GET /v2/alerts/{id}` (`{data: {...}}`) → `alerts`, `alert_id` = `opsgenie:<id>`;
//! - alert logs `GET /v2/alerts/{id}/logs` (`{data: [{log, type, owner, createdAt, offset}]}`): the
//!   body names no alert, so the file name must hold the alert id (`<alertId>.logs.json`);
//! - outgoing webhook events `{action, alert: {alertId, ...}, source, integrationName}`, one per file
//!   or one per line → `alerts` keyed by `alertId` (the REST `id`, so both converge);
//! - Incident API `GET /v1/incidents` / `GET /v1/incidents/{id}` → `incidents`, and incident logs
//!   `GET /v1/incidents/{id}/logs` (file named `incident-<incidentId>.logs.json`) → `incident_events`.
//!
//! Alert instants: `fired_at` = `createdAt`; `acknowledged_at` = `createdAt + report.ackTime` (ms);
//! `resolved_at` = `createdAt + report.closeTime` (ms) when `status` is `closed` (else `updatedAt`);
//! webhook `Acknowledge`/`Close` → the event's `alert.updatedAt` (epoch ns, read as an integer);
//! an ack/close log line fills what the alert's own fields lack. `updated_at` = `updatedAt`, or for
//! webhooks the latest event. Alerts are gathered over the whole run and emitted in `finish`: the
//! events of one alert merge into one row, and its logs complete its REST or webhook row. An alert
//! known only from its logs gets a placeholder row (`Opsgenie alert <id>`) versioned at its oldest
//! instant, so a real export of it wins on upsert.
//!
//! `paged` = the alert has responders (webhook: recipients or teams), or was acknowledged,
//! escalated or assigned; an alert with none of these notified nobody, so `false`.
//! `severity` = `priority` (`P1`..`P5`; the webhook's integer `3` is `P3`); `team` = the first team
//! responder's name, else a `team` tag or detail, else `ownerTeamId`; `service` = a `service`
//! detail or tag; `labels` = tags (`key:value` split), details, `source`, `integration`,
//! `entity`, `tinyId`. A closer or acknowledger named `System` or named as the alert's integration
//! is `auto`.

mod alerts;
mod incidents;
mod webhook;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use super::util::{self, array, at, has_keys, string_map, tags_as_labels, text};
use super::{Emitted, Input, Out, Source, SourceContext};
use crate::error::{Error, Result};
use crate::ingest::reader::Location;
use crate::model::Table;

const NAME: &str = "opsgenie";

/// The connector; alerts are gathered by id across the run's files.
#[derive(Debug, Default)]
pub struct Opsgenie {
    alerts: BTreeMap<String, alerts::Gathered>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    AlertList,
    AlertGet,
    AlertLogs,
    IncidentList,
    IncidentGet,
    IncidentLogs,
    Webhook,
}

impl Shape {
    fn name(self) -> &'static str {
        match self {
            Shape::AlertList => "Alert API GET /v2/alerts",
            Shape::AlertGet => "Alert API GET /v2/alerts/{id}",
            Shape::AlertLogs => "Alert API GET /v2/alerts/{id}/logs",
            Shape::IncidentList => "Incident API GET /v1/incidents",
            Shape::IncidentGet => "Incident API GET /v1/incidents/{id}",
            Shape::IncidentLogs => "Incident API GET /v1/incidents/{id}/logs",
            Shape::Webhook => "outgoing webhook events",
        }
    }
}

/// An alert has its dedup key (`alias`) and occurrence `count`, or a tiny id and an ack flag.
fn is_alert(v: &Value) -> bool {
    has_keys(v, &["id", "createdAt"])
        && (has_keys(v, &["alias"])
            || has_keys(v, &["count"])
            || has_keys(v, &["tinyId", "acknowledged"]))
}

/// An incident has no alias and no ack flag, and has what only incidents have.
fn is_incident(v: &Value) -> bool {
    has_keys(v, &["id", "message", "createdAt"])
        && !["alias", "count", "acknowledged"]
            .iter()
            .any(|k| has_keys(v, &[k]))
        && ([
            "ownerTeam",
            "extraProperties",
            "impactStartDate",
            "impactedServices",
        ]
        .iter()
        .any(|k| has_keys(v, &[k]))
            || text(v, "status").is_some_and(|s| s.eq_ignore_ascii_case("resolved")))
}

fn is_log(v: &Value) -> bool {
    has_keys(v, &["log", "createdAt"])
}

fn shape_of(v: &Value, path: &Path) -> Option<Shape> {
    if at(v, "alert").is_some_and(Value::is_object) && text(v, "action").is_some() {
        return Some(Shape::Webhook);
    }
    match at(v, "data")? {
        // Any record decides, so a page whose first record lacks its id is still recognised.
        Value::Array(a) => {
            if a.iter().any(is_alert) {
                Some(Shape::AlertList)
            } else if a.iter().any(is_incident) {
                Some(Shape::IncidentList)
            } else if a.iter().any(is_log) {
                Some(if incident_logs(a, path) {
                    Shape::IncidentLogs
                } else {
                    Shape::AlertLogs
                })
            } else {
                None
            }
        }
        d if is_alert(d) => Some(Shape::AlertGet),
        d if is_incident(d) => Some(Shape::IncidentGet),
        _ => None,
    }
}

/// Logs of an incident rather than an alert: the file says so, or the lines talk of an incident.
fn incident_logs(logs: &[Value], path: &Path) -> bool {
    let name = file_name(path).to_ascii_lowercase();
    name.contains("incident")
        || logs
            .iter()
            .any(|l| text(l, "log").is_some_and(|s| s.to_ascii_lowercase().starts_with("incident")))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// The alert or incident id a logs file is named after: a UUID anywhere in the name, else what
/// precedes `.logs` (`<id>.logs.json`, `alert-<id>.logs.json`).
fn id_from_file_name(path: &Path) -> Option<String> {
    let name = file_name(path);
    let b = name.as_bytes();
    let uuid = (0..b.len().saturating_sub(35)).find_map(|i| {
        let s = name.get(i..i + 36)?;
        let ok = s.char_indices().all(|(j, c)| match j {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        });
        ok.then(|| s.to_string())
    });
    uuid.or_else(|| {
        let stem = name
            .split(".logs")
            .next()
            .filter(|_| name.contains(".logs"))?;
        let id = ["alert-", "alert_", "incident-", "incident_"]
            .iter()
            .find_map(|p| stem.strip_prefix(p))
            .unwrap_or(stem);
        (!id.is_empty()).then(|| id.to_string())
    })
}

/// Where a gathered record came from, so a row emitted in `finish` names its own file and line.
#[derive(Debug, Clone)]
struct Origin {
    file: String,
    loc: Location,
    raw: String,
}

impl Origin {
    fn new(out: &Out, loc: Location, raw: &Value) -> Origin {
        Origin {
            file: out.file.clone(),
            loc,
            raw: util::raw_text(raw),
        }
    }

    fn emit(self, table: Table, fields: Map<String, Value>) -> Emitted {
        Emitted {
            file: self.file,
            table,
            loc: self.loc,
            fields,
            raw: self.raw,
        }
    }
}

/// The owning team: the first team responder's name, a `team` tag or detail, else the owner team id.
fn team_of(v: &Value, labels: &Map<String, Value>) -> Option<String> {
    array(v, "responders")
        .iter()
        .filter(|r| text(r, "type").is_some_and(|t| t.eq_ignore_ascii_case("team")))
        .find_map(|r| text(r, "name"))
        .or_else(|| {
            array(v, "teams")
                .iter()
                .find_map(|t| t.as_str().map(str::to_string).or_else(|| text(t, "name")))
        })
        .or_else(|| {
            labels
                .get("team")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .or_else(|| text(v, "ownerTeamId"))
        .or_else(|| text(v, "ownerTeam"))
}

/// Tags, then details, then the few fields worth keeping that have no column.
fn labels_of(v: &Value, integration: Option<String>) -> Map<String, Value> {
    let mut m = tags_as_labels(array(v, "tags"));
    m.extend(string_map(at(v, "details")));
    m.extend(string_map(at(v, "extraProperties")));
    for (k, val) in [
        ("source", text(v, "source")),
        ("integration", integration),
        ("entity", text(v, "entity")),
        ("tinyId", text(v, "tinyId")),
    ] {
        if let Some(val) = val {
            m.insert(k.into(), val.into());
        }
    }
    m
}

fn label(m: &Map<String, Value>, key: &str) -> Option<String> {
    m.get(key).and_then(Value::as_str).map(str::to_string)
}

/// `P3` for the REST API's `"P3"`, the webhook's `3` and a bare `"3"`.
fn priority(v: &Value) -> Option<String> {
    let p = text(v, "priority")?;
    Some(if p.bytes().all(|b| b.is_ascii_digit()) {
        format!("P{p}")
    } else {
        p.to_ascii_uppercase()
    })
}

/// `auto` for the system or the alert's own integration closing or acknowledging it.
fn actor(who: Option<String>, integration: Option<&str>) -> Option<String> {
    let who = who?;
    if who.eq_ignore_ascii_case("system") || integration.is_some_and(|i| i == who) {
        Some("auto".to_string())
    } else {
        Some(who)
    }
}

/// `us` plus a count of milliseconds, checked.
fn add_millis(us: i64, ms: u64) -> Option<i64> {
    us.checked_add(i64::try_from(ms).ok()?.checked_mul(1_000)?)
}

impl Source for Opsgenie {
    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, input: &Input) -> Option<&'static str> {
        let v = input.first_json()?;
        let shape = shape_of(v, &input.path)?;
        // A webhook event is claimed only with its alert id, the field no other tool sends.
        let hook =
            shape != Shape::Webhook || at(v, "alert").is_some_and(|a| has_keys(a, &["alertId"]));
        hook.then(|| shape.name())
    }

    fn streams(&self) -> bool {
        true
    }

    fn read(&mut self, input: &Input, ctx: &SourceContext, out: &mut Out) -> Result<()> {
        let docs = input.docs();
        let first = input.first_json().and_then(|v| shape_of(v, &input.path));
        let Some(first) = first else {
            return Err(Error::input(
                &input.path,
                docs.first().map(|d| d.line),
                format!(
                    "not an Opsgenie export: expected {{data: [...]}} from GET /v2/alerts or GET /v1/incidents, {{data: {{...}}}} from GET /v2/alerts/{{id}}, alert logs {{data: [{{log, createdAt, ...}}]}}, or outgoing webhook events {{action, alert: {{alertId, ...}}}}; found {}",
                    input.describe()
                ),
            ));
        };
        let named = id_from_file_name(&input.path);
        let unnamed = |shape: Shape| {
            let what = if shape == Shape::AlertLogs {
                "alert"
            } else {
                "incident"
            };
            let prefix = if what == "incident" { "incident-" } else { "" };
            format!(
                "Opsgenie {what} logs name no {what}: save GET /v2/{what}s/{{id}}/logs as {prefix}<{what}Id>.logs.json (the {what}'s id, e.g. {prefix}d5c3a9b0-1f2e-4c6d-8a7b-9e0f1a2b3c4d.logs.json) so its entries can be tied to the {what}"
            )
        };
        if matches!(first, Shape::AlertLogs | Shape::IncidentLogs) && named.is_none() {
            return Err(Error::input(
                &input.path,
                docs.first().map(|d| d.line),
                unnamed(first),
            ));
        }
        let gathered = &mut self.alerts;
        input.each_doc(out, |doc, out| {
            let v = match &doc.value {
                Ok(v) => v,
                Err(_) => {
                    out.refuse_unparsed(doc, None, None);
                    return Ok(());
                }
            };
            let shape = shape_of(v, &input.path);
            if let Some(logs @ (Shape::AlertLogs | Shape::IncidentLogs)) = shape
                && named.is_none()
            {
                out.refuse(doc.at("$"), None, unnamed(logs), v);
                return Ok(());
            }
            let id = named.as_deref().unwrap_or_default();
            match shape {
                Some(Shape::AlertList) => {
                    for (i, a) in array(v, "data").iter().enumerate() {
                        let loc = doc.at(format!("$.data[{i}]"));
                        alerts::rest(gathered, a, loc, ctx, out);
                    }
                }
                Some(Shape::AlertGet) => {
                    if let Some(a) = at(v, "data") {
                        alerts::rest(gathered, a, doc.at("$.data"), ctx, out);
                    }
                }
                Some(Shape::AlertLogs) => alerts::logs(gathered, id, v, doc, ctx, out),
                Some(Shape::IncidentList) => {
                    for (i, inc) in array(v, "data").iter().enumerate() {
                        incidents::incident(inc, doc.at(format!("$.data[{i}]")), ctx, out);
                    }
                }
                Some(Shape::IncidentGet) => {
                    if let Some(inc) = at(v, "data") {
                        incidents::incident(inc, doc.at("$.data"), ctx, out);
                    }
                }
                Some(Shape::IncidentLogs) => incidents::logs(id, v, doc, ctx, out),
                Some(Shape::Webhook) => webhook::event(gathered, v, doc, ctx, out),
                None => out.refuse(
                    doc.at("$"),
                    None,
                    "not an Opsgenie alert, incident, log page or webhook event",
                    v,
                ),
            }
            Ok(())
        })
    }

    fn finish(&mut self, _ctx: &SourceContext, out: &mut Out) -> Result<()> {
        alerts::emit(std::mem::take(&mut self.alerts), out)
    }
}

#[cfg(test)]
mod tests;
