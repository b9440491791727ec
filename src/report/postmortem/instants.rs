//! Section 3 of the postmortem: the key instants in UTC and the team's zone, and TTD, TTA, TTM
//! and TTR with the instant each was measured from and its rank among the team's incidents of the
//! same severity in the 90 days before.
//!
//! The values are the rows of `durations::per_incident` for this incident (the same rows the
//! durations tables summarise), so an open incident is censored at the as-of instant and shown
//! as "so far", a negative duration is a data error left unmeasured, and an excluded incident says
//! why. The comparison set comes from the same call: one scope over the 90 days before detection
//! up to the incident itself, filtered to its team and severity.

use chrono::Duration;
use chrono_tz::Tz;
use polars::prelude::*;

use super::lookup::Incident;
use super::{HISTORY_DAYS, local, utc};
use crate::error::Result;
use crate::metrics::durations::{
    CENSORED, Metric, NOT_MEASURED, PERIOD_AT, SECONDS, START_USED, per_incident,
};
use crate::metrics::table::pe;
use crate::metrics::{Period, Scope};
use crate::model::columns::*;
use crate::model::vocab::IncidentStatus;
use crate::report::Inputs;
use crate::report::text::NONE;
use crate::report::text::duration_label;
use crate::report::view::{TableView, cell_f64, cell_str};

/// Fewer closed incidents than this in the comparison set: too few to rank.
pub const MIN_TO_RANK: usize = 5;

/// What section 3 shows, plus the TTR line of the key facts and the data errors to call out.
pub struct Times {
    pub instants: TableView,
    pub durations: TableView,
    pub notes: Vec<String>,
    pub ttr: String,
    pub problems: Vec<String>,
    /// The comparison window: the 90 days before detection.
    pub history: Period,
}

/// One per_incident row.
struct Row {
    id: String,
    metric: String,
    start_used: String,
    seconds: Option<f64>,
    censored: bool,
    not_measured: Option<String>,
    at: i64,
}

fn rows(df: &DataFrame) -> Vec<Row> {
    (0..df.height())
        .map(|i| Row {
            id: cell_str(df, INCIDENT_ID, i),
            metric: cell_str(df, "metric", i),
            start_used: cell_str(df, START_USED, i),
            seconds: cell_f64(df, SECONDS, i),
            censored: cell_str(df, CENSORED, i) == "true",
            not_measured: Some(cell_str(df, NOT_MEASURED, i)).filter(|s| !s.is_empty()),
            at: cell_f64(df, PERIOD_AT, i).map_or(i64::MIN, |v| v as i64),
        })
        .collect()
}

/// Percentile rank of `v` among `xs`: the share strictly shorter plus half the ties, in %.
pub fn rank_pct(v: f64, xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    let less = xs.iter().filter(|&&x| x < v).count() as f64;
    let ties = xs.iter().filter(|&&x| x == v).count() as f64;
    Some(100.0 * (less + 0.5 * ties) / xs.len() as f64)
}

pub fn build(inp: &Inputs, inc: &Incident, zone: Tz) -> Result<Times> {
    let history = Period::new(inc.detected - Duration::days(HISTORY_DAYS), inc.detected)?;
    let period = Period::new(history.from, inc.detected + Duration::microseconds(1))?;
    let mut scope = Scope::new(period, inp.as_of);
    scope.filters.teams = vec![inc.team.clone()];
    scope.filters.severities = vec![inc.severity.clone()];
    let df = per_incident(inp.frames, inp.cfg, &scope)
        .with_column(col(PERIOD_AT).cast(DataType::Int64))
        .collect()
        .map_err(pe)?;
    let all = rows(&df);
    let detected_us = inc.detected.timestamp_micros();

    let rank_head = format!(
        "Rank among {} {}, {HISTORY_DAYS} days before",
        inc.team, inc.severity
    );
    let mut durations = TableView::new(
        &[
            ("Metric", false),
            ("Value", true),
            ("Measured", false),
            (rank_head.as_str(), true),
            ("Note", false),
        ],
        "",
    );
    let (mut ttr, mut problems, mut open_before) = (String::new(), vec![], 0);
    for m in Metric::ALL {
        let of_metric = || all.iter().filter(|r| r.metric == m.code());
        let closed: Vec<f64> = of_metric()
            .filter(|r| r.at < detected_us && !r.censored && r.not_measured.is_none())
            .filter_map(|r| r.seconds)
            .collect();
        if m == Metric::Ttr {
            open_before = of_metric()
                .filter(|r| r.at < detected_us && r.censored && r.not_measured.is_none())
                .count();
        }
        let mine = of_metric().find(|r| r.id == inc.id);
        let (value, rank, note) = match mine {
            Some(r) if r.not_measured.is_none() && r.seconds.is_some() => {
                let secs = r.seconds.unwrap_or_default();
                let label = duration_label(secs / 60.0);
                let n = closed.len();
                let rank = match rank_pct(secs, &closed) {
                    Some(_) if n < MIN_TO_RANK => format!("too few to rank (n={n})"),
                    None => "too few to rank (n=0)".into(),
                    Some(p) if r.censored => format!("at least {p:.1}% so far (n={n})"),
                    Some(p) => format!("{p:.1}% (n={n})"),
                };
                if r.censored {
                    (
                        format!("open: {label} so far"),
                        rank,
                        "still running".into(),
                    )
                } else {
                    (label, rank, String::new())
                }
            }
            Some(r) => {
                let why = r.not_measured.clone().unwrap_or_default();
                if why.starts_with("negative") {
                    problems.push(format!(
                        "Data error: {} ends before it starts ({}); it is left out of the metrics.",
                        m.title(),
                        span(m, &r.start_used, inc)
                    ));
                }
                (NONE.into(), NONE.into(), not_measured_words(&why))
            }
            None => (NONE.into(), NONE.into(), "not measured".into()),
        };
        if m == Metric::Ttr {
            ttr = if rank.starts_with(|c: char| c.is_ascii_digit()) {
                format!("{value}; rank {rank} among the team's {}", inc.severity)
            } else {
                value.clone()
            };
        }
        let used = match mine {
            Some(r) if r.not_measured.is_none() => span(m, &r.start_used, inc),
            _ => NONE.into(),
        };
        durations.push(vec![m.title().into(), value, used, rank, note]);
    }
    let mut notes = vec![format!(
        "Rank: of the closed {1} incidents of team {0} detected {2} .. {3} (UTC), the share that \
         took less time, ties counting half; 100% is the slowest. n counts them.",
        inc.team,
        inc.severity,
        history.from.format("%Y-%m-%d %H:%M"),
        history.to.format("%Y-%m-%d %H:%M"),
    )];
    if open_before > 0 {
        notes.push(format!(
            "{open_before} incident(s) of that window still open at the as-of instant are not \
             ranked against (their time is not known yet)."
        ));
    }
    Ok(Times {
        instants: instants_table(inc, zone),
        durations,
        notes,
        ttr,
        problems,
        history,
    })
}

/// `impact start → resolution`: the instants a metric was measured between, as per_incident
/// chose them (`start_used`; TTM ends at mitigation, else resolution).
fn span(m: Metric, start_used: &str, inc: &Incident) -> String {
    let start = if start_used == "impact" {
        "impact start"
    } else {
        "detection"
    };
    let open = inc.resolved.is_none();
    match m {
        Metric::Ttd => "impact start → detection".into(),
        Metric::Tta if inc.acknowledged.is_none() && open => "detection → as-of (open)".into(),
        Metric::Tta => "detection → acknowledgement".into(),
        Metric::Ttm if inc.mitigated.is_some() => format!("{start} → mitigation"),
        Metric::Ttm | Metric::Ttr if open => format!("{start} → as-of (open)"),
        Metric::Ttm => format!("{start} → resolution (no mitigation recorded)"),
        Metric::Ttr => format!("{start} → resolution"),
    }
}

fn not_measured_words(why: &str) -> String {
    match why {
        "impact_started_at unknown" => "not measured: impact start not recorded".into(),
        "resolved without acknowledgement" => "not measured: resolved, never acknowledged".into(),
        w if w.starts_with("negative") => "not measured: ends before it starts (data error)".into(),
        w => format!("not measured: {w}"),
    }
}

/// The five key instants in UTC and the team's zone, with what a missing one means.
fn instants_table(inc: &Incident, zone: Tz) -> TableView {
    let zone_head = format!("Team zone ({})", zone.name());
    let mut t = TableView::new(
        &[
            ("Instant", false),
            ("UTC", false),
            (zone_head.as_str(), false),
            ("Note", false),
        ],
        "",
    );
    let open = inc.resolved.is_none();
    // An open incident whose source marks it acknowledged (or mitigated) was acknowledged, at an
    // instant the export does not give: "not yet" would contradict its status line.
    let past_ack = [IncidentStatus::Acknowledged, IncidentStatus::Mitigated]
        .iter()
        .any(|s| s.as_str() == inc.status);
    let past_mitigation = inc.status == IncidentStatus::Mitigated.as_str();
    let rows = [
        ("Impact started", inc.impact, "not recorded"),
        ("Detected", Some(inc.detected), ""),
        (
            "Acknowledged",
            inc.acknowledged,
            if open && past_ack {
                "not recorded (the status says acknowledged)"
            } else if open {
                "not yet"
            } else {
                "never acknowledged"
            },
        ),
        (
            "Mitigated",
            inc.mitigated,
            if open && past_mitigation {
                "not recorded (the status says mitigated)"
            } else if open {
                "not yet"
            } else {
                "not recorded (time to mitigate uses the resolution)"
            },
        ),
        (
            "Resolved",
            inc.resolved,
            if inc.resolved_later {
                "open at the as-of instant (resolved later)"
            } else {
                "open"
            },
        ),
    ];
    for (name, at, missing) in rows {
        let row = match at {
            Some(at) => {
                let note = if name == "Resolved" && inc.reopen_count > 0 {
                    format!("last resolution, after {} reopen(s)", inc.reopen_count)
                } else {
                    String::new()
                };
                vec![name.into(), utc(at), local(at, zone), note]
            }
            None => vec![name.into(), NONE.into(), NONE.into(), missing.into()],
        };
        t.push(row);
    }
    t
}
