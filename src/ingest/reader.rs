//! Reading one canonical input file into records, each with its location (line, JSON path) and
//! raw text, for the row parser.
//!
//! Formats: CSV with a header; NDJSON (`.ndjson`, `.jsonl`: one object per line, a bad line is one
//! rejected row); JSON (`.json`: an array of objects, or a stream of objects). Whole-file problems
//! (missing, not UTF-8, truncated JSON, no header) are `Error::Input` naming the path and line;
//! row problems are handed to the caller as `Record::Bad` so nothing is lost.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::error::{Error, IoContext, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Ndjson,
    Json,
}

impl Format {
    /// By extension; `None` for files that are not canonical inputs.
    pub fn of(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// Where a record came from, for the rejected log and error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub line: u64,
    /// `$[17]` for an array element; `None` for CSV and NDJSON, where the line says it all.
    pub json_path: Option<String>,
}

/// The fields of one input record.
pub enum Record<'a> {
    /// A CSV row: header names and values, aligned.
    Csv {
        header: &'a [String],
        values: &'a csv::StringRecord,
    },
    Json(&'a Map<String, Value>),
    /// A record that could not even be split into fields.
    Bad(String),
}

/// Read `path` and call `each(location, record, raw_text)` per record, in file order. `wrap` lets
/// the caller count bytes (a progress bar) without this module knowing about terminals.
pub fn read(
    path: &Path,
    format: Format,
    wrap: &dyn Fn(Box<dyn Read>) -> Box<dyn Read>,
    each: &mut dyn FnMut(Location, Record<'_>, &str) -> Result<()>,
) -> Result<()> {
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::input(path, None, "no such file; check the path"),
        _ => Error::io(path, e),
    })?;
    let input = wrap(Box::new(file));
    match format {
        Format::Csv => read_csv(path, input, each),
        Format::Ndjson => read_ndjson(path, input, each),
        Format::Json => read_json(path, input, each),
    }
}

fn not_utf8(path: &Path, line: u64) -> Error {
    Error::input(
        path,
        Some(line),
        "the file is not valid UTF-8; re-export it as UTF-8 (for example: iconv -f latin1 -t utf-8)",
    )
}

fn read_csv(
    path: &Path,
    input: Box<dyn Read>,
    each: &mut dyn FnMut(Location, Record<'_>, &str) -> Result<()>,
) -> Result<()> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let header: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => return Err(csv_error(path, e)),
    };
    if header.iter().all(|h| h.is_empty()) {
        return Err(Error::input(
            path,
            Some(1),
            "the CSV file has no header row; the first line must name the columns",
        ));
    }
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let line = rec.position().map_or(0, |p| p.line());
                let raw = csv_raw(&rec);
                let loc = Location {
                    line,
                    json_path: None,
                };
                if rec.len() != header.len() {
                    let msg = format!(
                        "the row has {} fields but the header has {}",
                        rec.len(),
                        header.len()
                    );
                    each(loc, Record::Bad(msg), &raw)?;
                } else {
                    each(
                        loc,
                        Record::Csv {
                            header: &header,
                            values: &rec,
                        },
                        &raw,
                    )?;
                }
            }
            Err(e) => return Err(csv_error(path, e)),
        }
    }
}

fn csv_error(path: &Path, e: csv::Error) -> Error {
    let line = e.position().map(|p| p.line());
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => not_utf8(path, line.unwrap_or(0)),
        csv::ErrorKind::Io(_) => Error::input(path, line, format!("cannot read the file: {e}")),
        _ => Error::input(path, line, format!("malformed CSV: {e}")),
    }
}

/// The row as CSV text again, for the rejected log.
fn csv_raw(rec: &csv::StringRecord) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(vec![]);
    // Writing to a Vec cannot fail.
    let _ = w.write_record(rec);
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).trim_end().to_string()
}

fn read_ndjson(
    path: &Path,
    input: Box<dyn Read>,
    each: &mut dyn FnMut(Location, Record<'_>, &str) -> Result<()>,
) -> Result<()> {
    let mut rdr = BufReader::with_capacity(1 << 20, input);
    let mut buf = Vec::new();
    let mut line = 0u64;
    loop {
        buf.clear();
        let n = rdr.read_until(b'\n', &mut buf).at(path)?;
        if n == 0 {
            return Ok(());
        }
        line += 1;
        let text = std::str::from_utf8(&buf).map_err(|_| not_utf8(path, line))?;
        let text = text.trim_start_matches('\u{feff}').trim();
        if text.is_empty() {
            continue;
        }
        let loc = Location {
            line,
            json_path: None,
        };
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(m)) => each(loc, Record::Json(&m), text)?,
            Ok(other) => each(
                loc,
                Record::Bad(format!("expected a JSON object, found {}", kind_of(&other))),
                text,
            )?,
            Err(e) => each(loc, Record::Bad(format!("invalid JSON: {e}")), text)?,
        }
    }
}

fn read_json(
    path: &Path,
    mut input: Box<dyn Read>,
    each: &mut dyn FnMut(Location, Record<'_>, &str) -> Result<()>,
) -> Result<()> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes).at(path)?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64
                + 1;
            return Err(not_utf8(path, line));
        }
    };
    let text = text.trim_start_matches('\u{feff}');
    // Records come in file order, so the line of each is counted on from the previous one's:
    // counting from the start for every record made a 171k-element array quadratic (regression:
    // `json_array_line_numbers_are_counted_incrementally` in reader tests).
    let counted = std::cell::Cell::new((0usize, 1u64));
    let line_of = |offset: usize| {
        let (from, line) = counted.get();
        let (from, line) = if offset >= from { (from, line) } else { (0, 1) };
        let line = line + text[from..offset].bytes().filter(|b| *b == b'\n').count() as u64;
        counted.set((offset, line));
        line
    };
    let json_error = |e: serde_json::Error| {
        let what = if e.is_eof() {
            "the JSON ends early (the file looks truncated); re-export or re-download it"
        } else {
            "invalid JSON"
        };
        Error::input(path, Some(e.line() as u64), format!("{what}: {e}"))
    };
    match text.trim_start().as_bytes().first() {
        None => Ok(()),
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(text).map_err(json_error)?;
            for (i, raw) in items.into_iter().enumerate() {
                // A RawValue borrows from `text`, so its address gives its offset and line.
                let offset = raw.get().as_ptr() as usize - text.as_ptr() as usize;
                let loc = Location {
                    line: line_of(offset),
                    json_path: Some(format!("$[{i}]")),
                };
                match serde_json::from_str::<Value>(raw.get()) {
                    Ok(Value::Object(m)) => each(loc, Record::Json(&m), raw.get())?,
                    Ok(other) => each(
                        loc,
                        Record::Bad(format!("expected a JSON object, found {}", kind_of(&other))),
                        raw.get(),
                    )?,
                    Err(e) => return Err(Error::internal_json(path, e)),
                }
            }
            Ok(())
        }
        Some(b'{') => {
            let mut stream =
                serde_json::Deserializer::from_str(text).into_iter::<Map<String, Value>>();
            let mut i = 0;
            loop {
                let start = stream.byte_offset();
                match stream.next() {
                    None => return Ok(()),
                    Some(Ok(m)) => {
                        let raw = text[start..stream.byte_offset()].trim();
                        let loc = Location {
                            line: line_of(start + leading_ws(&text[start..])),
                            json_path: Some(format!("$[{i}]")),
                        };
                        each(loc, Record::Json(&m), raw)?;
                        i += 1;
                    }
                    Some(Err(e)) => return Err(json_error(e)),
                }
            }
        }
        Some(_) => Err(Error::input(
            path,
            Some(1),
            "expected a JSON array of objects or JSON objects; for one object per line name the file .ndjson",
        )),
    }
}

fn leading_ws(s: &str) -> usize {
    s.len() - s.trim_start().len()
}

pub fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Error {
    /// A RawValue that parsed once and not twice: cannot happen with valid JSON text.
    fn internal_json(path: &Path, e: serde_json::Error) -> Error {
        Error::Internal(format!(
            "{}: re-parsing a JSON element failed: {e}",
            path.display()
        ))
    }
}
