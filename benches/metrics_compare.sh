#!/usr/bin/env bash
# Times `aftermath metrics all` against DuckDB running the equivalent SQL (benches/metrics_duckdb.sql)
# on the same Parquet store, for BENCHMARKS.md ("Metrics").
#
#   benches/metrics_compare.sh [DATA_DIR]          # default /tmp/aftermath-bench
#
# The first run makes the data: 50 teams x 52 weeks, about 10 million alerts, 200,000 incidents and
# 2 million incident events (`generate`, then `ingest` with a config naming every team's zone), in
# DATA_DIR/input and DATA_DIR/store. That takes about 3 minutes and, for the ingest, about 15 GB
# of memory; later runs reuse the store. Needs a release build (`cargo build --release`) and
# Python's duckdb module (`pip install duckdb`). Uses hyperfine when installed, else a loop.
#
# Environment: AFTERMATH (the binary, default target/release/aftermath), RUNS (default 3).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
data=${1:-/tmp/aftermath-bench}
bin=${AFTERMATH:-$here/target/release/aftermath}
runs=${RUNS:-3}
sql=$here/benches/metrics_duckdb.sql
store=$data/store
# The generated year: 2026-05-18 (a Monday) to 2027-05-17; judged as of its end.
start=2026-05-18
end=2027-05-17

source "$here/benches/year_config.sh"

if [ ! -f "$store/current/_store.json" ]; then
    mkdir -p "$data"
    write_config
    echo "== generating into $data/input"
    /usr/bin/time -v "$bin" generate --out "$data/input" --teams 50 --weeks 52 --start $start \
        --scale 39 --incidents-scale 30 --extra-events 4.5 --no-dirty 2>"$data/generate.time"
    # The same action items as NDJSON: ingest's JSON-array reader finds each element's line by
    # counting from the file's start, which on about 171,000 items (61 MB) takes about 1.5 hours.
    python3 -c 'import json, sys
with open(sys.argv[2], "w") as out:
    for item in json.load(open(sys.argv[1])):
        out.write(json.dumps(item, separators=(",", ":")) + "\n")' \
        "$data/input/action_items.json" "$data/input/action_items.ndjson"
    mkdir -p "$data/aside"
    mv "$data/input/action_items.json" "$data/aside/"
    echo "== ingesting into $store"
    /usr/bin/time -v "$bin" --config "$data/aftermath.toml" --store "$store" ingest "$data/input" \
        2>"$data/ingest.time"
fi

# Paths are split on spaces below: keep DATA_DIR and the checkout free of them.
am="$bin --config $data/aftermath.toml --store $store"
duck="python3 $here/benches/metrics_duckdb.py $sql $store $end"
last12="metrics all --last 12w --as-of $end"
year="metrics all --from $start --to $end --as-of $end"

# Wall time and peak memory of one run, with /usr/bin/time.
measure() {
    local label=$1 secs kb
    shift
    /usr/bin/time -f "%e %M" -o "$data/last.time" "$@" >/dev/null 2>"$data/last.err" ||
        { cat "$data/last.err"; return 1; }
    read -r secs kb <"$data/last.time"
    printf '%-62s %8.2f s %7d MB\n' "$label" "$secs" "$((kb / 1024))"
}

# Several runs: hyperfine's mean and spread when installed, else each run's time.
repeat() {
    local label=$1 cmd=$2
    if command -v hyperfine >/dev/null; then
        hyperfine --warmup 1 --runs "$runs" --style basic -n "$label" "$cmd" 2>&1 |
            grep -E 'Benchmark|Time|Range' | sed "s/^/  /"
    else
        local times=() t0 t1
        for _ in $(seq "$runs"); do
            t0=$(date +%s.%N)
            $cmd >/dev/null 2>&1
            t1=$(date +%s.%N)
            times+=("$(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }")")
        done
        echo "  $label: ${times[*]} s"
    fi
}

echo "== single runs: wall time, peak memory (/usr/bin/time)"
measure "aftermath $last12 --format parquet" $am $last12 --format parquet --out "$data/m.parquet"
measure "aftermath $last12 --format table" $am $last12 --format table
measure "aftermath $year --format parquet" $am $year --format parquet --out "$data/y.parquet"
for fam in durations fatigue rules recurrence actions quality; do
    measure "aftermath metrics $fam --last 12w" $am metrics $fam --last 12w --as-of $end
done
for fam in durations fatigue rules recurrence actions quality; do
    measure "aftermath metrics $fam, whole year" $am metrics $fam --from $start --to $end --as-of $end
done
measure "duckdb, last 12 weeks" $duck 12w
measure "duckdb, whole year" $duck year

echo "== repeated runs ($runs)"
repeat "aftermath, last 12 weeks" "$am $last12 --format parquet --out $data/m.parquet"
repeat "aftermath, whole year" "$am $year --format parquet --out $data/y.parquet"
repeat "duckdb, last 12 weeks" "$duck 12w"
repeat "duckdb, whole year" "$duck year"
