//! The finish steps of `scale-out finish`: the tables a job wrote (`read`) turned into the
//! families' tables by the same finish code the local engine runs after its own reduce step
//! (`fatigue::finish`, `fatigue::shift::shift_table`, `fatigue::compare::compare_table`,
//! `rules::finish`, `quality::finish`), so both engines give one set of figures.

use super::names::{FATIGUE_PREFIX, PREVIOUS_PREFIX, ReadTable, TEAM_PREFIX};
use super::read::{self, QualityFrames, ReducedFrames, RulesFrames, ShiftFrames};
use crate::config::Config;
use crate::error::Result;
use crate::metrics::fatigue::{self, FatigueReduced, shifts::Shifts};
use crate::metrics::{Dim, Frames, MetricTable, Scope, quality, rules};

/// Whether a fatigue job with a comparison, grouped by `by`, writes the period's tables by team
/// (`TEAM_PREFIX`): when its own grouping does not sum to teams.
fn compare_needs_team_tables(by: Option<&[Dim]>) -> Result<bool> {
    Ok(!fatigue::compare::reuses(&fatigue::dims_of(by)?))
}

/// The tables of a fatigue job, as `finish_fatigue` takes them.
pub struct FatigueFrames {
    /// The four tables of the job's own grouping and period.
    pub main: ReducedFrames,
    /// `fatigue_shifts` and `fatigue_shift_pages`; `None` for a job written before them.
    pub shifts: Option<ShiftFrames>,
    /// For a job written with a comparison: the period's tables by team (`TEAM_PREFIX`; `None`
    /// when the grouping sums to teams) and the previous period's (`PREVIOUS_PREFIX`).
    pub compare: Option<(Option<ReducedFrames>, ReducedFrames)>,
}

impl FatigueFrames {
    /// Every table a fatigue job grouped by `by` wrote: the shift tables when it wrote them
    /// (`shift_tables`: false for a job from before them), the comparison's when it was written
    /// for one (`compare`).
    pub fn read(
        read: ReadTable<'_>,
        by: Option<&[Dim]>,
        shift_tables: bool,
        compare: bool,
    ) -> Result<FatigueFrames> {
        let tables = || -> Result<_> {
            let current = compare_needs_team_tables(by)?
                .then(|| ReducedFrames::read(TEAM_PREFIX, read))
                .transpose()?;
            Ok((current, ReducedFrames::read(PREVIOUS_PREFIX, read)?))
        };
        Ok(FatigueFrames {
            main: ReducedFrames::read(FATIGUE_PREFIX, read)?,
            shifts: shift_tables.then(|| ShiftFrames::read(read)).transpose()?,
            compare: compare.then(tables).transpose()?,
        })
    }
}

impl FatigueFrames {
    /// The tables as the fatigue finish step takes them, for the job's grouping `dims`.
    pub(super) fn reduced(&self, dims: &[Dim]) -> Result<FatigueReduced> {
        let (shifts, shift_pages) = match &self.shifts {
            Some(f) => read::shift_pages(f)?,
            None => (Shifts::default(), vec![]),
        };
        let team = [Dim::Team];
        let compare = match &self.compare {
            Some((now, before)) => Some((
                now.as_ref().map(|f| read::reduced(f, &team)).transpose()?,
                read::reduced(before, &team)?,
            )),
            None => None,
        };
        Ok(FatigueReduced {
            main: read::reduced(&self.main, dims)?,
            shifts,
            shift_pages,
            compare,
        })
    }
}

/// `fatigue`, `fatigue_shift` (when shifts overlap the period) and `fatigue_compare` (when the
/// job was written for it) from the tables a job wrote: the finish step the local engine runs.
pub fn finish_fatigue(
    reduced: &FatigueFrames,
    cfg: &Config,
    scope: &Scope,
    by: Option<&[Dim]>,
) -> Result<Vec<MetricTable>> {
    let dims = fatigue::dims_of(by)?;
    fatigue::tables(reduced.reduced(&dims)?, cfg, scope, &dims)
}

/// `quality` and `freshness` from the tables a quality job wrote and the incidents and rejected
/// rows of `local` (the store's small tables, whose alerts are not read): the finish step the
/// local engine runs.
pub fn finish_quality(
    reduced: &QualityFrames,
    local: &Frames,
    cfg: &Config,
    scope: &Scope,
) -> Result<Vec<MetricTable>> {
    quality::finish(local, cfg, scope, &read::quality_checks(reduced, &[])?)
}

/// `rules_by_team` and `rules_overall` from the tables a rules job wrote: the finish step the
/// local engine runs.
pub fn finish_rules(reduced: &RulesFrames, cfg: &Config) -> Result<Vec<MetricTable>> {
    rules::finish::finish(read::rules_reduced(reduced)?, cfg)
}
