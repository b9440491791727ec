//! Scale-out: the reduce step of the alert-scale families written as a SQL job for another engine
//! (Spark SQL or DuckDB, `dialect`), and the finish step over the tables that job writes
//! (docs/scale-out.md). The job carries the config it was written for: the thresholds and period
//! baked into its text, the teams' hours, holidays and every zone's UTC offsets as inline tables
//! (`dims`), so the engine only joins on intervals and does integer arithmetic, and its local
//! times agree with chrono-tz to the microsecond on both sides of every DST change.
//!
//! It covers the `fatigue` table (`fatigue_sql`), grouped by any of team, week, month, service,
//! severity and person, and the noisy-rule ranking (`rules_sql`: `rules_by_team`,
//! `rules_overall`); each family's finish step (`fatigue::finish`, `rules::finish`) is the same
//! code the local engine runs after its own reduce step (`fatigue::reduce`, `rules::reduce`).
//! Each family's job is a whole job of its own, so either runs alone. Nothing here reads or
//! writes a file: the CLI writes the jobs and the store layer reads the reduced tables back.

mod dialect;
mod dims;
mod fatigue_sql;
mod quality_sql;
mod read;
mod rules_sql;

pub use dialect::Engine;
pub use read::{QualityFrames, ReducedFrames, RulesFrames};

use super::fatigue::{self, finish, shifts::Shifts};
use super::{Dim, Frames, MetricTable, Scope};
use super::{quality, rules};
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
            teams: scope.filters.teams.clone(),
            services: scope.filters.services.clone(),
            severities: scope.filters.severities.clone(),
        })
    }
}

/// The statements every job starts with: the store's tables as views, the zone table and the
/// teams' settings.
fn prelude(cfg: &Config, p: &Params, target: &JobTarget) -> Vec<String> {
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
    st.push(dims::tz_view(
        e,
        p.window_from_us - DAY_US,
        p.to_us + DAY_US,
    ));
    st.extend(dims::team_views(e, cfg));
    st
}

/// A job's text: its header comment, then its statements.
fn job_text(
    what: &str,
    by: &str,
    writes: &str,
    scope: &Scope,
    p: &Params,
    target: &JobTarget,
    st: &[String],
) -> String {
    let store = target.store_url.trim_end_matches('/');
    let header = format!(
        "-- aftermath scale-out: the reduce step of {what} for {engine}\n\
         -- period {period}, as of {as_of}{by}\n\
         -- reads {store}/alerts and {store}/oncall_shifts, writes {writes}\n\
         -- under {out}\n\
         -- then: aftermath scale-out finish (docs/scale-out.md)\n",
        engine = target.engine.name(),
        period = scope.period.label(),
        as_of = scope.as_of.format("%Y-%m-%dT%H:%M:%SZ"),
        store = store.replace('\n', " "),
        out = p.out_url,
    );
    format!("{header}\n{};\n", st.join(";\n\n"))
}

/// The SQL job of the `fatigue` table's reduce step for `target`.
pub fn fatigue_job(
    cfg: &Config,
    scope: &Scope,
    by: Option<&[Dim]>,
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
    let p = Params::new(cfg, scope, dims, target)?;
    let mut st = prelude(cfg, &p, target);
    st.extend(fatigue_sql::statements(target.engine, &p));
    let by = p
        .dims
        .iter()
        .map(|d| d.name())
        .collect::<Vec<_>>()
        .join(",");
    Ok(job_text(
        "alert fatigue",
        &format!(", grouped by {by}"),
        "fatigue_groups, fatigue_pages,\n-- fatigue_firings and fatigue_totals",
        scope,
        &p,
        target,
        &st,
    ))
}

/// The SQL job of the noisy-rule ranking's reduce step (`rules_by_team`, `rules_overall`) for
/// `target`.
pub fn rules_job(cfg: &Config, scope: &Scope, target: &JobTarget) -> Result<String> {
    let p = Params::new(cfg, scope, vec![], target)?;
    let mut st = prelude(cfg, &p, target);
    st.extend(rules_sql::statements(target.engine, &p));
    Ok(job_text(
        "the noisy-rule ranking",
        "",
        "rules_groups and rules_ttr",
        scope,
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
        scope,
        &p,
        target,
        &st,
    ))
}

/// The `fatigue` table from the tables a job wrote: the finish step the local engine runs.
pub fn finish_fatigue(
    reduced: &ReducedFrames,
    cfg: &Config,
    scope: &Scope,
    by: Option<&[Dim]>,
) -> Result<Vec<MetricTable>> {
    let dims = fatigue::dims_of(by)?;
    let red = read::reduced(reduced, &dims)?;
    let groups = finish::finish(red, cfg, &dims)?;
    Ok(vec![fatigue::fatigue_table(
        cfg,
        &dims,
        &Shifts::default(),
        &groups,
        scope,
    )?])
}

/// `quality` and `freshness` from the tables a quality job wrote and the incidents and rejected
/// rows of `local` (the store's small tables, whose alerts are not read): the finish step the
/// local engine runs.
pub fn finish_quality(
    reduced: &QualityFrames,
    local: &Frames,
    cfg: &Config,
    scope: &Scope,
) -> Result<Vec<MetricTable>> {
    quality::finish(local, cfg, scope, &read::quality_checks(reduced)?)
}

/// `rules_by_team` and `rules_overall` from the tables a rules job wrote: the finish step the
/// local engine runs.
pub fn finish_rules(reduced: &RulesFrames, cfg: &Config) -> Result<Vec<MetricTable>> {
    rules::finish::finish(read::rules_reduced(reduced)?, cfg)
}
