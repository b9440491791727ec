"""Run benches/metrics_duckdb.sql with DuckDB over an aftermath store, for the timing comparison
with `aftermath metrics all` (benches/metrics_compare.sh).

    python3 benches/metrics_duckdb.py SQL STORE AS_OF {12w|year|FROM..TO} [CONFIG]

AS_OF is a date (UTC midnight). `12w` is the 12 complete ISO weeks before AS_OF, as aftermath's
`--last 12w`; `year` is the 52 weeks before AS_OF; FROM..TO two dates. CONFIG (default: the
aftermath.toml beside STORE) gives the teams' zones. Every result is materialised whole in a
temporary table. The time of each statement goes to standard error, the row counts to standard
output; SHOW=name,name also prints those tables.
"""

import datetime as dt
import os
import pathlib
import sys
import time
import tomllib

import duckdb


def period(spec, as_of):
    if spec == "12w":
        end = as_of - dt.timedelta(days=as_of.weekday())
        return end - dt.timedelta(weeks=12), end
    if spec == "year":
        return as_of - dt.timedelta(weeks=52), as_of
    a, b = spec.split("..")
    return dt.date.fromisoformat(a), dt.date.fromisoformat(b)


def main():
    sql_path, store, as_of, spec = sys.argv[1:5]
    config = pathlib.Path(sys.argv[5]) if len(sys.argv) > 5 else pathlib.Path(store).parent / "aftermath.toml"
    as_of = dt.date.fromisoformat(as_of)
    start, end = period(spec, as_of)
    text = pathlib.Path(sql_path).read_text()
    # Read the published snapshot, resolved once (docs/schema.md), as an analyst's script would.
    snapshot = os.path.realpath(os.path.join(store, "current"))
    for k, v in {"$STORE": snapshot, "$FROM": f"{start} 00:00:00+00", "$TO": f"{end} 00:00:00+00",
                 "$AS_OF": f"{as_of} 00:00:00+00"}.items():
        text = text.replace(k, v)

    # SHOW=fatigue,rules_by_team prints those tables (to check them against aftermath's).
    show = [n for n in os.environ.get("SHOW", "").split(",") if n]
    t0 = time.perf_counter()
    con = duckdb.connect()
    teams = tomllib.loads(config.read_text()).get("teams", {}) if config.exists() else {}
    con.execute("CREATE TEMP TABLE team_zone (team VARCHAR, zone VARCHAR)")
    if teams:
        con.executemany("INSERT INTO team_zone VALUES (?, ?)",
                        [(name, t.get("timezone", "UTC")) for name, t in teams.items()])

    # Statements are separated by `;` at the end of a line; a `-- name:` line labels the next one.
    label = "setup"
    for chunk in text.split(";\n"):
        lines = [l for l in chunk.splitlines() if l.strip()]
        names = [l.split("-- name:", 1)[1].strip() for l in lines if l.startswith("-- name:")]
        body = "\n".join(l for l in lines if not l.lstrip().startswith("--")).strip()
        if names:
            label = names[-1]
        if not body:
            continue
        # A metric table is materialised inside DuckDB (as aftermath builds a DataFrame), not
        # converted to Python objects, which would time the driver instead of the engine.
        table = names and not body.upper().startswith(("CREATE", "SET"))
        if table:
            body = f"CREATE OR REPLACE TEMP TABLE result AS {body}"
        t = time.perf_counter()
        con.execute(body)
        print(f"{time.perf_counter() - t:7.3f} s  {label}", file=sys.stderr)
        if table:
            print(f"{label}: {con.execute('SELECT count(*) FROM result').fetchall()[0][0]} rows")
            if label.split()[0] in show:
                con.sql("SELECT * FROM result").show(max_width=250, max_rows=40)
    print(f"{time.perf_counter() - t0:7.3f} s  total ({start} .. {end})", file=sys.stderr)


if __name__ == "__main__":
    main()
