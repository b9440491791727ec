//! The headline: three to five sentences written from the section figures, for a team and for the
//! organisation. Counts carry their verdict against the previous four weeks ("no detectable
//! change" when that is the truth); time to resolve is quoted per severity and only from 8
//! incidents, never pooled; pages, sleep interruptions, the repeat rate and the overdue action
//! items follow. The sentences only restate figures of the sections below them.

use super::compute::{BASELINE_WEEKS, TREND_WEEKS};
use super::durations::TtrFact;
use super::fatigue::FatigueFacts;
use super::fmt::{and_list, avg, dur, dur_range, int, plural};
use super::followup::FollowupFacts;
use super::incidents::{Change, Counts, by_severity_words};
use super::signal::{Limits, verdict_words};
use crate::config::Config;
use crate::metrics::stats::MIN_PER_PERIOD;

/// "5 incidents this week (1 SEV2, 4 SEV3), against 3.25 a week over the previous 4 weeks: no
/// detectable change."; with the trend's `limits` when they disagree with the count test, both
/// readings (`signal::verdict_words`).
fn counts_sentence(c: &Counts, who: &str, limits: Option<&Limits>) -> String {
    let t = &c.total;
    let verdict = verdict_words(&t.test, limits);
    let lead = if t.test.n == 0 {
        format!("{who}no incidents this week")
    } else {
        format!(
            "{who}{} this week ({})",
            plural(t.test.n, "incident", "incidents"),
            by_severity_words(c)
        )
    };
    let mut s = format!(
        "{lead}, against {} a week over the previous {BASELINE_WEEKS} weeks: {verdict}.",
        avg(t.weekly_average())
    );
    let detectable: Vec<String> = c
        .rows
        .iter()
        .filter(|r| matches!(r.test.change, Change::More | Change::Fewer))
        .map(|r| format!("{} {}", r.test.change.words(), r.severity))
        .collect();
    if !detectable.is_empty() {
        s.push_str(&format!(
            " By severity, detectably {}.",
            and_list(&detectable)
        ));
    }
    capitalise(s)
}

fn capitalise(s: String) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => s,
    }
}

/// Time to resolve per severity with n >= 8; the others named as too few.
fn ttr_sentence(facts: &[TtrFact]) -> Option<String> {
    let quoted: Vec<String> = facts
        .iter()
        .filter(|f| f.n >= MIN_PER_PERIOD as u64)
        .map(|f| {
            let bound = match (f.low_min, f.high_min) {
                (Some(_), Some(_)) => format!("95% {}, ", dur_range(f.low_min, f.high_min)),
                _ => String::new(),
            };
            let cmp = match &f.verdict {
                None => String::new(),
                Some(v) => format!("; against the previous {BASELINE_WEEKS} weeks: {v}"),
            };
            format!(
                "{} {} ({bound}n = {}{cmp})",
                f.severity,
                dur(f.median_min),
                f.n
            )
        })
        .collect();
    let few: Vec<String> = facts
        .iter()
        .filter(|f| f.n > 0 && f.n < MIN_PER_PERIOD as u64)
        .map(|f| f.severity.clone())
        .collect();
    let few_words = format!(
        "{} had too few incidents (under {MIN_PER_PERIOD}) for a median worth quoting",
        and_list(&few)
    );
    match (quoted.is_empty(), few.is_empty()) {
        (true, true) => None,
        (true, false) => Some(format!("Time to resolve: {few_words}.")),
        (false, true) => Some(format!("Median time to resolve: {}.", quoted.join("; "))),
        (false, false) => Some(format!(
            "Median time to resolve: {}; {few_words}.",
            quoted.join("; ")
        )),
    }
}

fn fatigue_sentence(f: &FatigueFacts, cfg: &Config) -> String {
    if f.pages == 0 {
        return "No pages this week.".into();
    }
    let mut s = format!(
        "{} made {}, {} of them in sleep hours (on {})",
        plural(f.pages, "page", "pages"),
        plural(f.interruptions, "interruption", "interruptions"),
        int(f.sleep),
        plural(f.nights, "night", "nights")
    );
    if f.shifts > 0 {
        s.push_str(&format!(
            "; {} of {} on-call shifts {} above the limit of {} pages per 12 hours",
            f.shifts_over,
            f.shifts,
            if f.shifts_over == 1 { "was" } else { "were" },
            cfg.thresholds.pages_per_shift_limit
        ));
    }
    s.push('.');
    s
}

fn actions_sentence(f: &FollowupFacts, cfg: &Config, as_of: &str) -> String {
    let overdue: u64 = f.overdue.iter().map(|o| o.1).sum();
    let items = if overdue == 0 {
        format!("No action item was overdue at {as_of}")
    } else {
        let parts: Vec<String> = f
            .overdue
            .iter()
            .map(|(p, n)| format!("{} {p}", int(*n)))
            .collect();
        format!(
            "{} overdue at {as_of} ({})",
            plural(overdue, "action item was", "action items were"),
            parts.join(", ")
        )
    };
    let due = cfg.thresholds.postmortem_due_business_days;
    let pm = match f.postmortems {
        0 => format!(
            "no SEV1/SEV2 postmortem of the last {TREND_WEEKS} weeks is outstanding past {due} \
             business days"
        ),
        n => format!(
            "{} of the last {TREND_WEEKS} weeks {} outstanding past {due} business days",
            plural(n as u64, "SEV1/SEV2 postmortem", "SEV1/SEV2 postmortems"),
            if n == 1 { "is" } else { "are" }
        ),
    };
    format!("{items}; {pm}.")
}

/// The team's headline sentences; `limits`, the trend's reading of the week.
pub fn team(
    counts: &Counts,
    limits: Option<&Limits>,
    ttr: &[TtrFact],
    fatigue: &FatigueFacts,
    followup: &FollowupFacts,
    cfg: &Config,
    as_of: &str,
) -> Vec<String> {
    let mut out = vec![counts_sentence(counts, "", limits)];
    out.extend(ttr_sentence(ttr));
    out.push(fatigue_sentence(fatigue, cfg));
    if let Some(r) = &followup.repeat {
        out.push(format!("Repeat rate: {r}."));
    }
    out.push(actions_sentence(followup, cfg, as_of));
    out
}

/// The organisation's headline sentences.
pub fn organisation(
    teams: usize,
    counts: &Counts,
    fatigue: &FatigueFacts,
    repeat: Option<String>,
    followup: &FollowupFacts,
    cfg: &Config,
    as_of: &str,
) -> Vec<String> {
    let who = format!("{}: ", plural(teams as u64, "team", "teams"));
    // The organisation's counts have no trend chart of their own: the count test alone.
    let mut out = vec![counts_sentence(counts, &who, None)];
    out.push(if fatigue.pages == 0 {
        "No pages this week.".into()
    } else {
        format!(
            "Across teams, {} made {}, {} of them in sleep hours.",
            plural(fatigue.pages, "page", "pages"),
            plural(fatigue.interruptions, "interruption", "interruptions"),
            int(fatigue.sleep)
        )
    });
    if let Some(r) = repeat {
        out.push(format!("Repeat rate across teams: {r}."));
    }
    out.push(actions_sentence(followup, cfg, as_of));
    out.push(
        "Durations are not compared across teams here: each team's file gives them per \
         severity, with their intervals."
            .into(),
    );
    out
}
