//! Property tests: random shapes, chunkings and operation chains, lazily through the engine
//! and eagerly with plain ndarray code written independently here; the results must agree,
//! NaN included.

use cumulus_chunked::{Block, ChunkedArray, Chunks, ComputeOptions};
use ndarray::{ArrayD, Axis, IxDyn};
use proptest::prelude::*;

/// An N-d f64 array with some NaN, and a chunking for it.
fn array_and_chunks() -> impl Strategy<Value = (ArrayD<f64>, Vec<Vec<usize>>)> {
    prop::collection::vec(1usize..7, 1..4)
        .prop_flat_map(|shape| {
            let n: usize = shape.iter().product();
            let values = prop::collection::vec(prop_oneof![9 => -100.0f64..100.0, 1 => Just(f64::NAN)], n);
            let chunks: Vec<_> = shape.iter().map(|&len| split(len)).collect();
            (Just(shape), values, chunks)
        })
        .prop_map(|(shape, values, chunks)| (ArrayD::from_shape_vec(IxDyn(&shape), values).unwrap(), chunks))
}

/// Random positive lengths adding up to `len`.
fn split(len: usize) -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..=len, 1..=len).prop_map(move |cuts| {
        let mut out = Vec::new();
        let mut left = len;
        for c in cuts {
            if left == 0 {
                break;
            }
            let c = c.min(left);
            out.push(c);
            left -= c;
        }
        if left > 0 {
            out.push(left);
        }
        out
    })
}

#[derive(Debug, Clone)]
enum Step {
    AddScalar(f64),
    MulSelf,
    SqrtAbs,
    Slice { axis: usize, start: Option<isize>, stop: Option<isize>, step: isize },
    Take { axis: usize, picks: Vec<usize> },
    Transpose,
    Rechunk(usize),
    ConcatSelf(usize),
    WherePositive,
    StackSelf,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (-5.0f64..5.0).prop_map(Step::AddScalar),
        Just(Step::MulSelf),
        Just(Step::SqrtAbs),
        (0usize..3, prop::option::of(-8isize..8), prop::option::of(-8isize..8), prop_oneof![1isize..3, -3isize..0])
            .prop_map(|(axis, start, stop, step)| Step::Slice { axis, start, stop, step }),
        (0usize..3, prop::collection::vec(0usize..100, 1..6)).prop_map(|(axis, picks)| Step::Take { axis, picks }),
        Just(Step::Transpose),
        (1usize..5).prop_map(Step::Rechunk),
        (0usize..3).prop_map(Step::ConcatSelf),
        Just(Step::WherePositive),
        Just(Step::StackSelf),
    ]
}

/// Python slice semantics, written out independently of the library.
fn py_slice(n: usize, start: Option<isize>, stop: Option<isize>, step: isize) -> Vec<usize> {
    let n = n as isize;
    let norm = |v: isize| if v < 0 { v + n } else { v };
    let mut out = Vec::new();
    if step > 0 {
        let s = start.map_or(0, |v| norm(v).clamp(0, n));
        let e = stop.map_or(n, |v| norm(v).clamp(0, n));
        let mut i = s;
        while i < e {
            out.push(i as usize);
            i += step;
        }
    } else {
        let s = start.map_or(n - 1, |v| norm(v).clamp(-1, n - 1));
        let e = stop.map_or(-1, |v| norm(v).clamp(-1, n - 1));
        let mut i = s;
        while i > e {
            out.push(i as usize);
            i += step;
        }
    }
    out
}

/// Apply a step lazily and eagerly; `None` when the step does not apply to this shape.
fn apply(step: &Step, lazy: &ChunkedArray, eager: &ArrayD<f64>) -> Option<(ChunkedArray, ArrayD<f64>)> {
    let nd = eager.ndim();
    Some(match step {
        Step::AddScalar(s) => (lazy + *s, eager.mapv(|v| v + s)),
        Step::MulSelf => ((lazy * lazy).ok()?.clone(), eager * eager),
        Step::SqrtAbs => (lazy.abs().sqrt(), eager.mapv(|v| v.abs().sqrt())),
        Step::Slice { axis, start, stop, step } => {
            let axis = axis % nd;
            let picks = py_slice(eager.shape()[axis], *start, *stop, *step);
            if picks.is_empty() {
                return None;
            }
            (lazy.slice_axis(axis, *start, *stop, *step).unwrap(), eager.select(Axis(axis), &picks))
        }
        Step::Take { axis, picks } => {
            let axis = axis % nd;
            let n = eager.shape()[axis];
            let picks: Vec<usize> = picks.iter().map(|p| p % n).collect();
            (lazy.take(axis, &picks).unwrap(), eager.select(Axis(axis), &picks))
        }
        Step::Transpose => {
            let perm: Vec<usize> = (0..nd).rev().collect();
            (lazy.transpose(&perm).unwrap(), eager.view().permuted_axes(IxDyn(&perm)).to_owned())
        }
        Step::Rechunk(c) => (lazy.rechunk(&vec![*c; nd]).unwrap(), eager.clone()),
        Step::ConcatSelf(axis) => {
            let axis = axis % nd;
            let two = (lazy + 1.0).rechunk(&vec![2; nd]).unwrap();
            let eager_two = eager.mapv(|v| v + 1.0);
            (
                ChunkedArray::concatenate(&[lazy.clone(), two], axis).unwrap(),
                ndarray::concatenate(Axis(axis), &[eager.view(), eager_two.view()]).unwrap(),
            )
        }
        Step::WherePositive => {
            let zero = ChunkedArray::zeros(&[1], &[1], cumulus_chunked::DType::F64).unwrap();
            (
                ChunkedArray::where_(&lazy.gt_scalar(0.0), lazy, &zero).unwrap(),
                eager.mapv(|v| if v > 0.0 { v } else { 0.0 }),
            )
        }
        Step::StackSelf => {
            if nd >= 3 {
                return None;
            }
            (
                ChunkedArray::stack(&[lazy.clone(), lazy.clone()], 0).unwrap(),
                ndarray::stack(Axis(0), &[eager.view(), eager.view()]).unwrap(),
            )
        }
    })
}

#[derive(Debug, Clone, Copy)]
enum Red {
    Sum,
    NanSum,
    Mean,
    NanMean,
    Min,
    NanMax,
    NanVar1,
    Std0,
    Count,
    ArgMax,
    NanArgMin,
}

fn red() -> impl Strategy<Value = Red> {
    prop_oneof![
        Just(Red::Sum),
        Just(Red::NanSum),
        Just(Red::Mean),
        Just(Red::NanMean),
        Just(Red::Min),
        Just(Red::NanMax),
        Just(Red::NanVar1),
        Just(Red::Std0),
        Just(Red::Count),
        Just(Red::ArgMax),
        Just(Red::NanArgMin),
    ]
}

/// Eager reduction of one 1-d lane, NumPy semantics.
fn reduce_lane(r: Red, lane: &[f64]) -> Option<f64> {
    let valid: Vec<f64> = lane.iter().copied().filter(|v| !v.is_nan()).collect();
    let has_nan = valid.len() < lane.len();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let var = |v: &[f64], ddof: f64| {
        let m = mean(v);
        let dof = v.len() as f64 - ddof;
        if dof <= 0.0 { f64::NAN } else { v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / dof }
    };
    Some(match r {
        Red::Sum => lane.iter().sum(),
        Red::NanSum => valid.iter().sum(),
        Red::Mean => mean(lane),
        Red::NanMean => mean(&valid),
        Red::Min => {
            if has_nan {
                f64::NAN
            } else {
                lane.iter().copied().fold(f64::INFINITY, f64::min)
            }
        }
        Red::NanMax => {
            if valid.is_empty() {
                f64::NAN
            } else {
                valid.iter().copied().fold(f64::NEG_INFINITY, f64::max)
            }
        }
        Red::NanVar1 => var(&valid, 1.0),
        Red::Std0 => var(lane, 0.0).sqrt(),
        Red::Count => valid.len() as f64,
        Red::ArgMax => {
            if let Some(p) = lane.iter().position(|v| v.is_nan()) {
                p as f64
            } else {
                let mut best = 0;
                for (i, v) in lane.iter().enumerate() {
                    if *v > lane[best] {
                        best = i;
                    }
                }
                best as f64
            }
        }
        Red::NanArgMin => {
            let mut best: Option<usize> = None;
            for (i, v) in lane.iter().enumerate() {
                if !v.is_nan() && best.is_none_or(|b| *v < lane[b]) {
                    best = Some(i);
                }
            }
            return best.map(|b| b as f64);
        }
    })
}

fn lazy_reduce(r: Red, x: &ChunkedArray, axis: usize) -> ChunkedArray {
    match r {
        Red::Sum => x.sum(axis),
        Red::NanSum => x.nansum(axis),
        Red::Mean => x.mean(axis),
        Red::NanMean => x.nanmean(axis),
        Red::Min => x.min(axis),
        Red::NanMax => x.nanmax(axis),
        Red::NanVar1 => x.nanvar(axis, 1),
        Red::Std0 => x.std(axis, 0),
        Red::Count => x.count(axis),
        Red::ArgMax => x.argmax(axis),
        Red::NanArgMin => x.nanargmin(axis),
    }
    .unwrap()
}

fn to_f64(b: &Block) -> ArrayD<f64> {
    b.cast(cumulus_chunked::DType::F64).into_array::<f64>().unwrap()
}

fn close(a: &ArrayD<f64>, b: &ArrayD<f64>) -> Result<(), String> {
    if a.shape() != b.shape() {
        return Err(format!("shape {:?} vs {:?}", a.shape(), b.shape()));
    }
    for (x, y) in a.iter().zip(b.iter()) {
        let same = (x.is_nan() && y.is_nan()) || (x - y).abs() <= 1e-9 * (1.0 + x.abs().max(y.abs()));
        if !same {
            return Err(format!("{x} vs {y}\nlazy {a:?}\neager {b:?}"));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn chains_match_eager((data, chunks) in array_and_chunks(), steps in prop::collection::vec(step(), 0..4),
                          threads in 1usize..4) {
        let c = Chunks::from_axes(data.shape(), chunks).unwrap();
        let mut lazy = ChunkedArray::from_block(Block::F64(data.clone()), c).unwrap();
        let mut eager = data;
        for s in &steps {
            if let Some((l, e)) = apply(s, &lazy, &eager) {
                lazy = l;
                eager = e;
            }
        }
        prop_assert_eq!(lazy.shape(), eager.shape());
        let (out, _) = lazy.compute_with(&ComputeOptions::default().threads(threads)).unwrap();
        let r = close(&to_f64(&out), &eager);
        prop_assert!(r.is_ok(), "{}", r.unwrap_err());
        // The same without the optimizer.
        let opts = ComputeOptions { no_optimize: true, ..ComputeOptions::default() };
        let (raw, _) = lazy.compute_with(&opts).unwrap();
        prop_assert!(close(&to_f64(&raw), &eager).is_ok());
    }

    #[test]
    fn reductions_match_eager((data, chunks) in array_and_chunks(), steps in prop::collection::vec(step(), 0..3),
                              r in red(), axis in 0usize..3) {
        let c = Chunks::from_axes(data.shape(), chunks).unwrap();
        let mut lazy = ChunkedArray::from_block(Block::F64(data.clone()), c).unwrap();
        let mut eager = data;
        for s in &steps {
            if let Some((l, e)) = apply(s, &lazy, &eager) {
                lazy = l;
                eager = e;
            }
        }
        let axis = axis % eager.ndim();
        let lanes: Vec<Option<f64>> = eager.lanes(Axis(axis)).into_iter().map(|l| reduce_lane(r, &l.to_vec())).collect();
        let mut shape = eager.shape().to_vec();
        shape.remove(axis);
        let result = lazy_reduce(r, &lazy, axis).compute();
        if lanes.iter().any(Option::is_none) {
            // nanargmin of an all-NaN lane is an error, as in NumPy.
            prop_assert!(result.is_err());
        } else {
            let want = ArrayD::from_shape_vec(IxDyn(&shape), lanes.into_iter().map(Option::unwrap).collect()).unwrap();
            let r = close(&to_f64(&result.unwrap()), &want);
            prop_assert!(r.is_ok(), "{}", r.unwrap_err());
        }
    }

    #[test]
    fn grouped_sum_and_mean_match_eager((data, chunks) in array_and_chunks(), ngroups in 1usize..4,
                                        seed in 0u64..1000, axis in 0usize..3) {
        let axis = axis % data.ndim();
        let n = data.shape()[axis];
        let labels: Vec<i64> = (0..n).map(|i| ((i as u64 * 7 + seed) % (ngroups as u64 + 1)) as i64 - 1).collect();
        let c = Chunks::from_axes(data.shape(), chunks).unwrap();
        let lazy = ChunkedArray::from_block(Block::F64(data.clone()), c).unwrap();
        let got_sum = to_f64(&lazy.grouped(cumulus_chunked::ReduceOp::Sum, axis, &labels, ngroups, true).unwrap().compute().unwrap());
        let got_mean = to_f64(&lazy.grouped(cumulus_chunked::ReduceOp::Mean, axis, &labels, ngroups, true).unwrap().compute().unwrap());
        for g in 0..ngroups {
            let picks: Vec<usize> = (0..n).filter(|&i| labels[i] == g as i64).collect();
            let sub = data.select(Axis(axis), &picks);
            let s = sub.map_axis(Axis(axis), |l| reduce_lane(Red::NanSum, &l.to_vec()).unwrap());
            let m = sub.map_axis(Axis(axis), |l| reduce_lane(Red::NanMean, &l.to_vec()).unwrap());
            prop_assert!(close(&got_sum.index_axis(Axis(axis), g).to_owned(), &s).is_ok());
            let r = close(&got_mean.index_axis(Axis(axis), g).to_owned(), &m);
            prop_assert!(r.is_ok(), "group {}: {}", g, r.unwrap_err());
        }
    }
}
