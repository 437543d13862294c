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
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
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
        log_y: false,
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
    log_y: bool,
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

    /// A logarithmic value axis (matplotlib's `ax.set_yscale("log")`), with ticks at powers of
    /// ten (and at 2 and 5 times them when the range spans less than a decade). Every value
    /// must be positive or NaN.
    ///
    /// ```
    /// use cumulus_labeled::{DataArray, Variable};
    /// use cumulus_plot::line_chart;
    /// let along_epoch = |name: &str, v: Vec<f64>| {
    ///     let n = v.len() as i64;
    ///     DataArray::new(name, Variable::from_vec("epoch", v))
    ///         .with_coord("epoch", Variable::from_vec("epoch", (1..=n).collect::<Vec<_>>())).unwrap()
    /// };
    /// let loss = along_epoch("loss", vec![2.0, 0.3, 0.04, 0.009]);
    /// let svg = line_chart(&loss).log_y().to_svg().unwrap();
    /// assert!(svg.contains(">\n0.01\n<") && svg.contains(">\n0.1\n<") && svg.contains(">\n1\n<"));
    /// // Zero has no logarithm: the error names the series.
    /// let e = line_chart(&along_epoch("error", vec![1.0, 0.0])).log_y().to_svg().unwrap_err();
    /// assert!(e.to_string().contains("\"error\" has 0 at epoch 2"), "{e}");
    /// ```
    pub fn log_y(mut self) -> LineChart {
        self.log_y = true;
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
    /// With a log axis: values and `y` are log10 of the data, with these ticks.
    y_ticks: Option<Vec<(f64, String)>>,
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
            let mut values = da.to_vec_f64().map_err(|source| PlotError::Compute { name: display_name(da), source })?;
            if self.log_y {
                if let Some(k) = values.iter().position(|v| *v <= 0.0 || *v == f64::INFINITY) {
                    let at = index.label_string(k);
                    return Err(PlotError::Argument {
                        arg: "log_y",
                        reason: format!(
                            "a log axis needs positive values, but {} has {} at {dim} {at}",
                            display_name(da),
                            values[k]
                        ),
                    });
                }
                values.iter_mut().for_each(|v| *v = v.log10());
            }
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
        let y = padded(min, max, false);
        let y_ticks = self.log_y.then(|| log_ticks(y.0, y.1, (self.size.1 / 40).max(2) as usize));
        Ok(Prepared { lines, x, y, ticks, title, y_ticks })
    }

    fn draw<DB: DrawingBackend>(&self, p: &Prepared, root: &DrawingArea<DB, Shift>) -> Result<()> {
        root.fill(&WHITE).map_err(draw_err("background"))?;
        let mut builder = ChartBuilder::on(root);
        builder.margin(16).margin_right(40).x_label_area_size(52).y_label_area_size(72);
        if !p.title.is_empty() {
            builder.caption(&p.title, (FAMILY, 18));
        }
        let x = LabeledAxis::new(p.x.0..p.x.1, p.ticks.clone());
        match &p.y_ticks {
            None => {
                let mut chart = builder.build_cartesian_2d(x, p.y.0..p.y.1).map_err(draw_err("line chart axes"))?;
                let range = p.y.1 - p.y.0;
                self.draw_on(p, &mut chart, &|y: &f64| value_label(*y, range))
            }
            Some(ticks) => {
                let y = LabeledAxis::new(p.y.0..p.y.1, ticks.clone());
                let mut chart = builder.build_cartesian_2d(x, y).map_err(draw_err("line chart axes"))?;
                let label = |y: &f64| ticks.iter().find(|t| t.0 == *y).map(|t| t.1.clone()).unwrap_or_default();
                self.draw_on(p, &mut chart, &label)
            }
        }
    }
}

impl LineChart {
    /// Ticks, labels, lines and legend on axes built for a linear or a log value axis.
    fn draw_on<'a, DB: DrawingBackend + 'a, Y: Ranged<ValueType = f64> + ValueFormatter<f64>>(
        &self,
        p: &Prepared,
        chart: &mut ChartContext<'a, DB, Cartesian2d<LabeledAxis, Y>>,
        y_label: &dyn Fn(&f64) -> String,
    ) -> Result<()> {
        let ylabel = self.ylabel.clone().unwrap_or_else(|| labels::colorbar_label(&self.da));
        chart
            .configure_mesh()
            .y_label_formatter(y_label)
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

/// Ticks of a log axis over `lo..hi` (log10 of the values): at powers of ten, every n-th
/// decade so that at most about `max` remain; at 1, 2 and 5 times them when that gives fewer
/// than 3 ticks; at 1 … 9 times them when that still does. Labels are the values.
fn log_ticks(lo: f64, hi: f64, max: usize) -> Vec<(f64, String)> {
    let (first, last) = (lo.floor() as i32, hi.ceil() as i32);
    let inside = |m: &[f64], every: i32| -> Vec<(f64, String)> {
        (first..=last)
            .filter(|e| e.rem_euclid(every) == 0)
            .flat_map(|e| m.iter().map(move |&k| (e, k)))
            .map(|(e, k)| (e, k, (k.log10() + f64::from(e))))
            .filter(|&(_, _, y)| y >= lo - 1e-12 && y <= hi + 1e-12)
            .map(|(e, k, y)| (y, log_label(k, e)))
            .collect()
    };
    let decades = (last - first + 1).max(1);
    let every = ((decades as usize).div_ceil(max.max(1))).max(1) as i32;
    let ticks = inside(&[1.0], every);
    if ticks.len() >= 3 || every > 1 {
        return ticks;
    }
    let ticks = inside(&[1.0, 2.0, 5.0], 1);
    if ticks.len() >= 3 {
        return ticks;
    }
    inside(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0], 1)
}

/// `k × 10^e` as a tick label: plain from 0.0001 to 100000 (`0.02`, `500`), else `2e-7`.
fn log_label(k: f64, e: i32) -> String {
    if (-4..=5).contains(&e) {
        let decimals = (-e).max(0) as usize;
        format!("{:.decimals$}", k * 10f64.powi(e))
    } else {
        format!("{k}e{e}")
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

    // The points of the SVG polylines stroked in a colour.
    use crate::testutil::svg_polylines as polylines;

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
    fn log_axis_places_values_by_their_logarithm() {
        // 1, 10, 100, 1000: equal steps up the picture on a log axis.
        let chart = line_chart(&series(vec![1.0, 10.0, 100.0, 1000.0])).log_y();
        let p = chart.prepare().unwrap();
        assert_eq!(p.lines[0].1, vec![0.0, 1.0, 2.0, 3.0]);
        let ticks: Vec<&str> = p.y_ticks.as_ref().unwrap().iter().map(|t| t.1.as_str()).collect();
        assert_eq!(ticks, vec!["1", "10", "100", "1000"]);
        let svg = chart.to_svg().unwrap();
        let l = &polylines(&svg, "#1F77B4")[0];
        let steps: Vec<i32> = l.windows(2).map(|w| w[0].1 - w[1].1).collect();
        assert!(steps.iter().all(|s| *s > 0 && (s - steps[0]).abs() <= 1), "{steps:?}");
        for t in ticks {
            assert!(svg.contains(&format!(">\n{t}\n</text>")), "tick {t}");
        }
        // The linear chart of the same data is not evenly stepped.
        let lin = polylines(&line_chart(&series(vec![1.0, 10.0, 100.0, 1000.0])).to_svg().unwrap(), "#1F77B4");
        assert!(lin[0][1].1 - lin[0][2].1 < lin[0][2].1 - lin[0][3].1);
    }

    #[test]
    fn log_ticks_follow_the_range() {
        let labels = |lo: f64, hi: f64, max| log_ticks(lo, hi, max).into_iter().map(|t| t.1).collect::<Vec<_>>();
        assert_eq!(labels(-2.1, 0.1, 8), vec!["0.01", "0.1", "1"]);
        // Less than a decade: 1, 2 and 5 times powers of ten.
        assert_eq!(labels(0.0, 1.5, 8), vec!["1", "2", "5", "10", "20"]);
        // Within one decade: every multiple.
        assert_eq!(labels(0.2, 0.6, 8), vec!["2", "3"]);
        // 21 decades, at most 5 ticks: every 5th decade.
        assert_eq!(labels(-10.0, 10.0, 5), vec!["1e-10", "1e-5", "1", "100000", "1e10"]);
        let t = log_ticks(0.0, 1.5, 8);
        assert!((t[1].0 - 2f64.log10()).abs() < 1e-12);
    }

    #[test]
    fn log_axis_refuses_non_positive_values_naming_the_series() {
        let e = line_chart(&series(vec![1.0, f64::NAN, -2.0])).log_y().to_svg().unwrap_err().to_string();
        assert!(
            e.starts_with(
                "bad argument log_y: a log axis needs positive values, but \"t2m\" has -2 at time 2019-06-30T02"
            ),
            "{e}"
        );
        let other = series(vec![1.0, 0.0]).rename("other");
        let e = line_chart(&series(vec![1.0, 2.0])).add_line(&other).log_y().to_svg().unwrap_err().to_string();
        assert!(e.contains("\"other\" has 0 at"), "{e}");
        // NaN is a gap, as on a linear axis.
        assert!(line_chart(&series(vec![1.0, f64::NAN, 2.0])).log_y().to_svg().is_ok());
    }

    #[test]
    fn png_has_the_asked_size() {
        let png = line_chart(&series(vec![1.0, 2.0])).size(500, 250).to_png_bytes().unwrap();
        let reader = png::Decoder::new(std::io::Cursor::new(png)).read_info().unwrap();
        assert_eq!((reader.info().width, reader.info().height), (500, 250));
    }
}
