//! Writing a computed frame (a query result, a metric table) to a Parquet file for analysts.
//! It lives in the store module because this is the one module allowed to know Parquet; it writes
//! outside the store, with zstd and statistics like the store's own files.

use std::io::Write;

use polars::prelude::*;

use crate::error::{Error, Result};

pub fn write_parquet_frame(df: &mut DataFrame, out: impl Write + Send) -> Result<()> {
    ParquetWriter::new(out)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions::full())
        .finish(df)
        .map(|_| ())
        .map_err(|e| Error::Query(format!("cannot write Parquet: {e}")))
}
