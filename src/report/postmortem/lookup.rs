//! Finding the incident a postmortem is asked for, and reading its row.
//!
//! Users copy ids from wherever they saw them: the full `<source>:<id>`, the source's own id
//! (`PT4KHLK`) or the human number (`#1234`, or `1234` as people say it). The full id wins;
//! otherwise an id part, source id or number held by exactly one incident is accepted, and one
//! held by several (the same number in two tools) is an error listing them. When nothing matches,
//! the error names the closest ids (ids the text starts, then by edit distance), so a typo is one
//! copy away from fixed.
//!
//! The row is read as of the report's as-of instant: a lifecycle instant after it is not known
//! yet (as `durations::per_incident` treats it), so a postmortem for an earlier as-of never shows
//! later facts.

use chrono::{DateTime, Utc};
use polars::prelude::*;

use crate::error::{Error, Result};
use crate::metrics::Frames;
use crate::metrics::table::pe;
use crate::model::columns::*;
use crate::report::view::cell_str;

/// How many near ids an unknown-id error lists.
const SUGGESTIONS: usize = 5;

/// One incident row, instants as of the report.
#[derive(Debug, Clone)]
pub struct Incident {
    pub id: String,
    pub source: String,
    pub source_id: String,
    pub number: Option<String>,
    pub title: String,
    pub team: String,
    pub service: Option<String>,
    pub severity: String,
    pub severity_raw: Option<String>,
    pub status: String,
    pub kind: String,
    pub impact: Option<DateTime<Utc>>,
    pub detected: DateTime<Utc>,
    pub acknowledged: Option<DateTime<Utc>>,
    pub mitigated: Option<DateTime<Utc>>,
    pub resolved: Option<DateTime<Utc>>,
    /// The store's resolved_at lies after the as-of instant.
    pub resolved_later: bool,
    pub reopen_count: u32,
    pub merged_into: Option<String>,
    pub root_cause: Option<String>,
    pub postmortem_url: Option<String>,
    /// The incident's page in its tool, as the export gave it.
    pub url: Option<String>,
}

impl Incident {
    /// The status as of the report: an incident resolved after the as-of instant was open then.
    pub fn status_label(&self) -> String {
        if self.resolved_later {
            "open (resolved after the as-of instant)".into()
        } else {
            self.status.clone()
        }
    }
}

/// The incident id `given` refers to (see the module text), or an `Error::Query` naming the
/// closest ids.
pub fn resolve(frames: &Frames, given: &str) -> Result<String> {
    let given = given.trim();
    let df = frames
        .incidents
        .clone()
        .select([col(INCIDENT_ID), col(SOURCE_ID), col(NUMBER)])
        .sort([INCIDENT_ID], SortMultipleOptions::default())
        .collect()
        .map_err(pe)?;
    let text = |name: &str| crate::metrics::frames::texts_or_empty(&df, name);
    let (ids, sids, numbers) = (text(INCIDENT_ID)?, text(SOURCE_ID)?, text(NUMBER)?);
    if ids.iter().any(|i| i == given) {
        return Ok(given.to_string());
    }
    let loose: Vec<&String> = ids
        .iter()
        .zip(sids.iter().zip(&numbers))
        .filter(|(i, (s, n))| loosely_names(given, i, s, n))
        .map(|(i, _)| i)
        .collect();
    match loose.as_slice() {
        [one] => return Ok((*one).clone()),
        [] => {}
        many => {
            let list: Vec<&str> = many.iter().take(SUGGESTIONS).map(|s| s.as_str()).collect();
            return Err(Error::Query(format!(
                "{given:?} is the source id or number of {} incidents ({}); give one of these \
                 full ids",
                many.len(),
                list.join(", ")
            )));
        }
    }
    if ids.is_empty() {
        return Err(Error::Query(format!(
            "no incident {given:?}: the store holds no incidents yet; run `aftermath ingest` first"
        )));
    }
    Err(Error::Query(format!(
        "no incident {given:?} in the store; the closest ids: {}",
        closest(given, &ids, &sids).join(", ")
    )))
}

/// Whether `given`, written without its `source:` prefix, names the incident `id` with source id
/// `sid` and number `number`: the id part after the prefix, the source id, or the number, with or
/// without the `#` tools print before numbers (`1064` and `#1064` both name number `#1064`).
fn loosely_names(given: &str, id: &str, sid: &str, number: &str) -> bool {
    let bare = given.trim_start_matches('#');
    if bare.is_empty() {
        return false;
    }
    let id_part = id.split_once(':').map_or(id, |(_, part)| part);
    [id_part, sid, number.trim_start_matches('#')].contains(&bare) || number == given
}

/// Up to five ids nearest to `given`: those whose id or source id starts with it first, then by
/// the smaller edit distance to the id or the source id, then by id.
pub fn closest(given: &str, ids: &[String], sids: &[String]) -> Vec<String> {
    let g = given.to_lowercase();
    let mut scored: Vec<(bool, usize, &String)> = ids
        .iter()
        .zip(sids)
        .map(|(id, sid)| {
            let (il, sl) = (id.to_lowercase(), sid.to_lowercase());
            let prefix = !g.is_empty() && (il.starts_with(&g) || sl.starts_with(&g));
            (
                !prefix,
                edit_distance(&g, &il).min(edit_distance(&g, &sl)),
                id,
            )
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(SUGGESTIONS)
        .map(|(_, _, id)| id.clone())
        .collect()
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The row of `id`, as of `as_of`. An incident detected after `as_of` did not exist then.
pub fn load(frames: &Frames, id: &str, as_of: DateTime<Utc>) -> Result<Incident> {
    let instants = [
        IMPACT_STARTED_AT,
        DETECTED_AT,
        ACKNOWLEDGED_AT,
        MITIGATED_AT,
        RESOLVED_AT,
    ];
    let texts = [
        INCIDENT_ID,
        SOURCE,
        SOURCE_ID,
        NUMBER,
        TITLE,
        TEAM,
        SERVICE,
        SEVERITY,
        SEVERITY_RAW,
        STATUS,
        KIND,
        MERGED_INTO,
        ROOT_CAUSE,
        POSTMORTEM_URL,
        URL,
    ];
    let mut select: Vec<Expr> = texts.iter().map(|c| col(*c)).collect();
    select.extend(instants.iter().map(|c| col(*c).cast(DataType::Int64)));
    select.push(col(REOPEN_COUNT).cast(DataType::Int64));
    let df = frames
        .incidents
        .clone()
        .filter(col(INCIDENT_ID).eq(lit(id)))
        .select(select)
        .collect()
        .map_err(pe)?;
    if df.height() == 0 {
        return Err(Error::Query(format!("no incident {id:?} in the store")));
    }
    let s = |c: &str| cell_str(&df, c, 0);
    let opt = |c: &str| Some(s(c)).filter(|v| !v.is_empty());
    let micros = |c: &str| -> Option<i64> {
        df.column(c)
            .ok()
            .and_then(|col| col.get(0).ok())
            .and_then(|v| v.extract::<i64>())
    };
    let at = |c: &str| micros(c).and_then(DateTime::from_timestamp_micros);
    let known = |c: &str| at(c).filter(|t| *t <= as_of);
    let detected = at(DETECTED_AT)
        .ok_or_else(|| Error::Internal(format!("incident {id} has no detected_at in the store")))?;
    if detected > as_of {
        return Err(Error::Query(format!(
            "incident {id} was detected on {}, after the as-of instant {}; give a later --as-of",
            detected.format("%Y-%m-%d %H:%M UTC"),
            as_of.format("%Y-%m-%d %H:%M UTC")
        )));
    }
    Ok(Incident {
        id: s(INCIDENT_ID),
        source: s(SOURCE),
        source_id: s(SOURCE_ID),
        number: opt(NUMBER),
        title: s(TITLE),
        team: s(TEAM),
        service: opt(SERVICE),
        severity: s(SEVERITY),
        severity_raw: opt(SEVERITY_RAW),
        status: s(STATUS),
        kind: s(KIND),
        impact: known(IMPACT_STARTED_AT),
        detected,
        acknowledged: known(ACKNOWLEDGED_AT),
        mitigated: known(MITIGATED_AT),
        resolved: known(RESOLVED_AT),
        resolved_later: at(RESOLVED_AT).is_some_and(|t| t > as_of),
        reopen_count: micros(REOPEN_COUNT).unwrap_or(0).max(0) as u32,
        merged_into: opt(MERGED_INTO),
        root_cause: opt(ROOT_CAUSE),
        postmortem_url: opt(POSTMORTEM_URL),
        url: opt(URL),
    })
}
