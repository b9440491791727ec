//! Incidents known only through their events (log entries, webhooks v3): what was learnt about each
//! across every file of the run, emitted once in `finish` as a minimal incident row so the events
//! are not orphans.
//!
//! The row's `updated_at` is the OLDEST instant known of the incident: a REST export of the same
//! incident (whose `updated_at` is its last change) is newer and wins on upsert, in this run or a
//! later one, while a later webhook stream (whose oldest instant is no older) replaces this row.

use std::collections::BTreeMap;

use crate::ingest::reader::Location;
use crate::ingest::source::util::{Fields, raw_text};
use crate::ingest::source::{Emitted, Out};
use crate::model::Table;
use crate::model::columns::*;
use crate::model::lifecycle::summarise;
use serde_json::Value;

use super::common::{Labels, NAME};

/// What one record says about its incident; `None` is "does not say".
#[derive(Debug, Default, Clone)]
pub struct Info {
    pub number: Option<String>,
    /// The incident's page in PagerDuty (`html_url`).
    pub url: Option<String>,
    pub title: Option<String>,
    pub service: Option<String>,
    pub service_id: Option<String>,
    pub team: Option<String>,
    pub urgency: Option<String>,
    pub priority: Option<String>,
    pub fingerprint: Option<String>,
    pub escalation_policy: Option<String>,
    /// Canonical status as the record states it (webhook `data.status`).
    pub status: Option<&'static str>,
    /// The incident's creation, when the record states it (webhook `data.created_at`).
    pub created_at: Option<i64>,
}

impl Info {
    /// Take `newer`'s values where it has them; keep ours where it is silent.
    fn overlay(&mut self, newer: Info) {
        fn take<T>(old: &mut Option<T>, new: Option<T>) {
            if new.is_some() {
                *old = new;
            }
        }
        take(&mut self.number, newer.number);
        take(&mut self.url, newer.url);
        take(&mut self.title, newer.title);
        take(&mut self.service, newer.service);
        take(&mut self.service_id, newer.service_id);
        take(&mut self.team, newer.team);
        take(&mut self.urgency, newer.urgency);
        take(&mut self.priority, newer.priority);
        take(&mut self.fingerprint, newer.fingerprint);
        take(&mut self.escalation_policy, newer.escalation_policy);
        take(&mut self.status, newer.status);
        take(&mut self.created_at, newer.created_at);
    }

    /// Fill only what we do not know yet (an older record).
    fn underlay(&mut self, older: Info) {
        let mut base = older;
        base.overlay(std::mem::take(self));
        *self = base;
    }
}

/// Where a record came from, for the row's location and the rejected log.
#[derive(Debug, Clone)]
pub struct Origin {
    pub file: String,
    pub loc: Location,
    pub raw: String,
}

impl Origin {
    pub fn new(out: &Out, loc: Location, raw: &Value) -> Origin {
        Origin {
            file: out.file.clone(),
            loc,
            raw: raw_text(raw),
        }
    }
}

#[derive(Debug)]
struct Seen {
    info: Info,
    /// The instant of the newest record that gave `info`.
    info_at: i64,
    origin: Origin,
    events: Vec<(i64, &'static str)>,
    oldest: i64,
    emit: bool,
}

/// Kept for the whole run, so it is what a streamed webhook archive holds in memory: one entry
/// per distinct incident (its merged fields, event kinds and the newest record's text), however
/// many events the archive carries.
#[derive(Debug, Default)]
pub struct Tracker {
    seen: BTreeMap<String, Seen>,
}

impl Tracker {
    /// A record about PagerDuty incident `pd_id` at instant `at`, with the event kind it maps to
    /// (if any). `emit` asks for an incident row (a webhook, or a trigger log entry).
    pub fn saw(
        &mut self,
        pd_id: &str,
        at: i64,
        kind: Option<&'static str>,
        info: Info,
        origin: Origin,
        emit: bool,
    ) {
        let oldest = info.created_at.map_or(at, |c| c.min(at));
        match self.seen.get_mut(pd_id) {
            None => {
                self.seen.insert(
                    pd_id.to_string(),
                    Seen {
                        info,
                        info_at: at,
                        origin,
                        events: kind.map(|k| vec![(at, k)]).unwrap_or_default(),
                        oldest,
                        emit,
                    },
                );
            }
            Some(s) => {
                if at >= s.info_at {
                    s.info.overlay(info);
                    s.info_at = at;
                    s.origin = origin;
                } else {
                    s.info.underlay(info);
                }
                s.events.extend(kind.map(|k| (at, k)));
                s.oldest = s.oldest.min(oldest);
                s.emit |= emit;
            }
        }
    }

    /// One minimal incident row per incident that asked for one, handed on as they are made.
    pub fn emit(&mut self, out: &mut Out) -> crate::error::Result<()> {
        for (pd_id, s) in std::mem::take(&mut self.seen) {
            if !s.emit {
                continue;
            }
            out.rows.push(Emitted {
                file: s.origin.file.clone(),
                table: Table::Incidents,
                loc: s.origin.loc.clone(),
                fields: row(&pd_id, &s).into_map(),
                raw: s.origin.raw.clone(),
            });
            out.drain()?;
        }
        Ok(())
    }
}

fn row(pd_id: &str, s: &Seen) -> Fields {
    let sum = summarise(s.events.iter().copied());
    let i = &s.info;
    let detected = sum.detected_at.or(i.created_at).unwrap_or(s.oldest);
    let mut labels = Labels::default();
    labels
        .put("service_id", i.service_id.clone())
        .put("urgency", i.urgency.clone())
        .put("priority", i.priority.clone())
        .put("escalation_policy", i.escalation_policy.clone());
    let mut f = Fields::new();
    f.text(SOURCE, Some(NAME))
        .text(SOURCE_ID, Some(pd_id))
        .text(NUMBER, i.number.clone())
        .text(URL, i.url.clone())
        // A reference-only record (an annotation) may be all we have: say which incident it is.
        .text(
            TITLE,
            Some(
                i.title
                    .clone()
                    .unwrap_or_else(|| format!("PagerDuty incident {pd_id}")),
            ),
        )
        .text(SERVICE, i.service.clone())
        .text(TEAM, i.team.clone())
        .text(
            SEVERITY_RAW,
            super::common::severity_raw(i.priority.clone(), i.urgency.clone()),
        )
        .text(STATUS, last_status(&s.events).or(i.status))
        .ts(DETECTED_AT, Some(detected))
        .ts(ACKNOWLEDGED_AT, sum.acknowledged_at)
        .ts(RESOLVED_AT, sum.resolved_at.flatten())
        .uint(REOPEN_COUNT, sum.reopen_count.map(u64::from))
        .text(FINGERPRINT, i.fingerprint.clone())
        .labels(LABELS, labels.0)
        .ts(UPDATED_AT, Some(s.oldest));
    f
}

/// The status the latest status-changing event leaves (a reopen at the same instant follows the
/// resolve it undoes, as in `model::lifecycle`).
fn last_status(events: &[(i64, &'static str)]) -> Option<&'static str> {
    let rank = |k: &str| match k {
        "triggered" => 0,
        "resolved" => 2,
        "reopened" => 3,
        _ => 1,
    };
    events
        .iter()
        .filter_map(|(at, k)| {
            let st = match *k {
                "triggered" | "unacknowledged" | "reopened" => "open",
                "acknowledged" => "acknowledged",
                "resolved" => "resolved",
                _ => return None,
            };
            Some(((*at, rank(k)), st))
        })
        .max_by_key(|(key, _)| *key)
        .map(|(_, st)| st)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin() -> Origin {
        Origin {
            file: "x.json".into(),
            loc: Location {
                line: 1,
                json_path: None,
            },
            raw: "{}".into(),
        }
    }

    #[test]
    fn newest_info_wins_and_updated_at_is_the_oldest_instant() {
        let mut t = Tracker::default();
        let newer = Info {
            title: Some("new title".into()),
            ..Info::default()
        };
        let older = Info {
            title: Some("old title".into()),
            service: Some("billing".into()),
            ..Info::default()
        };
        t.saw("P1", 300, Some("resolved"), newer, origin(), true);
        t.saw("P1", 100, Some("triggered"), older, origin(), false);
        t.saw(
            "P1",
            200,
            Some("acknowledged"),
            Info::default(),
            origin(),
            false,
        );
        t.saw("P2", 50, Some("note"), Info::default(), origin(), false);
        let mut out = Out::default();
        t.emit(&mut out).unwrap();
        assert_eq!(out.rows.len(), 1, "P2 never asked for a row");
        let f = &out.rows[0].fields;
        let get = |c: &str| f.get(c).and_then(Value::as_str).unwrap_or("-").to_string();
        assert_eq!(get(TITLE), "new title");
        assert_eq!(get(SERVICE), "billing");
        assert_eq!(get(STATUS), "resolved");
        assert_eq!(get(DETECTED_AT), "1970-01-01T00:00:00.000100Z");
        assert_eq!(get(ACKNOWLEDGED_AT), "1970-01-01T00:00:00.000200Z");
        assert_eq!(get(RESOLVED_AT), "1970-01-01T00:00:00.000300Z");
        assert_eq!(get(UPDATED_AT), "1970-01-01T00:00:00.000100Z");
    }

    #[test]
    fn the_last_status_event_decides_and_a_reopen_follows_its_resolve() {
        assert_eq!(last_status(&[(1, "triggered"), (2, "note")]), Some("open"));
        assert_eq!(
            last_status(&[(3, "reopened"), (3, "resolved"), (1, "triggered")]),
            Some("open")
        );
        assert_eq!(
            last_status(&[(1, "triggered"), (2, "acknowledged")]),
            Some("acknowledged")
        );
        assert_eq!(last_status(&[(1, "note")]), None);
    }
}
