//! The machine-readable summary written beside each report (`<stem>.summary.json`): what kind of
//! report it is, its period, team and title, its headline sentences, the major incidents and the
//! overdue action items it names, and the files beside it. Delivery (`deliver`) reads it, so a
//! Slack message, an email or a webhook says what the report says without recomputing a figure,
//! and `aftermath deliver` can send reports written by an earlier run.
//!
//! Every string is a display string taken from the report's own view (already formatted, not yet
//! escaped): each destination escapes it for its own format. The format is versioned by
//! `schema`; a field is only ever added.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, IoContext, Result};

/// The `schema` of the summaries this version writes.
pub const SCHEMA: &str = "aftermath.summary/v1";
/// The summary's file name ends with this, after the report's stem.
pub const SUFFIX: &str = ".summary.json";

/// Which report a summary describes.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum ReportKind {
    /// The organisation's weekly report (`weekly/<week>/organisation`).
    WeeklyOrganisation,
    /// A team's weekly report (`weekly/<week>/team-<slug>`).
    WeeklyTeam,
    /// An incident's postmortem draft (`postmortem/<stem>/<stem>`).
    Postmortem,
    /// The continuous-improvement report (`improvement/<label>/improvement`).
    Improvement,
}

impl ReportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::WeeklyOrganisation => "weekly-organisation",
            ReportKind::WeeklyTeam => "weekly-team",
            ReportKind::Postmortem => "postmortem",
            ReportKind::Improvement => "improvement",
        }
    }
}

/// A major incident the report names, with its link when the data has an http(s) one.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct MajorIncident {
    pub incident: String,
    pub title: String,
    pub severity: String,
    pub team: String,
    /// The detection minute, `2026-11-10 14:05` (UTC).
    pub detected: String,
    pub status: String,
    /// "1 h 20 min", or "open, 3 h so far".
    pub time_to_resolve: String,
    /// The postmortem's address (http(s) only, made safe by `view::safe_url`).
    pub postmortem_url: Option<String>,
    /// The incident's page in its tool (`[sources.<name>] incident_url`), http(s) only.
    #[serde(default)]
    pub incident_url: Option<String>,
}

/// An overdue action item the report names.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OverdueItem {
    pub priority: String,
    pub title: String,
    pub owner: String,
    pub team: String,
    pub incident: String,
    /// `2026-10-02`.
    pub due: String,
    /// "12 days".
    pub overdue: String,
    /// The ticket's address, http(s) only.
    pub ticket_url: Option<String>,
}

/// A report's summary: `<stem>.summary.json` beside `<stem>.html`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    pub schema: String,
    pub kind: ReportKind,
    pub title: String,
    /// `2026-W46` (weekly; for a postmortem the ISO week of detection), `2026-Q3` (improvement).
    pub period: String,
    /// The report's as-of instant, RFC 3339 UTC.
    pub as_of: String,
    /// The team of a team's weekly report or of a postmortem's incident.
    pub team: Option<String>,
    /// The teams the report covers (empty: the whole organisation).
    pub teams: Vec<String>,
    /// A postmortem's severity.
    pub severity: Option<String>,
    /// The headline sentences, as the report opens with them.
    pub headline: Vec<String>,
    /// The week's SEV1/SEV2 incidents (a postmortem: its incident).
    pub majors: Vec<MajorIncident>,
    /// The overdue action items named in "Who owes what", most urgent first.
    pub overdue: Vec<OverdueItem>,
    /// "… and 7 more, 17 overdue in all." when the list was cut, else empty.
    pub overdue_more: String,
    /// Chart names: `charts/<name>.png` (or `.svg`) beside the report.
    pub charts: Vec<String>,
    /// The report's files beside the summary: `organisation.html`, `organisation.md`.
    pub html: String,
    pub markdown: String,
}

impl Summary {
    /// A summary with the fields every report sets; the builders fill in the rest.
    pub fn new(kind: ReportKind, stem: &str, title: String, period: String, as_of: String) -> Self {
        Summary {
            schema: SCHEMA.into(),
            kind,
            title,
            period,
            as_of,
            team: None,
            teams: vec![],
            severity: None,
            headline: vec![],
            majors: vec![],
            overdue: vec![],
            overdue_more: String::new(),
            charts: vec![],
            html: format!("{stem}.html"),
            markdown: format!("{stem}.md"),
        }
    }

    /// Read a summary file, refusing another schema with what to do.
    pub fn read(path: &Path) -> Result<Summary> {
        let text = std::fs::read_to_string(path).at(path)?;
        let s: Summary = serde_json::from_str(&text).map_err(|e| {
            Error::input(
                path,
                None,
                format!("not a report summary ({e}); render the report again with this version"),
            )
        })?;
        if s.schema != SCHEMA {
            return Err(Error::input(
                path,
                None,
                format!(
                    "summary schema {:?}, this version reads {SCHEMA:?}; render the report again",
                    s.schema
                ),
            ));
        }
        Ok(s)
    }

    /// The JSON written beside the report.
    pub fn to_json(&self) -> Result<String> {
        let text =
            serde_json::to_string_pretty(self).map_err(|e| Error::Internal(e.to_string()))?;
        Ok(html_safe_json(&text))
    }
}

/// JSON text with `<`, `>` and `&` written as `\u003c`, `\u003e`, `\u0026`: the same JSON to
/// any parser, and no markup from the data if the file is served or pasted into a page. Those
/// characters only occur inside strings in JSON text, so the replacement cannot touch syntax.
pub fn html_safe_json(text: &str) -> String {
    text.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The address of cell (`row`, `col`) when it is a web link: a link to another report in the
/// folder (a relative path, such as a postmortem draft) means nothing in a message.
fn web(t: &super::TableView, row: usize, col: usize) -> Option<String> {
    t.links
        .get(row)
        .and_then(|l| l.get(col).cloned().flatten())
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
}

/// The rows of a `TableView` of major incidents (`weekly::majors::table`: Incident, Title,
/// Severity, Detected, Status at as-of, Time to resolve, Postmortem), for `team`.
pub fn majors_from_table(t: &super::TableView, team: &str) -> Vec<MajorIncident> {
    t.rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.len() >= 7)
        .map(|(i, r)| MajorIncident {
            incident: r[0].clone(),
            title: r[1].clone(),
            severity: r[2].clone(),
            team: team.to_string(),
            detected: r[3].clone(),
            status: r[4].clone(),
            time_to_resolve: r[5].clone(),
            postmortem_url: web(t, i, 6),
            incident_url: web(t, i, 0),
        })
        .collect()
}

/// A postmortem's summary: its banners and key facts as the headline, its incident as the one
/// major incident. `facts` is the key-facts table (Fact, Value).
pub fn postmortem(
    meta: &super::Meta,
    stem: &str,
    header: (&str, &str, &str, &str, &str),
    detected: chrono::DateTime<chrono::Utc>,
    banners: &[String],
    facts: &super::TableView,
    postmortem_url: Option<&str>,
) -> Summary {
    let (id, title, severity, status, team) = header;
    let fact = |k: &str| {
        facts
            .rows
            .iter()
            .find(|r| r.first().is_some_and(|f| f == k))
            .and_then(|r| r.get(1).cloned())
            .unwrap_or_default()
    };
    let mut s = Summary::new(
        ReportKind::Postmortem,
        stem,
        meta.title.clone(),
        detected.format("%G-W%V").to_string(),
        meta.as_of.clone(),
    );
    s.team = Some(team.to_string());
    s.teams = vec![team.to_string()];
    s.severity = Some(severity.to_string());
    s.headline = banners.to_vec();
    s.headline.extend(
        facts
            .rows
            .iter()
            .filter(|r| r.len() == 2 && !r[1].is_empty())
            .map(|r| format!("{}: {}", r[0], r[1])),
    );
    s.majors = vec![MajorIncident {
        incident: id.to_string(),
        title: title.to_string(),
        severity: severity.to_string(),
        team: team.to_string(),
        detected: detected.format("%Y-%m-%d %H:%M").to_string(),
        status: status.to_string(),
        time_to_resolve: fact("Time to resolve"),
        postmortem_url: postmortem_url.and_then(super::view::safe_url),
        incident_url: None,
    }];
    s
}

/// The improvement report's summary: its opening paragraphs as the headline, its charts.
pub fn improvement(
    meta: &super::Meta,
    label: &str,
    intro: &[String],
    charts: Vec<String>,
) -> Summary {
    let mut s = Summary::new(
        ReportKind::Improvement,
        "improvement",
        meta.title.clone(),
        label.to_string(),
        meta.as_of.clone(),
    );
    s.headline = intro.to_vec();
    s.charts = charts;
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::TableView;

    #[test]
    fn a_summary_round_trips_and_names_its_files() {
        let mut s = Summary::new(
            ReportKind::WeeklyTeam,
            "team-payments",
            "Weekly".into(),
            "2026-W46".into(),
            "2026-11-17T00:00:00Z".into(),
        );
        s.team = Some("payments".into());
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("team-payments.summary.json");
        std::fs::write(&p, s.to_json().unwrap()).unwrap();
        let back = Summary::read(&p).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.html, "team-payments.html");
        assert!(s.to_json().unwrap().contains("\"kind\": \"weekly-team\""));
        // Markup from the data is escaped in the file and read back as it was.
        s.title = "<script>alert(1)</script> & co".into();
        std::fs::write(&p, s.to_json().unwrap()).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e \\u0026 co"));
        assert_eq!(Summary::read(&p).unwrap().title, s.title);
        std::fs::write(&p, s.to_json().unwrap().replace("/v1", "/v9")).unwrap();
        let e = Summary::read(&p).unwrap_err().to_string();
        assert!(e.contains("aftermath.summary/v9"), "{e}");
    }

    #[test]
    fn majors_keep_their_postmortem_link() {
        let mut t = TableView::new(&[("a", false); 7], "none");
        let cells = |s: &str| (s.to_string(), None);
        t.push_linked(vec![
            cells("pd:1"),
            cells("DB down"),
            cells("SEV1"),
            cells("2026-11-10 14:05"),
            cells("resolved"),
            cells("1 h"),
            ("postmortem".into(), Some("https://wiki.example.com/pm 1")),
        ]);
        let m = majors_from_table(&t, "payments");
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].incident, "pd:1");
        assert_eq!(m[0].team, "payments");
        assert_eq!(
            m[0].postmortem_url.as_deref(),
            Some("https://wiki.example.com/pm%201")
        );
    }
}
