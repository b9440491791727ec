//! Reports: the postmortem, the weekly reliability report and the continuous-improvement report,
//! rendered from tera templates (`render`) with plotters charts (`charts`), as self-contained HTML
//! and as Markdown with the charts as SVG files beside it (`document`).
//!
//! A report module turns metric tables (from `metrics`, never recomputed here) into a serialisable
//! view: display strings already formatted, charts already drawn. Templates only lay the view out,
//! so a user's override cannot get a number wrong. Everything that varies between two runs on the
//! same store is fixed by `--as-of`, so the same inputs give byte-identical files.

pub mod charts;
pub mod coverage;
pub mod document;
pub mod impact;
pub mod improvement;
pub mod index;
pub mod manifest;
pub mod postmortem;
pub mod render;
pub mod set;
pub mod summary;
pub mod text;
pub mod view;
pub mod weekly;

pub use document::{ChartFile, Document};
pub use render::{OutputFormat, Renderer};
pub use set::{Parts, Plan, Session, Span, Written};
pub use view::{ChartView, Column, Meta, TableView};

#[cfg(test)]
pub mod testkit;

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::metrics::Frames;
use crate::metrics::coverage::DataSpan;
use crate::metrics::source::{AlertFacts, AlertSource};

/// What every report builder reads: the store's frames, the config, the as-of instant, the
/// templates, the formats to write, and the facts about the store (`set::Session` holds them).
pub struct Inputs<'a> {
    pub frames: &'a Frames,
    /// Where the alert-scale figures come from: the local engine over `frames`' alerts, or a
    /// scale-out job's output (`metrics::source`).
    pub(crate) alerts: &'a dyn AlertSource,
    /// The alerts' all-time facts from `alerts`, read once per session.
    pub alert_facts: AlertFacts,
    pub cfg: &'a Config,
    pub as_of: DateTime<Utc>,
    pub renderer: &'a Renderer,
    pub formats: &'a [OutputFormat],
    /// Also render every chart as PNG (`--png`).
    pub png: bool,
    /// `2026-05-18 .. 2026-11-15`: first and last detection in the store.
    pub data_range: String,
    /// The end of the newest ingest run, RFC 3339, or "unknown".
    pub last_ingest: String,
    /// The data's span: the first and last incident or alert (`metrics::coverage`).
    pub span: Option<DataSpan>,
    /// Incidents whose postmortem draft is in the output folder (written earlier, or in this
    /// run): the weekly report links them.
    pub drafts: BTreeSet<String>,
    /// Whether the output folder has an index page (`index.html`) the reports link back to.
    pub index: bool,
}

/// Where a report links back to the folder's index, from `weekly/<week>/`, `postmortem/<stem>/`
/// or `improvement/<label>/`.
pub const INDEX_FROM_REPORT: &str = "../../index.html";
