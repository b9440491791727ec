//! Scale-out: the reduce step of the alert-scale families written as a SQL job for another engine
//! (Spark SQL or DuckDB, `dialect`), and the finish step over the tables that job writes
//! (docs/scale-out.md). The job carries the config it was written for: the thresholds and period
//! baked into its text, the teams' hours, holidays and every zone's UTC offsets as inline tables
//! (`dims`), so the engine only joins on intervals and does integer arithmetic, and its local
//! times agree with chrono-tz to the microsecond on both sides of every DST change.
//!
//! It covers the fatigue family: the `fatigue` table (`fatigue_sql`), grouped by any of team,
//! week, month, service, severity and person, `fatigue_shift` (`fatigue_sql::shift_statements`) and, by the same
//! statements by team over two periods, `fatigue_compare`; the noisy-rule ranking (`rules_sql`:
//! `rules_by_team`, `rules_overall`); and the alert checks of `quality` (`quality_sql`). Each
//! finish step (`fatigue::finish`, `fatigue::shift`, `fatigue::compare`, `rules::finish`,
//! `quality::finish`) is the same code the local engine runs after its own reduce step. Each
//! family's job is a whole job of its own, so any runs alone. For the reports, each reduce step a
//! report asks its alert source for (`asks`: the families' and the pages, facts and a
//! postmortem's alerts of `report_sql`) is a job of its own, and `output` answers the reports
//! from their tables. Nothing here reads or writes a file: the CLI writes the jobs and the store
//! layer reads the reduced tables back.

mod asks;
mod dialect;
mod dims;
mod fatigue_sql;
mod finish_steps;
mod names;
mod output;
mod quality_sql;
mod read;
mod report_sql;
mod rules_sql;

pub use asks::{Ask, Step, all_time, ask_job};
pub use dialect::Engine;
pub use finish_steps::{FatigueFrames, finish_fatigue, finish_quality, finish_rules};
pub use names::ReadTable;
use names::{FATIGUE_PREFIX, PREVIOUS_PREFIX, TEAM_PREFIX};
pub use output::{Output, ReadAsk};
pub use read::{QualityFrames, ReducedFrames, RulesFrames, ShiftFrames};

use super::fatigue;
use super::{Dim, Scope};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::time::{DAY_US, MINUTE_US, SECOND_US};

/// What a job is written for: where the engine reads the store and writes its tables, and the
/// figures baked into it.
pub struct JobTarget<'a> {
    pub engine: Engine,
    /// The store snapshot's root as the engine reads it (holding `alerts/`, `oncall_shifts/`).
    pub store_url: &'a str,
    /// Where the engine writes the reduced tables.
    pub out_url: &'a str,
    /// Whether the store has on-call shifts (an engine cannot read a table folder that is not
    /// there, so a store without them gets an empty view).
    pub has_shifts: bool,
}

/// The parameters the SQL text is written from.
pub(crate) struct Params {
    pub dims: Vec<Dim>,
    pub from_us: i64,
    pub to_us: i64,
    pub as_of_us: i64,
    pub window_from_us: i64,
    pub flap_us: i64,
    pub episode_us: i64,
    pub episode_firings: u32,
    pub transient_us: i64,
    pub out_url: String,
    /// The reduced tables' names start with it: `fatigue` (`fatigue_groups`, ...), or another
    /// for the by-team groupings a comparison needs.
    pub prefix: &'static str,
    teams: Vec<String>,
    services: Vec<String>,
    severities: Vec<String>,
}

impl Params {
    fn any_of(e: Engine, column: &str, values: &[String]) -> String {
        if values.is_empty() {
            return String::new();
        }
        let list: Vec<String> = values.iter().map(|v| e.string(v)).collect();
        format!(" AND {column} IN ({})", list.join(", "))
    }

    /// ` AND ...` for the scope's filters on an alert (`frames::filter_expr`).
    pub(crate) fn filters(&self, e: Engine) -> String {
        [
            Self::any_of(e, "team", &self.teams),
            Self::any_of(e, "service", &self.services),
            Self::any_of(e, "severity", &self.severities),
        ]
        .concat()
    }

    /// ` AND ...` for the team filter alone (shifts have no service or severity).
    pub(crate) fn team_filter(&self, e: Engine) -> String {
        Self::any_of(e, "team", &self.teams)
    }
}

/// The reduced tables' key columns: `k_<dim>` and its SQL over the alert's columns (`t` the
/// firing instant's column): weeks and months as the labels `fatigue::ids` gives them.
pub(crate) fn key_exprs(e: Engine, dims: &[Dim], t: &str) -> Vec<(String, String)> {
    let prefix = t
        .rsplit_once('.')
        .map_or(String::new(), |(p, _)| format!("{p}."));
    dims.iter()
        .map(|d| {
            let sql = match d {
                Dim::Week => {
                    // ids::week_index, and the label of its Thursday's ISO year and week.
                    let week = e.floor_div(&format!("{t} + {}", 3 * DAY_US), 7 * DAY_US);
                    let thu = e.day_date(&format!("{week} * 7"));
                    let n = e.floor_div(&format!("dayofyear({thu}) - 1"), 7);
                    format!(
                        "concat(CAST(year({thu}) AS STRING), '-W', lpad(CAST({n} + 1 AS STRING), \
                         2, '0'))"
                    )
                }
                Dim::Month => {
                    let day = e.day_date(&e.floor_div(t, DAY_US));
                    format!(
                        "concat(CAST(year({day}) AS STRING), '-', lpad(CAST(month({day}) AS \
                         STRING), 2, '0'))"
                    )
                }
                other => format!("{prefix}{}", other.name()),
            };
            (format!("k_{}", d.name()), sql)
        })
        .collect()
}

impl Params {
    /// The parameters of a job over `dims` for `scope`, with the config's thresholds.
    fn new(cfg: &Config, scope: &Scope, dims: Vec<Dim>, target: &JobTarget) -> Result<Params> {
        for url in [target.store_url, target.out_url] {
            if url.contains(';') || url.contains('\n') {
                return Err(Error::Query(format!(
                    "{url:?}: a location with ';' or a line break cannot go into the job's SQL; \
                     use another path"
                )));
            }
        }
        let th = &cfg.thresholds;
        let flap_us = i64::from(th.flap_window_minutes) * MINUTE_US;
        let episode_us = i64::from(th.flap_episode_window_minutes) * MINUTE_US;
        let from_us = scope.period.from_micros();
        Ok(Params {
            dims,
            from_us,
            to_us: scope.period.to_micros(),
            as_of_us: scope.as_of.timestamp_micros(),
            window_from_us: from_us.saturating_sub(flap_us + episode_us),
            flap_us,
            episode_us,
            episode_firings: th.flap_episode_firings.max(1),
            transient_us: i64::from(th.transient_seconds) * SECOND_US,
            out_url: target.out_url.trim_end_matches('/').to_string(),
            prefix: FATIGUE_PREFIX,
            teams: scope.filters.teams.clone(),
            services: scope.filters.services.clone(),
            severities: scope.filters.severities.clone(),
        })
    }
}

/// The statements every job starts with: the store's tables as views, the zone table and the
/// teams' settings.
fn prelude(cfg: &Config, p: &Params, target: &JobTarget, from_us: i64) -> Vec<String> {
    let e = target.engine;
    let store = target.store_url.trim_end_matches('/');
    let mut st = vec![e.source_view("am_alerts_src", &format!("{store}/alerts"))];
    st.push(if target.has_shifts {
        e.source_view("am_shifts_src", &format!("{store}/oncall_shifts"))
    } else {
        "CREATE OR REPLACE TEMPORARY VIEW am_shifts_src AS SELECT CAST(NULL AS STRING) AS team, \
         CAST(NULL AS STRING) AS person, CAST(NULL AS STRING) AS timezone, CAST(NULL AS TIMESTAMP) \
         AS starts_at, CAST(NULL AS TIMESTAMP) AS ends_at FROM (SELECT 1 AS one) AS z WHERE z.one = 0"
            .to_string()
    });
    // Offsets for every instant the job converts (pages lie in the period), with a day spare.
    // `from_us`: the earliest instant converted, before `p`'s own when a job also covers the
    // previous period.
    st.push(dims::tz_view(
        e,
        from_us.min(p.window_from_us) - DAY_US,
        p.to_us + DAY_US,
    ));
    st.extend(dims::team_views(e, cfg));
    st
}

/// "period 2026-W46", for a job's header.
fn period_words(scope: &Scope) -> String {
    format!("period {}", scope.period.label())
}

/// A job's text: its header comment, then its statements.
fn job_text(
    what: &str,
    by: &str,
    writes: &str,
    span: &str,
    p: &Params,
    target: &JobTarget,
    st: &[String],
) -> String {
    let store = target.store_url.trim_end_matches('/').replace('\n', " ");
    // The quality job reads the alerts alone.
    let shifts = if st.iter().any(|s| s.contains("am_shifts_src")) {
        format!(" and {store}/oncall_shifts")
    } else {
        String::new()
    };
    let header = format!(
        "-- aftermath scale-out: the reduce step of {what} for {engine}\n\
         -- {span}, as of {as_of}{by}\n\
         -- reads {store}/alerts{shifts}, writes {writes}\n\
         -- under {out}\n\
         -- then: aftermath scale-out finish, or scale-out report for a report's jobs \
         (docs/scale-out.md)\n",
        engine = target.engine.name(),
        as_of = chrono::DateTime::from_timestamp_micros(p.as_of_us)
            .unwrap_or_default()
            .format("%Y-%m-%dT%H:%M:%SZ"),
        out = p.out_url,
    );
    format!("{header}\n{};\n", st.join(";\n\n"))
}

/// The SQL job of the fatigue family's reduce step for `target`: the `fatigue` table's grouping,
/// the shifts' pages for `fatigue_shift`, and with `compare` the by-team groupings of this period
/// (unless the grouping sums to teams) and of the previous one for `fatigue_compare`.
pub fn fatigue_job(
    cfg: &Config,
    scope: &Scope,
    by: Option<&[Dim]>,
    compare: bool,
    target: &JobTarget,
) -> Result<String> {
    let dims = fatigue::dims_of(by)?;
    if dims.contains(&Dim::Person) && !target.has_shifts {
        return Err(Error::Query(
            "fatigue by person needs on-call shifts, and the store has no oncall_shifts; \
             ingest an oncall_shifts file or group by team"
                .into(),
        ));
    }
    let e = target.engine;
    let p = Params::new(cfg, scope, dims, target)?;
    let previous = Params {
        prefix: PREVIOUS_PREFIX,
        ..Params::new(cfg, &scope.previous(), vec![Dim::Team], target)?
    };
    let earliest = if compare {
        previous.window_from_us
    } else {
        p.window_from_us
    };
    let mut st = prelude(cfg, &p, target, earliest);
    st.extend(fatigue_sql::statements(e, &p));
    st.extend(fatigue_sql::shift_statements(e, &p));
    let mut writes = "fatigue_groups, fatigue_pages,\n-- fatigue_firings, fatigue_totals, fatigue_shifts and fatigue_shift_pages".to_string();
    if compare {
        if !fatigue::compare::reuses(&p.dims) {
            let team = Params {
                prefix: TEAM_PREFIX,
                ..Params::new(cfg, scope, vec![Dim::Team], target)?
            };
            st.extend(fatigue_sql::statements(e, &team));
            writes.push_str(&format!(",\n-- the same four by team as {TEAM_PREFIX}_*"));
        }
        st.extend(fatigue_sql::statements(e, &previous));
        writes.push_str(&format!(
            ",\n-- the same four by team for {} as {PREVIOUS_PREFIX}_*",
            scope.period.previous_words()
        ));
    }
    let by = p
        .dims
        .iter()
        .map(|d| d.name())
        .collect::<Vec<_>>()
        .join(",");
    Ok(job_text(
        "alert fatigue",
        &format!(", grouped by {by}"),
        &writes,
        &period_words(scope),
        &p,
        target,
        &st,
    ))
}

/// The SQL job of the noisy-rule ranking's reduce step (`rules_by_team`, `rules_overall`) for
/// `target`.
pub fn rules_job(cfg: &Config, scope: &Scope, target: &JobTarget) -> Result<String> {
    let p = Params::new(cfg, scope, vec![], target)?;
    let mut st = prelude(cfg, &p, target, p.window_from_us);
    st.extend(rules_sql::statements(target.engine, &p));
    Ok(job_text(
        "the noisy-rule ranking",
        "",
        "rules_groups and rules_ttr",
        &period_words(scope),
        &p,
        target,
        &st,
    ))
}

/// The SQL job of the alert checks of `quality` and the last alert of `freshness` for `target`:
/// it reads the store's alerts only.
pub fn quality_job(cfg: &Config, scope: &Scope, target: &JobTarget) -> Result<String> {
    let p = Params::new(cfg, scope, vec![], target)?;
    let store = target.store_url.trim_end_matches('/');
    let mut st = vec![
        target
            .engine
            .source_view("am_alerts_src", &format!("{store}/alerts")),
    ];
    st.extend(quality_sql::statements(target.engine, &p));
    Ok(job_text(
        "the alert checks of data quality",
        "",
        "quality_alerts and quality_examples",
        &period_words(scope),
        &p,
        target,
        &st,
    ))
}
