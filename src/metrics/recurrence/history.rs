//! Each incident's recurrence cluster as its postmortem shows it: the cluster the recurrence
//! family finds over the days before the incident up to the incident itself, for many incidents
//! from one load and one match graph.
//!
//! A postmortem asks "did this happen before?" over a window that ends at its own incident, so
//! later incidents can never join its cluster. Running the recurrence family once per postmortem
//! (each time templating and matching the whole organisation's incidents) made `run` over a large
//! organisation's week take hours. Here the incidents of every window asked for are loaded and
//! matched once; each incident's cluster is then the component of the graph restricted to its own
//! window (`Graph::components_in`), which is exactly what the family computes over that window
//! alone, because whether two incidents match depends on the two incidents only.

use std::collections::HashMap;

use super::clusters::template_and_example;
use super::matching::{Graph, Key, Loaded};
use super::{DAY_US, load};
use crate::config::Config;
use crate::error::Result;
use crate::metrics::frames::Frames;
use crate::metrics::{Period, Scope};

/// The included incidents of every window asked for, matched once.
pub struct History {
    inc: Loaded,
    graph: Graph,
    row_of: HashMap<String, usize>,
    /// How far back a window reaches before its incident, in microseconds.
    reach: i64,
}

/// The cluster of one incident, in the terms of `recurrence_clusters` and `recurrence_pairs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Named by its earliest incident.
    pub name: String,
    /// The most common title template among its incidents.
    pub template: String,
    /// Its other incidents, in (detected_at, incident_id) order.
    pub others: Vec<Member>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub incident_id: String,
    /// detected_at, UTC microseconds.
    pub detected_at: i64,
    /// How it matched the incident directly, or `None` when it joined the cluster through
    /// other incidents.
    pub direct: Option<Key>,
}

impl History {
    /// Load and match the incidents of the windows of incidents detected at `detected`
    /// (microseconds): each window runs from `days` days before its incident, less the longer
    /// recurrence window (a recurrence may repeat an earlier incident), to the incident itself.
    pub fn load(
        f: &Frames,
        cfg: &Config,
        as_of: chrono::DateTime<chrono::Utc>,
        days: i64,
        detected: &[i64],
    ) -> Result<History> {
        let th = &cfg.thresholds;
        let window = i64::from(th.recurrence_long_days) * DAY_US;
        let reach = days * DAY_US + window.max(i64::from(th.recurrence_days) * DAY_US);
        let (Some(first), Some(last)) = (detected.iter().min(), detected.iter().max()) else {
            return Ok(History {
                inc: Loaded::default(),
                graph: Graph::new(&Loaded::default(), th.jaccard_min, window),
                row_of: HashMap::new(),
                reach,
            });
        };
        let micros = |us: i64| chrono::DateTime::from_timestamp_micros(us).unwrap_or_default();
        let span = Period::new(micros(first - reach), micros(last + 1))?;
        let inc = load(f, cfg, &Scope::new(span, as_of), first - reach)?;
        let graph = Graph::new(&inc, th.jaccard_min, window);
        let row_of = inc
            .ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i))
            .collect();
        Ok(History {
            inc,
            graph,
            row_of,
            reach,
        })
    }

    /// The cluster of `incident_id` over its window, or `None` when no earlier incident (nor one
    /// at the same instant) matches it there, or it is not among the loaded incidents (excluded,
    /// or not detected at one of the instants given to `load`).
    pub fn cluster_of(&self, incident_id: &str) -> Option<Cluster> {
        let (inc, g) = (&self.inc, &self.graph);
        let &row = self.row_of.get(incident_id)?;
        let at = inc.at[row];
        let from = inc.at.partition_point(|&t| t < at - self.reach);
        let to = inc.at.partition_point(|&t| t <= at);
        let roots = g.components_in(from..to);
        let root = roots[row - from];
        let members: Vec<usize> = (from..to).filter(|&i| roots[i - from] == root).collect();
        if members.len() < 2 {
            return None;
        }
        // Pairs are oriented by (detected_at, incident_id): the later of the two lists it.
        let direct = |other: usize| {
            let (later, earlier) = if other < row {
                (row, other)
            } else {
                (other, row)
            };
            g.pairs_of(later)
                .into_iter()
                .find(|p| p.earlier == earlier)
                .map(|p| p.key)
        };
        let others = members
            .iter()
            .filter(|&&i| i != row)
            .map(|&i| Member {
                incident_id: inc.ids[i].clone(),
                detected_at: inc.at[i],
                direct: direct(i),
            })
            .collect();
        Some(Cluster {
            name: inc.ids[members[0]].clone(),
            template: template_and_example(inc, g, &members).0,
            others,
        })
    }
}
