"""The same load as `aftermath ingest`, done by DuckDB or Polars, for the side-by-side timing of
benches/ingest_compare.sh: every canonical input file of a folder into a hive-partitioned
(month=YYYY-MM), zstd-compressed Parquet folder per table.

    python3 benches/ingest_engines.py duckdb|polars INPUT_DIR OUT_DIR

They do less than aftermath (no row checks, no upsert, no lifecycle, no sort), which is the point
of the comparison: the cost of a plain load of the same files.
"""

import pathlib
import sys

# table -> the column whose UTC month partitions it (docs/schema.md)
MAIN = {
    "incidents": "detected_at",
    "incident_events": "at",
    "alerts": "fired_at",
    "action_items": "created_at",
    "oncall_shifts": "starts_at",
}


def inputs(folder):
    for table, col in MAIN.items():
        for ext in ("csv", "ndjson", "json"):
            p = pathlib.Path(folder) / f"{table}.{ext}"
            if p.exists():
                yield table, col, p, ext


def duckdb_load(folder, out):
    import duckdb

    pathlib.Path(out).mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("SET threads = 2")
    for table, col, path, ext in inputs(folder):
        src = f"read_csv('{path}', header = true)" if ext == "csv" else f"read_json('{path}')"
        month = f"strftime(timezone('UTC', CAST(\"{col}\" AS TIMESTAMPTZ)), '%Y-%m')"
        con.execute(
            f"COPY (SELECT *, {month} AS month FROM {src}) TO '{out}/{table}' "
            "(FORMAT parquet, COMPRESSION zstd, PARTITION_BY (month), OVERWRITE_OR_IGNORE)"
        )


def polars_load(folder, out):
    import polars as pl

    for table, col, path, ext in inputs(folder):
        if ext == "csv":
            lf = pl.scan_csv(path, infer_schema_length=10000)
        elif ext == "ndjson":
            lf = pl.scan_ndjson(path, infer_schema_length=10000)
        else:
            lf = pl.read_json(path).lazy()
        # ISO 8601 text in UTC: the month is its first seven characters once parsed and printed.
        ts = pl.col(col).str.to_datetime(time_zone="UTC", time_unit="us")
        lf = lf.with_columns(ts.dt.strftime("%Y-%m").alias("month"))
        # Polars 2 names it PartitionBy(key=...), earlier releases PartitionByKey(by=...).
        if hasattr(pl, "PartitionBy"):
            target = pl.PartitionBy(f"{out}/{table}", key="month", include_key=True)
        else:
            target = pl.PartitionByKey(f"{out}/{table}", by="month", include_key=True)
        lf.sink_parquet(target, compression="zstd", mkdir=True)


if __name__ == "__main__":
    engine, folder, out = sys.argv[1:4]
    {"duckdb": duckdb_load, "polars": polars_load}[engine](folder, out)
