//! The report set and its orchestration: what a reports folder holds and how each command adds
//! to it. A [`Session`] is everything the report builders share for one as-of instant (the
//! store's frames, the templates, the formats); its methods choose the period a report covers
//! when none is given (the last complete one *with data*), refuse a period nothing is known
//! about, render, write the files, and add them to the folder's index (`manifest`), so
//! `aftermath run` and each `aftermath report` command leave one index listing every report.
//!
//! The CLI only parses flags, opens the store, and prints what a [`Written`] says.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::index::{self, IndexEntry};
use super::manifest::{self, IMPROVEMENT, POSTMORTEMS, WEEKLY};
use super::{Inputs, Meta, OutputFormat, Renderer, coverage, improvement, postmortem, weekly};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::metrics::coverage::DataSpan;
use crate::metrics::scope::{parse_week, resolve_period};
use crate::metrics::source::{AlertFacts, AlertSource};
use crate::metrics::{Frames, Period, Scope};

/// Everything the builders share for one as-of instant, owned.
pub struct Session {
    pub frames: Frames,
    /// Where the alert-scale figures come from (`metrics::source`).
    pub(crate) alerts: Box<dyn AlertSource>,
    /// The alerts' all-time facts, read once.
    pub alert_facts: AlertFacts,
    pub renderer: Renderer,
    pub formats: Vec<OutputFormat>,
    pub as_of: DateTime<Utc>,
    pub png: bool,
    /// `incidents detected 2026-05-18 .. 2026-11-15`, or "no incidents".
    pub data_range: String,
    /// The end of the newest ingest that changed the data, RFC 3339, or "unknown".
    pub last_ingest: String,
    /// The data's span (`metrics::coverage`), read once for every report of the session.
    pub span: Option<DataSpan>,
}

/// What a command wrote, and what it has to tell the reader.
#[derive(Debug, Default)]
pub struct Written {
    /// Every page written, HTML first within a report.
    pub paths: Vec<PathBuf>,
    /// The index page, rewritten to list these reports beside the folder's others.
    pub index: Option<PathBuf>,
    /// Why the period is not the one the reader may expect (the data end earlier).
    pub notes: Vec<String>,
    /// What the reader must not miss: comparisons not judged, an unreadable index replaced.
    pub warnings: Vec<String>,
}

/// The improvement report's period: a quarter, a range, or the default (the last complete
/// quarter with data).
pub enum Span {
    Quarter(String),
    Range {
        from: Option<String>,
        to: Option<String>,
    },
    Default,
}

impl Session {
    /// `templates`: a folder overriding the built-in templates (else the config's); `alerts`:
    /// where the alert-scale figures come from (`metrics::source::Local` for the store's own).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        frames: Frames,
        alerts: Box<dyn AlertSource>,
        cfg: &Config,
        formats: Vec<OutputFormat>,
        templates: Option<&Path>,
        png: bool,
        as_of: DateTime<Utc>,
        last_ingest: String,
    ) -> Result<Session> {
        let mut extra: Vec<(&str, &str)> = vec![];
        extra.extend(weekly::TEMPLATES);
        extra.extend(postmortem::TEMPLATES);
        extra.extend(improvement::TEMPLATES);
        extra.extend(index::TEMPLATES);
        let templates = templates.or(cfg.templates.as_deref());
        let data_range = coverage::data_range(&frames)?;
        let alert_facts = alerts.facts(&frames)?;
        let span = DataSpan::of(&frames, &alert_facts)?;
        Ok(Session {
            span,
            alerts,
            alert_facts,
            renderer: Renderer::new(&extra, templates)?,
            frames,
            formats,
            as_of,
            png,
            data_range,
            last_ingest,
        })
    }

    pub fn inputs<'a>(&'a self, cfg: &'a Config) -> Inputs<'a> {
        Inputs {
            frames: &self.frames,
            alerts: self.alerts.as_ref(),
            alert_facts: self.alert_facts.clone(),
            cfg,
            as_of: self.as_of,
            renderer: &self.renderer,
            formats: &self.formats,
            png: self.png,
            data_range: self.data_range.clone(),
            last_ingest: self.last_ingest.clone(),
            span: self.span,
            drafts: BTreeSet::new(),
            // Every command writing HTML rewrites the index (`publish`).
            index: self.formats.contains(&OutputFormat::Html),
        }
    }

    /// The incidents of `week` that qualify for a draft and have one in `out` already.
    fn drafts_in(&self, cfg: &Config, week: Period, out: &Path) -> Result<BTreeSet<String>> {
        Ok(postmortem::recent_major(&self.inputs(cfg), week)?
            .into_iter()
            .map(|m| m.incident_id)
            .filter(|id| draft_written(out, id, &self.formats))
            .collect())
    }

    /// The weekly reports of `week` (default: the last complete week with data): the
    /// organisation's and every team's, or `team`'s alone.
    pub fn weekly(
        &self,
        cfg: &Config,
        week: Option<&str>,
        team: Option<&str>,
        out: &Path,
    ) -> Result<Written> {
        let mut w = Written::default();
        let week = self.week(week, &mut w)?;
        let teams: Vec<String> = team.map(str::to_string).into_iter().collect();
        let drafts = self.drafts_in(cfg, week, out)?;
        let entries = self.write_weekly(cfg, week, &teams, drafts, out, &mut w)?;
        self.publish(cfg, week, out, &entries, w)
    }

    /// The postmortem draft of one incident (`given`: its id, with or without the source, or a
    /// bare number).
    pub fn postmortem(&self, cfg: &Config, given: &str, out: &Path) -> Result<Written> {
        let inp = self.inputs(cfg);
        let id = postmortem::resolve_id(&inp, given)?;
        let doc = postmortem::postmortem(&inp, &id)?;
        let dir = format!("postmortem/{}", doc.stem);
        let mut w = Written {
            paths: doc.write(&out.join(&dir))?,
            ..Written::default()
        };
        let entry = entry(
            POSTMORTEMS,
            id,
            format!("{dir}/{}.html", doc.stem),
            &self.formats,
        );
        let (week, _) = coverage::report_week(self.span, self.as_of)?;
        w = self.publish(cfg, week, out, &entry.into_iter().collect::<Vec<_>>(), w)?;
        Ok(w)
    }

    /// The continuous-improvement report of `span`.
    pub fn improvement(&self, cfg: &Config, span: Span, out: &Path) -> Result<Written> {
        let mut w = Written::default();
        let (period, label) = self.quarter(span, &mut w)?;
        let entries = self.write_improvement(cfg, period, &label, out, &mut w)?;
        let (week, _) = coverage::report_week(self.span, self.as_of)?;
        self.publish(cfg, week, out, &entries, w)
    }

    /// `run`'s set: the weekly reports of the last complete week with data (organisation and
    /// per team), the improvement report of the last complete quarter with data, a postmortem
    /// for every SEV1/SEV2 incident of that week up to `[postmortems] max_per_run`, and the index
    /// (`plan`, then `render`).
    pub fn all(&self, cfg: &Config, out: &Path) -> Result<Rendered> {
        let (plan, w) = self.plan(cfg, Parts::ALL, None, None)?;
        self.render(cfg, &plan, out, w)
    }

    /// The week asked for, refused when nothing is known about it; or the default week, with
    /// the note saying why when it is not the last complete one. Either way the warning when
    /// its comparisons are not judged.
    fn week(&self, asked: Option<&str>, w: &mut Written) -> Result<Period> {
        let week = match asked {
            Some(text) => {
                let week = parse_week(text)?;
                coverage::refuse_future(self.span, week, self.as_of)?;
                week
            }
            None => {
                let (week, why) = coverage::report_week(self.span, self.as_of)?;
                w.notes.extend(why);
                week
            }
        };
        w.warnings
            .extend(coverage::not_judged(self.span, week, self.as_of));
        Ok(week)
    }

    /// The improvement report's period and label, by the rule of [`Session::week`].
    fn quarter(&self, span: Span, w: &mut Written) -> Result<(Period, String)> {
        let (period, label) = match span {
            Span::Quarter(q) => (improvement::parse_quarter(&q)?, q),
            Span::Default => {
                let (quarter, label, why) = coverage::report_quarter(self.span, self.as_of)?;
                w.notes.extend(why);
                (quarter, label)
            }
            Span::Range { from, to } => {
                let p = resolve_period(from.as_deref(), to.as_deref(), None, None, self.as_of)?;
                (p, p.label())
            }
        };
        coverage::refuse_future(self.span, period, self.as_of)?;
        Ok((period, label))
    }

    fn write_weekly(
        &self,
        cfg: &Config,
        week: Period,
        teams: &[String],
        drafts: BTreeSet<String>,
        out: &Path,
        w: &mut Written,
    ) -> Result<Vec<IndexEntry>> {
        let wdir = format!("weekly/{}", week.label());
        let mut entries = vec![];
        let mut inp = self.inputs(cfg);
        inp.drafts = drafts;
        for d in weekly::weekly(&inp, week, teams, teams.is_empty())? {
            w.paths.extend(d.write(&out.join(&wdir))?);
            let title = match d.stem.strip_prefix("team-") {
                Some(team) => format!("{team}, {}", week.label()),
                None => format!("Organisation, {}", week.label()),
            };
            let href = format!("{wdir}/{}.html", d.stem);
            entries.extend(entry(WEEKLY, title, href, &self.formats));
        }
        Ok(entries)
    }

    fn write_improvement(
        &self,
        cfg: &Config,
        period: Period,
        label: &str,
        out: &Path,
        w: &mut Written,
    ) -> Result<Vec<IndexEntry>> {
        let doc = improvement::improvement(&self.inputs(cfg), period, label)?;
        let qdir = format!("improvement/{}", label.replace([' ', '.'], ""));
        w.paths.extend(doc.write(&out.join(&qdir))?);
        let href = format!("{qdir}/{}.html", doc.stem);
        let title = match label.contains('Q') {
            true => format!("Quarter {label}"),
            false => label.to_string(),
        };
        Ok(entry(IMPROVEMENT, title, href, &self.formats)
            .into_iter()
            .collect())
    }

    /// Add `entries` to the folder's manifest and rewrite `index.html` from it. The index's
    /// period is `week`, the weekly reports' week.
    fn publish(
        &self,
        cfg: &Config,
        week: Period,
        out: &Path,
        entries: &[IndexEntry],
        mut w: Written,
    ) -> Result<Written> {
        if !self.formats.contains(&OutputFormat::Html) {
            // The index links HTML pages; a Markdown-only run has none to link.
            return Ok(w);
        }
        let (all, warning) = manifest::merge(out, entries)?;
        w.warnings.extend(warning);
        let scope = Scope::new(week, self.as_of);
        let mut meta = Meta::new(
            "Reliability reports".into(),
            format!("As of {}", self.as_of.format("%Y-%m-%d %H:%M UTC")),
            self.as_of,
            crate::metrics::explain::explain(cfg, Some(&scope)),
        );
        meta.data_range = self.data_range.clone();
        meta.last_ingest = self.last_ingest.clone();
        meta.period = week.label();
        let page = index::index(&self.renderer, meta, &all)?
            .write(out)?
            .into_iter()
            .next()
            .ok_or_else(|| Error::Internal("the index wrote no page".into()))?;
        manifest::save(out, &all)?;
        w.index = Some(page);
        Ok(w)
    }
}

/// The index entry of a report whose HTML page is `href`; none when no HTML was written.
fn entry(
    section: &str,
    title: String,
    href: String,
    formats: &[OutputFormat],
) -> Option<IndexEntry> {
    formats.contains(&OutputFormat::Html).then(|| IndexEntry {
        section: section.into(),
        title,
        href,
        note: String::new(),
    })
}

/// Whether `id`'s postmortem draft is in `out` in every one of `formats`: each weekly page links
/// the draft in its own format, so a draft written only as HTML must not be linked from the
/// Markdown weekly.
fn draft_written(out: &Path, id: &str, formats: &[OutputFormat]) -> bool {
    let stem = postmortem::stem(id);
    let dir = out.join("postmortem").join(&stem);
    formats
        .iter()
        .all(|f| dir.join(format!("{stem}.{}", f.extension())).is_file())
}

/// A progress bar for a batch of postmortem drafts, shown on a terminal only: at an
/// organisation's size they take a while.
fn progress(n: usize) -> indicatif::ProgressBar {
    if n <= 10 || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return indicatif::ProgressBar::hidden();
    }
    let b = indicatif::ProgressBar::new(n as u64);
    b.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} eta {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    b.set_message("postmortems");
    b
}

/// What [`Session::all`] wrote.
pub struct Rendered {
    /// The report week's label.
    pub week: String,
    /// The improvement report's quarter label.
    pub quarter: String,
    /// Postmortem drafts written.
    pub postmortems: usize,
    /// Incidents of the week that qualified but were past `[postmortems] max_per_run`.
    pub left_out: Vec<String>,
    /// Pages, index, notes and warnings.
    pub written: Written,
}

mod plan;
pub use plan::{Parts, Plan};

#[cfg(test)]
mod tests;
