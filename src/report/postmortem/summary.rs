//! The top of the postmortem: the header (id, number, title, severity, status, team, service,
//! source, links), the key facts table of the summary, the sections the team writes, and the
//! methods text with what this report adds to the catalogue's definitions.
//!
//! Every fact here is read from the incident row or taken from the sections built beside it
//! (durations, alerts, recurrence, action items), so the summary cannot disagree with the body.

use chrono_tz::Tz;
use serde::Serialize;

use super::lookup::Incident;
use super::{HISTORY_DAYS, Link, alerts, instants, local, related, safe_url, utc};
use crate::error::Result;
use crate::metrics::{explain, impact};
use crate::report::Inputs;
use crate::report::text::NONE;
use crate::report::text::duration_label;
use crate::report::view::TableView;

/// The header block of the report.
#[derive(Debug, Serialize)]
pub struct Header {
    pub id: String,
    pub number: String,
    pub title: String,
    pub severity: String,
    pub status: String,
    pub team: String,
    pub service: String,
    pub source: String,
    pub zone: String,
    /// The incident's page in its source tool (`[sources.<source>]`), then its postmortem
    /// document, each when known.
    pub links: Vec<Link>,
    /// Whether `links` holds the postmortem document (else the templates say none is yet).
    pub postmortem_linked: bool,
}

/// A section for the team to write.
#[derive(Debug, Serialize)]
pub struct Todo {
    pub title: String,
    pub prompt: String,
}

const TODO: [(&str, &str); 5] = [
    (
        "Trigger and contributing factors",
        "What started it, and which conditions let it happen or made it worse?",
    ),
    (
        "What went well",
        "What helped detect, understand or mitigate the problem quickly?",
    ),
    (
        "What went wrong",
        "What slowed detection, response or recovery?",
    ),
    (
        "Where we got lucky",
        "What could have made this worse, and did not by chance?",
    ),
    (
        "Lessons learned",
        "What do we change? Each change belongs in the action items above.",
    ),
];

/// The sections for the team, in the order the template shows them.
pub fn todo() -> Vec<Todo> {
    TODO.iter()
        .map(|(t, p)| Todo {
            title: (*t).into(),
            prompt: (*p).into(),
        })
        .collect()
}

/// `page`: the incident's address in its source tool, when the config says where that is.
pub fn header(inc: &Incident, zone: Tz, page: Option<String>) -> Header {
    let mut links = vec![];
    if let Some(url) = page.as_deref().and_then(safe_url) {
        links.push(Link {
            label: format!("Incident in {}", inc.source),
            url,
        });
    }
    let postmortem_linked = inc.postmortem_url.as_deref().and_then(safe_url).is_some();
    if let Some(url) = inc.postmortem_url.as_deref().and_then(safe_url) {
        links.push(Link {
            label: "Postmortem document".into(),
            url,
        });
    }
    Header {
        id: inc.id.clone(),
        number: inc.number.clone().unwrap_or_else(|| NONE.into()),
        title: inc.title.clone(),
        severity: match &inc.severity_raw {
            Some(raw) if raw != &inc.severity => format!("{} (source: {raw})", inc.severity),
            _ => inc.severity.clone(),
        },
        status: inc.status_label(),
        team: inc.team.clone(),
        service: inc.service.clone().unwrap_or_else(|| NONE.into()),
        source: format!("{} (id {})", inc.source, inc.source_id),
        zone: zone.name().into(),
        links,
        postmortem_linked,
    }
}

pub fn subtitle(inc: &Incident) -> String {
    let mut parts = vec![inc.id.clone()];
    parts.extend(inc.number.clone());
    parts.push(inc.severity.clone());
    parts.push(format!("team {}", inc.team));
    parts.push(format!("detected {}", utc(inc.detected)));
    parts.join(" · ")
}

/// The key facts table of the summary.
pub fn facts(
    inc: &Incident,
    h: &Header,
    times: &instants::Times,
    alerts: &alerts::AlertsView,
    related: &related::RelatedView,
    impact: &str,
    zone: Tz,
) -> TableView {
    let mut t = TableView::new(&[("Fact", false), ("Value", false)], "");
    let mut row = |k: &str, v: String| t.push(vec![k.to_string(), v]);
    row("Severity", h.severity.clone());
    row("Status", h.status.clone());
    row("Team / service", format!("{} / {}", h.team, h.service));
    row(
        "Detected",
        format!("{} ({})", utc(inc.detected), local(inc.detected, zone)),
    );
    row("Time to resolve", times.ttr.clone());
    row("Customer impact", impact.to_string());
    if inc.reopen_count > 0 {
        row("Reopened", format!("{} time(s)", inc.reopen_count));
    }
    row("Alerts / pages", alerts.headline.clone());
    row("Recurrence", related.headline.clone());
    row("Action items", related.own.clone());
    if let Some(rc) = &inc.root_cause {
        row("Root cause (source)", rc.clone());
    }
    if inc.kind != "normal" {
        row("Kind", inc.kind.clone());
    }
    if let Some(m) = &inc.merged_into {
        row("Merged into", m.clone());
    }
    t
}

/// The "Customer impact" fact: the incident's impact minutes with the instants they were measured
/// between, and when its service has an SLO the share of a week's error budget they burned
/// (`metrics::impact`, docs/metrics.md "Customer impact").
pub fn impact(inp: &Inputs, inc: &Incident) -> Result<String> {
    let Some(i) = impact::incident(inp.frames, inp.cfg, &inc.id, inp.as_of.timestamp_micros())?
    else {
        return Ok(NONE.into());
    };
    if i.negative() {
        return Ok(format!(
            "not measured: its impact ends before it starts ({})",
            i.instants_used()
        ));
    }
    let minutes = i.minutes();
    let mut s = format!(
        "{}{} ({})",
        duration_label(minutes),
        if i.open() { " so far" } else { "" },
        i.instants_used()
    );
    if let Some((service, slo)) = inc
        .service
        .as_deref()
        .and_then(|sv| Some((sv, inp.cfg.slo(sv)?)))
    {
        s.push_str(&format!(
            "; {:.1}% of a week's error budget of {service} (SLO {slo}%)",
            impact::week_budget_share_pct(minutes, slo)
        ));
    }
    Ok(s)
}

/// The methods text: the catalogue's definitions, then what this report adds.
pub fn methods(inp: &Inputs) -> String {
    let t = &inp.cfg.thresholds;
    let mut s = explain::explain(inp.cfg, None);
    s.push_str(&format!(
        "\n## This postmortem\n\n\
         - Instants after the as-of instant are treated as not yet known; an incident unresolved \
         then is open and its running durations are its time so far.\n\
         - Rank: among the same team's incidents of the same severity detected in the \
         {HISTORY_DAYS} days before this one and closed (measured, not censored, not excluded), the \
         share that took less time, ties counting half: 90% means slower than nine in ten. \
         Fewer than {} closed incidents: too few to rank. An open incident's rank is a lower \
         bound (its time can only grow).\n\
         - Alerts involved: alerts linked to the incident (incident_id). Hour buckets in the \
         team's zone; flapping: its fingerprint fired again within {} min of the previous \
         firing's resolution.\n\
         - Related incidents: the recurrence cluster (matches at most {} days apart) among \
         every incident known at the as-of instant, the cluster the weekly and improvement \
         reports name; its occurrences before this one are listed. Action item statuses are \
         the store's.\n",
        instants::MIN_TO_RANK,
        t.flap_window_minutes,
        t.recurrence_long_days,
    ));
    s
}
