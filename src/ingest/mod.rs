//! Canonical ingest: walk the inputs, read each file (CSV, NDJSON, JSON) as the table its name
//! says, type and check every row, log what is rejected, and commit the rest to the store in one
//! atomic step.
//!
//! Bad rows never stop a run silently and never vanish: each becomes a `Rejection` with file, line
//! and reason. `--strict` turns the first one into an error, and `--max-rejected` fails the run
//! (writing nothing) when there are too many. Source-specific connectors are not here.

pub mod reader;
pub mod row;
pub mod rules;
pub mod timestamp;

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::Table;
use crate::store::{Rejection, RowBuilder, RunRecord, Staged, Store, TableCounts};
use reader::{Format, Location, Record};
use row::{FieldMap, RowContext};

/// How many rejected rows a run tolerates before it fails.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MaxRejected {
    Count(u64),
    Percent(f64),
}

impl MaxRejected {
    /// `N` or `P%`.
    pub fn parse(s: &str) -> std::result::Result<MaxRejected, String> {
        let t = s.trim();
        if let Some(p) = t.strip_suffix('%') {
            let v: f64 = p
                .trim()
                .parse()
                .map_err(|_| format!("expected N or P%, found {s:?}"))?;
            if !(0.0..=100.0).contains(&v) {
                return Err(format!("a percentage from 0% to 100%, found {s:?}"));
            }
            return Ok(MaxRejected::Percent(v));
        }
        t.parse()
            .map(MaxRejected::Count)
            .map_err(|_| format!("expected N or P%, found {s:?}"))
    }

    fn exceeded(self, rejected: u64, read: u64) -> bool {
        match self {
            MaxRejected::Count(n) => rejected > n,
            MaxRejected::Percent(p) => read > 0 && (rejected as f64) * 100.0 > p * read as f64,
        }
    }
}

#[derive(Debug, Clone)]
pub struct IngestOptions {
    pub inputs: Vec<PathBuf>,
    /// Overrides the table named by each file.
    pub table: Option<Table>,
    /// Zone of naive timestamps.
    pub zone: Tz,
    pub strict: bool,
    pub max_rejected: MaxRejected,
}

#[derive(Debug)]
pub struct IngestReport {
    pub run: RunRecord,
    pub files: Vec<PathBuf>,
    pub rejections: Vec<Rejection>,
    pub warnings: Vec<String>,
}

/// Rows per Arrow batch while reading: keeps every string column far below Arrow's 2 GiB limit.
const BATCH_ROWS: usize = 256 * 1024;
/// Inputs larger than this in total get a progress bar (on a terminal).
const PROGRESS_BYTES: u64 = 4 * 1024 * 1024;

pub fn ingest(store: &Store, config: &Config, opts: &IngestOptions) -> Result<IngestReport> {
    let started = chrono::Utc::now();
    let files = expand_inputs(&opts.inputs)?;
    let lock = store.lock()?;
    let run_id = format!(
        "{}-{}",
        started.format("%Y%m%dT%H%M%S%.3fZ"),
        std::process::id()
    );

    let total: u64 = files
        .iter()
        .filter_map(|(p, _)| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let bar = if total > PROGRESS_BYTES && std::io::stderr().is_terminal() {
        let b = ProgressBar::new(total);
        b.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b.set_message("ingesting");
        b
    } else {
        ProgressBar::hidden()
    };

    let ctx = RowContext {
        config,
        zone: opts.zone,
    };
    let mut builders: BTreeMap<Table, RowBuilder> = BTreeMap::new();
    let mut staged = Staged::default();
    let mut counts: BTreeMap<Table, TableCounts> = BTreeMap::new();
    let mut rejections = vec![];
    let mut warnings = vec![];

    for (path, format) in &files {
        let table = match opts.table {
            Some(t) => t,
            None => table_of(path)?,
        };
        let spec = table.spec();
        let shown = path.display().to_string();
        let mut map: Option<FieldMap> = None;
        let wrap =
            |r: Box<dyn std::io::Read>| -> Box<dyn std::io::Read> { Box::new(bar.wrap_read(r)) };
        let mut each = |loc: Location, rec: Record<'_>, raw: &str| -> Result<()> {
            if map.is_none() {
                map = Some(match &rec {
                    Record::Csv { header, .. } => {
                        check_header(path, table, header, &mut warnings)?;
                        FieldMap::for_csv(spec, header)
                    }
                    _ => FieldMap::for_json(),
                });
            }
            let c = counts.entry(table).or_default();
            c.read += 1;
            let fields = map.as_ref().expect("set above");
            match row::parse(spec, fields, &rec, &ctx) {
                Ok(cells) => {
                    let b = builders
                        .entry(table)
                        .or_insert_with(|| RowBuilder::new(table));
                    b.push(&cells);
                    if b.len() >= BATCH_ROWS {
                        staged.tables.entry(table).or_default().push(b.finish());
                    }
                }
                Err(reason) => {
                    c.rejected += 1;
                    let r = Rejection {
                        file: shown.clone(),
                        line: loc.line,
                        json_path: loc.json_path,
                        table: Some(table.name().to_string()),
                        reason,
                        raw: raw.to_string(),
                    };
                    if opts.strict {
                        return Err(Error::Rejected(format!(
                            "{} (--strict: nothing was written)",
                            r.describe()
                        )));
                    }
                    rejections.push(r);
                }
            }
            Ok(())
        };
        reader::read(path, *format, &wrap, &mut each)?;
    }
    bar.finish_and_clear();
    for (table, mut b) in builders {
        if !b.is_empty() {
            staged.tables.entry(table).or_default().push(b.finish());
        }
    }

    let read: u64 = counts.values().map(|c| c.read).sum();
    if opts.max_rejected.exceeded(rejections.len() as u64, read) {
        let mut msg = format!(
            "{} of {read} rows were rejected, more than --max-rejected allows; nothing was written. First reasons:",
            rejections.len()
        );
        for r in rejections.iter().take(10) {
            msg.push_str(&format!("\n  {}", r.describe()));
        }
        msg.push_str("\nFix the input, or raise --max-rejected (N or P%) to keep the good rows.");
        return Err(Error::Rejected(msg));
    }

    let tables = counts
        .iter()
        .map(|(t, c)| (t.name().to_string(), c.clone()))
        .collect();
    let run = RunRecord {
        id: run_id,
        started_at: started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        finished_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        inputs: opts
            .inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        tables,
        rejected_log: None,
    };
    let outcome = store.commit(&lock, staged, run, &rejections)?;
    drop(lock);
    Ok(IngestReport {
        run: outcome.run,
        files: files.into_iter().map(|(p, _)| p).collect(),
        rejections,
        warnings,
    })
}

/// Files under the inputs with a canonical extension, folders walked in name order; hidden files
/// and other extensions (READMEs, mapping files) are skipped.
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<(PathBuf, Format)>> {
    let mut out = vec![];
    for input in inputs {
        if !input.exists() {
            return Err(Error::input(
                input,
                None,
                "no such file or folder; check the path",
            ));
        }
        if input.is_file() {
            let f = Format::of(input).ok_or_else(|| {
                Error::input(
                    input,
                    None,
                    "unknown file type; canonical inputs are .csv, .ndjson, .jsonl or .json",
                )
            })?;
            out.push((input.clone(), f));
            continue;
        }
        let before = out.len();
        let walk = walkdir::WalkDir::new(input)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walk {
            let entry = entry
                .map_err(|e| Error::input(input, None, format!("cannot walk the folder: {e}")))?;
            if entry.file_type().is_file()
                && let Some(f) = Format::of(entry.path())
            {
                out.push((entry.path().to_path_buf(), f));
            }
        }
        if out.len() == before {
            return Err(Error::input(
                input,
                None,
                "the folder holds no .csv, .ndjson, .jsonl or .json files",
            ));
        }
    }
    Ok(out)
}

/// The table a file holds, from its name: `incidents.csv`, `alerts.ndjson`, `alerts-2026-11.csv`.
pub fn table_of(path: &Path) -> Result<Table> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let stem = name
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    Table::ALL
        .into_iter()
        .find(|t| stem == t.name() || stem.strip_prefix(t.name()).is_some_and(|rest| rest.starts_with('-')))
        .ok_or_else(|| {
            Error::input(
                path,
                None,
                format!(
                    "cannot tell which table this file holds; name it after a table ({}), e.g. incidents.csv, or pass --table",
                    Table::names()
                ),
            )
        })
}

/// A CSV header must have the columns no rule can derive; columns the table does not know are
/// reported (once per file), not silently ignored.
fn check_header(
    path: &Path,
    table: Table,
    header: &[String],
    warnings: &mut Vec<String>,
) -> Result<()> {
    let spec = table.spec();
    let has = |c: &str| header.iter().any(|h| h.eq_ignore_ascii_case(c));
    let missing: Vec<&str> = rules::essential(table)
        .iter()
        .copied()
        .filter(|c| !has(c))
        .collect();
    if !missing.is_empty() {
        let all: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
        return Err(Error::input(
            path,
            Some(1),
            format!(
                "the header lacks the required column(s) {} of table {table}; its columns are: {}",
                missing.join(", "),
                all.join(", ")
            ),
        ));
    }
    let unknown: Vec<&str> = header
        .iter()
        .map(String::as_str)
        .filter(|h| {
            !h.is_empty()
                && spec.position(h).is_none()
                && !spec.columns.iter().any(|c| c.name.eq_ignore_ascii_case(h))
        })
        .collect();
    if !unknown.is_empty() {
        warnings.push(format!(
            "{}: ignored column(s) not in table {table}: {}",
            path.display(),
            unknown.join(", ")
        ));
    }
    Ok(())
}
