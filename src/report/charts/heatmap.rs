//! The paging heatmap: pages per hour of day (columns) and day of week (rows, Monday on top),
//! in the team's local time, on a sequential colour-blind-safe scale with a colour-bar legend.
//!
//! Colour is linear in the count (0 is grey, the busiest cell darkest), and each cell with pages
//! also carries its number when there is room, so the scale is never the only way to read it.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{Ticked, category_label};
use super::style::{GREY, LIGHT_GREY, sequential, text_on};
use super::{DESC_PX, DrawResult, SMALL_PX, TICK_PX, builder, font};

/// Page counts by weekday and hour.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PagingHeatmap {
    pub title: String,
    /// `counts[weekday][hour]`, weekday 0 = Monday, hour 0..24 on the team's wall clock.
    pub counts: [[u32; 24]; 7],
    /// What is counted, for the legend, e.g. "pages".
    pub value_label: String,
}

impl PagingHeatmap {
    pub fn is_empty(&self) -> bool {
        self.max() == 0
    }

    fn max(&self) -> u32 {
        self.counts.iter().flatten().copied().max().unwrap_or(0)
    }

    /// The colour of a count.
    pub fn colour(&self, count: u32) -> RGBColor {
        match (count, self.max()) {
            (0, _) | (_, 0) => LIGHT_GREY,
            (c, m) => sequential(c as f64 / m as f64),
        }
    }
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
/// Width of the colour-bar legend on the right, in pixels.
const LEGEND_W: u32 = 96;
/// Cells narrower than this (pixels) do not get their number written.
const MIN_CELL_FOR_TEXT: i32 = 18;
/// Colour bands of the legend bar.
const SLICES: i32 = 32;

pub(super) fn draw<DB: DrawingBackend>(
    c: &PagingHeatmap,
    root: &DrawingArea<DB, Shift>,
) -> DrawResult<DB> {
    let (w, _) = root.dim_in_pixel();
    let (main, side) = root.split_horizontally(w.saturating_sub(LEGEND_W));
    // Hour h spans [h, h+1); the label sits at the middle of the cell.
    let x_ticks: Vec<f64> = (0..24).step_by(2).map(|h| h as f64 + 0.5).collect();
    let y_ticks: Vec<f64> = (0..7).map(|d| d as f64 + 0.5).collect();
    let hour_labels: Vec<String> = (0..24).map(|h| format!("{h:02}")).collect();
    // Row 0 at the bottom is Sunday, so Monday reads first from the top.
    let day_labels: Vec<String> = WEEKDAYS.iter().rev().map(|d| d.to_string()).collect();
    let mut chart = builder(&main, &c.title, 48).build_cartesian_2d(
        Ticked::new(0.0..24.0, x_ticks),
        Ticked::new(0.0..7.0, y_ticks),
    )?;
    let x_fmt = |v: &f64| category_label(&hour_labels, v - 0.5);
    let y_fmt = |v: &f64| category_label(&day_labels, v - 0.5);
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("hour of day (team time)")
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style(font(TICK_PX))
        .axis_desc_style(font(DESC_PX))
        .draw()?;

    let cells = (0..7).flat_map(|d| (0..24).map(move |h| (d, h)));
    chart.draw_series(cells.clone().map(|(d, h)| {
        let (x, y) = (h as f64, (6 - d) as f64);
        let colour = c.colour(c.counts[d][h]);
        Rectangle::new(
            [(x + 0.04, y + 0.06), (x + 0.96, y + 0.94)],
            colour.filled(),
        )
    }))?;

    let cell_w = {
        let (x0, _) = chart.backend_coord(&(0.0, 0.0));
        let (x1, _) = chart.backend_coord(&(1.0, 0.0));
        x1 - x0
    };
    if cell_w >= MIN_CELL_FOR_TEXT {
        let centre = Pos::new(HPos::Center, VPos::Center);
        let texts = cells.filter(|&(d, h)| c.counts[d][h] > 0).map(|(d, h)| {
            let n = c.counts[d][h];
            let style = font(SMALL_PX).color(text_on(c.colour(n))).pos(centre);
            Text::new(n.to_string(), (h as f64 + 0.5, (6 - d) as f64 + 0.5), style)
        });
        chart.draw_series(texts)?;
    }
    colour_bar(c, &side)
}

/// A vertical colour bar from 0 to the maximum count, with the zero swatch below it.
fn colour_bar<DB: DrawingBackend>(
    c: &PagingHeatmap,
    area: &DrawingArea<DB, Shift>,
) -> DrawResult<DB> {
    let (_, h) = area.dim_in_pixel();
    let max = c.max();
    let (x0, x1) = (10, 26);
    let (top, bottom) = (48, (h as i32 - 90).max(80));
    let label = if c.value_label.is_empty() {
        "count"
    } else {
        c.value_label.as_str()
    };
    let left = Pos::new(HPos::Left, VPos::Center);
    area.draw(&Text::new(label, (x0, top - 16), font(TICK_PX).pos(left)))?;
    // The bar in SLICES bands, the top one the colour of the maximum.
    let height = (bottom - top).max(1);
    for k in 0..SLICES {
        let y0 = top + height * k / SLICES;
        let y1 = top + height * (k + 1) / SLICES;
        let t = 1.0 - k as f64 / SLICES as f64;
        area.draw(&Rectangle::new(
            [(x0, y0), (x1, y1)],
            sequential(t).filled(),
        ))?;
    }
    area.draw(&Rectangle::new(
        [(x0, top), (x1, bottom)],
        GREY.stroke_width(1),
    ))?;
    let tick = |v: u32| {
        let y = bottom - (height as f64 * v as f64 / max.max(1) as f64).round() as i32;
        Text::new(v.to_string(), (x1 + 6, y), font(SMALL_PX).pos(left))
    };
    area.draw(&tick(max))?;
    if max >= 2 {
        area.draw(&tick(max / 2))?;
    }
    let zero = bottom + 14;
    area.draw(&Rectangle::new(
        [(x0, zero), (x1, zero + 14)],
        LIGHT_GREY.filled(),
    ))?;
    area.draw(&Text::new(
        "0",
        (x1 + 6, zero + 7),
        font(SMALL_PX).pos(left),
    ))
}
