//! `aftermath scale-out emit --report weekly|improvement|all` and `aftermath scale-out report`:
//! reports whose alert figures come from Spark or DuckDB. `emit` plans the reports with the local
//! store as `run` does (`report::Session::plan`), asks them which reduce steps they need
//! (`Session::plan_asks`) and writes one job per step, each writing its tables under a folder of
//! its own (`<reduced-url>/<nn>-<step>`); `report` reads them back as the report session's alert
//! source (`metrics::scaleout::Output`), plans again, and renders the reports with the local
//! store's incidents, events, action items and shifts, as `aftermath run` does.

use std::path::PathBuf;

use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::super::Context;
use super::super::report::{Common, print_written, session_with};
use super::super::stdout::outln;
use super::job::{JobFile, read_job, run_words, write_job, write_jobs};
use super::{EmitArgs, locations};
use crate::error::{Error, IoContext, Result};
use crate::metrics::scaleout::{self, Ask, JobTarget, Output};
use crate::metrics::source::Local;
use crate::report::{OutputFormat, Parts, Plan};
use crate::store::read_reduced;

/// The reports a job can be emitted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// The weekly reliability reports: the organisation's and every team's
    Weekly,
    /// The continuous-improvement report of a quarter
    Improvement,
    /// `aftermath run`'s set: the weekly reports, the improvement report and the week's postmortem drafts
    All,
}

impl ReportKind {
    fn parts(self) -> Parts {
        match self {
            ReportKind::Weekly => Parts {
                weekly: true,
                improvement: false,
                postmortems: false,
                metrics: false,
            },
            ReportKind::Improvement => Parts {
                weekly: false,
                improvement: true,
                postmortems: false,
                metrics: false,
            },
            ReportKind::All => Parts::ALL,
        }
    }
}

/// A report's jobs, as `job.json` records them.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReportJob {
    kind: ReportKind,
    /// The reports, their periods and incidents, as planned when the jobs were written.
    plan: Plan,
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
    let as_of = a.scope.as_of.unwrap_or_else(Utc::now);
    let parts = kind.parts();
    let week_used = parts.weekly || parts.postmortems;
    if a.scope.week.is_some() && !week_used {
        return Err(Error::Query(
            "--report improvement: --week does not apply".into(),
        ));
    }
    if a.quarter.is_some() && !parts.improvement {
        return Err(Error::Query(
            "--report weekly: --quarter does not apply".into(),
        ));
    }
    // Planned with the local store, as `run` plans: the engine's output is not there yet.
    let local = session_with(
        ctx,
        Box::new(Local),
        &[OutputFormat::Markdown],
        None,
        false,
        as_of,
    )?;
    // The default periods are the last complete ones with data; a store without alerts knows
    // only the incidents' span, which may end before the alerts' (which the engine holds).
    let need_week = week_used && a.scope.week.is_none();
    let need_quarter = parts.improvement && a.quarter.is_none();
    if local.alert_facts.last_fired.is_none() && (need_week || need_quarter) {
        let flags = match (need_week, need_quarter) {
            (true, true) => "--week and --quarter",
            (true, false) => "--week",
            _ => "--quarter",
        };
        return Err(Error::Query(format!(
            "the local store holds no alerts, so the last complete week and quarter with data \
             cannot be chosen here; give {flags}"
        )));
    }
    let (plan, w) = local.plan(
        &ctx.config,
        parts,
        a.scope.week.as_deref(),
        a.quarter.as_deref(),
    )?;
    // What planning noted and warned of (a default period moved, comparisons not judged), as
    // `report` prints it.
    w.notes.iter().for_each(|n| eprintln!("note: {n}"));
    w.warnings.iter().for_each(|n| eprintln!("warning: {n}"));
    let (store_url, reduced_url, has_shifts) = locations(ctx, a)?;
    let mut asks = vec![];
    let mut jobs = vec![];
    for (n, ask) in local.plan_asks(&plan)?.into_iter().enumerate() {
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
        jobs.push((
            stem.clone(),
            scaleout::ask_job(&ctx.config, &ask, as_of, &target)?,
        ));
        asks.push(AskFolder { ask, folder: stem });
    }
    let (written, all) = write_jobs(&a.out, &jobs)?;
    let what = plan_words(&plan);
    let job = JobFile {
        engine: a.engine.name().into(),
        as_of,
        reduced_url,
        thresholds: format!("{:?}", ctx.config.thresholds),
        report: Some(ReportJob { kind, plan, asks }),
        ..JobFile::for_report()
    };
    let job_path = write_job(&a.out, &job)?;
    eprintln!(
        "wrote the {} jobs of {what} ({}), and {}; run them in one session with `{}` (or \
         each job alone), then `aftermath scale-out report --job {}`",
        written.len(),
        written.join(", "),
        job_path.display(),
        run_words(a.engine, &all),
        a.out.display()
    );
    Ok(())
}

/// "the weekly reports of 2026-W46, the improvement report of 2026-Q3 and 2 postmortems".
fn plan_words(plan: &Plan) -> String {
    let mut parts = vec![];
    if let Some(w) = &plan.week {
        parts.push(format!("the weekly reports of {w}"));
    }
    if let Some(q) = &plan.quarter {
        parts.push(format!("the improvement report of {q}"));
    }
    if !plan.postmortems.is_empty() {
        parts.push(format!("{} postmortem drafts", plan.postmortems.len()));
    }
    parts.join(", ")
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
    // Each step's folder is a name under the reduced folder, never a path out of it.
    let plain = |f: &str| !f.is_empty() && !f.starts_with('.') && !f.contains(['/', '\\']);
    if let Some(bad) = rep.asks.iter().find(|a| !plain(&a.folder)) {
        return Err(Error::Query(format!(
            "{}: the step folder {:?} is not a plain folder name; emit the jobs again",
            a.job.display(),
            bad.folder
        )));
    }
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
    // Planned again over the engine's output: the same reports, or the store changed.
    let (plan, w) = session.plan(
        cfg,
        rep.kind.parts(),
        rep.plan.week.as_deref(),
        rep.plan.quarter.as_deref(),
    )?;
    if plan != rep.plan {
        return Err(Error::Query(format!(
            "{}: the store no longer gives the reports the jobs were written for ({} then, {} \
             now); emit the jobs again",
            a.job.display(),
            plan_words(&rep.plan),
            plan_words(&plan)
        )));
    }
    let out = c.out.clone().unwrap_or_else(|| cfg.reports.clone());
    if plan.metrics {
        let path = super::super::run::write_metrics(&session, cfg, &out)?;
        outln!(
            "wrote {} (the tidy long table of the last 12 weeks)",
            path.display()
        );
    }
    let rendered = session.render(cfg, &plan, &out, w)?;
    print_written(&rendered.written);
    Ok(())
}
