//! The commit as readers see it: a writer stopped at every step of a commit (each file write and
//! each publish step, through `AFTERMATH_FAILPOINT`) leaves a store that aftermath, DuckDB and
//! pyarrow read as exactly the old state, or exactly the new one once the swap is done, with
//! unique keys; the next ingest recovers. Readers and writers never wait on each other: a pinned
//! aftermath reader keeps its snapshot across commits, and DuckDB reading `current/` while
//! commits run never sees a mix. DuckDB and pyarrow parts say they skipped when Python lacks them.

use aftermath::model::Table;
use aftermath::store::Store;

use crate::common::*;

/// What a reader saw: alert rows, distinct alert ids, alerts of the second version, incidents.
type Seen = (u64, u64, u64, u64);

/// Before the update: 300 alerts over three months, 30 incidents.
const OLD: Seen = (300, 300, 0, 30);
/// After it: 100 alerts updated in place, 10 moved to a new month, 100 new ones in that month,
/// and 10 new incidents.
const NEW: Seen = (400, 400, 210, 40);

fn alerts_csv(version: u32) -> String {
    let mut s = String::from(
        "alert_id,source,rule,title,team,severity,fingerprint,fired_at,paged,updated_at\n",
    );
    let n = if version == 1 { 300 } else { 400 };
    for i in 0..n {
        let (month, day) = if version == 2 && (100..110).contains(&i) || i >= 300 {
            (4, 1 + i % 28)
        } else {
            (1 + i / 100, 1 + i % 28)
        };
        let v = if version == 2 && i < 110 || i >= 300 {
            2
        } else {
            1
        };
        let updated = if v == 2 {
            "2026-06-01T00:00:00Z"
        } else {
            "2026-05-01T00:00:00Z"
        };
        s.push_str(&format!(
            "csv:a-{i},csv,rule-{r},v{v} alert {i},core,SEV3,fp-{i},2026-{month:02}-{day:02}T10:00:00Z,true,{updated}\n",
            r = i % 7
        ));
    }
    s
}

fn incidents_csv(version: u32) -> String {
    let mut s = String::from(
        "incident_id,source,source_id,title,team,severity,status,detected_at,updated_at\n",
    );
    let n = if version == 1 { 30 } else { 40 };
    for i in 0..n {
        let month = if i >= 30 { 4 } else { 1 + i / 10 };
        s.push_str(&format!(
            "csv:i-{i},csv,i-{i},incident {i},core,SEV2,open,2026-{month:02}-{:02}T09:00:00Z,2026-05-01T00:00:00Z\n",
            1 + i % 28
        ));
    }
    s
}

fn sandbox() -> Sandbox {
    let s = Sandbox::new();
    for v in [1, 2] {
        s.write(&format!("v{v}/alerts.csv"), alerts_csv(v));
        s.write(&format!("v{v}/incidents.csv"), incidents_csv(v));
    }
    s
}

/// What aftermath's own reader sees.
fn seen_by_aftermath(s: &Sandbox) -> Seen {
    let row = |sql: &str| -> Vec<u64> {
        let out = s.ok(&["query", "--format", "csv", sql]);
        out.lines()
            .nth(1)
            .unwrap()
            .split(',')
            .map(|v| v.parse().unwrap())
            .collect()
    };
    let a = row("SELECT count(*) AS n, count(DISTINCT alert_id) AS d, \
         sum(CASE WHEN title LIKE 'v2 %' THEN 1 ELSE 0 END) AS v2 FROM alerts");
    let i = row("SELECT count(*) AS n FROM incidents");
    (a[0], a[1], a[2], i[0])
}

const PY_READERS: &str = r#"
import json, sys
import duckdb, pyarrow.dataset as ds, pyarrow.compute as pc
cur = sys.argv[1] + "/current"
def src(t): return f"read_parquet('{cur}/{t}/**/*.parquet', hive_partitioning = true)"
duck = duckdb.sql(f"SELECT count(*), count(DISTINCT alert_id), count(*) FILTER (WHERE title LIKE 'v2 %') FROM {src('alerts')}").fetchall()[0]
duck_i = duckdb.sql(f"SELECT count(*) FROM {src('incidents')}").fetchall()[0][0]
a = ds.dataset(f"{cur}/alerts", format="parquet", partitioning="hive").to_table()
i = ds.dataset(f"{cur}/incidents", format="parquet", partitioning="hive").to_table()
v2 = pc.sum(pc.starts_with(a["title"], "v2 ")).as_py() or 0
arrow = [a.num_rows, len(pc.unique(a["alert_id"])), v2, i.num_rows]
print(json.dumps({"duckdb": list(duck) + [duck_i], "pyarrow": arrow}))
"#;

fn python_readers() -> bool {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import duckdb, pyarrow"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!(
            "SKIPPED the DuckDB and pyarrow readers: python3 with duckdb and pyarrow is not installed (pip install duckdb pyarrow)"
        );
    }
    ok
}

/// What DuckDB and pyarrow see through `store/current`, as the README tells analysts to read.
fn seen_by_python(s: &Sandbox) -> Vec<(String, Seen)> {
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(PY_READERS)
        .arg(s.store())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    ["duckdb", "pyarrow"]
        .iter()
        .map(|k| {
            let n: Vec<u64> = v[k]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap())
                .collect();
            (k.to_string(), (n[0], n[1], n[2], n[3]))
        })
        .collect()
}

#[test]
fn an_ingest_killed_at_every_write_and_publish_step_leaves_exactly_the_old_or_the_new_store() {
    let python = python_readers();
    // Every point, and a later hit of the repeated ones (the third file, the second link).
    let mut kills: Vec<(&str, u32)> = aftermath::store::FAILPOINTS
        .iter()
        .map(|p| (*p, 1))
        .collect();
    kills.extend([("file-write", 3), ("file-done", 4), ("link", 2)]);
    for (point, n) in kills {
        let s = sandbox();
        // Three commits first, so the killed one also has a superseded snapshot to remove.
        for _ in 0..3 {
            s.ok(&["ingest", "--force", "v1"]);
        }
        assert_eq!(seen_by_aftermath(&s), OLD);
        let out = std::process::Command::new(BIN)
            .current_dir(s.dir.path())
            .args(["--store", s.store().to_str().unwrap(), "ingest", "v2"])
            .env("AFTERMATH_FAILPOINT", format!("{point}:{n}"))
            .output()
            .unwrap();
        assert!(
            !out.status.success(),
            "{point}:{n} was never reached: {}",
            text(&out.stdout)
        );
        assert!(
            text(&out.stderr).contains(&format!("stopping at {point} #{n}")),
            "{}",
            text(&out.stderr)
        );

        // Before the swap nothing of the new state is visible; from the swap on, all of it.
        let published = matches!(point, "published" | "gc");
        let want = if published { NEW } else { OLD };
        assert_eq!(
            seen_by_aftermath(&s),
            want,
            "aftermath after a kill at {point}:{n}"
        );
        if python {
            for (engine, seen) in seen_by_python(&s) {
                assert_eq!(seen, want, "{engine} after a kill at {point}:{n}");
            }
        }

        // The next ingest clears what the killed one left and commits.
        s.ok(&["ingest", "v2"]);
        assert_eq!(seen_by_aftermath(&s), NEW, "recovery after {point}:{n}");
        assert!(
            !s.store().join("_staging").exists(),
            "{point}:{n}: a draft was left"
        );
        let snapshots = std::fs::read_dir(s.store().join("snapshots"))
            .unwrap()
            .count();
        assert!(
            snapshots <= 1 + aftermath::store::KEEP_PREVIOUS,
            "{point}:{n}: {snapshots} snapshots kept"
        );
    }
}

#[test]
fn a_pinned_reader_keeps_its_snapshot_while_writers_commit_and_never_blocks_them() {
    let s = sandbox();
    s.ok(&["ingest", "v1"]);
    // The reader pins the snapshot on its first scan and reads lazily afterwards.
    let reader = Store::at(s.store());
    let alerts = reader.scan(Table::Alerts).unwrap();
    // Writers go ahead while the reader holds its snapshot; more commits than are kept for
    // readers that do not pin, so only the pin keeps it alive.
    s.ok(&["ingest", "v2"]);
    for _ in 0..aftermath::store::KEEP_PREVIOUS + 1 {
        s.ok(&["ingest", "--force", "v1"]);
    }
    assert_eq!(
        alerts.collect().unwrap().height(),
        300,
        "the pinned snapshot changed under its reader"
    );
    let incidents = reader.scan(Table::Incidents).unwrap().collect().unwrap();
    assert_eq!(
        incidents.height(),
        30,
        "a second table came from another snapshot"
    );
    // A new reader sees the newest commit.
    assert_eq!(s.frame(Table::Alerts).height(), 400);
    drop(reader);
    s.ok(&["ingest", "v1"]);
    let snapshots = std::fs::read_dir(s.store().join("snapshots"))
        .unwrap()
        .count();
    assert_eq!(
        snapshots,
        1 + aftermath::store::KEEP_PREVIOUS,
        "the released snapshot was not removed"
    );
}

const PY_LOOP: &str = r#"
import json, os, sys, time
import duckdb
cur = sys.argv[1] + "/current"
deadline = time.time() + float(sys.argv[2])
stop = sys.argv[3]
seen, errors, reads = {}, 0, 0
# Read until the writer is done (or the deadline: the loop is bounded either way).
while time.time() < deadline and not os.path.exists(stop):
    reads += 1
    try:
        r = duckdb.sql(f"SELECT count(*), count(DISTINCT alert_id), count(*) FILTER (WHERE title LIKE 'v2 %') FROM read_parquet('{cur}/alerts/**/*.parquet', hive_partitioning = true)").fetchall()[0]
        seen[json.dumps(list(r))] = seen.get(json.dumps(list(r)), 0) + 1
    except duckdb.IOException:
        errors += 1  # a file listed before a swap and opened after it: re-run the query
print(json.dumps({"seen": seen, "errors": errors, "reads": reads}))
"#;

#[test]
fn duckdb_reading_current_while_commits_run_sees_the_old_or_the_new_state_never_a_mix() {
    if !python_readers() {
        return;
    }
    let s = sandbox();
    s.ok(&["ingest", "v1"]);
    let reader = std::process::Command::new("python3")
        .arg("-c")
        .arg(PY_LOOP)
        .arg(s.store())
        .arg("60")
        .arg(s.path("writers-done"))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Commit v2 and v1 in turn while DuckDB reads, each time with a newer version stamp so every
    // commit rewrites the partitions it touches.
    let flip = |v: u32, stamp: u32| {
        let alerts = alerts_csv(v).replace(
            "2026-06-01T00:00:00Z",
            &format!("2026-07-{stamp:02}T00:00:00Z"),
        );
        let alerts = alerts.replace(
            "2026-05-01T00:00:00Z",
            &format!("2026-07-{stamp:02}T00:00:00Z"),
        );
        s.write(&format!("flip{stamp}/alerts.csv"), alerts);
        s.ok(&["ingest", &format!("flip{stamp}")]);
    };
    for stamp in 1..=12 {
        flip(if stamp % 2 == 1 { 2 } else { 1 }, stamp);
    }
    s.write("writers-done", "");
    let out = reader.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    // v1 re-committed over v2 keeps the 100 new alerts and the moved ones (an upsert never
    // deletes), so the states a reader may see are: before, after v2, and after v1 again.
    let allowed = ["[300, 300, 0]", "[400, 400, 210]", "[400, 400, 100]"];
    let seen = v["seen"].as_object().unwrap();
    for (state, count) in seen {
        assert!(
            allowed.contains(&state.as_str()),
            "DuckDB saw a mix {state} ({count} times): {v}"
        );
    }
    eprintln!("DuckDB while committing: {v}");
    let reads = v["reads"].as_u64().unwrap();
    let errors = v["errors"].as_u64().unwrap();
    assert!(errors * 2 < reads, "most reads must succeed: {v}");
}

/// Turn a store into the first layout (tables, `_store.json` and `_rejected` under the root), as
/// aftermath wrote it before snapshots.
fn make_legacy(s: &Sandbox) {
    let snapshot = std::fs::canonicalize(s.current()).unwrap();
    for e in std::fs::read_dir(&snapshot).unwrap() {
        let e = e.unwrap();
        if e.file_name() != "_pin" {
            std::fs::rename(e.path(), s.store().join(e.file_name())).unwrap();
        }
    }
    std::fs::remove_file(s.current()).unwrap();
    std::fs::remove_dir_all(s.store().join("snapshots")).unwrap();
}

#[test]
fn a_store_of_the_first_layout_is_read_as_it_is_and_migrated_by_the_next_ingest() {
    let s = sandbox();
    s.ok(&["ingest", "v1"]);
    make_legacy(&s);
    assert!(s.store().join("alerts").is_dir() && !s.current().exists());
    assert_eq!(seen_by_aftermath(&s), OLD);

    s.ok(&["ingest", "v2"]);
    assert_eq!(seen_by_aftermath(&s), NEW);
    for old in ["alerts", "incidents", "_store.json"] {
        assert!(
            !s.store().join(old).exists(),
            "{old} of the first layout is left"
        );
    }
    // The history of runs carries over.
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(s.current().join("_store.json")).unwrap())
            .unwrap();
    assert_eq!(meta["runs"].as_array().unwrap().len(), 2);
}

#[test]
fn a_reader_of_a_first_layout_store_with_an_interrupted_commit_is_told_to_ingest_and_does_not_block_writers()
 {
    let s = sandbox();
    s.ok(&["ingest", "v1"]);
    make_legacy(&s);
    // A journal whose renames point at files that are not there: replaying it is a no-op that
    // rewrites `_store.json` and removes the journal.
    let meta = std::fs::read_to_string(s.store().join("_store.json")).unwrap();
    s.write(
        "store/_journal.json",
        format!(r#"{{"renames": [], "deletes": [], "meta": {meta}}}"#),
    );
    let out = s.run(&["query", "SELECT count(*) FROM alerts"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("run `aftermath ingest` again"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        s.store().join("_journal.json").exists(),
        "a reader replayed the journal"
    );
    s.ok(&["ingest", "v2"]);
    assert_eq!(seen_by_aftermath(&s), NEW);
}
