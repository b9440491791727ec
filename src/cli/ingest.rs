//! `aftermath ingest`: flags to `IngestOptions`, and the run summary printed afterwards.

use std::path::PathBuf;

use chrono_tz::Tz;

use super::Context;
use super::stdout::outln;
use crate::error::Result;
use crate::ingest::{IngestOptions, IngestReport, MaxRejected, SourceChoice, ingest, parse_bytes};
use crate::model::Table;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders to ingest; folders are walked for .csv, .ndjson, .jsonl and .json files
    #[arg(required = true, value_name = "PATH")]
    pub inputs: Vec<PathBuf>,
    /// Which tool the inputs come from: auto (sniff each file), canonical (table files), or one of
    /// pagerduty, opsgenie, alertmanager, grafana, incidentio, statuspage, firehydrant, servicenow, csv
    #[arg(long, default_value = "auto", value_parser = SourceChoice::parse)]
    pub source: SourceChoice,
    /// The mapping file (TOML) of `--source csv`: columns, date formats, value maps, table
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// The table every input holds, instead of telling it from each file name
    #[arg(long, value_parser = parse_table)]
    pub table: Option<Table>,
    /// IANA zone of naive timestamps (YYYY-MM-DD HH:MM[:SS]) [default: the config's `timezone`, else UTC]
    #[arg(long, value_parser = parse_zone)]
    pub timezone: Option<Tz>,
    /// Stop at the first bad row and write nothing
    #[arg(long)]
    pub strict: bool,
    /// Fail, writing nothing, when more rows than this are rejected: a count (N) or a share (P%)
    #[arg(long, default_value = "1%", value_parser = MaxRejected::parse)]
    pub max_rejected: MaxRejected,
    /// Memory the commit plans for (512M, 2G): above it, months are merged one at a time
    #[arg(long, default_value = "2G", value_parser = parse_bytes)]
    pub memory_budget: u64,
    /// Read every input, also files the store already holds read the same way (same bytes,
    /// name and settings), which are otherwise skipped
    #[arg(long)]
    pub force: bool,
}

pub fn parse_table(s: &str) -> std::result::Result<Table, String> {
    Table::from_name(s)
        .ok_or_else(|| format!("unknown table {s:?}; expected one of: {}", Table::names()))
}

pub fn parse_zone(s: &str) -> std::result::Result<Tz, String> {
    s.parse()
        .map_err(|_| format!("unknown time zone {s:?}; use an IANA name such as Europe/Berlin"))
}

pub fn run(ctx: &Context, args: Args) -> Result<()> {
    let opts = IngestOptions {
        inputs: args.inputs,
        table: args.table,
        zone: args.timezone.unwrap_or(ctx.config.input_timezone),
        strict: args.strict,
        max_rejected: args.max_rejected,
        source: args.source,
        mapping: args.mapping,
        memory_budget: args.memory_budget,
        force: args.force,
    };
    let report = ingest(&ctx.store, &ctx.config, &opts)?;
    print_report(ctx, &report);
    Ok(())
}

/// The per-table counts of a run, the warnings, and where the rejected rows are.
pub fn print_report(ctx: &Context, r: &IngestReport) {
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
    for d in &r.detected {
        if d.source != "canonical" {
            outln!("{}: {} ({})", d.file.display(), d.source, d.shape);
        }
    }
    if let Some((first, run)) = r.skipped.first() {
        outln!(
            "skipped {} file(s) the store already holds read the same way ({} by run {run}{}); --force reads them again",
            r.skipped.len(),
            first.display(),
            if r.skipped.len() > 1 { ", ..." } else { "" }
        );
    }
    let Some(run) = &r.run else {
        outln!("nothing new to ingest; the store is unchanged");
        return;
    };
    outln!(
        "ingested {} file(s) into {} (run {})",
        r.files.len(),
        ctx.store.root().display(),
        run.id
    );
    outln!(
        "{:<16} {:>9} {:>9} {:>9} {:>10} {:>9}",
        "table",
        "read",
        "inserted",
        "updated",
        "unchanged",
        "rejected"
    );
    for (table, c) in &run.tables {
        outln!(
            "{table:<16} {:>9} {:>9} {:>9} {:>10} {:>9}",
            c.read,
            c.inserted,
            c.updated,
            c.unchanged,
            c.rejected
        );
    }
    if !r.rejections.is_empty() {
        let log = ctx.store.rejected_log(&run.id).display().to_string();
        outln!(
            "{} row(s) rejected; every one with its reason and raw text is in {log}. The first:",
            r.rejections.len()
        );
        for rej in r.rejections.iter().take(5) {
            outln!("  {}", rej.describe());
        }
    }
}
