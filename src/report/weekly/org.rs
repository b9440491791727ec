//! The organisation summary that opens the organisation report: its headline, the teams side by
//! side (incidents, open at the week's end, SEV1 and SEV2, pages, sleep interruptions, repeat
//! rate, each row linking to the team's file), who owes what across those teams (the most urgent
//! overdue items and outstanding postmortems, each naming its team), the week's data quality for
//! the whole store, and the overall repeat rate. Teams are listed by name, never ranked, and no
//! duration is put side by side: durations depend on each team's mix of incidents and are read in
//! its own section.

use serde::Serialize;

use super::compute::Computed;
use super::fatigue::FatigueFacts;
use super::fmt::{Tbl, int, pct, pct_range, plural};
use super::followup::{self, FollowupFacts};
use super::headline;
use super::incidents::{self, Counts};
use super::owes::{self, OwesView};
use super::team::{TeamFacts, TeamView};
use crate::error::Result;
use crate::metrics::recurrence::cols as recurrence_cols;
use crate::report::{Inputs, TableView};

/// One team's row of the side-by-side table, with the links to its files.
#[derive(Serialize)]
pub struct OrgRow {
    pub name: String,
    pub slug: String,
    pub html: String,
    pub md: String,
    pub cells: Vec<String>,
}

/// The organisation summary.
#[derive(Serialize)]
pub struct OrgView {
    pub headline: Vec<String>,
    /// Headings of `rows`' cells (after the team).
    pub columns: Vec<String>,
    pub rows: Vec<OrgRow>,
    pub total: Vec<String>,
    pub incidents: TableView,
    /// Customer impact: one row per team (its services, lowest availability, overspent SLO
    /// budgets, open incidents counted up to as-of).
    pub impact: TableView,
    /// The sentence under it on incidents left open.
    pub impact_note: String,
    /// Who owes what across the report's teams, each row naming its team.
    pub owes: OwesView,
    /// One line per team over its on-call spread limit, or one sentence that none is.
    pub oncall: Vec<String>,
    pub quality: TableView,
}

fn sev(c: &Counts, name: &str) -> u64 {
    c.rows
        .iter()
        .find(|r| r.severity == name)
        .map_or(0, |r| r.test.n)
}

fn cells(c: &Counts, f: &FatigueFacts, repeat: String) -> Vec<String> {
    vec![
        int(c.total.test.n),
        int(c.total.open_any),
        int(sev(c, "SEV1")),
        int(sev(c, "SEV2")),
        int(f.pages),
        int(f.sleep),
        repeat,
    ]
}

/// The organisation summary of `teams` (views and facts in the same order); `every_team` when
/// they are all the store's teams, so the store-wide tables describe them.
pub fn build(
    inp: &Inputs,
    c: &Computed,
    teams: &[(TeamView, TeamFacts)],
    every_team: bool,
) -> Result<OrgView> {
    let counts: Vec<&Counts> = teams.iter().map(|t| &t.1.counts).collect();
    let org = incidents::org_counts(&counts, c.week_scope.judged());
    let mut fatigue = FatigueFacts::default();
    let mut follow = FollowupFacts::default();
    let mut overdue: std::collections::BTreeMap<String, u64> = Default::default();
    for (_, f) in teams {
        fatigue.pages += f.fatigue.pages;
        fatigue.interruptions += f.fatigue.interruptions;
        fatigue.sleep += f.fatigue.sleep;
        follow.postmortems += f.followup.postmortems;
        for (p, n) in &f.followup.overdue {
            *overdue.entry(p.clone()).or_default() += n;
        }
    }
    follow.overdue = overdue.into_iter().collect();
    // The overall rate only when it covers every team (the table has no team filter).
    let all = Tbl::new(c.recurrence_overall.clone());
    let overall = (every_team && all.height() > 0 && all.u(recurrence_cols::INCIDENTS, 0) > 0)
        .then(|| {
            (
                pct(all.f(recurrence_cols::REPEAT_RATE_PCT, 0)),
                format!(
                    "{} ({} of {} repeated an incident of the previous {} days; 95% {})",
                    pct(all.f(recurrence_cols::REPEAT_RATE_PCT, 0)),
                    int(all.u(recurrence_cols::RECURRENCES, 0)),
                    plural(
                        all.u(recurrence_cols::INCIDENTS, 0),
                        "incident",
                        "incidents"
                    ),
                    inp.cfg.thresholds.recurrence_days,
                    pct_range(
                        all.f(recurrence_cols::REPEAT_RATE_LOW_PCT, 0),
                        all.f(recurrence_cols::REPEAT_RATE_HIGH_PCT, 0)
                    )
                ),
            )
        });
    let as_of = inp.as_of.format("%Y-%m-%d %H:%M UTC").to_string();
    let headline = headline::organisation(
        teams.len(),
        &org,
        &fatigue,
        overall.as_ref().map(|o| o.1.clone()),
        &follow,
        inp.cfg,
        &as_of,
    );
    let rows = teams
        .iter()
        .map(|(v, f)| OrgRow {
            name: v.name.clone(),
            slug: v.slug.clone(),
            html: v.html.clone(),
            md: v.md.clone(),
            cells: cells(&f.counts, &f.fatigue, f.repeat_pct.clone()),
        })
        .collect();
    let total = cells(
        &org,
        &fatigue,
        overall.map_or_else(|| "–".to_string(), |o| o.0),
    );
    let columns = [
        "Incidents",
        "Open at week end",
        "SEV1",
        "SEV2",
        "Pages",
        "Sleep interruptions",
        "Repeat rate",
    ]
    .map(String::from)
    .to_vec();
    let quality = if every_team {
        followup::quality(&Tbl::new(c.quality(inp, None)?))
    } else {
        TableView::new(&[], "See each team's file.")
    };
    let names: Vec<&str> = teams.iter().map(|t| t.0.name.as_str()).collect();
    let owes = owes::build(&c.owed, inp.cfg, |t| names.contains(&t), true);
    let facts: Vec<&TeamFacts> = teams.iter().map(|t| &t.1).collect();
    let impact = super::impact::org_table(&facts, &names);
    let open: usize = facts.iter().map(|f| f.impact.open.len()).sum();
    let impact_note = super::impact::org_note(open, &as_of);
    Ok(OrgView {
        headline,
        columns,
        rows,
        total,
        incidents: incidents::table(&org, None),
        impact,
        impact_note,
        owes,
        oncall: super::oncall::org_lines(&c.oncall, &names)?,
        quality,
    })
}
