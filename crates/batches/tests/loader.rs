//! The data loader: seeded shuffles (property-tested), batching, drop_last, workers keeping
//! the order, errors; and the (X, y) dataset with normalisation.

use cumulus_batches::dataset::{Batch, MapDataset, Normalizer, PatchDataset};
use cumulus_batches::loader::{DataLoader, shuffled};
use cumulus_batches::{BatchError, BatchGenerator, Collate};
use cumulus_chunked::ChunkedArray;
use cumulus_labeled::{Dataset, Variable};
use ndarray::{Array3, Array4, ArrayD, IxDyn};
use proptest::prelude::*;

/// Item i is a batch of one sample whose x is all i and y all -i; item `fail` fails.
struct Numbers {
    n: usize,
    fail: Option<usize>,
}

impl MapDataset for Numbers {
    type Item = Batch;
    fn len(&self) -> usize {
        self.n
    }
    fn get(&self, i: usize) -> cumulus_batches::Result<Batch> {
        if Some(i) == self.fail {
            return Err(BatchError::BadArgument { argument: "index", reason: format!("item {i} is broken") });
        }
        Ok(Batch { x: Array4::from_elem((1, 2, 2, 1), i as f32), y: Array3::from_elem((1, 2, 2), -(i as f32)) })
    }
}

fn order(loader: &DataLoader<Numbers>, epoch: u64) -> Vec<usize> {
    loader
        .epoch(epoch)
        .unwrap()
        .flat_map(|b| b.unwrap().x.outer_iter().map(|s| s[[0, 0, 0]] as usize).collect::<Vec<_>>())
        .collect()
}

proptest! {
    #[test]
    fn same_seed_same_order_and_a_permutation(n in 0usize..200, seed in any::<u64>(), epoch in 0u64..5) {
        let a = shuffled(n, seed, epoch);
        prop_assert_eq!(&a, &shuffled(n, seed, epoch));
        let mut s = a.clone();
        s.sort();
        prop_assert_eq!(s, (0..n).collect::<Vec<_>>());
    }

    #[test]
    fn workers_yield_what_the_calling_thread_yields(n in 1usize..60, bs in 1usize..7, workers in 1usize..4,
                                                   prefetch in 1usize..3, seed in any::<u64>(), drop_last in any::<bool>()) {
        let make = |w| DataLoader::new(Numbers { n, fail: None }).batch_size(Some(bs)).shuffle(true).seed(seed)
            .drop_last(drop_last).num_workers(w).prefetch(prefetch);
        let inline = order(&make(0), 1);
        prop_assert_eq!(&inline, &order(&make(workers), 1));
        let expect = if drop_last { n / bs * bs } else { n };
        prop_assert_eq!(inline.len(), expect);
        prop_assert_eq!(make(0).len(), if drop_last { n / bs } else { n.div_ceil(bs) });
    }
}

#[test]
fn different_seeds_or_epochs_give_different_orders() {
    let a = shuffled(100, 1, 0);
    assert_ne!(a, shuffled(100, 2, 0));
    assert_ne!(a, shuffled(100, 1, 1));
    assert_ne!(a, (0..100).collect::<Vec<_>>());
}

#[test]
fn batching_drop_last_and_no_shuffle() {
    let loader = DataLoader::new(Numbers { n: 10, fail: None }).batch_size(Some(4));
    let sizes: Vec<usize> = loader.iter().unwrap().map(|b| b.unwrap().len()).collect();
    assert_eq!(sizes, vec![4, 4, 2]);
    assert_eq!(order(&loader, 0), (0..10).collect::<Vec<_>>());
    let dropped = DataLoader::new(Numbers { n: 10, fail: None }).batch_size(Some(4)).drop_last(true);
    assert_eq!(dropped.iter().unwrap().map(|b| b.unwrap().len()).collect::<Vec<_>>(), vec![4, 4]);
    // batch_size None: the items as they are.
    let items = DataLoader::new(Numbers { n: 3, fail: None });
    let b: Vec<Batch> = items.iter().unwrap().map(|b| b.unwrap()).collect();
    assert_eq!(b.len(), 3);
    assert_eq!(b[2].y[[0, 1, 1]], -2.0);
    let c = Batch::collate(b).unwrap();
    assert_eq!(c.x.shape(), &[3, 2, 2, 1]);
}

#[test]
fn errors_are_values() {
    let bad = DataLoader::new(Numbers { n: 3, fail: None }).batch_size(Some(0));
    assert!(matches!(bad.iter(), Err(BatchError::BadArgument { argument: "batch_size", .. })));
    let bad = DataLoader::new(Numbers { n: 3, fail: None }).prefetch(0);
    assert!(matches!(bad.iter(), Err(BatchError::BadArgument { argument: "prefetch", .. })));
    for workers in [0, 2] {
        let l = DataLoader::new(Numbers { n: 5, fail: Some(3) }).num_workers(workers);
        let got: Vec<bool> = l.iter().unwrap().map(|r| r.is_ok()).collect();
        assert_eq!(got, vec![true, true, true, false, true]);
    }
    // Dropping an unfinished iterator stops the workers.
    let l = DataLoader::new(Numbers { n: 1000, fail: None }).num_workers(2).prefetch(1);
    let mut it = l.iter().unwrap();
    assert!(it.next().unwrap().is_ok());
    drop(it);
}

fn features_dataset() -> Dataset {
    // time 8 × lat 4 × lon 6; a = t + y + x, b = 2 (constant), label = x >= 3.
    let shape = [8, 4, 6];
    let arr = |f: &dyn Fn(usize, usize, usize) -> f32| {
        let a = ArrayD::from_shape_fn(IxDyn(&shape), |i| f(i[0], i[1], i[2]));
        Variable::new(&["time", "lat", "lon"], ChunkedArray::from_array(a, &[4, 2, 3]).unwrap()).unwrap()
    };
    Dataset::new()
        .with_var("a", arr(&|t, y, x| (t + y + x) as f32))
        .unwrap()
        .with_var("b", arr(&|_, _, _| 2.0))
        .unwrap()
        .with_var("label", arr(&|_, _, x| if x >= 3 { 1.0 } else { 0.0 }))
        .unwrap()
}

#[test]
fn patch_dataset_stacks_features_last_and_normalises() {
    let ds = features_dataset();
    let bgen =
        BatchGenerator::builder(&ds).input_dims([("lat", 2), ("lon", 3)]).batch_dims([("time", 4)]).build().unwrap();
    assert_eq!(bgen.len(), 2 * 2 * 2);
    let data = PatchDataset::new(bgen, &["a", "b"], "label").unwrap();
    let item = data.get(3).unwrap(); // time 0..4, lat 2..4, lon 3..6
    assert_eq!(item.x.shape(), &[4, 2, 3, 2]);
    assert_eq!(item.y.shape(), &[4, 2, 3]);
    assert_eq!(item.x[[1, 0, 2, 0]], (1 + 2 + 5) as f32);
    assert_eq!(item.x[[1, 0, 2, 1]], 2.0);
    assert!(item.y.iter().all(|&v| v == 1.0));

    // Train statistics on the first 4 times: a = t + y + x over t<4, y<4, x<6.
    let train = ds.isel([("time", 0..4)]).unwrap();
    let norm = Normalizer::fit(&train, &["a", "b"]).unwrap();
    let vals: Vec<f64> =
        (0..4).flat_map(|t| (0..4).flat_map(move |y| (0..6).map(move |x| (t + y + x) as f64))).collect();
    let mean = vals.iter().sum::<f64>() / vals.len() as f64;
    let std = (vals.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / vals.len() as f64).sqrt();
    assert!((norm.mean[0] - mean).abs() < 1e-9 && (norm.std[0] - std).abs() < 1e-9);
    assert_eq!((norm.mean[1], norm.std[1]), (2.0, 0.0));
    let normed = data.clone().with_normalizer(norm.clone()).unwrap();
    let x = normed.get(3).unwrap().x;
    assert!((x[[1, 0, 2, 0]] as f64 - (8.0 - mean) / std).abs() < 1e-5);
    assert_eq!(x[[1, 0, 2, 1]], 0.0); // zero spread: centred only
    let wrong = Normalizer { features: vec!["b".into(), "a".into()], ..norm };
    assert!(matches!(data.clone().with_normalizer(wrong), Err(BatchError::BadArgument { .. })));
    assert!(matches!(
        PatchDataset::new(
            BatchGenerator::builder(&ds).input_dims([("lat", 2)]).build().unwrap(),
            &["a", "zz"],
            "label"
        ),
        Err(BatchError::NoVariable { .. })
    ));
    // Not (n, h, w): patches along lat only leave (time, lon) stacked... here 4-D is refused.
    let flat = BatchGenerator::builder(&ds).input_dims([("time", 8), ("lat", 4), ("lon", 6)]).build().unwrap();
    let d = PatchDataset::new(flat, &["a"], "label").unwrap();
    assert_eq!(d.get(0).unwrap().x.shape(), &[8, 4, 6, 1]);
    let two_d = BatchGenerator::builder(&ds.isel([("time", 0)]).unwrap()).input_dims([("lat", 2)]).build().unwrap();
    assert!(matches!(PatchDataset::new(two_d, &["a"], "label").unwrap().get(0), Err(BatchError::BadShape { .. })));

    // Through the loader with workers: 8 items in batches of 3, shuffled.
    let loader = DataLoader::new(data).batch_size(Some(3)).shuffle(true).seed(42).num_workers(2);
    let sizes: Vec<usize> = loader.iter().unwrap().map(|b| b.unwrap().len()).collect();
    assert_eq!(sizes, vec![12, 12, 8]);
}
