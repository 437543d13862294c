//! Behaviour of the engine beyond values: errors, memory, telemetry, pushdown, sharing.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use cumulus_chunked::BlockElement;
use cumulus_chunked::telemetry::Event;
use cumulus_chunked::{
    Block, ChunkSource, ChunkedArray, ChunkedError, Chunks, ComputeOptions, DType, FnSource, SourceError,
};
use ndarray::{ArrayD, IxDyn};

/// A source that counts the chunks it is asked for and can fail on one of them.
#[derive(Debug)]
struct Counting {
    inner: FnSource,
    reads: AtomicUsize,
    fail_at: Option<Vec<usize>>,
}

impl ChunkSource for Counting {
    fn name(&self) -> String {
        "test.zarr/temperature".into()
    }
    fn dtype(&self) -> DType {
        self.inner.dtype()
    }
    fn shape(&self) -> Vec<usize> {
        self.inner.shape()
    }
    fn chunks(&self) -> Chunks {
        self.inner.chunks()
    }
    fn read_chunk(&self, idx: &[usize]) -> Result<Block, SourceError> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        if self.fail_at.as_deref() == Some(idx) {
            return Err(SourceError("blosc: corrupt header".into()));
        }
        self.inner.read_chunk(idx)
    }
}

fn counting(shape: &[usize], chunks: &[usize], fail_at: Option<Vec<usize>>) -> Arc<Counting> {
    let inner = FnSource::from_index_fn("t", Chunks::regular(shape, chunks), |i: &[usize]| {
        i.iter().enumerate().map(|(d, &x)| (x * (d + 1)) as f32).sum::<f32>()
    });
    Arc::new(Counting { inner, reads: AtomicUsize::new(0), fail_at })
}

#[test]
fn shape_mismatch_is_reported_when_built_with_both_shapes() {
    let a = ChunkedArray::zeros(&[4, 3], &[2, 2], DType::F32).unwrap();
    let b = ChunkedArray::zeros(&[4, 2], &[2, 2], DType::F32).unwrap();
    let err = (&a + &b).unwrap_err();
    assert!(matches!(err, ChunkedError::ShapeMismatch { .. }));
    let msg = err.to_string();
    assert!(msg.contains("[4, 3]") && msg.contains("[4, 2]"), "{msg}");
    // Broadcasting works where NumPy's does.
    let row = ChunkedArray::ones(&[3], &[3], DType::F32).unwrap();
    assert_eq!((&a + &row).unwrap().shape(), &[4, 3]);
    // Bad arguments name what is wrong.
    let e = a.sum(5).unwrap_err().to_string();
    assert!(e.contains("axis 5") && e.contains("[4, 3]"), "{e}");
    let e = a.squeeze(0).unwrap_err().to_string();
    assert!(e.contains("length 4"), "{e}");
    let e = a.take(1, &[0, 7]).unwrap_err().to_string();
    assert!(e.contains("index 7") && e.contains("length 3"), "{e}");
}

#[test]
fn a_failing_chunk_stops_the_compute_and_is_named() {
    let src = counting(&[400, 10], &[4, 10], Some(vec![3, 0]));
    let x = ChunkedArray::from_source(src.clone()).unwrap();
    let err = x.mean(0).unwrap().compute_with(&ComputeOptions::default().threads(2)).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("test.zarr/temperature") && msg.contains("[3, 0]") && msg.contains("corrupt"), "{msg}");
    // Stopped promptly: tasks run in order, so few of the 100 chunks were read after chunk 3 failed.
    let reads = src.reads.load(Ordering::Relaxed);
    assert!(reads < 20, "{reads} chunks read");
}

#[test]
fn a_panicking_closure_is_an_error_not_a_crash() {
    let x = ChunkedArray::arange(0.0, 20.0, 1.0, 5);
    let y = x.map_blocks("explode", DType::F64, |b| {
        if b.shape()[0] == 5 && b.as_array::<f64>().unwrap()[[0]] == 10.0 {
            panic!("boom at 10");
        }
        Ok(b.clone())
    });
    let err = y.sum(0).unwrap().compute().unwrap_err().to_string();
    assert!(err.contains("boom at 10") && err.contains("[2]"), "{err}");
    // A closure returning the wrong shape is caught too.
    let bad = x.map_blocks("shrink", DType::F64, |b| Ok(b.slice(&[(0, 1, 1)])));
    let err = bad.compute().unwrap_err().to_string();
    assert!(err.contains("shrink") && err.contains("shape [1]"), "{err}");
}

#[test]
fn the_mean_of_an_array_larger_than_the_limit_stays_under_it() {
    // 64 MiB of f64 in 1 MiB chunks, computed under a 8 MiB limit.
    let x = ChunkedArray::random(&[2048, 4096], &[32, 4096], 7).unwrap();
    assert_eq!(x.nbytes(), 64 << 20);
    let limit = 8 << 20;
    let (out, stats) =
        x.mean(0).unwrap().compute_with(&ComputeOptions::default().threads(2).memory_limit(limit)).unwrap();
    assert!(stats.peak_memory <= limit, "peak {} > limit {limit}", stats.peak_memory);
    let v = out.as_array::<f64>().unwrap();
    assert!(v.iter().all(|m| (m - 0.5).abs() < 0.05));
    // Without a limit the same compute may hold more, but never everything.
    let (_, free) = x.mean(0).unwrap().compute_with(&ComputeOptions::default().threads(2)).unwrap();
    assert!(free.peak_memory < x.nbytes() / 2, "peak {}", free.peak_memory);
}

#[test]
fn telemetry_reports_every_task_once() {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let opts = ComputeOptions::default().threads(2).subscriber(move |e: &Event| sink.lock().unwrap().push(e.clone()));
    let x = ChunkedArray::random(&[100, 10], &[10, 5], 1).unwrap();
    let y = x.nanmean(0).unwrap();
    let graph = y.graph(&opts).unwrap();
    y.compute_with(&opts).unwrap();
    let ev = events.lock().unwrap();
    let started = ev.iter().filter(|e| matches!(e, Event::TaskStarted { .. })).count();
    let finished: Vec<usize> =
        ev.iter().filter_map(|e| if let Event::TaskFinished { task, .. } = e { Some(*task) } else { None }).collect();
    assert_eq!(started, graph.len());
    let mut uniq = finished.clone();
    uniq.sort_unstable();
    uniq.dedup();
    assert_eq!(uniq.len(), graph.len());
    assert!(matches!(ev.first(), Some(Event::ComputeStarted { .. })));
    assert!(matches!(ev.last(), Some(Event::ComputeFinished { error: None, .. })));
}

#[test]
fn selections_are_pushed_down_to_the_reads() {
    // 10 × 10 chunks; select one column of chunks after an elementwise op and a reduction.
    let src = counting(&[100, 100], &[10, 10], None);
    let x = ChunkedArray::from_source(src.clone()).unwrap();
    let y = ((&x * 2.0) - 1.0).mean(0).unwrap().slice_axis(0, Some(20), Some(25), 1).unwrap();
    let out = y.compute().unwrap();
    assert_eq!(out.shape(), &[5]);
    assert_eq!(src.reads.load(Ordering::Relaxed), 10, "only the 10 chunks of column 2 are read");
    // Value check: mean over rows of (2 * (r + 2c) - 1) = 2 * (49.5 + 2c) - 1.
    let v = out.as_array::<f32>().unwrap();
    for (k, c) in (20..25).enumerate() {
        assert!((v[[k]] - (2.0 * (49.5 + 2.0 * c as f32) - 1.0)).abs() < 1e-3);
    }
    let plan = y.explain();
    assert!(plan.contains("optimized plan"), "{plan}");
}

#[test]
fn compute_many_reads_shared_inputs_once() {
    let src = counting(&[40, 8], &[10, 8], None);
    let x = ChunkedArray::from_source(src.clone()).unwrap();
    let mean = x.mean(0).unwrap();
    let anomaly = (&x - &mean).unwrap();
    let out = ChunkedArray::compute_many(&[mean.clone(), anomaly.abs().max(0).unwrap()]).unwrap();
    assert_eq!(out[0].shape(), &[8]);
    // 4 chunks for the mean, then 4 again for the anomaly (the mean is shared, not recomputed).
    assert_eq!(src.reads.load(Ordering::Relaxed), 8);
}

#[test]
fn task_graph_shape_follows_chunking() {
    // dask: 100 chunks along the reduced axis, split_every 8 → 100 partials, 13 + 2 combines, 1 aggregate.
    let x = ChunkedArray::zeros(&[1000], &[10], DType::F32).unwrap();
    let g = x.sum(0).unwrap().graph(&ComputeOptions::default()).unwrap();
    let counts = g.counts_by_kind();
    assert_eq!(counts["sum-partial"], 100);
    assert_eq!(counts["sum-aggregate"], 1);
    assert_eq!(counts["sum-combine"], 13 + 2);
    let dot = x.sum(0).unwrap().visualize().unwrap();
    assert!(dot.starts_with("digraph"));
}

#[test]
fn persist_and_stream_keep_the_chunks() {
    let x = ChunkedArray::arange(0.0, 10.0, 1.0, 3);
    let p = (&x * 3.0).persist().unwrap();
    assert_eq!(p.chunks().axis(0), &[3, 3, 3, 1]);
    let seen = Mutex::new(Vec::new());
    p.stream(&ComputeOptions::default(), &|idx, b| {
        seen.lock().unwrap().push((idx.to_vec(), b.len()));
        Ok(())
    })
    .unwrap();
    let mut s = seen.into_inner().unwrap();
    s.sort();
    assert_eq!(s, vec![(vec![0], 3), (vec![1], 3), (vec![2], 3), (vec![3], 1)]);
    let all = p.compute().unwrap();
    let want = ArrayD::from_shape_fn(IxDyn(&[10]), |i| i[0] as f64 * 3.0);
    assert_eq!(all.as_array::<f64>().unwrap(), &want);
}

#[test]
fn dtypes_follow_numpy() {
    let i = ChunkedArray::from_array(ArrayD::from_shape_vec(IxDyn(&[3]), vec![1i32, 2, 4]).unwrap(), &[2]).unwrap();
    assert_eq!(i.sum(0).unwrap().dtype(), DType::I64);
    assert_eq!(i.mean(0).unwrap().dtype(), DType::F64);
    assert_eq!((&i / 2).dtype(), DType::F64);
    assert_eq!((&i * 2).dtype(), DType::I32);
    assert_eq!((&i * 2.5).dtype(), DType::F64);
    let f = i.astype(DType::F32);
    assert_eq!((&f * 2.5).dtype(), DType::F32);
    assert_eq!(f.gt_scalar(1).dtype(), DType::Bool);
    let s = i.sum(0).unwrap().compute().unwrap();
    assert_eq!(s.as_array::<i64>().unwrap()[[]], 7);
}

#[test]
fn the_decode_floor_reads_exactly_the_touched_chunks() {
    let src = counting(&[100, 100], &[10, 10], None);
    let x = ChunkedArray::from_source(src.clone()).unwrap();
    let y = x.slice_axis(1, Some(15), Some(35), 1).unwrap().mean(0).unwrap();
    let g = y.graph(&ComputeOptions::default()).unwrap();
    let touched = g.touched_chunks();
    // Columns 15..35 touch chunk columns 1, 2 and 3, over 10 chunk rows.
    assert_eq!(touched.len(), 30);
    let bytes = cumulus_chunked::graph::read_touched(&touched, 2).unwrap();
    assert_eq!(bytes, 30 * 100 * 4);
    assert_eq!(g.touched_bytes(), 30 * 100 * 4, "counted from the chunk shapes, without reading");
    assert_eq!(src.reads.load(Ordering::Relaxed), 30);
}

#[test]
fn a_mean_and_a_std_of_the_same_data_share_one_pass() {
    let src = counting(&[40, 8], &[10, 8], None);
    let x = ChunkedArray::from_source(src.clone()).unwrap();
    // The standardized anomaly: (x - mean) / std, then a mean of it.
    let z = (&(&x - &x.nanmean(0).unwrap()).unwrap() / &x.nanstd(0, 0).unwrap()).unwrap();
    let out = z.abs().gt_scalar(1.0).mean([0, 1]).unwrap().compute().unwrap();
    // 4 chunks for the shared moments, 4 for the anomaly: not 12.
    assert_eq!(src.reads.load(Ordering::Relaxed), 8);
    // Values: x[i, j] = i + 2j, so along axis 0 each column is 0..40 shifted; z is the same for
    // every column: (i - 19.5) / std(0..40) with std = sqrt((40² - 1) / 12).
    let sd = ((40.0f64 * 40.0 - 1.0) / 12.0).sqrt();
    let frac = (0..40).filter(|&i| ((i as f64 - 19.5) / sd).abs() > 1.0).count() as f64 / 40.0;
    let got = cumulus_chunked::array::scalar_value(&out).unwrap();
    assert!((got - frac).abs() < 1e-12, "{got} vs {frac}");
    // The shared pass gives the same mean and std as separate computations.
    let m = x.nanmean(0).unwrap();
    let s = x.nanstd(0, 1).unwrap();
    let both = ChunkedArray::compute_many(&[m.clone(), s.clone()]).unwrap();
    assert_eq!(both[0], m.compute().unwrap());
    let (a, b) = (both[1].as_array::<f32>().unwrap(), s.compute().unwrap());
    let b = b.as_array::<f32>().unwrap().clone();
    for (p, q) in a.iter().zip(b.iter()) {
        assert!((p - q).abs() < 1e-4, "{p} {q}");
    }
}

#[test]
fn the_task_graph_draws_as_svg_in_layers() {
    // 4 chunks summed: 4 partial tasks on the top layer, an aggregate below them.
    let x = ChunkedArray::arange(0.0, 40.0, 1.0, 10);
    let g = x.sum(0).unwrap().graph(&ComputeOptions::default()).unwrap();
    let svg = g.to_svg(200);
    let dots: Vec<&str> = svg.lines().filter(|l| l.contains("</title></circle>")).collect();
    assert_eq!(dots.len(), g.len());
    let y = |l: &str| l.split("cy=\"").nth(1).and_then(|r| r.split('"').next()).unwrap().parse::<f64>().unwrap();
    let (partial, aggregate): (Vec<&str>, Vec<&str>) = dots.iter().partition(|l| l.contains("partial"));
    assert_eq!(partial.len(), 4);
    assert!(aggregate.iter().all(|a| partial.iter().all(|p| y(a) > y(p))), "aggregates sit below partials");
    assert_eq!(svg.matches("<line").count(), g.num_edges());
    // Above the limit: one box per kind, edges labelled with their counts.
    let grouped = g.to_svg(2);
    assert_eq!(grouped.matches("<rect x=").count(), g.counts_by_kind().len());
    assert!(grouped.contains("sum-partial × 4"), "{grouped}");
}

#[test]
fn a_result_too_large_for_memory_is_an_error_not_an_abort() {
    // 10^12 x 2 float32 (8 TB): a lazy zeros array is fine, computing it is refused up front.
    let x = ChunkedArray::zeros(&[1_000_000_000_000, 2], &[1 << 20, 2], DType::F32).unwrap();
    let err = x.compute().unwrap_err().to_string();
    assert!(err.contains("cannot compute") && err.contains("[1000000000000, 2]"), "{err}");
    // A small selection of it computes.
    let small = x.slice_axis(0, Some(0), Some(4), 1).unwrap().sum(0).unwrap().compute().unwrap();
    assert_eq!(small.shape(), &[2]);
    // Sizes that overflow usize are refused too.
    let y = ChunkedArray::zeros(&[usize::MAX / 2, 4], &[usize::MAX / 2, 4], DType::F64).unwrap();
    assert!(y.compute().unwrap_err().to_string().contains("more bytes than this machine can address"));
    // And a chunk grid whose list of chunk lengths could not be allocated is refused when built.
    let err = ChunkedArray::zeros(&[1_000_000_000_000, 2], &[2, 2], DType::F32).unwrap_err().to_string();
    assert!(err.contains("500000000000 chunks along axis 0"), "{err}");
}

/// Arrays of different dtypes concatenate in the promoted dtype, whichever way the output
/// chunks fall: one input per output chunk (nothing to concatenate in a task), several, or
/// a single output chunk. (`compute` copies each chunk into a result of the array's dtype,
/// so a chunk of another dtype would be an engine bug.)
#[test]
fn concatenating_integers_and_floats_gives_floats_in_every_chunk() {
    let ints = ChunkedArray::from_array(ArrayD::from_shape_vec(IxDyn(&[3]), vec![1_i32, 2, 3]).unwrap(), &[3]).unwrap();
    let floats =
        ChunkedArray::from_array(ArrayD::from_shape_vec(IxDyn(&[2]), vec![0.5_f64, 1.5]).unwrap(), &[2]).unwrap();
    let want = [1.0, 2.0, 3.0, 0.5, 1.5];
    let cat = ChunkedArray::concatenate(&[ints, floats], 0).unwrap();
    assert_eq!(cat.dtype(), DType::F64);
    for chunks in [None, Some(2), Some(5)] {
        let x = match chunks {
            None => cat.clone(),
            Some(c) => cat.rechunk(&[c]).unwrap(),
        };
        let b = x.compute().unwrap();
        assert_eq!(b.dtype(), DType::F64, "chunks {chunks:?}");
        let got: Vec<f64> = f64::unwrap(b).unwrap().iter().copied().collect();
        assert_eq!(got, want, "chunks {chunks:?}");
    }
}

#[test]
fn pair_statistics_of_the_same_inputs_share_one_pass_and_match_their_formulas() {
    use cumulus_chunked::PairStat;
    // a[i, j] = i + 2j (40 × 8, chunks of 10 rows); b = a² / 50 in chunks of 16 rows.
    let src_a = counting(&[40, 8], &[10, 8], None);
    let src_b = counting(&[40, 8], &[16, 8], None);
    let a = ChunkedArray::from_source(src_a.clone()).unwrap();
    let b = (&(&ChunkedArray::from_source(src_b.clone()).unwrap()
        * &ChunkedArray::from_source(src_b.clone()).unwrap())
        .unwrap()
        / 50.0)
        .astype(DType::F64);
    let stats = [PairStat::MeanSquaredError, PairStat::MeanAbsoluteError, PairStat::Correlation, PairStat::MeanError];
    let lazy: Vec<ChunkedArray> = stats.iter().map(|s| a.pair_reduce(&b, *s, [0], false).unwrap()).collect();
    let g = lazy[0].graph(&ComputeOptions::default()).unwrap();
    let (out, _) = ChunkedArray::compute_many_with(&lazy, &ComputeOptions::default()).unwrap();
    // One pass for the four statistics: each of a's 4 chunks read once; b's 3 chunks at most
    // once per leaf overlapping them (rows 0-16-32-40 against 0-10-20-30-40: 6 overlaps; the
    // chunk cache saves some), not once per statistic (24).
    assert_eq!(src_a.reads.load(Ordering::Relaxed), 4);
    let b_reads = src_b.reads.load(Ordering::Relaxed);
    assert!((3..=6).contains(&b_reads), "{b_reads} reads of b");
    assert_eq!(g.counts_by_kind().get("mse-partial"), Some(&4), "{:?}", g.counts_by_kind());
    // The truth, column by column, by the textbook formulas.
    for j in 0..8 {
        let xa: Vec<f64> = (0..40).map(|i| (i + 2 * j) as f64).collect();
        // b is computed in f32, then converted.
        let xb: Vec<f64> = (0..40).map(|i| f64::from(((i + 2 * j) as f32).powi(2) / 50.0)).collect();
        let n = 40.0;
        let (ma, mb) = (xa.iter().sum::<f64>() / n, xb.iter().sum::<f64>() / n);
        let mse = xa.iter().zip(&xb).map(|(x, y)| (x - y).powi(2)).sum::<f64>() / n;
        let mae = xa.iter().zip(&xb).map(|(x, y)| (x - y).abs()).sum::<f64>() / n;
        let cab: f64 = xa.iter().zip(&xb).map(|(x, y)| (x - ma) * (y - mb)).sum();
        let saa: f64 = xa.iter().map(|x| (x - ma).powi(2)).sum();
        let sbb: f64 = xb.iter().map(|y| (y - mb).powi(2)).sum();
        let truth = [mse, mae, cab / (saa * sbb).sqrt(), ma - mb];
        for (k, t) in truth.iter().enumerate() {
            let got = out[k].as_array::<f64>().unwrap()[[j]];
            assert!((got - t).abs() < 1e-9 * t.abs().max(1.0), "{:?} column {j}: {got} vs {t}", stats[k]);
        }
    }
    // A selection of the result (pushed into both inputs) gives the same value.
    let col = lazy[1].slice_axis(0, Some(3), Some(4), 1).unwrap().compute().unwrap();
    assert_eq!(col.as_array::<f64>().unwrap()[[0]], out[1].as_array::<f64>().unwrap()[[3]]);
    // Arrays of different shapes are refused, naming both shapes.
    let e = a.pair_reduce(&a.slice_axis(0, Some(0), Some(5), 1).unwrap(), PairStat::Correlation, [0], false);
    let msg = e.unwrap_err().to_string();
    assert!(msg.contains("[40, 8]") && msg.contains("[5, 8]"), "{msg}");
}

#[test]
fn a_pair_of_two_functions_of_one_source_reads_each_chunk_once() {
    use cumulus_chunked::PairStat;
    let src = counting(&[40, 8], &[10, 8], None);
    let x = ChunkedArray::from_source(src.clone()).unwrap();
    let doubled = (&x * 2.0) + 1.0;
    let r = x.pair_reduce(&doubled, PairStat::Correlation, [0], false).unwrap().compute().unwrap();
    // Both inputs of every leaf come from the same chunk: read once, not twice.
    assert_eq!(src.reads.load(Ordering::Relaxed), 4);
    // An increasing linear map: r = 1 in every column.
    for v in r.as_array::<f32>().unwrap() {
        assert!((v - 1.0).abs() < 1e-6, "{v}");
    }
}
