//! The few places where Spark SQL and DuckDB's SQL differ, for the reduce jobs of `scaleout`:
//! reading the store, writing a reduced table, string literals, instant literals and the
//! conversion of a timestamp to UTC microseconds, floor division and the non-negative remainder,
//! a date from a day number, and inline tables. Everything else the jobs use is common to both
//! (window functions with `ROWS` and numeric `RANGE` frames, `CASE`, `COALESCE`, `substring`,
//! `lpad`, `concat`, `year`, `month`, `dayofyear`), so the two dialects share one text.
//!
//! Time zones never reach an engine's own functions: every local time is a UTC instant plus an
//! offset from the zone table the job carries (`dims`), so both engines do integer arithmetic.

use chrono::DateTime;

/// The engine a job is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Spark SQL (3.1 or later for `unix_micros` and `timestamp_micros`; tested with 4.3.0),
    /// for `spark-sql -f` or a `spark.sql` call per statement.
    Spark,
    /// DuckDB (tested with 2.0.1), for the `duckdb` CLI or any client.
    DuckDb,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Spark => "spark",
            Engine::DuckDb => "duckdb",
        }
    }

    /// A string literal. Spark reads a backslash as an escape and joins adjacent literals, so
    /// `''` is not a quote there; DuckDB takes backslashes as they are and doubles quotes.
    pub fn string(self, s: &str) -> String {
        match self {
            Engine::Spark => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
            Engine::DuckDb => format!("'{}'", s.replace('\'', "''")),
        }
    }

    /// A view over a store table: `url` is the table's folder (hive-partitioned Parquet).
    pub fn source_view(self, view: &str, url: &str) -> String {
        match self {
            Engine::Spark => format!(
                "CREATE OR REPLACE TEMPORARY VIEW {view} USING parquet OPTIONS (path {})",
                self.string(url)
            ),
            Engine::DuckDb => format!(
                "CREATE OR REPLACE TEMPORARY VIEW {view} AS SELECT * FROM read_parquet({}, \
                 hive_partitioning = true)",
                self.string(&format!("{url}/**/*.parquet"))
            ),
        }
    }

    /// Writing a query's rows as the reduced table `name` under `out`: one Parquet file
    /// (DuckDB) or a folder of part files (Spark).
    pub fn write(self, out: &str, name: &str, query: &str) -> String {
        match self {
            Engine::Spark => format!(
                "INSERT OVERWRITE DIRECTORY {} USING parquet\n{query}",
                self.string(&format!("{out}/{name}"))
            ),
            Engine::DuckDb => format!(
                "COPY (\n{query}\n) TO {} (FORMAT parquet)",
                self.string(&format!("{out}/{name}.parquet"))
            ),
        }
    }

    /// A timestamp column as UTC microseconds (BIGINT).
    pub fn micros(self, column: &str) -> String {
        match self {
            Engine::Spark => format!("unix_micros({column})"),
            Engine::DuckDb => format!("epoch_us({column})"),
        }
    }

    /// An instant literal comparable with the store's timestamp columns, so the period filter
    /// can reach the Parquet statistics.
    pub fn instant(self, us: i64) -> String {
        match self {
            Engine::Spark => format!("timestamp_micros({us})"),
            Engine::DuckDb => {
                let t = DateTime::from_timestamp_micros(us).unwrap_or_default();
                format!("TIMESTAMPTZ '{}'", t.format("%Y-%m-%d %H:%M:%S%.6f+00"))
            }
        }
    }

    /// `floor(a / b)` for BIGINTs and a positive `b`, exact.
    pub fn floor_div(self, a: &str, b: i64) -> String {
        let rem = self.rem(a, b);
        match self {
            Engine::Spark => format!("((({a}) - {rem}) div {b})"),
            Engine::DuckDb => format!("((({a}) - {rem}) // {b})"),
        }
    }

    /// The remainder of `a / b` in `[0, b)` for a positive `b`.
    pub fn rem(self, a: &str, b: i64) -> String {
        match self {
            Engine::Spark => format!("pmod({a}, {b})"),
            Engine::DuckDb => format!("((({a}) % {b} + {b}) % {b})"),
        }
    }

    /// The date `days` days after 1970-01-01.
    pub fn day_date(self, days: &str) -> String {
        match self {
            Engine::Spark => format!("date_add(DATE '1970-01-01', CAST({days} AS INT))"),
            Engine::DuckDb => format!("(DATE '1970-01-01' + CAST({days} AS INTEGER))"),
        }
    }

    /// An inline table of literal rows (each already written as SQL literals).
    pub fn values(self, alias: &str, columns: &[&str], rows: &[Vec<String>]) -> String {
        let body: Vec<String> = rows.iter().map(|r| format!("({})", r.join(", "))).collect();
        let cols = columns.join(", ");
        match self {
            Engine::Spark => format!("VALUES\n  {}\n  AS {alias}({cols})", body.join(",\n  ")),
            Engine::DuckDb => format!("(VALUES\n  {}\n) AS {alias}({cols})", body.join(",\n  ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_escape_each_dialects_way() {
        let s = r"it's a\b";
        assert_eq!(Engine::Spark.string(s), r"'it\'s a\\b'");
        assert_eq!(Engine::DuckDb.string(s), r"'it''s a\b'");
    }

    #[test]
    fn floor_division_and_remainder_of_negative_numbers() {
        assert_eq!(Engine::Spark.rem("x", 7), "pmod(x, 7)");
        assert_eq!(
            Engine::Spark.floor_div("x", 7),
            "(((x) - pmod(x, 7)) div 7)"
        );
        // DuckDB's % keeps the dividend's sign: -1 % 7 = -1, so (-1 % 7 + 7) % 7 = 6 and
        // (-1 - 6) // 7 = -1, the floor.
        assert_eq!(Engine::DuckDb.rem("x", 7), "(((x) % 7 + 7) % 7)");
        assert_eq!(
            Engine::DuckDb.floor_div("x", 7),
            "(((x) - (((x) % 7 + 7) % 7)) // 7)"
        );
    }

    #[test]
    fn instant_literals_are_utc() {
        // 2026-11-23T00:00:00Z
        let us = 1_795_392_000_000_000;
        assert_eq!(
            Engine::Spark.instant(us),
            "timestamp_micros(1795392000000000)"
        );
        assert_eq!(
            Engine::DuckDb.instant(us),
            "TIMESTAMPTZ '2026-11-23 00:00:00.000000+00'"
        );
    }
}
