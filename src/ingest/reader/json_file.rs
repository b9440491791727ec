//! The JSON side of the canonical reader: a `.json` file (an array of objects, or objects one after
//! another) split into records, and the one parse every JSON record goes through (`parse_record`),
//! shared with NDJSON lines.
//!
//! The file is split into its elements as it is read (`json_split.rs`), so memory holds one
//! element, not the file. Each element is first only checked (as a `RawValue`, which checks the
//! syntax but neither decodes strings nor limits depth), then parsed on its own. So an element that is well formed
//! but unreadable (a lone UTF-16 surrogate escape such as `"\ud800"`, nesting deeper than serde's
//! 128 levels) or that names a key twice is one rejected row with its own line and `$[i]`, and the
//! rest of the file is read; only a file that cannot be delimited (truncated, broken syntax) is an
//! `Error::Input`.

use std::io::Read;
use std::path::Path;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::checked::Checked;
use super::json_split::Splitter;
use super::{Item, Location, kind_of, not_utf8};
use crate::error::{Error, IoContext, Result};

pub(super) fn read_json(
    path: &Path,
    mut input: Box<dyn Read>,
    each: &mut dyn FnMut(Location, Item<'_>) -> Result<()>,
) -> Result<()> {
    // The file's start tells its shape (empty, a scalar, a CSV...) before anything is split.
    let mut head = Vec::new();
    (&mut input)
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .at(path)?;
    let complete = head.len() < HEAD_BYTES;
    if head.starts_with(BOM) {
        head.drain(..BOM.len());
    }
    let start = match std::str::from_utf8(&head) {
        Ok(t) => t,
        // Cut inside a character at the end of the head: the splitter reads on.
        Err(e) if e.error_len().is_none() && !complete => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(e) => return Err(not_utf8(path, line_at(&head, e.valid_up_to(), 1))),
    };
    if let Some(e) = crate::ingest::shape::problem(path, super::Format::Json, start, complete) {
        return Err(e);
    }
    let mut split = Splitter::new(path, std::io::Cursor::new(head).chain(input));
    let mut i = 0usize;
    while let Some(v) = split.next_value()? {
        let text = std::str::from_utf8(&v.bytes)
            .map_err(|e| not_utf8(path, line_at(&v.bytes, e.valid_up_to(), v.line)))?;
        // Each element's syntax is checked here, as the whole array's was: a file that cannot be
        // read as JSON is a whole-file error at its line, not a rejected row.
        if let Err(e) = serde_json::from_str::<&RawValue>(text) {
            let what = if e.is_eof() {
                "the JSON ends early (the file looks truncated); re-export or re-download it"
            } else {
                "invalid JSON"
            };
            let line = v.line + e.line() as u64 - 1;
            return Err(Error::input(
                path,
                Some(line),
                format!("{what}: {}", explain(&e)),
            ));
        }
        let loc = Location {
            line: v.line,
            json_path: Some(format!("$[{i}]")),
        };
        each(
            loc,
            Item::Json {
                text,
                column: v.column,
            },
        )?;
        i += 1;
    }
    Ok(())
}

/// What is read of a file before splitting it, for the shape check.
const HEAD_BYTES: usize = 64 * 1024;
const BOM: &[u8] = b"\xef\xbb\xbf";

/// The line of byte `offset` of `bytes`, which start on line `first`.
fn line_at(bytes: &[u8], offset: usize, first: u64) -> u64 {
    first + bytes[..offset].iter().filter(|b| **b == b'\n').count() as u64
}

/// Parse one JSON record (an NDJSON line, an element of a `.json` file) into its fields, or the
/// reason it is rejected. `line` and `column` (0-based) are where `text` starts in the file, so a
/// position in the reason is the file's, not the record's.
pub(crate) fn parse_record(
    text: &str,
    line: u64,
    column: usize,
) -> std::result::Result<Map<String, Value>, String> {
    match serde_json::from_str::<Checked>(text) {
        Ok(Checked {
            duplicate: Some(key),
            ..
        }) => Err(format!(
            "duplicate key {key:?}: the object gives it twice, so which value is meant cannot be told; keep one"
        )),
        Ok(Checked {
            value: Value::Object(m),
            ..
        }) => Ok(m),
        Ok(Checked { value, .. }) => {
            Err(format!("expected a JSON object, found {}", kind_of(&value)))
        }
        Err(e) => {
            let (l, c) = (e.line() as u64, e.column());
            let (l, c) = if l <= 1 {
                (line, column + c)
            } else {
                (line + l - 1, c)
            };
            Err(format!(
                "invalid JSON: {} at line {l} column {c}",
                explain(&e)
            ))
        }
    }
}

/// serde_json's message without its position, with the two cases a person cannot guess from
/// serde's words explained.
pub(crate) fn explain(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let at = format!(" at line {} column {}", e.line(), e.column());
    let msg = full.strip_suffix(&at).unwrap_or(&full);
    if msg.contains("recursion limit exceeded") {
        "the value nests deeper than 128 arrays or objects, the most this reader accepts; flatten it"
            .to_string()
    } else if msg.contains("surrogate") || msg.contains("end of hex escape") {
        format!(
            "{msg}: a string holds a lone UTF-16 surrogate escape (such as \\ud800 without its pair), which is no character; fix the exporter's string escaping"
        )
    } else {
        msg.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::super::Record;
    use super::*;

    /// A record as (line, json path, its fields as JSON text or the reason it is rejected).
    type Got = (u64, String, std::result::Result<String, String>);

    /// Every record of a `.json` text.
    fn records(text: &str) -> Result<Vec<Got>> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("alerts.json");
        std::fs::write(&path, text).expect("write");
        let mut out = vec![];
        super::super::read(
            &path,
            super::super::Format::Json,
            &|r| r,
            &mut |loc, rec, _raw| {
                let got = match rec {
                    Record::Json(m) => Ok(Value::Object(m.clone()).to_string()),
                    Record::Bad(r) => Err(r),
                    Record::Csv { .. } => unreachable!("JSON"),
                };
                out.push((loc.line, loc.json_path.unwrap_or_default(), got));
                Ok(())
            },
        )?;
        Ok(out)
    }

    fn deep(levels: usize) -> String {
        format!("{}1{}", "[".repeat(levels), "]".repeat(levels))
    }

    /// Regression (fuzzing): an element the `RawValue` pass accepts but `Value` refuses ended the
    /// run as an internal error with the element's relative line. Now it is one rejected row at
    /// its own line and `$[i]`, and the elements after it are read.
    #[test]
    fn an_unreadable_array_element_is_a_rejected_row() {
        let text = format!(
            "[\n  {{\"a\": 1}},\n  {{\"a\": \"\\ud800\"}},\n  {{\"a\": {}}},\n  {{\"a\": 4}}\n]\n",
            deep(200)
        );
        let got = records(&text).expect("not a whole-file error");
        assert_eq!(got.len(), 4);
        assert_eq!(got[0], (2, "$[0]".into(), Ok(r#"{"a":1}"#.into())));
        let (line, p, reason) = &got[1];
        assert_eq!((*line, p.as_str()), (3, "$[1]"));
        let reason = reason.as_ref().unwrap_err();
        assert!(
            reason.starts_with(
                "invalid JSON: unexpected end of hex escape: a string holds a lone UTF-16 surrogate"
            ),
            "{reason}"
        );
        assert!(reason.ends_with("at line 3 column 16"), "{reason}");
        let (line, p, reason) = &got[2];
        assert_eq!((*line, p.as_str()), (4, "$[2]"));
        assert!(
            reason
                .as_ref()
                .unwrap_err()
                .contains("nests deeper than 128"),
            "{reason:?}"
        );
        assert_eq!(got[3], (5, "$[3]".into(), Ok(r#"{"a":4}"#.into())));
    }

    /// The same for a stream of objects, where an unreadable object used to stop the stream.
    #[test]
    fn an_unreadable_object_in_a_stream_is_a_rejected_row() {
        let text = format!(
            "{{\"a\": 1}}\n{{\"a\": \"x\\udc00\"}}\n{{\"a\": {}}}\n42\n{{\"a\": 5}}\n",
            deep(129)
        );
        let got = records(&text).expect("not a whole-file error");
        let lines: Vec<(u64, &str, bool)> = got
            .iter()
            .map(|(l, p, r)| (*l, p.as_str(), r.is_ok()))
            .collect();
        assert_eq!(
            lines,
            [
                (1, "$[0]", true),
                (2, "$[1]", false),
                (3, "$[2]", false),
                (4, "$[3]", false),
                (5, "$[4]", true)
            ]
        );
        assert_eq!(
            got[3].2,
            Err("expected a JSON object, found a number".into())
        );
    }

    /// Depth within serde's limit is read; truncation is still a whole-file error at its line.
    #[test]
    fn deep_but_allowed_nesting_and_truncation() {
        let got = records(&format!("[{{\"a\": {}}}]", deep(126))).expect("read");
        assert!(got[0].2.is_ok(), "{:?}", got[0].2);
        let e = records("[\n{\"a\": 1},\n{\"a\": ").unwrap_err().to_string();
        assert!(e.contains("alerts.json:3: the JSON ends early"), "{e}");
    }

    /// Regression (fuzzing): `{"a":1,"a":2}` was read as `{"a":2}`. A key given twice, at any
    /// depth, rejects the record and names the key.
    #[test]
    fn a_duplicate_key_rejects_the_record() {
        let text = "[{\"a\": 1, \"a\": 2}, {\"l\": {\"env\": \"x\", \"env\": \"y\"}}, {\"v\": [{}, {\"k\": 1, \"k\": 1}]}, {\"a\": 1, \"b\": {\"a\": 2}}]";
        let got = records(text).expect("read");
        let reasons: Vec<std::result::Result<String, String>> =
            got.into_iter().map(|(_, _, r)| r).collect();
        let dup = |k: &str| {
            Err(format!(
                "duplicate key {k:?}: the object gives it twice, so which value is meant cannot be told; keep one"
            ))
        };
        assert_eq!(
            reasons,
            [
                dup("a"),
                dup("l.env"),
                dup("v[1].k"),
                Ok(r#"{"a":1,"b":{"a":2}}"#.into())
            ]
        );
    }

    #[test]
    fn parse_record_positions_are_the_files() {
        let e = parse_record("{\"a\": tru}", 7, 4).unwrap_err();
        assert_eq!(e, "invalid JSON: expected ident at line 7 column 14");
        let e = parse_record("{\n\"a\": tru}", 7, 4).unwrap_err();
        assert_eq!(e, "invalid JSON: expected ident at line 8 column 9");
    }
}
