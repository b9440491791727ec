//! The Grafana Alerting connector. Accepted shapes, all into the alerts table:
//! - webhook contact-point payloads (`version: "1"`, `orgId`, `state`, `title`, alerts with
//!   `values`/`valueString`/`silenceURL`/`ruleUID`), one per file, one per line, or a JSON array;
//!   read exactly like Alertmanager's (`alertmanager::webhook`): one row per instance across the
//!   run, `fired_at` = `startsAt` (any offset), `resolved_at` = `endsAt` of a resolved alert
//!   (Grafana 9 says `state: "ok"`), `notifications` = firing payloads, `paged` = true.
//!   `DatasourceNoData`/`DatasourceError` alerts keep that alertname as their rule, the title
//!   naming the rule they stand for (`rulename`).
//! - Loki state history (`LokiEntry` lines): per rule instance, →Alerting = `fired_at`,
//!   →Normal after it = `resolved_at`, →Pending before it = the impact start, kept in labels as
//!   `state.pending_at` (the alerts table has no impact column); `paged` = false, 0 notifications
//!   (an evaluation is not a notification). The instant is the Loki entry's timestamp, so it is
//!   read from a Loki query-API response (`data.result[].values[] = [ns, line]`), a Loki push body
//!   (`streams`), `logcli --output=jsonl` lines (`timestamp`, `line`) or Grafana's
//!   `/api/v1/rules/history` DataFrame (`data.values = [[ms], [lines], [stream labels]]`). Bare
//!   lines have no instant: they are accepted, make no row, and a note says so.
//! - Loki notification history (`notify-history-alerts` lines with `startsAt`/`endsAt`, joined by
//!   `uuid` to `notify-history-events` lines): one row per instance, `notifications` = distinct
//!   firing notifications whose delivery did not fail on every attempt, `notify.receiver` and
//!   `notify.integration` in labels.
//!
//! Identity: every shape uses the fingerprint Grafana writes to its state history (the Prometheus
//! signature of the instance labels without private `__x__` labels) and `fired_at`, so a webhook,
//! a notification history and a state history of the same alert meet on one row (merged within a
//! run). The webhook's own fingerprint, which also hashes private labels, is kept as
//! `alert.fingerprint`.

pub(crate) mod history;

use chrono_tz::Tz;
use serde_json::Value;

use super::alertmanager::webhook::{self, Alerts, Flavour};
use super::util::{self, at, text};
use super::{Doc, Input, Out, Source, SourceContext};
use crate::error::{Error, Result};
use crate::model::Table;
use history::{History, LineKind, Place, line_kind};

#[derive(Debug, Default)]
pub struct Grafana {
    alerts: Alerts,
    history: History,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Payload,
    Payloads,
    LokiQuery,
    LokiPush,
    Frame,
    Logcli,
    Line(LineKind),
}

impl Shape {
    fn name(self) -> &'static str {
        match self {
            Shape::Payload => "webhook contact point payload (version 1)",
            Shape::Payloads => "webhook contact point payloads (JSON array)",
            Shape::LokiQuery => "Loki query API response",
            Shape::LokiPush => "Loki push body",
            Shape::Frame => "rules history DataFrame (/api/v1/rules/history)",
            Shape::Logcli => "logcli JSONL lines",
            Shape::Line(LineKind::State) => "Loki state-history lines",
            Shape::Line(_) => "Loki notification-history lines",
        }
    }
}

fn is_payload(v: &Value) -> bool {
    matches!(at(v, "alerts"), Some(Value::Array(_))) && webhook::is_grafana_payload(v)
}

/// A Loki line as JSON: an object, or the JSON text Loki stores.
fn parsed(line: &Value) -> Option<Value> {
    match line {
        Value::String(s) => serde_json::from_str(s).ok(),
        Value::Object(_) => Some(line.clone()),
        _ => None,
    }
}

/// Whether the first line of a Loki envelope is a Grafana history line.
fn history_line(line: Option<&Value>) -> bool {
    line.and_then(parsed)
        .is_some_and(|l| line_kind(&l, false).is_some())
}

fn shape(v: &Value) -> Option<Shape> {
    if let Value::Array(items) = v {
        return items
            .first()
            .filter(|p| is_payload(p))
            .map(|_| Shape::Payloads);
    }
    if is_payload(v) {
        return Some(Shape::Payload);
    }
    if let Some(kind) = line_kind(v, true) {
        return Some(Shape::Line(kind));
    }
    if history_line(at(v, "data.result.0.values.0.1")) {
        return Some(Shape::LokiQuery);
    }
    if history_line(at(v, "streams.0.values.0.1")) {
        return Some(Shape::LokiPush);
    }
    if history_line(at(v, "data.values.1.0")) {
        return Some(Shape::Frame);
    }
    if at(v, "timestamp").is_some() && history_line(at(v, "line")) {
        return Some(Shape::Logcli);
    }
    None
}

impl Source for Grafana {
    fn name(&self) -> &'static str {
        "grafana"
    }

    fn detect(&self, input: &Input) -> Option<&'static str> {
        shape(input.first_json()?).map(Shape::name)
    }

    fn streams(&self) -> bool {
        true
    }

    fn read(&mut self, input: &Input, ctx: &SourceContext, out: &mut Out) -> Result<()> {
        if input.first_json().and_then(shape).is_none() {
            return Err(Error::input(
                &input.path,
                input.docs().first().map(|d| d.line),
                format!(
                    "not a Grafana Alerting export (it looks like {}). Expected a webhook contact point payload (version \"1\"), Loki state-history or notification-history lines, a Loki query API response, or the /api/v1/rules/history DataFrame",
                    input.describe()
                ),
            ));
        }
        let mut timeless = 0;
        input.each_doc(out, |doc, out| {
            match &doc.value {
                Ok(v) => timeless += self.doc(doc, v, ctx, out),
                Err(_) => out.refuse_unparsed(doc, Some("$"), Some(Table::Alerts)),
            }
            Ok(())
        })?;
        if timeless > 0 {
            out.notes.push(format!(
                "{}: {timeless} Grafana state-history line(s) without their Loki timestamp (it is kept beside the line, not in it) made no alert row; export them with the Loki query API (/loki/api/v1/query_range), logcli --output=jsonl, or Grafana's /api/v1/rules/history",
                out.file
            ));
        }
        Ok(())
    }

    fn finish(&mut self, _ctx: &SourceContext, out: &mut Out) -> Result<()> {
        self.history.finish(&mut self.alerts, out);
        self.alerts.emit(self.name(), out)
    }
}

impl Grafana {
    /// Read one document; returns how many state lines came without an instant.
    fn doc(&mut self, doc: &Doc, v: &Value, ctx: &SourceContext, out: &mut Out) -> usize {
        let zone = ctx.zone;
        let mut timeless = 0;
        let items = |x: Option<&Value>| x.and_then(Value::as_array).cloned().unwrap_or_default();
        match shape(v) {
            Some(Shape::Payload) => self.payload(doc, v, "$", zone, out),
            Some(Shape::Payloads) => {
                for (i, p) in items(Some(v)).iter().enumerate() {
                    self.payload(doc, p, &format!("$[{i}]"), zone, out);
                }
            }
            Some(Shape::Line(_)) => {
                let place = Place {
                    doc,
                    path: "$".into(),
                    at: None,
                    stream: None,
                };
                timeless += self.line(v, place, zone, out);
            }
            Some(Shape::LokiQuery | Shape::LokiPush) => {
                let (streams, base) = match at(v, "streams") {
                    Some(s) => (s, "$.streams"),
                    None => (
                        at(v, "data.result").unwrap_or(&Value::Null),
                        "$.data.result",
                    ),
                };
                for (i, s) in items(Some(streams)).iter().enumerate() {
                    for (j, pair) in items(at(s, "values")).iter().enumerate() {
                        let path = format!("{base}[{i}].values[{j}]");
                        let (time, l) = (at(pair, "0"), at(pair, "1"));
                        let Some((instant, l)) = entry(doc, &path, pair, time, l, zone, out) else {
                            continue;
                        };
                        let place = Place {
                            doc,
                            path: format!("{path}[1]"),
                            at: Some(instant),
                            stream: at(s, "stream"),
                        };
                        timeless += self.line(&l, place, zone, out);
                    }
                }
            }
            Some(Shape::Frame) => {
                for (j, l) in items(at(v, "data.values.1")).iter().enumerate() {
                    let path = format!("$.data.values[1][{j}]");
                    let time = at(v, &format!("data.values.0.{j}"));
                    let Some((instant, l)) = entry(doc, &path, l, time, Some(l), zone, out) else {
                        continue;
                    };
                    let place = Place {
                        doc,
                        path,
                        at: Some(instant),
                        stream: at(v, &format!("data.values.2.{j}")),
                    };
                    timeless += self.line(&l, place, zone, out);
                }
            }
            Some(Shape::Logcli) => {
                let (time, l) = (at(v, "timestamp"), at(v, "line"));
                if let Some((instant, l)) = entry(doc, "$", v, time, l, zone, out) {
                    let place = Place {
                        doc,
                        path: "$.line".into(),
                        at: Some(instant),
                        stream: at(v, "labels"),
                    };
                    timeless += self.line(&l, place, zone, out);
                }
            }
            None => out.refuse(
                doc.at("$"),
                Some(Table::Alerts),
                "$: not a Grafana webhook payload, Loki history line or Loki response",
                v,
            ),
        }
        timeless
    }

    fn line(&mut self, l: &Value, place: Place, zone: Tz, out: &mut Out) -> usize {
        usize::from(!self.history.line(l, place, zone, out, &mut self.alerts))
    }

    fn payload(&mut self, doc: &Doc, p: &Value, base: &str, zone: Tz, out: &mut Out) {
        if matches!(at(p, "alerts"), Some(Value::Array(_))) {
            webhook::read_payload(doc, p, base, Flavour::Grafana, zone, out, &mut self.alerts);
        } else {
            let reason = format!("{base}: not a webhook payload (no \"alerts\" array)");
            out.refuse(doc.at(base), Some(Table::Alerts), reason, p);
        }
    }
}

/// The instant and parsed line of one Loki entry, or a refusal.
fn entry(
    doc: &Doc,
    path: &str,
    raw: &Value,
    time: Option<&Value>,
    line: Option<&Value>,
    zone: Tz,
    out: &mut Out,
) -> Option<(i64, Value)> {
    let instant = match time.map(|t| util::instant(t, zone)) {
        Some(Ok(Some(t))) => t,
        Some(Err(e)) => {
            out.refuse(
                doc.at(path),
                Some(Table::Alerts),
                format!("{path}: timestamp: {e}"),
                raw,
            );
            return None;
        }
        _ => {
            out.refuse(
                doc.at(path),
                Some(Table::Alerts),
                format!("{path}: no timestamp"),
                raw,
            );
            return None;
        }
    };
    match line.and_then(parsed) {
        Some(l) => Some((instant, l)),
        None => {
            let what = text(raw, "1")
                .or_else(|| line.map(Value::to_string))
                .unwrap_or_default();
            let reason = format!("{path}: the line is not a JSON object: {what:.80}");
            out.refuse(doc.at(path), Some(Table::Alerts), reason, raw);
            None
        }
    }
}

#[cfg(test)]
mod tests;
