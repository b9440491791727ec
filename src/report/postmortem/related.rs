//! Sections 6 and 7 of the postmortem: the recurrence cluster the incident belongs to, its
//! earlier occurrences with their dates and links, what became of the action items those earlier
//! incidents produced ("this happened before on 2026-10-02; the prevent item from then is still
//! open"), and the action items of this incident, or a blank table to fill in.
//!
//! The cluster is the one the recurrence family lists (`recurrence::History`, shared by every
//! postmortem of a run): the same name, template and incident count as in the weekly and
//! improvement reports of the same as-of, so a reader can follow one problem across them. The
//! occurrences listed are those detected before this incident ("did this happen before?"); a
//! match can be audited with `aftermath metrics recurrence --pairs`. Action item statuses are
//! the store's; an open item past its due date at the as-of instant is overdue.

use chrono::{DateTime, Utc};
use polars::prelude::*;
use serde::Serialize;

use super::actions::{callout, day, items};
use super::lookup::Incident;
use super::{Link, safe_url};
use crate::error::Result;
use crate::metrics::recurrence::{History, Key};
use crate::metrics::table::pe;
use crate::model::columns::*;
use crate::report::Inputs;
use crate::report::view::{TableView, cell_f64, cell_str};

#[derive(Debug, Default, Serialize)]
pub struct RelatedView {
    /// One line for the key facts.
    pub headline: String,
    /// The key-facts line of this incident's own action items.
    #[serde(skip)]
    pub own: String,
    pub summary: String,
    pub earlier: Vec<Occurrence>,
    /// One sentence per earlier occurrence, the latest first.
    pub callouts: Vec<String>,
    pub earlier_actions: TableView,
}

/// An earlier incident of the cluster.
#[derive(Debug, Serialize)]
pub struct Occurrence {
    pub detected: String,
    pub id: String,
    pub number: String,
    pub title: String,
    pub severity: String,
    pub status: String,
    pub days_before: String,
    pub matched: String,
    pub link: Option<Link>,
}

/// Section 6.
pub fn build(
    inp: &Inputs,
    inc: &Incident,
    excluded: bool,
    history: &History,
) -> Result<RelatedView> {
    let mut v = RelatedView {
        earlier_actions: TableView::new(
            &[
                ("Incident", false),
                ("Kind", false),
                ("Priority", false),
                ("Action", false),
                ("Owner", false),
                ("Status", false),
                ("Due", false),
                ("Completed", false),
            ],
            "The earlier occurrences have no action items.",
        ),
        ..RelatedView::default()
    };
    if excluded {
        v.headline = "not matched (excluded incident)".into();
        v.summary = "This incident is excluded from the metrics, so it is not matched against \
                     other incidents for recurrence."
            .into();
        return Ok(v);
    }
    let Some(cluster) = history.cluster_of(&inc.id) else {
        v.headline = "no matching incident".into();
        v.summary = format!(
            "No other incident matches this one (same fingerprint, or same team and service \
             with similar titles) within {} days of it, directly or through others.",
            inp.cfg.thresholds.recurrence_long_days
        );
        return Ok(v);
    };
    let ids: Vec<String> = cluster
        .earlier
        .iter()
        .map(|m| m.incident_id.clone())
        .collect();
    let mut earlier = occurrences(inp, &ids)?;
    earlier.sort_by(|a, b| (a.1, &a.0.id).cmp(&(b.1, &b.0.id)));
    for (o, at) in &mut earlier {
        o.days_before = format!(
            "{:.1}",
            (inc.detected - *at).num_seconds() as f64 / 86_400.0
        );
        let direct = cluster.earlier.iter().find(|m| m.incident_id == o.id);
        o.matched = matched(direct.and_then(|m| m.direct));
    }

    let (name, template, total) = (cluster.name, cluster.template, cluster.incidents);
    let ordinal = earlier.len() + 1;
    let previous = earlier
        .last()
        .map(|(o, _)| format!("previous on {}", &o.detected[..o.detected.len().min(10)]))
        .unwrap_or_else(|| "the first".into());
    v.headline =
        format!("occurrence {ordinal} of {total} of cluster {name} \"{template}\"; {previous}");
    v.summary = format!(
        "This incident is occurrence {ordinal} of the {total} incidents known at {} of the \
         recurrence cluster {name} (named by its earliest incident; title template \
         \"{template}\"; the same name in the weekly and improvement reports): {} earlier \
         matching incident(s), linked by matches at most {} days apart.",
        inp.as_of.format("%Y-%m-%d %H:%M UTC"),
        earlier.len(),
        inp.cfg.thresholds.recurrence_long_days
    );

    let order: Vec<String> = earlier.iter().map(|(o, _)| o.id.clone()).collect();
    let list = items(inp, &order)?;
    for (o, _) in earlier.iter().rev() {
        v.callouts
            .push(callout(o, list.iter().filter(|it| it.incident == o.id)));
    }
    for it in list {
        v.earlier_actions.push(vec![
            it.incident,
            it.kind,
            it.priority,
            it.title,
            it.owner,
            it.status,
            it.due,
            it.completed,
        ]);
    }
    v.earlier = earlier.into_iter().map(|(o, _)| o).collect();
    Ok(v)
}

/// How an earlier occurrence matched this incident directly, or that it joined the cluster
/// through other occurrences.
fn matched(direct: Option<Key>) -> String {
    match direct {
        None => "through other occurrences".into(),
        Some(Key::Fingerprint) => "same fingerprint".into(),
        Some(Key::Title(score)) => format!("title similarity {score:.2}"),
    }
}

/// The earlier incidents with their detection instant.
fn occurrences(inp: &Inputs, ids: &[String]) -> Result<Vec<(Occurrence, DateTime<Utc>)>> {
    let want = df!(INCIDENT_ID => ids.to_vec()).map_err(pe)?;
    let df = inp
        .frames
        .incidents
        .clone()
        .join(
            want.lazy(),
            [col(INCIDENT_ID)],
            [col(INCIDENT_ID)],
            JoinArgs::new(JoinType::Inner),
        )
        .with_column(col(DETECTED_AT).cast(DataType::Int64))
        .collect()
        .map_err(pe)?;
    Ok((0..df.height())
        .filter_map(|i| {
            let s = |c: &str| cell_str(&df, c, i);
            let at = day(cell_f64(&df, DETECTED_AT, i))?;
            let o = Occurrence {
                detected: at.format("%Y-%m-%d %H:%M UTC").to_string(),
                id: s(INCIDENT_ID),
                number: Some(s(NUMBER))
                    .filter(|n| !n.is_empty())
                    .unwrap_or("–".into()),
                title: s(TITLE),
                severity: s(SEVERITY),
                status: s(STATUS),
                days_before: String::new(),
                matched: String::new(),
                link: safe_url(&s(POSTMORTEM_URL)).map(|url| Link {
                    label: "postmortem".into(),
                    url,
                }),
            };
            Some((o, at))
        })
        .collect())
}
