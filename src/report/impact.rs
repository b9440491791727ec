//! Customer impact as the weekly and improvement reports show it: the `availability` and
//! `error_budget` tables of `metrics::impact` (docs/metrics.md, "Customer impact") turned into
//! display rows, and the incidents still open at the as-of instant named from `impact_incidents`.
//!
//! Nothing is computed here. In particular the minutes an open incident contributes
//! (`open_impact_min`) come from the metric: a ticket left open for months counts up to as-of by
//! definition and can push a service to 0%, so every view that prints an availability prints that
//! column beside it and names the incidents behind it, rather than a bare alarming figure. Which
//! team an incident's service belongs to is `metrics::impact::universe::key`, the rule the tables
//! were grouped by.

use chrono::DateTime;
use polars::prelude::*;

use crate::config::Config;
use crate::error::Result;
use crate::metrics::impact::{
    AVAILABILITY_PCT, BUDGET_BURNED_PCT, BUDGET_MIN, IMPACT_FROM, IMPACT_MIN, INCIDENTS, OPEN,
    OPEN_IMPACT_MIN, SLO_PCT, universe,
};
use crate::metrics::table::{INCIDENT, pe};
use crate::model::columns::{SERVICE, TEAM};
use crate::report::TableView;
use crate::report::charts::duration_label;
use crate::report::view::{cell_f64, cell_str};
use crate::report::weekly::fmt::int;

/// How many open incidents a sentence names before it counts the rest.
const NAMED_OPEN: usize = 5;

const NONE: &str = "–";

/// An availability as a percentage, rounded down so impact never reads as "100%": three
/// decimals from 99% (where SLO targets live: 99.95% against 99.9%), else one.
pub fn availability(pct: Option<f64>) -> String {
    match pct {
        None => NONE.into(),
        Some(p) if p >= 100.0 => "100%".into(),
        Some(p) if p >= 99.0 => format!("{:.3}%", (p * 1000.0).floor() / 1000.0),
        Some(p) => format!("{:.1}%", (p * 10.0).floor() / 10.0),
    }
}

/// A share of a budget: "45.2%", "1,091%" from 1,000% (a decimal there is noise); an en dash
/// for none.
pub fn share(pct: Option<f64>) -> String {
    match pct {
        None => NONE.into(),
        Some(v) if v >= 1000.0 => format!("{}%", int(v.round() as u64)),
        Some(v) => format!("{v:.1}%"),
    }
}

/// "45 min", "7 d"; "0 min" rather than "0 s" for a service without impact.
pub fn minutes(m: Option<f64>) -> String {
    match m {
        None => NONE.into(),
        Some(0.0) => "0 min".into(),
        Some(v) => duration_label(v),
    }
}

/// The service rows of an `availability` (or one week's `error_budget`) frame, the team column
/// shown when `with_team`; rows whose budget is overspent (burned over 100%) are flagged.
pub fn services_table(df: &DataFrame, with_team: bool, budget: &str) -> TableView {
    let mut headings = vec![];
    if with_team {
        headings.push(("Team", false));
    }
    headings.extend([
        ("Service", false),
        ("Incidents", true),
        ("Impact", true),
        ("Of it, still open", true),
        ("Availability", true),
        ("SLO", true),
        (budget, true),
        ("Budget burned", true),
    ]);
    let mut t = TableView::new(
        &headings,
        "No service is configured or named by an incident.",
    );
    for r in 0..df.height() {
        let f = |c: &str| cell_f64(df, c, r);
        let open = f(OPEN_IMPACT_MIN).filter(|m| *m > 0.0);
        let mut row = vec![];
        if with_team {
            row.push(cell_str(df, TEAM, r));
        }
        row.extend([
            cell_str(df, SERVICE, r),
            format!("{:.0}", f(INCIDENTS).unwrap_or(0.0)),
            minutes(f(IMPACT_MIN)),
            open.map_or(NONE.into(), duration_label),
            availability(f(AVAILABILITY_PCT)),
            f(SLO_PCT).map_or(NONE.into(), |s| format!("{s}%")),
            minutes(f(BUDGET_MIN)),
            share(f(BUDGET_BURNED_PCT)),
        ]);
        t.flags
            .push(f(BUDGET_BURNED_PCT).is_some_and(|b| b > 100.0));
        t.push(row);
    }
    t
}

/// One incident still open at the as-of instant, counted up to it.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenIncident {
    pub id: String,
    pub service: String,
    /// Start of its impact, microseconds.
    pub since: i64,
}

/// The open incidents of an `impact_incidents` frame whose service row belongs to `team` (every
/// team when None), oldest first. Incidents without a service are in no availability, so they
/// are not listed.
pub fn open_incidents(
    df: &DataFrame,
    cfg: &Config,
    team: Option<&str>,
) -> Result<Vec<OpenIncident>> {
    let since = df
        .column(IMPACT_FROM)
        .map_err(pe)?
        .cast(&DataType::Int64)
        .map_err(pe)?;
    let since = since.i64().map_err(pe)?;
    let open = df.column(OPEN).map_err(pe)?.bool().map_err(pe)?;
    let mut out = vec![];
    for r in 0..df.height() {
        let service = cell_str(df, SERVICE, r);
        if open.get(r) != Some(true) || service.is_empty() {
            continue;
        }
        let owner = universe::key(cfg, &cell_str(df, TEAM, r), &service).0;
        if team.is_some_and(|t| t != owner) {
            continue;
        }
        out.push(OpenIncident {
            id: cell_str(df, INCIDENT, r),
            service,
            since: since.get(r).unwrap_or_default(),
        });
    }
    out.sort_by(|a, b| (a.since, &a.id).cmp(&(b.since, &b.id)));
    Ok(out)
}

/// The sentence naming the open incidents whose minutes the "Of it, still open" column holds, or
/// None when there are none.
pub fn open_sentence(open: &[OpenIncident], as_of: &str) -> Option<String> {
    if open.is_empty() {
        return None;
    }
    let named: Vec<String> = open
        .iter()
        .take(NAMED_OPEN)
        .map(|o| {
            let since = DateTime::from_timestamp_micros(o.since)
                .map_or(NONE.into(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string());
            format!("{} ({}, since {since})", o.id, o.service)
        })
        .collect();
    let more = match open.len().saturating_sub(NAMED_OPEN) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    let (n, verb) = match open.len() {
        1 => ("1 incident".to_string(), "is"),
        n => (format!("{n} incidents"), "are"),
    };
    Some(format!(
        "{n} {verb} still open at the as-of instant ({as_of}) and, by definition, counted as \
         impact up to it (\"Of it, still open\"): {}{more}. If one is in fact over, resolving or \
         mitigating it in the incident tool corrects these figures.",
        named.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn availability_never_rounds_impact_up_to_100() {
        assert_eq!(availability(Some(100.0)), "100%");
        // 1 - 1/10080 = 99.99007936507937: floored, not rounded to 99.990 -> still not 100.
        assert_eq!(availability(Some(99.99007936507937)), "99.990%");
        assert_eq!(availability(Some(99.9999)), "99.999%");
        assert_eq!(availability(Some(98.90873015873016)), "98.9%");
        assert_eq!(availability(Some(0.0)), "0.0%");
        assert_eq!(availability(None), "–");
        assert_eq!(share(Some(20000.0)), "20,000%");
        assert_eq!(share(Some(49.603_174_603_174_6)), "49.6%");
        assert_eq!(minutes(Some(0.0)), "0 min");
    }

    #[test]
    fn the_open_sentence_names_five_and_counts_the_rest() {
        assert_eq!(open_sentence(&[], "x"), None);
        // 2026-06-01T10:00:00Z = 1780308000 s.
        let o = |id: &str| OpenIncident {
            id: id.into(),
            service: "checkout".into(),
            since: 1_780_308_000_000_000,
        };
        let one = open_sentence(&[o("csv:c3")], "2026-11-16 00:00 UTC").unwrap();
        assert!(
            one.starts_with(
                "1 incident is still open at the as-of instant (2026-11-16 00:00 UTC) and, by \
                 definition, counted as impact up to it (\"Of it, still open\"): csv:c3 \
                 (checkout, since 2026-06-01 10:00 UTC)."
            ),
            "{one}"
        );
        let seven: Vec<OpenIncident> = (0..7).map(|i| o(&format!("i{i}"))).collect();
        let s = open_sentence(&seven, "t").unwrap();
        assert!(s.starts_with("7 incidents are still open"), "{s}");
        assert!(
            s.contains("i4 (checkout, since 2026-06-01 10:00 UTC) and 2 more."),
            "{s}"
        );
    }
}
