//! Section 4 of a team's weekly report: alert fatigue. The team's row of the `fatigue` table
//! (alerts, pages, interruptions by business / off-hours / sleep bucket, nights interrupted,
//! actionable ratio with its interval, transient and flapping shares, page acknowledgement time),
//! the on-call shifts of `fatigue_shift` against the pages-per-12-hours limit, the bucket bars, the
//! hour-of-day x weekday heatmap of the week's pages in the team's zone (the grid of
//! `metrics::fatigue::heatmap`, drawn here), and the team's top noisy rules from `rules_by_team`,
//! flagged rows highlighted.

use serde::Serialize;

use super::compute::Computed;
use super::fmt::{NONE, Tbl, dur, dur_range, int, minute_text, pct, pct_range, plural, slice};
use crate::config::Config;
use crate::error::Result;
use crate::metrics::fatigue::cols as fatigue_cols;
use crate::metrics::rules::cols as rules_cols;
use crate::model::columns::{ENDS_AT, PERSON, RULE, STARTS_AT};
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
        ("Alerts".into(), u(fatigue_cols::ALERTS)),
        ("Pages".into(), u(fatigue_cols::PAGES)),
        (
            format!(
                "Interruptions (pages within {} s merged)",
                th.interruption_merge_seconds
            ),
            u(fatigue_cols::INTERRUPTIONS),
        ),
        (
            "… in business hours".into(),
            u(fatigue_cols::BUSINESS_INTERRUPTIONS),
        ),
        ("… in off hours".into(), u(fatigue_cols::OFF_INTERRUPTIONS)),
        (
            "… in sleep hours".into(),
            u(fatigue_cols::SLEEP_INTERRUPTIONS),
        ),
        (
            "Nights with a sleep interruption".into(),
            u(fatigue_cols::NIGHTS_INTERRUPTED),
        ),
        (
            "Actionable pages (95% interval)".into(),
            format!(
                "{} ({})",
                pct(f.f(fatigue_cols::ACTIONABLE_PCT, r)),
                pct_range(
                    f.f(fatigue_cols::ACTIONABLE_LOW_PCT, r),
                    f.f(fatigue_cols::ACTIONABLE_HIGH_PCT, r)
                )
            ),
        ),
        (
            "Transient alerts".into(),
            pct(f.f(fatigue_cols::TRANSIENT_PCT, r)),
        ),
        (
            "Flapping alerts".into(),
            format!(
                "{} ({}, {})",
                pct(f.f(fatigue_cols::FLAPPING_PCT, r)),
                plural(f.u(fatigue_cols::FLAPPING_ALERTS, r), "alert", "alerts"),
                plural(
                    f.u(fatigue_cols::FLAPPING_EPISODES, r),
                    "episode",
                    "episodes"
                )
            ),
        ),
        (
            "Median time to acknowledge a page (95% interval)".into(),
            format!(
                "{} ({})",
                dur(f.f(fatigue_cols::PAGE_TTA_MEDIAN_MIN, r)),
                match (
                    f.f(fatigue_cols::PAGE_TTA_LOW_MIN, r),
                    f.f(fatigue_cols::PAGE_TTA_HIGH_MIN, r)
                ) {
                    (Some(a), Some(b)) => dur_range(Some(a), Some(b)),
                    _ if f.u(fatigue_cols::PAGES_ACKED, r) > 0 => "too few to bound".into(),
                    _ => NONE.into(),
                }
            ),
        ),
    ];
    for (k, v) in rows {
        t.push(vec![k, v]);
    }
    let facts = FatigueFacts {
        pages: f.u(fatigue_cols::PAGES, r),
        interruptions: f.u(fatigue_cols::INTERRUPTIONS, r),
        sleep: f.u(fatigue_cols::SLEEP_INTERRUPTIONS, r),
        nights: f.u(fatigue_cols::NIGHTS_INTERRUPTED, r),
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
        let over = s.b(fatigue_cols::OVER_LIMIT, r);
        let rate = s.f(fatigue_cols::PAGES_PER_12H, r);
        if let Some(v) = rate.filter(|v| worst.as_ref().is_none_or(|w| *v > w.0)) {
            worst = Some((v, s.s(PERSON, r)));
        }
        facts.shifts += 1;
        facts.shifts_over += usize::from(over);
        t.push(vec![
            s.s(PERSON, r),
            minute_text(&s.s(STARTS_AT, r)),
            minute_text(&s.s(ENDS_AT, r)),
            format!("{:.1}", s.f(fatigue_cols::HOURS, r).unwrap_or(0.0)),
            int(s.u(fatigue_cols::PAGES, r)),
            int(s.u(fatigue_cols::INTERRUPTIONS, r)),
            int(s.u(fatigue_cols::SLEEP_INTERRUPTIONS, r)),
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
        let flagged = r.b(rules_cols::FLAGGED, i);
        t.push(vec![
            r.u(rules_cols::RANK, i).to_string(),
            r.s(RULE, i),
            int(r.u(rules_cols::ALERTS, i)),
            int(r.u(rules_cols::PAGES, i)),
            int(r.u(rules_cols::SLEEP_PAGES, i)),
            pct(r.f(rules_cols::ACTIONABLE_PCT, i)),
            pct(r.f(rules_cols::TRANSIENT_PCT, i)),
            pct(r.f(rules_cols::FLAPPING_PCT, i)),
            dur(r.f(rules_cols::MEDIAN_TTR_MIN, i)),
            r.f(rules_cols::SCORE, i)
                .map_or(NONE.into(), |v| format!("{v:.1}")),
            if flagged { "flagged" } else { "" }.into(),
        ]);
        t.flags.push(flagged);
    }
    t
}

/// The chart of the team's page grid (`metrics::fatigue::heatmap`, counted on its clock).
fn heatmap(c: &Computed, cfg: &Config, team: &str) -> PagingHeatmap {
    let grid = c.heatmaps.of(team, cfg);
    PagingHeatmap {
        title: format!("Pages by hour and weekday, {team} ({})", grid.zone),
        counts: grid.counts,
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
                    fatigue_cols::BUSINESS_INTERRUPTIONS,
                    fatigue_cols::OFF_INTERRUPTIONS,
                    fatigue_cols::SLEEP_INTERRUPTIONS,
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
