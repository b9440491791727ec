//! Writing a result frame to the user: an aligned text table for terminals, CSV, JSON (one array),
//! NDJSON, or Parquet (through the store's exporter). Used by `query` and `metrics`. Instants are
//! written as RFC 3339 UTC (`INSTANT_TEXT`) and durations as ISO 8601 (`DURATION_TEXT`) in every
//! text format.

use std::io::Write;

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::model::INSTANT_TEXT;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
    Ndjson,
    Parquet,
}

impl Format {
    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
            Format::Parquet => "parquet",
        }
    }
}

fn polars_err(e: PolarsError) -> Error {
    Error::Query(e.to_string())
}

/// Write `df` in `format`. Instants are written as RFC 3339 UTC in text formats.
pub fn write_frame(df: &mut DataFrame, format: Format, out: &mut (dyn Write + Send)) -> Result<()> {
    let io = |e: std::io::Error| Error::io("<output>", e);
    match format {
        Format::Table => out.write_all(render_table(df)?.as_bytes()).map_err(io),
        // Durations become text after the formula guard: `-PT5M` (a negative duration) is a
        // value of ours, not a spreadsheet formula someone slipped into a title.
        Format::Csv => CsvWriter::new(out)
            .include_header(true)
            .with_datetime_format(Some(INSTANT_TEXT.into()))
            .finish(&mut durations_as_text(&without_formulas(df)?)?)
            .map_err(polars_err),
        Format::Json => JsonWriter::new(out)
            .with_json_format(JsonFormat::Json)
            .finish(&mut durations_as_text(&instants_as_text(df)?)?)
            .map_err(polars_err),
        Format::Ndjson => JsonWriter::new(out)
            .with_json_format(JsonFormat::JsonLines)
            .finish(&mut durations_as_text(&instants_as_text(df)?)?)
            .map_err(polars_err),
        Format::Parquet => crate::store::write_parquet_frame(df, out),
    }
}

/// A copy of `df` with every instant column as text in the CSV writer's format (`INSTANT_TEXT`):
/// polars' JSON writer has its own rendering (`+00:00`, no fraction), and one export should
/// write one format.
fn instants_as_text(df: &DataFrame) -> Result<DataFrame> {
    let instants: Vec<Expr> = df
        .columns()
        .iter()
        .filter(|c| matches!(c.dtype(), DataType::Datetime(..)))
        .map(|c| col(c.name().clone()).dt().strftime(INSTANT_TEXT))
        .collect();
    if instants.is_empty() {
        return Ok(df.clone());
    }
    df.clone()
        .lazy()
        .with_columns(instants)
        .collect()
        .map_err(polars_err)
}

/// How a duration is written in every text format: ISO 8601 (`PT4H12M3S`, `P2DT1H`,
/// `PT0.25S`, `-PT5M`), exact to the microsecond and read back by ISO 8601 duration parsers such
/// as Java's `Duration.parse`, where a bare number would have to say its unit somewhere else.
const DURATION_TEXT: &str = "iso";

/// A copy of `df` with every duration column (`resolved_at - detected_at`) as ISO 8601 text
/// ([`DURATION_TEXT`]): the CSV writer refuses durations and the JSON writer would write a bare
/// number without its unit.
fn durations_as_text(df: &DataFrame) -> Result<DataFrame> {
    let durations: Vec<Expr> = df
        .columns()
        .iter()
        .filter(|c| matches!(c.dtype(), DataType::Duration(_)))
        .map(|c| col(c.name().clone()).dt().to_string(DURATION_TEXT))
        .collect();
    if durations.is_empty() {
        return Ok(df.clone());
    }
    df.clone()
        .lazy()
        .with_columns(durations)
        .collect()
        .map_err(polars_err)
}

/// A copy of `df` whose text cells a spreadsheet would run as a formula (starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return) start with `'` instead, so an incident titled
/// `=HYPERLINK(...)` is shown, not run, when the export is opened. Text that reads as a number
/// (`-5`, `+1.5`) is left as it is, as are numeric columns.
fn without_formulas(df: &DataFrame) -> Result<DataFrame> {
    let mut out = df.clone();
    for c in df.columns() {
        let Ok(text) = c.str() else {
            continue;
        };
        let risky = |v: &str| {
            v.starts_with(['=', '+', '-', '@', '\t', '\r']) && v.trim().parse::<f64>().is_err()
        };
        if !text.iter().flatten().any(risky) {
            continue;
        }
        let safe: Vec<Option<String>> = text
            .iter()
            .map(|v| {
                v.map(|v| {
                    if risky(v) {
                        format!("'{v}")
                    } else {
                        v.to_string()
                    }
                })
            })
            .collect();
        out.with_column(Column::new(c.name().clone(), safe))
            .map_err(polars_err)?;
    }
    Ok(out)
}

/// Cells longer than this are cut with an ellipsis in the terminal table (not in other formats).
const MAX_CELL: usize = 48;

/// An aligned plain-text table of every row: numbers right-aligned, null as empty.
pub fn render_table(df: &DataFrame) -> Result<String> {
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut cols: Vec<Vec<String>> = vec![];
    let mut numeric = vec![];
    for c in df.columns() {
        let s = c.as_materialized_series();
        numeric.push(s.dtype().is_primitive_numeric());
        let text = match s.dtype() {
            DataType::Datetime(_, _) => s
                .cast(&DataType::Datetime(TimeUnit::Microseconds, None))
                .map_err(polars_err)?
                .datetime()
                .map_err(polars_err)?
                .physical()
                .iter()
                .map(|v| {
                    v.map(crate::ingest::timestamp::format_micros)
                        .unwrap_or_default()
                })
                .collect(),
            DataType::Duration(_) => s
                .duration()
                .map_err(polars_err)?
                .to_string(DURATION_TEXT)
                .map_err(polars_err)?
                .iter()
                .map(|v| v.unwrap_or_default().to_string())
                .collect(),
            _ => {
                let st = s.cast(&DataType::String).map_err(polars_err)?;
                st.str()
                    .map_err(polars_err)?
                    .iter()
                    .map(|v| cut(v.unwrap_or("")))
                    .collect()
            }
        };
        cols.push(text);
    }
    let widths: Vec<usize> = names
        .iter()
        .zip(&cols)
        .map(|(n, c)| {
            c.iter()
                .map(|v| v.chars().count())
                .chain([n.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let line = |cells: Vec<&str>, out: &mut String| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .zip(&numeric)
            .map(|((v, w), num)| {
                if *num {
                    format!("{v:>w$}")
                } else {
                    format!("{v:<w$}")
                }
            })
            .collect();
        out.push_str(parts.join("  ").trim_end());
        out.push('\n');
    };
    line(names.iter().map(String::as_str).collect(), &mut out);
    out.push_str(
        &widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("  "),
    );
    out.push('\n');
    for i in 0..df.height() {
        line(cols.iter().map(|c| c[i].as_str()).collect(), &mut out);
    }
    out.push_str(&format!(
        "({} row{})\n",
        df.height(),
        if df.height() == 1 { "" } else { "s" }
    ));
    Ok(out)
}

fn cut(s: &str) -> String {
    let s = s.replace(['\n', '\r', '\t'], " ");
    if s.chars().count() <= MAX_CELL {
        s
    } else {
        format!("{}…", s.chars().take(MAX_CELL - 1).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (issue 12): a title such as `=HYPERLINK(...)` was written as it is and ran when
    /// the export was opened in a spreadsheet.
    #[test]
    fn csv_cells_a_spreadsheet_would_run_start_with_a_quote_and_numbers_stay() {
        let mut df = df!(
            "title" => ["=HYPERLINK(\"http://x\",\"y\")", "+cmd", "-2.5", "@SUM(A1)", "\tx", "ok", "a=b"],
            "n" => [-1i64, 2, 3, 4, 5, 6, 7],
        )
        .unwrap();
        let mut out = vec![];
        write_frame(&mut df, Format::Csv, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "title,n\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-1\n'+cmd,2\n-2.5,3\n'@SUM(A1)\
             ,4\n'\tx,5\nok,6\na=b,7\n"
        );
    }
}
