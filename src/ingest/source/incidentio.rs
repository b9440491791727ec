//! The incident.io connector: API v2 incidents, incident updates and timestamp definitions, as the
//! API returns them or as the official singer tap (`tap-incident`) writes them.
//!
//! Accepted shapes: `GET /v2/incidents` pages (`{"incidents":[...], "pagination_meta":{...}}`),
//! `GET /v2/incidents/{id}` (`{"incident":{...}}`), bare arrays of incidents (the tap's test data)
//! or one incident per line; `GET /v2/incident_updates` pages (`{"incident_updates":[...]}`) and
//! bare arrays of updates; singer message streams (`{"type":"RECORD","stream":"incidents",
//! "record":{...}}`, SCHEMA and STATE lines skipped); and `GET /v2/incident_timestamps`, which
//! holds the org's timestamp *definitions* only, so it yields no rows and a note.
//!
//! Instants come from `incident_timestamp_values`, matched by name case-insensitively because the
//! ids are per-org ULIDs: "Impact started at" → impact_started_at, "Reported at" → detected_at
//! (else top-level `reported_at`, else `created_at`), "Accepted at" → acknowledged_at, "Fixed at" →
//! mitigated_at, "Resolved at" → resolved_at; `value: null` is absent (see `incident.rs` for the
//! status, kind and custom-field rules). Incident updates become the timeline (`updates.rs`); they
//! are gathered over the whole run because an update's kind (resolved, reopened) depends on the
//! status before it.

mod incident;
#[cfg(test)]
mod tests;
mod updates;

use std::collections::BTreeSet;

use serde_json::Value;

use super::util::{array, at, has_keys, text};
use super::{Doc, Input, Out, Source, SourceContext};
use crate::error::{Error, Result};
use crate::model::Table;

pub(crate) const NAME: &str = "incidentio";

/// The connector. Updates are kept until `finish` so each incident's timeline is ordered whole.
#[derive(Debug, Default)]
pub struct IncidentIo {
    updates: updates::Gathered,
    /// Incidents read as full objects this run (even if refused): no stand-in row for them.
    seen: BTreeSet<String>,
}

/// What the records of a document are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Incident,
    Update,
    TimestampDefinition,
    /// Singer SCHEMA/STATE messages and records of streams that hold no incident data.
    Skip,
}

/// The records of one document: the shape's name, their kind, and each record with its JSON path.
struct Records<'a> {
    shape: &'static str,
    kind: Kind,
    items: Vec<(String, &'a Value)>,
}

fn is_incident(v: &Value) -> bool {
    has_keys(v, &["id"])
        && (at(v, "incident_status").is_some_and(Value::is_object)
            || at(v, "incident_timestamp_values").is_some_and(Value::is_array))
}

fn is_update(v: &Value) -> bool {
    has_keys(v, &["incident_id", "new_incident_status"])
}

/// A timestamp definition is `{id, name, rank}`; statuses and severities have the same three keys
/// plus `category`/`description`, so those are what tell them apart.
fn is_timestamp_definition(v: &Value) -> bool {
    has_keys(v, &["id", "name", "rank"])
        && !has_keys(v, &["category"])
        && !has_keys(v, &["description"])
}

fn elements<'a>(a: &'a [Value], prefix: &str) -> Vec<(String, &'a Value)> {
    a.iter()
        .enumerate()
        .map(|(i, x)| (format!("{prefix}[{i}]"), x))
        .collect()
}

/// Recognise one document; `None` when it is not incident.io data.
fn records(v: &Value) -> Option<Records<'_>> {
    let r = |shape, kind, items| Some(Records { shape, kind, items });
    match v {
        Value::Object(m) => {
            if let Some(Value::Array(a)) = m.get("incidents") {
                let ok = a.iter().any(is_incident)
                    || (a.is_empty() && m.contains_key("pagination_meta"));
                return if ok {
                    r(
                        "GET /v2/incidents page",
                        Kind::Incident,
                        elements(a, "$.incidents"),
                    )
                } else {
                    None
                };
            }
            if let Some(i) = m.get("incident").filter(|i| is_incident(i)) {
                return r(
                    "GET /v2/incidents/{id}",
                    Kind::Incident,
                    vec![("$.incident".into(), i)],
                );
            }
            if let Some(Value::Array(a)) = m.get("incident_updates") {
                let ok =
                    a.iter().any(is_update) || (a.is_empty() && m.contains_key("pagination_meta"));
                return if ok {
                    let items = elements(a, "$.incident_updates");
                    r("GET /v2/incident_updates page", Kind::Update, items)
                } else {
                    None
                };
            }
            if let Some(Value::Array(a)) = m.get("incident_timestamps")
                && a.first().is_some_and(is_timestamp_definition)
            {
                let items = elements(a, "$.incident_timestamps");
                return r(
                    "GET /v2/incident_timestamps (definitions only)",
                    Kind::TimestampDefinition,
                    items,
                );
            }
            if is_incident(v) {
                return r("incident objects", Kind::Incident, vec![("$".into(), v)]);
            }
            if is_update(v) {
                return r(
                    "incident update objects",
                    Kind::Update,
                    vec![("$".into(), v)],
                );
            }
            singer(v)
        }
        Value::Array(a) => {
            let (shape, kind) = if a.iter().any(is_incident) {
                ("incidents array (singer tap data)", Kind::Incident)
            } else if a.iter().any(is_update) {
                ("incident updates array (singer tap data)", Kind::Update)
            } else if a.first().is_some_and(is_timestamp_definition)
                && a.iter().any(|x| {
                    text(x, "name").is_some_and(|n| n.to_ascii_lowercase().ends_with(" at"))
                })
            {
                (
                    "incident timestamp definitions array (singer tap data)",
                    Kind::TimestampDefinition,
                )
            } else {
                return None;
            };
            r(shape, kind, elements(a, "$"))
        }
        _ => None,
    }
}

/// A singer message of `tap-incident`: a RECORD of one of our streams, or a control message.
fn singer(v: &Value) -> Option<Records<'_>> {
    let kind = text(v, "type")?;
    let shape = "singer tap-incident messages";
    if kind != "RECORD" {
        let control = matches!(kind.as_str(), "SCHEMA" | "STATE" | "ACTIVATE_VERSION");
        return control.then_some(Records {
            shape,
            kind: Kind::Skip,
            items: vec![],
        });
    }
    let stream = text(v, "stream")?;
    let rec = at(v, "record")?;
    let path = "$.record".to_string();
    let kind = match stream.as_str() {
        "incidents" if is_incident(rec) => Kind::Incident,
        "incident_updates" if is_update(rec) => Kind::Update,
        "incident_timestamps" if is_timestamp_definition(rec) => Kind::TimestampDefinition,
        "incidents" | "incident_updates" | "incident_timestamps" => return None,
        _ => Kind::Skip,
    };
    Some(Records {
        shape,
        kind,
        items: vec![(path, rec)],
    })
}

/// A singer stream is ours only if it carries an incident.io record somewhere: a SCHEMA line alone
/// could be any tap's.
fn detect_docs(docs: &[Doc]) -> Option<&'static str> {
    docs.iter()
        .filter_map(|d| d.value.as_ref().ok())
        .filter_map(records)
        .find(|r| r.kind != Kind::Skip)
        .map(|r| r.shape)
}

impl Source for IncidentIo {
    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, input: &Input) -> Option<&'static str> {
        let first = input.first_json()?;
        match records(first)? {
            r if r.kind == Kind::Skip => detect_docs(input.docs()),
            r => Some(r.shape),
        }
    }

    fn read(&mut self, input: &Input, ctx: &SourceContext, out: &mut Out) -> Result<()> {
        if self.detect(input).is_none() {
            let line = input.docs().first().map(|d| d.line);
            return Err(Error::input(
                &input.path,
                line,
                format!(
                    "not an incident.io export: expected a GET /v2/incidents page ({{\"incidents\":[...]}}), GET /v2/incidents/{{id}}, GET /v2/incident_updates, GET /v2/incident_timestamps or the singer tap's records; found {}. Export with the incident.io API v2 or tap-incident, or pick another --source",
                    input.describe()
                ),
            ));
        }
        // A line that is not JSON is counted against the table the rest of the stream fills.
        let stream_table = match input.first_json().and_then(records).map(|r| r.kind) {
            Some(Kind::Update) => Table::IncidentEvents,
            _ => Table::Incidents,
        };
        let mut definitions = 0usize;
        let mut skipped = BTreeSet::new();
        for doc in input.docs() {
            let v = match &doc.value {
                Ok(v) => v,
                Err(_) => {
                    out.refuse_unparsed(doc, None, Some(stream_table));
                    continue;
                }
            };
            let Some(recs) = records(v) else {
                out.refuse(
                    doc.at("$"),
                    Some(stream_table),
                    "not an incident.io incident, incident update or singer message; this line does not belong in an incident.io export",
                    v,
                );
                continue;
            };
            match recs.kind {
                Kind::Incident => {
                    for (path, rec) in recs.items {
                        self.incident(doc, &path, rec, ctx, out);
                    }
                }
                Kind::Update => {
                    for (path, rec) in recs.items {
                        self.updates.add(doc, &path, rec, ctx.zone, out);
                    }
                }
                Kind::TimestampDefinition => definitions += recs.items.len(),
                Kind::Skip => {
                    if text(v, "type").as_deref() == Some("RECORD")
                        && let Some(s) = text(v, "stream")
                    {
                        skipped.insert(s);
                    }
                }
            }
        }
        if definitions > 0 {
            out.notes.push(format!(
                "{}: holds incident.io timestamp definitions only (GET /v2/incident_timestamps, {definitions} of them), no incident data; nothing was ingested from it. The values are in each incident's incident_timestamp_values",
                input.path.display()
            ));
        }
        if !skipped.is_empty() {
            let names: Vec<&str> = skipped.iter().map(String::as_str).collect();
            out.notes.push(format!(
                "{}: skipped the singer streams {} (not incident data)",
                input.path.display(),
                names.join(", ")
            ));
        }
        Ok(())
    }

    fn finish(&mut self, _ctx: &SourceContext, out: &mut Out) -> Result<()> {
        self.updates.emit(&self.seen, out);
        Ok(())
    }
}

impl IncidentIo {
    /// One incident object: its row, and its embedded `updates` (the tap nests them) gathered.
    fn incident(&mut self, doc: &Doc, path: &str, rec: &Value, ctx: &SourceContext, out: &mut Out) {
        if let Some(id) = text(rec, "id") {
            self.seen.insert(id);
        }
        match incident::map(rec, ctx.zone) {
            Ok(f) => out.row(Table::Incidents, doc.at(path), f.into_map(), rec),
            Err(e) => out.refuse(doc.at(path), Some(Table::Incidents), e, rec),
        }
        for (i, u) in array(rec, "updates").iter().enumerate() {
            self.updates
                .add(doc, &format!("{path}.updates[{i}]"), u, ctx.zone, out);
        }
    }
}
