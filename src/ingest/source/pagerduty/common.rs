//! What every PagerDuty shape shares: the record being read (its location and the prefix of its
//! rejection reasons), ids, references, and the mapping of PagerDuty's status and priority/urgency
//! onto the canonical columns.

use chrono_tz::Tz;
use serde_json::{Map, Value};

use crate::ingest::reader::Location;
use crate::ingest::source::Doc;
use crate::ingest::source::util::{at, instant_at, text};

/// The connector's name, the `source` column and the prefix of every id.
pub const NAME: &str = "pagerduty";

/// `pagerduty:<PD id>`: the one id every shape gives a PagerDuty incident, so REST, log entries,
/// Analytics and webhooks of the same incident converge.
pub fn incident_id(pd_id: &str) -> String {
    format!("{NAME}:{pd_id}")
}

/// One record of a document: where it is (`$.incidents[3]`) and how reasons name it
/// (`incidents[3].created_at: ...`).
#[derive(Debug, Clone)]
pub struct Rec<'a> {
    pub doc: &'a Doc,
    pub path: String,
}

impl<'a> Rec<'a> {
    pub fn new(doc: &'a Doc, path: impl Into<String>) -> Rec<'a> {
        Rec {
            doc,
            path: path.into(),
        }
    }

    /// A record nested in this one (`child("incident")`, `child("alerts[2]")`).
    pub fn child(&self, rel: &str) -> Rec<'a> {
        let sep = if rel.starts_with('[') { "" } else { "." };
        Rec::new(self.doc, format!("{}{sep}{rel}", self.path))
    }

    pub fn loc(&self) -> Location {
        self.doc.at(self.path.clone())
    }

    /// The record's name in reasons: its JSON path without `$.`; the root document is `record`.
    pub fn name(&self) -> &str {
        match self.path.strip_prefix("$.") {
            Some(p) => p,
            None if self.path == "$" => "record",
            None => &self.path,
        }
    }

    /// A reason about `field` of this record.
    pub fn reason(&self, field: &str, what: &str) -> String {
        format!("{}.{field}: {what}", self.name())
    }

    /// An instant at `field`, the error naming the record and field.
    pub fn instant(&self, v: &Value, field: &str, zone: Tz) -> Result<Option<i64>, String> {
        instant_at(v, field, zone).map_err(|e| format!("{}.{e}", self.name()))
    }

    /// A required instant at `field`.
    pub fn required_instant(&self, v: &Value, field: &str, zone: Tz) -> Result<i64, String> {
        self.instant(v, field, zone)?
            .ok_or_else(|| self.reason(field, "missing; the record has no time to place it at"))
    }

    /// A required id at `field`.
    pub fn id(&self, v: &Value, field: &str) -> Result<String, String> {
        text(v, field).ok_or_else(|| {
            self.reason(
                field,
                "missing; a PagerDuty record without its id cannot be matched with other exports",
            )
        })
    }
}

/// A reference's display name: `summary` on references, `name` on full objects (the legacy
/// webhook embeds full services).
pub fn ref_name(v: &Value, path: &str) -> Option<String> {
    let r = at(v, path)?;
    text(r, "summary").or_else(|| text(r, "name"))
}

/// PagerDuty's incident status as the canonical one; `None` for anything else (the row parser then
/// derives it from the instants).
pub fn status(s: &str) -> Option<&'static str> {
    match s.trim().to_ascii_lowercase().as_str() {
        "triggered" | "open" => Some("open"),
        "acknowledged" => Some("acknowledged"),
        "resolved" => Some("resolved"),
        _ => None,
    }
}

/// The raw severity: the priority when the account uses priorities (`P1`, `SEV-2`), else the
/// urgency (`high`/`low`), which every incident has.
pub fn severity_raw(priority: Option<String>, urgency: Option<String>) -> Option<String> {
    priority.or(urgency)
}

/// `"[#1234] The server is on fire."` as (`1234`, `The server is on fire.`): incident references
/// carry only this summary.
pub fn split_summary(s: &str) -> (Option<String>, String) {
    let t = s.trim();
    if let Some(rest) = t.strip_prefix("[#")
        && let Some((num, title)) = rest.split_once(']')
        && !num.is_empty()
        && num.bytes().all(|b| b.is_ascii_digit())
    {
        return (Some(num.to_string()), title.trim().to_string());
    }
    (None, t.to_string())
}

/// Labels under construction: text values only, empty values skipped.
#[derive(Debug, Default)]
pub struct Labels(pub Map<String, Value>);

impl Labels {
    pub fn put(&mut self, key: &str, v: Option<impl Into<String>>) -> &mut Self {
        if let Some(v) = v {
            let s: String = v.into();
            if !s.trim().is_empty() {
                self.0.insert(key.to_string(), Value::String(s));
            }
        }
        self
    }

    /// The value at `path` of `v` as text (numbers and booleans included).
    pub fn from(&mut self, key: &str, v: &Value, path: &str) -> &mut Self {
        self.put(key, text(v, path))
    }

    /// The names of the references in the array at `path`, joined by `, `.
    pub fn names(&mut self, key: &str, v: &Value, path: &str, name_path: &str) -> &mut Self {
        let names: Vec<String> = crate::ingest::source::util::array(v, path)
            .iter()
            .filter_map(|x| ref_name(x, name_path).or_else(|| text(x, name_path)))
            .collect();
        self.put(key, (!names.is_empty()).then(|| names.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_split_into_number_and_title() {
        assert_eq!(
            split_summary("[#1234] The server is on fire."),
            (Some("1234".into()), "The server is on fire.".into())
        );
        assert_eq!(
            split_summary("Critical: Checkout API High Latency"),
            (None, "Critical: Checkout API High Latency".into())
        );
        assert_eq!(split_summary("[#x] odd"), (None, "[#x] odd".into()));
    }

    #[test]
    fn status_and_severity() {
        assert_eq!(status("triggered"), Some("open"));
        assert_eq!(status("Acknowledged"), Some("acknowledged"));
        assert_eq!(status("snoozed"), None);
        assert_eq!(
            severity_raw(Some("P2".into()), Some("high".into())).as_deref(),
            Some("P2")
        );
        assert_eq!(
            severity_raw(None, Some("low".into())).as_deref(),
            Some("low")
        );
    }
}
