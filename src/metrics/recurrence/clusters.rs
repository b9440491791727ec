//! The cluster and pair tables of recurrence: incidents joined by matches no more than the long
//! window apart, with their span, mean interval, teams, services, template, and whether the action
//! items of the earlier incidents were done; and the audit list of every matched pair.
//!
//! A cluster is named by its earliest incident (by detected_at, then incident_id): that name is
//! stable across runs over the same data and tells a reader where the problem started. The graph
//! holds every included incident known at as-of, so the name, template and incidents of a cluster
//! do not depend on the period (`History` gives a postmortem the same). Clusters are kept when at
//! least one of their incidents lies in the period and they have two or more.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use polars::prelude::*;

use super::DAY_US;
use super::matching::{Graph, Key, Loaded};
use crate::config::Config;
use crate::error::Result;
use crate::metrics::catalogue::TableId;
use crate::metrics::frames::Frames;
use crate::metrics::table::{Family, MetricTable, pe};
use crate::model::columns::*;

const CLUSTER: &str = "cluster";

fn instants(name: &str, us: Vec<i64>) -> Result<Column> {
    Column::new(name.into(), us)
        .cast(&DataType::Datetime(
            TimeUnit::Microseconds,
            Some(TimeZone::UTC),
        ))
        .map_err(pe)
}

/// The most common template among `members` (ties: the alphabetically first), and the title of
/// the latest member with it.
pub(super) fn template_and_example(inc: &Loaded, g: &Graph, members: &[usize]) -> (String, String) {
    let mut count: HashMap<u32, usize> = HashMap::new();
    for &i in members {
        *count.entry(g.template_of[i]).or_default() += 1;
    }
    let best = count
        .into_iter()
        .max_by(|a, b| {
            a.1.cmp(&b.1)
                .then_with(|| g.templates[b.0 as usize].cmp(&g.templates[a.0 as usize]))
        })
        .map(|x| x.0)
        .unwrap_or_default();
    let example = members
        .iter()
        .rev()
        .find(|&&i| g.template_of[i] == best)
        .map(|&i| inc.title[i].clone())
        .unwrap_or_default();
    (g.templates[best as usize].clone(), example)
}

/// Each listed cluster's incidents by cluster name, in (detected_at, incident_id) order.
pub type Members = BTreeMap<String, Vec<String>>;

/// `recurrence_clusters`, and with `pairs` also `recurrence_pairs`; and the clusters' members.
pub fn tables(
    f: &Frames,
    cfg: &Config,
    inc: &Loaded,
    g: &Graph,
    pairs: bool,
) -> Result<(Vec<MetricTable>, Members)> {
    let roots = g.components();
    let mut by_root: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, r) in roots.iter().enumerate() {
        by_root.entry(*r).or_default().push(i);
    }
    let mut kept: Vec<Vec<usize>> = by_root
        .into_values()
        .filter(|m| m.len() >= 2 && m.iter().any(|&i| inc.in_period[i]))
        .collect();
    // Members are in (detected_at, incident_id) order, so m[0] is the earliest: largest first,
    // then the oldest, then by name, which is unique.
    kept.sort_by(|a, b| {
        b.len()
            .cmp(&a.len())
            .then(inc.at[a[0]].cmp(&inc.at[b[0]]))
            .then(inc.ids[a[0]].cmp(&inc.ids[b[0]]))
    });

    let mut c = ClusterColumns::default();
    let (mut earlier_ids, mut earlier_cluster) = (vec![], vec![]);
    for m in &kept {
        let name = inc.ids[m[0]].clone();
        let (first, last) = (inc.at[m[0]], inc.at[m[m.len() - 1]]);
        let join = |it: &mut dyn Iterator<Item = &str>| -> Option<String> {
            let set: BTreeSet<&str> = it.collect();
            (!set.is_empty()).then(|| set.into_iter().collect::<Vec<_>>().join(", "))
        };
        let (template, example) = template_and_example(inc, g, m);
        c.incidents.push(m.len() as u32);
        c.in_period
            .push(m.iter().filter(|&&i| inc.in_period[i]).count() as u32);
        c.first.push(first);
        c.last.push(last);
        c.interval
            .push((last - first) as f64 / DAY_US as f64 / (m.len() - 1) as f64);
        c.teams
            .push(join(&mut m.iter().map(|&i| inc.team[i].as_str())).unwrap_or_default());
        c.services.push(join(
            &mut m.iter().filter_map(|&i| inc.service[i].as_deref()),
        ));
        c.template.push(template);
        c.example.push(example);
        for &i in &m[..m.len() - 1] {
            earlier_ids.push(inc.ids[i].clone());
            earlier_cluster.push(name.clone());
        }
        c.name.push(name);
    }
    let clusters = c.frame()?;

    // Action items of every incident but the latest of its cluster.
    let earlier = df!(INCIDENT_ID => earlier_ids, CLUSTER => earlier_cluster).map_err(pe)?;
    let status = |s: &str| col(STATUS).eq(lit(s)).cast(DataType::UInt32).sum();
    let actions = earlier
        .lazy()
        .join(
            f.action_items
                .clone()
                .select([col(INCIDENT_ID), col(STATUS)]),
            [col(INCIDENT_ID)],
            [col(INCIDENT_ID)],
            JoinArgs::new(JoinType::Inner),
        )
        .group_by([col(CLUSTER)])
        .agg([
            len().cast(DataType::UInt32).alias("actions_total"),
            status("done").alias("actions_done"),
            status("open").alias("actions_open"),
        ]);
    let frame = clusters
        .lazy()
        .with_row_index("order", None)
        .join(
            actions,
            [col(CLUSTER)],
            [col(CLUSTER)],
            JoinArgs::new(JoinType::Left),
        )
        .sort(["order"], SortMultipleOptions::default())
        .drop(cols(["order"]))
        .with_columns(
            ["actions_total", "actions_done", "actions_open"].map(|c| col(c).fill_null(lit(0u32))),
        )
        .collect()
        .map_err(pe)?;

    let long = cfg.thresholds.recurrence_long_days;
    let mut out = vec![MetricTable {
        family: Family::Recurrence,
        id: TableId::RecurrenceClusters,
        title: "Clusters of recurring incidents".into(),
        dims: vec![CLUSTER.into()],
        frame,
        notes: vec![
            format!(
                "A cluster joins incidents linked by matches no more than {long} days apart, \
                 among every included incident known at as-of, so a cluster has the same name, \
                 template and incidents whatever the period asked (only in_period depends on \
                 it); it is named by its earliest incident and listed when it has two or more \
                 incidents and at least one in the period."
            ),
            "mean_interval_days = (last_seen - first_seen) / (incidents - 1). template is the \
             most common title template in the cluster, example_title the latest title with it."
                .into(),
            "actions_* count the action items of every incident but the latest one: done and \
             open; items marked wont_do count in actions_total only."
                .into(),
        ],
    }];
    if pairs {
        out.push(pair_table(inc, g, &kept, long)?);
    }
    let members = kept
        .iter()
        .map(|m| {
            let ids = m.iter().map(|&i| inc.ids[i].clone()).collect();
            (inc.ids[m[0]].clone(), ids)
        })
        .collect();
    Ok((out, members))
}

#[derive(Default)]
struct ClusterColumns {
    name: Vec<String>,
    incidents: Vec<u32>,
    in_period: Vec<u32>,
    first: Vec<i64>,
    last: Vec<i64>,
    interval: Vec<f64>,
    teams: Vec<String>,
    services: Vec<Option<String>>,
    template: Vec<String>,
    example: Vec<String>,
}

impl ClusterColumns {
    fn frame(self) -> Result<DataFrame> {
        DataFrame::new(
            self.name.len(),
            vec![
                Column::new(CLUSTER.into(), self.name),
                Column::new("incidents".into(), self.incidents),
                Column::new("in_period".into(), self.in_period),
                instants("first_seen", self.first)?,
                instants("last_seen", self.last)?,
                Column::new("mean_interval_days".into(), self.interval),
                Column::new("teams".into(), self.teams),
                Column::new("services".into(), self.services),
                Column::new("template".into(), self.template),
                Column::new("example_title".into(), self.example),
            ],
        )
        .map_err(pe)
    }
}

/// Every matched pair inside the kept clusters, in cluster order, then by the later incident,
/// then nearest earlier match first.
fn pair_table(inc: &Loaded, g: &Graph, kept: &[Vec<usize>], long: u32) -> Result<MetricTable> {
    let (mut cluster, mut later, mut earlier, mut key, mut score, mut days) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    let (mut title, mut matched_title) = (vec![], vec![]);
    for m in kept {
        for &i in m {
            for p in g.pairs_of(i) {
                cluster.push(inc.ids[m[0]].clone());
                later.push(inc.ids[p.later].clone());
                earlier.push(inc.ids[p.earlier].clone());
                let (k, s) = match p.key {
                    Key::Fingerprint => ("fingerprint", 1.0),
                    Key::Title(s) => ("title", s),
                };
                key.push(k);
                score.push(s);
                days.push((inc.at[p.later] - inc.at[p.earlier]) as f64 / DAY_US as f64);
                title.push(inc.title[p.later].clone());
                matched_title.push(inc.title[p.earlier].clone());
            }
        }
    }
    let frame = df!(
        CLUSTER => cluster,
        INCIDENT_ID => later,
        "matched_incident_id" => earlier,
        "key" => key,
        "score" => score,
        "days_between" => days,
        TITLE => title,
        "matched_title" => matched_title,
    )
    .map_err(pe)?;
    Ok(MetricTable {
        family: Family::Recurrence,
        id: TableId::RecurrencePairs,
        title: "Matched incident pairs".into(),
        dims: vec![CLUSTER.into()],
        frame,
        notes: vec![format!(
            "Every pair of matching incidents no more than {long} days apart in the clusters \
             listed: the later incident, the earlier one it matched, the key (fingerprint, or \
             title with the Jaccard similarity of the templates as score) and the days between."
        )],
    })
}
