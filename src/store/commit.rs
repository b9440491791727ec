//! One ingest run's commit: upsert every table, derive the incident summaries from the events,
//! write the changed partitions under temporary names, record the run, and apply it all through
//! the journal.
//!
//! Tables are processed events-first so the incidents can be summarised from the events as they
//! will be after this commit (`model::lifecycle`). Nothing becomes visible until the journal is
//! written.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, TimestampMicrosecondArray, UInt32Array};
use arrow::record_batch::RecordBatch;

use super::batch::{keys, text_col, ts_at, ts_col};
use super::files::{temp_name, write_parquet};
use super::journal::Journal;
use super::upsert::{dedup, materialize, plan};
use super::{Rejection, RunRecord, Store, WriteLock};
use crate::error::{Error, Result};
use crate::model::Table;
use crate::model::columns::*;
use crate::model::lifecycle::{Summary, summarise};
use crate::model::vocab::IncidentStatus;

/// The rows one run brings, per table, as built by the ingester.
#[derive(Debug, Default)]
pub struct Staged {
    pub tables: BTreeMap<Table, Vec<RecordBatch>>,
}

/// What the commit did.
#[derive(Debug)]
pub struct CommitOutcome {
    /// The run as recorded in `_store.json`, with inserted/updated/unchanged filled in.
    pub run: RunRecord,
    pub files_written: usize,
}

impl Store {
    /// Commit `staged` and append `run` to `_store.json`. All or nothing; `_lock` proves the caller
    /// holds the writer lock.
    pub fn commit(
        &self,
        _lock: &WriteLock,
        mut staged: Staged,
        mut run: RunRecord,
        rejections: &[Rejection],
    ) -> Result<CommitOutcome> {
        let mut files_written = 0;
        let mut renames = vec![];
        if !rejections.is_empty() {
            let (tmp, fin) = self.stage_rejected(&run.id, rejections)?;
            run.rejected_log = Some(self.relative(&fin).to_string_lossy().to_string());
            renames.push((self.relative(&tmp), self.relative(&fin)));
        }
        let mut deletes = vec![];
        let mut events_after: BTreeMap<String, Option<RecordBatch>> = BTreeMap::new();
        let mut touched_incidents: HashSet<String> = HashSet::new();

        for table in Table::ALL {
            let batches = staged.tables.remove(&table).unwrap_or_default();
            let incoming = if table == Table::Incidents {
                self.incidents_with_summaries(batches, &touched_incidents, &events_after)?
            } else {
                let (rows, _) = dedup(table, &batches);
                materialize(&batches, &rows, table)?
            };
            if incoming.num_rows() == 0 {
                continue;
            }
            let mut stored = BTreeMap::new();
            let p = plan(self, table, &incoming, &mut stored)?;
            let c = run.tables.entry(table.name().to_string()).or_default();
            c.inserted = p.inserted;
            c.updated = p.updated;
            if table == Table::IncidentEvents {
                touched_incidents = incident_ids_of(&incoming, &p.changed_keys);
                events_after = p.parts.clone();
            }
            for (month, content) in p.parts {
                let fin = self.partition_path(table, &month);
                match content {
                    Some(batch) => {
                        let tmp = temp_name(&fin, &run.id);
                        write_parquet(&tmp, table, &batch)?;
                        renames.push((self.relative(&tmp), self.relative(&fin)));
                        files_written += 1;
                    }
                    None => deletes.push(self.relative(&fin)),
                }
            }
        }

        // Whatever was read and accepted but neither inserted nor updated was already stored (or
        // lost to a newer version). Updates forced by changed events can exceed the incoming rows.
        for c in run.tables.values_mut() {
            c.unchanged = (c.read - c.rejected).saturating_sub(c.inserted + c.updated);
        }
        let mut meta = self.meta()?;
        meta.runs.push(run.clone());
        Journal {
            renames,
            deletes,
            meta,
        }
        .commit(self)?;
        Ok(CommitOutcome { run, files_written })
    }

    fn relative(&self, p: &std::path::Path) -> PathBuf {
        p.strip_prefix(self.root()).unwrap_or(p).to_path_buf()
    }

    /// The incidents to upsert: the incoming rows plus the stored rows of every incident whose
    /// events changed, deduplicated (newest version wins), with the lifecycle columns replaced by
    /// what the events say.
    fn incidents_with_summaries(
        &self,
        mut batches: Vec<RecordBatch>,
        touched: &HashSet<String>,
        events_after: &BTreeMap<String, Option<RecordBatch>>,
    ) -> Result<RecordBatch> {
        let table = Table::Incidents;
        let mut affected: HashSet<String> = touched.clone();
        for b in &batches {
            affected.extend(keys(b, table));
        }
        if affected.is_empty() {
            return materialize(&[], &[], table);
        }
        // Stored versions go first so that, on equal versions, the incoming row wins.
        let mut stored = vec![];
        for month in self.months(table)? {
            let probe = self.read_partition(table, &month, Some(&[INCIDENT_ID]))?;
            if keys(&probe, table).iter().any(|k| affected.contains(k)) {
                let full = self.read_partition(table, &month, None)?;
                let mask: arrow::array::BooleanArray = keys(&full, table)
                    .iter()
                    .map(|k| Some(affected.contains(k)))
                    .collect();
                stored.push(
                    arrow::compute::filter_record_batch(&full, &mask)
                        .map_err(|e| Error::Internal(e.to_string()))?,
                );
            }
        }
        stored.append(&mut batches);
        let (rows, _) = dedup(table, &stored);
        let merged = materialize(&stored, &rows, table)?;
        let summaries = self.summaries(&affected, events_after)?;
        apply_summaries(&merged, &summaries)
    }

    /// Lifecycle summaries of `ids` from the events as they will be after this commit: partitions
    /// rewritten by it come from `events_after`, the others from disk.
    fn summaries(
        &self,
        ids: &HashSet<String>,
        events_after: &BTreeMap<String, Option<RecordBatch>>,
    ) -> Result<HashMap<String, Summary>> {
        let table = Table::IncidentEvents;
        let mut months: Vec<String> = self.months(table)?;
        months.extend(events_after.keys().cloned());
        months.sort();
        months.dedup();
        let mut by_incident: HashMap<String, Vec<(i64, String)>> = HashMap::new();
        for month in months {
            let batch = match events_after.get(&month) {
                Some(Some(b)) => b.clone(),
                Some(None) => continue,
                None => self.read_partition(table, &month, Some(&[INCIDENT_ID, AT, KIND]))?,
            };
            let (inc, at, kind) = (
                text_col(&batch, INCIDENT_ID),
                ts_col(&batch, AT),
                text_col(&batch, KIND),
            );
            for i in 0..batch.num_rows() {
                if ids.contains(inc.value(i)) {
                    let at = ts_at(at, i).unwrap_or_default();
                    by_incident
                        .entry(inc.value(i).to_string())
                        .or_default()
                        .push((at, kind.value(i).to_string()));
                }
            }
        }
        Ok(by_incident
            .into_iter()
            .map(|(id, evs)| (id, summarise(evs.iter().map(|(at, k)| (*at, k.as_str())))))
            .collect())
    }
}

fn incident_ids_of(events: &RecordBatch, changed: &HashSet<String>) -> HashSet<String> {
    let ids = text_col(events, INCIDENT_ID);
    keys(events, Table::IncidentEvents)
        .iter()
        .enumerate()
        .filter(|(_, k)| changed.contains(*k))
        .map(|(i, _)| ids.value(i).to_string())
        .collect()
}

/// What a summary says about one instant column: `None` = nothing, `Some(None)` = null.
type Pick = fn(&Summary) -> Option<Option<i64>>;

/// Replace the lifecycle columns a summary speaks to; the others keep the source's values.
fn apply_summaries(
    batch: &RecordBatch,
    summaries: &HashMap<String, Summary>,
) -> Result<RecordBatch> {
    if summaries.is_empty() {
        return Ok(batch.clone());
    }
    let spec = Table::Incidents.spec();
    let ids = keys(batch, Table::Incidents);
    let get = |i: usize| summaries.get(&ids[i]);
    let mut cols: Vec<ArrayRef> = batch.columns().to_vec();
    let ts_cols: [(&str, Pick); 5] = [
        (IMPACT_STARTED_AT, |s| s.impact_started_at.map(Some)),
        (DETECTED_AT, |s| s.detected_at.map(Some)),
        (ACKNOWLEDGED_AT, |s| s.acknowledged_at.map(Some)),
        (MITIGATED_AT, |s| s.mitigated_at.map(Some)),
        (RESOLVED_AT, |s| s.resolved_at),
    ];
    for (name, pick) in ts_cols {
        let old = ts_col(batch, name);
        let new: TimestampMicrosecondArray = (0..batch.num_rows())
            .map(|i| get(i).and_then(pick).unwrap_or_else(|| ts_at(old, i)))
            .collect::<TimestampMicrosecondArray>()
            .with_timezone("UTC");
        cols[spec.index(name)] = Arc::new(new);
    }
    let old = batch
        .column(spec.index(REOPEN_COUNT))
        .as_any()
        .downcast_ref::<UInt32Array>()
        .ok_or_else(|| Error::Internal("reopen_count is not UInt32".into()))?;
    let new: UInt32Array = (0..batch.num_rows())
        .map(|i| Some(get(i).and_then(|s| s.reopen_count).unwrap_or(old.value(i))))
        .collect();
    cols[spec.index(REOPEN_COUNT)] = Arc::new(new);

    // The status follows the timeline, so a row whose events resolve or reopen it never says
    // otherwise. Resolved needs a resolution instant; once the events speak to resolution (resolved
    // or reopened), where they leave the incident is the status; otherwise the furthest of the
    // source's status, the events' state and the instants the row has wins.
    let resolved = ts_col_of(&cols, spec.index(RESOLVED_AT))?;
    let mitigated = ts_col_of(&cols, spec.index(MITIGATED_AT))?;
    let acked = ts_col_of(&cols, spec.index(ACKNOWLEDGED_AT))?;
    let status = text_col(batch, STATUS);
    let new: arrow::array::StringArray = (0..batch.num_rows())
        .map(|i| {
            let given = status.value(i);
            let Some(summary) = get(i) else {
                return Some(given.to_string());
            };
            let events = summary.state.unwrap_or(IncidentStatus::Open);
            let pick = if resolved.is_valid(i) {
                IncidentStatus::Resolved
            } else if summary.resolved_at.is_some() {
                events
            } else {
                let instants = if mitigated.is_valid(i) {
                    IncidentStatus::Mitigated
                } else if acked.is_valid(i) {
                    IncidentStatus::Acknowledged
                } else {
                    IncidentStatus::Open
                };
                let source = IncidentStatus::parse(given)
                    .filter(|s| *s != IncidentStatus::Resolved)
                    .unwrap_or(IncidentStatus::Open);
                [events, instants, source]
                    .into_iter()
                    .max_by_key(|s| rank(*s))
                    .unwrap_or(IncidentStatus::Open)
            };
            Some(pick.as_str().to_string())
        })
        .collect();
    cols[spec.index(STATUS)] = Arc::new(new);
    RecordBatch::try_new(batch.schema(), cols).map_err(|e| Error::Internal(e.to_string()))
}

fn ts_col_of(cols: &[ArrayRef], i: usize) -> Result<&TimestampMicrosecondArray> {
    cols[i]
        .as_any()
        .downcast_ref::<TimestampMicrosecondArray>()
        .ok_or_else(|| Error::Internal("a lifecycle column is not a timestamp".into()))
}

fn rank(s: IncidentStatus) -> u8 {
    match s {
        IncidentStatus::Open => 0,
        IncidentStatus::Acknowledged => 1,
        IncidentStatus::Mitigated => 2,
        IncidentStatus::Resolved => 3,
    }
}
