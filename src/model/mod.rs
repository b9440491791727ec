//! The canonical vocabulary every stage speaks: the five tables and their columns, the closed
//! value sets, the in-memory cell of a row, and the rule that derives an incident's lifecycle
//! summary from its events.
//!
//! Nothing here does I/O or knows about Parquet, sources or the CLI.

pub mod columns;
pub mod lifecycle;
pub mod tables;
pub mod time;
pub mod vocab;

pub use tables::{Column, ColumnType, Table, TableSpec};

/// The version of the table schemas, written into every Parquet file's metadata and `_store.json`.
/// Bump it (and document the migration) when a column changes. Version 2 added `incidents.url`.
pub const SCHEMA_VERSION: u32 = 2;

/// The oldest store schema this release reads: a store of an older version is read with the
/// columns added since as nulls (`Table::changed_since`), and migrated by its next ingest.
pub const OLDEST_SCHEMA_VERSION: u32 = 1;

/// The key under which `SCHEMA_VERSION` is written in Parquet and Arrow metadata.
pub const SCHEMA_VERSION_KEY: &str = "aftermath.schema_version";

/// One typed value of a row on its way into the store. Instants are microseconds since the Unix
/// epoch, UTC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Null,
    Text(String),
    Timestamp(i64),
    UInt32(u32),
    Bool(bool),
}

impl Cell {
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Cell::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_timestamp(&self) -> Option<i64> {
        match self {
            Cell::Timestamp(t) => Some(*t),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Cell::Null)
    }
}

/// How every text output writes an instant: RFC 3339 in UTC with microseconds
/// (`2026-03-04T00:00:00.000000Z`), in CSV, JSON and the tidy metric table's `text` alike.
pub const INSTANT_TEXT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";
