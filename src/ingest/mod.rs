//! Canonical ingest: walk the inputs, read each file (CSV, NDJSON, JSON) as the table its name
//! says, type and check every row, log what is rejected, and commit the rest to the store in one
//! atomic step.
//!
//! Bad rows never stop a run silently and never vanish: each becomes a `Rejection` with file, line
//! and reason. `--strict` turns the first one into an error, and `--max-rejected` fails the run
//! (writing nothing) when there are too many. Source-specific connectors are not here.

pub mod canonical;
mod options;
mod parallel;
pub mod reader;
pub mod row;
pub mod rules;
pub mod seen;
pub mod shape;
pub mod source;
pub mod timestamp;

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::Table;
use crate::store::{Rejection, RunRecord, Store};
use canonical::{Sink, is_canonical};
pub use options::{DEFAULT_MEMORY_BUDGET, IngestOptions, MaxRejected, SourceChoice, parse_bytes};
use parallel::{Job, read_files};
use reader::Format;
use row::RowContext;
use source::{Input, Out, Source, SourceContext};

/// How one input file was read.
#[derive(Debug, Clone)]
pub struct Detected {
    pub file: PathBuf,
    /// `canonical` or a connector's name.
    pub source: String,
    /// What was found: "incidents table", "REST GET /incidents page".
    pub shape: String,
}

#[derive(Debug)]
pub struct IngestReport {
    /// `None` when every input was skipped (`skipped`) and nothing was committed.
    pub run: Option<RunRecord>,
    pub files: Vec<PathBuf>,
    /// Per file, the source that read it.
    pub detected: Vec<Detected>,
    pub rejections: Vec<Rejection>,
    pub warnings: Vec<String>,
    /// Files not read because a run of the store read them the same way: (file, that run).
    pub skipped: Vec<(PathBuf, String)>,
}

/// Inputs larger than this in total get a progress bar (on a terminal).
const PROGRESS_BYTES: u64 = 4 * 1024 * 1024;

pub fn ingest(store: &Store, config: &Config, opts: &IngestOptions) -> Result<IngestReport> {
    let started = chrono::Utc::now();
    let files = expand_inputs(&opts.inputs)?;
    let lock = store.lock()?;
    let run_id = format!(
        "{}-{}",
        started.format("%Y%m%dT%H%M%S%.3fZ"),
        std::process::id()
    );

    let total: u64 = files
        .iter()
        .filter_map(|(p, _)| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let bar = if total > PROGRESS_BYTES && std::io::stderr().is_terminal() {
        let b = ProgressBar::new(total);
        b.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b.set_message("ingesting");
        b
    } else {
        ProgressBar::hidden()
    };

    let ctx = RowContext {
        config,
        zone: opts.zone,
    };
    let staging = Mutex::new(store.staging(&lock, &run_id)?);
    let mut detected = vec![];
    let source_ctx = SourceContext {
        zone: opts.zone,
        mapping: opts.mapping.clone(),
    };
    let mut connectors: BTreeMap<&'static str, Box<dyn Source>> = BTreeMap::new();
    // Connector rows go to their sink as they are produced, a window at a time, so a streamed
    // export is never held whole. Their refusals wait in `out` for a second sink at the end: the
    // rejected log lists refusals before the rows' own rejections, as when all came at once.
    // Under --strict the row sink does not stop at a rejection: the first refusal, if any, is
    // still the one reported, as before. The row sink numbers its rows after the refusals' sink
    // (place `files.len() + 1`), so ordering rejections by input-order number keeps refusals first.
    let mut row_sink = Sink::new(ctx, false, &staging, files.len() + 1);
    let mut to_sink = |rows| row_sink.take(Out::of_rows(rows), &mut vec![]);
    let mut out = Out::draining(&mut to_sink);
    let mut jobs = vec![];

    let seen = seen::Seen::new(&store.meta()?);
    let mut skipped = vec![];
    let mut read: Vec<seen::ReadFile> = vec![];
    for (position, (path, format)) in files.iter().enumerate() {
        let settings = seen::settings(config, opts, path)?;
        if !opts.force
            && let Some(run) = seen.earlier(path, &settings)?
        {
            skipped.push((path.clone(), run));
            continue;
        }
        let (input, name, shape) = match choose(path, *format, opts)? {
            Choice::Canonical(table) => {
                detected.push(Detected {
                    file: path.clone(),
                    source: "canonical".to_string(),
                    shape: format!("{table} table"),
                });
                jobs.push(Job {
                    position,
                    path: path.clone(),
                    format: *format,
                    table,
                });
                read.push(seen::ReadFile {
                    path: path.clone(),
                    settings,
                    digest: None,
                });
                continue;
            }
            Choice::Connector { input, name, shape } => (input, name, shape),
        };
        bar.inc(std::fs::metadata(path).map(|m| m.len()).unwrap_or(0));
        detected.push(Detected {
            file: path.clone(),
            source: name.to_string(),
            shape: shape.to_string(),
        });
        let connector = match connectors.entry(name) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(v) => v.insert(
                source::by_name(name)
                    .ok_or_else(|| Error::Internal(format!("no connector {name}")))?,
            ),
        };
        let input = match input.is_streamed() && !connector.streams() {
            true => Input::load_whole(path)?,
            false => input,
        };
        out.file = path.display().to_string();
        if let Err(e) = connector.read(&input, &source_ctx, &mut out) {
            // A whole load would have failed on the file's own error first.
            input.check()?;
            return Err(e);
        }
        read.push(seen::ReadFile {
            path: path.clone(),
            settings,
            digest: Some(seen::digest_file(path)?),
        });
    }
    // Canonical files stream on both cores; their rows come before the connectors' in the
    // run's input order, as when they were read one after the other.
    if read.is_empty() && !skipped.is_empty() {
        // Every input is in the store already: nothing to commit.
        drop(staging);
        store.tidy(&lock)?;
        return Ok(IngestReport {
            run: None,
            files: vec![],
            detected,
            rejections: vec![],
            warnings: vec![],
            skipped,
        });
    }
    let mut outcome = read_files(&jobs, ctx, opts.strict, &staging, &bar)?;
    bar.finish_and_clear();
    for connector in connectors.values_mut() {
        connector.finish(&source_ctx, &mut out)?;
    }
    out.flush()?;
    let refused = out.detach();
    let mut sink = Sink::new(ctx, opts.strict, &staging, files.len());
    sink.take(refused, &mut outcome.warnings)?;
    let (counts, rejections) = sink.finish()?;
    outcome.add(counts, rejections);
    let (counts, rejections) = row_sink.finish()?;
    if let Some((_, r)) = rejections.first().filter(|_| opts.strict) {
        // The words of `Sink` under --strict.
        return Err(Error::Rejected(format!(
            "{} (--strict: nothing was written)",
            r.describe()
        )));
    }
    outcome.add(counts, rejections);
    let read_paths: Vec<PathBuf> = read.iter().map(|r| r.path.clone()).collect();
    let input_files = seen::record(read, std::mem::take(&mut outcome.digests))?;
    let (counts, rejections, warnings) = outcome.into_parts();
    let staging = staging.into_inner().unwrap_or_else(|p| p.into_inner());

    let read: u64 = counts.values().map(|c| c.read).sum();
    if opts.max_rejected.exceeded(rejections.len() as u64, read) {
        let mut msg = format!(
            "{} of {read} rows were rejected, more than --max-rejected allows; nothing was written. First reasons:",
            rejections.len()
        );
        for r in rejections.iter().take(10) {
            msg.push_str(&format!("\n  {}", r.describe()));
        }
        msg.push_str("\nFix the input, or raise --max-rejected (N or P%) to keep the good rows.");
        return Err(Error::Rejected(msg));
    }

    let tables = counts
        .iter()
        .map(|(t, c)| (t.name().to_string(), c.clone()))
        .collect();
    let run = RunRecord {
        id: run_id,
        started_at: started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        finished_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        inputs: opts
            .inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        tables,
        rejected_log: None,
        files: input_files,
    };
    let outcome = store.commit(&lock, staging, run, &rejections, opts.memory_budget)?;
    drop(lock);
    Ok(IngestReport {
        run: Some(outcome.run),
        files: read_paths,
        detected,
        rejections,
        warnings,
        skipped,
    })
}

/// How one file is read.
enum Choice {
    Canonical(Table),
    Connector {
        input: Input,
        name: &'static str,
        shape: &'static str,
    },
}

/// The reader of one file under `--source` (and `--table`, which means canonical files). A file
/// with no records in it (empty, blank, a lone JSON scalar) is refused first, in its own words.
fn choose(path: &Path, format: Format, opts: &IngestOptions) -> Result<Choice> {
    shape::check(path, format)?;
    let canonical = || -> Result<Choice> {
        Ok(Choice::Canonical(match opts.table {
            Some(t) => t,
            None => table_of(path)?,
        }))
    };
    if opts.table.is_some() {
        return canonical();
    }
    match &opts.source {
        SourceChoice::Canonical => canonical(),
        SourceChoice::Auto if is_canonical(path, format) => canonical(),
        SourceChoice::Auto => {
            vendor_uncompressed(path)?;
            let input = Input::load(path)?;
            match source::detect(&input) {
                Ok((name, shape)) => Ok(Choice::Connector { input, name, shape }),
                Err(e) => {
                    // A streamed file's own error (past its head) comes first, as in a whole load.
                    input.check()?;
                    // A file named after a table that no connector claims is a canonical file
                    // with a problem (a missing column); the canonical reader says which.
                    match table_of(path) {
                        Ok(_) => canonical(),
                        Err(_) => Err(e),
                    }
                }
            }
        }
        SourceChoice::Named(n) => {
            vendor_uncompressed(path)?;
            let probe = source::by_name(n).ok_or_else(|| {
                Error::Rejected(format!("unknown source {n:?}; known: {}", source::known()))
            })?;
            let input = Input::load(path)?;
            let shape = probe.detect(&input).unwrap_or("as requested by --source");
            Ok(Choice::Connector {
                input,
                name: probe.name(),
                shape,
            })
        }
    }
}

/// Connectors read their files uncompressed (they seek in them to stream); a compressed vendor
/// export is refused in words rather than read as bytes.
fn vendor_uncompressed(path: &Path) -> Result<()> {
    match reader::codec::Codec::of(path) {
        reader::codec::Codec::Plain => Ok(()),
        _ => Err(Error::input(
            path,
            None,
            "a compressed vendor export; only canonical table files are read compressed. Decompress it (gunzip, zstd -d) and ingest it again",
        )),
    }
}

/// Files under the inputs with a canonical extension, folders walked in name order; hidden files
/// and other extensions (READMEs, mapping files) are skipped.
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<(PathBuf, Format)>> {
    let mut out = vec![];
    for input in inputs {
        if !input.exists() {
            return Err(Error::input(
                input,
                None,
                "no such file or folder; check the path",
            ));
        }
        if input.is_file() {
            let f = Format::of(input).ok_or_else(|| {
                Error::input(
                    input,
                    None,
                    "unknown file type; canonical inputs are .csv, .ndjson, .jsonl or .json, each optionally compressed (.gz, .zst)",
                )
            })?;
            out.push((input.clone(), f));
            continue;
        }
        let before = out.len();
        let walk = walkdir::WalkDir::new(input)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walk {
            let entry = entry
                .map_err(|e| Error::input(input, None, format!("cannot walk the folder: {e}")))?;
            if entry.file_type().is_file()
                && let Some(f) = Format::of(entry.path())
            {
                out.push((entry.path().to_path_buf(), f));
            }
        }
        if out.len() == before {
            return Err(Error::input(
                input,
                None,
                "the folder holds no .csv, .ndjson, .jsonl or .json files (optionally .gz or .zst)",
            ));
        }
    }
    Ok(out)
}

/// The table a file holds, from its name: `incidents.csv`, `alerts.ndjson`, `alerts-2026-11.csv`.
pub fn table_of(path: &Path) -> Result<Table> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let stem = name
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    Table::ALL
        .into_iter()
        .find(|t| stem == t.name() || stem.strip_prefix(t.name()).is_some_and(|rest| rest.starts_with('-')))
        .ok_or_else(|| {
            Error::input(
                path,
                None,
                format!(
                    "cannot tell which table this file holds; name it after a table ({}), e.g. incidents.csv, or pass --table",
                    Table::names()
                ),
            )
        })
}
