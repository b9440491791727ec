//! The weekly report's "Customer impact": per service of a team, the week's impact minutes, its
//! availability and, for a service with an SLO, the week's error budget and the share burned,
//! read from the week's `availability` table (`aftermath metrics impact --week W`). The minutes of
//! incidents still open at the as-of instant are shown beside the availability and the incidents
//! named, so a ticket never closed reads as what it is, not as a bare 0%.
//!
//! The organisation report gets one compact row per team (`org_table`): its services, its lowest
//! availability with the open incidents' share of it, how many SLO budgets were overspent, and
//! how many open incidents count up to as-of. The team files hold the rest.

use serde::Serialize;

use super::compute::Computed;
use super::fmt::{NONE, day, int, slice};
use super::team::TeamFacts;
use crate::config::Config;
use crate::error::Result;
use crate::metrics::impact::{
    AVAILABILITY_PCT, BUDGET_BURNED_PCT, IMPACT_MIN, OPEN_IMPACT_MIN, SLO_PCT,
};
use crate::model::columns::SERVICE;
use crate::report::TableView;
use crate::report::impact::{self as show, OpenIncident};
use crate::report::text::duration_label;

/// A team's "Customer impact" section.
#[derive(Serialize)]
pub struct ImpactView {
    /// One row per service of the team; over-budget rows flagged.
    pub services: TableView,
    /// The sentence naming the incidents still open at as-of, or empty.
    pub open: String,
}

/// What the organisation's row of a team needs.
#[derive(Default)]
pub struct ImpactFacts {
    pub services: usize,
    /// The service with the lowest availability: (name, availability %, minutes of it from open
    /// incidents, impact minutes).
    pub lowest: Option<(String, f64, f64, f64)>,
    /// Services with an SLO, and those whose budget the week overspent.
    pub slo: u64,
    pub over: u64,
    pub open: Vec<OpenIncident>,
}

/// The section of `team` and its facts for the organisation row.
pub fn section(
    c: &Computed,
    cfg: &Config,
    team: &str,
    as_of: &str,
) -> Result<(ImpactView, ImpactFacts)> {
    let t = slice(&c.availability, team)?;
    let open = show::open_incidents(&c.impact_incidents, cfg, Some(team))?;
    let mut facts = ImpactFacts {
        services: t.height(),
        ..ImpactFacts::default()
    };
    for r in 0..t.height() {
        let avail = t.f(AVAILABILITY_PCT, r);
        if let Some(a) = avail
            && facts.lowest.as_ref().is_none_or(|l| a < l.1)
        {
            facts.lowest = Some((
                t.s(SERVICE, r),
                a,
                t.f(OPEN_IMPACT_MIN, r).unwrap_or(0.0),
                t.f(IMPACT_MIN, r).unwrap_or(0.0),
            ));
        }
        if t.f(SLO_PCT, r).is_some() {
            facts.slo += 1;
            facts.over += u64::from(t.f(BUDGET_BURNED_PCT, r).is_some_and(|b| b > 100.0));
        }
    }
    let view = ImpactView {
        services: show::services_table(&t.df, false, "Week's budget"),
        open: show::open_sentence(&open, as_of).unwrap_or_default(),
    };
    facts.open = open;
    Ok((view, facts))
}

/// The organisation's table: one row per team of the report.
pub fn org_table(teams: &[&TeamFacts], names: &[&str]) -> TableView {
    let mut t = TableView::new(
        &[
            ("Team", false),
            ("Services", true),
            ("Lowest availability", false),
            ("SLO budgets overspent", true),
            ("Open incidents counted to as-of", false),
        ],
        "No team in this report.",
    );
    for (f, name) in teams.iter().map(|f| &f.impact).zip(names) {
        let lowest = f.lowest.as_ref().map_or(NONE.into(), |(s, a, open, all)| {
            let a = show::availability(Some(*a));
            if *open > 0.0 && *open >= *all {
                format!("{s} {a} (all {} from open incidents)", duration_label(*all))
            } else if *open > 0.0 {
                format!(
                    "{s} {a} ({} of its {} from open incidents)",
                    duration_label(*open),
                    duration_label(*all)
                )
            } else {
                format!("{s} {a}")
            }
        });
        let over = if f.slo == 0 {
            NONE.into()
        } else {
            format!("{} of {}", f.over, f.slo)
        };
        let open = match f.open.first() {
            None => "0".into(),
            Some(o) => format!(
                "{}, oldest since {}",
                int(f.open.len() as u64),
                day(Some(o.since))
            ),
        };
        t.flags.push(f.over > 0);
        t.push(vec![
            name.to_string(),
            int(f.services as u64),
            lowest,
            over,
            open,
        ]);
    }
    t
}

/// The sentence under the organisation's table: what "open incidents counted to as-of" means,
/// when there are any.
pub fn org_note(open: usize, as_of: &str) -> String {
    if open == 0 {
        return "Availability is per service over the week; no incident is still open at the \
                as-of instant."
            .into();
    }
    format!(
        "Availability is per service over the week. {} still open at the as-of instant ({as_of}) \
         {} counted as impact up to it, by definition, so a ticket never closed can bring a \
         service near 0%: each team's file names them and how many minutes are theirs.",
        if open == 1 {
            "1 incident".to_string()
        } else {
            format!("{} incidents", int(open as u64))
        },
        if open == 1 { "is" } else { "are" },
    )
}
