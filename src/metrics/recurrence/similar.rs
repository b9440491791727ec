//! Which title templates of one team-and-service bucket match each other (word-token Jaccard at
//! least the threshold), without scoring every pair of templates.
//!
//! A bucket can hold thousands of distinct templates when titles carry free text, and scoring all
//! pairs is quadratic. This is the classic prefix-filtered similarity join: tokens are interned
//! as ids ordered rarest first, and two sets with Jaccard >= m must share a token among the first
//! `|A| - ceil(m |A|) + 1` tokens of each (they overlap in at least `m * max(|A|, |B|)` tokens), so
//! only pairs sharing a rare prefix token are scored. The score itself is |A ∩ B| / |A ∪ B| on the
//! same integer counts as `template::jaccard`, so the value printed in an audit is the one
//! `template::similar` gives for the two titles.

use std::collections::{BTreeSet, HashMap};

/// Interns the token sets of all templates: each token becomes an id, rarer tokens (in fewer
/// templates) get smaller ids, and each set is returned sorted ascending, i.e. rarest first.
pub fn intern(sets: &[BTreeSet<String>]) -> Vec<Vec<u32>> {
    let mut freq: HashMap<&str, u32> = HashMap::new();
    for s in sets {
        for t in s {
            *freq.entry(t.as_str()).or_default() += 1;
        }
    }
    let mut order: Vec<(&str, u32)> = freq.into_iter().collect();
    // Ties by the token text, so ids (and so candidate order) do not depend on hashing.
    order.sort_unstable_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(b.0)));
    let id: HashMap<&str, u32> = order
        .iter()
        .enumerate()
        .map(|(i, (t, _))| (*t, i as u32))
        .collect();
    sets.iter()
        .map(|s| {
            let mut v: Vec<u32> = s.iter().map(|t| id[t.as_str()]).collect();
            v.sort_unstable();
            v
        })
        .collect()
}

/// Jaccard similarity of two sorted id sets; two empty sets give 0, as `template::jaccard`.
pub fn jaccard_sorted(a: &[u32], b: &[u32]) -> f64 {
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - inter;
    if union == 0 {
        return 0.0;
    }
    inter as f64 / union as f64
}

/// For each set, the sets (itself included when it matches itself) with Jaccard >= `min`, with
/// the score, sorted by index. `sets` are sorted id sets from [`intern`].
pub fn matches(sets: &[&[u32]], min: f64) -> Vec<Vec<(u32, f64)>> {
    let mut out: Vec<Vec<(u32, f64)>> = vec![vec![]; sets.len()];
    if min <= 0.0 {
        // Every pair reaches a threshold of 0 (even two empty sets): nothing to prune.
        for i in 0..sets.len() {
            for j in 0..sets.len() {
                out[i].push((j as u32, jaccard_sorted(sets[i], sets[j])));
            }
        }
        return out;
    }
    // Required overlap, rounded down a hair so float error can only lengthen a prefix.
    let need = |len: usize| ((min * len as f64) - 1e-9).ceil().max(1.0) as usize;
    let mut index: HashMap<u32, Vec<u32>> = HashMap::new();
    let mut seen: Vec<u32> = vec![u32::MAX; sets.len()];
    for (i, a) in sets.iter().enumerate() {
        if a.is_empty() {
            continue; // Jaccard 0 with anything: never a match at a positive threshold.
        }
        out[i].push((i as u32, 1.0));
        let prefix = &a[..(a.len() - need(a.len()) + 1).min(a.len())];
        for tok in prefix {
            let Some(cands) = index.get(tok) else {
                continue;
            };
            for &j in cands {
                let j = j as usize;
                if seen[j] == i as u32 {
                    continue;
                }
                seen[j] = i as u32;
                let b = sets[j];
                let (lo, hi) = (a.len().min(b.len()), a.len().max(b.len()));
                if (lo as f64) < min * hi as f64 - 1e-9 {
                    continue; // Jaccard <= lo / hi: too different in size to reach `min`.
                }
                let score = jaccard_sorted(a, b);
                if score >= min {
                    out[i].push((j as u32, score));
                    out[j].push((i as u32, score));
                }
            }
        }
        for tok in prefix {
            index.entry(*tok).or_default().push(i as u32);
        }
    }
    for m in &mut out {
        m.sort_unstable_by_key(|x| x.0);
    }
    out
}
