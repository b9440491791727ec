//! The definitions in force, as text: what `aftermath metrics --explain` prints and what every
//! report prints as its methods section. Built from the same constants and config thresholds the
//! computations use, so the text cannot drift from the numbers: change a threshold in the config
//! and the explanation changes with it.

use std::fmt::Write;

use super::baseline::BASELINE_WEEKS;
use super::durations::Metric;
use super::scope::Scope;
use super::stats::{MIN_FOR_MEDIAN_CI, MIN_FOR_P90, MIN_PER_PERIOD, MIN_XMR_POINTS};
use crate::config::Config;

/// Version of the metric definitions. Bump it when a definition below changes meaning, so a report
/// says which definitions its numbers used.
pub const DEFINITIONS_VERSION: &str = "1";

/// The full methods text, in Markdown (it reads as plain text in a terminal too).
pub fn explain(cfg: &Config, scope: Option<&Scope>) -> String {
    let t = &cfg.thresholds;
    let mut s = String::new();
    let w = &mut s;
    let _ = writeln!(
        w,
        "# Methods (aftermath metric definitions v{DEFINITIONS_VERSION})"
    );
    let _ = writeln!(w);
    if let Some(sc) = scope {
        let _ = writeln!(
            w,
            "Period: {} (UTC, ISO weeks from Monday 00:00 UTC). An incident belongs to the period \
             by its {}, for counts and durations alike. Data judged as of {}: incidents, alerts, \
             timeline events and action items that appeared after it are unknown, and later \
             acknowledgements, resolutions and completions are not yet known.",
            sc.period.label(),
            sc.period_by.column(),
            sc.as_of.format("%Y-%m-%dT%H:%M:%SZ")
        );
        let _ = writeln!(w);
    }
    let _ = writeln!(w, "## Durations (per incident)");
    let _ = writeln!(w);
    for m in Metric::ALL {
        let _ = writeln!(w, "- {}: {}.", m.title(), m.definition());
    }
    let kinds: Vec<_> = cfg.exclude.kinds.iter().map(|k| k.as_str()).collect();
    let patterns: Vec<_> = cfg
        .exclude
        .title_patterns
        .iter()
        .map(|p| code_span(p.as_str()))
        .collect();
    let _ = writeln!(
        w,
        "- Each row records the start it used (impact or detected). An end before its start is a \
         data error: the incident is left out of that metric and listed, never clamped to 0.\n\
         - Open incidents are censored at the as-of instant: counted as open (n_open), never \
         dropped; a group with any open incident reports the Kaplan-Meier median, and its \
         maximum (the p90 of fewer than 29) may be an open incident's time so far: a lower bound.\n\
         - Excluded: kinds {}; incidents merged into another; titles matching {}. Each report \
         counts them with the reason.",
        if kinds.is_empty() {
            "none".into()
        } else {
            kinds.join(", ")
        },
        if patterns.is_empty() {
            "no pattern".into()
        } else {
            patterns.join(", ")
        },
    );
    let _ = writeln!(w);
    let _ = writeln!(w, "## Statistics");
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "- Median with an exact distribution-free 95% interval from order statistics when \
         n >= {MIN_FOR_MEDIAN_CI}, else \"too few to bound\". p90 (nearest rank) when \
         n >= {MIN_FOR_P90}, else the maximum, labelled. The mean is shown only as \"mean \
         (skew-sensitive)\". Severities are never pooled in a headline.\n\
         - Comparing two periods (the baseline: one ISO week against the {BASELINE_WEEKS} weeks \
         before it, as the weekly report does; whole calendar months against as many months \
         before; else the same length just before): the Hodges-Lehmann ratio of durations (on log durations) with \
         its distribution-free 95% interval and the Mann-Whitney p-value, closed incidents only. \
         Verdict: shorter when the whole interval is below 1, longer when above 1, else \"no \
         detectable change (xlow - xhigh)\"; fewer than {MIN_PER_PERIOD} incidents in either \
         period: insufficient data. The smallest detectable change is exp(2.80 s sqrt(1/n1 + \
         1/n2)), s the pooled standard deviation of log durations.\n\
         - Counts: exact Poisson 95% intervals; two periods' counts are compared with the \
         conditional binomial test of the two rates (each count over its period's length). Proportions: Wilson 95% intervals.\n\
         - Trends over {MIN_XMR_POINTS}+ weeks: XmR limits, mean +- 2.66 x mean moving range; only \
         points outside the limits are called out."
    );
    let _ = writeln!(w);
    let _ = writeln!(w, "## Alert fatigue");
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "- Hours are judged in the person's zone (on-call shifts) else the team's, DST-correct: \
         business hours (default Mon-Fri 08:00-18:00), sleep hours (default 22:00-08:00 every \
         day), off hours the rest and the team's holidays; each team's own hours from the config.\n\
         - alerts: alert instances fired; pages: those with paged = true; interruptions: pages to \
         the same team (person) within {}s of the first page count once; business / off-hour / \
         sleep interruptions by the bucket of their first page; nights interrupted: distinct \
         local nights with a sleep interruption.\n\
         - pages per 12-hour shift: pages / (shift hours / 12), flagged above {}.\n\
         - actionable ratio: pages acknowledged by a human or linked to an incident / pages \
         (Wilson interval). transient rate: alerts resolved by the monitoring system (resolver \
         `auto`, or none recorded) within {}s of firing and never acknowledged / alerts; an \
         alert still firing at the as-of instant is not transient. flapping: an alert that \
         fired again within {} min after its fingerprint went quiet (the latest resolution of \
         every earlier instance, however long before the period they fired); a firing while an \
         earlier instance still fires is a duplicate, not a flap; {} or more firings of one fingerprint within {} min make a \
         flapping episode, counted in the week of its first firing. alerts per incident: alerts \
         linked to incidents / those incidents. notification repeats: the notifications beyond \
         the first of each alert, summed (max(n - 1, 0) per alert). MTTA of pages: median fired \
         -> acknowledged.\n\
         - Noisy rules: score = (pages + ({} - 1) x sleep-hour pages) x (1 - actionable ratio); \
         a rule with >= {} pages and an actionable ratio below {:.0}% is flagged.",
        t.interruption_merge_seconds,
        t.pages_per_shift_limit,
        t.transient_seconds,
        t.flap_window_minutes,
        t.flap_episode_firings,
        t.flap_episode_window_minutes,
        t.sleep_weight,
        t.noisy_rule_min_pages,
        t.noisy_rule_actionable_below * 100.0,
    );
    let _ = writeln!(w);
    let _ = writeln!(w, "## Recurrence");
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "- Title template: lower-case with numbers, percentages, sizes, ids, hex, UUIDs, IPs, \
         host-like tokens, durations, dates and times masked. Two incidents match on the source \
         fingerprint when both have one; else on the same team and service with word-token \
         Jaccard similarity of templates >= {}.\n\
         - An incident is a recurrence when a matching incident was detected within the previous \
         {} days ({} days in the long view). Repeat rate = recurrences / incidents, Wilson \
         interval. Clusters join matching incidents among every incident known at the as-of \
         instant, so a cluster has the same name (its earliest incident), template and incidents \
         in every report; every match can be listed with its key and score (`aftermath metrics \
         recurrence --pairs`).",
        t.jaccard_min, t.recurrence_days, t.recurrence_long_days
    );
    let _ = writeln!(w);
    let _ = writeln!(w, "## Action items and postmortems");
    let _ = writeln!(w);
    let targets: Vec<String> = t
        .action_target_days
        .iter()
        .map(|(p, d)| format!("{p} within {d} days"))
        .collect();
    let _ = writeln!(
        w,
        "- Completion rate (done / items not marked won't-do, Wilson interval), overdue open \
         items (past due_at), median days to complete, by priority and team; targets: {}.\n\
         - SEV1/SEV2 incidents with no postmortem_url after {} business days in the team's \
         calendar.",
        targets.join(", "),
        t.postmortem_due_business_days
    );
    let _ = writeln!(w);
    let _ = writeln!(w, "## Customer impact");
    let _ = writeln!(w);
    let slos: Vec<String> = cfg
        .services
        .values()
        .filter_map(|s| Some(format!("{} {}%", s.name, s.availability?)))
        .collect();
    let _ = writeln!(
        w,
        "- {}.\n\
         - Each incident's row says which instants it used. Incidents belong to the period by \
         their interval (the minutes inside it), not by detection; excluded incidents and \
         intervals ending before they start are left out and counted. Services: those a team \
         lists and those incidents name, 100% when no incident touched them. Error budgets are \
         also given ISO week by week; a postmortem gives an incident's share of a whole week's \
         budget (7 x 1440 min x (1 - target / 100)). open_impact_min: the part of a service's \
         impact minutes during which an incident still open at the as-of instant had impact, so \
         a ticket never closed is visible as such.\n\
         - SLO targets in force: {}.",
        super::impact::DEFINITION,
        if slos.is_empty() {
            "none".into()
        } else {
            slos.join(", ")
        }
    );
    let _ = writeln!(w);
    let _ = writeln!(w, "## On-call load and fairness");
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "- {} ({} min).\n\
         - Fairness: each person's share of the team's on-call hours, hours outside business \
         hours and sleep interruptions; the spread is the busiest person's hours outside business \
         hours over the team's median person's, flagged above the team's oncall_spread_limit \
         (default {}). Payroll: per person and UTC month, hours outside business hours, weekend \
         and holiday hours, nights on call and nights interrupted.",
        super::oncall::DEFINITION,
        super::oncall::MIN_INCIDENT_MINUTES,
        crate::config::ONCALL_SPREAD_LIMIT
    );
    let _ = writeln!(w);
    let _ = writeln!(w, "## Data quality");
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "- Incidents with missing or out-of-order timestamps, alerts never resolved, and the \
         input rows rejected by the newest ingest run (from the store's rejected log), with the \
         data range and freshness."
    );
    s
}

/// `text` (from the config) as a Markdown code span: shown as written, never as markup, a link
/// or HTML, in the Markdown reports and in the HTML they are rendered to. The fence is one
/// backtick longer than the longest run of backticks inside.
fn code_span(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || text.is_empty() {
        " "
    } else {
        ""
    };
    // A line break would end a list item: the config's text is shown on one line.
    let text = text.replace(['\n', '\r'], " ");
    format!("{fence}{pad}{text}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn thresholds_of_the_config_are_the_ones_printed() {
        let mut cfg = Config::defaults_in(Path::new("."));
        let text = explain(&cfg, None);
        assert!(text.contains("within 60s of the first page"), "{text}");
        assert!(text.contains("Jaccard similarity of templates >= 0.6"));
        assert!(text.contains("P2 within 56 days"));
        cfg.thresholds.interruption_merge_seconds = 90;
        cfg.thresholds.jaccard_min = 0.7;
        let text = explain(&cfg, None);
        assert!(text.contains("within 90s of the first page"), "{text}");
        assert!(text.contains(">= 0.7"));
        assert!(text.contains("SLO targets in force: none."), "{text}");
        cfg.services.insert(
            "api".into(),
            crate::config::Service {
                name: "api".into(),
                availability: Some(99.5),
            },
        );
        assert!(explain(&cfg, None).contains("SLO targets in force: api 99.5%."));
    }

    /// Regression (issue 12): an `exclude.title_patterns` value became a working
    /// `<a href="javascript:...">` in the HTML reports and raw `<script>` in the Markdown ones.
    #[test]
    fn patterns_from_the_config_are_shown_as_written_never_as_markup() {
        let mut cfg = Config::defaults_in(Path::new("."));
        cfg.exclude.title_patterns = [
            "<script>alert(1)</script>",
            "[x](javascript:alert(1))",
            "a`b",
        ]
        .iter()
        .map(|p| regex::Regex::new(p).unwrap())
        .collect();
        let md = explain(&cfg, None);
        assert!(
            md.contains(
                "titles matching `<script>alert(1)</script>`, `[x](javascript:alert(1))`, ``a`b``."
            ),
            "{md}"
        );
        let meta = crate::report::Meta::new(String::new(), String::new(), chrono::Utc::now(), md);
        let html = meta.methods_html;
        assert!(
            !html.contains("<script") && !html.contains("href="),
            "{html}"
        );
        assert!(
            html.contains("<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>"),
            "{html}"
        );
        assert!(
            html.contains("<code>[x](javascript:alert(1))</code>"),
            "{html}"
        );
    }
}
