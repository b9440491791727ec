//! Section 5 of the postmortem: the alerts linked to the incident (`alerts.incident_id`), how
//! many and from which rules, the first and last firing, which paged someone and in which part of
//! the team's day (business, off or sleep hours, `hours::bucket` in the team's zone), and which
//! were flapping.
//!
//! The flags come from the alert classification the fatigue and noisy-rule metrics use
//! (`fatigue::classify::prepare`), run over the span of the incident's firings: it reads the
//! firings just before the span too, so "flapping" (the fingerprint fired again within the flap
//! window of its previous resolution) is judged against the previous firing even when that one
//! was not linked to the incident. The alerts are the alert source's (`metrics::source`): the
//! store's, or the incident's and their fingerprints' from a scale-out job.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use polars::prelude::*;
use serde::Serialize;

use super::lookup::Incident;
use super::{local, utc};
use crate::error::Result;
use crate::metrics::fatigue::classify::{self, NONE};
use crate::metrics::hours::{self, Bucket};
use crate::metrics::table::pe;
use crate::metrics::{Period, Scope};
use crate::model::columns::*;
use crate::report::Inputs;
use crate::report::charts::TimelineMark;
use crate::report::text::{self, duration_label};
use crate::report::view::TableView;

/// At most this many alerts are listed one by one (a storm can link hundreds).
const MAX_LISTED: usize = 50;

#[derive(Debug, Default, Serialize)]
pub struct AlertsView {
    /// One line for the key facts.
    pub headline: String,
    pub summary: TableView,
    pub rules: TableView,
    pub list: TableView,
    pub notes: Vec<String>,
    /// The firings as chart marks.
    #[serde(skip)]
    pub marks: Vec<TimelineMark>,
}

/// A rule's alerts, pages, first and last firing.
type RuleCount = (usize, usize, DateTime<Utc>, DateTime<Utc>);

struct Alert {
    id: String,
    rule: String,
    fired: DateTime<Utc>,
    acked: Option<DateTime<Utc>>,
    acked_by: Option<String>,
    resolved: Option<DateTime<Utc>>,
    resolved_by: Option<String>,
    paged: bool,
    flapping: bool,
    notifications: u32,
}

fn bucket_words(b: Bucket) -> &'static str {
    match b {
        Bucket::Business => "business hours",
        Bucket::Off => "off hours",
        Bucket::Sleep => "sleep hours",
    }
}

fn after(from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    duration_label((to - from).num_seconds() as f64 / 60.0)
}

/// The incident's alerts fired by the as-of instant, with the classification's flags, in firing
/// order.
fn load(inp: &Inputs, inc: &Incident) -> Result<Vec<Alert>> {
    let as_of = inp.as_of.timestamp_micros();
    let (alerts, history) = inp.alerts.incident_alerts(inp.frames, &inc.id)?;
    let span = alerts
        .clone()
        .filter(col(INCIDENT_ID).eq(lit(inc.id.as_str())))
        .select([col(FIRED_AT).cast(DataType::Int64)])
        .filter(col(FIRED_AT).lt_eq(lit(as_of)))
        .select([
            col(FIRED_AT).min().alias("first"),
            col(FIRED_AT).max().alias("last"),
        ])
        .collect()
        .map_err(pe)?;
    let get = |c: &str| span.column(c).ok()?.get(0).ok()?.extract::<i64>();
    let (Some(first), Some(last)) = (get("first"), get("last")) else {
        return Ok(vec![]);
    };
    let at = |us: i64| DateTime::<Utc>::from_timestamp_micros(us);
    let (Some(from), Some(to)) = (at(first), at(last)) else {
        return Ok(vec![]);
    };
    let scope = Scope::new(
        Period::new(from, to + Duration::microseconds(1))?,
        inp.as_of,
    );
    let extra = [ALERT_ID, INCIDENT_ID, RULE, ACKNOWLEDGED_BY, RESOLVED_BY];
    let a = classify::prepare(&alerts, &history, inp.cfg, &scope, &extra)?;
    let text = |k: usize, i: usize| a.extra[k].name(a.extra[k].ids[i]).map(str::to_string);
    let known = |us: i64| (us != NONE && us <= as_of).then(|| at(us)).flatten();
    let mut out: Vec<Alert> = (0..a.len())
        .filter(|&i| text(1, i).as_deref() == Some(inc.id.as_str()))
        .filter_map(|i| {
            Some(Alert {
                id: text(0, i).unwrap_or_default(),
                rule: text(2, i).unwrap_or_default(),
                fired: at(a.t[i])?,
                acked: known(a.a[i]),
                acked_by: text(3, i),
                resolved: known(a.r[i]),
                resolved_by: text(4, i),
                paged: a.paged[i],
                flapping: a.flapping[i],
                notifications: a.notifications[i],
            })
        })
        .collect();
    out.sort_by(|x, y| (x.fired, &x.id).cmp(&(y.fired, &y.id)));
    Ok(out)
}

pub fn build(inp: &Inputs, inc: &Incident, zone: Tz) -> Result<AlertsView> {
    let alerts = load(inp, inc)?;
    let team = inp.cfg.team(&inc.team);
    let mut v = AlertsView {
        summary: TableView::new(&[("Alerts", false), ("Value", false)], ""),
        rules: TableView::new(
            &[
                ("Rule", false),
                ("Alerts", true),
                ("Pages", true),
                ("First fired (UTC)", false),
                ("Last fired (UTC)", false),
            ],
            "No alert is linked to this incident.",
        ),
        list: TableView::new(
            &[
                ("Fired (UTC)", false),
                ("Team zone", false),
                ("Rule", false),
                ("Page", false),
                ("Acknowledged", false),
                ("Resolved", false),
                ("Flapping", false),
            ],
            "No alert is linked to this incident.",
        ),
        ..AlertsView::default()
    };
    let (Some(first), Some(last)) = (alerts.first(), alerts.last()) else {
        v.headline = "no linked alert".into();
        return Ok(v);
    };
    let buckets: Vec<Option<Bucket>> = alerts
        .iter()
        .map(|a| {
            a.paged
                .then(|| hours::bucket(a.fired.timestamp_micros(), team))
        })
        .collect();
    let count = |b: Bucket| buckets.iter().filter(|x| **x == Some(b)).count();
    let pages = buckets.iter().flatten().count();
    let flapping = alerts.iter().filter(|a| a.flapping).count();
    let sent: u64 = alerts.iter().map(|a| u64::from(a.notifications)).sum();
    let mut per_rule: BTreeMap<&str, RuleCount> = BTreeMap::new();
    for a in &alerts {
        let e = per_rule
            .entry(a.rule.as_str())
            .or_insert((0, 0, a.fired, a.fired));
        e.0 += 1;
        e.1 += usize::from(a.paged);
        e.2 = e.2.min(a.fired);
        e.3 = e.3.max(a.fired);
    }

    let relative = |t: DateTime<Utc>| {
        if t < inc.detected {
            format!("{} before detection", after(t, inc.detected))
        } else {
            format!("{} after detection", after(inc.detected, t))
        }
    };
    let mut row = |k: &str, val: String| v.summary.push(vec![k.into(), val]);
    row(
        "Linked alerts",
        format!("{} from {} rule(s)", alerts.len(), per_rule.len()),
    );
    row(
        "First firing",
        format!(
            "{} ({}; {})",
            utc(first.fired),
            local(first.fired, zone),
            relative(first.fired)
        ),
    );
    row(
        "Last firing",
        format!(
            "{} ({}; {})",
            utc(last.fired),
            local(last.fired, zone),
            relative(last.fired)
        ),
    );
    let page_words = if pages == 0 {
        "none".to_string()
    } else {
        format!(
            "{pages}: {} in sleep hours, {} off hours, {} in business hours ({})",
            count(Bucket::Sleep),
            count(Bucket::Off),
            count(Bucket::Business),
            zone.name()
        )
    };
    row("Pages", page_words);
    row(
        "Flapping",
        format!(
            "{flapping} of {} (fired again within {} min of the previous firing's resolution)",
            alerts.len(),
            inp.cfg.thresholds.flap_window_minutes
        ),
    );
    row(
        "Notifications sent",
        format!(
            "{sent} ({} re-sends)",
            sent.saturating_sub(alerts.len() as u64)
        ),
    );
    v.headline = format!(
        "{} alert(s), {pages} page(s), {} in sleep hours",
        alerts.len(),
        count(Bucket::Sleep)
    );

    let mut rules: Vec<_> = per_rule.into_iter().collect();
    rules.sort_by(|a, b| (a.1.2, a.0).cmp(&(b.1.2, b.0)));
    for (rule, (n, p, f, l)) in rules {
        v.rules.push(vec![
            rule.into(),
            n.to_string(),
            p.to_string(),
            utc(f),
            utc(l),
        ]);
    }
    for (a, b) in alerts.iter().zip(&buckets).take(MAX_LISTED) {
        let who = |by: &Option<String>| by.as_deref().map_or(String::new(), |p| format!("by {p} "));
        v.list.push(vec![
            utc(a.fired),
            local(a.fired, zone),
            a.rule.clone(),
            b.map_or("no page".into(), |b| format!("page, {}", bucket_words(b))),
            a.acked.map_or(text::NONE.into(), |t| {
                format!("{}after {}", who(&a.acked_by), after(a.fired, t))
            }),
            a.resolved.map_or("not resolved".into(), |t| {
                format!("{}after {}", who(&a.resolved_by), after(a.fired, t))
            }),
            if a.flapping {
                "yes".into()
            } else {
                String::new()
            },
        ]);
    }
    if alerts.len() > MAX_LISTED {
        v.notes.push(format!(
            "The first {MAX_LISTED} of {} alerts are listed; the counts above cover all.",
            alerts.len()
        ));
    }
    v.marks = alerts
        .iter()
        .map(|a| TimelineMark {
            at: a.fired,
            label: a.rule.clone(),
        })
        .collect();
    Ok(v)
}
