//! Unit tests of the chart building blocks: duration labels and log ticks, linear ticks, box
//! statistics, jitter, colours, XmR signals, timeline phases and ticks; PNG pixels, chunks and
//! size, read back with the `png` crate's decoder ([`decode_png`], shared with `tests`).

use chrono::{TimeZone, Utc};

use super::super::axis::{LinearAxis, LogAxis, category_ticks};
use super::super::strip::{box_stats, jitter};
use super::super::style::{LIGHT_GREY, sequential, text_on};
use super::super::{ChartStyle, png, timeline, to_png};
use super::{heatmap, timeline as timeline_fixture, xmr};
use crate::report::text::duration_label;
use plotters::style::RGBColor;

#[test]
fn duration_labels_pick_the_largest_unit_reached() {
    assert_eq!(duration_label(1.5), "1.5 min"); // 90 s
    assert_eq!(duration_label(120.0), "2 h"); // 7200 s
    assert_eq!(duration_label(30.0), "30 min");
    assert_eq!(duration_label(0.5), "30 s");
    assert_eq!(duration_label(1440.0), "1 d");
    assert_eq!(duration_label(2160.0), "1.5 d"); // 36 h
    assert_eq!(duration_label(90.0), "1.5 h");
    // A tick that went through log10 and back still reads as the round value.
    assert_eq!(LogAxis::label(&60f64.log10()), "1 h");
    assert_eq!(LogAxis::label(&1440f64.log10()), "1 d");
    assert_eq!(duration_label(f64::NAN), "-");
}

#[test]
fn log_axis_ticks_are_round_durations() {
    // Data 3..200 min, padded by 1.5x: 2..300 min. Candidates inside: 2, 5, 10, 15, 30 min,
    // 1, 2, 3 h (8 > 7), so keep each at least 1.9x the last: 2, 5, 10, 30, 60, 120.
    let a = LogAxis::covering([3.0, 40.0, 200.0]).expect("finite data");
    assert!((a.lo - 2f64.log10()).abs() < 1e-12 && (a.hi - 300f64.log10()).abs() < 1e-12);
    let labels: Vec<String> = a.ticks.iter().map(LogAxis::label).collect();
    assert_eq!(labels, ["2 min", "5 min", "10 min", "30 min", "1 h", "2 h"]);
    // A zero duration sits at the 1 s floor; one value gets a decade of room around it.
    let z = LogAxis::covering([0.0]).expect("finite");
    assert!((z.at(0.0) - (1.0f64 / 60.0).log10()).abs() < 1e-12);
    assert!((z.hi - z.lo - 1.0).abs() < 1e-9);
    assert_eq!(LogAxis::covering([f64::NAN, f64::INFINITY]), None);
}

#[test]
fn linear_axis_starts_at_zero_with_nice_steps() {
    // max 7 -> top 7.7, raw step 1.54 -> 2: ticks 0, 2, 4, 6.
    let a = LinearAxis::covering([3.0, 7.0]);
    assert_eq!((a.lo, a.ticks.clone()), (0.0, vec![0.0, 2.0, 4.0, 6.0]));
    assert!((a.hi - 7.7).abs() < 1e-12);
    assert_eq!(LinearAxis::covering([]).ticks, vec![0.0, 0.5, 1.0]);
    assert_eq!(LinearAxis::label(&0.25), "0.25");
    assert_eq!(LinearAxis::label(&4.0), "4");
    assert_eq!(LinearAxis::label(&4.2), "4.2");
    // 30 weeks, room for 8 labels: every 4th (30 / 8 rounded up).
    assert_eq!(
        category_ticks(30, 8),
        vec![0.0, 4.0, 8.0, 12.0, 16.0, 20.0, 24.0, 28.0]
    );
}

#[test]
fn box_stats_quartiles_and_whiskers() {
    // 1..5: q1 = 2, median 3, q3 = 4, IQR 2, fences -1 and 7: whiskers at 1 and 5.
    let b = box_stats(&[5.0, 1.0, 4.0, 2.0, 3.0]).expect("five values");
    assert_eq!(
        (b.q1, b.median, b.q3, b.whisker_lo, b.whisker_hi),
        (2.0, 3.0, 4.0, 1.0, 5.0)
    );
    // With 20 added (n = 6): q1 at rank 1.25 = 2.25, median 3.5, q3 at 3.75 = 4.75; the upper
    // fence 4.75 + 1.5 * 2.5 = 8.5 leaves 20 outside, so the whisker stops at 5.
    let b = box_stats(&[1.0, 2.0, 3.0, 4.0, 5.0, 20.0]).expect("six values");
    assert_eq!((b.q1, b.median, b.q3, b.whisker_hi), (2.25, 3.5, 4.75, 5.0));
    assert_eq!(box_stats(&[1.0, 2.0, 3.0, 4.0]), None);
}

#[test]
fn jitter_is_reproducible_bounded_and_spread() {
    let xs: Vec<f64> = (0..200).map(|i| jitter(1, i)).collect();
    assert_eq!(xs, (0..200).map(|i| jitter(1, i)).collect::<Vec<_>>());
    assert!(xs.iter().all(|x| x.abs() <= 0.28));
    assert!(xs.iter().any(|&x| x < -0.1) && xs.iter().any(|&x| x > 0.1));
    assert_ne!(jitter(0, 3), jitter(1, 3));
}

#[test]
fn sequential_scale_runs_from_viridis_yellow_to_purple() {
    assert_eq!(sequential(0.0), RGBColor(0xFD, 0xE7, 0x25));
    assert_eq!(sequential(1.0), RGBColor(0x44, 0x01, 0x54));
    assert_eq!(sequential(0.5), RGBColor(0x21, 0x91, 0x8C));
    // Halfway between anchors 0x5E,0xC9,0x62 and 0xFD,0xE7,0x25 (t = 0.125).
    assert_eq!(sequential(0.125), RGBColor(0xAE, 0xD8, 0x44));
    assert_eq!(sequential(f64::NAN), sequential(0.0));
    let h = heatmap();
    assert_eq!(h.colour(0), LIGHT_GREY);
    assert_eq!(h.colour(5), sequential(1.0)); // the busiest cell
    assert_eq!(*text_on(sequential(1.0)), RGBColor(255, 255, 255));
    assert_eq!(*text_on(sequential(0.0)), RGBColor(0, 0, 0));
}

#[test]
fn xmr_signals_are_points_strictly_outside_the_limits() {
    // Limits -2 .. 10.4: only the 12 (index 6) is outside.
    assert_eq!(xmr().signals(), vec![6]);
    let mut c = xmr();
    c.points[0].value = 10.4; // on the limit: not a signal
    c.lower = 2.5; // the 2s at indices 2 and 9 fall below
    assert_eq!(c.signals(), vec![2, 6, 9]);
}

#[test]
fn timeline_phases_follow_known_instants() {
    let c = timeline_fixture();
    let names: Vec<String> = c.phases().into_iter().map(|p| p.name).collect();
    assert_eq!(
        names,
        [
            "impact → detected",
            "detected → acknowledged",
            "acknowledged → mitigated",
            "mitigated → resolved"
        ]
    );
    // No mitigation known and still open: acknowledged runs to the as-of instant, pale.
    let mut open = c.clone();
    open.instants.mitigated = None;
    open.instants.resolved = None;
    open.open_until = Some(Utc.with_ymd_and_hms(2026, 3, 14, 12, 0, 0).unwrap());
    let p = open.phases();
    assert_eq!(p.len(), 3);
    assert_eq!(
        (p[2].name.as_str(), p[2].open),
        ("acknowledged → (open)", true)
    );
    // Acknowledged before detected (bad data): that phase is dropped, not drawn backwards.
    let mut bad = c.clone();
    bad.instants.acknowledged = Some(Utc.with_ymd_and_hms(2026, 3, 14, 9, 5, 0).unwrap());
    let names: Vec<String> = bad.phases().into_iter().map(|p| p.name).collect();
    assert_eq!(
        names,
        [
            "impact → detected",
            "acknowledged → mitigated",
            "mitigated → resolved"
        ]
    );
}

#[test]
fn timeline_ticks_fall_on_round_local_times() {
    // t0 = 09:02 UTC = 10:02 in Paris (UTC+1 before the March DST change). The axis spans
    // -355.2 s .. 9235.2 s (148 min of data padded by 4%): 9590 s / 1800 <= 7, so 30-minute
    // steps, the first at 10:00 local = 120 s before t0.
    let t0 = Utc.with_ymd_and_hms(2026, 3, 14, 9, 2, 0).unwrap();
    let (ticks, fmt) = timeline::time_ticks(t0, -355.2, 9235.2, Some(chrono_tz::Europe::Paris));
    assert_eq!(ticks, vec![-120.0, 1680.0, 3480.0, 5280.0, 7080.0, 8880.0]);
    assert_eq!(fmt, "%H:%M");
    // In UTC the same range starts at 09:00 UTC.
    let (utc, _) = timeline::time_ticks(t0, -355.2, 9235.2, None);
    assert_eq!(utc[0], -120.0);
}

/// The eight bytes every PNG file starts with.
const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// (width, height, RGB bytes) of a PNG, read with chunk CRCs and the zlib Adler-32 checked;
/// panics unless it is a single 8-bit RGB image ending in IEND.
pub(super) fn decode_png(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    assert_eq!(bytes[..8], PNG_SIGNATURE);
    let mut options = ::png::DecodeOptions::default();
    options.set_ignore_checksums(false);
    let decoder = ::png::Decoder::new_with_options(bytes, options);
    let mut reader = decoder.read_info().expect("PNG header");
    let mut rgb = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut rgb).expect("PNG image data");
    assert_eq!(info.color_type, ::png::ColorType::Rgb);
    assert_eq!(info.bit_depth, ::png::BitDepth::Eight);
    reader.finish().expect("PNG ends cleanly");
    rgb.truncate(info.buffer_size());
    (info.width, info.height, rgb)
}

/// The chunk types of a PNG in file order (each chunk: length, type, data, CRC).
fn chunk_types(bytes: &[u8]) -> Vec<String> {
    let (mut pos, mut kinds) = (8, Vec::new());
    while pos + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().expect("4 bytes"));
        kinds.push(String::from_utf8_lossy(&bytes[pos + 4..pos + 8]).into_owned());
        pos += 12 + len as usize;
    }
    assert_eq!(pos, bytes.len(), "chunks fill the file exactly");
    kinds
}

#[test]
fn png_encodes_pixels_exactly() {
    // 2 x 2: red, green / blue, white.
    let rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255];
    let bytes = png::encode_rgb(2, 2, &rgb).expect("2 x 2 encodes");
    assert_eq!(decode_png(&bytes), (2, 2, rgb.to_vec()));
    // Only the critical chunks: no tIME, text or gamma chunk that could differ between runs.
    assert_eq!(chunk_types(&bytes), ["IHDR", "IDAT", "IEND"]);
}

#[test]
fn png_buffer_of_the_wrong_size_is_an_error() {
    // 2 x 2 RGB is 2 * 2 * 3 = 12 bytes; 11 or 13 is a caller's mistake, reported not panicked.
    assert!(png::encode_rgb(2, 2, &[0; 11]).is_err());
    assert!(png::encode_rgb(2, 2, &[0; 13]).is_err());
}

#[test]
fn png_of_a_chart_is_compact_and_has_no_timestamp() {
    let bytes = to_png(&xmr().into(), &ChartStyle::default()).expect("png renders");
    assert_eq!(chunk_types(&bytes), ["IHDR", "IDAT", "IEND"]);
    // Raw pixels are 720 * 360 * 3 = 777,600 bytes; flat colour must compress over tenfold.
    assert!(bytes.len() < 77_760, "{} bytes", bytes.len());
}
