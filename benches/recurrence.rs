//! How recurrence matching grows with the incidents: the recurrence family (templating every
//! title, the match graph, each incident's latest earlier match, the clusters) over a year of
//! 10,000, 50,000 and 200,000 incidents of 50 teams with 5 services each, a quarter of them
//! fingerprinted. Candidate pairs come from indexes (fingerprint groups, team-and-service buckets,
//! a prefix-filtered template join), so the cost should grow about linearly, not with the square
//! of the incidents. Each store is generated as canonical CSV and ingested into a temp dir first;
//! each iteration reads the incidents from it, as `aftermath metrics recurrence` does.
//!
//! `cargo bench --bench recurrence`

use std::time::Duration;

use aftermath::config::Config;
use aftermath::ingest::{IngestOptions, ingest};
use aftermath::metrics::recurrence::recurrence;
use aftermath::metrics::{Period, Scope};
use aftermath::store::Store;
use chrono::{TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

mod common;

const WORDS: [&str; 8] = [
    "disk", "cpu", "queue", "latency", "errors", "memory", "cache", "dns",
];

/// `n` incidents spread evenly over 2025-04-01 .. 2026-04-01 as a canonical incidents CSV.
fn incidents_csv(n: usize) -> String {
    let mut s = String::from(
        "incident_id,source,title,team,service,severity,status,fingerprint,detected_at,resolved_at,updated_at\n",
    );
    let t0 = Utc.with_ymd_and_hms(2025, 4, 1, 0, 0, 0).unwrap();
    let step = 365 * 86_400 / n as i64;
    for k in 0..n {
        let w = WORDS[(k * 7 / 3) % WORDS.len()];
        let v = WORDS[(k * 13 / 5) % WORDS.len()];
        let fp = if k % 4 == 0 {
            format!("fp-{}", k % 300)
        } else {
            String::new()
        };
        let at = t0 + chrono::Duration::seconds(k as i64 * step);
        let end = at + chrono::Duration::hours(1);
        s.push_str(&format!(
            "csv:{k},csv,{w} {v} high on db-{} after deploy {},team-{},svc-{},SEV3,resolved,{fp},{},{},{}\n",
            k % 97,
            k % 1000,
            k % 50,
            (k / 50) % 5,
            at.to_rfc3339(),
            end.to_rfc3339(),
            end.to_rfc3339(),
        ));
    }
    s
}

fn bench_recurrence(c: &mut Criterion) {
    let config = Config::defaults_in(std::path::Path::new("."));
    let year = Period::new(
        Utc.with_ymd_and_hms(2025, 4, 1, 0, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap(),
    )
    .expect("period");
    let scope = Scope::new(year, year.to);
    let mut group = c.benchmark_group("recurrence");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    for n in [10_000, 50_000, 200_000] {
        let dir = tempfile::tempdir().expect("temp dir");
        let input = dir.path().join("incidents.csv");
        std::fs::write(&input, incidents_csv(n)).expect("write the incidents");
        let store = Store::at(dir.path().join("store"));
        let opts = IngestOptions {
            strict: true,
            ..common::canonical(vec![input])
        };
        ingest(&store, &config, &opts).expect("ingest");
        let f = common::frames(&store);
        group.bench_with_input(BenchmarkId::new("a year of incidents", n), &f, |b, f| {
            b.iter(|| recurrence(f, &config, &scope, false).expect("recurrence"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_recurrence);
criterion_main!(benches);
