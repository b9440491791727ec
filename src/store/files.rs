//! Files of the store: Parquet partitions written with arrow-rs (zstd, statistics, rows already
//! sorted by the caller, schema version in the key-value metadata) into a snapshot's draft, read
//! back with arrow-rs for commits, and small files written atomically (temporary name, rename).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::new_null_array;
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;

use super::batch::schema;
use crate::error::{Error, IoContext, Result};
use crate::model::{ColumnType, SCHEMA_VERSION, SCHEMA_VERSION_KEY, Table};

/// zstd's fastest level: on 2 million generated alerts it took 9% less CPU for the whole ingest
/// than level 3, for a store 12% larger (54 MB against 48 MB); readers decompress both at the
/// same speed, and every month a commit touches is written again, so writing is the cost to cut.
const ZSTD_LEVEL: i32 = 1;

/// Rows per row group: inside the 128k-1M range that scans well in DuckDB, polars and Spark.
const ROW_GROUP_ROWS: usize = 512 * 1024;

pub fn temp_name(final_path: &Path, run_id: &str) -> PathBuf {
    let mut s = final_path.as_os_str().to_owned();
    s.push(format!(".tmp-{run_id}"));
    PathBuf::from(s)
}

pub fn is_temp(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.contains(".tmp-"))
}

/// The store's writer settings for `table`. Dictionary encoding is off for the instants and the
/// one-column primary keys: nearly every value is distinct, so building a dictionary hashed every
/// value only to fall back to plain encoding part-way through each row group.
fn properties(table: Table) -> WriterProperties {
    let spec = table.spec();
    let distinct = spec.columns.iter().filter(|c| {
        c.ty == ColumnType::Timestamp
            || (spec.primary_key.len() == 1 && spec.primary_key[0] == c.name)
    });
    distinct
        .fold(WriterProperties::builder(), |b, c| {
            b.set_column_dictionary_enabled(ColumnPath::from(c.name), false)
        })
        .set_compression(Compression::ZSTD(
            ZstdLevel::try_new(ZSTD_LEVEL).expect("1 is a valid zstd level"),
        ))
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_created_by(format!("aftermath {}", env!("CARGO_PKG_VERSION")))
        .set_key_value_metadata(Some(vec![KeyValue::new(
            SCHEMA_VERSION_KEY.to_string(),
            SCHEMA_VERSION.to_string(),
        )]))
        .build()
}

/// Write `batch` to `path` (in a draft, invisible to readers). Not flushed here: the draft
/// flushes its new files together before it is published (`publish.rs`).
pub fn write_parquet(path: &Path, table: Table, batch: &RecordBatch) -> Result<()> {
    let mut w = PartWriter::create(path, table)?;
    w.write(batch)?;
    w.finish()
}

/// One Parquet file of the store being written a batch at a time, so a month's rows can be
/// gathered and written in slices instead of as one copy of the whole month. The file's row
/// groups are the same either way: the writer cuts them at `ROW_GROUP_ROWS` whatever the slices.
pub struct PartWriter {
    path: PathBuf,
    writer: ArrowWriter<File>,
}

impl PartWriter {
    pub fn create(path: &Path, table: Table) -> Result<PartWriter> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).at(dir)?;
        }
        let file = File::create(path).at(path)?;
        let writer = ArrowWriter::try_new(file, schema(table), Some(properties(table)))
            .map_err(|e| Error::store(path, format!("cannot start writing Parquet: {e}")))?;
        Ok(PartWriter {
            path: path.to_path_buf(),
            writer,
        })
    }

    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        self.writer
            .write(batch)
            .map_err(|e| Error::store(&self.path, format!("cannot write Parquet: {e}")))?;
        super::failpoint::hit("file-write");
        Ok(())
    }

    /// Write the footer. Not flushed here: the draft flushes its new files together before it
    /// is published (`publish.rs`).
    pub fn finish(self) -> Result<()> {
        self.writer
            .into_inner()
            .map_err(|e| Error::store(&self.path, format!("cannot finish Parquet: {e}")))?;
        super::failpoint::hit("file-done");
        Ok(())
    }
}

/// Read a partition's files, all columns or only `columns`, as one batch.
pub fn read_parquet(
    paths: &[PathBuf],
    table: Table,
    columns: Option<&[&str]>,
) -> Result<RecordBatch> {
    read_files(
        paths,
        schema(table),
        columns,
        "; restore it or remove it and re-ingest its month",
    )
}

/// Read Parquet files written with the schema `full`, all columns or only `columns`, as one
/// batch in file order. `hint` ends the message of a file that cannot be read: what to do.
pub fn read_files(
    paths: &[PathBuf],
    full: SchemaRef,
    columns: Option<&[&str]>,
    hint: &str,
) -> Result<RecordBatch> {
    let bad = |path: &Path, e: &dyn std::fmt::Display| {
        Error::store(path, format!("unreadable Parquet file ({e}){hint}"))
    };
    let (target, _) = projection(full, columns)?;
    let mut batches = vec![];
    for path in paths {
        let file = File::open(path).at(path)?;
        let mut builder =
            ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| bad(path, &e))?;
        if let Some(cols) = columns {
            let mask = ProjectionMask::columns(builder.parquet_schema(), cols.iter().copied());
            builder = builder.with_projection(mask);
        }
        let reader = builder
            .with_batch_size(64 * 1024)
            .build()
            .map_err(|e| bad(path, &e))?;
        for b in reader {
            let b = b.map_err(|e| bad(path, &e))?;
            // Re-attach our schema (same fields and types) so batches from any file concatenate;
            // a nullable column a file of an older schema lacks reads as nulls
            // (`Table::changed_since`).
            let columns = target
                .fields()
                .iter()
                .map(|f| match b.column_by_name(f.name()) {
                    Some(c) => Ok(c.clone()),
                    None if f.is_nullable() => Ok(new_null_array(f.data_type(), b.num_rows())),
                    None => Err(bad(path, &format_args!("it has no column {}", f.name()))),
                })
                .collect::<Result<Vec<_>>>()?;
            batches.push(RecordBatch::try_new(target.clone(), columns).map_err(|e| bad(path, &e))?);
        }
    }
    arrow::compute::concat_batches(&target, &batches).map_err(|e| Error::Internal(e.to_string()))
}

/// The schema of a read of `columns` of `full` (all when `None`), with the columns in `full`'s
/// order, and their positions in `full` (`None`: all).
pub(super) fn projection(
    full: SchemaRef,
    columns: Option<&[&str]>,
) -> Result<(SchemaRef, Option<Vec<usize>>)> {
    let Some(cols) = columns else {
        return Ok((full, None));
    };
    let mut idx = cols
        .iter()
        .map(|c| full.index_of(c))
        .collect::<std::result::Result<Vec<usize>, _>>()
        .map_err(|e| Error::Internal(format!("a column to read: {e}")))?;
    idx.sort_unstable();
    let target = full
        .project(&idx)
        .map_err(|e| Error::Internal(format!("a projection: {e}")))?;
    Ok((Arc::new(target), Some(idx)))
}

/// The number of rows of a Parquet file, from its footer.
pub fn row_count(path: &Path) -> Result<u64> {
    let file = File::open(path).at(path)?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| Error::store(path, format!("unreadable Parquet footer ({e})")))?;
    Ok(builder.metadata().file_metadata().num_rows().max(0) as u64)
}

/// Write a small file (`_store.json`) under a temporary name, then rename it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = temp_name(path, &std::process::id().to_string());
    let mut f = File::create(&tmp).at(&tmp)?;
    f.write_all(bytes).at(&tmp)?;
    f.sync_all().at(&tmp)?;
    std::fs::rename(&tmp, path).at(path)
}
