//! `_store.json`: the schema version, the tables, and the history of ingest runs (id, time,
//! inputs, row counts). Written atomically like every other file of the store.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::files::write_atomic;
use crate::error::{Error, Result};
use crate::model::{OLDEST_SCHEMA_VERSION, SCHEMA_VERSION, Table};

pub const META_FILE: &str = "_store.json";

/// Row counts of one table in one run.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct TableCounts {
    pub read: u64,
    /// New primary keys.
    pub inserted: u64,
    /// Existing keys whose row changed.
    pub updated: u64,
    /// Existing keys whose row was identical, or newer in the store than in the input.
    pub unchanged: u64,
    pub rejected: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RunRecord {
    pub id: String,
    pub started_at: String,
    pub finished_at: String,
    pub inputs: Vec<String>,
    pub tables: BTreeMap<String, TableCounts>,
    /// The rejected log of the run, relative to the store, when anything was rejected.
    pub rejected_log: Option<String>,
    /// The files the run read, so a later run can skip those it would read the same way
    /// (`ingest::seen`). Absent in stores written before it was recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<InputFile>,
}

/// One file an ingest run read, identified by content: a later run given the same bytes under
/// the same name with the same settings would read the same rows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct InputFile {
    /// As given on the command line or found in a folder.
    pub path: String,
    pub bytes: u64,
    /// BLAKE3 of the file's bytes, hex.
    pub blake3: String,
    /// BLAKE3 of what else shapes the rows read from it (file name, aftermath's version, the
    /// config's teams, severities and zone, the ingest options), hex.
    pub settings: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StoreMeta {
    pub schema_version: u32,
    pub tables: Vec<String>,
    pub runs: Vec<RunRecord>,
}

impl Default for StoreMeta {
    fn default() -> Self {
        StoreMeta {
            schema_version: SCHEMA_VERSION,
            tables: Table::ALL.iter().map(|t| t.name().to_string()).collect(),
            runs: vec![],
        }
    }
}

impl StoreMeta {
    /// When the newest run that changed the data finished (RFC 3339), not merely the newest run:
    /// re-ingesting the same inputs (every `aftermath run`) must not change a report of the
    /// same store.
    pub fn last_change(&self) -> Option<&str> {
        self.runs
            .iter()
            .rev()
            .find(|r| r.tables.values().any(|t| t.inserted + t.updated > 0))
            .map(|r| r.finished_at.as_str())
    }

    pub fn read(root: &Path) -> Result<StoreMeta> {
        let path = root.join(META_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(StoreMeta::default()),
            Err(e) => return Err(Error::io(&path, e)),
        };
        let meta: StoreMeta = serde_json::from_str(&text).map_err(|e| {
            Error::store(
                &path,
                format!(
                    "unreadable ({e}); restore it from a backup or delete the store and re-ingest"
                ),
            )
        })?;
        // An older store is read as it is and migrated by the next commit (`Table::changed_since`).
        if !(OLDEST_SCHEMA_VERSION..=SCHEMA_VERSION).contains(&meta.schema_version) {
            return Err(Error::store(
                root,
                format!(
                    "schema version {} but this aftermath reads versions {OLDEST_SCHEMA_VERSION} to {SCHEMA_VERSION}; use the matching aftermath release or re-ingest into a new store",
                    meta.schema_version
                ),
            ));
        }
        Ok(meta)
    }

    pub fn write(&self, root: &Path) -> Result<()> {
        let text =
            serde_json::to_string_pretty(self).map_err(|e| Error::Internal(e.to_string()))?;
        write_atomic(&root.join(META_FILE), text.as_bytes())
    }
}
