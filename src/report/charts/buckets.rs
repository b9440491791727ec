//! Stacked horizontal bars: per team (row), a count split into segments such as business-hours,
//! off-hours and sleep interruptions; the total is written at the end of each bar.
//!
//! Bars are horizontal so long team names stay readable; the key is a row under the plot rather
//! than a box over it, so it never hides a bar.

use plotters::coord::Shift;
use plotters::element::EmptyElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{LinearAxis, Ticked, category_label};
use super::style::{LIGHT_GREY, Swatch, draw_key, split_key, stack, text_on};
use super::{DESC_PX, DrawResult, MARGIN, SMALL_PX, TICK_PX, builder, font};

/// Stacked counts per row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BucketBars {
    pub title: String,
    /// The value axis title with its unit, e.g. "interruptions this week".
    pub value_label: String,
    /// Segment names in stacking order, e.g. business, off-hours, sleep.
    pub segments: Vec<String>,
    /// Rows top to bottom.
    pub rows: Vec<BucketRow>,
}

/// One bar: its name and one value per segment (missing values count as 0).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BucketRow {
    pub name: String,
    pub values: Vec<f64>,
}

impl BucketRow {
    fn value(&self, k: usize) -> f64 {
        self.values
            .get(k)
            .copied()
            .filter(|v| v.is_finite() && *v > 0.0)
            .unwrap_or(0.0)
    }

    fn total(&self, segments: usize) -> f64 {
        (0..segments).map(|k| self.value(k)).sum()
    }
}

impl BucketBars {
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() || self.segments.is_empty()
    }
}

/// Segments narrower than this (pixels) do not get their number written.
const MIN_SEG_FOR_TEXT: i32 = 22;

pub(super) fn draw<DB: DrawingBackend>(
    c: &BucketBars,
    root: &DrawingArea<DB, Shift>,
) -> DrawResult<DB> {
    let (main, key_area) = split_key(root);
    let k = c.segments.len();
    let x = LinearAxis::covering(c.rows.iter().map(|r| r.total(k)));
    let n = c.rows.len();
    // Row 0 on top: at y = n-1.
    let names: Vec<String> = c.rows.iter().rev().map(|r| r.name.clone()).collect();
    let name_w = names
        .iter()
        .map(|s| {
            root.estimate_text_size(s, &font(TICK_PX))
                .map_or(0, |(w, _)| w)
        })
        .max()
        .unwrap_or(0);
    let y_area = (name_w + 16).clamp(48, 220);
    let y_ticks = (0..n).map(|i| i as f64).collect();
    let mut chart = builder(&main, &c.title, y_area).build_cartesian_2d(
        Ticked::new(x.lo..x.hi, x.ticks.clone()),
        Ticked::new(-0.5..n as f64 - 0.5, y_ticks),
    )?;
    let y_fmt = |v: &f64| category_label(&names, *v);
    chart
        .configure_mesh()
        .disable_y_mesh()
        .bold_line_style(LIGHT_GREY)
        .x_desc(c.value_label.as_str())
        .x_label_formatter(&LinearAxis::label)
        .y_label_formatter(&y_fmt)
        .label_style(font(TICK_PX))
        .axis_desc_style(font(DESC_PX))
        .draw()?;

    // Pixels per unit of value, to decide whether a segment has room for its number.
    let px_per_unit = {
        let (p0, p1) = (
            chart.backend_coord(&(x.lo, 0.0)).0,
            chart.backend_coord(&(x.hi, 0.0)).0,
        );
        (p1 - p0) as f64 / (x.hi - x.lo)
    };
    let centre = Pos::new(HPos::Center, VPos::Center);
    for (i, row) in c.rows.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        let mut acc = 0.0;
        let mut segs = Vec::new();
        let mut texts = Vec::new();
        for s in 0..k {
            let v = row.value(s);
            if v <= 0.0 {
                continue;
            }
            let colour = stack(s);
            segs.push(Rectangle::new(
                [(acc, y - 0.32), (acc + v, y + 0.32)],
                colour.filled(),
            ));
            if v * px_per_unit >= MIN_SEG_FOR_TEXT as f64 {
                let style = font(SMALL_PX).color(text_on(colour)).pos(centre);
                texts.push(Text::new(LinearAxis::label(&v), (acc + v / 2.0, y), style));
            }
            acc += v;
        }
        chart.draw_series(segs)?;
        chart.draw_series(texts)?;
        let style = font(SMALL_PX).pos(Pos::new(HPos::Left, VPos::Center));
        // The total just right of the bar, offset in pixels so it does not touch it.
        let total = EmptyElement::at((acc, y)) + Text::new(LinearAxis::label(&acc), (4, 0), style);
        chart.draw_series([total])?;
    }
    let items: Vec<(&str, Swatch)> = c
        .segments
        .iter()
        .enumerate()
        .map(|(s, name)| (name.as_str(), Swatch::Fill(stack(s), 1.0)))
        .collect();
    draw_key(&key_area, &items, (MARGIN + y_area) as i32)
}
