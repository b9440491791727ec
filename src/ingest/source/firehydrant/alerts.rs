//! FireHydrant Signals alert webhooks (`resource_type: "signals_alerts"`) as alert rows.
//!
//! The body is `data.alert{id, summary, body, status, decision, starts_at}`: one webhook when the
//! alert opens and one per state change (acknowledged, resolved, ignored), each with the whole
//! alert. They are gathered over the run and the furthest state of each alert is kept (a later
//! webhook wins a tie), so the order files are read in does not matter. The webhook does not say
//! when an alert was acknowledged or resolved, so those instants are filled only when the body has
//! them (`acknowledged_at`, `resolved_at`/`ends_at`); the state itself is kept in labels. A Signals
//! alert is routed to on-call through an escalation policy, so it paged.

use std::collections::BTreeMap;

use chrono_tz::Tz;
use serde_json::{Map, Value};

use super::super::util::{Fields, array, instant_at, raw_text, tags_as_labels, text};
use super::super::{Doc, Emitted, Out};
use super::NAME;
use crate::ingest::reader::Location;
use crate::model::Table;

#[derive(Debug)]
struct Alert {
    rank: u8,
    fields: Fields,
    file: String,
    loc: Location,
    raw: String,
}

#[derive(Debug, Default)]
pub(super) struct Gathered(BTreeMap<String, Alert>);

/// How far along an alert is: a state never goes back, so the furthest one seen is the latest.
fn rank(status: &str) -> u8 {
    match status {
        "acknowledged" => 1,
        "resolved" | "ignored" | "dismissed" => 2,
        _ => 0,
    }
}

fn map(v: &Value, zone: Tz) -> Result<(String, u8, Fields), String> {
    let id = text(v, "id").ok_or("id: missing; every Signals alert has one (a uuid)")?;
    let summary = text(v, "summary")
        .ok_or("summary: missing; the alert's summary is its rule name and title")?;
    let fired = instant_at(v, "starts_at", zone)?
        .ok_or("starts_at: missing; cannot tell when the alert fired")?;
    let status = text(v, "status").unwrap_or_default().to_lowercase();
    let resolved = match instant_at(v, "resolved_at", zone)? {
        Some(t) => Some(t),
        None => instant_at(v, "ends_at", zone)?,
    };
    let tags = tags_as_labels(array(v, "tags"));
    let service = tags
        .get("service")
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut labels = Map::new();
    labels.extend(tags);
    for key in ["status", "decision", "level"] {
        if let Some(x) = text(v, key) {
            labels.insert(key.to_string(), Value::from(x));
        }
    }
    let mut f = Fields::new();
    f.text("alert_id", Some(format!("{NAME}:{id}")))
        .text("source", Some(NAME))
        .text("rule", Some(summary.clone()))
        .text("title", Some(summary))
        .text("team", text(v, "team.name"))
        .text("service", service)
        .text(
            "fingerprint",
            text(v, "idempotency_key").or_else(|| Some(id.clone())),
        )
        .ts("fired_at", Some(fired))
        .ts("acknowledged_at", instant_at(v, "acknowledged_at", zone)?)
        .ts("resolved_at", resolved.filter(|_| rank(&status) == 2))
        .flag("paged", true)
        .labels("labels", labels)
        .ts("updated_at", instant_at(v, "updated_at", zone)?);
    Ok((id, rank(&status), f))
}

impl Gathered {
    /// Read one alert, keeping it if it is at least as far along as the copy already seen.
    pub(super) fn add(&mut self, doc: &Doc, path: &str, v: &Value, zone: Tz, out: &mut Out) {
        match map(v, zone) {
            Ok((id, rank, fields)) => {
                if self.0.get(&id).is_some_and(|old| old.rank > rank) {
                    return;
                }
                let a = Alert {
                    rank,
                    fields,
                    file: out.file.clone(),
                    loc: doc.at(path),
                    raw: raw_text(v),
                };
                self.0.insert(id, a);
            }
            Err(e) => out.refuse(doc.at(path), Some(Table::Alerts), e, v),
        }
    }

    pub(super) fn emit(&mut self, out: &mut Out) {
        for a in std::mem::take(&mut self.0).into_values() {
            out.rows.push(Emitted {
                file: a.file,
                table: Table::Alerts,
                loc: a.loc,
                fields: a.fields.into_map(),
                raw: a.raw,
            });
        }
    }
}
