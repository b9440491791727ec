//! What the benches share: the options of a canonical ingest and the store's tables as the
//! metrics read them. Included by each bench with `mod common;` (a folder, so cargo does not take
//! it for a bench of its own).

use std::path::PathBuf;

use aftermath::ingest::{IngestOptions, MaxRejected, SourceChoice};
use aftermath::metrics::Frames;
use aftermath::model::Table;
use aftermath::store::Store;

/// Ingest `inputs` as canonical table files, in UTC, failing on any rejected row.
#[allow(dead_code)]
pub fn canonical(inputs: Vec<PathBuf>) -> IngestOptions {
    IngestOptions {
        inputs,
        table: None,
        zone: chrono_tz::Tz::UTC,
        strict: false,
        max_rejected: MaxRejected::Count(0),
        source: SourceChoice::Canonical,
        mapping: None,
        memory_budget: aftermath::ingest::DEFAULT_MEMORY_BUDGET,
        force: false,
    }
}

/// The store's tables as lazy scans, as `aftermath metrics` reads them.
#[allow(dead_code)]
pub fn frames(store: &Store) -> Frames {
    let scan = |t: Table| store.scan(t).expect("scan the store");
    Frames {
        incidents: scan(Table::Incidents),
        events: scan(Table::IncidentEvents),
        alerts: scan(Table::Alerts),
        action_items: scan(Table::ActionItems),
        oncall_shifts: scan(Table::OncallShifts),
        alert_history: scan(Table::Alerts),
        rejected: store.rejected_summary().expect("rejected summary"),
    }
}
