//! Section 4 of the postmortem: every timeline event of the incident in UTC and in the team's
//! zone, with its kind, actor, channel and message, and the timeline chart: the phases between
//! the key instants coloured by phase, the linked alerts and the events as marks on one axis.
//!
//! Events are read as of the report (none after the as-of instant) and ordered by instant, then
//! event id, so two runs list them identically. The phases of an open incident run, pale, to the
//! as-of instant.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use polars::prelude::*;

use super::lookup::Incident;
use super::{local, utc};
use crate::error::Result;
use crate::metrics::table::pe;
use crate::model::columns::*;
use crate::report::Inputs;
use crate::report::charts::{Chart, KeyInstants, TimelineChart, TimelineMark};
use crate::report::text::NONE;
use crate::report::view::{ChartView, TableView, cell_str};

/// The file stem and HTML id of the chart.
const CHART: &str = "timeline";

/// The events table and the events as chart marks (labelled by kind).
pub fn events(inp: &Inputs, inc: &Incident, zone: Tz) -> Result<(TableView, Vec<TimelineMark>)> {
    let as_of = inp.as_of.timestamp_micros();
    let df = inp
        .frames
        .events
        .clone()
        .filter(col(INCIDENT_ID).eq(lit(inc.id.as_str())))
        .select([
            col(EVENT_ID),
            col(AT).cast(DataType::Int64),
            col(KIND),
            col(ACTOR),
            col(CHANNEL),
            col(MESSAGE),
        ])
        .filter(col(AT).lt_eq(lit(as_of)))
        .sort([AT, EVENT_ID], SortMultipleOptions::default())
        .collect()
        .map_err(pe)?;
    let zone_head = format!("Team zone ({})", zone.name());
    let mut t = TableView::new(
        &[
            ("UTC", false),
            (zone_head.as_str(), false),
            ("Event", false),
            ("Actor", false),
            ("Channel", false),
            ("Message", false),
        ],
        "No timeline event is recorded for this incident.",
    );
    let mut marks = vec![];
    let at_col = df.column(AT).map_err(pe)?.i64().map_err(pe)?.clone();
    for (i, us) in at_col.iter().enumerate() {
        let Some(at) = us.and_then(DateTime::<Utc>::from_timestamp_micros) else {
            continue;
        };
        let dash = |s: String| if s.is_empty() { NONE.to_string() } else { s };
        let kind = cell_str(&df, KIND, i);
        t.push(vec![
            utc(at),
            local(at, zone),
            kind.replace('_', " "),
            dash(cell_str(&df, ACTOR, i)),
            dash(cell_str(&df, CHANNEL, i)),
            cell_str(&df, MESSAGE, i),
        ]);
        marks.push(TimelineMark {
            at,
            label: kind.replace('_', " "),
        });
    }
    Ok((t, marks))
}

/// The timeline chart in the team's zone: phases, alerts (diamonds) and events (ticks).
pub fn chart(
    inp: &Inputs,
    inc: &Incident,
    zone: Tz,
    events: Vec<TimelineMark>,
    alerts: Vec<TimelineMark>,
) -> Result<ChartView> {
    let open = inc.resolved.is_none();
    let mut all: Vec<DateTime<Utc>> = [inc.impact, Some(inc.detected), inc.resolved]
        .into_iter()
        .flatten()
        .chain(open.then_some(inp.as_of))
        .chain(alerts.iter().chain(&events).map(|m| m.at))
        .collect();
    all.sort();
    let span = match (all.first(), all.last()) {
        (Some(a), Some(b)) => (*b - *a).num_seconds(),
        _ => 0,
    };
    let events = declutter(events, span);
    let chart = Chart::from(TimelineChart {
        title: format!("Timeline of {} ({})", inc.id, inc.severity),
        zone: Some(zone),
        instants: KeyInstants {
            impact_start: inc.impact,
            detected: Some(inc.detected),
            acknowledged: inc.acknowledged,
            mitigated: inc.mitigated,
            resolved: inc.resolved,
        },
        alerts,
        events,
        open_until: open.then_some(inp.as_of),
    });
    let mut caption = format!(
        "Phases between the key instants (impact before detection, detected to acknowledged, \
         acknowledged to mitigated, mitigated to resolved), times in {}; linked alerts as \
         diamonds, timeline events as ticks.",
        zone.name()
    );
    if open {
        caption.push_str(" The pale last phase is still running at the as-of instant.");
    }
    ChartView::draw(CHART, &caption, &chart, inp.png)
}

/// Event labels that would overprint are blanked (the table lists every event): the chart puts
/// labels alternately above and below their tick, and a label is about a sixth of the axis wide,
/// so a label is kept only when the previous kept label on its side is at least a sixth of the
/// chart's time span before it.
fn declutter(mut events: Vec<TimelineMark>, span_secs: i64) -> Vec<TimelineMark> {
    let gap = span_secs.max(600) / 6;
    let mut last: [Option<DateTime<Utc>>; 2] = [None, None];
    for (i, m) in events.iter_mut().enumerate() {
        let side = &mut last[i % 2];
        if side.is_none_or(|t| (m.at - t).num_seconds() >= gap) {
            *side = Some(m.at);
        } else {
            m.label.clear();
        }
    }
    events
}
