//! A `take` with repeated indices followed by a stepped slice: found by the property test
//! `chains_match_eager` (it panicked in `assemble` with "could not broadcast [2] to [1]").
use cumulus_chunked::{Block, ChunkedArray, Chunks, ComputeOptions};
use ndarray::{ArrayD, Axis, IxDyn};

#[test]
fn take_with_repeats_then_step_slice_matches_eager() {
    let data = ArrayD::from_shape_vec(IxDyn(&[4]), vec![10.0, 11.0, 12.0, 13.0]).unwrap();
    let c = Chunks::from_axes(&[4], vec![vec![2, 2]]).unwrap();
    let lazy = ChunkedArray::from_block(Block::F64(data.clone()), c).unwrap();
    let picks = [2, 0, 0, 2, 0];
    let lazy = lazy.take(0, &picks).unwrap().slice_axis(0, None, None, 2).unwrap();
    // picks[0], picks[2], picks[4]: 12, 10, 10.
    let eager = data.select(Axis(0), &[2, 0, 0]);
    assert_eq!(eager.as_slice().unwrap(), &[12.0, 10.0, 10.0]);
    for opts in [ComputeOptions::default(), ComputeOptions { no_optimize: true, ..ComputeOptions::default() }] {
        let (out, _) = lazy.compute_with(&opts).unwrap();
        assert_eq!(out.into_array::<f64>().unwrap(), eager);
    }
}
