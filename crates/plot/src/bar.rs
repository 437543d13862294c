//! [`bar_chart`]: one bar per label, like matplotlib's `ax.bar(labels, values)` — e.g. the
//! workshop's table of compressed sizes per codec.
//!
//! ```
//! use cumulus_plot::bar_chart;
//!
//! let chart = bar_chart(&["none", "lz4", "zstd"], &[100.0, 41.5, 28.7])
//!     .title("Compressed size of one year")
//!     .ylabel("size [MB]")
//!     .bar_labels(true);
//! let svg = chart.to_svg().unwrap();
//! assert!(svg.contains("zstd") && svg.contains("size [MB]") && svg.contains("41.5"));
//! ```

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::axis::LabeledAxis;
use crate::colormap::Rgba;
use crate::error::{PlotError, Result, draw_err};
use crate::font::FAMILY;
use crate::output::{self, Draw, outputs, padded, value_label};

/// matplotlib's first colour in its default cycle (`C0`, `#1f77b4`).
pub const C0: Rgba = Rgba::rgb(0x1f, 0x77, 0xb4);

/// Start a bar chart with one bar per label (drawn in order, left to right).
pub fn bar_chart<S: AsRef<str>>(labels: &[S], values: &[f64]) -> BarChart {
    BarChart {
        labels: labels.iter().map(|s| s.as_ref().to_string()).collect(),
        values: values.to_vec(),
        title: None,
        xlabel: None,
        ylabel: None,
        color: C0,
        bar_labels: false,
        label_decimals: None,
        label_suffix: String::new(),
        size: (640, 420),
    }
}

/// A bar chart being set up; see [`bar_chart`]. Setters chain; outputs as for maps
/// (`to_svg`, `to_png_bytes`, `save`, `evcxr_display`, …).
#[derive(Debug, Clone)]
pub struct BarChart {
    labels: Vec<String>,
    values: Vec<f64>,
    title: Option<String>,
    xlabel: Option<String>,
    ylabel: Option<String>,
    color: Rgba,
    bar_labels: bool,
    label_decimals: Option<usize>,
    label_suffix: String,
    size: (u32, u32),
}

impl BarChart {
    /// The title above the chart.
    pub fn title(mut self, title: impl Into<String>) -> BarChart {
        self.title = Some(title.into());
        self
    }

    /// The label under the bars' names.
    pub fn xlabel(mut self, label: impl Into<String>) -> BarChart {
        self.xlabel = Some(label.into());
        self
    }

    /// The label of the value axis, e.g. `size [MB]`.
    pub fn ylabel(mut self, label: impl Into<String>) -> BarChart {
        self.ylabel = Some(label.into());
        self
    }

    /// The bars' colour (default matplotlib's `C0`, [`C0`]).
    pub fn color(mut self, color: Rgba) -> BarChart {
        self.color = color;
        self
    }

    /// Write each value above (or below, if negative) its bar, like matplotlib's
    /// `ax.bar_label` (default: no).
    pub fn bar_labels(mut self, yes: bool) -> BarChart {
        self.bar_labels = yes;
        self
    }

    /// Bar labels with this many decimals (default: as many as the value needs).
    #[must_use]
    pub fn bar_label_decimals(mut self, decimals: usize) -> BarChart {
        self.label_decimals = Some(decimals);
        self
    }

    /// Text after every bar label, e.g. `"×"` or `" s"`.
    #[must_use]
    pub fn bar_label_suffix(mut self, suffix: impl Into<String>) -> BarChart {
        self.label_suffix = suffix.into();
        self
    }

    /// Width and height in pixels (default 640 × 420; at least 200 × 150). In
    /// [`panels`](crate::panels()) the panel's cell size is used instead.
    pub fn size(mut self, width: u32, height: u32) -> BarChart {
        self.size = (width, height);
        self
    }
}

outputs!(BarChart);

/// The value axis' limits.
#[derive(Debug)]
pub(crate) struct Prepared {
    lo: f64,
    hi: f64,
}

/// The smallest chart that fits (width, height in pixels).
pub(crate) const MIN_SIZE: (u32, u32) = (200, 150);

impl Draw for BarChart {
    type Prepared = Prepared;

    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn prepare(&self) -> Result<Prepared> {
        output::check_size(self.size.0, self.size.1, MIN_SIZE)?;
        if self.labels.len() != self.values.len() {
            return Err(PlotError::Argument {
                arg: "values",
                reason: format!(
                    "expected one value per label, got {} labels and {} values",
                    self.labels.len(),
                    self.values.len()
                ),
            });
        }
        if self.values.is_empty() {
            return Err(PlotError::Argument { arg: "values", reason: "expected at least one bar, got none".into() });
        }
        if let Some(i) = self.values.iter().position(|v| !v.is_finite()) {
            return Err(PlotError::Argument {
                arg: "values",
                reason: format!("expected finite numbers, got {} for {:?}", self.values[i], self.labels[i]),
            });
        }
        let (min, max) = self.values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
        let (lo, hi) = padded(min, max, true);
        Ok(Prepared { lo, hi })
    }

    fn draw<DB: DrawingBackend>(&self, p: &Prepared, root: &DrawingArea<DB, Shift>) -> Result<()> {
        root.fill(&WHITE).map_err(draw_err("background"))?;
        let n = self.values.len();
        let mut builder = ChartBuilder::on(root);
        builder.margin(16).x_label_area_size(if self.xlabel.is_some() { 52 } else { 30 }).y_label_area_size(72);
        if let Some(t) = &self.title {
            builder.caption(t, (FAMILY, 18));
        }
        let ticks = self.labels.iter().enumerate().map(|(i, l)| (i as f64, l.clone())).collect();
        let x = LabeledAxis::new(-0.5..n as f64 - 0.5, ticks);
        let mut chart = builder.build_cartesian_2d(x, p.lo..p.hi).map_err(draw_err("bar chart axes"))?;
        let range = p.hi - p.lo;
        let value = |y: &f64| value_label(*y, range);
        let mut mesh = chart.configure_mesh();
        mesh.disable_x_mesh()
            .y_label_formatter(&value)
            .light_line_style(TRANSPARENT)
            .bold_line_style(BLACK.mix(0.15))
            .label_style((FAMILY, 13))
            .axis_desc_style((FAMILY, 14));
        if let Some(l) = &self.ylabel {
            mesh.y_desc(l.clone());
        }
        if let Some(l) = &self.xlabel {
            mesh.x_desc(l.clone());
        }
        mesh.draw().map_err(draw_err("bar chart ticks"))?;
        let style = self.color.to_plotters().filled();
        let bars = self
            .values
            .iter()
            .enumerate()
            .map(|(i, &v)| Rectangle::new([(i as f64 - 0.4, 0.0), (i as f64 + 0.4, v)], style));
        chart.draw_series(bars).map_err(draw_err("bars"))?;
        if self.bar_labels {
            let texts = self.values.iter().enumerate().map(|(i, &v)| {
                let pos =
                    if v < 0.0 { Pos::new(HPos::Center, VPos::Top) } else { Pos::new(HPos::Center, VPos::Bottom) };
                let style = TextStyle::from((FAMILY, 13).into_font()).pos(pos);
                let number = match self.label_decimals {
                    Some(d) => format!("{v:.d$}"),
                    None => crate::labels::number(v),
                };
                Text::new(format!("{number}{}", self.label_suffix), (i as f64, v), style)
            });
            chart.draw_series(texts).map_err(draw_err("bar labels"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(x, y, width, height)` of the SVG rectangles filled with `fill` (capitals).
    fn rects(svg: &str, fill: &str) -> Vec<(i32, i32, i32, i32)> {
        let attr = |t: &str, name: &str| -> Option<i32> {
            let k = t.find(&format!(" {name}=\"",))? + name.len() + 3;
            t[k..k + t[k..].find('"')?].parse().ok()
        };
        svg.split("<rect")
            .skip(1)
            .filter(|t| t.contains(&format!("fill=\"{fill}\"")))
            .filter_map(|t| Some((attr(t, "x")?, attr(t, "y")?, attr(t, "width")?, attr(t, "height")?)))
            .collect()
    }

    #[test]
    fn bar_heights_are_proportional_to_values_and_share_a_baseline() {
        let svg = bar_chart(&["a", "b", "c"], &[100.0, 50.0, 25.0]).to_svg().unwrap();
        let bars = rects(&svg, "#1F77B4");
        assert_eq!(bars.len(), 3);
        let bottom: Vec<i32> = bars.iter().map(|b| b.1 + b.3).collect();
        assert!(bottom.iter().all(|&y| (y - bottom[0]).abs() <= 1), "{bars:?}");
        let (h0, h1, h2) = (f64::from(bars[0].3), f64::from(bars[1].3), f64::from(bars[2].3));
        assert!((h1 / h0 - 0.5).abs() < 0.02 && (h2 / h0 - 0.25).abs() < 0.02, "{bars:?}");
        assert!(bars[0].0 < bars[1].0 && bars[1].0 < bars[2].0, "left to right in order");
    }

    #[test]
    fn png_pixel_inside_a_bar_has_its_colour() {
        let chart = bar_chart(&["x", "y"], &[3.0, 1.0]).color(Rgba::rgb(200, 30, 40)).title("T").ylabel("v");
        let bars = rects(&chart.to_svg().unwrap(), "#C81E28");
        let (x, y, w, h) = bars[1];
        let rgb = output::to_rgb(&chart).unwrap();
        let k = 3 * ((y + h / 2) as usize * 640 + (x + w / 2) as usize);
        assert_eq!(&rgb[k..k + 3], &[200, 30, 40]);
    }

    #[test]
    fn bar_labels_take_decimals_and_a_suffix() {
        let svg = bar_chart(&["W1", "W2"], &[85.8813, 2.04])
            .bar_labels(true)
            .bar_label_decimals(1)
            .bar_label_suffix("×")
            .to_svg()
            .unwrap();
        assert!(svg.contains(">\n85.9×\n<") && svg.contains(">\n2.0×\n<"), "{svg}");
    }

    #[test]
    fn labels_title_and_axis_labels_are_written() {
        let svg = bar_chart(&["blosc-zstd", "gzip"], &[12.0, 30.0])
            .title("sizes")
            .xlabel("codec")
            .ylabel("MB")
            .bar_labels(true)
            .to_svg()
            .unwrap();
        for text in ["blosc-zstd", "gzip", "sizes", "codec", "MB", ">\n12\n<", ">\n30\n<"] {
            assert!(svg.contains(text), "{text:?}");
        }
    }

    #[test]
    fn bad_input_is_refused() {
        let e = bar_chart(&["a", "b"], &[1.0]).to_svg().unwrap_err().to_string();
        assert_eq!(e, "bad argument values: expected one value per label, got 2 labels and 1 values");
        let e = bar_chart::<&str>(&[], &[]).to_svg().unwrap_err().to_string();
        assert!(e.contains("at least one bar"), "{e}");
        let e = bar_chart(&["a", "b"], &[1.0, f64::NAN]).to_svg().unwrap_err().to_string();
        assert!(e.contains("NaN for \"b\""), "{e}");
    }
}
