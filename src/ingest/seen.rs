//! Files the store already holds, read the same way. An ingest given a file whose bytes, name
//! and settings match a file that a run of the current snapshot read skips it, as bulk loaders do
//! (Snowflake's COPY load metadata, Databricks' COPY INTO): re-running the weekly job over the
//! same export folder reads only what is new, and ingesting a year again costs a hash of each file
//! instead of a full read. `--force` reads every file.
//!
//! Reading such a file again would change nothing, with one exception that skipping keeps: where
//! one of its rows tied (same key, same version) with a row of a file read after it, the later
//! file's row stays; re-reading it (`--force`) would make it the later input and let it win.
//!
//! A file is identified by its BLAKE3 and size; its settings digest covers what else decides the
//! rows read from it: its name (which names its table), aftermath's version, the config's teams,
//! severities, zone and exclusions, and the ingest options (`--source`, `--table`, `--timezone`,
//! the mapping file). Files are hashed before the run only when a recorded file has their size;
//! the others are hashed as they are read (`Hashing`), so a fresh ingest reads each byte once.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::options::IngestOptions;
use crate::config::Config;
use crate::error::{Error, IoContext, Result};
use crate::store::{InputFile, StoreMeta};

/// The files recorded by the runs of a snapshot, by size.
pub struct Seen {
    by_size: HashMap<u64, Vec<(InputFile, String)>>,
}

impl Seen {
    pub fn new(meta: &StoreMeta) -> Seen {
        let mut by_size: HashMap<u64, Vec<(InputFile, String)>> = HashMap::new();
        for run in &meta.runs {
            for f in &run.files {
                by_size
                    .entry(f.bytes)
                    .or_default()
                    .push((f.clone(), run.id.clone()));
            }
        }
        Seen { by_size }
    }

    /// The run that already read `path` as this run would, if one did.
    pub fn earlier(&self, path: &Path, settings: &str) -> Result<Option<String>> {
        let bytes = std::fs::metadata(path).at(path)?.len();
        let Some(candidates) = self.by_size.get(&bytes) else {
            return Ok(None);
        };
        if !candidates.iter().any(|(f, _)| f.settings == settings) {
            return Ok(None);
        }
        let (_, digest) = digest_file(path)?;
        Ok(candidates
            .iter()
            .find(|(f, _)| f.settings == settings && f.blake3 == digest)
            .map(|(_, run)| run.clone()))
    }
}

/// The digest of what shapes a run's rows besides a file's name (see the module doc): computed
/// once per run, the mapping file read once.
pub fn run_settings(config: &Config, opts: &IngestOptions) -> Result<blake3::Hasher> {
    let mut h = blake3::Hasher::new();
    let described = format!(
        "{}|{}|{:?}|{:?}|{:?}",
        env!("CARGO_PKG_VERSION"),
        config.typing_fingerprint(),
        opts.zone,
        opts.source,
        opts.table,
    );
    h.update(described.as_bytes());
    if let Some(mapping) = &opts.mapping {
        h.update(digest_file(mapping)?.1.as_bytes());
    }
    Ok(h)
}

/// The settings digest of `path` in a run whose `run_settings` are `run`.
pub fn settings(run: &blake3::Hasher, path: &Path) -> String {
    let mut h = run.clone();
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    h.update(format!("|{name:?}").as_bytes());
    h.finalize().to_hex().to_string()
}

/// A file this run reads.
pub struct ReadFile {
    pub path: PathBuf,
    pub settings: String,
    /// Size and BLAKE3, for a connector's input (hashed after loading); canonical files are
    /// hashed by the reading thread as they stream.
    pub digest: Option<(u64, String)>,
}

/// The run's record of the files it read; `canonical` holds the canonical files' digests in the
/// order they appear in `read`.
pub fn record(read: Vec<ReadFile>, canonical: Vec<(u64, String)>) -> Result<Vec<InputFile>> {
    let mut canonical = canonical.into_iter();
    read.into_iter()
        .map(|r| {
            let (bytes, blake3) = r.digest.or_else(|| canonical.next()).ok_or_else(|| {
                Error::Internal(format!("{} was read without its hash", r.path.display()))
            })?;
            Ok(InputFile {
                path: r.path.display().to_string(),
                bytes,
                blake3,
                settings: r.settings,
            })
        })
        .collect()
}

/// Size and BLAKE3 (hex) of a file.
pub fn digest_file(path: &Path) -> Result<(u64, String)> {
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::input(path, None, "no such file; check the path"),
        _ => Error::io(path, e),
    })?;
    let digest = Arc::new(Mutex::new(Digest::default()));
    let mut r = Hashing::new(Box::new(file), digest.clone());
    std::io::copy(&mut r, &mut std::io::sink()).at(path)?;
    let d = digest.lock().unwrap_or_else(|p| p.into_inner());
    Ok(d.result())
}

/// Bytes seen and their running hash.
#[derive(Default)]
pub struct Digest {
    bytes: u64,
    hasher: blake3::Hasher,
}

impl Digest {
    /// Size and BLAKE3 (hex) of what was read so far.
    pub fn result(&self) -> (u64, String) {
        (self.bytes, self.hasher.finalize().to_hex().to_string())
    }
}

/// A reader that hashes what passes through it. The digest is shared because the reader is
/// handed to a parser that owns it.
pub struct Hashing {
    inner: Box<dyn Read>,
    digest: Arc<Mutex<Digest>>,
}

impl Hashing {
    pub fn new(inner: Box<dyn Read>, digest: Arc<Mutex<Digest>>) -> Hashing {
        Hashing { inner, digest }
    }
}

impl Read for Hashing {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut d = self.digest.lock().unwrap_or_else(|p| p.into_inner());
        d.bytes += n as u64;
        d.hasher.update(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_hashed_while_read_has_the_digest_of_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("alerts.csv");
        std::fs::write(&p, "a,b\n1,2\n").unwrap();
        let (bytes, hex) = digest_file(&p).unwrap();
        assert_eq!(bytes, 8);
        assert_eq!(hex, blake3::hash(b"a,b\n1,2\n").to_hex().to_string());
    }
}
