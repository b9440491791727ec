//! From one input record to one typed canonical row: each column parsed by its type, then the
//! table's rules (`rules.rs`) fill derivable values, and required columns are checked.
//!
//! Every failure is a sentence naming the column and saying what was expected, because it ends up
//! in the rejected log that a person reads.

use chrono_tz::Tz;
use serde_json::{Map, Value};

use super::reader::{Record, kind_of};
use super::rules;
use super::timestamp;
use crate::config::Config;
use crate::model::{Cell, ColumnType, TableSpec};

/// What the row parser needs besides the record.
#[derive(Clone, Copy)]
pub struct RowContext<'a> {
    pub config: &'a Config,
    /// The zone of naive timestamps.
    pub zone: Tz,
}

/// A field as the input had it, before typing.
#[derive(Debug, Clone, Copy)]
pub enum Raw<'a> {
    Absent,
    Text(&'a str),
    Json(&'a Value),
}

/// Per-file mapping from table columns to the record's fields.
pub struct FieldMap {
    /// For CSV: the header position of each table column.
    csv_positions: Vec<Option<usize>>,
}

impl FieldMap {
    pub fn for_csv(spec: &TableSpec, header: &[String]) -> FieldMap {
        FieldMap {
            csv_positions: spec
                .columns
                .iter()
                .map(|c| header.iter().position(|h| h.eq_ignore_ascii_case(c.name)))
                .collect(),
        }
    }

    pub fn for_json() -> FieldMap {
        FieldMap {
            csv_positions: vec![],
        }
    }
}

fn field<'a>(spec: &TableSpec, map: &FieldMap, rec: &'a Record<'_>, col: usize) -> Raw<'a> {
    match rec {
        Record::Csv { values, .. } => match map.csv_positions.get(col).copied().flatten() {
            Some(i) => Raw::Text(values.get(i).unwrap_or("")),
            None => Raw::Absent,
        },
        Record::Json(obj) => obj
            .get(spec.columns[col].name)
            .map_or(Raw::Absent, Raw::Json),
        Record::Bad(_) => Raw::Absent,
    }
}

/// Parse a record into a full row of `spec`, or the reason it is rejected.
pub fn parse(
    spec: &TableSpec,
    map: &FieldMap,
    rec: &Record<'_>,
    ctx: &RowContext,
) -> Result<Vec<Cell>, String> {
    let mut cells = vec![];
    parse_into(spec, map, rec, ctx, &mut cells)?;
    Ok(cells)
}

/// `parse` into `cells`, reusing the text buffers of the row parsed before: typing millions of
/// rows allocated and freed a string per text cell per row.
pub fn parse_into(
    spec: &TableSpec,
    map: &FieldMap,
    rec: &Record<'_>,
    ctx: &RowContext,
    cells: &mut Vec<Cell>,
) -> Result<(), String> {
    if let Record::Bad(reason) = rec {
        return Err(reason.clone());
    }
    cells.resize(spec.columns.len(), Cell::Null);
    for (i, col) in spec.columns.iter().enumerate() {
        let raw = field(spec, map, rec, i);
        typed_into(col.ty, raw, ctx, &mut cells[i]).map_err(|e| format!("{}: {e}", col.name))?;
    }
    rules::complete(spec.table, cells, ctx)?;
    for (col, cell) in spec.columns.iter().zip(cells.iter()) {
        if !col.nullable && cell.is_null() {
            return Err(format!("{}: missing; the column is required", col.name));
        }
    }
    Ok(())
}

/// One field typed into `slot`, a text value (text or labels) written into the slot's own
/// buffer when it has one: typing millions of rows allocated a string per text cell per row.
fn typed_into(
    ty: ColumnType,
    raw: Raw<'_>,
    ctx: &RowContext,
    slot: &mut Cell,
) -> Result<(), String> {
    let text = match raw {
        Raw::Absent | Raw::Json(Value::Null) => {
            *slot = Cell::Null;
            return Ok(());
        }
        Raw::Text(s) => trim(s),
        Raw::Json(Value::String(s)) => trim(s),
        Raw::Json(v) => {
            *slot = typed_json(ty, v, ctx)?;
            return Ok(());
        }
    };
    if is_null_text(text) {
        *slot = Cell::Null;
        return Ok(());
    }
    let cell = match ty {
        ColumnType::Text | ColumnType::Json => return text_into(ty, text, slot),
        ColumnType::Timestamp => match timestamp::parse_text(text, ctx.zone)? {
            Some(us) => Cell::Timestamp(timestamp::plausible(us, || format!("{text:?}"))?),
            None => Cell::Null,
        },
        ColumnType::UInt32 => Cell::UInt32(text.parse::<u32>().map_err(|_| {
            format!(
                "expected a whole number from 0 to {}, found {text:?}",
                u32::MAX
            )
        })?),
        // Compared without a lowercased copy: this runs for every alert.
        ColumnType::Bool => {
            let is = |words: &[&str]| words.iter().any(|w| w.eq_ignore_ascii_case(text));
            if is(&["true", "t", "yes", "y", "1"]) {
                Cell::Bool(true)
            } else if is(&["false", "f", "no", "n", "0"]) {
                Cell::Bool(false)
            } else {
                return Err(format!("expected true or false, found {text:?}"));
            }
        }
    };
    *slot = cell;
    Ok(())
}

/// A text or labels value (neither empty nor a "missing" word) into `slot`, reusing its buffer.
fn text_into(ty: ColumnType, text: &str, slot: &mut Cell) -> Result<(), String> {
    let mut buf = match std::mem::replace(slot, Cell::Null) {
        Cell::Text(buf) => buf,
        _ => String::new(),
    };
    buf.clear();
    if ty != ColumnType::Json {
        buf.push_str(text);
    } else if !plain_labels(text, &mut buf) {
        *slot = labels_text(text)?;
        return Ok(());
    }
    *slot = Cell::Text(buf);
    Ok(())
}

/// `s` without surrounding whitespace; a value that starts and ends with a visible ASCII
/// character (nearly every cell) is returned as it is without the Unicode-aware scan, which was
/// a twentieth of the typing threads' time.
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// Values that mean "missing" in exports (data-model.md): empty, `?` (ServiceNow audit logs),
/// `UNKNOWN`, and `null` or `N/A` spelt out. A non-nullable column left null by this is either
/// derived by the table's rules (severity becomes `UNKNOWN`) or rejected as missing.
fn is_null_text(s: &str) -> bool {
    matches!(s, "" | "?" | "UNKNOWN" | "null" | "NULL" | "N/A" | "n/a")
}

/// The labels of a CSV cell, the general way: parsed into values, then written by `labels_json`.
fn labels_text(text: &str) -> Result<Cell, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => Ok(Cell::Text(labels_json(&m))),
        Ok(other) => Err(format!("expected a JSON object, found {}", kind_of(&other))),
        Err(e) => Err(format!("expected a JSON object: {e}")),
    }
}

/// The stored text of labels that are an object of plain strings (no escapes, the usual case),
/// without decoding and re-encoding each value: such a value is written exactly as it was read,
/// keys sorted, the last of a repeated key kept (as the general path does). `None` sends
/// anything else (escapes, numbers, nulls, bad JSON) the general way, which gives the same text;
/// a test holds the two to that. A scan rather than a JSON parser into a map: this runs for every
/// alert, and the map cost a sixteenth of an ingest's CPU.
fn plain_labels(text: &str, out: &mut String) -> bool {
    plain_pairs(text).is_some_and(|pairs| {
        write_pairs(&pairs, text.len(), out);
        true
    })
}

/// The key-value pairs of a labels object of plain strings, sorted by key (stably: the last of
/// equal keys stays last among them), or `None` for anything `plain_labels` leaves to the
/// general path.
fn plain_pairs(text: &str) -> Option<Vec<(&str, &str)>> {
    let mut scan = Scan {
        b: text.as_bytes(),
        i: 0,
    };
    let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(8);
    scan.skip_ws();
    scan.eat(b'{')?;
    scan.skip_ws();
    if scan.eat(b'}').is_none() {
        loop {
            let (k, _) = scan.plain_string(text)?;
            scan.skip_ws();
            scan.eat(b':')?;
            scan.skip_ws();
            let (_, v) = scan.plain_string(text)?;
            pairs.push((k, v));
            scan.skip_ws();
            if scan.eat(b',').is_some() {
                scan.skip_ws();
                continue;
            }
            scan.eat(b'}')?;
            break;
        }
    }
    scan.skip_ws();
    if scan.i != scan.b.len() {
        return None;
    }
    // Stable, so the last of equal keys stays last among them.
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    Some(pairs)
}

/// The labels' stored text of sorted `pairs` into `out` (cleared), the last of a repeated key
/// kept; `len` is the input's length, which the output does not exceed.
fn write_pairs(pairs: &[(&str, &str)], len: usize, out: &mut String) {
    out.clear();
    out.reserve(len);
    out.push('{');
    let mut first = true;
    for (n, (k, v)) in pairs.iter().enumerate() {
        if pairs.get(n + 1).is_some_and(|next| next.0 == *k) {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        out.push('"');
        out.push_str(k);
        out.push_str("\":");
        out.push_str(v);
    }
    out.push('}');
}

/// A cursor over the bytes of a labels cell, for `plain_labels`.
struct Scan<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scan<'_> {
    fn skip_ws(&mut self) {
        while matches!(self.b.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }

    /// A JSON string with no escapes and no control characters (which JSON forbids unescaped):
    /// its contents and its whole text with the quotes, both slices of `text`.
    fn plain_string<'t>(&mut self, text: &'t str) -> Option<(&'t str, &'t str)> {
        let open = self.i;
        self.eat(b'"')?;
        let len = self.b[self.i..]
            .iter()
            .position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
        let close = self.i + len;
        if self.b[close] != b'"' {
            return None;
        }
        self.i = close + 1;
        // Both ends are ASCII quotes, so both slices fall on character boundaries.
        Some((text.get(open + 1..close)?, text.get(open..=close)?))
    }
}

fn typed_json(ty: ColumnType, v: &Value, _ctx: &RowContext) -> Result<Cell, String> {
    match (ty, v) {
        (ColumnType::Text, Value::Number(n)) => Ok(Cell::Text(n.to_string())),
        (ColumnType::Text, Value::Bool(b)) => Ok(Cell::Text(b.to_string())),
        (ColumnType::Timestamp, Value::Number(n)) => match n.as_i64() {
            Some(i) => Ok(match timestamp::parse_epoch(i)? {
                Some(us) => Cell::Timestamp(timestamp::plausible(us, || i.to_string())?),
                None => Cell::Null,
            }),
            None => Err(format!(
                "{n} is not a whole epoch number; give integer seconds, milliseconds or nanoseconds, or an RFC 3339 string"
            )),
        },
        (ColumnType::UInt32, Value::Number(n)) => n
            .as_u64()
            .and_then(|u| u32::try_from(u).ok())
            .map(Cell::UInt32)
            .ok_or_else(|| format!("expected a whole number from 0 to {}, found {n}", u32::MAX)),
        (ColumnType::Bool, Value::Bool(b)) => Ok(Cell::Bool(*b)),
        (ColumnType::Bool, Value::Number(n)) if n.as_u64() == Some(0) || n.as_u64() == Some(1) => {
            Ok(Cell::Bool(n.as_u64() == Some(1)))
        }
        (ColumnType::Json, Value::Object(m)) => Ok(Cell::Text(labels_json(m))),
        (_, other) => Err(format!(
            "expected {}, found {}",
            ty.describe(),
            kind_of(other)
        )),
    }
}

/// Labels as a JSON object of strings with sorted keys: the same labels always give the same text,
/// which keeps re-ingest idempotent and lets engines compare the column directly.
pub fn labels_json(m: &Map<String, Value>) -> String {
    let flat: std::collections::BTreeMap<&str, String> = m
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            let s = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.as_str(), s)
        })
        .collect();
    serde_json::to_string(&flat).unwrap_or_else(|_| "{}".to_string())
}

#[cfg(test)]
mod tests;
