//! The CSV side of the canonical reader: the header, then one record per row, each with the line
//! it starts on; a row of the wrong width is a rejected row.

use std::io::Read;
use std::path::Path;

use super::{Location, Record, not_utf8};
use crate::error::{Error, Result};

pub(super) fn read_csv(
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
