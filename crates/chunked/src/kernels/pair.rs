//! Statistics of two arrays over the same positions (xarray's `xr.cov` and `xr.corr`,
//! xskillscore's `me`, `mse`, `mae`, `r2`), as one reduction: one pass over the pairs gives
//! every one of them.
//!
//! A [`PairPartial`] holds, per output position, the co-moments of the pairs `(a, b)` seen so
//! far: their number `n`, the means `ā` and `b̄`, the sums of squared deviations `Σ(a−ā)²`,
//! `Σ(b−b̄)²`, the co-deviation `Σ(a−ā)(b−b̄)`, the squared error `Σ(a−b)²` and the absolute
//! error `Σ|a−b|`. The errors are summed directly (not derived from the deviations), so an
//! infinite input gives an infinite mean squared error, as in xskillscore. A block is reduced in two passes
//! (sums, then deviations from the block's own means: no division per element, so the loops
//! vectorize), and states merge with Chan's formulas, so the result does not depend on the
//! chunking beyond rounding. Every [`PairStat`] is a function of that state.
//!
//! ```
//! use cumulus_chunked::Block;
//! use cumulus_chunked::kernels::pair::{PairPartial, PairStat};
//! let a = Block::from_vec(&[4], vec![1.0_f64, 2.0, 3.0, 4.0]).unwrap();
//! let b = Block::from_vec(&[4], vec![1.5_f64, 2.5, 2.5, 4.5]).unwrap();
//! let p = PairPartial::from_blocks(false, &a, &b, &[0]);
//! let mae = p.finalize(PairStat::MeanAbsoluteError, cumulus_chunked::DType::F64);
//! assert_eq!(mae.as_array::<f64>().unwrap()[[].as_slice()], 0.5);
//! ```

use ndarray::{ArrayD, ArrayViewD, IxDyn};

use crate::block::{Block, BlockElement};
use crate::dtype::{DType, Element};
use crate::kernels::reduce::ordered;

/// What a pair reduction computes from the co-moments of `(a, b)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PairStat {
    /// mean of `a − b` (xskillscore's `me`)
    MeanError,
    /// mean of `(a − b)²`
    MeanSquaredError,
    /// mean of `|a − b|`
    MeanAbsoluteError,
    /// covariance with `ddof` delta degrees of freedom; NaN when there are no more pairs than
    /// `ddof` (xarray's `xr.cov` always leaves NaN pairs out: `skipna = true` here)
    Covariance(u32),
    /// Pearson's correlation, not clipped (xarray's `xr.corr`); NaN when either input is
    /// constant
    Correlation,
    /// coefficient of determination `1 − Σ(a − b)² / Σ(a − ā)²`, with `a` the truth
    R2,
}

impl PairStat {
    /// The name used in plans and task names (`mse`, `nancorr`, `cov(ddof=1)`, …).
    pub fn name(self, skipna: bool) -> String {
        let base = match self {
            PairStat::MeanError => "me".to_string(),
            PairStat::MeanSquaredError => "mse".into(),
            PairStat::MeanAbsoluteError => "mae".into(),
            PairStat::Covariance(0) => "cov".into(),
            PairStat::Covariance(d) => format!("cov(ddof={d})"),
            PairStat::Correlation => "corr".into(),
            PairStat::R2 => "r2".into(),
        };
        if skipna { format!("nan{base}") } else { base }
    }

    /// The dtype of the result: `f32` when both inputs are `f32`, `f64` otherwise.
    pub fn out_dtype(a: DType, b: DType) -> DType {
        if a == DType::F32 && b == DType::F32 { DType::F32 } else { DType::F64 }
    }
}

/// The co-moments of the pairs seen so far, one slot per output position (row-major over
/// the output's shape).
#[derive(Debug, Clone)]
pub struct PairPartial {
    shape: Vec<usize>,
    n: Vec<f64>,
    ma: Vec<f64>,
    mb: Vec<f64>,
    m2a: Vec<f64>,
    m2b: Vec<f64>,
    cab: Vec<f64>,
    sse: Vec<f64>,
    sae: Vec<f64>,
}

impl PairPartial {
    /// The state of nothing seen, for an output of `shape`.
    pub fn empty(shape: &[usize]) -> PairPartial {
        let len = shape.iter().product();
        let z = || vec![0.0; len];
        PairPartial {
            shape: shape.to_vec(),
            n: z(),
            ma: z(),
            mb: z(),
            m2a: z(),
            m2b: z(),
            cab: z(),
            sse: z(),
            sae: z(),
        }
    }

    /// Bytes held by the state.
    pub fn nbytes(&self) -> usize {
        self.n.len() * 8 * 8
    }

    /// Reduce the pairs of two blocks of the same shape along `axes` (sorted, distinct).
    /// With `skipna`, a pair where either value is NaN is left out; without, it makes its
    /// output position NaN.
    ///
    /// # Panics
    /// When the blocks differ in shape (the plan node checks this before any task runs).
    pub fn from_blocks(skipna: bool, a: &Block, b: &Block, axes: &[usize]) -> PairPartial {
        assert_eq!(a.shape(), b.shape(), "a pair reduction needs two blocks of the same shape");
        match (a, b) {
            (Block::F32(x), Block::F32(y)) => reduce_pair(skipna, x.view(), y.view(), axes),
            (Block::F64(x), Block::F64(y)) => reduce_pair(skipna, x.view(), y.view(), axes),
            _ => {
                let (x, y) = (a.cast_cow(DType::F64), b.cast_cow(DType::F64));
                let (x, y) = (as_f64(&x), as_f64(&y));
                reduce_pair(skipna, x.view(), y.view(), axes)
            }
        }
    }

    /// Merge another state of the same output positions (Chan's parallel formulas).
    pub fn combine(mut self, o: PairPartial) -> PairPartial {
        for k in 0..self.n.len() {
            let (n1, n2) = (self.n[k], o.n[k]);
            if n2 == 0.0 {
                continue;
            }
            if n1 == 0.0 {
                self.n[k] = n2;
                self.ma[k] = o.ma[k];
                self.mb[k] = o.mb[k];
                self.m2a[k] = o.m2a[k];
                self.m2b[k] = o.m2b[k];
                self.cab[k] = o.cab[k];
                self.sse[k] = o.sse[k];
                self.sae[k] = o.sae[k];
                continue;
            }
            let n = n1 + n2;
            let (da, db) = (o.ma[k] - self.ma[k], o.mb[k] - self.mb[k]);
            let f = n1 * n2 / n;
            self.ma[k] += da * n2 / n;
            self.mb[k] += db * n2 / n;
            self.m2a[k] += o.m2a[k] + da * da * f;
            self.m2b[k] += o.m2b[k] + db * db * f;
            self.cab[k] += o.cab[k] + da * db * f;
            self.sse[k] += o.sse[k];
            self.sae[k] += o.sae[k];
            self.n[k] = n;
        }
        self
    }

    /// The statistic as a block of the output's shape and `dtype` (`f32` or `f64`). A position
    /// with no pair gives NaN.
    pub fn finalize(&self, stat: PairStat, dtype: DType) -> Block {
        let at = |k: usize| -> f64 {
            let n = self.n[k];
            if n == 0.0 {
                return f64::NAN;
            }
            let me = self.ma[k] - self.mb[k];
            match stat {
                PairStat::MeanError => me,
                PairStat::MeanSquaredError => self.sse[k] / n,
                PairStat::MeanAbsoluteError => self.sae[k] / n,
                PairStat::Covariance(d) => {
                    let dof = n - f64::from(d);
                    if dof > 0.0 { self.cab[k] / dof } else { f64::NAN }
                }
                PairStat::Correlation => self.cab[k] / (self.m2a[k] * self.m2b[k]).sqrt(),
                PairStat::R2 => 1.0 - self.sse[k] / self.m2a[k],
            }
        };
        let values: Vec<f64> = (0..self.n.len()).map(at).collect();
        let out = ArrayD::from_shape_vec(IxDyn(&self.shape), values)
            .unwrap_or_else(|_| unreachable!("one value per position of the shape"));
        Block::F64(out).into_dtype(dtype)
    }
}

fn as_f64(b: &Block) -> &ArrayD<f64> {
    f64::unwrap_ref(b).expect("cast to f64")
}

/// Reduce one pair of typed views along `axes` into a fresh state.
fn reduce_pair<T: Element>(skipna: bool, a: ArrayViewD<'_, T>, b: ArrayViewD<'_, T>, axes: &[usize]) -> PairPartial {
    let kept: Vec<usize> = (0..a.ndim()).filter(|d| !axes.contains(d)).collect();
    let out_shape: Vec<usize> = kept.iter().map(|&d| a.shape()[d]).collect();
    let kept_len: usize = out_shape.iter().product();
    let red_len: usize = axes.iter().map(|&d| a.shape()[d]).product();
    let mut p = PairPartial::empty(&out_shape);
    if kept_len == 0 || red_len == 0 {
        return p;
    }
    if kept_len >= red_len {
        // Reduced axes first: `red_len` slabs of `kept_len` contiguous values, one per slot.
        let (x, y) = (ordered(a, axes, &kept), ordered(b, axes, &kept));
        let (x, y) = (x.as_slice().expect("standard layout"), y.as_slice().expect("standard layout"));
        if skipna { slabs::<T, true>(x, y, kept_len, &mut p) } else { slabs::<T, false>(x, y, kept_len, &mut p) }
    } else {
        // Kept axes first: one contiguous run of `red_len` values per slot.
        let (x, y) = (ordered(a, &kept, axes), ordered(b, &kept, axes));
        let (x, y) = (x.as_slice().expect("standard layout"), y.as_slice().expect("standard layout"));
        for (k, (xs, ys)) in x.chunks_exact(red_len).zip(y.chunks_exact(red_len)).enumerate() {
            if skipna { run::<T, true>(xs, ys, k, &mut p) } else { run::<T, false>(xs, ys, k, &mut p) }
        }
    }
    p
}

/// The pair `(x, y)` as `f64`, and whether it counts (`SKIP`: neither is NaN).
#[inline(always)]
fn load<T: Element, const SKIP: bool>(x: T, y: T) -> (f64, f64, bool) {
    let (x, y) = (x.to_f64(), y.to_f64());
    (x, y, !SKIP || !(x.is_nan() || y.is_nan()))
}

/// Slots side by side: `x` and `y` hold slabs of `k` values, slab after slab.
fn slabs<T: Element, const SKIP: bool>(x: &[T], y: &[T], k: usize, p: &mut PairPartial) {
    let (sa, sb, n) = (&mut p.ma[..k], &mut p.mb[..k], &mut p.n[..k]);
    for (xs, ys) in x.chunks_exact(k).zip(y.chunks_exact(k)) {
        for j in 0..k {
            let (u, v, ok) = load::<T, SKIP>(xs[j], ys[j]);
            sa[j] += if ok { u } else { 0.0 };
            sb[j] += if ok { v } else { 0.0 };
            n[j] += f64::from(u8::from(ok));
        }
    }
    for j in 0..k {
        let c = if n[j] > 0.0 { n[j] } else { 1.0 };
        sa[j] /= c;
        sb[j] /= c;
    }
    let (ma, mb) = (&p.ma[..k], &p.mb[..k]);
    let (m2a, m2b, cab) = (&mut p.m2a[..k], &mut p.m2b[..k], &mut p.cab[..k]);
    let (sse, sae) = (&mut p.sse[..k], &mut p.sae[..k]);
    for (xs, ys) in x.chunks_exact(k).zip(y.chunks_exact(k)) {
        for j in 0..k {
            let (u, v, ok) = load::<T, SKIP>(xs[j], ys[j]);
            let da = if ok { u - ma[j] } else { 0.0 };
            let db = if ok { v - mb[j] } else { 0.0 };
            let e = if ok { u - v } else { 0.0 };
            m2a[j] += da * da;
            m2b[j] += db * db;
            cab[j] += da * db;
            sse[j] += e * e;
            sae[j] += e.abs();
        }
    }
}

/// One slot `k` from a contiguous run of pairs.
fn run<T: Element, const SKIP: bool>(x: &[T], y: &[T], k: usize, p: &mut PairPartial) {
    let (mut sa, mut sb, mut n) = (0.0, 0.0, 0.0);
    for (&u, &v) in x.iter().zip(y) {
        let (u, v, ok) = load::<T, SKIP>(u, v);
        sa += if ok { u } else { 0.0 };
        sb += if ok { v } else { 0.0 };
        n += f64::from(u8::from(ok));
    }
    let c = if n > 0.0 { n } else { 1.0 };
    let (ma, mb) = (sa / c, sb / c);
    let (mut m2a, mut m2b, mut cab, mut sse, mut sae) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (&u, &v) in x.iter().zip(y) {
        let (u, v, ok) = load::<T, SKIP>(u, v);
        let da = if ok { u - ma } else { 0.0 };
        let db = if ok { v - mb } else { 0.0 };
        let e = if ok { u - v } else { 0.0 };
        m2a += da * da;
        m2b += db * db;
        cab += da * db;
        sse += e * e;
        sae += e.abs();
    }
    (p.n[k], p.ma[k], p.mb[k], p.m2a[k], p.m2b[k], p.cab[k], p.sse[k], p.sae[k]) = (n, ma, mb, m2a, m2b, cab, sse, sae);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(shape: &[usize], v: Vec<f64>) -> Block {
        Block::from_vec(shape, v).unwrap()
    }

    fn vals(b: &Block) -> Vec<f64> {
        b.cast(DType::F64).as_array::<f64>().unwrap().iter().copied().collect()
    }

    /// The statistics by their textbook formulas, two passes over plain slices.
    fn truth(a: &[f64], b: &[f64]) -> [f64; 6] {
        let n = a.len() as f64;
        let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
        let e: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
        let me = e.iter().sum::<f64>() / n;
        let mse = e.iter().map(|x| x * x).sum::<f64>() / n;
        let mae = e.iter().map(|x| x.abs()).sum::<f64>() / n;
        let cab: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
        let saa: f64 = a.iter().map(|x| (x - ma) * (x - ma)).sum();
        let sbb: f64 = b.iter().map(|y| (y - mb) * (y - mb)).sum();
        [me, mse, mae, cab / (n - 1.0), cab / (saa * sbb).sqrt(), 1.0 - mse * n / saa]
    }

    const STATS: [PairStat; 6] = [
        PairStat::MeanError,
        PairStat::MeanSquaredError,
        PairStat::MeanAbsoluteError,
        PairStat::Covariance(1),
        PairStat::Correlation,
        PairStat::R2,
    ];

    fn data(n: usize, seed: u64) -> Vec<f64> {
        (0..n).map(|i| (((i as u64 * 2654435761 + seed) % 1000) as f64) / 37.0 - 9.0).collect()
    }

    #[test]
    fn every_stat_matches_its_formula_along_either_layout_and_split() {
        // 6 × 5: over axis 0 (slabs: 5 slots of 6), over axis 1 (runs: 6 slots of 5).
        let (a, b) = (data(30, 1), data(30, 7));
        let (ba, bb) = (block(&[6, 5], a.clone()), block(&[6, 5], b.clone()));
        for (axis, slots) in [(0usize, 5usize), (1, 6)] {
            let whole = PairPartial::from_blocks(false, &ba, &bb, &[axis]);
            // The same reduction from two pieces along the reduced axis, merged.
            let cut = 2;
            let piece = |blk: &Block, r: std::ops::Range<usize>| {
                let mut ranges = vec![(0, 6, 1), (0, 5, 1)];
                ranges[axis] = (r.start, r.end, 1);
                blk.slice(&ranges)
            };
            let len = [6, 5][axis];
            let merged = PairPartial::from_blocks(false, &piece(&ba, 0..cut), &piece(&bb, 0..cut), &[axis])
                .combine(PairPartial::from_blocks(false, &piece(&ba, cut..len), &piece(&bb, cut..len), &[axis]));
            for (s, stat) in STATS.iter().enumerate() {
                let (w, m) = (vals(&whole.finalize(*stat, DType::F64)), vals(&merged.finalize(*stat, DType::F64)));
                for k in 0..slots {
                    let pick = |v: &[f64]| -> Vec<f64> {
                        if axis == 0 { (0..6).map(|i| v[i * 5 + k]).collect() } else { v[k * 5..k * 5 + 5].to_vec() }
                    };
                    let t = truth(&pick(&a), &pick(&b))[s];
                    assert!(
                        (w[k] - t).abs() < 1e-12 * t.abs().max(1.0),
                        "{stat:?} axis {axis} slot {k}: {} vs {t}",
                        w[k]
                    );
                    assert!(
                        (m[k] - t).abs() < 1e-12 * t.abs().max(1.0),
                        "{stat:?} merged axis {axis}: {} vs {t}",
                        m[k]
                    );
                }
            }
        }
    }

    #[test]
    fn nan_pairs_propagate_or_are_left_out() {
        let a = block(&[4], vec![1.0, f64::NAN, 3.0, 0.0]);
        let b = block(&[4], vec![2.0, 5.0, 1.0, f64::NAN]);
        let strict = PairPartial::from_blocks(false, &a, &b, &[0]);
        assert!(vals(&strict.finalize(PairStat::MeanAbsoluteError, DType::F64))[0].is_nan());
        let skip = PairPartial::from_blocks(true, &a, &b, &[0]);
        // Pairs left: (1, 2) and (3, 1).
        assert_eq!(vals(&skip.finalize(PairStat::MeanAbsoluteError, DType::F64)), vec![1.5]);
        assert_eq!(vals(&skip.finalize(PairStat::MeanError, DType::F64)), vec![0.5]);
        assert_eq!(vals(&skip.finalize(PairStat::MeanSquaredError, DType::F64)), vec![2.5]);
        // All NaN: no pair, NaN.
        let none =
            PairPartial::from_blocks(true, &block(&[2], vec![f64::NAN, 1.0]), &block(&[2], vec![1.0, f64::NAN]), &[0]);
        assert!(vals(&none.finalize(PairStat::MeanError, DType::F64))[0].is_nan());
    }

    #[test]
    fn skipped_pairs_leave_every_stat_as_if_they_were_not_there() {
        // 7 × 6 with NaN scattered in both; reduce along either axis, whole and split.
        let mut a = data(42, 3);
        let mut b = data(42, 11);
        for k in [2, 9, 17, 30, 41] {
            a[k] = f64::NAN;
        }
        for k in [4, 9, 22, 35] {
            b[k] = f64::NAN;
        }
        let (ba, bb) = (block(&[7, 6], a.clone()), block(&[7, 6], b.clone()));
        for (axis, slots) in [(0usize, 6usize), (1, 7)] {
            let whole = PairPartial::from_blocks(true, &ba, &bb, &[axis]);
            let len = [7, 6][axis];
            let piece = |blk: &Block, r: std::ops::Range<usize>| {
                let mut ranges = vec![(0, 7, 1), (0, 6, 1)];
                ranges[axis] = (r.start, r.end, 1);
                blk.slice(&ranges)
            };
            let merged = (0..len)
                .map(|i| PairPartial::from_blocks(true, &piece(&ba, i..i + 1), &piece(&bb, i..i + 1), &[axis]))
                .reduce(PairPartial::combine)
                .unwrap();
            for p in [whole, merged] {
                for (s, stat) in STATS.iter().enumerate() {
                    let got = vals(&p.finalize(*stat, DType::F64));
                    assert_eq!(got.len(), slots);
                    for (k, g) in got.iter().enumerate() {
                        let idx: Vec<usize> =
                            if axis == 0 { (0..7).map(|i| i * 6 + k).collect() } else { (k * 6..k * 6 + 6).collect() };
                        let keep: Vec<usize> = idx.into_iter().filter(|&i| !a[i].is_nan() && !b[i].is_nan()).collect();
                        let (x, y): (Vec<f64>, Vec<f64>) = keep.iter().map(|&i| (a[i], b[i])).unzip();
                        let t = truth(&x, &y)[s];
                        assert!((g - t).abs() < 1e-12 * t.abs().max(1.0), "{stat:?} axis {axis} slot {k}: {g} vs {t}");
                    }
                }
            }
        }
    }

    #[test]
    fn an_infinite_error_gives_infinite_mse_as_in_xskillscore() {
        // xskillscore: mse = mean([1, inf]) = inf, r2 = 1 - inf / 0.5 = -inf, mae = inf.
        let a = block(&[2], vec![1.0, 2.0]);
        let b = block(&[2], vec![0.0, f64::INFINITY]);
        let p = PairPartial::from_blocks(false, &a, &b, &[0]);
        assert_eq!(vals(&p.finalize(PairStat::MeanSquaredError, DType::F64)), vec![f64::INFINITY]);
        assert_eq!(vals(&p.finalize(PairStat::MeanAbsoluteError, DType::F64)), vec![f64::INFINITY]);
        assert_eq!(vals(&p.finalize(PairStat::R2, DType::F64)), vec![f64::NEG_INFINITY]);
        assert_eq!(vals(&p.finalize(PairStat::MeanError, DType::F64)), vec![f64::NEG_INFINITY]);
    }

    #[test]
    fn a_constant_input_has_no_correlation() {
        let a = block(&[3], vec![2.0, 2.0, 2.0]);
        let b = block(&[3], vec![1.0, 5.0, 2.0]);
        let p = PairPartial::from_blocks(false, &a, &b, &[0]);
        assert!(vals(&p.finalize(PairStat::Correlation, DType::F64))[0].is_nan());
    }

    #[test]
    fn mixed_dtypes_reduce_in_f64_and_f32_pairs_stay_f32() {
        let a = Block::from_vec(&[2], vec![1i32, 3]).unwrap();
        let b = block(&[2], vec![2.0, 2.0]);
        let p = PairPartial::from_blocks(false, &a, &b, &[0]);
        assert_eq!(vals(&p.finalize(PairStat::MeanAbsoluteError, DType::F64)), vec![1.0]);
        let (x, y) =
            (Block::from_vec(&[2], vec![1.0f32, 3.0]).unwrap(), Block::from_vec(&[2], vec![2.0f32, 2.0]).unwrap());
        let q = PairPartial::from_blocks(false, &x, &y, &[0]);
        assert_eq!(PairStat::out_dtype(x.dtype(), y.dtype()), DType::F32);
        assert_eq!(q.finalize(PairStat::MeanSquaredError, DType::F32).dtype(), DType::F32);
    }
}
