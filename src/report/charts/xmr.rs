//! XmR (individuals) chart: a weekly or monthly value with its centre line and natural process
//! limits, points outside the limits highlighted and labelled as signals.
//!
//! The limits come from the caller (`metrics::stats::xmr`), so the chart and the report's text
//! agree; the chart only decides which points fall outside them, with the same strict rule.

use plotters::coord::Shift;
use plotters::element::{ComposedElement, EmptyElement};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{LinearAxis, Ticked};
use super::style::{BLUE, GREY, Swatch, VERMILLION, draw_key, split_key};
use super::{DrawResult, MARGIN, SMALL_PX, category_chart, font};

/// An XmR chart of one series.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct XmrChart {
    pub title: String,
    /// The period axis title, e.g. "week".
    pub period_label: String,
    /// The value axis title with its unit, e.g. "incidents per week".
    pub value_label: String,
    /// Values in time order.
    pub points: Vec<XmrPoint>,
    /// Centre line (the mean) and natural process limits.
    pub centre: f64,
    pub lower: f64,
    pub upper: f64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct XmrPoint {
    pub period: String,
    pub value: f64,
}

impl XmrChart {
    pub fn is_empty(&self) -> bool {
        !self.points.iter().any(|p| p.value.is_finite())
    }

    /// Indices of the points strictly outside [lower, upper], as `stats::xmr` counts signals.
    pub fn signals(&self) -> Vec<usize> {
        self.points
            .iter()
            .enumerate()
            .filter(|(_, p)| p.value.is_finite() && (p.value < self.lower || p.value > self.upper))
            .map(|(i, _)| i)
            .collect()
    }
}

pub(super) fn draw<DB: DrawingBackend>(
    c: &XmrChart,
    root: &DrawingArea<DB, Shift>,
) -> DrawResult<DB> {
    let values: Vec<f64> = c
        .points
        .iter()
        .map(|p| p.value)
        .filter(|v| v.is_finite())
        .collect();
    // Counts cannot fall below zero, so a negative lower limit can never signal: leave it out
    // instead of stretching the axis below zero.
    let show_lower = c.lower.is_finite() && (c.lower >= 0.0 || values.iter().any(|&v| v < 0.0));
    let limits = [c.centre, c.upper]
        .into_iter()
        .chain(show_lower.then_some(c.lower))
        .filter(|v| v.is_finite());
    let y = LinearAxis::covering(values.iter().copied().chain(limits));
    let n = c.points.len();
    let labels: Vec<String> = c.points.iter().map(|p| p.period.clone()).collect();
    let (main, key_area) = split_key(root);
    let y_range = Ticked::new(y.lo..y.hi, y.ticks.clone());
    let mut chart = category_chart(
        &main,
        &c.title,
        Y_AREA,
        &labels,
        70,
        &y_range,
        (c.period_label.as_str(), c.value_label.as_str()),
        &LinearAxis::label,
    )?;

    let (x0, x1) = (-0.5, n as f64 - 0.5);
    let mut items: Vec<(String, Swatch)> = vec![("value".into(), Swatch::Dot(BLUE))];
    if c.centre.is_finite() {
        let style = GREY.stroke_width(2);
        chart.draw_series(LineSeries::new([(x0, c.centre), (x1, c.centre)], style))?;
        items.push((
            format!("mean {}", LinearAxis::label(&c.centre)),
            Swatch::Line(GREY),
        ));
    }
    let limit_style = VERMILLION.stroke_width(1);
    let mut limit_lines = Vec::new();
    if c.upper.is_finite() {
        limit_lines.push(c.upper);
    }
    if show_lower {
        limit_lines.push(c.lower);
    }
    for &l in &limit_lines {
        chart.draw_series(DashedLineSeries::new([(x0, l), (x1, l)], 6, 4, limit_style))?;
    }
    let limit_text = match (show_lower, c.upper.is_finite()) {
        (true, true) => Some(format!(
            "limits {} to {}",
            LinearAxis::label(&c.lower),
            LinearAxis::label(&c.upper)
        )),
        (false, true) => Some(format!("upper limit {}", LinearAxis::label(&c.upper))),
        (true, false) => Some(format!("lower limit {}", LinearAxis::label(&c.lower))),
        (false, false) => None,
    };
    if let Some(text) = limit_text {
        items.push((text, Swatch::Dashed(VERMILLION)));
    }

    let pts: Vec<(f64, f64)> = c
        .points
        .iter()
        .enumerate()
        .filter(|(_, p)| p.value.is_finite())
        .map(|(i, p)| (i as f64, p.value))
        .collect();
    chart.draw_series(LineSeries::new(pts.clone(), BLUE.stroke_width(1)))?;
    chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, BLUE.filled())))?;

    let signals = c.signals();
    if !signals.is_empty() {
        let marks = signals.iter().map(|&i| {
            let p = &c.points[i];
            signal_mark(
                (i as f64, p.value),
                &LinearAxis::label(&p.value),
                p.value > c.upper,
            )
        });
        chart.draw_series(marks)?;
        items.push(("signal (outside limits)".into(), Swatch::Dot(VERMILLION)));
    }
    let items: Vec<(&str, Swatch)> = items.iter().map(|(t, s)| (t.as_str(), *s)).collect();
    draw_key(&key_area, &items, (MARGIN + Y_AREA) as i32)
}

/// A highlighted point with its value written above it (below it when under the lower limit).
/// Room for the value tick labels and the axis title.
const Y_AREA: u32 = 64;

type Mark<DB> =
    ComposedElement<(f64, f64), DB, Circle<(i32, i32), i32>, Text<'static, (i32, i32), String>>;

fn signal_mark<DB: DrawingBackend>(at: (f64, f64), text: &str, above: bool) -> Mark<DB> {
    let (dy, v) = if above {
        (-9, VPos::Bottom)
    } else {
        (9, VPos::Top)
    };
    let style = font(SMALL_PX)
        .color(&VERMILLION)
        .pos(Pos::new(HPos::Center, v));
    EmptyElement::at(at)
        + Circle::new((0, 0), 5, VERMILLION.filled())
        + Text::new(text.to_string(), (0, dy), style)
}
