//! [`confusion_matrix`]: a heatmap of how often each true class was predicted as each class,
//! with the count written in every cell — what scikit-learn's `ConfusionMatrixDisplay` shows
//! for the workshop's convection classifier.
//!
//! ```
//! use cumulus_plot::confusion_matrix;
//!
//! // Rows: true class; columns: predicted class.
//! let counts = [[50u64, 10], [5, 35]];
//! let cm = confusion_matrix(&counts, &["no convection", "convection"]).title("Test set");
//! let svg = cm.to_svg().unwrap();
//! assert!(svg.contains("Predicted label") && svg.contains("True label") && svg.contains("convection"));
//! // Row fractions: the recall of each class on the diagonal.
//! let recall = cm.normalize(true).values().unwrap();
//! assert_eq!(recall, vec![vec![50.0 / 60.0, 10.0 / 60.0], vec![5.0 / 40.0, 35.0 / 40.0]]);
//! ```

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::colormap::{Colormap, Rgba};
use crate::error::{PlotError, Result, draw_err};
use crate::font::FAMILY;
use crate::limits::Resolved;
use crate::map::{CBAR_GAP, CBAR_LABELS, CBAR_W, draw_colorbar};
use crate::output::{self, Draw, outputs};

/// Start a confusion matrix from `counts[true class][predicted class]` (a square table, one
/// row and one column per label) and the class `labels`, in that order. Cells are coloured
/// by count with `viridis` (scikit-learn's default); each shows its count.
pub fn confusion_matrix<R: AsRef<[u64]>, S: AsRef<str>>(counts: &[R], labels: &[S]) -> ConfusionMatrix {
    ConfusionMatrix {
        counts: counts.iter().map(|r| r.as_ref().to_vec()).collect(),
        labels: labels.iter().map(|s| s.as_ref().to_string()).collect(),
        normalize: false,
        cmap: Colormap::Viridis,
        colorbar: true,
        title: None,
        size: (560, 460),
    }
}

/// A confusion matrix being set up; see [`confusion_matrix`]. Setters chain; outputs as for
/// maps (`to_svg`, `to_png_bytes`, `save`, `evcxr_display`, …).
#[derive(Debug, Clone)]
pub struct ConfusionMatrix {
    counts: Vec<Vec<u64>>,
    labels: Vec<String>,
    normalize: bool,
    cmap: Colormap,
    colorbar: bool,
    title: Option<String>,
    size: (u32, u32),
}

/// The smallest figure a confusion matrix fits in.
pub(crate) const MIN_SIZE: (u32, u32) = (240, 200);
const MARGIN: i32 = 12;
const TITLE_H: i32 = 34;
const DESC: i32 = 22;
const TICK: i32 = 5;
const LABEL_PAD: i32 = 6;
const BOTTOM: i32 = TICK + LABEL_PAD + 16 + 8 + DESC;

/// Everything a confusion matrix needs to be drawn.
#[derive(Debug)]
pub(crate) struct Prepared {
    values: Vec<Vec<f64>>,
    texts: Vec<Vec<String>>,
    lim: Resolved,
    /// The square of cells: left, top, side.
    plot: (i32, i32, i32),
    /// Width of the widest true-class label.
    label_w: i32,
    /// Width of the colorbar's tick labels.
    cbar_labels_w: i32,
}

impl ConfusionMatrix {
    /// Show each row as fractions of its total (the recall of each true class on the
    /// diagonal), like scikit-learn's `normalize="true"`, written with two decimals; a row
    /// with no samples shows zeros, as scikit-learn does. Default: counts.
    ///
    /// ```
    /// let cm = cumulus_plot::confusion_matrix(&[[3u64, 1], [0, 0]], &["a", "b"]).normalize(true);
    /// assert_eq!(cm.values().unwrap(), vec![vec![0.75, 0.25], vec![0.0, 0.0]]);
    /// assert!(cm.to_svg().unwrap().contains("0.75"));
    /// ```
    pub fn normalize(mut self, yes: bool) -> ConfusionMatrix {
        self.normalize = yes;
        self
    }

    /// The colormap (default `viridis`, as scikit-learn).
    ///
    /// ```
    /// use cumulus_plot::{Colormap, confusion_matrix};
    /// let svg = confusion_matrix(&[[9u64, 1], [2, 8]], &["a", "b"]).cmap(Colormap::Turbo).to_svg().unwrap();
    /// // The largest count (9) has turbo's last colour.
    /// assert!(svg.contains(&Colormap::Turbo.rgba(1.0).to_hex().to_uppercase()));
    /// ```
    pub fn cmap(mut self, cmap: Colormap) -> ConfusionMatrix {
        self.cmap = cmap;
        self
    }

    /// Draw a colorbar to the right (default: yes, as scikit-learn).
    ///
    /// ```
    /// let cm = cumulus_plot::confusion_matrix(&[[9u64, 1], [2, 8]], &["a", "b"]);
    /// let with = cm.clone().to_svg().unwrap();
    /// let without = cm.colorbar(false).to_svg().unwrap();
    /// assert!(with.matches("<rect").count() > without.matches("<rect").count() + 200);
    /// ```
    pub fn colorbar(mut self, yes: bool) -> ConfusionMatrix {
        self.colorbar = yes;
        self
    }

    /// The title above the matrix (default: none).
    ///
    /// ```
    /// let svg = cumulus_plot::confusion_matrix(&[[1u64]], &["x"]).title("Validation").to_svg().unwrap();
    /// assert!(svg.contains("Validation"));
    /// ```
    pub fn title(mut self, title: impl Into<String>) -> ConfusionMatrix {
        self.title = Some(title.into());
        self
    }

    /// Width and height in pixels (default 560 × 460; at least 240 × 200). In
    /// [`panels`](crate::panels()) the panel's cell size is used instead.
    ///
    /// ```
    /// let svg = cumulus_plot::confusion_matrix(&[[1u64]], &["x"]).size(400, 300).to_svg().unwrap();
    /// assert!(svg.starts_with("<svg width=\"400\" height=\"300\""));
    /// ```
    pub fn size(mut self, width: u32, height: u32) -> ConfusionMatrix {
        self.size = (width, height);
        self
    }

    /// The numbers the cells show: the counts, or with [`normalize`](Self::normalize) each
    /// row divided by its total, as `values[true class][predicted class]`.
    ///
    /// # Errors
    /// [`PlotError::Argument`] when the table is empty or not square, or the labels do not
    /// match it.
    ///
    /// ```
    /// let cm = cumulus_plot::confusion_matrix(&[[2u64, 0], [1, 1]], &["a", "b"]);
    /// assert_eq!(cm.values().unwrap(), vec![vec![2.0, 0.0], vec![1.0, 1.0]]);
    /// assert!(cumulus_plot::confusion_matrix(&[[2u64, 0]], &["a", "b"]).values().is_err());
    /// ```
    pub fn values(&self) -> Result<Vec<Vec<f64>>> {
        let n = self.counts.len();
        if n == 0 {
            return Err(PlotError::Argument {
                arg: "counts",
                reason: "expected a square table with at least one row, got no rows".into(),
            });
        }
        if let Some((i, row)) = self.counts.iter().enumerate().find(|(_, r)| r.len() != n) {
            return Err(PlotError::Argument {
                arg: "counts",
                reason: format!(
                    "expected a square table ({n} rows, so {n} counts in every row), got {} counts in row {i}",
                    row.len()
                ),
            });
        }
        if self.labels.len() != n {
            return Err(PlotError::Argument {
                arg: "labels",
                reason: format!("expected one label per class ({n}), got {}", self.labels.len()),
            });
        }
        Ok(self
            .counts
            .iter()
            .map(|row| {
                let total: u64 = row.iter().sum();
                row.iter()
                    .map(|&c| match (self.normalize, total) {
                        (false, _) => c as f64,
                        (true, 0) => 0.0,
                        (true, t) => c as f64 / t as f64,
                    })
                    .collect()
            })
            .collect())
    }
}

outputs!(ConfusionMatrix);

/// The width of `text` in the tick label font (an estimate if the font cannot measure it).
fn text_width(text: &str, size: f64) -> i32 {
    (FAMILY, size).into_font().box_size(text).map_or((text.chars().count() as f64 * size * 0.62) as i32, |b| b.0 as i32)
}

/// White text on dark colours, black on light ones (by perceived lightness).
fn text_color(c: Rgba) -> RGBColor {
    let lightness = 0.299 * f64::from(c.r) + 0.587 * f64::from(c.g) + 0.114 * f64::from(c.b);
    if lightness < 128.0 { WHITE } else { BLACK }
}

impl Draw for ConfusionMatrix {
    type Prepared = Prepared;

    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn prepare(&self) -> Result<Prepared> {
        let (w, h) = self.size;
        output::check_size(w, h, MIN_SIZE)?;
        let values = self.values()?;
        let n = values.len();
        let texts = values
            .iter()
            .map(|row| row.iter().map(|&v| if self.normalize { format!("{v:.2}") } else { format!("{v}") }).collect())
            .collect();
        let all = values.iter().flatten().copied();
        let (vmin, vmax) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        // All cells equal: matplotlib colours them with the first colour; the colorbar needs a span.
        let vmax = if vmax > vmin { vmax } else { vmin + if self.normalize { 0.1 } else { 1.0 } };
        let lim = Resolved { vmin, vmax, cmap: self.cmap };
        let label_w = self.labels.iter().map(|l| text_width(l, 13.0)).max().unwrap_or(0);
        let (w, h) = (w as i32, h as i32);
        let top = MARGIN + if self.title.is_some() { TITLE_H } else { 0 };
        let left = MARGIN + DESC + label_w + LABEL_PAD + TICK;
        let widest_tick = [vmin, vmax].map(|v| text_width(&output::value_label(v, vmax - vmin), 13.0) + 16);
        let cbar_labels_w = CBAR_LABELS.max(widest_tick[0]).max(widest_tick[1]);
        let right = MARGIN + if self.colorbar { CBAR_GAP + CBAR_W + cbar_labels_w } else { 0 };
        let side = (w - left - right).min(h - top - BOTTOM - MARGIN);
        let need = 12 * n as i32;
        if side < need {
            return Err(PlotError::Argument {
                arg: "size",
                reason: format!(
                    "a {w}×{h} figure leaves {side} pixels for the {n}×{n} cells (labels {label_w} pixels wide), \
                     expected at least {need}"
                ),
            });
        }
        let x0 = left + (w - left - right - side) / 2;
        let y0 = top + (h - top - BOTTOM - MARGIN - side) / 2;
        Ok(Prepared { values, texts, lim, plot: (x0, y0, side), label_w, cbar_labels_w })
    }

    fn draw<DB: DrawingBackend>(&self, p: &Prepared, root: &DrawingArea<DB, Shift>) -> Result<()> {
        root.fill(&WHITE).map_err(draw_err("background"))?;
        let (x0, y0, side) = p.plot;
        let n = p.values.len() as i32;
        let edge = |k: i32| k * side / n;
        let Resolved { vmin, vmax, cmap } = p.lim;
        let font = ((side / n / 5).clamp(9, 16)) as f64;
        let centred = Pos::new(HPos::Center, VPos::Center);
        for (i, row) in p.values.iter().enumerate() {
            for (j, &v) in row.iter().enumerate() {
                let (i, j) = (i as i32, j as i32);
                let color = cmap.color_of(v, vmin, vmax);
                let (xa, xb, ya, yb) = (x0 + edge(j), x0 + edge(j + 1), y0 + edge(i), y0 + edge(i + 1));
                let cell = Rectangle::new([(xa, ya), (xb, yb)], color.to_plotters().filled());
                root.draw(&cell).map_err(draw_err("confusion matrix cells"))?;
                let ink = text_color(color);
                let style = TextStyle::from((FAMILY, font).into_font()).color(&ink).pos(centred);
                let text = Text::new(p.texts[i as usize][j as usize].clone(), ((xa + xb) / 2, (ya + yb) / 2), style);
                root.draw(&text).map_err(draw_err("confusion matrix counts"))?;
            }
        }
        root.draw(&Rectangle::new([(x0, y0), (x0 + side, y0 + side)], BLACK.stroke_width(1)))
            .map_err(draw_err("confusion matrix frame"))?;
        let ticks = |pos| TextStyle::from((FAMILY, 13).into_font()).pos(pos);
        for (k, label) in self.labels.iter().enumerate() {
            let mid = edge(k as i32) + (edge(k as i32 + 1) - edge(k as i32)) / 2;
            let (x, y) = (x0 + mid, y0 + side);
            root.draw(&PathElement::new([(x, y), (x, y + TICK)], BLACK)).map_err(draw_err("ticks"))?;
            let at = (x, y + TICK + LABEL_PAD);
            root.draw(&Text::new(label.clone(), at, ticks(Pos::new(HPos::Center, VPos::Top))))
                .map_err(draw_err("predicted labels"))?;
            let (x, y) = (x0, y0 + mid);
            root.draw(&PathElement::new([(x - TICK, y), (x, y)], BLACK)).map_err(draw_err("ticks"))?;
            let at = (x - TICK - LABEL_PAD, y);
            root.draw(&Text::new(label.clone(), at, ticks(Pos::new(HPos::Right, VPos::Center))))
                .map_err(draw_err("true labels"))?;
        }
        let desc = TextStyle::from((FAMILY, 14).into_font()).pos(centred);
        let at = (x0 + side / 2, y0 + side + BOTTOM - DESC / 2);
        root.draw(&Text::new("Predicted label", at, desc.clone())).map_err(draw_err("axis label"))?;
        let at = (x0 - TICK - LABEL_PAD - p.label_w - DESC / 2, y0 + side / 2);
        root.draw(&Text::new("True label", at, desc.transform(FontTransform::Rotate270)))
            .map_err(draw_err("axis label"))?;
        if let Some(t) = &self.title {
            let style = TextStyle::from((FAMILY, 18).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
            root.draw(&Text::new(t.clone(), (x0 + side / 2, y0 - TITLE_H + 6), style)).map_err(draw_err("title"))?;
        }
        if self.colorbar {
            draw_colorbar(root, (x0 + side + CBAR_GAP, y0, CBAR_W, side), p.cbar_labels_w, p.lim, "")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{SvgText, svg_rects, svg_texts};

    /// A 3-class table with every count different: row totals 60, 30, 10.
    const COUNTS: [[u64; 3]; 3] = [[40, 15, 5], [3, 25, 2], [1, 0, 9]];
    const LABELS: [&str; 3] = ["clear", "shallow", "deep"];

    /// The cell (row, column) a point falls in, from the prepared layout.
    fn cell_at(p: &Prepared, x: i32, y: i32) -> Option<(usize, usize)> {
        let (x0, y0, side) = p.plot;
        let n = p.values.len() as i32;
        let edge = |k: i32| k * side / n;
        let j = (0..n).find(|&j| x >= x0 + edge(j) && x < x0 + edge(j + 1))?;
        let i = (0..n).find(|&i| y >= y0 + edge(i) && y < y0 + edge(i + 1))?;
        Some((i as usize, j as usize))
    }

    /// The texts drawn inside the cells, by cell.
    fn cell_texts(cm: &ConfusionMatrix) -> Vec<((usize, usize), SvgText)> {
        font_ready();
        let p = cm.prepare().unwrap();
        svg_texts(&cm.to_svg().unwrap()).into_iter().filter_map(|t| Some((cell_at(&p, t.x, t.y)?, t))).collect()
    }

    fn font_ready() {
        crate::font::ensure_registered().unwrap();
    }

    #[test]
    fn each_count_is_written_in_its_own_cell() {
        let texts = cell_texts(&confusion_matrix(&COUNTS, &LABELS));
        assert_eq!(texts.len(), 9, "{texts:?}");
        for ((i, j), t) in texts {
            assert_eq!(t.text, COUNTS[i][j].to_string(), "cell ({i}, {j})");
        }
    }

    #[test]
    fn cells_are_coloured_by_count_from_the_colormap_ends() {
        let cm = confusion_matrix(&COUNTS, &LABELS).colorbar(false);
        font_ready();
        let p = cm.prepare().unwrap();
        let svg = cm.to_svg().unwrap();
        let fill_at = |i: usize, j: usize| {
            let r = svg_rects(&svg)
                .into_iter()
                .filter(|r| r.fill != "none" && r.w < 400)
                .find(|r| cell_at(&p, r.x + r.w / 2, r.y + r.h / 2) == Some((i, j)))
                .unwrap();
            r.fill
        };
        // Largest count 40 at (0, 0): viridis' last colour; smallest 0 at (2, 1): its first.
        assert_eq!(fill_at(0, 0), Colormap::Viridis.rgba(1.0).to_hex().to_uppercase());
        assert_eq!(fill_at(2, 1), Colormap::Viridis.rgba(0.0).to_hex().to_uppercase());
        // 25 of 0..40 at (1, 1).
        assert_eq!(fill_at(1, 1), Colormap::Viridis.color_of(25.0, 0.0, 40.0).to_hex().to_uppercase());
    }

    #[test]
    fn text_is_white_on_dark_cells_and_black_on_light_ones() {
        let texts = cell_texts(&confusion_matrix(&COUNTS, &LABELS));
        let ink = |i, j| texts.iter().find(|(c, _)| *c == (i, j)).unwrap().1.fill.clone();
        // viridis: yellow (light) at 40, dark purple at 0.
        assert_eq!(ink(0, 0), "#000000");
        assert_eq!(ink(2, 1), "#FFFFFF");
    }

    #[test]
    fn normalized_rows_are_fractions_that_sum_to_one() {
        let cm = confusion_matrix(&COUNTS, &LABELS).normalize(true);
        let v = cm.values().unwrap();
        assert_eq!(v[0], vec![40.0 / 60.0, 15.0 / 60.0, 5.0 / 60.0]);
        assert_eq!(v[2], vec![0.1, 0.0, 0.9]);
        let mut rows = [0.0f64; 3];
        let texts = cell_texts(&cm);
        assert_eq!(texts.len(), 9);
        for ((i, j), t) in &texts {
            let x: f64 = t.text.parse().unwrap();
            assert!((x - v[*i][*j]).abs() <= 0.005, "({i}, {j}): {} vs {}", t.text, v[*i][*j]);
            rows[*i] += x;
        }
        // Two decimals each: a row of three sums to 1 within rounding.
        for (i, s) in rows.iter().enumerate() {
            assert!((s - 1.0).abs() <= 0.015, "row {i} sums to {s}");
        }
        // The recall of "shallow" (25 of 30) is written on the diagonal.
        assert!(texts.iter().any(|((i, j), t)| (*i, *j) == (1, 1) && t.text == "0.83"));
    }

    #[test]
    fn axes_titles_labels_and_colorbar_are_drawn() {
        let svg = confusion_matrix(&COUNTS, &LABELS).title("Classes").to_svg().unwrap();
        for text in ["Predicted label", "True label", "Classes"] {
            assert_eq!(svg_texts(&svg).iter().filter(|t| t.text == text).count(), 1, "{text}");
        }
        for label in LABELS {
            // Once under the columns, once beside the rows.
            assert_eq!(svg_texts(&svg).iter().filter(|t| t.text == label).count(), 2, "{label}");
        }
        let bins = svg_rects(&svg).iter().filter(|r| r.h <= 2 && r.w < 30).count();
        assert!(bins >= 200, "{bins} colorbar bins");
        let bare = confusion_matrix(&COUNTS, &LABELS).colorbar(false).to_svg().unwrap();
        assert!(svg_rects(&bare).iter().filter(|r| r.h <= 2 && r.w < 30).count() == 0);
    }

    #[test]
    fn png_is_a_png_of_the_asked_size() {
        let png = confusion_matrix(&COUNTS, &LABELS).size(500, 400).to_png_bytes().unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[16..24], &[0, 0, 1, 244, 0, 0, 1, 144]);
    }

    #[test]
    fn equal_counts_take_the_first_colour() {
        let cm = confusion_matrix(&[[4u64, 4], [4, 4]], &["a", "b"]);
        let svg = cm.to_svg().unwrap();
        let first = Colormap::Viridis.rgba(0.0).to_hex().to_uppercase();
        assert_eq!(svg_rects(&svg).iter().filter(|r| r.fill == first && r.w > 50).count(), 4);
    }

    #[test]
    fn bad_tables_and_labels_are_refused() {
        let empty: [[u64; 0]; 0] = [];
        let e = confusion_matrix(&empty, &[] as &[&str]).to_svg().unwrap_err().to_string();
        assert_eq!(e, "bad argument counts: expected a square table with at least one row, got no rows");
        let e = confusion_matrix(&[vec![1u64, 2], vec![3]], &["a", "b"]).to_svg().unwrap_err().to_string();
        assert_eq!(
            e,
            "bad argument counts: expected a square table (2 rows, so 2 counts in every row), got 1 counts in row 1"
        );
        let e = confusion_matrix(&[[1u64, 2, 3], [4, 5, 6]], &["a", "b"]).to_svg().unwrap_err().to_string();
        assert!(e.contains("got 3 counts in row 0"), "{e}");
        let e = confusion_matrix(&COUNTS, &["a", "b"]).to_svg().unwrap_err().to_string();
        assert_eq!(e, "bad argument labels: expected one label per class (3), got 2");
        let e = confusion_matrix(&COUNTS, &LABELS).size(100, 100).to_png_bytes().unwrap_err().to_string();
        assert!(e.starts_with("bad argument size"), "{e}");
        let many: Vec<Vec<u64>> = (0..40).map(|i| (0..40).map(|j| (i * j) as u64).collect()).collect();
        let names: Vec<String> = (0..40).map(|i| format!("class {i}")).collect();
        let e = confusion_matrix(&many, &names).size(300, 240).to_svg().unwrap_err().to_string();
        assert!(e.contains("for the 40×40 cells") && e.contains("expected at least 480"), "{e}");
    }
}
