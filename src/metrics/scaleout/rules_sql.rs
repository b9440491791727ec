//! The reduce step of the noisy-rule ranking as SQL: the two tables `rules::reduce` builds
//! locally, `rules_groups` and `rules_ttr`, from the store's `alerts` and `oncall_shifts`
//! (docs/scale-out.md, "Rules"). The alerts are classified by the same views as the fatigue job's
//! (`fatigue_sql::classified_views`), and a page's sleep hours are judged as there, in the zone
//! of its team's primary on-call person at its instant, else the team's.

use super::Params;
use super::dialect::Engine;
use super::fatigue_sql::{classified_views, local_view, primary_view, sleep_test};
use super::names::{RULES_GROUPS, RULES_TTR};

/// The statements after the source and dimension views: the classified alerts, the judged pages
/// and the two writes.
pub(super) fn statements(e: Engine, p: &Params) -> Vec<String> {
    let from = p.from_us;
    let mut out = classified_views(e, p);
    out.push(primary_view(p));
    // rules::reduce::sleep_flags: each page judged once, with its team's primary shift.
    out.push(local_view(
        e,
        "am_local",
        "(SELECT * FROM am_primary WHERE shift_rank = 1)",
    ));
    let sleep = sleep_test();
    // rules::reduce: the counts of each team and rule. The sleep-hour pages come from the judged
    // pages; a union with one count per side, then one grouping, needs no join on keys that may
    // be null.
    let groups = format!(
        "SELECT k_team, k_rule, SUM(alerts) AS alerts, SUM(pages) AS pages,\n  \
           SUM(sleep_pages) AS sleep_pages, SUM(actionable) AS actionable,\n  \
           SUM(transient) AS transient, SUM(flapping) AS flapping\n\
         FROM (\n\
         SELECT team AS k_team, rule AS k_rule, 1 AS alerts,\n  \
           CASE WHEN paged THEN 1 ELSE 0 END AS pages, 0 AS sleep_pages,\n  \
           CASE WHEN paged AND actionable THEN 1 ELSE 0 END AS actionable,\n  \
           CASE WHEN transient THEN 1 ELSE 0 END AS transient,\n  \
           CASE WHEN flapping THEN 1 ELSE 0 END AS flapping\n\
         FROM am_classified WHERE t >= {from}\n\
         UNION ALL\n\
         SELECT l.team AS k_team, l.rule AS k_rule, 0 AS alerts, 0 AS pages,\n  \
           CASE WHEN {sleep} THEN 1 ELSE 0 END AS sleep_pages, 0 AS actionable, 0 AS transient,\n  \
           0 AS flapping\n\
         FROM am_local l\n\
         ) u\n\
         GROUP BY k_team, k_rule"
    );
    // rules::reduce: the times to resolve of resolved alerts (not before their firing), counted
    // per distinct value, so the finish step's median is exact.
    let ttr = format!(
        "SELECT team AS k_team, rule AS k_rule, r - t AS ttr_us, COUNT(*) AS n\n\
         FROM am_classified WHERE t >= {from} AND r IS NOT NULL AND r >= t\n\
         GROUP BY team, rule, r - t"
    );
    out.extend([
        e.write(&p.out_url, RULES_GROUPS, &groups),
        e.write(&p.out_url, RULES_TTR, &ttr),
    ]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Params {
        Params {
            dims: vec![],
            from_us: 1_000,
            to_us: 2_000,
            as_of_us: 1_500,
            window_from_us: 500,
            flap_us: 100,
            episode_us: 400,
            episode_firings: 3,
            transient_us: 60,
            out_url: "/tmp/out".into(),
            prefix: "fatigue",
            teams: vec!["payments".into()],
            services: vec![],
            severities: vec![],
        }
    }

    #[test]
    fn writes_the_two_tables_from_the_classified_alerts_in_the_period() {
        for e in [Engine::Spark, Engine::DuckDb] {
            let st = statements(e, &params());
            let all = st.join(";\n");
            // The alerts carry their rule; the team filter reaches alerts and shifts.
            assert!(all.contains("severity, rule, incident_id"));
            assert_eq!(all.matches("team IN ('payments')").count(), 3, "{e:?}");
            let writes: Vec<&String> = st.iter().filter(|s| s.contains("/tmp/out/")).collect();
            assert_eq!(writes.len(), 2);
            assert!(writes[0].contains("/tmp/out/rules_groups"));
            assert!(writes[0].contains("FROM am_classified WHERE t >= 1000\nUNION ALL"));
            assert!(writes[1].contains("/tmp/out/rules_ttr"));
            assert!(writes[1].contains("r IS NOT NULL AND r >= t"));
        }
    }
}
