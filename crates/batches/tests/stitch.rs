//! Stitching outputs per patch back into a grid: overlaps averaged (hand-computed), edges
//! covered with `cover_edges`, xbatcher's stacked and concatenated layouts undone, and the
//! round trip of an identity "model" as a property.

use cumulus_batches::schema::{cover_slices, gen_slices};
use cumulus_batches::{BatchError, BatchGenerator, Stitcher};
use cumulus_chunked::{ChunkedArray, DType};
use cumulus_labeled::{DataArray, Dataset, Variable};
use ndarray::{ArrayD, Dimension, IxDyn};
use proptest::prelude::*;

/// value = 10000 a + 100 b + c over dims `dims` of `shape`, with a coordinate on the last.
fn field(dims: &[&str], shape: &[usize], chunk: &[usize]) -> Dataset {
    let a = ArrayD::from_shape_fn(IxDyn(shape), |i| {
        i.as_array_view().iter().fold(0.0f32, |acc, &k| acc * 100.0 + k as f32)
    });
    let var = Variable::new(dims, ChunkedArray::from_array(a, chunk).unwrap()).unwrap();
    let last = dims[dims.len() - 1];
    let n = shape[shape.len() - 1];
    Dataset::new()
        .with_var("v", var)
        .unwrap()
        .with_coord(last, Variable::from_vec(last, (0..n).map(|i| 100.0 + 0.25 * i as f64).collect::<Vec<_>>()))
        .unwrap()
}

fn values_f32(da: &DataArray) -> ArrayD<f32> {
    da.values().unwrap().cast(DType::F32).into_array::<f32>().unwrap()
}

/// Stitch the generator's own tensors of `v` (an identity model).
fn identity(bgen: &BatchGenerator) -> Stitcher {
    let mut st = Stitcher::for_generator(bgen, "v", "v_back").unwrap();
    for i in 0..bgen.len() {
        let x = bgen.get_tensors_for(i as isize, &["v"]).unwrap().remove(0).values;
        st.add_batch(bgen, i, x.view()).unwrap();
    }
    st
}

#[test]
fn overlapping_outputs_are_averaged() {
    // 6 points, patches of 4 overlapping by 2: 0..4 and 2..6. The model says 1 on the first
    // patch and 3 on the second: 1 where only the first covers, 2 where both, 3 after.
    let ds = field(&["y"], &[6], &[6]);
    let bgen = BatchGenerator::builder(&ds).input_dims([("y", 4)]).input_overlap([("y", 2)]).build().unwrap();
    assert_eq!(bgen.len(), 2);
    let mut st = Stitcher::for_generator(&bgen, "v", "p").unwrap();
    st.add_batch(&bgen, 0, ArrayD::from_elem(IxDyn(&[4]), 1.0f32).view()).unwrap();
    st.add_batch(&bgen, 1, ArrayD::from_elem(IxDyn(&[4]), 3.0f32).view()).unwrap();
    assert_eq!(st.coverage().iter().copied().collect::<Vec<_>>(), vec![1, 1, 2, 2, 1, 1]);
    let p = st.finish().unwrap();
    assert_eq!(p.name(), Some("p"));
    assert_eq!(values_f32(&p).iter().copied().collect::<Vec<_>>(), vec![1.0, 1.0, 2.0, 2.0, 3.0, 3.0]);
    // The coordinate came along.
    assert_eq!(p.coord("y").unwrap().to_vec_f64().unwrap(), vec![100.0, 100.25, 100.5, 100.75, 101.0, 101.25]);
}

#[test]
fn nan_outputs_are_not_counted() {
    let ds = field(&["y"], &[6], &[6]);
    let bgen = BatchGenerator::builder(&ds).input_dims([("y", 4)]).input_overlap([("y", 2)]).build().unwrap();
    let mut st = Stitcher::for_generator(&bgen, "v", "p").unwrap();
    st.add_batch(&bgen, 0, ArrayD::from_elem(IxDyn(&[4]), f32::NAN).view()).unwrap();
    st.add_batch(&bgen, 1, ArrayD::from_elem(IxDyn(&[4]), 3.0f32).view()).unwrap();
    let v = values_f32(&st.finish().unwrap());
    assert!(v[0].is_nan() && v[1].is_nan());
    assert_eq!(&v.as_slice().unwrap()[2..], &[3.0, 3.0, 3.0, 3.0]);
}

#[test]
fn xbatcher_leaves_edges_out_and_cover_edges_brings_them_back() {
    // 3 × 10 × 10, patches of 4 × 4: xbatcher covers 8 × 8 of each 10 × 10 field.
    let ds = field(&["time", "y", "x"], &[3, 10, 10], &[1, 5, 5]);
    let plain = BatchGenerator::builder(&ds).input_dims([("y", 4), ("x", 4)]).build().unwrap();
    let st = identity(&plain);
    assert_eq!(st.uncovered(), 3 * (100 - 64));
    let v = values_f32(&st.finish().unwrap());
    assert!(v[[0, 9, 0]].is_nan() && v[[2, 0, 8]].is_nan());
    assert_eq!(v[[1, 7, 7]], 10707.0);

    let covered = BatchGenerator::builder(&ds).input_dims([("y", 4), ("x", 4)]).cover_edges(true).build().unwrap();
    assert_eq!(covered.len(), 3 * 3);
    let st = identity(&covered);
    assert_eq!(st.uncovered(), 0);
    // Points 6 and 7 are in two patches along each axis (4..8 and 6..10).
    assert_eq!(st.coverage()[[0, 7, 7]], 4);
    assert_eq!(st.coverage()[[0, 8, 8]], 1);
    let back = st.finish().unwrap();
    assert_eq!(values_f32(&back), values_f32(&ds.get("v").unwrap()));
}

#[test]
fn batches_along_time_are_covered_too() {
    // 10 hours in batches of 4: xbatcher drops hours 8 and 9, the cover adds 6..10.
    let ds = field(&["time", "y", "x"], &[10, 4, 4], &[5, 4, 4]);
    let b = BatchGenerator::builder(&ds).input_dims([("y", 4), ("x", 4)]).batch_dims([("time", 4)]);
    assert_eq!(b.clone().build().unwrap().len(), 2);
    let covered = b.cover_edges(true).build().unwrap();
    assert_eq!(covered.len(), 3);
    assert_eq!(covered.patches(-1).unwrap()[0][0], ("time".to_string(), 6..10));
    let st = identity(&covered);
    assert_eq!(st.uncovered(), 0);
    assert_eq!(values_f32(&st.finish().unwrap()), values_f32(&ds.get("v").unwrap()));
}

#[test]
fn the_stacked_sample_layout_is_undone() {
    // Two non-input dims (time, level) are stacked into `sample` by xbatcher: the batch of v
    // comes as (sample, y, x) with sample = time × level.
    let ds = field(&["time", "level", "y", "x"], &[2, 3, 6, 6], &[1, 3, 3, 3]);
    let bgen = BatchGenerator::builder(&ds)
        .input_dims([("x", 4), ("y", 4)])
        .input_overlap([("y", 2), ("x", 2)])
        .cover_edges(true)
        .build()
        .unwrap();
    let t = bgen.get_tensors_for(0, &["v"]).unwrap().remove(0);
    assert_eq!(t.dims, ["sample", "x", "y"]);
    assert_eq!(t.values.shape(), [6, 4, 4]);
    let st = identity(&bgen);
    assert_eq!(st.uncovered(), 0);
    assert_eq!(values_f32(&st.finish().unwrap()), values_f32(&ds.get("v").unwrap()));
}

#[test]
fn concatenated_patches_are_stitched_one_by_one() {
    let ds = field(&["time", "y", "x"], &[2, 8, 8], &[1, 4, 4]);
    let bgen = BatchGenerator::builder(&ds)
        .input_dims([("y", 4), ("x", 4)])
        .batch_dims([("time", 1)])
        .concat_input_dims(true)
        .build()
        .unwrap();
    let t = bgen.get_tensors_for(0, &["v"]).unwrap().remove(0);
    assert_eq!(t.values.shape()[0], 4);
    let st = identity(&bgen);
    assert_eq!(st.uncovered(), 0);
    assert_eq!(values_f32(&st.finish().unwrap()), values_f32(&ds.get("v").unwrap()));

    // Only input dims: the batch is (input_batch, y_input, x_input), nothing stacked.
    let ds = field(&["y", "x"], &[9, 7], &[4, 4]);
    let bgen = BatchGenerator::builder(&ds)
        .input_dims([("x", 3), ("y", 4)])
        .input_overlap([("y", 1)])
        .concat_input_dims(true)
        .cover_edges(true)
        .build()
        .unwrap();
    let t = bgen.get_tensors_for(0, &["v"]).unwrap().remove(0);
    assert_eq!(t.dims, ["input_batch", "y_input", "x_input"]);
    let st = identity(&bgen);
    assert_eq!(st.uncovered(), 0);
    assert_eq!(values_f32(&st.finish().unwrap()), values_f32(&ds.get("v").unwrap()));
}

#[test]
fn bad_input_names_what_was_expected() {
    let ds = field(&["time", "y", "x"], &[2, 8, 8], &[1, 4, 4]);
    let bgen = BatchGenerator::builder(&ds).input_dims([("y", 4), ("x", 4)]).build().unwrap();
    let e = Stitcher::for_generator(&bgen, "w", "p").unwrap_err();
    assert!(matches!(e, BatchError::NoVariable { .. }), "{e}");
    let mut st = Stitcher::for_generator(&bgen, "v", "p").unwrap();
    let e = st.add_batch(&bgen, 0, ArrayD::zeros(IxDyn(&[2, 4, 5])).view()).unwrap_err();
    assert!(e.to_string().contains("[2, 4, 5]") && e.to_string().contains("[2, 4, 4]"), "{e}");
    let e = st.add_batch(&bgen, 99, ArrayD::zeros(IxDyn(&[2, 4, 4])).view()).unwrap_err();
    assert!(matches!(e, BatchError::IndexOutOfRange { .. }), "{e}");
    let e = st.add(&[("level".to_string(), 0..1)], ArrayD::zeros(IxDyn(&[2, 8, 8])).view()).unwrap_err();
    assert!(e.to_string().contains("level"), "{e}");
    let e = st.add(&[("y".to_string(), 6..10)], ArrayD::zeros(IxDyn(&[2, 4, 8])).view()).unwrap_err();
    assert!(e.to_string().contains("6..10"), "{e}");
    let e = BatchGenerator::builder(&ds)
        .input_dims([("time", 1), ("y", 4)])
        .batch_dims([("time", 2)])
        .concat_input_dims(true)
        .cover_edges(true)
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("cover"), "{e}");
}

proptest! {
    #[test]
    fn cover_slices_cover_every_point(n in 1usize..60, size in 1usize..20, overlap in 0usize..19) {
        prop_assume!(overlap < size && size <= n);
        let s = cover_slices("d", n, size, overlap).unwrap();
        let xb = gen_slices("d", n, size, overlap).unwrap();
        // xbatcher's slices come first, unchanged; at most one is added, ending at n.
        prop_assert_eq!(&s[..xb.len()], &xb[..]);
        prop_assert!(s.len() <= xb.len() + 1);
        prop_assert_eq!(s.last().unwrap().end, n);
        let mut covered = vec![false; n];
        for r in &s {
            prop_assert_eq!(r.len(), size);
            covered[r.clone()].iter_mut().for_each(|c| *c = true);
        }
        prop_assert!(covered.iter().all(|&c| c));
    }

    #[test]
    fn an_identity_model_gives_the_field_back(
        ny in 3usize..14, nx in 3usize..14, py in 1usize..6, px in 1usize..6, oy in 0usize..5, ox in 0usize..5,
    ) {
        prop_assume!(py <= ny && px <= nx && oy < py && ox < px);
        let ds = field(&["time", "y", "x"], &[2, ny, nx], &[1, 4, 4]);
        let bgen = BatchGenerator::builder(&ds)
            .input_dims([("y", py), ("x", px)])
            .input_overlap([("y", oy), ("x", ox)])
            .cover_edges(true)
            .build()
            .unwrap();
        let st = identity(&bgen);
        prop_assert_eq!(st.uncovered(), 0);
        prop_assert_eq!(values_f32(&st.finish().unwrap()), values_f32(&ds.get("v").unwrap()));
    }
}
