//! Ingest throughput: canonical CSV/NDJSON/JSON files from the generator into a fresh store
//! through the streaming path (parse two files at a time, spill by month, merge month by month
//! against the store, write zstd Parquet, publish the snapshot). Whole-command timings on 10 million
//! alerts are in BENCHMARKS.md; this bench tracks the per-row cost on a smaller set, and the
//! connectors on the committed vendor exports.

use std::path::Path;

use aftermath::config::Config;
use aftermath::generate::{GenerateOptions, generate};
use aftermath::ingest::{IngestOptions, SourceChoice, ingest};
use aftermath::store::Store;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

mod common;

fn bench_ingest(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("input");
    let counts = generate(&GenerateOptions {
        out: input.clone(),
        seed: 1,
        teams: 4,
        weeks: 12,
        start: chrono::NaiveDate::from_ymd_opt(2026, 1, 5).expect("date"),
        scale: 5.0,
        dirty: false,
    })
    .expect("generate");
    let rows =
        counts.incidents + counts.events + counts.alerts + counts.action_items + counts.shifts;
    let config = Config::defaults_in(Path::new("."));
    let opts = common::canonical(vec![input]);

    let mut group = c.benchmark_group("ingest");
    group.sample_size(10);
    group.throughput(Throughput::Elements(rows));
    group.bench_function(format!("fresh store, {rows} rows"), |b| {
        b.iter_with_setup(
            || tempfile::tempdir().expect("temp dir"),
            |store_dir| {
                ingest(&Store::at(store_dir.path().join("store")), &config, &opts).expect("ingest");
                store_dir
            },
        )
    });
    // Re-ingesting the same files: skipped by their hashes, and (--force) read and compared,
    // leaving every partition untouched.
    let store_dir = tempfile::tempdir().expect("temp dir");
    let store = Store::at(store_dir.path().join("store"));
    ingest(&store, &config, &opts).expect("first ingest");
    group.bench_function(format!("re-ingest unchanged files, {rows} rows"), |b| {
        b.iter(|| ingest(&store, &config, &opts).expect("ingest"))
    });
    let forced = IngestOptions {
        force: true,
        ..opts.clone()
    };
    group.bench_function(format!("re-ingest --force, {rows} rows"), |b| {
        b.iter(|| ingest(&store, &config, &forced).expect("ingest"))
    });
    group.finish();
}

/// The connectors on the committed vendor exports (`sample_data/sources`, every tool and shape):
/// sniffing, loading whole documents and mapping them, then the same commit path.
fn bench_connectors(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = Config::load(&root.join("aftermath.toml")).expect("the repository's config");
    let opts = IngestOptions {
        source: SourceChoice::Auto,
        ..common::canonical(vec![root.join("sample_data/sources")])
    };
    let mut group = c.benchmark_group("connectors");
    group.sample_size(10);
    group.bench_function("sample_data/sources, --source auto, fresh store", |b| {
        b.iter_with_setup(
            || tempfile::tempdir().expect("temp dir"),
            |store_dir| {
                ingest(&Store::at(store_dir.path().join("store")), &config, &opts).expect("ingest");
                store_dir
            },
        )
    });
    group.finish();
}

criterion_group!(benches, bench_ingest, bench_connectors);
criterion_main!(benches);
