//! Reading a run's canonical files on both cores. Each file gets its own `Sink`, numbered by the
//! file's place in the run, so the upsert's rule that the later row wins holds whatever order the
//! files finish in; the results are put back in file order: counts added up, rejections and
//! warnings listed file by file, and the first error in file order is the one returned.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use indicatif::ProgressBar;

use super::canonical::{Sink, read_canonical};
use super::reader::Format;
use super::row::RowContext;
use crate::error::{Error, Result};
use crate::model::Table;
use crate::store::{Rejection, Staging, TableCounts};

/// Files read at once: the machine this is built for has two cores.
const READ_WORKERS: usize = 2;

/// One canonical file of the run.
pub struct Job {
    /// The file's place among the run's inputs.
    pub position: usize,
    pub path: PathBuf,
    pub format: Format,
    pub table: Table,
}

/// What reading the files gave, in file order.
#[derive(Default)]
pub struct Outcome {
    pub counts: BTreeMap<Table, TableCounts>,
    pub rejections: Vec<Rejection>,
    pub warnings: Vec<String>,
}

impl Outcome {
    /// Add one sink's counts and rejections after those already here.
    pub fn add(&mut self, counts: BTreeMap<Table, TableCounts>, rejections: Vec<Rejection>) {
        for (t, c) in counts {
            let all = self.counts.entry(t).or_default();
            all.read += c.read;
            all.rejected += c.rejected;
        }
        self.rejections.extend(rejections);
    }
}

type FileResult = Result<(BTreeMap<Table, TableCounts>, Vec<Rejection>, Vec<String>)>;

/// Read every job into `staging`.
pub fn read_files(
    jobs: &[Job],
    ctx: RowContext<'_>,
    strict: bool,
    staging: &Mutex<Staging>,
    bar: &ProgressBar,
) -> Result<Outcome> {
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let results: Mutex<Vec<Option<FileResult>>> =
        Mutex::new((0..jobs.len()).map(|_| None).collect());
    let one = |job: &Job| -> FileResult {
        let mut sink = Sink::new(ctx, strict, staging, job.position);
        let mut warnings = vec![];
        read_canonical(
            &job.path,
            job.format,
            job.table,
            bar,
            &mut sink,
            &mut warnings,
        )?;
        let (counts, rejections) = sink.finish()?;
        Ok((counts, rejections, warnings))
    };
    std::thread::scope(|scope| {
        for _ in 0..READ_WORKERS.min(jobs.len()) {
            scope.spawn(|| {
                // After a failure the others stop taking new files: the run fails anyway.
                while !failed.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    let r = one(job);
                    if r.is_err() {
                        failed.store(true, Ordering::Relaxed);
                    }
                    results.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(r);
                }
            });
        }
    });
    let mut out = Outcome::default();
    for r in results.into_inner().unwrap_or_else(|p| p.into_inner()) {
        match r {
            Some(r) => {
                let (counts, rejections, warnings) = r?;
                out.add(counts, rejections);
                out.warnings.extend(warnings);
            }
            // Workers take files in order, so a file left unread comes after the one that failed,
            // whose error was returned above.
            None if failed.load(Ordering::Relaxed) => continue,
            None => return Err(Error::Internal("a file of the run was not read".into())),
        }
    }
    Ok(out)
}
