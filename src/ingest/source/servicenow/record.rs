//! One ServiceNow incident record, whatever shape it came in: the field access shared by the Table
//! API JSON (raw, display or both values) and the CSV exports (display values only), the date
//! forms, the state and priority codes, and the one mapping onto a canonical incident row.

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use serde_json::{Map, Value};

use crate::ingest::source::util::{self, Fields};

/// A field as ServiceNow gives it: the stored value (UTC instants, choice codes, sys_ids) and/or
/// the display value (names, labels, instants in the reading user's zone and format).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Field {
    pub value: Option<String>,
    pub display: Option<String>,
    /// A reference (`{"link", "value"}`): its value is a sys_id, never a name.
    pub reference: bool,
}

impl Field {
    pub fn display(s: &str) -> Field {
        Field {
            display: clean(s),
            ..Field::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.value.is_none() && self.display.is_none()
    }

    /// A choice code or plain value: the stored value, else what is displayed.
    pub fn code(&self) -> Option<&str> {
        self.value.as_deref().or(self.display.as_deref())
    }

    /// A human name: the display value, else a stored value that is not a sys_id.
    pub fn name(&self) -> Option<&str> {
        self.display.as_deref().or_else(|| {
            self.value
                .as_deref()
                .filter(|v| !self.reference && !is_sys_id(v))
        })
    }
}

/// Text with ServiceNow's and the UCI export's "no value" spellings taken out.
pub fn clean(s: &str) -> Option<String> {
    let t = s.trim();
    (!matches!(t, "" | "?" | "UNKNOWN" | "null" | "NULL")).then(|| t.to_string())
}

/// 32 lowercase hex digits: a sys_id, which says nothing to a person.
pub fn is_sys_id(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A record of any shape, read field by field.
pub trait Record {
    fn field(&self, name: &str) -> Field;

    /// The first of several spellings that has a value (`state` / `incident_state`).
    fn first(&self, names: &[&str]) -> Field {
        names
            .iter()
            .map(|n| self.field(n))
            .find(|f| !f.is_empty())
            .unwrap_or_default()
    }
}

/// Whether `03/04/2026` is the 3rd of April or March the 4th. ServiceNow formats dates per user
/// (and per instance default), and an export does not say which, so the order is inferred from the
/// file: a first number above 12 proves day-first, a second above 12 month-first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    DayFirst,
    MonthFirst,
}

/// The order the file's display dates prove, with `true` when it is a guess: some date is
/// ambiguous (every day 12 or less) and none proves an order, so month-first (ServiceNow's US
/// default) is assumed. Dates that prove both orders are an error: the file mixes formats.
pub fn infer_order<'a>(
    dates: impl IntoIterator<Item = &'a str>,
) -> Result<(DateOrder, bool), String> {
    let mut day_first: Option<&str> = None;
    let mut month_first: Option<&str> = None;
    let mut ambiguous = false;
    for d in dates {
        let Some(date) = d.split_whitespace().next() else {
            continue;
        };
        let parts: Vec<&str> = date.split(['/', '-', '.']).collect();
        let [a, b, y] = parts.as_slice() else {
            continue;
        };
        if y.len() != 4 {
            continue;
        }
        let (Ok(a), Ok(b)) = (a.parse::<u32>(), b.parse::<u32>()) else {
            continue;
        };
        if date.contains('.') || a > 12 {
            day_first.get_or_insert(d);
        } else if b > 12 {
            month_first.get_or_insert(d);
        } else {
            ambiguous |= a != b;
        }
    }
    match (day_first, month_first) {
        (Some(x), Some(y)) => Err(format!(
            "the dates mix day-first ({x:?}) and month-first ({y:?}) forms; export with one date format"
        )),
        (Some(_), None) => Ok((DateOrder::DayFirst, false)),
        (None, Some(_)) => Ok((DateOrder::MonthFirst, false)),
        (None, None) => Ok((DateOrder::MonthFirst, ambiguous)),
    }
}

/// How a record's instants are read: stored values are UTC `YYYY-MM-DD HH:MM:SS`; display values
/// are in `zone` (the exporting or API user's zone) and in one of ServiceNow's date formats.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub zone: Tz,
    pub order: DateOrder,
}

impl Clock {
    pub fn instant(&self, f: &Field) -> Result<Option<i64>, String> {
        match (&f.value, &f.display) {
            (Some(v), _) => util::instant_text(v, Tz::UTC),
            (None, Some(d)) => self.display(d),
            (None, None) => Ok(None),
        }
    }

    /// A display date: `yyyy-MM-dd`, `MM/dd/yyyy`, `dd/MM/yyyy`, `dd.MM.yyyy` or `-` separated,
    /// with `HH:mm[:ss]` or `hh:mm[:ss] a`, no zero padding needed.
    pub fn display(&self, s: &str) -> Result<Option<i64>, String> {
        let Some(s) = clean(s) else {
            return Ok(None);
        };
        let dates: &[&str] = match self.order {
            DateOrder::DayFirst => &["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"],
            DateOrder::MonthFirst => &["%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y", "%d.%m.%Y"],
        };
        let times = ["%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p"];
        let found = dates.iter().find_map(|d| {
            times.iter().find_map(|t| {
                let f = format!("{d} {t}");
                NaiveDateTime::parse_from_str(&s, &f).ok().map(|_| f)
            })
        });
        match found {
            Some(f) => util::instant_fmt(&s, &[&f], self.zone),
            None => Err(format!(
                "cannot read {s:?} as a ServiceNow date and time (yyyy-MM-dd, MM/dd/yyyy, dd/MM/yyyy or dd.MM.yyyy, then HH:mm[:ss])"
            )),
        }
    }
}

/// Where an incident is in ServiceNow's state model (`state` / `incident_state`, codes or labels,
/// including the UCI log's `Active` and `Awaiting ...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    New,
    Working,
    Resolved,
    Closed,
    Canceled,
}

impl Phase {
    pub fn parse(s: &str) -> Option<Phase> {
        let t = s.trim().to_ascii_lowercase();
        Some(match t.as_str() {
            "1" | "new" => Phase::New,
            "2" | "3" | "in progress" | "on hold" | "active" => Phase::Working,
            _ if t.starts_with("awaiting") => Phase::Working,
            "6" | "resolved" => Phase::Resolved,
            "7" | "closed" => Phase::Closed,
            "8" | "canceled" | "cancelled" => Phase::Canceled,
            _ => return None,
        })
    }

    pub fn is_over(self) -> bool {
        matches!(self, Phase::Resolved | Phase::Closed | Phase::Canceled)
    }

    /// The canonical status: New is open, every working state is acknowledged (someone took it),
    /// Resolved, Closed and Canceled are over.
    pub fn status(self) -> &'static str {
        match self {
            Phase::New => "open",
            Phase::Working => "acknowledged",
            _ => "resolved",
        }
    }
}

/// The priority as the built-in severity map knows it: the display label (`1 - Critical`), or the
/// label of a bare code from a `sysparm_display_value=false` read.
pub fn priority(f: &Field) -> Option<String> {
    let label = |code: &str| match code {
        "1" => Some("1 - Critical"),
        "2" => Some("2 - High"),
        "3" => Some("3 - Moderate"),
        "4" => Some("4 - Low"),
        "5" => Some("5 - Planning"),
        _ => None,
    };
    match (&f.display, &f.value) {
        (Some(d), _) => Some(label(d).map_or_else(|| d.clone(), str::to_string)),
        (None, Some(v)) => Some(label(v).map_or_else(|| v.clone(), str::to_string)),
        (None, None) => None,
    }
}

/// A duration stored as an instant after the epoch (`1970-01-02 04:23:17` = 102197 s), or `None`
/// when only the display text ("1 Day 4 Hours") is there.
pub fn duration_seconds(f: &Field) -> Option<i64> {
    let v = f.value.as_deref()?;
    if !v.starts_with("1970-") {
        return None;
    }
    util::instant_text(v, Tz::UTC)
        .ok()
        .flatten()
        .map(|us| us / 1_000_000)
}

/// Fields kept as labels, by ServiceNow field name: what recurrence and SLA analysis want.
const LABEL_FIELDS: &[&str] = &[
    "category",
    "subcategory",
    "u_symptom",
    "close_code",
    "closed_code",
    "made_sla",
    "impact",
    "urgency",
    "severity",
    "contact_type",
    "problem_id",
    "cmdb_ci",
    "business_service",
    "assigned_to",
    "reassignment_count",
    "parent_incident",
    "caused_by",
    "rfc",
    "sys_id",
];

/// The canonical incident row of a record. `Err` is the rejection reason, naming the field.
pub fn incident(rec: &dyn Record, clock: &Clock) -> Result<Fields, String> {
    let number = rec.field("number").code().map(str::to_string);
    let sys_id = rec.field("sys_id").code().map(str::to_string);
    // The number, not the sys_id, identifies the incident: every shape has it (the CSV exports
    // never carry a sys_id), so a Table API page, a list export and the audit log of the same
    // incident converge on one row.
    let source_id = number.clone().or(sys_id).ok_or_else(|| {
        "number: missing (and no sys_id): the record cannot be identified".to_string()
    })?;
    let when = |names: &[&str]| -> Result<Option<i64>, String> {
        let name = names
            .iter()
            .find(|n| !rec.field(n).is_empty())
            .copied()
            .unwrap_or(names[0]);
        clock
            .instant(&rec.field(name))
            .map_err(|e| format!("{name}: {e}"))
    };
    let detected = when(&["opened_at", "sys_created_on", "sys_created_at"])?
        .ok_or("opened_at: missing; an incident needs the instant it was opened")?;
    let state = rec.first(&["state", "incident_state"]);
    let phase = state.code().and_then(Phase::parse);
    // A stale resolved_at survives a reopen on some instances: trust it only when the state says
    // the incident is over (or says nothing). A canceled incident is seldom resolved or closed:
    // its last update is when it was canceled.
    let ended = match phase {
        Some(Phase::Canceled) => &[
            "resolved_at",
            "closed_at",
            "sys_updated_on",
            "sys_updated_at",
        ][..],
        _ => &["resolved_at", "closed_at"][..],
    };
    let mut resolved = None;
    if phase.is_none_or(Phase::is_over) {
        for name in ended {
            resolved = when(&[name])?;
            if resolved.is_some() {
                break;
            }
        }
    }
    let mut f = Fields::new();
    f.text("source", Some("servicenow"))
        .text("source_id", Some(source_id.clone()))
        .text("number", number)
        .text(
            "title",
            Some(
                rec.field("short_description")
                    .name()
                    .map_or(source_id, str::to_string),
            ),
        )
        .text("team", rec.field("assignment_group").name())
        .text(
            "service",
            rec.field("business_service")
                .name()
                .or(rec.field("cmdb_ci").name()),
        )
        .text("severity_raw", priority(&rec.field("priority")))
        .text("status", phase.map(Phase::status))
        .text(
            "kind",
            (phase == Some(Phase::Canceled)).then_some("duplicate"),
        )
        .ts("detected_at", Some(detected))
        .ts("resolved_at", resolved)
        .uint(
            "reopen_count",
            rec.field("reopen_count")
                .code()
                .and_then(|s| s.parse().ok()),
        )
        .text(
            "fingerprint",
            [rec.field("problem_id"), rec.field("cmdb_ci")]
                .iter()
                .find_map(|x| x.name().or(x.code()).map(str::to_string)),
        )
        .ts("updated_at", when(&["sys_updated_on", "sys_updated_at"])?);
    f.labels("labels", labels(rec, state.name()));
    Ok(f)
}

fn labels(rec: &dyn Record, state: Option<&str>) -> Map<String, Value> {
    let mut m = Map::new();
    for name in LABEL_FIELDS {
        let x = rec.field(name);
        if let Some(v) = x.name().or(x.code()) {
            m.insert((*name).to_string(), Value::from(v));
        }
    }
    if let Some(s) = state {
        m.insert("state".into(), Value::from(s));
    }
    // Seconds as numbers: `calendar_stc` displays as "102,197".
    for name in ["calendar_stc", "business_stc"] {
        if let Some(n) = rec
            .field(name)
            .code()
            .and_then(|s| s.replace(',', "").parse::<i64>().ok())
        {
            m.insert(name.to_string(), Value::from(n));
        }
    }
    for name in ["calendar_duration", "business_duration"] {
        if let Some(n) = duration_seconds(&rec.field(name)) {
            m.insert(format!("{name}_seconds"), Value::from(n));
        }
    }
    m
}
