//! `[[deliver]]`: where `aftermath run --deliver` and `aftermath deliver` send the reports. Each
//! table is one destination: a Slack incoming webhook, a Microsoft Teams workflow webhook, a
//! generic JSON webhook or an SMTP mailbox, with the reports it receives (the organisation's
//! weekly, teams' weekly, postmortems, the improvement report), for which teams and severities.
//!
//! Secrets are never read from the file: a webhook address and an SMTP password are named by the
//! environment variable that holds them (`url_env`, `password_env`). A `url` or `password` key is
//! refused with that advice, so a secret pasted into a committed config is caught before it is
//! used. Every problem names its key, `deliver[2].smtp_port`, as the rest of the config does.

use toml::{Table, Value};

use super::walker::Walker;
use crate::model::vocab::Severity;

/// The report names a destination may list in `reports` (`report::summary::ReportKind`).
pub const REPORTS: &[&str] = &[
    "weekly-organisation",
    "weekly-team",
    "postmortem",
    "improvement",
];

/// How a destination is reached.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// An HTTP POST of a JSON payload to the address in the environment variable `url_env`.
    Slack {
        url_env: String,
    },
    Teams {
        url_env: String,
    },
    Webhook {
        url_env: String,
    },
    Email(Smtp),
}

/// How an SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    /// Plain connection upgraded with STARTTLS (required), usually port 587.
    Starttls,
    /// TLS from the first byte, usually port 465.
    Tls,
    /// No encryption: only for a server on the loopback interface (tests, a local relay).
    None,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub tls: Tls,
    pub username: Option<String>,
    /// The environment variable holding the password (never the password).
    pub password_env: Option<String>,
    pub from: String,
    pub to: Vec<String>,
}

/// One `[[deliver]]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct Destination {
    /// Unique; the name in the delivery log, in messages and in errors (never the address).
    pub name: String,
    pub target: Target,
    /// Which reports, from `REPORTS`.
    pub reports: Vec<String>,
    /// Only these teams' weekly reports and postmortems; empty: every team.
    pub teams: Vec<String>,
    /// Only postmortems of these severities.
    pub severities: Vec<Severity>,
    /// Where the reports folder is published (`https://reports.example.com/aftermath/`): links
    /// to a full report are made from it; without it a message names the report's file.
    pub report_url: Option<String>,
    /// Seconds before a send is abandoned as failed.
    pub timeout_seconds: u32,
}

impl Destination {
    pub fn kind(&self) -> &'static str {
        match self.target {
            Target::Slack { .. } => "slack",
            Target::Teams { .. } => "teams",
            Target::Webhook { .. } => "webhook",
            Target::Email(_) => "email",
        }
    }
}

const COMMON: &[&str] = &[
    "name",
    "kind",
    "reports",
    "teams",
    "severities",
    "report_url",
    "timeout_seconds",
];
const HTTP: &[&str] = &["url_env"];
const EMAIL: &[&str] = &[
    "smtp_host",
    "smtp_port",
    "tls",
    "username",
    "password_env",
    "from",
    "to",
];

/// Whether `s` can name an environment variable (letters, digits, `_`, not starting with a
/// digit): a value that cannot is most likely the secret itself.
fn env_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn loopback(host: &str) -> bool {
    matches!(host, "localhost" | "::1" | "[::1]") || host.starts_with("127.")
}

pub(super) fn deliver(w: &mut Walker, v: &Value) -> Vec<Destination> {
    let Value::Array(items) = v else {
        w.problem(
            "deliver",
            format!(
                "expected an array of tables ([[deliver]]), found {}",
                v.type_str()
            ),
        );
        return vec![];
    };
    let mut out: Vec<Destination> = vec![];
    let mut names: Vec<&str> = vec![];
    for (i, item) in items.iter().enumerate() {
        let key = format!("deliver[{i}]");
        let Value::Table(t) = item else {
            w.problem(&key, format!("expected a table, found {}", item.type_str()));
            continue;
        };
        if let Some(Value::String(n)) = t.get("name") {
            if names.contains(&n.as_str()) {
                w.problem(
                    &format!("{key}.name"),
                    format!("{n:?} names another destination too; names must be unique"),
                );
            }
            names.push(n);
        }
        out.extend(destination(w, &key, t));
    }
    out
}

fn env_key(w: &mut Walker, key: &str, t: &Table, name: &str) -> Option<String> {
    let full = format!("{key}.{name}");
    let s = w.str(key, t, name)?;
    if !env_name(s) {
        w.problem(
            &full,
            "expected the NAME of an environment variable (letters, digits, _), such as \
             \"SLACK_WEBHOOK_URL\"; put the secret in that variable, never in the config",
        );
        return None;
    }
    Some(s.to_string())
}

fn destination(w: &mut Walker, key: &str, t: &Table) -> Option<Destination> {
    for secret in ["url", "webhook_url", "password"] {
        if t.contains_key(secret) {
            w.problem(
                &format!("{key}.{secret}"),
                format!(
                    "secrets are not read from the config; put it in an environment variable \
                     and name that variable with `{}`",
                    if secret == "password" {
                        "password_env"
                    } else {
                        "url_env"
                    }
                ),
            );
        }
    }
    let name = w.str(key, t, "name").map(str::to_string);
    let name = match name {
        Some(n) if !n.trim().is_empty() => n,
        Some(_) => {
            w.problem(&format!("{key}.name"), "must not be empty");
            return None;
        }
        None => {
            w.problem(
                &format!("{key}.name"),
                "missing; name the destination, e.g. \"eng-slack\"",
            );
            return None;
        }
    };
    let kind = w.str(key, t, "kind").unwrap_or("");
    let extra: &[&str] = match kind {
        "slack" | "teams" | "webhook" => HTTP,
        "email" => EMAIL,
        _ => {
            w.problem(
                &format!("{key}.kind"),
                format!(
                    "{kind:?} is not a destination kind; expected slack, teams, webhook or email"
                ),
            );
            return None;
        }
    };
    let known: Vec<&str> = COMMON.iter().chain(extra).copied().collect();
    let unknown: Table = t
        .iter()
        .filter(|(k, _)| !["url", "webhook_url", "password"].contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    w.unknown_keys(key, &unknown, &known);
    let target = if kind == "email" {
        Target::Email(smtp(w, key, t)?)
    } else {
        let Some(url_env) = env_key(w, key, t, "url_env") else {
            if !t.contains_key("url_env") {
                w.problem(
                    &format!("{key}.url_env"),
                    "missing; name the environment variable holding the webhook address",
                );
            }
            return None;
        };
        match kind {
            "slack" => Target::Slack { url_env },
            "teams" => Target::Teams { url_env },
            _ => Target::Webhook { url_env },
        }
    };
    let mut reports = vec![];
    for (k, r) in w.strings(key, t, "reports") {
        if REPORTS.contains(&r.as_str()) {
            reports.push(r);
        } else {
            w.problem(
                &k,
                format!(
                    "unknown report {r:?}; expected one of: {}",
                    REPORTS.join(", ")
                ),
            );
        }
    }
    if !t.contains_key("reports") {
        reports = vec!["weekly-organisation".into()];
    }
    let teams = w
        .strings(key, t, "teams")
        .into_iter()
        .map(|x| x.1)
        .collect();
    let mut severities = vec![Severity::Sev1, Severity::Sev2];
    if t.contains_key("severities") {
        severities = vec![];
        for (k, s) in w.strings(key, t, "severities") {
            match Severity::parse(&s) {
                Some(sev) => severities.push(sev),
                None => w.problem(&k, format!("unknown severity {s:?}; expected SEV1 to SEV5")),
            }
        }
    }
    let report_url = w.str(key, t, "report_url").map(str::to_string);
    if let Some(u) = &report_url
        && !(u.starts_with("https://") || u.starts_with("http://"))
    {
        w.problem(&format!("{key}.report_url"), "expected an http(s) address");
    }
    let timeout_seconds = t
        .get("timeout_seconds")
        .and_then(|v| w.number(&format!("{key}.timeout_seconds"), v, 1.0, 600.0))
        .map_or(30, |n| n as u32);
    Some(Destination {
        name,
        target,
        reports,
        teams,
        severities,
        report_url,
        timeout_seconds,
    })
}

/// Whether `addr` is an email address (`a@example.com` or `Name <a@example.com>`); a problem
/// under `key` when it is not.
fn address(w: &mut Walker, key: &str, addr: &str) -> bool {
    match addr.parse::<lettre::message::Mailbox>() {
        Ok(_) => true,
        Err(e) => {
            w.problem(key, format!("{addr:?} is not an email address ({e})"));
            false
        }
    }
}

fn smtp(w: &mut Walker, key: &str, t: &Table) -> Option<Smtp> {
    let host = w.str(key, t, "smtp_host").map(str::to_string);
    if host.is_none() && !t.contains_key("smtp_host") {
        w.problem(
            &format!("{key}.smtp_host"),
            "missing; the SMTP server's host name",
        );
    }
    let tls = match w.str(key, t, "tls").unwrap_or("starttls") {
        "starttls" => Tls::Starttls,
        "tls" => Tls::Tls,
        "none" => Tls::None,
        other => {
            w.problem(
                &format!("{key}.tls"),
                format!("{other:?}: expected \"starttls\", \"tls\" or \"none\" (loopback only)"),
            );
            Tls::Starttls
        }
    };
    let default_port = match tls {
        Tls::Tls => 465,
        Tls::Starttls => 587,
        Tls::None => 25,
    };
    let port = t
        .get("smtp_port")
        .and_then(|v| w.number(&format!("{key}.smtp_port"), v, 1.0, 65_535.0))
        .map_or(default_port, |n| n as u16);
    if let Some(h) = &host
        && tls == Tls::None
        && !loopback(h)
    {
        w.problem(
            &format!("{key}.tls"),
            format!(
                "\"none\" sends the password and the reports in clear text; it is only allowed \
                 for a server on the loopback interface, not {h:?}; use \"starttls\" or \"tls\""
            ),
        );
    }
    let username = w.str(key, t, "username").map(str::to_string);
    let password_env = if t.contains_key("password_env") {
        env_key(w, key, t, "password_env")
    } else {
        None
    };
    let from = w.str(key, t, "from").map(str::to_string);
    if from.is_none() && !t.contains_key("from") {
        w.problem(&format!("{key}.from"), "missing; the sender address");
    }
    if let Some(f) = &from {
        address(w, &format!("{key}.from"), f);
    }
    let listed = w.strings(key, t, "to");
    let mut to = vec![];
    if listed.is_empty() {
        w.problem(
            &format!("{key}.to"),
            "missing or empty; list the recipients' addresses",
        );
    }
    for (k, addr) in listed {
        if address(w, &k, &addr) {
            to.push(addr);
        }
    }
    Some(Smtp {
        host: host?,
        port,
        tls,
        username,
        password_env,
        from: from?,
        to,
    })
}

#[cfg(test)]
mod tests;
