use std::path::Path;

use chrono_tz::Tz;
use serde_json::{Value, json};

use super::record::{self, DateOrder, Field, Phase};
use super::*;
use crate::model::Table;

fn ctx(zone: Tz) -> SourceContext {
    SourceContext {
        zone,
        mapping: None,
    }
}

fn read(name: &str, text: &str, zone: Tz) -> Out<'static> {
    let input = Input::parse(Path::new(name), text).unwrap();
    let mut out = Out::default();
    ServiceNow.read(&input, &ctx(zone), &mut out).unwrap();
    out
}

fn get<'a>(m: &'a serde_json::Map<String, Value>, k: &str) -> &'a str {
    m.get(k).and_then(Value::as_str).unwrap_or("-")
}

#[test]
fn raw_values_are_utc_codes_and_sys_ids() {
    let page = json!({"result": [{
        "sys_id": "9d385017c611228701d22104cc95c371",
        "number": "INC0010042",
        "short_description": "Checkout returns 502",
        "state": "2",
        "priority": "1",
        "opened_at": "2026-06-02 09:15:00",
        "resolved_at": "2026-06-02 10:00:00",
        "sys_updated_on": "2026-06-02 09:40:00",
        "assignment_group": {"link": "https://x/api/now/table/sys_user_group/a1", "value": "287ebd7da9fe198100f92cc8d1d2154e"},
        "cmdb_ci": {"link": "https://x/api/now/table/cmdb_ci/b2", "value": "109562a3c611227500a7b7ff98cc0dc7"},
        "calendar_duration": "1970-01-01 00:45:00",
        "reopen_count": "1"
    }]});
    let out = read("p.json", &page.to_string(), Tz::Europe__Berlin);
    assert!(out.refused.is_empty(), "{:?}", out.refused);
    let r = &out.rows[0].fields;
    assert_eq!(get(r, "source_id"), "INC0010042");
    assert_eq!(get(r, "severity_raw"), "1 - Critical");
    assert_eq!(get(r, "status"), "acknowledged");
    // Stored values are UTC whatever --timezone says.
    assert_eq!(get(r, "detected_at"), "2026-06-02T09:15:00.000000Z");
    // In progress: a resolved_at left over from before a reopen is not trusted.
    assert_eq!(r.get("resolved_at"), None);
    // A reference's value is a sys_id: no team or service name, but a stable fingerprint.
    assert_eq!(r.get("team"), None);
    assert_eq!(r.get("service"), None);
    assert_eq!(get(r, "fingerprint"), "109562a3c611227500a7b7ff98cc0dc7");
    assert_eq!(get(r, "reopen_count"), "-");
    assert_eq!(r["reopen_count"], json!(1));
    assert_eq!(r["labels"]["calendar_duration_seconds"], json!(2700));
}

#[test]
fn display_values_are_read_in_the_zone_and_the_proven_day_order() {
    let page = json!({"result": [
        {"number": "INC0010050", "short_description": "Login loop", "state": "Closed",
         "priority": "2 - High", "opened_at": "03/04/2026 08:00:00",
         "closed_at": "13/04/2026 09:30:00", "assignment_group": "identity",
         "business_service": "sso"},
        {"number": "INC0010051", "short_description": "Search slow", "state": "Canceled",
         "priority": "4 - Low", "opened_at": "2026-04-05 10:00:00"}
    ]});
    let out = read("p.json", &page.to_string(), Tz::Europe__Berlin);
    assert!(out.refused.is_empty(), "{:?}", out.refused);
    let a = &out.rows[0].fields;
    // 13/04 proves day-first, so 03/04 is the 3rd of April; Berlin is UTC+2 then.
    assert_eq!(get(a, "detected_at"), "2026-04-03T06:00:00.000000Z");
    assert_eq!(get(a, "resolved_at"), "2026-04-13T07:30:00.000000Z");
    assert_eq!(get(a, "status"), "resolved");
    assert_eq!(get(a, "team"), "identity");
    assert_eq!(get(a, "service"), "sso");
    let b = &out.rows[1].fields;
    assert_eq!(get(b, "kind"), "duplicate");
    assert_eq!(get(b, "status"), "resolved");
    assert_eq!(get(b, "severity_raw"), "4 - Low");
}

#[test]
fn undecidable_day_order_is_month_first_with_a_note() {
    let page = json!({"result": {"number": "INC1", "short_description": "x", "state": "New",
        "opened_at": "03/04/2026 08:00:00"}});
    let out = read("p.json", &page.to_string(), Tz::UTC);
    assert_eq!(
        get(&out.rows[0].fields, "detected_at"),
        "2026-03-04T08:00:00.000000Z"
    );
    assert!(out.notes[0].contains("MM/dd/yyyy"), "{:?}", out.notes);
}

#[test]
fn mixed_day_orders_are_a_whole_file_error() {
    assert!(record::infer_order(["13/01/2026 10:00", "01/13/2026 10:00"]).is_err());
    assert_eq!(
        record::infer_order(["01.02.2026 10:00"]),
        Ok((DateOrder::DayFirst, false))
    );
    assert_eq!(
        record::infer_order(["2026-01-13 10:00:00", "01/01/2026 10:00"]),
        Ok((DateOrder::MonthFirst, false))
    );
    assert_eq!(
        record::infer_order(["03/04/2026 10:00"]),
        Ok((DateOrder::MonthFirst, true))
    );
}

#[test]
fn display_value_all_takes_values_for_instants_and_displays_for_names() {
    let rec = json!({
        "number": {"display_value": "INC0010060", "value": "INC0010060"},
        "sys_id": {"display_value": "1c741bd70b2322007518478d83673af3", "value": "1c741bd70b2322007518478d83673af3"},
        "short_description": {"display_value": "Ledger lag", "value": "Ledger lag"},
        "state": {"display_value": "Resolved", "value": "6"},
        "priority": {"display_value": "3 - Moderate", "value": "3"},
        "opened_at": {"display_value": "2026-07-01 01:00:00", "value": "2026-07-01 08:00:00"},
        "resolved_at": {"display_value": "2026-07-01 03:00:00", "value": "2026-07-01 10:00:00"},
        "assignment_group": {"display_value": "Payments", "value": "287ebd7da9fe198100f92cc8d1d2154e"},
        "cmdb_ci": {"display_value": "ledger", "value": "109562a3c611227500a7b7ff98cc0dc7"},
        "calendar_stc": {"display_value": "7,200", "value": "7200"}
    });
    let out = read("p.ndjson", &format!("{rec}\n"), Tz::America__Los_Angeles);
    let r = &out.rows[0].fields;
    assert_eq!(get(r, "detected_at"), "2026-07-01T08:00:00.000000Z");
    assert_eq!(get(r, "resolved_at"), "2026-07-01T10:00:00.000000Z");
    assert_eq!(get(r, "team"), "Payments");
    assert_eq!(get(r, "service"), "ledger");
    assert_eq!(get(r, "fingerprint"), "ledger");
    assert_eq!(r["labels"]["calendar_stc"], json!(7200));
    assert_eq!(r["labels"]["state"], json!("Resolved"));
}

#[test]
fn states_map_onto_the_canonical_status() {
    let s = |x: &str| Phase::parse(x).map(Phase::status);
    assert_eq!(s("1"), Some("open"));
    assert_eq!(s("On Hold"), Some("acknowledged"));
    assert_eq!(s("Awaiting Vendor"), Some("acknowledged"));
    assert_eq!(s("7"), Some("resolved"));
    assert_eq!(s("Cancelled"), Some("resolved"));
    assert_eq!(s("Triage"), None);
    let d = Field {
        value: Some("1970-01-02 04:23:17".into()),
        ..Field::default()
    };
    assert_eq!(record::duration_seconds(&d), Some(102_197));
}

const AUDIT: &str = "number,incident_state,active,reassignment_count,reopen_count,sys_mod_count,opened_by,opened_at,sys_updated_by,sys_updated_at,category,subcategory,u_symptom,cmdb_ci,priority,assignment_group,assigned_to,problem_id,closed_code,resolved_at,closed_at\n\
INC9,New,true,0,1,0,Opened by 1,2/6/2026 09:05,Updated by 1,2/6/2026 09:07,Category 3,Subcategory 4,?,?,3 - Moderate,payments-oncall,?,?,?,?,?\n\
INC9,Active,true,1,1,1,Opened by 1,2/6/2026 09:05,Updated by 2,2/6/2026 09:20,Category 3,Subcategory 4,?,?,2 - High,payments-oncall,Resolver 7,?,?,?,?\n\
INC9,Resolved,true,1,1,3,Opened by 1,2/6/2026 09:05,Updated by 2,2/6/2026 11:00,Category 3,Subcategory 4,?,?,2 - High,payments-oncall,Resolver 7,?,code 5,2/6/2026 12:40,10/6/2026 13:00\n\
INC9,Active,true,1,1,4,Opened by 1,2/6/2026 09:05,Updated by 3,2/6/2026 11:30,Category 3,Subcategory 4,?,?,2 - High,payments-oncall,Resolver 7,?,code 5,2/6/2026 12:40,10/6/2026 13:00\n\
INC9,Awaiting User Info,true,1,1,2,Opened by 1,2/6/2026 09:05,Updated by 2,2/6/2026 10:00,Category 3,Subcategory 4,?,?,2 - High,payments-oncall,Resolver 7,?,?,?,?\n\
INC9,Resolved,true,1,1,5,Opened by 1,2/6/2026 09:05,Updated by 2,2/6/2026 12:40,Category 3,Subcategory 4,?,?,2 - High,payments-oncall,Resolver 7,?,code 5,2/6/2026 12:40,10/6/2026 13:00\n\
INC9,Closed,false,1,1,6,Opened by 1,2/6/2026 09:05,Updated by 9,10/6/2026 13:00,Category 3,Subcategory 4,?,?,2 - High,payments-oncall,Resolver 7,?,code 5,2/6/2026 12:40,10/6/2026 13:00\n";

#[test]
fn the_audit_log_gives_one_incident_and_a_timeline_in_sys_mod_count_order() {
    let out = read("log.csv", AUDIT, Tz::UTC);
    assert!(out.refused.is_empty(), "{:?}", out.refused);
    let inc: Vec<_> = out
        .rows
        .iter()
        .filter(|r| r.table == Table::Incidents)
        .collect();
    assert_eq!(inc.len(), 1);
    let i = &inc[0].fields;
    assert_eq!(get(i, "title"), "Category 3 / Subcategory 4");
    assert_eq!(get(i, "team"), "payments-oncall");
    assert_eq!(get(i, "severity_raw"), "2 - High");
    assert_eq!(get(i, "status"), "resolved");
    assert_eq!(get(i, "detected_at"), "2026-06-02T09:05:00.000000Z");
    assert_eq!(get(i, "resolved_at"), "2026-06-02T12:40:00.000000Z");
    // A reconstruction is versioned by its oldest instant.
    assert_eq!(get(i, "updated_at"), "2026-06-02T09:05:00.000000Z");
    let evs: Vec<String> = out
        .rows
        .iter()
        .filter(|r| r.table == Table::IncidentEvents)
        .map(|r| {
            format!(
                "{} {} {}",
                get(&r.fields, "at"),
                get(&r.fields, "kind"),
                get(&r.fields, "message")
            )
        })
        .collect();
    assert_eq!(
        evs,
        [
            "2026-06-02T09:20:00.000000Z acknowledged New → Active",
            "2026-06-02T09:20:00.000000Z assigned assigned to Resolver 7 (payments-oncall)",
            "2026-06-02T09:20:00.000000Z severity_changed priority 3 - Moderate → 2 - High",
            "2026-06-02T10:00:00.000000Z status_update Active → Awaiting User Info",
            "2026-06-02T11:00:00.000000Z resolved Awaiting User Info → Resolved",
            "2026-06-02T11:30:00.000000Z reopened Resolved → Active",
            "2026-06-02T12:40:00.000000Z resolved Active → Resolved",
            "2026-06-10T13:00:00.000000Z status_update Resolved → Closed",
        ]
    );
    assert!(
        out.rows.iter().all(|r| r.table != Table::IncidentEvents
            || get(&r.fields, "incident_id") == "servicenow:INC9")
    );
}

#[test]
fn detection_is_by_envelope_and_header() {
    let d =
        |name: &str, text: &str| ServiceNow.detect(&Input::parse(Path::new(name), text).unwrap());
    assert_eq!(d("a.csv", AUDIT), Some("audit event log CSV"));
    assert_eq!(
        d(
            "l.csv",
            "Number,Opened,Short description,Priority\nINC1,2026-06-01 10:00:00,x,1 - Critical\n"
        ),
        Some("list export CSV")
    );
    assert_eq!(
        d("p.json", r#"{"result":[{"number":"INC1","state":"1"}]}"#),
        Some("Table API records (display_value=false)")
    );
    assert_eq!(
        d("p.json", r#"{"result":[{"number":"CHG1","state":"1"}]}"#),
        None
    );
    assert_eq!(d("p.json", r#"{"incidents":[{"id":"P1"}]}"#), None);
    assert_eq!(d("x.csv", "id,title,created_at\n1,a,2026-01-01\n"), None);
}
