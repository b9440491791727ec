//! The fixed store the report tests render from: the canonical files of `sample_data/` (six
//! teams, 26 weeks, with the hand-written weekend cover of `rosters/`) ingested once per test
//! process with the repository's `aftermath.toml`, read back as frames. Reports are judged as of [`AS_OF`], so snapshots do not move with the clock.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::ingest::{IngestOptions, MaxRejected, SourceChoice, ingest};
use crate::metrics::Frames;
use crate::model::Table;
use crate::store::Store;

/// Monday after the sample's last week (2026-W46).
pub const AS_OF: &str = "2026-11-17T00:00:00Z";

pub fn as_of() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(AS_OF)
        .expect("constant")
        .with_timezone(&Utc)
}

struct Fixture {
    _dir: tempfile::TempDir,
    store: PathBuf,
    cfg: Config,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let cfg = Config::load(&root.join("aftermath.toml")).expect("the repository's config");
        let dir = tempfile::tempdir().expect("temp dir");
        let store = dir.path().join("store");
        let files = [
            "incidents.csv",
            "incident_events.ndjson",
            "alerts.csv",
            "action_items.json",
            "oncall_shifts.csv",
            "rosters/oncall_shifts-weekend-cover.csv",
        ];
        ingest(
            &Store::at(&store),
            &cfg,
            &IngestOptions {
                inputs: files
                    .iter()
                    .map(|f| root.join("sample_data").join(f))
                    .collect(),
                table: None,
                zone: cfg.input_timezone,
                strict: true,
                max_rejected: MaxRejected::parse("0").expect("zero"),
                source: SourceChoice::Canonical,
                mapping: None,
                memory_budget: crate::ingest::DEFAULT_MEMORY_BUDGET,
                force: false,
            },
        )
        .expect("the sample ingests cleanly");
        Fixture {
            _dir: dir,
            store,
            cfg,
        }
    })
}

/// The sample store's frames and the config.
pub fn sample() -> (Frames, &'static Config) {
    let f = fixture();
    let s = Store::at(&f.store);
    let frames = Frames {
        incidents: s.scan(Table::Incidents).expect("scan"),
        events: s.scan(Table::IncidentEvents).expect("scan"),
        alerts: s.scan(Table::Alerts).expect("scan"),
        action_items: s.scan(Table::ActionItems).expect("scan"),
        oncall_shifts: s.scan(Table::OncallShifts).expect("scan"),
        alert_history: s.scan(Table::Alerts).expect("scan"),
        rejected: s.rejected_summary().expect("rejected"),
    };
    (frames, &f.cfg)
}
