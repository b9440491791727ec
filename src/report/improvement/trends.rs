//! Section 1, monthly trends per team: incident counts (an XmR chart per team from 8 months, a
//! plain table below that, saying why), the median time to acknowledge and to resolve with their
//! 95% intervals as interval bands, and the repeat rate; the fatigue figures are in `fatigue`.

use std::collections::BTreeSet;

use super::data::Data;
use super::fatigue;
use super::fmt::{self, NONE, Rows, table};
use super::{Block, Section};
use crate::error::Result;
use crate::metrics::TableId;
use crate::metrics::durations::Metric;
use crate::metrics::stats::{self, MIN_XMR_POINTS};
use crate::report::charts::{BandPoint, Chart, IntervalBands, XmrChart, XmrPoint};
use crate::report::{ChartView, Inputs, TableView};

/// The teams with incidents or alerts in the period, sorted by name.
pub fn teams(d: &Data) -> Result<Vec<String>> {
    let mut set: BTreeSet<String> = BTreeSet::new();
    set.extend(fmt::distinct(
        &table(&d.durations, TableId::Incidents)?.frame,
        "team",
    ));
    set.extend(fmt::distinct(
        &table(&d.fatigue, TableId::Fatigue)?.frame,
        "team",
    ));
    Ok(set.into_iter().collect())
}

pub fn section(inp: &Inputs, d: &Data, teams: &[String]) -> Result<Section> {
    let months = d.month_labels();
    let mut blocks = vec![counts_block(inp, d, teams, &months)?];
    let tta = Rows::new(
        &table(&d.durations, TableId::Duration(Metric::Tta))?.frame,
        &["team", "month"],
    );
    let ttr = Rows::new(
        &table(&d.durations, TableId::Duration(Metric::Ttr))?.frame,
        &["team", "month"],
    );
    for (i, team) in teams.iter().enumerate() {
        blocks.push(durations_block(inp, team, i, &months, &tta, &ttr)?);
    }
    blocks.push(repeat_block(inp, d, teams)?);
    blocks.push(fatigue::block(inp, d, teams, &months)?);
    Ok(Section {
        id: "trends".into(),
        number: 0,
        title: "Monthly trends per team".into(),
        intro: vec![
            "Month by month for every team. Durations here put the team's severities together \
             to show its trend; the comparison with the previous period (section 2) keeps them apart."
                .into(),
        ],
        blocks,
    })
}

fn counts_block(inp: &Inputs, d: &Data, teams: &[String], months: &[String]) -> Result<Block> {
    let counts = Rows::new(
        &table(&d.durations, TableId::Incidents)?.frame,
        &["team", "month"],
    );
    let quarter = Rows::new(
        &table(&d.by_team, TableId::IncidentsCompare)?.frame,
        &["team"],
    );
    let mut head: Vec<(&str, bool)> = vec![("Team", false)];
    head.extend(months.iter().map(|m| (m.as_str(), true)));
    head.push(("Whole period", true));
    let mut t = TableView::new(&head, "No incidents in the period.");
    let mut charts = vec![];
    for (i, team) in teams.iter().enumerate() {
        let mut row = vec![team.clone()];
        let mut series = vec![];
        for m in months {
            let n = counts.num(&[team, m], "incidents").unwrap_or(0.0);
            let open = counts.num(&[team, m], "open").unwrap_or(0.0);
            series.push(n);
            row.push(if open > 0.0 {
                format!("{n:.0} ({open:.0} open)")
            } else {
                format!("{n:.0}")
            });
        }
        row.push(fmt::whole(quarter.num(&[team], "incidents").or(Some(0.0))));
        t.push(row);
        if let Some(x) = stats::xmr(&series) {
            let chart = XmrChart {
                title: format!("{team}: incidents per month"),
                period_label: "month".into(),
                value_label: "incidents per month".into(),
                points: months
                    .iter()
                    .zip(&series)
                    .map(|(m, v)| XmrPoint {
                        period: m.clone(),
                        value: *v,
                    })
                    .collect(),
                centre: x.mean,
                lower: x.lower.max(0.0),
                upper: x.upper,
            };
            let name = format!("incidents-xmr-{:02}-{}", i + 1, fmt::slug(team));
            let caption = format!(
                "{team}: incidents per month with natural process limits; {} month(s) outside \
                 them",
                x.signals.len()
            );
            charts.push(ChartView::draw(
                &name,
                &caption,
                &Chart::from(chart),
                inp.png,
            )?);
        }
    }
    let why = if months.len() >= MIN_XMR_POINTS {
        "Each team's XmR chart below marks the months outside its natural process limits \
         (mean ± 2.66 × mean moving range); only those are signals."
            .to_string()
    } else {
        format!(
            "A plain table, not an XmR chart: process-behaviour limits need at least \
             {MIN_XMR_POINTS} points and this period has {} month(s). The weekly report shows \
             the 12-week XmR chart.",
            months.len()
        )
    };
    Ok(Block {
        heading: "Incidents per month".into(),
        text: vec![
            why,
            "Included incidents by the month they were detected; open = not resolved at the \
             as-of instant. Excluded incidents are counted in the data-quality section."
                .into(),
        ],
        table: Some(t),
        charts,
        notes: vec![],
    })
}

fn bands(team: &str, what: &str, code: &str, months: &[String], rows: &Rows) -> Chart {
    Chart::from(IntervalBands {
        title: format!("{team}: median {what} by month"),
        measure: code.into(),
        period_label: "month (all severities)".into(),
        points: months
            .iter()
            .map(|m| BandPoint {
                period: m.clone(),
                median_min: rows.num(&[team, m], "median_min"),
                low_min: rows.num(&[team, m], "median_low_min"),
                high_min: rows.num(&[team, m], "median_high_min"),
            })
            .collect(),
        baseline_min: None,
        baseline_label: String::new(),
    })
}

fn durations_block(
    inp: &Inputs,
    team: &str,
    i: usize,
    months: &[String],
    tta: &Rows,
    ttr: &Rows,
) -> Result<Block> {
    let mut t = TableView::new(
        &[
            ("Month", false),
            ("TTA n", true),
            ("TTA median", true),
            ("TTA 95% interval", false),
            ("TTR n", true),
            ("TTR median", true),
            ("TTR 95% interval", false),
        ],
        "No incidents.",
    );
    let mut km = false;
    let cell_n = |r: &Rows, m: &str| {
        let n = r.num(&[team, m], "n");
        match r.num(&[team, m], "n_open").filter(|o| *o > 0.0) {
            Some(o) => format!("{} ({o:.0} open)", fmt::whole(n)),
            None => fmt::whole(n.or(Some(0.0))),
        }
    };
    for m in months {
        let mut row = vec![m.clone()];
        for r in [tta, ttr] {
            km |= r.text(&[team, m], "median_method") == "Kaplan-Meier";
            row.push(cell_n(r, m));
            row.push(fmt::dur(r.num(&[team, m], "median_min")));
            row.push(if r.row(&[team, m]).is_none() {
                NONE.into()
            } else {
                fmt::dur_interval(
                    r.num(&[team, m], "median_low_min"),
                    r.num(&[team, m], "median_high_min"),
                    &r.text(&[team, m], "median_interval"),
                )
            });
        }
        t.push(row);
    }
    let slug = format!("{:02}-{}", i + 1, fmt::slug(team));
    let charts = vec![
        ChartView::draw(
            &format!("tta-{slug}"),
            &format!(
                "{team}: median time to acknowledge by month, with its 95% interval (all \
                 severities)"
            ),
            &bands(team, "time to acknowledge", "TTA", months, tta),
            inp.png,
        )?,
        ChartView::draw(
            &format!("ttr-{slug}"),
            &format!(
                "{team}: median time to resolve by month, with its 95% interval (all severities)"
            ),
            &bands(team, "time to resolve", "TTR", months, ttr),
            inp.png,
        )?,
    ];
    let mut notes = vec![];
    if km {
        notes.push(
            "A month with open incidents reports the Kaplan-Meier median (open incidents are \
             counted at their time so far, never dropped)."
                .into(),
        );
    }
    Ok(Block {
        heading: format!("{team}: time to acknowledge and resolve"),
        text: vec![],
        table: Some(t),
        charts,
        notes,
    })
}

fn repeat_block(inp: &Inputs, d: &Data, teams: &[String]) -> Result<Block> {
    let quarter = Rows::new(&table(&d.recurrence, TableId::Recurrence)?.frame, &["team"]);
    let monthly: Vec<Rows> = d
        .months
        .iter()
        .map(|m| Rows::new(&m.recurrence.frame, &["team"]))
        .collect();
    let mut head: Vec<(&str, bool)> = vec![("Team", false)];
    head.extend(d.months.iter().map(|m| (m.label.as_str(), true)));
    head.extend([("Whole period", true), ("95% interval", false)]);
    let mut t = TableView::new(&head, "No incidents in the period.");
    let cell = |r: &Rows, team: &str| match r.num(&[team], "incidents").filter(|n| *n > 0.0) {
        None => NONE.to_string(),
        Some(n) => format!(
            "{} ({} of {n:.0})",
            fmt::pct(r.num(&[team], "repeat_rate_pct")),
            fmt::whole(r.num(&[team], "recurrences"))
        ),
    };
    for team in teams {
        let mut row = vec![team.clone()];
        row.extend(monthly.iter().map(|r| cell(r, team)));
        row.push(cell(&quarter, team));
        row.push(fmt::pct_range(
            quarter.num(&[team], "repeat_rate_low_pct"),
            quarter.num(&[team], "repeat_rate_high_pct"),
        ));
        t.push(row);
    }
    let days = inp.cfg.thresholds.recurrence_days;
    Ok(Block::table(
        "Repeat rate",
        vec![format!(
            "Repeat rate (recurrences of incidents): an incident is a recurrence when a \
                 matching incident was detected in the previous {days} days. The whole period \
                 carries its Wilson 95% interval; a month's handful of incidents would give a \
                 wide one."
        )],
        t,
    ))
}
