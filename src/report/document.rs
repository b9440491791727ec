//! Writing a rendered report: its HTML and Markdown files, and the charts the Markdown links to
//! (`charts/<name>.svg`, plus `.png` with `--png`), into one folder. Each file is written under a
//! temporary name and renamed, so an open browser or a sync tool never sees half a file. A report
//! with a summary (`summary.rs`) gets `<stem>.summary.json` beside its pages, for delivery.

use std::path::{Path, PathBuf};

use super::render::OutputFormat;
use super::view::ChartView;
use crate::error::{IoContext, Result};

/// A chart's files beside the Markdown.
pub struct ChartFile {
    pub name: String,
    pub svg: String,
    pub png: Option<Vec<u8>>,
}

impl From<&ChartView> for ChartFile {
    fn from(c: &ChartView) -> ChartFile {
        ChartFile {
            name: c.name.clone(),
            svg: c.svg.clone(),
            png: c.png.clone(),
        }
    }
}

/// One report, rendered: `<stem>.html` and/or `<stem>.md`, and its charts.
pub struct Document {
    pub stem: String,
    pub pages: Vec<(OutputFormat, String)>,
    pub charts: Vec<ChartFile>,
    /// What delivery reads (`<stem>.summary.json`); none for the index.
    pub summary: Option<super::summary::Summary>,
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension(format!(
        "{}.tmp",
        path.extension().and_then(|e| e.to_str()).unwrap_or("")
    ));
    std::fs::write(&tmp, bytes).at(&tmp)?;
    std::fs::rename(&tmp, path).at(path)
}

impl Document {
    /// Write every file into `dir` (created if needed); returns the page paths, HTML first.
    pub fn write(&self, dir: &Path) -> Result<Vec<PathBuf>> {
        std::fs::create_dir_all(dir).at(dir)?;
        // Chart files are written only when a Markdown page links to them: the HTML inlines them.
        let md = self.pages.iter().any(|(f, _)| *f == OutputFormat::Markdown);
        let pngs = self.charts.iter().any(|c| c.png.is_some());
        if (md || pngs) && !self.charts.is_empty() {
            let cd = dir.join("charts");
            std::fs::create_dir_all(&cd).at(&cd)?;
            for c in &self.charts {
                if md {
                    write_atomic(&cd.join(format!("{}.svg", c.name)), c.svg.as_bytes())?;
                }
                if let Some(png) = &c.png {
                    write_atomic(&cd.join(format!("{}.png", c.name)), png)?;
                }
            }
        }
        if let Some(s) = &self.summary {
            let p = dir.join(format!("{}{}", self.stem, super::summary::SUFFIX));
            write_atomic(&p, s.to_json()?.as_bytes())?;
        }
        let mut pages = self.pages.clone();
        pages.sort_by_key(|(f, _)| *f);
        let mut out = vec![];
        for (format, text) in &pages {
            let p = dir.join(format!("{}.{}", self.stem, format.extension()));
            write_atomic(&p, text.as_bytes())?;
            out.push(p);
        }
        Ok(out)
    }
}
