//! `aftermath report postmortem|weekly|improvement`: the flags of each report and the shared ones
//! (`--format`, `--templates`, `--png`, `--as-of`, `--out`). It opens the store, hands the
//! report session (`report::set`) what the flags ask for, and prints what was written.
//!
//! `run` renders its set of reports through the same session, so the batch job and the command
//! give the same files and one index.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::Context;
use super::args::instant;
use super::metrics::frames;
use super::stdout::outln;
use crate::error::{Error, Result};
use crate::metrics::source::{AlertSource, Local};
use crate::report::{OutputFormat, Session, Span, Written};

#[derive(Debug, clap::Args)]
pub struct Common {
    /// Output formats, comma-separated: html, md
    #[arg(long, default_value = "html,md", value_delimiter = ',', global = true)]
    pub format: Vec<OutputFormat>,
    /// A folder of templates overriding the built-in ones [default: the config's `templates`]
    #[arg(long, value_name = "DIR", global = true)]
    pub templates: Option<PathBuf>,
    /// Also write every chart as PNG beside the Markdown
    #[arg(long, global = true)]
    pub png: bool,
    /// Judge the data as of this instant (RFC 3339 or YYYY-MM-DD): the same store, config and
    /// --as-of give byte-identical files [default: now]
    #[arg(long, value_name = "INSTANT", value_parser = instant, global = true)]
    pub as_of: Option<DateTime<Utc>>,
    /// Output folder [default: the config's `reports`]
    #[arg(long, short, value_name = "DIR", global = true)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, clap::Subcommand)]
pub enum Kind {
    /// One incident's postmortem, prefilled with everything the data knows
    Postmortem {
        /// The incident id, e.g. pagerduty:PT4KHLK
        #[arg(long)]
        incident: String,
    },
    /// The weekly reliability report of a team or of the organisation
    Weekly {
        /// The ISO week, e.g. 2026-W46 [default: the last complete week before --as-of]
        #[arg(long)]
        week: Option<String>,
        /// Only this team
        #[arg(long, conflicts_with = "all_teams")]
        team: Option<String>,
        /// The organisation report with a section per team, and a file per team (the default)
        #[arg(long)]
        all_teams: bool,
    },
    /// The continuous-improvement report of a quarter or a range, month by month
    Improvement {
        /// A quarter, e.g. 2026-Q3 [default: the last complete quarter]
        #[arg(long, conflicts_with_all = ["from", "to"])]
        quarter: Option<String>,
        /// First day of the range (YYYY-MM-DD)
        #[arg(long)]
        from: Option<String>,
        /// Day after the range (YYYY-MM-DD)
        #[arg(long)]
        to: Option<String>,
    },
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub kind: Kind,
    #[command(flatten)]
    pub common: Common,
}

/// The report session for `ctx`'s store as of `as_of`: the store's frames and the facts every
/// report prints about it.
pub fn session(
    ctx: &Context,
    formats: &[OutputFormat],
    templates: Option<&Path>,
    png: bool,
    as_of: DateTime<Utc>,
) -> Result<Session> {
    session_with(ctx, Box::new(Local), formats, templates, png, as_of)
}

/// The report session with the alert figures of `alerts` (a scale-out job's output, or the
/// store's own through `Local`).
pub fn session_with(
    ctx: &Context,
    alerts: Box<dyn AlertSource>,
    formats: &[OutputFormat],
    templates: Option<&Path>,
    png: bool,
    as_of: DateTime<Utc>,
) -> Result<Session> {
    let store = &ctx.store;
    if !store.exists() {
        return Err(Error::store(
            store.root(),
            "no store here yet; run `aftermath ingest <files>` or `aftermath run` first",
        ));
    }
    let last_ingest = store.meta()?.last_change().unwrap_or("unknown").to_string();
    Session::new(
        frames(store, as_of)?,
        alerts,
        &ctx.config,
        // `--format html,html` asks for one file each.
        formats.iter().fold(vec![], |mut all, f| {
            if !all.contains(f) {
                all.push(*f);
            }
            all
        }),
        templates,
        png,
        as_of,
        last_ingest,
    )
}

/// Print where the files went, then the notes and warnings.
pub fn print_written(w: &Written) {
    for p in &w.paths {
        outln!("wrote {}", p.display());
    }
    if let Some(index) = &w.index {
        outln!("index {}", index.display());
    }
    w.notes.iter().for_each(|n| eprintln!("note: {n}"));
    w.warnings.iter().for_each(|n| eprintln!("warning: {n}"));
}

pub fn run(ctx: &Context, args: Args) -> Result<()> {
    let c = &args.common;
    let as_of = c.as_of.unwrap_or_else(Utc::now);
    let session = session(ctx, &c.format, c.templates.as_deref(), c.png, as_of)?;
    let cfg = &ctx.config;
    let out = c.out.clone().unwrap_or_else(|| cfg.reports.clone());
    let written = match args.kind {
        Kind::Postmortem { incident } => session.postmortem(cfg, &incident, &out)?,
        Kind::Weekly {
            week,
            team,
            all_teams: _,
        } => session.weekly(cfg, week.as_deref(), team.as_deref(), &out)?,
        Kind::Improvement { quarter, from, to } => {
            let span = match quarter {
                Some(q) => Span::Quarter(q),
                None if from.is_none() && to.is_none() => Span::Default,
                None => Span::Range { from, to },
            };
            session.improvement(cfg, span, &out)?
        }
    };
    print_written(&written);
    Ok(())
}
