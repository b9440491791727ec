//! The `[thresholds]` table: each numeric threshold with its bounds, checked and collected as a
//! problem naming its key (`thresholds.sleep_weight: ...`) rather than stopping at the first, and
//! the per-priority action-item targets. Unknown keys are problems, as everywhere in the config.

use toml::{Table, Value};

use super::Thresholds;
use super::walker::{Walker, join};

pub(super) fn thresholds(w: &mut Walker, t: &Table) -> Thresholds {
    let mut th = Thresholds::default();
    // (key, slot, min, max): one line per threshold keeps the list and its bounds reviewable.
    let mut ints: Vec<(&str, &mut u32, f64, f64)> = vec![
        (
            "interruption_merge_seconds",
            &mut th.interruption_merge_seconds,
            0.0,
            86_400.0,
        ),
        (
            "transient_seconds",
            &mut th.transient_seconds,
            0.0,
            86_400.0,
        ),
        (
            "flap_window_minutes",
            &mut th.flap_window_minutes,
            0.0,
            1_440.0,
        ),
        (
            "flap_episode_firings",
            &mut th.flap_episode_firings,
            2.0,
            1_000.0,
        ),
        (
            "flap_episode_window_minutes",
            &mut th.flap_episode_window_minutes,
            1.0,
            10_080.0,
        ),
        ("recurrence_days", &mut th.recurrence_days, 1.0, 3_650.0),
        (
            "recurrence_long_days",
            &mut th.recurrence_long_days,
            1.0,
            3_650.0,
        ),
        (
            "noisy_rule_min_pages",
            &mut th.noisy_rule_min_pages,
            0.0,
            1e9,
        ),
        (
            "postmortem_due_business_days",
            &mut th.postmortem_due_business_days,
            0.0,
            365.0,
        ),
    ];
    let mut floats: Vec<(&str, &mut f64, f64, f64)> = vec![
        ("jaccard_min", &mut th.jaccard_min, 0.0, 1.0),
        (
            "pages_per_shift_limit",
            &mut th.pages_per_shift_limit,
            0.0,
            1e6,
        ),
        (
            "noisy_rule_actionable_below",
            &mut th.noisy_rule_actionable_below,
            0.0,
            1.0,
        ),
        ("sleep_weight", &mut th.sleep_weight, 0.0, 1e3),
    ];
    let mut known: Vec<&str> = ints
        .iter()
        .map(|x| x.0)
        .chain(floats.iter().map(|x| x.0))
        .collect();
    known.push("action_target_days");
    w.unknown_keys("thresholds", t, &known);
    for (k, slot, min, max) in ints.iter_mut() {
        if let Some(v) = t.get(*k) {
            let key = join("thresholds", k);
            if let Value::Float(_) = v {
                w.problem(&key, "expected a whole number");
            } else if let Some(n) = w.number(&key, v, *min, *max) {
                **slot = n as u32;
            }
        }
    }
    for (k, slot, min, max) in floats.iter_mut() {
        if let Some(v) = t.get(*k)
            && let Some(n) = w.number(&join("thresholds", k), v, *min, *max)
        {
            **slot = n;
        }
    }
    if let Some(targets) = w.table("thresholds", t, "action_target_days") {
        for (p, v) in targets {
            let key = format!("thresholds.action_target_days.{p}");
            if crate::model::vocab::Priority::parse(p).is_none() {
                w.problem(&key, "expected a priority P0, P1, P2 or P3");
            } else if let Some(n) = w.number(&key, v, 1.0, 3_650.0) {
                th.action_target_days.insert(p.to_uppercase(), n as u32);
            }
        }
    }
    th
}
