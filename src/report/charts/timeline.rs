//! The incident timeline (Gantt-like): phases as bars on a time axis, alerts and events as marks.
//!
//! Phases run between consecutive known key instants (impact start, detected, acknowledged,
//! mitigated, resolved), one lane each, coloured by the instant they start from: before
//! detection, detected to acknowledged, acknowledged to mitigated, mitigated to resolved. An
//! unresolved incident's last phase runs, pale, to `open_until`. A phase whose end precedes its
//! start (inconsistent data) is not drawn. Alerts are diamonds on their own lane, events ticks
//! on another. The axis is labelled in the team's zone when one is given, in UTC otherwise, with
//! ticks on round local times.

use chrono::{DateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use plotters::coord::Shift;
use plotters::element::EmptyElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{Ticked, category_label};
use super::style::{BLUE, GREEN, GREY, INK, LIGHT_GREY, ORANGE, PURPLE, VERMILLION};
use super::{DESC_PX, DrawResult, SMALL_PX, TICK_PX, builder, font};

/// One incident's timeline.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TimelineChart {
    pub title: String,
    /// The zone of the axis labels (the team's); UTC when `None`.
    pub zone: Option<Tz>,
    pub instants: KeyInstants,
    /// Alert firings, drawn as diamonds.
    pub alerts: Vec<TimelineMark>,
    /// Timeline events (status changes, comments, pages), drawn as ticks, labelled when few.
    pub events: Vec<TimelineMark>,
    /// Where the last phase of an unresolved incident ends (the report's as-of instant).
    pub open_until: Option<DateTime<Utc>>,
}

/// The key instants of an incident, any of which may be unknown.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct KeyInstants {
    pub impact_start: Option<DateTime<Utc>>,
    pub detected: Option<DateTime<Utc>>,
    pub acknowledged: Option<DateTime<Utc>>,
    pub mitigated: Option<DateTime<Utc>>,
    pub resolved: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TimelineMark {
    pub at: DateTime<Utc>,
    pub label: String,
}

/// A bar of the chart: lane name, start, end, colour, open (still running).
#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    pub name: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub colour: RGBColor,
    pub open: bool,
}

impl TimelineChart {
    /// The phases to draw, in time order.
    pub fn phases(&self) -> Vec<Phase> {
        let k = &self.instants;
        let known: Vec<(&str, DateTime<Utc>, RGBColor)> = [
            ("impact", k.impact_start, VERMILLION),
            ("detected", k.detected, ORANGE),
            ("acknowledged", k.acknowledged, BLUE),
            ("mitigated", k.mitigated, GREEN),
            ("resolved", k.resolved, INK),
        ]
        .into_iter()
        .filter_map(|(name, at, colour)| at.map(|at| (name, at, colour)))
        .collect();
        let mut phases: Vec<Phase> = known
            .windows(2)
            .filter(|w| w[1].1 >= w[0].1)
            .map(|w| Phase {
                name: format!("{} → {}", w[0].0, w[1].0),
                start: w[0].1,
                end: w[1].1,
                colour: w[0].2,
                open: false,
            })
            .collect();
        if let (None, Some(&(name, at, colour)), Some(until)) =
            (k.resolved, known.last(), self.open_until)
            && until > at
        {
            phases.push(Phase {
                name: format!("{name} → (open)"),
                start: at,
                end: until,
                colour,
                open: true,
            });
        }
        phases
    }

    pub fn is_empty(&self) -> bool {
        self.phases().is_empty() && self.alerts.is_empty() && self.events.is_empty()
    }
}

/// Tick steps in seconds, from a minute to a week.
const STEPS: [i64; 14] = [
    60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172_800, 604_800,
];
/// Event labels are written only when there are at most this many events (else they overprint).
const MAX_EVENT_LABELS: usize = 8;
const MAX_LABEL_CHARS: usize = 22;

pub(super) fn draw<DB: DrawingBackend>(
    c: &TimelineChart,
    root: &DrawingArea<DB, Shift>,
) -> DrawResult<DB> {
    let phases = c.phases();
    let instants = phases.iter().flat_map(|p| [p.start, p.end]);
    let marks = c.alerts.iter().chain(&c.events).map(|m| m.at);
    let all: Vec<DateTime<Utc>> = instants.chain(marks).collect();
    let (Some(&t0), Some(&t1)) = (all.iter().min(), all.iter().max()) else {
        return Ok(());
    };
    // Times are seconds from t0; a lone instant gets ten minutes of room.
    let span = ((t1 - t0).num_seconds() as f64).max(600.0);
    let (lo, hi) = (-0.04 * span, span * 1.04);

    let mut lanes: Vec<String> = phases.iter().map(|p| p.name.clone()).collect();
    if !c.alerts.is_empty() {
        lanes.push(format!("alerts ({})", c.alerts.len()));
    }
    if !c.events.is_empty() {
        lanes.push(format!("events ({})", c.events.len()));
    }
    // Lane k from the top sits at y = L-1-k.
    let n = lanes.len();
    let lane_y = |k: usize| (n - 1 - k) as f64;
    let y_labels: Vec<String> = lanes.iter().rev().cloned().collect();

    let (ticks, fmt) = time_ticks(t0, lo, hi, c.zone);
    let tick_label = |v: &f64| {
        let at = t0 + chrono::Duration::seconds(v.round() as i64);
        local(at, c.zone, fmt)
    };
    let zone_name = c.zone.map_or("UTC", |z| z.name());
    let x_desc = if fmt == "%H:%M" {
        format!("time on {} ({zone_name})", local(t0, c.zone, "%Y-%m-%d"))
    } else {
        format!("time ({zone_name})")
    };
    let x_range = Ticked::new(lo..hi, ticks);
    let y_range = Ticked::new(-0.5..n as f64 - 0.5, (0..n).map(|i| i as f64).collect());
    let mut chart = builder(root, &c.title, 170).build_cartesian_2d(x_range, y_range)?;
    let y_fmt = |v: &f64| category_label(&y_labels, *v);
    chart
        .configure_mesh()
        .disable_y_mesh()
        .bold_line_style(LIGHT_GREY)
        .x_desc(x_desc)
        .x_label_formatter(&tick_label)
        .y_label_formatter(&y_fmt)
        .label_style(font(TICK_PX))
        .axis_desc_style(font(DESC_PX))
        .draw()?;

    let secs = |t: DateTime<Utc>| (t - t0).num_seconds() as f64;
    // Faint guides at phase boundaries, so the lanes' steps line up by eye.
    let top = n as f64 - 0.5;
    let guides = phases.iter().flat_map(|p| [p.start, p.end]);
    chart.draw_series(guides.map(|t| {
        PathElement::new(
            vec![(secs(t), -0.5), (secs(t), top)],
            LIGHT_GREY.stroke_width(1),
        )
    }))?;
    chart.draw_series(phases.iter().enumerate().map(|(k, p)| {
        let y = lane_y(k);
        let style = if p.open {
            p.colour.mix(0.3).filled()
        } else {
            p.colour.mix(0.85).filled()
        };
        Rectangle::new([(secs(p.start), y - 0.3), (secs(p.end), y + 0.3)], style)
    }))?;

    let mut k = phases.len();
    if !c.alerts.is_empty() {
        let y = lane_y(k);
        let diamond = vec![(0, -6), (6, 0), (0, 6), (-6, 0)];
        chart.draw_series(c.alerts.iter().map(|m| {
            EmptyElement::at((secs(m.at), y))
                + Polygon::new(diamond.clone(), PURPLE.mix(0.8).filled())
        }))?;
        k += 1;
    }
    if !c.events.is_empty() {
        let y = lane_y(k);
        let labelled = c.events.len() <= MAX_EVENT_LABELS;
        chart.draw_series(c.events.iter().enumerate().map(|(i, m)| {
            // Alternate labels above and below the tick so neighbours overlap less.
            let (dy, v) = if i % 2 == 0 {
                (-10, VPos::Bottom)
            } else {
                (10, VPos::Top)
            };
            let text = if labelled {
                short(&m.label)
            } else {
                String::new()
            };
            let style = font(SMALL_PX).color(&GREY).pos(Pos::new(HPos::Center, v));
            EmptyElement::at((secs(m.at), y))
                + PathElement::new(vec![(0, -7), (0, 7)], INK.stroke_width(2))
                + Text::new(text, (0, dy), style)
        }))?;
    }
    Ok(())
}

/// Ticks (seconds from `t0`) on round local times, and the label format they need.
pub(super) fn time_ticks(
    t0: DateTime<Utc>,
    lo: f64,
    hi: f64,
    zone: Option<Tz>,
) -> (Vec<f64>, &'static str) {
    let span = hi - lo;
    let step = STEPS
        .iter()
        .copied()
        .find(|&s| span / s as f64 <= 7.0)
        .unwrap_or(STEPS[STEPS.len() - 1]);
    // Align on the zone's wall clock at t0 (a DST change inside one incident shifts later ticks
    // by the change, which is what the wall clock does too).
    let offset = zone.map_or(0, |z| {
        z.offset_from_utc_datetime(&t0.naive_utc())
            .fix()
            .local_minus_utc() as i64
    });
    // Wall-clock seconds at the axis start, rounded up to the first multiple of the step.
    let base = t0.timestamp() + offset;
    let start = base + lo.ceil() as i64;
    let mut wall = start.div_euclid(step) * step;
    if wall < start {
        wall += step;
    }
    let mut ticks = Vec::new();
    while ((wall - base) as f64) <= hi {
        ticks.push((wall - base) as f64);
        wall += step;
    }
    let fmt = if step >= 86_400 {
        "%b %d"
    } else if span <= 86_400.0 && same_day(t0, lo, hi, zone) {
        "%H:%M"
    } else {
        "%b %d %H:%M"
    };
    (ticks, fmt)
}

fn same_day(t0: DateTime<Utc>, lo: f64, hi: f64, zone: Option<Tz>) -> bool {
    let at = |s: f64| t0 + chrono::Duration::seconds(s as i64);
    local(at(lo), zone, "%F") == local(at(hi), zone, "%F")
}

/// `at` formatted on the zone's wall clock (UTC without a zone).
fn local(at: DateTime<Utc>, zone: Option<Tz>, fmt: &str) -> String {
    match zone {
        Some(z) => at.with_timezone(&z).format(fmt).to_string(),
        None => at.format(fmt).to_string(),
    }
}

fn short(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL_CHARS {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(MAX_LABEL_CHARS - 1).collect();
        s.push('…');
        s
    }
}
