//! Sections 5 to 7 of a team's weekly report: recurrence (the team's repeat rate with its Wilson
//! interval, and the recurring clusters with an incident this week), action items (opened this
//! week by priority with what became of them and the overdue backlog; `owes` names the items and
//! postmortems owed), and data quality (the non-zero checks of the `quality` table, exclusions
//! among them).

use serde::Serialize;

use super::compute::Computed;
use super::fmt::{NONE, Tbl, day, days, int, pct, pct_range, plural, slice};
use crate::error::Result;
use crate::metrics::actions::cols as actions_cols;
use crate::metrics::quality::cols as quality_cols;
use crate::metrics::quality::is_rejected_check;
use crate::metrics::recurrence::cols as recurrence_cols;
use crate::metrics::table::{CHECK, CLUSTER};
use crate::model::columns::PRIORITY;
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
        Some(r) if rec.u(recurrence_cols::INCIDENTS, r) > 0 => {
            let rate = pct(rec.f(recurrence_cols::REPEAT_RATE_PCT, r));
            let range = pct_range(
                rec.f(recurrence_cols::REPEAT_RATE_LOW_PCT, r),
                rec.f(recurrence_cols::REPEAT_RATE_HIGH_PCT, r),
            );
            facts.repeat = Some(format!(
                "{rate} ({} of {} repeated an incident of the previous {d} days; 95% {range})",
                int(rec.u(recurrence_cols::RECURRENCES, r)),
                plural(
                    rec.u(recurrence_cols::INCIDENTS, r),
                    "incident",
                    "incidents"
                ),
            ));
            format!(
                "Repeat rate {rate} (95% interval {range}): {} of {} of the week repeated a \
                 matching incident detected in the previous {d} days. Over {dl} days: {} ({}).",
                int(rec.u(recurrence_cols::RECURRENCES, r)),
                plural(
                    rec.u(recurrence_cols::INCIDENTS, r),
                    "incident",
                    "incidents"
                ),
                int(rec.u(recurrence_cols::RECURRENCES_LONG, r)),
                pct(rec.f(recurrence_cols::REPEAT_RATE_LONG_PCT, r)),
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
        let teams = all.s(recurrence_cols::TEAMS, r);
        if !teams.split(", ").any(|t| t == team) {
            continue;
        }
        clusters.push(vec![
            all.s(CLUSTER, r),
            all.s(recurrence_cols::TEMPLATE, r),
            all.u(recurrence_cols::INCIDENTS, r).to_string(),
            all.u(recurrence_cols::IN_PERIOD, r).to_string(),
            day(all.micros(recurrence_cols::FIRST_SEEN, r)),
            day(all.micros(recurrence_cols::LAST_SEEN, r)),
            all.f(recurrence_cols::MEAN_INTERVAL_DAYS, r)
                .map_or(NONE.into(), |v| format!("{v:.1} d")),
            format!(
                "{} / {} / {}",
                all.u(recurrence_cols::ACTIONS_DONE, r),
                all.u(recurrence_cols::ACTIONS_OPEN, r),
                all.u(recurrence_cols::ACTIONS_TOTAL, r)
            ),
        ]);
    }
    Ok(RecurrenceView { repeat, clusters })
}

pub fn actions(c: &Computed, team: &str, facts: &mut FollowupFacts) -> Result<ActionsView> {
    let a = slice(&c.actions, team)?;
    let o = slice(&c.overdue, team)?;
    let mut prios = a.distinct(PRIORITY);
    prios.extend(o.distinct(PRIORITY));
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
        let ar = a.find(PRIORITY, &p);
        let or = o.find(PRIORITY, &p);
        let get = |c: &str| ar.map_or(0, |r| a.u(c, r)).to_string();
        let overdue = or.map_or(0, |r| o.u(actions_cols::OVERDUE, r));
        if overdue > 0 {
            facts.overdue.push((p.clone(), overdue));
        }
        t.push(vec![
            p.clone(),
            get(actions_cols::ITEMS),
            get(actions_cols::DONE),
            get(actions_cols::WONT_DO),
            get(actions_cols::OPEN),
            overdue.to_string(),
            days(or.and_then(|r| o.f(actions_cols::OLDEST_OVERDUE_DAYS, r))),
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
        let n = q.u(quality_cols::ROWS, r);
        if n == 0 {
            continue;
        }
        let check = q.s(CHECK, r);
        if is_rejected_check(&check) {
            rejected += n;
            kinds += 1;
            let table = q.s(quality_cols::TABLE, r);
            if !tables.contains(&table) {
                tables.push(table);
            }
            continue;
        }
        t.push(vec![
            check,
            q.s(quality_cols::TABLE, r),
            n.to_string(),
            pct(q.f(quality_cols::SHARE_PCT, r)),
            q.s(quality_cols::EXAMPLES, r),
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
