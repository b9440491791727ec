//! The Arrow side of the model: each table's Arrow schema (with the schema version in its
//! metadata), a builder that turns typed rows into a `RecordBatch`, and cell access for the few
//! row-wise operations of a commit (keys, versions, months).
//!
//! Only the store uses Arrow; the rest of the crate speaks `model::Cell` and polars.

use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, BooleanBuilder, StringArray, StringBuilder, TimestampMicrosecondArray,
    TimestampMicrosecondBuilder, UInt32Builder,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use arrow::record_batch::RecordBatch;
use chrono::{DateTime, Datelike};

use crate::model::{Cell, ColumnType, SCHEMA_VERSION, SCHEMA_VERSION_KEY, Table};

pub fn data_type(ty: ColumnType) -> DataType {
    match ty {
        ColumnType::Text | ColumnType::Json => DataType::Utf8,
        ColumnType::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        ColumnType::UInt32 => DataType::UInt32,
        ColumnType::Bool => DataType::Boolean,
    }
}

/// The table's Arrow schema, carrying `aftermath.schema_version` in its metadata.
pub fn schema(table: Table) -> SchemaRef {
    let fields: Vec<Field> = table
        .spec()
        .columns
        .iter()
        .map(|c| Field::new(c.name, data_type(c.ty), c.nullable))
        .collect();
    let meta = HashMap::from([(SCHEMA_VERSION_KEY.to_string(), SCHEMA_VERSION.to_string())]);
    Arc::new(Schema::new_with_metadata(fields, meta))
}

enum ColBuilder {
    Text(StringBuilder),
    Ts(TimestampMicrosecondBuilder),
    U32(UInt32Builder),
    Bool(BooleanBuilder),
}

/// Accumulates typed rows of one table into Arrow columns.
pub struct RowBuilder {
    table: Table,
    cols: Vec<ColBuilder>,
    len: usize,
}

impl RowBuilder {
    pub fn new(table: Table) -> RowBuilder {
        RowBuilder {
            table,
            cols: builders(table, 0, &[]),
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Append one row; `cells` is aligned with the table's columns and already type-checked by
    /// the ingester, so a mismatch here is a bug and is appended as null rather than panicking.
    pub fn push(&mut self, cells: &[Cell]) {
        for (b, c) in self.cols.iter_mut().zip(cells) {
            match (b, c) {
                (ColBuilder::Text(b), Cell::Text(s)) => b.append_value(s),
                (ColBuilder::Ts(b), Cell::Timestamp(t)) => b.append_value(*t),
                (ColBuilder::U32(b), Cell::UInt32(v)) => b.append_value(*v),
                (ColBuilder::Bool(b), Cell::Bool(v)) => b.append_value(*v),
                (ColBuilder::Text(b), _) => b.append_null(),
                (ColBuilder::Ts(b), _) => b.append_null(),
                (ColBuilder::U32(b), _) => b.append_null(),
                (ColBuilder::Bool(b), _) => b.append_null(),
            }
        }
        self.len += 1;
    }

    pub fn finish(&mut self) -> RecordBatch {
        let text_bytes: Vec<usize> = self
            .cols
            .iter()
            .map(|b| match b {
                ColBuilder::Text(b) => b.values_slice().len(),
                _ => 0,
            })
            .collect();
        // The next batch starts at this one's size: grown from empty, each column was copied to
        // a larger buffer a dozen times per batch (and each new buffer's pages faulted in).
        let next = builders(self.table, self.len, &text_bytes);
        let arrays: Vec<ArrayRef> = std::mem::replace(&mut self.cols, next)
            .into_iter()
            .map(|b| -> ArrayRef {
                match b {
                    ColBuilder::Text(mut b) => Arc::new(b.finish()),
                    ColBuilder::Ts(mut b) => Arc::new(b.finish()),
                    ColBuilder::U32(mut b) => Arc::new(b.finish()),
                    ColBuilder::Bool(mut b) => Arc::new(b.finish()),
                }
            })
            .collect();
        self.len = 0;
        RecordBatch::try_new(schema(self.table), arrays).expect("builders follow the table schema")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_in_a_row_are_the_months_of_each_instant() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().timestamp_micros();
        let instants = [
            at("2026-01-31T23:59:59.999999Z"),
            at("2026-02-01T00:00:00Z"),
            at("2026-02-28T12:00:00Z"),
            at("2025-12-31T23:59:59Z"),
            at("2026-12-31T23:59:59.999999Z"),
            at("2027-01-01T00:00:00Z"),
            at("1969-12-31T23:59:59Z"),
            i64::MIN,
            0,
        ];
        let mut months = Months::default();
        for us in instants {
            assert_eq!(months.of(us), month_of(us), "{us}");
        }
    }
}

/// Empty builders for `table`'s columns, with room for `rows` rows and, for text column `i`,
/// `text_bytes[i]` bytes (0 where not given).
fn builders(table: Table, rows: usize, text_bytes: &[usize]) -> Vec<ColBuilder> {
    table
        .spec()
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| match c.ty {
            ColumnType::Text | ColumnType::Json => ColBuilder::Text(StringBuilder::with_capacity(
                rows,
                text_bytes.get(i).copied().unwrap_or(0),
            )),
            ColumnType::Timestamp => ColBuilder::Ts(
                TimestampMicrosecondBuilder::with_capacity(rows).with_timezone("UTC"),
            ),
            ColumnType::UInt32 => ColBuilder::U32(UInt32Builder::with_capacity(rows)),
            ColumnType::Bool => ColBuilder::Bool(BooleanBuilder::with_capacity(rows)),
        })
        .collect()
}

/// Typed read access to one column of a batch by name.
pub fn text_col<'a>(batch: &'a RecordBatch, name: &str) -> &'a StringArray {
    batch
        .column_by_name(name)
        .and_then(|a| a.as_any().downcast_ref::<StringArray>())
        .unwrap_or_else(|| panic!("column {name} is Utf8 in every batch of the store"))
}

pub fn ts_col<'a>(batch: &'a RecordBatch, name: &str) -> &'a TimestampMicrosecondArray {
    batch
        .column_by_name(name)
        .and_then(|a| a.as_any().downcast_ref::<TimestampMicrosecondArray>())
        .unwrap_or_else(|| panic!("column {name} is a timestamp in every batch of the store"))
}

pub fn ts_at(a: &TimestampMicrosecondArray, i: usize) -> Option<i64> {
    a.is_valid(i).then(|| a.value(i))
}

/// The primary key of each row as one string (composite keys joined by U+001F).
pub fn keys(batch: &RecordBatch, table: Table) -> Vec<String> {
    let spec = table.spec();
    let parts: Vec<KeyPart> = spec
        .primary_key
        .iter()
        .map(|k| match spec.columns[spec.index(k)].ty {
            ColumnType::Timestamp => KeyPart::Ts(ts_col(batch, k)),
            _ => KeyPart::Text(text_col(batch, k)),
        })
        .collect();
    (0..batch.num_rows())
        .map(|i| {
            let mut s = String::new();
            for (n, p) in parts.iter().enumerate() {
                if n > 0 {
                    s.push('\u{1f}');
                }
                match p {
                    KeyPart::Text(a) => s.push_str(a.value(i)),
                    KeyPart::Ts(a) => s.push_str(&a.value(i).to_string()),
                }
            }
            s
        })
        .collect()
}

/// The primary keys of a batch's rows as `&str`: borrowed from the column when the key is one
/// text column (every table but on-call shifts), joined like `keys` otherwise. The upsert reads
/// millions of keys; allocating a string for each was most of its time.
pub enum KeyCol<'a> {
    Text(&'a StringArray),
    Joined(Vec<String>),
}

impl KeyCol<'_> {
    pub fn get(&self, i: usize) -> &str {
        match self {
            KeyCol::Text(a) => a.value(i),
            KeyCol::Joined(v) => &v[i],
        }
    }
}

pub fn key_col(batch: &RecordBatch, table: Table) -> KeyCol<'_> {
    let spec = table.spec();
    match spec.primary_key {
        [k] if spec.columns[spec.index(k)].ty != ColumnType::Timestamp => {
            KeyCol::Text(text_col(batch, k))
        }
        _ => KeyCol::Joined(keys(batch, table)),
    }
}

enum KeyPart<'a> {
    Text(&'a StringArray),
    Ts(&'a TimestampMicrosecondArray),
}

/// A primary key's 64-bit hash, the same for the same key in every run of a build: the commit's
/// key index and its passes over key ranges (`crossing.rs`, `summaries.rs`) use it.
pub fn key_hash(key: &str) -> u64 {
    use std::hash::BuildHasher;
    // Fixed, so every call of a run agrees; a collision only costs the commit some work (the
    // key index settles on the real keys).
    foldhash::fast::FixedState::with_seed(0x5eed).hash_one(key)
}

/// The `key_hash` of every row's primary key, in row order.
pub fn key_hashes(batch: &RecordBatch, table: Table) -> Vec<u64> {
    let keys = key_col(batch, table);
    (0..batch.num_rows())
        .map(|i| key_hash(keys.get(i)))
        .collect()
}

/// The `month=YYYY-MM` partition value of an instant, in UTC.
pub fn month_of(us: i64) -> String {
    let d = DateTime::from_timestamp_micros(us).unwrap_or_default();
    format!("{:04}-{:02}", d.year(), d.month())
}

/// `month_of` for many instants in a row: the last month's bounds are kept, so rows of the same
/// month (most of a batch) cost two comparisons instead of a date conversion and a string.
#[derive(Default)]
pub struct Months {
    /// `[start, end)` in microseconds and the month's label; empty before the first instant.
    last: Option<(i64, i64, String)>,
}

impl Months {
    pub fn of(&mut self, us: i64) -> &str {
        let hit = matches!(&self.last, Some((start, end, _)) if (*start..*end).contains(&us));
        if !hit {
            self.last = Some(month_span(us));
        }
        self.last
            .as_ref()
            .map_or("", |(_, _, label)| label.as_str())
    }
}

/// The bounds and label of the UTC month holding `us` (an instant chrono cannot place is put in
/// 1970-01, as `month_of` does, with bounds that hold only it).
pub(crate) fn month_span(us: i64) -> (i64, i64, String) {
    let Some(d) = DateTime::from_timestamp_micros(us) else {
        return (us, us.saturating_add(1), month_of(us));
    };
    let first = |y: i32, m: u32| {
        chrono::NaiveDate::from_ymd_opt(y, m, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc().timestamp_micros())
    };
    let (y, m) = (d.year(), d.month());
    let next = if m == 12 {
        first(y + 1, 1)
    } else {
        first(y, m + 1)
    };
    match (first(y, m), next) {
        (Some(start), Some(end)) => (start, end, format!("{y:04}-{m:02}")),
        _ => (us, us.saturating_add(1), month_of(us)),
    }
}
