//! Section 4 of a team's weekly report: alert fatigue. The team's row of the `fatigue` table
//! (alerts, pages, interruptions by business / off-hours / sleep bucket, nights interrupted,
//! actionable ratio with its interval, transient and flapping shares, page acknowledgement time),
//! the on-call shifts of `fatigue_shift` against the pages-per-12-hours limit, the bucket bars, the
//! hour-of-day x weekday heatmap of the week's pages in the team's zone, and the team's top noisy
//! rules from `rules_by_team`, flagged rows highlighted.

use chrono::{DateTime, Datelike, Timelike};
use serde::Serialize;

use super::compute::Computed;
use super::fmt::{NONE, Tbl, dur, dur_range, int, minute_text, pct, pct_range, plural, slice};
use crate::config::Config;
use crate::error::Result;
use crate::report::charts::{BucketBars, BucketRow, PagingHeatmap};
use crate::report::{ChartView, TableView};

/// The section's tables and charts.
#[derive(Serialize)]
pub struct FatigueView {
    pub figures: TableView,
    pub shifts: TableView,
    pub shift_words: String,
    pub buckets: ChartView,
    pub heatmap: ChartView,
    pub rules: TableView,
}

/// What the headline quotes.
#[derive(Default)]
pub struct FatigueFacts {
    pub pages: u64,
    pub interruptions: u64,
    pub sleep: u64,
    pub nights: u64,
    pub shifts: usize,
    pub shifts_over: usize,
}

fn figures(f: &Tbl, cfg: &Config) -> (TableView, FatigueFacts) {
    let mut t = TableView::new(
        &[("Figure", false), ("This week", true)],
        "No alerts this week.",
    );
    let Some(r) = (f.height() > 0).then_some(0) else {
        return (t, FatigueFacts::default());
    };
    let th = &cfg.thresholds;
    let u = |c: &str| int(f.u(c, r));
    let rows: Vec<(String, String)> = vec![
        ("Alerts".into(), u("alerts")),
        ("Pages".into(), u("pages")),
        (
            format!(
                "Interruptions (pages within {} s merged)",
                th.interruption_merge_seconds
            ),
            u("interruptions"),
        ),
        ("… in business hours".into(), u("business_interruptions")),
        ("… in off hours".into(), u("off_interruptions")),
        ("… in sleep hours".into(), u("sleep_interruptions")),
        (
            "Nights with a sleep interruption".into(),
            u("nights_interrupted"),
        ),
        (
            "Actionable pages (95% interval)".into(),
            format!(
                "{} ({})",
                pct(f.f("actionable_pct", r)),
                pct_range(f.f("actionable_low_pct", r), f.f("actionable_high_pct", r))
            ),
        ),
        ("Transient alerts".into(), pct(f.f("transient_pct", r))),
        (
            "Flapping alerts".into(),
            format!(
                "{} ({}, {})",
                pct(f.f("flapping_pct", r)),
                plural(f.u("flapping_alerts", r), "alert", "alerts"),
                plural(f.u("flapping_episodes", r), "episode", "episodes")
            ),
        ),
        (
            "Median time to acknowledge a page (95% interval)".into(),
            format!(
                "{} ({})",
                dur(f.f("page_tta_median_min", r)),
                match (f.f("page_tta_low_min", r), f.f("page_tta_high_min", r)) {
                    (Some(a), Some(b)) => dur_range(Some(a), Some(b)),
                    _ if f.u("pages_acked", r) > 0 => "too few to bound".into(),
                    _ => NONE.into(),
                }
            ),
        ),
    ];
    for (k, v) in rows {
        t.push(vec![k, v]);
    }
    let facts = FatigueFacts {
        pages: f.u("pages", r),
        interruptions: f.u("interruptions", r),
        sleep: f.u("sleep_interruptions", r),
        nights: f.u("nights_interrupted", r),
        ..FatigueFacts::default()
    };
    (t, facts)
}

fn shifts(s: Option<&Tbl>, limit: f64, facts: &mut FatigueFacts) -> (TableView, String) {
    let mut t = TableView::new(
        &[
            ("Person", false),
            ("Shift start", false),
            ("Shift end", false),
            ("Hours in the week", true),
            ("Pages", true),
            ("Interruptions", true),
            ("Sleep interruptions", true),
            ("Pages per 12 h", true),
            ("Above the limit", false),
        ],
        "No on-call shift of the team overlaps the week.",
    );
    let Some(s) = s else {
        return (t, String::new());
    };
    let mut worst: Option<(f64, String)> = None;
    for r in 0..s.height() {
        let over = s.b("over_limit", r);
        let rate = s.f("pages_per_12h", r);
        if let Some(v) = rate.filter(|v| worst.as_ref().is_none_or(|w| *v > w.0)) {
            worst = Some((v, s.s("person", r)));
        }
        facts.shifts += 1;
        facts.shifts_over += usize::from(over);
        t.push(vec![
            s.s("person", r),
            minute_text(&s.s("starts_at", r)),
            minute_text(&s.s("ends_at", r)),
            format!("{:.1}", s.f("hours", r).unwrap_or(0.0)),
            int(s.u("pages", r)),
            int(s.u("interruptions", r)),
            int(s.u("sleep_interruptions", r)),
            rate.map_or(NONE.into(), |v| format!("{v:.2}")),
            if over { "yes" } else { "no" }.into(),
        ]);
        t.flags.push(over);
    }
    let words = match worst {
        None => String::new(),
        Some((v, who)) => format!(
            "{} of {} above the limit of {} pages per 12 hours; the highest rate was {v:.2} \
             ({who}).",
            facts.shifts_over,
            plural(facts.shifts as u64, "shift", "shifts"),
            limit
        ),
    };
    (t, words)
}

fn rules(r: &Tbl) -> TableView {
    let mut t = TableView::new(
        &[
            ("Rank", true),
            ("Rule", false),
            ("Alerts", true),
            ("Pages", true),
            ("Sleep-hour pages", true),
            ("Actionable", true),
            ("Transient", true),
            ("Flapping", true),
            ("Median time to resolve", true),
            ("Score", true),
            ("Noisy", false),
        ],
        "No rule paged the team this week.",
    );
    for i in 0..r.height() {
        let flagged = r.b("flagged", i);
        t.push(vec![
            r.u("rank", i).to_string(),
            r.s("rule", i),
            int(r.u("alerts", i)),
            int(r.u("pages", i)),
            int(r.u("sleep_pages", i)),
            pct(r.f("actionable_pct", i)),
            pct(r.f("transient_pct", i)),
            pct(r.f("flapping_pct", i)),
            dur(r.f("median_ttr_min", i)),
            r.f("score", i).map_or(NONE.into(), |v| format!("{v:.1}")),
            if flagged { "flagged" } else { "" }.into(),
        ]);
        t.flags.push(flagged);
    }
    t
}

/// Page counts by local weekday and hour in the team's zone.
fn heatmap(c: &Computed, cfg: &Config, team: &str) -> PagingHeatmap {
    let tz = cfg.team(team).timezone;
    let mut counts = [[0u32; 24]; 7];
    for &us in c.pages.get(team).map(Vec::as_slice).unwrap_or_default() {
        if let Some(t) = DateTime::from_timestamp_micros(us) {
            let local = t.with_timezone(&tz);
            let d = local.weekday().num_days_from_monday() as usize;
            counts[d][local.hour() as usize] += 1;
        }
    }
    PagingHeatmap {
        title: format!("Pages by hour and weekday, {team} ({tz})"),
        counts,
        value_label: "pages".into(),
    }
}

/// The section, and the facts the headline quotes.
pub fn section(
    c: &Computed,
    cfg: &Config,
    team: &str,
    slug: &str,
    png: bool,
) -> Result<(FatigueView, FatigueFacts)> {
    let f = slice(&c.fatigue, team)?;
    let (figures, mut facts) = figures(&f, cfg);
    let s = c.shifts.as_ref().map(|s| slice(s, team)).transpose()?;
    let limit = cfg.thresholds.pages_per_shift_limit;
    let (shifts, shift_words) = shifts(s.as_ref(), limit, &mut facts);
    let r = slice(&c.rules, team)?;
    let bars = BucketBars {
        title: format!("Interruptions by hour bucket, {team}"),
        value_label: "interruptions this week".into(),
        segments: vec![
            "business hours".into(),
            "off hours".into(),
            "sleep hours".into(),
        ],
        rows: (f.height() > 0)
            .then(|| BucketRow {
                name: team.to_string(),
                values: [
                    "business_interruptions",
                    "off_interruptions",
                    "sleep_interruptions",
                ]
                .iter()
                .map(|col| f.u(col, 0) as f64)
                .collect(),
            })
            .into_iter()
            .collect(),
    };
    let tz = cfg.team(team).timezone;
    Ok((
        FatigueView {
            figures,
            shifts,
            shift_words,
            buckets: ChartView::draw(
                &format!("{slug}-interruption-buckets"),
                "Interruptions of the week by the bucket of their first page: business hours, \
                 off hours, sleep hours (judged in the on-call person's zone, else the team's).",
                &bars.into(),
                png,
            )?,
            heatmap: ChartView::draw(
                &format!("{slug}-pages-heatmap"),
                &format!(
                    "Pages of the week by hour of day and weekday on the team's clock ({tz}); \
                     the number in a cell is its page count."
                ),
                &heatmap(c, cfg, team).into(),
                png,
            )?,
            rules: rules(&r),
        },
        facts,
    ))
}
