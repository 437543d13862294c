//! The generator's batches against direct indexing of known arrays, the stacked `sample`
//! dimension, and the chunk cache against a source that counts its reads.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cumulus_batches::{BatchError, BatchGenerator};
use cumulus_chunked::{Block, ChunkSource, ChunkedArray, Chunks, DType, SourceError};
use cumulus_labeled::{Dataset, Variable};
use ndarray::{ArrayD, IxDyn};

/// value(t, y, x) = 10000 t + 100 y + x, stored in chunks; counts whole-chunk decodes.
#[derive(Debug)]
struct Counting {
    chunks: Chunks,
    reads: Arc<AtomicUsize>,
}

impl ChunkSource for Counting {
    fn name(&self) -> String {
        "counting".into()
    }
    fn dtype(&self) -> DType {
        DType::F32
    }
    fn shape(&self) -> Vec<usize> {
        self.chunks.shape()
    }
    fn chunks(&self) -> Chunks {
        self.chunks.clone()
    }
    fn read_chunk(&self, idx: &[usize]) -> Result<Block, SourceError> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        let r = self.chunks.region(idx);
        let shape: Vec<usize> = r.iter().map(|x| x.len()).collect();
        let a = ArrayD::from_shape_fn(IxDyn(&shape), |i| {
            (10000 * (i[0] + r[0].start) + 100 * (i[1] + r[1].start) + (i[2] + r[2].start)) as f32
        });
        Ok(Block::from(a))
    }
}

fn value(t: usize, y: usize, x: usize) -> f32 {
    (10000 * t + 100 * y + x) as f32
}

fn counting(shape: [usize; 3], chunk: [usize; 3]) -> (ChunkedArray, Arc<AtomicUsize>) {
    let reads = Arc::new(AtomicUsize::new(0));
    let src = Counting { chunks: Chunks::regular(&shape, &chunk), reads: reads.clone() };
    (ChunkedArray::from_source(Arc::new(src)).unwrap(), reads)
}

fn dataset(data: ChunkedArray) -> Dataset {
    let [t, y, x] = [data.shape()[0], data.shape()[1], data.shape()[2]];
    Dataset::new()
        .with_var("v", Variable::new(&["time", "lat", "lon"], data).unwrap())
        .unwrap()
        .with_coord("time", Variable::from_vec("time", (0..t as i64).map(|i| i * 10).collect()))
        .unwrap()
        .with_coord("lat", Variable::from_vec("lat", (0..y).map(|i| 40.0 - i as f64).collect()))
        .unwrap()
        .with_coord("lon", Variable::from_vec("lon", (0..x).map(|i| 100.0 + i as f64).collect()))
        .unwrap()
}

fn w8_like(ds: &Dataset, cache: usize) -> BatchGenerator {
    BatchGenerator::builder(ds)
        .input_dims([("lat", 4), ("lon", 4)])
        .input_overlap([("lat", 1), ("lon", 1)])
        .batch_dims([("time", 6)])
        .cache_bytes(cache)
        .build()
        .unwrap()
}

#[test]
fn batches_hold_the_right_windows_and_coordinates() {
    let (data, _) = counting([12, 10, 13], [5, 4, 5]);
    let ds = dataset(data);
    let bgen = w8_like(&ds, 1 << 20);
    // time: 2 batches of 6; lat starts 0, 3, 6 (stride 3, 9..13 does not fit); lon 0, 3, 6, 9.
    assert_eq!(bgen.len(), 2 * 3 * 4);
    let i = 4 + 2; // time batch 0, lat patch 1 (3..7), lon patch 2 (6..10)
    let b = bgen.get(i).unwrap();
    assert_eq!(b.sizes(), vec![("time".to_string(), 6), ("lat".to_string(), 4), ("lon".to_string(), 4)]);
    assert_eq!(b.get("lat").unwrap().to_vec_f64().unwrap(), vec![37.0, 36.0, 35.0, 34.0]);
    assert_eq!(b.get("lon").unwrap().to_vec_f64().unwrap(), vec![106.0, 107.0, 108.0, 109.0]);
    assert_eq!(b.get("time").unwrap().to_vec_f64().unwrap(), vec![0.0, 10.0, 20.0, 30.0, 40.0, 50.0]);
    let v = b.get("v").unwrap().to_vec_f64().unwrap();
    let mut want = Vec::new();
    for t in 0..6 {
        for y in 3..7 {
            for x in 6..10 {
                want.push(value(t, y, x) as f64);
            }
        }
    }
    assert_eq!(v, want);
    // Negative indices count from the end; the last batch is time 6..12, lat 6..10, lon 9..13.
    let last = bgen.get_tensors(-1).unwrap();
    assert_eq!(last[0].values.shape(), &[6, 4, 4]);
    assert_eq!(last[0].values[[0, 0, 0]], value(6, 6, 9));
    assert_eq!(last[0].values[[5, 3, 3]], value(11, 9, 12));
    assert!(matches!(bgen.get(24), Err(BatchError::IndexOutOfRange { index: 24, len: 24 })));
    assert!(matches!(bgen.get(-25), Err(BatchError::IndexOutOfRange { .. })));
    assert_eq!(bgen.iter().count(), 24);
}

#[test]
fn chunk_cache_decodes_each_chunk_once() {
    // Chunks 5 × 4 × 5 over 12 × 10 × 13: grid 3 × 3 × 3 = 27 chunks, every one touched.
    let (data, reads) = counting([12, 10, 13], [5, 4, 5]);
    let ds = dataset(data);
    let cached = w8_like(&ds, 64 << 20);
    for i in 0..cached.len() {
        cached.get_tensors(i as isize).unwrap();
    }
    let with_cache = reads.load(Ordering::SeqCst);
    assert_eq!(with_cache, 27);
    assert_eq!(cached.cache_stats().decoded, 27);

    let (data, reads) = counting([12, 10, 13], [5, 4, 5]);
    let plain = w8_like(&dataset(data), 0);
    let mut touched = 0;
    for i in 0..plain.len() {
        // The chunks a window touches: along each axis, those its range overlaps.
        let p = &plain.schema().selectors[i][0];
        let count = |r: &std::ops::Range<usize>, c: usize| (r.end - 1) / c - r.start / c + 1;
        touched += count(&p[0].1, 5) * count(&p[1].1, 4) * count(&p[2].1, 5);
        plain.get_tensors(i as isize).unwrap();
    }
    assert_eq!(reads.load(Ordering::SeqCst), touched);
    assert!(touched > 2 * with_cache, "{touched} decodes without the cache vs {with_cache} with it");
    // Same values either way.
    assert_eq!(cached.get_tensors(7).unwrap()[0].values, plain.get_tensors(7).unwrap()[0].values);
}

#[test]
fn lazy_plans_are_cached_per_chunk_too() {
    // A derived variable (v > 50000 as f32) is computed chunk by chunk through the engine.
    let (data, reads) = counting([12, 10, 13], [5, 4, 5]);
    let label = data.gt_scalar(50000.0).astype(DType::F32);
    let ds = dataset(data).with_var("label", Variable::new(&["time", "lat", "lon"], label).unwrap()).unwrap();
    let bgen = w8_like(&ds, 64 << 20);
    let b = bgen.get_tensors_for(23, &["label"]).unwrap();
    assert_eq!(b[0].values[[0, 0, 0]], 1.0); // time 6: 60000 > 50000
    let first = bgen.get_tensors_for(0, &["label"]).unwrap(); // time 0..6, lat 0..4, lon 0..4
    for ((t, y, x), &l) in first[0].values.indexed_iter().map(|(i, l)| ((i[0], i[1], i[2]), l)) {
        assert_eq!(l, if value(t, y, x) > 50000.0 { 1.0 } else { 0.0 });
    }
    for i in 0..bgen.len() {
        bgen.get_tensors_for(i as isize, &["label"]).unwrap();
    }
    assert_eq!(reads.load(Ordering::SeqCst), 27);
    assert!(matches!(bgen.get_tensors_for(0, &["nope"]), Err(BatchError::NoVariable { .. })));
}

#[test]
fn other_dimensions_are_stacked_into_sample() {
    // time 4 × level 3 × lat 4; patches along lat only: time and level stack into sample.
    let a = ArrayD::from_shape_fn(IxDyn(&[4, 3, 4]), |i| (100 * i[0] + 10 * i[1] + i[2]) as f64);
    let data = ChunkedArray::from_array(a, &[2, 3, 2]).unwrap();
    let ds = Dataset::new()
        .with_var("t", Variable::new(&["time", "level", "lat"], data).unwrap())
        .unwrap()
        .with_coord("level", Variable::from_vec("level", vec![1000i64, 850, 500]))
        .unwrap();
    let bgen = BatchGenerator::builder(&ds).input_dims([("lat", 2)]).build().unwrap();
    assert_eq!(bgen.len(), 2);
    let b = bgen.get(1).unwrap();
    let t = b.get("t").unwrap();
    assert_eq!(t.dims(), &["sample".to_string(), "lat".to_string()]);
    assert_eq!(t.shape(), &[12, 2]);
    // sample runs over (time, level) in C order; lat 2..4.
    let v = t.to_vec_f64().unwrap();
    assert_eq!(&v[..4], &[2.0, 3.0, 12.0, 13.0]);
    assert_eq!(v[22], 322.0);
    // Level coordinate along sample; time had no coordinate, so its positions.
    assert_eq!(b.get("level").unwrap().to_vec_f64().unwrap()[..4], [1000.0, 850.0, 500.0, 1000.0]);
    assert_eq!(b.get("time").unwrap().to_vec_f64().unwrap()[..4], [0.0, 0.0, 0.0, 1.0]);
}

#[test]
fn dataarray_generator_and_concat() {
    let (data, _) = counting([6, 8, 8], [6, 4, 4]);
    let ds = dataset(data);
    let da = ds.get("v").unwrap();
    let bgen =
        BatchGenerator::builder_for_dataarray(&da).unwrap().input_dims([("lat", 4), ("lon", 8)]).build().unwrap();
    assert_eq!(bgen.len(), 2);
    let b = bgen.get_dataarray(1).unwrap();
    assert_eq!(b.shape(), &[6, 4, 8]);
    assert_eq!(b.to_vec_f64().unwrap()[0], value(0, 4, 0) as f64);
    let over_ds = BatchGenerator::builder(&ds).input_dims([("lat", 4)]).build().unwrap();
    assert!(matches!(over_ds.get_dataarray(0), Err(BatchError::BadArgument { .. })));

    // concat_input_dims: the 2 × 2 patches of a time batch go along input_batch, stacked with
    // time into sample = 4 patches × 3 times.
    let cat = BatchGenerator::builder(&ds)
        .input_dims([("lat", 4), ("lon", 4)])
        .batch_dims([("time", 3)])
        .concat_input_dims(true)
        .build()
        .unwrap();
    assert_eq!(cat.len(), 2);
    let b = cat.get(1).unwrap();
    let v = b.get("v").unwrap();
    assert_eq!(v.dims(), &["sample", "lat_input", "lon_input"].map(String::from));
    assert_eq!(v.shape(), &[12, 4, 4]);
    let vals = v.to_vec_f64().unwrap();
    // sample = (input_batch, time) in C order: sample 3 is patch 1 (lat 0..4, lon 4..8) at
    // time 3, sample 4 the same patch at time 4.
    assert_eq!(vals[3 * 16], value(3, 0, 4) as f64);
    assert_eq!(vals[4 * 16 + 5], value(4, 1, 5) as f64);
    let lat = b.get("lat").unwrap();
    assert_eq!(lat.dims(), &["sample", "lat_input"].map(String::from));
    assert_eq!(b.get("input_batch").unwrap().to_vec_f64().unwrap()[..7], [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0]);
}

#[test]
fn preload_false_reads_nothing_until_computed() {
    let (data, reads) = counting([12, 10, 13], [5, 4, 5]);
    let ds = dataset(data);
    let lazy = BatchGenerator::builder(&ds)
        .input_dims([("lat", 4), ("lon", 4)])
        .batch_dims([("time", 6)])
        .preload_batch(false)
        .build()
        .unwrap();
    let b = lazy.get(5).unwrap(); // time 0..6, lat patch 1 (4..8), lon patch 2 (8..12)
    assert_eq!(reads.load(Ordering::SeqCst), 0);
    let v = b.get("v").unwrap().to_vec_f64().unwrap();
    assert!(reads.load(Ordering::SeqCst) > 0);
    assert_eq!(v[0], value(0, 4, 8) as f64);
    assert_eq!(b.get("lat").unwrap().to_vec_f64().unwrap(), vec![36.0, 35.0, 34.0, 33.0]);
    let eager =
        BatchGenerator::builder(&ds).input_dims([("lat", 4), ("lon", 4)]).batch_dims([("time", 6)]).build().unwrap();
    assert_eq!(eager.get(5).unwrap().get("v").unwrap().to_vec_f64().unwrap(), v);
}
