//! Turns a parsed TOML table into a `Config`, collecting every problem with its key path
//! (`teams.payments.timezone: unknown time zone "Europe/Berln"`) instead of stopping at the first.
//!
//! Unknown keys are problems too: a misspelt `sleep_hour` silently ignored would make the fatigue
//! numbers wrong without anyone noticing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::str::FromStr;

use chrono::{NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use regex::Regex;
use toml::{Table, Value};

use super::severity::BUILTIN_SEVERITY;
use super::thresholds::thresholds;
use super::walker::{Walker, join};
use super::{Config, Exclusions, Postmortems, Team, Thresholds, Weekly, Window};
use crate::model::vocab::{IncidentKind, Severity};

const TOP_KEYS: &[&str] = &[
    "store",
    "reports",
    "templates",
    "inputs",
    "timezone",
    "defaults",
    "teams",
    "severity",
    "exclude",
    "thresholds",
    "postmortems",
    "weekly",
    "services",
    "deliver",
    "sources",
];
const TEAM_KEYS: &[&str] = &[
    "timezone",
    "business_hours",
    "business_days",
    "sleep_hours",
    "holidays",
    "services",
    "aliases",
    "oncall_spread_limit",
];

pub(super) fn from_table(
    t: &Table,
    dir: &Path,
    path: Option<&Path>,
) -> Result<Config, Vec<String>> {
    let mut w = Walker { problems: vec![] };
    w.unknown_keys("", t, TOP_KEYS);
    let rel = |p: &str| dir.join(p);
    let store = w.str("", t, "store").map_or_else(|| rel("store"), rel);
    let reports = w.str("", t, "reports").map_or_else(|| rel("reports"), rel);
    let templates = w.str("", t, "templates").map(rel);
    if let Some(dir) = templates.as_ref().filter(|d| !d.is_dir()) {
        w.problem(
            "templates",
            format!(
                "the folder {} does not exist; create it with the templates to override \
                 (docs/templates.md), or remove the key to use the built-in ones",
                dir.display()
            ),
        );
    }
    let inputs = w
        .strings("", t, "inputs")
        .into_iter()
        .map(|(_, s)| rel(&s))
        .collect();
    let input_timezone = w
        .str("", t, "timezone")
        .and_then(|s| w.tz("timezone", s))
        .unwrap_or(Tz::UTC);

    let builtin_team = Team {
        name: String::new(),
        timezone: Tz::UTC,
        business_hours: Window {
            start: hm(8),
            end: hm(18),
        },
        business_days: vec![
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ],
        sleep_hours: Window {
            start: hm(22),
            end: hm(8),
        },
        holidays: BTreeSet::new(),
        services: vec![],
        aliases: vec![],
        oncall_spread_limit: ONCALL_SPREAD_LIMIT,
    };
    let default_team = match w.table("", t, "defaults") {
        Some(d) => team(&mut w, "defaults", "", d, &builtin_team),
        None => builtin_team,
    };
    let mut teams = BTreeMap::new();
    if let Some(ts) = w.table("", t, "teams") {
        for (name, v) in ts {
            let key = join("teams", name);
            match v {
                Value::Table(tt) => {
                    teams.insert(name.clone(), team(&mut w, &key, name, tt, &default_team));
                }
                other => w.problem(
                    &key,
                    format!("expected a table, found {}", other.type_str()),
                ),
            }
        }
    }

    for (key, problem) in super::teams::TeamIndex::build(&teams).1 {
        w.problem(&key, problem);
    }

    let mut severity: std::collections::HashMap<String, Severity> = BUILTIN_SEVERITY
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
    if let Some(sv) = w.table("", t, "severity") {
        for (raw, v) in sv {
            let key = join("severity", raw);
            match v.as_str().and_then(Severity::parse) {
                Some(s) => {
                    severity.insert(raw.trim().to_lowercase(), s);
                }
                None => w.problem(
                    &key,
                    format!("expected one of {}, found {v}", Severity::expected()),
                ),
            }
        }
    }

    let mut exclude = Exclusions {
        kinds: vec![
            IncidentKind::Maintenance,
            IncidentKind::Gameday,
            IncidentKind::Test,
            IncidentKind::Duplicate,
        ],
        title_patterns: vec![],
    };
    if let Some(ex) = w.table("", t, "exclude") {
        w.unknown_keys("exclude", ex, &["kinds", "title_patterns"]);
        if ex.contains_key("kinds") {
            exclude.kinds = w
                .strings("exclude", ex, "kinds")
                .into_iter()
                .filter_map(|(k, s)| {
                    IncidentKind::parse(&s)
                        .ok_or_else(|| {
                            w.problem(
                                &k,
                                format!(
                                    "expected one of {}, found {s:?}",
                                    IncidentKind::expected()
                                ),
                            )
                        })
                        .ok()
                })
                .collect();
        }
        for (k, s) in w.strings("exclude", ex, "title_patterns") {
            match Regex::new(&s) {
                Ok(r) => exclude.title_patterns.push(r),
                Err(e) => w.problem(
                    &k,
                    format!(
                        "invalid regular expression: {}",
                        e.to_string().replace('\n', " ")
                    ),
                ),
            }
        }
    }

    let thresholds = match w.table("", t, "thresholds") {
        Some(th) => thresholds(&mut w, th),
        None => Thresholds::default(),
    };
    let postmortems = match w.table("", t, "postmortems") {
        Some(p) => super::postmortems::postmortems(&mut w, p),
        None => Postmortems::default(),
    };
    let weekly = match w.table("", t, "weekly") {
        Some(wk) => super::weekly::weekly(&mut w, wk),
        None => Weekly::default(),
    };

    let services = match w.table("", t, "services") {
        Some(sv) => super::services::services(&mut w, sv),
        None => Default::default(),
    };

    let deliver = t
        .get("deliver")
        .map(|d| super::deliver::deliver(&mut w, d))
        .unwrap_or_default();
    let sources = match w.table("", t, "sources") {
        Some(sv) => super::sources::sources(&mut w, sv),
        None => Default::default(),
    };

    if !w.problems.is_empty() {
        return Err(w.problems);
    }
    Ok(Config {
        path: path.map(Path::to_path_buf),
        store,
        reports,
        templates,
        inputs,
        input_timezone,
        default_team,
        teams,
        severity,
        exclude,
        thresholds,
        postmortems,
        weekly,
        services,
        deliver,
        sources,
        team_index: Default::default(),
    })
}

/// The default `oncall_spread_limit`: the busiest person carries at most half as much again as
/// the median person's hours outside business hours.
pub const ONCALL_SPREAD_LIMIT: f64 = 1.5;

fn hm(h: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, 0, 0).expect("valid hour")
}

fn team(w: &mut Walker, key: &str, name: &str, t: &Table, base: &Team) -> Team {
    w.unknown_keys(key, t, TEAM_KEYS);
    let mut team = Team {
        name: name.to_string(),
        services: vec![],
        aliases: vec![],
        ..base.clone()
    };
    if let Some(s) = w.str(key, t, "timezone") {
        team.timezone = w.tz(&join(key, "timezone"), s).unwrap_or(team.timezone);
    }
    for (field, slot) in [
        ("business_hours", &mut team.business_hours),
        ("sleep_hours", &mut team.sleep_hours),
    ] {
        if let Some(s) = w.str(key, t, field) {
            *slot = w.window(&join(key, field), s).unwrap_or(*slot);
        }
    }
    if t.contains_key("business_days") {
        team.business_days = w
            .strings(key, t, "business_days")
            .into_iter()
            .filter_map(|(k, s)| {
                Weekday::from_str(&s)
                    .map_err(|_| {
                        w.problem(
                            &k,
                            format!("expected a weekday such as \"Mon\", found {s:?}"),
                        )
                    })
                    .ok()
            })
            .collect();
    }
    for (k, s) in w.strings(key, t, "holidays") {
        match NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
            Ok(d) => {
                team.holidays.insert(d);
            }
            Err(_) => w.problem(&k, format!("expected a date \"YYYY-MM-DD\", found {s:?}")),
        }
    }
    if let Some(v) = t.get("oncall_spread_limit") {
        // A ratio of the maximum to the median is never below 1, so a limit below 1 would flag
        // every team; 100 is far past any roster a manager would call fair.
        let k = join(key, "oncall_spread_limit");
        if let Some(n) = w.number(&k, v, 1.0, 100.0) {
            team.oncall_spread_limit = n;
        }
    }
    team.services = w
        .strings(key, t, "services")
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    team.aliases = w
        .strings(key, t, "aliases")
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    team
}
