//! Streaming a large NDJSON vendor export (webhook and Loki archives): the head of its documents
//! is loaded for sniffing, and the rest is read a line at a time, each document parsed, handed to
//! the connector and dropped, so memory is bounded by the longest line, not by the file.
//!
//! A file is streamed only when a whole load would read it as NDJSON: its first non-blank line is a
//! JSON document on its own (so the file is not one document spread over lines, nor a CSV) and the
//! file is larger than the head. Streaming changes no result: documents get the same lines and
//! texts, and the whole-file errors a whole load reports before any record keep their words and
//! positions. Invalid UTF-8 is looked for up front (a byte scan, no parsing); "more bad lines than
//! good" can only be known at the end of the file, where the error of reading the file as one
//! document is recomputed (that read stops at the end of the first document, so it is cheap).

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::{Doc, not_json, not_utf8};
use crate::error::{Error, Result};
use crate::ingest::reader::Format;

/// Bytes read as the head of a file. Smaller files are loaded whole, as they fit in it anyway;
/// a megabyte holds hundreds of webhook payloads, enough for `--source auto` to sniff.
pub(super) const HEAD_BYTES: u64 = 1 << 20;

const BOM: &[u8] = b"\xef\xbb\xbf";

/// Where the documents past the head are, and what the head held, for the good-line count.
#[derive(Debug, Clone)]
pub(super) struct Rest {
    /// Byte offset of the first line past the head.
    offset: u64,
    /// That line's number.
    line: u64,
    head_docs: u64,
    head_good: u64,
}

/// The head's documents and where the rest starts, if `path` is an NDJSON stream larger than
/// `head_bytes`; `None` when it is to be loaded whole (the whole load reports its problems).
pub(super) fn open(path: &Path, head_bytes: u64) -> Result<Option<(Vec<Doc>, Rest)>> {
    let Ok(mut file) = File::open(path) else {
        return Ok(None);
    };
    if file.metadata().map_or(0, |m| m.len()) <= head_bytes {
        return Ok(None);
    }
    let mut head = Vec::new();
    (&mut file)
        .take(head_bytes)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(path, e))?;
    // Only whole lines belong to the head; a first line longer than the head is a single document
    // (an API page), loaded whole.
    let Some(end) = head.iter().rposition(|b| *b == b'\n') else {
        return Ok(None);
    };
    head.truncate(end + 1);
    let mut body = &head[..];
    while let Some(rest) = body.strip_prefix(BOM) {
        body = rest;
    }
    let Ok(text) = std::str::from_utf8(body) else {
        return Ok(None);
    };
    let json_name = matches!(Format::of(path), Some(Format::Json | Format::Ndjson));
    let mut docs: Vec<Doc> = vec![];
    let mut lines = 0;
    for (i, l) in text.lines().enumerate() {
        lines = i as u64 + 1;
        let Some(doc) = Doc::of_line(lines, l) else {
            continue;
        };
        if docs.is_empty() {
            // As `Input::parse` decides: a file not starting like JSON, unless named so, is a CSV;
            // a first line that is not a document is one document over many lines, or an error.
            let json_start = matches!(l.trim().as_bytes().first(), Some(b'{' | b'['));
            if !(json_start || json_name) || doc.value.is_err() {
                return Ok(None);
            }
        }
        docs.push(doc);
    }
    if docs.is_empty() {
        return Ok(None);
    }
    check_utf8(path)?;
    let good = docs.iter().filter(|d| d.value.is_ok()).count() as u64;
    let rest = Rest {
        offset: end as u64 + 1,
        line: lines + 1,
        head_docs: docs.len() as u64,
        head_good: good,
    };
    Ok(Some((docs, rest)))
}

impl Rest {
    /// Hand every document past the head to `f`, in order. Fails at the end, as a whole load would
    /// before anything, if fewer than half the documents of the file parsed.
    pub(super) fn each(&self, path: &Path, mut f: impl FnMut(Doc) -> Result<()>) -> Result<()> {
        let (mut docs, mut good) = (self.head_docs, self.head_good);
        let mut rdr = self.reader(path)?;
        let mut buf = Vec::new();
        let mut line = self.line;
        loop {
            buf.clear();
            if rdr
                .read_until(b'\n', &mut buf)
                .map_err(|e| Error::io(path, e))?
                == 0
            {
                break;
            }
            // Checked up front; this catches a file rewritten while it is read.
            let text = std::str::from_utf8(&buf).map_err(|_| not_utf8(path, line))?;
            if let Some(doc) = Doc::of_line(line, text) {
                docs += 1;
                good += u64::from(doc.value.is_ok());
                f(doc)?;
            }
            line += 1;
        }
        if good * 2 < docs {
            return Err(whole_error(path));
        }
        Ok(())
    }

    /// How many documents are past the head (for messages; unreadable lines are not counted).
    pub(super) fn count(&self, path: &Path) -> u64 {
        let Ok(rdr) = self.reader(path) else {
            return 0;
        };
        rdr.split(b'\n')
            .map_while(std::result::Result::ok)
            .filter(|l| !String::from_utf8_lossy(l).trim().is_empty())
            .count() as u64
    }

    fn reader(&self, path: &Path) -> Result<BufReader<File>> {
        let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
        file.seek(SeekFrom::Start(self.offset))
            .map_err(|e| Error::io(path, e))?;
        Ok(BufReader::with_capacity(256 * 1024, file))
    }
}

/// The error of reading the whole file as one JSON document, which a whole load reports when the
/// file is not NDJSON either. The file's first document parsed, so the read fails right after it.
fn whole_error(path: &Path) -> Error {
    let mut rdr = match File::open(path) {
        Ok(f) => BufReader::new(f),
        Err(e) => return Error::io(path, e),
    };
    while rdr.fill_buf().is_ok_and(|b| b.starts_with(BOM)) {
        rdr.consume(BOM.len());
    }
    let mut de = serde_json::Deserializer::from_reader(rdr);
    match Value::deserialize(&mut de).and_then(|_| de.end()) {
        Err(e) => not_json(path, &e),
        Ok(()) => Error::Internal(format!(
            "{}: read as a JSON stream, yet it is one document",
            path.display()
        )),
    }
}

/// Fail as a whole load does on invalid UTF-8: naming the line of the first bad byte.
fn check_utf8(path: &Path) -> Result<()> {
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut buf = vec![0u8; 1 << 16];
    // Bytes of a character cut by the end of the previous read, moved to the front of `buf`.
    let mut carry = 0;
    let mut newlines = 0u64;
    let count = |b: &[u8]| b.iter().filter(|c| **c == b'\n').count() as u64;
    loop {
        let n = file
            .read(&mut buf[carry..])
            .map_err(|e| Error::io(path, e))?;
        let filled = carry + n;
        match std::str::from_utf8(&buf[..filled]) {
            Ok(_) => {
                newlines += count(&buf[..filled]);
                carry = 0;
            }
            // A character cut by the read: complete it with the next one.
            Err(e) if e.error_len().is_none() && n > 0 => {
                let valid = e.valid_up_to();
                newlines += count(&buf[..valid]);
                buf.copy_within(valid..filled, 0);
                carry = filled - valid;
            }
            Err(e) => {
                return Err(not_utf8(
                    path,
                    newlines + count(&buf[..e.valid_up_to()]) + 1,
                ));
            }
        }
        if n == 0 {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests;
