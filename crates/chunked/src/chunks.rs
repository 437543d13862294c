//! [`Chunks`]: how an array is cut into blocks, dask-style — per axis, the length of every chunk.
//!
//! `((24, 24, 24, 24), (13,), (50, 50, 21), (50, 50, 50, 11))` is the chunking of one
//! generated store's `temperature` for four days. Regular and irregular chunkings are the same
//! thing here; a regular one just has equal lengths except the last.

use std::fmt;
use std::ops::Range;

use crate::error::ChunkedError;

/// A region of an array: one half-open range per axis.
pub type Region = Vec<Range<usize>>;

/// The most chunks [`Chunks::checked_regular`] accepts along one axis (2^28: the per-axis list
/// of lengths then takes at most 2 GiB).
pub const MAX_CHUNKS_PER_AXIS: usize = 1 << 28;

/// How a region meets the chunks of one axis: `(chunk, range inside the chunk, range inside
/// the region)` for every chunk it touches.
pub type AxisOverlap = Vec<(usize, Range<usize>, Range<usize>)>;

/// Chunk lengths along every axis.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Chunks {
    axes: Vec<Vec<usize>>,
}

impl Chunks {
    /// Regular chunks of `chunk` elements along each axis of `shape` (the last chunk of an axis
    /// may be shorter). A chunk length of 0 or larger than the axis means "the whole axis".
    ///
    /// ```
    /// use cumulus_chunked::Chunks;
    /// let c = Chunks::regular(&[100, 13], &[24, 13]);
    /// assert_eq!(c.axis(0), &[24, 24, 24, 24, 4]);
    /// assert_eq!(c.num_chunks(), 5);
    /// ```
    pub fn regular(shape: &[usize], chunk: &[usize]) -> Chunks {
        let axes = shape
            .iter()
            .zip(chunk)
            .map(|(&n, &c)| {
                if n == 0 {
                    return vec![0];
                }
                let c = if c == 0 || c > n { n } else { c };
                let mut v = vec![c; n / c];
                if n % c != 0 {
                    v.push(n % c);
                }
                v
            })
            .collect();
        Chunks { axes }
    }

    /// [`Chunks::regular`] for shapes and chunk shapes that come from outside (a store's
    /// metadata, a user): refuses a grid with more than [`MAX_CHUNKS_PER_AXIS`] chunks along an
    /// axis, whose per-axis list could not be allocated, instead of aborting.
    ///
    /// ```
    /// use cumulus_chunked::Chunks;
    /// assert!(Chunks::checked_regular(&[100, 13], &[24, 13]).is_ok());
    /// let err = Chunks::checked_regular(&[1_000_000_000_000, 2], &[2, 2]).unwrap_err();
    /// assert!(err.to_string().contains("500000000000 chunks along axis 0"));
    /// ```
    ///
    /// # Errors
    /// [`ChunkedError::BadChunks`] naming the axis, its length and its chunk.
    pub fn checked_regular(shape: &[usize], chunk: &[usize]) -> Result<Chunks, ChunkedError> {
        for (axis, (&n, &c)) in shape.iter().zip(chunk).enumerate() {
            let c = if c == 0 || c > n { n.max(1) } else { c };
            let count = n.div_ceil(c);
            if count > MAX_CHUNKS_PER_AXIS {
                return Err(ChunkedError::BadChunks {
                    reason: format!(
                        "length {n} in chunks of {c} makes {count} chunks along axis {axis}; at most {MAX_CHUNKS_PER_AXIS} are supported"
                    ),
                });
            }
        }
        Ok(Chunks::regular(shape, chunk))
    }

    /// One chunk holding the whole array.
    pub fn single(shape: &[usize]) -> Chunks {
        Chunks { axes: shape.iter().map(|&n| vec![n]).collect() }
    }

    /// Explicit per-axis chunk lengths (dask's tuple of tuples).
    ///
    /// # Errors
    /// [`ChunkedError::BadChunks`] when the lengths of an axis do not add up to its size, or a
    /// chunk other than the only chunk of an empty axis is empty.
    pub fn from_axes(shape: &[usize], axes: Vec<Vec<usize>>) -> Result<Chunks, ChunkedError> {
        if axes.len() != shape.len() {
            return Err(ChunkedError::BadChunks {
                reason: format!("{} axes of chunks for an array of {} dimensions", axes.len(), shape.len()),
            });
        }
        for (i, (a, &n)) in axes.iter().zip(shape).enumerate() {
            let sum: usize = a.iter().sum();
            if sum != n {
                return Err(ChunkedError::BadChunks {
                    reason: format!("chunks of axis {i} add up to {sum}, but the axis has length {n}"),
                });
            }
            if n > 0 && a.contains(&0) {
                return Err(ChunkedError::BadChunks { reason: format!("axis {i} has an empty chunk: {a:?}") });
            }
        }
        Ok(Chunks { axes })
    }

    /// Number of dimensions.
    pub fn ndim(&self) -> usize {
        self.axes.len()
    }

    /// Chunk lengths along `axis`.
    pub fn axis(&self, axis: usize) -> &[usize] {
        &self.axes[axis]
    }

    /// All axes.
    pub fn axes(&self) -> &[Vec<usize>] {
        &self.axes
    }

    /// The shape these chunks tile.
    pub fn shape(&self) -> Vec<usize> {
        self.axes.iter().map(|a| a.iter().sum()).collect()
    }

    /// Number of chunks along each axis.
    pub fn grid(&self) -> Vec<usize> {
        self.axes.iter().map(Vec::len).collect()
    }

    /// Total number of chunks.
    pub fn num_chunks(&self) -> usize {
        self.axes.iter().map(Vec::len).product()
    }

    /// The largest chunk's element count.
    pub fn max_chunk_len(&self) -> usize {
        self.axes.iter().map(|a| a.iter().copied().max().unwrap_or(0)).product()
    }

    /// Start offsets of the chunks along `axis`, plus the axis length at the end.
    pub fn bounds(&self, axis: usize) -> Vec<usize> {
        let mut b = Vec::with_capacity(self.axes[axis].len() + 1);
        let mut at = 0;
        b.push(0);
        for &c in &self.axes[axis] {
            at += c;
            b.push(at);
        }
        b
    }

    /// The region covered by chunk `idx`.
    pub fn region(&self, idx: &[usize]) -> Region {
        idx.iter()
            .enumerate()
            .map(|(axis, &i)| {
                let start: usize = self.axes[axis][..i].iter().sum();
                start..start + self.axes[axis][i]
            })
            .collect()
    }

    /// Every chunk index, in row-major (C) order.
    pub fn indices(&self) -> Vec<Vec<usize>> {
        grid_indices(&self.grid())
    }

    /// For each axis, the chunks that overlap `region` along it: `(chunk, range inside the
    /// chunk, range inside the region)`.
    pub fn overlaps(&self, region: &[Range<usize>]) -> Vec<AxisOverlap> {
        region
            .iter()
            .enumerate()
            .map(|(axis, r)| {
                let bounds = self.bounds(axis);
                let mut out = Vec::new();
                for c in 0..self.axes[axis].len() {
                    let (lo, hi) = (bounds[c], bounds[c + 1]);
                    let s = r.start.max(lo);
                    let e = r.end.min(hi);
                    if s < e || (r.start == r.end && lo == hi && r.start == lo) {
                        out.push((c, s - lo..e - lo, s - r.start..e - r.start));
                    }
                }
                out
            })
            .collect()
    }
}

impl fmt::Display for Chunks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(")?;
        for (i, a) in self.axes.iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            // Show regular axes compactly, like dask's repr: "24×4 + 4".
            let first = a[0];
            let full = a.iter().take_while(|&&c| c == first).count();
            if full == a.len() {
                write!(f, "{first}×{full}")?;
            } else if full == a.len() - 1 {
                write!(f, "{first}×{full} + {}", a[a.len() - 1])?;
            } else {
                write!(f, "{a:?}")?;
            }
        }
        write!(f, ")")
    }
}

/// Every index of a grid with `counts` cells per axis, row-major.
pub fn grid_indices(counts: &[usize]) -> Vec<Vec<usize>> {
    let total: usize = counts.iter().product();
    let mut out = Vec::with_capacity(total);
    if total == 0 {
        return out;
    }
    let mut idx = vec![0; counts.len()];
    for _ in 0..total {
        out.push(idx.clone());
        for axis in (0..counts.len()).rev() {
            idx[axis] += 1;
            if idx[axis] < counts[axis] {
                break;
            }
            idx[axis] = 0;
        }
    }
    out
}

/// The common refinement of two chunkings of the same axis length (the boundaries of both).
pub(crate) fn unify_axis(a: &[usize], b: &[usize]) -> Vec<usize> {
    let mut bounds = Vec::new();
    let mut at = 0;
    for &c in a {
        at += c;
        bounds.push(at);
    }
    at = 0;
    for &c in b {
        at += c;
        bounds.push(at);
    }
    bounds.sort_unstable();
    bounds.dedup();
    let mut out = Vec::with_capacity(bounds.len());
    let mut prev = 0;
    for b in bounds {
        if b > prev {
            out.push(b - prev);
            prev = b;
        }
    }
    if out.is_empty() {
        out.push(0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlaps_name_chunk_and_local_ranges() {
        let c = Chunks::regular(&[10], &[4]);
        let region: Region = std::iter::once(3..9).collect();
        let o = c.overlaps(&region);
        assert_eq!(o[0], vec![(0, 3..4, 0..1), (1, 0..4, 1..5), (2, 0..1, 5..6)]);
    }

    #[test]
    fn unify_takes_both_boundaries() {
        assert_eq!(unify_axis(&[4, 4, 2], &[5, 5]), vec![4, 1, 3, 2]);
    }

    #[test]
    fn display_is_compact() {
        let c = Chunks::regular(&[100, 13, 16], &[24, 13, 8]);
        assert_eq!(c.to_string(), "(24×4 + 4, 13×1, 8×2)");
    }
}
