//! The command line: clap definitions (each flag's doc comment is its help text), the step from
//! raw flags to resolved settings, and the mapping of results to exit codes. The only module that
//! knows clap; everything below it takes plain options.

mod args;
mod config_cmd;
mod deliver;
mod generate;
mod ingest;
mod metrics;
mod query;
mod report;
mod run;
mod scale_out;
mod stdout;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::error::Result;
use crate::store::Store;

#[derive(Debug, Parser)]
#[command(
    name = "aftermath",
    version,
    about = "Incident analytics and postmortem reporting from your incident and alert history."
)]
#[command(propagate_version = true)]
struct Cli {
    /// Configuration file [default: ./aftermath.toml when it exists, else built-in defaults]
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Store folder, overriding the config's `store`
    #[arg(long, global = true, value_name = "DIR")]
    store: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The batch job: ingest the config's inputs and summarise the store per team
    Run(run::Args),
    /// Ingest canonical CSV, NDJSON or JSON files (or folders of them) into the store
    Ingest(ingest::Args),
    /// Compute the metric catalogue (durations, fatigue, rules, recurrence, actions, impact, quality) for a period
    Metrics(Box<metrics::Args>),
    /// Render a report: postmortem, weekly or improvement, as HTML and Markdown with charts
    Report(Box<report::Args>),
    /// Send the reports already written to the config's [[deliver]] destinations, once each
    Deliver(deliver::Args),
    /// Run SQL over the store's tables (incidents, incident_events, alerts, action_items, oncall_shifts)
    Query(query::Args),
    /// Run the reduce step of the alert-scale metrics on Spark or DuckDB, and finish from its output
    #[command(subcommand, name = "scale-out")]
    ScaleOut(scale_out::ScaleOutCommand),
    /// Write a deterministic synthetic incident history as canonical input files
    Generate(generate::Args),
    /// Inspect the configuration
    #[command(subcommand)]
    Config(config_cmd::ConfigCommand),
}

/// Settings every command shares, resolved once.
struct Context {
    config: Config,
    store: Store,
}

impl Context {
    fn new(cli_config: Option<PathBuf>, cli_store: Option<PathBuf>) -> Result<Context> {
        let config = Config::discover(cli_config.as_deref())?;
        let store = Store::at(cli_store.unwrap_or_else(|| config.store.clone()));
        Ok(Context { config, store })
    }
}

/// Parse, run, and return the process exit code. Errors are printed with their causes.
pub fn main() -> i32 {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(args) => generate::run(args),
        Command::Config(cmd) => config_cmd::run(cmd, cli.config),
        command => Context::new(cli.config, cli.store).and_then(|ctx| match command {
            Command::Run(args) => run::run(&ctx, args),
            Command::Ingest(args) => ingest::run(&ctx, args),
            Command::Metrics(args) => metrics::run(&ctx, *args),
            Command::Query(args) => query::run(&ctx, args),
            Command::ScaleOut(cmd) => scale_out::run(&ctx, cmd),
            Command::Report(args) => report::run(&ctx, *args),
            Command::Deliver(args) => deliver::run(&ctx, args),
            Command::Generate(_) | Command::Config(_) => unreachable!("handled above"),
        }),
    };
    // Everything printed went through `stdout`: a closed pipe ended it quietly, any other
    // write error is reported here, after the work it described.
    let result = result.and_then(|()| stdout::finish());
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            let mut cause = std::error::Error::source(&e);
            while let Some(c) = cause {
                eprintln!("  caused by: {c}");
                cause = c.source();
            }
            e.exit_code()
        }
    }
}
