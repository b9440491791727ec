//! Delivery against a real HTTP server on 127.0.0.1 (a thread here) that records every request
//! and answers each path as told (200, 500, or too late): Slack, Teams and webhook payloads
//! checked field by field, each report sent once per destination, and a destination that fails
//! named (never its address) with exit code 4, the next run sending only what failed. Email is
//! `deliver_email.rs`.

use std::net::TcpListener;

use serde_json::Value;

use crate::common::{Sandbox, sample, text};
use crate::recorder::{Answer, Recorder};

/// The sample sandbox with `destinations` as its only [[deliver]] tables.
pub fn with_destinations(destinations: &str) -> Sandbox {
    let s = sample();
    let cfg = std::fs::read_to_string(s.path("aftermath.toml")).unwrap();
    let base = cfg
        .split("\n# Where `aftermath run --deliver`")
        .next()
        .unwrap();
    s.write("aftermath.toml", format!("{base}\n{destinations}"));
    s
}

pub fn run_with(s: &Sandbox, env: &[(&str, String)], args: &[&str]) -> std::process::Output {
    let mut c = std::process::Command::new(crate::common::BIN);
    c.current_dir(s.dir.path())
        .arg("--store")
        .arg(s.store())
        .args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

pub const RUN: &[&str] = &["run", "--as-of", "2026-11-17T00:00:00Z", "--deliver"];

fn summary(s: &Sandbox, rel: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(s.path(&format!("out/{rel}"))).unwrap()).unwrap()
}

#[test]
fn slack_teams_and_webhook_payloads_are_sent_once_each() {
    let srv = Recorder::start();
    let s = with_destinations(
        r#"
[[deliver]]
name = "eng-slack"
kind = "slack"
url_env = "T_SLACK"
report_url = "https://reports.example.com/am/"

[[deliver]]
name = "payments-teams"
kind = "teams"
url_env = "T_TEAMS"
reports = ["weekly-team"]
teams = ["payments"]

[[deliver]]
name = "bot"
kind = "webhook"
url_env = "T_HOOK"
reports = ["postmortem"]
severities = ["SEV1"]
"#,
    );
    let env = [
        ("T_SLACK", srv.url("/slack/s3cr3t")),
        ("T_TEAMS", srv.url("/teams")),
        ("T_HOOK", srv.url("/hook")),
    ];
    let out = run_with(&s, &env, RUN);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("sent     eng-slack: weekly/2026-W46/organisation.html"),
        "{stdout}"
    );

    // Slack: the organisation's weekly, field by field.
    let org = summary(&s, "weekly/2026-W46/organisation.summary.json");
    let slack = srv.bodies("/slack/s3cr3t");
    assert_eq!(slack.len(), 1);
    let b = &slack[0]["blocks"];
    assert_eq!(
        slack[0]["text"],
        "Weekly reliability report: organisation, 2026-W46"
    );
    assert_eq!(b[0]["type"], "header");
    assert_eq!(
        b[0]["text"]["text"],
        "Weekly reliability report: organisation, 2026-W46"
    );
    let bullets = b[1]["text"]["text"].as_str().unwrap();
    assert!(
        bullets.starts_with(
            "• 6 teams: 14 incidents this week (1 SEV1, 3 SEV2, 4 SEV3, 5 SEV4, 1 SEV5)"
        ),
        "{bullets}"
    );
    // Every headline sentence of the report, in its order, and nothing else.
    let headline: Vec<String> = org["headline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| format!("• {}", h.as_str().unwrap()))
        .collect();
    assert_eq!(headline.len(), 5);
    assert_eq!(bullets, headline.join("\n"));
    let majors = b[2]["text"]["text"].as_str().unwrap();
    assert!(majors.starts_with("*Major incidents (4)*\n"), "{majors}");
    for id in [
        "incidentio:01JWLZUVPTKTE",
        "incidentio:01J12F6YHQ0BT",
        "pagerduty:Q41BGKN",
        "pagerduty:QRJSWJ1",
    ] {
        assert!(majors.contains(&format!("|{id}>")), "{id}: {majors}");
    }
    assert!(majors.contains(
        "• *SEV2* <https://pagerduty.example.com/incidents/Q41BGKN|pagerduty:Q41BGKN> p99 \
         latency 22ms on payments-api (payments; resolved, 31.6 min) · \
         <https://wiki.example.com/postmortems/Q41BGKN|postmortem>"
    ));
    let overdue = b[3]["text"]["text"].as_str().unwrap();
    assert!(overdue.starts_with("*Overdue action items*\n• *P0* mateo: Add a canary stage"));
    assert!(
        overdue.ends_with("… and 87 more, 97 overdue in all."),
        "{overdue}"
    );
    assert_eq!(b[4]["type"], "divider");
    assert_eq!(
        b[5]["elements"][0]["text"],
        "<https://reports.example.com/am/weekly/2026-W46/organisation.html|Open the full report> \
         · as of 2026-11-17T00:00:00Z"
    );

    // Teams: payments' weekly only, an Adaptive Card.
    let teams = srv.bodies("/teams");
    assert_eq!(teams.len(), 1);
    assert_eq!(teams[0]["type"], "message");
    let a = &teams[0]["attachments"][0];
    assert_eq!(a["contentType"], "application/vnd.microsoft.card.adaptive");
    let card = &a["content"];
    assert_eq!(
        (card["type"].as_str(), card["version"].as_str()),
        (Some("AdaptiveCard"), Some("1.4"))
    );
    assert_eq!(
        card["body"][0]["text"],
        "Weekly reliability report: payments, 2026-W46"
    );
    assert_eq!(
        card["body"][1]["text"],
        "- 1 incident this week (1 SEV2), against 2.5 a week over the previous 4 weeks: no \
         detectable change."
    );
    let facts = card["body"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["type"] == "FactSet")
        .unwrap();
    assert_eq!(facts["facts"][0]["title"], "SEV2 pagerduty:Q41BGKN");
    // No report_url: the card names the report's file instead of a button.
    assert!(card.get("actions").is_none());

    // Webhook: the one SEV1 postmortem, aftermath.delivery/v1.
    let hook = srv.bodies("/hook");
    assert_eq!(hook.len(), 1);
    let h = &hook[0];
    assert_eq!(h["schema"], "aftermath.delivery/v1");
    assert_eq!(h["destination"], "bot");
    assert_eq!(h["report"]["kind"], "postmortem");
    assert_eq!(h["report"]["severity"], "SEV1");
    assert_eq!(h["report"]["team"], "mobile");
    assert_eq!(h["report"]["period"], "2026-W46");
    assert_eq!(
        h["report"]["path"],
        "postmortem/incidentio-01J12F6YHQ0BT/incidentio-01J12F6YHQ0BT.html"
    );
    assert_eq!(h["report"]["url"], Value::Null);
    assert_eq!(
        h["major_incidents"][0]["incident_id"],
        "incidentio:01J12F6YHQ0BT"
    );
    assert_eq!(
        h["major_incidents"][0]["postmortem_url"],
        "https://wiki.example.com/postmortems/01J12F6YHQ0BT"
    );

    // The second run sends nothing again.
    let out = run_with(&s, &env, RUN);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("skipped  eng-slack: weekly/2026-W46/organisation.html (sent ")
    );
    assert_eq!(
        (
            srv.bodies("/slack/s3cr3t").len(),
            srv.bodies("/teams").len(),
            srv.bodies("/hook").len()
        ),
        (1, 1, 1)
    );
    // And neither does `deliver` of the reports already written.
    let out = run_with(&s, &env, &["deliver", "--out", "out"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(srv.got.lock().unwrap().len(), 3);
}

#[test]
fn a_failed_destination_is_named_and_retried_alone() {
    let srv = Recorder::start();
    let dead = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let s = with_destinations(
        r#"
[[deliver]]
name = "eng-slack"
kind = "slack"
url_env = "T_SLACK"

[[deliver]]
name = "flaky-bot"
kind = "webhook"
url_env = "T_HOOK"
reports = ["weekly-organisation", "improvement"]

[[deliver]]
name = "gone-bot"
kind = "webhook"
url_env = "T_GONE"

[[deliver]]
name = "unset-bot"
kind = "webhook"
url_env = "T_UNSET_VAR"

[[deliver]]
name = "slow-bot"
kind = "webhook"
url_env = "T_SLOW"
timeout_seconds = 1
"#,
    );
    srv.answer("/hook/tok3n", Answer::Fail);
    srv.answer("/slow", Answer::Late(4));
    let gone = format!("http://127.0.0.1:{dead}/gone/tok3n");
    let env = [
        ("T_SLACK", srv.url("/slack")),
        ("T_HOOK", srv.url("/hook/tok3n")),
        ("T_GONE", gone.clone()),
        ("T_SLOW", srv.url("/slow")),
    ];
    let out = run_with(&s, &env, RUN);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(4), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(
            "destination \"flaky-bot\" (webhook): weekly/2026-W46/organisation.html could not be \
         sent: the server answered HTTP 500 Internal Server Error: ok; check that $T_HOOK holds"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("destination \"gone-bot\" (webhook): weekly/2026-W46/organisation.html could not be sent: could not connect"), "{stderr}");
    assert!(stderr.contains("destination \"slow-bot\" (webhook): weekly/2026-W46/organisation.html could not be sent: no answer within 1 s"), "{stderr}");
    // A missing variable is its destination's failure, named.
    assert!(stderr.contains("destination \"unset-bot\" (webhook): weekly/2026-W46/organisation.html could not be sent: the environment variable T_UNSET_VAR is not set or empty"), "{stderr}");
    // No address is shown anywhere.
    for secret in ["tok3n", "/hook", "/slow", &dead.to_string()] {
        assert!(
            !stderr.contains(secret) && !stdout.contains(secret),
            "{secret}: {stderr}"
        );
    }
    // The destination that worked got its report, and it is recorded.
    assert_eq!(srv.bodies("/slack").len(), 1);
    assert!(stdout.contains("sent     eng-slack: weekly/2026-W46/organisation.html"));
    // The reports are written all the same.
    assert!(s.path("out/weekly/2026-W46/organisation.html").is_file());

    // The receivers are back: the next run sends only what failed.
    srv.answer("/hook/tok3n", Answer::Ok);
    srv.answer("/slow", Answer::Ok);
    let env2 = [
        ("T_SLACK", srv.url("/slack")),
        ("T_HOOK", srv.url("/hook/tok3n")),
        ("T_GONE", srv.url("/gone")),
        ("T_SLOW", srv.url("/slow")),
        ("T_UNSET_VAR", srv.url("/unset")),
    ];
    let out = run_with(&s, &env2, &["deliver", "--out", "out"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        srv.bodies("/slack").len(),
        1,
        "no duplicate to the destination that had it"
    );
    let hook: Vec<String> = srv
        .bodies("/hook/tok3n")
        .iter()
        .map(|b| b["report"]["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(hook, ["weekly-organisation", "improvement"]);
    assert_eq!(srv.bodies("/gone").len(), 1);
    assert_eq!(srv.bodies("/slow").len(), 1);
    assert_eq!(srv.bodies("/unset").len(), 1);
}

#[test]
fn a_dry_run_writes_the_payloads_and_sends_nothing() {
    let s = with_destinations(
        "[[deliver]]\nname = \"eng-slack\"\nkind = \"slack\"\nurl_env = \"T_UNSET\"\n",
    );
    let mut args = RUN.to_vec();
    args.extend(["--dry-run", "dry"]);
    let out = s.ok(&args);
    assert!(
        out.contains("dry run: nothing was sent or recorded; the payloads are in dry"),
        "{out}"
    );
    let p: Value = serde_json::from_str(
        &std::fs::read_to_string(s.path("dry/eng-slack/weekly_2026-W46_organisation.json"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        p["blocks"][0]["text"]["text"],
        "Weekly reliability report: organisation, 2026-W46"
    );
    let preview =
        std::fs::read_to_string(s.path("dry/eng-slack/weekly_2026-W46_organisation.preview.txt"))
            .unwrap();
    assert!(
        preview.starts_with(
            "Weekly reliability report: organisation, 2026-W46\n\n• 6 teams: 14 incidents"
        ),
        "{preview}"
    );
    assert!(!s.store().join("_deliveries.parquet").exists());
    // `config check` names the destination and the variable it reads.
    let check = s.ok(&["config", "check"]);
    assert!(
        check.contains("  deliver: eng-slack (slack, $T_UNSET): weekly-organisation\n"),
        "{check}"
    );
}
