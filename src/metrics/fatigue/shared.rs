//! The per-alert classification computed once per scope and shared: fatigue, the previous
//! period's fatigue and the noisy-rule ranking of the same scope all read the same flagged alerts,
//! so a run that computes several of them (`aftermath run`: the metric set, the weekly and the
//! improvement reports) reads and flags each scope's alerts once, not once per family.
//!
//! The cache travels with `Frames` (cloning them shares it) and is keyed by what the flags depend
//! on: the alerts table's query plan (a table replaced by another frame has another plan), the
//! scope's period, as-of instant and filters, and the thresholds. Classifying always loads the same
//! text columns (`classify::TEXT`), so any family can use any scope's entry. Only the last
//! `KEEP` scopes are kept: the families that share a scope ask for it one after another (fatigue
//! and its comparison period, then the rules of the same two), and a quarter's flagged alerts
//! of a large organisation take a few hundred MB.

use std::sync::{Arc, Mutex};

use super::classify::{self, Alerts};
use crate::config::Config;
use crate::error::Result;
use crate::metrics::frames::Frames;
use crate::metrics::scope::Scope;
use crate::metrics::table::pe;

/// How many scopes' flagged alerts are kept, the latest asked for.
const KEEP: usize = 2;

/// One scope's key and its flagged alerts.
type Entry = (String, Arc<Alerts>);

/// Flagged alerts by scope, the most recently used last; see the module notes.
#[derive(Clone, Default)]
pub struct Classified(Arc<Mutex<Vec<Entry>>>);

impl std::fmt::Debug for Classified {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.lock().map(|m| m.len()).unwrap_or_default();
        write!(f, "Classified({n} scopes)")
    }
}

/// The scope's alerts with their flags and every `classify::TEXT` column, computed on the first
/// call for this scope and shared afterwards.
pub(crate) fn alerts(f: &Frames, cfg: &Config, scope: &Scope) -> Result<Arc<Alerts>> {
    let key = format!(
        "{}|{:?}|{:?}|{:?}|{:?}",
        f.alerts.describe_plan().map_err(pe)?,
        scope.period,
        scope.as_of,
        scope.filters,
        cfg.thresholds
    );
    let cache = &f.classified.0;
    {
        let mut kept = cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(i) = kept.iter().position(|(k, _)| *k == key) {
            let hit = kept.remove(i);
            let alerts = hit.1.clone();
            kept.push(hit);
            return Ok(alerts);
        }
    }
    // Computed outside the lock: families of one run ask one after another, and a second
    // computation of the same scope would only be wasted work, never a wrong entry.
    let computed = Arc::new(classify::prepare(&f.alerts, cfg, scope, &classify::TEXT)?);
    let mut kept = cache.lock().unwrap_or_else(|p| p.into_inner());
    kept.retain(|(k, _)| *k != key);
    kept.push((key, computed.clone()));
    if kept.len() > KEEP {
        kept.remove(0);
    }
    Ok(computed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::quality::fixtures::{cfg, frames, scope, utc};
    use crate::metrics::{Family, Request};

    fn entries(f: &Frames) -> usize {
        f.classified.0.lock().unwrap().len()
    }

    #[test]
    fn one_scope_is_classified_once_for_every_family_that_reads_it() {
        let (f, cfg) = (frames(), cfg());
        let march = scope(
            utc(2026, 3, 2, 0, 0),
            utc(2026, 3, 9, 0, 0),
            utc(2026, 4, 1, 0, 0),
        );
        let a = alerts(&f, &cfg, &march).unwrap();
        // A clone of the frames shares the cache: the same flagged alerts, not a copy.
        let b = alerts(&f.clone(), &cfg, &march).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(entries(&f), 1);
        // Fatigue (with its previous week) and the rule ranking of the same week.
        let req = Request {
            families: vec![Family::Fatigue, Family::Rules],
            compare: true,
            ..Request::default()
        };
        crate::metrics::run(&f, &cfg, &march, &req).unwrap();
        assert_eq!(entries(&f), 2, "this week and the previous one");
        // The week is still kept: asked again, the same flagged alerts.
        assert!(Arc::ptr_eq(&a, &alerts(&f, &cfg, &march).unwrap()));
        // Another period, or another alerts table, is another entry; only the last two stay.
        let april = scope(
            utc(2026, 4, 6, 0, 0),
            utc(2026, 4, 13, 0, 0),
            utc(2026, 5, 1, 0, 0),
        );
        alerts(&f, &cfg, &april).unwrap();
        let mut g = f.clone();
        g.alerts = g
            .alerts
            .with_column(polars::prelude::lit("x").alias("rule"));
        let c = alerts(&g, &cfg, &march).unwrap();
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!(entries(&f), 2);
        // March of the first table was the oldest and is gone: computed again.
        assert!(!Arc::ptr_eq(&a, &alerts(&f, &cfg, &march).unwrap()));
    }
}
