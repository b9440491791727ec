//! The store read by other engines: DuckDB (`read_parquet(..., hive_partitioning = true)`) and
//! pyarrow datasets must see every table with the right types, the `month` column, all rows, and
//! the schema version. Skipped, saying so, when Python lacks `duckdb` or `pyarrow` (CI installs them).

use crate::common::*;

const SCRIPT: &str = r#"
import json, sys
import duckdb, pyarrow.dataset as ds
store = sys.argv[1]
out = {}
for t in ["incidents", "incident_events", "alerts", "action_items", "oncall_shifts"]:
    src = f"read_parquet('{store}/current/{t}/**/*.parquet', hive_partitioning = true)"
    types = {row[0]: row[1] for row in duckdb.sql(f"DESCRIBE SELECT * FROM {src}").fetchall()}
    n = duckdb.sql(f"SELECT count(*) FROM {src}").fetchall()[0][0]
    d = ds.dataset(f"{store}/current/{t}", format="parquet", partitioning="hive")
    tbl = d.to_table()
    meta = {k.decode(): v.decode() for k, v in (d.schema.metadata or {}).items() if not k.startswith(b"ARROW")}
    out[t] = {"duck_types": types, "duck_rows": n, "arrow_rows": tbl.num_rows,
              "arrow_types": {f.name: str(f.type) for f in d.schema}, "meta": meta}
print(json.dumps(out))
"#;

#[test]
fn duckdb_and_pyarrow_read_every_table_with_the_right_types() {
    let probe = std::process::Command::new("python3")
        .args(["-c", "import duckdb, pyarrow"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!(
            "SKIPPED duckdb_and_pyarrow_read_every_table: python3 with duckdb and pyarrow is not installed (pip install duckdb pyarrow)"
        );
        return;
    }
    let s = Sandbox::new();
    s.ok(&[
        "generate",
        "--out",
        "gen",
        "--teams",
        "2",
        "--weeks",
        "6",
        "--scale",
        "0.3",
        "--no-dirty",
    ]);
    s.ok(&["ingest", "gen"]);
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .arg(s.store())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();

    for (table, frame_rows) in aftermath::model::Table::ALL.map(|t| (t, s.frame(t).height())) {
        let t = &v[table.name()];
        assert_eq!(t["duck_rows"], frame_rows as u64, "{table}");
        assert_eq!(t["arrow_rows"], frame_rows as u64, "{table}");
        assert_eq!(
            t["meta"]["aftermath.schema_version"],
            aftermath::model::SCHEMA_VERSION.to_string(),
            "{table}"
        );
        assert_eq!(t["duck_types"]["month"], "VARCHAR", "{table}");
        for c in table.spec().columns {
            let (duck, arrow) = match c.ty {
                aftermath::model::ColumnType::Text | aftermath::model::ColumnType::Json => {
                    ("VARCHAR", "string")
                }
                aftermath::model::ColumnType::Timestamp => {
                    ("TIMESTAMP WITH TIME ZONE", "timestamp[us, tz=UTC]")
                }
                aftermath::model::ColumnType::UInt32 => ("UINTEGER", "uint32"),
                aftermath::model::ColumnType::Bool => ("BOOLEAN", "bool"),
            };
            assert_eq!(t["duck_types"][c.name], duck, "{table}.{}", c.name);
            assert_eq!(t["arrow_types"][c.name], arrow, "{table}.{}", c.name);
        }
    }
}
