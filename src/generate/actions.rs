//! Action items of a resolved SEV1-SEV3 incident: one to four follow-ups with priorities, owners,
//! due dates by priority, and a completion time for about six in ten (the rest open or won't-do).
//! Called by `incidents::week` right after the incident's row, so its dice draws keep their place
//! in the seeded sequence.

use serde_json::json;

use super::Writers;
use super::incidents::{MIN, WeekCtx};
use super::ts;
use super::world::{Dice, render};
use crate::error::Result;

const ACTIONS: &[(&str, &str)] = &[
    ("prevent", "Add a canary stage to the {service} deploy"),
    (
        "detect",
        "Alert on saturation of {service} before users notice",
    ),
    ("mitigate", "Automate failover for {service}"),
    ("process", "Write a runbook for {service} incidents"),
    ("repair", "Raise the disk quota on {host}"),
    ("prevent", "Fix the retry storm in the {service} client"),
];

pub fn action_items(
    dice: &mut Dice,
    c: &WeekCtx,
    w: &mut Writers,
    incident: &str,
    service: &str,
    sev: usize,
    resolved: i64,
) -> Result<()> {
    let n = if sev == 0 {
        dice.int(2, 5)
    } else {
        dice.int(1, 3)
    };
    for k in 0..n {
        let created = resolved + dice.int(1, 72) * 60 * MIN;
        if created > c.end {
            continue;
        }
        let priority =
            ["P0", "P1", "P1", "P2", "P2", "P3"][(sev * 2 + dice.int(0, 2) as usize).min(5)];
        let days = match priority {
            "P0" | "P1" => 28,
            "P2" => 56,
            _ => 90,
        };
        let due = created + days * 24 * 60 * MIN;
        let (kind, template) = *dice.pick(ACTIONS);
        let u = dice.unit();
        let completed = (u < 0.6)
            .then(|| created + (dice.lognormal(14.0, 0.9) * 24.0 * 60.0 * MIN as f64) as i64)
            .filter(|t| *t <= c.end);
        let status = if completed.is_some() {
            "done"
        } else if u > 0.93 {
            "wont_do"
        } else {
            "open"
        };
        let owner = &c.team.people[dice.int(0, c.team.people.len() as i64) as usize].0;
        w.action_item(&json!({
            "action_item_id": format!("{incident}:ai-{}", k + 1),
            "incident_id": incident,
            "title": render(template, dice, service),
            "kind": kind,
            "priority": priority,
            "owner": owner,
            "created_at": ts(created),
            "due_at": ts(due),
            "completed_at": completed.map(ts),
            "status": status,
            "url": format!("https://tickets.example.com/REL-{}", w.counts.action_items + 1000),
        }))?;
    }
    Ok(())
}
