//! Opsgenie outgoing webhook events: `{action, alert: {alertId, ...}, source, integrationName}`.
//!
//! Each event is gathered under its `alertId`; `fold` merges the events of one alert, oldest
//! first, into one row. Quirks: `alert.createdAt` is epoch milliseconds, `alert.updatedAt` epoch
//! nanoseconds (19 digits, beyond f64's exact range, read as integers by `util::instant`), and
//! `alert.priority` an integer (`3`, where the REST API says `"P3"`).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::super::util::{Fields, array, at, instant_at, text};
use super::super::{Doc, Out, SourceContext};
use super::alerts::{Gathered, Version};
use super::{NAME, Origin, actor, label, labels_of, priority, team_of};
use crate::model::Table;
use crate::model::columns::*;

/// Actions that involve a human responder: the alert notified someone.
const PAGING: [&str; 9] = [
    "acknowledge",
    "unacknowledge",
    "escalate",
    "escalatetonext",
    "assignownership",
    "takeownership",
    "addrecipient",
    "addteam",
    "addresponder",
];

/// One webhook event, kept until the run ends.
#[derive(Debug)]
pub(super) struct Event {
    /// When it happened: `alert.updatedAt`, else `alert.createdAt`.
    at: i64,
    created: Option<i64>,
    action: String,
    alert: Value,
    integration: Option<String>,
    origin: Origin,
}

/// Gather one webhook document.
pub(super) fn event(
    all: &mut BTreeMap<String, Gathered>,
    v: &Value,
    doc: &Doc,
    ctx: &SourceContext,
    out: &mut Out,
) {
    let refuse =
        |out: &mut Out, reason: String| out.refuse(doc.at("$"), Some(Table::Alerts), reason, v);
    let alert = at(v, "alert").cloned().unwrap_or(Value::Null);
    let Some(id) = text(&alert, "alertId") else {
        return refuse(
            out,
            "alert.alertId: missing; cannot tell which alert the event is about".into(),
        );
    };
    let Some(action) = text(v, "action") else {
        return refuse(
            out,
            "action: missing; expected Create, Acknowledge, Close, ...".into(),
        );
    };
    let (created, updated) = match (
        instant_at(&alert, "createdAt", ctx.zone),
        instant_at(&alert, "updatedAt", ctx.zone),
    ) {
        (Ok(c), Ok(u)) => (c, u),
        (Err(e), _) | (_, Err(e)) => {
            return refuse(
                out,
                format!("alert.{e}; expected epoch milliseconds or nanoseconds"),
            );
        }
    };
    let Some(when) = updated.or(created) else {
        return refuse(
            out,
            "alert.updatedAt: missing, and no alert.createdAt either; the event has no time".into(),
        );
    };
    let ev = Event {
        at: when,
        created,
        action: action.to_ascii_lowercase(),
        integration: text(v, "integrationName"),
        origin: Origin::new(out, doc.at("$"), v),
        alert,
    };
    all.entry(id).or_default().events.push(ev);
}

/// The row the events of one alert add up to; `None` without events, `Err` (where and why) when
/// no event tells when the alert was created.
pub(super) fn fold(id: &str, events: &[Event]) -> Option<Result<Version, (Origin, String)>> {
    let mut evs: Vec<&Event> = events.iter().collect();
    // Files are read in name order, not event order; the event instants put them back in order.
    evs.sort_by_key(|e| e.at);
    let first = evs.first()?;
    let last = evs.last()?;
    let fired = evs
        .iter()
        .find(|e| e.action == "create")
        .and_then(|e| e.created)
        .or_else(|| evs.iter().find_map(|e| e.created));
    let Some(fired) = fired else {
        let reason = format!(
            "alert.createdAt: missing in every webhook event of alert {id}; the alert has no creation time"
        );
        return Some(Err((first.origin.clone(), reason)));
    };

    let mut labels = Map::new();
    let (mut title, mut alias, mut team, mut severity) = (None, None, None, None);
    let (mut acked, mut acked_by, mut closed, mut closed_by) = (None, None, None, None);
    let mut paged = false;
    for e in &evs {
        let a = &e.alert;
        labels.extend(labels_of(a, e.integration.clone()));
        title = text(a, "message").or(title);
        alias = text(a, "alias").or(alias);
        team = team_of(a, &labels).or(team);
        severity = priority(a).or(severity);
        paged |= !array(a, "recipients").is_empty()
            || !array(a, "teams").is_empty()
            || !array(a, "responders").is_empty()
            || PAGING.contains(&e.action.as_str());
        let who = actor(text(a, "username"), None);
        match e.action.as_str() {
            // The first acknowledgement counts; an unacknowledge does not undo that it happened.
            "acknowledge" if acked.is_none() => (acked, acked_by) = (Some(e.at), who),
            "close" => (closed, closed_by) = (Some(e.at), who),
            _ => {}
        }
    }
    let mut f = Fields::new();
    f.text(ALERT_ID, Some(format!("{NAME}:{id}")))
        .text(SOURCE, Some(NAME))
        .text(RULE, alias.clone().or(title.clone()))
        .text(TITLE, title)
        .text(TEAM, team)
        .text(SERVICE, label(&labels, "service"))
        .text(SEVERITY, severity)
        .text(FINGERPRINT, alias)
        .ts(FIRED_AT, Some(fired))
        .ts(ACKNOWLEDGED_AT, acked)
        .text(ACKNOWLEDGED_BY, acked_by)
        .ts(RESOLVED_AT, closed)
        .text(RESOLVED_BY, closed_by)
        .flag(PAGED, paged)
        .labels(LABELS, labels)
        .ts(UPDATED_AT, Some(last.at));
    Some(Ok(Version {
        updated: last.at,
        fields: f,
        origin: last.origin.clone(),
    }))
}

#[cfg(test)]
mod tests {
    use crate::ingest::source::opsgenie::Opsgenie;
    use crate::ingest::source::{Input, Out, Source, SourceContext};
    use std::path::Path;

    fn run(name: &str, text: &str) -> Out<'static> {
        let ctx = SourceContext {
            zone: chrono_tz::Tz::UTC,
            mapping: None,
        };
        let mut src = Opsgenie::default();
        let mut out = Out::default();
        let input = Input::parse(Path::new(name), text).unwrap();
        src.read(&input, &ctx, &mut out).unwrap();
        src.finish(&ctx, &mut out).unwrap();
        out
    }

    const STREAM: &str = concat!(
        r#"{"action":"Close","alert":{"alertId":"w1","alias":"cpu","message":"CPU high","createdAt":1780308000000,"updatedAt":1780308900123456789,"username":"System","tags":[]}}"#,
        "\n",
        r#"{"action":"Create","alert":{"alertId":"w1","alias":"cpu","message":"CPU high","createdAt":1780308000000,"updatedAt":1780308000000000000,"priority":2,"teams":["search"],"tags":["service:indexer"]}}"#,
        "\n",
        r#"{"action":"Acknowledge","alert":{"alertId":"w1","alias":"cpu","message":"CPU high","createdAt":1780308000000,"updatedAt":1780308120999999999,"username":"cy@example.com"}}"#,
        "\n",
        r#"{"action":"Acknowledge","alert":{"alertId":"w1","createdAt":1780308000000,"updatedAt":1780308300000000001,"username":"dee@example.com"}}"#,
        "\n"
    );

    #[test]
    fn events_of_one_alert_merge_in_time_order_with_exact_nanosecond_instants() {
        let out = run("hooks.ndjson", STREAM);
        assert!(out.refused.is_empty(), "{:?}", out.refused);
        assert_eq!(out.rows.len(), 1);
        let f = &out.rows[0].fields;
        let s = |c: &str| {
            f.get(c)
                .map(|v| v.as_str().map_or(v.to_string(), str::to_string))
        };
        assert_eq!(
            s("fired_at").as_deref(),
            Some("2026-06-01T10:00:00.000000Z")
        );
        // 1780308120999999999 ns: truncated to microseconds, never rounded through f64.
        assert_eq!(
            s("acknowledged_at").as_deref(),
            Some("2026-06-01T10:02:00.999999Z")
        );
        assert_eq!(s("acknowledged_by").as_deref(), Some("cy@example.com"));
        assert_eq!(
            s("resolved_at").as_deref(),
            Some("2026-06-01T10:15:00.123456Z")
        );
        assert_eq!(s("resolved_by").as_deref(), Some("auto"));
        assert_eq!(
            s("updated_at").as_deref(),
            Some("2026-06-01T10:15:00.123456Z")
        );
        assert_eq!(s("severity").as_deref(), Some("P2"));
        assert_eq!(s("team").as_deref(), Some("search"));
        assert_eq!(s("service").as_deref(), Some("indexer"));
        assert_eq!(s("paged").as_deref(), Some("true"));
        assert_eq!(
            out.rows[0].loc.line, 1,
            "the row points at the latest event"
        );
    }

    #[test]
    fn bad_events_are_refused_and_an_alert_without_creation_time_too() {
        let out = run(
            "hooks.ndjson",
            concat!(
                r#"{"action":"Create","alert":{"message":"no id","createdAt":1780308000000}}"#,
                "\n",
                r#"{"action":"Close","alert":{"alertId":"x","updatedAt":"whenever"}}"#,
                "\n",
                "{not json\n",
                r#"{"action":"Close","alert":{"alertId":"y","updatedAt":1780308900123456789}}"#,
                "\n",
            ),
        );
        let got: Vec<(u64, &str)> = out
            .refused
            .iter()
            .map(|r| (r.loc.line, r.reason.as_str()))
            .collect();
        assert_eq!(got.len(), 4, "{got:?}");
        assert!(got[0].1.starts_with("alert.alertId: missing"));
        assert!(got[1].1.starts_with("alert.updatedAt: "), "{got:?}");
        assert_eq!(got[2].0, 3);
        assert!(got[2].1.starts_with("invalid JSON"));
        assert_eq!(got[3].0, 4);
        assert!(
            got[3]
                .1
                .starts_with("alert.createdAt: missing in every webhook event of alert y")
        );
        assert!(out.rows.is_empty());
    }
}
