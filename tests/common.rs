//! Helpers shared by the integration tests: run the binary, write inputs, read the store back.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use aftermath::model::Table;
use aftermath::store::Store;
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

    /// Every `(relative path, bytes)` of the store's Parquet files, sorted.
    pub fn parquet_files(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = vec![];
        for e in walkdir::WalkDir::new(self.store()).sort_by_file_name() {
            let e = e.unwrap();
            let p = e.path();
            if p.extension().is_some_and(|x| x == "parquet") {
                out.push((
                    p.strip_prefix(self.store()).unwrap().display().to_string(),
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
