//! Section 2, the period against the previous one (`Period::previous`: the previous quarter for a quarter): incidents and pages per
//! team (exact Poisson intervals, the conditional binomial test, "more"/"fewer" only when it is
//! significant), and the time to acknowledge and to resolve per team and severity (the
//! Hodges-Lehmann ratio with its interval, the verdict, the smallest change the data could have
//! shown). Severities stay apart. Rows with a detectable change are highlighted, in one neutral
//! colour whatever the direction; nothing else is.

use super::data::Data;
use super::fmt::{self, NONE, Rows, table};
use super::{Block, Section};
use crate::error::Result;
use crate::metrics::coverage::NOT_JUDGED;
use crate::metrics::durations::Metric;
use crate::metrics::{MetricTable, TableId};
use crate::report::TableView;
use crate::report::view::{cell_str, too_few_to_compare};

pub fn section(d: &Data) -> Result<Section> {
    let prev = d.scope.period.previous();
    let mut blocks = vec![counts_block(d)?];
    for (metric, what) in [
        (Metric::Tta, "Time to acknowledge"),
        (Metric::Ttr, "Time to resolve"),
    ] {
        blocks.push(duration_block(
            table(&d.by_severity, TableId::DurationCompare(metric))?,
            what,
        ));
    }
    Ok(Section {
        id: "compare".into(),
        number: 0,
        title: format!("Against the previous period ({})", prev.label()),
        intro: vec![
            format!(
                "{} against {} ({} days against {}; counts are compared as rates per day).",
                d.scope.period.label(),
                prev.label(),
                (d.scope.period.to - d.scope.period.from).num_days(),
                (prev.to - prev.from).num_days()
            ),
            "Each change is tested: a verdict names a direction only when the data shows one; \
             otherwise it says \"no detectable change\" with the range of ratios the data is \
             compatible with, or \"insufficient data\"."
                .into(),
        ],
        blocks,
    })
}

/// An interval end of a count: one decimal below 10, whole numbers above.
fn bound(x: Option<f64>) -> String {
    match x {
        Some(v) if v < 10.0 => fmt::dec(Some((v * 10.0).round() / 10.0)),
        v => fmt::whole(v),
    }
}

/// "12 (6.2 – 21)": a count with its exact Poisson 95% interval.
fn count_cell(r: &Rows, team: &str, n: &str, low: &str, high: &str) -> String {
    match r.num(&[team], n) {
        None => NONE.into(),
        Some(v) => format!(
            "{v:.0} ({} – {})",
            bound(r.num(&[team], low)),
            bound(r.num(&[team], high))
        ),
    }
}

fn counts_block(d: &Data) -> Result<Block> {
    let inc = Rows::new(
        &table(&d.by_team, TableId::IncidentsCompare)?.frame,
        &["team"],
    );
    let pages = Rows::new(
        &table(&d.fatigue, TableId::FatigueCompare)?.frame,
        &["team"],
    );
    let mut teams: Vec<String> = fmt::distinct(inc.df, "team");
    teams.extend(fmt::distinct(pages.df, "team"));
    teams.sort();
    teams.dedup();
    let partial = d.previous_partial();
    let verdict = |r: &Rows, team: &str| {
        if r.row(&[team]).is_none() {
            NONE.to_string()
        } else if partial {
            "not compared".into()
        } else {
            r.text(&[team], "verdict")
        }
    };
    let mut t = TableView::new(
        &[
            ("Team", false),
            ("Incidents (95% interval)", true),
            ("Previous", true),
            ("Verdict", false),
            ("Pages (95% interval)", true),
            ("Previous", true),
            ("Verdict", false),
            ("Actionable", true),
            ("Previous", true),
        ],
        "No incidents or pages in either period.",
    );
    for team in &teams {
        let (vi, vp) = (verdict(&inc, team), verdict(&pages, team));
        t.flags
            .push([&vi, &vp].iter().any(|v| *v == "more" || *v == "fewer"));
        t.push(vec![
            team.clone(),
            count_cell(&inc, team, "incidents", "incidents_low", "incidents_high"),
            count_cell(
                &inc,
                team,
                "incidents_previous",
                "incidents_previous_low",
                "incidents_previous_high",
            ),
            vi,
            count_cell(&pages, team, "pages", "pages_low", "pages_high"),
            fmt::whole(pages.num(&[team], "pages_previous")),
            vp,
            fmt::pct(pages.num(&[team], "actionable_pct")),
            fmt::pct(pages.num(&[team], "actionable_pct_previous")),
        ]);
    }
    let mut text = vec![
        "Counts with their exact Poisson 95% intervals; \"more\" or \"fewer\" only when the \
         conditional binomial test of the two counts, weighted by the periods' lengths, gives p < 0.05. Actionable: the share of \
         pages acknowledged by a person or linked to an incident."
            .to_string(),
    ];
    if partial {
        text.push(format!(
            "Not compared: the store's incidents start on {}, after the previous period began, \
             so its counts cover less time than this period's.",
            fmt::day(d.first_detected)
        ));
    }
    Ok(Block::table("Incidents and pages per team", text, t))
}

fn duration_block(cmp: &MetricTable, what: &str) -> Block {
    let df = &cmp.frame;
    let mut t = TableView::new(
        &[
            ("Team", false),
            ("Severity", false),
            ("n", true),
            ("n previous", true),
            ("Median", true),
            ("Median previous", true),
            ("Ratio (95% interval)", true),
            ("Verdict", false),
            ("Smallest detectable change", true),
        ],
        "No closed incidents in either period.",
    );
    let r = Rows::new(df, &["team", "severity"]);
    let mut open_left_out = 0.0;
    let (mut groups, mut judged, mut shorter, mut longer) = (0, 0, 0, 0);
    // Groups whose comparison reaches outside the data (`metrics::coverage`).
    let mut unjudged = 0;
    let mut thin = vec![];
    for i in 0..df.height() {
        let (team, sev) = (cell_str(df, "team", i), cell_str(df, "severity", i));
        let key = [team.as_str(), sev.as_str()];
        let n = r.num(&key, "n").unwrap_or(0.0);
        let np = r.num(&key, "n_previous").unwrap_or(0.0);
        open_left_out += r.num(&key, "open_left_out").unwrap_or(0.0);
        if n == 0.0 && np == 0.0 {
            continue;
        }
        let ratio = match r.num(&key, "ratio") {
            None => NONE.to_string(),
            Some(x) => format!(
                "{} ({} – {})",
                fmt::ratio(Some(x)),
                fmt::ratio(r.num(&key, "ratio_low")),
                fmt::ratio(r.num(&key, "ratio_high"))
            ),
        };
        let verdict = r.text(&key, "verdict");
        let insufficient = verdict == "insufficient data";
        groups += 1;
        judged += usize::from(!insufficient);
        unjudged += usize::from(verdict == NOT_JUDGED);
        shorter += usize::from(verdict == "shorter");
        longer += usize::from(verdict == "longer");
        // Named in one sentence below, not a row each saying "insufficient data".
        if insufficient {
            thin.push(format!("{team} {sev} ({n:.0} vs {np:.0})"));
            continue;
        }
        t.flags.push(verdict == "shorter" || verdict == "longer");
        t.push(vec![
            team.clone(),
            sev.clone(),
            format!("{n:.0}"),
            format!("{np:.0}"),
            fmt::dur(r.num(&key, "median_min")),
            fmt::dur(r.num(&key, "median_previous_min")),
            ratio,
            verdict,
            fmt::ratio(r.num(&key, "smallest_detectable_change")),
        ]);
    }
    if t.rows.is_empty() && !thin.is_empty() {
        t.empty = "No team and severity had enough closed incidents for a comparison.".into();
    }
    let mut notes = vec![
        "Ratio: Hodges-Lehmann estimate of this period's durations over the previous period's \
         (x0.50 = half as long), closed incidents only; shorter or longer only when its whole \
         95% interval is below or above 1; insufficient data below 8 closed incidents in either \
         period. Smallest detectable change: a factor the data could not have told from noise."
            .to_string(),
    ];
    if !thin.is_empty() {
        notes.push(too_few_to_compare("this period vs the previous", &thin));
    }
    if open_left_out > 0.0 {
        notes.push(format!(
            "{open_left_out:.0} open incident(s) left out of the comparison: their time so far \
             is only a lower bound."
        ));
    }
    let summary = format!(
        "{judged} of {groups} team and severity groups have at least 8 closed incidents in both \
         periods; {}.",
        match (shorter, longer) {
            _ if judged == 0 => "no verdict can be drawn".to_string(),
            _ if unjudged > 0 => "they are not judged, as the previous period reaches outside \
                                  the data"
                .to_string(),
            (0, 0) => "none of them shows a detectable change".to_string(),
            (s, l) => format!("{s} shorter, {l} longer, the rest no detectable change"),
        }
    );
    Block {
        heading: format!("{what} by team and severity"),
        text: vec![summary],
        table: Some(t),
        charts: vec![],
        notes,
    }
}
