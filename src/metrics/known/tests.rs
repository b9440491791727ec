//! `Frames::known_at` on hand-made rows: what exists, what is still open, and what keeps the
//! state its source gave, at 2026-03-05 00:00 UTC.

use super::*;
use crate::metrics::quality::fixtures::{
    HOUR, action_items, at, frames, inc, incidents, instants, texts, utc,
};

fn d(day: u32, h: u32) -> i64 {
    utc(2026, 3, day, h, 0)
}

#[allow(non_snake_case)]
fn T() -> i64 {
    d(5, 0)
}

fn ids(lf: LazyFrame, id: &str) -> Vec<String> {
    let df = lf.sort([id], Default::default()).collect().unwrap();
    texts(&df, id).into_iter().map(Option::unwrap).collect()
}

#[test]
fn incidents_detected_later_are_unknown_and_later_states_are_removed() {
    let mut f = frames();
    let mut mitigated = inc("b", "Mitigated before, resolved after", d(4, 0));
    mitigated.mitigated = Some(d(4, 12));
    mitigated.resolved = Some(d(6, 0));
    let mut open = inc("c", "Still open now", d(4, 0));
    open.status = "open";
    open.ack = None;
    open.resolved = None;
    f.incidents = incidents(&[
        inc("a", "Resolved before", d(3, 0)),
        mitigated,
        open,
        inc("d", "Detected after", d(5, 1)),
        inc("e", "Detected at the instant", T()),
    ]);
    let df = f
        .known_at(at(T()))
        .incidents
        .sort([INCIDENT_ID], Default::default())
        .collect()
        .unwrap();
    let s = |c| texts(&df, c);
    assert_eq!(
        s(INCIDENT_ID),
        [Some("a"), Some("b"), Some("c"), Some("e")].map(|v| v.map(String::from))
    );
    assert_eq!(
        s(STATUS),
        [
            Some("resolved"),
            Some("mitigated"),
            Some("open"),
            Some("open")
        ]
        .map(|v| v.map(String::from))
    );
    let resolved = s(RESOLVED_AT);
    assert!(resolved[0].is_some() && resolved[1].is_none() && resolved[2].is_none());
    // Acknowledged 5 minutes and resolved an hour after the as-of instant: open at it.
    assert!(resolved[3].is_none());
    assert!(s(MITIGATED_AT)[1].is_some());
}

#[test]
fn an_incident_resolved_after_the_instant_is_acknowledged_at_it() {
    let mut f = frames();
    // Acknowledged 5 minutes after detection (before T), resolved an hour after (after T).
    f.incidents = incidents(&[inc("x", "Late resolution", T() - HOUR / 2)]);
    let df = f.known_at(at(T())).incidents.collect().unwrap();
    assert_eq!(texts(&df, STATUS), [Some("acknowledged".to_string())]);
    assert!(texts(&df, ACKNOWLEDGED_AT)[0].is_some());
    assert_eq!(texts(&df, RESOLVED_AT), [None]);
}

#[test]
fn alerts_lose_acknowledgements_and_resolutions_after_the_instant_with_who_did_them() {
    let mut f = frames();
    f.alerts = DataFrame::new(
        3,
        vec![
            Column::new(ALERT_ID.into(), ["early", "late_ack", "after"]),
            instants(FIRED_AT, vec![Some(d(3, 0)), Some(d(4, 23)), Some(d(5, 1))]),
            instants(ACKNOWLEDGED_AT, vec![Some(d(3, 1)), Some(d(5, 2)), None]),
            Column::new(ACKNOWLEDGED_BY.into(), [Some("ann"), Some("bob"), None]),
            instants(RESOLVED_AT, vec![Some(d(3, 2)), Some(d(5, 3)), None]),
            Column::new(RESOLVED_BY.into(), [Some("ann"), Some("bob"), None]),
        ],
    )
    .unwrap()
    .lazy();
    let df = f
        .known_at(at(T()))
        .alerts
        .sort([ALERT_ID], Default::default())
        .collect()
        .unwrap();
    assert_eq!(
        texts(&df, ALERT_ID),
        [Some("early".to_string()), Some("late_ack".to_string())]
    );
    assert_eq!(texts(&df, ACKNOWLEDGED_BY), [Some("ann".to_string()), None]);
    assert_eq!(texts(&df, RESOLVED_BY), [Some("ann".to_string()), None]);
    assert!(texts(&df, ACKNOWLEDGED_AT)[1].is_none() && texts(&df, RESOLVED_AT)[1].is_none());
}

#[test]
fn action_items_completed_later_were_open_and_later_ones_do_not_exist() {
    let mut f = frames();
    f.action_items = action_items(&[
        // The reproducer: due 03-03, completed 03-10, seen at 03-05: open and overdue.
        (
            "late",
            "i1",
            "P1",
            "done",
            d(1, 0),
            Some(d(3, 0)),
            Some(d(10, 0)),
        ),
        ("early", "i1", "P1", "done", d(1, 0), None, Some(d(2, 0))),
        ("wont", "i1", "P2", "wont_do", d(1, 0), None, None),
        ("new", "i1", "P2", "open", d(6, 0), None, None),
    ]);
    let known = f.known_at(at(T())).action_items;
    assert_eq!(
        ids(known.clone(), ACTION_ITEM_ID),
        ["early", "late", "wont"]
    );
    let df = known
        .sort([ACTION_ITEM_ID], Default::default())
        .collect()
        .unwrap();
    assert_eq!(
        texts(&df, STATUS),
        ["done", "open", "wont_do"].map(|s| Some(s.to_string()))
    );
    assert!(texts(&df, COMPLETED_AT)[1].is_none());
}

#[test]
fn events_after_the_instant_are_unknown_and_shifts_are_kept() {
    let mut f = frames();
    f.events = DataFrame::new(
        2,
        vec![
            Column::new(EVENT_ID.into(), ["before", "after"]),
            instants(AT, vec![Some(d(4, 0)), Some(d(6, 0))]),
        ],
    )
    .unwrap()
    .lazy();
    let known = f.known_at(at(T()));
    assert_eq!(ids(known.events, EVENT_ID), ["before"]);
}
