//! The week's major incidents of a team, as a typed fact the weekly reports lay out: the incidents
//! of the given severities (the ones `[postmortems]` drafts for) detected in the period and
//! counted by the metrics (not excluded as maintenance, merged or test), earliest first, each with
//! its status, its time to resolve as this family measures it (`per_incident`: from the impact
//! start when known; open ones censored at as-of) and the links its export gave. Computed here
//! once, so the report only words and links it.

use polars::prelude::*;

use super::{CENSORED, METRIC, Metric, NOT_MEASURED, SECONDS, per_incident};
use crate::config::Config;
use crate::error::Result;
use crate::metrics::frames::{EXCLUDED, Frames, exclusion_reason, in_period, texts};
use crate::metrics::scope::Scope;
use crate::metrics::table::pe;
use crate::model::columns::*;

/// One major incident of the week.
#[derive(Debug, Clone, PartialEq)]
pub struct MajorIncident {
    pub id: String,
    pub source: String,
    pub source_id: String,
    pub number: Option<String>,
    pub title: String,
    pub severity: String,
    /// As stored (`open`, `acknowledged`, `mitigated`, `resolved`), as known at as-of.
    pub status: String,
    /// Detected, UTC microseconds.
    pub detected_us: i64,
    /// Time to resolve in seconds, so far when `open`; `None` when not measured.
    pub ttr_seconds: Option<f64>,
    /// Still open at as-of (the TTR is censored there).
    pub open: bool,
    /// Why the TTR was not measured (an end before its start, ...).
    pub not_measured: Option<String>,
    /// The postmortem document the data links, as stored.
    pub postmortem_url: Option<String>,
    /// The incident's page in its tool, as its export gave it.
    pub url: Option<String>,
}

/// `team`'s incidents of `severities` detected in `scope`'s period and not excluded, by detection
/// then id.
pub fn major_incidents(
    frames: &Frames,
    cfg: &Config,
    scope: &Scope,
    team: &str,
    severities: &[String],
) -> Result<Vec<MajorIncident>> {
    let major = severities
        .iter()
        .map(|s| col(SEVERITY).eq(lit(s.as_str())))
        .reduce(|a, b| a.or(b))
        .unwrap_or(lit(false));
    let ttr = per_incident(frames, cfg, scope)
        .filter(col(METRIC).eq(lit(Metric::Ttr.code())))
        .select([
            col(INCIDENT_ID),
            col(SECONDS),
            col(CENSORED),
            col(NOT_MEASURED),
        ]);
    let df = frames
        .incidents
        .clone()
        .with_column(exclusion_reason(cfg))
        .filter(
            col(TEAM)
                .eq(lit(team))
                .and(major)
                .and(in_period(DETECTED_AT, scope))
                .and(col(EXCLUDED).is_null()),
        )
        .select([
            col(INCIDENT_ID),
            col(SOURCE),
            col(SOURCE_ID),
            col(NUMBER),
            col(TITLE),
            col(SEVERITY),
            col(STATUS),
            col(DETECTED_AT).cast(DataType::Int64),
            col(POSTMORTEM_URL),
            col(URL),
        ])
        .join(
            ttr,
            [col(INCIDENT_ID)],
            [col(INCIDENT_ID)],
            JoinArgs::new(JoinType::Left),
        )
        .sort([DETECTED_AT, INCIDENT_ID], SortMultipleOptions::default())
        .collect()
        .map_err(pe)?;
    let text = |c: &str| texts(&df, c);
    let (ids, sources, source_ids, numbers) = (
        text(INCIDENT_ID)?,
        text(SOURCE)?,
        text(SOURCE_ID)?,
        text(NUMBER)?,
    );
    let (titles, sevs, statuses) = (text(TITLE)?, text(SEVERITY)?, text(STATUS)?);
    let (postmortems, urls, why_not) = (text(POSTMORTEM_URL)?, text(URL)?, text(NOT_MEASURED)?);
    let detected = df.column(DETECTED_AT).map_err(pe)?.i64().map_err(pe)?;
    let secs = df.column(SECONDS).map_err(pe)?.f64().map_err(pe)?;
    let open = df.column(CENSORED).map_err(pe)?.bool().map_err(pe)?;
    let s = |v: &[Option<String>], i: usize| v[i].clone().unwrap_or_default();
    Ok((0..df.height())
        .map(|i| MajorIncident {
            id: s(&ids, i),
            source: s(&sources, i),
            source_id: s(&source_ids, i),
            number: numbers[i].clone(),
            title: s(&titles, i),
            severity: s(&sevs, i),
            status: s(&statuses, i),
            detected_us: detected.get(i).unwrap_or_default(),
            ttr_seconds: secs.get(i),
            open: open.get(i).unwrap_or(false),
            not_measured: why_not[i].clone(),
            postmortem_url: postmortems[i].clone(),
            url: urls[i].clone(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;

    /// Hand-computed: W46, judged at T0 + 2 h. `a` (SEV1) had impact from T0 - 5 min and was
    /// resolved at T0 + 60 min: TTR 65 min from the impact start. `b` (SEV2), detected at
    /// T0 + 30 min, is open: 90 min so far. A SEV3, a SEV1 of maintenance (excluded) and another
    /// team's SEV1 are not listed.
    #[test]
    fn a_teams_major_incidents_with_their_ttr_as_the_family_counts_it() {
        let rows: [Inc; 5] = [
            ("b", "pay", "SEV2", "normal", None, 30, None, None, None),
            (
                "a",
                "pay",
                "SEV1",
                "normal",
                Some(-5),
                0,
                Some(2),
                None,
                Some(60),
            ),
            ("c", "pay", "SEV3", "normal", None, 10, None, None, Some(20)),
            (
                "d",
                "pay",
                "SEV1",
                "maintenance",
                None,
                20,
                None,
                None,
                Some(40),
            ),
            ("e", "web", "SEV1", "normal", None, 5, None, None, Some(50)),
        ];
        let sev = ["SEV1".to_string(), "SEV2".to_string()];
        let got = major_incidents(&frames(&rows), &cfg(), &scope(), "pay", &sev).unwrap();
        let brief: Vec<_> = got
            .iter()
            .map(|m| (m.id.as_str(), m.ttr_seconds, m.open, m.detected_us))
            .collect();
        assert_eq!(
            brief,
            [
                ("a", Some(65.0 * 60.0), false, t0_plus(0).unwrap()),
                ("b", Some(90.0 * 60.0), true, t0_plus(30).unwrap()),
            ]
        );
        assert_eq!(got[0].status, "resolved");
        assert_eq!(got[1].status, "open");
    }
}
