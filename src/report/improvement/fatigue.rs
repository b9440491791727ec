//! The per-team small multiples and the fatigue figures behind them: section 1's alert-fatigue
//! block (pages, pages per 12-hour on-call shift, sleep interruptions, the actionable share, per
//! team and month) and section 6, the teams side by side (monthly incidents and pages, one panel
//! per team in alphabetical order on a shared scale).
//!
//! No table ranks teams, and no duration figure is set team against team: teams differ in
//! services, traffic and alerting, so each is read against its own past. Pages per shift come
//! from the month's `fatigue_shift` rows (shifts clipped to the month): the pages of the team's
//! shifts over their hours, per 12 hours.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::data::Data;
use super::fmt::{self, NONE, Rows, table};
use super::{Block, Section};
use crate::error::Result;
use crate::metrics::TableId;
use crate::metrics::table::pe;
use crate::report::charts::{Chart, Panel, PanelScale, SmallMultiples};
use crate::report::view::{cell_f64, cell_str};
use crate::report::{ChartView, Inputs, TableView};

/// On-call shift totals of a team in a month, from `fatigue_shift`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ShiftTotals {
    pub shifts: u64,
    pub over: u64,
    pub pages: f64,
    pub hours: f64,
}

impl ShiftTotals {
    /// Pages per 12 hours on call: pages / (hours / 12).
    pub fn per_12h(&self) -> Option<f64> {
        (self.hours > 0.0).then(|| self.pages / (self.hours / 12.0))
    }
}

/// Per-team totals of a month's `fatigue_shift` frame.
pub fn shift_totals(df: &DataFrame) -> Result<BTreeMap<String, ShiftTotals>> {
    let over = df.column("over_limit").map_err(pe)?.bool().map_err(pe)?;
    let mut out: BTreeMap<String, ShiftTotals> = BTreeMap::new();
    for i in 0..df.height() {
        let t = out.entry(cell_str(df, "team", i)).or_default();
        t.shifts += 1;
        t.over += u64::from(over.get(i).unwrap_or(false));
        t.pages += cell_f64(df, "pages", i).unwrap_or(0.0);
        t.hours += cell_f64(df, "hours", i).unwrap_or(0.0);
    }
    Ok(out)
}

/// A team's shift totals per month (in month order); `None` for a month without any shift data.
pub fn shifts_by_month(d: &Data) -> Result<Vec<Option<BTreeMap<String, ShiftTotals>>>> {
    d.months
        .iter()
        .map(|m| {
            m.shifts
                .as_ref()
                .map(|t| shift_totals(&t.frame))
                .transpose()
        })
        .collect()
}

/// Section 1's fatigue block: a team-month table and two small multiples.
pub fn block(inp: &Inputs, d: &Data, teams: &[String], months: &[String]) -> Result<Block> {
    let fat = Rows::new(
        &table(&d.fatigue, TableId::Fatigue)?.frame,
        &["team", "month"],
    );
    let shifts = shifts_by_month(d)?;
    let mut t = TableView::new(
        &[
            ("Team", false),
            ("Month", false),
            ("Pages", true),
            ("Pages per 12-h shift", true),
            ("Shifts over limit", true),
            ("Sleep interruptions", true),
            ("Nights interrupted", true),
            ("Actionable", true),
            ("95% interval", false),
        ],
        "No alerts in the period.",
    );
    let (mut per_shift, mut sleep) = (vec![], vec![]);
    for team in teams {
        let (mut ps, mut sl) = (vec![], vec![]);
        for (k, m) in months.iter().enumerate() {
            let key = [team.as_str(), m.as_str()];
            let st = shifts[k].as_ref().and_then(|s| s.get(team)).copied();
            let flag = st.is_some_and(|s| s.over > 0);
            ps.push(st.and_then(|s| s.per_12h()));
            sl.push(Some(fat.num(&key, "sleep_interruptions").unwrap_or(0.0)));
            t.push(vec![
                team.clone(),
                m.clone(),
                fmt::whole(fat.num(&key, "pages").or(Some(0.0))),
                fmt::dec(
                    st.and_then(|s| s.per_12h())
                        .map(|r| (r * 10.0).round() / 10.0),
                ),
                st.map_or(NONE.into(), |s| format!("{} of {}", s.over, s.shifts)),
                fmt::whole(fat.num(&key, "sleep_interruptions").or(Some(0.0))),
                fmt::whole(fat.num(&key, "nights_interrupted").or(Some(0.0))),
                fmt::pct(fat.num(&key, "actionable_pct")),
                fmt::pct_range(
                    fat.num(&key, "actionable_low_pct"),
                    fat.num(&key, "actionable_high_pct"),
                ),
            ]);
            t.flags.push(flag);
        }
        per_shift.push(Panel {
            title: team.clone(),
            values: ps,
        });
        sleep.push(Panel {
            title: team.clone(),
            values: sl,
        });
    }
    let limit = inp.cfg.thresholds.pages_per_shift_limit;
    let multiples = |title: &str, label: &str, panels: Vec<Panel>| {
        Chart::from(SmallMultiples {
            title: title.into(),
            value_label: label.into(),
            scale: PanelScale::Linear,
            periods: months.to_vec(),
            panels,
        })
    };
    let charts = vec![
        ChartView::draw(
            "pages-per-shift",
            &format!(
                "Pages per 12 hours on call, by month and team (limit {limit} per shift); teams \
                 in alphabetical order"
            ),
            &multiples(
                "Pages per 12-hour shift",
                "pages per 12 h on call",
                per_shift,
            ),
            inp.png,
        )?,
        ChartView::draw(
            "sleep-interruptions",
            "Sleep-hour interruptions by month and team, in each person's or team's zone; \
             teams in alphabetical order",
            &multiples("Sleep interruptions", "interruptions per month", sleep),
            inp.png,
        )?,
    ];
    Ok(Block {
        heading: "Alert fatigue".into(),
        text: vec![format!(
            "Pages, pages per 12 hours of on-call shift (highlighted rows: at least one shift \
             above {limit}), interruptions in sleep hours and the nights they broke, and the \
             share of pages that were actionable (acknowledged by a person or linked to an \
             incident) with its Wilson 95% interval."
        )],
        table: Some(t),
        charts,
        notes: vec![],
    })
}

fn panels(rows: &Rows, col: &str, teams: &[String], months: &[String]) -> Vec<Panel> {
    teams
        .iter()
        .map(|team| Panel {
            title: team.clone(),
            values: months
                .iter()
                .map(|m| Some(rows.num(&[team, m], col).unwrap_or(0.0)))
                .collect(),
        })
        .collect()
}

/// Section 6, the teams side by side.
pub fn teams_section(inp: &Inputs, d: &Data, teams: &[String]) -> Result<Section> {
    let months = d.month_labels();
    let incidents = Rows::new(
        &table(&d.durations, TableId::Incidents)?.frame,
        &["team", "month"],
    );
    let pages = Rows::new(
        &table(&d.fatigue, TableId::Fatigue)?.frame,
        &["team", "month"],
    );
    let chart = |title: &str, label: &str, p: Vec<Panel>| {
        Chart::from(SmallMultiples {
            title: title.into(),
            value_label: label.into(),
            scale: PanelScale::Linear,
            periods: months.clone(),
            panels: p,
        })
    };
    let charts = vec![
        ChartView::draw(
            "teams-incidents",
            "Incidents per month, one panel per team (alphabetical order, shared scale)",
            &chart(
                "Incidents by team",
                "incidents per month",
                panels(&incidents, "incidents", teams, &months),
            ),
            inp.png,
        )?,
        ChartView::draw(
            "teams-pages",
            "Pages per month, one panel per team (alphabetical order, shared scale)",
            &chart(
                "Pages by team",
                "pages per month",
                panels(&pages, "pages", teams, &months),
            ),
            inp.png,
        )?,
    ];
    Ok(Section {
        id: "teams".into(),
        number: 0,
        title: "Teams side by side".into(),
        intro: vec![
            "One panel per team, in alphabetical order, on one scale: read each team against \
             its own months. Teams differ in services, traffic and alerting, so this is not a \
             ranking, and no duration figure is set team against team."
                .into(),
        ],
        blocks: vec![Block {
            charts,
            ..Block::default()
        }],
    })
}
