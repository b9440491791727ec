//! Reading one canonical input file into records, each with its location (line, JSON path) and
//! raw text, for the row parser.
//!
//! Formats: CSV with a header (`csv_file`); NDJSON (`.ndjson`, `.jsonl`: one object per line, a bad
//! line is one rejected row); JSON (`.json`: an array of objects, or a stream of objects;
//! `json_file`). Whole-file problems (missing, not UTF-8, truncated JSON, no header, a column named
//! twice, an unclosed CSV quote) are `Error::Input` naming the path and line; row problems
//! (unreadable JSON, a key given twice) are handed to the caller as `Record::Bad` so nothing is
//! lost.

mod checked;
pub mod codec;
mod csv_file;
mod json_file;
mod json_split;

use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};

use crate::error::{Error, IoContext, Result};
use csv_file::read_csv;
pub(crate) use csv_file::unclosed_quote;
pub(crate) use json_file::explain as explain_json_error;
pub(crate) use json_file::parse_record;
use json_file::read_json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Ndjson,
    Json,
}

impl Format {
    /// By extension, after a compression extension (`alerts.csv.gz` is CSV); `None` for files
    /// that are not canonical inputs.
    pub fn of(path: &Path) -> Option<Format> {
        match codec::uncompressed_name(path)
            .extension()?
            .to_str()?
            .to_ascii_lowercase()
            .as_str()
        {
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

/// The values of one CSV row: as the csv crate read it, or packed into a chunk of rows handed to
/// a typing thread (`parallel.rs`), where a record of its own per row cost two allocations and
/// two frees per row on the one thread that splits the file.
#[derive(Debug, Clone, Copy)]
pub enum Fields<'a> {
    Record(&'a csv::StringRecord),
    /// Field `i` is `text[start..ends[0]]` for the first and `text[ends[i - 1]..ends[i]]` after.
    Packed {
        text: &'a str,
        start: usize,
        ends: &'a [usize],
    },
}

impl<'a> Fields<'a> {
    pub fn len(&self) -> usize {
        match self {
            Fields::Record(r) => r.len(),
            Fields::Packed { ends, .. } => ends.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, i: usize) -> Option<&'a str> {
        match *self {
            Fields::Record(r) => r.get(i),
            Fields::Packed { text, start, ends } => {
                let from = if i == 0 { start } else { *ends.get(i - 1)? };
                text.get(from..*ends.get(i)?)
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Append `rec`'s values to `text` and its fields' ends to `ends`: the `start` and the range
    /// of `ends` of a `Packed` view of it. A record's fields are contiguous in its own buffer, so
    /// this is one copy.
    pub fn pack(
        rec: &csv::StringRecord,
        text: &mut String,
        ends: &mut Vec<usize>,
    ) -> (usize, std::ops::Range<usize>) {
        let start = text.len();
        text.push_str(rec.as_slice());
        let first = ends.len();
        ends.extend((0..rec.len()).map(|i| start + rec.range(i).map_or(0, |r| r.end)));
        (start, first..ends.len())
    }
}

/// The fields of one input record.
pub enum Record<'a> {
    /// A CSV row: header names and values, aligned.
    Csv {
        header: &'a [String],
        values: Fields<'a>,
    },
    Json(&'a Map<String, Value>),
    /// A record that could not even be split into fields.
    Bad(String),
}

/// A record's raw text, for the rejected log. Made only when a record is rejected: writing every
/// CSV row back to text cost more than parsing it.
#[derive(Debug, Clone, Copy)]
pub enum RawRecord<'a> {
    Text(&'a str),
    Csv(Fields<'a>),
}

impl RawRecord<'_> {
    pub fn text(&self) -> String {
        match self {
            RawRecord::Text(t) => t.to_string(),
            RawRecord::Csv(r) => csv_file::csv_raw(*r),
        }
    }
}

/// One record as the file delimits it, before a JSON record is parsed: parsing is most of the
/// cost of a JSON row, so the ingest does it on its typing threads (`parse_record`), not on the
/// one thread that reads the file.
#[derive(Debug, Clone, Copy)]
pub enum Item<'a> {
    Csv {
        header: &'a [String],
        values: &'a csv::StringRecord,
    },
    /// A JSON record's text; `column` (0-based) is where it starts on its line.
    Json { text: &'a str, column: usize },
    /// A record that could not be split into fields, with its raw text.
    Bad(&'a str, RawRecord<'a>),
}

/// Read `path` and call `each(location, record, raw)` per record, in file order, JSON records
/// parsed: what the readers' tests look at. The ingest reads items (`read_items`) and parses JSON
/// on its typing threads.
#[cfg(test)]
fn read(
    path: &Path,
    format: Format,
    wrap: &dyn Fn(Box<dyn Read>) -> Box<dyn Read>,
    each: &mut dyn FnMut(Location, Record<'_>, RawRecord<'_>) -> Result<()>,
) -> Result<()> {
    read_items(path, format, wrap, &mut |loc, item| match item {
        Item::Csv { header, values } => {
            let values = Fields::Record(values);
            each(loc, Record::Csv { header, values }, RawRecord::Csv(values))
        }
        Item::Json { text, column } => match parse_record(text, loc.line, column) {
            Ok(m) => each(loc, Record::Json(&m), RawRecord::Text(text)),
            Err(reason) => each(loc, Record::Bad(reason), RawRecord::Text(text)),
        },
        Item::Bad(reason, raw) => each(loc, Record::Bad(reason.to_string()), raw),
    })
}

/// Read `path` and call `each(location, item)` per record, in file order, JSON records left
/// unparsed. `wrap` lets the caller count and hash the file's bytes (a progress bar, `seen.rs`)
/// without this module knowing about terminals.
pub fn read_items(
    path: &Path,
    format: Format,
    wrap: &dyn Fn(Box<dyn Read>) -> Box<dyn Read>,
    each: &mut dyn FnMut(Location, Item<'_>) -> Result<()>,
) -> Result<()> {
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::input(path, None, "no such file; check the path"),
        _ => Error::io(path, e),
    })?;
    // The caller counts and hashes the file's own bytes, before they are decoded.
    let codec = codec::Codec::of(path);
    let input = codec.decode(wrap(Box::new(file))).at(path)?;
    match format {
        Format::Csv if codec == codec::Codec::Plain => read_csv(path, input, each, &|byte| {
            let mut f = std::fs::File::open(path)?;
            f.seek(SeekFrom::Start(byte))?;
            let mut tail = vec![];
            f.read_to_end(&mut tail)?;
            Ok(tail)
        }),
        Format::Csv => {
            let window = Arc::new(Mutex::new(codec::Window::default()));
            let input = Box::new(codec::Recent::new(input, window.clone()));
            read_csv(path, input, each, &|byte| codec::tail(path, byte, &window))
        }
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

fn read_ndjson(
    path: &Path,
    input: Box<dyn Read>,
    each: &mut dyn FnMut(Location, Item<'_>) -> Result<()>,
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
        let whole = std::str::from_utf8(&buf).map_err(|_| not_utf8(path, line))?;
        let text = whole.trim_start_matches('\u{feff}').trim_start();
        let column = whole.len() - text.len();
        let text = text.trim_end();
        if text.is_empty() {
            continue;
        }
        let loc = Location {
            line,
            json_path: None,
        };
        each(loc, Item::Json { text, column })?;
    }
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

#[cfg(test)]
mod tests {
    use super::Fields;

    /// Rows packed back to back give the fields the csv crate read,
    /// empty ones included.
    #[test]
    fn packed_fields_are_the_records_fields() {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader("a,,\"c,d\"\n,x,\n\"\",\"\",\"y\"\n".as_bytes());
        let records: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
        let (mut text, mut ends) = (String::new(), vec![]);
        let rows: Vec<_> = records
            .iter()
            .map(|r| Fields::pack(r, &mut text, &mut ends))
            .collect();
        for (r, (start, range)) in records.iter().zip(rows) {
            let packed = Fields::Packed {
                text: &text,
                start,
                ends: &ends[range],
            };
            let want: Vec<&str> = Fields::Record(r).iter().collect();
            assert_eq!(packed.iter().collect::<Vec<_>>(), want);
            assert_eq!(packed.len(), 3);
            assert_eq!(packed.get(3), None);
        }
        assert_eq!(
            records
                .iter()
                .map(|r| r.iter().collect::<Vec<_>>())
                .collect::<Vec<_>>(),
            [vec!["a", "", "c,d"], vec!["", "x", ""], vec!["", "", "y"]]
        );
    }
}
