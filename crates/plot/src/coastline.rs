//! Coastlines and country borders for the workshop's domain, from Natural Earth (1:50m,
//! public domain), cut to 98–142°E, 8–42°N — the data's 100–140°E, 10–40°N with a 2° margin.
//!
//! The polylines are embedded in the library (`data/coastline_50m.txt`,
//! `data/borders_50m.txt`; `data/README.md` says where they come from and how
//! `data/make_coastlines.py` makes them). Points are `(longitude, latitude)` in degrees.
//!
//! ```
//! use cumulus_plot::coastline::{self, BBox};
//!
//! // Taiwan's coast is there.
//! let taiwan = BBox { west: 119.9, east: 122.1, south: 21.8, north: 25.4 };
//! assert!(coastline::coastlines().iter().any(|l| l.iter().all(|&p| taiwan.contains(p))));
//! assert!(coastline::coastlines().iter().flatten().all(|&p| coastline::DOMAIN.contains(p)));
//! ```

use std::sync::LazyLock;

/// A polyline: `(longitude, latitude)` points in degrees.
pub type Polyline = Vec<(f64, f64)>;

/// A longitude–latitude box, edges included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    /// Western edge (degrees east).
    pub west: f64,
    /// Eastern edge.
    pub east: f64,
    /// Southern edge (degrees north).
    pub south: f64,
    /// Northern edge.
    pub north: f64,
}

impl BBox {
    /// True when `(lon, lat)` is inside or on the edge.
    ///
    /// ```
    /// let b = cumulus_plot::coastline::BBox { west: 100.0, east: 140.0, south: 10.0, north: 40.0 };
    /// assert!(b.contains((121.5, 25.0)) && b.contains((100.0, 40.0)));
    /// assert!(!b.contains((99.9, 25.0)));
    /// ```
    pub fn contains(&self, (lon, lat): (f64, f64)) -> bool {
        lon >= self.west && lon <= self.east && lat >= self.south && lat <= self.north
    }
}

/// The area the embedded coastlines and borders cover.
pub const DOMAIN: BBox = BBox { west: 98.0, east: 142.0, south: 8.0, north: 42.0 };

const COASTLINE_TXT: &str = include_str!("../data/coastline_50m.txt");
const BORDERS_TXT: &str = include_str!("../data/borders_50m.txt");

/// Natural Earth's 1:50m coastlines (the edges of land) inside [`DOMAIN`].
///
/// ```
/// // Hainan's coast reaches south of 18.3°N near 109.5°E.
/// let hainan = cumulus_plot::coastline::coastlines()
///     .iter()
///     .flatten()
///     .any(|&(lon, lat)| (109.0..110.0).contains(&lon) && lat < 18.3);
/// assert!(hainan);
/// ```
pub fn coastlines() -> &'static [Polyline] {
    static LINES: LazyLock<Vec<Polyline>> = LazyLock::new(|| parse(COASTLINE_TXT).unwrap_or_default());
    &LINES
}

/// Natural Earth's 1:50m land borders between countries inside [`DOMAIN`].
///
/// ```
/// // The China–Vietnam border runs near 22.5°N, 104–108°E; Taiwan has no land border.
/// let b = cumulus_plot::coastline::borders();
/// assert!(b.iter().flatten().any(|&(lon, lat)| (104.0..108.0).contains(&lon) && (21.5..23.5).contains(&lat)));
/// assert!(!b.iter().flatten().any(|&(lon, lat)| (119.9..122.1).contains(&lon) && (21.8..25.4).contains(&lat)));
/// ```
pub fn borders() -> &'static [Polyline] {
    static LINES: LazyLock<Vec<Polyline>> = LazyLock::new(|| parse(BORDERS_TXT).unwrap_or_default());
    &LINES
}

/// Read polylines written one per line as `lon,lat lon,lat …`; `None` names the first bad line.
fn parse(text: &str) -> Result<Vec<Polyline>, usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, line)| {
            line.split_whitespace()
                .map(|pair| {
                    let (x, y) = pair.split_once(',')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect::<Option<Polyline>>()
                .filter(|p| p.len() >= 2)
                .ok_or(n + 1)
        })
        .collect()
}

/// The part of segment `p → q` inside `b` (Liang–Barsky), or `None`.
fn clip_segment(p: (f64, f64), q: (f64, f64), b: BBox) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (pk, qk) in [(-dx, p.0 - b.west), (dx, b.east - p.0), (-dy, p.1 - b.south), (dy, b.north - p.1)] {
        if pk == 0.0 {
            if qk < 0.0 {
                return None;
            }
        } else if pk < 0.0 {
            t0 = t0.max(qk / pk);
        } else {
            t1 = t1.min(qk / pk);
        }
    }
    (t0 <= t1).then_some(((p.0 + t0 * dx, p.1 + t0 * dy), (p.0 + t1 * dx, p.1 + t1 * dy)))
}

/// Split `line` into the pieces inside `b` (a piece leaves and a new one starts where the
/// line crosses the edge).
///
/// ```
/// use cumulus_plot::coastline::{BBox, clip};
/// let b = BBox { west: 0.0, east: 10.0, south: 0.0, north: 10.0 };
/// // In, out across the east edge, back in.
/// let pieces = clip(&[(5.0, 5.0), (15.0, 5.0), (15.0, 8.0), (5.0, 8.0)], b);
/// assert_eq!(pieces, vec![vec![(5.0, 5.0), (10.0, 5.0)], vec![(10.0, 8.0), (5.0, 8.0)]]);
/// ```
pub fn clip(line: &[(f64, f64)], b: BBox) -> Vec<Polyline> {
    let mut pieces = Vec::new();
    let mut cur: Polyline = Vec::new();
    for w in line.windows(2) {
        let (p, q) = (w[0], w[1]);
        let Some((a, e)) = clip_segment(p, q, b) else {
            if cur.len() > 1 {
                pieces.push(std::mem::take(&mut cur));
            }
            cur.clear();
            continue;
        };
        if cur.last() != Some(&a) {
            if cur.len() > 1 {
                pieces.push(std::mem::take(&mut cur));
            }
            cur = vec![a];
        }
        cur.push(e);
        if e != q {
            pieces.push(std::mem::take(&mut cur));
        }
    }
    if cur.len() > 1 {
        pieces.push(cur);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_parses_whole() {
        let coast = parse(COASTLINE_TXT).unwrap();
        let borders = parse(BORDERS_TXT).unwrap();
        // Every line of the files is a polyline: nothing was dropped.
        assert_eq!(coast.len(), COASTLINE_TXT.lines().count());
        assert_eq!(borders.len(), BORDERS_TXT.lines().count());
        assert_eq!(coastlines().len(), coast.len());
        assert!(coast.len() > 50 && borders.len() > 5, "{} {}", coast.len(), borders.len());
    }

    #[test]
    fn every_point_is_inside_the_domain() {
        for p in coastlines().iter().chain(borders()).flatten() {
            assert!(DOMAIN.contains(*p), "{p:?}");
        }
    }

    #[test]
    fn taiwan_has_a_closed_coastline_in_the_right_place() {
        let taiwan = BBox { west: 119.9, east: 122.1, south: 21.8, north: 25.4 };
        let main_island = coastlines()
            .iter()
            .filter(|l| l.iter().all(|&p| taiwan.contains(p)))
            .max_by_key(|l| l.len())
            .expect("a polyline around Taiwan");
        // The island's ring closes, and spans most of the box (about 21.9–25.3°N).
        assert_eq!(main_island.first(), main_island.last());
        let lats: Vec<f64> = main_island.iter().map(|p| p.1).collect();
        let (lo, hi) = lats.iter().fold((90.0f64, -90.0f64), |(a, b), &y| (a.min(y), b.max(y)));
        assert!(lo < 22.2 && hi > 25.0, "{lo} {hi}");
    }

    #[test]
    fn bad_lines_are_reported_by_number() {
        assert_eq!(parse("1,2 3,4\n5,6 x,8\n"), Err(2));
        assert_eq!(parse("1,2\n"), Err(1));
    }

    #[test]
    fn clipping_keeps_inside_parts_and_cuts_at_the_edges() {
        let b = BBox { west: 0.0, east: 10.0, south: 0.0, north: 10.0 };
        assert!(clip(&[(-5.0, -5.0), (-1.0, 20.0)], b).is_empty());
        assert_eq!(clip(&[(-5.0, 5.0), (15.0, 5.0)], b), vec![vec![(0.0, 5.0), (10.0, 5.0)]]);
        assert_eq!(clip(&[(1.0, 1.0), (2.0, 2.0), (3.0, 1.0)], b), vec![vec![(1.0, 1.0), (2.0, 2.0), (3.0, 1.0)]]);
    }
}
