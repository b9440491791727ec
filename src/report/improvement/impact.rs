//! The section on customer impact over the period: every service's availability and, for a
//! service with an SLO, the budget of the period and the share burned (the `availability` table
//! of `aftermath metrics impact` over the period), then the budget burned ISO week by week (its
//! `error_budget` table), one row per week and one column per SLO service, so a quarter's trend
//! fits one small table. The incidents still open at the as-of instant, whose minutes count up
//! to it by definition, are named, as in the weekly report (`report::impact`).

use std::collections::BTreeMap;

use super::data::Data;
use super::fmt::table;
use super::{Block, Section};
use crate::error::Result;
use crate::metrics::TableId;
use crate::metrics::impact::BUDGET_BURNED_PCT;
use crate::metrics::scope::Dim;
use crate::model::columns::{SERVICE, TEAM};
use crate::report::impact::{self as show};
use crate::report::view::{cell_f64, cell_str};
use crate::report::{Inputs, TableView};

pub fn section(inp: &Inputs, d: &Data) -> Result<Section> {
    let availability = table(&d.impact, TableId::Availability)?;
    let incidents = table(&d.impact, TableId::ImpactIncidents)?;
    let as_of = inp.as_of.format("%Y-%m-%d %H:%M UTC").to_string();
    let open = show::open_incidents(&incidents.frame, inp.cfg, None)?;
    let mut text = vec![
        "Minutes when at least one incident of the service had impact (shared minutes count \
         once), availability = 1 - those minutes / the period's, and with an SLO the period's \
         error budget and the share burned; a highlighted row overspent it."
            .to_string(),
    ];
    text.extend(show::open_sentence(&open, &as_of));
    let services = Block::table(
        "Availability by service",
        text,
        show::services_table(&availability.frame, true, "Budget"),
    );
    let weekly = Block::table(
        "Error budget burned, week by week",
        vec![
            "Services with an SLO, by ISO week (UTC, from Monday 00:00): the share of that \
             week's budget its incidents burned; a week the period cuts has the budget of its \
             part. Highlighted: a week in which a service overspent."
                .into(),
        ],
        by_week(&table(&d.impact, TableId::ErrorBudget)?.frame),
    );
    Ok(Section {
        id: "impact".into(),
        number: 0,
        title: "Customer impact".into(),
        intro: vec![],
        blocks: vec![services, weekly],
    })
}

/// The `error_budget` rows laid out week by service: one row per ISO week, one column per SLO
/// service, burned shares in cells. Weeks down rather than across: a quarter's 14 weeks as
/// columns made the table wider than a laptop's screen, and there are few SLO services.
fn by_week(df: &polars::prelude::DataFrame) -> TableView {
    let week = Dim::Week.name();
    let mut weeks: Vec<String> = (0..df.height()).map(|r| cell_str(df, week, r)).collect();
    weeks.sort();
    weeks.dedup();
    // Column order is the table's (team, service), kept by first appearance.
    let mut order: Vec<(String, String)> = vec![];
    let mut cells: BTreeMap<(String, String), BTreeMap<String, Option<f64>>> = BTreeMap::new();
    for r in 0..df.height() {
        let k = (cell_str(df, TEAM, r), cell_str(df, SERVICE, r));
        if !cells.contains_key(&k) {
            order.push(k.clone());
        }
        cells
            .entry(k)
            .or_default()
            .insert(cell_str(df, week, r), cell_f64(df, BUDGET_BURNED_PCT, r));
    }
    let names: Vec<String> = order.iter().map(|(t, s)| format!("{s} ({t})")).collect();
    let mut headings: Vec<(&str, bool)> = vec![("Week", false)];
    headings.extend(names.iter().map(|n| (n.as_str(), true)));
    let mut t = TableView::new(
        &headings,
        "No service has an SLO ([services.NAME] availability).",
    );
    for w in &weeks {
        let values: Vec<Option<f64>> = order
            .iter()
            .map(|k| cells[k].get(w).copied().flatten())
            .collect();
        t.flags
            .push(values.iter().any(|v| v.is_some_and(|b| b > 100.0)));
        let mut row = vec![w.clone()];
        row.extend(values.into_iter().map(show::share));
        t.push(row);
    }
    t
}
