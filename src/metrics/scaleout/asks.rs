//! The reduce steps a report asks of its alert source, as jobs: an [`Ask`] names one step (which
//! family or report step, the period, the grouping, the filters), `ask_job` writes its SQL job,
//! and `Output` (`output.rs`) finds the ask again when the report is finished from the engine's
//! tables. A report lists its asks (`report::weekly::alert_asks`); `aftermath scale-out emit
//! --report` writes one job per ask, each writing under a folder of its own, so the jobs' table
//! names never meet.
//!
//! The quality step is asked without a team filter: its tables are by team, and a report asks it
//! for the organisation and for each team (`read::quality_checks`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{JobTarget, Params, job_text, report_sql};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::metrics::scope::{Dim, Filters, Period, Scope};

/// A reduce step of `metrics::source::AlertSource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Fatigue,
    Rules,
    Quality,
    Pages,
    Facts,
    /// The postmortems' alerts: their incidents' and every alert of their fingerprints.
    IncidentAlerts,
}

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::Fatigue => "fatigue",
            Step::Rules => "rules",
            Step::Quality => "quality",
            Step::Pages => "pages",
            Step::Facts => "facts",
            Step::IncidentAlerts => "incident_alerts",
        }
    }
}

/// One reduce step for one period (none for the all-time facts), grouping and filters; as-of is
/// the job's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ask {
    pub step: Step,
    #[serde(default)]
    pub from: Option<DateTime<Utc>>,
    #[serde(default)]
    pub to: Option<DateTime<Utc>>,
    /// The fatigue grouping's dims, by name.
    #[serde(default)]
    pub by: Vec<String>,
    /// Whether the fatigue step also reduces the comparison's groups.
    #[serde(default)]
    pub compare: bool,
    #[serde(default)]
    pub teams: Vec<String>,
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default)]
    pub severities: Vec<String>,
    /// The incidents of the `incident_alerts` step.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incidents: Vec<String>,
}

impl Ask {
    /// `step` over `scope`'s period and filters (the quality step's without its team filter).
    pub fn new(step: Step, scope: &Scope) -> Ask {
        let teams = match step {
            Step::Quality | Step::Facts | Step::IncidentAlerts => vec![],
            _ => scope.filters.teams.clone(),
        };
        let period = !matches!(step, Step::Facts | Step::IncidentAlerts);
        let filters = period;
        Ask {
            step,
            from: period.then_some(scope.period.from),
            to: period.then_some(scope.period.to),
            by: vec![],
            compare: false,
            teams,
            services: if filters {
                scope.filters.services.clone()
            } else {
                vec![]
            },
            severities: if filters {
                scope.filters.severities.clone()
            } else {
                vec![]
            },
            incidents: vec![],
        }
    }

    /// The `incident_alerts` step of `incidents` (one step for all of a plan's postmortems):
    /// all-time, as known at the job's as-of.
    pub fn incidents(ids: &[String], scope: &Scope) -> Ask {
        Ask {
            incidents: ids.to_vec(),
            ..Ask::new(Step::IncidentAlerts, scope)
        }
    }

    /// The fatigue step grouped by `dims`, with the comparison's groups when `compare`.
    pub fn fatigue(scope: &Scope, dims: &[Dim], compare: bool) -> Ask {
        Ask {
            by: dims.iter().map(|d| d.name().to_string()).collect(),
            compare,
            ..Ask::new(Step::Fatigue, scope)
        }
    }

    /// The scope the ask's job is written for, judged at `as_of`.
    fn scope(&self, as_of: DateTime<Utc>) -> Result<Scope> {
        let period = match (self.from, self.to) {
            (Some(from), Some(to)) => Period::new(from, to)?,
            _ => return all_time(as_of),
        };
        let mut scope = Scope::new(period, as_of);
        scope.filters = Filters {
            teams: self.teams.clone(),
            services: self.services.clone(),
            severities: self.severities.clone(),
        };
        Ok(scope)
    }

    /// A short name for the job's files: `03-fatigue`.
    pub fn file_stem(&self, n: usize) -> String {
        format!("{n:02}-{}", self.step.name())
    }
}

/// The scope of the all-time steps (facts, a postmortem's alerts): they read no period, so a day
/// before as-of stands in for one.
pub fn all_time(as_of: DateTime<Utc>) -> Result<Scope> {
    let from = as_of
        .checked_sub_signed(chrono::Duration::days(1))
        .ok_or_else(|| Error::Query(format!("as-of {as_of} is out of range")))?;
    Ok(Scope::new(Period::new(from, as_of)?, as_of))
}

/// The SQL job of `ask` judged at `as_of` for `target` (whose `out_url` is the ask's own folder).
pub fn ask_job(
    cfg: &Config,
    ask: &Ask,
    as_of: DateTime<Utc>,
    target: &JobTarget,
) -> Result<String> {
    let scope = ask.scope(as_of)?;
    match ask.step {
        Step::Fatigue => {
            let by = Dim::parse_list(&ask.by.join(","))?;
            super::fatigue_job(cfg, &scope, Some(&by), ask.compare, target)
        }
        Step::Rules => super::rules_job(cfg, &scope, target),
        Step::Quality => super::quality_job(cfg, &scope, target),
        Step::Pages | Step::Facts | Step::IncidentAlerts => {
            let p = Params::new(cfg, &scope, vec![], target)?;
            let store = target.store_url.trim_end_matches('/');
            let mut st = vec![
                target
                    .engine
                    .source_view("am_alerts_src", &format!("{store}/alerts")),
            ];
            let (what, writes) = match (ask.step, &ask.incidents[..]) {
                (Step::Pages, _) => {
                    st.extend(report_sql::pages_statements(target.engine, &p));
                    ("the pages by team", "pages")
                }
                (Step::IncidentAlerts, ids) if !ids.is_empty() => {
                    st.extend(report_sql::incident_statements(target.engine, &p, ids));
                    ("the postmortems' alerts", "incident_alerts")
                }
                _ => {
                    st.extend(report_sql::facts_statements(target.engine, &p));
                    ("the alerts' first, last and teams", "alert_facts")
                }
            };
            let span = match ask.step {
                Step::Pages => super::period_words(&scope),
                _ => "all time".to_string(),
            };
            Ok(job_text(what, "", writes, &span, &p, target, &st))
        }
    }
}
