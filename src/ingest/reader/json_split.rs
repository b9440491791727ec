//! A `.json` file split into its top-level values as it is read, so a canonical file of millions
//! of records is held one record at a time: the elements of one array, or values one after
//! another. Only the structure is followed here (brackets, braces and strings with their escapes,
//! counting lines); each value's own syntax is checked by its reader (`json_file.rs`).
//!
//! What is not one of those two shapes is an error at its line: a byte between values that is not
//! `,`, the array's `]` or whitespace, anything after the array, and a file that ends inside a
//! value or before the array's `]` (a truncated download).

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::error::{Error, IoContext, Result};

/// One top-level value: its bytes and where it starts (line from 1, byte column from 0).
pub(super) struct Value {
    pub bytes: Vec<u8>,
    pub line: u64,
    pub column: usize,
}

pub(super) struct Splitter<'p, R: Read> {
    path: &'p Path,
    input: BufReader<R>,
    /// The elements of one array (else values one after another).
    array: bool,
    started: bool,
    finished: bool,
    line: u64,
    column: usize,
}

const TRUNCATED: &str =
    "the JSON ends early (the file looks truncated); re-export or re-download it";

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

impl<'p, R: Read> Splitter<'p, R> {
    /// `input` starts at the file's first byte after a byte-order mark.
    pub fn new(path: &'p Path, input: R) -> Splitter<'p, R> {
        Splitter {
            path,
            input: BufReader::with_capacity(256 * 1024, input),
            array: false,
            started: false,
            finished: false,
            line: 1,
            column: 0,
        }
    }

    fn peek(&mut self) -> Result<Option<u8>> {
        let buf = self.input.fill_buf().at(self.path)?;
        Ok(buf.first().copied())
    }

    fn take(&mut self) {
        if let Some(&b) = self.input.buffer().first() {
            if b == b'\n' {
                self.line += 1;
                self.column = 0;
            } else {
                self.column += 1;
            }
            self.input.consume(1);
        }
    }

    fn skip_space(&mut self) -> Result<Option<u8>> {
        while let Some(b) = self.peek()? {
            if !is_space(b) {
                return Ok(Some(b));
            }
            self.take();
        }
        Ok(None)
    }

    fn error(&self, what: impl Into<String>) -> Error {
        Error::input(self.path, Some(self.line), what.into())
    }

    fn unexpected(&self, b: u8, expected: &str) -> Error {
        let found = if b.is_ascii_graphic() {
            format!("`{}`", b as char)
        } else {
            format!("byte 0x{b:02x}")
        };
        self.error(format!(
            "invalid JSON: expected {expected}, found {found} at column {}",
            self.column + 1
        ))
    }

    /// The next top-level value, or `None` after the last.
    pub fn next_value(&mut self) -> Result<Option<Value>> {
        if self.finished {
            return Ok(None);
        }
        if !self.started {
            self.started = true;
            if self.skip_space()? == Some(b'[') {
                self.array = true;
                self.take();
                if self.skip_space()? == Some(b']') {
                    self.take();
                    return self.end_of_array();
                }
            }
        } else if self.array {
            match self.skip_space()? {
                Some(b',') => self.take(),
                Some(b']') => {
                    self.take();
                    return self.end_of_array();
                }
                Some(b) => return Err(self.unexpected(b, "`,` or `]` after an element")),
                None => return Err(self.error(TRUNCATED)),
            }
        }
        match self.skip_space()? {
            Some(b']') if self.array => Err(self.unexpected(b']', "an element after `,`")),
            Some(_) => self.value().map(Some),
            None if self.array => Err(self.error(TRUNCATED)),
            None => {
                self.finished = true;
                Ok(None)
            }
        }
    }

    fn end_of_array(&mut self) -> Result<Option<Value>> {
        self.finished = true;
        match self.skip_space()? {
            None => Ok(None),
            Some(b) => Err(self.unexpected(b, "nothing after the array")),
        }
    }

    /// One value from its first byte: an object or array to its matching close, a string to its
    /// closing quote, anything else (a number, `true`, garbage) to the next delimiter. The read
    /// buffer is scanned a slice at a time: byte by byte through `peek` took a third longer.
    fn value(&mut self) -> Result<Value> {
        let (line, column) = (self.line, self.column);
        let mut bytes = vec![];
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        let scalar = !matches!(self.peek()?, Some(b'{' | b'[' | b'"'));
        loop {
            let buf = self.input.fill_buf().at(self.path)?;
            if buf.is_empty() {
                break;
            }
            let (mut used, mut done) = (0, false);
            for &b in buf {
                if scalar {
                    if is_space(b) || matches!(b, b',' | b']' | b'}' | b'[' | b'{' | b'"') {
                        done = true;
                        break;
                    }
                    used += 1;
                    continue;
                }
                used += 1;
                if in_string {
                    match (escaped, b) {
                        (true, _) => escaped = false,
                        (false, b'\\') => escaped = true,
                        (false, b'"') => in_string = false,
                        _ => {}
                    }
                } else {
                    match b {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                }
                if depth == 0 && !in_string {
                    done = true;
                    break;
                }
            }
            let taken = &buf[..used];
            bytes.extend_from_slice(taken);
            match taken.iter().rposition(|b| *b == b'\n') {
                Some(last) => {
                    self.line += taken.iter().filter(|b| **b == b'\n').count() as u64;
                    self.column = used - last - 1;
                }
                None => self.column += used,
            }
            self.input.consume(used);
            if done {
                return Ok(Value {
                    bytes,
                    line,
                    column,
                });
            }
        }
        if scalar && !bytes.is_empty() {
            return Ok(Value {
                bytes,
                line,
                column,
            });
        }
        Err(self.error(TRUNCATED))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every value as (line, column, text), or the error's text.
    fn split(text: &str) -> std::result::Result<Vec<(u64, usize, String)>, String> {
        let path = Path::new("a.json");
        let mut s = Splitter::new(path, text.as_bytes());
        let mut out = vec![];
        loop {
            match s.next_value() {
                Ok(Some(v)) => out.push((v.line, v.column, String::from_utf8(v.bytes).unwrap())),
                Ok(None) => return Ok(out),
                Err(e) => return Err(e.to_string()),
            }
        }
    }

    #[test]
    fn elements_are_cut_at_their_own_close_whatever_their_strings_hold() {
        let got =
            split("[\n  {\"a\": \"]}\\\"[{\"},\n  [1, [2]], \"s,]\", 12.5e3 , true,null\n]\n")
                .unwrap();
        let texts: Vec<&str> = got.iter().map(|g| g.2.as_str()).collect();
        assert_eq!(
            texts,
            [
                "{\"a\": \"]}\\\"[{\"}",
                "[1, [2]]",
                "\"s,]\"",
                "12.5e3",
                "true",
                "null"
            ]
        );
        assert_eq!((got[0].0, got[0].1), (2, 2));
        assert_eq!((got[3].0, got[3].1), (3, 19));
        // Values one after another, with or without space between them.
        let got = split("{\"a\":1}{\"b\":2}\n 7 {\"c\":[]}").unwrap();
        let texts: Vec<&str> = got.iter().map(|g| g.2.as_str()).collect();
        assert_eq!(texts, ["{\"a\":1}", "{\"b\":2}", "7", "{\"c\":[]}"]);
        assert_eq!(split("[]").unwrap(), []);
        assert_eq!(split(" [ ] \n").unwrap(), []);
    }

    #[test]
    fn a_value_longer_than_the_read_buffer_is_whole_and_lines_go_on_after_it() {
        let long = "x".repeat(600 * 1024);
        let text = format!("[{{\"a\": \"{long}\"}},\n{{\"b\": 1}}]");
        let got = split(&text).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].2.len(), long.len() + 9);
        assert_eq!(
            (got[1].0, got[1].1, got[1].2.as_str()),
            (2, 0, "{\"b\": 1}")
        );
    }

    #[test]
    fn what_is_not_an_array_of_values_is_an_error_at_its_line() {
        let err = |t: &str| split(t).unwrap_err();
        assert_eq!(
            err("[{\"a\":1}\n {\"b\":2}]"),
            "a.json:2: invalid JSON: expected `,` or `]` after an element, found `{` at column 2"
        );
        assert_eq!(
            err("[{\"a\":1},\n]"),
            "a.json:2: invalid JSON: expected an element after `,`, found `]` at column 1"
        );
        assert_eq!(
            err("[{\"a\":1}]\n\nx"),
            "a.json:3: invalid JSON: expected nothing after the array, found `x` at column 1"
        );
        for truncated in [
            "[{\"a\":1},",
            "[{\"a\":1}",
            "[\n{\"a\": \"x",
            "[\n{\"a\": [1",
        ] {
            assert!(
                err(truncated).contains(": the JSON ends early (the file looks truncated)"),
                "{truncated}: {}",
                err(truncated)
            );
        }
        assert!(err("[\n\n{\"a\": [1").starts_with("a.json:3:"));
    }
}
