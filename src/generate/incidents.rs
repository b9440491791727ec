//! Incidents of one team-week, with their timelines and action items.
//!
//! Durations are lognormal (sigma 1.25) with medians that grow with severity; some incidents know
//! their impact start, some are still open at the end of the range, some were reopened, some are
//! maintenance, gamedays, tests or merged duplicates; about a third are recurrences of the team's
//! known problems with titles that differ in numbers and hosts. The incident row's lifecycle
//! columns are exactly what its events say, so ingest's derivation changes nothing.

use serde_json::json;

use super::world::{Dice, TeamDef, render};
use super::{IncidentVolume, Writers, ts};
use crate::error::Result;

pub const MIN: i64 = 60_000_000;
const SEVERITIES: [&str; 5] = ["SEV1", "SEV2", "SEV3", "SEV4", "SEV5"];
/// Incidents per team-week by severity.
const RATE: [f64; 5] = [0.12, 0.4, 1.0, 0.8, 0.25];
/// Median minutes from detection to acknowledgement, and to resolution, by severity.
const TTA_MEDIAN: [f64; 5] = [3.0, 5.0, 12.0, 25.0, 60.0];
const TTR_MEDIAN: [f64; 5] = [45.0, 75.0, 150.0, 400.0, 1200.0];
const SIGMA: f64 = 1.25;

const GENERIC: &[&str] = &[
    "Deploy {n} of {service} raised error rates",
    "Timeouts from {service} to its database",
    "Config push broke routing for {service}",
    "{service} unavailable in eu-west-{d}",
    "Capacity exhausted on {service} workers",
    "Third-party API errors degrade {service}",
    "Stale cache served by {service} after failover",
];
const ROOT_CAUSES: &[&str] = &[
    "deploy",
    "config",
    "capacity",
    "dependency",
    "hardware",
    "bug",
];

/// What the alert generator needs to link alerts to an incident.
pub struct Linked {
    pub id: String,
    pub service: String,
    pub severity: usize,
    pub detected: i64,
    pub acked: Option<(i64, String)>,
    pub ended: Option<i64>,
}

pub struct WeekCtx<'a> {
    pub team: &'a TeamDef,
    pub week_start: i64,
    pub end: i64,
    pub oncall: &'a str,
    pub volume: IncidentVolume,
}

#[allow(clippy::too_many_lines)]
pub fn week(
    c: &WeekCtx,
    dice: &mut Dice,
    w: &mut Writers,
    previous: &mut Vec<String>,
) -> Result<Vec<Linked>> {
    let mut linked = vec![];
    let team = c.team;
    for (sev, rate) in RATE.iter().enumerate() {
        for _ in 0..dice.poisson(*rate * c.volume.scale) {
            w.incident_seq += 1;
            let detected =
                c.week_start + dice.int(0, 7 * 24 * 60) * MIN + dice.int(0, 60) * 1_000_000;
            let service = dice.pick(&team.services).clone();
            // Random ids, as the tools make them; drawn again on the rare collision (a few in
            // 200,000 PagerDuty-style ids), which the sample's volume never meets.
            let (source_id, id) = loop {
                let source_id = match team.source {
                    "pagerduty" => format!("Q{}", dice.id(6)),
                    "opsgenie" => {
                        format!("{:08x}-{:04x}", dice.int(0, 1 << 31), dice.int(0, 1 << 15))
                    }
                    _ => format!("01J{}", dice.id(10)),
                };
                let id = format!("{}:{source_id}", team.source);
                if w.incident_ids.insert(id.clone()) {
                    break (source_id, id);
                }
            };
            let (kind, title, fingerprint) = kind_and_title(dice, team, &service, previous);
            let impact = dice
                .chance(0.7)
                .then(|| detected - (dice.lognormal(6.0, 1.0) * MIN as f64) as i64);
            let unacked = sev >= 3 && dice.chance(0.05);
            let tta = (dice.lognormal(TTA_MEDIAN[sev], SIGMA) * MIN as f64) as i64 + 1_000_000;
            let ttr = tta.max((dice.lognormal(TTR_MEDIAN[sev], SIGMA) * MIN as f64) as i64) + MIN;
            let forgotten = dice.chance(0.015);
            let ack = (!unacked).then_some(detected + tta);
            let mitigated = (sev <= 1 && dice.chance(0.6))
                .then(|| detected + tta + ((ttr - tta) as f64 * (0.2 + 0.5 * dice.unit())) as i64);
            let mut resolved = (!forgotten).then_some(detected + ttr);
            let mut reopen = None;
            if resolved.is_some() && dice.chance(0.05) {
                let r1 = detected + ttr;
                let again = r1 + (dice.lognormal(120.0, 1.0) * MIN as f64) as i64;
                let r2 = again + (dice.lognormal(60.0, 1.0) * MIN as f64) as i64;
                reopen = Some((r1, again));
                resolved = Some(r2);
            }
            let responder = c.oncall.to_string();

            // The timeline, cut at the end of the range: what happened after it is unknown yet.
            let mut evs: Vec<(i64, &str, &str, &str, String)> = vec![];
            if let Some(i) = impact {
                evs.push((i, "impact_started", "", "", String::new()));
            }
            evs.push((detected, "triggered", "monitoring", "auto", title.clone()));
            evs.push((
                detected + 10_000_000,
                "notified",
                &responder,
                ["push", "sms", "phone"][dice.int(0, 3) as usize],
                String::new(),
            ));
            if tta > 15 * MIN && !unacked {
                evs.push((
                    detected + 15 * MIN,
                    "escalated",
                    "escalation-policy",
                    "timeout",
                    String::new(),
                ));
            }
            if let Some(a) = ack {
                evs.push((
                    a,
                    "acknowledged",
                    &responder,
                    ["web", "api", "push"][dice.int(0, 3) as usize],
                    String::new(),
                ));
            }
            if sev <= 1 {
                evs.push((
                    detected + tta + 5 * MIN,
                    "status_update",
                    &responder,
                    "web",
                    "Investigating; mitigation under way".into(),
                ));
            }
            if let Some(m) = mitigated {
                evs.push((m, "mitigated", &responder, "web", "Rolled back".into()));
            }
            if let Some((r1, again)) = reopen {
                evs.push((r1, "resolved", &responder, "web", String::new()));
                evs.push((
                    again,
                    "reopened",
                    "monitoring",
                    "auto",
                    "Alert fired again".into(),
                ));
            }
            if let Some(r) = resolved {
                evs.push((
                    r,
                    "resolved",
                    if unacked { "monitoring" } else { &responder },
                    if unacked { "auto" } else { "web" },
                    String::new(),
                ));
            }
            if kind == "duplicate" {
                evs.push((detected + MIN, "merged", &responder, "web", String::new()));
            }
            // Longer timelines for `--extra-events`: notifications re-sent while nobody has
            // acknowledged, then status updates while it is worked on. Neither kind changes a
            // lifecycle column. At the default (0) nothing is drawn, so the files stay identical.
            let last = resolved.or(mitigated).unwrap_or(detected + ttr);
            for _ in 0..dice.poisson(c.volume.extra_events) {
                let at = detected + ((last - detected) as f64 * dice.unit()) as i64;
                if ack.is_none_or(|a| at < a) {
                    let channel = ["push", "sms", "phone"][dice.int(0, 3) as usize];
                    evs.push((at, "notified", &responder, channel, String::new()));
                } else {
                    let text = "Update: still investigating".to_string();
                    evs.push((at, "status_update", &responder, "web", text));
                }
            }
            evs.retain(|e| e.0 <= c.end);
            evs.sort_by_key(|e| e.0);
            let seen = |k: &str| evs.iter().find(|e| e.1 == k).map(|e| e.0);
            let reopens = evs.iter().filter(|e| e.1 == "reopened").count();
            let last_resolve = evs
                .iter()
                .rev()
                .find(|e| e.1 == "resolved" || e.1 == "reopened")
                .filter(|e| e.1 == "resolved")
                .map(|e| e.0);
            let status = if last_resolve.is_some() {
                "resolved"
            } else if seen("mitigated").is_some() {
                "mitigated"
            } else if seen("acknowledged").is_some() {
                "acknowledged"
            } else {
                "open"
            };
            let updated = evs.last().map_or(detected, |e| e.0);
            let merged_into = if kind == "duplicate" {
                previous.last().cloned().unwrap_or_default()
            } else {
                String::new()
            };
            let postmortem = (sev <= 1 && last_resolve.is_some() && dice.chance(0.75))
                .then(|| format!("https://wiki.example.com/postmortems/{source_id}"));
            let root = last_resolve
                .map(|_| dice.pick(ROOT_CAUSES).to_string())
                .unwrap_or_default();
            let labels =
                json!({"env": "prod", "region": format!("eu-west-{}", dice.int(1, 4))}).to_string();
            w.incidents.write_record([
                id.as_str(),
                team.source,
                &source_id,
                &format!("#{}", w.incident_seq),
                &title,
                &team.name,
                &service,
                SEVERITIES[sev],
                &raw_severity(team.source, sev),
                status,
                kind,
                &impact.map(ts).unwrap_or_default(),
                &ts(detected),
                &seen("acknowledged").map(ts).unwrap_or_default(),
                &seen("mitigated").map(ts).unwrap_or_default(),
                &last_resolve.map(ts).unwrap_or_default(),
                &reopens.to_string(),
                &merged_into,
                &fingerprint,
                &root,
                postmortem.as_deref().unwrap_or(""),
                // The tool's own page: left to the config's `[sources.<name>]` templates.
                "",
                &labels,
                &ts(updated),
            ])?;
            w.counts.incidents += 1;
            for (n, (at, k, actor, channel, message)) in evs.iter().enumerate() {
                let ev = json!({
                    "event_id": format!("{id}:{n}"), "incident_id": id, "at": ts(*at), "kind": k,
                    "actor": nonempty(actor), "channel": nonempty(channel), "message": nonempty(message), "source": team.source,
                });
                w.event(&ev)?;
            }
            if kind == "normal" {
                if let Some(r) = last_resolve.filter(|_| sev <= 2) {
                    super::actions::action_items(dice, c, w, &id, &service, sev, r)?;
                }
                linked.push(Linked {
                    id: id.clone(),
                    service: service.clone(),
                    severity: sev,
                    detected,
                    acked: seen("acknowledged").map(|a| (a, responder.clone())),
                    ended: seen("mitigated").or(last_resolve),
                });
            }
            previous.push(id);
        }
    }
    Ok(linked)
}

fn nonempty(s: &str) -> serde_json::Value {
    if s.is_empty() {
        serde_json::Value::Null
    } else {
        s.into()
    }
}

/// The severity as the team's tool spells it, to exercise the severity map.
fn raw_severity(source: &str, sev: usize) -> String {
    match source {
        "pagerduty" => format!("P{}", sev + 1),
        "opsgenie" => ["critical", "high", "moderate", "low", "informational"][sev].to_string(),
        _ => format!("SEV{}", sev + 1),
    }
}

fn kind_and_title(
    dice: &mut Dice,
    team: &TeamDef,
    service: &str,
    previous: &[String],
) -> (&'static str, String, String) {
    let u = dice.unit();
    let template: &str = GENERIC[dice.int(0, GENERIC.len() as i64) as usize];
    let generic = render(template, dice, service);
    if u < 0.03 {
        return (
            "maintenance",
            format!("Planned maintenance: {service} database upgrade"),
            String::new(),
        );
    }
    if u < 0.04 {
        return ("gameday", format!("Gameday: {generic}"), String::new());
    }
    if u < 0.06 {
        return ("test", "TEST - please ignore".to_string(), String::new());
    }
    if u < 0.09 && !previous.is_empty() {
        return ("duplicate", generic, String::new());
    }
    if dice.chance(0.35) {
        let k = dice.int(0, team.recurring.len() as i64) as usize;
        let title = render(team.recurring[k], dice, service);
        // Half the recurrences carry the tool's grouping key; the rest must be matched by title.
        let fp = if dice.chance(0.5) {
            format!("{}-problem-{k}", team.name)
        } else {
            String::new()
        };
        return ("normal", title, fp);
    }
    ("normal", generic, String::new())
}
