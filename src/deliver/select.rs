//! Which written reports a delivery considers: the summaries (`<stem>.summary.json`) under the
//! reports folder that were rendered as of one instant (the run's `--as-of`, or the newest one
//! found), so `aftermath deliver` sends the reports of the last run and not a folder's whole back
//! catalogue; and which of them a destination takes (its `reports`, `teams` and `severities`).

use std::path::{Path, PathBuf};

use crate::config::deliver::Destination;
use crate::error::{Error, Result};
use crate::report::summary::{ReportKind, SUFFIX, Summary};

/// A written report, known by its summary.
#[derive(Debug, Clone)]
pub struct Written {
    pub summary: Summary,
    /// The folder holding the report's files.
    pub dir: PathBuf,
    /// The HTML's path relative to the reports folder, `/`-separated: the report's identity in
    /// the delivery log (it holds the period: `weekly/2026-W46/organisation.html`).
    pub key: String,
}

impl Written {
    pub fn html(&self) -> PathBuf {
        self.dir.join(&self.summary.html)
    }

    pub fn markdown(&self) -> PathBuf {
        self.dir.join(&self.summary.markdown)
    }

    /// The report's address under the destination's `report_url`, if it has one.
    pub fn url(&self, d: &Destination) -> Option<String> {
        d.report_url
            .as_ref()
            .map(|base| format!("{}/{}", base.trim_end_matches('/'), self.key))
    }
}

/// The reports under `reports` rendered as of `as_of` (RFC 3339, as the summaries write it), or
/// as of the newest instant found; organisation first, then teams, postmortems, improvement.
pub fn written(reports: &Path, as_of: Option<&str>) -> Result<Vec<Written>> {
    if !reports.is_dir() {
        return Err(Error::input(
            reports,
            None,
            "no reports folder here; run `aftermath run` (or `aftermath report ...`) first, or \
             pass --out DIR where they were written",
        ));
    }
    let mut all = vec![];
    for entry in walkdir::WalkDir::new(reports).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::input(reports, None, e.to_string()))?;
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || !name.ends_with(SUFFIX) {
            continue;
        }
        let summary = Summary::read(entry.path())?;
        let dir = entry.path().parent().unwrap_or(reports).to_path_buf();
        let rel = dir.strip_prefix(reports).unwrap_or(&dir);
        let mut key: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        key.push(summary.html.clone());
        all.push(Written {
            summary,
            dir,
            key: key.join("/"),
        });
    }
    let newest = all.iter().map(|w| w.summary.as_of.clone()).max();
    let Some(at) = as_of.map(str::to_string).or(newest) else {
        return Ok(vec![]);
    };
    all.retain(|w| w.summary.as_of == at);
    all.sort_by(|a, b| (a.summary.kind, &a.key).cmp(&(b.summary.kind, &b.key)));
    Ok(all)
}

/// Whether destination `d` takes report `w`: its kind is listed, a team's report or postmortem
/// is of a listed team (when `teams` lists any), a postmortem is of a listed severity.
pub fn wants(d: &Destination, w: &Written) -> bool {
    let s = &w.summary;
    if !d.reports.iter().any(|r| r == s.kind.as_str()) {
        return false;
    }
    let team_ok = || {
        d.teams.is_empty()
            || s.team
                .as_ref()
                .is_some_and(|t| d.teams.iter().any(|x| x.eq_ignore_ascii_case(t)))
    };
    match s.kind {
        ReportKind::WeeklyTeam => team_ok(),
        ReportKind::Postmortem => {
            team_ok()
                && s.severity.as_deref().is_some_and(|sev| {
                    d.severities
                        .iter()
                        .any(|x| x.as_str().eq_ignore_ascii_case(sev))
                })
        }
        ReportKind::WeeklyOrganisation | ReportKind::Improvement => true,
    }
}
