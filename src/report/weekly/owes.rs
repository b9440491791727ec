//! "Who owes what": the overdue action items and the outstanding postmortems by name, next to the
//! counts of the action-items section, in a team's section and in the organisation summary. The
//! lists are `metrics::actions::owed`, already ranked (priority then the longest overdue; severity
//! then the longest outstanding); this module keeps a team's rows (or the organisation's teams'),
//! cuts each list at `[weekly] who_owes_top` and says how many more there are, and formats them.
//!
//! Tickets come from the data, so they are links only when they are http(s) addresses
//! (`view::safe_url`); anything else, a `javascript:` address among them, is shown as text, which
//! the templates escape like every other value.

use serde::Serialize;

use super::compute::TREND_WEEKS;
use super::fmt::{day, days, int};
use crate::config::Config;
use crate::metrics::actions::owed::{OutstandingPostmortem, OverdueItem, Owed};
use crate::report::summary::OverdueItem as SummaryItem;
use crate::report::view::{Link, safe_url, ticket_label};

/// An overdue action item, display-ready: the item as the report's summary has it (flattened,
/// so the templates read `priority`, `title`, `owner`, `team`, `incident`, `due`, `overdue`),
/// and its ticket as a link or as text.
#[derive(Debug, Serialize)]
pub struct ItemRow {
    #[serde(flatten)]
    pub item: SummaryItem,
    /// The ticket as a link, when it is an http(s) address.
    pub ticket: Option<Link>,
    /// The ticket as text when it is not a link (an en dash when there is none).
    pub ticket_text: String,
}

/// An incident owing a postmortem, display-ready.
#[derive(Debug, Serialize)]
pub struct PostmortemRow {
    pub incident: String,
    pub severity: String,
    pub title: String,
    pub team: String,
    /// The day of detection, `2026-10-02`.
    pub detected: String,
    /// Whole business days of the team since detection: "12".
    pub business_days: String,
}

/// Both lists with their sentences (`owes` in a team's view and in the organisation's).
#[derive(Debug, Serialize)]
pub struct OwesView {
    /// Whether the rows name their team: in the organisation summary, not in a team's section.
    pub by_team: bool,
    /// What the item list is and how it is ordered.
    pub items_intro: String,
    /// The first `who_owes_top` overdue items, most urgent first.
    pub items: Vec<ItemRow>,
    /// "… and 7 more, 17 overdue in all." when the list is cut, else empty.
    pub items_more: String,
    /// The sentence shown instead of an empty list.
    pub items_empty: String,
    pub postmortems_intro: String,
    pub postmortems: Vec<PostmortemRow>,
    pub postmortems_more: String,
    pub postmortems_empty: String,
}

/// The lists of the teams `keep` accepts, each cut at the configured length.
pub fn build(owed: &Owed, cfg: &Config, keep: impl Fn(&str) -> bool, by_team: bool) -> OwesView {
    let top = cfg.weekly.who_owes_top as usize;
    let items: Vec<&OverdueItem> = owed.items.iter().filter(|i| keep(&i.team)).collect();
    let pms: Vec<&OutstandingPostmortem> =
        owed.postmortems.iter().filter(|p| keep(&p.team)).collect();
    let as_of = owed.as_of.format("%Y-%m-%d %H:%M UTC");
    let due = cfg.thresholds.postmortem_due_business_days;
    OwesView {
        by_team,
        items_intro: format!(
            "Action items open past their due date at {as_of}, whatever week they were opened \
             in: P0 first, then the longest overdue."
        ),
        items: items.iter().take(top).map(|i| item_row(i)).collect(),
        items_more: more(items.len(), top, "overdue"),
        items_empty: format!("No action item was overdue at {as_of}."),
        postmortems_intro: format!(
            "SEV1/SEV2 incidents of the last {TREND_WEEKS} weeks still without a postmortem \
             after {due} business days: SEV1 first, then the longest outstanding."
        ),
        postmortems: pms.iter().take(top).map(|p| postmortem_row(p)).collect(),
        postmortems_more: more(pms.len(), top, "outstanding"),
        postmortems_empty: format!(
            "None: every SEV1/SEV2 incident of the last {TREND_WEEKS} weeks older than {due} \
             business days has a postmortem."
        ),
    }
}

/// The sentence under a cut list; empty when every row is listed.
fn more(total: usize, top: usize, what: &str) -> String {
    let n = |x: usize| int(x as u64);
    if total <= top {
        String::new()
    } else if top == 0 {
        format!(
            "{} {what} in all, none listed by name (weekly.who_owes_top = 0).",
            n(total)
        )
    } else {
        format!("… and {} more, {} {what} in all.", n(total - top), n(total))
    }
}

fn item_row(i: &OverdueItem) -> ItemRow {
    let raw = i.url.as_deref().unwrap_or("");
    let ticket = safe_url(raw).map(|url| Link {
        label: ticket_label(raw),
        url,
    });
    ItemRow {
        item: SummaryItem {
            priority: i.priority.clone(),
            title: i.title.clone(),
            owner: i.owner.clone().unwrap_or_else(|| "no owner".into()),
            team: i.team.clone(),
            incident: i.incident_id.clone(),
            due: day(Some(i.due_at.timestamp_micros())),
            overdue: days(Some(i.overdue_days)),
            ticket_url: ticket.as_ref().map(|l| l.url.clone()),
        },
        ticket_text: match (&ticket, raw.trim()) {
            (Some(_), _) => String::new(),
            (None, "") => "–".into(),
            (None, text) => text.to_string(),
        },
        ticket,
    }
}

fn postmortem_row(p: &OutstandingPostmortem) -> PostmortemRow {
    PostmortemRow {
        incident: p.incident_id.clone(),
        severity: p.severity.clone(),
        title: p.title.clone(),
        team: p.team.clone(),
        detected: day(Some(p.detected_at.timestamp_micros())),
        business_days: p.business_days.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_labels_name_the_ticket() {
        assert_eq!(
            ticket_label("https://tickets.example.com/browse/REL-1042"),
            "REL-1042"
        );
        assert_eq!(ticket_label("https://t.example.com/REL-7/?x=1#c"), "REL-7");
        assert_eq!(ticket_label("https://t.example.com/"), "t.example.com");
    }

    #[test]
    fn a_cut_list_says_how_many_more() {
        assert_eq!(more(3, 10, "overdue"), "");
        assert_eq!(more(10, 10, "overdue"), "");
        assert_eq!(more(17, 10, "overdue"), "… and 7 more, 17 overdue in all.");
        assert_eq!(
            more(1_204, 10, "overdue"),
            "… and 1,194 more, 1,204 overdue in all."
        );
        assert_eq!(
            more(4, 0, "outstanding"),
            "4 outstanding in all, none listed by name (weekly.who_owes_top = 0)."
        );
    }
}
