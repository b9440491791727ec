//! Tests of the charts: SVG snapshots of every kind on a small fixed input, PNG content and
//! determinism (read back with the `png` crate's decoder), XML escaping of data text, empty
//! inputs; unit tests of scales, boxes, colours, timeline phases and PNG pixels live in `units`.

mod units;

use chrono::{DateTime, TimeZone, Utc};

use super::*;

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 14, h, m, 0)
        .single()
        .expect("valid fixture instant")
}

fn weeks(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("2026-W{:02}", 2 + i)).collect()
}

pub(super) fn bands() -> IntervalBands {
    // Medians 45 min .. 3 h with intervals; week 5 without incidents, week 6 unbounded above.
    let rows = [
        (Some(45.0), Some(20.0), Some(90.0)),
        (Some(60.0), Some(30.0), Some(150.0)),
        (Some(38.0), Some(25.0), Some(70.0)),
        (None, None, None),
        (Some(180.0), Some(60.0), None),
        (Some(52.0), Some(40.0), Some(75.0)),
    ];
    IntervalBands {
        title: "Median TTR per week, P2".into(),
        measure: "TTR".into(),
        period_label: "week".into(),
        points: weeks(6)
            .into_iter()
            .zip(rows)
            .map(|(period, (median_min, low_min, high_min))| BandPoint {
                period,
                median_min,
                low_min,
                high_min,
            })
            .collect(),
        baseline_min: Some(55.0),
        baseline_label: "previous quarter".into(),
    }
}

pub(super) fn xmr() -> XmrChart {
    let values = [3.0, 4.0, 2.0, 5.0, 3.0, 4.0, 12.0, 3.0, 4.0, 2.0];
    XmrChart {
        title: "Incidents per week".into(),
        period_label: "week".into(),
        value_label: "incidents per week".into(),
        points: weeks(10)
            .into_iter()
            .zip(values)
            .map(|(period, value)| XmrPoint { period, value })
            .collect(),
        centre: 4.2,
        lower: -2.0,
        upper: 10.4,
    }
}

pub(super) fn strip() -> StripChart {
    let closed = |m: f64| StripValue {
        minutes: m,
        open: false,
    };
    StripChart {
        title: "Time to resolve by severity".into(),
        measure: "TTR".into(),
        group_label: "severity".into(),
        groups: vec![
            StripGroup {
                name: "P1".into(),
                values: [12.0, 25.0, 40.0, 55.0, 90.0, 240.0].map(closed).to_vec(),
            },
            StripGroup {
                name: "P2".into(),
                values: vec![
                    closed(30.0),
                    closed(300.0),
                    StripValue {
                        minutes: 2000.0,
                        open: true,
                    },
                ],
            },
            StripGroup {
                name: "P3".into(),
                values: vec![],
            },
        ],
    }
}

pub(super) fn timeline() -> TimelineChart {
    let mark = |t: DateTime<Utc>, label: &str| TimelineMark {
        at: t,
        label: label.into(),
    };
    TimelineChart {
        title: "INC-42 checkout errors".into(),
        zone: Some(chrono_tz::Europe::Paris),
        instants: KeyInstants {
            impact_start: Some(at(9, 2)),
            detected: Some(at(9, 10)),
            acknowledged: Some(at(9, 14)),
            mitigated: Some(at(9, 55)),
            resolved: Some(at(11, 30)),
        },
        alerts: vec![
            mark(at(9, 9), "HighErrorRate"),
            mark(at(9, 20), "HighErrorRate"),
        ],
        events: vec![
            mark(at(9, 10), "opened"),
            mark(at(9, 14), "acknowledged by ann"),
            mark(at(10, 40), "rollback deployed"),
        ],
        open_until: None,
    }
}

pub(super) fn heatmap() -> PagingHeatmap {
    let mut counts = [[0u32; 24]; 7];
    counts[0][3] = 2; // Monday 03:00
    counts[1][10] = 5; // Tuesday 10:00, the busiest cell
    counts[4][23] = 1; // Friday 23:00
    counts[6][14] = 3; // Sunday 14:00
    PagingHeatmap {
        title: "Pages by hour and weekday".into(),
        counts,
        value_label: "pages".into(),
    }
}

pub(super) fn buckets() -> BucketBars {
    let row = |name: &str, values: [f64; 3]| BucketRow {
        name: name.into(),
        values: values.to_vec(),
    };
    BucketBars {
        title: "Interruptions by time of day".into(),
        value_label: "interruptions this week".into(),
        segments: vec!["business hours".into(), "off-hours".into(), "sleep".into()],
        rows: vec![
            row("payments", [6.0, 3.0, 2.0]),
            row("search", [4.0, 0.0, 1.0]),
        ],
    }
}

pub(super) fn multiples() -> SmallMultiples {
    let panel = |title: &str, values: Vec<Option<f64>>| Panel {
        title: title.into(),
        values,
    };
    SmallMultiples {
        title: "Pages per shift by team".into(),
        value_label: "pages per 12-hour shift".into(),
        scale: PanelScale::Linear,
        periods: vec!["2026-01".into(), "2026-02".into(), "2026-03".into()],
        panels: vec![
            panel("payments", vec![Some(2.0), Some(3.5), Some(1.0)]),
            panel("search", vec![Some(0.5), None, Some(0.8)]),
            panel("identity", vec![None, None, None]),
        ],
    }
}

fn all() -> Vec<(&'static str, Chart)> {
    vec![
        ("bands", bands().into()),
        ("xmr", xmr().into()),
        ("strip", strip().into()),
        ("timeline", timeline().into()),
        ("heatmap", heatmap().into()),
        ("buckets", buckets().into()),
        ("multiples", multiples().into()),
    ]
}

fn svg(chart: &Chart) -> String {
    to_svg(chart, &ChartStyle::default()).expect("chart renders")
}

#[test]
fn snapshots_of_every_chart() {
    for (name, chart) in all() {
        insta::assert_snapshot!(name, svg(&chart));
    }
}

#[test]
fn svg_is_deterministic_and_well_formed() {
    for (name, chart) in all() {
        let (a, b) = (svg(&chart), svg(&chart));
        assert_eq!(a, b, "{name}");
        assert!(a.starts_with("<svg width=\"720\" height=\"360\""), "{name}");
        assert!(a.trim_end().ends_with("</svg>"), "{name}");
        // Only the small multiples' empty panel says "no data"; the other charts have data.
        assert_eq!(a.contains("no data"), name == "multiples", "{name}");
    }
}

#[test]
fn png_has_signature_content_and_is_deterministic() {
    for (name, chart) in all() {
        let a = to_png(&chart, &ChartStyle::default()).expect("png renders");
        let b = to_png(&chart, &ChartStyle::default()).expect("png renders");
        assert_eq!(a, b, "{name}: two renders differ");
        let (w, h, rgb) = units::decode_png(&a);
        assert_eq!((w, h), (720, 360), "{name}");
        assert_eq!(rgb.len(), 720 * 360 * 3, "{name}");
        // White background plus at least some ink: more than one colour.
        let first = &rgb[..3];
        assert!(rgb.chunks(3).any(|px| px != first), "{name}: single colour");
        assert!(
            rgb.chunks(3).any(|px| px == [255, 255, 255]),
            "{name}: no white"
        );
    }
}

#[test]
fn text_from_data_is_escaped() {
    let evil = "<script>&\"x\"";
    let escaped = "&lt;script&gt;&amp;&quot;x&quot;";
    let mut b = buckets();
    b.title = evil.into();
    b.rows[0].name = evil.into();
    b.segments[0] = evil.into();
    let mut m = multiples();
    m.panels[1].title = evil.into();
    let mut t = timeline();
    t.events[0].label = evil.into();
    let empty = XmrChart {
        title: evil.into(),
        ..Default::default()
    };
    for chart in [b.into(), m.into(), t.into(), Chart::from(empty)] {
        let s = svg(&chart);
        assert!(!s.contains("<script"), "raw markup in {s}");
        assert!(!s.contains("&\"x"), "raw ampersand or quote");
        assert!(s.contains(escaped), "escaped text missing");
    }
}

#[test]
fn empty_inputs_render_no_data() {
    let empties: Vec<Chart> = vec![
        IntervalBands {
            title: "TTR".into(),
            ..Default::default()
        }
        .into(),
        // A period without a median is still no data.
        IntervalBands {
            points: vec![BandPoint {
                period: "w1".into(),
                ..Default::default()
            }],
            ..Default::default()
        }
        .into(),
        XmrChart::default().into(),
        XmrChart {
            points: vec![XmrPoint {
                period: "w1".into(),
                value: f64::NAN,
            }],
            ..Default::default()
        }
        .into(),
        StripChart {
            groups: vec![StripGroup {
                name: "P1".into(),
                values: vec![],
            }],
            ..Default::default()
        }
        .into(),
        TimelineChart::default().into(),
        // One known instant is not a phase.
        TimelineChart {
            instants: KeyInstants {
                detected: Some(at(9, 0)),
                ..Default::default()
            },
            ..Default::default()
        }
        .into(),
        PagingHeatmap::default().into(),
        BucketBars::default().into(),
        SmallMultiples {
            panels: vec![Panel {
                title: "a".into(),
                values: vec![None],
            }],
            ..Default::default()
        }
        .into(),
    ];
    for chart in empties {
        assert!(chart.is_empty(), "{chart:?}");
        let s = svg(&chart);
        assert!(s.contains(">\nno data\n</text>"), "{s}");
        assert!(s.trim_end().ends_with("</svg>"));
        let p = to_png(&chart, &ChartStyle::default()).expect("png of an empty chart");
        let (w, h, rgb) = units::decode_png(&p);
        assert_eq!((w, h, rgb.len()), (720, 360, 720 * 360 * 3));
    }
}

#[test]
fn size_outside_limits_is_an_error_not_a_panic() {
    let tiny = ChartStyle {
        width: 10,
        height: 10,
    };
    assert!(to_svg(&xmr().into(), &tiny).is_err());
    assert!(
        to_png(
            &xmr().into(),
            &ChartStyle {
                width: 100_000,
                height: 400
            }
        )
        .is_err()
    );
}

#[test]
fn crowded_inputs_and_small_sizes_do_not_panic() {
    // 40 teams in small multiples, 60 weeks of bands, a long team name, the smallest size.
    let mut m = multiples();
    m.panels = (0..40)
        .map(|i| Panel {
            title: format!("team-{i}"),
            values: vec![Some(i as f64)],
        })
        .collect();
    let mut b = bands();
    b.points = (0..60)
        .map(|i| BandPoint {
            period: format!("w{i}"),
            median_min: Some(10.0 + i as f64),
            ..Default::default()
        })
        .collect();
    let mut k = buckets();
    k.rows[0].name = "a team with a very long name indeed, longer than the label area".into();
    let charts: Vec<Chart> = vec![m.into(), b.into(), k.into()];
    for style in [
        ChartStyle::default(),
        ChartStyle {
            width: 160,
            height: 160,
        },
    ] {
        for chart in charts
            .iter()
            .cloned()
            .chain(all().into_iter().map(|(_, c)| c))
        {
            // Either a chart or an error; never a panic.
            let _ = to_svg(&chart, &style);
            let _ = to_png(&chart, &style);
        }
    }
    // Log-scaled small multiples label their shared axis with durations: 0.5 .. 600 min padded
    // to 0.33 .. 900 min, ticks thinned at ratio 2.9: 30 s, 2 min, 10 min, 30 min, 2 h, 6 h.
    let mut m = multiples();
    m.scale = PanelScale::LogDuration;
    m.panels[0].values = vec![Some(30.0), Some(90.0), Some(600.0)];
    let s = svg(&m.into());
    assert!(s.contains("log scale") && s.contains("\n2 h\n"), "{s}");
}
