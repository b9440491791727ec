//! `aftermath generate`: flags to `GenerateOptions`.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::stdout::outln;
use crate::error::Result;
use crate::generate::{GenerateOptions, IncidentVolume, generate_with};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output folder
    #[arg(long, short, default_value = "generated", value_name = "DIR")]
    pub out: PathBuf,
    /// Random seed: the same seed and options give byte-identical files
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Number of teams (the first six have names and zones on four continents)
    #[arg(long, default_value_t = 6)]
    pub teams: usize,
    /// Number of weeks
    #[arg(long, default_value_t = 26)]
    pub weeks: u32,
    /// First day (moved back to its Monday)
    #[arg(long, default_value = "2026-05-18")]
    pub start: NaiveDate,
    /// Alert volume multiplier; 1.0 is about 80 ordinary alerts per team-week plus storms, flaps and incident alerts
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// Incident volume multiplier; 1.0 is about 2.6 incidents per team-week (with their alerts and action items)
    #[arg(long, default_value_t = 1.0, value_name = "X")]
    pub incidents_scale: f64,
    /// Mean extra timeline events per incident (re-sent notifications before the acknowledgement, status updates after it); 0 gives about 5.6 events per incident, 4.5 about 10
    #[arg(long, default_value_t = 0.0, value_name = "N")]
    pub extra_events: f64,
    /// Do not write the dirty/ folder of deliberately bad rows
    #[arg(long)]
    pub no_dirty: bool,
}

pub fn run(args: Args) -> Result<()> {
    let started = std::time::Instant::now();
    let opts = GenerateOptions {
        out: args.out.clone(),
        seed: args.seed,
        teams: args.teams,
        weeks: args.weeks,
        start: args.start,
        scale: args.scale,
        dirty: !args.no_dirty,
    };
    let volume = IncidentVolume {
        scale: args.incidents_scale,
        extra_events: args.extra_events,
    };
    let counts = generate_with(&opts, volume)?;
    outln!(
        "wrote {} incidents, {} incident events, {} alerts, {} action items and {} on-call shifts to {} in {:.1}s",
        counts.incidents,
        counts.events,
        counts.alerts,
        counts.action_items,
        counts.shifts,
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
