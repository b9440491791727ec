//! The improvement report's on-call section: per team, the spread of on-call load over the
//! period (the busiest person's hours outside business hours against the median person's,
//! flagged over the team's `oncall_spread_limit`), and per person the totals on-call pay is made
//! of (hours on call, outside business hours, weekend and holiday hours, nights on call and
//! nights interrupted).
//!
//! Both tables are `aftermath metrics oncall` over the report's period (`oncall_spread` and
//! `oncall`), run here rather than in `data` because no other section reads them; the figures
//! are the tables' cells, formatted, never summed again. Months are left to the payroll export
//! (`--table oncall_payroll`): a quarter's totals are what a manager compares, the monthly rows
//! what payroll pays.

use polars::prelude::DataFrame;

use super::data::Data;
use super::fmt::{NONE, dec};
use super::{Block, Section};
use crate::error::Result;
use crate::metrics::TableId;
use crate::metrics::oncall::cols as oncall_cols;
use crate::metrics::{self, Family, Request};
use crate::model::columns::{PERSON, TEAM};
use crate::report::view::{cell_f64, cell_str};
use crate::report::{Inputs, TableView};

/// The two tables over the period, or none when no shift overlaps it.
fn tables(inp: &Inputs, d: &Data) -> Result<Option<(DataFrame, DataFrame)>> {
    let req = Request {
        families: vec![Family::Oncall],
        by: None,
        compare: false,
        pairs: false,
    };
    let mut spread = None;
    let mut people = None;
    for t in metrics::run_on(inp.alerts, inp.frames, inp.cfg, &d.scope, &req)? {
        match t.id {
            TableId::OncallSpread => spread = Some(t.frame),
            TableId::Oncall => people = Some(t.frame),
            _ => {}
        }
    }
    Ok(spread.zip(people))
}

fn bool_cell(df: &DataFrame, col: &str, row: usize) -> bool {
    matches!(
        df.column(col).ok().and_then(|c| c.get(row).ok()),
        Some(polars::prelude::AnyValue::Boolean(true))
    )
}

fn spread_table(df: &DataFrame) -> TableView {
    let mut t = TableView::new(
        &[
            ("Team", false),
            ("People", true),
            ("Median person, h outside business hours", true),
            ("Busiest person", false),
            ("Busiest, h outside business hours", true),
            ("Spread (busiest / median)", true),
            ("Limit", true),
            ("Over the limit", false),
        ],
        "No on-call shift in the period.",
    );
    for r in 0..df.height() {
        let over = bool_cell(df, oncall_cols::OVER_LIMIT, r);
        t.flags.push(over);
        let ratio = cell_f64(df, oncall_cols::SPREAD_RATIO, r);
        t.push(vec![
            cell_str(df, TEAM, r),
            dec(cell_f64(df, oncall_cols::PEOPLE, r)),
            dec(cell_f64(df, oncall_cols::MEDIAN_OUTSIDE_BUSINESS_HOURS, r)),
            cell_str(df, oncall_cols::BUSIEST, r),
            dec(cell_f64(df, oncall_cols::MAX_OUTSIDE_BUSINESS_HOURS, r)),
            ratio.map_or(NONE.into(), |x| format!("{x:.2}")),
            dec(cell_f64(df, oncall_cols::SPREAD_LIMIT, r)),
            match (ratio, over) {
                (None, _) => "no spread".into(),
                (Some(_), true) => "over".into(),
                (Some(_), false) => "within".into(),
            },
        ]);
    }
    t
}

fn people_table(df: &DataFrame) -> TableView {
    let mut t = TableView::new(
        &[
            ("Team", false),
            ("Person", false),
            ("Hours on call", true),
            ("Outside business hours", true),
            ("Weekend hours", true),
            ("Holiday hours", true),
            ("Nights on call", true),
            ("Nights interrupted", true),
        ],
        "No on-call shift in the period.",
    );
    for r in 0..df.height() {
        t.push(vec![
            cell_str(df, TEAM, r),
            cell_str(df, PERSON, r),
            dec(cell_f64(df, oncall_cols::ONCALL_HOURS, r)),
            dec(cell_f64(df, oncall_cols::OUTSIDE_BUSINESS_HOURS, r)),
            dec(cell_f64(df, oncall_cols::WEEKEND_HOURS, r)),
            dec(cell_f64(df, oncall_cols::HOLIDAY_HOURS, r)),
            dec(cell_f64(df, oncall_cols::ONCALL_NIGHTS, r)),
            dec(cell_f64(df, oncall_cols::NIGHTS_INTERRUPTED, r)),
        ]);
    }
    t
}

/// The section: the spread per team, then the pay-relevant totals per person.
pub fn section(inp: &Inputs, d: &Data) -> Result<Section> {
    let intro = vec![
        "Who carried the on-call load over the whole period, in hours of each person's shifts \
         judged in the shift's zone with the team's business hours, sleep hours and holidays \
         (aftermath metrics oncall over the same period). Judge fairness over a period like \
         this one, not a week: a weekly rotation puts one person on call for most of any week."
            .to_string(),
    ];
    let blocks = match tables(inp, d)? {
        None => vec![Block {
            text: vec!["No on-call shift overlaps the period.".into()],
            ..Block::default()
        }],
        Some((spread, people)) => vec![
            Block::table(
                "Fairness per team",
                vec![
                    "The busiest person's hours on call outside business hours against the \
                     median person's, and whether that is over the team's oncall_spread_limit. No \
                     spread with fewer than 2 people or a median of 0."
                        .into(),
                ],
                spread_table(&spread),
            ),
            Block::table(
                "On-call pay figures per person",
                vec![
                    "Totals over the period; weekend and holiday hours are part of the hours \
                     outside business hours. The monthly figures for payroll: aftermath metrics \
                     oncall --table oncall_payroll --format csv."
                        .into(),
                ],
                people_table(&people),
            ),
        ],
    };
    Ok(Section {
        id: "oncall".into(),
        number: 0,
        title: "On-call load and fairness".into(),
        intro,
        blocks,
    })
}
