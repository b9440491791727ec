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
