//! Which configured team a source's team name, alias or service belongs to: one lookup table built
//! from `[teams]`, used by the ingesters for every row (`Config::map_team`) and by the config check,
//! which rejects a name, alias or service that two teams claim.
//!
//! Names, aliases and services match case-insensitively in ASCII, as the sources spell them in
//! mixed case (`Payments-Oncall`, `payments-oncall`).

use std::collections::BTreeMap;

// Looked up for every ingested row (a team and a service each): SipHash, std's default, was 1% of
// a large ingest.
use foldhash::HashMap;

use super::Team;

/// Lower-cased team name or alias -> team name, and lower-cased service -> team name.
#[derive(Debug, Clone, Default)]
pub(crate) struct TeamIndex {
    by_name: HashMap<String, String>,
    by_service: HashMap<String, String>,
}

impl TeamIndex {
    /// The index of `teams`, and a problem (key path, message) for every name, alias or service
    /// that a second team claims; the first team in name order keeps it.
    pub(crate) fn build(teams: &BTreeMap<String, Team>) -> (TeamIndex, Vec<(String, String)>) {
        let mut index = TeamIndex::default();
        let mut problems = vec![];
        // Every team's own name first, so an alias that names another team is the alias's fault.
        for name in teams.keys() {
            index
                .by_name
                .insert(name.to_ascii_lowercase(), name.clone());
        }
        for (name, team) in teams {
            for alias in &team.aliases {
                let key = alias.trim().to_ascii_lowercase();
                match index.by_name.get(&key) {
                    Some(owner) if owner != name => problems.push((
                        format!("teams.{name}.aliases"),
                        format!("{alias:?} already names team {owner:?}; give it to one team only"),
                    )),
                    Some(_) => {}
                    None => {
                        index.by_name.insert(key, name.clone());
                    }
                }
            }
            for service in &team.services {
                let key = service.trim().to_ascii_lowercase();
                match index.by_service.get(&key) {
                    Some(owner) if owner != name => problems.push((
                        format!("teams.{name}.services"),
                        format!(
                            "service {service:?} is already team {owner:?}'s; a service has one \
                             owning team, so list it under one of them"
                        ),
                    )),
                    Some(_) => {}
                    None => {
                        index.by_service.insert(key, name.clone());
                    }
                }
            }
        }
        (index, problems)
    }

    /// The team a name or alias belongs to.
    pub(crate) fn team(&self, name_or_alias: &str) -> Option<&String> {
        lookup(&self.by_name, name_or_alias)
    }

    /// The team that lists `service`.
    pub(crate) fn service(&self, service: &str) -> Option<&String> {
        lookup(&self.by_service, service)
    }
}

/// A case-insensitive lookup that allocates only for a key with upper-case letters.
fn lookup<'a>(map: &'a HashMap<String, String>, key: &str) -> Option<&'a String> {
    if key.bytes().any(|b| b.is_ascii_uppercase()) {
        map.get(&key.to_ascii_lowercase())
    } else {
        map.get(key)
    }
}
