//! Reduction kernels as map → combine → finalize, the three steps of a tree reduction.
//!
//! A [`Partial`] is the state of a reduction over part of the reduced axes (sums and counts,
//! Welford moments, extremes with their position). Partials from different chunks merge with
//! [`Partial::combine`] in any tree shape; [`Partial::finalize`] turns the root into the result
//! block. Grouped reductions keep one state slot per group along the grouped axis, for the span
//! of groups a chunk actually contains, so a daily resample of a year never allocates 365 slots
//! per chunk.

use ndarray::{ArrayD, ArrayViewD, ArrayViewMutD, Axis, CowArray, IxDyn, Zip};

use crate::block::Block;
use crate::dtype::{DType, Element};
use crate::with_block;

/// What a reduction computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReduceOp {
    /// sum (empty → 0)
    Sum,
    /// arithmetic mean
    Mean,
    /// minimum
    Min,
    /// maximum
    Max,
    /// variance with `ddof` delta degrees of freedom
    Var(u32),
    /// standard deviation with `ddof` delta degrees of freedom
    Std(u32),
    /// number of non-NaN elements
    Count,
    /// true if any element is non-zero
    Any,
    /// true if every element is non-zero
    All,
    /// position of the minimum along one axis
    ArgMin,
    /// position of the maximum along one axis
    ArgMax,
}

impl ReduceOp {
    /// The name used in plans and task names (`sum`, `nanmean`, `var(ddof=1)`, …).
    pub fn name(self, skipna: bool) -> String {
        let base = match self {
            ReduceOp::Var(d) if d != 0 => format!("var(ddof={d})"),
            ReduceOp::Std(d) if d != 0 => format!("std(ddof={d})"),
            ReduceOp::Var(_) => "var".into(),
            ReduceOp::Std(_) => "std".into(),
            other => format!("{other:?}").to_lowercase(),
        };
        let nan_form = skipna && !matches!(self, ReduceOp::Count | ReduceOp::Any | ReduceOp::All);
        if nan_form { format!("nan{base}") } else { base }
    }

    /// The dtype of the result for an input of `dtype`.
    pub fn out_dtype(self, dtype: DType) -> DType {
        match self {
            ReduceOp::Sum => match dtype {
                DType::F32 | DType::F64 => dtype,
                DType::U8 | DType::U16 | DType::U32 | DType::U64 => DType::U64,
                _ => DType::I64,
            },
            ReduceOp::Mean | ReduceOp::Var(_) | ReduceOp::Std(_) => {
                if dtype == DType::F32 {
                    DType::F32
                } else {
                    DType::F64
                }
            }
            ReduceOp::Min | ReduceOp::Max => dtype,
            ReduceOp::Count | ReduceOp::ArgMin | ReduceOp::ArgMax => DType::I64,
            ReduceOp::Any | ReduceOp::All => DType::Bool,
        }
    }

    /// True for the reductions that accept only one axis.
    pub fn single_axis(self) -> bool {
        matches!(self, ReduceOp::ArgMin | ReduceOp::ArgMax)
    }
}

/// A reduction and its NaN policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Reduction {
    /// What to compute.
    pub op: ReduceOp,
    /// Skip NaN (`nansum`, xarray's default `skipna=True` on floats) or let it propagate.
    pub skipna: bool,
}

/// The running state of a reduction over part of the data.
///
/// The meaning of the arrays depends on the operation: `a` holds sums, means or extremes, `b`
/// counts (as `f64`), `c` second moments and `i` integer sums, counts, flags or positions.
#[derive(Debug, Clone)]
pub struct Partial {
    red: Reduction,
    int_sum: bool,
    /// For grouped partials: the grouped axis and the first group held.
    group: Option<(usize, usize)>,
    a: ArrayD<f64>,
    b: ArrayD<f64>,
    c: ArrayD<f64>,
    i: ArrayD<i64>,
}

fn empty() -> ArrayD<f64> {
    ArrayD::zeros(IxDyn(&[0]))
}

impl Partial {
    fn new(red: Reduction, dtype: DType, shape: &[usize], group: Option<(usize, usize)>) -> Partial {
        let z = || ArrayD::<f64>::zeros(IxDyn(shape));
        let int_sum = red.op == ReduceOp::Sum && !dtype.is_float();
        let (a, b, c, i) = match red.op {
            ReduceOp::Sum if int_sum => (empty(), empty(), empty(), ArrayD::zeros(IxDyn(shape))),
            ReduceOp::Sum => (z(), empty(), empty(), ArrayD::zeros(IxDyn(&[0]))),
            ReduceOp::Mean => (z(), z(), empty(), ArrayD::zeros(IxDyn(&[0]))),
            ReduceOp::Var(_) | ReduceOp::Std(_) => (z(), z(), z(), ArrayD::zeros(IxDyn(&[0]))),
            ReduceOp::Count => (empty(), empty(), empty(), ArrayD::zeros(IxDyn(shape))),
            ReduceOp::Min | ReduceOp::Max => (z(), z(), empty(), ArrayD::zeros(IxDyn(&[0]))),
            ReduceOp::Any => (empty(), empty(), empty(), ArrayD::zeros(IxDyn(shape))),
            ReduceOp::All => (empty(), empty(), empty(), ArrayD::from_elem(IxDyn(shape), 1)),
            ReduceOp::ArgMin | ReduceOp::ArgMax => (z(), empty(), empty(), ArrayD::from_elem(IxDyn(shape), -1)),
        };
        Partial { red, int_sum, group, a, b, c, i }
    }

    /// The state of a reduction over nothing, for a result of `shape` (grouped along
    /// `group_axis`, holding every group, when given).
    pub fn empty(red: Reduction, dtype: DType, shape: &[usize], group_axis: Option<usize>) -> Partial {
        Partial::new(red, dtype, shape, group_axis.map(|a| (a, 0)))
    }

    /// Bytes held by the state.
    pub fn nbytes(&self) -> usize {
        (self.a.len() + self.b.len() + self.c.len() + self.i.len()) * 8
    }

    /// The reduction this state belongs to.
    pub fn reduction(&self) -> Reduction {
        self.red
    }

    /// Reduce `block` along `axes` (sorted, distinct). `offset` is the global position of the
    /// block's first element along the reduced axis (used by argmin/argmax only).
    pub fn from_block(red: Reduction, block: &Block, axes: &[usize], offset: usize) -> Partial {
        with_block!(block, arr => reduce_view(red, arr.view(), axes, offset))
    }

    /// Reduce `block` along `axis` by group: `labels[j]` is the group of index `j` along the
    /// axis (negative: left out). The state holds groups `first..first + span`.
    pub fn from_block_grouped(red: Reduction, block: &Block, axis: usize, labels: &[i64]) -> Partial {
        with_block!(block, arr => reduce_grouped(red, arr.view(), axis, labels))
    }

    /// Merge another state of the same reduction (grouped states may hold different group
    /// spans; the result holds their union).
    pub fn combine(self, other: Partial) -> Partial {
        match (self.group, other.group) {
            (Some((axis, f1)), Some((_, f2))) => {
                let n1 = self.group_len(axis);
                let n2 = other.group_len(axis);
                if f1 == f2 && n1 == n2 {
                    return merge_same(self, &other);
                }
                let first = f1.min(f2);
                let end = (f1 + n1).max(f2 + n2);
                let mut shape = self.state_shape().to_vec();
                shape[axis] = end - first;
                let mut out = Partial::new(self.red, DType::F64, &shape, Some((axis, first)));
                out.int_sum = self.int_sum;
                if out.int_sum {
                    out.i = ArrayD::zeros(IxDyn(&shape));
                    out.a = empty();
                }
                out.merge_into_span(&self, f1 - first);
                out.merge_into_span(&other, f2 - first);
                out
            }
            _ => merge_same(self, &other),
        }
    }

    fn state_shape(&self) -> &[usize] {
        if used(&self.a) { self.a.shape() } else { self.i.shape() }
    }

    fn group_len(&self, axis: usize) -> usize {
        self.state_shape()[axis]
    }

    fn merge_into_span(&mut self, p: &Partial, at: usize) {
        let (axis, _) = self.group.expect("grouped");
        let n = p.group_len(axis);
        let red = self.red;
        for g in 0..n {
            let (mut a, mut b, mut c, mut i) = self.views_mut(Some((axis, at + g)));
            let (pa, pb, pc, pi) = p.views(Some((axis, g)));
            merge_views(red, (&mut a, &mut b, &mut c, &mut i), (pa, pb, pc, pi));
        }
    }

    fn views_mut(&mut self, at: Option<(usize, usize)>) -> ViewsMutOwned<'_> {
        (pick_mut(&mut self.a, at), pick_mut(&mut self.b, at), pick_mut(&mut self.c, at), pick_mut(&mut self.i, at))
    }

    fn views(&self, at: Option<(usize, usize)>) -> Views<'_> {
        (pick(&self.a, at), pick(&self.b, at), pick(&self.c, at), pick(&self.i, at))
    }

    /// For grouped states: `(axis, first group, number of groups held)`.
    pub fn group_span(&self) -> Option<(usize, usize, usize)> {
        self.group.map(|(axis, first)| (axis, first, self.group_len(axis)))
    }

    /// Finalize a moments state (from a `Var` reduction) as `op`: the mean, or a variance or
    /// standard deviation with its own `ddof`. This is how a mean and a standard deviation of
    /// the same data share one pass.
    ///
    /// # Errors
    /// As [`Partial::finalize`].
    pub fn finalize_as(mut self, op: ReduceOp, input: DType, ngroups: Option<usize>) -> Result<Block, String> {
        if matches!(self.red.op, ReduceOp::Var(_) | ReduceOp::Std(_)) && op == ReduceOp::Mean {
            // Moments hold (mean, n, m2); a mean state holds (sum, n).
            Zip::from(&mut self.a).and(&self.b).for_each(|m, &n| *m = if n > 0.0 { *m * n } else { 0.0 });
            self.c = empty();
        }
        self.red.op = op;
        self.finalize(input, ngroups)
    }

    /// Turn the state into the result, of [`ReduceOp::out_dtype`] for `input`.
    ///
    /// For grouped states the result covers groups `0..ngroups` along the grouped axis; groups
    /// never seen get the reduction of nothing (NaN for means, 0 for sums and counts).
    ///
    /// # Errors
    /// `argmin`/`argmax` with `skipna` over a slice that is all NaN (NumPy raises there too).
    pub fn finalize(self, input: DType, ngroups: Option<usize>) -> Result<Block, String> {
        let this = match (self.group, ngroups) {
            (Some((axis, first)), Some(n)) if first != 0 || self.group_len(axis) != n => {
                let mut shape = self.state_shape().to_vec();
                shape[axis] = n;
                let mut full = Partial::new(self.red, input, &shape, Some((axis, 0)));
                full.merge_into_span(&self, first);
                full
            }
            _ => self,
        };
        let out = this.red.op.out_dtype(input);
        let skipna = this.red.skipna;
        let block: Block = match this.red.op {
            ReduceOp::Sum if this.int_sum => Block::I64(this.i).cast(out),
            ReduceOp::Sum => Block::F64(this.a).cast(out),
            ReduceOp::Mean => Block::F64(Zip::from(&this.a).and(&this.b).map_collect(|&s, &n| s / n)).cast(out),
            ReduceOp::Var(d) | ReduceOp::Std(d) => {
                let is_std = matches!(this.red.op, ReduceOp::Std(_));
                let v = Zip::from(&this.b).and(&this.c).map_collect(|&n, &m2| {
                    let dof = n - d as f64;
                    let v = if dof > 0.0 { m2 / dof } else { f64::NAN };
                    if is_std { v.sqrt() } else { v }
                });
                Block::F64(v).cast(out)
            }
            ReduceOp::Count => Block::I64(this.i),
            ReduceOp::Any | ReduceOp::All => Block::Bool(this.i.mapv(|v| v != 0)),
            ReduceOp::Min | ReduceOp::Max => {
                Block::F64(Zip::from(&this.a).and(&this.b).map_collect(|&v, &n| if n > 0.0 { v } else { f64::NAN }))
                    .cast(out)
            }
            ReduceOp::ArgMin | ReduceOp::ArgMax => {
                if skipna && this.i.iter().any(|&i| i < 0) {
                    return Err("All-NaN slice encountered in nanargmin/nanargmax".into());
                }
                Block::I64(this.i)
            }
        };
        Ok(block)
    }
}

/// True for a state array in use (unused ones are empty 1-d placeholders).
fn used<T>(x: &ArrayD<T>) -> bool {
    x.ndim() != 1 || !x.is_empty()
}

fn pick_mut<T>(x: &mut ArrayD<T>, at: Option<(usize, usize)>) -> ArrayViewMutD<'_, T> {
    match at {
        Some((axis, g)) if used(x) => x.index_axis_mut(Axis(axis), g),
        _ => x.view_mut(),
    }
}

fn pick<T>(x: &ArrayD<T>, at: Option<(usize, usize)>) -> ArrayViewD<'_, T> {
    match at {
        Some((axis, g)) if used(x) => x.index_axis(Axis(axis), g),
        _ => x.view(),
    }
}

type ViewsMutOwned<'b> =
    (ArrayViewMutD<'b, f64>, ArrayViewMutD<'b, f64>, ArrayViewMutD<'b, f64>, ArrayViewMutD<'b, i64>);

fn merge_same(mut p: Partial, q: &Partial) -> Partial {
    let red = p.red;
    {
        let (mut a, mut b, mut c, mut i) = p.views_mut(None);
        merge_views(red, (&mut a, &mut b, &mut c, &mut i), q.views(None));
    }
    p
}

type ViewsMut<'a, 'b> = (
    &'a mut ArrayViewMutD<'b, f64>,
    &'a mut ArrayViewMutD<'b, f64>,
    &'a mut ArrayViewMutD<'b, f64>,
    &'a mut ArrayViewMutD<'b, i64>,
);
type Views<'b> = (ArrayViewD<'b, f64>, ArrayViewD<'b, f64>, ArrayViewD<'b, f64>, ArrayViewD<'b, i64>);

fn merge_views(red: Reduction, (a, b, c, i): ViewsMut<'_, '_>, (qa, qb, qc, qi): Views<'_>) {
    match red.op {
        ReduceOp::Sum if !i.is_empty() && a.is_empty() => {
            Zip::from(i).and(&qi).for_each(|x, &y| *x = x.wrapping_add(y))
        }
        ReduceOp::Sum => Zip::from(a).and(&qa).for_each(|x, &y| *x += y),
        ReduceOp::Count => Zip::from(i).and(&qi).for_each(|x, &y| *x += y),
        ReduceOp::Any => Zip::from(i).and(&qi).for_each(|x, &y| *x |= y),
        ReduceOp::All => Zip::from(i).and(&qi).for_each(|x, &y| *x &= y),
        ReduceOp::Mean => Zip::from(a).and(b).and(&qa).and(&qb).for_each(|s, n, &s2, &n2| {
            *s += s2;
            *n += n2;
        }),
        ReduceOp::Var(_) | ReduceOp::Std(_) => {
            Zip::from(a).and(b).and(c).and(&qa).and(&qb).and(&qc).for_each(|m, n, m2, &mb, &nb, &m2b| {
                if nb == 0.0 {
                    return;
                }
                if *n == 0.0 {
                    (*m, *n, *m2) = (mb, nb, m2b);
                    return;
                }
                let tot = *n + nb;
                let delta = mb - *m;
                *m += delta * nb / tot;
                *m2 += m2b + delta * delta * *n * nb / tot;
                *n = tot;
            })
        }
        ReduceOp::Min | ReduceOp::Max => {
            let is_min = red.op == ReduceOp::Min;
            Zip::from(a).and(b).and(&qa).and(&qb).for_each(|v, n, &v2, &n2| {
                if n2 == 0.0 {
                    return;
                }
                if *n == 0.0 {
                    (*v, *n) = (v2, n2);
                    return;
                }
                *n += n2;
                if v.is_nan() {
                    return;
                }
                if v2.is_nan() || (is_min && v2 < *v) || (!is_min && v2 > *v) {
                    *v = v2;
                }
            })
        }
        ReduceOp::ArgMin | ReduceOp::ArgMax => {
            let is_min = red.op == ReduceOp::ArgMin;
            Zip::from(a).and(i).and(&qa).and(&qi).for_each(|v, idx, &v2, &i2| {
                if i2 < 0 {
                    return;
                }
                if *idx < 0 {
                    (*v, *idx) = (v2, i2);
                    return;
                }
                let better = if v.is_nan() {
                    v2.is_nan() && i2 < *idx
                } else if v2.is_nan() {
                    true
                } else if v2 == *v {
                    i2 < *idx
                } else {
                    (is_min && v2 < *v) || (!is_min && v2 > *v)
                };
                if better {
                    (*v, *idx) = (v2, i2);
                }
            })
        }
    }
}

/// Moments of one block in two passes (sums, then squared deviations from the block's own
/// mean): no division per element, so the loops vectorize; blocks then merge with Chan's
/// formula. `xp` has the reduced axes first.
fn two_pass_moments<T: Element>(
    skipna: bool,
    xp: &ArrayViewD<'_, T>,
    red_shape: &[usize],
    out_shape: &[usize],
    slabs: bool,
    p: &mut Partial,
) {
    let ok = |v: f64| !(skipna && v.is_nan());
    if slabs {
        // Loop over reduced positions; each step touches a whole kept-shaped slab.
        let positions = crate::chunks::grid_indices(red_shape);
        let slab = |idx: &[usize]| {
            let mut v = xp.view();
            for &r in idx {
                v = v.index_axis_move(Axis(0), r);
            }
            v
        };
        for idx in &positions {
            Zip::from(&mut p.a).and(&mut p.b).and(&slab(idx)).for_each(|s, n, &x| {
                let x = x.to_f64();
                let k = ok(x);
                *s += if k { x } else { 0.0 };
                *n += f64::from(u8::from(k));
            });
        }
        Zip::from(&mut p.a).and(&p.b).for_each(|s, &n| *s = if n > 0.0 { *s / n } else { 0.0 });
        for idx in &positions {
            Zip::from(&mut p.c).and(&p.a).and(&slab(idx)).for_each(|m2, &m, &x| {
                let d = x.to_f64() - m;
                *m2 += if ok(x.to_f64()) { d * d } else { 0.0 };
            });
        }
    } else {
        // Here `xp` holds the kept axes first (see `ordered`): contiguous sub-arrays.
        for kidx in crate::chunks::grid_indices(out_shape) {
            let mut v = xp.view();
            for &k in &kidx {
                v = v.index_axis_move(Axis(0), k);
            }
            let (s, n) = v.fold((0.0, 0.0), |(s, n), &x| {
                let x = x.to_f64();
                let k = ok(x);
                (s + if k { x } else { 0.0 }, n + f64::from(u8::from(k)))
            });
            let m = if n > 0.0 { s / n } else { 0.0 };
            let m2 = v.fold(0.0, |acc, &x| {
                let d = x.to_f64() - m;
                acc + if ok(x.to_f64()) { d * d } else { 0.0 }
            });
            let slot = IxDyn(&kidx);
            p.a[&slot] = m;
            p.b[&slot] = n;
            p.c[&slot] = m2;
        }
    }
}

/// Fold one element into a state slot.
#[inline(always)]
fn acc_one(red: Reduction, x: f64, pos: i64, a: &mut f64, b: &mut f64, c: &mut f64, i: &mut i64) {
    let nan = x.is_nan();
    match red.op {
        ReduceOp::Sum => {
            if !(nan && red.skipna) {
                *a += x;
            }
        }
        ReduceOp::Mean => {
            if !(nan && red.skipna) {
                *a += x;
                *b += 1.0;
            }
        }
        ReduceOp::Var(_) | ReduceOp::Std(_) => {
            if !(nan && red.skipna) {
                *b += 1.0;
                let d = x - *a;
                *a += d / *b;
                *c += d * (x - *a);
            }
        }
        ReduceOp::Count => *i += (!nan) as i64,
        ReduceOp::Any => *i |= (x != 0.0) as i64,
        ReduceOp::All => *i &= (x != 0.0) as i64,
        ReduceOp::Min | ReduceOp::Max => {
            if nan && red.skipna {
                return;
            }
            if *b == 0.0 {
                (*a, *b) = (x, 1.0);
                return;
            }
            *b += 1.0;
            if a.is_nan() {
                return;
            }
            if nan || (red.op == ReduceOp::Min && x < *a) || (red.op == ReduceOp::Max && x > *a) {
                *a = x;
            }
        }
        ReduceOp::ArgMin | ReduceOp::ArgMax => {
            if nan && red.skipna {
                return;
            }
            if *i < 0 {
                (*a, *i) = (x, pos);
                return;
            }
            if a.is_nan() {
                return;
            }
            if nan || (red.op == ReduceOp::ArgMin && x < *a) || (red.op == ReduceOp::ArgMax && x > *a) {
                (*a, *i) = (x, pos);
            }
        }
    }
}

/// Fold a view of elements (all into the same state shape) into state views.
fn acc_view<T: Element>(red: Reduction, st: ViewsMut<'_, '_>, x: &ArrayViewD<'_, T>, pos: i64) {
    let (a, b, c, i) = st;
    match red.op {
        ReduceOp::Sum if !i.is_empty() && a.is_empty() => {
            Zip::from(i).and(x).for_each(|s, &v| *s = s.wrapping_add(v.to_i64()));
        }
        // Branch-free bodies so that the loops vectorize.
        ReduceOp::Sum if red.skipna => Zip::from(a).and(x).for_each(|s, &v| {
            let v = v.to_f64();
            *s += if v.is_nan() { 0.0 } else { v };
        }),
        ReduceOp::Sum => Zip::from(a).and(x).for_each(|s, &v| *s += v.to_f64()),
        ReduceOp::Mean if red.skipna => Zip::from(a).and(b).and(x).for_each(|s, n, &v| {
            let v = v.to_f64();
            let ok = !v.is_nan();
            *s += if ok { v } else { 0.0 };
            *n += f64::from(u8::from(ok));
        }),
        ReduceOp::Mean => Zip::from(a).and(b).and(x).for_each(|s, n, &v| {
            *s += v.to_f64();
            *n += 1.0;
        }),
        ReduceOp::Count | ReduceOp::Any | ReduceOp::All => Zip::from(i).and(x).for_each(|iv, &v| {
            let (mut d0, mut d1, mut d2) = (0.0, 0.0, 0.0);
            acc_one(red, v.to_f64(), pos, &mut d0, &mut d1, &mut d2, iv)
        }),
        ReduceOp::ArgMin | ReduceOp::ArgMax => Zip::from(a).and(i).and(x).for_each(|av, iv, &v| {
            let (mut d1, mut d2) = (0.0, 0.0);
            acc_one(red, v.to_f64(), pos, av, &mut d1, &mut d2, iv)
        }),
        ReduceOp::Min | ReduceOp::Max => Zip::from(a).and(b).and(x).for_each(|av, bv, &v| {
            let (mut d0, mut d1) = (0.0, 0);
            acc_one(red, v.to_f64(), pos, av, bv, &mut d0, &mut d1)
        }),
        ReduceOp::Var(_) | ReduceOp::Std(_) => Zip::from(a).and(b).and(c).and(x).for_each(|av, bv, cv, &v| {
            let mut dummy = 0;
            acc_one(red, v.to_f64(), pos, av, bv, cv, &mut dummy)
        }),
    }
}

/// `x` with the axes `first` first and the axes `then` last, in row-major order: with the kept
/// axes first, fixing the kept indices leaves a contiguous sub-array to fold. No copy when `x`
/// is already laid out so (a reduction over the trailing axes of a block); otherwise one
/// row-wise copy.
pub(crate) fn ordered<'a, T: Element>(x: ArrayViewD<'a, T>, first: &[usize], then: &[usize]) -> CowArray<'a, T, IxDyn> {
    let perm: Vec<usize> = first.iter().chain(then.iter()).copied().collect();
    let xk = x.permuted_axes(IxDyn(&perm));
    if xk.is_standard_layout() { CowArray::from(xk) } else { CowArray::from(crate::block::standard_copy(xk)) }
}

/// Reduce a typed view along `axes` into a fresh partial.
fn reduce_view<T: Element>(red: Reduction, x: ArrayViewD<'_, T>, axes: &[usize], offset: usize) -> Partial {
    let kept: Vec<usize> = (0..x.ndim()).filter(|d| !axes.contains(d)).collect();
    let out_shape: Vec<usize> = kept.iter().map(|&d| x.shape()[d]).collect();
    let mut p = Partial::new(red, T::DTYPE, &out_shape, None);
    let kept_len: usize = out_shape.iter().product();
    let red_len: usize = axes.iter().map(|&d| x.shape()[d]).product();
    // Reduced axes first, kept axes after: x[r0, r1, .., k0, k1, ..].
    let perm: Vec<usize> = axes.iter().chain(kept.iter()).copied().collect();
    let red_shape: Vec<usize> = axes.iter().map(|&d| x.shape()[d]).collect();
    let xp = x.clone().permuted_axes(IxDyn(&perm));
    let arg = red.op.single_axis();
    if matches!(red.op, ReduceOp::Var(_) | ReduceOp::Std(_)) {
        let slabs = kept_len >= red_len;
        if slabs {
            two_pass_moments(red.skipna, &xp, &red_shape, &out_shape, true, &mut p);
        } else {
            let xk = ordered(x, &kept, axes);
            two_pass_moments(red.skipna, &xk.view(), &red_shape, &out_shape, false, &mut p);
        }
        return p;
    }
    if kept_len >= red_len || arg {
        // Loop over reduced positions, add a whole kept-shaped slab each time.
        for idx in crate::chunks::grid_indices(&red_shape) {
            let mut v = xp.view();
            for &r in &idx {
                v = v.index_axis_move(Axis(0), r);
            }
            let pos = if arg { (offset + idx[0]) as i64 } else { 0 };
            let (mut a, mut b, mut c, mut i) = p.views_mut(None);
            acc_view(red, (&mut a, &mut b, &mut c, &mut i), &v, pos);
        }
    } else {
        // Loop over kept positions, fold each reduced sub-array (contiguous) into one slot.
        let xk = ordered(x, &kept, axes);
        for kidx in crate::chunks::grid_indices(&out_shape) {
            let mut v = xk.view();
            for &k in kidx.iter() {
                v = v.index_axis_move(Axis(0), k);
            }
            let slot = IxDyn(&kidx);
            let (mut a, mut b, mut c, mut i) = (0.0, 0.0, 0.0, 0i64);
            if used(&p.a) {
                a = p.a[&slot];
            }
            if used(&p.b) {
                b = p.b[&slot];
            }
            if used(&p.c) {
                c = p.c[&slot];
            }
            if used(&p.i) {
                i = p.i[&slot];
            }
            fold_slot(red, &v, &mut a, &mut b, &mut c, &mut i);
            if used(&p.a) {
                p.a[&slot] = a;
            }
            if used(&p.b) {
                p.b[&slot] = b;
            }
            if used(&p.c) {
                p.c[&slot] = c;
            }
            if used(&p.i) {
                p.i[&slot] = i;
            }
        }
    }
    p
}

/// Fold every element of `v` into one slot, with fast loops for the common cases.
fn fold_slot<T: Element>(red: Reduction, v: &ArrayViewD<'_, T>, a: &mut f64, b: &mut f64, c: &mut f64, i: &mut i64) {
    match (red.op, red.skipna) {
        (ReduceOp::Sum, _) if T::DTYPE.is_integer() || T::DTYPE == DType::Bool => {
            *i = v.fold(*i, |s, &x| s.wrapping_add(x.to_i64()));
        }
        (ReduceOp::Sum, false) => *a += v.fold(0.0, |s, &x| s + x.to_f64()),
        (ReduceOp::Mean, false) => {
            *a += v.fold(0.0, |s, &x| s + x.to_f64());
            *b += v.len() as f64;
        }
        (ReduceOp::Sum, true) | (ReduceOp::Mean, true) => {
            let (s, n) = v.fold((0.0, 0.0), |(s, n), &x| {
                let x = x.to_f64();
                let ok = !x.is_nan();
                (s + if ok { x } else { 0.0 }, n + f64::from(u8::from(ok)))
            });
            *a += s;
            *b += n;
        }
        _ => v.for_each(|&x| acc_one(red, x.to_f64(), 0, a, b, c, i)),
    }
}

fn reduce_grouped<T: Element>(red: Reduction, x: ArrayViewD<'_, T>, axis: usize, labels: &[i64]) -> Partial {
    let valid = labels.iter().copied().filter(|&g| g >= 0);
    let (lo, hi) = valid.fold((i64::MAX, i64::MIN), |(lo, hi), g| (lo.min(g), hi.max(g)));
    let (first, span) = if lo > hi { (0, 0) } else { (lo as usize, (hi - lo + 1) as usize) };
    let mut shape = x.shape().to_vec();
    shape[axis] = span;
    let mut p = Partial::new(red, T::DTYPE, &shape, Some((axis, first)));
    for (j, &g) in labels.iter().enumerate() {
        if g < 0 {
            continue;
        }
        let sub = x.index_axis(Axis(axis), j);
        let (mut a, mut b, mut c, mut i) = p.views_mut(Some((axis, g as usize - first)));
        acc_view(red, (&mut a, &mut b, &mut c, &mut i), &sub, 0);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn red(op: ReduceOp, skipna: bool) -> Reduction {
        Reduction { op, skipna }
    }

    fn block(shape: &[usize], v: Vec<f64>) -> Block {
        Block::from_vec(shape, v).unwrap()
    }

    fn vals(b: &Block) -> Vec<f64> {
        b.cast(DType::F64).as_array::<f64>().unwrap().iter().copied().collect()
    }

    #[test]
    fn split_variance_equals_whole_variance() {
        let data: Vec<f64> = (0..10).map(|i| (i * i) as f64 * 0.5 - 3.0).collect();
        let whole = Partial::from_block(red(ReduceOp::Var(1), false), &block(&[10], data.clone()), &[0], 0);
        let p1 = Partial::from_block(red(ReduceOp::Var(1), false), &block(&[3], data[..3].to_vec()), &[0], 0);
        let p2 = Partial::from_block(red(ReduceOp::Var(1), false), &block(&[7], data[3..].to_vec()), &[0], 3);
        let a = vals(&whole.finalize(DType::F64, None).unwrap())[0];
        let b = vals(&p1.combine(p2).finalize(DType::F64, None).unwrap())[0];
        // numpy.var(data, ddof=1)
        let mean = data.iter().sum::<f64>() / 10.0;
        let truth = data.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 9.0;
        assert!((a - truth).abs() < 1e-9 && (b - truth).abs() < 1e-9, "{a} {b} {truth}");
    }

    #[test]
    fn nan_policies() {
        let b = block(&[4], vec![1.0, f64::NAN, 3.0, -2.0]);
        let nanmean = Partial::from_block(red(ReduceOp::Mean, true), &b, &[0], 0);
        assert_eq!(vals(&nanmean.finalize(DType::F64, None).unwrap()), vec![2.0 / 3.0]);
        let mean = Partial::from_block(red(ReduceOp::Mean, false), &b, &[0], 0);
        assert!(vals(&mean.finalize(DType::F64, None).unwrap())[0].is_nan());
        let argmin = Partial::from_block(red(ReduceOp::ArgMin, false), &b, &[0], 10);
        assert_eq!(vals(&argmin.finalize(DType::F64, None).unwrap()), vec![11.0], "first NaN, like NumPy");
        let nanargmin = Partial::from_block(red(ReduceOp::ArgMin, true), &b, &[0], 10);
        assert_eq!(vals(&nanargmin.finalize(DType::F64, None).unwrap()), vec![13.0]);
        let count = Partial::from_block(red(ReduceOp::Count, true), &b, &[0], 0);
        assert_eq!(vals(&count.finalize(DType::F64, None).unwrap()), vec![3.0]);
    }

    #[test]
    fn grouped_spans_merge() {
        // 2 x 3 block, groups along axis 1.
        let b1 = block(&[2, 3], vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let p1 = Partial::from_block_grouped(red(ReduceOp::Sum, true), &b1, 1, &[2, 2, 3]);
        let b2 = block(&[2, 2], vec![10.0, 20.0, 30.0, 40.0]);
        let p2 = Partial::from_block_grouped(red(ReduceOp::Sum, true), &b2, 1, &[0, -1]);
        let out = p1.combine(p2).finalize(DType::F64, Some(4)).unwrap();
        assert_eq!(out.shape(), &[2, 4]);
        assert_eq!(vals(&out), vec![10.0, 0.0, 3.0, 3.0, 30.0, 0.0, 9.0, 6.0]);
    }
}
