//! `aftermath scale-out emit|finish`: the reduce step of the alert-scale metrics on another engine
//! (docs/scale-out.md). `emit` writes the SQL jobs for Spark or DuckDB, one per family (`fatigue`,
//! `rules`, `quality`), with this config and period baked in, and a `job.json` recording what they
//! were written for; the user runs the jobs with the engine's own command; `finish` reads the
//! tables the jobs wrote and the local store's small tables, computes the figures (the same finish
//! steps `aftermath metrics` runs) and writes them as `metrics` does.
//!
//! This file turns flags into a `Scope` and a `JobTarget`, writes the job's files and hands the
//! store layer's reader of the reduced tables to `metrics::scaleout`, where the SQL, the tables'
//! names and the finish live.

mod job;
mod report;

use std::io::Write;
use std::path::{Path, PathBuf};

use super::Context;
use super::args::{Compare, ScopeArgs};
use super::metrics::{frames, render_tables};
use super::stdout::Stdout;
use crate::error::{Error, IoContext, Result};
use crate::metrics::scaleout::{
    self, Engine, FatigueFrames, JobTarget, QualityFrames, RulesFrames,
};
use crate::metrics::source::{AlertSource, Local};
use crate::metrics::{self as m, Dim, Filters, Scope};
use crate::model::Table;
use crate::output::{Format, write_frame};
use crate::store::read_reduced;
use job::{JobFile, no_period, read_job, run_words, write_job, write_jobs};

#[derive(Debug, clap::Subcommand)]
pub enum ScaleOutCommand {
    /// Write the SQL jobs of the fatigue, rules and quality reduce steps for Spark or DuckDB, and job.json
    Emit(Box<EmitArgs>),
    /// Finish the fatigue, rules and quality metrics from the tables the jobs wrote, and print or write them
    Finish(FinishArgs),
    /// Render the report a job was emitted for (`emit --report`) from the tables its jobs wrote and the local store
    Report(report::ReportArgs),
}

#[derive(Debug, clap::Args)]
pub struct EmitArgs {
    /// The engine that runs the job
    #[arg(long)]
    pub engine: Engine,
    /// Folder to write the job into (fatigue.sql, rules.sql, quality.sql and job.json)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The store's snapshot as the engine reads it (s3a://, abfss://, gs://, hdfs:// or a path) [default: the local store's current snapshot]
    #[arg(long, value_name = "URL")]
    pub store_url: Option<String>,
    /// Where the engine writes the reduced tables [default: <out>/reduced]
    #[arg(long, value_name = "URL")]
    pub reduced_url: Option<String>,
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Group fatigue by these dimensions: team, week, month, service, severity, person [default: team,week]
    #[arg(long, value_name = "DIMS")]
    pub by: Option<String>,
    /// Also reduce what fatigue_compare needs: pages by team against the baseline before the period, as `metrics --compare`
    #[arg(long, value_name = "WHAT")]
    pub compare: Option<Compare>,
    /// Instead of the metric families: every job these reports need (one per step), for `scale-out report`; the week and quarter are chosen as `run` chooses them, or with --week and --quarter
    #[arg(long, value_name = "REPORTS", conflicts_with_all = ["by", "compare", "from", "to", "last", "team", "service", "severity"])]
    pub report: Option<report::ReportKind>,
    /// The improvement report's quarter with --report, e.g. 2026-Q3 [default: the last complete quarter with data]
    #[arg(long, value_name = "QUARTER", requires = "report")]
    pub quarter: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct FinishArgs {
    /// The folder `emit` wrote (with job.json)
    #[arg(long, value_name = "DIR")]
    pub job: PathBuf,
    /// The folder the engine wrote the reduced tables into [default: the job's reduced URL]
    #[arg(long, value_name = "DIR")]
    pub reduced: Option<PathBuf>,
    /// Output format; csv, json, ndjson and parquet write the tidy long table
    #[arg(long, default_value = "table")]
    pub format: Format,
    /// Write to this file instead of standard output (required for parquet)
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

const FATIGUE: &str = "fatigue";
const RULES: &str = "rules";
const QUALITY: &str = "quality";

pub fn run(ctx: &Context, cmd: ScaleOutCommand) -> Result<()> {
    match cmd {
        ScaleOutCommand::Emit(a) => emit(ctx, *a),
        ScaleOutCommand::Finish(a) => finish(ctx, a),
        ScaleOutCommand::Report(a) => report::report(ctx, a),
    }
}

fn absolute(p: &Path) -> Result<PathBuf> {
    std::path::absolute(p).at(p)
}

/// Where a job reads and writes: the store's URL, the reduced tables' URL (a local folder is
/// made), and whether the store has on-call shifts.
fn locations(ctx: &Context, a: &EmitArgs) -> Result<(String, String, bool)> {
    // The local store, when there is one, names the snapshot and says whether it has shifts.
    let snapshot = ctx
        .store
        .exists()
        .then(|| ctx.store.snapshot())
        .transpose()?;
    let has_shifts = match &snapshot {
        Some(s) => !s.months(Table::OncallShifts)?.is_empty(),
        None => true,
    };
    let store_url = match (&a.store_url, &snapshot) {
        (Some(u), _) => u.clone(),
        (None, Some(s)) => {
            let alerts = absolute(&s.table_dir(Table::Alerts))?;
            alerts
                .parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        }
        (None, None) => {
            return Err(Error::store(
                ctx.store.root(),
                "no store here to read; give --store-url with the store snapshot the engine reads",
            ));
        }
    };
    std::fs::create_dir_all(&a.out).at(&a.out)?;
    let reduced_url = match &a.reduced_url {
        Some(u) => u.clone(),
        None => absolute(&a.out.join("reduced"))?.display().to_string(),
    };
    // DuckDB's COPY writes into an existing folder only: make a local one (an object store's
    // prefixes need none).
    if !reduced_url.contains("://") {
        let dir = Path::new(&reduced_url);
        std::fs::create_dir_all(dir).at(dir)?;
    }
    Ok((store_url, reduced_url, has_shifts))
}

fn emit(ctx: &Context, a: EmitArgs) -> Result<()> {
    if let Some(kind) = a.report {
        return report::emit(ctx, &a, kind);
    }
    let engine = a.engine;
    let scope = a.scope.scope()?;
    let by = a.by.as_deref().map(Dim::parse_list).transpose()?;
    let (store_url, reduced_url, has_shifts) = locations(ctx, &a)?;
    let target = JobTarget {
        engine,
        store_url: &store_url,
        out_url: &reduced_url,
        has_shifts,
    };
    let jobs = [
        (
            FATIGUE,
            scaleout::fatigue_job(
                &ctx.config,
                &scope,
                by.as_deref(),
                a.compare.is_some(),
                &target,
            )?,
        ),
        (RULES, scaleout::rules_job(&ctx.config, &scope, &target)?),
        (
            QUALITY,
            scaleout::quality_job(&ctx.config, &scope, &target)?,
        ),
    ];
    let job = JobFile {
        engine: engine.name().into(),
        from: Some(scope.period.from),
        to: Some(scope.period.to),
        as_of: scope.as_of,
        by: by
            .unwrap_or_default()
            .iter()
            .map(|d| d.name().to_string())
            .collect(),
        teams: scope.filters.teams.clone(),
        services: scope.filters.services.clone(),
        severities: scope.filters.severities.clone(),
        reduced_url,
        thresholds: format!("{:?}", ctx.config.thresholds),
        families: jobs.iter().map(|(f, _)| f.to_string()).collect(),
        shift_tables: true,
        compare: a.compare.is_some(),
        report: None,
    };
    let jobs: Vec<(String, String)> = jobs.into_iter().map(|(f, s)| (f.to_string(), s)).collect();
    let (written, all) = write_jobs(&a.out, &jobs)?;
    let job_path = write_job(&a.out, &job)?;
    eprintln!(
        "wrote {} and {}; run them in one session with `{}`, or each job alone",
        written.join(", "),
        job_path.display(),
        run_words(engine, &all)
    );
    Ok(())
}

fn finish(ctx: &Context, a: FinishArgs) -> Result<()> {
    let job = read_job(ctx, &a.job)?;
    if job.report.is_some() {
        return Err(Error::Query(format!(
            "{}: these are a report's jobs; render it with `aftermath scale-out report --job {}`",
            a.job.display(),
            a.job.display()
        )));
    }
    let format = a.format;
    if format == Format::Parquet && a.out.is_none() {
        return Err(Error::Query(
            "--format parquet is binary: give --out FILE".into(),
        ));
    }
    let dir = a.reduced.unwrap_or_else(|| PathBuf::from(&job.reduced_url));
    let mut scope = Scope::new(
        m::Period {
            from: job.from.ok_or_else(no_period)?,
            to: job.to.ok_or_else(no_period)?,
        },
        job.as_of,
    );
    scope.filters = Filters {
        teams: job.teams.clone(),
        services: job.services.clone(),
        severities: job.severities.clone(),
    };
    let by = if job.by.is_empty() {
        None
    } else {
        Some(Dim::parse_list(&job.by.join(","))?)
    };
    // The small tables stay local: the incidents for quality, and the data's span for the
    // comparison's verdicts (as `metrics --compare` judges them).
    let quality = job.families.iter().any(|f| f == QUALITY);
    let local = if (quality || job.compare) && ctx.store.exists() {
        Some(frames(&ctx.store, scope.as_of)?)
    } else {
        None
    };
    if job.compare
        && let Some(f) = &local
    {
        scope.data = m::coverage::DataSpan::of(f, &Local.facts(f)?)?;
    }
    let read = |name: &str| read_reduced(&dir, name);
    let reduced = FatigueFrames::read(&read, by.as_deref(), job.shift_tables, job.compare)?;
    let mut tables = scaleout::finish_fatigue(&reduced, &ctx.config, &scope, by.as_deref())?;
    if job.families.iter().any(|f| f == RULES) {
        let reduced = RulesFrames::read(&read)?;
        tables.extend(scaleout::finish_rules(&reduced, &ctx.config)?);
    }
    if quality {
        // The incident checks and the rejected rows are the local store's; its alerts are not
        // read.
        if let Some(local) = &local {
            let reduced = QualityFrames::read(&read)?;
            tables.extend(scaleout::finish_quality(
                &reduced,
                local,
                &ctx.config,
                &scope,
            )?);
        } else {
            eprintln!(
                "warning: no store at {}: the quality tables need its incidents and rejected \
                 rows, so they are left out; run finish where the store is, or give --store",
                ctx.store.root().display()
            );
        }
    }
    let mut sink: Box<dyn Write + Send> = match &a.out {
        Some(p) => Box::new(std::io::BufWriter::new(std::fs::File::create(p).at(p)?)),
        None => Box::new(std::io::BufWriter::new(Stdout)),
    };
    let target = a.out.clone().unwrap_or_else(|| "<stdout>".into());
    if format == Format::Table {
        let text = render_tables(&tables, &scope)?;
        sink.write_all(text.as_bytes()).at(&target)?;
    } else {
        let mut df = m::tidy(&tables, &scope)?;
        write_frame(&mut df, format, &mut sink)?;
    }
    sink.flush().at(&target)
}
