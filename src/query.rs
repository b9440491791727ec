//! `aftermath query`: SQL over the store's tables through polars SQL. Each table is registered
//! under its own name (`incidents`, `incident_events`, `alerts`, `action_items`, `oncall_shifts`)
//! with its `month` partition column, lazily, so a query reads only the columns and months it needs.

use polars::prelude::*;
use polars::sql::SQLContext;

use crate::error::{Error, Result};
use crate::store::Store;

/// Run `sql` and collect the result.
pub fn run(store: &Store, sql: &str) -> Result<DataFrame> {
    let mut ctx = SQLContext::new();
    for (table, lf) in store.scan_all()? {
        ctx.register(table.name(), lf);
    }
    let lf = ctx
        .execute(sql)
        .map_err(|e| Error::Query(format!("SQL error: {e}")))?;
    lf.collect()
        .map_err(|e| Error::Query(format!("query failed: {e}")))
}
