//! The names of the tables a scale-out job writes, spelt once: the SQL writers name their
//! outputs with these (`fatigue_sql`, `rules_sql`, `quality_sql`), and each family's frames are
//! read back by the same names (`ReducedFrames::read` and its siblings), through a reader the
//! caller gives, so nothing here touches a file and no caller names a table.

use polars::prelude::DataFrame;

use crate::error::Result;

/// The prefix of the fatigue job's tables for its own grouping and period.
pub(crate) const FATIGUE_PREFIX: &str = "fatigue";
/// The prefix of its tables by team over the period, written for `--compare` when the grouping
/// does not sum to teams (`fatigue::compare::reuses`).
pub(crate) const TEAM_PREFIX: &str = "fatigue_team";
/// The prefix of its tables by team over the previous period, written for `--compare`.
pub(crate) const PREVIOUS_PREFIX: &str = "fatigue_prev";

/// The fatigue job's shift tables.
pub(crate) const FATIGUE_SHIFTS: &str = "fatigue_shifts";
pub(crate) const FATIGUE_SHIFT_PAGES: &str = "fatigue_shift_pages";
/// The rules job's tables.
pub(crate) const RULES_GROUPS: &str = "rules_groups";
pub(crate) const RULES_TTR: &str = "rules_ttr";
/// The quality job's tables.
pub(crate) const QUALITY_ALERTS: &str = "quality_alerts";
pub(crate) const QUALITY_EXAMPLES: &str = "quality_examples";

/// The reports' own steps' tables (`report_sql`).
pub(crate) const PAGES: &str = "pages";
pub(crate) const ALERT_FACTS: &str = "alert_facts";
pub(crate) const INCIDENT_ALERTS: &str = "incident_alerts";

/// The team key column of the tables written by team (`quality_alerts`, `quality_examples`).
pub(crate) const TEAM_KEY: &str = "k_team";

/// One of the four tables of a fatigue grouping.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FatiguePart {
    Groups,
    Pages,
    Firings,
    Totals,
}

/// The name of a fatigue grouping's `part` under `prefix`: `fatigue_groups`, `fatigue_prev_pages`.
pub(crate) fn fatigue_table(prefix: &str, part: FatiguePart) -> String {
    let part = match part {
        FatiguePart::Groups => "groups",
        FatiguePart::Pages => "pages",
        FatiguePart::Firings => "firings",
        FatiguePart::Totals => "totals",
    };
    format!("{prefix}_{part}")
}

/// Reads a job's table by name: the store layer's `read_reduced` over the folder the engine
/// wrote, as the caller binds it.
pub type ReadTable<'a> = &'a dyn Fn(&str) -> Result<DataFrame>;
