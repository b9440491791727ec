//! Action items in the postmortem: the incident's own (section 7, or a blank table to fill in
//! when it has none), and those of earlier occurrences as one sentence each ("this happened
//! before on 2026-10-02; the prevent item from then is still open").
//!
//! Statuses are the store's; an open item whose due date lies before the as-of instant is shown
//! as overdue since that date, as `actions_overdue_all` counts it.

use chrono::{DateTime, Utc};
use polars::prelude::*;

use super::lookup::Incident;
use super::related::Occurrence;
use crate::error::Result;
use crate::metrics::table::pe;
use crate::model::columns::*;
use crate::report::Inputs;
use crate::report::text::NONE;
use crate::report::view::{TableView, cell_f64, cell_str, safe_url, ticket_label};

/// An action item, display-ready.
pub struct Item {
    pub incident: String,
    pub kind: String,
    pub priority: String,
    pub title: String,
    pub owner: String,
    pub status: String,
    pub open: bool,
    pub due: String,
    pub completed: String,
    pub url: String,
}

pub fn day(us: Option<f64>) -> Option<DateTime<Utc>> {
    us.and_then(|v| DateTime::from_timestamp_micros(v as i64))
}

pub fn date(t: Option<DateTime<Utc>>) -> String {
    t.map_or(NONE.into(), |t| t.format("%Y-%m-%d").to_string())
}

/// The action items of `ids`, ordered as `ids` then by priority and id.
pub fn items(inp: &Inputs, ids: &[String]) -> Result<Vec<Item>> {
    let order = df!(
        INCIDENT_ID => ids.to_vec(),
        "order" => (0..ids.len() as u32).collect::<Vec<_>>(),
    )
    .map_err(pe)?;
    let df = inp
        .frames
        .action_items
        .clone()
        .join(
            order.lazy(),
            [col(INCIDENT_ID)],
            [col(INCIDENT_ID)],
            JoinArgs::new(JoinType::Inner),
        )
        .with_columns([
            col(DUE_AT).cast(DataType::Int64),
            col(COMPLETED_AT).cast(DataType::Int64),
        ])
        .sort(
            ["order", PRIORITY, ACTION_ITEM_ID],
            SortMultipleOptions::default(),
        )
        .collect()
        .map_err(pe)?;
    let as_of = inp.as_of;
    Ok((0..df.height())
        .map(|i| {
            let s = |c: &str| cell_str(&df, c, i);
            let due = day(cell_f64(&df, DUE_AT, i));
            let completed = day(cell_f64(&df, COMPLETED_AT, i));
            let raw = s(STATUS);
            let status = match raw.as_str() {
                "open" if due.is_some_and(|d| d < as_of) => {
                    format!("open, overdue since {}", date(due))
                }
                "done" => "done".into(),
                "wont_do" => "won't do".into(),
                _ => raw.clone(),
            };
            Item {
                incident: s(INCIDENT_ID),
                kind: s(KIND),
                priority: s(PRIORITY),
                title: s(TITLE),
                owner: Some(s(OWNER))
                    .filter(|o| !o.is_empty())
                    .unwrap_or(NONE.into()),
                status,
                open: raw == "open",
                due: date(due),
                completed: date(completed),
                url: s(URL),
            }
        })
        .collect())
}

/// Section 7: the incident's own action items, or (second value true) a blank table to fill in,
/// and a line for the key facts.
pub fn own_actions(inp: &Inputs, inc: &Incident) -> Result<(TableView, bool, String)> {
    let mut t = TableView::new(
        &[
            ("Action", false),
            ("Kind", false),
            ("Priority", false),
            ("Owner", false),
            ("Status", false),
            ("Due", false),
            ("Completed", false),
            ("Ticket", false),
        ],
        "",
    );
    let list = items(inp, std::slice::from_ref(&inc.id))?;
    let open = list.iter().filter(|it| it.open).count();
    let overdue = list
        .iter()
        .filter(|it| it.status.contains("overdue"))
        .count();
    let line = match list.len() {
        0 => "none recorded yet".to_string(),
        n => format!("{n}: {open} open ({overdue} overdue), {} closed", n - open),
    };
    let blank = list.is_empty();
    for it in list {
        // A ticket is a link named by its key when it is an http(s) address, else its text.
        let ticket = match safe_url(&it.url) {
            Some(_) => (ticket_label(&it.url), Some(it.url.as_str())),
            None => (it.url.clone(), None),
        };
        t.push_linked(vec![
            (it.title, None),
            (it.kind, None),
            (it.priority, None),
            (it.owner, None),
            (it.status, None),
            (it.due, None),
            (it.completed, None),
            ticket,
        ]);
    }
    if blank {
        for kind in ["detect", "mitigate", "prevent"] {
            let mut row = vec![String::new(); 8];
            row[1] = kind.into();
            t.push(row);
        }
    }
    Ok((t, blank, line))
}

/// "This happened before on 2026-10-02 (id): the prevent item "..." (P1) is still open, overdue
/// since 2026-10-30; 1 other item done."
pub fn callout<'a>(o: &Occurrence, items: impl Iterator<Item = &'a Item>) -> String {
    let items: Vec<&Item> = items.collect();
    let head = format!(
        "This happened before on {} ({})",
        &o.detected[..o.detected.len().min(10)],
        o.id
    );
    if items.is_empty() {
        return format!("{head}; no action item was recorded then.");
    }
    let open: Vec<String> = items
        .iter()
        .filter(|it| it.open)
        .map(|it| {
            let state = it.status.strip_prefix("open").unwrap_or_default();
            format!(
                "the {} item \"{}\" ({}) is still open{state}",
                it.kind, it.title, it.priority
            )
        })
        .collect();
    let done = items.iter().filter(|it| it.status == "done").count();
    let wont = items.iter().filter(|it| it.status == "won't do").count();
    let mut rest = vec![];
    if done > 0 {
        rest.push(format!("{done} item(s) done"));
    }
    if wont > 0 {
        rest.push(format!("{wont} marked won't do"));
    }
    let mut text = head;
    if open.is_empty() {
        text.push_str(&format!(
            "; every action item from then is closed ({}).",
            rest.join(", ")
        ));
    } else {
        text.push_str(&format!("; {}", open.join("; ")));
        if !rest.is_empty() {
            text.push_str(&format!(" ({})", rest.join(", ")));
        }
        text.push('.');
    }
    text
}
