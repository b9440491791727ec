//! Loading one vendor export for the connectors: a JSON document, a stream of JSON documents (one
//! per line, as stored webhook bodies and Loki lines are), or a CSV table with its header.
//!
//! An NDJSON export larger than a head of documents (webhook and Loki archives can be gigabytes)
//! is streamed (`stream.rs`): only the head is loaded, which `--source auto` sniffs, and the rest is
//! read line by line when a connector that streams walks it with `each_doc`, so memory does not
//! grow with the file. Everything else is read whole: small files, CSV, and a single JSON document,
//! an object or a top-level array. An API page is one object whose records sit in a nested array,
//! so streaming it would take a streaming parser per page shape for files that are one API
//! response, small next to archives; a top-level array of payloads or records could be streamed
//! element by element, but each connector gives the elements of such an array paths (`$[3]`) and
//! reads the array's first element to tell its shape, so that is left for when arrays that large
//! are met. Whole reading lets connectors look at the envelope before the records. A line of a
//! JSON stream that does not parse is kept as a bad document so it is rejected with its line.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::Out;
use super::util::json_kind;
use crate::error::{Error, Result};
use crate::ingest::reader::{Format, explain_json_error, unclosed_quote};

/// One JSON document of an input, with the line it starts on.
#[derive(Debug, Clone)]
pub struct Doc {
    pub line: u64,
    /// `Err` holds why the line is not JSON.
    pub value: std::result::Result<Value, String>,
    /// The text of a line that did not parse, for the rejected log.
    pub text: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Content {
    /// A whole-file JSON document is one `Doc`; NDJSON is one per line.
    Json(Vec<Doc>),
    Csv {
        header: Vec<String>,
        /// Each record with the line it starts on.
        rows: Vec<(u64, csv::StringRecord)>,
    },
}

#[derive(Debug, Clone)]
pub struct Input {
    pub path: PathBuf,
    /// For a streamed input, only its head.
    pub content: Content,
    /// For a streamed input, where the documents after the head are read from.
    rest: Option<stream::Rest>,
}

mod stream;

impl Input {
    /// Load `path`: the head of a large NDJSON export (the rest is streamed), else the whole file.
    pub fn load(path: &Path) -> Result<Input> {
        Input::load_with_head(path, stream::HEAD_BYTES)
    }

    /// `load` with the head's size in bytes: tests stream small files with a small head.
    pub(crate) fn load_with_head(path: &Path, head_bytes: u64) -> Result<Input> {
        match stream::open(path, head_bytes)? {
            Some((head, rest)) => Ok(Input {
                path: path.to_path_buf(),
                content: Content::Json(head),
                rest: Some(rest),
            }),
            None => Input::load_whole(path),
        }
    }

    /// Read the whole file, streamed or not: for connectors that need every document at once.
    pub fn load_whole(path: &Path) -> Result<Input> {
        let bytes = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                Error::input(path, None, "no such file; check the path")
            }
            _ => Error::io(path, e),
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64
                + 1;
            not_utf8(path, line)
        })?;
        Input::parse(path, &text)
    }

    /// Whether only the head is loaded and the rest is streamed by `each_doc`.
    pub fn is_streamed(&self) -> bool {
        self.rest.is_some()
    }

    /// Walk every document in file order, handing the rows produced so far on between documents
    /// (`Out::drain`), so a streamed input is read in bounded memory. Errors of the file found
    /// only past the head (more bad lines than good) end the walk, as they end a whole load.
    pub fn each_doc<'o>(
        &self,
        out: &mut Out<'o>,
        mut f: impl FnMut(&Doc, &mut Out<'o>) -> Result<()>,
    ) -> Result<()> {
        for doc in self.docs() {
            f(doc, out)?;
            out.drain()?;
        }
        match &self.rest {
            Some(rest) => rest.each(&self.path, |doc| {
                f(&doc, out)?;
                out.drain()
            }),
            None => Ok(()),
        }
    }

    /// The whole-file error a streamed input has past its head, if any (a whole load reports it
    /// before anything else; the run calls this before reporting another error of the file).
    pub fn check(&self) -> Result<()> {
        match &self.rest {
            Some(rest) => rest.each(&self.path, |_| Ok(())),
            None => Ok(()),
        }
    }

    /// Parse already-read text; `path` is only for messages.
    pub fn parse(path: &Path, text: &str) -> Result<Input> {
        let text = text.trim_start_matches('\u{feff}');
        let first = text.trim_start().as_bytes().first().copied();
        // A `.json` or `.ndjson` file is JSON whatever it starts with, so a bad first line is
        // reported as JSON, not read as the header of a CSV. (Empty files and lone scalars are
        // refused before a connector is chosen: `ingest::shape`.)
        let json_name = matches!(Format::of(path), Some(Format::Json | Format::Ndjson));
        let content = match first {
            Some(b'{' | b'[') => json_content(path, text)?,
            None => Content::Json(vec![]),
            Some(_) if json_name => json_content(path, text)?,
            _ => csv_content(path, text)?,
        };
        Ok(Input {
            path: path.to_path_buf(),
            content,
            rest: None,
        })
    }

    /// The parsed JSON documents (empty for CSV); for a streamed input, those of its head.
    pub fn docs(&self) -> &[Doc] {
        match &self.content {
            Content::Json(d) => d,
            Content::Csv { .. } => &[],
        }
    }

    /// The first JSON document that parsed, the one connectors sniff.
    pub fn first_json(&self) -> Option<&Value> {
        self.docs().iter().find_map(|d| d.value.as_ref().ok())
    }

    /// A short description of what the input holds, for "unknown format" errors.
    pub fn describe(&self) -> String {
        match &self.content {
            Content::Csv { header, .. } => {
                let cols: Vec<&str> = header.iter().take(8).map(String::as_str).collect();
                format!("a CSV file with columns {}", cols.join(", "))
            }
            Content::Json(docs) => match self.first_json() {
                // A streamed input's documents are counted on the file, past the head too.
                Some(Value::Object(m)) => {
                    let keys: Vec<&str> = m.keys().take(10).map(String::as_str).collect();
                    format!(
                        "{} JSON document(s), the first an object with keys {}",
                        self.count(docs),
                        keys.join(", ")
                    )
                }
                Some(v) => format!(
                    "{} JSON document(s), the first {}",
                    self.count(docs),
                    json_kind(v)
                ),
                None => "no readable JSON".to_string(),
            },
        }
    }
}

impl Input {
    /// How many documents the input has: `head` and, for a streamed input, those past it.
    fn count(&self, head: &[Doc]) -> u64 {
        head.len() as u64 + self.rest.as_ref().map_or(0, |r| r.count(&self.path))
    }
}

fn not_utf8(path: &Path, line: u64) -> Error {
    Error::input(
        path,
        Some(line),
        "the file is not valid UTF-8; re-export it as UTF-8 (for example: iconv -f latin1 -t utf-8)",
    )
}

/// A file that is neither one JSON document nor mostly one per line, told by the error of reading
/// it as one document.
fn not_json(path: &Path, whole: &serde_json::Error) -> Error {
    let what = if whole.is_eof() {
        "the JSON ends early (the file looks truncated); re-export or re-download it"
    } else {
        "invalid JSON (neither one document nor one document per line)"
    };
    Error::input(
        path,
        Some(whole.line() as u64),
        format!(
            "{what}: {} at line {} column {}",
            explain_json_error(whole),
            whole.line(),
            whole.column()
        ),
    )
}

/// One document for the whole file if it parses as one; else one per line. A file whose first
/// line is not JSON either is a whole-file error with serde's position, as it is truncated or not
/// JSON at all.
fn json_content(path: &Path, text: &str) -> Result<Content> {
    let whole = match serde_json::from_str::<Value>(text) {
        Ok(v) => {
            let line = text[..text.len() - text.trim_start().len()]
                .bytes()
                .filter(|b| *b == b'\n')
                .count() as u64
                + 1;
            return Ok(Content::Json(vec![Doc {
                line,
                value: Ok(v),
                text: None,
            }]));
        }
        Err(e) => e,
    };
    let mut docs = vec![];
    for (i, line) in text.lines().enumerate() {
        docs.extend(Doc::of_line(i as u64 + 1, line));
    }
    let good = docs.iter().filter(|d| d.value.is_ok()).count();
    if docs.first().is_none_or(|d| d.value.is_err()) || good * 2 < docs.len() {
        return Err(not_json(path, &whole));
    }
    Ok(Content::Json(docs))
}

fn csv_content(path: &Path, text: &str) -> Result<Content> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| Error::input(path, Some(1), format!("malformed CSV header: {e}")))?
        .iter()
        .map(|s| s.trim().to_string())
        .collect();
    let mut rows: Vec<(u64, csv::StringRecord)> = vec![];
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            Error::input(
                path,
                e.position().map(|p| p.line()),
                format!("malformed CSV: {e}"),
            )
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        rows.push((line, rec));
    }
    // The csv crate reads an unclosed quote as a field running to the end of the file.
    let (byte, line) = rows
        .last()
        .and_then(|(_, r)| r.position())
        .map_or((0, 1), |p| (p.byte(), p.line()));
    let tail = text.as_bytes().get(byte as usize..).unwrap_or_default();
    if let Some(e) = unclosed_quote(path, &header, tail, line) {
        return Err(e);
    }
    Ok(Content::Csv { header, rows })
}

impl Doc {
    /// The document on one line of a JSON stream, `None` for a blank line. The line is trimmed as
    /// `str::trim` does, so a `\r\n` ending or stray spaces are not part of the document.
    fn of_line(line: u64, text: &str) -> Option<Doc> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        let value = serde_json::from_str::<Value>(t).map_err(|e| format!("invalid JSON: {e}"));
        Some(Doc {
            line,
            text: value.is_err().then(|| t.to_string()),
            value,
        })
    }

    /// The document as a location for rows taken from it at `json_path`.
    pub fn at(&self, json_path: impl Into<String>) -> super::Location {
        super::Location {
            line: self.line,
            json_path: Some(json_path.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(name: &str, text: &str) -> String {
        match Input::parse(Path::new(name), text) {
            Ok(i) => panic!("{name}: read as {}", i.describe()),
            Err(e) => e.to_string(),
        }
    }

    /// Regression (fuzzing): an unclosed quote made the rest of a vendor CSV one field.
    #[test]
    fn an_unclosed_quote_in_a_vendor_csv_names_its_line() {
        assert_eq!(
            err(
                "list.csv",
                "number,short_description\nINC1,ok\nINC2,\"broken\nINC3,lost\n"
            ),
            "list.csv:3: unclosed quote: the quote opened on line 3 (in column \"short_description\") is never closed, so lines 3-4 would be read as one value; close the quote (a quote inside a quoted value is written twice: \"\") and ingest again"
        );
        assert!(Input::parse(Path::new("list.csv"), "a,b\n1,\"x\ny\"\n").is_ok());
    }

    /// Regression (fuzzing): a `.ndjson` whose first line is not JSON was read as a CSV header
    /// ("it looks like a CSV file with columns oops"); it is reported as JSON.
    #[test]
    fn json_names_are_never_read_as_csv() {
        assert_eq!(
            err("hooks.ndjson", "oops\n{\"a\": 1}\n"),
            "hooks.ndjson:1: invalid JSON (neither one document nor one document per line): expected value at line 1 column 1"
        );
    }

    /// A vendor page is parsed whole: a lone surrogate in it is a whole-file error at its line,
    /// in words a person can act on.
    #[test]
    fn a_lone_surrogate_in_a_vendor_page_is_explained() {
        let e = err("page.json", "{\"a\": [\n{\"t\": \"\\ud800\"}]}");
        assert!(
            e.starts_with("page.json:2: invalid JSON (neither one document nor one document per line): unexpected end of hex escape: a string holds a lone UTF-16 surrogate"),
            "{e}"
        );
    }
}
