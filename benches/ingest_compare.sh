#!/usr/bin/env bash
# Times `aftermath ingest` of the generated year against DuckDB's and Polars' plain load of the same
# files (benches/ingest_engines.py), then aftermath's re-ingest of the same files (skipped as
# already held, and read again with --force) and the append of one new day, for BENCHMARKS.md
# ("Ingest"). Each figure is one run's wall time and peak memory
# (/usr/bin/time); run it twice to see the spread.
#
#   benches/ingest_compare.sh [DATA_DIR]          # default /tmp/aftermath-bench
#
# DATA_DIR/input is made on the first run exactly as benches/metrics_compare.sh makes it (50 teams x
# 52 weeks: about 10 million alerts, 200,000 incidents, 2 million events), which takes a few
# minutes. Needs a release build and Python's duckdb and polars (`pip install duckdb polars`).
# Environment: AFTERMATH (the binary, default target/release/aftermath), SCALE (generator
# --scale, default 39; 3.9 gives about 1 million alerts), BUDGET (passed as --memory-budget).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
data=${1:-/tmp/aftermath-bench}
bin=${AFTERMATH:-$here/target/release/aftermath}
scale=${SCALE:-39}
start=2026-05-18
source "$here/benches/year_config.sh"

if [ ! -f "$data/input/alerts.csv" ]; then
    mkdir -p "$data"
    write_config
    echo "== generating into $data/input (--scale $scale)"
    "$bin" generate --out "$data/input" --teams 50 --weeks 52 --start $start \
        --scale "$scale" --incidents-scale 30 --extra-events 4.5 --no-dirty
fi
[ -f "$data/aftermath.toml" ] || write_config
echo "== input: $(du -sh "$data/input" | cut -f1), $(($(wc -l <"$data/input/alerts.csv") - 1)) alerts"

measure() {
    local label=$1 secs kb
    shift
    /usr/bin/time -f "%e %M" -o "$data/last.time" "$@" >"$data/last.out" 2>"$data/last.err" ||
        { cat "$data/last.err"; return 1; }
    read -r secs kb <"$data/last.time"
    printf '%-44s %8.1f s %8d MB\n' "$label" "$secs" "$((kb / 1024))"
}

budget=()
[ -n "${BUDGET:-}" ] && budget=(--memory-budget "$BUDGET")
am=("$bin" --config "$data/aftermath.toml" --store "$data/store")
rm -rf "$data/store" "$data/duck" "$data/polars"
measure "aftermath ingest (empty store)" "${am[@]}" ingest "$data/input" "${budget[@]}"
echo "  store: $(du -sh "$data/store" | cut -f1)"
measure "duckdb COPY ... PARTITION_BY (month)" python3 "$here/benches/ingest_engines.py" duckdb "$data/input" "$data/duck"
measure "polars scan + partitioned sink" python3 "$here/benches/ingest_engines.py" polars "$data/input" "$data/polars"
measure "aftermath re-ingest (same files: skipped)" "${am[@]}" ingest "$data/input" "${budget[@]}"
measure "aftermath re-ingest --force (read, compared)" "${am[@]}" ingest --force "$data/input" "${budget[@]}"

# One new day: the alerts of the input's last day again, under new ids.
day=$(tail -n 1 "$data/input/alerts.csv" | cut -d, -f9 | cut -c1-10)
mkdir -p "$data/day"
{
    head -n 1 "$data/input/alerts.csv"
    grep ",$day" "$data/input/alerts.csv" | sed 's/^\([^,]*\),/\1-next,/'
} >"$data/day/alerts.csv"
echo "  one day ($day): $(($(wc -l <"$data/day/alerts.csv") - 1)) new alerts"
measure "aftermath ingest of one new day" "${am[@]}" ingest "$data/day" "${budget[@]}"
