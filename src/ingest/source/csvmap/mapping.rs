//! The mapping file of the `csv` connector: which CSV column feeds which canonical column, how its
//! dates are written, how its values translate, and what is constant. Parsed from TOML with every
//! problem named by its key (unknown keys too), then resolved against a CSV header.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use toml::Value;

use crate::error::{Error, Result};
use crate::model::Table;
use crate::model::tables::ColumnType;

/// Where a canonical column's value is in the CSV.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnRef {
    /// A header name, matched case-insensitively; `"Comment#2"` is the second `Comment` column
    /// (repeated names are common: Jira repeats `Comment`, `Watchers`, custom fields).
    Name(String),
    /// A position, 1 = the first column.
    Index(usize),
}

/// A value map: source text (lowercase) to canonical text; `"*"` catches the rest.
#[derive(Debug, Clone, Default)]
pub struct Values {
    pub map: HashMap<String, String>,
    pub other: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Mapping {
    pub path: PathBuf,
    pub table: Table,
    pub source: String,
    pub zone: Option<Tz>,
    /// Canonical column → candidate CSV columns, the first non-empty one wins.
    pub columns: Vec<(String, Vec<ColumnRef>)>,
    /// Per column, else `default`: strftime formats tried in order.
    pub formats: HashMap<String, Vec<String>>,
    pub values: HashMap<String, Values>,
    pub constants: Vec<(String, String)>,
    /// Label name → candidate CSV columns.
    pub labels: Vec<(String, Vec<ColumnRef>)>,
}

const KEYS: &[&str] = &[
    "table",
    "source",
    "timezone",
    "columns",
    "formats",
    "values",
    "constants",
    "labels",
];

impl Mapping {
    pub fn load(path: &Path) -> Result<Mapping> {
        let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                Error::input(path, None, "no such mapping file; check the --mapping path")
            }
            _ => Error::io(path, e),
        })?;
        Mapping::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Mapping> {
        let problems = |p: Vec<String>| Error::Config {
            path: path.to_path_buf(),
            problems: p,
        };
        let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            problems(vec![format!("not valid TOML: {}", e.message())])
        })?;
        let mut p = vec![];
        for k in doc.keys().filter(|k| !KEYS.contains(&k.as_str())) {
            p.push(format!(
                "{k}: unknown key; the keys are {}",
                KEYS.join(", ")
            ));
        }
        let table = match doc.get("table") {
            None => Table::Incidents,
            Some(Value::String(s)) => Table::from_name(s.trim()).unwrap_or_else(|| {
                p.push(format!(
                    "table: {s:?} is not a table; one of {}",
                    Table::names()
                ));
                Table::Incidents
            }),
            Some(_) => {
                p.push(format!(
                    "table: expected a table name, one of {}",
                    Table::names()
                ));
                Table::Incidents
            }
        };
        let spec = table.spec();
        let column_type = |c: &str| spec.position(c).map(|i| spec.columns[i].ty);
        let source = string(&doc, "source", &mut p).unwrap_or_else(|| "csv".to_string());
        let zone = string(&doc, "timezone", &mut p).and_then(|z| {
            z.parse::<Tz>()
                .map_err(|_| {
                    p.push(format!(
                        "timezone: unknown zone {z:?}; use an IANA name such as \"Europe/Berlin\""
                    ))
                })
                .ok()
        });
        let known = || {
            spec.columns
                .iter()
                .map(|c| c.name)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let check_col = |key: &str, col: &str, p: &mut Vec<String>| {
            let ok = column_type(col).is_some();
            if !ok {
                p.push(format!(
                    "{key}.{col}: not a column of {table}; its columns are {}",
                    known()
                ));
            }
            ok
        };

        let mut columns = vec![];
        for (col, v) in section(&doc, "columns", &mut p) {
            if check_col("columns", col, &mut p)
                && let Some(refs) = refs(&format!("columns.{col}"), v, &mut p)
            {
                columns.push((col.clone(), refs));
            }
        }
        let mut labels = vec![];
        for (name, v) in section(&doc, "labels", &mut p) {
            if let Some(refs) = refs(&format!("labels.{name}"), v, &mut p) {
                labels.push((name.clone(), refs));
            }
        }
        let mut formats = HashMap::new();
        for (col, v) in section(&doc, "formats", &mut p) {
            let key = format!("formats.{col}");
            if col != "default" {
                if !check_col("formats", col, &mut p) {
                    continue;
                }
                if column_type(col) != Some(ColumnType::Timestamp) {
                    p.push(format!("{key}: {col} is not a timestamp column"));
                    continue;
                }
            }
            let list = match v {
                Value::String(s) => vec![s.clone()],
                Value::Array(a) if a.iter().all(Value::is_str) => a
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
                _ => {
                    p.push(format!(
                        "{key}: expected a strftime format or a list of them"
                    ));
                    continue;
                }
            };
            formats.insert(col.clone(), list);
        }
        let mut values = HashMap::new();
        for (col, v) in section(&doc, "values", &mut p) {
            if !check_col("values", col, &mut p) {
                continue;
            }
            let Value::Table(t) = v else {
                p.push(format!(
                    "values.{col}: expected a table of \"source value\" = \"canonical value\""
                ));
                continue;
            };
            let mut m = Values::default();
            for (from, to) in t {
                match to {
                    Value::String(s) if from == "*" => m.other = Some(s.clone()),
                    Value::String(s) => {
                        m.map.insert(from.trim().to_lowercase(), s.clone());
                    }
                    _ => p.push(format!("values.{col}.{from:?}: expected a string")),
                }
            }
            values.insert(col.clone(), m);
        }
        let mut constants = vec![];
        for (col, v) in section(&doc, "constants", &mut p) {
            if !check_col("constants", col, &mut p) {
                continue;
            }
            match v {
                Value::String(s) => constants.push((col.clone(), s.clone())),
                Value::Integer(n) => constants.push((col.clone(), n.to_string())),
                Value::Boolean(b) => constants.push((col.clone(), b.to_string())),
                _ => p.push(format!(
                    "constants.{col}: expected a string, number or boolean"
                )),
            }
        }
        // What no rule derives must come from somewhere.
        let given =
            |c: &str| columns.iter().any(|(k, _)| k == c) || constants.iter().any(|(k, _)| k == c);
        for need in crate::ingest::rules::essential(table) {
            if !given(need) {
                p.push(format!("columns.{need}: missing; a {table} row needs it (map a CSV column to it, or set it in [constants])"));
            }
        }
        if table == Table::Incidents && !given("source_id") && !given("incident_id") {
            p.push("columns.source_id: missing; map the column holding the tool's incident id (Jira: \"Issue key\")".to_string());
        }
        if !p.is_empty() {
            return Err(problems(p));
        }
        Ok(Mapping {
            path: path.to_path_buf(),
            table,
            source,
            zone,
            columns,
            formats,
            values,
            constants,
            labels,
        })
    }
}

fn string(doc: &toml::Table, key: &str, p: &mut Vec<String>) -> Option<String> {
    match doc.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => {
            p.push(format!("{key}: expected a non-empty string"));
            None
        }
    }
}

fn section<'a>(
    doc: &'a toml::Table,
    key: &str,
    p: &mut Vec<String>,
) -> Vec<(&'a String, &'a Value)> {
    match doc.get(key) {
        None => vec![],
        Some(Value::Table(t)) => t.iter().collect(),
        Some(_) => {
            p.push(format!("{key}: expected a table ([{key}])"));
            vec![]
        }
    }
}

/// `"Header"`, `"Header#2"`, `{ index = 12 }`, or a list of them (first non-empty wins).
fn refs(key: &str, v: &Value, p: &mut Vec<String>) -> Option<Vec<ColumnRef>> {
    let one = |v: &Value| -> std::result::Result<ColumnRef, String> {
        match v {
            Value::String(s) if !s.trim().is_empty() => Ok(ColumnRef::Name(s.trim().to_string())),
            Value::Table(t) => match (t.get("index").and_then(Value::as_integer), t.len()) {
                (Some(n), 1) if n >= 1 => Ok(ColumnRef::Index(n as usize)),
                _ => Err("expected { index = N } with N >= 1 (1 = the first column)".to_string()),
            },
            _ => Err("expected a header name, \"Name#N\" or { index = N }".to_string()),
        }
    };
    let list: Vec<&Value> = match v {
        Value::Array(a) if !a.is_empty() => a.iter().collect(),
        Value::Array(_) => {
            p.push(format!("{key}: an empty list names no column"));
            return None;
        }
        v => vec![v],
    };
    let mut out = vec![];
    for v in list {
        match one(v) {
            Ok(r) => out.push(r),
            Err(e) => {
                p.push(format!("{key}: {e}"));
                return None;
            }
        }
    }
    Some(out)
}

/// A mapping's column references resolved to positions in one header.
pub fn resolve(r: &ColumnRef, header: &[String]) -> Option<usize> {
    match r {
        ColumnRef::Index(n) => (*n <= header.len()).then(|| n - 1),
        ColumnRef::Name(name) => {
            let find = |name: &str, nth: usize| {
                header
                    .iter()
                    .enumerate()
                    .filter(|(_, h)| h.trim().eq_ignore_ascii_case(name.trim()))
                    .nth(nth.checked_sub(1)?)
                    .map(|(i, _)| i)
            };
            // A header literally named "Comment#2" wins over the second "Comment".
            find(name, 1).or_else(|| {
                let (base, n) = name.rsplit_once('#')?;
                find(base, n.trim().parse().ok()?)
            })
        }
    }
}

impl std::fmt::Display for ColumnRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ColumnRef::Index(n) => write!(f, "{{ index = {n} }}"),
            ColumnRef::Name(name) => write!(f, "{name:?}"),
        }
    }
}
