//! The audit event log CSV (the shape of the UCI "Incident management process enriched event
//! log"): one row per update of an incident, grouped by `number` and ordered by `sys_mod_count`.
//! Each incident gives one incident row (from its last update) and a timeline of events (from the
//! differences between consecutive updates).

use std::collections::HashMap;

use csv::StringRecord;
use serde_json::{Map, Value};

use super::record::{self, Clock, DateOrder, Field, Phase, Record};
use crate::ingest::reader::Location;
use crate::ingest::source::util::Fields;
use crate::ingest::source::{Out, SourceContext};
use crate::model::Table;

/// A CSV row read by header name; every cell is a display value.
pub struct CsvRecord<'a> {
    pub index: &'a HashMap<String, usize>,
    pub row: &'a StringRecord,
}

impl Record for CsvRecord<'_> {
    fn field(&self, name: &str) -> Field {
        self.index
            .get(name)
            .and_then(|i| self.row.get(*i))
            .map(Field::display)
            .unwrap_or_default()
    }
}

impl CsvRecord<'_> {
    fn text(&self, name: &str) -> Option<String> {
        self.field(name).display
    }

    /// The row as a JSON object, for the rejected log.
    pub fn raw(&self, header: &[String]) -> Value {
        let m: Map<String, Value> = header
            .iter()
            .zip(self.row.iter())
            .map(|(h, v)| (h.clone(), Value::from(v)))
            .collect();
        Value::Object(m)
    }
}

/// One update of an incident, readable.
struct Update<'a> {
    line: u64,
    rec: CsvRecord<'a>,
    at: i64,
}

pub fn read(header: &[String], rows: &[(u64, StringRecord)], ctx: &SourceContext, out: &mut Out) {
    let index = super::header_index(header);
    // The log writes `29/2/2016 01:16`: day first, whatever the day.
    let clock = Clock {
        zone: ctx.zone,
        order: DateOrder::DayFirst,
    };
    let loc = |line| Location {
        line,
        json_path: None,
    };
    let mut order: Vec<String> = vec![];
    let mut groups: HashMap<String, Vec<(u64, Update)>> = HashMap::new();
    for (line, row) in rows {
        let rec = CsvRecord { index: &index, row };
        let raw = || rec.raw(header);
        let Some(number) = rec.text("number") else {
            let why = "number: missing; an update of the event log must name its incident";
            out.refuse(loc(*line), Some(Table::IncidentEvents), why, &raw());
            continue;
        };
        let count = match rec.text("sys_mod_count").map(|s| s.parse::<u64>()) {
            Some(Ok(n)) => n,
            Some(Err(_)) | None => {
                let why = "sys_mod_count: expected the update's sequence number (a whole number)";
                out.refuse(loc(*line), Some(Table::IncidentEvents), why, &raw());
                continue;
            }
        };
        let at = match clock.instant(&rec.field("sys_updated_at")) {
            Ok(Some(t)) => t,
            Ok(None) => {
                let why = "sys_updated_at: missing; an update needs its instant";
                out.refuse(loc(*line), Some(Table::IncidentEvents), why, &raw());
                continue;
            }
            Err(e) => {
                let why = format!("sys_updated_at: {e}");
                out.refuse(loc(*line), Some(Table::IncidentEvents), why, &raw());
                continue;
            }
        };
        if !groups.contains_key(&number) {
            order.push(number.clone());
        }
        let update = Update {
            line: *line,
            rec: CsvRecord { index: &index, row },
            at,
        };
        groups.entry(number).or_default().push((count, update));
    }
    for number in order {
        let Some(mut updates) = groups.remove(&number) else {
            continue;
        };
        // Stable: equal counts keep the file's order.
        updates.sort_by_key(|(count, _)| *count);
        let updates: Vec<Update> = updates.into_iter().map(|(_, u)| u).collect();
        incident(&number, &updates, header, &clock, out);
    }
}

fn incident(number: &str, updates: &[Update], header: &[String], clock: &Clock, out: &mut Out) {
    let (Some(first), Some(last)) = (updates.first(), updates.last()) else {
        return;
    };
    let loc = Location {
        line: last.line,
        json_path: None,
    };
    let mut f = match record::incident(&last.rec, clock) {
        Ok(f) => f,
        Err(e) => {
            out.refuse(loc, Some(Table::Incidents), e, &last.rec.raw(header));
            return;
        }
    };
    // The log has no short description: name the incident by what it is about, which is also
    // what recurrence analysis groups on.
    if last.rec.text("short_description").is_none() {
        let parts: Vec<String> = ["category", "subcategory", "u_symptom"]
            .iter()
            .filter_map(|n| last.rec.text(n))
            .collect();
        if !parts.is_empty() {
            f.text("title", Some(parts.join(" / ")));
        }
    }
    // The incident row is a reconstruction: version it by its oldest instant so a Table API or
    // list export of the same incident (with its real title) wins on upsert, while a re-read of
    // a longer log (an equal version) still replaces it.
    let opened = f
        .get("detected_at")
        .and_then(util_instant)
        .unwrap_or(first.at);
    f.ts("updated_at", Some(opened.min(first.at)));
    let id = format!("servicenow:{number}");
    out.row(Table::Incidents, loc, f.into_map(), &last.rec.raw(header));
    events(&id, updates, header, out);
}

fn util_instant(s: &str) -> Option<i64> {
    crate::ingest::source::util::instant_text(s, chrono_tz::Tz::UTC)
        .ok()
        .flatten()
}

/// The timeline: a state change is acknowledged (the first move away from New, or the first
/// assignee), resolved (to Resolved; to Closed or Canceled when not resolved before), reopened
/// (from an ended state back to a working one) or a status update; a change of assignee or group
/// is `assigned`; a change of priority is `severity_changed`.
fn events(id: &str, updates: &[Update], header: &[String], out: &mut Out) {
    let mut acked = false;
    let mut prev: Option<&Update> = None;
    for u in updates {
        let state = u.rec.text("incident_state");
        let phase = state.as_deref().and_then(Phase::parse);
        let by = u.rec.text("sys_updated_by");
        let mut emit = |kind: &str, actor: Option<String>, message: String| {
            let mut e = Fields::new();
            e.text("incident_id", Some(id))
                .ts("at", Some(u.at))
                .text("kind", Some(kind))
                .text("actor", actor)
                .text("message", Some(message))
                .text("source", Some("servicenow"));
            let loc = Location {
                line: u.line,
                json_path: None,
            };
            out.row(Table::IncidentEvents, loc, e.into_map(), &u.rec.raw(header));
        };
        let before = prev.and_then(|p| p.rec.text("incident_state"));
        let before_phase = before.as_deref().and_then(Phase::parse);
        if state != before
            && let Some(now) = state.clone()
        {
            let change = match &before {
                Some(b) => format!("{b} → {now}"),
                None => now.clone(),
            };
            let kind = match (before_phase, phase) {
                (Some(b), Some(Phase::New | Phase::Working)) if b.is_over() => "reopened",
                (_, Some(Phase::Working)) if !acked => "acknowledged",
                (_, Some(Phase::Resolved)) => "resolved",
                (Some(Phase::Resolved), Some(Phase::Closed | Phase::Canceled)) => "status_update",
                (_, Some(Phase::Closed | Phase::Canceled)) => "resolved",
                (None, Some(Phase::New)) => "",
                _ => "status_update",
            };
            acked |= kind == "acknowledged";
            if !kind.is_empty() {
                emit(kind, by.clone(), change);
            }
        }
        let who = u.rec.text("assigned_to");
        let group = u.rec.text("assignment_group");
        let (was, was_group) = match prev {
            Some(p) => (p.rec.text("assigned_to"), p.rec.text("assignment_group")),
            // A group set at creation is routing, not a reassignment; an assignee is.
            None => (None, group.clone()),
        };
        if (who.is_some() && who != was) || group != was_group {
            let target = match (&who, &group) {
                (Some(w), Some(g)) => format!("assigned to {w} ({g})"),
                (Some(w), None) => format!("assigned to {w}"),
                (None, Some(g)) => format!("assigned to group {g}"),
                (None, None) => "unassigned".to_string(),
            };
            if !acked && who.is_some() {
                acked = true;
                emit("acknowledged", who.clone(), target.clone());
            }
            emit("assigned", who.clone().or(group.clone()), target);
        }
        if let Some(p) = prev {
            let (a, b) = (p.rec.text("priority"), u.rec.text("priority"));
            if a != b
                && let (Some(a), Some(b)) = (a, b)
            {
                emit(
                    "severity_changed",
                    by.clone(),
                    format!("priority {a} → {b}"),
                );
            }
        }
        prev = Some(u);
    }
}
