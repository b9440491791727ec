//! The format of an ingest's spill files: Arrow IPC files, one record batch each, written and
//! read back by the same run (`staging.rs`) and never seen by anyone else.
//!
//! Not Parquet, as the store is: a spill is read back once, seconds later, mostly from the page
//! cache, so what matters is the CPU of writing and reading it. IPC writes an array's buffers as
//! they are and reads them back with one copy, where Parquet encoded and decoded every value (on
//! the 2M-alert file, writing and reading the spills were 15% of the ingest's CPU samples). The
//! price is a larger file (no dictionaries, no compression), which lives in the page cache and
//! is removed once read (`Staging::release_month`). Beside a month's files, `keys` holds their
//! rows' key hashes, 8 bytes a row, which is all the commit's key index reads.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use arrow::datatypes::SchemaRef;
use arrow::ipc::reader::FileReader;
use arrow::ipc::writer::FileWriter;
use arrow::record_batch::RecordBatch;

use crate::error::{Error, IoContext, Result};

/// What to do about a spilled file that cannot be read back: it is this run's own scratch.
const SPILL_HINT: &str = "a spilled file of this ingest; run the ingest again";

fn spill_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::store(path, format!("spilled rows: {e} ({SPILL_HINT})"))
}

/// Write `batch` to `path` as an Arrow IPC file, and append its rows' key hashes (if any) to
/// the hashes of its folder (one month's spill files).
pub(super) fn write(path: &Path, batch: &RecordBatch, hashes: &[u64]) -> Result<()> {
    let file = File::create(path).at(path)?;
    let mut w =
        FileWriter::try_new_buffered(file, &batch.schema()).map_err(|e| spill_err(path, e))?;
    w.write(batch).map_err(|e| spill_err(path, e))?;
    w.finish().map_err(|e| spill_err(path, e))?;
    if !hashes.is_empty() {
        let keys = hashes_path(path.parent().unwrap_or(Path::new(".")));
        let bytes: Vec<u8> = hashes.iter().flat_map(|h| h.to_le_bytes()).collect();
        // One file a month, appended to: a file beside each spill doubled the files an ingest
        // creates, and creating files was a few percent of a large ingest.
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&keys)
            .at(&keys)?;
        f.write_all(&bytes).at(&keys)?;
    }
    Ok(())
}

/// Where the key hashes of the spill files in `dir` are: 8 bytes a row, little-endian, in the
/// order the files were written.
fn hashes_path(dir: &Path) -> std::path::PathBuf {
    dir.join("keys")
}

/// The key hashes of the spill files in `dir`, which hold `rows` rows.
pub(super) fn read_hashes(dir: &Path, rows: u64) -> Result<Vec<u64>> {
    let keys = hashes_path(dir);
    let bytes = match std::fs::read(&keys) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && rows == 0 => vec![],
        r => r.at(&keys)?,
    };
    if bytes.len() as u64 != rows * 8 {
        return Err(spill_err(
            &keys,
            format!("{} bytes of key hashes for {rows} rows", bytes.len()),
        ));
    }
    Ok(bytes
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().expect("chunks of 8 bytes")))
        .collect())
}

/// Remove the spill files in `dir` and their key hashes (best effort: the staging folder goes
/// anyway).
pub(super) fn remove(dir: &Path, files: impl IntoIterator<Item = impl AsRef<Path>>) {
    for f in files {
        let _ = std::fs::remove_file(f);
    }
    let _ = std::fs::remove_file(hashes_path(dir));
}

/// Read spill files written with the schema `full`, all columns or only `columns` (in the
/// schema's order), as one batch in file order.
pub(super) fn read<'a>(
    paths: impl IntoIterator<Item = &'a Path>,
    full: SchemaRef,
    columns: Option<&[&str]>,
) -> Result<RecordBatch> {
    let (target, _) = super::files::projection(full.clone(), columns)?;
    let batches = read_batches(paths, full, columns)?;
    arrow::compute::concat_batches(&target, &batches)
        .map_err(|e| Error::Internal(format!("concatenating spilled rows: {e}")))
}

/// `read`, one batch per file: a caller that copies the rows anyway (the commit sorting a month)
/// spares the copy that put them together.
pub(super) fn read_batches<'a>(
    paths: impl IntoIterator<Item = &'a Path>,
    full: SchemaRef,
    columns: Option<&[&str]>,
) -> Result<Vec<RecordBatch>> {
    let (target, projection) = super::files::projection(full, columns)?;
    let mut batches = vec![];
    for path in paths {
        let file = File::open(path).at(path)?;
        let reader = FileReader::try_new_buffered(file, projection.clone())
            .map_err(|e| spill_err(path, e))?;
        for b in reader {
            let b = b.map_err(|e| spill_err(path, e))?;
            // Re-attach the target schema (same fields and types) so every file's batch
            // concatenates with the others'.
            batches.push(
                RecordBatch::try_new(target.clone(), b.columns().to_vec())
                    .map_err(|e| spill_err(path, e))?,
            );
        }
    }
    Ok(batches)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Array, StringArray, UInt64Array};
    use arrow::datatypes::{DataType, Field, Schema};

    use super::*;

    fn batch(ids: &[&str], seqs: &[u64]) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![
            Field::new("id", DataType::Utf8, true),
            Field::new("_seq", DataType::UInt64, false),
        ]));
        RecordBatch::try_new(
            schema,
            vec![
                Arc::new(StringArray::from(ids.to_vec())),
                Arc::new(UInt64Array::from(seqs.to_vec())),
            ],
        )
        .unwrap()
    }

    #[test]
    fn files_read_back_in_order_whole_or_projected() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("1.arrow"), dir.path().join("2.arrow"));
        write(&a, &batch(&["x", "y"], &[0, 1]), &[]).unwrap();
        write(&b, &batch(&["z"], &[5]), &[]).unwrap();
        let full = batch(&[], &[]).schema();
        let both = read([a.as_path(), b.as_path()], full.clone(), None).unwrap();
        assert_eq!(both, batch(&["x", "y", "z"], &[0, 1, 5]));
        let seqs = read([a.as_path(), b.as_path()], full, Some(&["_seq"])).unwrap();
        assert_eq!(seqs.num_columns(), 1);
        let s = seqs
            .column(0)
            .as_any()
            .downcast_ref::<UInt64Array>()
            .unwrap();
        assert_eq!(s.values().to_vec(), vec![0, 1, 5]);
        assert_eq!(s.len(), 3);
    }

    #[test]
    fn an_unreadable_spill_names_its_file_and_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.arrow");
        std::fs::write(&bad, b"not arrow").unwrap();
        let err = read([bad.as_path()], batch(&[], &[]).schema(), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("bad.arrow"), "{err}");
        assert!(err.contains("run the ingest again"), "{err}");
    }
}
