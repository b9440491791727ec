//! Each incident's recurrence cluster as its postmortem shows it: the cluster the recurrence
//! family lists (`recurrence_clusters`), with the same name, template and incidents, for many
//! incidents from one load and one match graph.
//!
//! The family's clusters are components of the match graph over every included incident known at
//! as-of (`recurrence`, "Identity"), so a postmortem loads that same set once, unfiltered, and
//! reads each incident's component: the cluster the weekly and improvement reports name. (Until
//! issue 13 the postmortem took the component of a window ending at its incident, which named a
//! different earliest incident and count than the reports for the same problem.) A postmortem
//! asks "did this happen before?", so it lists the members detected before its incident; the
//! cluster's total is there too, so a reader sees the same count the reports give.

use std::collections::HashMap;

use super::clusters::template_and_example;
use super::load;
use super::matching::{Graph, Key, Loaded};
use crate::config::Config;
use crate::error::Result;
use crate::metrics::frames::Frames;
use crate::metrics::{Period, Scope};

/// Every included incident known at as-of, matched once.
pub struct History {
    inc: Loaded,
    graph: Graph,
    /// The component representative of each incident.
    roots: Vec<usize>,
    row_of: HashMap<String, usize>,
}

/// The cluster of one incident, in the terms of `recurrence_clusters` and `recurrence_pairs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Named by its earliest incident.
    pub name: String,
    /// The most common title template among its incidents.
    pub template: String,
    /// Its incidents known at as-of, this one included (`recurrence_clusters.incidents`).
    pub incidents: usize,
    /// Its incidents detected before this one (by detected_at, then incident_id), in that order.
    pub earlier: Vec<Member>,
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
    /// Load and match every included incident known at `as_of`.
    pub fn load(f: &Frames, cfg: &Config, as_of: chrono::DateTime<chrono::Utc>) -> Result<History> {
        let th = &cfg.thresholds;
        let window = i64::from(th.recurrence_long_days) * super::DAY_US;
        // The period only sets `in_period`, which a postmortem does not read.
        let span = Period::new(as_of, as_of + chrono::Duration::microseconds(1))?;
        let inc = load(f, cfg, &Scope::new(span, as_of))?;
        let graph = Graph::new(&inc, th.jaccard_min, window);
        let roots = graph.components();
        let row_of = inc
            .ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i))
            .collect();
        Ok(History {
            inc,
            graph,
            roots,
            row_of,
        })
    }

    /// The cluster of `incident_id`, or `None` when no other incident known at as-of matches it
    /// (directly or through others), or it is not among the loaded incidents (excluded).
    pub fn cluster_of(&self, incident_id: &str) -> Option<Cluster> {
        let (inc, g) = (&self.inc, &self.graph);
        let &row = self.row_of.get(incident_id)?;
        let root = self.roots[row];
        let members: Vec<usize> = (0..inc.ids.len())
            .filter(|&i| self.roots[i] == root)
            .collect();
        if members.len() < 2 {
            return None;
        }
        // Pairs are oriented by (detected_at, incident_id), as rows are: the later lists it.
        let direct = |earlier: usize| {
            g.pairs_of(row)
                .into_iter()
                .find(|p| p.earlier == earlier)
                .map(|p| p.key)
        };
        let earlier = members
            .iter()
            .filter(|&&i| i < row)
            .map(|&i| Member {
                incident_id: inc.ids[i].clone(),
                detected_at: inc.at[i],
                direct: direct(i),
            })
            .collect();
        Some(Cluster {
            name: inc.ids[members[0]].clone(),
            template: template_and_example(inc, g, &members).0,
            incidents: members.len(),
            earlier,
        })
    }
}
