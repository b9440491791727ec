//! Typing a CSV file's rows on a thread of their own while the file is still being split into
//! records, so a single large file keeps both cores busy. The CSV reader hands over chunks of
//! records in file order and the typing thread feeds them to the file's `Sink` in that order:
//! rows, rejections and their numbering are exactly as when both steps ran on one thread.

use std::path::Path;
use std::sync::mpsc::sync_channel;

use indicatif::ProgressBar;

use super::canonical::{Sink, check_header};
use super::reader::{self, Format, Location, RawRecord, Record};
use super::row::FieldMap;
use crate::error::{Error, Result};
use crate::model::Table;

/// Records per message: large enough that the hand-over costs nothing, small enough that the
/// two threads overlap from the start.
const CHUNK: usize = 4096;
/// Chunks in flight: bounds the memory between the two threads.
const IN_FLIGHT: usize = 4;

enum Item {
    /// The header, before the first well-formed record.
    Header(Vec<String>),
    Row(Location, csv::StringRecord),
    /// A record that cannot be split into the header's fields.
    Bad(Location, String, csv::StringRecord),
}

/// Stream a canonical CSV file into `sink`, splitting and typing on two threads.
pub fn read_csv(
    path: &Path,
    table: Table,
    bar: &ProgressBar,
    sink: &mut Sink<'_>,
    warnings: &mut Vec<String>,
) -> Result<()> {
    let shown = path.display().to_string();
    let (tx, rx) = sync_channel::<Vec<Item>>(IN_FLIGHT);
    std::thread::scope(|scope| {
        let typing = scope.spawn(move || -> Result<()> {
            let mut header: Vec<String> = vec![];
            // Until the header arrives only bad records can come, and they need no mapping.
            let mut map = FieldMap::for_json();
            for chunk in rx {
                for item in chunk {
                    match item {
                        Item::Header(h) => {
                            map = FieldMap::for_csv(table.spec(), &h);
                            header = h;
                        }
                        Item::Row(loc, values) => {
                            let rec = Record::Csv {
                                header: &header,
                                values: &values,
                            };
                            sink.accept(&shown, table, &map, loc, &rec, RawRecord::Csv(&values))?
                        }
                        Item::Bad(loc, reason, values) => sink.accept(
                            &shown,
                            table,
                            &map,
                            loc,
                            &Record::Bad(reason),
                            RawRecord::Csv(&values),
                        )?,
                    }
                }
            }
            Ok(())
        });

        let mut chunk = Vec::with_capacity(CHUNK);
        let mut sent_header = false;
        let wrap =
            |r: Box<dyn std::io::Read>| -> Box<dyn std::io::Read> { Box::new(bar.wrap_read(r)) };
        let mut each = |loc: Location, rec: Record<'_>, raw: RawRecord<'_>| -> Result<()> {
            let values = match raw {
                RawRecord::Csv(v) => v.clone(),
                RawRecord::Text(_) => {
                    return Err(Error::Internal("a CSV record without its fields".into()));
                }
            };
            match rec {
                Record::Csv { header, .. } => {
                    if !sent_header {
                        check_header(path, table, header, warnings)?;
                        chunk.push(Item::Header(header.to_vec()));
                        sent_header = true;
                    }
                    chunk.push(Item::Row(loc, values));
                }
                Record::Bad(reason) => chunk.push(Item::Bad(loc, reason, values)),
                Record::Json(_) => {
                    return Err(Error::Internal("a JSON record from the CSV reader".into()));
                }
            }
            if chunk.len() >= CHUNK {
                tx.send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK)))
                    .map_err(|_| Error::Internal("the typing thread stopped".into()))?;
            }
            Ok(())
        };
        let read = reader::read(path, Format::Csv, &wrap, &mut each);
        let read = read.and_then(|()| {
            tx.send(chunk)
                .map_err(|_| Error::Internal("the typing thread stopped".into()))
        });
        drop(tx);
        let typed = typing
            .join()
            .map_err(|_| Error::Internal("the typing thread panicked".into()))?;
        // The typing thread's own error (a --strict rejection) explains why it stopped.
        typed.and(read)
    })
}
