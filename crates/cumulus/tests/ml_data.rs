//! `cumulus::ml`'s data pipeline (cumulus-batches' `BatchGenerator` and `PatchDataset`) on the
//! generated tiny stores: the patches hold exactly the stored values (read independently
//! through `open_zarr`), and training through a `DataLoader` is reproducible.
#![cfg(feature = "ml")]

use cumulus::batches::{DataLoader, Normalizer, PatchDataset};
use cumulus::data_gen::{GenArgs, Preset, store_name};
use cumulus::ml::{
    ConvNet, ConvNetConfig, FEATURES, LABEL, LABEL_NAME, MlError, TrainOptions, collect_patches, convection_dataset,
    load_patches, patch_generator, predict_map, prediction_generator,
};
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
    let mut places = p.corners.clone();
    places.sort();
    places.dedup();
    assert_eq!(places, [(0, 0), (0, 8), (8, 0), (8, 8)]);
    // Every (kept hour, corner) pair appears exactly once.
    let mut pairs: Vec<_> = p.times.iter().zip(&p.corners).collect();
    pairs.sort();
    pairs.dedup();
    assert_eq!(pairs.len(), p.batch.len());
    // The patch of the second kept hour (time index 5 of the store) at corner (8, 8); pixel (3, 6) of it.
    let k = (0..p.batch.len()).find(|&k| p.times[k] == 1 && p.corners[k] == (8, 8)).unwrap();
    let (t, i, j) = (5, 8 + 3, 8 + 6);
    for (c, name) in FEATURES.iter().enumerate() {
        let v = ds.get(name).unwrap().isel([("time", t), ("latitude", i), ("longitude", j)]).unwrap().item().unwrap();
        assert_eq!(f64::from(p.batch.x[[k, 3, 6, c]]), v as f32 as f64, "{name}");
    }
    let tp = ds.get(LABEL).unwrap().isel([("time", t), ("latitude", i), ("longitude", j)]).unwrap().item().unwrap();
    assert_eq!(p.batch.y[[k, 3, 6]], f32::from(tp > 5.0));
    assert!(p.batch.y.iter().all(|&v| v == 0.0 || v == 1.0));

    assert!(matches!(load_patches(&[&store], 17, 1), Err(MlError::BadArgument { argument: "patch", .. })));
    assert!(matches!(load_patches(&[&store], 8, 0), Err(MlError::BadArgument { argument: "time_stride", .. })));
    assert!(matches!(load_patches(&[dir.path().join("missing.zarr")], 8, 1), Err(MlError::Load { .. })));
    assert!(matches!(load_patches::<&str>(&[], 8, 1), Err(MlError::Empty { .. })));
}

#[test]
fn training_through_a_data_loader_is_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    GenArgs { quiet: true, years: Some(vec![2021]), ..GenArgs::for_preset(Preset::Tiny, dir.path()) }.run().unwrap();
    let ds = convection_dataset(&[dir.path().join(store_name(2021))], 6).unwrap();
    let normalizer = Normalizer::fit(&ds, &FEATURES).unwrap();
    let set = || {
        PatchDataset::new(patch_generator(&ds, 8, 2).unwrap(), &FEATURES, LABEL_NAME)
            .unwrap()
            .with_normalizer(normalizer.clone())
            .unwrap()
    };
    // The normalised patches have the train-set statistics: channel means near 0 (the dropped
    // edge column keeps them from being exactly 0).
    let all = collect_patches(&set()).unwrap();
    for (c, name) in FEATURES.iter().enumerate() {
        let m = all.batch.x.index_axis(ndarray::Axis(3), c).mean().unwrap();
        assert!(m.abs() < 0.5, "{name} mean {m}");
    }
    let opts = TrainOptions { epochs: 2, pos_weight: Some(5.0), ..TrainOptions::default() };
    let train = |seed: u64| {
        let loader = DataLoader::new(set()).batch_size(Some(2)).shuffle(true).seed(seed).num_workers(1);
        let mut net = ConvNet::new(&ConvNetConfig { hidden: vec![4], ..ConvNetConfig::default() }).unwrap();
        let h = net.fit_loader(&loader, None, &opts).unwrap();
        assert_eq!(h.train_loss.len(), 2);
        net.predict_logits(all.batch.x.view()).unwrap()
    };
    let a = train(3);
    assert_eq!(a, train(3));
    assert_ne!(a, train(4));
}

#[test]
fn predictions_go_back_on_the_map_with_every_pixel_covered() {
    let dir = tempfile::tempdir().unwrap();
    GenArgs { quiet: true, years: Some(vec![2021]), ..GenArgs::for_preset(Preset::Tiny, dir.path()) }.run().unwrap();
    let ds = convection_dataset(&[dir.path().join(store_name(2021))], 6).unwrap();
    let nt = ds.get(LABEL_NAME).unwrap().size("time").unwrap();
    // The tiny grid is 16 x 21: 8 x 8 patches overlapping by 2 start at 0, 6 and (covering
    // the edge) 8 along latitude, at 0, 6, 12 and 13 along longitude.
    let bgen = prediction_generator(&ds, 8, 2, 1).unwrap();
    assert_eq!(bgen.len(), nt * 3 * 4);
    let set = PatchDataset::new(bgen, &FEATURES, LABEL_NAME).unwrap();
    // A "model" that answers the K index of each pixel (channel 2): the map must be the K
    // index itself, on the label's grid, wherever patches overlap.
    let k = predict_map(&set, "k_again", |x| Ok(x.index_axis(ndarray::Axis(3), 2).to_owned())).unwrap();
    assert_eq!(k.name(), Some("k_again"));
    assert_eq!(k.dims(), ["time", "latitude", "longitude"]);
    assert_eq!(k.shape(), [nt, 16, 21]);
    let truth = ds.get("k_index").unwrap().values().unwrap().cast(DType::F32).into_array::<f32>().unwrap();
    let got = k.values().unwrap().cast(DType::F32).into_array::<f32>().unwrap();
    assert_eq!(got, truth);
    // The coordinates are the dataset's.
    for c in ["time", "latitude", "longitude"] {
        assert_eq!(k.coord(c).unwrap().to_vec_f64().unwrap(), ds.get(c).unwrap().to_vec_f64().unwrap(), "{c}");
    }
    // A model answering the wrong shape is an error that says so.
    let e = predict_map(&set, "bad", |x| Ok(x.index_axis(ndarray::Axis(1), 0).to_owned())).unwrap_err();
    assert!(e.to_string().contains("one value per pixel"), "{e}");
    assert!(matches!(prediction_generator(&ds, 8, 8, 1), Err(MlError::BadArgument { argument: "overlap", .. })));
}
