//! Delivery: sending the reports already written to where managers read them, once per report
//! and destination. `run --deliver` and `aftermath deliver` call [`deliver`]; the CLI only parses
//! flags.
//!
//! The reports are found by their summaries (`select`), each destination of `[[deliver]]` takes
//! the ones it lists, and the delivery log in the store (`store::Delivery`) says which were sent
//! already: those are skipped, so a re-run posts nothing twice. The rest are formatted for the
//! destination's kind (`slack`, `teams`, `webhook`, `email`) and sent; each success is recorded
//! at once, so when a later send fails the earlier ones stay recorded, and the next run retries
//! only what failed. A destination's first failure ends its turn (the rest of its reports would
//! fail the same way) and the others still get theirs; the run then fails naming each failed
//! destination by its config name (never its address) and what to check.
//!
//! With a dry-run folder nothing is sent and nothing is recorded: every payload is written there
//! instead (`<dir>/<destination>/<report>.json`, a Slack message's text preview beside it, an
//! email as `.eml`).

mod email;
mod http;
pub mod select;
mod slack;
mod teams;
mod webhook;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::config::deliver::{Destination, Target};
use crate::error::{Error, IoContext, Result};
use crate::report::summary::{MajorIncident, Summary};
use crate::store::{Delivery, Store};
pub use select::{Written, written};
pub use webhook::SCHEMA as WEBHOOK_SCHEMA;

/// The most major incidents a message lists by name; the rest are counted.
const MAX_MAJORS: usize = 10;

/// What a payload builder reads: the report's summary and where the full report is.
pub struct Content<'a> {
    pub summary: &'a Summary,
    pub destination: &'a str,
    /// The report's path in the reports folder.
    pub key: String,
    /// Its address under the destination's `report_url`.
    pub url: Option<String>,
    /// The folder of the report's files.
    pub dir: PathBuf,
}

impl Content<'_> {
    /// The major incidents to list, and the sentence counting the others.
    pub fn majors(&self) -> (&[MajorIncident], Option<String>) {
        let all = &self.summary.majors;
        let shown = &all[..all.len().min(MAX_MAJORS)];
        let more = (all.len() > MAX_MAJORS)
            .then(|| format!("… and {} more in the full report.", all.len() - MAX_MAJORS));
        (shown, more)
    }
}

/// How [`deliver`] runs.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Write the payloads into this folder instead of sending them.
    pub dry_run: Option<PathBuf>,
    /// Send only to these destinations (by name); empty: all.
    pub only: Vec<String>,
}

/// What happened to one report at one destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Sent,
    /// Already in the log, sent at this instant.
    AlreadySent(String),
    /// Written to this file (dry run).
    Written(PathBuf),
}

/// What [`deliver`] did, report by report (failures end in the error instead).
#[derive(Debug, Default)]
pub struct Outcome {
    pub steps: Vec<(String, String, Step)>,
    /// Destinations that took none of the reports.
    pub idle: Vec<String>,
    /// One sentence per failed destination: its name, the report, why, what to check.
    pub failures: Vec<String>,
}

impl Outcome {
    /// The outcome, or the failures as the error that ends the command (after what was sent
    /// has been shown: those sends are recorded either way).
    pub fn result(&self) -> Result<()> {
        if self.failures.is_empty() {
            Ok(())
        } else {
            Err(Error::Delivery(self.failures.clone()))
        }
    }
}

/// Send `reports` to every destination of `cfg` (or the ones `opts.only` names).
pub fn deliver(
    cfg: &Config,
    store: &Store,
    reports: &[Written],
    opts: &Options,
) -> Result<Outcome> {
    let path = cfg.path.clone().unwrap_or_else(|| "aftermath.toml".into());
    if cfg.deliver.is_empty() {
        return Err(Error::Config {
            path,
            problems: vec![
                "deliver: no [[deliver]] destination; add one (docs/delivery.md) to send reports"
                    .into(),
            ],
        });
    }
    for name in &opts.only {
        if !cfg.deliver.iter().any(|d| &d.name == name) {
            let names: Vec<&str> = cfg.deliver.iter().map(|d| d.name.as_str()).collect();
            return Err(Error::Config {
                path: path.clone(),
                problems: vec![format!(
                    "deliver: no destination named {name:?}; the config has: {}",
                    names.join(", ")
                )],
            });
        }
    }
    // One delivering process at a time: two overlapping runs must not both post.
    let lock = match opts.dry_run {
        Some(_) => None,
        None => Some(store.lock()?),
    };
    let log = store.deliveries()?;
    let mut out = Outcome::default();
    for d in cfg
        .deliver
        .iter()
        .filter(|d| opts.only.is_empty() || opts.only.contains(&d.name))
    {
        let mine: Vec<&Written> = reports.iter().filter(|w| select::wants(d, w)).collect();
        if mine.is_empty() {
            out.idle.push(d.name.clone());
            continue;
        }
        for w in mine {
            if let Some(prev) = log
                .iter()
                .find(|l| l.destination == d.name && l.report == w.key)
            {
                let at = prev.sent_at.format("%Y-%m-%d %H:%M UTC").to_string();
                out.steps
                    .push((d.name.clone(), w.key.clone(), Step::AlreadySent(at)));
                continue;
            }
            let content = Content {
                summary: &w.summary,
                destination: &d.name,
                key: w.key.clone(),
                url: w.url(d),
                dir: w.dir.clone(),
            };
            if let Some(dir) = &opts.dry_run {
                let file = write_dry(dir, d, &content)?;
                out.steps
                    .push((d.name.clone(), w.key.clone(), Step::Written(file)));
                continue;
            }
            let sent_at = Utc::now();
            match send(d, &content, sent_at) {
                Ok(digest) => {
                    let lock = lock
                        .as_ref()
                        .ok_or_else(|| Error::Internal("no lock".into()))?;
                    store.record_delivery(
                        lock,
                        Delivery {
                            report: w.key.clone(),
                            kind: w.summary.kind.as_str().into(),
                            period: w.summary.period.clone(),
                            destination: d.name.clone(),
                            destination_kind: d.kind().into(),
                            sent_at,
                            payload_blake3: digest,
                        },
                    )?;
                    out.steps.push((d.name.clone(), w.key.clone(), Step::Sent));
                }
                Err(why) => {
                    out.failures.push(format!(
                        "destination {:?} ({}): {} could not be sent: {why}; {}",
                        d.name,
                        d.kind(),
                        w.key,
                        advice(d)
                    ));
                    break;
                }
            }
        }
    }
    Ok(out)
}

/// What to check when a destination fails.
fn advice(d: &Destination) -> String {
    match &d.target {
        Target::Email(s) => format!(
            "check that {}:{} accepts mail ({}), the credentials ({}), and the addresses; the \
             next run retries it, the reports already sent elsewhere are not sent again",
            s.host,
            s.port,
            match s.tls {
                crate::config::deliver::Tls::Starttls => "STARTTLS",
                crate::config::deliver::Tls::Tls => "TLS",
                crate::config::deliver::Tls::None => "no TLS",
            },
            s.password_env
                .as_deref()
                .map_or_else(|| "none configured".to_string(), |e| format!("${e}"))
        ),
        Target::Slack { url_env } | Target::Teams { url_env } | Target::Webhook { url_env } => {
            format!(
                "check that ${url_env} holds the webhook's current address and that the \
                 receiver is up; the next run retries it, the reports already sent elsewhere \
                 are not sent again"
            )
        }
    }
}

/// An environment variable's value, or a failure naming it.
fn secret(var: &str) -> std::result::Result<String, String> {
    match std::env::var(var) {
        Ok(v) if !v.trim().is_empty() => Ok(v.trim().to_string()),
        _ => Err(format!(
            "the environment variable {var} is not set or empty"
        )),
    }
}

/// The JSON body of an HTTP destination.
fn json_payload(d: &Destination, c: &Content) -> Option<serde_json::Value> {
    match &d.target {
        Target::Slack { .. } => Some(slack::payload(c)),
        Target::Teams { .. } => Some(teams::payload(c)),
        Target::Webhook { .. } => Some(webhook::payload(c)),
        Target::Email(_) => None,
    }
}

/// Send one report; the BLAKE3 of what was sent, or why it failed (no secret in it).
fn send(d: &Destination, c: &Content, now: DateTime<Utc>) -> std::result::Result<String, String> {
    match &d.target {
        Target::Email(smtp) => {
            let password = smtp.password_env.as_deref().map(secret).transpose()?;
            let m = email::message(c, smtp, now.into()).map_err(|e| e.to_string())?;
            email::send(&m, smtp, password.as_deref(), d.timeout_seconds)?;
            Ok(blake3::hash(&m.formatted()).to_hex().to_string())
        }
        Target::Slack { url_env } | Target::Teams { url_env } | Target::Webhook { url_env } => {
            let url = secret(url_env)?;
            let body = serde_json::to_string(&json_payload(d, c)).map_err(|e| e.to_string())?;
            let body = crate::report::summary::html_safe_json(&body).into_bytes();
            http::post_json(&url, &body, d.timeout_seconds)?;
            Ok(blake3::hash(&body).to_hex().to_string())
        }
    }
}

/// `weekly/2026-W46/organisation.html` -> `weekly_2026-W46_organisation`.
fn file_stem(key: &str) -> String {
    key.trim_end_matches(".html")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn write_dry(dir: &Path, d: &Destination, c: &Content) -> Result<PathBuf> {
    let folder = dir.join(file_stem(&d.name));
    std::fs::create_dir_all(&folder).at(&folder)?;
    let stem = file_stem(&c.key);
    if let Target::Email(smtp) = &d.target {
        // The report's as-of instant as the Date, so a dry run writes the same file twice.
        let date = DateTime::parse_from_rfc3339(&c.summary.as_of)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let m = email::message(c, smtp, date.into())?;
        let p = folder.join(format!("{stem}.eml"));
        std::fs::write(&p, m.formatted()).at(&p)?;
        return Ok(p);
    }
    let payload = json_payload(d, c).unwrap_or_default();
    let p = folder.join(format!("{stem}.json"));
    let text =
        serde_json::to_string_pretty(&payload).map_err(|e| Error::Internal(e.to_string()))?;
    let text = crate::report::summary::html_safe_json(&text);
    std::fs::write(&p, text + "\n").at(&p)?;
    if let Target::Slack { .. } = d.target {
        let t = folder.join(format!("{stem}.preview.txt"));
        std::fs::write(&t, slack::preview(&payload)).at(&t)?;
    }
    Ok(p)
}
