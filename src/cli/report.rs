//! `aftermath report postmortem|weekly|improvement`: the flags of each report, the shared ones
//! (`--format`, `--templates`, `--png`, `--as-of`, `--out`), and the steps around the report
//! builders: read the store, load the templates, write the files, print where they are.
//!
//! `run` renders its set of reports through [`render_all`], so the batch job and the command give
//! the same files.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::Context;
use super::metrics::{frames, parse_as_of};
use super::stdout::outln;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::metrics::scope::{parse_week, resolve_period};
use crate::metrics::{Frames, Scope};
use crate::model::columns::DETECTED_AT;
use crate::report::index::IndexEntry;
use crate::report::{
    Inputs, Meta, OutputFormat, Renderer, coverage, improvement, index, postmortem, weekly,
};
use crate::store::Store;

#[derive(Debug, clap::Args)]
pub struct Common {
    /// Output formats, comma-separated: html, md
    #[arg(long, default_value = "html,md", global = true)]
    pub format: String,
    /// A folder of templates overriding the built-in ones [default: the config's `templates`]
    #[arg(long, value_name = "DIR", global = true)]
    pub templates: Option<PathBuf>,
    /// Also write every chart as PNG beside the Markdown
    #[arg(long, global = true)]
    pub png: bool,
    /// Judge the data as of this instant (RFC 3339 or YYYY-MM-DD): the same store, config and
    /// --as-of give byte-identical files [default: now]
    #[arg(long, value_name = "INSTANT", global = true)]
    pub as_of: Option<String>,
    /// Output folder [default: the config's `reports`]
    #[arg(long, short, value_name = "DIR", global = true)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, clap::Subcommand)]
pub enum Kind {
    /// One incident's postmortem, prefilled with everything the data knows
    Postmortem {
        /// The incident id, e.g. pagerduty:PT4KHLK
        #[arg(long)]
        incident: String,
    },
    /// The weekly reliability report of a team or of the organisation
    Weekly {
        /// The ISO week, e.g. 2026-W46 [default: the last complete week before --as-of]
        #[arg(long)]
        week: Option<String>,
        /// Only this team
        #[arg(long, conflicts_with = "all_teams")]
        team: Option<String>,
        /// The organisation report with a section per team, and a file per team (the default)
        #[arg(long)]
        all_teams: bool,
    },
    /// The continuous-improvement report of a quarter or a range, month by month
    Improvement {
        /// A quarter, e.g. 2026-Q3 [default: the last complete quarter]
        #[arg(long, conflicts_with_all = ["from", "to"])]
        quarter: Option<String>,
        /// First day of the range (YYYY-MM-DD)
        #[arg(long)]
        from: Option<String>,
        /// Day after the range (YYYY-MM-DD)
        #[arg(long)]
        to: Option<String>,
    },
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub kind: Kind,
    #[command(flatten)]
    pub common: Common,
}

/// Everything the builders share, owned.
pub struct Prepared {
    pub frames: Frames,
    pub renderer: Renderer,
    pub formats: Vec<OutputFormat>,
    pub as_of: DateTime<Utc>,
    pub png: bool,
    pub data_range: String,
    pub last_ingest: String,
}

impl Prepared {
    pub fn new(
        store: &Store,
        cfg: &Config,
        formats: &str,
        templates: Option<&Path>,
        png: bool,
        as_of: DateTime<Utc>,
    ) -> Result<Prepared> {
        if !store.exists() {
            return Err(Error::store(
                store.root(),
                "no store here yet; run `aftermath ingest <files>` or `aftermath run` first",
            ));
        }
        let mut extra: Vec<(&str, &str)> = vec![];
        extra.extend(weekly::TEMPLATES);
        extra.extend(postmortem::TEMPLATES);
        extra.extend(improvement::TEMPLATES);
        extra.extend(index::TEMPLATES);
        let templates = templates.or(cfg.templates.as_deref());
        let frames = frames(store, as_of)?;
        let span = crate::metrics::overview::span(frames.incidents.clone(), DETECTED_AT)
            .collect()
            .map_err(|e| Error::Query(e.to_string()))?;
        let day = |c: &str| {
            span.column(c)
                .ok()
                .and_then(|c| c.get(0).ok())
                .and_then(|v| v.extract::<i64>())
                .and_then(DateTime::from_timestamp_micros)
                .map(|d| d.format("%Y-%m-%d").to_string())
        };
        let data_range = match (day("first"), day("last")) {
            (Some(a), Some(b)) => format!("incidents detected {a} .. {b}"),
            _ => "no incidents".into(),
        };
        // The last run that changed the data, not merely the last run: re-ingesting the same
        // inputs (every `aftermath run`) must not change a report of the same store.
        let last_ingest = store
            .meta()?
            .runs
            .iter()
            .rev()
            .find(|r| r.tables.values().any(|t| t.inserted + t.updated > 0))
            .map(|r| r.finished_at.clone())
            .unwrap_or_else(|| "unknown".into());
        Ok(Prepared {
            frames,
            renderer: Renderer::new(&extra, templates)?,
            formats: OutputFormat::parse_list(formats)?,
            as_of,
            png,
            data_range,
            last_ingest,
        })
    }

    pub fn inputs<'a>(&'a self, cfg: &'a Config) -> Inputs<'a> {
        Inputs {
            frames: &self.frames,
            cfg,
            as_of: self.as_of,
            renderer: &self.renderer,
            formats: &self.formats,
            png: self.png,
            data_range: self.data_range.clone(),
            last_ingest: self.last_ingest.clone(),
        }
    }
}

fn print_written(paths: &[PathBuf]) {
    for p in paths {
        outln!("wrote {}", p.display());
    }
}

pub fn run(ctx: &Context, args: Args) -> Result<()> {
    let c = &args.common;
    let as_of = parse_as_of(c.as_of.as_deref())?;
    let prepared = Prepared::new(
        &ctx.store,
        &ctx.config,
        &c.format,
        c.templates.as_deref(),
        c.png,
        as_of,
    )?;
    let inp = prepared.inputs(&ctx.config);
    let out = c.out.clone().unwrap_or_else(|| ctx.config.reports.clone());
    match args.kind {
        Kind::Postmortem { incident } => {
            let doc = postmortem::postmortem(&inp, &incident)?;
            print_written(&doc.write(&out.join("postmortem").join(&doc.stem))?);
        }
        Kind::Weekly {
            week,
            team,
            all_teams: _,
        } => {
            let period = match week {
                Some(w) => {
                    let week = parse_week(&w)?;
                    coverage::refuse_future(&prepared.frames, week, as_of)?;
                    week
                }
                None => {
                    let (week, why) = coverage::report_week(&prepared.frames, as_of)?;
                    why.iter().for_each(|w| eprintln!("note: {w}"));
                    week
                }
            };
            if let Some(w) = coverage::not_judged(&prepared.frames, period, as_of)? {
                eprintln!("warning: {w}");
            }
            let teams: Vec<String> = team.into_iter().collect();
            let docs = weekly::weekly(&inp, period, &teams, teams.is_empty())?;
            let dir = out.join("weekly").join(period.label());
            for d in docs {
                print_written(&d.write(&dir)?);
            }
        }
        Kind::Improvement { quarter, from, to } => {
            let (period, label) = match (quarter, &from, &to) {
                (Some(q), _, _) => (improvement::parse_quarter(&q)?, q),
                (None, None, None) => {
                    let (quarter, label, why) = coverage::report_quarter(&prepared.frames, as_of)?;
                    why.iter().for_each(|w| eprintln!("note: {w}"));
                    (quarter, label)
                }
                (None, f, t) => {
                    let p = resolve_period(f.as_deref(), t.as_deref(), None, None, as_of)?;
                    (p, p.label())
                }
            };
            coverage::refuse_future(&prepared.frames, period, as_of)?;
            let doc = improvement::improvement(&inp, period, &label)?;
            let dir = out.join("improvement").join(label.replace([' ', '.'], ""));
            print_written(&doc.write(&dir)?);
        }
    }
    Ok(())
}

/// `run`'s set: the weekly reports of the last complete week (organisation and per team), the
/// improvement report of the last complete quarter, a postmortem for every SEV1/SEV2 incident of
/// that week, and `index.html` linking them all. Returns the index's path.
pub fn render_all(ctx: &Context, as_of: DateTime<Utc>, out: &Path) -> Result<Rendered> {
    let cfg = &ctx.config;
    // Emails carry the charts inline as PNG: draw them when an email destination will want them.
    let png = cfg.deliver.iter().any(|d| d.kind() == "email");
    let prepared = Prepared::new(&ctx.store, cfg, "html,md", None, png, as_of)?;
    let inp = prepared.inputs(cfg);
    let mut entries = vec![];
    let mut notes = vec![];
    let (week, why) = coverage::report_week(inp.frames, as_of)?;
    notes.extend(why);
    notes.extend(coverage::not_judged(inp.frames, week, as_of)?);
    let wdir = format!("weekly/{}", week.label());
    for d in weekly::weekly(&inp, week, &[], true)? {
        d.write(&out.join(&wdir))?;
        let title = if d.stem == "organisation" {
            format!("Organisation, {}", week.label())
        } else {
            format!("{}, {}", d.stem.trim_start_matches("team-"), week.label())
        };
        entries.push(IndexEntry {
            section: "Weekly reliability".into(),
            title,
            href: format!("{wdir}/{}.html", d.stem),
            note: String::new(),
        });
    }
    let (quarter, qlabel, why) = coverage::report_quarter(inp.frames, as_of)?;
    notes.extend(why);
    let qdir = format!("improvement/{qlabel}");
    improvement::improvement(&inp, quarter, &qlabel)?.write(&out.join(&qdir))?;
    entries.push(IndexEntry {
        section: "Continuous improvement".into(),
        title: format!("Quarter {qlabel}"),
        href: format!("{qdir}/improvement.html"),
        note: String::new(),
    });
    let eligible = postmortem::recent_major(&inp, week)?;
    let chosen = &cfg.postmortems;
    let major = postmortem::first_to_review(eligible.clone(), chosen.max_per_run as usize);
    let mut titles = major.iter().map(|m| m.incident_id.clone());
    // A batch of drafts takes a while at an organisation's size: show it on a terminal.
    let bar = if major.len() > 10 && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        let b = indicatif::ProgressBar::new(major.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} eta {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b.set_message("postmortems");
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    postmortem::postmortems(&inp, &major, &mut |d| {
        bar.inc(1);
        let pdir = format!("postmortem/{}", d.stem);
        d.write(&out.join(&pdir))?;
        entries.push(IndexEntry {
            section: "Postmortems".into(),
            title: titles.next().unwrap_or_default(),
            href: format!("{pdir}/{}.html", d.stem),
            note: String::new(),
        });
        Ok(())
    })?;
    bar.finish_and_clear();
    let scope = Scope::new(week, as_of);
    let mut meta = Meta::new(
        "Reliability reports".into(),
        format!("As of {}", as_of.format("%Y-%m-%d %H:%M UTC")),
        as_of,
        crate::metrics::explain::explain(cfg, Some(&scope)),
    );
    meta.data_range = prepared.data_range.clone();
    meta.last_ingest = prepared.last_ingest.clone();
    meta.period = week.label();
    let idx = index::index(&prepared.renderer, meta, &entries)?;
    let written = idx.write(out)?;
    let index = written
        .into_iter()
        .next()
        .ok_or_else(|| Error::Internal("the index wrote no page".into()))?;
    let left_out = eligible
        .iter()
        .filter(|e| !major.iter().any(|m| m.incident_id == e.incident_id))
        .map(|e| e.incident_id.clone())
        .collect();
    Ok(Rendered {
        index,
        week: week.label(),
        quarter: qlabel,
        notes,
        postmortems: major.len(),
        left_out,
    })
}

/// What [`render_all`] wrote.
pub struct Rendered {
    /// The index page (HTML).
    pub index: PathBuf,
    /// The report week's label.
    pub week: String,
    /// The improvement report's quarter label.
    pub quarter: String,
    /// Why the week or quarter is not the last complete one before as-of (the data end earlier).
    pub notes: Vec<String>,
    /// Postmortem drafts written.
    pub postmortems: usize,
    /// Incidents of the week that qualified but were past `[postmortems] max_per_run`.
    pub left_out: Vec<String>,
}
