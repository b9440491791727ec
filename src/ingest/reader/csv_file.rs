//! The CSV side of the canonical reader: the header (which must name each column once), then one
//! record per row, and the one failure the csv crate does not report: a quote that is never
//! closed.
//!
//! The csv crate reads everything after an unclosed quote, to the end of the file, as one field,
//! so the rest of the file became one odd row, or vanished into the last column of a good-looking
//! one. The reader keeps one record ahead, and when the last record is read it scans that record's
//! raw text again (`open_quote`, the crate's quoting rules) to see whether it ends inside a quote.
//! If so the file is an `Error::Input` naming the line the quote opened on: which of the swallowed
//! lines were meant as rows cannot be told, so nothing of the file is guessed at or kept.

use std::io::Read;
use std::path::Path;

use super::{Fields, Item, Location, RawRecord, not_utf8};
use crate::error::{Error, Result};

pub(super) fn read_csv(
    path: &Path,
    input: Box<dyn Read>,
    each: &mut dyn FnMut(Location, Item<'_>) -> Result<()>,
    tail_from: &dyn Fn(u64) -> std::io::Result<Vec<u8>>,
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
    if let Some(e) = duplicate_column(path, &header) {
        return Err(e);
    }
    let mut rec = csv::StringRecord::new();
    let mut ahead = csv::StringRecord::new();
    let mut more = rdr.read_record(&mut rec).map_err(|e| csv_error(path, e))?;
    if !more {
        // No record: the header itself may have swallowed the file.
        check_quotes(path, &header, 0, 1, tail_from)?;
    }
    while more {
        let (byte, line) = rec.position().map_or((0, 0), |p| (p.byte(), p.line()));
        more = rdr
            .read_record(&mut ahead)
            .map_err(|e| csv_error(path, e))?;
        if !more {
            check_quotes(path, &header, byte, line, tail_from)?;
        }
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
            each(loc, Item::Bad(&msg, RawRecord::Csv(Fields::Record(&rec))))?;
        } else {
            each(
                loc,
                Item::Csv {
                    header: &header,
                    values: &rec,
                },
            )?;
        }
        std::mem::swap(&mut rec, &mut ahead);
    }
    Ok(())
}

/// A header naming one column twice (ignoring case, as columns are matched) would leave which
/// value a row means to the order of the columns: a whole-file error, as every row has it.
fn duplicate_column(path: &Path, header: &[String]) -> Option<Error> {
    header.iter().enumerate().find_map(|(i, h)| {
        let first = header[..i]
            .iter()
            .position(|o| !h.is_empty() && o.eq_ignore_ascii_case(h))?;
        Some(Error::input(
            path,
            Some(1),
            format!(
                "the header names the column {h:?} twice (fields {} and {}), so which value a row means cannot be told; remove or rename one",
                first + 1,
                i + 1
            ),
        ))
    })
}

/// Fail if the file's last record, from `byte` (its start, on `line`), ends inside a quote;
/// `tail_from(byte)` gives the (decoded) bytes from there to the end.
fn check_quotes(
    path: &Path,
    header: &[String],
    byte: u64,
    line: u64,
    tail_from: &dyn Fn(u64) -> std::io::Result<Vec<u8>>,
) -> Result<()> {
    // The file was read a moment ago; should it have gone, the records read stand.
    let Ok(tail) = tail_from(byte) else {
        return Ok(());
    };
    match unclosed_quote(path, header, &tail, line) {
        None => Ok(()),
        Some(e) => Err(e),
    }
}

/// The error for a last record (`tail`, from its start on `line` to the end of the file) that
/// ends inside a quote; shared with the connectors' CSV loading.
pub(crate) fn unclosed_quote(
    path: &Path,
    header: &[String],
    tail: &[u8],
    line: u64,
) -> Option<Error> {
    let (open, field) = open_quote(tail, line)?;
    let column = match header.get(field - 1) {
        Some(h) if line > 1 && !h.is_empty() => format!("in column {h:?}"),
        _ => format!("in field {field}"),
    };
    let body = tail.strip_suffix(b"\n").unwrap_or(tail);
    let last = line + body.iter().filter(|b| **b == b'\n').count() as u64;
    Some(Error::input(
        path,
        Some(open),
        format!(
            "unclosed quote: the quote opened on line {open} ({column}) is never closed, so lines {open}-{last} would be read as one value; close the quote (a quote inside a quoted value is written twice: \"\") and ingest again"
        ),
    ))
}

/// Where a quote opens that the end of `raw` leaves open, as (line, 1-based field), `raw` being
/// records from a record's start on `line`. The csv crate's rules: a quote opens a field only as
/// its first byte, `""` inside quotes is a quote, and a lone quote closes the quoting.
fn open_quote(raw: &[u8], line: u64) -> Option<(u64, usize)> {
    #[derive(Clone, Copy, PartialEq)]
    enum S {
        Start,
        Field,
        Quoted,
        QuoteInQuoted,
    }
    let (mut s, mut line, mut field, mut open) = (S::Start, line, 1, (line, 1));
    for &b in raw {
        s = match (s, b) {
            (S::Quoted, b'"') => S::QuoteInQuoted,
            (S::Quoted, b) => {
                line += u64::from(b == b'\n');
                S::Quoted
            }
            (S::Start, b'"') => {
                open = (line, field);
                S::Quoted
            }
            (S::QuoteInQuoted, b'"') => S::Quoted,
            (_, b',') => {
                field += 1;
                S::Start
            }
            (_, b'\n' | b'\r') => {
                line += u64::from(b == b'\n');
                field = 1;
                S::Start
            }
            _ => S::Field,
        };
    }
    (s == S::Quoted).then_some(open)
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
pub(super) fn csv_raw(rec: Fields<'_>) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(vec![]);
    // Writing to a Vec cannot fail.
    let _ = w.write_record(rec.iter());
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::super::Record;
    use super::*;

    /// (line, fields or reason) of every record of a CSV text, or the whole-file error.
    fn records(text: &str) -> std::result::Result<Vec<(u64, String)>, String> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("alerts.csv");
        std::fs::write(&path, text).expect("write");
        let mut out = vec![];
        super::super::read(
            &path,
            super::super::Format::Csv,
            &|r| r,
            &mut |loc, rec, raw| {
                let got = match rec {
                    Record::Bad(r) => format!("bad: {r}"),
                    _ => raw.text(),
                };
                out.push((loc.line, got));
                Ok(())
            },
        )
        .map_err(|e| {
            let m = e.to_string();
            m[m.find("alerts.csv").unwrap_or(0)..].to_string()
        })?;
        Ok(out)
    }

    /// Regression (fuzzing): a quote never closed made the rest of the file one field, without a
    /// word about the quote; in the last column the following rows vanished into a good row.
    #[test]
    fn an_unclosed_quote_names_its_line() {
        let e = records("a,b,c\n1,2,3\n4,\"5,6\n7,8,9\n10,11,12\n").unwrap_err();
        assert_eq!(
            e,
            "alerts.csv:3: unclosed quote: the quote opened on line 3 (in column \"b\") is never closed, so lines 3-5 would be read as one value; close the quote (a quote inside a quoted value is written twice: \"\") and ingest again"
        );
        // In the last column, where the swallowed rows made a row of the right width.
        let e = records("a,b,c\n1,2,3\n4,5,\"6\n7,8,9\n").unwrap_err();
        assert!(
            e.starts_with(
                "alerts.csv:3: unclosed quote: the quote opened on line 3 (in column \"c\")"
            ),
            "{e}"
        );
        // On the last line, without a line break after it.
        let e = records("a,b\n1,2\n3,\"x").unwrap_err();
        assert!(e.starts_with("alerts.csv:3: unclosed quote"), "{e}");
        // In the header, which then swallows every row.
        let e = records("a,\"b\n1,2\n").unwrap_err();
        assert!(
            e.starts_with("alerts.csv:1: unclosed quote: the quote opened on line 1 (in field 2)"),
            "{e}"
        );
        // After a quoted value spanning lines earlier in the same record.
        let e = records("a,b\n\"x\ny\",\"z\n").unwrap_err();
        assert!(e.starts_with("alerts.csv:3: unclosed quote"), "{e}");
    }

    #[test]
    fn closed_quotes_spanning_lines_are_fine() {
        let got = records("a,b\n1,\"x\ny\"\n2,\"say \"\"hi\"\"\nthere\"").expect("read");
        assert_eq!(
            got,
            [
                (2, "1,\"x\ny\"".to_string()),
                (4, "2,\"say \"\"hi\"\"\nthere\"".to_string())
            ]
        );
        // A quote inside an unquoted value is a character, as the csv crate reads it.
        assert_eq!(
            records("a,b\n1,x\"y\n").expect("read"),
            [(2, "1,\"x\"\"y\"".to_string())]
        );
        assert_eq!(open_quote(b"1,\"x\"\"\r\n", 2), Some((2, 2)));
        assert_eq!(open_quote(b"1,\"x\"\"\"\r\n", 2), None);
    }

    /// Regression (fuzzing): `alert_id,rule,rule` was read with the second `rule` silently
    /// winning.
    #[test]
    fn a_column_named_twice_is_a_whole_file_error() {
        let e = records("alert_id,rule,RULE\nx,a,b\n").unwrap_err();
        assert_eq!(
            e,
            "alerts.csv:1: the header names the column \"RULE\" twice (fields 2 and 3), so which value a row means cannot be told; remove or rename one"
        );
        // Unnamed columns (trailing commas) are not columns to match.
        assert_eq!(records("a,b,,\n1,2,,\n").expect("read").len(), 1);
    }
}
