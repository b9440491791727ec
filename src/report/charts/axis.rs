//! Axis scales and tick labels: durations on a log scale, counts on a linear one, categories.
//!
//! Durations span orders of magnitude (a 2-minute acknowledgement and a 3-day fix in one chart), so
//! they are plotted as log10(minutes) on a plain linear coordinate with ticks we choose ourselves
//! at round durations (30 s, 5 min, 1 h, 1 d ...): plotters' own log ticks fall on powers of ten of
//! the unit, which read badly as durations.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};

use crate::report::text::duration_label;

/// Seconds are the smallest unit drawn; a duration of 0 (acknowledged the same second) is drawn
/// at 1 s, the bottom of any duration axis.
const FLOOR_MIN: f64 = 1.0 / 60.0;

const MIN: f64 = 1.0;
const HOUR: f64 = 60.0;
const DAY: f64 = 1440.0;

/// Round durations, in minutes, that may become ticks.
const DURATION_TICKS: [f64; 27] = [
    FLOOR_MIN,
    2.0 / 60.0,
    5.0 / 60.0,
    10.0 / 60.0,
    15.0 / 60.0,
    0.5,
    MIN,
    2.0,
    5.0,
    10.0,
    15.0,
    30.0,
    HOUR,
    2.0 * HOUR,
    3.0 * HOUR,
    6.0 * HOUR,
    12.0 * HOUR,
    DAY,
    2.0 * DAY,
    4.0 * DAY,
    7.0 * DAY,
    14.0 * DAY,
    30.0 * DAY,
    60.0 * DAY,
    90.0 * DAY,
    180.0 * DAY,
    365.0 * DAY,
];

/// At most this many ticks on a duration axis.
const MAX_TICKS: usize = 7;

/// A log-scaled duration axis: the coordinate is log10(minutes).
#[derive(Debug, Clone, PartialEq)]
pub struct LogAxis {
    pub lo: f64,
    pub hi: f64,
    /// Tick positions (log10 of round durations), ascending.
    pub ticks: Vec<f64>,
}

impl LogAxis {
    /// The axis covering `minutes` (non-finite values ignored, values below 1 s drawn at 1 s),
    /// padded so points do not sit on the frame, and at least one decade tall so there are ticks
    /// to read. `None` when no value is finite.
    pub fn covering(minutes: impl IntoIterator<Item = f64>) -> Option<LogAxis> {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for m in minutes.into_iter().filter(|m| m.is_finite()) {
            let m = m.max(FLOOR_MIN);
            lo = lo.min(m);
            hi = hi.max(m);
        }
        if !lo.is_finite() {
            return None;
        }
        let (mut lo, mut hi) = (lo / 1.5, hi * 1.5);
        if hi / lo < 10.0 {
            let mid = (lo * hi).sqrt();
            (lo, hi) = (mid / 10f64.sqrt(), mid * 10f64.sqrt());
        }
        let candidates: Vec<f64> = DURATION_TICKS
            .iter()
            .copied()
            .filter(|&t| t >= lo && t <= hi)
            .collect();
        let ticks = thin_geometric(&candidates, MAX_TICKS);
        Some(LogAxis {
            lo: lo.log10(),
            hi: hi.log10(),
            ticks: ticks.iter().map(|t| t.log10()).collect(),
        })
    }

    /// The coordinate of a duration in minutes.
    pub fn at(&self, minutes: f64) -> f64 {
        minutes.max(FLOOR_MIN).log10()
    }

    /// The label of a coordinate (a tick position).
    pub fn label(v: &f64) -> String {
        duration_label(10f64.powf(*v))
    }
}

/// At most `max` of the ascending `candidates`, keeping the first and then each one at least a
/// growing ratio above the last kept, so ticks stay evenly spread on the log scale.
fn thin_geometric(candidates: &[f64], max: usize) -> Vec<f64> {
    for ratio in [1.0, 1.9, 2.9, 4.9, 9.9, 29.9, 99.0, 999.0] {
        let mut kept: Vec<f64> = Vec::new();
        for &c in candidates {
            if kept.last().is_none_or(|&last| c / last >= ratio) {
                kept.push(c);
            }
        }
        if kept.len() <= max {
            return kept;
        }
    }
    candidates.iter().copied().take(max).collect()
}

/// A linear axis from `lo` to `hi` with ticks at a 1-2-5 step.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearAxis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
}

impl LinearAxis {
    /// The axis covering `values` and 0 (counts and rates start at zero), with 10% headroom and
    /// at most about six ticks. An all-zero or empty input gives 0..1.
    pub fn covering(values: impl IntoIterator<Item = f64>) -> LinearAxis {
        let (mut lo, mut hi) = (0.0f64, 0.0f64);
        for v in values.into_iter().filter(|v| v.is_finite()) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        let span = hi - lo;
        if span <= 0.0 {
            return LinearAxis {
                lo: 0.0,
                hi: 1.0,
                ticks: vec![0.0, 0.5, 1.0],
            };
        }
        let hi = if hi > 0.0 { hi + span * 0.1 } else { hi };
        let lo = if lo < 0.0 { lo - span * 0.1 } else { lo };
        let step = nice_step((hi - lo) / 5.0);
        let first = (lo / step).ceil() as i64;
        let last = (hi / step).floor() as i64;
        let ticks = (first..=last).map(|k| k as f64 * step).collect();
        LinearAxis { lo, hi, ticks }
    }

    /// Tick labels: integers without decimals, others with up to two.
    pub fn label(v: &f64) -> String {
        let r = (v * 100.0).round() / 100.0;
        if r.fract() == 0.0 {
            format!("{r:.0}")
        } else {
            let s = format!("{r:.2}");
            s.trim_end_matches('0').to_string()
        }
    }
}

/// The smallest 1, 2 or 5 x 10^k at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let mag = 10f64.powf(raw.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * mag >= raw * (1.0 - 1e-9) {
            return m * mag;
        }
    }
    10.0 * mag
}

/// Positions 0..n of categorical labels, thinned to at most `max` (every k-th) so long series
/// of weeks do not overprint.
pub fn category_ticks(n: usize, max: usize) -> Vec<f64> {
    let step = n.div_ceil(max.max(1)).max(1);
    (0..n).step_by(step).map(|i| i as f64).collect()
}

/// The label at a categorical position, empty between categories.
pub fn category_label(labels: &[String], v: f64) -> String {
    let i = v.round();
    if i < 0.0 || (v - i).abs() > 1e-6 {
        return String::new();
    }
    labels.get(i as usize).cloned().unwrap_or_default()
}

/// A linear f64 coordinate whose ticks are exactly the given positions. plotters' own
/// `with_key_points` wrapper loses the label formatter of f64 axes, hence this small type.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticked {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
}

impl Ticked {
    pub fn new(range: Range<f64>, ticks: Vec<f64>) -> Ticked {
        Ticked {
            lo: range.start,
            hi: range.end,
            ticks,
        }
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let span = self.hi - self.lo;
        if span == 0.0 || !v.is_finite() {
            return (limit.0 + limit.1) / 2;
        }
        let t = (v - self.lo) / span;
        limit.0 + ((limit.1 - limit.0) as f64 * t).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Ticks are bold points only: no light grid lines between them.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}
