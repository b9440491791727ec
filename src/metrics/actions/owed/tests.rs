//! Hand-computed cases for "who owes what", judged as of Wednesday 2026-04-01 00:00 UTC: which
//! items are overdue (one completed after as-of among them, so open then), their days overdue and
//! age, the ranking (priority, then the longest overdue, then the id), the team filter, the
//! tickets passed on unchecked, agreement with the `actions_overdue_all` counts, and the
//! outstanding postmortems ranked by severity then business days.

use polars::prelude::*;

use super::*;
use crate::metrics::Dim;
use crate::metrics::actions::actions;
use crate::metrics::quality::fixtures::*;
// Both globs name a `texts`; the fixtures' one (a plain Vec, for assertions) is meant.
use crate::metrics::quality::fixtures::texts;

fn d(m: u32, day: u32) -> i64 {
    utc(2026, m, day, 0, 0)
}

fn as_of() -> i64 {
    d(4, 1)
}

/// An action item with every column the named list reads.
struct It {
    id: &'static str,
    incident: &'static str,
    priority: &'static str,
    status: &'static str,
    created: i64,
    due: Option<i64>,
    completed: Option<i64>,
    owner: Option<&'static str>,
    url: Option<&'static str>,
}

fn it(id: &'static str, incident: &'static str, priority: &'static str, created: i64) -> It {
    It {
        id,
        incident,
        priority,
        status: "open",
        created,
        due: None,
        completed: None,
        owner: Some("ana"),
        url: None,
    }
}

fn items(rows: &[It]) -> LazyFrame {
    let s = |f: fn(&It) -> &'static str| rows.iter().map(f).collect::<Vec<_>>();
    let o = |f: fn(&It) -> Option<&'static str>| rows.iter().map(f).collect::<Vec<_>>();
    let titles: Vec<String> = rows.iter().map(|r| format!("Fix {}", r.id)).collect();
    DataFrame::new(
        rows.len(),
        vec![
            Column::new(ACTION_ITEM_ID.into(), s(|r| r.id)),
            Column::new(INCIDENT_ID.into(), s(|r| r.incident)),
            Column::new(TITLE.into(), titles),
            Column::new(PRIORITY.into(), s(|r| r.priority)),
            Column::new(OWNER.into(), o(|r| r.owner)),
            Column::new(STATUS.into(), s(|r| r.status)),
            instants(CREATED_AT, rows.iter().map(|r| Some(r.created)).collect()),
            instants(DUE_AT, rows.iter().map(|r| r.due).collect()),
            instants(COMPLETED_AT, rows.iter().map(|r| r.completed).collect()),
            Column::new(URL.into(), o(|r| r.url)),
        ],
    )
    .unwrap()
    .lazy()
}

/// i1 of team a, i2 of team b; x8's incident is not in the store. The frames are the store as
/// known at as-of, as the CLI hands them to every family.
fn setup() -> Frames {
    let mut f = frames();
    let mut i2 = inc("i2", "Slow checkout", d(1, 1));
    i2.team = "b";
    f.incidents = incidents(&[inc("i1", "Disk full", d(1, 1)), i2]);
    let rows = vec![
        It {
            due: Some(d(3, 21)),
            url: Some("https://tickets.example.com/REL-1"),
            ..it("x1", "i1", "P1", d(3, 1))
        },
        // Done on 04-03, after as-of: open at as-of, and overdue since 03-25.
        It {
            status: "done",
            due: Some(d(3, 25)),
            completed: Some(d(4, 3)),
            owner: Some("ben"),
            url: Some("https://tickets.example.com/REL-2"),
            ..it("x2", "i1", "P0", d(3, 5))
        },
        // Created in January: the backlog has no period. Its ticket is not an http(s) address;
        // the metrics pass it on as stored.
        It {
            due: Some(d(1, 20)),
            owner: None,
            url: Some("javascript:alert(1)"),
            ..it("x3", "i2", "P1", d(1, 2))
        },
        It {
            due: Some(utc(2026, 3, 31, 12, 0)),
            owner: Some("cho"),
            ..it("x4", "i2", "P2", d(3, 10))
        },
        // Not due yet, done before as-of, no due date, won't do: none is overdue.
        It {
            due: Some(d(4, 15)),
            ..it("x5", "i1", "P1", d(3, 1))
        },
        It {
            status: "done",
            due: Some(d(3, 15)),
            completed: Some(d(3, 20)),
            ..it("x6", "i1", "P1", d(3, 1))
        },
        it("x7", "i1", "P0", d(3, 1)),
        It {
            due: Some(d(3, 25)),
            ..it("x8", "ghost", "P1", d(3, 11))
        },
        // Created after as-of: unknown then.
        It {
            due: Some(d(4, 5)),
            ..it("x9", "i1", "P0", d(4, 2))
        },
        It {
            status: "wont_do",
            due: Some(d(3, 1)),
            ..it("x10", "i2", "P1", d(2, 1))
        },
        // Due the same day as x1: the id breaks the tie. An empty owner and ticket are none.
        It {
            due: Some(d(3, 21)),
            owner: Some("  "),
            url: Some(""),
            ..it("x11", "i2", "P1", d(3, 2))
        },
    ];
    f.action_items = items(&rows);
    f.known_at(at(as_of()))
}

fn march() -> Scope {
    scope(d(3, 1), d(4, 1), as_of())
}

fn ids(o: &Owed) -> Vec<&str> {
    o.items.iter().map(|i| i.action_item_id.as_str()).collect()
}

#[test]
fn overdue_items_ranked_by_priority_then_longest_overdue_then_id() {
    let o = owed(&setup(), &cfg(), &march()).unwrap();
    assert_eq!(o.as_of, at(as_of()));
    // P0: x2 (due 03-25). P1: x3 (due 01-20), x1 and x11 (03-21, by id), x8 (03-25). P2: x4.
    assert_eq!(ids(&o), ["x2", "x3", "x1", "x11", "x8", "x4"]);
    let days: Vec<f64> = o.items.iter().map(|i| i.overdue_days).collect();
    // 03-25 -> 04-01 = 7; 01-20 -> 04-01 = 11 + 28 + 32 = 71; 03-21 -> 04-01 = 11; 03-31 12:00
    // -> 04-01 = 0.5.
    assert_eq!(days, [7.0, 71.0, 11.0, 11.0, 7.0, 0.5]);
    // Created 03-05, 01-02, 03-01, 03-02, 03-11, 03-10.
    let age: Vec<f64> = o.items.iter().map(|i| i.age_days).collect();
    assert_eq!(age, [27.0, 89.0, 31.0, 30.0, 21.0, 22.0]);
    let teams: Vec<&str> = o.items.iter().map(|i| i.team.as_str()).collect();
    assert_eq!(teams, ["a", "b", "a", "b", "unassigned", "b"]);

    let x2 = &o.items[0];
    assert_eq!(x2.title, "Fix x2");
    assert_eq!(x2.owner.as_deref(), Some("ben"));
    assert_eq!(x2.incident_id, "i1");
    assert_eq!(x2.priority, "P0");
    assert_eq!(x2.due_at, at(d(3, 25)));
    assert_eq!(x2.created_at, at(d(3, 5)));
    assert_eq!(x2.url.as_deref(), Some("https://tickets.example.com/REL-2"));
    let x3 = &o.items[1];
    assert_eq!(x3.owner, None);
    assert_eq!(x3.url.as_deref(), Some("javascript:alert(1)"));
    let x11 = &o.items[3];
    assert_eq!((x11.owner.as_deref(), x11.url.as_deref()), (None, None));
}

#[test]
fn the_list_has_the_items_the_backlog_counts() {
    let f = setup();
    let o = owed(&f, &cfg(), &march()).unwrap();
    let tables = actions(&f, &cfg(), &march(), Some(&[Dim::Priority, Dim::Team])).unwrap();
    let backlog = &tables
        .iter()
        .find(|t| t.name() == "actions_overdue_all")
        .unwrap()
        .frame;
    let (prio, team) = (texts(backlog, PRIORITY), texts(backlog, TEAM));
    let counts = u64s(backlog, "overdue");
    assert_eq!(counts.iter().sum::<u64>(), o.items.len() as u64);
    for r in 0..backlog.height() {
        let listed = o
            .items
            .iter()
            .filter(|i| Some(&i.priority) == prio[r].as_ref() && Some(&i.team) == team[r].as_ref())
            .count() as u64;
        assert_eq!(listed, counts[r], "{:?} {:?}", prio[r], team[r]);
    }
}

#[test]
fn the_team_filter_keeps_the_teams_items() {
    let mut s = march();
    s.filters.teams = vec!["b".into()];
    let o = owed(&setup(), &cfg(), &s).unwrap();
    assert_eq!(ids(&o), ["x3", "x11", "x4"]);
}

#[test]
fn without_as_of_revision_the_item_done_later_is_not_owed() {
    // The same rows read as they are now (not `known_at`): x2 is done, so not overdue. The
    // named list takes as-of from the frames it is given, as every family does.
    let mut f = frames();
    f.incidents = setup().incidents;
    f.action_items = items(&[It {
        status: "done",
        due: Some(d(3, 25)),
        completed: Some(d(4, 3)),
        ..it("x2", "i1", "P0", d(3, 5))
    }]);
    assert!(owed(&f, &cfg(), &march()).unwrap().items.is_empty());
    let known = f.known_at(at(as_of()));
    assert_eq!(ids(&owed(&known, &cfg(), &march()).unwrap()), ["x2"]);
}

#[test]
fn outstanding_postmortems_ranked_by_severity_then_business_days() {
    // Default calendar: UTC, Mon-Fri. 2026-03-02 and 03-16 are Mondays, as-of Wednesday 04-01.
    // Whole business days after the day of detection and before the as-of day: from 03-02,
    // Tue 03-03 .. Mon 03-30 (20) and Tue 03-31 = 21; from 03-16, 10 + 1 = 11; from Fri 03-27,
    // Mon 30 and Tue 31 = 2 < 5, not yet due.
    let major = |id, sev, detected| {
        let mut i = inc(id, "Checkout down", detected);
        i.severity = sev;
        i
    };
    let p1 = major("p1", "SEV2", utc(2026, 3, 2, 10, 0));
    let mut p2 = major("p2", "SEV1", d(3, 16));
    p2.team = "b";
    let p3 = major("p3", "SEV1", d(3, 2));
    let mut p4 = major("p4", "SEV2", utc(2026, 3, 2, 9, 0));
    (p4.team, p4.postmortem_url) = ("b", Some("")); // empty: still missing
    let mut p5 = major("p5", "SEV2", d(3, 2));
    p5.postmortem_url = Some("https://wiki.example.com/pm/5");
    let p6 = major("p6", "SEV1", d(3, 27));
    let mut p7 = major("p7", "SEV1", d(3, 2));
    p7.kind = "maintenance";
    let p8 = major("p8", "SEV3", d(3, 2));
    let mut f = frames();
    f.incidents = incidents(&[p1, p2, p3, p4, p5, p6, p7, p8]);
    let o = owed(&f, &cfg(), &march()).unwrap();
    let got: Vec<(&str, &str, &str, u32)> = o
        .postmortems
        .iter()
        .map(|p| {
            (
                p.incident_id.as_str(),
                p.severity.as_str(),
                p.team.as_str(),
                p.business_days,
            )
        })
        .collect();
    // SEV1 first (p3 21 days, p2 11), then SEV2: p4 and p1 both 21, p4 detected an hour earlier.
    assert_eq!(
        got,
        [
            ("p3", "SEV1", "a", 21),
            ("p2", "SEV1", "b", 11),
            ("p4", "SEV2", "b", 21),
            ("p1", "SEV2", "a", 21),
        ]
    );
    assert_eq!(o.postmortems[0].title, "Checkout down");
    assert_eq!(o.postmortems[3].detected_at, at(utc(2026, 3, 2, 10, 0)));
    // The table counts the same incidents.
    let tables = actions(&f, &cfg(), &march(), None).unwrap();
    let missing = tables
        .iter()
        .find(|t| t.name() == "postmortems_missing")
        .unwrap();
    assert_eq!(missing.frame.height(), 4);
}
