//! The one rule that derives an incident's lifecycle summary from its timeline.
//!
//! `data-model.md`: `detected_at` = first `triggered`/`detected`; `acknowledged_at` = first
//! `acknowledged`; `mitigated_at` = first `mitigated`; `resolved_at` = last `resolved` not followed
//! by a `reopened`; `reopen_count` = number of `reopened`. We add `impact_started_at` = first
//! `impact_started`, by the same "first" logic. A column that no event speaks to is left to the
//! source's explicit field (`None` here means "the events say nothing about it").
//!
//! Pure: the store calls it while committing; nothing here reads or writes.

use super::vocab::{EventKind, IncidentStatus};

/// What the events say about each lifecycle column. The outer `Option` is "do the events speak to
/// this column at all"; for `resolved_at` the inner one is "resolved, or reopened since".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub impact_started_at: Option<i64>,
    pub detected_at: Option<i64>,
    pub acknowledged_at: Option<i64>,
    pub mitigated_at: Option<i64>,
    pub resolved_at: Option<Option<i64>>,
    pub reopen_count: Option<u32>,
    /// Where the timeline leaves the incident: each event moves it (triggered -> open, acknowledged,
    /// unacknowledged -> open, mitigated, resolved, reopened -> open); `None` when no event moves it.
    pub state: Option<IncidentStatus>,
}

/// Derive the summary from `(at, kind)` pairs in any order. Kinds outside the vocabulary are
/// ignored (the ingester has already rejected them).
pub fn summarise<'a>(events: impl IntoIterator<Item = (i64, &'a str)>) -> Summary {
    summarise_kinds(
        events
            .into_iter()
            .filter_map(|(at, k)| EventKind::parse(k).map(|k| (at, k))),
    )
}

/// `summarise` of events whose kinds are parsed already (the commit's millions of events).
pub fn summarise_kinds(events: impl IntoIterator<Item = (i64, EventKind)>) -> Summary {
    let mut evs: Vec<(i64, u8, EventKind)> = events
        .into_iter()
        .map(|(at, k)| (at, tie_rank(k), k))
        .collect();
    // At the same instant a reopen is taken to follow the resolution it undoes: a resolve and a
    // reopen logged in the same microsecond leave the incident open, which is the cautious reading.
    evs.sort_unstable();

    let first = |wanted: &[EventKind]| {
        evs.iter()
            .find(|(_, _, k)| wanted.contains(k))
            .map(|(at, _, _)| *at)
    };
    let mut s = Summary {
        impact_started_at: first(&[EventKind::ImpactStarted]),
        detected_at: first(&[EventKind::Triggered, EventKind::Detected]),
        acknowledged_at: first(&[EventKind::Acknowledged]),
        mitigated_at: first(&[EventKind::Mitigated]),
        ..Summary::default()
    };

    let mut resolved = None;
    let mut reopens = 0u32;
    let mut speaks = false;
    for (at, _, k) in &evs {
        let moved = match k {
            EventKind::Triggered | EventKind::Detected => Some(IncidentStatus::Open),
            EventKind::Unacknowledged | EventKind::Reopened => Some(IncidentStatus::Open),
            EventKind::Acknowledged => Some(IncidentStatus::Acknowledged),
            EventKind::Mitigated => Some(IncidentStatus::Mitigated),
            EventKind::Resolved => Some(IncidentStatus::Resolved),
            _ => None,
        };
        if moved.is_some() {
            s.state = moved;
        }
        match k {
            EventKind::Resolved => {
                resolved = Some(*at);
                speaks = true;
            }
            EventKind::Reopened => {
                resolved = None;
                reopens += 1;
                speaks = true;
            }
            _ => {}
        }
    }
    if speaks {
        s.resolved_at = Some(resolved);
        s.reopen_count = Some(reopens);
    }
    s
}

fn tie_rank(k: EventKind) -> u8 {
    match k {
        EventKind::ImpactStarted => 0,
        EventKind::Triggered | EventKind::Detected => 1,
        EventKind::Resolved => 3,
        EventKind::Reopened => 4,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_is_where_the_timeline_leaves_the_incident() {
        let s = summarise([
            (1, "triggered"),
            (2, "acknowledged"),
            (3, "resolved"),
            (4, "reopened"),
        ]);
        assert_eq!(s.state, Some(IncidentStatus::Open));
        let s = summarise([(1, "triggered"), (2, "acknowledged"), (3, "note")]);
        assert_eq!(s.state, Some(IncidentStatus::Acknowledged));
        let s = summarise([(1, "acknowledged"), (2, "unacknowledged")]);
        assert_eq!(s.state, Some(IncidentStatus::Open));
        assert_eq!(summarise([(1, "note")]).state, None);
    }

    #[test]
    fn first_and_last_rules() {
        let s = summarise([
            (50, "resolved"),
            (10, "triggered"),
            (20, "acknowledged"),
            (15, "acknowledged"),
            (5, "detected"),
            (30, "mitigated"),
            (60, "reopened"),
            (70, "resolved"),
        ]);
        assert_eq!(s.detected_at, Some(5));
        assert_eq!(s.acknowledged_at, Some(15));
        assert_eq!(s.mitigated_at, Some(30));
        assert_eq!(s.resolved_at, Some(Some(70)));
        assert_eq!(s.reopen_count, Some(1));
        assert_eq!(s.impact_started_at, None);
    }

    #[test]
    fn reopened_and_not_resolved_again_is_open() {
        let s = summarise([(1, "triggered"), (2, "resolved"), (3, "reopened")]);
        assert_eq!(s.resolved_at, Some(None));
        assert_eq!(s.reopen_count, Some(1));
    }

    #[test]
    fn reopen_at_the_same_instant_follows_the_resolve() {
        let s = summarise([(1, "triggered"), (2, "reopened"), (2, "resolved")]);
        assert_eq!(s.resolved_at, Some(None));
    }

    #[test]
    fn silent_events_leave_columns_to_the_source() {
        let s = summarise([(1, "note"), (2, "notified")]);
        assert_eq!(s, Summary::default());
    }
}
