//! The reduce step of the noisy-rule ranking, run locally: everything that touches every alert,
//! written as the two reduced tables that `finish` turns into the ranking (docs/scale-out.md,
//! "Rules"):
//!
//! - `rules_groups`, one row per team and rule with an alert in the period: the plain aggregates
//!   (alerts, pages, sleep-hour pages judged in the primary on-call person's zone, actionable
//!   pages, transient and flapping alerts);
//! - `rules_ttr`, one row per team, rule and distinct time to resolve (in microseconds) with how
//!   many resolved alerts took it, because a median is not a plain aggregate but is exact from
//!   the value counts (and those merge across teams for the overall ranking).
//!
//! The per-alert flags come from `fatigue::classify` and the hours of a page from
//! `fatigue::judges`, so the ranking and the fatigue tables agree. The SQL job
//! (`metrics::scaleout::rules_sql`) writes the same tables from the store; tests/scale_out.rs
//! checks that both give the same ranking. Nothing here ranks or computes a share.

use crate::config::Config;
use crate::metrics::fatigue::classify::{Alerts, NONE};
use crate::metrics::fatigue::ids::dense_groups;
use crate::metrics::fatigue::judges::Judges;
use crate::metrics::fatigue::shifts::Shifts;
use crate::metrics::hours::Bucket;

/// The plain aggregates of one rule (of one team, or overall): a `rules_groups` row without its
/// keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub alerts: u64,
    pub pages: u64,
    pub sleep_pages: u64,
    pub actionable: u64,
    pub transient: u64,
    pub flapping: u64,
}

impl Counts {
    /// Another group's counts added in (a rule's teams, for the overall ranking).
    pub(crate) fn add(&mut self, o: &Counts) {
        self.alerts += o.alerts;
        self.pages += o.pages;
        self.sleep_pages += o.sleep_pages;
        self.actionable += o.actionable;
        self.transient += o.transient;
        self.flapping += o.flapping;
    }
}

/// A `rules_groups` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Group {
    pub team: Option<String>,
    pub rule: Option<String>,
    pub counts: Counts,
}

/// A `rules_ttr` row: `n` resolved alerts of group `group` took `ttr_us` to resolve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TtrRow {
    pub group: u32,
    pub ttr_us: i64,
    pub n: u64,
}

/// The reduced tables of one scope.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reduced {
    pub groups: Vec<Group>,
    pub ttr: Vec<TtrRow>,
}

/// The reduce step over a scope's classified alerts, `extra[0]` being the rule.
pub(crate) fn reduce(al: &Alerts, cfg: &Config, shifts: &Shifts) -> Reduced {
    let sleep = sleep_flags(al, cfg, shifts);
    let rule = &al.extra[0];
    let n_rules = rule.names.len() as u128;
    let size = (al.team.names.len() as u128).checked_mul(n_rules);
    let (gid, first) = dense_groups(
        al.len(),
        size,
        |r| u128::from(al.team.ids[r]) * n_rules + u128::from(rule.ids[r]),
        |r| vec![al.team.ids[r], rule.ids[r]],
    );
    let mut counts = vec![Counts::default(); first.len()];
    let mut ttr: Vec<(u32, i64)> = vec![];
    for r in 0..al.len() {
        let c = &mut counts[gid[r] as usize];
        c.alerts += 1;
        c.pages += u64::from(al.paged[r]);
        c.sleep_pages += u64::from(al.paged[r] && sleep[r]);
        c.actionable += u64::from(al.paged[r] && al.actionable[r]);
        c.transient += u64::from(al.transient[r]);
        c.flapping += u64::from(al.flapping[r]);
        // Time to resolve of resolved alerts; a resolution before the firing is a data error.
        if al.r[r] != NONE && al.r[r] >= al.t[r] {
            ttr.push((gid[r], al.r[r] - al.t[r]));
        }
    }
    ttr.sort_unstable();
    let mut rows: Vec<TtrRow> = vec![];
    for (group, ttr_us) in ttr {
        match rows.last_mut() {
            Some(last) if last.group == group && last.ttr_us == ttr_us => last.n += 1,
            _ => rows.push(TtrRow {
                group,
                ttr_us,
                n: 1,
            }),
        }
    }
    let groups = first
        .iter()
        .zip(counts)
        .map(|(&r, counts)| Group {
            team: al.team.name(al.team.ids[r]).map(str::to_string),
            rule: rule.name(rule.ids[r]).map(str::to_string),
            counts,
        })
        .collect();
    Reduced { groups, ttr: rows }
}

/// For every alert: a page whose instant is in sleep hours, judged in the zone of the team's
/// primary on-call person, else the team's.
fn sleep_flags(al: &Alerts, cfg: &Config, shifts: &Shifts) -> Vec<bool> {
    let pages = al.team_order(true);
    let primary = al.primary(&pages, shifts);
    let mut judges = Judges::new(cfg, &al.team, shifts);
    let mut sleep = vec![false; al.len()];
    for (&(t, _, row), shift) in pages.entries.iter().zip(primary) {
        sleep[row as usize] = judges.judge(al.team.ids[row as usize], shift, t).0 == Bucket::Sleep;
    }
    sleep
}
