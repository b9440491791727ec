//! The Statuspage (Atlassian) connector: a status page's incidents and their posted updates.
//!
//! Accepted shapes, all made of the same incident object:
//! - the public page API `GET https://<page>/api/v2/incidents.json` (also `incidents/unresolved.json`,
//!   `scheduled-maintenances.json` and `summary.json`): `{page: {id, name, ...}, incidents: [...]}`;
//! - the manage API `GET https://api.statuspage.io/v1/pages/{page_id}/incidents`: a bare array;
//! - one incident object (`GET /v1/pages/{page_id}/incidents/{incident_id}`);
//! - subscriber webhooks `{meta, page, incident}`, one per file or one per line (NDJSON).
//!   Component-update webhooks (`{meta, page, component_update}`) carry no incident: noted, skipped.
//!
//! Each incident gives one `incidents` row (`source_id` = the incident id, so a webhook and a later
//! page export of the same incident converge) and one `incident_events` row per incident update
//! (`event_id` = `statuspage:<incident id>:<update id>`). Instants, any offset (the public API
//! writes the page's zone, `-06:00`; webhooks write `Z`):
//! - `impact_started_at` = `started_at`, else `created_at`;
//! - `detected_at` = `created_at` (a status page lags internal detection: this is publication);
//! - maintenance is announced ahead: its window opening (the first `in_progress` update, else
//!   `scheduled_for` once it went on to `verifying`/`completed`) is both `impact_started_at` and
//!   `detected_at`; one not yet begun is detected at `created_at` with no impact start;
//! - `mitigated_at` = `monitoring_at`, else the first `monitoring` (maintenance: `verifying`) update;
//! - `resolved_at` = `resolved_at`, else the first `resolved` (maintenance: `completed`) update;
//! - `updated_at` = `updated_at`; event `at` = the update's `created_at` (when it was posted; an
//!   author may back-date `display_at`, which is kept out of the lifecycle).
//!
//! Update status → event kind: `investigating`/`identified` → `status_update` (so `detected_at`
//! stays the incident's `created_at`), `monitoring` → `mitigated`, `resolved` → `resolved`,
//! `postmortem` → `note`; a realtime status posted after a `resolved` one → `reopened`.
//! Maintenance: `scheduled` → `note`, `in_progress` → `impact_started`, `verifying` → `mitigated`,
//! `completed` → `resolved`. The store derives the lifecycle columns from these events.
//!
//! `severity_raw` = `impact_override`, else `impact` (`none`/`minor`/`major`/`critical`; scheduled
//! maintenance says `maintenance`). `none` (posted without customer impact) and `maintenance` are in
//! no severity map, so they are given `severity` = SEV5 directly while `severity_raw` keeps them.
//! `kind` = `maintenance` when `scheduled_for` is set or any status is a scheduled one. `service` = the first component's name (so a component named
//! like a configured service maps to its team); `labels` = components, page id and name,
//! `backfilled: "true"` for incidents entered after the fact (their instants are typed in, not
//! observed), and the raw `impact` when overridden.

mod incident;

use serde_json::Value;

use super::util::{array, at, has_keys};
use super::{Input, Out, Source, SourceContext};
use crate::error::{Error, Result};
use crate::model::Table;
use incident::incident;

const NAME: &str = "statuspage";

/// The connector; it counts the component-update webhooks it skips, to say so once per run.
#[derive(Debug, Default)]
pub struct Statuspage {
    skipped: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    PublicPage,
    ManageList,
    Single,
    Webhook,
    ComponentWebhook,
}

impl Shape {
    fn name(self) -> &'static str {
        match self {
            Shape::PublicPage => "public page API /api/v2/incidents.json",
            Shape::ManageList => "manage API GET /v1/pages/{id}/incidents",
            Shape::Single => "manage API incident object",
            Shape::Webhook => "subscriber webhook (incident)",
            Shape::ComponentWebhook => "subscriber webhook (component update)",
        }
    }
}

/// A Statuspage incident: its updates list is the giveaway no other tool shares.
fn is_incident(v: &Value) -> bool {
    has_keys(v, &["id", "incident_updates"])
        && ["impact", "shortlink", "page_id"]
            .iter()
            .any(|k| has_keys(v, &[k]))
}

fn shape_of(v: &Value) -> Option<Shape> {
    let lists = ["incidents", "scheduled_maintenances"];
    match v {
        Value::Array(a) => a
            .first()
            .filter(|x| is_incident(x))
            .map(|_| Shape::ManageList),
        Value::Object(m) if m.get("page").is_some_and(Value::is_object) => {
            if lists.iter().any(|k| m.get(*k).is_some_and(Value::is_array)) {
                Some(Shape::PublicPage)
            } else if m.contains_key("meta") && m.get("incident").is_some_and(Value::is_object) {
                Some(Shape::Webhook)
            } else if m.contains_key("meta") && m.contains_key("component_update") {
                Some(Shape::ComponentWebhook)
            } else {
                None
            }
        }
        Value::Object(_) if is_incident(v) => Some(Shape::Single),
        _ => None,
    }
}

impl Source for Statuspage {
    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, input: &Input) -> Option<&'static str> {
        let v = input.first_json()?;
        let shape = shape_of(v)?;
        // A webhook is claimed only when its incident has Statuspage's updates list.
        let ours = shape != Shape::Webhook
            || at(v, "incident").is_some_and(|i| has_keys(i, &["incident_updates"]));
        ours.then(|| shape.name())
    }

    fn read(&mut self, input: &Input, ctx: &SourceContext, out: &mut Out) -> Result<()> {
        let docs = input.docs();
        if docs.is_empty() || input.first_json().and_then(shape_of).is_none() {
            return Err(Error::input(
                &input.path,
                docs.first().map(|d| d.line),
                format!(
                    "not a Statuspage export: expected {{page, incidents: [...]}} (GET /api/v2/incidents.json), an array of incidents (GET /v1/pages/{{page_id}}/incidents), one incident with incident_updates, or subscriber webhooks {{meta, page, incident}}; found {}",
                    input.describe()
                ),
            ));
        }
        for doc in docs {
            let v = match &doc.value {
                Ok(v) => v,
                Err(_) => {
                    out.refuse_unparsed(doc, None, None);
                    continue;
                }
            };
            match shape_of(v) {
                Some(Shape::PublicPage) => {
                    let page = at(v, "page");
                    for key in ["incidents", "scheduled_maintenances"] {
                        for (i, inc) in array(v, key).iter().enumerate() {
                            incident(inc, &format!("$.{key}[{i}]"), page, doc, ctx, out);
                        }
                    }
                }
                Some(Shape::ManageList) => {
                    let list = v.as_array().map_or(&[][..], Vec::as_slice);
                    for (i, inc) in list.iter().enumerate() {
                        incident(inc, &format!("$[{i}]"), None, doc, ctx, out);
                    }
                }
                Some(Shape::Single) => incident(v, "$", None, doc, ctx, out),
                Some(Shape::Webhook) => {
                    if let Some(inc) = at(v, "incident") {
                        incident(inc, "$.incident", at(v, "page"), doc, ctx, out);
                    }
                }
                Some(Shape::ComponentWebhook) => {
                    self.skipped
                        .push(format!("{} line {}", input.path.display(), doc.line))
                }
                None => out.refuse(
                    doc.at("$"),
                    Some(Table::Incidents),
                    "not a Statuspage incident, incident list or subscriber webhook",
                    v,
                ),
            }
        }
        Ok(())
    }

    fn finish(&mut self, _ctx: &SourceContext, out: &mut Out) -> Result<()> {
        if let Some(first) = self.skipped.first() {
            out.notes.push(format!(
                "statuspage: {} component-update webhook(s) carry no incident and were skipped (the first: {first})",
                self.skipped.len()
            ));
        }
        self.skipped.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests;
