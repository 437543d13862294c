//! `cumulus::ml::load_patches` on the generated tiny stores: the patches hold exactly the
//! stored values (read independently through `open_zarr`), and the models' pipeline runs.
#![cfg(feature = "ml")]

use cumulus::data_gen::{GenArgs, Preset, store_name};
use cumulus::ml::{FEATURES, LABEL, MlError, load_patches};
use cumulus::prelude::*;

#[test]
fn patches_hold_the_stored_values() {
    let dir = tempfile::tempdir().unwrap();
    GenArgs { quiet: true, years: Some(vec![2021]), ..GenArgs::for_preset(Preset::Tiny, dir.path()) }.run().unwrap();
    let store = dir.path().join(store_name(2021));
    // The tiny grid is 16 x 21: one 8 x 8 patch fits 2 x 2 times (the rest is dropped).
    let p = load_patches(&[&store], 8, 5).unwrap();
    let ds = open_zarr(&store).unwrap();
    let nt = ds.get(LABEL).unwrap().size("time").unwrap();
    let per_time = 2 * 2;
    assert_eq!(p.batch.x.dim(), (nt.div_ceil(5) * per_time, 8, 8, 4));
    assert_eq!(p.grid, (16, 21));
    assert_eq!(p.corners[..4], [(0, 0), (0, 8), (8, 0), (8, 8)]);
    // Patch 7 is time index 5 (the second kept hour), corner (8, 8); check pixel (3, 6) of it.
    let (t, i, j) = (5, 8 + 3, 8 + 6);
    for (c, name) in FEATURES.iter().enumerate() {
        let v = ds.get(name).unwrap().isel([("time", t), ("latitude", i), ("longitude", j)]).unwrap().item().unwrap();
        assert_eq!(f64::from(p.batch.x[[7, 3, 6, c]]), v as f32 as f64, "{name}");
    }
    let tp = ds.get(LABEL).unwrap().isel([("time", t), ("latitude", i), ("longitude", j)]).unwrap().item().unwrap();
    assert_eq!(p.batch.y[[7, 3, 6]], f32::from(tp > 5.0));
    assert!(p.batch.y.iter().all(|&v| v == 0.0 || v == 1.0));

    assert!(matches!(load_patches(&[&store], 17, 1), Err(MlError::BadArgument { argument: "patch", .. })));
    assert!(matches!(load_patches(&[dir.path().join("missing.zarr")], 8, 1), Err(MlError::Load { .. })));
    assert!(matches!(load_patches::<&str>(&[], 8, 1), Err(MlError::Empty { .. })));
}
