//! `aftermath run`: the batch job. Ingests the inputs the config lists and prints a per-team
//! overview of the store.

use polars::prelude::*;

use super::Context;
use crate::error::{Error, Result};
use crate::ingest::{IngestOptions, MaxRejected, SourceChoice, ingest};
use crate::metrics::overview::{span, team_overview};
use crate::model::Table;
use crate::model::columns::DETECTED_AT;
use crate::output::render_table;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Fail, writing nothing, when more rows than this are rejected: a count (N) or a share (P%)
    #[arg(long, default_value = "1%", value_parser = MaxRejected::parse)]
    pub max_rejected: MaxRejected,
}

pub fn run(ctx: &Context, args: Args) -> Result<()> {
    let cfg = &ctx.config;
    if cfg.path.is_none() {
        return Err(Error::input(
            crate::config::DEFAULT_FILE,
            None,
            "no configuration found; run from the folder holding aftermath.toml or pass --config FILE",
        ));
    }
    if cfg.inputs.is_empty() {
        return Err(Error::Config {
            path: cfg.path.clone().unwrap_or_default(),
            problems: vec!["inputs: empty; list the files or folders `run` should ingest".into()],
        });
    }
    let report = ingest(
        &ctx.store,
        cfg,
        &IngestOptions {
            inputs: cfg.inputs.clone(),
            table: None,
            zone: cfg.input_timezone,
            strict: false,
            max_rejected: args.max_rejected,
            source: SourceChoice::Auto,
            mapping: None,
        },
    )?;
    super::ingest::print_report(ctx, &report);

    let q = |e: PolarsError| Error::Query(e.to_string());
    let overview = team_overview(
        ctx.store.scan(Table::Incidents)?,
        ctx.store.scan(Table::Alerts)?,
    )
    .collect()
    .map_err(q)?;
    let range = span(ctx.store.scan(Table::Incidents)?, DETECTED_AT)
        .collect()
        .map_err(q)?;
    println!();
    println!("incidents by team (all kinds; open = not resolved), alerts and pages:");
    print!("{}", render_table(&overview)?);
    println!("incidents detected between:");
    print!("{}", render_table(&range)?);
    println!();
    println!("store: {}", ctx.store.root().display());
    println!(
        "next:  aftermath query \"SELECT severity, count(*) FROM incidents GROUP BY severity\""
    );
    Ok(())
}
