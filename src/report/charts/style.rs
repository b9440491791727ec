//! The charts' visual vocabulary: colours and the key (legend).
//!
//! Colours: the Okabe-Ito palette for categories, whose eight colours stay distinguishable under
//! the common colour-vision deficiencies, and a viridis-like sequential scale for amounts
//! (perceptually uniform, readable in grey scale), interpolated between five viridis anchors so
//! it is reproducible without a colour-map dependency.
//!
//! The key is one row of swatches and names under the plot: unlike a legend box over the plot
//! area it never hides a band or a point that lands in its corner.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{DrawResult, TICK_PX, font};

pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
pub const SKY_BLUE: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
pub const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
pub const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
pub const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
pub const INK: RGBColor = RGBColor(0x00, 0x00, 0x00);

/// The Okabe-Ito palette in its published order.
pub const OKABE_ITO: [RGBColor; 8] = [
    ORANGE, SKY_BLUE, GREEN, YELLOW, BLUE, VERMILLION, PURPLE, INK,
];

/// Secondary text, "no data", reference lines.
pub const GREY: RGBColor = RGBColor(0x66, 0x66, 0x66);
/// Grid lines and empty heatmap cells: visible on white without competing with data.
pub const LIGHT_GREY: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);

/// Category colours in the order charts use them. Yellow comes last among the colours because
/// it is hard to see on white; black is kept for text and reference lines.
const CATEGORY_ORDER: [RGBColor; 7] = [BLUE, ORANGE, GREEN, VERMILLION, SKY_BLUE, PURPLE, YELLOW];

/// The colour of the `i`-th category (groups, teams), cycling after seven.
pub fn category(i: usize) -> RGBColor {
    CATEGORY_ORDER[i % CATEGORY_ORDER.len()]
}

/// Colours of stacked segments (business, off-hours, sleep, ...): calm to alarming.
const STACK_ORDER: [RGBColor; 7] = [SKY_BLUE, ORANGE, VERMILLION, BLUE, GREEN, PURPLE, YELLOW];

pub fn stack(i: usize) -> RGBColor {
    STACK_ORDER[i % STACK_ORDER.len()]
}

/// Viridis anchors at t = 0, 0.25, 0.5, 0.75, 1 (dark purple to yellow).
const VIRIDIS: [RGBColor; 5] = [
    RGBColor(0x44, 0x01, 0x54),
    RGBColor(0x3B, 0x52, 0x8B),
    RGBColor(0x21, 0x91, 0x8C),
    RGBColor(0x5E, 0xC9, 0x62),
    RGBColor(0xFD, 0xE7, 0x25),
];

/// The sequential colour of `t` in [0, 1]: 0 light (yellow), 1 dark (purple), so that "more" reads
/// as "darker" on a white page. Out-of-range and NaN inputs are clamped (NaN to 0).
pub fn sequential(t: f64) -> RGBColor {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    // Reverse viridis: t = 0 is the yellow end.
    let pos = (1.0 - t) * (VIRIDIS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(VIRIDIS.len() - 2);
    let f = pos - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Black or white, whichever reads better on `bg` (relative luminance against a mid threshold).
/// (A `'static` reference because plotters' text styles borrow their colour.)
pub fn text_on(bg: RGBColor) -> &'static RGBColor {
    let lum = 0.2126 * bg.0 as f64 + 0.7152 * bg.1 as f64 + 0.0722 * bg.2 as f64;
    if lum > 140.0 {
        &INK
    } else {
        &RGBColor(0xFF, 0xFF, 0xFF)
    }
}

/// Height of the key row, in pixels.
pub const KEY_H: u32 = 26;

/// How an entry of the key is drawn: like the mark it explains.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Swatch {
    /// A filled box (bars, bands, segments), with its opacity.
    Fill(RGBColor, f64),
    /// A box outline (box plots).
    Outline(RGBColor),
    /// A filled point.
    Dot(RGBColor),
    /// A hollow point (open incidents).
    Ring(RGBColor),
    /// A solid line.
    Line(RGBColor),
    /// A dashed line (limits, baselines).
    Dashed(RGBColor),
}

/// Split `root` into the plot area and the key row at its bottom.
pub fn split_key<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
) -> (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>) {
    let (_, h) = root.dim_in_pixel();
    root.split_vertically(h.saturating_sub(KEY_H))
}

/// Draw the entries left to right starting at pixel `x` (usually the plot's left edge).
pub fn draw_key<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[(&str, Swatch)],
    mut x: i32,
) -> DrawResult<DB> {
    let (_, h) = area.dim_in_pixel();
    let y = h as i32 / 2;
    let style = font(TICK_PX).pos(Pos::new(HPos::Left, VPos::Center));
    for &(name, swatch) in items {
        match swatch {
            Swatch::Fill(c, alpha) => area.draw(&Rectangle::new(
                [(x, y - 6), (x + 16, y + 6)],
                c.mix(alpha).filled(),
            ))?,
            Swatch::Outline(c) => area.draw(&Rectangle::new(
                [(x + 2, y - 6), (x + 14, y + 6)],
                c.stroke_width(1),
            ))?,
            Swatch::Dot(c) => area.draw(&Circle::new((x + 8, y), 4, c.filled()))?,
            Swatch::Ring(c) => area.draw(&Circle::new((x + 8, y), 4, c.stroke_width(2)))?,
            Swatch::Line(c) => area.draw(&PathElement::new(
                vec![(x, y), (x + 16, y)],
                c.stroke_width(2),
            ))?,
            Swatch::Dashed(c) => {
                let style = c.stroke_width(2);
                area.draw(&PathElement::new(vec![(x, y), (x + 6, y)], style))?;
                area.draw(&PathElement::new(vec![(x + 10, y), (x + 16, y)], style))?;
            }
        }
        area.draw(&Text::new(name, (x + 21, y), style.clone()))?;
        let w = area
            .estimate_text_size(name, &style)
            .map_or(60, |(w, _)| w as i32);
        x += 21 + w + 20;
    }
    Ok(())
}
