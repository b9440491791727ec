//! One team's section of the weekly report, assembled from the sections' builders: the headline,
//! incidents and their trend, durations, customer impact, alert fatigue, recurrence, action items with who owes
//! what, and data quality.
//! The same view is the body of the team's own file and its section in the organisation report,
//! so the two can never disagree (and its charts are drawn once).

use serde::Serialize;

use super::compute::Computed;
use super::durations::{self, DurationsView};
use super::fatigue::{self, FatigueFacts, FatigueView};
use super::fmt::{Tbl, pct};
use super::followup::{self, ActionsView, FollowupFacts, RecurrenceView};
use super::headline;
use super::impact::{self, ImpactFacts, ImpactView};
use super::incidents::{self, Counts};
use super::owes::{self, OwesView};
use crate::error::Result;
use crate::metrics::recurrence::cols as recurrence_cols;
use crate::report::{ChartView, Inputs, TableView};

/// A team's part of the report.
#[derive(Serialize)]
pub struct TeamView {
    pub name: String,
    pub slug: String,
    /// The team file's names, for links from the organisation report.
    pub html: String,
    pub md: String,
    /// The team's IANA zone, in which hours of the day are judged.
    pub zone: String,
    pub headline: Vec<String>,
    pub incidents: TableView,
    /// The week's SEV1/SEV2 incidents, by id, with their postmortem links.
    pub majors: TableView,
    pub trend: ChartView,
    pub trend_words: Vec<String>,
    pub durations: DurationsView,
    /// Per service: the week's impact, availability and error budget.
    pub impact: ImpactView,
    pub fatigue: FatigueView,
    /// Each person's on-call load this week and the team's fairness line.
    pub oncall: super::oncall::OncallView,
    pub recurrence: RecurrenceView,
    pub actions: ActionsView,
    /// The overdue items and outstanding postmortems by name ("Who owes what").
    pub owes: OwesView,
    pub quality: TableView,
}

impl TeamView {
    /// Every chart of the section, in the order it shows them.
    pub fn charts(&self) -> Vec<&ChartView> {
        let mut out = vec![&self.trend];
        out.extend(&self.durations.strips);
        out.push(&self.fatigue.buckets);
        out.push(&self.fatigue.heatmap);
        out
    }
}

/// The figures of a team the organisation summary lays side by side.
pub struct TeamFacts {
    pub counts: Counts,
    pub fatigue: FatigueFacts,
    pub followup: FollowupFacts,
    pub impact: ImpactFacts,
    /// The repeat rate, "40.0%", or an en dash without incidents.
    pub repeat_pct: String,
}

/// Build the section of `team`, whose files are named with `slug`.
pub fn build(inp: &Inputs, c: &Computed, team: &str, slug: &str) -> Result<(TeamView, TeamFacts)> {
    let cfg = inp.cfg;
    let counts = incidents::counts(c, team)?;
    let tr = c.trends.of(team);
    let limits = tr.limits();
    let (trend, trend_words) = incidents::trend(&tr, &counts.total, team, slug, inp.png)?;
    let (durations, ttr) = durations::section(c, team, slug, inp.png)?;
    let (fatigue, fatigue_facts) = fatigue::section(c, cfg, team, slug, inp.png)?;
    let mut follow = FollowupFacts::default();
    let recurrence = followup::recurrence(c, cfg, team, &mut follow)?;
    let actions = followup::actions(c, team, &mut follow)?;
    let owes = owes::build(&c.owed, cfg, |t| t == team, false);
    let quality = followup::quality(&Tbl::new(c.quality(inp, Some(team))?));
    let as_of = inp.as_of.format("%Y-%m-%d %H:%M UTC").to_string();
    let (impact, impact_facts) = impact::section(c, cfg, team, &as_of)?;
    let headline = headline::team(
        &counts,
        limits.as_ref(),
        &ttr,
        &fatigue_facts,
        &follow,
        cfg,
        &as_of,
    );
    let rec = super::fmt::slice(&c.recurrence, team)?;
    let repeat_pct = pct((rec.height() > 0)
        .then(|| rec.f(recurrence_cols::REPEAT_RATE_PCT, 0))
        .flatten());
    let view = TeamView {
        name: team.to_string(),
        slug: slug.to_string(),
        html: format!("team-{slug}.html"),
        md: format!("team-{slug}.md"),
        zone: cfg.team(team).timezone.to_string(),
        headline,
        incidents: incidents::table(&counts, limits.as_ref()),
        majors: super::majors::table(inp, team, c.week)?,
        trend,
        trend_words,
        durations,
        impact,
        fatigue,
        oncall: super::oncall::section(&c.oncall, team)?,
        recurrence,
        actions,
        owes,
        quality,
    };
    let facts = TeamFacts {
        counts,
        fatigue: fatigue_facts,
        followup: follow,
        impact: impact_facts,
        repeat_pct,
    };
    Ok((view, facts))
}
