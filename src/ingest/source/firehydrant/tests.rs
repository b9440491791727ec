use std::path::Path;

use serde_json::{Map, Value, json};

use super::*;

fn ctx() -> SourceContext {
    SourceContext {
        zone: chrono_tz::UTC,
        mapping: None,
    }
}

fn input(text: &str) -> Input {
    Input::parse(Path::new("x.json"), text).unwrap()
}

fn run(texts: &[String]) -> Out<'static> {
    let mut c = FireHydrant::default();
    let mut out = Out::default();
    for t in texts {
        c.read(&input(t), &ctx(), &mut out).unwrap();
    }
    c.finish(&ctx(), &mut out).unwrap();
    out
}

fn rows<'a>(out: &'a Out, table: Table) -> Vec<&'a Map<String, Value>> {
    out.rows
        .iter()
        .filter(|r| r.table == table)
        .map(|r| &r.fields)
        .collect()
}

/// A REST incident: RFC 3339 times, string severity and priority, lifecycle phases.
fn rest() -> Value {
    json!({
        "id": "8c1f0d7e-1111-4a6b-9d7e-000000000001",
        "number": 41,
        "name": "Search latency",
        "incident_url": "https://app.firehydrant.io/incidents/8c1f0d7e",
        "created_at": "2026-07-02T08:05:00.250Z",
        "started_at": "2026-07-02T07:58:00Z",
        "current_milestone": "mitigated",
        "severity": "SEV2",
        "priority": "P1",
        "tag_list": ["customer-facing", "region:eu"],
        "labels": {"cause": "deploy"},
        "services": [{"id": "s1", "name": "search-api"}],
        "environments": [{"id": "e1", "name": "production"}],
        "team_assignments": [{"id": "t", "team": {"id": "t1", "name": "search"}}],
        "lifecycle_phases": [
            {"name": "Detect", "milestones": [
                {"id": "m1", "slug": "started", "name": "Started", "occurred_at": "2026-07-02T07:58:00Z"},
                {"id": "m2", "slug": "detected", "name": "Detected", "occurred_at": "2026-07-02T08:04:00Z"},
                {"id": "m3", "slug": "acknowledged", "name": "Acknowledged", "occurred_at": "2026-07-02T08:01:00Z",
                 "updated_by": {"name": "Grace"}, "updated_at": "2026-07-02T08:20:00Z"}
            ]},
            {"name": "Respond", "milestones": [
                {"id": "m4", "slug": "mitigated", "name": "Mitigated", "occurred_at": "2026-07-02T08:40:00Z"},
                {"id": "m5", "slug": "resolved", "name": "Resolved", "occurred_at": null}
            ]}
        ]
    })
}

#[test]
fn rest_incident_maps_milestones_by_slug_and_keeps_out_of_order_instants() {
    let out = run(&[json!({"data": [rest()], "pagination": {"count": 1}}).to_string()]);
    assert!(out.refused.is_empty(), "{:?}", out.refused);
    let r = rows(&out, Table::Incidents)[0];
    let f = |k: &str| r.get(k).and_then(Value::as_str);
    assert_eq!(f("number"), Some("41"));
    assert_eq!(
        f("url"),
        Some("https://app.firehydrant.io/incidents/8c1f0d7e")
    );
    assert_eq!(f("title"), Some("Search latency"));
    assert_eq!(f("impact_started_at"), Some("2026-07-02T07:58:00.000000Z"));
    assert_eq!(f("detected_at"), Some("2026-07-02T08:04:00.000000Z"));
    // Acknowledged before detected: kept as the source says.
    assert_eq!(f("acknowledged_at"), Some("2026-07-02T08:01:00.000000Z"));
    assert_eq!(f("mitigated_at"), Some("2026-07-02T08:40:00.000000Z"));
    assert_eq!(f("resolved_at"), None);
    assert_eq!(f("status"), Some("mitigated"));
    assert_eq!(f("severity_raw"), Some("SEV2"));
    assert_eq!(f("team"), Some("search"));
    assert_eq!(f("service"), Some("search-api"));
    assert_eq!(f("kind"), None);
    // No updated_at in REST: the newest instant, the milestone edit included.
    assert_eq!(f("updated_at"), Some("2026-07-02T08:40:00.000000Z"));
    assert_eq!(
        r["labels"],
        json!({"customer-facing": "true", "region": "eu", "cause": "deploy",
               "environment": "production", "priority": "P1"})
    );
    let evs: Vec<String> = rows(&out, Table::IncidentEvents)
        .iter()
        .map(|e| {
            let actor = e.get("actor").and_then(Value::as_str).unwrap_or("-");
            format!(
                "{} {} {} {actor}",
                e["event_id"].as_str().unwrap(),
                e["kind"],
                e["at"]
            )
        })
        .collect();
    let id = "firehydrant:8c1f0d7e-1111-4a6b-9d7e-000000000001";
    assert_eq!(
        evs,
        vec![
            format!("{id}:started \"impact_started\" \"2026-07-02T07:58:00.000000Z\" -"),
            format!("{id}:detected \"detected\" \"2026-07-02T08:04:00.000000Z\" -"),
            format!("{id}:acknowledged \"acknowledged\" \"2026-07-02T08:01:00.000000Z\" Grace"),
            format!("{id}:mitigated \"mitigated\" \"2026-07-02T08:40:00.000000Z\" -"),
        ]
    );
}

#[test]
fn milestone_slugs_give_event_kinds_and_status() {
    let kinds = [
        ("started", "impact_started", Some("open")),
        ("detected", "detected", Some("open")),
        ("acknowledged", "acknowledged", Some("acknowledged")),
        ("first_action", "status_update", Some("acknowledged")),
        ("investigating", "status_update", Some("acknowledged")),
        ("identified", "status_update", Some("acknowledged")),
        ("mitigated", "mitigated", Some("mitigated")),
        ("resolved", "resolved", Some("resolved")),
        ("closed", "note", Some("resolved")),
        ("postmortem_started", "note", Some("resolved")),
        ("retrospective_completed", "note", Some("resolved")),
        ("our_own_step", "status_update", None),
    ];
    for (slug, kind, st) in kinds {
        assert_eq!(
            (slug, incident::event_kind(slug), incident::status(slug)),
            (slug, kind, st)
        );
    }
}

/// The docs' webhook shape: Ruby timestamps, severity/priority objects, `milestones[].type`.
fn webhook(op: &str, milestones: Value, updated: &str) -> Value {
    json!({
        "data": {"incident": {
            "id": "8c1f0d7e-1111-4a6b-9d7e-000000000001",
            "number": 41,
            "name": "Search latency",
            "created_at": "2026-07-02 08:05:00 UTC",
            "current_milestone": "acknowledged",
            "severity": {"slug": "SEV2", "description": "", "type": "unexpected_downtime"},
            "priority": {"slug": "P1", "description": ""},
            "labels": [],
            "tags": [],
            "milestones": milestones,
            "services": [],
            "team_assignments": [],
            "updated_at": updated
        }},
        "event": {"operation": op, "resource_type": "incident"}
    })
}

#[test]
fn webhook_and_rest_export_of_one_incident_converge() {
    let ms = json!([
        {"type": "started", "duration": "", "occurred_at": "2026-07-02 07:58:00 UTC"},
        {"type": "acknowledged", "duration": "180", "occurred_at": "2026-07-02 08:01:00 UTC"}
    ]);
    let hook = webhook("CREATED", ms, "2026-07-02 08:01:00 UTC");
    let ids = |out: &Out, table, col: &str| -> Vec<String> {
        rows(out, table)
            .iter()
            .map(|r| r[col].as_str().unwrap().to_string())
            .collect()
    };
    // Apart: the same incident id, and the webhook's milestones have the REST copy's event ids.
    let alone = run(&[hook.to_string()]);
    let r = rows(&alone, Table::Incidents)[0];
    assert_eq!(r["severity_raw"], "SEV2");
    assert_eq!(r["labels"], json!({"priority": "P1"}));
    assert_eq!(r["updated_at"], "2026-07-02T08:01:00.000000Z");
    let rest_alone = run(&[rest().to_string()]);
    assert_eq!(
        ids(&alone, Table::Incidents, "source_id"),
        ids(&rest_alone, Table::Incidents, "source_id")
    );
    let hook_events = ids(&alone, Table::IncidentEvents, "event_id");
    let rest_events = ids(&rest_alone, Table::IncidentEvents, "event_id");
    assert_eq!(hook_events.len(), 2);
    assert!(hook_events.iter().all(|e| rest_events.contains(e)));
    // Together in one run, in either order: only the newer REST copy (08:40) is emitted.
    for texts in [
        [hook.to_string(), rest().to_string()],
        [rest().to_string(), hook.to_string()],
    ] {
        let out = run(&texts);
        let inc = rows(&out, Table::Incidents);
        assert_eq!(inc.len(), 1);
        assert_eq!(inc[0]["updated_at"], "2026-07-02T08:40:00.000000Z");
        assert_eq!(ids(&out, Table::IncidentEvents, "event_id"), rest_events);
    }
}

#[test]
fn discarded_incidents_are_duplicates_and_detected_falls_back_to_created() {
    let mut v = rest();
    v["discarded_at"] = json!("2026-07-03T00:00:00Z");
    v["lifecycle_phases"] = json!([]);
    let out = run(&[v.to_string()]);
    let r = rows(&out, Table::Incidents)[0];
    assert_eq!(r["kind"], "duplicate");
    assert_eq!(r["detected_at"], "2026-07-02T08:05:00.250000Z");
    assert_eq!(r["impact_started_at"], "2026-07-02T07:58:00.000000Z");
    assert_eq!(r["updated_at"], "2026-07-03T00:00:00.000000Z");
}

fn signal(status: &str, decision: Value) -> Value {
    json!({
        "data": {"alert": {
            "id": "6f767579-0015-400e-8c6e-cb481d5760c2",
            "summary": "Kafka consumer lag",
            "body": "lag above 10k",
            "status": status,
            "decision": decision,
            "starts_at": "2026-07-05 03:12:09 UTC",
            "tags": ["service:kafka", "env:prod"]
        }},
        "event": {"operation": "UPDATED", "resource_type": "signals_alerts"}
    })
}

#[test]
fn signals_alerts_keep_their_furthest_state_whatever_the_file_order() {
    let stream = [
        signal("resolved", json!("RESOLVE")),
        signal("opened", Value::Null),
        signal("acknowledged", json!("ACKNOWLEDGE")),
    ]
    .iter()
    .map(|v| format!("{v}\n"))
    .collect::<String>();
    let out = run(&[stream]);
    let a = rows(&out, Table::Alerts);
    assert_eq!(a.len(), 1);
    assert_eq!(
        a[0]["alert_id"],
        "firehydrant:6f767579-0015-400e-8c6e-cb481d5760c2"
    );
    assert_eq!(a[0]["rule"], "Kafka consumer lag");
    assert_eq!(a[0]["fired_at"], "2026-07-05T03:12:09.000000Z");
    assert_eq!(a[0]["service"], "kafka");
    assert_eq!(a[0]["paged"], true);
    assert_eq!(a[0]["labels"]["status"], "resolved");
    assert_eq!(a[0]["labels"]["decision"], "RESOLVE");
}

#[test]
fn bad_records_are_refused_and_other_webhooks_noted() {
    let mut no_id = rest();
    no_id.as_object_mut().unwrap().remove("id");
    let mut bad_ts = rest();
    bad_ts["lifecycle_phases"][0]["milestones"][1]["occurred_at"] = json!("last tuesday");
    let page = json!({"data": [no_id, bad_ts], "pagination": {"count": 2}}).to_string();
    let hooks = format!(
        "{}\n{{not json\n{}\n",
        webhook("UPDATED", json!([]), "2026-07-02 08:01:00 UTC"),
        json!({"data": {"change_event": {}}, "event": {"operation": "CREATED", "resource_type": "change_event"}})
    );
    let out = run(&[page, hooks]);
    let got: Vec<(u64, Option<&str>, &str)> = out
        .refused
        .iter()
        .map(|r| (r.loc.line, r.loc.json_path.as_deref(), r.reason.as_str()))
        .collect();
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0].1, Some("$.data[0]"));
    assert!(got[0].2.starts_with("id: missing"));
    assert_eq!(got[1].1, Some("$.data[1]"));
    assert!(
        got[1]
            .2
            .starts_with("lifecycle_phases[0].milestones[1].occurred_at: "),
        "{}",
        got[1].2
    );
    assert_eq!((got[2].0, got[2].1), (2, None));
    assert!(got[2].2.starts_with("invalid JSON"));
    assert!(out.notes[0].contains("1 change_event"), "{:?}", out.notes);
}

#[test]
fn other_tools_are_not_claimed() {
    let c = FireHydrant::default();
    for v in [
        json!({"data": [{"id": "a", "message": "opsgenie alert", "alias": "x"}], "took": 0.1, "requestId": "r"}),
        json!({"data": [], "took": 0.1}),
        json!({"id": "x", "name": "Outage", "status": "resolved", "incident_updates": []}),
        json!([{"id": "x", "status": "triggered"}]),
    ] {
        assert_eq!(c.detect(&input(&v.to_string())), None, "{v}");
    }
    let err = FireHydrant::default()
        .read(&input("{\"incidents\": []}"), &ctx(), &mut Out::default())
        .unwrap_err();
    assert!(
        err.to_string().contains("not a FireHydrant export"),
        "{err}"
    );
}
