//! Reading the store for analysis: each table as a polars `LazyFrame` over its hive partitions,
//! with the `month` partition column, exactly as DuckDB or pyarrow would see it. A table with no
//! rows yet is an empty frame with the full schema, so queries and metrics never special-case it.

use polars::prelude::*;

use super::Store;
use crate::error::{Error, Result};
use crate::model::columns::MONTH;
use crate::model::{ColumnType, Table};

/// The polars type of a model column.
pub fn polars_type(ty: ColumnType) -> DataType {
    match ty {
        ColumnType::Text | ColumnType::Json => DataType::String,
        ColumnType::Timestamp => DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC)),
        ColumnType::UInt32 => DataType::UInt32,
        ColumnType::Bool => DataType::Boolean,
    }
}

/// The schema of a table as read from the store: its columns, then `month`.
pub fn polars_schema(table: Table) -> Schema {
    table
        .spec()
        .columns
        .iter()
        .map(|c| Field::new(c.name.into(), polars_type(c.ty)))
        .chain(std::iter::once(Field::new(MONTH.into(), DataType::String)))
        .collect()
}

impl Store {
    /// A lazy scan of `table` (all months) in the pinned snapshot, with `month` as a string
    /// column.
    pub fn scan(&self, table: Table) -> Result<LazyFrame> {
        let snapshot = self.snapshot()?;
        if snapshot.months(table)?.is_empty() {
            return Ok(DataFrame::empty_with_schema(&polars_schema(table)).lazy());
        }
        let dir = snapshot.table_dir(table);
        let hive_schema: Schema =
            std::iter::once(Field::new(MONTH.into(), DataType::String)).collect();
        let args = ScanArgsParquet {
            hive_options: HiveOptions {
                enabled: Some(true),
                hive_start_idx: 0,
                schema: Some(Arc::new(hive_schema)),
                try_parse_dates: false,
            },
            ..Default::default()
        };
        let pattern = format!("{}/**/*.parquet", dir.display());
        let lf = LazyFrame::scan_parquet(PlRefPath::new(pattern), args)
            .map_err(|e| Error::store(self.root(), format!("cannot scan {table}: {e}")))?;
        if !table.changed_since(snapshot.meta()?.schema_version) {
            return Ok(lf);
        }
        // A store of an older schema, not yet migrated by an ingest: the columns added since
        // read as nulls, in the table's order (`Table::changed_since`).
        let mut have = lf.clone();
        let present = have
            .collect_schema()
            .map_err(|e| Error::store(self.root(), format!("cannot scan {table}: {e}")))?;
        let columns: Vec<Expr> = polars_schema(table)
            .iter()
            .map(|(name, ty)| match present.contains(name) {
                true => col(name.clone()),
                false => lit(NULL).cast(ty.clone()).alias(name.clone()),
            })
            .collect();
        Ok(lf.select(columns))
    }

    /// Every table, by name, for SQL.
    pub fn scan_all(&self) -> Result<Vec<(Table, LazyFrame)>> {
        Table::ALL
            .iter()
            .map(|t| Ok((*t, self.scan(*t)?)))
            .collect()
    }
}
