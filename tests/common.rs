//! Helpers shared by the integration tests: run the binary, write inputs, read the store back.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use aftermath::model::Table;
use aftermath::store::{Rejection, Store};
use polars::prelude::*;

pub const BIN: &str = env!("CARGO_BIN_EXE_aftermath");

pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn store(&self) -> PathBuf {
        self.path("store")
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    /// Run `aftermath --store <sandbox>/store <args>` in the sandbox.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .current_dir(self.dir.path())
            .arg("--store")
            .arg(self.store())
            .args(args)
            .output()
            .expect("run aftermath")
    }

    /// Like `run`, and assert success.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "aftermath {args:?} failed:\n{}\n{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    pub fn frame(&self, table: Table) -> DataFrame {
        Store::at(self.store())
            .scan(table)
            .unwrap()
            .collect()
            .unwrap()
    }

    /// The published snapshot (what `current` names).
    pub fn current(&self) -> PathBuf {
        self.store().join("current")
    }

    /// Every `(relative path, bytes)` of the published snapshot's Parquet files, sorted.
    pub fn parquet_files(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = vec![];
        let root = self.current();
        if !root.exists() {
            return out;
        }
        for e in walkdir::WalkDir::new(&root)
            .follow_root_links(true)
            .sort_by_file_name()
        {
            let e = e.unwrap();
            let p = e.path();
            if p.extension().is_some_and(|x| x == "parquet") {
                out.push((
                    p.strip_prefix(&root).unwrap().display().to_string(),
                    std::fs::read(p).unwrap(),
                ));
            }
        }
        out
    }
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

/// A string column of a frame, nulls as `None`.
pub fn strs(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    df.column(name)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.map(str::to_string))
        .collect()
}

/// A timestamp column as microseconds.
pub fn micros(df: &DataFrame, name: &str) -> Vec<Option<i64>> {
    df.column(name)
        .unwrap()
        .datetime()
        .unwrap()
        .physical()
        .iter()
        .collect()
}

/// The rows of `df` sorted by `key`.
pub fn sorted(df: DataFrame, key: &str) -> DataFrame {
    df.sort([key], SortMultipleOptions::default()).unwrap()
}

/// Where `../shared/formats` would be; `None` (with a note) when it is absent.
#[allow(dead_code)]
pub fn shared_formats() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/formats");
    if p.is_dir() { Some(p) } else { None }
}

impl Sandbox {
    /// The rows of `table`, sorted by its primary key, as `col=value` lines joined by ` | ` with
    /// only `cols` shown: timestamps in RFC 3339 UTC to the second (microseconds when non-zero),
    /// nulls as `-`. Lets a test state exact expected rows readably.
    #[allow(dead_code)]
    pub fn rows(&self, table: Table, cols: &[&str]) -> Vec<String> {
        let key: Vec<&str> = table.spec().primary_key.to_vec();
        let df = self
            .frame(table)
            .sort(key, SortMultipleOptions::default())
            .unwrap();
        (0..df.height())
            .map(|i| {
                cols.iter()
                    .map(|c| format!("{c}={}", cell(&df, c, i)))
                    .collect::<Vec<_>>()
                    .join(" | ")
            })
            .collect()
    }
}

fn cell(df: &DataFrame, col: &str, i: usize) -> String {
    let s = df.column(col).unwrap_or_else(|_| panic!("no column {col}"));
    match s.dtype() {
        DataType::Datetime(..) => match s.datetime().unwrap().physical().get(i) {
            None => "-".to_string(),
            Some(us) => {
                let d = chrono::DateTime::from_timestamp_micros(us).unwrap();
                if us % 1_000_000 == 0 {
                    d.format("%Y-%m-%dT%H:%M:%SZ").to_string()
                } else {
                    d.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
                }
            }
        },
        DataType::String => s.str().unwrap().get(i).unwrap_or("-").to_string(),
        _ => {
            let v = s.get(i).unwrap();
            if v.is_null() {
                "-".to_string()
            } else {
                v.to_string()
            }
        }
    }
}

/// The teams of the repository's `aftermath.toml` (services and aliases only), so connector tests
/// map rows to teams as a real run does.
#[allow(dead_code)]
pub const SAMPLE_TEAMS: &str = "[teams.payments]\nservices = [\"payments-api\", \"billing\", \"ledger\"]\naliases = [\"Payments\", \"payments-oncall\"]\n\
                      [teams.search]\nservices = [\"search-api\", \"indexer\"]\n\
                      [teams.identity]\nservices = [\"auth\", \"sso\"]\n\
                      [teams.storefront]\nservices = [\"web\", \"cdn-edge\"]\n\
                      [teams.data-platform]\nservices = [\"kafka\", \"warehouse\"]\n\
                      [teams.mobile]\nservices = [\"mobile-api\", \"push\"]\n";

#[allow(dead_code)]
impl Sandbox {
    /// A sandbox whose `aftermath.toml` holds `SAMPLE_TEAMS`.
    pub fn with_sample_teams() -> Sandbox {
        let s = Sandbox::new();
        s.write("aftermath.toml", SAMPLE_TEAMS);
        s
    }

    /// Every rejected row the store has logged, in run order; none when nothing was rejected.
    pub fn rejected(&self) -> Vec<Rejection> {
        let Ok(dir) = std::fs::read_dir(self.current().join("_rejected")) else {
            return vec![];
        };
        let mut logs: Vec<PathBuf> = dir.map(|e| e.unwrap().path()).collect();
        logs.sort();
        logs.iter()
            .flat_map(|p| {
                std::fs::read_to_string(p)
                    .unwrap()
                    .lines()
                    .map(|l| serde_json::from_str(l).unwrap())
                    .collect::<Vec<Rejection>>()
            })
            .collect()
    }
}

/// A sandbox with the sample's canonical files ingested under the repository's team config.
#[allow(dead_code)]
pub fn sample() -> Sandbox {
    let sb = Sandbox::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let files: Vec<String> = [
        "incidents.csv",
        "incident_events.ndjson",
        "alerts.csv",
        "action_items.json",
        "oncall_shifts.csv",
    ]
    .iter()
    .map(|f| root.join("sample_data").join(f).display().to_string())
    .collect();
    let quoted: Vec<String> = files.iter().map(|f| format!("{f:?}")).collect();
    let cfg = std::fs::read_to_string(root.join("aftermath.toml")).unwrap();
    let cfg = cfg
        .replace(
            "inputs = [\"sample_data\"]",
            &format!("inputs = [{}]", quoted.join(", ")),
        )
        .replace("reports = \"reports\"", "reports = \"out\"");
    sb.write("aftermath.toml", cfg);
    let mut args = vec!["ingest"];
    args.extend(files.iter().map(String::as_str));
    sb.ok(&args);
    sb
}
