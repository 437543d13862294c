//! [`map`]: a 2-D latitude × longitude field drawn as coloured cells, with a colorbar,
//! degree ticks, gridlines and coastlines — what `da.plot()` with cartopy's
//! `ax.coastlines()` shows in the workshop.
//!
//! ```
//! use cumulus_chunked::ChunkedArray;
//! use cumulus_labeled::{DataArray, Variable};
//! use cumulus_plot::{Colormap, map};
//! use ndarray::{ArrayD, IxDyn};
//!
//! // 3 latitudes (descending, as in ERA5) × 4 longitudes around Taiwan.
//! let t = ArrayD::from_shape_fn(IxDyn(&[3, 4]), |i| 290.0 + i[0] as f64 + 0.5 * i[1] as f64);
//! let da = DataArray::new("temperature",
//!         Variable::new(&["latitude", "longitude"], ChunkedArray::from_array(t, &[3, 4]).unwrap()).unwrap())
//!     .with_coord("latitude", Variable::from_vec("latitude", vec![25.0f64, 24.0, 23.0])).unwrap()
//!     .with_coord("longitude", Variable::from_vec("longitude", vec![120.0f64, 121.0, 122.0, 123.0])).unwrap();
//! let svg = map(&da).cmap(Colormap::Turbo).title("Near Taiwan").size(500, 400).to_svg().unwrap();
//! assert!(svg.contains("Near Taiwan") && svg.contains("121°E"));
//! // The first cell (25°N, 120°E) holds the smallest value: the first colour of turbo
//! // (plotters writes SVG colours in capitals).
//! assert!(svg.contains(&Colormap::Turbo.rgba(0.0).to_hex().to_uppercase()));
//! ```

use std::path::Path;

use cumulus_labeled::DataArray;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::coastline;
use crate::colormap::{Colormap, Rgba};
use crate::contour::{Levels, Segment, contour_segments, label_position};
use crate::error::{Result, draw_err};
use crate::field::{Field, display_name};
use crate::font::FAMILY;
use crate::labels::{self, lat_label, lon_label};
use crate::limits::{self, LimitOptions, Resolved};
use crate::output::{self, Draw};
use crate::quiver::{self, Arrow, quiver_arrows};

/// Start a map of a 2-D array with dimensions `latitude` and `longitude` (in either order;
/// latitude ascending or descending), like xarray's `da.plot()`. Nothing is computed until
/// the map is drawn ([`Map::to_svg`], [`Map::to_png_bytes`], [`Map::save`], …).
pub fn map(da: &DataArray) -> Map {
    Map {
        da: da.clone(),
        limits: LimitOptions::default(),
        title: None,
        colorbar_label: None,
        coastlines: true,
        borders: true,
        size: (800, 600),
        colorbar: true,
        contours: None,
        contour_color: Rgba::rgb(0, 0, 0),
        contour_labels: false,
        quiver: Box::default(),
    }
}

/// A map being set up; see [`map`]. Every setter takes and returns the map, so they chain.
#[derive(Debug, Clone)]
pub struct Map {
    da: DataArray,
    limits: LimitOptions,
    title: Option<String>,
    colorbar_label: Option<String>,
    coastlines: bool,
    borders: bool,
    size: (u32, u32),
    colorbar: bool,
    contours: Option<Levels>,
    contour_color: Rgba,
    contour_labels: bool,
    quiver: Box<Quiver>,
}

/// The wind arrows asked for with [`Map::quiver`] and their settings.
#[derive(Debug, Clone)]
struct Quiver {
    /// `u` and `v`; no arrows without them.
    winds: Option<(DataArray, DataArray)>,
    stride: usize,
    scale: Option<f64>,
    key: Option<f64>,
    color: Rgba,
}

impl Default for Quiver {
    fn default() -> Quiver {
        Quiver { winds: None, stride: 1, scale: None, key: None, color: Rgba::rgb(0, 0, 0) }
    }
}

/// The smallest figure a map fits in.
pub(crate) const MIN_SIZE: (u32, u32) = (300, 200);
const MARGIN: i32 = 12;
const TITLE_H: i32 = 34;
const LEFT: i32 = 58;
const BOTTOM: i32 = 28;
pub(crate) const CBAR_GAP: i32 = 18;
pub(crate) const CBAR_W: i32 = 18;
pub(crate) const CBAR_LABELS: i32 = 52;
pub(crate) const CBAR_DESC: i32 = 26;
const RIGHT: i32 = CBAR_GAP + CBAR_W + CBAR_LABELS + CBAR_DESC;

/// Where things go, in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Layout {
    /// The map's plotting area: left, top, width, height.
    pub plot: (i32, i32, i32, i32),
    /// The colour bar: left, top, width, height.
    pub cbar: (i32, i32, i32, i32),
}

/// Everything a map needs to be drawn, found before drawing starts.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub field: Field,
    pub lim: Resolved,
    pub title: String,
    pub cbar_label: String,
    pub layout: Layout,
    /// Contour lines, as `(longitude, latitude)` segments.
    pub contours: Vec<Segment>,
    /// Where each contour level's label goes, `(longitude, latitude)`, and its text.
    pub contour_labels: Vec<((f64, f64), String)>,
    /// Wind arrows in pixels, and the reference arrow: speed, length in pixels, label.
    pub arrows: Vec<Arrow>,
    pub key: Option<WindKey>,
}

/// The reference arrow of a quiver map.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WindKey {
    /// The speed it stands for.
    pub speed: f64,
    /// Its length in pixels.
    pub len: f64,
    /// Its label: the speed and `u`'s units.
    pub label: String,
}

impl Map {
    /// The colormap (default: `viridis`, or `RdBu_r` for data of both signs, as xarray).
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
    /// use cumulus_plot::{Colormap, map};
    /// // `da` holds temperatures from 290 to 293.5 K.
    /// let svg = map(&da).cmap(Colormap::Turbo).to_svg().unwrap();
    /// assert!(svg.contains(&Colormap::Turbo.rgba(1.0).to_hex().to_uppercase()));
    /// ```
    pub fn cmap(mut self, cmap: Colormap) -> Map {
        self.limits.cmap = Some(cmap);
        self
    }

    /// The value drawn with the colormap's first colour; smaller values get it too.
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
    /// // Values of `da` (290 … 293.5 K) below 291 get the first colour.
    /// let svg = cumulus_plot::map(&da).vmin(291.0).vmax(295.0).to_svg().unwrap();
    /// assert!(svg.contains("295"));
    /// ```
    pub fn vmin(mut self, vmin: f64) -> Map {
        self.limits.vmin = Some(vmin);
        self
    }

    /// The value drawn with the colormap's last colour; larger values get it too.
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
    /// let e = cumulus_plot::map(&da).vmin(300.0).vmax(280.0).to_svg().unwrap_err();
    /// assert!(e.to_string().contains("vmin must be below vmax"));
    /// ```
    pub fn vmax(mut self, vmax: f64) -> Map {
        self.limits.vmax = Some(vmax);
        self
    }

    /// Take missing limits from the 2nd and 98th percentiles of the data instead of its
    /// minimum and maximum, so a few extreme values do not wash out the map (xarray's
    /// `robust=True`).
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
    /// let svg = cumulus_plot::map(&da).robust(true).to_svg().unwrap();
    /// assert!(svg.starts_with("<svg"));
    /// ```
    pub fn robust(mut self, robust: bool) -> Map {
        self.limits.robust = robust;
        self
    }

    /// The title (default: the array's name and the scalar coordinates left by a selection,
    /// e.g. `temperature (level = 850, time = 2019-06-01)`).
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
    /// let svg = cumulus_plot::map(&da).title("T2m, 2019-06-15").to_svg().unwrap();
    /// assert!(svg.contains("T2m, 2019-06-15"));
    /// ```
    pub fn title(mut self, title: impl Into<String>) -> Map {
        self.title = Some(title.into());
        self
    }

    /// The colorbar's label (default: `long_name` or the name, then `[units]`, e.g.
    /// `temperature [K]`).
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
    /// let svg = cumulus_plot::map(&da).colorbar_label("2 m temperature (K)").to_svg().unwrap();
    /// assert!(svg.contains("2 m temperature (K)"));
    /// ```
    pub fn colorbar_label(mut self, label: impl Into<String>) -> Map {
        self.colorbar_label = Some(label.into());
        self
    }

    /// Draw coastlines (default: yes). The coastline data covers 8–42°N, 98–142°E.
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
    /// let with = cumulus_plot::map(&da).to_svg().unwrap();
    /// let without = cumulus_plot::map(&da).coastlines(false).to_svg().unwrap();
    /// // Taiwan's coast is among the lines drawn in the 22.5–25.5°N, 119.5–123.5°E box.
    /// assert!(with.matches("<polyline").count() > without.matches("<polyline").count());
    /// ```
    pub fn coastlines(mut self, yes: bool) -> Map {
        self.coastlines = yes;
        self
    }

    /// Draw country borders (default: yes), over the same area as the coastlines.
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
    /// let svg = cumulus_plot::map(&da).borders(false).to_svg().unwrap();
    /// assert!(!svg.contains("#505050"));
    /// ```
    pub fn borders(mut self, yes: bool) -> Map {
        self.borders = yes;
        self
    }

    /// The figure's width and height in pixels (default 800 × 600; at least 300 × 200). In
    /// [`panels`](crate::panels()) the panel's cell size is used instead.
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
    /// let svg = cumulus_plot::map(&da).size(640, 480).to_svg().unwrap();
    /// assert!(svg.starts_with("<svg width=\"640\" height=\"480\""));
    /// assert!(cumulus_plot::map(&da).size(10, 10).to_svg().is_err());
    /// ```
    pub fn size(mut self, width: u32, height: u32) -> Map {
        self.size = (width, height);
        self
    }

    /// Draw contour lines over the coloured cells (matplotlib's `ax.contour`): at the given
    /// levels (`[291.0, 292.0]`, a `Vec<f64>`), or at `n` levels evenly spaced between the
    /// data's minimum and maximum (an integer). Lines are found by marching squares between
    /// the cells' centres and stop at NaN cells; see [`contour`](crate::contour). Off by
    /// default.
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
    /// use cumulus_plot::{Rgba, map};
    /// // `da` holds 290 … 293.5 K; one line at 291.5 K, in red.
    /// let red = Rgba::rgb(255, 0, 0);
    /// let svg = map(&da).contours([291.5]).contour_color(red).to_svg().unwrap();
    /// assert!(svg.contains("stroke=\"#FF0000\""));
    /// // Three levels between the extremes: 290.875, 291.75, 292.625.
    /// assert!(map(&da).contours(3).to_svg().is_ok());
    /// ```
    pub fn contours(mut self, levels: impl Into<Levels>) -> Map {
        self.contours = Some(levels.into());
        self
    }

    /// The colour of the contour lines (default black).
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
    /// use cumulus_plot::{Rgba, map};
    /// let svg = map(&da).contours(2).contour_color(Rgba::rgb(0, 0, 255)).to_svg().unwrap();
    /// assert!(svg.contains("#0000FF"));
    /// ```
    pub fn contour_color(mut self, color: Rgba) -> Map {
        self.contour_color = color;
        self
    }

    /// Write each contour level's value on its line (matplotlib's `ax.clabel`), in the
    /// contour colour on a white box, at the piece of the line nearest the middle of all its
    /// pieces; see [`contour::label_position`](crate::contour::label_position). Off by default.
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
    /// use cumulus_plot::map;
    /// let plain = map(&da).contours([291.5]).to_svg().unwrap();
    /// let labelled = map(&da).contours([291.5]).contour_labels(true).to_svg().unwrap();
    /// // One more "291.5" than the colorbar's ticks alone: the label on the line.
    /// assert_eq!(labelled.matches("291.5").count(), plain.matches("291.5").count() + 1);
    /// ```
    pub fn contour_labels(mut self, yes: bool) -> Map {
        self.contour_labels = yes;
        self
    }

    /// Draw wind arrows from the eastward `u` and northward `v` components (matplotlib's
    /// `ax.quiver`), both on the map's latitude × longitude grid, with a reference arrow in
    /// the lower right corner labelled with its speed and `u`'s units. Each arrow starts at
    /// its grid point and points east for `u > 0`, north (up) for `v > 0`. By default every
    /// point gets an arrow and the longest is 0.9 of the distance between arrows; see
    /// [`Map::quiver_stride`], [`Map::quiver_scale`], [`Map::quiver_key`] and
    /// [the `quiver` module](crate::quiver).
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
    /// # let wind = |name: &str, x: f64| DataArray::new(name, Variable::new(&["latitude", "longitude"],
    /// #         ChunkedArray::from_array(ArrayD::from_elem(IxDyn(&[3, 4]), x), &[3, 4]).unwrap()).unwrap())
    /// #     .with_coord("latitude", Variable::from_vec("latitude", vec![25.0f64, 24.0, 23.0])).unwrap()
    /// #     .with_coord("longitude", Variable::from_vec("longitude", vec![120.0f64, 121.0, 122.0, 123.0])).unwrap();
    /// // A westerly of 8 m/s everywhere: 12 arrows plus the key, each a shaft and a head.
    /// let u = wind("u", 8.0);
    /// let v = wind("v", 0.0);
    /// let plain = cumulus_plot::map(&da).coastlines(false).borders(false);
    /// let svg = plain.clone().quiver(&u, &v).to_svg().unwrap();
    /// let lines = |svg: &str| svg.matches("<polyline").count();
    /// assert_eq!(lines(&svg) - lines(&plain.to_svg().unwrap()), 2 * (12 + 1));
    /// // The key: a round speed below the fastest wind (no units on `u` here).
    /// assert!(svg.contains(">\n5\n</text>"));
    /// ```
    pub fn quiver(mut self, u: &DataArray, v: &DataArray) -> Map {
        self.quiver.winds = Some((u.clone(), v.clone()));
        self
    }

    /// Draw an arrow at every `stride`-th grid point along latitude and longitude, from the
    /// first (`u[::stride, ::stride]` in NumPy); default 1. Needs [`Map::quiver`] (before or
    /// after).
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
    /// # let wind = |name: &str, x: f64| DataArray::new(name, Variable::new(&["latitude", "longitude"],
    /// #         ChunkedArray::from_array(ArrayD::from_elem(IxDyn(&[3, 4]), x), &[3, 4]).unwrap()).unwrap())
    /// #     .with_coord("latitude", Variable::from_vec("latitude", vec![25.0f64, 24.0, 23.0])).unwrap()
    /// #     .with_coord("longitude", Variable::from_vec("longitude", vec![120.0f64, 121.0, 122.0, 123.0])).unwrap();
    /// use cumulus_plot::Rgba;
    /// let m = cumulus_plot::map(&da).quiver(&wind("u", 3.0), &wind("v", 4.0)).quiver_color(Rgba::rgb(255, 0, 255));
    /// // Rows 0 and 2, columns 0 and 2 of 3 × 4: 4 arrows plus the key, each a shaft and a head.
    /// let svg = m.quiver_stride(2).to_svg().unwrap();
    /// assert_eq!(svg.matches("stroke=\"#FF00FF\"").count(), 2 * (4 + 1));
    /// ```
    pub fn quiver_stride(mut self, stride: usize) -> Map {
        self.quiver.stride = stride;
        self
    }

    /// The arrows' scale in pixels per unit of speed (e.g. 3.0: a 10 m/s wind is 30 pixels
    /// long), to compare maps; default: the longest arrow is 0.9 of the spacing between arrows.
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
    /// # let wind = |name: &str, x: f64| DataArray::new(name, Variable::new(&["latitude", "longitude"],
    /// #         ChunkedArray::from_array(ArrayD::from_elem(IxDyn(&[3, 4]), x), &[3, 4]).unwrap()).unwrap())
    /// #     .with_coord("latitude", Variable::from_vec("latitude", vec![25.0f64, 24.0, 23.0])).unwrap()
    /// #     .with_coord("longitude", Variable::from_vec("longitude", vec![120.0f64, 121.0, 122.0, 123.0])).unwrap();
    /// let m = cumulus_plot::map(&da).quiver(&wind("u", 10.0), &wind("v", 0.0)).quiver_scale(3.0);
    /// assert!(m.to_svg().is_ok());
    /// assert!(m.quiver_scale(0.0).to_svg().unwrap_err().to_string().contains("quiver_scale"));
    /// ```
    pub fn quiver_scale(mut self, px_per_unit: f64) -> Map {
        self.quiver.scale = Some(px_per_unit);
        self
    }

    /// The speed of the reference arrow (matplotlib's `quiverkey`); default: the largest of
    /// 1, 2 or 5 × 10ᵏ not above the fastest wind drawn.
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
    /// # let wind = |name: &str, x: f64| DataArray::new(name, Variable::new(&["latitude", "longitude"],
    /// #         ChunkedArray::from_array(ArrayD::from_elem(IxDyn(&[3, 4]), x), &[3, 4]).unwrap()).unwrap())
    /// #     .with_coord("latitude", Variable::from_vec("latitude", vec![25.0f64, 24.0, 23.0])).unwrap()
    /// #     .with_coord("longitude", Variable::from_vec("longitude", vec![120.0f64, 121.0, 122.0, 123.0])).unwrap();
    /// let m = cumulus_plot::map(&da).quiver(&wind("u", 8.0), &wind("v", 0.0)).quiver_key(7.5);
    /// assert!(m.to_svg().unwrap().contains("7.5"));
    /// ```
    pub fn quiver_key(mut self, speed: f64) -> Map {
        self.quiver.key = Some(speed);
        self
    }

    /// The colour of the arrows (default black).
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
    /// # let wind = |name: &str, x: f64| DataArray::new(name, Variable::new(&["latitude", "longitude"],
    /// #         ChunkedArray::from_array(ArrayD::from_elem(IxDyn(&[3, 4]), x), &[3, 4]).unwrap()).unwrap())
    /// #     .with_coord("latitude", Variable::from_vec("latitude", vec![25.0f64, 24.0, 23.0])).unwrap()
    /// #     .with_coord("longitude", Variable::from_vec("longitude", vec![120.0f64, 121.0, 122.0, 123.0])).unwrap();
    /// use cumulus_plot::Rgba;
    /// let m = cumulus_plot::map(&da).quiver(&wind("u", 8.0), &wind("v", 0.0)).quiver_color(Rgba::rgb(255, 255, 255));
    /// assert!(m.to_svg().unwrap().contains("stroke=\"#FFFFFF\""));
    /// ```
    pub fn quiver_color(mut self, color: Rgba) -> Map {
        self.quiver.color = color;
        self
    }

    /// Draw the colorbar (default: yes). Without it the map takes the freed width.
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
    /// let m = cumulus_plot::map(&da).colorbar_label("temperature");
    /// assert!(m.to_svg().unwrap().contains("temperature"));
    /// assert!(!m.colorbar(false).to_svg().unwrap().contains("temperature"));
    /// ```
    pub fn colorbar(mut self, yes: bool) -> Map {
        self.colorbar = yes;
        self
    }

    /// The map as an SVG document.
    ///
    /// # Errors
    /// [`PlotError::Dims`](crate::PlotError::Dims) when the array is not 2-D over latitude and longitude,
    /// [`PlotError::Coordinate`](crate::PlotError::Coordinate) when those lack usable coordinates, [`PlotError::Limits`](crate::PlotError::Limits) or
    /// [`PlotError::AllNan`](crate::PlotError::AllNan) when no colour limits can be set, [`PlotError::Argument`](crate::PlotError::Argument) for a
    /// bad size, [`PlotError::Compute`](crate::PlotError::Compute) when the values cannot be computed.
    pub fn to_svg(&self) -> Result<String> {
        output::to_svg(self)
    }

    /// The map as the bytes of a PNG file (text drawn with the embedded DejaVu Sans).
    ///
    /// # Errors
    /// As [`Map::to_svg`], and [`PlotError::Png`](crate::PlotError::Png).
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
    /// let png = cumulus_plot::map(&da).size(400, 300).to_png_bytes().unwrap();
    /// assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    /// ```
    pub fn to_png_bytes(&self) -> Result<Vec<u8>> {
        output::to_png(self)
    }

    /// Write the map as a PNG file.
    ///
    /// # Errors
    /// As [`Map::to_png_bytes`], and [`PlotError::Io`](crate::PlotError::Io).
    pub fn save_png(&self, path: impl AsRef<Path>) -> Result<()> {
        output::write(path.as_ref(), &self.to_png_bytes()?)
    }

    /// Write the map as an SVG file.
    ///
    /// # Errors
    /// As [`Map::to_svg`], and [`PlotError::Io`](crate::PlotError::Io).
    pub fn save_svg(&self, path: impl AsRef<Path>) -> Result<()> {
        output::write(path.as_ref(), self.to_svg()?.as_bytes())
    }

    /// Write the map as PNG or SVG, chosen by the file's extension (like `savefig`).
    ///
    /// # Errors
    /// [`PlotError::Argument`](crate::PlotError::Argument) for another extension; otherwise as [`Map::save_png`] and
    /// [`Map::save_svg`].
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
    /// let dir = std::env::temp_dir();
    /// cumulus_plot::map(&da).save(dir.join("cumulus_plot_doc_map.png")).unwrap();
    /// cumulus_plot::map(&da).save(dir.join("cumulus_plot_doc_map.svg")).unwrap();
    /// assert!(cumulus_plot::map(&da).save(dir.join("map.pdf")).is_err());
    /// ```
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        output::save_by_extension(path.as_ref(), |p| self.save_png(p), |p| self.save_svg(p))
    }

    /// Show the map in a Jupyter notebook with the evcxr kernel: evcxr calls this when a map
    /// is a cell's last expression. It prints the PNG as an `image/png` display block (or the
    /// error as text).
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
    /// // In a notebook cell, end with the map (no semicolon):
    /// //     cumulus_plot::map(&t850).robust(true)
    /// // Here, what evcxr would read: a PNG display block on stdout.
    /// cumulus_plot::map(&da).size(400, 300).evcxr_display();
    /// ```
    pub fn evcxr_display(&self) {
        println!("{}", output::evcxr_block(self.to_png_bytes()));
    }

    /// The array drawn.
    pub(crate) fn data(&self) -> &DataArray {
        &self.da
    }

    /// The colour limits and colormap asked for.
    pub(crate) fn limit_options(&self) -> LimitOptions {
        self.limits
    }

    /// The colorbar label the map would have.
    pub(crate) fn colorbar_text(&self) -> String {
        self.colorbar_label.clone().unwrap_or_else(|| labels::colorbar_label(&self.da))
    }

    /// The map with these limits and colormap and without its own colorbar (a colorbar
    /// shared in a multi-panel figure).
    pub(crate) fn with_shared_limits(mut self, lim: Resolved) -> Map {
        self.limits = LimitOptions { vmin: Some(lim.vmin), vmax: Some(lim.vmax), robust: false, cmap: Some(lim.cmap) };
        self.colorbar = false;
        self
    }

    /// Find out everything that can fail: data, limits, size; and where things go.
    pub(crate) fn prepare_map(&self) -> Result<Prepared> {
        let (w, h) = self.size;
        output::check_size(w, h, MIN_SIZE)?;
        self.prepare_field(Field::from_dataarray(&self.da)?)
    }

    /// As [`Map::prepare_map`], with the field already pulled out of the array.
    pub(crate) fn prepare_field(&self, field: Field) -> Result<Prepared> {
        let (w, h) = self.size;
        output::check_size(w, h, MIN_SIZE)?;
        let lim = limits::resolve(&field.values, self.limits, &display_name(&self.da))?;
        let title = self.title.clone().unwrap_or_else(|| labels::default_title(&self.da));
        let cbar_label = self.colorbar_label.clone().unwrap_or_else(|| labels::colorbar_label(&self.da));
        let layout = layout(&field, self.size, !title.is_empty(), self.colorbar);
        let mut contours = Vec::new();
        let mut contour_labels = Vec::new();
        if let Some(levels) = &self.contours {
            levels.check()?;
            for level in levels.resolve(&field.values) {
                let segments = contour_segments(&field.lat, &field.lon, &field.values, level)?;
                if self.contour_labels
                    && let Some(at) = label_position(&segments)
                {
                    contour_labels.push((at, labels::number(level)));
                }
                contours.extend(segments);
            }
        }
        let (arrows, key) = self.prepare_quiver(&field, &layout)?;
        Ok(Prepared { field, lim, title, cbar_label, layout, contours, contour_labels, arrows, key })
    }

    /// The arrows in pixels and the reference arrow (speed, length, label), if asked for.
    fn prepare_quiver(&self, f: &Field, layout: &Layout) -> Result<(Vec<Arrow>, Option<WindKey>)> {
        let q = &self.quiver;
        let Some((u, v)) = &q.winds else { return Ok((Vec::new(), None)) };
        quiver::check_stride(q.stride)?;
        let grid = |arg: &'static str, da: &DataArray| -> Result<Vec<f64>> {
            let g = Field::from_dataarray(da).map_err(|e| crate::PlotError::Argument { arg, reason: e.to_string() })?;
            if g.lat != f.lat || g.lon != f.lon {
                return Err(crate::PlotError::Argument {
                    arg,
                    reason: format!(
                        "expected the map's grid ({} latitudes × {} longitudes at the same coordinates), got {} × {}{}",
                        f.lat.len(),
                        f.lon.len(),
                        g.lat.len(),
                        g.lon.len(),
                        if (g.lat.len(), g.lon.len()) == (f.lat.len(), f.lon.len()) {
                            " at other coordinates"
                        } else {
                            ""
                        }
                    ),
                });
            }
            Ok(g.values)
        };
        let (uv, vv) = (grid("u", u)?, grid("v", v)?);
        let (x0, y0, pw, ph) = layout.plot;
        let (lon0, lon1) = f.lon_range();
        let (lat0, lat1) = f.lat_range();
        let (kx, ky) = (f64::from(pw) / (lon1 - lon0), f64::from(ph) / (lat1 - lat0));
        let to_px = |lon: f64, lat: f64| (f64::from(x0) + (lon - lon0) * kx, f64::from(y0) + (lat1 - lat) * ky);
        let step = |c: &[f64], k: f64| c.windows(2).map(|w| (w[1] - w[0]).abs() * k).fold(f64::INFINITY, f64::min);
        let spacing = step(&f.lon, kx).min(step(&f.lat, ky));
        let fastest = quiver::max_speed(f.lon.len(), &uv, &vv, q.stride);
        let scale = match q.scale {
            Some(s) => s,
            None if fastest > 0.0 => 0.9 * q.stride as f64 * spacing / fastest,
            None => 1.0,
        };
        let arrows = quiver_arrows(&f.lat, &f.lon, &uv, &vv, q.stride, scale, to_px)?;
        let speed = q.key.unwrap_or_else(|| quiver::key_speed(fastest));
        if !(speed.is_finite() && speed > 0.0) {
            return Err(crate::PlotError::Argument {
                arg: "quiver_key",
                reason: format!("expected a positive speed for the reference arrow, got {speed}"),
            });
        }
        let units = u.attrs().get("units").and_then(|x| x.as_str()).unwrap_or("");
        let label = format!("{} {units}", labels::number(speed)).trim_end().to_string();
        Ok((arrows, Some(WindKey { speed, len: speed * scale, label })))
    }
}

/// Place the plotting area (degrees drawn square, as cartopy's PlateCarree) and the colorbar.
fn layout(field: &Field, (w, h): (u32, u32), has_title: bool, colorbar: bool) -> Layout {
    let (w, h) = (w as i32, h as i32);
    let top = MARGIN + if has_title { TITLE_H } else { 0 };
    let (ax, ay) = (MARGIN + LEFT, top);
    let right = if colorbar { RIGHT } else { 0 };
    let (aw, ah) = (w - ax - MARGIN - right, h - ay - MARGIN - BOTTOM);
    let (lon0, lon1) = field.lon_range();
    let (lat0, lat1) = field.lat_range();
    let scale = (f64::from(aw) / (lon1 - lon0)).min(f64::from(ah) / (lat1 - lat0));
    let pw = ((lon1 - lon0) * scale).round().clamp(1.0, f64::from(aw)) as i32;
    let ph = ((lat1 - lat0) * scale).round().clamp(1.0, f64::from(ah)) as i32;
    let (x0, y0) = (ax + (aw - pw) / 2, ay + (ah - ph) / 2);
    Layout { plot: (x0, y0, pw, ph), cbar: (x0 + pw + CBAR_GAP, y0, CBAR_W, ph) }
}

impl Draw for Map {
    type Prepared = Prepared;

    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn prepare(&self) -> Result<Prepared> {
        self.prepare_map()
    }

    fn draw<DB: DrawingBackend>(&self, p: &Prepared, root: &DrawingArea<DB, Shift>) -> Result<()> {
        root.fill(&WHITE).map_err(draw_err("background"))?;
        let (x0, y0, pw, _) = p.layout.plot;
        if !p.title.is_empty() {
            let style = TextStyle::from((FAMILY, 18).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
            let at = (x0 + pw / 2, y0 - TITLE_H + 6);
            root.draw(&Text::new(p.title.clone(), at, style)).map_err(draw_err("title"))?;
        }
        self.draw_field(p, root)?;
        if !p.arrows.is_empty() || p.key.is_some() {
            self.draw_arrows(p, root)?;
        }
        if self.colorbar {
            draw_colorbar(root, p.layout.cbar, CBAR_LABELS, p.lim, &p.cbar_label)?;
        }
        Ok(())
    }
}

impl Map {
    fn draw_field<DB: DrawingBackend>(&self, p: &Prepared, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let (x0, y0, pw, ph) = p.layout.plot;
        let f = &p.field;
        let area = root.clone().shrink((x0 - LEFT, y0), (pw + LEFT, ph + BOTTOM));
        let (lon0, lon1) = f.lon_range();
        let (lat0, lat1) = f.lat_range();
        let mut chart = ChartBuilder::on(&area)
            .set_label_area_size(LabelAreaPosition::Left, LEFT)
            .set_label_area_size(LabelAreaPosition::Bottom, BOTTOM)
            .build_cartesian_2d(lon0..lon1, lat0..lat1)
            .map_err(draw_err("map axes"))?;
        let Resolved { vmin, vmax, cmap } = p.lim;
        // One rectangle per run of same-coloured cells along a row (fewer SVG elements);
        // NaN and infinite values are left out, so they show the background.
        let mut cells = Vec::new();
        for i in 0..f.lat.len() {
            let mut j = 0;
            while j < f.lon.len() {
                let v = f.value(i, j);
                if !v.is_finite() {
                    j += 1;
                    continue;
                }
                let color = cmap.color_of(v, vmin, vmax);
                let start = j;
                while j + 1 < f.lon.len()
                    && f.value(i, j + 1).is_finite()
                    && cmap.color_of(f.value(i, j + 1), vmin, vmax) == color
                {
                    j += 1;
                }
                cells.push(Rectangle::new(
                    [(f.lon_edges[start], f.lat_edges[i]), (f.lon_edges[j + 1], f.lat_edges[i + 1])],
                    color.to_plotters().filled(),
                ));
                j += 1;
            }
        }
        chart.draw_series(cells).map_err(draw_err("map cells"))?;
        if !p.contours.is_empty() {
            let style = self.contour_color.to_plotters().stroke_width(1);
            let lines = p.contours.iter().map(|s| PathElement::new(vec![s[0], s[1]], style));
            chart.draw_series(lines).map_err(draw_err("contours"))?;
            let ink = self.contour_color.to_plotters();
            let font = TextStyle::from((FAMILY, 11).into_font()).color(&ink).pos(Pos::new(HPos::Center, VPos::Center));
            let boxed = p.contour_labels.iter().map(|(at, text)| {
                // About 6 pixels per character of an 11-pixel font, and a pixel of margin.
                let half = (3 * text.chars().count() as i32 + 2, 7);
                EmptyElement::at(*at)
                    + Rectangle::new([(-half.0, -half.1), (half.0, half.1)], WHITE.filled())
                    + Text::new(text.clone(), (0, 0), font.clone())
            });
            chart.draw_series(boxed).map_err(draw_err("contour labels"))?;
        }
        let bbox = coastline::BBox { west: lon0, east: lon1, south: lat0, north: lat1 };
        if self.borders {
            let style = RGBColor(80, 80, 80).stroke_width(1);
            let lines = coastline::borders().iter().flat_map(|l| coastline::clip(l, bbox));
            chart.draw_series(lines.map(|l| PathElement::new(l, style))).map_err(draw_err("borders"))?;
        }
        if self.coastlines {
            let style = BLACK.stroke_width(1);
            let lines = coastline::coastlines().iter().flat_map(|l| coastline::clip(l, bbox));
            chart.draw_series(lines.map(|l| PathElement::new(l, style))).map_err(draw_err("coastlines"))?;
        }
        let lon_fmt = |x: &f64| lon_label(*x);
        let lat_fmt = |y: &f64| lat_label(*y);
        chart
            .configure_mesh()
            .x_labels((pw / 70).max(3) as usize)
            .y_labels((ph / 45).max(3) as usize)
            .x_label_formatter(&lon_fmt)
            .y_label_formatter(&lat_fmt)
            .light_line_style(TRANSPARENT)
            .bold_line_style(BLACK.mix(0.25))
            .label_style((FAMILY, 13))
            .draw()
            .map_err(draw_err("map ticks"))?;
        chart
            .plotting_area()
            .draw(&Rectangle::new([(lon0, lat0), (lon1, lat1)], BLACK.stroke_width(1)))
            .map_err(draw_err("map frame"))?;
        Ok(())
    }
}

impl Map {
    /// The wind arrows, and the reference arrow in a white box in the lower right corner.
    fn draw_arrows<DB: DrawingBackend>(&self, p: &Prepared, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let style = self.quiver.color.to_plotters().stroke_width(1);
        let px = |pts: Vec<(f64, f64)>| -> Vec<(i32, i32)> {
            pts.into_iter().map(|(x, y)| (x.round() as i32, y.round() as i32)).collect()
        };
        let (x0, y0, pw, ph) = p.layout.plot;
        // Arrows may reach past the frame; keep them on the map.
        let area = root.clone().shrink((x0, y0), (pw as u32, ph as u32));
        for a in &p.arrows {
            for line in a.lines() {
                let pts = px(line).into_iter().map(|(x, y)| (x - x0, y - y0)).collect::<Vec<_>>();
                area.draw(&PathElement::new(pts, style)).map_err(draw_err("wind arrows"))?;
            }
        }
        let Some(WindKey { len, label, .. }) = &p.key else { return Ok(()) };
        let font = TextStyle::from((FAMILY, 12).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
        let (tw, _) = root.estimate_text_size(label, &font).map_err(draw_err("wind key"))?;
        let len = len.round() as i32;
        let (bw, bh) = (8 + len + 6 + tw as i32 + 8, 22);
        let (right, bottom) = (x0 + pw - 4, y0 + ph - 4);
        let (left, top) = (right - bw, bottom - bh);
        root.draw(&Rectangle::new([(left, top), (right, bottom)], WHITE.filled())).map_err(draw_err("wind key"))?;
        root.draw(&Rectangle::new([(left, top), (right, bottom)], BLACK.mix(0.4).stroke_width(1)))
            .map_err(draw_err("wind key"))?;
        let mid = f64::from(top + bh / 2);
        let key = Arrow { tail: (f64::from(left + 8), mid), head: (f64::from(left + 8 + len), mid) };
        for line in key.lines() {
            root.draw(&PathElement::new(px(line), style)).map_err(draw_err("wind key"))?;
        }
        root.draw(&Text::new(label.clone(), (left + 8 + len + 6, top + bh / 2), font)).map_err(draw_err("wind key"))?;
        Ok(())
    }
}

/// A vertical colorbar in the box `cbar` (left, top, width, height) of `root`, with tick
/// labels in `labels_w` pixels to its right and `label` (if not empty) reading upwards
/// beside them.
pub(crate) fn draw_colorbar<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cbar: (i32, i32, i32, i32),
    labels_w: i32,
    lim: Resolved,
    label: &str,
) -> Result<()> {
    let (cx, cy, cw, ch) = cbar;
    let Resolved { vmin, vmax, cmap } = lim;
    let area = root.clone().shrink((cx, cy), (cw + labels_w, ch));
    let mut chart = ChartBuilder::on(&area)
        .set_label_area_size(LabelAreaPosition::Right, labels_w)
        .build_cartesian_2d(0.0..1.0, vmin..vmax)
        .map_err(draw_err("colorbar axes"))?;
    let n = Colormap::N;
    let step = (vmax - vmin) / n as f64;
    let bins = (0..n).map(|k| {
        let lo = vmin + step * k as f64;
        let color = cmap.rgba((k as f64 + 0.5) / n as f64).to_plotters();
        Rectangle::new([(0.0, lo), (1.0, lo + step)], color.filled())
    });
    chart.draw_series(bins).map_err(draw_err("colorbar"))?;
    let range = vmax - vmin;
    let fmt = |v: &f64| output::value_label(*v, range);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .disable_y_mesh()
        .disable_x_axis()
        // plotters' default is 5 % of the narrow bar: 1 pixel, which puts labels on the bar.
        .set_tick_mark_size(LabelAreaPosition::Right, 5)
        .y_labels((ch / 40).max(3) as usize)
        .y_label_formatter(&fmt)
        .label_style((FAMILY, 13))
        .draw()
        .map_err(draw_err("colorbar ticks"))?;
    chart
        .plotting_area()
        .draw(&Rectangle::new([(0.0, vmin), (1.0, vmax)], BLACK.stroke_width(1)))
        .map_err(draw_err("colorbar frame"))?;
    if label.is_empty() {
        return Ok(());
    }
    // The label reads upwards, beside the tick labels, as matplotlib's colorbar label does.
    let style = TextStyle::from((FAMILY, 14).into_font())
        .transform(FontTransform::Rotate270)
        .pos(Pos::new(HPos::Center, VPos::Center));
    let at = (cx + cw + labels_w + CBAR_DESC / 2, cy + ch / 2);
    root.draw(&Text::new(label.to_string(), at, style)).map_err(draw_err("colorbar label"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::field_da;

    /// 3 latitudes (descending) × 4 longitudes; value = 10 i + j, so every cell differs.
    fn small() -> DataArray {
        field_da(&[25.0, 24.0, 23.0], &[120.0, 121.0, 122.0, 123.0], |i, j| (10 * i + j) as f64)
    }

    /// The pixel at the centre of cell (lon, lat), from the layout.
    fn centre(p: &Prepared, lon: f64, lat: f64) -> (i32, i32) {
        let (x0, y0, pw, ph) = p.layout.plot;
        let (lon0, lon1) = p.field.lon_range();
        let (lat0, lat1) = p.field.lat_range();
        let x = f64::from(x0) + (lon - lon0) / (lon1 - lon0) * f64::from(pw);
        let y = f64::from(y0) + (lat1 - lat) / (lat1 - lat0) * f64::from(ph);
        (x.round() as i32, y.round() as i32)
    }

    #[test]
    fn layout_keeps_degrees_square_and_fits_the_figure() {
        let m = map(&small()).size(800, 600);
        let p = m.prepare_map().unwrap();
        let (x0, y0, pw, ph) = p.layout.plot;
        // 4° × 3° of cells: the plot is 4:3 to within a pixel.
        assert!((f64::from(pw) / f64::from(ph) - 4.0 / 3.0).abs() < 0.01, "{pw}×{ph}");
        let (cx, _, cw, ch) = p.layout.cbar;
        assert!(x0 > 0 && y0 > 0 && cx + cw + CBAR_LABELS + CBAR_DESC <= 800 && y0 + ph + BOTTOM <= 600);
        assert_eq!(ch, ph);
    }

    #[test]
    fn png_pixels_at_cell_centres_have_the_colours_of_their_values() {
        let m = map(&small()).coastlines(false).borders(false).size(500, 400);
        let p = m.prepare_map().unwrap();
        assert_eq!((p.lim.vmin, p.lim.vmax, p.lim.cmap), (0.0, 23.0, Colormap::Viridis));
        let rgb = output::to_rgb(&m).unwrap();
        let (w, _) = m.size;
        let pixel = |x: i32, y: i32| {
            let k = 3 * (y as usize * w as usize + x as usize);
            [rgb[k], rgb[k + 1], rgb[k + 2]]
        };
        for (i, lat) in [25.0, 24.0, 23.0].into_iter().enumerate() {
            for (j, lon) in [120.0, 121.0, 122.0, 123.0].into_iter().enumerate() {
                let want = Colormap::Viridis.color_of((10 * i + j) as f64, 0.0, 23.0);
                let (x, y) = centre(&p, lon, lat);
                // A gridline may cross the centre: most of the 5×5 pixels around it are the cell's.
                let same = (-2..=2)
                    .flat_map(|dx| (-2..=2).map(move |dy| (dx, dy)))
                    .filter(|&(dx, dy)| pixel(x + dx, y + dy) == [want.r, want.g, want.b])
                    .count();
                assert!(same >= 15, "cell ({lat}, {lon}) at ({x}, {y}): {same} of 25 pixels are {want}");
            }
        }
    }

    #[test]
    fn svg_cell_under_a_centre_has_the_colour_of_its_value() {
        let m = map(&small()).coastlines(false).borders(false).size(500, 400);
        let p = m.prepare_map().unwrap();
        let svg = m.to_svg().unwrap();
        let attr = |tag: &str, name: &str| -> Option<String> {
            let k = tag.find(&format!(" {name}=\""))? + name.len() + 3;
            Some(tag[k..k + tag[k..].find('"')?].to_string())
        };
        let rects: Vec<(i32, i32, i32, i32, String)> = svg
            .split("<rect")
            .skip(1)
            .filter_map(|t| {
                let n = |a| attr(t, a)?.parse::<i32>().ok();
                Some((n("x")?, n("y")?, n("width")?, n("height")?, attr(t, "fill")?))
            })
            .filter(|r| r.4 != "none" && !(r.0 == 0 && r.1 == 0))
            .collect();
        // Cell (24°N, 122°E) is row 1, column 2: value 12.
        let (x, y) = centre(&p, 122.0, 24.0);
        let under: Vec<&String> =
            rects.iter().filter(|r| x >= r.0 && x < r.0 + r.2 && y >= r.1 && y < r.1 + r.3).map(|r| &r.4).collect();
        let want = Colormap::Viridis.color_of(12.0, 0.0, 23.0).to_hex().to_uppercase();
        assert_eq!(under, vec![&want]);
    }

    #[test]
    fn contours_of_a_linear_field_lie_on_its_straight_line() {
        use crate::testutil::svg_polylines;
        // v = lon + lat on 1° steps, latitude descending: the 145.5 contour is lon + lat = 145.5.
        let lat = [25.0, 24.0, 23.0, 22.0, 21.0];
        let lon = [120.0, 121.0, 122.0, 123.0, 124.0];
        let da = field_da(&lat, &lon, |i, j| lon[j] + lat[i]);
        let red = Rgba::rgb(255, 0, 0);
        let m = map(&da).coastlines(false).borders(false).contours([145.5]).contour_color(red).size(600, 500);
        let p = m.prepare_map().unwrap();
        let want = contour_segments(&p.field.lat, &p.field.lon, &p.field.values, 145.5).unwrap();
        assert_eq!(p.contours, want);
        // Corner to corner of the grid the line crosses 7 squares (4 rows + 4 columns − 1).
        assert_eq!(want.len(), 7);
        let lines = svg_polylines(&m.to_svg().unwrap(), "#FF0000");
        assert_eq!(lines.len(), 7);
        let (x0, y0, pw, ph) = p.layout.plot;
        let (lon0, lon1) = p.field.lon_range();
        let (lat0, lat1) = p.field.lat_range();
        let per_degree = f64::from(pw) / (lon1 - lon0);
        for &(x, y) in lines.iter().flatten() {
            let lon = lon0 + f64::from(x - x0) / f64::from(pw) * (lon1 - lon0);
            let lat = lat1 - f64::from(y - y0) / f64::from(ph) * (lat1 - lat0);
            let off = (lon + lat - 145.5).abs() / 2f64.sqrt() * per_degree;
            assert!(off < 1.5, "({x}, {y}) is {off:.2} pixels off the contour");
        }
        // Without `contours` nothing red is drawn, and the map is the same as before.
        let plain = map(&da).coastlines(false).borders(false).size(600, 500).to_svg().unwrap();
        assert!(svg_polylines(&plain, "#FF0000").is_empty());
    }

    #[test]
    fn contour_labels_sit_on_their_lines_in_white_boxes() {
        use crate::testutil::svg_texts;
        // v = lon + lat, latitude descending: the 145.5 contour is lon + lat = 145.5, the 146.75
        // contour lon + lat = 146.75; each gets one label, on its own line (values that are not
        // colorbar ticks, so each text is found once).
        let lat = [25.0, 24.0, 23.0, 22.0, 21.0];
        let lon = [120.0, 121.0, 122.0, 123.0, 124.0];
        let da = field_da(&lat, &lon, |i, j| lon[j] + lat[i]);
        let m = map(&da).coastlines(false).borders(false).contours([145.5, 146.75]).size(600, 500);
        let plain = m.clone().to_svg().unwrap();
        assert!(!plain.contains(">145.5<"), "labels are off by default");
        let labelled = m.contour_labels(true);
        let p = labelled.prepare_map().unwrap();
        assert_eq!(p.contour_labels.len(), 2);
        let svg = labelled.to_svg().unwrap();
        let (x0, y0, pw, ph) = p.layout.plot;
        let (lon0, lon1) = p.field.lon_range();
        let (lat0, lat1) = p.field.lat_range();
        for (level, text) in [(145.5, "145.5"), (146.75, "146.75")] {
            let found: Vec<_> = svg_texts(&svg).into_iter().filter(|t| t.text == text).collect();
            assert_eq!(found.len(), 1, "one label {text}");
            let lon = lon0 + f64::from(found[0].x - x0) / f64::from(pw) * (lon1 - lon0);
            let lat = lat1 - f64::from(found[0].y - y0) / f64::from(ph) * (lat1 - lat0);
            // Within a few pixels of its line (the text's anchor is rounded and shifted by the
            // font's baseline).
            let off = (lon + lat - level).abs() / 2f64.sqrt() * f64::from(pw) / (lon1 - lon0);
            assert!(off < 8.0, "{text} at ({lon:.2}, {lat:.2}) is {off:.1} px off its line");
        }
        assert!(
            crate::testutil::svg_rects(&svg).iter().filter(|r| r.fill == "#FFFFFF" && r.w < 60).count() >= 2,
            "white boxes"
        );
    }

    #[test]
    fn contour_count_levels_and_nan_cells() {
        use crate::testutil::svg_polylines;
        let lat = [25.0, 24.0, 23.0];
        let lon = [120.0, 121.0, 122.0, 123.0];
        // v = j: 0 … 3; two levels between them: 1 and 2, each a vertical line of 2 pieces.
        let da = field_da(&lat, &lon, |_, j| j as f64);
        let m = map(&da).contours(2).contour_color(Rgba::rgb(255, 0, 0));
        assert_eq!(m.prepare_map().unwrap().contours.len(), 4);
        // A NaN at (24°N, 121°E) removes the 4 squares around it (columns 0–2): the 2.5 line
        // between 122°E and 123°E keeps its 2 pieces.
        let holed = field_da(&lat, &lon, |i, j| if (i, j) == (1, 1) { f64::NAN } else { j as f64 });
        let m = map(&holed).contours([2.5]).contour_color(Rgba::rgb(255, 0, 0));
        assert_eq!(m.prepare_map().unwrap().contours.len(), 2);
        assert_eq!(svg_polylines(&m.to_svg().unwrap(), "#FF0000").len(), 2);
        let m = map(&holed).contours([1.5]);
        assert!(m.prepare_map().unwrap().contours.is_empty(), "every square crossing 1.5 touches the NaN");
        let e = map(&da).contours(vec![f64::NAN]).to_svg().unwrap_err().to_string();
        assert_eq!(e, "bad argument contours: expected finite levels, got NaN");
    }

    #[test]
    fn wind_arrows_start_at_grid_points_and_point_with_the_wind() {
        use crate::testutil::{svg_polylines, svg_texts};
        let lat = [25.0, 24.0, 23.0];
        let lon = [120.0, 121.0, 122.0, 123.0];
        let magenta = Rgba::rgb(255, 0, 255);
        let draw = |u: f64, v: f64| {
            let m = map(&small())
                .coastlines(false)
                .borders(false)
                .size(600, 450)
                .quiver(&field_da(&lat, &lon, |_, _| u), &field_da(&lat, &lon, |_, _| v))
                .quiver_color(magenta);
            let p = m.prepare_map().unwrap();
            (p, svg_polylines(&m.to_svg().unwrap(), "#FF00FF"), m.to_svg().unwrap())
        };
        // East wind of 6: every shaft goes right, horizontally, from its grid point, 0.9 of
        // the 1° spacing long (the fastest wind sets the scale).
        let (p, lines, svg) = draw(6.0, 0.0);
        assert_eq!(lines.len(), 2 * (12 + 1), "a shaft and a head per arrow, and for the key");
        // 4 cells of 1° across the plot.
        let spacing = f64::from(p.layout.plot.2) / 4.0;
        for (k, (i, j)) in (0..3).flat_map(|i| (0..4).map(move |j| (i, j))).enumerate() {
            let shaft = &lines[2 * k];
            let (x, y) = centre(&p, lon[j], lat[i]);
            assert!((shaft[0].0 - x).abs() <= 1 && (shaft[0].1 - y).abs() <= 1, "arrow {k} starts at {x}, {y}");
            assert_eq!(shaft[1].1, shaft[0].1);
            let len = f64::from(shaft[1].0 - shaft[0].0);
            // Arrows are clipped at the frame: the last column's reach half a cell, to the edge.
            let want = if j == 3 { 0.5 * spacing } else { 0.9 * spacing };
            assert!((len - want).abs() <= 1.0, "arrow {k}: {len} vs {want}");
        }
        assert_eq!(p.key.as_ref().map(|k| k.speed), Some(5.0), "the key shows 5, the round speed below 6");
        assert!(svg_texts(&svg).iter().any(|t| t.text == "5 K"), "labelled with u's units");
        // North wind on this descending grid: shafts go up the picture.
        let (_, lines, _) = draw(0.0, 6.0);
        for shaft in lines.iter().step_by(2).take(12) {
            assert!(shaft[1].1 < shaft[0].1 && shaft[1].0 == shaft[0].0, "{shaft:?}");
        }
    }

    #[test]
    fn winds_on_another_grid_are_refused() {
        let u = field_da(&[25.0, 24.0], &[120.0, 121.0], |_, _| 1.0);
        let e = map(&small()).quiver(&u, &u).to_svg().unwrap_err().to_string();
        assert_eq!(
            e,
            "bad argument u: expected the map's grid (3 latitudes × 4 longitudes at the same coordinates), got 2 × 2"
        );
        let e = map(&small()).quiver(&small(), &small()).quiver_stride(0).to_svg().unwrap_err().to_string();
        assert_eq!(e, "bad argument quiver_stride: expected at least 1, got 0");
        let e = map(&small()).quiver(&small(), &small()).quiver_key(-1.0).to_svg().unwrap_err().to_string();
        assert!(e.starts_with("bad argument quiver_key"), "{e}");
    }

    #[test]
    fn png_title_is_drawn_with_the_embedded_font() {
        let m = map(&small()).title("Title").size(500, 400);
        let p = m.prepare_map().unwrap();
        let rgb = output::to_rgb(&m).unwrap();
        let (_, y0, _, _) = p.layout.plot;
        // Dark pixels in the band above the plot: the title's glyphs.
        let band = &rgb[3 * 500 * (y0 - TITLE_H) as usize..3 * 500 * y0 as usize];
        let dark = band.chunks(3).filter(|c| c.iter().all(|&v| v < 100)).count();
        assert!(dark > 30, "{dark} dark pixels");
    }

    #[test]
    fn evcxr_display_block_holds_the_png() {
        use base64::Engine as _;
        let m = map(&small()).size(400, 300);
        let block = output::evcxr_block(m.to_png_bytes());
        let lines: Vec<&str> = block.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], "EVCXR_BEGIN_CONTENT image/png");
        assert_eq!(lines[2], "EVCXR_END_CONTENT");
        let png = base64::engine::general_purpose::STANDARD.decode(lines[1]).unwrap();
        assert_eq!(png, m.to_png_bytes().unwrap());
        let bad = output::evcxr_block(map(&small()).vmin(1.0).vmax(0.0).to_png_bytes());
        assert!(bad.starts_with("EVCXR_BEGIN_CONTENT text/plain\nerror: bad colour limits"), "{bad}");
    }
}
