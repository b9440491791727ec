#!/usr/bin/env bash
# Runs the fatigue, rules and quality reduce steps (docs/scale-out.md) on a local Spark and on
# DuckDB over a store, finishes the metrics from each engine's output, and compares every value of
# the tidy `fatigue`, `fatigue_shift`, `fatigue_compare`, `rules_by_team`, `rules_overall`,
# `quality` and `freshness` tables with the local engine's (`aftermath metrics fatigue --compare
# previous`, `aftermath metrics rules`, `aftermath metrics quality`) for the same period, with the
# time of each step and the size of the reduced output, for BENCHMARKS.md ("Scale-out").
#
#   benches/scale_out_compare.sh STORE [--config FILE] [--as-of T] [--last SPAN]
#
# STORE is an aftermath store folder (with `current/`). The period is the last 12 weeks before
# --as-of (default: now), as `aftermath metrics` takes it. Needs python3 with `duckdb` and
# `pyspark` (pip install duckdb pyspark) and Java 17 for Spark; an engine that is missing is
# reported as skipped. Ends with two lines, `spark: N/M values equal` and `duckdb: N/M values equal`
# (M the values of the seven tables; a line per family before them).
#
# Environment: AFTERMATH (the binary, default target/release/aftermath), WORK (scratch folder,
# default a new temporary one), SPARK_MASTER (default local[2]), SPARK_DRIVER_MEMORY (default 4g:
# in local mode the driver runs the tasks too, and Spark's own default of 1g ran out of heap in
# the rules job over the 10M-alert year).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
store=${1:?usage: benches/scale_out_compare.sh STORE [--config FILE] [--as-of T] [--last SPAN]}
shift
config=()
as_of=$(date -u +%Y-%m-%dT%H:%M:%SZ)
last=12w
while [ $# -gt 0 ]; do
    case $1 in
        --config) config=(--config "$2"); shift 2 ;;
        --as-of) as_of=$2; shift 2 ;;
        --last) last=$2; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
bin=${AFTERMATH:-$here/target/release/aftermath}
work=${WORK:-$(mktemp -d)}
master=${SPARK_MASTER:-local[2]}
mkdir -p "$work"
am=("$bin" "${config[@]}" --store "$store")
period=(--last "$last" --as-of "$as_of")

# Seconds of wall time of a command, its output to a log.
timed() {
    local log=$1 start end
    shift
    start=$(date +%s.%N)
    "$@" >"$log.out" 2>"$log.err" || { tail -20 "$log.err" >&2; return 1; }
    end=$(date +%s.%N)
    python3 -c "print(f'{$end - $start:.1f}')"
}

for family in fatigue rules quality; do
    extra=()
    [ "$family" = fatigue ] && extra=(--compare previous)
    echo "== local engine: aftermath metrics $family ${period[*]} ${extra[*]}"
    secs=$(timed "$work/local-$family" "${am[@]}" metrics "$family" "${period[@]}" "${extra[@]}" --format csv --out "$work/local-$family.csv")
    echo "local $family: ${secs} s"
done

# The values of the fatigue, rules and quality tables in a tidy CSV, compared with the local
# engine's: a line per family on stderr, the total `N/M` on stdout.
compare() {
    python3 - "$work/local-fatigue.csv" "$work/local-rules.csv" "$work/local-quality.csv" "$1" <<'EOF'
import csv, sys
def values(paths, keep):
    out = {}
    for path in paths:
        with open(path, newline="") as f:
            rows = [r for r in csv.DictReader(f) if keep(r["table"])]
        out.update({tuple(v for k, v in r.items() if k not in ("value", "text")): (r["value"], r["text"]) for r in rows})
    return out
equal = total = 0
families = [
    ("fatigue", lambda t: t == "fatigue"),
    ("fatigue_shift", lambda t: t == "fatigue_shift"),
    ("fatigue_compare", lambda t: t == "fatigue_compare"),
    ("rules", lambda t: t.startswith("rules_")),
    ("quality", lambda t: t in ("quality", "freshness")),
]
for family, keep in families:
    want, got = values(sys.argv[1:4], keep), values(sys.argv[4:], keep)
    n = sum(1 for k, v in want.items() if got.get(k) == v)
    print(f"  {family}: {n}/{len(want)} values equal", file=sys.stderr)
    equal, total = equal + n, total + len(want)
print(f"{equal}/{total}")
EOF
}

run_engine() {
    local engine=$1 job=$work/job-$1
    shift
    rm -rf "$job"
    "${am[@]}" scale-out emit --engine "$engine" --out "$job" "${period[@]}" --compare previous 2>/dev/null
    local secs family
    for family in fatigue rules quality; do
        echo "== $engine: the $family reduce job ($(du -h "$job/$family.sql" | cut -f1) of SQL)"
        if ! secs=$(timed "$job/run-$family" "$@" "$job/$family.sql"); then
            echo "$engine: the $family job failed (see $job/run-$family.err)"
            return 1
        fi
        echo "$engine $family reduce: ${secs} s"
    done
    echo "$engine reduced output: $(du -sh "$job/reduced" | cut -f1) (fatigue_*, rules_* and quality_*)"
    secs=$(timed "$job/finish" "${am[@]}" scale-out finish --job "$job" --format csv --out "$job/finished.csv")
    echo "$engine finish: ${secs} s"
}

spark_result="spark: skipped (pyspark or java missing)"
if python3 -c "import pyspark" 2>/dev/null && command -v java >/dev/null; then
    spark_sql="$(python3 -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')/bin/spark-sql"
    spark() {
        (cd "$work" && SPARK_LOCAL_IP=127.0.0.1 "$spark_sql" --master "$master" \
            --driver-memory "${SPARK_DRIVER_MEMORY:-4g}" --conf spark.ui.enabled=false --conf spark.driver.host=127.0.0.1 -f "$1")
    }
    if run_engine spark spark; then
        spark_result="spark: $(compare "$work/job-spark/finished.csv") values equal"
    else
        spark_result="spark: 0/? values equal (the job failed)"
    fi
fi

duckdb_result="duckdb: skipped (python3 duckdb missing)"
if python3 -c "import duckdb" 2>/dev/null; then
    duck() { python3 -c "import sys, duckdb; duckdb.connect().execute(open(sys.argv[1]).read())" "$1"; }
    if run_engine duckdb duck; then
        duckdb_result="duckdb: $(compare "$work/job-duckdb/finished.csv") values equal"
    else
        duckdb_result="duckdb: 0/? values equal (the job failed)"
    fi
fi

echo "$spark_result"
echo "$duckdb_result"
