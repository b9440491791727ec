//! The continuous-improvement report (`reports.md`, "Continuous-improvement report"): is the
//! reliability work paying off? A quarter (or any range), month by month, for every team:
//! incident counts, acknowledgement and resolution times with their intervals, repeat rate, pages
//! per on-call shift, sleep interruptions and the actionable share of pages; the quarter against
//! the previous one with the catalogue's verdicts; the recurring clusters and whether they stopped
//! once their action items were done; the noisiest rules then and now; action-item throughput and
//! ageing; the teams side by side without ranking them; customer impact per service, with the
//! SLO budgets burned week by week (`impact`); on-call load and its fairness per person
//! (`oncall`); data quality and the methods.
//!
//! The metric runs are in `data` (the same calls as `aftermath metrics`); one module per section
//! turns their tables into display strings and charts (`trends`, `fatigue`, `compare`,
//! `clusters`, `rules`, `actions`, `impact`; the closing data-quality section is here); the templates
//! `improvement.html` and `improvement.md` only lay the sections out.

mod actions;
mod clusters;
mod compare;
mod data;
pub use data::alert_asks;
mod fatigue;
mod fmt;
mod impact;
mod oncall;
mod rules;
mod trends;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::metrics::Period;
use crate::metrics::TableId;
use crate::metrics::durations::cols as durations_cols;
use crate::metrics::explain::explain;
use crate::metrics::quality::cols as quality_cols;
use crate::metrics::quality::exclusion_note;
use crate::metrics::scope::midnight;
use crate::metrics::table::CHECK;
use crate::report::view::{cell_f64, cell_str};
use crate::report::{ChartFile, ChartView, Document, Inputs, Meta, TableView, coverage};

/// The report's own templates, registered with the renderer beside the shared ones.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "improvement.html",
        include_str!("../../templates/improvement.html"),
    ),
    (
        "improvement.md",
        include_str!("../../templates/improvement.md"),
    ),
];

/// One numbered section of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// The HTML anchor, e.g. `trends`.
    pub id: String,
    pub number: usize,
    pub title: String,
    /// Paragraphs under the section heading.
    pub intro: Vec<String>,
    pub blocks: Vec<Block>,
}

/// A piece of a section: an optional sub-heading, paragraphs, a table, charts and small notes.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Block {
    pub heading: String,
    pub text: Vec<String>,
    pub table: Option<TableView>,
    pub charts: Vec<ChartView>,
    pub notes: Vec<String>,
}

impl Block {
    pub fn table(heading: &str, text: Vec<String>, table: TableView) -> Block {
        Block {
            heading: heading.to_string(),
            text,
            table: Some(table),
            ..Block::default()
        }
    }
}

/// Everything the templates show.
#[derive(Debug, Clone, Serialize)]
pub struct ImprovementView {
    pub meta: Meta,
    /// `2026-Q3` or `2026-08-01 .. 2026-11-01`.
    pub label: String,
    /// The opening paragraphs: period, months, the comparison period, caveats.
    pub intro: Vec<String>,
    pub sections: Vec<Section>,
    /// How this report reads the metric tables (its own methods, before the catalogue's).
    pub notes: Vec<String>,
}

impl ImprovementView {
    /// Every chart of the report, in the order it appears.
    pub fn charts(&self) -> impl Iterator<Item = &ChartView> {
        self.sections
            .iter()
            .flat_map(|s| s.blocks.iter())
            .flat_map(|b| b.charts.iter())
    }
}

/// What the templates receive: the metadata (for `base.html`) and the view.
#[derive(Serialize)]
struct Context<'a> {
    meta: &'a Meta,
    view: &'a ImprovementView,
}

fn quarter_period(year: i32, q: u32) -> Option<Period> {
    let start = NaiveDate::from_ymd_opt(year, 3 * (q - 1) + 1, 1)?;
    let end = start.checked_add_months(chrono::Months::new(3))?;
    Period::new(midnight(start), midnight(end)).ok()
}

/// `2026-Q3` -> 2026-07-01 00:00 UTC .. 2026-10-01 00:00 UTC.
pub fn parse_quarter(text: &str) -> Result<Period> {
    let bad = || {
        Error::Query(format!(
            "--quarter {text:?} is not a quarter; write it as YYYY-Qn with n from 1 to 4, e.g. \
             2026-Q3 (July to September 2026)"
        ))
    };
    let t = text.trim().to_ascii_uppercase();
    let (y, q) = t.split_once("-Q").ok_or_else(bad)?;
    let year: i32 = y.parse().map_err(|_| bad())?;
    let q: u32 = q.parse().map_err(|_| bad())?;
    if !(1..=4).contains(&q) || !(1..=9999).contains(&year) {
        return Err(bad());
    }
    quarter_period(year, q).ok_or_else(bad)
}

/// The last quarter that ended by `as_of`, and its label (`2026-Q3` for as-of 2026-11-17).
pub fn last_complete_quarter(as_of: DateTime<Utc>) -> (Period, String) {
    let d = as_of.date_naive();
    // The quarter holding as-of has not ended (it ends after as-of); the one before it has.
    let (mut year, mut q) = (d.year(), (d.month() - 1) / 3 + 1);
    if q == 1 {
        year -= 1;
        q = 4;
    } else {
        q -= 1;
    }
    let period = quarter_period(year, q).expect("a calendar quarter is a valid period");
    (period, format!("{year}-Q{q}"))
}

/// The continuous-improvement report of `period`, labelled `label` (e.g. "2026-Q3").
pub fn improvement(inp: &Inputs, period: Period, label: &str) -> Result<Document> {
    let asked = period;
    let (period, narrowed) = coverage::narrow_to_data(inp.span, period, &inp.data_range)?;
    let mut view = build(inp, period, label)?;
    if narrowed {
        view.intro.insert(
            1,
            format!(
                "The period asked for, {}, is narrowed to the quarters that hold data.",
                asked.label()
            ),
        );
    }
    let ctx = Context {
        meta: &view.meta,
        view: &view,
    };
    let mut pages = vec![];
    for &format in inp.formats {
        pages.push((format, inp.renderer.render("improvement", format, &ctx)?));
    }
    Ok(Document {
        stem: "improvement".into(),
        pages,
        charts: view.charts().map(ChartFile::from).collect(),
        summary: Some(crate::report::summary::improvement(
            &view.meta,
            label,
            &view.intro,
            view.charts().map(|c| c.name.clone()).collect(),
        )),
    })
}

/// The view of the report, every figure formatted and every chart drawn.
fn build(inp: &Inputs, period: Period, label: &str) -> Result<ImprovementView> {
    let d = data::load(inp, period)?;
    let prev = period.previous();
    let months = d.month_labels();
    let mut meta = Meta::new(
        format!("Continuous improvement, {label}"),
        format!(
            "{} month by month, against the previous {} ({})",
            period.label(),
            if period.previous().to - period.previous().from == period.to - period.from {
                format!("{} days", (prev.to - prev.from).num_days())
            } else {
                "calendar months".to_string()
            },
            prev.label()
        ),
        inp.as_of,
        explain(inp.cfg, Some(&d.scope)),
    );
    meta.data_range = inp.data_range.clone();
    meta.last_ingest = inp.last_ingest.clone();
    if inp.index {
        meta.index = super::INDEX_FROM_REPORT.into();
    }
    meta.period = period.label();
    meta.period_by = d.scope.period_by.column().to_string();

    let teams = trends::teams(&d)?;
    let mut intro = vec![format!(
        "{} ({} {}: {}), compared with the previous period, {}, as \
         aftermath metrics --compare previous takes it. {} team{}: {}. Data judged as of {}.",
        period.label(),
        months.len(),
        if months.len() == 1 { "month" } else { "months" },
        months.join(", "),
        prev.label(),
        teams.len(),
        if teams.len() == 1 { "" } else { "s" },
        if teams.is_empty() {
            "none".to_string()
        } else {
            teams.join(", ")
        },
        meta.as_of
    )];
    if d.previous_partial() {
        intro.push(format!(
            "The store's incidents start on {}, after the previous period began: its counts \
             cover less time than this period's, so counts are not compared (durations are, on \
             the incidents there are).",
            fmt::day(d.first_detected)
        ));
    }
    if period.to > inp.as_of {
        intro.push(format!(
            "The period runs past the as-of instant ({}): its last weeks have no data yet.",
            meta.as_of
        ));
    }
    let sections = vec![
        trends::section(inp, &d, &teams)?,
        compare::section(&d)?,
        clusters::section(inp, &d)?,
        rules::section(inp, &d)?,
        actions::section(inp, &d)?,
        fatigue::teams_section(inp, &d, &teams)?,
        impact::section(inp, &d)?,
        oncall::section(inp, &d)?,
        quality_section(inp, &d)?,
    ];
    let sections = sections
        .into_iter()
        .enumerate()
        .map(|(i, mut s)| {
            s.number = i + 1;
            s
        })
        .collect();
    Ok(ImprovementView {
        meta,
        label: label.to_string(),
        intro,
        sections,
        notes: method_notes(inp),
    })
}

/// How this report reads the metric tables, beyond the catalogue's definitions.
fn method_notes(inp: &Inputs) -> Vec<String> {
    let limit = inp.cfg.thresholds.pages_per_shift_limit;
    vec![
        "Months are UTC calendar months clipped to the period; a month's figures are those of \
         aftermath metrics --by team,month over the period, or of the metrics run over that \
         month alone where a family has no month dimension (repeat rate, on-call shifts, action \
         items)."
            .into(),
        "Monthly durations put all severities of a team together to show its trend; the \
         quarter comparison keeps severities apart, and no duration figure ranks teams."
            .into(),
        format!(
            "Pages per 12-hour shift in a month: the pages of the team's on-call shifts in that \
             month / (their hours in the month / 12); a shift is over the limit above {limit}."
        ),
        "A cluster stopped after its action items when no incident of it was detected after \
         the last completion of the action items of its earlier incidents; it is too early to \
         tell while that quiet time is shorter than the cluster's mean interval."
            .into(),
        "Rule pages in the previous period count that rule's paged alerts fired in it, filters \
         applied, as the rule ranking counts them."
            .into(),
        "Action items: created and done per month come from items created that month; completed \
         per month counts items whose completed_at falls in the month; ageing counts open items \
         at the as-of instant by days since creation."
            .into(),
    ]
}

/// The closing section: every data-quality check of the period (zero counts included: "0
/// resolved before detected" is information), the incidents left out and why, the incidents
/// still open, and the negative durations left out of their metric.
fn quality_section(inp: &Inputs, d: &data::Data) -> Result<Section> {
    let q = fmt::table(&d.quality, TableId::Quality)?;
    let df = &q.frame;
    let mut t = TableView::new(
        &[
            ("Check", false),
            ("Table", false),
            ("Rows", true),
            ("Share", true),
            ("Examples", false),
        ],
        "No check ran.",
    );
    for i in 0..df.height() {
        let rows = cell_f64(df, quality_cols::ROWS, i).unwrap_or(0.0);
        t.flags.push(rows > 0.0);
        t.push(vec![
            cell_str(df, CHECK, i),
            cell_str(df, quality_cols::TABLE, i),
            fmt::whole(Some(rows)),
            fmt::pct(cell_f64(df, quality_cols::SHARE_PCT, i)),
            cell_str(df, quality_cols::EXAMPLES, i),
        ]);
    }
    let counts = &fmt::table(&d.durations, TableId::Incidents)?.frame;
    let open: f64 = (0..counts.height())
        .filter_map(|i| cell_f64(counts, durations_cols::OPEN, i))
        .sum();
    let negative = fmt::table(&d.durations, TableId::NegativeDurations)?
        .frame
        .height();
    let text = vec![
        exclusion_note(inp.frames, inp.cfg, &d.scope)?,
        format!(
            "{open:.0} incident(s) of the period still open at the as-of instant: counted, and \
             censored in the durations (never dropped)."
        ),
        format!(
            "{negative} duration(s) ending before their start: left out of that metric, never \
             clamped to 0."
        ),
    ];
    let mut block = Block::table("", text, t);
    block.notes = q.notes.clone();
    Ok(Section {
        id: "quality".into(),
        number: 0,
        title: "Data quality and exclusions".into(),
        intro: vec![],
        blocks: vec![block],
    })
}
