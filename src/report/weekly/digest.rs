//! The weekly reports' summaries for delivery (`report::summary`): a team's headline, its major
//! incidents and the overdue items "Who owes what" names, taken from the team's view; the
//! organisation's headline, every listed team's major incidents and the organisation's list of
//! overdue items. Nothing is recomputed: these are the strings the report prints.

use super::org::OrgView;
use super::owes::OwesView;
use super::team::TeamView;
use crate::report::Meta;
use crate::report::summary::{OverdueItem, ReportKind, Summary, majors_from_table};

fn overdue(owes: &OwesView) -> Vec<OverdueItem> {
    owes.items.iter().map(|i| i.item.clone()).collect()
}

/// A team's file's summary.
pub(super) fn team(meta: &Meta, v: &TeamView) -> Summary {
    let stem = format!("team-{}", v.slug);
    let mut s = Summary::new(
        ReportKind::WeeklyTeam,
        &stem,
        meta.title.clone(),
        meta.period.clone(),
        meta.as_of.clone(),
    );
    s.team = Some(v.name.clone());
    s.teams = vec![v.name.clone()];
    s.headline = v.headline.clone();
    s.majors = majors_from_table(&v.majors, &v.name);
    s.overdue = overdue(&v.owes);
    s.overdue_more = v.owes.items_more.clone();
    s.charts = v.charts().iter().map(|c| c.name.clone()).collect();
    s
}

/// The organisation report's summary; `every_team` when it covers the whole store (`teams`
/// then stays empty: the organisation).
pub(super) fn organisation(
    meta: &Meta,
    org: &OrgView,
    teams: &[&TeamView],
    every_team: bool,
) -> Summary {
    let mut s = Summary::new(
        ReportKind::WeeklyOrganisation,
        "organisation",
        meta.title.clone(),
        meta.period.clone(),
        meta.as_of.clone(),
    );
    if !every_team {
        s.teams = teams.iter().map(|t| t.name.clone()).collect();
    }
    s.headline = org.headline.clone();
    s.majors = teams
        .iter()
        .flat_map(|t| majors_from_table(&t.majors, &t.name))
        .collect();
    s.overdue = overdue(&org.owes);
    s.overdue_more = org.owes.items_more.clone();
    // The organisation has no chart of its own: each team's trend, in the report's order.
    s.charts = teams.iter().map(|t| t.trend.name.clone()).collect();
    s
}
