//! Reading back what a scale-out job wrote (docs/scale-out.md): each reduced table is one Parquet
//! file `<dir>/<name>.parquet` (DuckDB's `COPY`) or a folder `<dir>/<name>/` of part files
//! (Spark's `INSERT OVERWRITE DIRECTORY`, with `_SUCCESS` and checksum files beside them). These
//! tables are small (groups, pages and episode candidates, not alerts), so they are read whole.

use std::path::Path;

use polars::prelude::*;

use crate::error::{Error, Result};

/// The reduced table `name` under `dir`.
pub fn read_reduced(dir: &Path, name: &str) -> Result<DataFrame> {
    let file = dir.join(format!("{name}.parquet"));
    let folder = dir.join(name);
    let pattern = if file.is_file() {
        file.display().to_string()
    } else if folder.is_dir() {
        let has_parts = std::fs::read_dir(&folder)
            .map_err(|e| Error::store(&folder, format!("cannot list the reduced table: {e}")))?
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().ends_with(".parquet"));
        if !has_parts {
            return Err(Error::store(
                &folder,
                format!("the reduced table {name} has no Parquet part files; did the job finish?"),
            ));
        }
        format!("{}/*.parquet", folder.display())
    } else {
        return Err(Error::store(
            dir,
            format!(
                "no reduced table {name} here (neither {name}.parquet nor a folder {name}/); \
                 run the scale-out job first, writing to this folder"
            ),
        ));
    };
    LazyFrame::scan_parquet(PlRefPath::new(pattern), ScanArgsParquet::default())
        .and_then(|lf| lf.collect())
        .map_err(|e| Error::store(dir, format!("cannot read the reduced table {name}: {e}")))
}
