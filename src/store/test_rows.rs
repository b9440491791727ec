//! Rows for the store's unit tests: one row of a table with the cells a test cares about and a
//! plain value in every other column (null where the column allows it, else 0, false or "x"), so
//! each test names only what it checks.

use crate::model::{Cell, ColumnType, Table};

/// One row of `table`: `cell(name, type)` where it gives one, else the plain value.
pub fn row(table: Table, cell: impl Fn(&str, ColumnType) -> Option<Cell>) -> Vec<Cell> {
    table
        .spec()
        .columns
        .iter()
        .map(|c| match cell(c.name, c.ty) {
            Some(v) => v,
            None if c.nullable => Cell::Null,
            None => match c.ty {
                ColumnType::UInt32 => Cell::UInt32(0),
                ColumnType::Bool => Cell::Bool(false),
                _ => Cell::Text("x".into()),
            },
        })
        .collect()
}
