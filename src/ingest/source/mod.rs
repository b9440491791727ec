//! Connectors: one module per tool (PagerDuty, Opsgenie, Alertmanager, ...) implementing the one
//! `Source` trait, the registry that names them, and the sniffing behind `--source auto`.
//!
//! A connector never writes to the store and never types a column itself: it turns an input
//! (`Input`: JSON documents or CSV rows; for a large NDJSON export, its head and a stream of the
//! rest) into canonical rows as JSON objects keyed by column name, each with its location, handed
//! on a window at a time (`Out`), and rejects what it cannot read with a reason. The canonical row parser
//! (`row.rs`, `rules.rs`) then types, maps teams and severities, derives ids and checks every row,
//! exactly as for canonical files, so every source obeys the same rules.

pub mod alertmanager;
pub mod csvmap;
pub mod firehydrant;
pub mod grafana;
pub mod incidentio;
pub mod input;
pub mod opsgenie;
pub mod pagerduty;
pub mod servicenow;
pub mod statuspage;
pub mod util;

use std::path::PathBuf;

use chrono_tz::Tz;
use serde_json::{Map, Value};

use super::reader::Location;
use crate::error::{Error, Result};
use crate::model::Table;
pub use input::{Content, Doc, Input};

/// What a connector needs besides the input.
#[derive(Debug, Clone)]
pub struct SourceContext {
    /// The zone of naive timestamps whose zone the export does not state (`--timezone`, else the
    /// config's `timezone`). Sources that state a zone (PagerDuty Analytics `time_zone`) use theirs.
    pub zone: Tz,
    /// The mapping file of the `csv` source.
    pub mapping: Option<PathBuf>,
}

/// One canonical row a connector produced, before typing.
#[derive(Debug, Clone)]
pub struct Emitted {
    pub file: String,
    pub table: Table,
    pub loc: Location,
    pub fields: Map<String, Value>,
    /// The source record, for the rejected log should the row be rejected later.
    pub raw: String,
}

/// A source record the connector could not turn into rows.
#[derive(Debug, Clone)]
pub struct Refused {
    pub file: String,
    pub loc: Location,
    pub table: Option<Table>,
    pub reason: String,
    pub raw: String,
}

/// Rows a connector may hold before they are handed on, when the run drains them (`Out::draining`):
/// bounds what one streamed file keeps in memory to a window of rows, whatever its size.
pub const DRAIN_ROWS: usize = 4096;

/// Where a connector puts its rows and refusals.
///
/// Rows are handed to the run's sink every `DRAIN_ROWS` when a drain is set, so a connector
/// reading a streamed input never holds more than a window of them. Refusals and notes stay here
/// to the end: the run logs refusals before the rows' own rejections, and there are as many of
/// them as there are bad records, which the rejected log holds anyway.
#[derive(Default)]
pub struct Out<'a> {
    /// The file being read; rows and refusals are attributed to it.
    pub file: String,
    pub rows: Vec<Emitted>,
    pub refused: Vec<Refused>,
    /// Things the user should know that are not errors (a file with no incident data in it).
    pub notes: Vec<String>,
    drain: Option<&'a mut dyn FnMut(Vec<Emitted>) -> Result<()>>,
    /// Rows already handed to the drain.
    drained: u64,
}

impl std::fmt::Debug for Out<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Out")
            .field("file", &self.file)
            .field("rows", &self.rows)
            .field("refused", &self.refused)
            .field("notes", &self.notes)
            .field("drained", &self.drained)
            .finish()
    }
}

impl<'a> Out<'a> {
    /// An `Out` that hands its rows to `drain`, in the order they were produced.
    pub fn draining(drain: &'a mut dyn FnMut(Vec<Emitted>) -> Result<()>) -> Out<'a> {
        Out {
            drain: Some(drain),
            ..Out::default()
        }
    }

    /// An `Out` holding just these rows (what a drain hands to the sink).
    pub fn of_rows(rows: Vec<Emitted>) -> Out<'static> {
        Out {
            rows,
            ..Out::default()
        }
    }

    /// Hand the rows on if a window of them is full. Connectors call it between records.
    pub fn drain(&mut self) -> Result<()> {
        if self.rows.len() >= DRAIN_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Hand every row held on (when a drain is set).
    pub fn flush(&mut self) -> Result<()> {
        if let Some(drain) = self.drain.as_mut()
            && !self.rows.is_empty()
        {
            let rows = std::mem::take(&mut self.rows);
            self.drained += rows.len() as u64;
            drain(rows)?;
        }
        Ok(())
    }

    /// Rows produced so far (drained or not) and records refused: a connector compares them
    /// before and after a file to tell an empty export, as `rows.len()` shrinks when drained.
    pub fn produced(&self) -> (u64, usize) {
        (self.drained + self.rows.len() as u64, self.refused.len())
    }

    /// The refusals and notes, the rows left (all of them if no drain was set), without the
    /// drain, so the sink it borrows is free again.
    pub fn detach(self) -> Out<'static> {
        Out {
            file: self.file,
            rows: self.rows,
            refused: self.refused,
            notes: self.notes,
            drain: None,
            drained: self.drained,
        }
    }

    pub fn row(&mut self, table: Table, loc: Location, fields: Map<String, Value>, raw: &Value) {
        self.rows.push(Emitted {
            file: self.file.clone(),
            table,
            loc,
            fields,
            raw: util::raw_text(raw),
        });
    }

    /// Refuse a document that is not JSON (a bad line of a stream), keeping the line's text as it
    /// was for the rejected log. `json_path` is where the connector would have read it from.
    pub fn refuse_unparsed(&mut self, doc: &Doc, json_path: Option<&str>, table: Option<Table>) {
        let reason = match &doc.value {
            Err(e) => e.clone(),
            Ok(_) => "invalid JSON".to_string(),
        };
        self.refused.push(Refused {
            file: self.file.clone(),
            loc: Location {
                line: doc.line,
                json_path: json_path.map(str::to_string),
            },
            table,
            reason,
            raw: doc.text.clone().unwrap_or_default(),
        });
    }

    pub fn refuse(
        &mut self,
        loc: Location,
        table: Option<Table>,
        reason: impl Into<String>,
        raw: &Value,
    ) {
        self.refused.push(Refused {
            file: self.file.clone(),
            loc,
            table,
            reason: reason.into(),
            raw: util::raw_text(raw),
        });
    }
}

/// A connector. One instance lives for one ingest run, so a connector may gather records across
/// files (Alertmanager counts repeat notifications of one alert) and emit them in `finish`.
pub trait Source {
    /// The name used by `--source` and stored in the `source` column.
    fn name(&self) -> &'static str;

    /// The shape of `input` if this connector reads it ("webhook v3 events"), else `None`. Must be
    /// cheap and must not claim another tool's data: `--source auto` asks every connector in turn.
    fn detect(&self, input: &Input) -> Option<&'static str>;

    /// Read one input. An `Err` is a whole-file problem (not this tool's format); record problems
    /// go to `out.refuse`.
    fn read(&mut self, input: &Input, ctx: &SourceContext, out: &mut Out) -> Result<()>;

    /// Whether `read` walks the documents with `Input::each_doc`, so a large NDJSON export is
    /// streamed to it. A connector that does not is given the input loaded whole.
    fn streams(&self) -> bool {
        false
    }

    /// Emit what was gathered across files. Most connectors emit as they read.
    fn finish(&mut self, _ctx: &SourceContext, _out: &mut Out) -> Result<()> {
        Ok(())
    }
}

/// Every connector's name, in the order `--source auto` asks them.
pub const NAMES: [&str; 9] = [
    "pagerduty",
    "opsgenie",
    "alertmanager",
    "grafana",
    "incidentio",
    "statuspage",
    "firehydrant",
    "servicenow",
    "csv",
];

/// A fresh connector by name.
pub fn by_name(name: &str) -> Option<Box<dyn Source>> {
    Some(match name {
        "pagerduty" => Box::new(pagerduty::PagerDuty::default()),
        "opsgenie" => Box::new(opsgenie::Opsgenie::default()),
        "alertmanager" => Box::new(alertmanager::Alertmanager::default()),
        "grafana" => Box::new(grafana::Grafana::default()),
        "incidentio" => Box::new(incidentio::IncidentIo::default()),
        "statuspage" => Box::new(statuspage::Statuspage::default()),
        "firehydrant" => Box::new(firehydrant::FireHydrant::default()),
        "servicenow" => Box::new(servicenow::ServiceNow),
        "csv" => Box::new(csvmap::CsvMapping::default()),
        _ => return None,
    })
}

/// The names `--source` accepts, for help and errors.
pub fn known() -> String {
    format!("auto, canonical, {}", NAMES.join(", "))
}

/// The connector that reads `input` and the shape it found, asking each in `NAMES` order. The
/// `csv` mapping source comes last and only claims a CSV that has a mapping file beside it
/// (`export.csv` with `export.mapping.toml`): a mapping is a deliberate choice, never a guess.
pub fn detect(input: &Input) -> Result<(&'static str, &'static str)> {
    for name in NAMES {
        let source =
            by_name(name).ok_or_else(|| Error::Internal(format!("no connector {name}")))?;
        if let Some(shape) = source.detect(input) {
            return Ok((name, shape));
        }
    }
    Err(Error::input(
        &input.path,
        None,
        format!(
            "unknown format: not a canonical table file and not an export any connector knows ({}). It looks like {}. Pass --source NAME to read it as a given tool's export, or --source csv --mapping FILE for any other CSV",
            NAMES.join(", "),
            input.describe()
        ),
    ))
}
