//! The report charts: plain data in, an SVG string or PNG bytes out.
//!
//! One [`Chart`] value per picture (interval bands, XmR, strip/box plot, incident timeline, paging
//! heatmap, stacked bucket bars, small multiples); [`to_svg`] and [`to_png`] draw the same chart
//! with plotters' SVG or bitmap backend. Text is laid out with the bundled DejaVu Sans (registered
//! once, never looked up on the system), colours come from the Okabe-Ito palette, and nothing
//! depends on the clock, a random generator or hash order, so one input always gives the same
//! bytes. A chart without data still renders: its title and the words "no data".

mod axis;
mod bands;
mod buckets;
mod heatmap;
mod multiples;
mod png;
mod strip;
mod style;
mod timeline;
mod xmr;

#[cfg(test)]
mod tests;

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::{Error, Result};

pub use crate::report::text::duration_label;
pub use bands::{BandPoint, IntervalBands};
pub use buckets::{BucketBars, BucketRow};
pub use heatmap::PagingHeatmap;
pub use multiples::{Panel, PanelScale, SmallMultiples};
pub use strip::{StripChart, StripGroup, StripValue};
pub use style::{OKABE_ITO, sequential};
pub use timeline::{KeyInstants, TimelineChart, TimelineMark};
pub use xmr::{XmrChart, XmrPoint};

/// The font compiled into the program: text measures the same on every machine.
static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// The family every chart asks for; the bundled font is registered under it.
const FAMILY: &str = "sans-serif";

/// Text sizes in plotters units (the SVG `font-size` is this / 1.24), chosen to stay readable at
/// 720 x 360.
const TITLE_PX: f64 = 20.0;
const DESC_PX: f64 = 15.0;
const TICK_PX: f64 = 13.0;
// 11.5 is drawn as 9.3 px text in the SVG (plotters writes sizes at 1/1.24): the smallest text a
// report shows, at least 9 CSS px (11 gave 8.9).
const SMALL_PX: f64 = 11.5;
/// Margin around a chart's frame, in pixels.
const MARGIN: u32 = 10;

/// Pixel size of a rendered chart. Default 720 x 360, the size the fonts are tuned for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartStyle {
    pub width: u32,
    pub height: u32,
}

impl Default for ChartStyle {
    fn default() -> Self {
        ChartStyle {
            width: 720,
            height: 360,
        }
    }
}

impl ChartStyle {
    /// A chart smaller than this has no room for its axes; larger ones waste memory (the PNG
    /// buffer is width x height x 3 bytes).
    const MIN: u32 = 160;
    const MAX: u32 = 8000;

    fn check(&self) -> Result<()> {
        let ok = |v: u32| (Self::MIN..=Self::MAX).contains(&v);
        if ok(self.width) && ok(self.height) {
            Ok(())
        } else {
            Err(Error::Internal(format!(
                "chart size {}x{} is outside {}..={} pixels per side",
                self.width,
                self.height,
                Self::MIN,
                Self::MAX
            )))
        }
    }
}

/// One chart of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    Bands(IntervalBands),
    Xmr(XmrChart),
    Strip(StripChart),
    Timeline(TimelineChart),
    /// Boxed: its 7 x 24 counts are stored inline and would make every `Chart` that large.
    Heatmap(Box<PagingHeatmap>),
    Buckets(BucketBars),
    Multiples(SmallMultiples),
}

impl Chart {
    pub fn title(&self) -> &str {
        match self {
            Chart::Bands(c) => &c.title,
            Chart::Xmr(c) => &c.title,
            Chart::Strip(c) => &c.title,
            Chart::Timeline(c) => &c.title,
            Chart::Heatmap(c) => &c.title,
            Chart::Buckets(c) => &c.title,
            Chart::Multiples(c) => &c.title,
        }
    }

    /// True when there is nothing to plot; the chart then renders as "no data".
    pub fn is_empty(&self) -> bool {
        match self {
            Chart::Bands(c) => c.is_empty(),
            Chart::Xmr(c) => c.is_empty(),
            Chart::Strip(c) => c.is_empty(),
            Chart::Timeline(c) => c.is_empty(),
            Chart::Heatmap(c) => c.is_empty(),
            Chart::Buckets(c) => c.is_empty(),
            Chart::Multiples(c) => c.is_empty(),
        }
    }
}

macro_rules! chart_from {
    ($($variant:ident($ty:ty)),* $(,)?) => {
        $(impl From<$ty> for Chart {
            fn from(c: $ty) -> Self {
                Chart::$variant(c.into())
            }
        })*
    };
}
chart_from!(
    Bands(IntervalBands),
    Xmr(XmrChart),
    Strip(StripChart),
    Timeline(TimelineChart),
    Heatmap(PagingHeatmap),
    Buckets(BucketBars),
    Multiples(SmallMultiples),
);

/// The chart as a standalone SVG document. Text from the data is XML-escaped by plotters' SVG
/// backend (`<`, `>`, `&`, `"`, `'`), so a team name cannot inject markup.
pub fn to_svg(chart: &Chart, style: &ChartStyle) -> Result<String> {
    style.check()?;
    ensure_font()?;
    let mut out = String::new();
    {
        let root =
            SVGBackend::with_string(&mut out, (style.width, style.height)).into_drawing_area();
        render(chart, &root).map_err(draw_error)?;
        root.present().map_err(draw_error)?;
    }
    Ok(out)
}

/// The same chart as PNG bytes (8-bit RGB), drawn into memory and encoded without touching disk.
pub fn to_png(chart: &Chart, style: &ChartStyle) -> Result<Vec<u8>> {
    style.check()?;
    ensure_font()?;
    let (w, h) = (style.width, style.height);
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        render(chart, &root).map_err(draw_error)?;
        root.present().map_err(draw_error)?;
    }
    png::encode_rgb(w, h, &rgb)
}

/// Result of drawing on a backend `DB`.
type DrawResult<DB> =
    std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn draw_error(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("drawing a chart failed: {e}"))
}

fn render<DB: DrawingBackend>(chart: &Chart, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    if chart.is_empty() {
        return no_data(root, chart.title());
    }
    match chart {
        Chart::Bands(c) => bands::draw(c, root),
        Chart::Xmr(c) => xmr::draw(c, root),
        Chart::Strip(c) => strip::draw(c, root),
        Chart::Timeline(c) => timeline::draw(c, root),
        Chart::Heatmap(c) => heatmap::draw(c, root),
        Chart::Buckets(c) => buckets::draw(c, root),
        Chart::Multiples(c) => multiples::draw(c, root),
    }
}

/// The title and "no data" in the middle: an empty period still gets a chart, which says so.
fn no_data<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, title: &str) -> DrawResult<DB> {
    let (w, h) = root.dim_in_pixel();
    let centre = Pos::new(HPos::Center, VPos::Center);
    if !title.is_empty() {
        let style = font(TITLE_PX).pos(centre);
        root.draw(&Text::new(title, (w as i32 / 2, 24), style))?;
    }
    let style = font(DESC_PX).color(&style::GREY).pos(centre);
    root.draw(&Text::new("no data", (w as i32 / 2, h as i32 / 2), style))
}

/// The common frame of a chart: margins, room for tick labels and axis titles, the title.
fn builder<'a, 'b, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, Shift>,
    title: &str,
    y_label_area: u32,
) -> ChartBuilder<'a, 'b, DB> {
    let mut b = ChartBuilder::on(root);
    b.margin(MARGIN)
        .margin_right(24)
        .x_label_area_size(46)
        .y_label_area_size(y_label_area);
    if !title.is_empty() {
        b.caption(title, font(TITLE_PX));
    }
    b
}

/// A chart over a category x axis and a ticked y axis.
type CategoryChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<axis::Ticked, axis::Ticked>>;

/// The frame the bands, strip and XmR charts share: one x slot per category label (labels thinned
/// to one per `px_per_label` pixels), a ticked y axis formatted by `y_fmt`, the light mesh and
/// the axis titles, drawn on `main` (the area above the key).
#[allow(clippy::too_many_arguments)]
fn category_chart<'a, DB: DrawingBackend>(
    main: &'a DrawingArea<DB, Shift>,
    title: &str,
    y_label_area: u32,
    labels: &[String],
    px_per_label: usize,
    y: &axis::Ticked,
    axis_titles: (&str, &str),
    y_fmt: &dyn Fn(&f64) -> String,
) -> std::result::Result<CategoryChart<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let n = labels.len();
    let max_labels = (main.dim_in_pixel().0 as usize).saturating_sub(120) / px_per_label;
    let x_range = axis::Ticked::new(-0.5..n as f64 - 0.5, axis::category_ticks(n, max_labels));
    let mut chart = builder(main, title, y_label_area).build_cartesian_2d(x_range, y.clone())?;
    let x_fmt = |v: &f64| axis::category_label(labels, *v);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(style::LIGHT_GREY)
        .x_desc(axis_titles.0)
        .y_desc(axis_titles.1)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style(font(TICK_PX))
        .axis_desc_style(font(DESC_PX))
        .draw()?;
    Ok(chart)
}

/// A text style in the bundled family.
fn font(size: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size).into_font()).color(&BLACK)
}

/// Register the bundled font once per process. plotters' ab_glyph fonts live in a global table,
/// so registering again would be harmless but wasteful.
fn ensure_font() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FAMILY, FontStyle::Normal, FONT_BYTES).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(Error::Internal(
            "the bundled chart font could not be parsed".to_string(),
        ))
    }
}
