//! A scale-out job's output as an alert source (`metrics::source::AlertSource`): each reduce
//! step a report asks for is found among the job's asks (`asks::Ask`) and read from that ask's
//! folder of reduced tables, through the reader the caller gives (the store layer's
//! `read_reduced`), so nothing here touches a file. A step the job was not written for is an
//! error that says so, never a figure from elsewhere.

use chrono::{DateTime, Utc};
use polars::prelude::*;

use super::asks::{Ask, Step};
use super::finish_steps::FatigueFrames;
use super::names::{ALERT_FACTS, INCIDENT_ALERTS, PAGES};
use super::read::{self, QualityFrames, RulesFrames, bad, ints, texts};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::metrics::fatigue::FatigueReduced;
use crate::metrics::frames::Frames;
use crate::metrics::known::alerts_at;
use crate::metrics::quality::alerts::AlertChecks;
use crate::metrics::rules::reduce::Reduced as RulesReduced;
use crate::metrics::scope::{Dim, Scope};
use crate::metrics::source::{AlertFacts, AlertSource, TeamPages, by_team};
use crate::model::columns::*;

/// Reads table `name` of the ask whose folder is `folder`.
pub type ReadAsk = Box<dyn Fn(&str, &str) -> Result<DataFrame>>;

/// The tables a job wrote for its asks, judged at one as-of.
pub struct Output {
    as_of: DateTime<Utc>,
    /// Each ask and the folder its tables are under.
    asks: Vec<(Ask, String)>,
    read: ReadAsk,
}

impl Output {
    pub fn new(as_of: DateTime<Utc>, asks: Vec<(Ask, String)>, read: ReadAsk) -> Output {
        Output { as_of, asks, read }
    }

    /// The folder of `ask`, asked at `as_of`.
    fn folder(&self, ask: &Ask, as_of: DateTime<Utc>) -> Result<&str> {
        if as_of != self.as_of {
            return Err(Error::Query(format!(
                "the job was written as of {}, and is asked as of {}; emit it again with --as-of",
                self.as_of.to_rfc3339(),
                as_of.to_rfc3339()
            )));
        }
        self.asks
            .iter()
            .find(|(a, _)| a == ask)
            .map(|(_, folder)| folder.as_str())
            .ok_or_else(|| {
                let period = match (ask.from, ask.to) {
                    (Some(f), Some(t)) => format!(" for {} .. {}", f.date_naive(), t.date_naive()),
                    _ => String::new(),
                };
                Error::Query(format!(
                    "the job holds no {} step{period} with these filters and grouping; emit the \
                     job again for the report it is finished for",
                    ask.step.name()
                ))
            })
    }

    /// A reader of the tables of `ask`'s folder.
    fn reader(
        &self,
        ask: Ask,
        as_of: DateTime<Utc>,
    ) -> Result<impl Fn(&str) -> Result<DataFrame> + '_> {
        let folder = self.folder(&ask, as_of)?.to_string();
        Ok(move |name: &str| (self.read)(&folder, name))
    }
}

impl AlertSource for Output {
    fn fatigue(
        &self,
        _f: &Frames,
        _cfg: &Config,
        scope: &Scope,
        dims: &[Dim],
        compare: bool,
    ) -> Result<FatigueReduced> {
        let read = self.reader(Ask::fatigue(scope, dims, compare), scope.as_of)?;
        FatigueFrames::read(&read, Some(dims), true, compare)?.reduced(dims)
    }

    fn rules(&self, _f: &Frames, _cfg: &Config, scope: &Scope) -> Result<RulesReduced> {
        let read = self.reader(Ask::new(Step::Rules, scope), scope.as_of)?;
        read::rules_reduced(&RulesFrames::read(&read)?)
    }

    fn quality(&self, _f: &Frames, scope: &Scope) -> Result<AlertChecks> {
        let read = self.reader(Ask::new(Step::Quality, scope), scope.as_of)?;
        read::quality_checks(&QualityFrames::read(&read)?, &scope.filters.teams)
    }

    fn pages(&self, _f: &Frames, scope: &Scope) -> Result<TeamPages> {
        let read = self.reader(Ask::new(Step::Pages, scope), scope.as_of)?;
        let df = read(PAGES)?;
        let teams = texts(&df, PAGES, "team")?;
        let times = ints(&df, PAGES, "t")?;
        let mut rows: Vec<(String, i64)> = Vec::with_capacity(df.height());
        for (team, t) in teams.into_iter().zip(times) {
            let t = t.ok_or_else(|| bad(PAGES, "has a page without t"))?;
            rows.push((team.unwrap_or_default(), t));
        }
        // Engines write rows in any order.
        rows.sort_unstable();
        Ok(by_team(rows))
    }

    fn facts(&self, _f: &Frames) -> Result<AlertFacts> {
        let read = self.reader(
            Ask::new(Step::Facts, &super::asks::all_time(self.as_of)?),
            self.as_of,
        )?;
        let df = read(ALERT_FACTS)?;
        let teams = texts(&df, ALERT_FACTS, "team")?;
        let first = ints(&df, ALERT_FACTS, "first_us")?;
        let last = ints(&df, ALERT_FACTS, "last_us")?;
        Ok(AlertFacts::from_rows(
            teams.into_iter().zip(first).zip(last),
        ))
    }

    fn incident_alerts(&self, _f: &Frames, incident: &str) -> Result<(LazyFrame, LazyFrame)> {
        // The step of the plan's postmortems holds every one of its incidents' alerts: the one
        // whose list names `incident`.
        let ask = self
            .asks
            .iter()
            .find(|(a, _)| {
                a.step == Step::IncidentAlerts && a.incidents.iter().any(|i| i == incident)
            })
            .map(|(a, _)| a.clone())
            .ok_or_else(|| {
                Error::Query(format!(
                    "the job holds no incident_alerts step for {incident}; emit the jobs again"
                ))
            })?;
        let read = self.reader(ask, self.as_of)?;
        let df = read(INCIDENT_ALERTS)?;
        let instant = |name: &str, store: &str| -> Result<Column> {
            let us: Vec<Option<i64>> = ints(&df, INCIDENT_ALERTS, name)?;
            Column::new(store.into(), us)
                .cast(&DataType::Datetime(
                    TimeUnit::Microseconds,
                    Some(TimeZone::UTC),
                ))
                .map_err(|e| bad(INCIDENT_ALERTS, e))
        };
        let text = |name: &str| -> Result<Column> {
            Ok(Column::new(name.into(), texts(&df, INCIDENT_ALERTS, name)?))
        };
        let mut columns = vec![];
        for name in [
            ALERT_ID,
            INCIDENT_ID,
            FINGERPRINT,
            TEAM,
            SERVICE,
            SEVERITY,
            RULE,
            ACKNOWLEDGED_BY,
            RESOLVED_BY,
        ] {
            columns.push(text(name)?);
        }
        columns.push(instant("fired_us", FIRED_AT)?);
        columns.push(instant("acknowledged_us", ACKNOWLEDGED_AT)?);
        columns.push(instant("resolved_us", RESOLVED_AT)?);
        let typed = |name: &str, ty: DataType| -> Result<Column> {
            let c = df
                .column(name)
                .map_err(|_| bad(INCIDENT_ALERTS, format_args!("has no column {name}")))?;
            c.cast(&ty).map_err(|e| bad(INCIDENT_ALERTS, e))
        };
        columns.push(typed(PAGED, DataType::Boolean)?);
        columns.push(typed(NOTIFICATIONS, DataType::UInt32)?);
        let rows = DataFrame::new(df.height(), columns)
            .map_err(|e| bad(INCIDENT_ALERTS, e))?
            .lazy();
        let t = self.as_of.timestamp_micros();
        Ok((alerts_at(rows.clone(), t), rows))
    }
}
