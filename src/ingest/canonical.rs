//! The row sink every ingest path feeds, and what tells a canonical table file (`incidents.csv`,
//! `alerts.ndjson`) from a vendor export for `--source auto` and checks its header.
//!
//! `Sink` is where connector rows and canonical records (`parallel.rs`) meet the row parser: each
//! is typed and checked once, appended to Arrow batches that are spilled as they fill, or
//! rejected with file, line and reason, so memory does not grow with the input.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Mutex;

use serde_json::value::RawValue;

use super::reader::{self, Format, Location, RawRecord, Record};
use super::row::{self, FieldMap, RowContext};
use super::rules;
use super::source::Out;
use crate::error::{Error, Result};
use crate::model::{Cell, Table};
use crate::store::{MonthRows, Rejection, Staging, TableCounts};

/// Rows per Arrow batch while reading, spilled when full: bounds the memory of reading (about
/// 64k rows of each table at a time) and keeps every string column far below Arrow's 2 GiB limit.
const BATCH_ROWS: usize = 64 * 1024;

/// Typed rows and rejections of one input file (or of the connectors' rows), before the commit.
/// Rows go to the store's staging (on disk) a batch at a time, so memory does not grow with the
/// input; several sinks (one per file being read) share one staging.
pub struct Sink<'a> {
    ctx: RowContext<'a>,
    strict: bool,
    staging: &'a Mutex<Staging>,
    /// The input-order number of the next row: the file's place in the run, then the row's.
    next_seq: u64,
    /// Rows being built per table, split by month as they come, with their input-order numbers.
    builders: BTreeMap<Table, MonthRows>,
    counts: BTreeMap<Table, TableCounts>,
    /// With each its input-order number: sinks typing one file's records on several threads
    /// put their rejections back in input order by it.
    rejections: Vec<(u64, Rejection)>,
    /// The row being typed, kept from row to row for its text buffers.
    cells: Vec<Cell>,
}

/// What a sink typed: counts per table, and the rejections with their input-order numbers.
pub type Typed = (BTreeMap<Table, TableCounts>, Vec<(u64, Rejection)>);

/// Rows one file may bring before the next file's numbers start (2^40, about a trillion).
pub const FILE_SEQ_SPAN: u64 = 1 << 40;

impl<'a> Sink<'a> {
    /// A sink for the `position`-th input of the run.
    pub fn new(
        ctx: RowContext<'a>,
        strict: bool,
        staging: &'a Mutex<Staging>,
        position: usize,
    ) -> Sink<'a> {
        Sink {
            ctx,
            strict,
            staging,
            next_seq: position as u64 * FILE_SEQ_SPAN,
            builders: BTreeMap::new(),
            counts: BTreeMap::new(),
            rejections: vec![],
            cells: vec![],
        }
    }

    /// Type one record as a row of `table`, or reject it; it is the next in input order.
    fn accept(
        &mut self,
        file: &str,
        table: Table,
        map: &FieldMap,
        loc: Location,
        rec: &Record<'_>,
        raw: RawRecord<'_>,
    ) -> Result<()> {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.accept_at(seq, file, table, map, loc, rec, raw)
    }

    /// Type one record, whose input-order number is `seq`, as a row of `table`, or reject it.
    #[allow(clippy::too_many_arguments)]
    pub fn accept_at(
        &mut self,
        seq: u64,
        file: &str,
        table: Table,
        map: &FieldMap,
        loc: Location,
        rec: &Record<'_>,
        raw: RawRecord<'_>,
    ) -> Result<()> {
        let spec = table.spec();
        self.counts.entry(table).or_default().read += 1;
        let mut cells = std::mem::take(&mut self.cells);
        let parsed = row::parse_into(spec, map, rec, &self.ctx, &mut cells);
        let r = self.add(seq, file, table, loc, raw, &cells, parsed);
        self.cells = cells;
        r
    }

    /// Append a parsed row (`parsed` is Ok), or reject the record.
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        seq: u64,
        file: &str,
        table: Table,
        loc: Location,
        raw: RawRecord<'_>,
        cells: &[Cell],
        parsed: std::result::Result<(), String>,
    ) -> Result<()> {
        match parsed {
            Ok(()) => {
                let b = self
                    .builders
                    .entry(table)
                    .or_insert_with(|| MonthRows::new(table));
                b.push(cells, seq);
                if b.len() >= BATCH_ROWS {
                    self.flush(table)?;
                }
                Ok(())
            }
            Err(reason) => {
                self.counts.entry(table).or_default().rejected += 1;
                self.reject(
                    seq,
                    Rejection {
                        file: file.to_string(),
                        line: loc.line,
                        json_path: loc.json_path,
                        table: Some(table.name().to_string()),
                        reason,
                        raw: raw.text(),
                    },
                )
            }
        }
    }

    fn flush(&mut self, table: Table) -> Result<()> {
        if let Some(b) = self.builders.get_mut(&table)
            && !b.is_empty()
        {
            // Made ready before taking the lock the typing threads share.
            let parts = b.take()?;
            let mut staging = self.staging.lock().unwrap_or_else(|p| p.into_inner());
            staging.add_parts(parts)?;
        }
        Ok(())
    }

    /// Stage the rows still being built; returns the counts and the rejections with their
    /// input-order numbers.
    pub fn finish(mut self) -> Result<Typed> {
        let tables: Vec<Table> = self.builders.keys().copied().collect();
        for t in tables {
            self.flush(t)?;
        }
        Ok((self.counts, self.rejections))
    }

    fn reject(&mut self, seq: u64, r: Rejection) -> Result<()> {
        if self.strict {
            return Err(Error::Rejected(format!(
                "{} (--strict: nothing was written)",
                r.describe()
            )));
        }
        self.rejections.push((seq, r));
        Ok(())
    }

    /// Everything the connectors produced: refusals first (they are rejections already), then
    /// each row through the row parser.
    pub fn take(&mut self, out: Out, warnings: &mut Vec<String>) -> Result<()> {
        warnings.extend(out.notes);
        for r in out.refused {
            if let Some(t) = r.table {
                let c = self.counts.entry(t).or_default();
                c.read += 1;
                c.rejected += 1;
            }
            let seq = self.next_seq;
            self.next_seq += 1;
            self.reject(
                seq,
                Rejection {
                    file: r.file,
                    line: r.loc.line,
                    json_path: r.loc.json_path,
                    table: r.table.map(|t| t.name().to_string()),
                    reason: r.reason,
                    raw: r.raw,
                },
            )?;
        }
        let map = FieldMap::for_json();
        for e in out.rows {
            self.accept(
                &e.file,
                e.table,
                &map,
                e.loc,
                &Record::Json(&e.fields),
                RawRecord::Text(&e.raw),
            )?;
        }
        Ok(())
    }
}

/// Whether `--source auto` should read `path` as a canonical table file: its name names a table
/// and its first record has the columns no rule can derive. Only the head of the file is read,
/// so bulk files are not loaded to be sniffed.
pub fn is_canonical(path: &Path, format: Format) -> bool {
    let Ok(table) = super::table_of(path) else {
        return false;
    };
    let Ok(file) = reader::codec::open(path) else {
        // Let the reader report the problem with its path.
        return true;
    };
    let mut head = String::new();
    let mut rdr = BufReader::new(file.take(256 * 1024));
    let essential = rules::essential(table);
    match format {
        Format::Csv => {
            if rdr.read_line(&mut head).is_err() {
                return true;
            }
            let cols: Vec<String> = head
                .trim_start_matches('\u{feff}')
                .split(',')
                .map(|c| c.trim().trim_matches('"').to_ascii_lowercase())
                .collect();
            essential.iter().all(|e| cols.iter().any(|c| c == e))
        }
        Format::Ndjson | Format::Json => {
            if rdr.read_to_string(&mut head).is_err() {
                return true;
            }
            let t = head.trim_start_matches('\u{feff}').trim_start();
            let t = t.strip_prefix('[').unwrap_or(t);
            // Only the keys are read: a value that is well formed but unreadable (a lone surrogate
            // escape, deep nesting) is that row's problem for the canonical reader to reject, not
            // a reason to hand the file to the connectors, which refuse it whole.
            let first = serde_json::Deserializer::from_str(t)
                .into_iter::<BTreeMap<String, &RawValue>>()
                .next();
            match first {
                Some(Ok(m)) => essential.iter().all(|e| m.contains_key(*e)),
                // An empty file or array: nothing to misread.
                None => true,
                _ => t.trim_start().starts_with(']'),
            }
        }
    }
}

/// A CSV header must have the columns no rule can derive; columns the table does not know are
/// reported (once per file), not silently ignored.
pub(crate) fn check_header(
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
