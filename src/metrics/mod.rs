//! Metrics: pure functions over the store's `LazyFrame`s. No I/O here: callers scan the store and
//! hand the frames in (`Frames`), so every metric can be tested on frames built in memory.
//!
//! The catalogue of `metrics.md` is computed by one module per family (`durations`, `fatigue`,
//! `rules`, `recurrence`, `actions`, `impact`, `quality`, `oncall`), each returning `MetricTable`s; `run` dispatches a
//! request to them (`run_on` with the alert-scale reduce steps of another engine's output,
//! `source`), and `explain` prints the definitions in force. Underneath are the building
//! blocks: the statistics (`stats`), the business/off/sleep judgement of an instant in a team's
//! zone with the interruption merge and flapping rules (`hours`), the title templates of
//! recurrence (`template`), the period and grouping words (`scope`), the baseline a period is
//! compared with (`baseline`), the shared row selection
//! (`frames`) and the tidy long table (`table`). The per-team overview that `aftermath run` prints
//! lives in `overview`.

pub mod actions;
pub mod baseline;
pub mod catalogue;
pub mod coverage;
pub mod durations;
pub mod explain;
pub mod fatigue;
pub mod frames;
pub mod hours;
pub mod impact;
pub mod known;
pub mod oncall;
pub mod overview;
pub mod quality;
pub mod recurrence;
pub mod rules;
pub mod scaleout;
pub mod scope;
pub mod source;
pub mod stats;
pub mod table;
pub mod template;

pub use catalogue::TableId;
pub use frames::Frames;
pub use scope::{Dim, Filters, Period, PeriodBy, Scope};
pub use table::{Family, MetricTable, tidy};

use crate::config::Config;
use crate::error::Result;

/// What to compute: the families, the grouping (`None`: each family's default), whether to
/// compare with the previous period, and whether recurrence lists its matched pairs.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub families: Vec<Family>,
    pub by: Option<Vec<Dim>>,
    pub compare: bool,
    pub pairs: bool,
}

/// Compute every requested family, in catalogue order, with the local engine's reduce steps.
pub fn run(
    frames: &Frames,
    cfg: &Config,
    scope: &Scope,
    req: &Request,
) -> Result<Vec<MetricTable>> {
    run_on(&source::Local, frames, cfg, scope, req)
}

/// Compute every requested family, in catalogue order, with the alert-scale reduce steps of
/// `alerts` (the local engine's, or another engine's output) and the rest over `frames`.
pub(crate) fn run_on(
    alerts: &dyn source::AlertSource,
    frames: &Frames,
    cfg: &Config,
    scope: &Scope,
    req: &Request,
) -> Result<Vec<MetricTable>> {
    // Comparisons need the data's span to know whether they may be judged.
    let with_data;
    let scope = if req.compare && scope.data.is_none() {
        with_data = Scope {
            data: coverage::DataSpan::of(frames, &alerts.facts(frames)?)?,
            ..scope.clone()
        };
        &with_data
    } else {
        scope
    };
    let mut out = vec![];
    for family in Family::ALL {
        if !req.families.contains(&family) {
            continue;
        }
        let by = req.by.as_deref();
        out.extend(match family {
            Family::Durations => durations::durations(frames, cfg, scope, by, req.compare)?,
            Family::Fatigue => fatigue::fatigue(alerts, frames, cfg, scope, by, req.compare)?,
            Family::Rules => rules::rules(alerts, frames, cfg, scope)?,
            Family::Recurrence => recurrence::recurrence(frames, cfg, scope, req.pairs)?,
            Family::Actions => actions::actions(frames, cfg, scope, by)?,
            Family::Impact => impact::impact(frames, cfg, scope)?,
            Family::Quality => quality::quality(alerts, frames, cfg, scope)?,
            Family::Oncall => oncall::oncall(alerts, frames, cfg, scope)?,
        });
    }
    Ok(out)
}
