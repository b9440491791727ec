//! The Table API's JSON: `{"result": [...]}` pages, a single `{"result": {...}}`, a bare array of
//! records, or one record per line (what collectors such as Elastic's store), read in whichever
//! `sysparm_display_value` mode produced them.

use serde_json::{Map, Value};

use super::record::{self, Clock, DateOrder, Field, Record};
use crate::ingest::source::{Doc, Out, SourceContext};
use crate::model::Table;

/// Which `sysparm_display_value` produced a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `false` (the default): codes, sys_ids, UTC instants.
    Raw,
    /// `true`: labels, names, instants in the API user's zone and date format.
    Display,
    /// `all`: every field `{display_value, value}`.
    All,
}

/// Fields holding instants; their display forms are what the date order is inferred from.
const DATE_FIELDS: &[&str] = &[
    "opened_at",
    "resolved_at",
    "closed_at",
    "sys_updated_on",
    "sys_created_on",
    "reopened_time",
];

/// Choice fields whose plain-string form tells codes (`"7"`) from labels (`"Closed"`).
const CHOICE_FIELDS: &[&str] = &["state", "incident_state", "priority", "impact", "urgency"];

/// The mode of one record, told from its fields: `{display_value, value}` pairs mean `all`; a
/// choice given as a number, or a reference `{link, value}`, means raw; a choice given as a label,
/// or a reference `{display_value, link}`, means display. Raw, the API default, when nothing tells.
pub fn mode(rec: &Map<String, Value>) -> Mode {
    let pair = |v: &Value| v.get("display_value").is_some() && v.get("value").is_some();
    if rec.values().any(pair) {
        return Mode::All;
    }
    for name in CHOICE_FIELDS {
        if let Some(Value::String(s)) = rec.get(*name)
            && !s.trim().is_empty()
        {
            return if s.trim().bytes().all(|b| b.is_ascii_digit()) {
                Mode::Raw
            } else {
                Mode::Display
            };
        }
    }
    for v in rec.values().filter(|v| v.get("link").is_some()) {
        if v.get("display_value").is_some() {
            return Mode::Display;
        }
        if v.get("value").is_some() {
            return Mode::Raw;
        }
    }
    Mode::Raw
}

struct JsonRecord<'a> {
    map: &'a Map<String, Value>,
    mode: Mode,
}

impl Record for JsonRecord<'_> {
    fn field(&self, name: &str) -> Field {
        let scalar = |v: &Value| match v {
            Value::String(s) => record::clean(s),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        match self.map.get(name) {
            None | Some(Value::Null) => Field::default(),
            Some(Value::Object(o)) => Field {
                value: o.get("value").and_then(scalar),
                display: o.get("display_value").and_then(scalar),
                reference: o.contains_key("link"),
            },
            Some(v) if self.mode == Mode::Display => Field {
                display: scalar(v),
                ..Field::default()
            },
            Some(v) => Field {
                value: scalar(v),
                ..Field::default()
            },
        }
    }
}

/// The records of a document with their JSON paths, or `None` when it holds no ServiceNow
/// incident records.
pub fn records(doc: &Value) -> Option<Vec<(String, &Value)>> {
    let list: Vec<(String, &Value)> = match doc {
        Value::Object(m) => match m.get("result") {
            Some(Value::Array(a)) => a
                .iter()
                .enumerate()
                .map(|(i, r)| (format!("$.result[{i}]"), r))
                .collect(),
            Some(r @ Value::Object(_)) => vec![("$.result".to_string(), r)],
            Some(_) => return None,
            None => vec![("$".to_string(), doc)],
        },
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, r)| (format!("$[{i}]"), r))
            .collect(),
        _ => return None,
    };
    // An empty page is still a page of the Table API.
    if let Some((_, first)) = list.first()
        && !is_incident(first)
    {
        return None;
    }
    if list.is_empty() && !matches!(doc.get("result"), Some(Value::Array(_))) {
        return None;
    }
    Some(list)
}

/// A ServiceNow record: it has a `sys_id`, or a `number` in the incident numbering (`INC...`).
pub fn is_incident(rec: &Value) -> bool {
    let Some(m) = rec.as_object() else {
        return false;
    };
    let r = JsonRecord {
        map: m,
        mode: Mode::Raw,
    };
    let number = r.field("number");
    let inc = number.code().is_some_and(|n| n.starts_with("INC"));
    inc || !r.field("sys_id").is_empty()
}

/// Read every record of every document.
pub fn read(docs: &[Doc], ctx: &SourceContext, out: &mut Out) -> Result<(), String> {
    let (order, guessed) = infer(docs)?;
    let clock = Clock {
        zone: ctx.zone,
        order,
    };
    for doc in docs {
        let v = match &doc.value {
            Ok(v) => v,
            Err(_) => {
                out.refuse_unparsed(doc, Some("$"), Some(Table::Incidents));
                continue;
            }
        };
        let Some(recs) = records(v) else {
            out.refuse(
                doc.at("$"),
                Some(Table::Incidents),
                "not a ServiceNow Table API incident record (expected {\"result\": [...]} or a record with number/sys_id)",
                v,
            );
            continue;
        };
        if recs.is_empty() {
            out.notes
                .push(format!("{}: the Table API page holds no records", out.file));
        }
        for (path, rec) in recs {
            let Some(map) = rec.as_object() else {
                let why = format!(
                    "{path}: expected a record object, found {}",
                    crate::ingest::source::util::json_kind(rec)
                );
                out.refuse(doc.at(path), Some(Table::Incidents), why, rec);
                continue;
            };
            let r = JsonRecord {
                map,
                mode: mode(map),
            };
            match record::incident(&r, &clock) {
                Ok(f) => out.row(Table::Incidents, doc.at(path), f.into_map(), rec),
                Err(e) => {
                    let why = match path.strip_prefix("$.") {
                        Some(p) => format!("{p}.{e}"),
                        None => e,
                    };
                    out.refuse(doc.at(path), Some(Table::Incidents), why, rec);
                }
            }
        }
    }
    if guessed {
        out.notes.push(format!(
            "{}: no display date tells day from month; read them as MM/dd/yyyy in {}",
            out.file, ctx.zone
        ));
    }
    Ok(())
}

/// The day/month order proven by the display dates of the display-mode records.
fn infer(docs: &[Doc]) -> Result<(DateOrder, bool), String> {
    let mut dates = vec![];
    for v in docs.iter().filter_map(|d| d.value.as_ref().ok()) {
        for (_, rec) in records(v).unwrap_or_default() {
            let Some(map) = rec.as_object() else { continue };
            if mode(map) != Mode::Display {
                continue;
            }
            let r = JsonRecord {
                map,
                mode: Mode::Display,
            };
            dates.extend(DATE_FIELDS.iter().filter_map(|n| r.field(n).display));
        }
    }
    record::infer_order(dates.iter().map(String::as_str))
}
