//! `aftermath run`: the batch job. Ingests the inputs the config lists and prints a per-team
//! overview of the store; with `--deliver`, then sends the reports (`cli::deliver`).

use polars::prelude::*;

use super::Context;
use super::stdout::{out, outln};
use crate::error::{Error, Result};
use crate::ingest::{IngestOptions, MaxRejected, SourceChoice, ingest, parse_bytes};
use crate::metrics::overview::{span, team_overview};
use crate::model::Table;
use crate::model::columns::DETECTED_AT;
use crate::output::render_table;
use crate::report::OutputFormat;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Fail, writing nothing, when more rows than this are rejected: a count (N) or a share (P%)
    #[arg(long, default_value = "1%", value_parser = MaxRejected::parse)]
    pub max_rejected: MaxRejected,
    /// Memory the ingest's commit plans for (512M, 2G): above it, months are merged one at a time
    #[arg(long, default_value = "2G", value_parser = parse_bytes)]
    pub memory_budget: u64,
    /// Read every input, also files the store already holds read the same way, which are
    /// otherwise skipped
    #[arg(long)]
    pub force: bool,
    /// Judge the data as of this instant (RFC 3339 or YYYY-MM-DD), for reproducible output [default: now]
    #[arg(long, value_name = "INSTANT", value_parser = super::args::instant)]
    pub as_of: Option<chrono::DateTime<chrono::Utc>>,
    /// Write the metrics and reports here instead of the config's `reports` folder
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<std::path::PathBuf>,
    /// Then send the reports to the config's [[deliver]] destinations, each once
    #[arg(long)]
    pub deliver: bool,
    #[command(flatten)]
    pub delivery: super::deliver::Flags,
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
            memory_budget: args.memory_budget,
            force: args.force,
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
    outln!();
    outln!("incidents by team (all kinds; open = not resolved), alerts and pages:");
    out!("{}", render_table(&overview)?);
    outln!("incidents detected between:");
    out!("{}", render_table(&range)?);
    if !args.deliver && (args.delivery.dry_run.is_some() || !args.delivery.to.is_empty()) {
        return Err(Error::input(
            "run",
            None,
            "--dry-run and --to belong to the delivery: add --deliver",
        ));
    }
    let as_of = args.as_of.unwrap_or_else(chrono::Utc::now);
    let out = args.out.clone().unwrap_or_else(|| cfg.reports.clone());
    // Emails carry the charts inline as PNG: draw them when an email destination will want them.
    let png = cfg.deliver.iter().any(|d| d.kind() == "email");
    let session = super::report::session(ctx, &OutputFormat::ALL, None, png, as_of)?;
    let written = write_metrics(&session, cfg, &out)?;
    let rendered = session.all(cfg, &out)?;
    let index = rendered
        .written
        .index
        .as_ref()
        .ok_or_else(|| Error::Internal("run wrote no index".into()))?;
    outln!();
    outln!("store:   {}", ctx.store.root().display());
    outln!(
        "metrics: {} (the tidy long table; see docs/metrics.md)",
        written.display()
    );
    outln!("reports: {} (open it in a browser)", index.display());
    outln!(
        "periods: weekly {}, improvement {}, as of {}",
        rendered.week,
        rendered.quarter,
        as_of.format("%Y-%m-%d %H:%M UTC")
    );
    for note in &rendered.written.notes {
        outln!("note:    {note}");
    }
    for w in &rendered.written.warnings {
        outln!("warning: {w}");
    }
    out!("{}", postmortem_line(cfg, &rendered));
    outln!(
        "next:    aftermath metrics all --last 12w\n         aftermath query \"SELECT severity, count(*) FROM incidents GROUP BY severity\""
    );
    if args.deliver {
        super::deliver::deliver(ctx, &out, Some(as_of), &args.delivery)?;
    }
    Ok(())
}

/// How many postmortem drafts `run` wrote, and how to get the ones it left out.
fn postmortem_line(cfg: &crate::config::Config, r: &crate::report::set::Rendered) -> String {
    let severities: Vec<&str> = cfg
        .postmortems
        .severities
        .iter()
        .map(|s| s.as_str())
        .collect();
    let linked = if cfg.postmortems.skip_linked {
        " without a postmortem link"
    } else {
        ""
    };
    let all = r.postmortems + r.left_out.len();
    let mut line = format!(
        "postmortems: {} draft(s) for the {all} {} incident(s){linked} of {}",
        r.postmortems,
        severities.join("/"),
        r.week
    );
    if let Some(first) = r.left_out.first() {
        line.push_str(&format!(
            "; {} more left out by [postmortems] max_per_run = {} (the most severe and earliest \
             were written): aftermath report postmortem --incident {first}, or raise the cap",
            r.left_out.len(),
            cfg.postmortems.max_per_run
        ));
    }
    line.push('\n');
    line
}

/// The metric set of the last 12 complete weeks, every family with its default grouping, as the
/// tidy long table in `<reports>/metrics.parquet`. Written under a temporary name and renamed,
/// so an analyst's reader never sees half a file.
/// Write the set's metric tables (`Session::metrics`) into `dir` as `metrics.parquet`, the tidy
/// long table, replacing the file whole.
pub fn write_metrics(
    session: &crate::report::Session,
    cfg: &crate::config::Config,
    dir: &std::path::Path,
) -> Result<std::path::PathBuf> {
    use crate::error::IoContext;
    let (tables, scope) = session.metrics(cfg)?;
    let mut df = crate::metrics::tidy(&tables, &scope)?;
    std::fs::create_dir_all(dir).at(dir)?;
    let path = dir.join("metrics.parquet");
    let tmp = dir.join(".metrics.parquet.tmp");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp).at(&tmp)?);
        crate::store::write_parquet_frame(&mut df, &mut f)?;
        std::io::Write::flush(&mut f).at(&tmp)?;
    }
    std::fs::rename(&tmp, &path).at(&path)?;
    Ok(path)
}
