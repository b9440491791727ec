//! Sections 5 to 7 of a team's weekly report: recurrence (the team's repeat rate with its Wilson
//! interval, and the recurring clusters with an incident this week), action items (opened this
//! week by priority with what became of them and the overdue backlog; `owes` names the items and
//! postmortems owed), and data quality (the non-zero checks of the `quality` table, exclusions
//! among them).

use serde::Serialize;

use super::compute::Computed;
use super::fmt::{NONE, Tbl, day, days, int, pct, pct_range, plural, slice};
use crate::error::Result;
use crate::metrics::quality::is_rejected_check;
use crate::report::TableView;

/// Recurrence: the sentence on the repeat rate and the active clusters.
#[derive(Serialize)]
pub struct RecurrenceView {
    pub repeat: String,
    pub clusters: TableView,
}

/// Action items: the flow by priority. Which items and postmortems are owed, by name, is
/// `owes::OwesView` beside it.
#[derive(Serialize)]
pub struct ActionsView {
    pub by_priority: TableView,
}

/// What the headline quotes from these sections.
#[derive(Default)]
pub struct FollowupFacts {
    pub repeat: Option<String>,
    pub overdue: Vec<(String, u64)>,
    pub postmortems: usize,
}

pub fn recurrence(
    c: &Computed,
    cfg: &crate::config::Config,
    team: &str,
    facts: &mut FollowupFacts,
) -> Result<RecurrenceView> {
    let rec = slice(&c.recurrence, team)?;
    let (d, dl) = (
        cfg.thresholds.recurrence_days,
        cfg.thresholds.recurrence_long_days,
    );
    let repeat = match (rec.height() > 0).then_some(0) {
        Some(r) if rec.u("incidents", r) > 0 => {
            let rate = pct(rec.f("repeat_rate_pct", r));
            let range = pct_range(
                rec.f("repeat_rate_low_pct", r),
                rec.f("repeat_rate_high_pct", r),
            );
            facts.repeat = Some(format!(
                "{rate} ({} of {} repeated an incident of the previous {d} days; 95% {range})",
                int(rec.u("recurrences", r)),
                plural(rec.u("incidents", r), "incident", "incidents"),
            ));
            format!(
                "Repeat rate {rate} (95% interval {range}): {} of {} of the week repeated a \
                 matching incident detected in the previous {d} days. Over {dl} days: {} ({}).",
                int(rec.u("recurrences", r)),
                plural(rec.u("incidents", r), "incident", "incidents"),
                int(rec.u("recurrences_long", r)),
                pct(rec.f("repeat_rate_long_pct", r)),
            )
        }
        _ => "No incident this week, so no repeat rate.".into(),
    };
    let all = Tbl::new(c.clusters.clone());
    let mut clusters = TableView::new(
        &[
            ("Cluster (earliest incident)", false),
            ("Title template", false),
            ("Incidents, all known", true),
            ("This week", true),
            ("First seen", false),
            ("Last seen", false),
            ("Mean interval", true),
            ("Earlier incidents' action items: done / open / all", true),
        ],
        "No recurring cluster of this team had an incident this week.",
    );
    for r in 0..all.height() {
        let teams = all.s("teams", r);
        if !teams.split(", ").any(|t| t == team) {
            continue;
        }
        clusters.push(vec![
            all.s("cluster", r),
            all.s("template", r),
            all.u("incidents", r).to_string(),
            all.u("in_period", r).to_string(),
            day(all.micros("first_seen", r)),
            day(all.micros("last_seen", r)),
            all.f("mean_interval_days", r)
                .map_or(NONE.into(), |v| format!("{v:.1} d")),
            format!(
                "{} / {} / {}",
                all.u("actions_done", r),
                all.u("actions_open", r),
                all.u("actions_total", r)
            ),
        ]);
    }
    Ok(RecurrenceView { repeat, clusters })
}

pub fn actions(c: &Computed, team: &str, facts: &mut FollowupFacts) -> Result<ActionsView> {
    let a = slice(&c.actions, team)?;
    let o = slice(&c.overdue, team)?;
    let mut prios = a.distinct("priority");
    prios.extend(o.distinct("priority"));
    prios.sort();
    prios.dedup();
    let mut t = TableView::new(
        &[
            ("Priority", false),
            ("Opened this week", true),
            ("… done", true),
            ("… won't do", true),
            ("… still open", true),
            ("Overdue now (any week)", true),
            ("Oldest overdue", true),
        ],
        "No action item opened this week and none overdue.",
    );
    for p in prios {
        let ar = a.find("priority", &p);
        let or = o.find("priority", &p);
        let get = |c: &str| ar.map_or(0, |r| a.u(c, r)).to_string();
        let overdue = or.map_or(0, |r| o.u("overdue", r));
        if overdue > 0 {
            facts.overdue.push((p.clone(), overdue));
        }
        t.push(vec![
            p.clone(),
            get("items"),
            get("done"),
            get("wont_do"),
            get("open"),
            overdue.to_string(),
            days(or.and_then(|r| o.f("oldest_overdue_days", r))),
        ]);
    }
    // The same list "Who owes what" names, so the headline's count is its length.
    facts.postmortems = c.owed.postmortems.iter().filter(|p| p.team == team).count();
    Ok(ActionsView { by_priority: t })
}

/// The non-zero rows of a `quality` table.
pub fn quality(q: &Tbl) -> TableView {
    let mut t = TableView::new(
        &[
            ("Check", false),
            ("Table", false),
            ("Rows", true),
            ("Share of the week's rows", true),
            ("Examples", false),
        ],
        "Every check found 0 rows: no out-of-order or missing timestamps, no exclusions, no \
         rejected input.",
    );
    let (mut rejected, mut kinds, mut tables) = (0, 0, Vec::<String>::new());
    for r in 0..q.height() {
        let n = q.u("rows", r);
        if n == 0 {
            continue;
        }
        let check = q.s("check", r);
        if is_rejected_check(&check) {
            rejected += n;
            kinds += 1;
            let table = q.s("table", r);
            if !tables.contains(&table) {
                tables.push(table);
            }
            continue;
        }
        t.push(vec![
            check,
            q.s("table", r),
            n.to_string(),
            pct(q.f("share_pct", r)),
            q.s("examples", r),
        ]);
    }
    if rejected > 0 {
        t.push(vec![
            "rejected input rows".to_string(),
            tables.join(", "),
            rejected.to_string(),
            "–".to_string(),
            format!(
                "{kinds} kind(s) of reason; each row with its file, line and reason is in the \
                 store's _rejected/ log, and aftermath metrics quality counts them by kind"
            ),
        ]);
    }
    t
}
