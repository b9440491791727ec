//! The weekly reliability report (`reports.md`, "Weekly reliability report"): for a manager's
//! weekly review of one team, or of the organisation with a section per team and a file per team.
//!
//! The period is one ISO week in UTC (Monday 00:00 to Monday 00:00), the calendar the metrics
//! use, so a team's week lines up with every other's; hours of the day are judged in each team's
//! zone. `compute` runs each metric family once for all teams; each team section (`team`) reads
//! its rows: the headline (`headline`), incidents and their trend (`incidents`), durations
//! (`durations`), customer impact per service (`impact`), alert fatigue (`fatigue`), on-call
//! load (`oncall`), recurrence, action items and data quality (`followup`), and who owes what
//! (`owes`). The organisation summary is `org`. Values are formatted here (`fmt`) and laid out by
//! `templates/weekly.html` and `templates/weekly.md`.

mod compute;
pub use compute::alert_asks;
mod digest;
mod durations;
mod fatigue;
// The display strings are shared with `report::impact` (the improvement report prints them too).
pub(crate) mod fmt;
mod followup;
mod headline;
mod impact;
mod incidents;
mod majors;
mod oncall;
mod org;
mod owes;
mod signal;
mod team;
#[cfg(test)]
mod tests;

use chrono::Duration;
use serde::Serialize;

use super::{ChartFile, Document, Inputs, Meta};
use crate::error::{Error, Result};
use crate::metrics::Period;
use crate::metrics::explain::explain;
use compute::{BASELINE_WEEKS, Computed, TREND_WEEKS};
use org::OrgView;
use team::TeamView;

/// The report's templates, registered with the renderer beside the defaults.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("weekly.html", include_str!("../../templates/weekly.html")),
    ("weekly.md", include_str!("../../templates/weekly.md")),
];

/// What the templates receive as `view`.
#[derive(Serialize)]
struct WeeklyView<'a> {
    week: String,
    /// Heading level of a team's subsections: 2 in a team's file, 3 under the team's heading in
    /// the organisation report.
    h: u8,
    organisation: Option<&'a OrgView>,
    teams: Vec<&'a TeamView>,
    /// How to read the report: the methods specific to it, before the catalogue's.
    notes: Vec<String>,
}

/// The template context: `meta` (what every report says about itself) and `view`.
#[derive(Serialize)]
struct Page<'a> {
    meta: &'a Meta,
    view: WeeklyView<'a>,
}

fn notes(inp: &Inputs) -> Vec<String> {
    let th = &inp.cfg.thresholds;
    vec![
        "Weeks are ISO weeks in UTC (Monday 00:00 to Monday 00:00), as the metrics use; an incident \
         belongs to the week it was detected in. Hours of the day (business, off and \
         sleep hours, the heatmap) are judged in each team's zone."
            .into(),
        format!(
            "Counts: this week's count with its exact Poisson 95% interval, against the weekly \
             rate of the previous {BASELINE_WEEKS} weeks (their count's exact Poisson interval \
             divided by {BASELINE_WEEKS}). The baseline and the test are those of `aftermath \
             metrics --week W --compare previous`: \"more\" or \"fewer\" only when the exact \
             conditional binomial test of the two rates gives p < 0.05, which allows for the \
             uncertainty of both counts; else \"no detectable change\"."
        ),
        format!(
            "Trend: XmR chart of the last {TREND_WEEKS} weekly counts, weeks without incidents \
             counted as 0. A week outside the natural process limits (mean +- 2.66 x the mean \
             moving range) is a signal; the rest is routine variation. The count test and the \
             limits answer different questions (a change in rate against the previous \
             {BASELINE_WEEKS} weeks; an unusual week against the last {TREND_WEEKS}): when they \
             disagree about this week, the headline, the counts table and the chart text each \
             say both."
        ),
        "Open at week end: incidents detected by the week's end and not resolved by then (or by \
         the as-of time, if that is earlier), whatever week they were detected in."
            .into(),
        "Durations are per severity, never pooled. A median with open incidents is the \
         Kaplan-Meier median; its 95% interval needs 6 incidents (\"too few to bound\"); the p90 \
         needs 29, else the maximum is shown. The headline quotes a median time to resolve only \
         from 8 incidents."
            .into(),
        format!(
            "Comparison with the previous {BASELINE_WEEKS} weeks (the tables of `aftermath \
             metrics --week W --compare previous`): closed incidents only. \
             \"Shorter\" or \"longer\" when the whole 95% interval of the Hodges-Lehmann ratio is \
             below or above 1, else \"no detectable change\" with that interval; \"insufficient \
             data\" below 8 closed incidents in either period. The smallest detectable change is \
             the factor these sample sizes could have detected (5% test, 80% power)."
        ),
        format!(
            "Postmortems outstanding: SEV1/SEV2 incidents of the last {TREND_WEEKS} weeks with no \
             postmortem once {} business days have passed. Overdue action items: open items past \
             their due date at the as-of time, whatever week they were opened in.",
            th.postmortem_due_business_days
        ),
        format!(
            "Who owes what names the overdue items (P0 first, then the longest overdue) and the \
             outstanding postmortems (SEV1 first, then the most business days) the counts above \
             are made of: the first {} of each, then how many more. A ticket is a link only when \
             it is an http(s) address.",
            inp.cfg.weekly.who_owes_top
        ),
        "Customer impact (`aftermath metrics impact --week W`): an incident's impact runs from \
         its impact start (else detection) to its mitigation (else resolution); an incident \
         still open at the as-of time counts up to it, and the minutes that come from such \
         incidents are shown apart (\"Of it, still open\"). A service's minutes are the union \
         of its incidents' (shared minutes count once); availability = 1 - impact / the week's \
         minutes, rounded down; with an SLO the week's budget is the week's minutes x (1 - \
         target), and a highlighted row overspent it."
            .into(),
        "Data quality: the checks that found something this week. Rejected input rows come from \
         the newest ingest run of the whole store and have no team."
            .into(),
    ]
}

fn meta(inp: &Inputs, c: &Computed, title: String) -> Meta {
    let last_day = c.week.to - Duration::days(1);
    let subtitle = format!(
        "ISO week {}: Monday {} to Sunday {}, a UTC calendar week as the metrics use (hours of \
         the day in each team's zone). Compared with {}, the baseline of `aftermath metrics \
         --compare previous`. Judged as of {}.",
        c.week.label(),
        c.week.from.format("%Y-%m-%d"),
        last_day.format("%Y-%m-%d"),
        c.week.previous_words(),
        inp.as_of.format("%Y-%m-%d %H:%M UTC"),
    );
    let mut m = Meta::new(
        title,
        subtitle,
        inp.as_of,
        explain(inp.cfg, Some(&c.week_scope)),
    );
    m.banners.extend(c.week_scope.not_judged_words());
    m.data_range = inp.data_range.clone();
    m.last_ingest = inp.last_ingest.clone();
    if inp.index {
        m.index = super::INDEX_FROM_REPORT.into();
    }
    m.period = c.week.label();
    m.period_by = c.week_scope.period_by.column().to_string();
    m
}

fn render(
    inp: &Inputs,
    stem: String,
    meta: &Meta,
    view: WeeklyView,
    summary: crate::report::summary::Summary,
) -> Result<Document> {
    let charts = view
        .teams
        .iter()
        .flat_map(|t| t.charts())
        .map(ChartFile::from)
        .collect();
    let page = Page { meta, view };
    let mut pages = vec![];
    for &format in inp.formats {
        pages.push((format, inp.renderer.render("weekly", format, &page)?));
    }
    Ok(Document {
        stem,
        pages,
        charts,
        summary: Some(summary),
    })
}

/// The weekly report of `week` (one ISO week): with `teams` empty, every team with incidents or
/// alerts in the store, else the teams named. With `organisation`, the organisation report
/// (`organisation.html|md`, a summary and a section per team, linking to the team files) comes
/// first; then one file per team, `team-<name>` with the name reduced to `[a-z0-9-]`.
pub fn weekly(
    inp: &Inputs,
    week: Period,
    teams: &[String],
    organisation: bool,
) -> Result<Vec<Document>> {
    if week.to - week.from != Duration::weeks(1) {
        return Err(Error::Query(format!(
            "the weekly report covers one ISO week, not {}; give it as --week 2026-W46",
            week.label()
        )));
    }
    let c = Computed::new(inp, week)?;
    let names: Vec<String> = if teams.is_empty() {
        c.store_teams.clone()
    } else {
        let mut seen = std::collections::BTreeSet::new();
        teams
            .iter()
            .filter(|t| seen.insert(t.as_str()))
            .cloned()
            .collect()
    };
    crate::metrics::frames::check_teams(&c.store_teams, inp.cfg, &names)?;
    let slugs = fmt::unique_slugs(&names);
    let built = names
        .iter()
        .zip(&slugs)
        .map(|(n, s)| team::build(inp, &c, n, s))
        .collect::<Result<Vec<_>>>()?;
    let notes = notes(inp);
    let mut docs = vec![];
    let week_label = c.week.label();
    if organisation {
        let org = org::build(inp, &c, &built, teams.is_empty())?;
        let title = format!("Weekly reliability report: organisation, {week_label}");
        let meta = meta(inp, &c, title);
        let view = WeeklyView {
            week: week_label.clone(),
            h: 3,
            organisation: Some(&org),
            teams: built.iter().map(|b| &b.0).collect(),
            notes: notes.clone(),
        };
        let summary = digest::organisation(&meta, &org, &view.teams, teams.is_empty());
        docs.push(render(inp, "organisation".into(), &meta, view, summary)?);
    }
    for (v, _) in &built {
        let title = format!("Weekly reliability report: {}, {week_label}", v.name);
        let meta = meta(inp, &c, title);
        let view = WeeklyView {
            week: week_label.clone(),
            h: 2,
            organisation: None,
            teams: vec![v],
            notes: notes.clone(),
        };
        let summary = digest::team(&meta, v);
        docs.push(render(
            inp,
            format!("team-{}", v.slug),
            &meta,
            view,
            summary,
        )?);
    }
    Ok(docs)
}
