//! Opsgenie alerts gathered over a run: the newest REST version of each alert, its webhook events
//! (`webhook.rs`) and its log lines, turned into one row per alert in `emit`.
//!
//! Why gather: the webhook events of one alert must merge into one row, and an alert's logs (which
//! name no alert in their body) only complete a row built from the alert itself. The row with the
//! newest `updated_at` of the REST and webhook versions is emitted (REST on a tie, being fuller);
//! ack and close log lines fill the instants it lacks.

use std::collections::BTreeMap;

use serde_json::Value;

use super::super::util::{Fields, array, at, instant_at, text, uint};
use super::super::{Doc, Out, Refused, SourceContext};
use super::{NAME, Origin, actor, add_millis, label, labels_of, priority, team_of, webhook};
use crate::ingest::reader::Location;
use crate::model::Table;
use crate::model::columns::*;

/// Everything the run saw of one alert.
#[derive(Debug, Default)]
pub(super) struct Gathered {
    rest: Option<Version>,
    pub(super) events: Vec<webhook::Event>,
    logs: Vec<LogLine>,
    log_origin: Option<Origin>,
}

/// One complete row of an alert and the instant that versions it.
#[derive(Debug)]
pub(super) struct Version {
    pub(super) updated: i64,
    pub(super) fields: Fields,
    pub(super) origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum LogKind {
    Created,
    Acknowledged,
    Closed,
    Other,
}

#[derive(Debug)]
struct LogLine {
    at: i64,
    kind: LogKind,
    owner: Option<String>,
}

/// What an alert log line records, from its free text ("Alert acknowledged via web").
fn log_kind(line: &str) -> LogKind {
    let l = line.to_ascii_lowercase();
    if l.contains("unacknowledged") {
        LogKind::Other
    } else if l.contains("acknowledged") {
        LogKind::Acknowledged
    } else if l.contains("closed") {
        LogKind::Closed
    } else if l.contains("created") {
        LogKind::Created
    } else {
        LogKind::Other
    }
}

fn path_of(loc: &Location) -> String {
    loc.json_path.clone().unwrap_or_else(|| "$".into())
}

/// One alert of `GET /v2/alerts` or `GET /v2/alerts/{id}`; the newest version per id is kept.
pub(super) fn rest(
    all: &mut BTreeMap<String, Gathered>,
    a: &Value,
    loc: Location,
    ctx: &SourceContext,
    out: &mut Out,
) {
    let path = path_of(&loc);
    let refuse = |out: &mut Out, reason: String| {
        out.refuse(
            loc.clone(),
            Some(Table::Alerts),
            format!("{path}.{reason}"),
            a,
        )
    };
    let Some(id) = text(a, "id") else {
        return refuse(out, "id: missing; every Opsgenie alert has an id".into());
    };
    let (created, updated) = match (
        instant_at(a, "createdAt", ctx.zone),
        instant_at(a, "updatedAt", ctx.zone),
    ) {
        (Ok(Some(c)), Ok(u)) => (c, u),
        (Ok(None), _) => {
            return refuse(
                out,
                "createdAt: missing; the alert has no creation time".into(),
            );
        }
        (Err(e), _) | (_, Err(e)) => return refuse(out, format!("{e}; expected an RFC 3339 time")),
    };
    let integration = text(a, "integration.name");
    let labels = labels_of(a, integration.clone());
    let closed = text(a, "status").is_some_and(|s| s.eq_ignore_ascii_case("closed"));
    let ack_ms = uint(a, "report.ackTime");
    let acked = ack_ms.is_some() || at(a, "acknowledged") == Some(&Value::Bool(true));
    let resolved = closed
        .then(|| uint(a, "report.closeTime").and_then(|ms| add_millis(created, ms)))
        .flatten()
        .or(updated.filter(|_| closed));

    let mut f = Fields::new();
    f.text(ALERT_ID, Some(format!("{NAME}:{id}")))
        .text(SOURCE, Some(NAME))
        .text(RULE, text(a, "alias").or_else(|| text(a, "message")))
        .text(TITLE, text(a, "message"))
        .text(TEAM, team_of(a, &labels))
        .text(SERVICE, label(&labels, "service"))
        .text(SEVERITY, priority(a))
        .text(FINGERPRINT, text(a, "alias"))
        .ts(FIRED_AT, Some(created))
        .ts(
            ACKNOWLEDGED_AT,
            ack_ms.and_then(|ms| add_millis(created, ms)),
        )
        .text(
            ACKNOWLEDGED_BY,
            actor(text(a, "report.acknowledgedBy"), integration.as_deref()),
        )
        .ts(RESOLVED_AT, resolved)
        .text(
            RESOLVED_BY,
            actor(text(a, "report.closedBy"), integration.as_deref()).filter(|_| closed),
        )
        .flag(PAGED, !array(a, "responders").is_empty() || acked)
        .uint(NOTIFICATIONS, uint(a, "count"))
        .labels(LABELS, labels)
        .ts(UPDATED_AT, updated);
    let version = Version {
        updated: updated.unwrap_or(created),
        fields: f,
        origin: Origin::new(out, loc, a),
    };
    let g = all.entry(id).or_default();
    if g.rest.as_ref().is_none_or(|r| version.updated >= r.updated) {
        g.rest = Some(version);
    }
}

/// The entries of `GET /v2/alerts/{id}/logs`, for the alert `id` the file is named after.
pub(super) fn logs(
    all: &mut BTreeMap<String, Gathered>,
    id: &str,
    v: &Value,
    doc: &Doc,
    ctx: &SourceContext,
    out: &mut Out,
) {
    let g = all.entry(id.to_string()).or_default();
    for (i, l) in array(v, "data").iter().enumerate() {
        let path = format!("$.data[{i}]");
        let reason = match instant_at(l, "createdAt", ctx.zone) {
            Ok(Some(t)) => {
                g.logs.push(LogLine {
                    at: t,
                    kind: log_kind(&text(l, "log").unwrap_or_default()),
                    owner: text(l, "owner"),
                });
                continue;
            }
            Ok(None) => "createdAt: missing; the log entry has no time".to_string(),
            Err(e) => e,
        };
        out.refuse(
            doc.at(&path),
            Some(Table::Alerts),
            format!("{path}.{reason}"),
            l,
        );
    }
    if g.log_origin.is_none() {
        g.log_origin = Some(Origin::new(out, doc.at("$.data"), v));
    }
}

/// Fill the ack and close instants a row lacks from its log lines: first ack, last close.
fn complete(f: &mut Fields, logs: &[LogLine]) {
    let of = |k: LogKind| logs.iter().filter(move |l| l.kind == k);
    if f.get(ACKNOWLEDGED_AT).is_none()
        && let Some(l) = of(LogKind::Acknowledged).min_by_key(|l| l.at)
    {
        f.ts(ACKNOWLEDGED_AT, Some(l.at))
            .text(ACKNOWLEDGED_BY, actor(l.owner.clone(), None))
            .flag(PAGED, true);
    }
    if f.get(RESOLVED_AT).is_none()
        && let Some(l) = of(LogKind::Closed).max_by_key(|l| l.at)
    {
        f.ts(RESOLVED_AT, Some(l.at))
            .text(RESOLVED_BY, actor(l.owner.clone(), None));
    }
}

/// A row for an alert seen only through its logs: a placeholder title, versioned at its oldest
/// instant so any real export of the alert replaces it.
fn from_logs(id: &str, logs: &[LogLine]) -> Option<Fields> {
    let oldest = logs.iter().map(|l| l.at).min()?;
    let fired = logs
        .iter()
        .filter(|l| l.kind == LogKind::Created)
        .map(|l| l.at)
        .min()
        .unwrap_or(oldest);
    let mut f = Fields::new();
    f.text(ALERT_ID, Some(format!("{NAME}:{id}")))
        .text(SOURCE, Some(NAME))
        .text(RULE, Some(format!("Opsgenie alert {id}")))
        .ts(FIRED_AT, Some(fired))
        .flag(PAGED, false)
        .ts(UPDATED_AT, Some(oldest));
    Some(f)
}

/// One row per gathered alert, handed on as they are made.
pub(super) fn emit(all: BTreeMap<String, Gathered>, out: &mut Out) -> crate::error::Result<()> {
    let mut placeholders = 0;
    for (id, g) in all {
        let hook = match webhook::fold(&id, &g.events) {
            Some(Err((origin, reason))) => {
                out.refused.push(Refused {
                    file: origin.file,
                    loc: origin.loc,
                    table: Some(Table::Alerts),
                    reason,
                    raw: origin.raw,
                });
                None
            }
            Some(Ok(v)) => Some(v),
            None => None,
        };
        let chosen = match (g.rest, hook) {
            (Some(r), Some(h)) if h.updated > r.updated => Some(h),
            (Some(r), _) => Some(r),
            (None, h) => h,
        };
        let (mut fields, origin) = match (chosen, g.log_origin) {
            (Some(v), _) => (v.fields, v.origin),
            (None, Some(origin)) => match from_logs(&id, &g.logs) {
                Some(f) => {
                    placeholders += 1;
                    (f, origin)
                }
                None => continue,
            },
            (None, None) => continue,
        };
        complete(&mut fields, &g.logs);
        out.rows.push(origin.emit(Table::Alerts, fields.into_map()));
        out.drain()?;
    }
    if placeholders > 0 {
        out.notes.push(format!(
            "opsgenie: {placeholders} alert(s) were seen only through their logs and were stored with a placeholder title \"Opsgenie alert <id>\"; ingest GET /v2/alerts for them to fill in title, priority and team"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::source::opsgenie::Opsgenie;
    use crate::ingest::source::{Input, Source};
    use std::path::Path;

    fn run(files: &[(&str, &str)]) -> Out<'static> {
        let ctx = SourceContext {
            zone: chrono_tz::Tz::UTC,
            mapping: None,
        };
        let mut src = Opsgenie::default();
        let mut out = Out::default();
        for (name, text) in files {
            let input = Input::parse(Path::new(name), text).unwrap();
            out.file = name.to_string();
            src.read(&input, &ctx, &mut out).unwrap();
        }
        src.finish(&ctx, &mut out).unwrap();
        out
    }

    fn get(out: &Out, col: &str) -> Vec<String> {
        out.rows
            .iter()
            .map(|r| {
                r.fields.get(col).map_or("-".into(), |v| {
                    v.as_str().map_or(v.to_string(), str::to_string)
                })
            })
            .collect()
    }

    const ALERT: &str = r#"{"data":{"id":"a1","tinyId":"7","alias":"db-lag","message":"Replica lag high",
      "status":"closed","acknowledged":true,"count":4,"priority":"P2","createdAt":"2026-06-01T10:00:00.000Z",
      "updatedAt":"2026-06-01T11:00:00.000Z","tags":["env:prod","service:ledger"],
      "responders":[{"type":"user","id":"u1"},{"type":"team","id":"t1","name":"payments-oncall"}],
      "integration":{"id":"i","name":"Datadog","type":"Datadog"},
      "report":{"ackTime":15702,"closeTime":60503,"acknowledgedBy":"ana@example.com","closedBy":"Datadog"}}}"#;

    #[test]
    fn report_durations_are_milliseconds_after_created_at() {
        let out = run(&[("get.json", ALERT)]);
        assert!(out.refused.is_empty(), "{:?}", out.refused);
        assert_eq!(get(&out, ACKNOWLEDGED_AT), ["2026-06-01T10:00:15.702000Z"]);
        assert_eq!(get(&out, RESOLVED_AT), ["2026-06-01T10:01:00.503000Z"]);
        assert_eq!(get(&out, ACKNOWLEDGED_BY), ["ana@example.com"]);
        // Closed by its own integration: the monitoring system resolved it.
        assert_eq!(get(&out, RESOLVED_BY), ["auto"]);
        assert_eq!(get(&out, TEAM), ["payments-oncall"]);
        assert_eq!(get(&out, SERVICE), ["ledger"]);
        assert_eq!(get(&out, NOTIFICATIONS), ["4"]);
        assert_eq!(get(&out, PAGED), ["true"]);
    }

    #[test]
    fn log_lines_fill_what_the_alert_lacks_and_alone_give_a_placeholder() {
        let open = r#"{"data":[{"id":"a2","alias":"disk","message":"Disk full","status":"open",
          "acknowledged":false,"count":1,"createdAt":"2026-06-02T10:00:00Z","updatedAt":"2026-06-02T10:00:00Z"}]}"#;
        let logs = r#"{"data":[
          {"log":"Alert closed via API","type":"system","owner":"System","createdAt":"2026-06-02T10:30:00Z","offset":"3"},
          {"log":"Alert acknowledged via web","type":"system","owner":"bo@example.com","createdAt":"2026-06-02T10:05:00Z","offset":"2"},
          {"log":"Alert created via API","type":"system","owner":"System","createdAt":"2026-06-02T10:00:00Z","offset":"1"}]}"#;
        let out = run(&[
            ("list.json", open),
            ("a2.logs.json", logs),
            ("a3.logs.json", logs),
        ]);
        assert!(out.refused.is_empty(), "{:?}", out.refused);
        assert_eq!(get(&out, ALERT_ID), ["opsgenie:a2", "opsgenie:a3"]);
        assert_eq!(get(&out, RULE), ["disk", "Opsgenie alert a3"]);
        assert_eq!(
            get(&out, ACKNOWLEDGED_BY),
            ["bo@example.com", "bo@example.com"]
        );
        assert_eq!(get(&out, RESOLVED_BY), ["auto", "auto"]);
        assert_eq!(get(&out, PAGED), ["true", "true"]);
        assert_eq!(
            get(&out, UPDATED_AT),
            ["2026-06-02T10:00:00.000000Z", "2026-06-02T10:00:00.000000Z"]
        );
        assert_eq!(out.notes.len(), 1);
    }

    #[test]
    fn overlapping_pages_keep_the_newest_version() {
        let page = |updated: &str, msg: &str| {
            format!(
                r#"{{"data":[{{"id":"a1","alias":"x","message":"{msg}","createdAt":"2026-06-01T10:00:00Z","updatedAt":"{updated}"}}]}}"#
            )
        };
        let newer = page("2026-06-01T12:00:00Z", "new");
        let older = page("2026-06-01T11:00:00Z", "old");
        let out = run(&[("p1.json", &newer), ("p2.json", &older)]);
        assert_eq!(get(&out, TITLE), ["new"]);
        assert_eq!(get(&out, PAGED), ["false"]);
        assert_eq!(out.rows[0].file, "p1.json");
    }

    #[test]
    fn bad_alerts_are_refused_with_their_path() {
        let out = run(&[(
            "list.json",
            r#"{"data":[{"alias":"x","createdAt":"2026-06-01T10:00:00Z"},
                {"id":"b","alias":"y","createdAt":"last tuesday"}]}"#,
        )]);
        let reasons: Vec<&str> = out.refused.iter().map(|r| r.reason.as_str()).collect();
        assert_eq!(reasons.len(), 2);
        assert!(
            reasons[0].starts_with("$.data[0].id: missing"),
            "{reasons:?}"
        );
        assert!(
            reasons[1].starts_with("$.data[1].createdAt: "),
            "{reasons:?}"
        );
        assert!(out.rows.is_empty());
    }
}
