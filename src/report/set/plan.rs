//! `run`'s set of reports as a [`Plan`]: the week of the weekly reports, the quarter of the
//! improvement report and the incidents whose postmortem drafts are written, chosen once
//! (`Session::plan`, by the rules `run` has always used) and then rendered (`Session::render`).
//! `aftermath run` does both in one go; `aftermath scale-out emit --report` plans with the local
//! store, asks each report which alert-scale reduce steps it needs (`Session::plan_asks`) and
//! records the plan in its job; `aftermath scale-out report` plans again over the engine's output
//! and the local store, refuses a plan that differs (the store changed in between), and renders.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Rendered, Session, Span, Written, entry, progress};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::metrics::scaleout::{Ask, Step};
use crate::metrics::{Family, MetricTable, Period, Request, Scope};
use crate::report::manifest::POSTMORTEMS;
use crate::report::{coverage, improvement, postmortem, weekly};

/// The reports of a set: each part is left out when `None` (or empty).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The ISO week of the weekly reports (the organisation's and every team's), `2026-W46`.
    #[serde(default)]
    pub week: Option<String>,
    /// The quarter of the improvement report, `2026-Q3`.
    #[serde(default)]
    pub quarter: Option<String>,
    /// The incidents of the week whose postmortem drafts are written, in review order.
    #[serde(default)]
    pub postmortems: Vec<String>,
    /// Incidents of the week that qualified for a draft past `[postmortems] max_per_run`.
    #[serde(default)]
    pub left_out: Vec<String>,
    /// Whether the metric tables of the last 12 weeks are written beside the reports
    /// (`Session::metrics`).
    #[serde(default)]
    pub metrics: bool,
}

/// Which parts of the set to plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    pub weekly: bool,
    pub improvement: bool,
    pub postmortems: bool,
    pub metrics: bool,
}

impl Parts {
    /// `run`'s set: every part.
    pub const ALL: Parts = Parts {
        weekly: true,
        improvement: true,
        postmortems: true,
        metrics: true,
    };
}

/// The span of the metric tables `run` writes beside its reports.
const METRICS_SPAN: &str = "12w";

impl Session {
    /// The plan of `parts`: the weekly reports of `week` (default: the last complete week with
    /// data), the improvement report of `quarter` (default: the last complete quarter with data),
    /// and a postmortem for every SEV1/SEV2 incident of that week up to `[postmortems]
    /// max_per_run`, most severe first; with the notes and warnings choosing them gave.
    pub fn plan(
        &self,
        cfg: &Config,
        parts: Parts,
        week: Option<&str>,
        quarter: Option<&str>,
    ) -> Result<(Plan, Written)> {
        let mut w = Written::default();
        let mut plan = Plan {
            metrics: parts.metrics,
            ..Plan::default()
        };
        if parts.weekly || parts.postmortems {
            let period = self.week(week, &mut w)?;
            plan.week = parts.weekly.then(|| period.label());
            if parts.postmortems {
                let eligible = postmortem::recent_major(&self.inputs(cfg), period)?;
                let max = cfg.postmortems.max_per_run as usize;
                let major = postmortem::first_to_review(eligible.clone(), max);
                plan.postmortems = major.iter().map(|m| m.incident_id.clone()).collect();
                plan.left_out = eligible
                    .into_iter()
                    .map(|e| e.incident_id)
                    .filter(|id| !plan.postmortems.contains(id))
                    .collect();
            }
        }
        if parts.improvement {
            let span = quarter.map_or(Span::Default, |q| Span::Quarter(q.to_string()));
            plan.quarter = Some(self.quarter(span, &mut w)?.1);
        }
        Ok((plan, w))
    }

    /// The alert-scale reduce steps the plan's reports ask the alert source for, each once.
    pub fn plan_asks(&self, plan: &Plan) -> Result<Vec<Ask>> {
        let mut asks = vec![];
        if let Some(week) = &plan.week {
            asks.extend(weekly::alert_asks(
                crate::metrics::scope::parse_week(week)?,
                self.as_of,
            )?);
        }
        if let Some(quarter) = &plan.quarter {
            // The report covers the quarters that hold data (`improvement::improvement`).
            let period = improvement::parse_quarter(quarter)?;
            let (period, _) = coverage::narrow_to_data(self.span, period, &self.data_range)?;
            asks.extend(improvement::alert_asks(period, self.as_of));
        }
        if plan.metrics {
            // Every family, each with its default grouping (fatigue by team and week).
            let scope = self.metrics_scope()?;
            asks.extend([
                Ask::fatigue(&scope, &crate::metrics::fatigue::dims_of(None)?, false),
                Ask::new(Step::Rules, &scope),
                Ask::new(Step::Quality, &scope),
                Ask::new(Step::Pages, &scope),
            ]);
        }
        let all_time = crate::metrics::scaleout::all_time(self.as_of)?;
        asks.push(Ask::new(Step::Facts, &all_time));
        if !plan.postmortems.is_empty() {
            asks.push(Ask::incidents(&plan.postmortems, &all_time));
        }
        let mut once: Vec<Ask> = vec![];
        for a in asks {
            if !once.contains(&a) {
                once.push(a);
            }
        }
        Ok(once)
    }

    /// The scope of the metric tables written beside the reports: the last 12 complete weeks.
    fn metrics_scope(&self) -> Result<Scope> {
        let period = crate::metrics::scope::parse_last(METRICS_SPAN, self.as_of)?;
        Ok(Scope::new(period, self.as_of))
    }

    /// The metric tables `run` writes beside its reports: every family over the last 12 complete
    /// weeks, each with its default grouping, the alert-scale ones from the session's alert
    /// source.
    pub fn metrics(&self, cfg: &Config) -> Result<(Vec<MetricTable>, Scope)> {
        let scope = self.metrics_scope()?;
        let request = Request {
            families: Family::ALL.to_vec(),
            ..Request::default()
        };
        let tables =
            crate::metrics::run_on(self.alerts.as_ref(), &self.frames, cfg, &scope, &request)?;
        Ok((tables, scope))
    }

    /// Write the plan's reports and the index, as `run` does; `w` holds what planning noted.
    pub fn render(
        &self,
        cfg: &Config,
        plan: &Plan,
        out: &Path,
        mut w: Written,
    ) -> Result<Rendered> {
        let inp = self.inputs(cfg);
        let index_week = match &plan.week {
            Some(week) => crate::metrics::scope::parse_week(week)?,
            None => coverage::report_week(self.span, self.as_of)?.0,
        };
        let mut entries = vec![];
        if plan.week.is_some() {
            // The weekly reports link the drafts about to be written, and those already there.
            let mut drafts = self.drafts_in(cfg, index_week, out)?;
            drafts.extend(plan.postmortems.iter().cloned());
            entries.extend(self.write_weekly(cfg, index_week, &[], drafts, out, &mut w)?);
        }
        let mut quarter = String::new();
        if let Some(label) = &plan.quarter {
            let period = improvement::parse_quarter(label)?;
            entries.extend(self.write_improvement(cfg, period, label, out, &mut w)?);
            quarter = label.clone();
        }
        let major = self.majors(&inp, index_week, &plan.postmortems)?;
        let mut ids = major.iter().map(|m| m.incident_id.clone());
        let bar = progress(major.len());
        postmortem::postmortems(&inp, &major, &mut |d| {
            bar.inc(1);
            let pdir = format!("postmortem/{}", d.stem);
            w.paths.extend(d.write(&out.join(&pdir))?);
            let href = format!("{pdir}/{}.html", d.stem);
            entries.extend(entry(
                POSTMORTEMS,
                ids.next().unwrap_or_default(),
                href,
                &self.formats,
            ));
            Ok(())
        })?;
        bar.finish_and_clear();
        let written = self.publish(cfg, index_week, out, &entries, w)?;
        Ok(Rendered {
            week: plan.week.clone().unwrap_or_default(),
            quarter,
            postmortems: major.len(),
            left_out: plan.left_out.clone(),
            written,
        })
    }

    /// The incidents `ids` among the week's majors, in the plan's order; an error for one that
    /// is not a major of the week (the store changed since the plan was made).
    fn majors(
        &self,
        inp: &crate::report::Inputs,
        week: Period,
        ids: &[String],
    ) -> Result<Vec<postmortem::Major>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let eligible = postmortem::recent_major(inp, week)?;
        ids.iter()
            .map(|id| {
                eligible
                    .iter()
                    .find(|m| &m.incident_id == id)
                    .cloned()
                    .ok_or_else(|| {
                        Error::Query(format!(
                            "{id} is not a SEV1 or SEV2 incident of {} in this store; plan the \
                             reports again",
                            week.label()
                        ))
                    })
            })
            .collect()
    }
}
