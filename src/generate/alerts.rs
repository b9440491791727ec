//! Alerts of one team-week: a diurnal and weekly cycle in the team's own zone, rules with their
//! personalities (noisy and rarely actionable, transient, flapping), alert storms, the alerts that
//! opened incidents, and a few that never resolve. Written row by row: nothing is kept across
//! weeks, so ten million alerts take bounded memory.

use chrono::{Datelike, TimeZone, Timelike, Weekday};
use serde_json::json;

use super::incidents::{Linked, WeekCtx};
use super::world::{Dice, Rule, host};
use super::{Writers, ts};
use crate::error::Result;
use crate::ingest::rules::stable_hash;

const SEC: i64 = 1_000_000;
const MIN: i64 = 60 * SEC;
const WEEK: i64 = 7 * 24 * 60 * MIN;

/// Alert volume by local hour and weekday, relative to the busiest (1.0).
fn activity(c: &WeekCtx, t: i64) -> f64 {
    let local = c.team.zone.timestamp_micros(t).single().map_or_else(
        || chrono::Utc.timestamp_micros(t).unwrap().naive_utc(),
        |d| d.naive_local(),
    );
    let h = local.hour();
    let hour = match h {
        9..=17 => 1.0,
        7 | 8 | 18..=21 => 0.6,
        _ => 0.3,
    };
    let day = if matches!(local.weekday(), Weekday::Sat | Weekday::Sun) {
        0.6
    } else {
        1.0
    };
    hour * day
}

/// A time in the week drawn from the activity profile (rejection sampling).
fn when(c: &WeekCtx, dice: &mut Dice) -> i64 {
    loop {
        let t = c.week_start + dice.int(0, WEEK / SEC) * SEC;
        if dice.unit() < activity(c, t) {
            return t;
        }
    }
}

pub struct Firing<'a> {
    pub rule: &'a Rule,
    pub host: String,
    pub at: i64,
    pub incident: Option<&'a Linked>,
}

pub fn week(
    c: &WeekCtx,
    dice: &mut Dice,
    w: &mut Writers,
    scale: f64,
    linked: &[Linked],
) -> Result<()> {
    let rules = &c.team.rules;
    let total: f64 = rules.iter().map(|r| r.weight).sum();
    for _ in 0..dice.poisson(80.0 * scale) {
        let mut x = dice.unit() * total;
        let rule = rules
            .iter()
            .find(|r| {
                x -= r.weight;
                x < 0.0
            })
            .unwrap_or(&rules[0]);
        // Few hosts per rule, so fingerprints repeat across firings as they do in real systems.
        let host = format!("{}-{}", rule.service, dice.int(1, 5));
        let at = when(c, dice);
        let end = fire(
            c,
            dice,
            w,
            &Firing {
                rule,
                host: host.clone(),
                at,
                incident: None,
            },
        )?;
        if rule.flaps && dice.chance(0.7) {
            let mut last_end = end;
            for _ in 0..dice.int(2, 6) {
                let Some(prev) = last_end else { break };
                let again = prev + dice.int(1, 9) * MIN;
                last_end = fire(
                    c,
                    dice,
                    w,
                    &Firing {
                        rule,
                        host: host.clone(),
                        at: again,
                        incident: None,
                    },
                )?;
            }
        }
    }
    // An alert storm about one week in four: many alerts from a few rules within minutes.
    if dice.chance(0.25) {
        let start = when(c, dice);
        let storm_rules: Vec<&Rule> = (0..3).map(|_| dice.pick(rules)).collect();
        for _ in 0..(dice.int(20, 60) as f64 * scale.sqrt()) as i64 {
            let rule = *dice.pick(&storm_rules);
            let at = start + dice.int(0, 15 * 60) * SEC;
            let host = host(dice, &rule.service);
            fire(
                c,
                dice,
                w,
                &Firing {
                    rule,
                    host,
                    at,
                    incident: None,
                },
            )?;
        }
    }
    for inc in linked {
        let candidates: Vec<&Rule> = rules
            .iter()
            .filter(|r| r.service == inc.service && r.pages)
            .collect();
        for _ in 0..dice.int(1, 5) {
            let rule = if candidates.is_empty() {
                &rules[0]
            } else {
                *dice.pick(&candidates)
            };
            let at = inc.detected - dice.int(0, 60) * SEC;
            let host = host(dice, &rule.service);
            fire(
                c,
                dice,
                w,
                &Firing {
                    rule,
                    host,
                    at,
                    incident: Some(inc),
                },
            )?;
        }
    }
    Ok(())
}

/// Write one alert instance; returns when it resolved (if it did within the range).
fn fire(c: &WeekCtx, dice: &mut Dice, w: &mut Writers, f: &Firing) -> Result<Option<i64>> {
    let r = f.rule;
    let paged = r.pages || f.incident.is_some_and(|i| i.severity <= 2);
    let (mut ack, mut resolved, mut resolved_by): (Option<(i64, String)>, Option<i64>, String);
    if let Some(inc) = f.incident {
        ack = inc.acked.clone();
        resolved = inc.ended;
        resolved_by = "auto".into();
    } else if dice.chance(r.transient) {
        ack = None;
        resolved = Some(f.at + dice.int(30, 270) * SEC);
        resolved_by = "auto".into();
    } else if paged && dice.chance(r.actionable) {
        let a = f.at + (dice.lognormal(4.0, 1.0) * MIN as f64) as i64 + 5 * SEC;
        ack = Some((a, c.oncall.to_string()));
        resolved = Some(a + (dice.lognormal(25.0, 1.2) * MIN as f64) as i64);
        resolved_by = if dice.chance(0.5) {
            c.oncall.to_string()
        } else {
            "auto".into()
        };
    } else {
        ack = None;
        resolved = Some(f.at + (dice.lognormal(40.0, 1.2) * MIN as f64) as i64 + 5 * MIN);
        resolved_by = "auto".into();
    }
    if f.incident.is_none() && dice.chance(0.005) {
        resolved = None; // the monitoring system never sent the resolution
    }
    if resolved.is_some_and(|t| t > c.end) {
        resolved = None;
    }
    if ack.as_ref().is_some_and(|(t, _)| *t > c.end) {
        ack = None;
    }
    if resolved.is_none() {
        resolved_by = String::new();
    }
    let notifications = if !paged {
        0
    } else if let Some((a, _)) = &ack {
        1 + ((a - f.at) / (5 * MIN)).clamp(0, 4)
    } else {
        1 + dice.int(0, 3)
    };
    let fingerprint = format!("{:016x}", stable_hash(&[&c.team.name, &r.name, &f.host]));
    w.counts.alerts += 1;
    let id = format!("{}:A{:09}", c.team.source, w.counts.alerts);
    let title = format!("{} on {}", r.name.replace('_', " "), f.host);
    let labels = json!({"host": f.host, "env": "prod", "alertname": r.name}).to_string();
    let updated = [Some(f.at), ack.as_ref().map(|a| a.0), resolved]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(f.at);
    w.alerts.write_record([
        id.as_str(),
        c.team.source,
        &r.name,
        &title,
        &c.team.name,
        &r.service,
        r.severity,
        &fingerprint,
        &ts(f.at),
        &ack.as_ref().map(|a| ts(a.0)).unwrap_or_default(),
        ack.as_ref().map_or("", |a| a.1.as_str()),
        &resolved.map(ts).unwrap_or_default(),
        &resolved_by,
        if paged { "true" } else { "false" },
        &notifications.to_string(),
        f.incident.map_or("", |i| i.id.as_str()),
        &labels,
        &ts(updated),
    ])?;
    Ok(resolved)
}
