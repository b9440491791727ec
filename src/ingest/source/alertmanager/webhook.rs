//! The webhook-alert logic Alertmanager and Grafana share: reading one payload's `alerts` into
//! sightings, the Prometheus label fingerprint, and the run-wide aggregation of sightings into one
//! alert instance per (fingerprint, `startsAt`), emitted once the whole run has been read.
//!
//! An alert instance is re-sent every `repeat_interval` and on every group change, and its
//! resolution comes in a later payload, so rows can only be made once every file has been seen:
//! `notifications` counts the firing notifications of the instance (a fatigue metric), and
//! `resolved_at` comes from whichever payload reported it resolved.

use std::collections::{BTreeMap, BTreeSet};

use chrono_tz::Tz;
use serde_json::{Map, Value};

use crate::ingest::reader::Location;
use crate::ingest::source::util::{self, Fields, array, at, text};
use crate::ingest::source::{Doc, Emitted, Out};
use crate::model::Table;

/// The 64-bit FNV-1a signature Prometheus (`model.LabelSet.Fingerprint`, `LabelsToSignature`)
/// computes over the sorted label names and values, each followed by a 0xff byte, as 16 hex
/// digits. It is the `fingerprint` Alertmanager >= 0.19 sends and the one Grafana writes to its
/// state history, so computing it for older payloads gives the ids later payloads will carry.
pub(crate) fn fingerprint(labels: &Map<String, Value>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    // A `Map` iterates in key order (serde_json without `preserve_order`); sort to be sure.
    let mut pairs: Vec<(&String, String)> = labels
        .iter()
        .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_string)))
        .collect();
    pairs.sort();
    for (k, v) in pairs {
        for b in k.bytes().chain([0xff]).chain(v.bytes()).chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// Grafana's private labels (`__alert_rule_uid__`) are removed before display and before its
/// state-history fingerprint; a name starting or ending with `__` is private.
pub(crate) fn is_private(name: &str) -> bool {
    name.starts_with("__") || name.ends_with("__")
}

/// What a sighting says about notifying someone.
#[derive(Debug, Clone)]
pub(crate) enum Notice {
    /// A webhook payload: it reached a receiver; each firing payload counts, repeats included.
    Payload,
    /// A notification-history line: counted once per notification id (attempts share the id).
    Keyed(String),
    /// A state-history transition: an evaluation, not a notification.
    Evaluation,
}

/// One report of one alert instance.
#[derive(Debug, Clone)]
pub(crate) struct Sighting {
    pub fingerprint: String,
    pub fired_at: i64,
    pub firing: bool,
    pub resolved_at: Option<i64>,
    /// Instance labels, private ones removed.
    pub labels: Map<String, Value>,
    /// Kept in `labels` under a dotted prefix (`annotation.summary`, `notify.receiver`): label
    /// names cannot contain a dot, so these never collide with a real label.
    pub extra: Map<String, Value>,
    /// The rule and title when the labels do not name them (state history: `ruleTitle`).
    pub rule: Option<String>,
    pub notice: Notice,
}

#[derive(Debug)]
pub(crate) struct Instance {
    file: String,
    loc: Location,
    raw: String,
    pub labels: Map<String, Value>,
    pub extra: Map<String, Value>,
    rule: Option<String>,
    payloads: bool,
    firing_payloads: u32,
    pub keys: BTreeSet<String>,
    firing_keys: BTreeSet<String>,
    resolved_at: Option<i64>,
}

/// Every instance seen in the run, by (fingerprint, fired_at). This is what a streamed archive
/// keeps in memory: it grows with the distinct alert instances, not with the payloads, as a
/// repeat notification or a resolution of a known instance only updates its entry.
#[derive(Debug, Default)]
pub(crate) struct Alerts {
    pub instances: BTreeMap<(String, i64), Instance>,
    /// Notification ids whose every delivery attempt failed: nobody was notified by them.
    pub failed: BTreeSet<String>,
}

impl Alerts {
    pub fn observe(&mut self, s: Sighting, file: &str, loc: Location, raw: &Value) {
        let inst = self
            .instances
            .entry((s.fingerprint, s.fired_at))
            .or_insert_with(|| Instance {
                file: file.to_string(),
                loc,
                raw: util::raw_text(raw),
                labels: Map::new(),
                extra: Map::new(),
                rule: None,
                payloads: false,
                firing_payloads: 0,
                keys: BTreeSet::new(),
                firing_keys: BTreeSet::new(),
                resolved_at: None,
            });
        // Later sightings win: annotations are re-templated on every notification.
        inst.labels.extend(s.labels);
        inst.extra.extend(s.extra);
        if s.rule.is_some() {
            inst.rule = s.rule;
        }
        match s.notice {
            Notice::Payload => {
                inst.payloads = true;
                inst.firing_payloads += u32::from(s.firing);
            }
            Notice::Keyed(k) => {
                if s.firing {
                    inst.firing_keys.insert(k.clone());
                }
                inst.keys.insert(k);
            }
            Notice::Evaluation => {}
        }
        if let Some(r) = s.resolved_at {
            inst.resolved_at = Some(inst.resolved_at.map_or(r, |x| x.max(r)));
        }
    }

    /// One alerts row per instance, in (fingerprint, fired_at) order, handed on as they are made.
    pub fn emit(&mut self, source: &str, out: &mut Out) -> crate::error::Result<()> {
        for ((fp, fired_at), i) in std::mem::take(&mut self.instances) {
            let delivered = |k: &&String| !self.failed.contains(*k);
            let notifications =
                i.firing_payloads as u64 + i.firing_keys.iter().filter(delivered).count() as u64;
            let paged = i.payloads || i.keys.iter().any(|k| delivered(&k));
            let name = |k: &str| i.labels.get(k).and_then(Value::as_str).map(str::to_string);
            let rule = name("alertname").or(i.rule.clone());
            let summary = i.extra.get("annotation.summary").and_then(Value::as_str);
            // Grafana's no-data/error alerts name the rule they stand for in `rulename`.
            let title = match (summary, name("rulename"), rule.as_deref()) {
                (Some(s), _, _) => Some(s.to_string()),
                (None, Some(r), Some(a @ ("DatasourceNoData" | "DatasourceError"))) => {
                    Some(format!("{a}: {r}"))
                }
                (None, _, r) => r.map(str::to_string),
            };
            let mut labels = i.labels.clone();
            labels.extend(i.extra.clone());
            let mut f = Fields::new();
            f.text("source", Some(source))
                .text("rule", rule)
                .text("title", title)
                .text("severity", name("severity"))
                .text("service", name("service").or_else(|| name("job")))
                .text("team", name("team"))
                .text("fingerprint", Some(fp))
                .ts("fired_at", Some(fired_at))
                .ts("resolved_at", i.resolved_at)
                .flag("paged", paged)
                .uint("notifications", Some(notifications))
                .labels("labels", labels)
                .ts(
                    "updated_at",
                    Some(i.resolved_at.unwrap_or(fired_at).max(fired_at)),
                );
            out.rows.push(Emitted {
                file: i.file,
                table: Table::Alerts,
                loc: i.loc,
                fields: f.into_map(),
                raw: i.raw,
            });
            out.drain()?;
        }
        Ok(())
    }
}

/// Which tool sent a payload: Grafana's identity is the fingerprint of its state history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavour {
    Alertmanager,
    Grafana,
}

/// Whether a webhook payload carries Grafana's additions to the Alertmanager shape.
pub(crate) fn is_grafana_payload(p: &Value) -> bool {
    let alert_marks = [
        "values",
        "valueString",
        "silenceURL",
        "dashboardURL",
        "ruleUID",
    ];
    text(p, "version").as_deref() == Some("1")
        || at(p, "orgId").is_some()
        || (at(p, "state").is_some() && at(p, "title").is_some())
        || array(p, "alerts")
            .iter()
            .any(|a| alert_marks.iter().any(|k| at(a, k).is_some()))
}

/// Read the alerts of one payload found at `base` (`$`, or `$[2]` in an array of payloads).
pub(crate) fn read_payload(
    doc: &Doc,
    p: &Value,
    base: &str,
    flavour: Flavour,
    zone: Tz,
    out: &mut Out,
    alerts: &mut Alerts,
) {
    if let Some(n) = util::uint(p, "truncatedAlerts").filter(|n| *n > 0) {
        out.notes.push(format!(
            "{} line {}: the payload says {n} alert(s) were left out by the receiver's max_alerts; they are not in this export",
            out.file, doc.line
        ));
    }
    let mut context = Map::new();
    for (key, col) in [
        ("receiver", "notify.receiver"),
        ("groupKey", "notify.group_key"),
        ("notification_reason", "notify.reason"),
    ] {
        if let Some(v) = text(p, key) {
            context.insert(col.to_string(), Value::String(v));
        }
    }
    for (i, alert) in array(p, "alerts").iter().enumerate() {
        let path = format!("{base}.alerts[{i}]");
        match sighting(alert, p, &path, flavour, zone) {
            Ok(mut s) => {
                let mut extra = context.clone();
                extra.append(&mut s.extra);
                s.extra = extra;
                alerts.observe(s, &out.file, doc.at(path), alert);
            }
            Err(reason) => out.refuse(doc.at(path), Some(Table::Alerts), reason, alert),
        }
    }
}

/// A firing/resolved status: the alert's own, else the payload's (`state: "ok"` in Grafana 9).
fn firing(alert: &Value, payload: &Value, path: &str) -> Result<bool, String> {
    let status = text(alert, "status")
        .or_else(|| text(payload, "status"))
        .or_else(|| text(payload, "state"))
        .unwrap_or_default();
    match status.to_ascii_lowercase().as_str() {
        "firing" | "alerting" => Ok(true),
        "resolved" | "ok" | "normal" => Ok(false),
        "" => Err(format!(
            "{path}: no status; expected \"firing\" or \"resolved\""
        )),
        other => Err(format!(
            "{path}.status: {other:?} is not \"firing\" or \"resolved\""
        )),
    }
}

/// One webhook alert (or notification-history alert line) as a sighting.
pub(crate) fn sighting(
    alert: &Value,
    payload: &Value,
    path: &str,
    flavour: Flavour,
    zone: Tz,
) -> Result<Sighting, String> {
    let all = util::string_map(at(alert, "labels"));
    let labels: Map<String, Value> = all
        .iter()
        .filter(|(k, _)| !is_private(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !labels.contains_key("alertname") {
        return Err(format!(
            "{path}.labels.alertname: missing; every Alertmanager and Grafana alert has one, so this is not a webhook alert"
        ));
    }
    let fired_at = match at(alert, "startsAt") {
        None => {
            return Err(format!(
                "{path}: no startsAt; the alert cannot be placed in time without it"
            ));
        }
        Some(v) => util::instant(v, zone)
            .map_err(|e| format!("{path}.startsAt: {e}"))?
            .ok_or_else(|| format!("{path}.startsAt: empty or zero time"))?,
    };
    let firing = firing(alert, payload, path)?;
    // Before Alertmanager 0.17 a firing alert carried a future endsAt (its resolve timeout):
    // only a resolved alert's endsAt is a resolution.
    let resolved_at = if firing {
        None
    } else {
        let ends = util::instant_at(alert, "endsAt", zone).map_err(|e| format!("{path}.{e}"))?;
        Some(ends.ok_or_else(|| {
            format!("{path}.endsAt: the alert is resolved but has no endsAt, so when it resolved is unknown")
        })?)
    };
    let mut extra = Map::new();
    for (k, v) in util::string_map(at(alert, "annotations")) {
        if !is_private(&k) {
            extra.insert(format!("annotation.{k}"), v);
        }
    }
    let rule_uid = text(alert, "ruleUID").or_else(|| {
        all.get("__alert_rule_uid__")
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    for (col, v) in [
        ("rule.generator_url", text(alert, "generatorURL")),
        ("rule.uid", rule_uid),
        ("rule.dashboard_url", text(alert, "dashboardURL")),
        ("rule.panel_url", text(alert, "panelURL")),
    ] {
        if let Some(v) = v {
            extra.insert(col.to_string(), Value::String(v));
        }
    }
    let fingerprint = match (flavour, text(alert, "fingerprint")) {
        (Flavour::Alertmanager, Some(fp)) => fp,
        (Flavour::Alertmanager, None) => fingerprint(&all),
        (Flavour::Grafana, own) => {
            // Grafana's webhook fingerprint hashes the private labels too; the state history's
            // hashes the visible ones. Using the latter lets all Grafana shapes meet.
            if let Some(own) = own {
                extra.insert("alert.fingerprint".to_string(), Value::String(own));
            }
            fingerprint(&labels)
        }
    };
    Ok(Sighting {
        fingerprint,
        fired_at,
        firing,
        resolved_at,
        labels,
        extra,
        rule: None,
        notice: Notice::Payload,
    })
}
