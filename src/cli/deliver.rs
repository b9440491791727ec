//! `aftermath deliver` (and the delivery step of `run --deliver`): the flags, the reports folder
//! and instant they resolve to, and the lines printed about each report and destination. The
//! sending, the log and the payloads are `crate::deliver`.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::Context;
use super::stdout::outln;
use crate::deliver::{Options, Step};
use crate::error::{Error, Result};

/// The delivery flags `deliver` and `run --deliver` share.
#[derive(Debug, Clone, clap::Args)]
pub struct Flags {
    /// Send nothing: write every payload (Slack/Teams/webhook JSON, emails as .eml) into DIR
    /// [default DIR: <reports>/dry-run]
    #[arg(long, value_name = "DIR", num_args = 0..=1, default_missing_value = "")]
    pub dry_run: Option<PathBuf>,
    /// Only this destination (its `name` in [[deliver]]); repeat for several [default: all]
    #[arg(long = "to", value_name = "NAME")]
    pub to: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The reports folder [default: the config's `reports`]
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Send the reports rendered as of this instant (RFC 3339 or YYYY-MM-DD) [default: the
    /// newest found in the folder]
    #[arg(long, value_name = "INSTANT", value_parser = super::args::instant)]
    pub as_of: Option<DateTime<Utc>>,
    #[command(flatten)]
    pub flags: Flags,
}

pub fn run(ctx: &Context, args: Args) -> Result<()> {
    let out = args.out.unwrap_or_else(|| ctx.config.reports.clone());
    deliver(ctx, &out, args.as_of, &args.flags)
}

/// Deliver the reports under `out` rendered as of `as_of` (the newest when none), printing a
/// line per report and destination; the failures end in the error.
pub fn deliver(
    ctx: &Context,
    out: &Path,
    as_of: Option<DateTime<Utc>>,
    flags: &Flags,
) -> Result<()> {
    let at = as_of.map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
    let reports = crate::deliver::written(out, at.as_deref())?;
    if reports.is_empty() {
        return Err(Error::input(
            out,
            None,
            match &at {
                Some(a) => format!(
                    "no report rendered as of {a} here; run `aftermath run` first, or drop \
                     --as-of to send the newest"
                ),
                None => "no report summaries (*.summary.json) here; run `aftermath run` first"
                    .to_string(),
            },
        ));
    }
    let dry_run = flags.dry_run.as_ref().map(|d| {
        if d.as_os_str().is_empty() {
            out.join("dry-run")
        } else {
            d.clone()
        }
    });
    let opts = Options {
        dry_run: dry_run.clone(),
        only: flags.to.clone(),
    };
    let outcome = crate::deliver::deliver(&ctx.config, &ctx.store, &reports, &opts)?;
    outln!();
    outln!(
        "delivery of {} report(s) as of {}:",
        reports.len(),
        reports[0].summary.as_of
    );
    for (dest, report, step) in &outcome.steps {
        match step {
            Step::Sent => outln!("sent     {dest}: {report}"),
            Step::AlreadySent(at) => outln!("skipped  {dest}: {report} (sent {at})"),
            Step::Written(p) => outln!("wrote    {dest}: {}", p.display()),
        }
    }
    for dest in &outcome.idle {
        outln!("note:    {dest} takes none of these reports (its reports, teams and severities)");
    }
    if let Some(d) = &dry_run {
        outln!(
            "dry run: nothing was sent or recorded; the payloads are in {}",
            d.display()
        );
    } else {
        outln!(
            "log:     {} (each report is sent once per destination)",
            ctx.store.deliveries_path().display()
        );
    }
    outcome.result()
}
