//! Reports: the postmortem, the weekly reliability report and the continuous-improvement report,
//! rendered from tera templates (`render`) with plotters charts (`charts`), as self-contained HTML
//! and as Markdown with the charts as SVG files beside it (`document`).
//!
//! A report module turns metric tables (from `metrics`, never recomputed here) into a serialisable
//! view: display strings already formatted, charts already drawn. Templates only lay the view out,
//! so a user's override cannot get a number wrong. Everything that varies between two runs on the
//! same store is fixed by `--as-of`, so the same inputs give byte-identical files.

pub mod charts;
pub mod document;
pub mod render;
pub mod view;

pub use document::{ChartFile, Document};
pub use render::{OutputFormat, Renderer};
pub use view::{ChartView, Column, Meta, TableView};
