//! [`line_chart`]: a 1-D array along `time` as a line with a date axis — what
//! `da.sel(latitude=25, longitude=121.5, method="nearest").plot()` shows for a time series.
//!
//! ```
//! use cumulus_chunked::ChunkedArray;
//! use cumulus_labeled::time::{NS_PER_DAY, NS_PER_HOUR, days_from_civil};
//! use cumulus_labeled::{DataArray, Variable};
//! use cumulus_plot::line_chart;
//! use ndarray::{ArrayD, IxDyn};
//!
//! // Three days of hourly temperature with a diurnal cycle.
//! let t0 = days_from_civil(2019, 6, 30) * NS_PER_DAY;
//! let a = ArrayD::from_shape_fn(IxDyn(&[72]), |i| 300.0 + 3.0 * (i[0] as f64 * std::f64::consts::PI / 12.0).sin());
//! let da = DataArray::new("temperature", Variable::new(&["time"], ChunkedArray::from_array(a, &[24]).unwrap()).unwrap())
//!     .with_coord("time", Variable::from_times("time", (0..72).map(|k| t0 + k * NS_PER_HOUR).collect())).unwrap();
//! let svg = line_chart(&da).ylabel("T [K]").to_svg().unwrap();
//! assert!(svg.contains("2019-07-01") && svg.contains("T [K]"));
//! ```

use cumulus_labeled::time::NS_PER_HOUR;
use cumulus_labeled::{DataArray, IndexValues};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::axis::LabeledAxis;
use crate::bar::C0;
use crate::colormap::Rgba;
use crate::error::{PlotError, Result, draw_err};
use crate::field::display_name;
use crate::font::FAMILY;
use crate::labels;
use crate::output::{self, Draw, outputs, padded, value_label};
use crate::time_axis::time_ticks;

/// Start a line chart of a 1-D array along `time` (a datetime coordinate, giving a date axis)
/// or along a numeric coordinate (e.g. `epoch`). NaN values leave gaps in the line. More lines
/// on the same axes: [`LineChart::add_line`].
pub fn line_chart(da: &DataArray) -> LineChart {
    LineChart {
        da: da.clone(),
        extra: Vec::new(),
        title: None,
        xlabel: None,
        ylabel: None,
        color: C0,
        size: (720, 360),
    }
}

/// The colours of the added lines: matplotlib's `C1`, `C2`, `C3`.
const MORE: [Rgba; 3] = [Rgba::rgb(0xff, 0x7f, 0x0e), Rgba::rgb(0x2c, 0xa0, 0x2c), Rgba::rgb(0xd6, 0x27, 0x28)];

/// A line chart being set up; see [`line_chart`]. Setters chain; outputs as for maps.
#[derive(Debug, Clone)]
pub struct LineChart {
    da: DataArray,
    extra: Vec<DataArray>,
    title: Option<String>,
    xlabel: Option<String>,
    ylabel: Option<String>,
    color: Rgba,
    size: (u32, u32),
}

impl LineChart {
    /// The title (default: the name and the scalar coordinates, e.g.
    /// `temperature (latitude = 25, longitude = 121.5)`).
    pub fn title(mut self, title: impl Into<String>) -> LineChart {
        self.title = Some(title.into());
        self
    }

    /// Another line on the same axes (a second `plt.plot`), along the same dim, in the next
    /// colour (`C1`, `C2`, `C3`, then again); with more than one line a legend names them.
    pub fn add_line(mut self, da: &DataArray) -> LineChart {
        self.extra.push(da.clone());
        self
    }

    /// The x axis' label (default: the dim's name).
    pub fn xlabel(mut self, label: impl Into<String>) -> LineChart {
        self.xlabel = Some(label.into());
        self
    }

    /// The value axis' label (default: `long_name` or the name, then `[units]`).
    pub fn ylabel(mut self, label: impl Into<String>) -> LineChart {
        self.ylabel = Some(label.into());
        self
    }

    /// The line's colour (default matplotlib's `C0`).
    pub fn color(mut self, color: Rgba) -> LineChart {
        self.color = color;
        self
    }

    /// Width and height in pixels (default 720 × 360; at least 300 × 150). In
    /// [`panels`](crate::panels()) the panel's cell size is used instead.
    pub fn size(mut self, width: u32, height: u32) -> LineChart {
        self.size = (width, height);
        self
    }
}

outputs!(LineChart);

/// Each line's x (hours since 1970 for times) and values, and the axis limits.
#[derive(Debug)]
pub(crate) struct Prepared {
    lines: Vec<(Vec<f64>, Vec<f64>, String)>,
    x: (f64, f64),
    y: (f64, f64),
    ticks: Vec<(f64, String)>,
    title: String,
}

fn to_hours(ns: i64) -> f64 {
    ns as f64 / NS_PER_HOUR as f64
}

/// The smallest chart that fits (width, height in pixels).
pub(crate) const MIN_SIZE: (u32, u32) = (300, 150);

impl Draw for LineChart {
    type Prepared = Prepared;

    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn prepare(&self) -> Result<Prepared> {
        output::check_size(self.size.0, self.size.1, MIN_SIZE)?;
        let dim = self.da.dims().first().cloned().unwrap_or_default();
        let mut lines = Vec::new();
        let mut is_time = None;
        for da in std::iter::once(&self.da).chain(&self.extra) {
            if da.dims().len() != 1 || da.dims()[0] != dim {
                return Err(PlotError::Dims {
                    plot: "line chart",
                    expected: "1-D arrays along one dim (time or a numeric coordinate)",
                    got: da.dims().to_vec(),
                });
            }
            let bad =
                |reason: &str| PlotError::Coordinate { plot: "line chart", dim: dim.clone(), reason: reason.into() };
            let index = da
                .coords()
                .index(&dim)
                .ok_or_else(|| bad("the array has no coordinate values (add them with with_coord)"))?;
            let xs: Vec<f64> = match index.values() {
                IndexValues::Time(times) => times.iter().map(|&t| to_hours(t)).collect(),
                _ if dim == "time" => return Err(bad("expected datetimes")),
                IndexValues::Int(v) => v.iter().map(|&k| k as f64).collect(),
                IndexValues::Float(v) => v.to_vec(),
                IndexValues::Str(_) => return Err(bad("expected datetimes or numbers, got names (use bar_chart)")),
            };
            let time = matches!(index.values(), IndexValues::Time(_));
            if *is_time.get_or_insert(time) != time {
                return Err(bad("expected the same kind of coordinate (datetimes or numbers) in every line"));
            }
            if xs.is_empty() {
                return Err(bad("expected at least one value, got none"));
            }
            let values = da.to_vec_f64().map_err(|source| PlotError::Compute { name: display_name(da), source })?;
            lines.push((xs, values, da.name().map_or_else(|| display_name(da), str::to_owned)));
        }
        let finite = lines.iter().flat_map(|l| l.1.iter().copied()).filter(|v| v.is_finite());
        let (min, max) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        if min > max {
            return Err(PlotError::AllNan { name: display_name(&self.da), hint: "there is no line to draw" });
        }
        let all_x = lines.iter().flat_map(|l| l.0.iter().copied());
        let (x0, x1) = all_x.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        let x = if x0 == x1 { (x0 - 1.0, x1 + 1.0) } else { padded(x0, x1, false) };
        let max_ticks = (self.size.0 / 130).max(2) as usize;
        let ticks = if is_time == Some(true) {
            let ns = |h: f64| (h * NS_PER_HOUR as f64).round() as i64;
            time_ticks(ns(x0), ns(x1), max_ticks).into_iter().map(|(t, s)| (to_hours(t), s)).collect()
        } else {
            number_ticks(x.0, x.1, max_ticks)
        };
        let title = self.title.clone().unwrap_or_else(|| labels::default_title(&self.da));
        Ok(Prepared { lines, x, y: padded(min, max, false), ticks, title })
    }

    fn draw<DB: DrawingBackend>(&self, p: &Prepared, root: &DrawingArea<DB, Shift>) -> Result<()> {
        root.fill(&WHITE).map_err(draw_err("background"))?;
        let mut builder = ChartBuilder::on(root);
        builder.margin(16).margin_right(40).x_label_area_size(52).y_label_area_size(72);
        if !p.title.is_empty() {
            builder.caption(&p.title, (FAMILY, 18));
        }
        let x = LabeledAxis::new(p.x.0..p.x.1, p.ticks.clone());
        let mut chart = builder.build_cartesian_2d(x, p.y.0..p.y.1).map_err(draw_err("line chart axes"))?;
        let range = p.y.1 - p.y.0;
        let value = |y: &f64| value_label(*y, range);
        let ylabel = self.ylabel.clone().unwrap_or_else(|| labels::colorbar_label(&self.da));
        chart
            .configure_mesh()
            .y_label_formatter(&value)
            .light_line_style(TRANSPARENT)
            .bold_line_style(BLACK.mix(0.15))
            .label_style((FAMILY, 13))
            .axis_desc_style((FAMILY, 14))
            .x_desc(self.xlabel.clone().unwrap_or_else(|| self.da.dims().first().cloned().unwrap_or_default()))
            .y_desc(ylabel)
            .draw()
            .map_err(draw_err("line chart ticks"))?;
        for (k, (xs, values, name)) in p.lines.iter().enumerate() {
            let color = if k == 0 { self.color } else { MORE[(k - 1) % MORE.len()] }.to_plotters();
            // Runs of finite values become lines; a lone value between gaps becomes a dot.
            let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
            for (&t, &v) in xs.iter().zip(values) {
                if v.is_finite() {
                    if let Some(r) = runs.last_mut() {
                        r.push((t, v));
                    }
                } else if runs.last().is_some_and(|r| !r.is_empty()) {
                    runs.push(Vec::new());
                }
            }
            let lines = runs.iter().filter(|r| r.len() > 1).map(|r| PathElement::new(r.clone(), color.stroke_width(2)));
            let drawn = chart.draw_series(lines).map_err(draw_err("line"))?;
            if p.lines.len() > 1 {
                drawn
                    .label(name.as_str())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
            }
            let dots = runs.iter().filter(|r| r.len() == 1).map(|r| Circle::new(r[0], 3, color.filled()));
            chart.draw_series(dots).map_err(draw_err("line"))?;
        }
        if p.lines.len() > 1 {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK.mix(0.3))
                .label_font((FAMILY, 13))
                .draw()
                .map_err(draw_err("legend"))?;
        }
        Ok(())
    }
}

/// Round-numbered ticks (steps of 1, 2 or 5 × 10^k) between `lo` and `hi`, at most about `max`.
fn number_ticks(lo: f64, hi: f64, max: usize) -> Vec<(f64, String)> {
    let raw = (hi - lo) / max.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).map(|v| (v, value_label(v, hi - lo))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use cumulus_chunked::ChunkedArray;
    use cumulus_labeled::Variable;
    use cumulus_labeled::time::{NS_PER_DAY, days_from_civil};
    use ndarray::{ArrayD, IxDyn};

    fn series(values: Vec<f64>) -> DataArray {
        let n = values.len();
        let t0 = days_from_civil(2019, 6, 30) * NS_PER_DAY;
        let a = ArrayD::from_shape_vec(IxDyn(&[n]), values).unwrap();
        DataArray::new("t2m", Variable::new(&["time"], ChunkedArray::from_array(a, &[n]).unwrap()).unwrap())
            .with_coord("time", Variable::from_times("time", (0..n as i64).map(|k| t0 + k * NS_PER_HOUR).collect()))
            .unwrap()
    }

    /// The points of the SVG polylines stroked in `color`.
    fn polylines(svg: &str, color: &str) -> Vec<Vec<(i32, i32)>> {
        svg.split("<polyline")
            .skip(1)
            .filter(|t| t.contains(&format!("stroke=\"{color}\"")))
            .filter_map(|t| {
                let k = t.find("points=\"")? + 8;
                let pts = &t[k..k + t[k..].find('"')?];
                pts.split_whitespace()
                    .map(|xy| {
                        let (x, y) = xy.split_once(',')?;
                        Some((x.parse().ok()?, y.parse().ok()?))
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_line_goes_through_every_value_left_to_right_higher_is_up() {
        let svg = line_chart(&series(vec![1.0, 3.0, 2.0, 5.0])).to_svg().unwrap();
        let lines = polylines(&svg, "#1F77B4");
        assert_eq!(lines.len(), 1);
        let l = &lines[0];
        assert_eq!(l.len(), 4);
        assert!(l.windows(2).all(|w| w[0].0 < w[1].0), "{l:?}");
        // Screen y grows downwards: 5 is highest, 1 lowest, 3 above 2.
        assert!(l[3].1 < l[1].1 && l[1].1 < l[2].1 && l[2].1 < l[0].1, "{l:?}");
        // Equal time steps, equal x steps (±1 px).
        assert!((l[1].0 - l[0].0 - (l[3].0 - l[2].0)).abs() <= 1);
    }

    #[test]
    fn nan_leaves_a_gap() {
        let svg = line_chart(&series(vec![1.0, 2.0, f64::NAN, 3.0, 4.0, f64::NAN, 5.0])).to_svg().unwrap();
        let lens: Vec<usize> = polylines(&svg, "#1F77B4").iter().map(Vec::len).collect();
        assert_eq!(lens, vec![2, 2]);
        assert_eq!(svg.matches("<circle").count(), 1, "the lone last value is a dot");
    }

    #[test]
    fn dates_title_and_labels() {
        let da = series((0..72).map(f64::from).collect());
        let svg = line_chart(&da).to_svg().unwrap();
        for text in ["2019-06-30", "2019-07-01", "2019-07-02", "t2m", "time"] {
            assert!(svg.contains(text), "{text}");
        }
        let svg = line_chart(&da).title("Taipei").ylabel("T [K]").xlabel("UTC").to_svg().unwrap();
        for text in ["Taipei", "T [K]", "UTC"] {
            assert!(svg.contains(text), "{text}");
        }
    }

    #[test]
    fn bad_input_is_refused() {
        let all_nan = series(vec![f64::NAN; 3]);
        let e = line_chart(&all_nan).to_svg().unwrap_err().to_string();
        assert!(e.contains("every value of \"t2m\" is NaN"), "{e}");
        let a = ArrayD::from_elem(IxDyn(&[2, 2]), 1.0f64);
        let two_d =
            DataArray::new("x", Variable::new(&["time", "y"], ChunkedArray::from_array(a, &[2, 2]).unwrap()).unwrap());
        let e = line_chart(&two_d).to_svg().unwrap_err().to_string();
        assert_eq!(e, "line chart needs 1-D arrays along one dim (time or a numeric coordinate), got (time, y)");
        let a = ArrayD::from_elem(IxDyn(&[2]), 1.0f64);
        let numbers =
            DataArray::new("x", Variable::new(&["time"], ChunkedArray::from_array(a, &[2]).unwrap()).unwrap())
                .with_coord("time", Variable::from_vec("time", vec![1.0f64, 2.0]))
                .unwrap();
        let e = line_chart(&numbers).to_svg().unwrap_err().to_string();
        assert!(e.contains("\"time\"") && e.contains("expected datetimes"), "{e}");
    }

    #[test]
    fn numeric_axis_and_added_lines_with_a_legend() {
        let along = |name: &str, values: Vec<f64>| {
            let n = values.len();
            DataArray::new(name, Variable::from_vec("epoch", values))
                .with_coord("epoch", Variable::from_vec("epoch", (1..=n as i64).collect::<Vec<_>>()))
                .unwrap()
        };
        let chart = line_chart(&along("train", vec![3.0, 2.0, 1.0]))
            .title("losses")
            .ylabel("loss")
            .add_line(&along("validation", vec![3.5, 2.5, 2.0]));
        let svg = chart.to_svg().unwrap();
        let text = |t: &str| format!(">\n{t}\n</text>");
        assert!(svg.contains(&text("epoch")) && svg.contains(&text("validation")), "{svg}");
        // Two lines in two colours (C0 and C1), each going down from left to right.
        for color in ["#1F77B4", "#FF7F0E"] {
            let lines = polylines(&svg, color);
            let line = lines.iter().find(|l| l.len() == 3).unwrap_or_else(|| panic!("no 3-point line in {color}"));
            assert!(line[0].0 < line[1].0 && line[0].1 < line[2].1, "{line:?}");
        }
        // One line needs no legend.
        assert!(
            !line_chart(&along("train", vec![1.0, 2.0]))
                .title("t")
                .ylabel("loss")
                .to_svg()
                .unwrap()
                .contains(&text("train"))
        );
        assert_eq!(svg.matches(&text("train")).count(), 1, "the legend names the train line");
        let e = line_chart(&series(vec![1.0, 2.0])).add_line(&along("loss", vec![1.0, 2.0])).to_svg().unwrap_err();
        assert!(e.to_string().contains("1-D arrays along one dim"), "{e}");
    }

    #[test]
    fn png_has_the_asked_size() {
        let png = line_chart(&series(vec![1.0, 2.0])).size(500, 250).to_png_bytes().unwrap();
        let reader = png::Decoder::new(std::io::Cursor::new(png)).read_info().unwrap();
        assert_eq!((reader.info().width, reader.info().height), (500, 250));
    }
}
