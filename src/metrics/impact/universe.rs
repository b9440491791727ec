//! Which services the availability tables have a row for, and which team each belongs to: every
//! service of a configured team's `services` list, and every service an incident in the store
//! names, so a service without incidents shows 100% instead of being missing.
//!
//! Services match case-insensitively, as the config's `services` lists do at ingest. A service a
//! team lists belongs to that team whatever team its incidents carry; any other service belongs to
//! the teams its incidents carry (one row per team). This module does not measure anything.

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::config::Config;
use crate::error::Result;
use crate::metrics::frames::{Frames, texts};
use crate::metrics::scope::Filters;
use crate::metrics::table::pe;
use crate::model::columns::*;

/// A service of the availability tables.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRow {
    pub team: String,
    /// As the config's team lists it, else as the data first spells it.
    pub name: String,
    pub slo: Option<f64>,
}

/// The key of a service's row: its team and lower-cased name.
pub type Key = (String, String);

/// The key of the row an incident of `team` on `service` counts in.
pub fn key(cfg: &Config, team: &str, service: &str) -> Key {
    let team = cfg.service_owner(service).unwrap_or(team);
    (team.to_string(), service.to_ascii_lowercase())
}

/// The services of the tables, by key, the filters' teams and services applied (not their
/// severities: a service has an availability whatever the severity asked), and every service
/// name the store's incidents give (unfiltered, for `config::services::check_known`).
pub fn services(
    frames: &Frames,
    cfg: &Config,
    filters: &Filters,
) -> Result<(BTreeMap<Key, ServiceRow>, Vec<String>)> {
    let seen = frames
        .incidents
        .clone()
        .filter(col(SERVICE).is_not_null())
        .select([col(TEAM), col(SERVICE)])
        .unique(None, UniqueKeepStrategy::Any)
        .sort([TEAM, SERVICE], SortMultipleOptions::default())
        .collect()
        .map_err(pe)?;
    let teams = texts(&seen, TEAM)?;
    let names = texts(&seen, SERVICE)?;
    let mut candidates: Vec<(String, String)> = vec![];
    for team in cfg.teams.values() {
        candidates.extend(team.services.iter().map(|s| (team.name.clone(), s.clone())));
    }
    candidates.extend(
        teams
            .iter()
            .zip(&names)
            .filter_map(|(t, s)| Some((t.clone().unwrap_or_default(), s.clone()?))),
    );
    let wanted = |team: &str, service: &str| {
        (filters.teams.is_empty() || filters.teams.iter().any(|t| t == team))
            && (filters.services.is_empty()
                || filters
                    .services
                    .iter()
                    .any(|s| s.eq_ignore_ascii_case(service)))
    };
    let mut out = BTreeMap::new();
    for (team, name) in candidates {
        let k = key(cfg, &team, &name);
        if wanted(&k.0, &name) {
            out.entry(k.clone()).or_insert_with(|| ServiceRow {
                team: k.0,
                slo: cfg.slo(&name),
                name,
            });
        }
    }
    Ok((out, names.into_iter().flatten().collect()))
}
