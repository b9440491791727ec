//! The match graph of recurrence: for every incident, the latest earlier incident that matches it
//! (which decides whether it is a recurrence), the connected components of matches no more than
//! the long window apart (the clusters), and, on request, every matched pair for the audit.
//!
//! Matching (`metrics.md`, "Recurrence"): two incidents that both carry a source fingerprint match
//! when the fingerprints are equal (key `fingerprint`); otherwise they match when they share team
//! and service (two null services are the same) and their title templates reach the Jaccard
//! threshold (key `title`). Comparing all pairs is quadratic, so incidents are grouped: by
//! fingerprint, and by (team, service) and template inside that. Within a bucket only templates
//! are compared (`similar`), and each template's incidents are kept in time order split by whether
//! they carry a fingerprint, so one sweep in time order finds every incident's latest earlier
//! match by looking at the last instant of each matching template.
//!
//! Clusters need connectivity only, not every edge: an incident is joined to its nearest
//! neighbour before and after it in each matching class of fingerprint-free incidents, and each
//! fingerprint group is joined consecutively. A class of one template without fingerprints is a
//! line on which every two incidents within the window match, so its consecutive joins connect
//! everything a direct edge would; a pair where one side has a fingerprint is reached from that
//! side into the other's fingerprint-free class. Pairs are oriented by (detected_at, incident_id):
//! two incidents at the same instant do match (and share a cluster), but neither is a recurrence
//! of the other, which needs an earlier instant.

use std::collections::HashMap;

use super::similar;
use crate::metrics::template::{template, tokens};

/// The incidents recurrence looks at, sorted by (detected_at, incident_id), as plain columns.
#[derive(Debug, Default)]
pub struct Loaded {
    pub ids: Vec<String>,
    /// detected_at, UTC microseconds.
    pub at: Vec<i64>,
    pub team: Vec<String>,
    pub service: Vec<Option<String>>,
    pub title: Vec<String>,
    pub fingerprint: Vec<Option<String>>,
    pub in_period: Vec<bool>,
}

/// How a pair matched.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Key {
    Fingerprint,
    Title(f64),
}

/// One matched pair: `later` and `earlier` are row indices of [`Loaded`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    pub later: usize,
    pub earlier: usize,
    pub key: Key,
}

/// One (team, service) bucket: its distinct templates with the templates each matches, and each
/// template's incidents in time order, without and with a fingerprint.
struct Bucket {
    /// Its incidents, in time order.
    incidents: Vec<usize>,
    matches: Vec<Vec<(u32, f64)>>,
    plain: Vec<Vec<usize>>,
    with_fp: Vec<Vec<usize>>,
}

pub struct Graph {
    /// detected_at of each incident (`Loaded::at`).
    at: Vec<i64>,
    /// Distinct templates, and each incident's template id.
    pub templates: Vec<String>,
    pub template_of: Vec<u32>,
    fp_groups: Vec<Vec<usize>>,
    fp_of: Vec<Option<u32>>,
    /// The next incident of each incident's fingerprint group, in time order.
    fp_next: Vec<Option<usize>>,
    buckets: Vec<Bucket>,
    /// (bucket, template index inside the bucket) of each incident.
    place: Vec<(u32, u32)>,
    window: i64,
}

/// Templates of all titles, each distinct title templated once, spread over the machine's cores
/// (masking runs a dozen regexes per word, the one costly step at 200,000 incidents).
fn templates_of(titles: &[String]) -> (Vec<String>, Vec<u32>) {
    let mut distinct: HashMap<&str, u32> = HashMap::new();
    let mut title_ids = Vec::with_capacity(titles.len());
    let mut unique: Vec<&str> = vec![];
    for t in titles {
        let next = unique.len() as u32;
        let id = *distinct.entry(t.as_str()).or_insert_with(|| {
            unique.push(t.as_str());
            next
        });
        title_ids.push(id);
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = unique.len().div_ceil(threads).max(1024);
    let masked: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = unique
            .chunks(chunk)
            .map(|c| s.spawn(move || c.iter().map(|t| template(t)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("templating a title does not panic"))
            .collect()
    });
    // Different titles often share a template: number those once more.
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let mut templates: Vec<String> = vec![];
    let per_title: Vec<u32> = masked
        .iter()
        .map(|m| {
            let next = templates.len() as u32;
            *ids.entry(m.as_str()).or_insert_with(|| {
                templates.push(m.clone());
                next
            })
        })
        .collect();
    let of = title_ids.iter().map(|&t| per_title[t as usize]).collect();
    (templates, of)
}

/// The fingerprint, treating blank text as none (missing is null, but be safe).
fn fp(inc: &Loaded, i: usize) -> Option<&str> {
    inc.fingerprint[i]
        .as_deref()
        .filter(|s| !s.trim().is_empty())
}

impl Graph {
    /// Builds the groups; `window` (microseconds) bounds the pairs and the cluster joins.
    pub fn new(inc: &Loaded, jaccard_min: f64, window: i64) -> Graph {
        let n = inc.ids.len();
        let (templates, template_of) = templates_of(&inc.title);
        let token_sets: Vec<_> = templates.iter().map(|t| tokens(t)).collect();
        let interned = similar::intern(&token_sets);

        let mut fp_index: HashMap<&str, u32> = HashMap::new();
        let mut fp_groups: Vec<Vec<usize>> = vec![];
        let mut fp_of = vec![None; n];
        let mut bucket_index: HashMap<(&str, Option<&str>), u32> = HashMap::new();
        let mut local: Vec<HashMap<u32, u32>> = vec![];
        let mut members: Vec<Vec<u32>> = vec![];
        let mut buckets: Vec<Bucket> = vec![];
        let mut place = Vec::with_capacity(n);
        for i in 0..n {
            if let Some(f) = fp(inc, i) {
                let next = fp_groups.len() as u32;
                let g = *fp_index.entry(f).or_insert(next);
                if g == next {
                    fp_groups.push(vec![]);
                }
                fp_groups[g as usize].push(i);
                fp_of[i] = Some(g);
            }
            let key = (inc.team[i].as_str(), inc.service[i].as_deref());
            let next = buckets.len() as u32;
            let b = *bucket_index.entry(key).or_insert(next);
            if b == next {
                buckets.push(Bucket {
                    incidents: vec![],
                    matches: vec![],
                    plain: vec![],
                    with_fp: vec![],
                });
                local.push(HashMap::new());
                members.push(vec![]);
            }
            let bu = &mut buckets[b as usize];
            bu.incidents.push(i);
            let next_t = bu.plain.len() as u32;
            let t = *local[b as usize].entry(template_of[i]).or_insert(next_t);
            if t == next_t {
                bu.plain.push(vec![]);
                bu.with_fp.push(vec![]);
                members[b as usize].push(template_of[i]);
            }
            if fp_of[i].is_some() {
                bu.with_fp[t as usize].push(i);
            } else {
                bu.plain[t as usize].push(i);
            }
            place.push((b, t));
        }
        for (bu, tpl) in buckets.iter_mut().zip(&members) {
            let sets: Vec<&[u32]> = tpl
                .iter()
                .map(|&g| interned[g as usize].as_slice())
                .collect();
            bu.matches = similar::matches(&sets, jaccard_min);
        }
        let mut fp_next = vec![None; n];
        for g in &fp_groups {
            for w in g.windows(2) {
                fp_next[w[0]] = Some(w[1]);
            }
        }
        Graph {
            at: inc.at.clone(),
            templates,
            template_of,
            fp_groups,
            fp_of,
            fp_next,
            buckets,
            place,
            window,
        }
    }

    /// The classes of incidents that can match `i`: (class, key) for its fingerprint group and for
    /// each matching template's incidents without a fingerprint, plus those with one when `i` has
    /// none (two fingerprinted incidents match only by fingerprint).
    fn classes(&self, i: usize) -> Vec<(&[usize], Key)> {
        let mut out: Vec<(&[usize], Key)> = vec![];
        if let Some(g) = self.fp_of[i] {
            out.push((&self.fp_groups[g as usize], Key::Fingerprint));
        }
        let (b, t) = self.place[i];
        let bu = &self.buckets[b as usize];
        for &(u, score) in &bu.matches[t as usize] {
            out.push((&bu.plain[u as usize], Key::Title(score)));
            if self.fp_of[i].is_none() {
                out.push((&bu.with_fp[u as usize], Key::Title(score)));
            }
        }
        out
    }

    /// For every incident, detected_at of the latest matching incident detected strictly before
    /// it, at any distance. One sweep per fingerprint group and per bucket in time order, keeping
    /// per template the last instant seen without and with a fingerprint; the incidents of one
    /// instant are all looked up before any of them is recorded, so none is earlier than another.
    pub fn latest_before_all(&self) -> Vec<Option<i64>> {
        let at = &self.at;
        let mut out: Vec<Option<i64>> = vec![None; at.len()];
        for g in &self.fp_groups {
            let mut prev = None;
            for run in same_instant_runs(g, at) {
                for &j in run {
                    out[j] = prev;
                }
                prev = Some(at[run[0]]);
            }
        }
        for bu in &self.buckets {
            let mut last_plain: Vec<Option<i64>> = vec![None; bu.plain.len()];
            let mut last_fp: Vec<Option<i64>> = vec![None; bu.plain.len()];
            for run in same_instant_runs(&bu.incidents, at) {
                for &i in run {
                    let plain = self.fp_of[i].is_none();
                    for &(u, _) in &bu.matches[self.place[i].1 as usize] {
                        out[i] = out[i].max(last_plain[u as usize]);
                        if plain {
                            out[i] = out[i].max(last_fp[u as usize]);
                        }
                    }
                }
                for &i in run {
                    let t = self.place[i].1 as usize;
                    let last = if self.fp_of[i].is_none() {
                        &mut last_plain
                    } else {
                        &mut last_fp
                    };
                    last[t] = Some(at[i]);
                }
            }
        }
        out
    }

    /// The component representative of every incident (see the module notes for why these joins
    /// connect exactly what the full set of pairs connects).
    pub fn components(&self) -> Vec<usize> {
        self.components_in(0..self.at.len())
    }

    /// The components of the incidents of `rows` alone (a span of time, as rows are in time
    /// order), as if only they had been loaded: entry `k` is the representative of row
    /// `rows.start + k`, itself a row.
    pub fn components_in(&self, rows: std::ops::Range<usize>) -> Vec<usize> {
        let at = &self.at;
        let base = rows.start;
        let mut uf = UnionFind::new(rows.len());
        // A fingerprint group's rows inside the span are consecutive in it.
        for i in rows.clone() {
            if let Some(j) = self.fp_next[i].filter(|j| rows.contains(j))
                && at[j] - at[i] <= self.window
            {
                uf.union(i - base, j - base);
            }
        }
        for i in rows.clone() {
            let (b, t) = self.place[i];
            let bu = &self.buckets[b as usize];
            for &(u, _) in &bu.matches[t as usize] {
                let class = &bu.plain[u as usize];
                let class = &class[class.partition_point(|&j| j < rows.start)
                    ..class.partition_point(|&j| j < rows.end)];
                let k = class.partition_point(|&j| j < i);
                let before = k.checked_sub(1).map(|k| class[k]);
                let after = class[k..].iter().copied().find(|&j| j != i);
                for j in before.into_iter().chain(after) {
                    if (at[i] - at[j]).abs() <= self.window {
                        uf.union(i - base, j - base);
                    }
                }
            }
        }
        (0..rows.len()).map(|k| uf.find(k) + base).collect()
    }

    /// Every pair in which `i` is the later incident and the earlier one lies within the window.
    pub fn pairs_of(&self, i: usize) -> Vec<Pair> {
        let at = &self.at;
        let mut out = vec![];
        for (class, key) in self.classes(i) {
            let k = class.partition_point(|&j| j < i);
            for &j in class[..k].iter().rev() {
                if at[i] - at[j] > self.window {
                    break;
                }
                out.push(Pair {
                    later: i,
                    earlier: j,
                    key,
                });
            }
        }
        out.sort_unstable_by_key(|p| std::cmp::Reverse(p.earlier));
        out
    }
}

/// The runs of `rows` (in time order) that share one instant.
fn same_instant_runs<'r>(rows: &'r [usize], at: &'r [i64]) -> impl Iterator<Item = &'r [usize]> {
    rows.chunk_by(move |&a, &b| at[a] == at[b])
}

/// Union-find with path halving and union by size.
struct UnionFind {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a] < self.size[b] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b] = a;
        self.size[a] += self.size[b];
    }
}
