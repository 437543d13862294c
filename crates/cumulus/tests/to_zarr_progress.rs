//! `to_zarr` streams chunk by chunk and reports its progress through the engine's telemetry:
//! a `ComputeProgress` (the indicatif bar `cumulus convert` shows) counts every write task.

use cumulus::dashboard::ComputeProgress;
use cumulus::prelude::*;
use cumulus::store::{ToZarrOptions, to_zarr};
use ndarray::{ArrayD, IxDyn};

#[test]
fn to_zarr_reports_one_progress_step_per_task_and_finishes() {
    let dir = tempfile::tempdir().unwrap();
    // 6 x 10 x 12 in chunks of 2 x 5 x 4: 3 x 2 x 3 = 18 chunks to write.
    let a = ArrayD::from_shape_fn(IxDyn(&[6, 10, 12]), |i| (i[0] * 1000 + i[1] * 10 + i[2]) as f32);
    let var = Variable::new(&["time", "y", "x"], ChunkedArray::from_array(a, &[2, 5, 4]).unwrap()).unwrap();
    let lazy = DataArray::new("v", var).scalar_op(cumulus::chunked::BinaryOp::Mul, 2.0);
    let ds = Dataset::new().with_var("v", lazy.variable().clone()).unwrap();
    let progress = ComputeProgress::hidden("to_zarr");
    let opts = ToZarrOptions { compute: ComputeOptions::default().subscriber(progress.clone()), ..Default::default() };
    let path = to_zarr(&ds, dir.path().join("p.zarr"), &opts).unwrap();
    progress.finish();
    assert!(progress.total() >= 18, "{} tasks for 18 chunks", progress.total());
    assert_eq!(progress.done(), progress.total());
    // What was streamed is what was asked for.
    let back = open_zarr(&path).unwrap().get("v").unwrap().isel([("time", 5), ("y", 9), ("x", 11)]).unwrap();
    assert_eq!(back.item().unwrap(), 2.0 * 5101.0);
}
