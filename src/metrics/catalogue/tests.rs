//! The catalogue against the frames the families build: every table's columns are its dimensions
//! then its figures, and the figure names are the published ones.

use super::*;

#[test]
fn names_are_unique_and_parse_back() {
    let mut names: Vec<&str> = TableId::ALL.iter().map(|t| t.name()).collect();
    for t in TableId::ALL {
        assert_eq!(TableId::parse(t.name()), Some(t));
    }
    names.sort();
    names.dedup();
    assert_eq!(names.len(), TableId::ALL.len());
    assert_eq!(TableId::parse("no_such_table"), None);
}

/// Every table the families return, on the sample store with comparisons and pairs and
/// grouped by default and by week, has exactly its dimensions then its catalogue figures
/// (plus the weekly XmR columns when grouped by week): a constant the reports read and the
/// frame a family builds cannot drift apart.
#[test]
fn every_frame_has_exactly_its_catalogue_columns() {
    use crate::metrics::scope::Dim;
    use crate::metrics::{Family, Period, Request, Scope, run};
    use crate::report::testkit::{as_of, sample};
    use chrono::{TimeZone, Utc};

    let (frames, cfg) = sample();
    let p = Period::new(
        Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap(),
    )
    .unwrap();
    let scope = Scope::new(p, as_of());
    let mut seen = std::collections::BTreeSet::new();
    let requests = [
        Request {
            families: Family::ALL.to_vec(),
            by: None,
            compare: true,
            pairs: true,
        },
        Request {
            families: vec![Family::Durations, Family::Fatigue],
            by: Some(vec![Dim::Team, Dim::Week]),
            compare: false,
            pairs: false,
        },
    ];
    for req in requests {
        for t in run(&frames, cfg, &scope, &req).unwrap() {
            let mut want: Vec<&str> = t.dims.iter().map(String::as_str).collect();
            want.extend(t.id.figures());
            if t.dims.iter().any(|d| d == Dim::Week.name()) {
                want.extend(t.id.weekly_figures());
            }
            let got: Vec<&str> = t
                .frame
                .get_column_names()
                .into_iter()
                .map(|c| c.as_str())
                .collect();
            assert_eq!(got, want, "table {}", t.name());
            seen.insert(t.id);
        }
    }
    assert_eq!(seen.len(), TableId::ALL.len(), "every table was checked");
    // The names themselves are the tidy table's and docs/metrics.md's: spot-check a few.
    assert_eq!(
        crate::metrics::fatigue::cols::FLAPPING_ALERTS,
        "flapping_alerts"
    );
    assert_eq!(crate::metrics::durations::cols::MEDIAN_MIN, "median_min");
    assert_eq!(crate::metrics::oncall::cols::SPREAD_RATIO, "spread_ratio");
}

/// The figure names are published (the tidy table's `metric`, docs/metrics.md, users'
/// queries): pinned here as they were when the constants were introduced, so a constant's
/// text cannot change unnoticed.
#[test]
fn figure_names_are_the_published_ones() {
    let published = [
        (
            "incidents",
            "incidents,incidents_low,incidents_high,open,excluded,excluded_reasons",
        ),
        (
            "ttd",
            "n,n_open,n_excluded,n_not_measured,not_measured,start_impact,start_detected,median_min,median_method,median_low_min,median_high_min,median_interval,p90_min,p90_kind,mean_skew_sensitive_min",
        ),
        (
            "tta",
            "n,n_open,n_excluded,n_not_measured,not_measured,start_impact,start_detected,median_min,median_method,median_low_min,median_high_min,median_interval,p90_min,p90_kind,mean_skew_sensitive_min",
        ),
        (
            "ttm",
            "n,n_open,n_excluded,n_not_measured,not_measured,start_impact,start_detected,median_min,median_method,median_low_min,median_high_min,median_interval,p90_min,p90_kind,mean_skew_sensitive_min",
        ),
        (
            "ttr",
            "n,n_open,n_excluded,n_not_measured,not_measured,start_impact,start_detected,median_min,median_method,median_low_min,median_high_min,median_interval,p90_min,p90_kind,mean_skew_sensitive_min",
        ),
        (
            "negative_durations",
            "incident_id,team,metric,start_used,seconds",
        ),
        (
            "incidents_compare",
            "incidents,incidents_low,incidents_high,incidents_previous,incidents_previous_low,incidents_previous_high,incidents_previous_scaled,incidents_previous_scaled_low,incidents_previous_scaled_high,p_value,verdict",
        ),
        (
            "ttd_compare",
            "n,n_previous,open_left_out,median_min,median_previous_min,ratio,ratio_low,ratio_high,p_value,verdict,smallest_detectable_change",
        ),
        (
            "tta_compare",
            "n,n_previous,open_left_out,median_min,median_previous_min,ratio,ratio_low,ratio_high,p_value,verdict,smallest_detectable_change",
        ),
        (
            "ttm_compare",
            "n,n_previous,open_left_out,median_min,median_previous_min,ratio,ratio_low,ratio_high,p_value,verdict,smallest_detectable_change",
        ),
        (
            "ttr_compare",
            "n,n_previous,open_left_out,median_min,median_previous_min,ratio,ratio_low,ratio_high,p_value,verdict,smallest_detectable_change",
        ),
        (
            "fatigue",
            "alerts,pages,interruptions,business_interruptions,off_interruptions,sleep_interruptions,nights_interrupted,actionable_pct,actionable_low_pct,actionable_high_pct,transient_pct,flapping_alerts,flapping_pct,flapping_episodes,alerts_per_incident,notification_repeats,pages_acked,page_tta_median_min,page_tta_low_min,page_tta_high_min",
        ),
        (
            "fatigue_shift",
            "starts_at,ends_at,hours,pages,interruptions,sleep_interruptions,pages_per_12h,over_limit",
        ),
        (
            "fatigue_compare",
            "pages,pages_previous,pages_low,pages_high,pages_change_p,interruptions,interruptions_previous,actionable_pct,actionable_pct_previous,verdict",
        ),
        (
            "rules_by_team",
            "rank,alerts,pages,sleep_pages,score,actionable_pct,transient_pct,flapping_pct,median_ttr_min,flagged",
        ),
        (
            "rules_overall",
            "rank,alerts,pages,sleep_pages,score,actionable_pct,transient_pct,flapping_pct,median_ttr_min,flagged",
        ),
        (
            "recurrence",
            "incidents,recurrences,repeat_rate_pct,repeat_rate_low_pct,repeat_rate_high_pct,recurrences_long,repeat_rate_long_pct",
        ),
        (
            "recurrence_overall",
            "incidents,recurrences,repeat_rate_pct,repeat_rate_low_pct,repeat_rate_high_pct,recurrences_long,repeat_rate_long_pct",
        ),
        (
            "recurrence_clusters",
            "incidents,in_period,first_seen,last_seen,mean_interval_days,teams,services,template,example_title,actions_total,actions_done,actions_open",
        ),
        (
            "recurrence_pairs",
            "incident_id,matched_incident_id,key,score,days_between,title,matched_title",
        ),
        (
            "actions",
            "items,done,wont_do,open,completion_pct,completion_low_pct,completion_high_pct,overdue,median_days_to_complete,target_days,within_target_pct",
        ),
        (
            "actions_overdue_all",
            "overdue,oldest_due,oldest_overdue_days",
        ),
        (
            "postmortems_missing",
            "incident_id,title,detected_at,business_days_elapsed",
        ),
        (
            "impact_incidents",
            "impact_from,impact_to,instants_used,open,impact_min,in_period_min",
        ),
        ("impact", "incidents,open,impact_min,sum_min,overlap_min"),
        (
            "availability",
            "incidents,open,impact_min,open_impact_min,period_min,availability_pct,slo_pct,budget_min,budget_burned_pct",
        ),
        (
            "error_budget",
            "incidents,open,impact_min,open_impact_min,period_min,availability_pct,slo_pct,budget_min,budget_burned_pct",
        ),
        ("quality", "table,rows,share_pct,examples"),
        ("freshness", "first_detected,last_detected,last_alert"),
        (
            "oncall",
            "oncall_hours,business_hours,off_hours,sleep_hours,outside_business_hours,weekend_hours,holiday_hours,oncall_nights,pages,interruptions,business_interruptions,off_interruptions,sleep_interruptions,nights_interrupted,pages_per_oncall_hour,interruptions_per_oncall_hour,sleep_interruptions_per_night,incidents_worked,incident_min",
        ),
        (
            "oncall_week",
            "oncall_hours,business_hours,off_hours,sleep_hours,outside_business_hours,weekend_hours,holiday_hours,oncall_nights,pages,interruptions,business_interruptions,off_interruptions,sleep_interruptions,nights_interrupted,pages_per_oncall_hour,interruptions_per_oncall_hour,sleep_interruptions_per_night,incidents_worked,incident_min",
        ),
        (
            "oncall_fairness",
            "oncall_hours,outside_business_hours,sleep_interruptions,oncall_hours_share_pct,outside_business_hours_share_pct,sleep_interruptions_share_pct,load_vs_median",
        ),
        (
            "oncall_spread",
            "people,median_outside_business_hours,max_outside_business_hours,busiest,spread_ratio,spread_limit,over_limit",
        ),
        (
            "oncall_payroll",
            "oncall_hours,outside_business_hours,weekend_hours,holiday_hours,oncall_nights,nights_interrupted,month_complete",
        ),
    ];
    assert_eq!(published.len(), TableId::ALL.len());
    for (name, figures) in published {
        let id = TableId::parse(name).unwrap();
        assert_eq!(id.figures().join(","), figures, "table {name}");
    }
    assert_eq!(
        TableId::Fatigue.weekly_figures().join(","),
        "interruptions_xmr_upper,interruptions_xmr_lower,interruptions_signal"
    );
    assert_eq!(
        TableId::Duration(Metric::Ttr).weekly_figures().join(","),
        "xmr_lower_min,xmr_upper_min,xmr_signal"
    );
    assert_eq!(
        TableId::Incidents.weekly_figures().join(","),
        "xmr_lower,xmr_upper,xmr_signal"
    );
}
