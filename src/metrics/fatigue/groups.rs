//! The figures of each fatigue group, as plain counts. polars reads and flags the alerts
//! (`classify::prepare`); the reduce step (`reduce`) gives each alert (or, by person, each
//! alert-person unit) its group, sums the plain counts and lists the pages and episode starts,
//! and the finish step (`finish`) does what is not a plain aggregate: the interruption merge,
//! the nights and the median acknowledgement time. Other engines run the reduce step as SQL
//! (`metrics::scaleout`) and share the finish step.

use polars::prelude::*;

use super::classify::{self, Alerts};
use super::ids::{Interned, Ordered};
use crate::config::Config;
use crate::error::Result;
use crate::metrics::frames::Frames;
use crate::metrics::scope::{Dim, Scope};
use crate::model::columns::*;

/// The person of alerts no shift covers.
pub(crate) const NO_SHIFT: &str = "(no shift)";

/// Counts of one group.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Stats {
    pub alerts: u64,
    pub pages: u64,
    pub actionable: u64,
    pub transient: u64,
    pub flapping: u64,
    pub episodes: u64,
    pub incident_alerts: u64,
    pub incidents: u64,
    pub repeats: u64,
    pub interruptions: u64,
    pub business: u64,
    pub off: u64,
    pub sleep: u64,
    pub nights: u64,
    /// Minutes from firing to acknowledgement of the acknowledged pages.
    pub tta_min: Vec<f64>,
}

/// A scope's alerts ready for grouping: the text columns are `incident_id`, then `service` and
/// `severity` when grouped by, in that order (`text`).
pub(crate) struct Scoped {
    pub alerts: Alerts,
    /// Every page by team in time order.
    pub pages: Ordered,
    text: Vec<&'static str>,
}

impl Scoped {
    pub(crate) fn text(&self, name: &str) -> &Interned {
        let i = self
            .text
            .iter()
            .position(|c| *c == name)
            .expect("column loaded for its dim");
        &self.alerts.extra[i]
    }
}

/// Read and flag the scope's alerts for `dims`.
pub(super) fn load(f: &Frames, cfg: &Config, scope: &Scope, dims: &[Dim]) -> Result<Scoped> {
    let mut text = vec![INCIDENT_ID];
    for (d, c) in [(Dim::Service, SERVICE), (Dim::Severity, SEVERITY)] {
        if dims.contains(&d) {
            text.push(c);
        }
    }
    let alerts = classify::prepare(&f.alerts, &f.alert_history, cfg, scope, &text)?;
    let pages = alerts.team_order(true);
    Ok(Scoped {
        alerts,
        pages,
        text,
    })
}

/// The groups of one scope: `keys` has one row per group (the dims, named as the dims, weeks and
/// months as labels), in sorted order, and `stats` the same rows' counts.
pub(crate) struct Groups {
    pub keys: DataFrame,
    pub stats: Vec<Stats>,
    /// Alerts put under `(no shift)` (grouping by person only).
    pub no_shift_alerts: u64,
    /// Acknowledged pages whose acknowledgement precedes the firing (left out of the median).
    pub negative_tta: u64,
}
