//! `aftermath.toml`: where the store is, what `run` ingests, the teams with their zones, hours,
//! holidays, services and aliases, the severity map, the exclusion rules, the metric thresholds,
//! which postmortems `run` drafts (`postmortems.rs`), the weekly report's settings
//! (`weekly.rs`), the services' availability targets (`services.rs`) and where reports are
//! delivered (`deliver.rs`).
//!
//! This module owns the resolved `Config` and the mapping helpers the ingesters use (team and
//! severity). Reading and validating the TOML, with a key path for every problem, is `parse.rs`.

pub mod deliver;
mod parse;
mod postmortems;
pub mod services;
mod severity;
pub mod sources;
mod teams;
mod thresholds;
mod walker;
mod weekly;

pub use parse::ONCALL_SPREAD_LIMIT;
pub use postmortems::Postmortems;
pub use services::Service;
pub use sources::Source;
pub use weekly::Weekly;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use regex::Regex;

use crate::error::{Error, Result};
use crate::model::vocab::{IncidentKind, Severity, UNASSIGNED_TEAM};

/// The file `aftermath` looks for in the working directory when `--config` is not given.
pub const DEFAULT_FILE: &str = "aftermath.toml";

/// A half-open local time window `[start, end)`; `end <= start` wraps past midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Window {
    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.start < self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }
}

#[derive(Debug, Clone)]
pub struct Team {
    pub name: String,
    pub timezone: Tz,
    pub business_hours: Window,
    pub business_days: Vec<Weekday>,
    pub sleep_hours: Window,
    pub holidays: BTreeSet<NaiveDate>,
    pub services: Vec<String>,
    pub aliases: Vec<String>,
    /// On-call fairness: the busiest person's hours on call outside business hours over the
    /// team's median above which the team is flagged (`metrics oncall`, `oncall_spread`).
    pub oncall_spread_limit: f64,
}

#[derive(Debug, Clone)]
pub struct Exclusions {
    pub kinds: Vec<IncidentKind>,
    pub title_patterns: Vec<Regex>,
}

/// Every threshold of `metrics.md`, with the spec's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    pub interruption_merge_seconds: u32,
    pub transient_seconds: u32,
    pub flap_window_minutes: u32,
    pub flap_episode_firings: u32,
    pub flap_episode_window_minutes: u32,
    pub recurrence_days: u32,
    pub recurrence_long_days: u32,
    pub jaccard_min: f64,
    pub pages_per_shift_limit: f64,
    pub noisy_rule_min_pages: u32,
    pub noisy_rule_actionable_below: f64,
    pub sleep_weight: f64,
    pub postmortem_due_business_days: u32,
    /// Days to complete an action item, by priority (`P0`..`P3`).
    pub action_target_days: BTreeMap<String, u32>,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            interruption_merge_seconds: 60,
            transient_seconds: 300,
            flap_window_minutes: 10,
            flap_episode_firings: 3,
            flap_episode_window_minutes: 60,
            recurrence_days: 30,
            recurrence_long_days: 90,
            jaccard_min: 0.6,
            pages_per_shift_limit: 2.0,
            noisy_rule_min_pages: 5,
            noisy_rule_actionable_below: 0.5,
            sleep_weight: 3.0,
            postmortem_due_business_days: 5,
            action_target_days: [("P0", 28), ("P1", 28), ("P2", 56)]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from; `None` for the built-in defaults.
    pub path: Option<PathBuf>,
    pub store: PathBuf,
    pub reports: PathBuf,
    /// A folder of report templates overriding the built-in ones (`--templates` wins).
    pub templates: Option<PathBuf>,
    /// What `aftermath run` ingests: files or folders.
    pub inputs: Vec<PathBuf>,
    /// The zone of naive timestamps in canonical inputs, unless `--timezone` says otherwise.
    pub input_timezone: Tz,
    /// Used for a team the config does not list.
    pub default_team: Team,
    pub teams: BTreeMap<String, Team>,
    /// Lower-cased raw value -> canonical severity; the built-in map overlaid with the file's.
    pub severity: HashMap<String, Severity>,
    pub exclude: Exclusions,
    pub thresholds: Thresholds,
    /// Which incidents `run` drafts a postmortem for.
    pub postmortems: Postmortems,
    /// The weekly report's settings (`[weekly]`).
    pub weekly: Weekly,
    /// `[services.<name>]` by lower-cased name: availability targets.
    pub services: BTreeMap<String, Service>,
    /// `[[deliver]]`: where `run --deliver` and `deliver` send the reports.
    pub deliver: Vec<deliver::Destination>,
    /// `[sources.<name>]` by lower-cased name: where an incident's page is in its tool.
    pub sources: BTreeMap<String, Source>,
    /// `teams` as a lookup table, built on the first `map_team` (the teams do not change after
    /// loading; the load rejects a name, alias or service claimed twice).
    team_index: std::sync::OnceLock<teams::TeamIndex>,
}

impl Config {
    /// A text that changes whenever a setting that shapes ingested rows changes (teams and
    /// their aliases, severities, the default team, the input zone, exclusions), and not when
    /// only paths or metric thresholds do: `ingest::seen` skips a file already read only under
    /// the same settings.
    pub fn typing_fingerprint(&self) -> String {
        let mut severity: Vec<(&String, &Severity)> = self.severity.iter().collect();
        severity.sort_by(|a, b| a.0.cmp(b.0));
        format!(
            "{:?}|{:?}|{:?}|{:?}|{:?}",
            self.teams, self.default_team, severity, self.input_timezone, self.exclude
        )
    }

    /// The config with no file: store `./store`, reports `./reports`, no teams.
    pub fn defaults_in(dir: &Path) -> Config {
        parse::from_table(&toml::Table::new(), dir, None).expect("the empty config is valid")
    }

    /// Read and validate a file; every problem is reported with its key path.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::input(path, None, format!("cannot read the configuration: {e}")))?;
        let table: toml::Table = toml::from_str(&text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            problems: vec![format_toml_error(&text, &e)],
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        parse::from_table(&table, dir, Some(path)).map_err(|problems| Error::Config {
            path: path.to_path_buf(),
            problems,
        })
    }

    /// `--config` when given; else `./aftermath.toml` when it exists; else the defaults.
    pub fn discover(explicit: Option<&Path>) -> Result<Config> {
        match explicit {
            Some(p) => Config::load(p),
            None if Path::new(DEFAULT_FILE).is_file() => Config::load(Path::new(DEFAULT_FILE)),
            None => Ok(Config::defaults_in(Path::new("."))),
        }
    }

    /// The canonical severity of a source's raw value: a canonical spelling as is, else the map,
    /// else `UNKNOWN` (the raw value is kept beside it by the caller).
    pub fn map_severity(&self, raw: &str) -> Severity {
        Severity::parse(raw)
            .or_else(|| self.severity.get(&raw.trim().to_lowercase()).copied())
            .unwrap_or(Severity::Unknown)
    }

    /// The owning team: a configured team's name or alias (case-insensitive), else the team that
    /// lists the service, else the source's team as given, else `unassigned`.
    pub fn map_team(&self, team: Option<&str>, service: Option<&str>) -> String {
        self.map_team_ref(team, service).to_string()
    }

    /// `map_team` without a copy: ingest maps every row's team.
    pub fn map_team_ref<'a>(&'a self, team: Option<&'a str>, service: Option<&str>) -> &'a str {
        let index = self
            .team_index
            .get_or_init(|| teams::TeamIndex::build(&self.teams).0);
        let team = team.map(str::trim).filter(|t| !t.is_empty());
        if let Some(found) = team.and_then(|t| index.team(t)) {
            return found;
        }
        if let Some(found) = service.map(str::trim).and_then(|s| index.service(s)) {
            return found;
        }
        team.unwrap_or(UNASSIGNED_TEAM)
    }

    /// The team's settings, or the defaults for a team the config does not list.
    pub fn team(&self, name: &str) -> &Team {
        self.teams.get(name).unwrap_or(&self.default_team)
    }
}

/// A TOML syntax error as "line L, column C (key path): message; the line reads `...`", so the
/// user finds the line and knows which setting it is without counting lines.
fn format_toml_error(text: &str, e: &toml::de::Error) -> String {
    let Some(span) = e.span() else {
        return e.message().to_string();
    };
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    let at = key_path_at(text, line)
        .map(|k| format!(" ({k})"))
        .unwrap_or_default();
    let reads = text.lines().nth(line - 1).map(str::trim).unwrap_or("");
    let reads = if reads.is_empty() {
        String::new()
    } else {
        format!("; the line reads `{reads}`")
    };
    format!(
        "line {line}, column {col}{at}: {}{reads}",
        e.message().trim_end()
    )
}

/// The key path a line of a TOML file is at: the table header in force above it joined with the
/// key the line sets (`teams.payments.timezone`), or the header itself on a header line.
fn key_path_at(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let header = |l: &str| -> Option<String> {
        let l = l.trim();
        l.starts_with('[').then(|| {
            l.trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
    };
    let this = lines.get(line.checked_sub(1)?)?.trim();
    if let Some(h) = header(this) {
        return Some(h).filter(|h| !h.is_empty());
    }
    let table = lines[..line - 1].iter().rev().find_map(|l| header(l));
    let key = this
        .split_once('=')
        .map(|(k, _)| k.trim().to_string())
        .filter(|k| !k.is_empty() && !k.starts_with('#'));
    match (table, key) {
        (Some(t), Some(k)) => Some(format!("{t}.{k}")),
        (None, k) => k,
        (Some(t), None) => Some(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(text: &str) -> std::result::Result<Config, Vec<String>> {
        parse::from_table(&toml::from_str(text).unwrap(), Path::new("/x"), None)
    }

    #[test]
    fn team_mapping_by_name_alias_then_service() {
        let c = cfg(r#"
            [teams.payments]
            timezone = "Europe/Berlin"
            services = ["checkout"]
            aliases = ["Payments-Oncall"]
        "#)
        .unwrap();
        assert_eq!(c.map_team(Some("PAYMENTS"), None), "payments");
        assert_eq!(c.map_team(Some("payments-oncall"), None), "payments");
        assert_eq!(c.map_team(None, Some("checkout")), "payments");
        assert_eq!(c.map_team(Some("search"), Some("checkout")), "payments");
        assert_eq!(c.map_team(Some("search"), None), "search");
        assert_eq!(c.map_team(Some("  "), None), "unassigned");
    }

    #[test]
    fn severity_map_builtin_and_overrides() {
        let c = cfg(r#"
            [severity]
            "Major" = "SEV2"
            "p1" = "SEV2"
        "#)
        .unwrap();
        assert_eq!(c.map_severity("sev3"), Severity::Sev3);
        assert_eq!(c.map_severity("major"), Severity::Sev2);
        assert_eq!(
            c.map_severity("P1"),
            Severity::Sev2,
            "the file overrides the built-in map"
        );
        assert_eq!(c.map_severity("critical"), Severity::Sev1);
        assert_eq!(c.map_severity("1 - High"), Severity::Sev1);
        assert_eq!(c.map_severity("whatever"), Severity::Unknown);
    }

    #[test]
    fn oncall_spread_limit_defaults_inherits_and_is_validated() {
        let c = cfg(r#"
            [defaults]
            oncall_spread_limit = 2
            [teams.a]
            [teams.b]
            oncall_spread_limit = 1.25
        "#)
        .unwrap();
        assert_eq!(c.team("a").oncall_spread_limit, 2.0);
        assert_eq!(c.team("b").oncall_spread_limit, 1.25);
        assert_eq!(
            Config::defaults_in(Path::new("."))
                .default_team
                .oncall_spread_limit,
            1.5
        );
        let errs = cfg("[teams.a]\noncall_spread_limit = 0.5\n").unwrap_err();
        assert!(
            errs.iter()
                .any(|e| e.starts_with("teams.a.oncall_spread_limit") && e.contains("0.5")),
            "{errs:?}"
        );
    }

    #[test]
    fn every_problem_has_its_key_path() {
        let errs = cfg(r#"
            stor = "x"
            [teams.a]
            timezone = "Mars/Olympus"
            business_hours = "9-5"
            holidays = ["2026-13-01"]
            [severity]
            P7 = "SEV9"
            [exclude]
            title_patterns = ["(unclosed"]
            [thresholds]
            jaccard_min = 1.5
        "#)
        .unwrap_err();
        let all = errs.join("\n");
        for key in [
            "stor:",
            "teams.a.timezone",
            "teams.a.business_hours",
            "teams.a.holidays[0]",
            "severity.P7",
            "exclude.title_patterns[0]",
            "thresholds.jaccard_min",
        ] {
            assert!(all.contains(key), "{key} missing in:\n{all}");
        }
        assert_eq!(errs.len(), 7, "{all}");
    }

    #[test]
    fn windows_wrap_midnight() {
        let w = Window {
            start: NaiveTime::from_hms_opt(22, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
        };
        assert!(w.contains(NaiveTime::from_hms_opt(23, 0, 0).unwrap()));
        assert!(w.contains(NaiveTime::from_hms_opt(0, 0, 0).unwrap()));
        assert!(!w.contains(NaiveTime::from_hms_opt(8, 0, 0).unwrap()));
        assert!(w.contains(NaiveTime::from_hms_opt(22, 0, 0).unwrap()));
    }
}
