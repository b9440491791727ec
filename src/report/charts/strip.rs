//! Strip and box plot of durations per group (e.g. TTR per severity) on a log duration axis.
//!
//! Every incident is a point, spread sideways by a jitter derived from its index (a hash, not a
//! random generator, so the picture is reproducible). Open incidents are hollow: their duration
//! so far is only a lower bound. A box (quartiles, median, whiskers to the furthest point within
//! 1.5 IQR) is drawn over a group once it has enough closed incidents for quartiles to mean
//! something; quartiles are taken on log durations, the scale the reader sees.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{LogAxis, Ticked};
use super::style::{GREY, INK, Swatch, category, draw_key, split_key};
use super::{DrawResult, MARGIN, category_chart};

/// Durations per group.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StripChart {
    pub title: String,
    /// What is measured, e.g. "TTR"; the y axis reads "TTR (log scale)".
    pub measure: String,
    /// The group axis title, e.g. "severity".
    pub group_label: String,
    /// Groups in display order.
    pub groups: Vec<StripGroup>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct StripGroup {
    pub name: String,
    pub values: Vec<StripValue>,
}

/// One incident's duration in minutes; `open`: still running, the duration is its age so far.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StripValue {
    pub minutes: f64,
    pub open: bool,
}

impl StripChart {
    pub fn is_empty(&self) -> bool {
        !self
            .groups
            .iter()
            .flat_map(|g| &g.values)
            .any(|v| v.minutes.is_finite())
    }
}

/// Closed incidents a group needs before it gets a box.
pub const BOX_MIN_N: usize = 5;
/// Half-width of the jitter and of the box, in groups.
const JITTER: f64 = 0.28;
const BOX_HALF: f64 = 0.32;
/// Room for the duration tick labels and the axis title.
const Y_AREA: u32 = 76;

/// The box of a group, in axis coordinates (log10 minutes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoxStats {
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub whisker_lo: f64,
    pub whisker_hi: f64,
}

/// Quartiles and whiskers of `coords` (finite, any order); `None` below [`BOX_MIN_N`] values.
pub fn box_stats(coords: &[f64]) -> Option<BoxStats> {
    if coords.len() < BOX_MIN_N {
        return None;
    }
    let mut v = coords.to_vec();
    v.sort_by(f64::total_cmp);
    let (q1, median, q3) = (quantile(&v, 0.25), quantile(&v, 0.5), quantile(&v, 0.75));
    let iqr = q3 - q1;
    let (lo_fence, hi_fence) = (q1 - 1.5 * iqr, q3 + 1.5 * iqr);
    // The sorted values always contain points inside the fences (the quartiles' neighbours).
    let whisker_lo = v.iter().copied().find(|&x| x >= lo_fence).unwrap_or(q1);
    let whisker_hi = v
        .iter()
        .rev()
        .copied()
        .find(|&x| x <= hi_fence)
        .unwrap_or(q3);
    Some(BoxStats {
        q1,
        median,
        q3,
        whisker_lo,
        whisker_hi,
    })
}

/// Linear interpolation between order statistics (Hyndman-Fan type 7) of a sorted slice.
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let (i, f) = (h.floor() as usize, h - h.floor());
    match sorted.get(i + 1) {
        Some(next) => sorted[i] + (next - sorted[i]) * f,
        None => sorted[i],
    }
}

/// A reproducible offset in [-JITTER, JITTER] for point `i` of group `g` (splitmix64 of both).
pub fn jitter(g: usize, i: usize) -> f64 {
    let mut z = (g as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (i as u64).wrapping_add(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    ((z >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0) * JITTER
}

pub(super) fn draw<DB: DrawingBackend>(
    c: &StripChart,
    root: &DrawingArea<DB, Shift>,
) -> DrawResult<DB> {
    let all = c
        .groups
        .iter()
        .flat_map(|g| g.values.iter().map(|v| v.minutes));
    let Some(y) = LogAxis::covering(all) else {
        return Ok(());
    };
    let labels: Vec<String> = c
        .groups
        .iter()
        .map(|g| {
            let k = g.values.iter().filter(|v| v.minutes.is_finite()).count();
            format!("{} (n={k})", g.name)
        })
        .collect();
    let (main, key_area) = split_key(root);
    let y_range = Ticked::new(y.lo..y.hi, y.ticks.clone());
    let mut chart = category_chart(
        &main,
        &c.title,
        Y_AREA,
        &labels,
        90,
        &y_range,
        (
            c.group_label.as_str(),
            &format!("{} (log scale)", c.measure),
        ),
        &LogAxis::label,
    )?;

    let mut any_box = false;
    for (g, group) in c.groups.iter().enumerate() {
        let closed: Vec<f64> = group
            .values
            .iter()
            .filter(|v| !v.open && v.minutes.is_finite())
            .map(|v| y.at(v.minutes))
            .collect();
        if let Some(b) = box_stats(&closed) {
            any_box = true;
            draw_box(&mut chart, g as f64, &b)?;
        }
        let colour = category(g);
        let points = group
            .values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.minutes.is_finite());
        chart.draw_series(points.map(|(i, v)| {
            let at = (g as f64 + jitter(g, i), y.at(v.minutes));
            if v.open {
                Circle::new(at, 4, colour.stroke_width(2))
            } else {
                Circle::new(at, 3, colour.mix(0.85).filled())
            }
        }))?;
    }

    let mut items = vec![("closed", Swatch::Dot(GREY))];
    if c.groups.iter().flat_map(|g| &g.values).any(|v| v.open) {
        items.push(("open (duration so far)", Swatch::Ring(GREY)));
    }
    if any_box {
        items.push((
            "box: quartiles of closed, whiskers 1.5 IQR",
            Swatch::Outline(INK),
        ));
    }
    draw_key(&key_area, &items, (MARGIN + Y_AREA) as i32)
}

fn draw_box<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, plotters::coord::cartesian::Cartesian2d<Ticked, Ticked>>,
    x: f64,
    b: &BoxStats,
) -> DrawResult<DB> {
    let thin = INK.stroke_width(1);
    let (l, r) = (x - BOX_HALF, x + BOX_HALF);
    let cap = BOX_HALF / 2.0;
    chart.draw_series([
        PathElement::new(vec![(x, b.q3), (x, b.whisker_hi)], thin),
        PathElement::new(vec![(x - cap, b.whisker_hi), (x + cap, b.whisker_hi)], thin),
        PathElement::new(vec![(x, b.q1), (x, b.whisker_lo)], thin),
        PathElement::new(vec![(x - cap, b.whisker_lo), (x + cap, b.whisker_lo)], thin),
        PathElement::new(vec![(l, b.median), (r, b.median)], INK.stroke_width(3)),
    ])?;
    chart.draw_series([Rectangle::new([(l, b.q1), (r, b.q3)], thin)])?;
    Ok(())
}
