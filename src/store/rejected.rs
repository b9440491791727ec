//! The rejected log: one JSON object per input record that could not be stored, with the file,
//! the line or JSON path, the table, the reason and the raw text, in `_rejected/<run>.ndjson`.
//! Written into the run's snapshot (`publish.rs`), so a run either has its log or did not happen;
//! each snapshot carries every earlier run's log too (hard links).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Store;
use crate::error::{Error, IoContext, Result};

pub const REJECTED_DIR: &str = "_rejected";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Rejection {
    pub file: String,
    pub line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_path: Option<String>,
    /// The table the record was meant for, when known.
    pub table: Option<String>,
    pub reason: String,
    pub raw: String,
}

impl Rejection {
    /// `file:line[ $path]: reason`, for terminals.
    pub fn describe(&self) -> String {
        let path = self
            .json_path
            .as_deref()
            .map(|p| format!(" {p}"))
            .unwrap_or_default();
        format!("{}:{}{}: {}", self.file, self.line, path, self.reason)
    }
}

/// Write a rejected log (one JSON object per line) and flush it: it is part of a snapshot.
pub(crate) fn write_log(path: &Path, rejections: &[Rejection]) -> Result<()> {
    let mut text = String::new();
    for r in rejections {
        text.push_str(&serde_json::to_string(r).map_err(|e| Error::Internal(e.to_string()))?);
        text.push('\n');
    }
    let mut f = std::fs::File::create(path).at(path)?;
    f.write_all(text.as_bytes()).at(path)?;
    f.sync_all().at(path)
}

impl Store {
    /// Rejected records per run id, across every log of the store (for data-quality sections).
    pub fn rejected_counts(&self) -> Result<BTreeMap<String, u64>> {
        let dir = self.snapshot()?.dir().join(REJECTED_DIR);
        let mut out = BTreeMap::new();
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok(out);
        };
        for e in entries {
            let path = e.at(&dir)?.path();
            if path.extension().is_some_and(|x| x == "ndjson") {
                let text = std::fs::read_to_string(&path).at(&path)?;
                let run = path
                    .file_stem()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .to_string();
                out.insert(
                    run,
                    text.lines().filter(|l| !l.trim().is_empty()).count() as u64,
                );
            }
        }
        Ok(out)
    }

    /// The rejected records of the newest run that logged any, counted by table and reason:
    /// `table, reason, rows` (UInt64), most frequent first. Earlier runs are not added in: a
    /// re-run of the same inputs rejects the same records again, and summing would count them
    /// twice.
    pub fn rejected_summary(&self) -> Result<polars::prelude::DataFrame> {
        use polars::prelude::*;
        let snapshot = self.snapshot()?;
        let meta = if self.exists() {
            Some(snapshot.meta()?)
        } else {
            None
        };
        let log = meta
            .as_ref()
            .and_then(|m| m.runs.iter().rev().find_map(|r| r.rejected_log.clone()));
        let mut counts: BTreeMap<(String, String), u64> = BTreeMap::new();
        if let Some(log) = log {
            let path = snapshot.dir().join(&log);
            let text = match std::fs::read_to_string(&path) {
                Ok(t) => t,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
                Err(e) => return Err(Error::io(&path, e)),
            };
            for (i, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                let r: Rejection = serde_json::from_str(line).map_err(|e| {
                    Error::store(&path, format!("line {}: not a rejected record: {e}", i + 1))
                })?;
                let table = r.table.unwrap_or_else(|| "unknown".into());
                *counts.entry((table, r.reason)).or_default() += 1;
            }
        }
        let mut rows: Vec<_> = counts.into_iter().collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let table: Vec<&str> = rows.iter().map(|r| r.0.0.as_str()).collect();
        let reason: Vec<&str> = rows.iter().map(|r| r.0.1.as_str()).collect();
        let n: Vec<u64> = rows.iter().map(|r| r.1).collect();
        DataFrame::new_infer_height(vec![
            Column::new("table".into(), table),
            Column::new("reason".into(), reason),
            Column::new("rows".into(), n),
        ])
        .map_err(|e| Error::Internal(e.to_string()))
    }
}
