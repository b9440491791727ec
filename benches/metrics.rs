//! Metric computation: `aftermath::metrics::run` for all families, and for each family alone, on
//! a generated store of modest size (6 teams x 26 weeks, about 60,000 alerts and 1,600 incidents
//! with long timelines) built in a temp dir, so `cargo bench --bench metrics` runs anywhere in a
//! minute or two. The frames are lazy scans of the store, as the CLI gives them, so each iteration
//! includes reading the Parquet files. Whole-command timings on 10 million alerts, beside DuckDB on
//! the same files, are in BENCHMARKS.md ("Metrics", `benches/metrics_compare.sh`).

use std::path::Path;
use std::time::Duration;

use aftermath::config::Config;
use aftermath::generate::{GenerateOptions, IncidentVolume, generate_with};
use aftermath::ingest::ingest;
use aftermath::metrics::{self, Family, Request, Scope, scope::parse_last};
use aftermath::store::Store;
use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};

mod common;

const WEEKS: u32 = 26;

fn bench_metrics(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The repository's config names the six generated teams with their zones and severities.
    let config = Config::load(&root.join("aftermath.toml")).expect("the repository's config");
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("input");
    let start = NaiveDate::from_ymd_opt(2026, 5, 18).expect("date");
    let opts = GenerateOptions {
        out: input.clone(),
        seed: 7,
        teams: 6,
        weeks: WEEKS,
        start,
        scale: 4.0,
        dirty: false,
    };
    let volume = IncidentVolume {
        scale: 4.0,
        extra_events: 4.5,
    };
    let counts = generate_with(&opts, volume).expect("generate");
    let store = Store::at(dir.path().join("store"));
    let ingest_opts = common::canonical(vec![input]);
    ingest(&store, &config, &ingest_opts).expect("ingest");

    // The last 12 complete weeks of the generated range, judged at its end.
    let end = start + chrono::Duration::weeks(i64::from(WEEKS));
    let as_of = Utc.from_utc_datetime(&end.and_hms_opt(0, 0, 0).expect("midnight"));
    let scope = Scope::new(parse_last("12w", as_of).expect("period"), as_of);
    let f = common::frames(&store);
    let size = format!(
        "{} alerts, {} incidents, {} events",
        counts.alerts, counts.incidents, counts.events
    );

    let mut group = c.benchmark_group("metrics");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(4));
    let mut cases = vec![("all".to_string(), Family::ALL.to_vec())];
    cases.extend(Family::ALL.iter().map(|f| (f.name().to_string(), vec![*f])));
    for (name, families) in cases {
        let req = Request {
            families,
            ..Request::default()
        };
        group.bench_function(format!("{name}, last 12 weeks, {size}"), |b| {
            b.iter(|| metrics::run(&f, &config, &scope, &req).expect("metrics"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_metrics);
criterion_main!(benches);
