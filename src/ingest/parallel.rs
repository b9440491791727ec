//! Reading a run's canonical files on both cores, a large file included. One thread delimits
//! records (CSV fields, the text of JSON records) file after file and hands them over in chunks;
//! typing threads parse the JSON, type each row into their own `Sink` and spill it. Typing is
//! most of an ingest's work and a year of alerts is usually one file, so splitting files between
//! threads left one core idle on the file that mattered.
//!
//! Every record carries its input-order number (the file's place in the run, then the record's
//! place in the file), so the upsert's rule that the later row wins holds whichever thread typed
//! it; rejections are put back in input order by it, and of several errors the first in input
//! order is the one returned, as if the files had been read one record after another.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use indicatif::ProgressBar;

use super::canonical::{FILE_SEQ_SPAN, Sink, Typed, check_header};
use super::reader::{self, Fields, Format, Item, Location, RawRecord, Record, parse_record};
use super::row::{FieldMap, RowContext};
use super::seen::{Digest, Hashing};
use crate::error::{Error, Result};
use crate::model::Table;
use crate::store::{Rejection, Staging, TableCounts};

/// Threads typing rows: the machine this is built for has two cores (the reading thread mostly
/// waits on them, the spill writer on the disk).
const TYPING_WORKERS: usize = 2;

/// Records per chunk: large enough that handing one over costs nothing next to typing it, small
/// enough that the chunks in flight stay a few megabytes.
const CHUNK_RECORDS: usize = 4096;

/// Chunks read ahead of the typing threads.
const CHUNKS_AHEAD: usize = 4;

/// One canonical file of the run.
pub struct Job {
    /// The file's place among the run's inputs.
    pub position: usize,
    pub path: PathBuf,
    pub format: Format,
    pub table: Table,
}

/// What reading gave: counts added up, rejections and warnings in input order, and each job's
/// size and BLAKE3 as read.
#[derive(Default)]
pub struct Outcome {
    pub counts: BTreeMap<Table, TableCounts>,
    pub digests: Vec<(u64, String)>,
    /// With their input-order numbers, sorted by them in `into_parts`.
    rejections: Vec<(u64, Rejection)>,
    pub warnings: Vec<String>,
}

impl Outcome {
    /// Add one sink's counts and rejections.
    pub fn add(&mut self, counts: BTreeMap<Table, TableCounts>, rejections: Vec<(u64, Rejection)>) {
        for (t, c) in counts {
            let all = self.counts.entry(t).or_default();
            all.read += c.read;
            all.rejected += c.rejected;
        }
        self.rejections.extend(rejections);
    }

    /// Counts, rejections in input order, and warnings.
    pub fn into_parts(mut self) -> (BTreeMap<Table, TableCounts>, Vec<Rejection>, Vec<String>) {
        self.rejections.sort_by_key(|(seq, _)| *seq);
        let rejections = self.rejections.into_iter().map(|(_, r)| r).collect();
        (self.counts, rejections, self.warnings)
    }
}

/// A record as handed to a typing thread.
enum Owned {
    /// A CSV row: where its first field starts in the chunk's `text`, and its fields' ends, a
    /// range of the chunk's `ends`.
    Csv(Location, usize, std::ops::Range<usize>),
    /// A JSON record's text, as a range of the chunk's `text`, and its column.
    Json(Location, std::ops::Range<usize>, usize),
    Bad(Location, String, String),
}

/// Consecutive records of one file.
struct Chunk {
    job: usize,
    /// The input-order number of the first record; the others follow one by one.
    first_seq: u64,
    map: Arc<FieldMap>,
    header: Arc<Vec<String>>,
    /// The JSON records' text and the CSV rows' values, back to back.
    text: String,
    /// Where each CSV field ends in `text`.
    ends: Vec<usize>,
    records: Vec<Owned>,
}

/// Read every job into `staging`.
pub fn read_files(
    jobs: &[Job],
    ctx: RowContext<'_>,
    strict: bool,
    staging: &Mutex<Staging>,
    bar: &ProgressBar,
) -> Result<Outcome> {
    let shown: Vec<String> = jobs.iter().map(|j| j.path.display().to_string()).collect();
    // The input-order number of the earliest error so far (u64::MAX: none), and that error.
    // Chunks that start before it are still typed: one of them may hold an earlier error.
    let failed_at = AtomicU64::new(u64::MAX);
    let first_error: Mutex<Option<(u64, Error)>> = Mutex::new(None);
    let fail = |seq: u64, e: Error| {
        failed_at.fetch_min(seq, Ordering::SeqCst);
        let mut f = first_error.lock().unwrap_or_else(|p| p.into_inner());
        if f.as_ref().is_none_or(|(s, _)| seq < *s) {
            *f = Some((seq, e));
        }
    };
    let (tx, rx) = mpsc::sync_channel::<Chunk>(CHUNKS_AHEAD);
    let rx = Mutex::new(rx);
    // Typed chunks go back to the reader to be filled again: a fresh chunk's buffers grew by
    // copying and faulted in new pages for every 4,096 records.
    let (spare_tx, spare) = mpsc::channel::<Chunk>();
    let mut outcome = Outcome::default();
    let sinks: Mutex<Vec<Typed>> = Mutex::default();

    std::thread::scope(|scope| {
        for _ in 0..TYPING_WORKERS {
            let spare_tx = spare_tx.clone();
            scope.spawn(|| {
                let spare_tx = spare_tx;
                let mut sink = Sink::new(ctx, strict, staging, 0);
                loop {
                    let next = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    let Ok(chunk) = next else { break };
                    // Skipped chunks drain, so the reader is never left blocked.
                    if chunk.first_seq < failed_at.load(Ordering::SeqCst) {
                        let job = &jobs[chunk.job];
                        if let Err((seq, e)) =
                            type_chunk(&mut sink, &chunk, job.table, &shown[chunk.job])
                        {
                            fail(seq, e);
                        }
                    }
                    // The reader may have finished: then the chunk is simply dropped.
                    let _ = spare_tx.send(chunk);
                }
                match sink.finish() {
                    Ok(done) => sinks.lock().unwrap_or_else(|p| p.into_inner()).push(done),
                    Err(e) => fail(u64::MAX, e),
                }
            });
        }
        for (i, job) in jobs.iter().enumerate() {
            if failed_at.load(Ordering::SeqCst) != u64::MAX {
                break;
            }
            let mut warnings = vec![];
            match read_file(i, job, bar, (&tx, &spare), &failed_at, &mut warnings) {
                Ok(digest) => outcome.digests.push(digest),
                Err((seq, e)) => fail(seq, e),
            }
            outcome.warnings.extend(warnings);
        }
        drop(tx);
    });
    if let Some((_, e)) = first_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    for (counts, rejections) in sinks.into_inner().unwrap_or_else(|p| p.into_inner()) {
        outcome.add(counts, rejections);
    }
    Ok(outcome)
}

/// Delimit one file's records into chunks; returns the file's size and BLAKE3. An error comes
/// with the input-order number of the record it stopped at.
fn read_file(
    index: usize,
    job: &Job,
    bar: &ProgressBar,
    (tx, spare): (&mpsc::SyncSender<Chunk>, &mpsc::Receiver<Chunk>),
    failed_at: &AtomicU64,
    warnings: &mut Vec<String>,
) -> std::result::Result<(u64, String), (u64, Error)> {
    let base = job.position as u64 * FILE_SEQ_SPAN;
    let mut next_seq = base;
    let mut map: Option<Arc<FieldMap>> = None;
    let mut header: Arc<Vec<String>> = Arc::default();
    let mut chunk: Option<Chunk> = None;
    let digest = Arc::new(Mutex::new(Digest::default()));
    let wrap = |r: Box<dyn std::io::Read>| -> Box<dyn std::io::Read> {
        Box::new(bar.wrap_read(Hashing::new(r, digest.clone())))
    };
    let send = |chunk: Chunk| -> Result<()> {
        tx.send(chunk)
            .map_err(|_| Error::Internal("the typing threads stopped early".into()))
    };
    let mut each = |loc: Location, item: Item<'_>| -> Result<()> {
        // Records not read yet come after every error found so far: the run has failed.
        if failed_at.load(Ordering::SeqCst) != u64::MAX {
            return Err(Error::Internal("stopped after an earlier error".into()));
        }
        // The mapping comes from the first well-formed record: a CSV row with the wrong number
        // of fields carries no header, and taking the JSON mapping from it rejected every later
        // row.
        if map.is_none() {
            match item {
                Item::Csv { header: h, .. } => {
                    check_header(&job.path, job.table, h, warnings)?;
                    map = Some(Arc::new(FieldMap::for_csv(job.table.spec(), h)));
                    header = Arc::new(h.to_vec());
                }
                Item::Json { .. } => map = Some(Arc::new(FieldMap::for_json())),
                Item::Bad(..) => {}
            }
            // The bad records before it go in a chunk of their own, so a chunk's records
            // share one mapping (a bad record is rejected whatever the mapping).
            if map.is_some()
                && let Some(c) = chunk.take()
            {
                send(c)?;
            }
        }
        let c = chunk.get_or_insert_with(|| {
            let map = map
                .clone()
                .unwrap_or_else(|| Arc::new(FieldMap::for_json()));
            match spare.try_recv() {
                Ok(mut c) => {
                    (c.job, c.first_seq, c.map, c.header) = (index, next_seq, map, header.clone());
                    c.text.clear();
                    c.ends.clear();
                    c.records.clear();
                    c
                }
                Err(_) => Chunk {
                    job: index,
                    first_seq: next_seq,
                    map,
                    header: header.clone(),
                    text: String::new(),
                    ends: vec![],
                    records: Vec::with_capacity(CHUNK_RECORDS),
                },
            }
        });
        next_seq += 1;
        c.records.push(match item {
            Item::Csv { values, .. } => {
                let (start, fields) = Fields::pack(values, &mut c.text, &mut c.ends);
                Owned::Csv(loc, start, fields)
            }
            Item::Json { text, column } => {
                let start = c.text.len();
                c.text.push_str(text);
                Owned::Json(loc, start..c.text.len(), column)
            }
            Item::Bad(reason, raw) => Owned::Bad(loc, reason.to_string(), raw.text()),
        });
        if c.records.len() >= CHUNK_RECORDS
            && let Some(c) = chunk.take()
        {
            send(c)?;
        }
        Ok(())
    };
    let read = reader::read_items(&job.path, job.format, &wrap, &mut each);
    read.map_err(|e| (next_seq, e))?;
    if let Some(c) = chunk.take() {
        send(c).map_err(|e| (next_seq, e))?;
    }
    let d = digest.lock().unwrap_or_else(|p| p.into_inner());
    Ok(d.result())
}

/// Type one chunk's records; an error comes with the input-order number of its record.
fn type_chunk(
    sink: &mut Sink<'_>,
    chunk: &Chunk,
    table: Table,
    file: &str,
) -> std::result::Result<(), (u64, Error)> {
    for (n, owned) in chunk.records.iter().enumerate() {
        let seq = chunk.first_seq + n as u64;
        let parsed;
        let (loc, rec, raw) = match owned {
            Owned::Csv(loc, start, fields) => {
                let header = &chunk.header;
                let values = Fields::Packed {
                    text: &chunk.text,
                    start: *start,
                    ends: &chunk.ends[fields.clone()],
                };
                (loc, Record::Csv { header, values }, RawRecord::Csv(values))
            }
            Owned::Json(loc, range, column) => {
                let text = &chunk.text[range.clone()];
                parsed = parse_record(text, loc.line, *column);
                let rec = match &parsed {
                    Ok(m) => Record::Json(m),
                    Err(reason) => Record::Bad(reason.clone()),
                };
                (loc, rec, RawRecord::Text(text))
            }
            Owned::Bad(loc, reason, raw) => {
                (loc, Record::Bad(reason.clone()), RawRecord::Text(raw))
            }
        };
        sink.accept_at(seq, file, table, &chunk.map, loc.clone(), &rec, raw)
            .map_err(|e| (seq, e))?;
    }
    Ok(())
}
