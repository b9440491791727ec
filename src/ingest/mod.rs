//! An ingest run, orchestrated: expand the inputs into files and skip those the store already holds
//! read the same way (`seen.rs`), choose each file's reader (`inputs.rs`), read canonical files on
//! the typing threads (`parallel.rs`) and vendor exports through their connectors (`source`), log
//! what is rejected, and commit the rest to the store in one atomic step.
//!
//! Bad rows never stop a run silently and never vanish: each becomes a `Rejection` with file, line
//! and reason. `--strict` turns the first one into an error, and `--max-rejected` fails the run
//! (writing nothing) when there are too many.

pub mod canonical;
mod inputs;
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
use std::path::PathBuf;
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::store::{Rejection, RunRecord, Store};
use canonical::Sink;
use inputs::{Choice, choose};
pub use inputs::{expand_inputs, table_of};
pub use options::{DEFAULT_MEMORY_BUDGET, IngestOptions, MaxRejected, SourceChoice, parse_bytes};
use parallel::{Job, read_files};
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
    let run_settings = seen::run_settings(config, opts)?;
    let mut skipped = vec![];
    let mut read: Vec<seen::ReadFile> = vec![];
    for (position, (path, format)) in files.iter().enumerate() {
        let settings = seen::settings(&run_settings, path);
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
