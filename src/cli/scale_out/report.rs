//! `aftermath scale-out emit --report weekly` and `aftermath scale-out report`: a report whose
//! alert figures come from Spark or DuckDB. `emit` asks the report which reduce steps it needs
//! (`report::weekly::alert_asks`) and writes one job per step, each writing its tables under a
//! folder of its own (`<reduced-url>/<nn>-<step>`); `report` reads them back as the report
//! session's alert source (`metrics::scaleout::Output`) and renders the report with the local
//! store's incidents, events, action items and shifts, as `aftermath report` does.

use std::path::PathBuf;

use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::super::Context;
use super::super::report::{Common, print_written, session_with};
use super::{EmitArgs, JobFile, locations, read_job, write_job};
use crate::error::{Error, IoContext, Result};
use crate::metrics::scaleout::{self, Ask, JobTarget, Output};
use crate::metrics::scope::{parse_week, resolve_period};
use crate::store::read_reduced;

/// The reports a job can be emitted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// The weekly reliability report: the organisation's and every team's
    Weekly,
}

/// A report's jobs, as `job.json` records them.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReportJob {
    kind: ReportKind,
    /// The ISO week of a weekly report.
    week: String,
    /// Each step and the folder under the reduced URL its tables are in.
    asks: Vec<AskFolder>,
}

#[derive(Debug, Serialize, Deserialize)]
struct AskFolder {
    #[serde(flatten)]
    ask: Ask,
    folder: String,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The folder `emit --report` wrote (with job.json)
    #[arg(long, value_name = "DIR")]
    pub job: PathBuf,
    /// The folder the engine wrote the reduced tables into [default: the job's reduced URL]
    #[arg(long, value_name = "DIR")]
    pub reduced: Option<PathBuf>,
    #[command(flatten)]
    pub common: Common,
}

pub fn emit(ctx: &Context, a: &EmitArgs, kind: ReportKind) -> Result<()> {
    let ReportKind::Weekly = kind;
    let as_of = a.scope.as_of.unwrap_or_else(Utc::now);
    let week = match &a.scope.week {
        Some(w) => parse_week(w)?,
        None => resolve_period(None, None, None, Some("1w"), as_of)?,
    };
    let (store_url, reduced_url, has_shifts) = locations(ctx, a)?;
    let mut asks = vec![];
    let mut written = vec![];
    for (n, ask) in crate::report::weekly::alert_asks(week, as_of)?
        .into_iter()
        .enumerate()
    {
        let stem = ask.file_stem(n + 1);
        let out_url = format!("{}/{stem}", reduced_url.trim_end_matches('/'));
        // DuckDB's COPY writes into an existing folder only.
        if !out_url.contains("://") {
            std::fs::create_dir_all(&out_url).at(&out_url)?;
        }
        let target = JobTarget {
            engine: a.engine,
            store_url: &store_url,
            out_url: &out_url,
            has_shifts,
        };
        let sql = scaleout::ask_job(&ctx.config, &ask, as_of, &target)?;
        let path = a.out.join(format!("{stem}.sql"));
        std::fs::write(&path, sql).at(&path)?;
        written.push(path.display().to_string());
        asks.push(AskFolder { ask, folder: stem });
    }
    let label = week.label();
    let job = JobFile {
        engine: a.engine.name().into(),
        from: week.from,
        to: week.to,
        as_of,
        by: vec![],
        teams: vec![],
        services: vec![],
        severities: vec![],
        reduced_url,
        thresholds: format!("{:?}", ctx.config.thresholds),
        families: vec![],
        shift_tables: true,
        compare: false,
        report: Some(ReportJob {
            kind,
            week: label.clone(),
            asks,
        }),
    };
    let job_path = write_job(&a.out, &job)?;
    eprintln!(
        "wrote the {} jobs of the weekly report of {label} ({}) and {}; run every job, then \
         `aftermath scale-out report --job {}`",
        written.len(),
        written.join(", "),
        job_path.display(),
        a.out.display()
    );
    Ok(())
}

pub fn report(ctx: &Context, a: ReportArgs) -> Result<()> {
    let job = read_job(ctx, &a.job)?;
    let Some(rep) = job.report else {
        return Err(Error::Query(format!(
            "{}: these jobs are not a report's; emit them with `aftermath scale-out emit \
             --report weekly`, or finish them with `aftermath scale-out finish`",
            a.job.display()
        )));
    };
    let c = &a.common;
    if c.as_of.is_some_and(|t| t != job.as_of) {
        return Err(Error::Query(format!(
            "the job was written as of {}; render it as of then (leave out --as-of) or emit it \
             again",
            job.as_of.to_rfc3339()
        )));
    }
    let dir = a
        .reduced
        .clone()
        .unwrap_or_else(|| PathBuf::from(&job.reduced_url));
    let asks = rep.asks.into_iter().map(|a| (a.ask, a.folder)).collect();
    let read: scaleout::ReadAsk =
        Box::new(move |folder: &str, name: &str| read_reduced(&dir.join(folder), name));
    let alerts = Box::new(Output::new(job.as_of, asks, read));
    let session = session_with(
        ctx,
        alerts,
        &c.format,
        c.templates.as_deref(),
        c.png,
        job.as_of,
    )?;
    let cfg = &ctx.config;
    let out = c.out.clone().unwrap_or_else(|| cfg.reports.clone());
    let ReportKind::Weekly = rep.kind;
    let written = session.weekly(cfg, Some(&rep.week), None, &out)?;
    print_written(&written);
    Ok(())
}
