//! The ServiceNow connector: incidents of the `incident` table, from three shapes.
//!
//! - Table API JSON (`GET /api/now/table/incident`): `{"result": [...]}`, `{"result": {...}}`, a
//!   bare array, or one record per line (Elastic's collector), in any `sysparm_display_value`
//!   mode, told apart per record (`table_api::mode`). Instants: a stored `value` is UTC
//!   `YYYY-MM-DD HH:MM:SS`; a display value (`true`) is in the API user's zone (`--timezone`) and
//!   date format (`yyyy-MM-dd`, `MM/dd/yyyy`, `dd/MM/yyyy`, `dd.MM.yyyy`; slash and dash forms are
//!   told apart by a day above 12 anywhere in the file, else read month-first with a note). With
//!   `all`, instants and codes come from `value`, names from `display_value`.
//! - The audit event log CSV (UCI "Incident management process enriched event log": `number,
//!   incident_state, sys_mod_count, ...`, one row per update, `?` for null, `d/m/yyyy HH:MM` in
//!   `--timezone`): one incident per number plus its timeline (`audit`).
//! - The list CSV export (UI "Export → CSV"): one incident per row, display values as above.
//!
//! Incident mapping (`record::incident`): source_id = `number` (else `sys_id`; the CSV shapes have
//! no sys_id, so the number is what makes every shape converge), title = `short_description`,
//! team = `assignment_group`, service = `business_service` else `cmdb_ci`, severity_raw = the
//! priority label (`1 - Critical`; codes mapped to it), status from `state`/`incident_state` (New
//! open; In Progress, On Hold, Active, Awaiting ... acknowledged; Resolved, Closed, Canceled
//! resolved, Canceled with kind `duplicate`), detected_at = `opened_at`, resolved_at =
//! `resolved_at` else `closed_at` (only when the state has ended; for Canceled, else the last
//! update), reopen_count, fingerprint =
//! `problem_id` else `cmdb_ci`, updated_at = `sys_updated_on`, labels = category, subcategory,
//! close code, made_sla, impact, urgency, durations in seconds (`calendar_duration` is stored as
//! `1970-01-02 04:23:17`: a duration, never an instant) and the like.

mod audit;
mod list;
mod record;
mod table_api;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::Path;

use super::{Content, Input, Out, Source, SourceContext};
use crate::error::{Error, Result};

#[derive(Debug, Default)]
pub struct ServiceNow;

/// Column labels of list exports made with labels instead of field names, as field names.
const LABELS: &[(&str, &str)] = &[
    ("opened", "opened_at"),
    ("resolved", "resolved_at"),
    ("closed", "closed_at"),
    ("updated", "sys_updated_on"),
    ("created", "sys_created_on"),
    ("configuration_item", "cmdb_ci"),
    ("service", "business_service"),
    ("resolution_code", "close_code"),
    ("problem", "problem_id"),
    ("caller", "caller_id"),
];

/// Header names normalised (`Short description` → `short_description`, labels → field names) to
/// their first position.
fn header_index(header: &[String]) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        let key = h.trim().to_lowercase().replace([' ', '-'], "_");
        let key = LABELS
            .iter()
            .find(|(l, _)| *l == key)
            .map_or(key, |(_, f)| (*f).to_string());
        m.entry(key).or_insert(i);
    }
    m
}

/// Which CSV shape a header is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CsvShape {
    Audit,
    List,
}

fn csv_shape(header: &[String]) -> Option<CsvShape> {
    let h = header_index(header);
    let has = |c: &str| h.contains_key(c);
    if has("number") && has("incident_state") && has("sys_mod_count") {
        Some(CsvShape::Audit)
    } else if has("number") && has("opened_at") && (has("short_description") || has("state")) {
        Some(CsvShape::List)
    } else {
        None
    }
}

/// A CSV with a mapping file beside it is the `csv` connector's: the user chose that mapping.
fn has_sibling_mapping(path: &Path) -> bool {
    let stem = path.file_stem().map(|s| s.to_string_lossy().to_string());
    stem.is_some_and(|s| path.with_file_name(format!("{s}.mapping.toml")).is_file())
}

impl Source for ServiceNow {
    fn name(&self) -> &'static str {
        "servicenow"
    }

    fn detect(&self, input: &Input) -> Option<&'static str> {
        match &input.content {
            Content::Csv { header, .. } if !has_sibling_mapping(&input.path) => {
                match csv_shape(header)? {
                    CsvShape::Audit => Some("audit event log CSV"),
                    CsvShape::List => Some("list export CSV"),
                }
            }
            Content::Csv { .. } => None,
            Content::Json(_) => {
                let first = table_api::records(input.first_json()?)?;
                let shape = match first.first().and_then(|(_, r)| r.as_object()) {
                    Some(r) => match table_api::mode(r) {
                        table_api::Mode::Raw => "Table API records (display_value=false)",
                        table_api::Mode::Display => "Table API records (display_value=true)",
                        table_api::Mode::All => "Table API records (display_value=all)",
                    },
                    None => "Table API page",
                };
                Some(shape)
            }
        }
    }

    fn read(&mut self, input: &Input, ctx: &SourceContext, out: &mut Out) -> Result<()> {
        let whole = |line, msg: String| Error::input(&input.path, line, msg);
        match &input.content {
            Content::Csv { header, rows } => match csv_shape(header) {
                Some(CsvShape::Audit) => {
                    audit::read(header, rows, ctx, out);
                    Ok(())
                }
                Some(CsvShape::List) => {
                    list::read(header, rows, ctx, out).map_err(|e| whole(None, e))
                }
                None => Err(whole(
                    Some(1),
                    format!(
                        "not a ServiceNow CSV export: expected the audit event log (number, incident_state, sys_mod_count, ...) or a list export (number, opened_at, short_description or state, ...); found {}. For another CSV use --source csv --mapping FILE",
                        input.describe()
                    ),
                )),
            },
            Content::Json(docs) => {
                let first = docs.iter().find_map(|d| d.value.as_ref().ok());
                if first.is_some_and(|v| table_api::records(v).is_none())
                    || first.is_none() && docs.is_empty()
                {
                    return Err(whole(
                        docs.first().map(|d| d.line),
                        format!(
                            "not a ServiceNow Table API export: expected {{\"result\": [...]}} (GET /api/now/table/incident) or incident records with number/sys_id; found {}",
                            input.describe()
                        ),
                    ));
                }
                table_api::read(docs, ctx, out).map_err(|e| whole(None, e))
            }
        }
    }
}
