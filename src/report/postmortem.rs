//! The postmortem report of one incident (`reports.md`, "Postmortem report"): everything the data
//! knows, filled in, for the team preparing the review, and clearly marked sections for what only
//! people know.
//!
//! This file owns the view (what the templates see), the builder and the list of recent major
//! incidents `aftermath run` writes postmortems for. The pieces live beside it: finding the
//! incident from what the user typed (`lookup`), the header, key facts and methods (`summary`),
//! its key instants and durations with their rank among the team's last 90 days (`instants`),
//! the timeline table and chart (`timeline`), the alerts involved (`alerts`), the recurrence
//! cluster and earlier occurrences (`related`) and the action items (`actions`). Every figure
//! comes from the metric code (`durations::per_incident`, the fatigue alert classification, the
//! recurrence clusters of `recurrence::History`), so the report agrees with `aftermath metrics`.

mod actions;
mod alerts;
mod instants;
mod lookup;
mod related;
mod summary;
#[cfg(test)]
mod tests;
mod timeline;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use polars::prelude::*;
use serde::Serialize;

use super::{ChartFile, ChartView, Document, Inputs, Meta, OutputFormat, TableView};
use crate::error::Result;
use crate::metrics::Period;
use crate::metrics::frames::{EXCLUDED, exclusion_reason};
use crate::metrics::recurrence::History;
use crate::metrics::table::pe;
use crate::model::columns::*;
use crate::report::view::incident_page;

/// The templates of this report, registered with the renderer.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "postmortem.html",
        include_str!("../../templates/postmortem.html"),
    ),
    (
        "postmortem.md",
        include_str!("../../templates/postmortem.md"),
    ),
];

/// Days of the team's history an incident is ranked against.
const HISTORY_DAYS: i64 = 90;

/// What the templates see: `meta` (what every report says about itself) and `view`.
#[derive(Debug, Serialize)]
struct Context<'a> {
    meta: &'a Meta,
    view: &'a View,
}

/// The report's content, display-ready.
#[derive(Debug, Serialize)]
struct View {
    header: summary::Header,
    /// Sentences that must be read first: still open, excluded from the metrics, data errors.
    banners: Vec<String>,
    facts: TableView,
    instants: TableView,
    durations: TableView,
    durations_notes: Vec<String>,
    timeline: TableView,
    timeline_chart: ChartView,
    alerts: alerts::AlertsView,
    related: related::RelatedView,
    actions: TableView,
    /// True when the incident has no action item: `actions` is then a blank table to fill in.
    actions_blank: bool,
    todo: Vec<summary::Todo>,
}

// Links are shared with the weekly report's "Who owes what": one rule for what may be a link.
pub(crate) use super::view::{Link, safe_url};

/// The incident id `given` refers to: itself, the id without its source prefix, or a bare
/// number when only one incident has it; an error naming the closest ids otherwise.
pub fn resolve_id(inp: &Inputs, given: &str) -> Result<String> {
    lookup::resolve(inp.frames, given)
}

/// Render the postmortem of `incident_id` (the full id, or the source's own id or number when
/// only one incident has it) in every format of `inp`.
pub fn postmortem(inp: &Inputs, incident_id: &str) -> Result<Document> {
    let id = resolve_id(inp, incident_id)?;
    let inc = lookup::load(inp.frames, &id, inp.as_of)?;
    let history = History::load(inp.frames, inp.cfg, inp.as_of)?;
    build(inp, inc, &history)
}

/// The postmortems of `major` (from [`recent_major`]), each handed to `each` as it is rendered.
/// Their recurrence clusters come from one load and one match graph of the incidents before them
/// (`recurrence::History`), not from a recurrence run per report.
pub fn postmortems(
    inp: &Inputs,
    major: &[Major],
    each: &mut dyn FnMut(Document) -> Result<()>,
) -> Result<()> {
    let history = History::load(inp.frames, inp.cfg, inp.as_of)?;
    for m in major {
        let inc = lookup::load(inp.frames, &m.incident_id, inp.as_of)?;
        each(build(inp, inc, &history)?)?;
    }
    Ok(())
}

/// An incident `run` writes a postmortem for.
#[derive(Debug, Clone, PartialEq)]
pub struct Major {
    pub incident_id: String,
    /// Canonical, `SEV1`..`SEV5`: sorts from the most severe.
    pub severity: String,
    /// UTC microseconds.
    pub detected_at: i64,
}

fn build(inp: &Inputs, inc: lookup::Incident, history: &History) -> Result<Document> {
    let id = inc.id.clone();
    let zone = inp.cfg.team(&inc.team).timezone;
    let excluded = exclusion(inp, &id)?;

    let times = instants::build(inp, &inc, zone)?;
    let alerts = alerts::build(inp, &inc, zone)?;
    let (events, marks) = timeline::events(inp, &inc, zone)?;
    let chart = timeline::chart(inp, &inc, zone, marks, alerts.marks.clone())?;
    let mut related = related::build(inp, &inc, excluded.is_some(), history)?;
    let (actions, actions_blank, own) = actions::own_actions(inp, &inc)?;
    related.own = own;

    let mut banners = vec![];
    if inc.resolved.is_none() {
        banners.push(format!(
            "Open: not resolved as of {}. Durations still running are shown as \"so far\".",
            utc(inp.as_of)
        ));
    }
    if let Some(why) = &excluded {
        banners.push(format!(
            "Excluded from the metrics ({why}): its durations are not counted in the team's figures."
        ));
    }
    banners.extend(times.problems.iter().cloned());

    let page = incident_page(
        inp.cfg,
        inc.url.as_deref(),
        &inc.source,
        &inc.source_id,
        inc.number.as_deref(),
        &inc.id,
    );
    let header = summary::header(&inc, zone, page);
    let impact = summary::impact(inp, &inc)?;
    let facts = summary::facts(&inc, &header, &times, &alerts, &related, &impact, zone);
    let mut meta = Meta::new(
        format!("Postmortem: {}", inc.title),
        summary::subtitle(&inc),
        inp.as_of,
        summary::methods(inp),
    );
    meta.data_range = inp.data_range.clone();
    meta.last_ingest = inp.last_ingest.clone();
    if inp.index {
        meta.index = super::INDEX_FROM_REPORT.into();
    }
    meta.period = format!(
        "incident detected {}; compared with the {HISTORY_DAYS} days before ({})",
        utc(inc.detected),
        times.history.label()
    );
    meta.period_by = DETECTED_AT.into();
    let view = View {
        header,
        banners,
        facts,
        instants: times.instants,
        durations: times.durations,
        durations_notes: times.notes,
        timeline: events,
        timeline_chart: chart,
        alerts,
        related,
        actions,
        actions_blank,
        todo: summary::todo(),
    };
    let mut pages = vec![];
    let ctx = Context {
        meta: &meta,
        view: &view,
    };
    for &format in inp.formats {
        let text = inp.renderer.render("postmortem", format, &ctx)?;
        pages.push((format, tidy(format, text)));
    }
    let h = &view.header;
    let summary = crate::report::summary::postmortem(
        &meta,
        &stem(&id),
        (&h.id, &h.title, &inc.severity, &h.status, &h.team),
        inc.detected,
        &view.banners,
        &view.facts,
        inc.postmortem_url.as_deref(),
    );
    Ok(Document {
        stem: stem(&id),
        pages,
        charts: vec![ChartFile::from(&view.timeline_chart)],
        summary: Some(summary),
    })
}

/// The incidents of `period` (detected in it and by the as-of instant) whose severity
/// `[postmortems] severities` lists (SEV1 and SEV2 by default), without a postmortem link when
/// `skip_linked` says so, sorted by id; incidents the metrics exclude (maintenance, merged
/// duplicates...) are left out.
pub fn recent_major(inp: &Inputs, period: Period) -> Result<Vec<Major>> {
    let ts = |t: DateTime<Utc>| {
        lit(t.timestamp_micros()).cast(DataType::Datetime(
            TimeUnit::Microseconds,
            Some(polars::prelude::TimeZone::UTC),
        ))
    };
    let chosen = &inp.cfg.postmortems;
    let severity = chosen
        .severities
        .iter()
        .fold(lit(false), |e, s| e.or(col(SEVERITY).eq(lit(s.as_str()))));
    let linked = if chosen.skip_linked {
        col(POSTMORTEM_URL).is_null()
    } else {
        lit(true)
    };
    let df = inp
        .frames
        .incidents
        .clone()
        .filter(
            col(DETECTED_AT)
                .gt_eq(ts(period.from))
                .and(col(DETECTED_AT).lt(ts(period.to)))
                .and(col(DETECTED_AT).lt_eq(ts(inp.as_of)))
                .and(severity)
                .and(linked),
        )
        .with_column(exclusion_reason(inp.cfg))
        .filter(col(EXCLUDED).is_null())
        .select([
            col(INCIDENT_ID),
            col(SEVERITY),
            col(DETECTED_AT).cast(DataType::Int64),
        ])
        .sort([INCIDENT_ID], SortMultipleOptions::default())
        .collect()
        .map_err(pe)?;
    let texts = |name| crate::metrics::frames::texts(&df, name);
    let at = df.column(DETECTED_AT).map_err(pe)?.i64().map_err(pe)?;
    Ok(texts(INCIDENT_ID)?
        .into_iter()
        .zip(texts(SEVERITY)?)
        .zip(at.iter())
        .filter_map(|((id, severity), at)| {
            Some(Major {
                incident_id: id?,
                severity: severity?,
                detected_at: at?,
            })
        })
        .collect())
}

/// At most `max` of `major`: the most severe first, then the earliest detected; kept in id order.
pub fn first_to_review(mut major: Vec<Major>, max: usize) -> Vec<Major> {
    major.sort_by(|a, b| {
        (&a.severity, a.detected_at, &a.incident_id).cmp(&(
            &b.severity,
            b.detected_at,
            &b.incident_id,
        ))
    });
    major.truncate(max);
    major.sort_by(|a, b| a.incident_id.cmp(&b.incident_id));
    major
}

/// The file stem of an incident's report, unique for every id and short enough for any
/// filesystem. An id of a plain source and file-safe characters keeps its readable form
/// (`pagerduty:PT4KHLK` -> `pagerduty-PT4KHLK`: the source holds no `-`, so no two ids share it);
/// any other id (other characters, a second `:`, over 100 bytes) gets its safe characters, cut to
/// 60, then `~` and 16 hex digits of its BLAKE3 hash, a character plain stems never hold.
pub fn stem(id: &str) -> String {
    const MAX: usize = 100;
    let file_safe = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    if let Some((source, rest)) = id.split_once(':')
        && !source.is_empty()
        && source
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && !rest.is_empty()
        && rest.bytes().all(file_safe)
        && id.len() <= MAX
    {
        return format!("{source}-{rest}");
    }
    let safe: String = id
        .bytes()
        .map(|b| if file_safe(b) { b as char } else { '-' })
        .take(60)
        .collect();
    let safe = safe.trim_start_matches('.');
    let hash = blake3::hash(id.as_bytes()).to_hex();
    format!(
        "{}~{}",
        if safe.is_empty() { "incident" } else { safe },
        &hash[..16]
    )
}

/// Why the metrics leave this incident out, or None.
fn exclusion(inp: &Inputs, id: &str) -> Result<Option<String>> {
    let df = inp
        .frames
        .incidents
        .clone()
        .filter(col(INCIDENT_ID).eq(lit(id)))
        .select([exclusion_reason(inp.cfg)])
        .collect()
        .map_err(pe)?;
    let why = super::view::cell_str(&df, EXCLUDED, 0);
    Ok((!why.is_empty()).then_some(why))
}

/// Markdown with at most one blank line in a row: the shared macros pad their output with
/// newlines, which a Markdown reader shows as gaps in the source. HTML is left as rendered.
fn tidy(format: OutputFormat, text: String) -> String {
    if format != OutputFormat::Markdown {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut newlines = 0;
    for c in text.trim_start_matches('\n').chars() {
        newlines = if c == '\n' { newlines + 1 } else { 0 };
        if newlines <= 2 {
            out.push(c);
        }
    }
    out
}

/// `2026-11-04 18:37:47 UTC`.
pub(crate) fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// `2026-11-04 19:37:47 CET`: the wall clock of the team's zone with its abbreviation, so a DST
/// change shows.
pub(crate) fn local(t: DateTime<Utc>, zone: Tz) -> String {
    t.with_timezone(&zone)
        .format("%Y-%m-%d %H:%M:%S %Z")
        .to_string()
}
