#!/usr/bin/env bash
# Renders `aftermath run`'s reports from Spark's and DuckDB's reduce steps (docs/scale-out.md,
# "Reports from the engine's output") and compares them file for file with `aftermath run`'s own
# over the whole store, for BENCHMARKS.md ("Scale-out"): the engines' jobs run over the store that
# holds the alerts, the reports are rendered over a second store holding every table but the
# alerts, so every alert figure in them comes from an engine.
#
#   benches/scale_out_reports.sh DATA_DIR --as-of T
#
# DATA_DIR holds `input/` (canonical files, `alerts.csv` among them), `aftermath.toml` and
# `store/` with `input/` ingested, as benches/metrics_compare.sh leaves them. Made here when
# missing: DATA_DIR/store-noalerts (the input without alerts.csv) and DATA_DIR/run.toml (the
# config with `inputs` naming DATA_DIR/input, for `run`, which finds every file held already).
# Prints each step's wall time and peak memory (/usr/bin/time), the reduced output's size, and
# ends with `spark: N/M files equal` and `duckdb: N/M files equal` (M the files `run` wrote; the
# last-ingest instant, which differs between the two stores, masked). Needs python3 with `duckdb`
# and `pyspark` and Java 17; an engine that is missing is reported as skipped.
#
# Environment: AFTERMATH (the binary, default target/release/aftermath), SPARK_MASTER (default
# local[2]), SPARK_DRIVER_MEMORY (default 4g).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
data=${1:?usage: benches/scale_out_reports.sh DATA_DIR --as-of T}
shift
as_of=
while [ $# -gt 0 ]; do
    case $1 in
        --as-of) as_of=$2; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -n "$as_of" ] || { echo "give --as-of" >&2; exit 2; }
bin=${AFTERMATH:-$here/target/release/aftermath}
master=${SPARK_MASTER:-local[2]}
cfg=$data/aftermath.toml
work=$data/scale-out-reports
rm -rf "$work"
mkdir -p "$work"

measure() {
    local label=$1 secs kb
    shift
    /usr/bin/time -f "%e %M" -o "$work/last.time" "$@" >"$work/last.out" 2>"$work/last.err" ||
        { cat "$work/last.err"; return 1; }
    read -r secs kb <"$work/last.time"
    printf '%-52s %8.1f s %8d MB\n' "$label" "$secs" "$((kb / 1024))"
}

if [ ! -f "$data/store-noalerts/current/_store.json" ]; then
    mkdir -p "$data/input-noalerts"
    for f in "$data"/input/*; do
        # Hard links: the folder walk takes regular files only.
        [ "$(basename "$f")" = alerts.csv ] || ln -f "$f" "$data/input-noalerts/"
    done
    measure "ingest of every table but the alerts" \
        "$bin" --config "$cfg" --store "$data/store-noalerts" ingest "$data/input-noalerts"
fi
if [ ! -f "$data/run.toml" ]; then
    { echo "inputs = [\"$data/input\"]"; cat "$cfg"; } >"$data/run.toml"
fi

measure "aftermath run (local engine, whole store)" \
    "$bin" --config "$data/run.toml" --store "$data/store" run --as-of "$as_of" --out "$work/local"
mask() { sed -E 's/last ingest [0-9TZ:.-]+/last ingest <masked>/g' "$1"; }

compare() {
    local engine=$1 n=0 equal=0 f
    while IFS= read -r f; do
        n=$((n + 1))
        case $f in
            *.parquet)
                python3 -c 'import sys, pyarrow.parquet as pq
sys.exit(0 if pq.read_table(sys.argv[1]).equals(pq.read_table(sys.argv[2])) else 1)' \
                    "$work/local/$f" "$work/$engine/$f" 2>/dev/null && equal=$((equal + 1)) ;;
            *.png) cmp -s "$work/local/$f" "$work/$engine/$f" && equal=$((equal + 1)) ;;
            *) [ -f "$work/$engine/$f" ] && cmp -s <(mask "$work/local/$f") <(mask "$work/$engine/$f") &&
                equal=$((equal + 1)) ;;
        esac
    done < <(cd "$work/local" && find . -type f ! -name '.*' | sort)
    echo "$engine: $equal/$n files equal"
}

run_engine() {
    local engine=$1
    shift
    measure "scale-out emit --report all ($engine)" \
        "$bin" --config "$cfg" --store "$data/store" scale-out emit --engine "$engine" \
        --out "$work/job-$engine" --report all --as-of "$as_of"
    echo "  $(ls "$work/job-$engine"/[0-9]*.sql | wc -l) jobs"
    measure "$engine: all.sql" "$@" "$work/job-$engine/all.sql"
    echo "  reduced output: $(du -sh "$work/job-$engine/reduced" | cut -f1)"
    measure "scale-out report from $engine's output (no alerts held)" \
        "$bin" --config "$cfg" --store "$data/store-noalerts" scale-out report \
        --job "$work/job-$engine" --out "$work/$engine"
}

results=()
if python3 -c 'import duckdb' 2>/dev/null; then
    run_engine duckdb python3 -c 'import sys, duckdb; duckdb.connect().execute(open(sys.argv[1]).read())'
    results+=("$(compare duckdb)")
else
    results+=("duckdb: skipped (pip install duckdb)")
fi
spark=$(python3 -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))' 2>/dev/null || true)
if [ -n "$spark" ] && command -v java >/dev/null; then
    # Spark's metastore (metastore_db/, derby.log) and warehouse go under $work, not the
    # folder the script is run from.
    run_engine spark env SPARK_LOCAL_IP=127.0.0.1 "$spark/bin/spark-sql" --master "$master" \
        --driver-memory "${SPARK_DRIVER_MEMORY:-4g}" --conf spark.ui.enabled=false \
        --conf spark.driver.host=127.0.0.1 --conf "spark.sql.warehouse.dir=$work/spark-warehouse" \
        --driver-java-options "-Dderby.system.home=$work" -f
    results+=("$(compare spark)")
else
    results+=("spark: skipped (pip install pyspark; apt-get install openjdk-17-jre-headless)")
fi
printf '%s\n' "${results[@]}"
