//! Reading stores back: values, metadata, laziness and bad input.

use cumulus_chunked::ChunkedArray;
use cumulus_labeled::{Dataset, Variable};
use cumulus_store::{
    ArraySpec, Compressor, DType, StoreError, StoreWriter, ToZarrOptions, WriteMode, ZarrFormat, open_mfdataset,
    open_zarr, to_zarr,
};
use ndarray::{ArrayD, IxDyn};

/// A v2 or v3 store with a time coordinate (CF hours), a descending latitude and a 2-d
/// variable x[t, lat] = 100 t + lat-position, chunks (4, 2) so that edge chunks exist.
fn write_store(path: &std::path::Path, format: ZarrFormat, first_hour: i64) {
    let mut w = StoreWriter::create(path, format, WriteMode::Create).unwrap();
    w.add_array(
        ArraySpec::new("time", DType::I64, &[("time", 6)])
            .with_attr("units", "hours since 1900-01-01 00:00:00")
            .with_attr("calendar", "gregorian"),
    )
    .unwrap();
    w.add_array(ArraySpec::new("latitude", DType::F32, &[("latitude", 3)]).with_attr("units", "degrees_north"))
        .unwrap();
    w.add_array(
        ArraySpec::new("x", DType::F32, &[("time", 6), ("latitude", 3)])
            .with_chunks(&[4, 2])
            .with_compressor(Compressor::blosc_zstd(3))
            .with_attr("units", "K"),
    )
    .unwrap();
    w.write_array("time", &(first_hour..first_hour + 6).collect::<Vec<i64>>()).unwrap();
    w.write_array("latitude", &[30.0f32, 20.0, 10.0]).unwrap();
    let value = |t: usize, l: usize| (100 * t + l) as f32;
    for (ci, cj) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
        let mut chunk = vec![f32::NAN; 8];
        for a in 0..4 {
            for b in 0..2 {
                let (t, l) = (ci * 4 + a, cj * 2 + b);
                if t < 6 && l < 3 {
                    chunk[a * 2 + b] = value(t, l);
                }
            }
        }
        w.write_chunk("x", &[ci as u64, cj as u64], &chunk).unwrap();
    }
    w.finish().unwrap();
}

const HOUR_2019: i64 = 1_043_136; // 2019-01-01T00 in hours since 1900

#[test]
fn v2_and_v3_read_back_the_values_and_metadata() {
    for format in [ZarrFormat::V2, ZarrFormat::V3] {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.zarr");
        write_store(&p, format, HOUR_2019);
        let ds = open_zarr(&p).unwrap();
        assert_eq!(ds.sizes(), vec![("latitude".to_string(), 3), ("time".to_string(), 6)]);
        let x = ds.get("x").unwrap();
        assert_eq!(x.dims(), &["time", "latitude"]);
        assert_eq!(x.attrs()["units"], "K");
        let v = x.to_vec_f64().unwrap();
        assert_eq!(v, (0..18).map(|k| (100 * (k / 3) + k % 3) as f64).collect::<Vec<_>>());
        let t = ds.coords().index("time").unwrap();
        assert_eq!(t.label_string(0), "2019-01-01T00:00:00");
        let picked = x.sel([("time", "2019-01-01T05".into()), ("latitude", 20.0.into())]).unwrap().item().unwrap();
        assert_eq!(picked, 501.0);
    }
}

#[test]
fn missing_chunks_are_the_fill_value_and_opening_reads_no_chunk() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.zarr");
    write_store(&p, ZarrFormat::V2, HOUR_2019);
    let ds = open_zarr(&p).unwrap();
    // Opening read no chunk: removing one now still changes the values computed later.
    std::fs::remove_file(p.join("x/1.1")).unwrap();
    let v = ds.get("x").unwrap().to_vec_f64().unwrap();
    assert!(v[4 * 3 + 2].is_nan() && v[5 * 3 + 2].is_nan(), "missing chunk is NaN (the fill value)");
    assert_eq!(v[4 * 3 + 1], 401.0);
}

#[test]
fn bad_input_names_the_store_variable_and_chunk() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.zarr");
    write_store(&p, ZarrFormat::V2, HOUR_2019);
    // A corrupt chunk.
    std::fs::write(p.join("x/0.1"), b"definitely not blosc").unwrap();
    let err = open_zarr(&p).unwrap().get("x").unwrap().values().unwrap_err().to_string();
    assert!(err.contains("s.zarr/x") && err.contains("[0, 1]"), "{err}");
    // Not a store.
    let e = open_zarr(dir.path()).unwrap_err();
    assert!(matches!(e, StoreError::NotAStore { .. }), "{e}");
    assert!(e.to_string().contains(".zgroup"), "{e}");
    // Broken consolidated metadata.
    std::fs::write(p.join(".zmetadata"), b"{ not json").unwrap();
    let e = open_zarr(&p).unwrap_err().to_string();
    assert!(e.contains(".zmetadata") && e.contains("JSON"), "{e}");
}

#[test]
fn a_store_without_consolidated_metadata_is_scanned_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.zarr");
    write_store(&p, ZarrFormat::V2, HOUR_2019);
    std::fs::remove_file(p.join(".zmetadata")).unwrap();
    let meta = cumulus_store::read_store_meta(&p).unwrap();
    assert_eq!(meta.arrays.len(), 3);
    assert!(meta.warnings[0].contains("no consolidated metadata"), "{:?}", meta.warnings);
    assert_eq!(open_zarr(&p).unwrap().get("x").unwrap().to_vec_f64().unwrap()[1], 1.0);
}

#[test]
fn open_mfdataset_joins_by_time_and_names_disagreements() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.zarr"), dir.path().join("b.zarr"));
    write_store(&a, ZarrFormat::V2, HOUR_2019);
    write_store(&b, ZarrFormat::V2, HOUR_2019 + 24);
    // Given in the wrong order: joined by their times.
    let ds = open_mfdataset(&[&b, &a]).unwrap();
    assert_eq!(ds.get("x").unwrap().shape(), &[12, 3]);
    assert_eq!(ds.coords().index("time").unwrap().label_string(6), "2019-01-02T00:00:00");
    // Overlapping times are an error naming both stores.
    let c = dir.path().join("c.zarr");
    write_store(&c, ZarrFormat::V2, HOUR_2019 + 3);
    let e = open_mfdataset(&[&a, &c]).unwrap_err().to_string();
    assert!(e.contains("a.zarr") && e.contains("c.zarr") && e.contains("overlap"), "{e}");
}

#[test]
fn open_mfdataset_expands_glob_patterns_like_xarray() {
    let dir = tempfile::tempdir().unwrap();
    for (name, day) in [("era5_2019b.zarr", 1), ("era5_2019a.zarr", 0), ("other.zarr", 2)] {
        write_store(&dir.path().join(name), ZarrFormat::V2, HOUR_2019 + 24 * day);
    }
    // The pattern matches the two era5 stores only; a plain path beside it is kept as is.
    let ds = open_mfdataset(&[dir.path().join("era5_*.zarr")]).unwrap();
    assert_eq!(ds.get("x").unwrap().shape(), &[12, 3]);
    let mixed = open_mfdataset(&[dir.path().join("era5_2019[a]*"), dir.path().join("other.zarr")]).unwrap();
    assert_eq!(mixed.coords().index("time").unwrap().label_string(6), "2019-01-03T00:00:00");
    // A pattern that matches nothing is an error that quotes it, not an empty dataset.
    let e = open_mfdataset(&[dir.path().join("era5_18*.zarr")]).unwrap_err();
    assert!(matches!(e, StoreError::Pattern { .. }), "{e:?}");
    assert!(e.to_string().contains("era5_18*.zarr") && e.to_string().contains("matches no path"), "{e}");
    let e = cumulus_store::glob(dir.path().join("era5_[.zarr")).unwrap_err().to_string();
    assert!(e.contains("is not valid"), "{e}");
}

#[test]
fn to_zarr_round_trips_and_refuses_to_overwrite_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("s.zarr");
    write_store(&src, ZarrFormat::V2, HOUR_2019);
    let ds = open_zarr(&src).unwrap();
    let out = dir.path().join("out.zarr");
    to_zarr(&ds, &out, &ToZarrOptions::default()).unwrap();
    let back = open_zarr(&out).unwrap();
    assert_eq!(back.get("x").unwrap().to_vec_f64().unwrap(), ds.get("x").unwrap().to_vec_f64().unwrap());
    assert_eq!(back.coords().index("time").unwrap().values(), ds.coords().index("time").unwrap().values());
    assert_eq!(back.get("x").unwrap().attrs()["units"], "K");
    let e = to_zarr(&ds, &out, &ToZarrOptions::default()).unwrap_err();
    assert!(matches!(e, StoreError::AlreadyExists { .. }), "{e}");
    // Irregular chunks are refused with a hint, and nothing is left behind.
    let a = ArrayD::from_elem(IxDyn(&[5]), 1.0f32);
    let irregular = ChunkedArray::from_array(a, &[5])
        .unwrap()
        .rechunk_to(cumulus_chunked::Chunks::from_axes(&[5], vec![vec![2, 3]]).unwrap())
        .unwrap();
    let bad = Dataset::new().with_var("v", Variable::new(&["x"], irregular).unwrap()).unwrap();
    let p = dir.path().join("bad.zarr");
    let e = to_zarr(&bad, &p, &ToZarrOptions::default()).unwrap_err().to_string();
    assert!(e.contains("irregular") && e.contains("rechunk"), "{e}");
    assert!(!p.exists() && !cumulus_store::partial_path(&p).exists());
}

#[test]
fn open_options_format_drop_variables_and_chunks() {
    use cumulus_store::{OpenOptions, open_zarr_with};
    let dir = tempfile::tempdir().unwrap();
    let (v2, v3) = (dir.path().join("a.zarr"), dir.path().join("b.zarr"));
    write_store(&v2, ZarrFormat::V2, 1_043_136);
    write_store(&v3, ZarrFormat::V3, 1_043_136);

    // A format 3 store opened by a format 2 reader: the message says what is there and what to do.
    let err = open_zarr_with(&v3, &OpenOptions::default().zarr_format(ZarrFormat::V2)).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, StoreError::FormatMismatch { .. }), "{msg}");
    assert!(msg.contains("b.zarr is Zarr format 3, but it was opened as format 2"), "{msg}");
    assert!(msg.contains("zarr.json") && msg.contains("zarr-python >= 3"), "{msg}");
    let err = open_zarr_with(&v2, &OpenOptions::default().zarr_format(ZarrFormat::V3)).unwrap_err();
    assert!(err.to_string().contains("a.zarr is Zarr format 2, but it was opened as format 3"), "{err}");
    assert!(open_zarr_with(&v3, &OpenOptions::default().zarr_format(ZarrFormat::V3)).is_ok());

    // drop_variables: gone, and an unknown name is ignored as in xarray.
    let ds = open_zarr_with(&v2, &OpenOptions::default().drop_variables(&["x", "nonexistent"])).unwrap();
    assert!(ds.data_vars().is_empty());

    // Explicit chunks: time 6 in chunks of 3 (was 4 + 2), latitude keeps its stored 2 + 1.
    let ds = open_zarr_with(&v2, &OpenOptions::default().chunks(&[("time", 3)])).unwrap();
    let x = ds.get("x").unwrap();
    assert_eq!(x.data().chunks().axes(), &[vec![3, 3], vec![2, 1]]);
    let expected: Vec<f64> = (0..6).flat_map(|t| (0..3).map(move |l| (100 * t + l) as f64)).collect();
    assert_eq!(x.to_vec_f64().unwrap(), expected);
    let err = open_zarr_with(&v2, &OpenOptions::default().chunks(&[("level", 3)])).unwrap_err();
    assert!(err.to_string().contains("no dimension \"level\""), "{err}");

    // In memory: one chunk, same values.
    let ds = open_zarr_with(&v2, &OpenOptions::default().in_memory()).unwrap();
    let x = ds.get("x").unwrap();
    assert_eq!(x.data().num_chunks(), 1);
    assert_eq!(x.to_vec_f64().unwrap(), expected);
}

#[test]
fn urls_without_the_remote_feature_say_how_to_enable_it() {
    use std::path::Path;
    assert_eq!(cumulus_store::url_scheme(Path::new("C:/data/a.zarr")), None);
    assert_eq!(cumulus_store::url_scheme(Path::new("./s3://x")), None);
    if cfg!(feature = "remote") {
        return; // tests/remote.rs covers URLs with the feature (against local servers only)
    }
    for url in ["s3://bucket/era5.zarr", "https://example.org/era5.zarr"] {
        let e = open_zarr(url).unwrap_err();
        assert!(matches!(e, StoreError::RemoteDisabled { .. }), "{e}");
        let msg = e.to_string();
        assert!(msg.contains(url) && msg.contains("feature `remote`"), "{msg}");
        let e = to_zarr(&Dataset::new(), url, &ToZarrOptions::default()).unwrap_err();
        assert!(matches!(e, StoreError::RemoteDisabled { .. }), "{e}");
    }
}

/// Found by the fuzz target (crates/store/fuzz): a time coordinate whose values overflow
/// nanosecond datetimes used to overflow a multiplication; it is an error naming the variable.
#[test]
fn times_beyond_the_datetime_range_are_an_error_not_an_overflow() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.zarr");
    let mut w = StoreWriter::create(&path, ZarrFormat::V2, WriteMode::Create).unwrap();
    w.add_array(ArraySpec::new("time", DType::I64, &[("time", 2)]).with_attr("units", "hours since 2019-01-01"))
        .unwrap();
    w.write_array("time", &[0_i64, i64::MAX / 2]).unwrap();
    w.finish().unwrap();
    let e = open_zarr(&path).unwrap_err();
    assert!(matches!(e, StoreError::InvalidSpec { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("\"time\"") && msg.contains(&(i64::MAX / 2).to_string()) && msg.contains("1678"), "{msg}");
}
