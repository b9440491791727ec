//! The incident summaries a commit derives from the timeline: the incoming incident rows plus
//! the stored rows of every incident whose events changed, with the lifecycle columns and status
//! replaced by what the events say after this commit (`model::lifecycle`). Whenever an incident has
//! events the two never disagree.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, TimestampMicrosecondArray, UInt32Array};
use arrow::record_batch::RecordBatch;

use super::batch::{key_col, key_hash, keys, text_col, ts_at, ts_col};
use super::snapshot::Snapshot;
use super::staging::Staging;
use super::winners::{dedup, materialize};
use crate::error::{Error, Result};
use crate::model::Table;
use crate::model::columns::*;
use crate::model::lifecycle::{Summary, summarise_kinds};
use crate::model::vocab::{EventKind, IncidentStatus};

/// What settling one incident holds at its peak, planned high: its incoming and stored rows, the
/// merged copy, its key in the sets and maps, its events as (instant, kind), its summary and the
/// rewritten columns.
const SETTLE_BYTES_PER_INCIDENT: u64 = 1536;

/// Summarise the incoming incidents and those whose events changed (`touched`), and spill them
/// into `staging` by month for the upsert. When they would not fit half the memory budget
/// (`budget`, bytes) together, they are settled in parts by key hash, each part reading the
/// events again: a decade's first ingest brings millions of incidents.
pub fn spill_summarised(
    base: &Snapshot,
    after: &Snapshot,
    staging: &mut Staging,
    touched: HashSet<String>,
    budget: u64,
) -> Result<()> {
    let table = Table::Incidents;
    let held = staging.unsplit_rows(table) + touched.len() as u64;
    let parts = (held * SETTLE_BYTES_PER_INCIDENT)
        .div_ceil((budget / 2).max(1))
        .max(1);
    let mut touched_parts = vec![HashSet::new(); parts as usize];
    for id in touched {
        touched_parts[(key_hash(&id) % parts) as usize].insert(id);
    }
    for (part, touched) in (0..parts).zip(touched_parts) {
        let incoming = staging.read_unsplit(table, parts, part)?;
        let rows = incidents_with_summaries(base, after, vec![incoming], touched)?;
        staging.add_split(table, &rows)?;
    }
    Ok(())
}

/// The incidents to upsert: the incoming rows plus the stored rows of every incident whose
/// events changed, deduplicated (newest version wins), with the lifecycle columns replaced by
/// what the events say.
fn incidents_with_summaries(
    base: &Snapshot,
    after: &Snapshot,
    mut batches: Vec<RecordBatch>,
    touched: HashSet<String>,
) -> Result<RecordBatch> {
    let table = Table::Incidents;
    let mut affected = touched;
    for b in &batches {
        let ks = key_col(b, table);
        affected.extend((0..b.num_rows()).map(|i| ks.get(i).to_string()));
    }
    if affected.is_empty() {
        return materialize(&[], &[], table);
    }
    // Stored versions go first so that, on equal versions, the incoming row wins.
    let mut stored = vec![];
    for month in base.months(table)? {
        let probe = base.read_partition(table, &month, Some(&[INCIDENT_ID]))?;
        if keys(&probe, table).iter().any(|k| affected.contains(k)) {
            let full = base.read_partition(table, &month, None)?;
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
    let rows = dedup(table, &stored);
    let merged = materialize(&stored, &rows, table)?;
    let summaries = summaries(after, &affected)?;
    apply_summaries(&merged, &summaries)
}

/// The events of one incident, as (instant, kind).
type Timeline = Vec<(i64, EventKind)>;

/// Lifecycle summaries of `ids` from the events of `after`: the draft of the next snapshot, whose
/// events are already as this commit leaves them.
fn summaries(after: &Snapshot, ids: &HashSet<String>) -> Result<HashMap<String, Summary>> {
    // One month's columns at a time, each event kept as (instant, kind) under its incident's
    // number: holding every month's strings until the grouping was done took gigabytes when a
    // run touched millions of incidents (a decade's first ingest: 20 million events).
    let index: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(n, id)| (id.as_str(), n))
        .collect();
    let mut events: Vec<Option<Timeline>> = vec![None; ids.len()];
    for month in after.months(Table::IncidentEvents)? {
        month_events(after, &month, &index, &mut events)?;
    }
    let mut out = HashMap::with_capacity(ids.len());
    for (id, evs) in ids.iter().zip(events) {
        if let Some(evs) = evs {
            out.insert(id.clone(), summarise_kinds(evs));
        }
    }
    Ok(out)
}

/// Add one month's events of the incidents in `index` to `events`.
fn month_events(
    after: &Snapshot,
    month: &str,
    index: &HashMap<&str, usize>,
    events: &mut [Option<Timeline>],
) -> Result<()> {
    let batch =
        after.read_partition(Table::IncidentEvents, month, Some(&[INCIDENT_ID, AT, KIND]))?;
    let (inc, at, kind) = (
        text_col(&batch, INCIDENT_ID),
        ts_col(&batch, AT),
        text_col(&batch, KIND),
    );
    for i in 0..batch.num_rows() {
        if let Some(&n) = index.get(inc.value(i)) {
            // Kinds outside the vocabulary were rejected at ingest; one here says nothing.
            let evs = events[n].get_or_insert_with(Vec::new);
            if let Some(k) = EventKind::parse(kind.value(i)) {
                evs.push((ts_at(at, i).unwrap_or_default(), k));
            }
        }
    }
    Ok(())
}

/// What a summary says about one instant column: `None` = nothing, `Some(None)` = null.
type Pick = fn(&Summary) -> Option<Option<i64>>;

/// Replace the lifecycle columns a summary speaks to; the others keep the source's values.
pub fn apply_summaries(
    batch: &RecordBatch,
    summaries: &HashMap<String, Summary>,
) -> Result<RecordBatch> {
    if summaries.is_empty() {
        return Ok(batch.clone());
    }
    let spec = Table::Incidents.spec();
    let ids = key_col(batch, Table::Incidents);
    let get = |i: usize| summaries.get(ids.get(i));
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
