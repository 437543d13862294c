//! Wind arrows — matplotlib's `ax.quiver(lon, lat, u, v)` over a map
//! ([`Map::quiver`](crate::Map::quiver)).
//!
//! `u` is the eastward and `v` the northward component. An arrow starts at its grid point
//! (matplotlib's `pivot="tail"`) and points east for `u > 0` and north (up on the map) for
//! `v > 0`, whatever the order of the latitudes in the array: the points are placed by their
//! coordinates. Its length in pixels is the speed times the scale.
//!
//! ```
//! use cumulus_plot::quiver::quiver_arrows;
//!
//! // A 2 × 2 grid, descending latitudes; screen y grows downwards as latitude decreases.
//! let to_px = |lon: f64, lat: f64| ((lon - 120.0) * 100.0, (25.0 - lat) * 100.0);
//! let east = quiver_arrows(&[25.0, 24.0], &[120.0, 121.0], &[5.0; 4], &[0.0; 4], 1, 4.0, to_px).unwrap();
//! assert_eq!((east[0].tail, east[0].head), ((0.0, 0.0), (20.0, 0.0)));
//! ```

use crate::error::{PlotError, Result};

/// One arrow in pixels: from `tail` (the grid point) to `head`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Arrow {
    /// Where the arrow starts: the grid point's pixel.
    pub tail: (f64, f64),
    /// Where it points to.
    pub head: (f64, f64),
}

impl Arrow {
    /// The arrow's length in pixels.
    ///
    /// ```
    /// let a = cumulus_plot::quiver::Arrow { tail: (0.0, 0.0), head: (3.0, 4.0) };
    /// assert_eq!(a.length(), 5.0);
    /// ```
    pub fn length(&self) -> f64 {
        (self.head.0 - self.tail.0).hypot(self.head.1 - self.tail.1)
    }

    /// The polylines that draw it, in pixels: the shaft, and the two barbs of the head
    /// (each a quarter of the length, at most 8 pixels, 25° off the shaft) as one line
    /// through the tip.
    ///
    /// ```
    /// let a = cumulus_plot::quiver::Arrow { tail: (0.0, 0.0), head: (20.0, 0.0) };
    /// let [shaft, head] = a.lines();
    /// assert_eq!(shaft, vec![(0.0, 0.0), (20.0, 0.0)]);
    /// // The barbs lie behind the tip, one above and one below the shaft.
    /// assert!(head[0].0 < 20.0 && head[0].1 < 0.0 && head[2].1 > 0.0 && head[1] == (20.0, 0.0));
    /// ```
    pub fn lines(&self) -> [Vec<(f64, f64)>; 2] {
        let len = self.length();
        let shaft = vec![self.tail, self.head];
        if len == 0.0 {
            return [shaft, vec![self.head]];
        }
        let (dx, dy) = ((self.head.0 - self.tail.0) / len, (self.head.1 - self.tail.1) / len);
        let barb = (0.25 * len).min(8.0);
        let (s, c) = 25f64.to_radians().sin_cos();
        // The direction back along the shaft, turned by ±25°.
        let back = |sign: f64| {
            let (bx, by) = (-dx, -dy);
            (self.head.0 + barb * (bx * c - sign * by * s), self.head.1 + barb * (sign * bx * s + by * c))
        };
        [shaft, vec![back(1.0), self.head, back(-1.0)]]
    }
}

/// The arrows of the wind `(u, v)` on a grid: one every `stride` points along each axis,
/// starting with the first, skipping points where `u` or `v` is not finite. `to_px` places a
/// `(longitude, latitude)` on the figure in pixels (y growing downwards, as on screen); an
/// arrow is `px_per_unit` pixels long per unit of speed. `u[i * lon.len() + j]` is the value
/// at `lat[i]`, `lon[j]`, and the same for `v`.
///
/// # Errors
/// [`PlotError::Argument`] when `u` or `v` does not have `lat.len() × lon.len()` values,
/// `stride` is 0, or `px_per_unit` is not a positive finite number.
///
/// ```
/// use cumulus_plot::quiver::quiver_arrows;
/// let to_px = |lon: f64, lat: f64| ((lon - 120.0) * 100.0, (25.0 - lat) * 100.0);
/// // A north wind of 3 m/s points up the screen (towards smaller y) on this descending grid.
/// let north = quiver_arrows(&[25.0, 24.0], &[120.0, 121.0], &[0.0; 4], &[3.0; 4], 1, 10.0, to_px).unwrap();
/// assert_eq!(north[2].tail, (0.0, 100.0));
/// assert_eq!(north[2].head, (0.0, 70.0));
/// ```
pub fn quiver_arrows(
    lat: &[f64],
    lon: &[f64],
    u: &[f64],
    v: &[f64],
    stride: usize,
    px_per_unit: f64,
    to_px: impl Fn(f64, f64) -> (f64, f64),
) -> Result<Vec<Arrow>> {
    let n = lat.len() * lon.len();
    for (arg, c) in [("u", u), ("v", v)] {
        if c.len() != n {
            return Err(PlotError::Argument {
                arg,
                reason: format!("expected {} × {} = {n} values, got {}", lat.len(), lon.len(), c.len()),
            });
        }
    }
    check_stride(stride)?;
    if !(px_per_unit.is_finite() && px_per_unit > 0.0) {
        return Err(PlotError::Argument {
            arg: "quiver_scale",
            reason: format!("expected a positive number of pixels per unit of speed, got {px_per_unit}"),
        });
    }
    let mut out = Vec::new();
    for i in (0..lat.len()).step_by(stride) {
        for j in (0..lon.len()).step_by(stride) {
            let k = i * lon.len() + j;
            let (uu, vv) = (u[k], v[k]);
            if !(uu.is_finite() && vv.is_finite()) {
                continue;
            }
            let tail = to_px(lon[j], lat[i]);
            // East is +x; north is −y on screen.
            let head = (tail.0 + uu * px_per_unit, tail.1 - vv * px_per_unit);
            out.push(Arrow { tail, head });
        }
    }
    Ok(out)
}

pub(crate) fn check_stride(stride: usize) -> Result<()> {
    if stride == 0 {
        return Err(PlotError::Argument { arg: "quiver_stride", reason: "expected at least 1, got 0".into() });
    }
    Ok(())
}

/// The largest finite speed `√(u² + v²)` at the points `stride` apart (0 when there is none).
pub(crate) fn max_speed(nlon: usize, u: &[f64], v: &[f64], stride: usize) -> f64 {
    let nlat = u.len().checked_div(nlon).unwrap_or(0);
    let mut m = 0.0f64;
    for i in (0..nlat).step_by(stride.max(1)) {
        for j in (0..nlon).step_by(stride.max(1)) {
            let s = u[i * nlon + j].hypot(v[i * nlon + j]);
            if s.is_finite() {
                m = m.max(s);
            }
        }
    }
    m
}

/// A round speed for the reference arrow: the largest 1, 2 or 5 × 10ᵏ not above `speed`
/// (1 when `speed` is 0 or not finite).
///
/// ```
/// use cumulus_plot::quiver::key_speed;
/// assert_eq!(key_speed(17.3), 10.0);
/// assert_eq!(key_speed(4.2), 2.0);
/// assert_eq!(key_speed(0.06), 0.05);
/// ```
pub fn key_speed(speed: f64) -> f64 {
    if !(speed.is_finite() && speed > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(speed.log10().floor());
    [5.0, 2.0, 1.0].into_iter().map(|m| m * mag).find(|s| *s <= speed * (1.0 + 1e-12)).unwrap_or(mag)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A map-like projection of 120–122°E, 23–25°N onto 200 × 200 pixels.
    fn to_px(lon: f64, lat: f64) -> (f64, f64) {
        ((lon - 120.0) * 100.0, (25.0 - lat) * 100.0)
    }

    #[test]
    fn east_wind_points_right_and_north_wind_up_on_a_descending_grid() {
        let lat = [25.0, 24.0, 23.0];
        let lon = [120.0, 121.0, 122.0];
        let east = quiver_arrows(&lat, &lon, &[2.0; 9], &[0.0; 9], 1, 10.0, to_px).unwrap();
        assert_eq!(east.len(), 9);
        for a in &east {
            assert_eq!((a.head.0 - a.tail.0, a.head.1 - a.tail.1), (20.0, 0.0));
        }
        let north = quiver_arrows(&lat, &lon, &[0.0; 9], &[2.0; 9], 1, 10.0, to_px).unwrap();
        for a in &north {
            assert_eq!((a.head.0 - a.tail.0, a.head.1 - a.tail.1), (0.0, -20.0));
        }
        // The first point is the northernmost (25°N): at the top of the picture.
        assert_eq!(north[0].tail, (0.0, 0.0));
        assert_eq!(north[8].tail, (200.0, 200.0));
        // The same grid ascending gives the same arrows, in the other row order.
        let up = [23.0, 24.0, 25.0];
        let asc = quiver_arrows(&up, &lon, &[0.0; 9], &[2.0; 9], 1, 10.0, to_px).unwrap();
        assert_eq!(asc[0].tail, (0.0, 200.0));
        assert_eq!(asc[0].head, (0.0, 180.0));
    }

    #[test]
    fn length_is_speed_times_scale_in_any_direction() {
        // A south-west wind (u = −3, v = −4): 5 m/s, pointing left and down.
        let a = quiver_arrows(&[25.0, 24.0], &[120.0, 121.0], &[-3.0; 4], &[-4.0; 4], 1, 2.0, to_px).unwrap();
        assert_eq!(a[0].length(), 10.0);
        assert_eq!(a[0].head, (-6.0, 8.0));
    }

    #[test]
    fn stride_subsamples_and_nan_is_skipped() {
        let lat: Vec<f64> = (0..5).map(|i| 25.0 - 0.5 * i as f64).collect();
        let lon: Vec<f64> = (0..5).map(|j| 120.0 + 0.5 * j as f64).collect();
        let mut u = vec![1.0; 25];
        let v = vec![0.0; 25];
        // Stride 2: rows and columns 0, 2, 4 → 9 arrows.
        let a = quiver_arrows(&lat, &lon, &u, &v, 2, 1.0, to_px).unwrap();
        let tails: Vec<(f64, f64)> = a.iter().map(|a| a.tail).collect();
        assert_eq!(tails.len(), 9);
        assert_eq!(tails[1], to_px(121.0, 25.0));
        assert_eq!(tails[3], to_px(120.0, 24.0));
        u[2 * 5 + 2] = f64::NAN;
        assert_eq!(quiver_arrows(&lat, &lon, &u, &v, 2, 1.0, to_px).unwrap().len(), 8);
        assert_eq!(max_speed(5, &u, &v, 2), 1.0);
    }

    #[test]
    fn bad_input_is_refused() {
        let e = quiver_arrows(&[1.0, 0.0], &[0.0, 1.0], &[1.0; 3], &[1.0; 4], 1, 1.0, to_px).unwrap_err();
        assert_eq!(e.to_string(), "bad argument u: expected 2 × 2 = 4 values, got 3");
        let e = quiver_arrows(&[1.0, 0.0], &[0.0, 1.0], &[1.0; 4], &[1.0; 4], 0, 1.0, to_px).unwrap_err();
        assert_eq!(e.to_string(), "bad argument quiver_stride: expected at least 1, got 0");
        let e = quiver_arrows(&[1.0, 0.0], &[0.0, 1.0], &[1.0; 4], &[1.0; 4], 1, -1.0, to_px).unwrap_err();
        assert!(e.to_string().starts_with("bad argument quiver_scale"), "{e}");
    }
}
