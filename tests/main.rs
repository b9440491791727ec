//! The one integration-test target: every file here drives the real `aftermath` binary in a
//! temporary folder and checks what it wrote.

mod common;

mod cli;
mod config;
mod deliver;
mod deliver_email;
mod docs;
mod generate;
mod ingest_compressed;
mod ingest_errors;
mod ingest_errors_fuzz;
mod ingest_parallel;
mod ingest_seen;
mod ingest_store;
mod interop;
mod metrics;
mod query;
mod recorder;
mod report_browser;
mod reports;
mod reports_impact;
mod run;
mod run_as_of;
mod scale_out;
mod scale_out_report;
mod sources;
mod store_append;
mod store_budget;
mod store_commit;
