//! `aftermath config check`: every problem, with its key path, in one run.

use crate::common::*;

#[test]
fn every_problem_is_reported_with_its_key_path() {
    let s = Sandbox::new();
    s.write(
        "bad.toml",
        "store = 3\n[teams.payments]\ntimezone = \"Europe/Berln\"\nsleep_hour = \"22:00-08:00\"\n[thresholds]\nflap_window_minutes = 2.5\n",
    );
    let out = s.run(&["--config", "bad.toml", "config", "check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    for needle in [
        "bad.toml: invalid configuration:",
        "store: expected a string, found integer",
        "teams.payments.timezone: unknown time zone \"Europe/Berln\"",
        "teams.payments.sleep_hour: unknown key",
        "thresholds.flap_window_minutes: expected a whole number",
    ] {
        assert!(err.contains(needle), "{needle:?} not in:\n{err}");
    }
    s.write("broken.toml", "[teams\n");
    let err = text(
        &s.run(&["--config", "broken.toml", "config", "check"])
            .stderr,
    );
    assert!(
        err.contains("broken.toml: invalid configuration:\n  - line 1, column"),
        "{err}"
    );
}

#[test]
fn the_repository_config_is_valid() {
    let s = Sandbox::new();
    let cfg = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("aftermath.toml");
    let out = s.ok(&["--config", cfg.to_str().unwrap(), "config", "check"]);
    assert!(out.contains("teams:   data-platform (Europe/London), identity (Asia/Kolkata), mobile (Australia/Sydney), payments (Europe/Berlin), search (America/New_York), storefront (America/Los_Angeles)"), "{out}");
}

#[test]
fn a_service_or_alias_claimed_by_two_teams_is_rejected_naming_both() {
    let s = Sandbox::new();
    s.write(
        "two.toml",
        "[teams.a]\nservices = [\"db\"]\naliases = [\"Bee\"]\n[teams.b]\naliases = [\"bee\"]\nservices = [\"DB\", \"web\"]\n",
    );
    let out = s.run(&["--config", "two.toml", "config", "check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    for needle in [
        "teams.b.aliases: \"bee\" already names team \"a\"",
        "teams.b.services: service \"DB\" is already team \"a\"'s",
    ] {
        assert!(err.contains(needle), "{needle:?} not in:\n{err}");
    }
    // An alias that is another team's name is the alias's fault.
    s.write("name.toml", "[teams.a]\naliases = [\"B\"]\n[teams.b]\n");
    let err = text(&s.run(&["--config", "name.toml", "config", "check"]).stderr);
    assert!(
        err.contains("teams.a.aliases: \"B\" already names team \"b\""),
        "{err}"
    );
}

#[test]
fn a_templates_folder_that_does_not_exist_is_named_by_config_check() {
    let s = Sandbox::new();
    s.write("t.toml", "templates = \"my-templates\"\n");
    let out = s.run(&["--config", "t.toml", "config", "check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("templates: the folder") && err.contains("my-templates does not exist"),
        "{err}"
    );
    std::fs::create_dir(s.path("my-templates")).unwrap();
    s.ok(&["--config", "t.toml", "config", "check"]);
}

#[test]
fn toml_syntax_errors_name_their_line_key_path_and_text() {
    let s = Sandbox::new();
    for (file, text_, needle) in [
        (
            "dup.toml",
            "[teams.a]\ntimezone = \"UTC\"\ntimezone = \"UTC\"\n",
            "line 3, column 1 (teams.a.timezone): duplicate key; the line reads `timezone = \"UTC\"`",
        ),
        (
            "array.toml",
            "[teams.a]\nservices = [\"x\",\n",
            "(teams.a.services): unclosed array",
        ),
        (
            "table.toml",
            "[teams.a]\n[teams.a]\n",
            "line 2, column 8 (teams.a): duplicate key",
        ),
        (
            "value.toml",
            "store =\n",
            "line 1, column 8 (store): string values must be quoted",
        ),
        (
            "header.toml",
            "[thresholds\n",
            "(thresholds): unclosed table",
        ),
    ] {
        s.write(file, text_);
        let err = text(&s.run(&["--config", file, "config", "check"]).stderr);
        assert!(err.contains(needle), "{needle:?} not in:\n{err}");
    }
}

#[test]
fn a_bad_slo_target_is_rejected_naming_its_key() {
    let s = Sandbox::new();
    s.write(
        "slo.toml",
        "[teams.a]\nservices = [\"api\"]\n[services.api]\navailability = 100\n[services.web]\navailability = 99.95\n",
    );
    let out = s.run(&["--config", "slo.toml", "config", "check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "  - services.api.availability: 100 is not a percentage between 0 and 100 (exclusive)"
        ),
        "{err}"
    );
    assert!(!err.contains("services.web"), "{err}");
}

#[test]
fn an_slo_for_a_service_no_team_lists_and_no_incident_names_is_an_error_in_metrics() {
    let s = Sandbox::new();
    s.write(
        "slo.toml",
        "[teams.a]\nservices = [\"api\"]\n[services.api]\navailability = 99.9\n[services.apj]\navailability = 99.9\n",
    );
    s.write(
        "incidents.csv",
        "incident_id,source,source_id,title,team,service,severity,status,kind,impact_started_at,detected_at,acknowledged_at,mitigated_at,resolved_at,reopen_count,updated_at\n\
         csv:1,csv,1,Down,a,api,SEV2,resolved,normal,,2026-11-10T10:00:00Z,,,2026-11-10T10:30:00Z,0,2026-11-10T10:30:00Z\n",
    );
    s.ok(&["--config", "slo.toml", "ingest", "incidents.csv"]);
    let out = s.run(&[
        "--config",
        "slo.toml",
        "metrics",
        "impact",
        "--week",
        "2026-W46",
        "--as-of",
        "2026-11-16",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("slo.toml: invalid configuration:\n  - services.apj: no configured team lists the service \"apj\""),
        "{err}"
    );
}
