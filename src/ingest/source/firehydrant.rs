//! The FireHydrant connector: REST incidents and outgoing webhooks (incidents and Signals alerts).
//!
//! Accepted shapes: `GET /v1/incidents` pages (`{"data":[...], "pagination":{...}}`), a bare array
//! of incidents, `GET /v1/incidents/{id}` (a bare incident object, one per line allowed), and
//! webhook bodies `{"data":{"incident":{...}}, "event":{"operation", "resource_type"}}`, one per
//! file or one per line. Webhook timestamps are Ruby's `2023-07-25 13:34:49 UTC`, REST ones RFC
//! 3339; both go through `util::instant`. Webhooks of other resource types (change events, ...)
//! are skipped with a note.
//!
//! Instants come from the milestones, matched by slug because lifecycles are org-configurable:
//! `milestones[]` (`type`, the older list) and `lifecycle_phases[].milestones[]` (`slug`, the newer
//! one, which also lists milestones not reached yet, with a null `occurred_at`). started →
//! impact_started_at (else `started_at`), detected → detected_at (else `created_at`),
//! acknowledged → acknowledged_at, mitigated → mitigated_at, resolved → resolved_at. A milestone's
//! `duration` (a string of seconds since the previous one, `""` for the first) is not read: the
//! instants say the same. Every reached milestone is also an event (`incident.rs`). Signals alert
//! webhooks fill the alerts table (`alerts.rs`). A webhook and a later REST export of one incident
//! converge: both have the incident's uuid as `source_id`, and milestone events are keyed by slug.

mod alerts;
mod incident;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde_json::Value;

use super::util::{at, has_keys, text};
use super::{Doc, Input, Out, Source, SourceContext};
use crate::error::{Error, Result};
use crate::model::Table;

pub(crate) const NAME: &str = "firehydrant";

/// The connector. Incidents and Signals alerts are gathered over the run: a webhook stream reports
/// one incident or alert once per change, and only the newest incident version and the furthest
/// alert state are emitted.
#[derive(Debug, Default)]
pub struct FireHydrant {
    incidents: incident::Latest,
    alerts: alerts::Gathered,
}

fn is_incident(v: &Value) -> bool {
    has_keys(v, &["id"])
        && (has_keys(v, &["current_milestone"])
            || has_keys(v, &["lifecycle_phases"])
            || has_keys(v, &["milestones", "number"]))
}

fn is_webhook(v: &Value) -> bool {
    at(v, "data").is_some_and(Value::is_object)
        && text(v, "event.resource_type").is_some()
        && text(v, "event.operation").is_some()
}

/// The shape of one document, `None` when it is not FireHydrant data.
fn shape(v: &Value) -> Option<&'static str> {
    if is_webhook(v) {
        return Some("webhook events");
    }
    match v {
        Value::Object(m) => match m.get("data") {
            Some(Value::Array(a)) => {
                let empty_page = a.is_empty() && text(v, "pagination.count").is_some();
                (empty_page || a.iter().any(is_incident)).then_some("REST GET /v1/incidents page")
            }
            _ => is_incident(v).then_some("REST GET /v1/incidents/{id}"),
        },
        Value::Array(a) => a.iter().any(is_incident).then_some("incidents array"),
        _ => None,
    }
}

impl Source for FireHydrant {
    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, input: &Input) -> Option<&'static str> {
        shape(input.first_json()?)
    }

    fn read(&mut self, input: &Input, ctx: &SourceContext, out: &mut Out) -> Result<()> {
        if self.detect(input).is_none() {
            let line = input.docs().first().map(|d| d.line);
            return Err(Error::input(
                &input.path,
                line,
                format!(
                    "not a FireHydrant export: expected a REST GET /v1/incidents page ({{\"data\":[...], \"pagination\":{{...}}}}), a GET /v1/incidents/{{id}} object or webhook bodies ({{\"data\":{{\"incident\":{{...}}}}, \"event\":{{...}}}}); found {}. Export with the FireHydrant API, or pick another --source",
                    input.describe()
                ),
            ));
        }
        let mut other: BTreeMap<String, usize> = BTreeMap::new();
        for doc in input.docs() {
            let v = match &doc.value {
                Ok(v) => v,
                Err(_) => {
                    out.refuse_unparsed(doc, None, Some(Table::Incidents));
                    continue;
                }
            };
            if is_webhook(v) {
                self.webhook(doc, v, ctx, out, &mut other);
                continue;
            }
            match v {
                Value::Object(m) => match m.get("data") {
                    Some(Value::Array(a)) => {
                        for (i, x) in a.iter().enumerate() {
                            self.incidents
                                .add(doc, &format!("$.data[{i}]"), x, ctx.zone, out);
                        }
                    }
                    _ if is_incident(v) => self.incidents.add(doc, "$", v, ctx.zone, out),
                    _ => refuse_unknown(doc, v, out),
                },
                Value::Array(a) => {
                    for (i, x) in a.iter().enumerate() {
                        self.incidents
                            .add(doc, &format!("$[{i}]"), x, ctx.zone, out);
                    }
                }
                _ => refuse_unknown(doc, v, out),
            }
        }
        if !other.is_empty() {
            let kinds: Vec<String> = other.iter().map(|(k, n)| format!("{n} {k}")).collect();
            out.notes.push(format!(
                "{}: skipped FireHydrant webhooks that hold no incident or alert data ({})",
                input.path.display(),
                kinds.join(", ")
            ));
        }
        Ok(())
    }

    fn finish(&mut self, _ctx: &SourceContext, out: &mut Out) -> Result<()> {
        self.incidents.emit(out);
        self.alerts.emit(out);
        Ok(())
    }
}

impl FireHydrant {
    fn webhook(
        &mut self,
        doc: &Doc,
        v: &Value,
        ctx: &SourceContext,
        out: &mut Out,
        other: &mut BTreeMap<String, usize>,
    ) {
        let kind = text(v, "event.resource_type")
            .unwrap_or_default()
            .to_lowercase();
        match kind.as_str() {
            "incident" | "incidents" => match at(v, "data.incident") {
                Some(i) => self.incidents.add(doc, "$.data.incident", i, ctx.zone, out),
                None => out.refuse(
                    doc.at("$.data"),
                    Some(Table::Incidents),
                    "data.incident: missing; an incident webhook carries the incident there",
                    v,
                ),
            },
            "signals_alerts" | "signals_alert" => match at(v, "data.alert") {
                Some(a) => self.alerts.add(doc, "$.data.alert", a, ctx.zone, out),
                None => out.refuse(
                    doc.at("$.data"),
                    Some(Table::Alerts),
                    "data.alert: missing; a Signals webhook carries the alert there",
                    v,
                ),
            },
            _ => *other.entry(kind).or_default() += 1,
        }
    }
}

fn refuse_unknown(doc: &Doc, v: &Value, out: &mut Out) {
    out.refuse(
        doc.at("$"),
        Some(Table::Incidents),
        "not a FireHydrant incident, incidents page or webhook body; this line does not belong in a FireHydrant export",
        v,
    );
}
