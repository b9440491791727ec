//! Interval bands: a duration median per period with its 95% interval, on a log duration axis.
//!
//! Each period (a week or a month) is a vertical band from the interval's low to high end with the
//! median as a dot; dots of consecutive periods are joined so the trend reads at a glance, and an
//! optional baseline (e.g. the previous quarter's median) is a dashed line. An interval end the
//! data cannot bound (a Kaplan-Meier median with many open incidents) runs to the frame's edge.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{LogAxis, Ticked};
use super::style::{BLUE, SKY_BLUE, Swatch, VERMILLION, draw_key, split_key};
use super::{DrawResult, MARGIN, category_chart};

/// A duration per period with its interval, e.g. weekly median TTR.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IntervalBands {
    pub title: String,
    /// What is measured, e.g. "TTR"; the y axis reads "TTR (log scale)".
    pub measure: String,
    /// The period axis title, e.g. "week".
    pub period_label: String,
    /// Periods in time order.
    pub points: Vec<BandPoint>,
    /// A reference duration in minutes, drawn as a dashed line and named in the legend.
    pub baseline_min: Option<f64>,
    /// The legend text of the baseline, e.g. "previous quarter"; "baseline" when empty.
    pub baseline_label: String,
}

/// One period: its label, median and 95% interval in minutes. `None` median: no data that
/// period (a gap in the line); `None` interval end: unbounded on that side.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BandPoint {
    pub period: String,
    pub median_min: Option<f64>,
    pub low_min: Option<f64>,
    pub high_min: Option<f64>,
}

impl IntervalBands {
    pub fn is_empty(&self) -> bool {
        !self
            .points
            .iter()
            .any(|p| p.median_min.is_some_and(f64::is_finite))
    }
}

/// Half the width of a band, in periods.
const HALF: f64 = 0.28;
const BAND_ALPHA: f64 = 0.45;
/// Room for the duration tick labels and the axis title.
const Y_AREA: u32 = 76;

pub(super) fn draw<DB: DrawingBackend>(
    c: &IntervalBands,
    root: &DrawingArea<DB, Shift>,
) -> DrawResult<DB> {
    let finite = |v: &Option<f64>| v.filter(|x| x.is_finite());
    let values = c
        .points
        .iter()
        .flat_map(|p| {
            [
                finite(&p.median_min),
                finite(&p.low_min),
                finite(&p.high_min),
            ]
        })
        .chain([finite(&c.baseline_min)])
        .flatten();
    let Some(y) = LogAxis::covering(values) else {
        return Ok(());
    };
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
        (
            c.period_label.as_str(),
            &format!("{} (log scale)", c.measure),
        ),
        &LogAxis::label,
    )?;

    let band_style = SKY_BLUE.mix(BAND_ALPHA).filled();
    let bands = c.points.iter().enumerate().filter_map(|(i, p)| {
        finite(&p.median_min)?;
        let low = finite(&p.low_min).map_or(y.lo, |v| y.at(v));
        let high = finite(&p.high_min).map_or(y.hi, |v| y.at(v));
        let x = i as f64;
        Some(Rectangle::new(
            [(x - HALF, low), (x + HALF, high)],
            band_style,
        ))
    });
    chart.draw_series(bands)?;

    // The median line breaks where a period has no median rather than bridging the gap.
    let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (i, p) in c.points.iter().enumerate() {
        match finite(&p.median_min) {
            Some(m) => runs
                .last_mut()
                .expect("runs starts non-empty")
                .push((i as f64, y.at(m))),
            None => runs.push(Vec::new()),
        }
    }
    for run in runs.into_iter().filter(|r| r.len() > 1) {
        chart.draw_series(LineSeries::new(run, BLUE.stroke_width(2)))?;
    }
    let medians = c.points.iter().enumerate().filter_map(|(i, p)| {
        finite(&p.median_min).map(|m| Circle::new((i as f64, y.at(m)), 4, BLUE.filled()))
    });
    chart.draw_series(medians)?;

    let mut items = vec![
        ("median", Swatch::Dot(BLUE)),
        ("95% interval", Swatch::Fill(SKY_BLUE, BAND_ALPHA)),
    ];
    let baseline_text;
    if let Some(b) = finite(&c.baseline_min) {
        let name = if c.baseline_label.is_empty() {
            "baseline"
        } else {
            c.baseline_label.as_str()
        };
        let style = VERMILLION.stroke_width(2);
        let line = [(-0.5, y.at(b)), (n as f64 - 0.5, y.at(b))];
        chart.draw_series(DashedLineSeries::new(line, 8, 5, style))?;
        baseline_text = format!("{name}: {}", super::duration_label(b));
        items.push((baseline_text.as_str(), Swatch::Dashed(VERMILLION)));
    }
    draw_key(&key_area, &items, (MARGIN + Y_AREA) as i32)
}
