//! The catalogue of metric tables: every table a family can return, named once. A report or the
//! CLI asks for a table by its [`TableId`], never by a string, so a renamed or removed table is
//! a compile error in every reader instead of a runtime "no table" in one report. The machine
//! name (`TableId::name`) is what `--table`, the tidy table's `table` column and docs/metrics.md
//! use; it is stable across releases.

use super::durations::Metric;
use super::table::MetricTable;
use crate::error::{Error, Result};

/// One metric table of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TableId {
    /// `ttd`, `tta`, `ttm`, `ttr`: a duration's distribution by group.
    Duration(Metric),
    /// `ttd_compare` ...: a duration against the previous period.
    DurationCompare(Metric),
    /// `incidents`: counts by group, with open and not-measured incidents.
    Incidents,
    /// `incidents_compare`: counts against the baseline.
    IncidentsCompare,
    /// `negative_durations`: incidents whose instants run backwards.
    NegativeDurations,
    /// `fatigue`: alert fatigue by the chosen groups.
    Fatigue,
    /// `fatigue_shift`: per on-call shift.
    FatigueShift,
    /// `fatigue_compare`: pages and interruptions against the previous period.
    FatigueCompare,
    /// `rules_by_team`, `rules_overall`: noisy rules ranked.
    RulesByTeam,
    RulesOverall,
    /// `recurrence`, `recurrence_overall`: the share of incidents that recur.
    Recurrence,
    RecurrenceOverall,
    /// `recurrence_clusters`: recurring problems, one row each.
    RecurrenceClusters,
    /// `recurrence_pairs`: the matched pairs (`--pairs`).
    RecurrencePairs,
    /// `actions`: action-item follow-through by group.
    Actions,
    /// `actions_overdue_all`: every overdue item, named.
    ActionsOverdueAll,
    /// `postmortems_missing`: incidents still owed a postmortem.
    PostmortemsMissing,
    /// `impact_incidents`, `impact`, `availability`, `error_budget`: customer impact.
    ImpactIncidents,
    Impact,
    Availability,
    ErrorBudget,
    /// `quality`, `freshness`: what the data let us judge.
    Quality,
    Freshness,
    /// `oncall`, `oncall_week`, `oncall_fairness`, `oncall_spread`, `oncall_payroll`.
    Oncall,
    OncallWeek,
    OncallFairness,
    OncallSpread,
    OncallPayroll,
}

impl TableId {
    /// Every table, in the order the families return them.
    pub const ALL: [TableId; 34] = [
        TableId::Duration(Metric::Ttd),
        TableId::Duration(Metric::Tta),
        TableId::Duration(Metric::Ttm),
        TableId::Duration(Metric::Ttr),
        TableId::DurationCompare(Metric::Ttd),
        TableId::DurationCompare(Metric::Tta),
        TableId::DurationCompare(Metric::Ttm),
        TableId::DurationCompare(Metric::Ttr),
        TableId::Incidents,
        TableId::IncidentsCompare,
        TableId::NegativeDurations,
        TableId::Fatigue,
        TableId::FatigueShift,
        TableId::FatigueCompare,
        TableId::RulesByTeam,
        TableId::RulesOverall,
        TableId::Recurrence,
        TableId::RecurrenceOverall,
        TableId::RecurrenceClusters,
        TableId::RecurrencePairs,
        TableId::Actions,
        TableId::ActionsOverdueAll,
        TableId::PostmortemsMissing,
        TableId::ImpactIncidents,
        TableId::Impact,
        TableId::Availability,
        TableId::ErrorBudget,
        TableId::Quality,
        TableId::Freshness,
        TableId::Oncall,
        TableId::OncallWeek,
        TableId::OncallFairness,
        TableId::OncallSpread,
        TableId::OncallPayroll,
    ];

    /// The stable machine name.
    pub fn name(self) -> &'static str {
        use Metric::*;
        match self {
            TableId::Duration(m) => m.code(),
            TableId::DurationCompare(Ttd) => "ttd_compare",
            TableId::DurationCompare(Tta) => "tta_compare",
            TableId::DurationCompare(Ttm) => "ttm_compare",
            TableId::DurationCompare(Ttr) => "ttr_compare",
            TableId::Incidents => "incidents",
            TableId::IncidentsCompare => "incidents_compare",
            TableId::NegativeDurations => "negative_durations",
            TableId::Fatigue => "fatigue",
            TableId::FatigueShift => "fatigue_shift",
            TableId::FatigueCompare => "fatigue_compare",
            TableId::RulesByTeam => "rules_by_team",
            TableId::RulesOverall => "rules_overall",
            TableId::Recurrence => "recurrence",
            TableId::RecurrenceOverall => "recurrence_overall",
            TableId::RecurrenceClusters => "recurrence_clusters",
            TableId::RecurrencePairs => "recurrence_pairs",
            TableId::Actions => "actions",
            TableId::ActionsOverdueAll => "actions_overdue_all",
            TableId::PostmortemsMissing => "postmortems_missing",
            TableId::ImpactIncidents => "impact_incidents",
            TableId::Impact => "impact",
            TableId::Availability => "availability",
            TableId::ErrorBudget => "error_budget",
            TableId::Quality => "quality",
            TableId::Freshness => "freshness",
            TableId::Oncall => "oncall",
            TableId::OncallWeek => "oncall_week",
            TableId::OncallFairness => "oncall_fairness",
            TableId::OncallSpread => "oncall_spread",
            TableId::OncallPayroll => "oncall_payroll",
        }
    }

    /// The figure columns of the table, in frame order after its grouping dimensions: the
    /// family's named constants, so the frame and its readers cannot drift apart (the schema
    /// test below holds every frame to this list).
    pub fn figures(self) -> &'static [&'static str] {
        use super::{actions, durations, fatigue, impact, oncall, quality, recurrence, rules};
        match self {
            TableId::Duration(_) => durations::cols::METRIC_TABLE,
            TableId::DurationCompare(_) => durations::cols::COMPARE_TABLE,
            TableId::Incidents => durations::cols::INCIDENTS_TABLE,
            TableId::IncidentsCompare => durations::cols::INCIDENTS_COMPARE_TABLE,
            TableId::NegativeDurations => durations::cols::NEGATIVE_TABLE,
            TableId::Fatigue => fatigue::cols::FATIGUE_TABLE,
            TableId::FatigueShift => fatigue::cols::SHIFT_TABLE,
            TableId::FatigueCompare => fatigue::cols::COMPARE_TABLE,
            TableId::RulesByTeam | TableId::RulesOverall => rules::cols::TABLE,
            TableId::Recurrence | TableId::RecurrenceOverall => recurrence::cols::RATE_TABLE,
            TableId::RecurrenceClusters => recurrence::cols::CLUSTERS_TABLE,
            TableId::RecurrencePairs => recurrence::cols::PAIRS_TABLE,
            TableId::Actions => actions::cols::ACTIONS_TABLE,
            TableId::ActionsOverdueAll => actions::cols::OVERDUE_TABLE,
            TableId::PostmortemsMissing => actions::cols::POSTMORTEMS_MISSING_TABLE,
            TableId::ImpactIncidents => impact::cols::INCIDENTS_TABLE,
            TableId::Impact => impact::cols::IMPACT_TABLE,
            TableId::Availability | TableId::ErrorBudget => impact::cols::AVAILABILITY_TABLE,
            TableId::Quality => quality::cols::QUALITY_TABLE,
            TableId::Freshness => quality::cols::FRESHNESS_TABLE,
            TableId::Oncall | TableId::OncallWeek => oncall::cols::LOAD_TABLE,
            TableId::OncallFairness => oncall::cols::FAIRNESS_TABLE,
            TableId::OncallSpread => oncall::cols::SPREAD_TABLE,
            TableId::OncallPayroll => oncall::cols::PAYROLL_TABLE,
        }
    }

    /// The XmR columns the table gains after [`TableId::figures`] when grouped by week.
    pub fn weekly_figures(self) -> &'static [&'static str] {
        use super::{durations, fatigue};
        match self {
            TableId::Duration(_) => durations::cols::WEEKLY_MEDIAN_XMR,
            TableId::Incidents => durations::cols::WEEKLY_COUNT_XMR,
            TableId::Fatigue => fatigue::cols::WEEKLY_XMR,
            _ => &[],
        }
    }

    /// The table called `name` (`--table`), if the catalogue has one.
    pub fn parse(name: &str) -> Option<TableId> {
        TableId::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// The table `id` among `tables`. Its absence is our bug (the report asked its families for the
/// wrong tables), not the data's.
pub fn find(tables: &[MetricTable], id: TableId) -> Result<&MetricTable> {
    tables
        .iter()
        .find(|t| t.id == id)
        .ok_or_else(|| Error::Internal(format!("the metrics gave no table {}", id.name())))
}

/// Take the table `id` out of `tables`, by the rule of [`find`].
pub fn take(tables: &mut Vec<MetricTable>, id: TableId) -> Result<MetricTable> {
    let i = tables
        .iter()
        .position(|t| t.id == id)
        .ok_or_else(|| Error::Internal(format!("the metrics gave no table {}", id.name())))?;
    Ok(tables.remove(i))
}

#[cfg(test)]
mod tests;
