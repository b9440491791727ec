//! A scale-out job folder's files: `job.json` (what the jobs were written for, so `finish` and
//! `report` compute the figures for the same periods, grouping, filters and thresholds), each
//! job's SQL file, and `all.sql`, every job in order for one session of the engine.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::super::Context;
use super::FATIGUE;
use super::report::ReportJob;
use crate::error::{Error, IoContext, Result};
use crate::metrics::scaleout::Engine;

/// What a job was written for, so `finish` computes the figures for the same period, grouping,
/// filters and thresholds.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct JobFile {
    pub(super) engine: String,
    /// The period of the metric families' jobs; none for a report's (its plan has them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) from: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) to: Option<DateTime<Utc>>,
    pub(super) as_of: DateTime<Utc>,
    pub(super) by: Vec<String>,
    pub(super) teams: Vec<String>,
    pub(super) services: Vec<String>,
    pub(super) severities: Vec<String>,
    pub(super) reduced_url: String,
    /// The thresholds in force, as text: `finish` refuses another config's.
    pub(super) thresholds: String,
    /// The families whose jobs were written (`<family>.sql`); a job folder from before the rules
    /// job has only fatigue.
    #[serde(default = "fatigue_only")]
    pub(super) families: Vec<String>,
    /// Whether the fatigue job writes the shift tables (`fatigue_shifts`, `fatigue_shift_pages`);
    /// false in a job folder from before them.
    #[serde(default)]
    pub(super) shift_tables: bool,
    /// Whether the fatigue job writes the by-team tables of `fatigue_compare`.
    #[serde(default)]
    pub(super) compare: bool,
    /// For a report's jobs (`emit --report`): the report and the steps it asks for.
    #[serde(default)]
    pub(super) report: Option<ReportJob>,
}

impl JobFile {
    /// The fields a report's job leaves empty (its periods are in its plan).
    pub(super) fn for_report() -> JobFile {
        JobFile {
            engine: String::new(),
            from: None,
            to: None,
            as_of: DateTime::UNIX_EPOCH,
            by: vec![],
            teams: vec![],
            services: vec![],
            severities: vec![],
            reduced_url: String::new(),
            thresholds: String::new(),
            families: vec![],
            shift_tables: true,
            compare: false,
            report: None,
        }
    }
}

pub(super) fn no_period() -> Error {
    Error::Query("job.json has no period; run `aftermath scale-out emit` again".into())
}

fn fatigue_only() -> Vec<String> {
    vec![FATIGUE.into()]
}

const JOB_FILE: &str = "job.json";
/// Every job of a folder in one file, for one session.
const ALL_JOBS: &str = "all.sql";
/// Write each job as `<stem>.sql` into `out`, and all of them in order as `all.sql`, for one
/// session of the engine (each job replaces the views it uses and writes tables of its own, so
/// they run one after the other). Returns the jobs' paths and `all.sql`'s.
pub(super) fn write_jobs(out: &Path, jobs: &[(String, String)]) -> Result<(Vec<String>, PathBuf)> {
    let mut written = vec![];
    for (stem, sql) in jobs {
        let path = out.join(format!("{stem}.sql"));
        std::fs::write(&path, sql).at(&path)?;
        written.push(path.display().to_string());
    }
    let all = out.join(ALL_JOBS);
    let text: Vec<&str> = jobs.iter().map(|(_, sql)| sql.as_str()).collect();
    std::fs::write(&all, text.join("\n")).at(&all)?;
    Ok((written, all))
}

/// The engine's command that runs `all`.
pub(super) fn run_words(engine: Engine, all: &Path) -> String {
    match engine {
        Engine::Spark => format!("spark-sql -f {}", all.display()),
        Engine::DuckDb => format!("duckdb < {}", all.display()),
    }
}

/// The job file of the folder `job`, checked against the config's thresholds.
pub(super) fn read_job(ctx: &Context, job: &Path) -> Result<JobFile> {
    let job_path = job.join(JOB_FILE);
    let text = std::fs::read_to_string(&job_path).at(&job_path)?;
    let job: JobFile = serde_json::from_str(&text).map_err(|e| {
        Error::Query(format!(
            "{}: not a scale-out job file ({e}); run `aftermath scale-out emit` again",
            job_path.display()
        ))
    })?;
    if job.thresholds != format!("{:?}", ctx.config.thresholds) {
        return Err(Error::Query(format!(
            "{}: the job was written with other thresholds than this config's; finish with the \
             --config the job was emitted with",
            job_path.display()
        )));
    }
    Ok(job)
}

/// Write the job file into `out`.
pub(super) fn write_job(out: &Path, job: &JobFile) -> Result<PathBuf> {
    let job_path = out.join(JOB_FILE);
    let text =
        serde_json::to_string_pretty(job).map_err(|e| Error::Internal(format!("job.json: {e}")))?;
    std::fs::write(&job_path, text + "\n").at(&job_path)?;
    Ok(job_path)
}
