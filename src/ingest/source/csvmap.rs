//! The `csv` connector: any CSV export (Jira Service Management, a ServiceNow list the
//! `servicenow` connector cannot read, a spreadsheet) read through a mapping file.
//!
//! The mapping (TOML, `mapping.rs`; `sample_data/mappings/` has commented examples) names the
//! target table, the `source` stored with each row, the CSV column behind each canonical column
//! (by header name, case-insensitive; `"Comment#2"` or `{ index = N }` where a name repeats; a
//! list gives alternatives, the first non-empty cell wins),
//! strftime formats of its dates, value maps (`"Highest" = "SEV1"`, `"Done" = "resolved"`),
//! constants and labels. It comes from `--mapping FILE`, else from a file beside the CSV named
//! `<stem>.mapping.toml`; with `--source auto` only such a sibling makes this connector claim a CSV.
//!
//! Instants: a mapped timestamp column is read with its `[formats]` entry, then `default`, then
//! the canonical forms (RFC 3339, `YYYY-MM-DD HH:MM[:SS]`, epoch); naive times are in the
//! mapping's `timezone`, else `--timezone`. A format with `%z` reads its own offset; a date-only
//! format gives local midnight. Ids: `incident_id`/`alert_id` values without the `<source>:`
//! prefix get it; for incidents, `source_id` is the tool's key and the rules derive the id.

mod mapping;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use serde_json::{Map, Value};

use super::util::{self, Fields};
use super::{Content, Input, Out, Source, SourceContext};
use crate::error::{Error, Result};
use crate::ingest::reader::Location;
use crate::model::vocab::{
    ActionKind, ActionStatus, EventKind, IncidentKind, IncidentStatus, Priority,
};
use crate::model::{ColumnType, Table};
pub use mapping::Mapping;
use mapping::{ColumnRef, resolve};

#[derive(Debug, Default)]
pub struct CsvMapping {
    /// Mappings by path: one `--mapping` serves every file of a run and is read once.
    loaded: HashMap<PathBuf, Mapping>,
}

/// The mapping file beside a CSV: `jira.csv` → `jira.mapping.toml`.
pub fn sibling_mapping(path: &Path) -> Option<PathBuf> {
    let stem = path.file_stem()?.to_string_lossy().to_string();
    let p = path.with_file_name(format!("{stem}.mapping.toml"));
    p.is_file().then_some(p)
}

impl Source for CsvMapping {
    fn name(&self) -> &'static str {
        "csv"
    }

    fn detect(&self, input: &Input) -> Option<&'static str> {
        match input.content {
            Content::Csv { .. } => {
                sibling_mapping(&input.path).map(|_| "CSV with a sibling mapping file")
            }
            Content::Json(_) => None,
        }
    }

    fn read(&mut self, input: &Input, ctx: &SourceContext, out: &mut Out) -> Result<()> {
        let Content::Csv { header, rows } = &input.content else {
            return Err(Error::input(
                &input.path,
                None,
                format!(
                    "the csv connector reads CSV files, and this is {}; pick the tool's connector with --source, or export CSV",
                    input.describe()
                ),
            ));
        };
        let path = ctx.mapping.clone().or_else(|| sibling_mapping(&input.path)).ok_or_else(|| {
            let stem = input.path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
            Error::input(
                &input.path,
                None,
                format!("--source csv needs a mapping file: pass --mapping FILE.toml, or put one beside the CSV named {stem}.mapping.toml (examples in sample_data/mappings/)"),
            )
        })?;
        let m: &Mapping = match self.loaded.entry(path) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let m = Mapping::load(e.key())?;
                e.insert(m)
            }
        };
        let cols = Resolved::new(m, header).map_err(|e| Error::input(&input.path, Some(1), e))?;
        let zone = m.zone.unwrap_or(ctx.zone);
        for (line, rec) in rows {
            let loc = Location {
                line: *line,
                json_path: None,
            };
            let raw = raw(header, rec);
            match row(m, &cols, rec, zone) {
                Ok(f) => out.row(m.table, loc, f.into_map(), &raw),
                Err(e) => out.refuse(loc, Some(m.table), e, &raw),
            }
        }
        Ok(())
    }
}

/// The mapping's references as header positions.
struct Resolved {
    columns: Vec<(String, Vec<usize>)>,
    labels: Vec<(String, Vec<usize>)>,
}

impl Resolved {
    /// Every reference the header lacks, in one whole-file error that lists the header. A list of
    /// references is a list of alternatives (field names or labels, two tool versions): those
    /// the header lacks are skipped, and only a list none of which is there is an error.
    fn new(m: &Mapping, header: &[String]) -> std::result::Result<Resolved, String> {
        let mut missing = vec![];
        let mut find = |section: &str, key: &str, refs: &[ColumnRef]| -> Vec<usize> {
            let found: Vec<usize> = refs.iter().filter_map(|r| resolve(r, header)).collect();
            if found.is_empty() {
                let names: Vec<String> = refs.iter().map(ToString::to_string).collect();
                missing.push(format!("{section}.{key} = {}", names.join(" or ")));
            }
            found
        };
        let columns = m
            .columns
            .iter()
            .map(|(c, r)| (c.clone(), find("columns", c, r)))
            .collect();
        let labels = m
            .labels
            .iter()
            .map(|(c, r)| (c.clone(), find("labels", c, r)))
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "the mapping {} names columns this CSV does not have: {}. The header has: {}",
                m.path.display(),
                missing.join(", "),
                header.join(", ")
            ));
        }
        Ok(Resolved { columns, labels })
    }
}

/// The row as JSON for the rejected log; a repeated header name gets `#N`.
fn raw(header: &[String], rec: &csv::StringRecord) -> Value {
    let mut m = Map::new();
    for (h, v) in header.iter().zip(rec.iter()) {
        let mut key = h.clone();
        let mut n = 1;
        while m.contains_key(&key) {
            n += 1;
            key = format!("{h}#{n}");
        }
        m.insert(key, Value::from(v));
    }
    Value::Object(m)
}

/// The canonical row of one CSV record; `Err` lists every column that failed.
fn row(
    m: &Mapping,
    cols: &Resolved,
    rec: &csv::StringRecord,
    zone: Tz,
) -> std::result::Result<Fields, String> {
    let spec = m.table.spec();
    let mut f = Fields::new();
    let mut problems = vec![];
    let cell = |idx: &[usize]| {
        idx.iter()
            .filter_map(|i| rec.get(*i))
            .map(str::trim)
            .find(|s| !s.is_empty())
            .map(str::to_string)
    };
    let mapped = cols.columns.iter().map(|(c, i)| (c.as_str(), cell(i), i));
    let constants = m
        .constants
        .iter()
        .filter(|(c, _)| !cols.columns.iter().any(|(k, _)| k == c));
    let all = mapped
        .map(|(c, v, i)| (c, v, Some(i)))
        .chain(constants.map(|(c, v)| (c.as_str(), Some(v.clone()), None)));
    for (col, value, from) in all {
        let shown = || match from.and_then(|i| i.first()) {
            Some(i) => format!("{col} (column {})", i + 1),
            None => col.to_string(),
        };
        let value = match (value, from) {
            (Some(v), Some(_)) => match translate(m, col, &v) {
                Ok(x) => x,
                Err(e) => {
                    problems.push(format!("{}: {e}", shown()));
                    continue;
                }
            },
            (v, _) => v,
        };
        // An empty mapped cell falls back to the constant of the same column.
        let value = value.or_else(|| {
            m.constants
                .iter()
                .find(|(c, _)| c == col)
                .map(|(_, v)| v.clone())
        });
        let Some(value) = value else { continue };
        let ty = spec.position(col).map(|i| spec.columns[i].ty);
        if ty == Some(ColumnType::Timestamp) {
            match instant(&value, formats(m, col), zone) {
                Ok(t) => {
                    f.ts(col, t);
                }
                Err(e) => problems.push(format!("{}: {e}", shown())),
            }
            continue;
        }
        let value = match col {
            "incident_id" | "alert_id" if !value.starts_with(&format!("{}:", m.source)) => {
                format!("{}:{value}", m.source)
            }
            _ => value,
        };
        f.text(col, Some(value));
    }
    // Say which CSV column came up empty rather than leave the row parser to report a derived
    // column (`incident_id`) missing.
    let mut needed: Vec<&str> = crate::ingest::rules::essential(m.table).to_vec();
    if m.table == Table::Incidents && f.get("incident_id").is_none() {
        needed.push("source_id");
    }
    for need in needed {
        if f.get(need).is_none() && !problems.iter().any(|p| p.starts_with(need)) {
            let at = cols
                .columns
                .iter()
                .find(|(c, _)| c == need)
                .and_then(|(_, i)| i.first())
                .map_or_else(String::new, |i| format!(" (column {})", i + 1));
            problems.push(format!("{need}{at}: empty; every {} row needs it", m.table));
        }
    }
    if spec.position("source").is_some() && f.get("source").is_none() {
        f.text("source", Some(m.source.clone()));
    }
    let mut labels = Map::new();
    for (name, idx) in &cols.labels {
        if let Some(v) = cell(idx) {
            labels.insert(name.clone(), Value::from(v));
        }
    }
    f.labels("labels", labels);
    if problems.is_empty() {
        Ok(f)
    } else {
        Err(problems.join("; "))
    }
}

/// A cell through its column's value map. Closed vocabularies are checked here, where the hint
/// to extend the map can be given.
fn translate(m: &Mapping, col: &str, v: &str) -> std::result::Result<Option<String>, String> {
    let out = match m.values.get(col) {
        Some(vals) => match vals.map.get(&v.to_lowercase()).or(vals.other.as_ref()) {
            Some(x) => x.clone(),
            None => v.to_string(),
        },
        None => v.to_string(),
    };
    if out.trim().is_empty() {
        return Ok(None);
    }
    if let Some((ok, expected)) = vocabulary(m.table, col)
        && !ok(&out)
    {
        return Err(format!(
            "{v:?} is not one of {expected}; map it in [values.{col}] (\"{v}\" = \"...\", or \"*\" = \"...\" for every other value)"
        ));
    }
    Ok(Some(out))
}

type Check = fn(&str) -> bool;

fn vocabulary(table: Table, col: &str) -> Option<(Check, String)> {
    Some(match (table, col) {
        (Table::Incidents, "status") => (
            |s| IncidentStatus::parse(s).is_some(),
            IncidentStatus::expected(),
        ),
        (Table::Incidents, "kind") => (
            |s| IncidentKind::parse(s).is_some(),
            IncidentKind::expected(),
        ),
        (Table::IncidentEvents, "kind") => {
            (|s| EventKind::parse(s).is_some(), EventKind::expected())
        }
        (Table::ActionItems, "kind") => {
            (|s| ActionKind::parse(s).is_some(), ActionKind::expected())
        }
        (Table::ActionItems, "priority") => {
            (|s| Priority::parse(s).is_some(), Priority::expected())
        }
        (Table::ActionItems, "status") => (
            |s| ActionStatus::parse(s).is_some(),
            ActionStatus::expected(),
        ),
        _ => return None,
    })
}

fn formats<'a>(m: &'a Mapping, col: &str) -> Vec<&'a str> {
    let own = m.formats.get(col).into_iter().flatten();
    let default = m.formats.get("default").into_iter().flatten();
    own.chain(default).map(String::as_str).collect()
}

/// A cell as an instant: the mapping's formats in order, then the canonical forms.
fn instant(s: &str, formats: Vec<&str>, zone: Tz) -> std::result::Result<Option<i64>, String> {
    for f in &formats {
        if f.contains("%z") || f.contains("%:z") || f.contains("%#z") {
            if let Ok(d) = DateTime::parse_from_str(s, f) {
                return Ok(Some(d.timestamp_micros()));
            }
        } else if NaiveDateTime::parse_from_str(s, f).is_ok() {
            return util::instant_fmt(s, &[f], zone);
        } else if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            let midnight = d.format("%Y-%m-%d 00:00:00").to_string();
            return util::instant_fmt(&midnight, &["%Y-%m-%d %H:%M:%S"], zone);
        }
    }
    util::instant_text(s, zone).map_err(|e| {
        if formats.is_empty() {
            e
        } else {
            format!("cannot read {s:?} with the mapping's formats ({}) nor as RFC 3339 or YYYY-MM-DD HH:MM[:SS]", formats.join(", "))
        }
    })
}
