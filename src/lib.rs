//! aftermath: incident analytics and postmortem reporting.
//!
//! ```text
//!   inputs (CSV / NDJSON / JSON)          aftermath.toml
//!        │                                      │
//!        ▼                                      ▼
//!   ingest ── reader → row (typed) → rules ── config (teams, zones, severity map)
//!        │             └─ rejected rows → the snapshot's _rejected/<run>.ndjson
//!        ▼
//!   store ── upsert by primary key, derive incident summaries from events,
//!        │   publish a new snapshot (one symlink swap), hive month partitions of Parquet
//!        ▼
//!   scan (polars LazyFrame) ──► metrics (pure) ──► output / reports
//!                          └──► query (polars SQL)
//! ```
//!
//! Modules: [`model`] the canonical tables and vocabularies; [`config`] `aftermath.toml`;
//! [`ingest`] canonical inputs; [`store`] the Parquet store (the only module that knows paths and
//! Parquet); [`metrics`] pure computations over frames; [`query`] SQL; [`output`] result formats;
//! [`generate`] the deterministic synthetic data; [`deliver`] sending written reports to Slack,
//! Teams, webhooks and email, once each; [`cli`] argument parsing and the commands.

pub mod cli;
pub mod config;
pub mod deliver;
pub mod error;
pub mod generate;
pub mod ingest;
pub mod metrics;
pub mod model;
pub mod output;
pub mod query;
pub mod report;
pub mod store;

pub use error::{Error, Result};
