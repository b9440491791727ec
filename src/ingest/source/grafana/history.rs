//! Grafana's alert history in Loki: state-history lines (`LokiEntry`, `schemaVersion: 1`, one per
//! rule-instance state transition) and notification-history lines (`schemaVersion: 2`, streams
//! `notify-history-events` and `notify-history-alerts`, joined by `uuid`).
//!
//! A state-history line does not hold its instant: Loki keeps it beside the line (the evaluation
//! time, in ns). Transitions are gathered across the run and replayed per rule instance in time
//! order, since a query answers newest first and an episode may span files.

use std::collections::{BTreeMap, BTreeSet};

use chrono_tz::Tz;
use serde_json::{Map, Value};

use crate::ingest::reader::Location;
use crate::ingest::source::alertmanager::webhook::{
    self, Alerts, Flavour, Notice, Sighting, is_private,
};
use crate::ingest::source::util::{self, at, has_keys, text};
use crate::ingest::source::{Doc, Out};
use crate::model::Table;

/// What a history line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineKind {
    State,
    NotifyAlert,
    NotifyEvent,
}

/// The kind of a line; `strict` asks for the `schemaVersion` a bare line must show to be claimed.
pub(crate) fn line_kind(v: &Value, strict: bool) -> Option<LineKind> {
    if strict && at(v, "schemaVersion").is_none() {
        return None;
    }
    if has_keys(v, &["previous", "current"]) {
        Some(LineKind::State)
    } else if has_keys(v, &["uuid"]) && (has_keys(v, &["alertIndex"]) || has_keys(v, &["startsAt"]))
    {
        Some(LineKind::NotifyAlert)
    } else if has_keys(v, &["uuid"])
        && ["receiver", "integration", "alertCount"]
            .iter()
            .any(|k| has_keys(v, &[k]))
    {
        Some(LineKind::NotifyEvent)
    } else {
        None
    }
}

/// A formatted Grafana state (`"Alerting (NoData)"`, fixtures' `"firing"`), reason dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Normal,
    Pending,
    Alerting,
    /// NoData, Error, Recovering and names of later releases: tolerated, they move no instant.
    Other,
}

fn state(s: &str) -> State {
    let name = s.split('(').next().unwrap_or_default().trim();
    match name.to_ascii_lowercase().as_str() {
        "normal" | "inactive" => State::Normal,
        "pending" => State::Pending,
        "alerting" | "firing" => State::Alerting,
        _ => State::Other,
    }
}

#[derive(Debug)]
struct Transition {
    key: (String, String),
    at: i64,
    seq: usize,
    previous: State,
    current: State,
    text: (String, String),
    line: Value,
    stream: Map<String, Value>,
    file: String,
    loc: Location,
}

#[derive(Debug)]
struct Attempt {
    receiver: Option<String>,
    integration: Option<String>,
    failed: bool,
}

/// Kept to the end of the run. Rows come from each instance's transitions in time order across
/// every file (an export is not sorted), so every state-history transition is held, line
/// included: a streamed state-history archive still grows in memory with its transitions (much
/// less than loaded whole, without the file's text and documents), unlike the webhook shapes,
/// whose state grows with alert instances. Delivery attempts are held per notification id.
#[derive(Debug, Default)]
pub(crate) struct History {
    transitions: Vec<Transition>,
    attempts: BTreeMap<String, Vec<Attempt>>,
}

/// Where a line sits and what its envelope says about it.
pub(crate) struct Place<'a> {
    pub doc: &'a Doc,
    pub path: String,
    /// The Loki entry's instant, when the export kept it.
    pub at: Option<i64>,
    pub stream: Option<&'a Value>,
}

impl History {
    /// Read one line. `Ok(false)` for a state-history line that came without its instant, which
    /// cannot make a row and is counted for a note rather than refused: the export lost it.
    pub fn line(
        &mut self,
        line: &Value,
        place: Place,
        zone: Tz,
        out: &mut Out,
        alerts: &mut Alerts,
    ) -> bool {
        let path = place.path.as_str();
        match line_kind(line, false) {
            Some(LineKind::State) => {
                let Some(at) = place.at else { return false };
                match transition(line, path) {
                    Ok((key, previous, current, text)) => self.transitions.push(Transition {
                        key,
                        at,
                        seq: self.transitions.len(),
                        previous,
                        current,
                        text,
                        line: line.clone(),
                        stream: util::string_map(place.stream),
                        file: out.file.clone(),
                        loc: place.doc.at(path),
                    }),
                    Err(e) => out.refuse(place.doc.at(path), Some(Table::Alerts), e, line),
                }
            }
            Some(LineKind::NotifyAlert) => {
                let read = text(line, "uuid")
                    .ok_or_else(|| format!("{path}.uuid: missing"))
                    .and_then(|uuid| {
                        let mut s = webhook::sighting(line, line, path, Flavour::Grafana, zone)?;
                        s.notice = Notice::Keyed(uuid);
                        Ok(s)
                    });
                match read {
                    Ok(s) => alerts.observe(s, &out.file, place.doc.at(path), line),
                    Err(e) => out.refuse(place.doc.at(path), Some(Table::Alerts), e, line),
                }
            }
            Some(LineKind::NotifyEvent) => match text(line, "uuid") {
                Some(uuid) => self.attempts.entry(uuid).or_default().push(Attempt {
                    receiver: text(line, "receiver"),
                    integration: text(line, "integration"),
                    failed: text(line, "error").is_some(),
                }),
                None => out.refuse(
                    place.doc.at(path),
                    Some(Table::Alerts),
                    format!("{path}.uuid: missing; a notification cannot be joined to its alerts"),
                    line,
                ),
            },
            None => out.refuse(
                place.doc.at(path),
                Some(Table::Alerts),
                format!(
                    "{path}: not a Grafana state-history line (previous/current) or notification-history line (uuid)"
                ),
                line,
            ),
        }
        true
    }

    /// Replay the transitions into alert episodes and join notifications to their deliveries.
    pub fn finish(&mut self, alerts: &mut Alerts, out: &mut Out) {
        let mut ts = std::mem::take(&mut self.transitions);
        ts.sort_by(|a, b| (&a.key, a.at, a.seq).cmp(&(&b.key, b.at, b.seq)));
        // Overlapping exports repeat lines: one transition per (instance, instant, states).
        ts.dedup_by(|b, a| a.key == b.key && a.at == b.at && a.text == b.text);
        let mut orphans = 0;
        let mut i = 0;
        while i < ts.len() {
            let end = ts[i..]
                .iter()
                .position(|t| t.key != ts[i].key)
                .map_or(ts.len(), |n| i + n);
            orphans += episodes(&ts[i..end], alerts);
            i = end;
        }
        if orphans > 0 {
            out.notes.push(format!(
                "grafana state history: {orphans} resolution(s) whose Alerting transition is before the exported window made no alert row; widen the query's time range"
            ));
        }
        for (uuid, tries) in &self.attempts {
            if tries.iter().all(|a| a.failed) {
                alerts.failed.insert(uuid.clone());
            }
        }
        for inst in alerts.instances.values_mut() {
            let mut receivers = BTreeSet::new();
            let mut integrations = BTreeSet::new();
            for a in inst
                .keys
                .iter()
                .filter_map(|k| self.attempts.get(k))
                .flatten()
            {
                receivers.extend(a.receiver.clone());
                integrations.extend(a.integration.clone());
            }
            for (col, set) in [
                ("notify.receiver", receivers),
                ("notify.integration", integrations),
            ] {
                if !set.is_empty() {
                    let joined = set.into_iter().collect::<Vec<_>>().join(", ");
                    inst.extra.insert(col.to_string(), Value::String(joined));
                }
            }
        }
    }
}

type Parsed = ((String, String), State, State, (String, String));

/// The instance key, states and their texts of one state-history line.
fn transition(line: &Value, path: &str) -> Result<Parsed, String> {
    let states = ["previous", "current"].map(|k| match at(line, k) {
        Some(Value::String(s)) => Ok(s.clone()),
        _ => Err(format!(
            "{path}.{k}: expected a state name such as \"Alerting\""
        )),
    });
    let [previous, current] = states;
    let (previous, current) = (previous?, current?);
    if text(line, "ruleTitle")
        .or_else(|| text(line, "labels.alertname"))
        .or_else(|| text(line, "ruleUID"))
        .is_none()
    {
        return Err(format!(
            "{path}: no ruleTitle, ruleUID or labels.alertname; the rule of this transition is unknown"
        ));
    }
    let fp = text(line, "fingerprint").unwrap_or_else(|| webhook::fingerprint(&labels(line)));
    let rule = text(line, "ruleUID").unwrap_or_default();
    Ok((
        (rule, fp),
        state(&previous),
        state(&current),
        (previous, current),
    ))
}

fn labels(line: &Value) -> Map<String, Value> {
    util::string_map(at(line, "labels"))
        .into_iter()
        .filter(|(k, _)| !is_private(k))
        .collect()
}

/// Replay one instance's transitions: →Pending starts the impact, →Alerting fires, →Normal
/// resolves. Returns how many resolutions had no firing in the window.
fn episodes(ts: &[Transition], alerts: &mut Alerts) -> usize {
    let mut orphans = 0;
    let mut pending: Option<i64> = None;
    let mut open: Option<&Transition> = None;
    for t in ts {
        match t.current {
            State::Pending if open.is_none() => {
                pending.get_or_insert(t.at);
            }
            State::Alerting if open.is_none() => open = Some(t),
            State::Normal => {
                match open.take() {
                    Some(o) => episode(o, pending, Some(t.at), alerts),
                    None if t.previous == State::Alerting => orphans += 1,
                    None => {}
                }
                pending = None;
            }
            _ => {}
        }
    }
    if let Some(o) = open {
        episode(o, pending, None, alerts);
    }
    orphans
}

fn episode(t: &Transition, pending: Option<i64>, resolved: Option<i64>, alerts: &mut Alerts) {
    let mut extra = Map::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            extra.insert(k.to_string(), Value::String(v));
        }
    };
    put("state.pending_at", pending.map(util::iso));
    put("rule.uid", text(&t.line, "ruleUID"));
    put("rule.id", text(&t.line, "ruleID"));
    put("rule.dashboard_uid", text(&t.line, "dashboardUID"));
    put(
        "rule.panel_id",
        text(&t.line, "panelID").filter(|p| p != "0"),
    );
    put(
        "rule.group",
        t.stream
            .get("group")
            .and_then(Value::as_str)
            .map(str::to_string),
    );
    let rule = text(&t.line, "ruleTitle").or_else(|| text(&t.line, "ruleUID"));
    let s = Sighting {
        fingerprint: t.key.1.clone(),
        fired_at: t.at,
        firing: resolved.is_none(),
        resolved_at: resolved,
        labels: labels(&t.line),
        extra,
        rule,
        notice: Notice::Evaluation,
    };
    alerts.observe(s, &t.file, t.loc.clone(), &t.line);
}
