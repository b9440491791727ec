//! The PagerDuty connector: REST API v2 incidents, alerts and log entries, Analytics raw incidents,
//! and webhooks (v3 events, legacy v2 messages), all converging on one incident per PagerDuty
//! incident id (`source_id` = `PT4KHLK`, `incident_id` = `pagerduty:PT4KHLK`).
//!
//! Accepted shapes (one JSON document per file, or NDJSON of them):
//! - `GET /incidents` pages `{"incidents":[...], limit, offset, more, total}`, a bare array of
//!   incidents, `GET /incidents/{id}` (`{"incident":{...}}`): incidents, their embedded alerts and
//!   their first trigger entry (`rest.rs`);
//! - `GET /incidents/{id}/alerts` pages `{"alerts":[...]}` and one `{"alert":{...}}`: alerts;
//! - `GET /incidents/{id}/log_entries`, `GET /log_entries` pages `{"log_entries":[...]}` and one
//!   `{"log_entry":{...}}`: incident events (`log.rs`);
//! - `POST /analytics/raw/incidents` responses `{"data":[...], "time_zone"}` and
//!   `GET /analytics/raw/incidents/{id}`: incidents (`analytics.rs`);
//! - webhook v3 events, wrapped in `{"event":...}` or bare, and legacy v2 `{"messages":[...]}`:
//!   events, and the incident (`webhook.rs`).
//!
//! Instants: detected = first trigger (REST/Analytics `created_at`, the trigger entry, the
//! `incident.triggered` event); acknowledged = first acknowledgement (log entry, webhook event, or
//! Analytics `created_at + seconds_to_first_ack`); resolved = last resolution (REST `resolved_at`,
//! the last resolve entry/event, Analytics `resolved_at`). Events are emitted with PagerDuty's own
//! ids, and the store derives the incident's lifecycle from them, so a webhook stream and a REST
//! export of the same incident give one incident with the union of their events. Shapes that carry
//! events but no incident object (log entries, v3 webhooks) add a minimal incident row in `finish`
//! (`tracker.rs`) that a REST export of the same incident replaces.

mod analytics;
mod common;
mod log;
mod rest;
mod shape;
mod tracker;
mod webhook;

use std::collections::BTreeMap;

use serde_json::Value;

use self::common::Rec;
use self::shape::{Shape, classify};
use self::tracker::Tracker;
use super::util::array;
use super::{Content, Input, Out, Source, SourceContext};
use crate::error::{Error, Result};

#[derive(Debug, Default)]
pub struct PagerDuty {
    /// Incidents known only from their events, across every file of the run.
    tracker: Tracker,
}

impl Source for PagerDuty {
    fn name(&self) -> &'static str {
        common::NAME
    }

    fn detect(&self, input: &Input) -> Option<&'static str> {
        classify(input.first_json()?).map(Shape::name)
    }

    fn streams(&self) -> bool {
        true
    }

    fn read(&mut self, input: &Input, ctx: &SourceContext, out: &mut Out) -> Result<()> {
        if let Content::Csv { .. } = input.content {
            return Err(not_pagerduty(input, Some(1)));
        }
        let before = out.produced();
        let mut skipped: BTreeMap<String, u64> = BTreeMap::new();
        let mut known = false;
        input.each_doc(out, |doc, out| {
            let v = match &doc.value {
                Ok(v) => v,
                Err(_) => {
                    out.refuse_unparsed(doc, None, None);
                    return Ok(());
                }
            };
            let Some(shape) = classify(v) else {
                if !known {
                    return Err(not_pagerduty(input, Some(doc.line)));
                }
                let reason = "not a PagerDuty record of any accepted shape (a webhook event, an API page or an incident); it was skipped";
                out.refuse(doc.at("$"), None, reason, v);
                return Ok(());
            };
            known = true;
            let rec = |path: String| Rec::new(doc, path);
            match shape {
                Shape::IncidentsPage | Shape::IncidentsArray => {
                    let (list, base) = match shape {
                        Shape::IncidentsPage => (array(v, "incidents"), "$.incidents"),
                        _ => (v.as_array().map_or(&[][..], Vec::as_slice), "$"),
                    };
                    for (i, inc) in list.iter().enumerate() {
                        rest::incident(&rec(format!("{base}[{i}]")), inc, ctx, out, &mut skipped);
                    }
                }
                Shape::Incident => {
                    let (inc, path) = match v.get("incident") {
                        Some(inc) => (inc, "$.incident"),
                        None => (v, "$"),
                    };
                    rest::incident(&rec(path.into()), inc, ctx, out, &mut skipped);
                }
                Shape::AlertsPage => {
                    for (i, a) in array(v, "alerts").iter().enumerate() {
                        rest::alert(&rec(format!("$.alerts[{i}]")), a, None, ctx, out);
                    }
                }
                Shape::Alert => {
                    if let Some(a) = v.get("alert") {
                        rest::alert(&rec("$.alert".into()), a, None, ctx, out);
                    }
                }
                Shape::LogEntries | Shape::LogEntry => {
                    let entries: Vec<(Rec, &Value)> = match v.get("log_entry") {
                        Some(e) if shape == Shape::LogEntry => vec![(rec("$.log_entry".into()), e)],
                        _ => array(v, "log_entries")
                            .iter()
                            .enumerate()
                            .map(|(i, e)| (rec(format!("$.log_entries[{i}]")), e))
                            .collect(),
                    };
                    let t = Some(&mut self.tracker);
                    log::emit_entries(&entries, None, ctx, out, t, &mut skipped);
                }
                Shape::AnalyticsPage | Shape::AnalyticsOne => {
                    let zone = analytics::zone_of(v)
                        .map_err(|e| Error::input(&input.path, Some(doc.line), e))?;
                    if shape == Shape::AnalyticsOne {
                        analytics::record(&rec("$".into()), v, zone, ctx, out);
                    }
                    for (i, r) in array(v, "data").iter().enumerate() {
                        analytics::record(&rec(format!("$.data[{i}]")), r, zone, ctx, out);
                    }
                }
                Shape::WebhookV3 => {
                    let items: Vec<(&Value, String)> = match v {
                        Value::Array(a) => a
                            .iter()
                            .enumerate()
                            .map(|(i, x)| (x, format!("$[{i}]")))
                            .collect(),
                        _ => vec![(v, "$".to_string())],
                    };
                    for (item, base) in items {
                        // The event object: under `event`, or the item itself when sent bare.
                        let (e, path) = match (item.get("event"), webhook::v3_event(item)) {
                            (Some(e), Some(x)) if std::ptr::eq(x, e) => {
                                (e, format!("{base}.event"))
                            }
                            _ => (item, base),
                        };
                        let t = &mut self.tracker;
                        webhook::v3(&rec(path), e, ctx, out, t, &mut skipped);
                    }
                }
                Shape::WebhookV2 => {
                    for (i, m) in array(v, "messages").iter().enumerate() {
                        webhook::v2(&rec(format!("$.messages[{i}]")), m, ctx, out, &mut skipped);
                    }
                }
            }
            Ok(())
        })?;
        if !skipped.is_empty() {
            let what: Vec<String> = skipped.iter().map(|(k, n)| format!("{n} × {k}")).collect();
            out.notes.push(format!(
                "{}: records with nothing to ingest (no incident lifecycle in them): {}",
                input.path.display(),
                what.join(", ")
            ));
        } else if out.produced() == before {
            out.notes.push(format!(
                "{}: a PagerDuty export with no records in it",
                input.path.display()
            ));
        }
        Ok(())
    }

    fn finish(&mut self, _ctx: &SourceContext, out: &mut Out) -> Result<()> {
        self.tracker.emit(out)
    }
}

fn not_pagerduty(input: &Input, line: Option<u64>) -> Error {
    Error::input(
        &input.path,
        line,
        format!(
            "not a PagerDuty export: expected a REST page ({{\"incidents\":[...]}}, {{\"log_entries\":[...]}}, {{\"alerts\":[...]}}), an incident ({{\"incident\":{{...}}}}), an Analytics raw incidents response ({{\"data\":[...], \"time_zone\"}}) or webhook events ({{\"event\":{{...}}}} per line, or v2 {{\"messages\":[...]}}); found {}. Check the file, or use --source auto",
            input.describe()
        ),
    )
}
