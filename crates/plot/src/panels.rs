//! [`panels`]: several figures in a grid, like matplotlib's `fig, axes = plt.subplots(2, 3)`
//! — e.g. the workshop's observation, prediction and difference maps above RMSE,
//! correlation and MAE maps, each with its own colormap, limits, colorbar and title.
//!
//! Panels fill the grid in row-major order (left to right, then the next row); cells without
//! a panel stay white. Every panel is drawn at its cell's size: the size set on a panel
//! itself (e.g. [`Map::size`]) is ignored.
//!
//! ```
//! use cumulus_chunked::ChunkedArray;
//! use cumulus_labeled::{DataArray, Variable};
//! use cumulus_plot::{Colormap, map, panels};
//! use ndarray::{ArrayD, IxDyn};
//!
//! let field = |name: &str, f: fn(usize, usize) -> f64| {
//!     let a = ArrayD::from_shape_fn(IxDyn(&[3, 4]), |i| f(i[0], i[1]));
//!     DataArray::new(name, Variable::new(&["latitude", "longitude"], ChunkedArray::from_array(a, &[3, 4]).unwrap()).unwrap())
//!         .with_coord("latitude", Variable::from_vec("latitude", vec![25.0f64, 24.0, 23.0])).unwrap()
//!         .with_coord("longitude", Variable::from_vec("longitude", vec![120.0f64, 121.0, 122.0, 123.0])).unwrap()
//! };
//! let obs = field("obs", |i, j| 290.0 + (i + j) as f64);
//! let pred = field("pred", |i, j| 291.0 + (i * j) as f64);
//! let diff = field("diff", |i, j| (i + j) as f64 - 1.0 - (i * j) as f64);
//! let fig = panels(1, 3)
//!     .map(map(&obs).title("Observation"))
//!     .map(map(&pred).title("Prediction"))
//!     .map(map(&diff).cmap(Colormap::RdBuR).title("Prediction − observation"))
//!     .title("2 m temperature")
//!     .size(1500, 450);
//! let svg = fig.to_svg().unwrap();
//! assert!(svg.contains("Observation") && svg.contains("Prediction − observation") && svg.contains("2 m temperature"));
//! ```

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::bar::{self, BarChart};
use crate::colormap::Colormap;
use crate::confusion::{self, ConfusionMatrix};
use crate::error::{PlotError, Result, draw_err};
use crate::field::Field;
use crate::font::FAMILY;
use crate::limits::{self, LimitOptions, Resolved};
use crate::line::{self, LineChart};
use crate::map::{self, Map};
use crate::output::{self, Draw, outputs};
use crate::task_stream::{self, TaskStream};

/// Height of the band for the figure title (matplotlib's `suptitle`).
const SUPTITLE_H: i32 = 40;
/// Default size of one cell.
const CELL: (u32, u32) = (520, 400);

/// Start a figure with `rows` × `cols` panels (matplotlib's `plt.subplots(rows, cols)`).
/// Add panels with [`Panels::map`] or [`Panels::panel`]; the default size gives each cell
/// 520 × 400 pixels.
pub fn panels(rows: usize, cols: usize) -> Panels {
    Panels { rows, cols, panels: Vec::new(), title: None, size: None, shared_colorbar: false }
}

/// One panel of a [`Panels`] figure: any figure of this crate.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Panel {
    /// A map ([`map`](crate::map())).
    Map(Map),
    /// A line chart ([`line_chart`](crate::line_chart)).
    Line(LineChart),
    /// A bar chart ([`bar_chart`](crate::bar_chart)).
    Bar(BarChart),
    /// A confusion matrix ([`confusion_matrix`](crate::confusion_matrix)).
    ConfusionMatrix(ConfusionMatrix),
    /// A task-stream chart ([`task_stream`](crate::task_stream::task_stream)), e.g. beside
    /// the bar chart of task counts in the chunk-size experiment.
    TaskStream(TaskStream),
}

impl From<Map> for Panel {
    fn from(m: Map) -> Panel {
        Panel::Map(m)
    }
}

impl From<LineChart> for Panel {
    fn from(c: LineChart) -> Panel {
        Panel::Line(c)
    }
}

impl From<BarChart> for Panel {
    fn from(c: BarChart) -> Panel {
        Panel::Bar(c)
    }
}

impl From<ConfusionMatrix> for Panel {
    fn from(c: ConfusionMatrix) -> Panel {
        Panel::ConfusionMatrix(c)
    }
}

impl From<TaskStream> for Panel {
    fn from(c: TaskStream) -> Panel {
        Panel::TaskStream(c)
    }
}

impl Panel {
    /// What kind of figure, for messages.
    fn kind(&self) -> &'static str {
        match self {
            Panel::Map(_) => "a map",
            Panel::Line(_) => "a line chart",
            Panel::Bar(_) => "a bar chart",
            Panel::ConfusionMatrix(_) => "a confusion matrix",
            Panel::TaskStream(_) => "a task stream",
        }
    }

    /// The smallest cell this panel fits in.
    fn min_size(&self) -> (u32, u32) {
        match self {
            Panel::Map(_) => map::MIN_SIZE,
            Panel::Line(_) => line::MIN_SIZE,
            Panel::Bar(_) => bar::MIN_SIZE,
            Panel::ConfusionMatrix(_) => confusion::MIN_SIZE,
            Panel::TaskStream(_) => task_stream::MIN_SIZE,
        }
    }

    /// The panel at `size`, prepared for drawing.
    fn prepare(&self, (w, h): (u32, u32)) -> Result<PreparedPanel> {
        Ok(match self {
            Panel::Map(m) => {
                let m = m.clone().size(w, h);
                let p = m.prepare()?;
                PreparedPanel::Map(m, Box::new(p))
            }
            Panel::Line(c) => {
                let c = c.clone().size(w, h);
                let p = c.prepare()?;
                PreparedPanel::Line(c, p)
            }
            Panel::Bar(c) => {
                let c = c.clone().size(w, h);
                let p = c.prepare()?;
                PreparedPanel::Bar(c, p)
            }
            Panel::ConfusionMatrix(c) => {
                let c = c.clone().size(w, h);
                let p = c.prepare()?;
                PreparedPanel::ConfusionMatrix(c, p)
            }
            Panel::TaskStream(c) => {
                let c = c.clone().size(w, h);
                let p = c.prepare()?;
                PreparedPanel::TaskStream(c, p)
            }
        })
    }
}

/// A panel resized to its cell, with what its `prepare` found.
#[derive(Debug)]
pub(crate) enum PreparedPanel {
    Map(Map, Box<map::Prepared>),
    Line(LineChart, line::Prepared),
    Bar(BarChart, bar::Prepared),
    ConfusionMatrix(ConfusionMatrix, confusion::Prepared),
    TaskStream(TaskStream, task_stream::Prepared),
}

impl PreparedPanel {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()> {
        match self {
            PreparedPanel::Map(m, p) => m.draw(p, area),
            PreparedPanel::Line(c, p) => c.draw(p, area),
            PreparedPanel::Bar(c, p) => c.draw(p, area),
            PreparedPanel::ConfusionMatrix(c, p) => c.draw(p, area),
            PreparedPanel::TaskStream(c, p) => c.draw(p, area),
        }
    }
}

/// A multi-panel figure being set up; see [`panels`]. Setters chain; outputs as for maps
/// (`to_svg`, `to_png_bytes`, `save`, `evcxr_display`, …).
#[derive(Debug, Clone)]
pub struct Panels {
    rows: usize,
    cols: usize,
    panels: Vec<Panel>,
    title: Option<String>,
    size: Option<(u32, u32)>,
    shared_colorbar: bool,
}

/// Width of the strip a shared colorbar takes at the right of the figure.
const SHARED_CBAR: i32 = map::CBAR_GAP + map::CBAR_W + map::CBAR_LABELS + map::CBAR_DESC + 12;
/// Room above and below a shared colorbar (a map's title band; its tick labels below).
const SHARED_CBAR_TOP: i32 = 46;
const SHARED_CBAR_BOTTOM: i32 = 40;

/// Each panel prepared, with its cell (left, top, width, height), and the title band's height.
#[derive(Debug)]
pub(crate) struct Prepared {
    cells: Vec<((i32, i32, i32, i32), PreparedPanel)>,
    top: i32,
    /// The shared colorbar, if any.
    colorbar: Option<SharedColorbar>,
}

/// A colorbar for all the maps of a figure.
#[derive(Debug)]
struct SharedColorbar {
    lim: Resolved,
    label: String,
    /// Left, top, width, height.
    rect: (i32, i32, i32, i32),
}

impl Panels {
    /// Add a map as the next panel (row-major: left to right, then down). It is drawn at
    /// the cell's size, whatever its own [`Map::size`].
    ///
    /// ```
    /// # use cumulus_chunked::ChunkedArray;
    /// # use cumulus_labeled::{DataArray, Variable};
    /// # use ndarray::{ArrayD, IxDyn};
    /// # let t = ArrayD::from_shape_fn(IxDyn(&[3, 4]), |i| 290.0 + i[0] as f64 + 0.5 * i[1] as f64);
    /// # let var = Variable::new(&["latitude", "longitude"], ChunkedArray::from_array(t, &[3, 4]).unwrap()).unwrap();
    /// # let da = DataArray::new("t", var)
    /// #     .with_coord("latitude", Variable::from_vec("latitude", vec![25.0f64, 24.0, 23.0])).unwrap()
    /// #     .with_coord("longitude", Variable::from_vec("longitude", vec![120.0f64, 121.0, 122.0, 123.0])).unwrap();
    /// use cumulus_plot::{map, panels};
    /// let fig = panels(2, 1).map(map(&da).title("top")).map(map(&da).title("bottom").size(10, 10));
    /// assert!(fig.to_svg().unwrap().contains("bottom"));
    /// ```
    pub fn map(self, map: Map) -> Panels {
        self.panel(map)
    }

    /// Add any figure of this crate as the next panel: a [`Map`], [`LineChart`],
    /// [`BarChart`], [`ConfusionMatrix`] or [`TaskStream`]. It is drawn at the cell's size.
    ///
    /// ```
    /// use cumulus_plot::{bar_chart, confusion_matrix, panels};
    /// let fig = panels(1, 2)
    ///     .panel(bar_chart(&["lz4", "zstd"], &[41.5, 28.7]).title("sizes"))
    ///     .panel(confusion_matrix(&[[5u64, 1], [2, 4]], &["no", "yes"]));
    /// let svg = fig.to_svg().unwrap();
    /// assert!(svg.contains("zstd") && svg.contains("Predicted label"));
    /// ```
    pub fn panel(mut self, panel: impl Into<Panel>) -> Panels {
        self.panels.push(panel.into());
        self
    }

    /// The figure's title, centred above all panels (matplotlib's `fig.suptitle`).
    ///
    /// ```
    /// use cumulus_plot::{bar_chart, panels};
    /// let svg = panels(1, 1).panel(bar_chart(&["a"], &[1.0])).title("Overview").to_svg().unwrap();
    /// assert!(svg.contains("Overview"));
    /// ```
    pub fn title(mut self, title: impl Into<String>) -> Panels {
        self.title = Some(title.into());
        self
    }

    /// The whole figure's width and height in pixels (default: 520 × 400 per cell, plus 40
    /// for the title). The grid splits it evenly; every panel must fit its cell.
    ///
    /// ```
    /// use cumulus_plot::{bar_chart, panels};
    /// let fig = panels(1, 2).panel(bar_chart(&["a"], &[1.0]));
    /// assert!(fig.clone().size(900, 300).to_svg().unwrap().starts_with("<svg width=\"900\" height=\"300\""));
    /// // 300 pixels across two columns leaves 150 per bar chart; it needs 200.
    /// assert!(fig.size(300, 300).to_svg().is_err());
    /// ```
    pub fn size(mut self, width: u32, height: u32) -> Panels {
        self.size = Some((width, height));
        self
    }

    /// One colour scale and one colorbar for all the maps of the figure (default: each map
    /// has its own), like xarray's facet grids or matplotlib's `fig.colorbar(im, ax=axes)`.
    /// The limits come from all the maps' values together (vmin and vmax set on a map count:
    /// the lowest vmin and the highest vmax; `robust` on any map makes them robust), and the
    /// maps must not ask for different colormaps. The colorbar stands at the right of the
    /// figure with the first map's colorbar label; the panels share the rest of the width.
    ///
    /// ```
    /// use cumulus_chunked::ChunkedArray;
    /// use cumulus_labeled::{DataArray, Variable};
    /// use cumulus_plot::{map, panels};
    /// use ndarray::{ArrayD, IxDyn};
    ///
    /// let field = |name: &str, offset: f64| {
    ///     let a = ArrayD::from_shape_fn(IxDyn(&[3, 4]), |i| offset + (i[0] + i[1]) as f64);
    ///     DataArray::new(name, Variable::new(&["latitude", "longitude"], ChunkedArray::from_array(a, &[3, 4]).unwrap()).unwrap())
    ///         .with_coord("latitude", Variable::from_vec("latitude", vec![25.0f64, 24.0, 23.0])).unwrap()
    ///         .with_coord("longitude", Variable::from_vec("longitude", vec![120.0f64, 121.0, 122.0, 123.0])).unwrap()
    /// };
    /// // 290 … 295 K and 300 … 305 K on one scale from 290 to 305: one colorbar, one label.
    /// let fig = panels(1, 2)
    ///     .map(map(&field("june", 290.0)).colorbar_label("T [K]"))
    ///     .map(map(&field("july", 300.0)).colorbar_label("T [K]"))
    ///     .shared_colorbar(true);
    /// let svg = fig.to_svg().unwrap();
    /// assert_eq!(svg.matches(">\nT [K]\n<").count(), 1);
    /// ```
    pub fn shared_colorbar(mut self, yes: bool) -> Panels {
        self.shared_colorbar = yes;
        self
    }

    /// The width the grid of panels takes: the figure's, less a shared colorbar's strip.
    fn grid_width(&self) -> u32 {
        let w = self.figure_size().0;
        if self.shares() { w.saturating_sub(SHARED_CBAR as u32) } else { w }
    }

    /// True when the maps share a colorbar (asked for, and there is a map).
    fn shares(&self) -> bool {
        self.shared_colorbar && self.panels.iter().any(|p| matches!(p, Panel::Map(_)))
    }

    /// The cell of grid position `k` (row-major): left, top, width, height.
    fn cell(&self, k: usize, top: i32) -> (i32, i32, i32, i32) {
        let (w, h) = (self.grid_width(), self.figure_size().1);
        let (w, h) = (i64::from(w), i64::from(h) - i64::from(top));
        let (r, c) = ((k / self.cols) as i64, (k % self.cols) as i64);
        let (rows, cols) = (self.rows as i64, self.cols as i64);
        let (xa, xb) = (c * w / cols, (c + 1) * w / cols);
        let (ya, yb) = (r * h / rows, (r + 1) * h / rows);
        (xa as i32, top + ya as i32, (xb - xa) as i32, (yb - ya) as i32)
    }

    fn figure_size(&self) -> (u32, u32) {
        self.size.unwrap_or_else(|| {
            let top = if self.title.is_some() { SUPTITLE_H as u32 } else { 0 };
            let n = |k: usize, cell: u32| u32::try_from(k).unwrap_or(u32::MAX).saturating_mul(cell);
            let strip = if self.shares() { SHARED_CBAR as u32 } else { 0 };
            (n(self.cols, CELL.0).saturating_add(strip), n(self.rows, CELL.1).saturating_add(top))
        })
    }
}

outputs!(Panels);

impl Draw for Panels {
    type Prepared = Prepared;

    fn size(&self) -> (u32, u32) {
        self.figure_size()
    }

    fn prepare(&self) -> Result<Prepared> {
        for (arg, n) in [("rows", self.rows), ("cols", self.cols)] {
            if n == 0 {
                return Err(PlotError::Argument { arg, reason: "expected at least 1, got 0".into() });
            }
        }
        let grid = self.rows.saturating_mul(self.cols);
        if self.panels.len() > grid {
            return Err(PlotError::Argument {
                arg: "panels",
                reason: format!(
                    "expected at most {grid} panels for a {}×{} grid, got {}",
                    self.rows,
                    self.cols,
                    self.panels.len()
                ),
            });
        }
        let (w, h) = self.figure_size();
        let top = if self.title.is_some() { SUPTITLE_H } else { 0 };
        output::check_size(w, h, (1, top as u32 + 1))?;
        let shared = if self.shares() { Some(self.shared_limits()?) } else { None };
        let mut cells = Vec::with_capacity(self.panels.len());
        for (k, panel) in self.panels.iter().enumerate() {
            let (row, col) = (k / self.cols, k % self.cols);
            let cell = self.cell(k, top);
            let (cw, ch) = (cell.2 as u32, cell.3 as u32);
            let min = panel.min_size();
            if cw < min.0 || ch < min.1 {
                return Err(PlotError::Argument {
                    arg: "size",
                    reason: format!(
                        "a {w}×{h} figure split into {}×{} cells gives panel (row {row}, column {col}) {cw}×{ch} \
                         pixels, but {} needs at least {}×{}",
                        self.rows,
                        self.cols,
                        panel.kind(),
                        min.0,
                        min.1
                    ),
                });
            }
            let in_panel = |e| PlotError::Panel { row, col, source: Box::new(e) };
            let prepared = match (panel, &shared) {
                (Panel::Map(m), Some((lim, fields))) => {
                    let m = m.clone().size(cw, ch).with_shared_limits(*lim);
                    let field = fields.iter().find(|f| f.0 == k).map(|f| f.1.clone());
                    let p = field.map_or_else(|| m.prepare(), |f| m.prepare_field(f)).map_err(in_panel)?;
                    PreparedPanel::Map(m, Box::new(p))
                }
                _ => panel.prepare((cw, ch)).map_err(in_panel)?,
            };
            cells.push((cell, prepared));
        }
        let colorbar = shared.map(|(lim, _)| {
            let label = self.panels.iter().find_map(|p| match p {
                Panel::Map(m) => Some(m.colorbar_text()),
                _ => None,
            });
            let x = self.grid_width() as i32 + map::CBAR_GAP;
            let y = top + SHARED_CBAR_TOP;
            let ch = (h as i32 - y - SHARED_CBAR_BOTTOM).max(1);
            SharedColorbar { lim, label: label.unwrap_or_default(), rect: (x, y, map::CBAR_W, ch) }
        });
        Ok(Prepared { cells, top, colorbar })
    }

    fn draw<DB: DrawingBackend>(&self, p: &Prepared, root: &DrawingArea<DB, Shift>) -> Result<()> {
        root.fill(&WHITE).map_err(draw_err("background"))?;
        if let Some(t) = &self.title {
            let style = TextStyle::from((FAMILY, 22).into_font()).pos(Pos::new(HPos::Center, VPos::Center));
            let at = (self.figure_size().0 as i32 / 2, p.top / 2 + 4);
            root.draw(&Text::new(t.clone(), at, style)).map_err(draw_err("figure title"))?;
        }
        for (k, ((x, y, w, h), panel)) in p.cells.iter().enumerate() {
            let area = root.clone().shrink((*x, *y), (*w as u32, *h as u32));
            panel.draw(&area).map_err(|e| PlotError::Panel {
                row: k / self.cols,
                col: k % self.cols,
                source: Box::new(e),
            })?;
        }
        if let Some(c) = &p.colorbar {
            map::draw_colorbar(root, c.rect, map::CBAR_LABELS, c.lim, &c.label)?;
        }
        Ok(())
    }
}

impl Panels {
    /// The limits all maps share, and each map's field (by panel position), pulled out once.
    fn shared_limits(&self) -> Result<(Resolved, Vec<(usize, Field)>)> {
        let mut fields = Vec::new();
        let mut opts = LimitOptions::default();
        let mut first_cmap: Option<(usize, Colormap)> = None;
        let at = |k: usize| format!("panel (row {}, column {})", k / self.cols, k % self.cols);
        for (k, panel) in self.panels.iter().enumerate() {
            let Panel::Map(m) = panel else { continue };
            let o = m.limit_options();
            let merge = |a: Option<f64>, b: Option<f64>, f: fn(f64, f64) -> f64| match (a, b) {
                (Some(x), Some(y)) => Some(f(x, y)),
                (x, y) => x.or(y),
            };
            opts.vmin = merge(opts.vmin, o.vmin, f64::min);
            opts.vmax = merge(opts.vmax, o.vmax, f64::max);
            opts.robust |= o.robust;
            if let Some(c) = o.cmap {
                match first_cmap {
                    Some((j, d)) if d != c => {
                        return Err(PlotError::Argument {
                            arg: "shared_colorbar",
                            reason: format!(
                                "expected one colormap for maps sharing a colorbar, got {d} in {} and {c} in {}",
                                at(j),
                                at(k)
                            ),
                        });
                    }
                    None => first_cmap = Some((k, c)),
                    _ => {}
                }
            }
            let field = Field::from_dataarray(m.data()).map_err(|e| PlotError::Panel {
                row: k / self.cols,
                col: k % self.cols,
                source: Box::new(e),
            })?;
            fields.push((k, field));
        }
        opts.cmap = first_cmap.map(|c| c.1);
        let all: Vec<f64> = fields.iter().flat_map(|f| f.1.values.iter().copied()).collect();
        let lim = limits::resolve(&all, opts, "the maps sharing a colorbar")?;
        Ok((lim, fields))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bar_chart;
    use crate::colormap::Colormap;
    use crate::confusion_matrix;
    use crate::map::map;
    use crate::testutil::{field_da, svg_rects, svg_texts};

    fn small(offset: f64) -> cumulus_labeled::DataArray {
        field_da(&[25.0, 24.0, 23.0], &[120.0, 121.0, 122.0, 123.0], move |i, j| offset + (10 * i + j) as f64)
    }

    /// The workshop's 2 × 3 panel: titles t0..t5, colorbar labels c0..c5.
    fn six(size: (u32, u32)) -> Panels {
        let cmaps = [
            Colormap::Viridis,
            Colormap::Viridis,
            Colormap::RdBuR,
            Colormap::Turbo,
            Colormap::Viridis,
            Colormap::Turbo,
        ];
        (0..6)
            .fold(panels(2, 3), |fig, k| {
                fig.map(
                    map(&small(100.0 * k as f64))
                        .cmap(cmaps[k])
                        .title(format!("t{k}"))
                        .colorbar_label(format!("c{k}"))
                        .coastlines(false),
                )
            })
            .title("Verification")
            .size(size.0, size.1)
    }

    /// The white backgrounds the panels fill their cells with.
    fn backgrounds(svg: &str, (w, h): (i32, i32)) -> Vec<(i32, i32, i32, i32)> {
        svg_rects(svg)
            .into_iter()
            .filter(|r| r.fill == "#FFFFFF" && !(r.w == w && r.h == h))
            .map(|r| (r.x, r.y, r.w, r.h))
            .collect()
    }

    #[test]
    fn six_maps_fill_a_two_by_three_grid_in_row_major_order() {
        let svg = six((1500, 840)).to_svg().unwrap();
        // Below the 40-pixel title band, 800 pixels in two rows; 1500 in three columns.
        let cells: Vec<_> = (0..6).map(|k| ((k % 3) * 500, 40 + (k / 3) * 400, 500, 400)).collect();
        assert_eq!(backgrounds(&svg, (1500, 840)), cells);
        let texts = svg_texts(&svg);
        for k in 0..6 {
            let (x, y, w, h) = cells[k as usize];
            let inside = |t: &&crate::testutil::SvgText| t.x >= x && t.x < x + w && t.y >= y && t.y < y + h;
            let title: Vec<_> = texts.iter().filter(|t| t.text == format!("t{k}")).collect();
            assert_eq!(title.len(), 1, "title t{k}");
            assert!(inside(&title[0]), "title t{k} at {:?} is in cell {k}", (title[0].x, title[0].y));
            let label: Vec<_> = texts.iter().filter(|t| t.text == format!("c{k}")).collect();
            assert_eq!(label.len(), 1, "colorbar label c{k}");
            assert!(inside(&label[0]), "colorbar label c{k} is in cell {k}");
            // Each map's colorbar has its own limits: 100 k .. 100 k + 23, except RdBu_r's,
            // which are symmetric about 0.
            let tick = if k == 2 { "0".to_string() } else { format!("{}", 100 * k + 20) };
            assert!(texts.iter().any(|t| t.text == tick && inside(&t)), "tick {tick} of map {k}");
        }
        let sup: Vec<_> = texts.iter().filter(|t| t.text == "Verification").collect();
        assert_eq!(sup.len(), 1);
        assert!(sup[0].y < 40 && (sup[0].x - 750).abs() <= 1);
    }

    #[test]
    fn each_panel_uses_its_own_colormap() {
        let svg = six((1500, 840)).to_svg().unwrap();
        let fills: Vec<String> = svg_rects(&svg).into_iter().map(|r| r.fill).collect();
        // Map 2 (RdBu_r) and 3 (turbo) draw their colormap's ends in cells and colorbar.
        for cmap in [Colormap::RdBuR, Colormap::Turbo, Colormap::Viridis] {
            for x in [0.0, 1.0] {
                let hex = cmap.rgba(x).to_hex().to_uppercase();
                assert!(fills.contains(&hex), "{cmap}({x}) = {hex}");
            }
        }
    }

    #[test]
    fn a_task_stream_is_a_panel_drawn_in_its_cell() {
        use cumulus_chunked::telemetry::Event;
        use std::time::Duration;
        let task = |thread: usize, kind: &str, start: u64, end: u64| Event::TaskFinished {
            compute: 1,
            task: 0,
            kind: kind.into(),
            chunk: vec![0],
            thread,
            start: Duration::from_millis(start),
            end: Duration::from_millis(end),
            bytes_in: 0,
            bytes_out: 0,
        };
        let events = [task(0, "load", 0, 400), task(1, "sum", 100, 500), task(0, "combine", 500, 900)];
        let fig = panels(1, 2)
            .panel(bar_chart(&["load", "sum", "combine"], &[1.0, 1.0, 1.0]).title("tasks by kind"))
            .panel(crate::task_stream::task_stream(&events).title("task stream"))
            .size(1000, 400);
        let svg = fig.to_svg().unwrap();
        // Each task's rectangle, in its kind's colour, lies in the right-hand cell.
        for (kind, color) in crate::task_stream::kind_colors(["load", "sum", "combine"]) {
            let hex = color.to_hex().to_uppercase();
            let rects: Vec<_> = svg_rects(&svg).into_iter().filter(|r| r.fill == hex).collect();
            assert!(!rects.is_empty(), "no rectangle of {kind}");
            assert!(rects.iter().all(|r| r.x >= 500 && r.x + r.w <= 1000), "{kind}: {rects:?}");
        }
        let title = svg_texts(&svg).into_iter().find(|t| t.text == "task stream").unwrap();
        assert!(title.x >= 500, "the title sits in the second cell");
        // A compute with no tasks is refused with the panel's own message.
        let e = panels(1, 1).panel(crate::task_stream::task_stream(&[])).to_svg().unwrap_err().to_string();
        assert!(e.contains("TaskFinished"), "{e}");
    }

    #[test]
    fn empty_cells_stay_white() {
        let fig = panels(2, 2)
            .map(map(&small(0.0)).coastlines(false))
            .panel(bar_chart(&["a", "b"], &[1.0, 2.0]))
            .size(900, 700);
        let rgb = output::to_rgb(&fig).unwrap();
        // The bottom row (y 350..700) has no panel.
        let bottom = &rgb[3 * 900 * 350..];
        assert!(bottom.iter().all(|&v| v == 255));
        let top = &rgb[..3 * 900 * 350];
        assert!(top.iter().any(|&v| v < 100), "the top row is drawn");
        assert_eq!(backgrounds(&fig.to_svg().unwrap(), (900, 700)).len(), 2);
    }

    #[test]
    fn a_panel_is_drawn_at_its_cell_size_not_its_own() {
        let alone = map(&small(0.0)).coastlines(false).size(450, 350);
        let fig = panels(1, 2).map(map(&small(0.0)).coastlines(false).size(2000, 2000)).size(900, 350);
        let cells = svg_rects(&fig.to_svg().unwrap());
        let single = svg_rects(&alone.to_svg().unwrap());
        // The first cell starts at (0, 0): the map's rectangles are where they are alone.
        let viridis0 = Colormap::Viridis.rgba(0.0).to_hex().to_uppercase();
        let first = |rs: &[crate::testutil::SvgRect]| rs.iter().find(|r| r.fill == viridis0 && r.w > 20).cloned();
        assert_eq!(first(&cells), first(&single));
        assert!(first(&cells).is_some());
    }

    #[test]
    fn other_figures_can_be_panels() {
        let fig = panels(1, 2)
            .panel(bar_chart(&["lz4", "zstd"], &[41.5, 28.7]).title("sizes"))
            .panel(confusion_matrix(&[[7u64, 1], [2, 6]], &["no", "yes"]).title("cm"));
        let svg = fig.to_svg().unwrap();
        assert!(svg.starts_with("<svg width=\"1040\" height=\"400\""), "default: 520 × 400 per cell");
        let texts = svg_texts(&svg);
        let at = |s: &str| texts.iter().find(|t| t.text == s).map(|t| t.x).unwrap();
        assert!(at("sizes") < 520 && at("zstd") < 520);
        assert!(at("cm") >= 520 && at("Predicted label") >= 520 && at("7") >= 520);
    }

    #[test]
    fn shared_colorbar_gives_every_map_the_limits_of_all() {
        // Values 0 … 23 and 100 … 123: one scale from 0 to 123 for both.
        let fig = panels(1, 2)
            .map(map(&small(0.0)).coastlines(false).colorbar_label("first"))
            .map(map(&small(100.0)).coastlines(false).colorbar_label("second"))
            .shared_colorbar(true)
            .size(1100, 400);
        let p = fig.prepare().unwrap();
        for (_, panel) in &p.cells {
            let PreparedPanel::Map(_, mp) = panel else { panic!("a map") };
            assert_eq!((mp.lim.vmin, mp.lim.vmax, mp.lim.cmap), (0.0, 123.0, Colormap::Viridis));
        }
        // The grid takes the width left of the colorbar's strip: 1100 − 126 = 974, 487 each.
        assert_eq!(p.cells.iter().map(|c| c.0).collect::<Vec<_>>(), vec![(0, 0, 487, 400), (487, 0, 487, 400)]);
        let svg = fig.to_svg().unwrap();
        let texts = svg_texts(&svg);
        // One colorbar, at the right, labelled as the first map's.
        assert!(texts.iter().any(|t| t.text == "first" && t.x > 974));
        assert!(!texts.iter().any(|t| t.text == "second"));
        let ticks: Vec<_> = texts.iter().filter(|t| t.text == "120").collect();
        assert_eq!(ticks.len(), 1, "one colorbar reaching 120");
        assert!(ticks[0].x > 974);
        // The map of 0 … 23 draws its largest value in the colour 23 has on the shared scale.
        let want = Colormap::Viridis.color_of(23.0, 0.0, 123.0).to_hex().to_uppercase();
        assert!(svg_rects(&svg).iter().any(|r| r.fill == want && r.x < 487));
        // Without sharing, each map keeps its own colorbar.
        let own = panels(1, 2).map(map(&small(0.0)).colorbar_label("a")).map(map(&small(100.0)).colorbar_label("b"));
        let texts = svg_texts(&own.to_svg().unwrap());
        assert!(texts.iter().any(|t| t.text == "a") && texts.iter().any(|t| t.text == "b"));
    }

    #[test]
    fn shared_colorbar_merges_user_limits_and_refuses_two_colormaps() {
        let fig =
            panels(1, 2).map(map(&small(0.0)).vmin(-5.0)).map(map(&small(100.0)).vmax(200.0)).shared_colorbar(true);
        let p = fig.prepare().unwrap();
        let PreparedPanel::Map(_, mp) = &p.cells[1].1 else { panic!("a map") };
        assert_eq!((mp.lim.vmin, mp.lim.vmax), (-5.0, 200.0));
        // Default size: 520 per cell plus the colorbar's strip.
        assert!(fig.to_svg().unwrap().starts_with("<svg width=\"1166\" height=\"400\""));
        let e = panels(1, 3)
            .map(map(&small(0.0)).cmap(Colormap::Viridis))
            .panel(bar_chart(&["a"], &[1.0]))
            .map(map(&small(0.0)).cmap(Colormap::Turbo))
            .shared_colorbar(true)
            .size(1700, 400)
            .to_svg()
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "bad argument shared_colorbar: expected one colormap for maps sharing a colorbar, got viridis in \
             panel (row 0, column 0) and turbo in panel (row 0, column 2)"
        );
    }

    #[test]
    fn png_has_the_figure_size() {
        let png = six((1200, 700)).to_png_bytes().unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[16..24], &[0, 0, 4, 176, 0, 0, 2, 188]);
    }

    #[test]
    fn bad_grids_sizes_and_panels_are_refused() {
        let e = panels(0, 3).to_svg().unwrap_err().to_string();
        assert_eq!(e, "bad argument rows: expected at least 1, got 0");
        let e = panels(2, 0).to_svg().unwrap_err().to_string();
        assert_eq!(e, "bad argument cols: expected at least 1, got 0");
        let e = (0..3).fold(panels(1, 2), |f, _| f.map(map(&small(0.0)))).to_svg().unwrap_err().to_string();
        assert_eq!(e, "bad argument panels: expected at most 2 panels for a 1×2 grid, got 3");
        let e = six((800, 500)).to_svg().unwrap_err().to_string();
        assert_eq!(
            e,
            "bad argument size: a 800×500 figure split into 2×3 cells gives panel (row 0, column 0) 266×230 pixels, \
             but a map needs at least 300×200"
        );
        let e = six((20_000, 900)).to_svg().unwrap_err().to_string();
        assert!(e.starts_with("bad argument size: expected a width of"), "{e}");
        // The fifth map has limits the wrong way round: row 1, column 1.
        let fig = (0..6).fold(panels(2, 3), |f, k| {
            let m = map(&small(0.0));
            f.map(if k == 4 { m.vmin(5.0).vmax(1.0) } else { m })
        });
        let e = fig.to_svg().unwrap_err();
        assert!(
            matches!(&e, PlotError::Panel { row: 1, col: 1, source } if matches!(**source, PlotError::Limits { .. }))
        );
        assert!(e.to_string().starts_with("panel (row 1, column 1): bad colour limits"), "{e}");
        let fig = panels(1, 2).panel(bar_chart(&["a"], &[1.0])).panel(confusion_matrix(&[[1u64, 2]], &["a"]));
        assert!(
            fig.to_png_bytes().unwrap_err().to_string().starts_with("panel (row 0, column 1): bad argument counts")
        );
    }
}
