//! `aftermath query`: SQL over the store's tables through polars SQL. Each table is registered
//! under its own name (`incidents`, `incident_events`, `alerts`, `action_items`, `oncall_shifts`)
//! with its `month` partition column, lazily, so a query reads only the columns and months it needs.
//!
//! Polars SQL (0.55) has `date_part`, `extract` and `strftime` but no `date_trunc`, which is the
//! first thing an analyst coming from DuckDB or PostgreSQL writes to count per week. It is added
//! here as a function of the context's registry, with PostgreSQL's meaning: `date_trunc('week',
//! detected_at)` is the instant at the start of the UTC week (Monday 00:00) holding it, with the
//! column's type kept. Not responsible for how results are printed (`output`).

use std::sync::Arc;

use polars::prelude::*;
use polars::sql::{FunctionRegistry, SQLContext};

use crate::error::{Error, Result};
use crate::store::Store;

/// Run `sql` and collect the result.
pub fn run(store: &Store, sql: &str) -> Result<DataFrame> {
    let mut ctx = SQLContext::new().with_function_registry(Arc::new(Functions));
    for (table, lf) in store.scan_all()? {
        ctx.register(table.name(), lf);
    }
    let lf = ctx
        .execute(sql)
        .map_err(|e| Error::Query(format!("SQL error: {e}")))?;
    lf.collect()
        .map_err(|e| Error::Query(format!("query failed: {e}")))
}

/// The functions aftermath adds to polars SQL: `date_trunc`.
struct Functions;

impl FunctionRegistry for Functions {
    fn register(&mut self, name: &str, _fun: UserDefinedFunction) -> PolarsResult<()> {
        polars_bail!(InvalidOperation: "cannot add the function {name}: the set is fixed")
    }

    fn get_udf(&self, name: &str) -> PolarsResult<Option<UserDefinedFunction>> {
        Ok(name.eq_ignore_ascii_case("date_trunc").then(date_trunc))
    }

    fn contains(&self, name: &str) -> bool {
        name.eq_ignore_ascii_case("date_trunc")
    }
}

/// The units `date_trunc` knows, as PostgreSQL names them, with polars' interval for each.
const UNITS: [(&str, &str); 8] = [
    ("year", "1y"),
    ("quarter", "1q"),
    ("month", "1mo"),
    ("week", "1w"),
    ("day", "1d"),
    ("hour", "1h"),
    ("minute", "1m"),
    ("second", "1s"),
];

/// `date_trunc(unit, instant)`: see the module text.
fn date_trunc() -> UserDefinedFunction {
    let udf = BaseColumnUdf::new(
        |args: &mut [Column]| {
            let [unit, instants] = args else {
                polars_bail!(InvalidOperation: "date_trunc takes two arguments, \
                    e.g. date_trunc('week', detected_at)");
            };
            let every = interval(unit)?;
            if !matches!(instants.dtype(), DataType::Datetime(..) | DataType::Date) {
                polars_bail!(InvalidOperation: "date_trunc needs an instant or a date, \
                    not {} ({})", instants.dtype(), instants.name());
            }
            // Truncation by calendar interval lives in the expression engine; run it over this
            // one column.
            let name = instants.name().clone();
            let frame = DataFrame::new_infer_height(vec![instants.clone()])?;
            let out = frame
                .lazy()
                .select([col(name.clone()).dt().truncate(lit(every))])
                .collect()?;
            Ok(out.column(&name)?.clone())
        },
        // The result has the instant's type and name: a truncated timestamp is a timestamp.
        |_: &Schema, fields: &[Field]| {
            fields.get(1).cloned().ok_or_else(
                || polars_err!(InvalidOperation: "date_trunc takes two arguments, e.g. date_trunc('week', detected_at)"),
            )
        },
    );
    UserDefinedFunction::new("date_trunc".into(), udf)
}

/// The polars interval of `date_trunc`'s first argument, a text literal such as `'week'`.
fn interval(unit: &Column) -> PolarsResult<&'static str> {
    let text = match unit.dtype() {
        DataType::String => unit.str()?.get(0).map(str::to_ascii_lowercase),
        _ => None,
    };
    let known = || UNITS.map(|(u, _)| u).join(", ");
    let Some(text) = text else {
        polars_bail!(InvalidOperation: "date_trunc's first argument is a unit in quotes ({}), \
            e.g. date_trunc('week', detected_at)", known());
    };
    match UNITS.iter().find(|(u, _)| *u == text) {
        Some((_, every)) => Ok(every),
        None => polars_bail!(InvalidOperation: "date_trunc: unknown unit '{text}'; use one of {}",
            known()),
    }
}
