//! The pieces every report view is built from: the report's metadata (what made it, when, from
//! which data, under which definitions), tables of display strings, drawn charts, and links to
//! addresses from the data (only http(s), made safe for an `href` and a Markdown link). All of
//! them serialise into the template context.

use chrono::{DateTime, Utc};
use polars::prelude::*;
use serde::Serialize;

use super::charts::{Chart, ChartStyle, to_png, to_svg};
use crate::config::Config;
use crate::error::Result;

/// What every report says about itself (`meta` in the templates).
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub title: String,
    pub subtitle: String,
    pub version: String,
    /// The `--as-of` instant, RFC 3339 UTC.
    pub as_of: String,
    /// `2026-05-18 .. 2026-11-15` (first and last detection in the store).
    pub data_range: String,
    pub last_ingest: String,
    pub period: String,
    pub period_by: String,
    /// The methods text (`aftermath metrics --explain`), as Markdown and as HTML.
    pub methods_md: String,
    pub methods_html: String,
    /// Warnings shown under the subtitle, such as a period reaching outside the data.
    pub banners: Vec<String>,
    /// The folder's index page relative to this report (`../../index.html`), or empty when the
    /// report was written without one.
    pub index: String,
}

impl Meta {
    /// `methods_md` is the explain text; its HTML is rendered here, escaped, by pulldown-cmark.
    pub fn new(title: String, subtitle: String, as_of: DateTime<Utc>, methods_md: String) -> Meta {
        let parser = pulldown_cmark::Parser::new(&methods_md).map(|ev| match ev {
            // Our own text, but never trust markup inside it: raw HTML is shown as text.
            pulldown_cmark::Event::Html(t) | pulldown_cmark::Event::InlineHtml(t) => {
                pulldown_cmark::Event::Text(t)
            }
            e => e,
        });
        let mut methods_html = String::new();
        pulldown_cmark::html::push_html(&mut methods_html, parser);
        Meta {
            title,
            subtitle,
            version: env!("CARGO_PKG_VERSION").to_string(),
            as_of: as_of.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            data_range: String::new(),
            last_ingest: "unknown".into(),
            period: String::new(),
            period_by: "detected_at".into(),
            methods_md,
            methods_html,
            banners: vec![],
            index: String::new(),
        }
    }
}

/// A table column: its heading and whether it is right-aligned.
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub name: String,
    pub numeric: bool,
}

/// A table of display strings, with the sentence to print when it has no rows.
#[derive(Debug, Clone, Serialize, Default)]
pub struct TableView {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    /// Rows to highlight (a flagged rule, an over-limit shift); empty or one entry per row.
    pub flags: Vec<bool>,
    /// Cells that are links: empty, or one entry per row of one per cell, each a `safe_url`
    /// address, a relative path to another report of the folder, or none. The cell's text is the
    /// link's label. These are the HTML page's links.
    pub links: Vec<Vec<Option<String>>>,
    /// The same for the Markdown page: a link to another report points at its `.md` file.
    pub links_md: Vec<Vec<Option<String>>>,
    pub empty: String,
}

/// Where a table cell links.
pub enum Href<'a> {
    /// An address from the data: linked only when it is an http(s) one (`safe_url`).
    Web(&'a str),
    /// Another report of the output folder, relative to this one and without its extension
    /// (`../../postmortem/csv-e1/csv-e1`): `.html` from the HTML page, `.md` from the Markdown.
    /// The parts are file stems we made (`postmortem::stem`), so they need no escaping.
    Report(String),
}

impl TableView {
    pub fn new(headings: &[(&str, bool)], empty: &str) -> TableView {
        TableView {
            columns: headings
                .iter()
                .map(|(n, numeric)| Column {
                    name: (*n).to_string(),
                    numeric: *numeric,
                })
                .collect(),
            rows: vec![],
            flags: vec![],
            links: vec![],
            links_md: vec![],
            empty: empty.to_string(),
        }
    }

    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// Add a row whose cells may link somewhere: `(text, address)`, the address an http(s) one
    /// or it is not linked (see `safe_url`).
    pub fn push_linked(&mut self, row: Vec<(String, Option<&str>)>) {
        self.push_href(
            row.into_iter()
                .map(|(text, url)| (text, url.map(Href::Web)))
                .collect(),
        );
    }

    /// Add a row whose cells may link to an address from the data or to another report.
    pub fn push_href(&mut self, row: Vec<(String, Option<Href>)>) {
        // Earlier rows had no links: give them empty entries so rows and links stay aligned.
        self.links.resize(self.rows.len(), vec![]);
        self.links_md.resize(self.rows.len(), vec![]);
        let target = |h: &Option<Href>, ext: &str| match h {
            Some(Href::Web(url)) => safe_url(url),
            Some(Href::Report(path)) => Some(format!("{path}.{ext}")),
            None => None,
        };
        self.links
            .push(row.iter().map(|(_, h)| target(h, "html")).collect());
        self.links_md
            .push(row.iter().map(|(_, h)| target(h, "md")).collect());
        self.rows
            .push(row.into_iter().map(|(text, _)| text).collect());
    }
}

/// A drawn chart: its SVG inline for HTML, and the file name the Markdown links to.
#[derive(Debug, Clone, Serialize)]
pub struct ChartView {
    /// File stem and HTML id, e.g. `ttr-strip`.
    pub name: String,
    pub caption: String,
    pub svg: String,
    /// Relative path of the image the Markdown shows, beside it: the PNG under `--png` (mail
    /// clients and many Markdown viewers show no SVG), else the SVG, e.g. `charts/ttr-strip.svg`.
    pub file: String,
    #[serde(skip)]
    pub png: Option<Vec<u8>>,
}

impl ChartView {
    pub fn draw(name: &str, caption: &str, chart: &Chart, png: bool) -> Result<ChartView> {
        let style = ChartStyle::default();
        Ok(ChartView {
            name: name.to_string(),
            caption: caption.to_string(),
            svg: to_svg(chart, &style)?,
            file: format!("charts/{name}.{}", if png { "png" } else { "svg" }),
            png: if png {
                Some(to_png(chart, &style)?)
            } else {
                None
            },
        })
    }
}

/// A link the templates may render as one: `url` is an http(s) address, percent-encoded.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub label: String,
    pub url: String,
}

/// The page of an incident in its source tool: the address its export gave (`incidents.url`) when
/// it is http(s), else the config's `[sources.<name>] incident_url` filled in. The export's own
/// address wins because it names the account, which a template can only be told.
pub fn incident_page(
    cfg: &Config,
    stored: Option<&str>,
    source: &str,
    source_id: &str,
    number: Option<&str>,
    incident_id: &str,
) -> Option<String> {
    stored
        .filter(|u| safe_url(u).is_some())
        .map(|u| u.trim().to_string())
        .or_else(|| cfg.incident_url(source, source_id, number, incident_id))
}

/// An http(s) address made safe to place in an `href` or a Markdown link: anything else (a
/// `javascript:` address, a relative path) is not linked; spaces, quotes, brackets and
/// parentheses are percent-encoded so they cannot end the link.
pub fn safe_url(url: &str) -> Option<String> {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return None;
    }
    let mut out = String::with_capacity(u.len());
    for c in u.chars() {
        match c {
            c if c.is_ascii_alphanumeric() => out.push(c),
            '-' | '.' | '_' | '~' | ':' | '/' | '?' | '#' | '@' | '!' | '$' | '&' | '+' | ','
            | ';' | '=' | '%' => out.push(c),
            c => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
        }
    }
    Some(out)
}

/// A short name for a ticket link: the last segment of its path (`REL-1042` of
/// `https://tickets.example.com/browse/REL-1042`), else its host, else the address.
pub fn ticket_label(url: &str) -> String {
    let u = url.trim();
    let rest = u.split_once("://").map_or(u, |(_, r)| r);
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let mut parts = rest.split('/').filter(|s| !s.is_empty());
    let host = parts.next();
    parts
        .next_back()
        .or(host)
        .map_or_else(|| u.to_string(), str::to_string)
}

/// One sentence naming the comparisons that had too few closed incidents for a verdict, each with
/// its counts (`groups`, e.g. "SEV2 TTR (1 vs 2)"), against `baseline` ("this week vs the previous
/// four"); empty when there are none. A row each said "insufficient data" many times over.
pub fn too_few_to_compare(baseline: &str, groups: &[String]) -> String {
    if groups.is_empty() {
        return String::new();
    }
    format!(
        "Too few closed incidents to compare (at least {} in each period are needed; {baseline}): \
         {}.",
        crate::metrics::stats::MIN_PER_PERIOD,
        groups.join(", ")
    )
}

/// Text of a string cell of `df` at `row`, or "" (null).
pub fn cell_str(df: &DataFrame, col: &str, row: usize) -> String {
    df.column(col)
        .ok()
        .and_then(|c| c.get(row).ok())
        .map(|v| match v {
            AnyValue::Null => String::new(),
            AnyValue::String(s) => s.to_string(),
            AnyValue::StringOwned(s) => s.to_string(),
            other => other.to_string(),
        })
        .unwrap_or_default()
}

/// A numeric cell of `df` at `row` as f64, or None (null, absent, not a number).
pub fn cell_f64(df: &DataFrame, col: &str, row: usize) -> Option<f64> {
    df.column(col)
        .ok()
        .and_then(|c| c.get(row).ok())
        .and_then(|v| v.extract::<f64>())
}
