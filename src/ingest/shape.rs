//! Files that hold no records at all, told apart and described before any reader or connector
//! guesses at them: an empty file, one of only whitespace, and a JSON file holding a lone scalar
//! (`true`, `42`, `"x"`) or no JSON at all (an HTML error page saved as `.json`).
//!
//! Without this such a file fell through to whichever reader was tried last, and the error
//! described that reader's view of it: a `.json` holding `true` "looks like a CSV file with columns
//! true". Each is a whole-file `Error::Input` that says what was found and what is expected. Only
//! the head of a file is read, so bulk files are not loaded to be checked.

use std::io::{BufRead, BufReader};
use std::path::Path;

use serde_json::Value;

use super::reader::Format;
use crate::error::{Error, Result};

/// How much of the file after its leading whitespace is read to judge it.
const HEAD: usize = 4096;

/// Check the file at `path` before it is read as `format`. A file that cannot be opened or read
/// passes: the reader reports that with its own words.
pub fn check(path: &Path, format: Format) -> Result<()> {
    let Ok(file) = super::reader::codec::open(path) else {
        return Ok(());
    };
    let mut rdr = BufReader::new(file);
    let mut head = Vec::new();
    let (mut skipped, mut line, mut eof) = (0u64, 1u64, false);
    while head.len() < HEAD {
        let Ok(buf) = rdr.fill_buf() else {
            return Ok(());
        };
        if buf.is_empty() {
            eof = true;
            break;
        }
        let n = buf.len();
        if head.is_empty() {
            let bom = if skipped == 0 && buf.starts_with(BOM) {
                BOM.len()
            } else {
                0
            };
            let data = buf[bom..]
                .iter()
                .position(|b| !is_space(*b))
                .map(|i| bom + i);
            let ws = &buf[bom..data.unwrap_or(n)];
            line += ws.iter().filter(|b| **b == b'\n').count() as u64;
            skipped += ws.len() as u64;
            if let Some(i) = data {
                head.extend_from_slice(&buf[i..]);
            }
        } else {
            head.extend_from_slice(buf);
        }
        rdr.consume(n);
    }
    let head = String::from_utf8_lossy(&head);
    match judge(path, format, skipped, line, &head, eof) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The same judgement on text already read; `complete` when `text` is the whole file.
pub fn problem(path: &Path, format: Format, text: &str, complete: bool) -> Option<Error> {
    let text = text.trim_start_matches('\u{feff}');
    let data = text.trim_start_matches([' ', '\t', '\n', '\r']);
    let ws = &text[..text.len() - data.len()];
    let line = 1 + ws.bytes().filter(|b| *b == b'\n').count() as u64;
    judge(path, format, ws.len() as u64, line, data, complete)
}

const BOM: &[u8] = b"\xef\xbb\xbf";

/// JSON's whitespace, which is also what a CSV line of nothing holds.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// What a reader of `format` expects, for the messages.
fn expected(format: Format) -> &'static str {
    match format {
        Format::Csv => "expected a header line naming the columns, then one record per line",
        Format::Ndjson => "expected one JSON object per line",
        Format::Json => {
            "expected a JSON array of objects (or objects one after another) for a table file, or a tool's export (an API page or a webhook body)"
        }
    }
}

/// `data` is the file from its first non-whitespace byte (as far as read), found on `line` after
/// `skipped` bytes of whitespace; `complete` when nothing follows it.
fn judge(
    path: &Path,
    format: Format,
    skipped: u64,
    line: u64,
    data: &str,
    complete: bool,
) -> Option<Error> {
    let leave_out = "if there is nothing to ingest, leave the file out";
    if data.is_empty() && complete {
        let found = if skipped == 0 {
            "the file is empty (0 bytes)".to_string()
        } else {
            format!("the file holds only whitespace ({skipped} bytes, no data)")
        };
        return Some(Error::input(
            path,
            None,
            format!("{found}; {}; {leave_out}", expected(format)),
        ));
    }
    if format == Format::Csv || data.starts_with(['{', '[']) {
        return None;
    }
    // A JSON file that does not start with an object or an array.
    let mut values = serde_json::Deserializer::from_str(data).into_iter::<Value>();
    let first = values.next();
    let alone = complete && values.next().is_none();
    let found = match first {
        Some(Ok(v)) if alone => format!("the file holds only {}, not records", scalar(&v)),
        // NDJSON: a scalar line among objects is that line's problem, rejected as a row.
        Some(Ok(_)) if format == Format::Ndjson => return None,
        Some(Ok(v)) => format!("the file starts with {}, not a record", scalar(&v)),
        // A bad line of NDJSON is a rejected row too; a `.json` must be JSON from its start.
        Some(Err(_)) if format == Format::Ndjson => return None,
        Some(Err(_)) | None => {
            let first_line = data.lines().next().unwrap_or_default();
            format!("the file is not JSON: it starts with {:?}", cut(first_line))
        }
    };
    Some(Error::input(
        path,
        Some(line),
        format!("{found}; {}", expected(format)),
    ))
}

/// A JSON scalar in words, with its text cut to a readable length.
fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "JSON null".to_string(),
        Value::Bool(b) => format!("the JSON boolean {b}"),
        Value::Number(n) => format!("the JSON number {n}"),
        Value::String(s) => format!("the JSON string {:?}", cut(s)),
        // Unreachable: `data` does not start with `[` or `{`.
        other => format!("JSON {}", super::reader::kind_of(other)),
    }
}

fn cut(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX {
        return s.to_string();
    }
    let head: String = s.chars().take(MAX).collect();
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(name: &str, text: &str) -> Option<String> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        let format = Format::of(&path).expect("format");
        let sniffed = check(&path, format).err().map(|e| e.to_string());
        let whole = problem(&path, format, text, true).map(|e| e.to_string());
        assert_eq!(sniffed, whole, "the sniff and the reader agree");
        sniffed.map(|m| {
            m.strip_prefix(&dir.path().display().to_string())
                .unwrap_or(&m)
                .to_string()
        })
    }

    /// Regression (fuzzing): a `.json` holding `true` was described as "a CSV file with columns
    /// true"; empty and blank files got the message of whichever reader came last.
    #[test]
    fn empty_blank_and_scalar_files_are_described() {
        let e = |s: &str| s.to_string();
        assert_eq!(
            msg("alerts.json", ""),
            Some(e(
                "/alerts.json: the file is empty (0 bytes); expected a JSON array of objects (or objects one after another) for a table file, or a tool's export (an API page or a webhook body); if there is nothing to ingest, leave the file out"
            ))
        );
        assert_eq!(
            msg("dump.csv", " \n\r\n\t"),
            Some(e(
                "/dump.csv: the file holds only whitespace (5 bytes, no data); expected a header line naming the columns, then one record per line; if there is nothing to ingest, leave the file out"
            ))
        );
        assert!(
            msg("x.ndjson", "\u{feff}\n\n")
                .unwrap()
                .contains("only whitespace (2 bytes, no data); expected one JSON object per line")
        );
        assert_eq!(
            msg("dump.json", "\n true \n"),
            Some(e(
                "/dump.json:2: the file holds only the JSON boolean true, not records; expected a JSON array of objects (or objects one after another) for a table file, or a tool's export (an API page or a webhook body)"
            ))
        );
        let m = |name, text| msg(name, text).unwrap_or_default();
        assert!(m("a.json", "42").contains("only the JSON number 42, not records"));
        assert!(m("a.json", "\"x\"").contains("only the JSON string \"x\", not records"));
        assert!(m("a.json", "null").contains("only JSON null, not records"));
        assert!(m("a.ndjson", "42\n").contains(":1: the file holds only the JSON number 42"));
        assert!(
            m("a.json", "7 {\"a\": 1}").contains("starts with the JSON number 7, not a record")
        );
        assert!(
            m("a.json", "<html><body>401</body></html>\n")
                .contains("the file is not JSON: it starts with \"<html><body>401</body></html>\"")
        );
    }

    #[test]
    fn records_and_row_level_problems_pass() {
        for (name, text) in [
            ("a.json", "[]"),
            ("a.json", " {\"a\": 1}"),
            ("a.ndjson", "{\"a\": 1}\n42\n"),
            ("a.ndjson", "oops\n{\"a\": 1}\n"),
            ("a.csv", "a,b\n"),
            ("a.csv", "true"),
        ] {
            assert_eq!(msg(name, text), None, "{name}: {text:?}");
        }
    }

    /// A long run of blank lines before the data is skipped, not held.
    #[test]
    fn the_head_is_found_after_much_whitespace() {
        let text = format!("{}true", "\n".repeat(100_000));
        assert!(
            msg("a.json", &text)
                .unwrap_or_default()
                .contains(":100001: the file holds only the JSON boolean true")
        );
    }
}
