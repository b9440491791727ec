//! Small multiples: one small line chart per team, in a grid, all on the same y scale so teams
//! compare by eye without being ranked; each panel is titled with its team.
//!
//! The shared scale is stated under the title; panels only carry tick labels. A count-like value
//! uses a linear scale from zero, a duration a log scale (`PanelScale`).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{LinearAxis, LogAxis, Ticked, category_label};
use super::style::{BLUE, GREY, LIGHT_GREY};
use super::{DrawResult, SMALL_PX, TICK_PX, TITLE_PX, font};

/// A grid of panels sharing periods and y scale.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SmallMultiples {
    pub title: String,
    /// The shared y quantity with its unit, e.g. "pages per 12-hour shift" or "median TTR".
    pub value_label: String,
    pub scale: PanelScale,
    /// Period labels shared by every panel, in time order (e.g. months).
    pub periods: Vec<String>,
    pub panels: Vec<Panel>,
}

/// How the shared y axis is scaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PanelScale {
    /// Linear from zero: counts, rates, percentages.
    #[default]
    Linear,
    /// Log scale with duration ticks; values are minutes.
    LogDuration,
}

/// One team's series: a value per period (`None` where it has none).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Panel {
    pub title: String,
    pub values: Vec<Option<f64>>,
}

impl SmallMultiples {
    pub fn is_empty(&self) -> bool {
        self.values().next().is_none()
    }

    fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.panels
            .iter()
            .flat_map(|p| p.values.iter().flatten().copied())
            .filter(|v| v.is_finite())
    }
}

/// The shared y axis: range, ticks and how to place and label a value.
struct Shared {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
    log: bool,
}

impl Shared {
    fn at(&self, v: f64) -> f64 {
        if self.log {
            v.max(1.0 / 60.0).log10()
        } else {
            v
        }
    }

    fn label(&self, v: &f64) -> String {
        if self.log {
            LogAxis::label(v)
        } else {
            LinearAxis::label(v)
        }
    }
}

/// Room above the grid for the title and the scale note, in pixels.
const HEADER_H: u32 = 52;

pub(super) fn draw<DB: DrawingBackend>(
    c: &SmallMultiples,
    root: &DrawingArea<DB, Shift>,
) -> DrawResult<DB> {
    let shared = match c.scale {
        PanelScale::Linear => {
            let a = LinearAxis::covering(c.values());
            Shared {
                lo: a.lo,
                hi: a.hi,
                ticks: a.ticks,
                log: false,
            }
        }
        PanelScale::LogDuration => match LogAxis::covering(c.values()) {
            Some(a) => Shared {
                lo: a.lo,
                hi: a.hi,
                ticks: a.ticks,
                log: true,
            },
            None => return Ok(()),
        },
    };
    let (w, h) = root.dim_in_pixel();
    let (header, grid) = root.split_vertically(HEADER_H);
    let centre = Pos::new(HPos::Center, VPos::Center);
    header.draw(&Text::new(
        c.title.as_str(),
        (w as i32 / 2, 16),
        font(TITLE_PX).pos(centre),
    ))?;
    let scale = if shared.log { ", log scale" } else { "" };
    let note = format!("{} (same scale in every panel{scale})", c.value_label);
    let note_style = font(TICK_PX).color(&GREY).pos(centre);
    header.draw(&Text::new(note, (w as i32 / 2, 40), note_style))?;

    let n = c.panels.len();
    let aspect = w as f64 / (h.saturating_sub(HEADER_H).max(1)) as f64;
    let cols = ((n as f64 * aspect / 1.6).sqrt().ceil() as usize).clamp(1, n.max(1));
    let rows = n.div_ceil(cols);
    let cells = grid.split_evenly((rows, cols));
    for (panel, cell) in c.panels.iter().zip(&cells) {
        draw_panel(panel, cell, &c.periods, &shared)?;
    }
    Ok(())
}

fn draw_panel<DB: DrawingBackend>(
    p: &Panel,
    cell: &DrawingArea<DB, Shift>,
    periods: &[String],
    y: &Shared,
) -> DrawResult<DB> {
    let n = periods.len().max(p.values.len()).max(1);
    // First and last period only: a panel is too narrow for more labels.
    let x_ticks = if n > 1 {
        vec![0.0, (n - 1) as f64]
    } else {
        vec![0.0]
    };
    let mut chart = ChartBuilder::on(cell)
        .caption(p.title.as_str(), font(TICK_PX))
        .margin(6)
        .margin_right(26)
        .x_label_area_size(20)
        .y_label_area_size(if y.log { 52 } else { 40 })
        .build_cartesian_2d(
            Ticked::new(-0.3..n as f64 - 0.7, x_ticks),
            Ticked::new(y.lo..y.hi, y.ticks.clone()),
        )?;
    let x_fmt = |v: &f64| category_label(periods, *v);
    let y_fmt = |v: &f64| y.label(v);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(LIGHT_GREY)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style(font(SMALL_PX))
        .draw()?;

    let points: Vec<Option<(f64, f64)>> = p
        .values
        .iter()
        .enumerate()
        .map(|(i, v)| v.filter(|v| v.is_finite()).map(|v| (i as f64, y.at(v))))
        .collect();
    if points.iter().all(Option::is_none) {
        let (w, h) = cell.dim_in_pixel();
        let style = font(SMALL_PX)
            .color(&GREY)
            .pos(Pos::new(HPos::Center, VPos::Center));
        return cell.draw(&Text::new("no data", (w as i32 / 2, h as i32 / 2), style));
    }
    // Gaps (periods without a value) break the line.
    for run in points.split(Option::is_none).filter(|r| r.len() > 1) {
        chart.draw_series(LineSeries::new(
            run.iter().flatten().copied(),
            BLUE.stroke_width(2),
        ))?;
    }
    chart.draw_series(
        points
            .iter()
            .flatten()
            .map(|&pt| Circle::new(pt, 2, BLUE.filled())),
    )?;
    Ok(())
}
