//! `[services.<name>]`: settings of one service. Today one: its availability target, the SLO
//! (`availability = 99.9`, a percentage), from which the impact family computes the error budget of
//! a period and the share of it incidents burned (docs/metrics.md, "Customer impact").
//!
//! A service needs no section to be measured: every service of a team's `services` list and every
//! service the data names gets its availability. The section only adds a target. Whether a
//! service named here exists is checked in two steps: here, against nothing (the config alone
//! cannot know the data), and by [`check_known`] when the impact family has the store's services,
//! so a misspelt `[services.paymnts-api]` is an error naming its key rather than a target nobody
//! reads.

use std::collections::BTreeMap;
use std::path::PathBuf;

use toml::{Table, Value};

use super::walker::{Walker, join};
use super::{Config, DEFAULT_FILE};
use crate::error::Error;

/// The settings of one service.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// The name as the config spells it (matched to the data case-insensitively, like a team's
    /// `services`).
    pub name: String,
    /// The availability target in percent, strictly between 0 and 100.
    pub availability: Option<f64>,
}

const KEYS: &[&str] = &["availability"];

pub(super) fn services(w: &mut Walker, t: &Table) -> BTreeMap<String, Service> {
    let mut out = BTreeMap::new();
    for (name, v) in t {
        let key = join("services", name);
        let Value::Table(s) = v else {
            w.problem(&key, format!("expected a table, found {}", v.type_str()));
            continue;
        };
        w.unknown_keys(&key, s, KEYS);
        let availability = s.get("availability").and_then(|v| target(w, &key, v));
        out.insert(
            name.to_ascii_lowercase(),
            Service {
                name: name.clone(),
                availability,
            },
        );
    }
    out
}

/// The target of `availability`: a percentage strictly between 0 and 100. 100 would leave no
/// budget at all (every minute of impact an infinite share of it) and 0 no objective.
fn target(w: &mut Walker, key: &str, v: &Value) -> Option<f64> {
    let key = join(key, "availability");
    let n = w.number(&key, v, f64::MIN, f64::MAX)?;
    if n > 0.0 && n < 100.0 {
        Some(n)
    } else {
        w.problem(
            &key,
            format!(
                "{n} is not a percentage between 0 and 100 (exclusive); write the target as a \
                 percentage, e.g. availability = 99.9"
            ),
        );
        None
    }
}

impl Config {
    /// The availability target (percent) of `service`, when `[services.<service>]` sets one.
    pub fn slo(&self, service: &str) -> Option<f64> {
        self.services
            .get(&service.to_ascii_lowercase())
            .and_then(|s| s.availability)
    }

    /// The configured team whose `services` lists `service` (case-insensitive).
    pub fn service_owner(&self, service: &str) -> Option<&str> {
        self.teams
            .values()
            .find(|t| t.services.iter().any(|s| s.eq_ignore_ascii_case(service)))
            .map(|t| t.name.as_str())
    }
}

/// An error naming every `[services.<name>]` whose service no configured team lists and no
/// incident of `seen` (the store's service names) has: a target for a service that does not
/// exist is most likely a misspelling, and would otherwise show as a quiet 100% availability.
pub fn check_known(cfg: &Config, seen: &[String]) -> Result<(), Error> {
    let problems: Vec<String> = cfg
        .services
        .values()
        .filter(|s| {
            cfg.service_owner(&s.name).is_none()
                && !seen.iter().any(|x| x.eq_ignore_ascii_case(&s.name))
        })
        .map(|s| {
            format!(
                "{}: no configured team lists the service {:?} and no incident in the store names \
                 it; add it to a team's `services`, or correct the name",
                join("services", &s.name),
                s.name
            )
        })
        .collect();
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::Config {
        path: cfg
            .path
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_FILE)),
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<String>> {
        let t: Table = toml::from_str(text).unwrap();
        super::super::parse::from_table(&t, std::path::Path::new("."), None)
    }

    #[test]
    fn a_target_is_read_and_looked_up_case_insensitively() {
        let c = parse(
            "[teams.payments]\nservices = [\"Payments-API\"]\n\
             [services.payments-api]\navailability = 99.9\n[services.ledger]\n",
        )
        .unwrap();
        assert_eq!(c.slo("PAYMENTS-API"), Some(99.9));
        assert_eq!(c.slo("ledger"), None, "a section without a target");
        assert_eq!(c.slo("billing"), None, "no section");
        assert_eq!(c.service_owner("payments-api"), Some("payments"));
    }

    #[test]
    fn a_bad_target_is_an_error_naming_its_key() {
        let e = parse(
            "[services.a]\navailability = 100\n[services.b]\navailability = 0\n\
             [services.c]\navailability = \"99.9\"\n[services.d]\navailabilty = 99.9\n\
             [services.e]\navailability = -1\n[services]\nf = 3\n",
        )
        .unwrap_err();
        assert_eq!(
            e,
            [
                "services.a.availability: 100 is not a percentage between 0 and 100 (exclusive); \
                 write the target as a percentage, e.g. availability = 99.9",
                "services.b.availability: 0 is not a percentage between 0 and 100 (exclusive); \
                 write the target as a percentage, e.g. availability = 99.9",
                "services.c.availability: expected a number, found string",
                "services.d.availabilty: unknown key; expected one of: availability",
                "services.e.availability: -1 is not a percentage between 0 and 100 (exclusive); \
                 write the target as a percentage, e.g. availability = 99.9",
                "services.f: expected a table, found integer",
            ]
        );
    }

    #[test]
    fn a_target_for_a_service_nobody_has_is_an_error_naming_its_key() {
        let c = parse(
            "[teams.payments]\nservices = [\"billing\"]\n\
             [services.billing]\navailability = 99.9\n[services.Ledger]\navailability = 99.5\n\
             [services.paymnts]\navailability = 99.0\n",
        )
        .unwrap();
        // billing: a team lists it; ledger: the data names it (in another case).
        let err = check_known(&c, &["ledger".into()]).unwrap_err().to_string();
        assert_eq!(
            err,
            "aftermath.toml: invalid configuration:\n  - services.paymnts: no configured team lists \
             the service \"paymnts\" and no incident in the store names it; add it to a team's \
             `services`, or correct the name"
        );
        assert!(check_known(&c, &["ledger".into(), "PAYMNTS".into()]).is_ok());
    }
}
