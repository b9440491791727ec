//! The reports index: the landing page `aftermath run` writes beside the reports, listing the
//! weekly reports (organisation and per team), the continuous-improvement report and the
//! postmortems by section, with relative links, the data range, the as-of instant and the
//! version. HTML only; the page carries no figure of its own, so the methods text stays in the
//! reports it links to.
//!
//! Links must be relative paths inside the reports folder: the index is opened from disk or a
//! file share, and a link with a scheme or an absolute path would point outside it.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::report::{Document, Meta, OutputFormat, Renderer};

/// The index's template, registered with the renderer beside the shared ones.
pub const TEMPLATES: &[(&str, &str)] =
    &[("index.html", include_str!("../../templates/index.html"))];

/// One report on the index.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IndexEntry {
    /// The heading it is listed under, e.g. "Weekly reliability".
    pub section: String,
    pub title: String,
    /// Relative path from the index, e.g. `weekly/2026-W46/organisation.html`.
    pub href: String,
    /// A short line beside the link; may be empty.
    pub note: String,
}

/// A section of the index with its entries, in the order given.
#[derive(Debug, Clone, Serialize)]
struct Group {
    title: String,
    entries: Vec<IndexEntry>,
}

#[derive(Debug, Clone, Serialize)]
struct IndexView {
    groups: Vec<Group>,
    count: usize,
}

#[derive(Serialize)]
struct Context<'a> {
    meta: &'a Meta,
    view: &'a IndexView,
}

/// Whether `href` is a relative path that stays below the index's folder.
fn relative(href: &str) -> bool {
    let first = href.split('/').next().unwrap_or("");
    !href.is_empty()
        && !href.starts_with('/')
        && !href.contains('\\')
        && !first.contains(':')
        && !href.split('/').any(|part| part == "..")
}

/// The index page of `entries`, grouped by section in the order sections first appear.
pub fn index(renderer: &Renderer, meta: Meta, entries: &[IndexEntry]) -> Result<Document> {
    let mut groups: Vec<Group> = vec![];
    for e in entries {
        if !relative(&e.href) {
            return Err(Error::Internal(format!(
                "the index link {:?} is not a relative path inside the reports folder",
                e.href
            )));
        }
        match groups.iter_mut().find(|g| g.title == e.section) {
            Some(g) => g.entries.push(e.clone()),
            None => groups.push(Group {
                title: e.section.clone(),
                entries: vec![e.clone()],
            }),
        }
    }
    let view = IndexView {
        groups,
        count: entries.len(),
    };
    let page = renderer.render(
        "index",
        OutputFormat::Html,
        &Context {
            meta: &meta,
            view: &view,
        },
    )?;
    Ok(Document {
        stem: "index".into(),
        pages: vec![(OutputFormat::Html, page)],
        charts: vec![],
        summary: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn meta() -> Meta {
        let as_of = Utc.with_ymd_and_hms(2026, 11, 17, 0, 0, 0).unwrap();
        let mut m = Meta::new(
            "Reliability reports".into(),
            "As of 2026-11-17 00:00 UTC".into(),
            as_of,
            "# Methods\n\nnot shown on the index".into(),
        );
        m.data_range = "incidents detected 2026-05-18 .. 2026-11-15".into();
        m.last_ingest = "2026-11-16T23:00:00Z".into();
        m.period = "2026-W46".into();
        m
    }

    fn entry(section: &str, title: &str, href: &str, note: &str) -> IndexEntry {
        IndexEntry {
            section: section.into(),
            title: title.into(),
            href: href.into(),
            note: note.into(),
        }
    }

    fn entries() -> Vec<IndexEntry> {
        vec![
            entry(
                "Weekly reliability",
                "Organisation, 2026-W46",
                "weekly/2026-W46/organisation.html",
                "all teams",
            ),
            entry(
                "Continuous improvement",
                "Quarter 2026-Q3",
                "improvement/2026-Q3/improvement.html",
                "",
            ),
            entry(
                "Weekly reliability",
                "payments, 2026-W46",
                "weekly/2026-W46/team-payments.html",
                "",
            ),
            entry(
                "Postmortems",
                "<script>alert(1)</script> {{ x }} {% if %} | *_[x](y)",
                "postmortem/pagerduty-PT4KHLK/pagerduty-PT4KHLK.html",
                "SEV1 <b>payments</b>",
            ),
        ]
    }

    fn render(entries: &[IndexEntry]) -> String {
        let r = Renderer::new(TEMPLATES, None).unwrap();
        let doc = index(&r, meta(), entries).unwrap();
        assert_eq!(doc.stem, "index");
        assert_eq!(doc.pages.len(), 1);
        assert!(doc.charts.is_empty());
        doc.pages[0].1.clone()
    }

    #[test]
    fn hostile_titles_are_escaped() {
        let html = render(&entries());
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"),
            "{html}"
        );
        assert!(!html.contains("<script>alert"));
        assert!(!html.contains("<b>payments"));
        // Template syntax in a value is printed, never evaluated.
        assert!(html.contains("{{ x }} {% if %}"));
    }

    #[test]
    fn sections_keep_their_first_order_and_entries_their_order() {
        let html = render(&entries());
        let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("{s} missing"));
        assert!(at("Weekly reliability") < at("Continuous improvement"));
        assert!(at("Continuous improvement") < at("Postmortems"));
        // The second weekly entry is listed under the first section, before the improvement.
        assert!(at("payments, 2026-W46") < at("Continuous improvement"));
    }

    #[test]
    fn links_must_stay_inside_the_reports_folder() {
        let r = Renderer::new(TEMPLATES, None).unwrap();
        for bad in [
            "javascript:alert(1)",
            "https://example.com/x.html",
            "/etc/passwd",
            "../outside.html",
            "",
        ] {
            let e = [entry("S", "t", bad, "")];
            assert!(index(&r, meta(), &e).is_err(), "{bad}");
        }
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render(&entries()));
        insta::assert_snapshot!("empty", render(&[]));
    }
}
