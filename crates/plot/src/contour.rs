//! Contour lines of a latitude × longitude field by marching squares — what matplotlib's
//! `ax.contour(lon, lat, values, levels)` draws over a map ([`Map::contours`](crate::Map::contours)).
//!
//! The grid's points are the array's coordinates (cell centres), so contours run between
//! the centres of the cells drawn below them. Every square of four neighbouring points is
//! cut where the level lies between two corners, by linear interpolation along the edge; a
//! square with a NaN (or infinite) corner gets no line, so contours stop at missing data. The
//! coordinates place the points, so ascending and descending latitudes give the same lines.
//!
//! ```
//! use cumulus_plot::contour::contour_segments;
//!
//! // v = longitude on a 2 × 2 grid: the contour at 120.5 is the meridian 120.5°E.
//! let lat = [25.0, 24.0];
//! let lon = [120.0, 121.0];
//! let values = [120.0, 121.0, 120.0, 121.0];
//! let segs = contour_segments(&lat, &lon, &values, 120.5).unwrap();
//! assert_eq!(segs.len(), 1);
//! let [(lon_a, _), (lon_b, _)] = segs[0];
//! assert_eq!((lon_a, lon_b), (120.5, 120.5));
//! ```

use crate::error::{PlotError, Result};

/// A straight piece of contour line: two `(longitude, latitude)` points.
pub type Segment = [(f64, f64); 2];

/// Which contour levels to draw: given values, or a count of levels spread evenly between
/// the data's minimum and maximum (matplotlib's `levels=` as a list or an int).
///
/// ```
/// use cumulus_plot::contour::Levels;
/// // 3 levels between 0 and 8: 2, 4, 6 (the extremes themselves give no line).
/// assert_eq!(Levels::from(3).resolve(&[0.0, 8.0, f64::NAN]), vec![2.0, 4.0, 6.0]);
/// assert_eq!(Levels::from(vec![5.0, 1.0]).resolve(&[0.0, 8.0]), vec![1.0, 5.0]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Levels {
    /// This many levels, evenly spaced strictly between the finite minimum and maximum.
    Count(usize),
    /// These levels.
    Values(Vec<f64>),
}

impl From<usize> for Levels {
    fn from(n: usize) -> Levels {
        Levels::Count(n)
    }
}

impl From<Vec<f64>> for Levels {
    fn from(v: Vec<f64>) -> Levels {
        Levels::Values(v)
    }
}

impl From<&[f64]> for Levels {
    fn from(v: &[f64]) -> Levels {
        Levels::Values(v.to_vec())
    }
}

impl<const N: usize> From<[f64; N]> for Levels {
    fn from(v: [f64; N]) -> Levels {
        Levels::Values(v.to_vec())
    }
}

impl Levels {
    /// The levels for `values`, ascending and without duplicates. A count `n` gives
    /// `min + k (max − min) / (n + 1)` for `k = 1..=n`; no finite value, or a constant field,
    /// gives no levels.
    pub fn resolve(&self, values: &[f64]) -> Vec<f64> {
        let mut out = match self {
            Levels::Values(v) => v.clone(),
            Levels::Count(n) => {
                let finite = values.iter().copied().filter(|v| v.is_finite());
                let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
                if lo >= hi {
                    return Vec::new();
                }
                (1..=*n).map(|k| lo + (hi - lo) * k as f64 / (*n + 1) as f64).collect()
            }
        };
        out.sort_by(f64::total_cmp);
        out.dedup();
        out
    }

    /// Check the levels: given values must be finite.
    pub(crate) fn check(&self) -> Result<()> {
        if let Levels::Values(v) = self
            && let Some(x) = v.iter().find(|x| !x.is_finite())
        {
            return Err(PlotError::Argument { arg: "contours", reason: format!("expected finite levels, got {x}") });
        }
        Ok(())
    }
}

/// The contour of `values` at `level` as straight segments between `(longitude, latitude)`
/// points. `values[i * lon.len() + j]` is the value at `lat[i]`, `lon[j]`; the coordinates
/// may be ascending or descending. A saddle square (opposite corners on the same side) is
/// resolved by the mean of its corners, as matplotlib does.
///
/// # Errors
/// [`PlotError::Argument`] when `values` does not have `lat.len() × lon.len()` entries or
/// `level` is not finite.
///
/// ```
/// use cumulus_plot::contour::contour_segments;
/// // v = lat + lon on a 3 × 3 grid: the 45 contour is the line lat + lon = 45.
/// let lat = [24.0, 23.0, 22.0];
/// let lon = [21.0, 22.0, 23.0];
/// let v: Vec<f64> = lat.iter().flat_map(|y| lon.iter().map(move |x| x + y)).collect();
/// for [(x0, y0), (x1, y1)] in contour_segments(&lat, &lon, &v, 45.0).unwrap() {
///     assert!((x0 + y0 - 45.0).abs() < 1e-12 && (x1 + y1 - 45.0).abs() < 1e-12);
/// }
/// ```
pub fn contour_segments(lat: &[f64], lon: &[f64], values: &[f64], level: f64) -> Result<Vec<Segment>> {
    let (ny, nx) = (lat.len(), lon.len());
    if values.len() != ny * nx {
        return Err(PlotError::Argument {
            arg: "values",
            reason: format!("expected {ny} × {nx} = {} values, got {}", ny * nx, values.len()),
        });
    }
    if !level.is_finite() {
        return Err(PlotError::Argument { arg: "level", reason: format!("expected a finite level, got {level}") });
    }
    let mut out = Vec::new();
    for i in 0..ny.saturating_sub(1) {
        for j in 0..nx.saturating_sub(1) {
            // Corners in order around the square.
            let c = [(i, j), (i, j + 1), (i + 1, j + 1), (i + 1, j)];
            let v = c.map(|(a, b)| values[a * nx + b]);
            if v.iter().any(|x| !x.is_finite()) {
                continue;
            }
            let p = c.map(|(a, b)| (lon[b], lat[a]));
            let above = v.map(|x| x > level);
            // Crossing point on edge k (corner k to corner k + 1), if the level cuts it.
            let cross = |k: usize| -> Option<(f64, f64)> {
                let m = (k + 1) % 4;
                if above[k] == above[m] {
                    return None;
                }
                let t = (level - v[k]) / (v[m] - v[k]);
                Some((p[k].0 + t * (p[m].0 - p[k].0), p[k].1 + t * (p[m].1 - p[k].1)))
            };
            let e = [cross(0), cross(1), cross(2), cross(3)];
            let cut: Vec<usize> = (0..4).filter(|&k| e[k].is_some()).collect();
            let seg = |a: usize, b: usize| e[a].zip(e[b]).map(|(x, y)| [x, y]);
            match cut.len() {
                2 => out.extend(seg(cut[0], cut[1])),
                4 => {
                    // Saddle: corners 0 and 2 are on one side, 1 and 3 on the other. If the
                    // centre is on corner 0's side, 0 and 2 connect through it and the lines
                    // cut off corners 1 and 3; otherwise they cut off corners 0 and 2.
                    let centre_above = v.iter().sum::<f64>() / 4.0 > level;
                    let pairs = if centre_above == above[0] { [(0, 1), (2, 3)] } else { [(3, 0), (1, 2)] };
                    out.extend(pairs.iter().filter_map(|&(a, b)| seg(a, b)));
                }
                _ => {}
            }
        }
    }
    Ok(out)
}

/// Where to write a contour's level on it (matplotlib's `clabel`): the middle of the segment
/// whose middle is nearest the mean of all the segments' middles, so the label sits on the
/// line, towards the centre of what it draws. `None` for no segments.
///
/// ```
/// use cumulus_plot::contour::label_position;
/// // Three pieces of the meridian 120.5°E, from 21°N to 24°N: the label goes on the middle one.
/// let segs = [[(120.5, 21.0), (120.5, 22.0)], [(120.5, 22.0), (120.5, 23.0)], [(120.5, 23.0), (120.5, 24.0)]];
/// assert_eq!(label_position(&segs), Some((120.5, 22.5)));
/// assert_eq!(label_position(&[]), None);
/// ```
#[must_use]
pub fn label_position(segments: &[Segment]) -> Option<(f64, f64)> {
    let mid = |s: &Segment| ((s[0].0 + s[1].0) / 2.0, (s[0].1 + s[1].1) / 2.0);
    let n = segments.len() as f64;
    let (cx, cy) = segments.iter().map(mid).fold((0.0, 0.0), |(x, y), (a, b)| (x + a / n, y + b / n));
    segments.iter().map(mid).min_by(|a, b| {
        let d = |p: &(f64, f64)| (p.0 - cx).powi(2) + (p.1 - cy).powi(2);
        d(a).total_cmp(&d(b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(lat: &[f64], lon: &[f64], f: impl Fn(f64, f64) -> f64) -> Vec<f64> {
        lat.iter().flat_map(|&y| lon.iter().map(move |&x| (x, y))).map(|(x, y)| f(x, y)).collect()
    }

    /// Segments as sorted, rounded point pairs, for comparing sets of lines.
    fn canonical(segs: &[Segment]) -> Vec<[(i64, i64); 2]> {
        let r = |(x, y): (f64, f64)| ((x * 1e9).round() as i64, (y * 1e9).round() as i64);
        let mut v: Vec<[(i64, i64); 2]> = segs
            .iter()
            .map(|s| {
                let (a, b) = (r(s[0]), r(s[1]));
                if a <= b { [a, b] } else { [b, a] }
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_linear_field_gives_its_straight_contour_line() {
        // v = 2·lon − lat on 1° steps: the 200 contour is lat = 2·lon − 200, which crosses
        // 10 latitude rows between 20°N and 30°N at lon = (lat + 200) / 2.
        let lat: Vec<f64> = (0..=10).map(|i| 30.0 - i as f64).collect();
        let lon: Vec<f64> = (0..=10).map(|j| 105.0 + j as f64).collect();
        let v = grid(&lat, &lon, |x, y| 2.0 * x - y);
        let segs = contour_segments(&lat, &lon, &v, 200.0).unwrap();
        assert!(!segs.is_empty());
        for s in &segs {
            for &(x, y) in s {
                assert!((2.0 * x - y - 200.0).abs() < 1e-9, "({x}, {y}) is off the line");
                assert!((105.0..=115.0).contains(&x) && (20.0..=30.0).contains(&y));
            }
        }
        // The line runs from (110°E, 20°N) to (115°E, 30°N): its pieces add up to that length.
        let total: f64 = segs.iter().map(|[(a, b), (c, d)]| ((c - a).powi(2) + (d - b).powi(2)).sqrt()).sum();
        assert!((total - (5f64.powi(2) + 10f64.powi(2)).sqrt()).abs() < 1e-9, "{total}");
    }

    #[test]
    fn one_square_cut_through_two_edges_at_the_interpolated_points() {
        // Corners (lon, lat): (0,1)=0, (1,1)=4, (0,0)=0, (1,0)=0 → only corner (1, 1) is above 1.
        let segs = contour_segments(&[1.0, 0.0], &[0.0, 1.0], &[0.0, 4.0, 0.0, 0.0], 1.0).unwrap();
        assert_eq!(canonical(&segs), canonical(&[[(0.25, 1.0), (1.0, 0.25)]]));
    }

    #[test]
    fn descending_and_ascending_latitudes_give_the_same_lines() {
        let down: Vec<f64> = (0..6).map(|i| 25.0 - 0.5 * i as f64).collect();
        let up: Vec<f64> = down.iter().rev().copied().collect();
        let lon: Vec<f64> = (0..7).map(|j| 119.0 + 0.5 * j as f64).collect();
        let f = |x: f64, y: f64| (x - 121.0).powi(2) + (y - 23.5).powi(2);
        let a = contour_segments(&down, &lon, &grid(&down, &lon, f), 1.0).unwrap();
        let b = contour_segments(&up, &lon, &grid(&up, &lon, f), 1.0).unwrap();
        assert!(a.len() >= 8);
        assert_eq!(canonical(&a), canonical(&b));
    }

    #[test]
    fn squares_with_a_nan_corner_get_no_line() {
        let lat = [2.0, 1.0, 0.0];
        let lon = [0.0, 1.0, 2.0];
        let mut v = grid(&lat, &lon, |x, _| x);
        let full = contour_segments(&lat, &lon, &v, 0.5).unwrap();
        assert_eq!(full.len(), 2, "one piece per latitude band");
        v[0] = f64::NAN; // (lat 2, lon 0): only the top-left square touches it.
        let cut = contour_segments(&lat, &lon, &v, 0.5).unwrap();
        assert_eq!(canonical(&cut), canonical(&[[(0.5, 1.0), (0.5, 0.0)]]));
    }

    #[test]
    fn saddles_follow_the_centre() {
        // Corners 0 and 2 (top-left, bottom-right) are 1, the others 0.
        let lat = [1.0, 0.0];
        let lon = [0.0, 1.0];
        let v = [1.0, 0.0, 0.0, 1.0];
        // Centre 0.5 is above 0.4: the high corners connect, the lines cut off the low ones.
        let low = contour_segments(&lat, &lon, &v, 0.4).unwrap();
        assert_eq!(canonical(&low), canonical(&[[(0.6, 1.0), (1.0, 0.6)], [(0.4, 0.0), (0.0, 0.4)]]));
        // Centre 0.5 is below 0.6: the lines cut off the high corners.
        let high = contour_segments(&lat, &lon, &v, 0.6).unwrap();
        assert_eq!(canonical(&high), canonical(&[[(0.0, 0.6), (0.4, 1.0)], [(1.0, 0.4), (0.6, 0.0)]]));
    }

    #[test]
    fn bad_input_is_refused() {
        let e = contour_segments(&[1.0, 0.0], &[0.0, 1.0], &[1.0; 3], 0.5).unwrap_err().to_string();
        assert_eq!(e, "bad argument values: expected 2 × 2 = 4 values, got 3");
        let e = contour_segments(&[1.0, 0.0], &[0.0, 1.0], &[1.0; 4], f64::NAN).unwrap_err().to_string();
        assert!(e.contains("finite level"), "{e}");
        let e = Levels::from(vec![1.0, f64::INFINITY]).check().unwrap_err().to_string();
        assert_eq!(e, "bad argument contours: expected finite levels, got inf");
        assert!(Levels::from(4).resolve(&[3.0, 3.0]).is_empty());
    }
}
