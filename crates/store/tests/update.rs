//! `to_zarr` into existing stores (append along a dimension, regions, new variables) and write
//! encodings (stored type, `_FillValue`, scale and offset). The expected values are written out
//! by hand from the inputs.

use cumulus_chunked::ChunkedArray;
use cumulus_labeled::{Dataset, Variable};
use cumulus_store::{
    CfEncoding, DType, ToZarrOptions, VarEncoding, WriteMode, ZarrFormat, open_zarr, read_store_meta, to_zarr,
};
use ndarray::ArrayD;

const HOUR: i64 = 3_600_000_000_000;

/// Hours `t0 .. t0 + n` on a 3-point `x` axis; `v[t, x] = 10 t + x`, `w[x] = x`.
fn part(t0: i64, n: usize, chunk_t: usize) -> Dataset {
    let t: Vec<i64> = (0..n as i64).map(|i| (t0 + i) * HOUR).collect();
    let v = ArrayD::from_shape_fn(vec![n, 3], |i| (10 * (t0 as usize + i[0]) + i[1]) as f32);
    let w = ArrayD::from_shape_fn(vec![3], |i| i[0] as f64);
    Dataset::new()
        .with_coord("time", Variable::from_times("time", t))
        .unwrap()
        .with_coord("x", Variable::from_vec("x", vec![0.0f64, 1.0, 2.0]))
        .unwrap()
        .with_var("v", Variable::new(&["time", "x"], ChunkedArray::from_array(v, &[chunk_t, 3]).unwrap()).unwrap())
        .unwrap()
        .with_var("w", Variable::new(&["x"], ChunkedArray::from_array(w, &[3]).unwrap()).unwrap())
        .unwrap()
}

fn v_expected(t: std::ops::Range<usize>) -> Vec<f64> {
    t.flat_map(|t| (0..3).map(move |x| (10 * t + x) as f64)).collect()
}

fn times(ds: &Dataset) -> Vec<i64> {
    cumulus_labeled::variable::block_i64(&ds.coords().get("time").unwrap().data().compute().unwrap())
}

#[test]
fn append_along_time_grows_every_variable_with_time_and_keeps_the_rest() {
    for format in [ZarrFormat::V2, ZarrFormat::V3] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.zarr");
        // Stored chunks of 4 along time; the first part ends inside a chunk (6 = 4 + 2).
        to_zarr(&part(0, 6, 4), &path, &ToZarrOptions { format, ..ToZarrOptions::default() }).unwrap();
        to_zarr(&part(6, 5, 5), &path, &ToZarrOptions::append("time")).unwrap();
        to_zarr(&part(11, 1, 1), &path, &ToZarrOptions::append("time")).unwrap();
        let back = open_zarr(&path).unwrap();
        assert_eq!(back.get("v").unwrap().to_vec_f64().unwrap(), v_expected(0..12), "{format:?}");
        assert_eq!(back.get("w").unwrap().to_vec_f64().unwrap(), vec![0.0, 1.0, 2.0]);
        assert_eq!(times(&back), (0..12).map(|h| h * HOUR).collect::<Vec<_>>());
        let meta = read_store_meta(&path).unwrap();
        assert!(meta.warnings.is_empty(), "{:?}", meta.warnings);
        let v = meta.arrays.iter().find(|m| m.name == "v").unwrap();
        assert_eq!((v.shape.clone(), v.chunk_shape.clone()), (vec![12, 3], vec![4, 3]));
        assert_eq!(meta.format, format);
    }
}

#[test]
fn a_region_write_changes_only_that_region() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.zarr");
    to_zarr(&part(0, 10, 4), &path, &ToZarrOptions::default()).unwrap();
    // Hours 3..7 again, with v + 1000; `w` has no time dimension, so it must be dropped.
    let mut new = part(3, 4, 4);
    let v = new.get("v").unwrap().variable().clone();
    let plus = Variable::new(&["time", "x"], v.data().scalar(cumulus_chunked::BinaryOp::Add, 1000.0)).unwrap();
    let err = to_zarr(&new, &path, &ToZarrOptions::region(&[("time", 3..7)])).unwrap_err().to_string();
    assert!(err.contains("variable \"w\": has none of the region's dimensions"), "{err}");
    new = new.drop_vars(&["w"]).with_var("v", plus).unwrap();
    to_zarr(&new, &path, &ToZarrOptions::region(&[("time", 3..7)])).unwrap();
    let got = open_zarr(&path).unwrap().get("v").unwrap().to_vec_f64().unwrap();
    let mut want = v_expected(0..10);
    for x in &mut want[9..21] {
        *x += 1000.0;
    }
    assert_eq!(got, want);
    // A region of the wrong length names the variable and the dimension.
    let err = to_zarr(&new, &path, &ToZarrOptions::region(&[("time", 3..8)])).unwrap_err().to_string();
    assert!(err.contains("variable \"time\": has 4 along \"time\", the region 3..8 needs 5"), "{err}");
    let err = to_zarr(&new, &path, &ToZarrOptions::region(&[("time", 8..12)])).unwrap_err().to_string();
    assert!(err.contains("region \"time\" 8..12 is outside 0..10"), "{err}");
}

#[test]
fn refused_appends_leave_the_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.zarr");
    to_zarr(&part(0, 4, 4), &path, &ToZarrOptions::default()).unwrap();
    let before = std::fs::read(path.join(".zmetadata")).unwrap();
    // A variable with the append dimension that the store lacks.
    let extra = part(4, 2, 2).with_var("u", part(4, 2, 2).get("v").unwrap().variable().clone()).unwrap();
    let err = to_zarr(&extra, &path, &ToZarrOptions::append("time")).unwrap_err().to_string();
    assert!(err.contains("variable \"u\": is not in the store; a variable appended along \"time\""), "{err}");
    // Another dimension of a different size.
    let wide = Dataset::new()
        .with_coord("time", Variable::from_times("time", vec![4 * HOUR]))
        .unwrap()
        .with_var(
            "v",
            Variable::new(&["time", "x"], ChunkedArray::zeros(&[1, 4], &[1, 4], cumulus_chunked::DType::F32).unwrap())
                .unwrap(),
        )
        .unwrap();
    let err = to_zarr(&wide, &path, &ToZarrOptions::append("time")).unwrap_err().to_string();
    assert!(err.contains("variable \"v\": has 4 along \"x\" here and 3 in the store"), "{err}");
    let err = to_zarr(&part(4, 2, 2), &path, &ToZarrOptions::append("level")).unwrap_err().to_string();
    assert!(err.contains("append_dim \"level\" is not a dimension of the store"), "{err}");
    // Encodings belong to new variables only.
    let opts = ToZarrOptions::append("time").with_encoding("v", VarEncoding::default().dtype(DType::I16));
    let err = to_zarr(&part(4, 2, 2), &path, &opts).unwrap_err().to_string();
    assert!(err.contains("keeps the store's encoding"), "{err}");
    // Without append_dim, a variable of another length cannot replace the stored one.
    let opts = ToZarrOptions { mode: WriteMode::Append, ..ToZarrOptions::default() };
    let err = to_zarr(&part(0, 6, 2), &path, &opts).unwrap_err().to_string();
    assert!(err.contains("has 6 along \"time\" here and 4 in the store; append along it"), "{err}");
    let err =
        to_zarr(&part(0, 6, 2), &path, &ToZarrOptions { append_dim: Some("time".into()), ..ToZarrOptions::default() })
            .unwrap_err()
            .to_string();
    assert!(err.contains("need mode Append"), "{err}");
    assert_eq!(std::fs::read(path.join(".zmetadata")).unwrap(), before);
    assert_eq!(open_zarr(&path).unwrap().get("v").unwrap().to_vec_f64().unwrap(), v_expected(0..4));
}

#[test]
fn append_mode_adds_new_variables_and_replaces_existing_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.zarr");
    to_zarr(&part(0, 4, 2), &path, &ToZarrOptions::default()).unwrap();
    let w2 = ArrayD::from_shape_fn(vec![3], |i| 5.0 + i[0] as f64);
    let more = Dataset::new()
        .with_coord("x", Variable::from_vec("x", vec![0.0f64, 1.0, 2.0]))
        .unwrap()
        .with_var("w", Variable::new(&["x"], ChunkedArray::from_array(w2.clone(), &[2]).unwrap()).unwrap())
        .unwrap()
        .with_var("w_new", Variable::new(&["x"], ChunkedArray::from_array(w2, &[3]).unwrap()).unwrap())
        .unwrap();
    to_zarr(&more, &path, &ToZarrOptions { mode: WriteMode::Append, ..ToZarrOptions::default() }).unwrap();
    let back = open_zarr(&path).unwrap();
    assert_eq!(back.get("w").unwrap().to_vec_f64().unwrap(), vec![5.0, 6.0, 7.0]);
    assert_eq!(back.get("w_new").unwrap().to_vec_f64().unwrap(), vec![5.0, 6.0, 7.0]);
    assert_eq!(back.get("v").unwrap().to_vec_f64().unwrap(), v_expected(0..4));
    // mode Append on a missing store creates it.
    let fresh = dir.path().join("fresh.zarr");
    to_zarr(&part(0, 2, 2), &fresh, &ToZarrOptions::append("time")).unwrap();
    assert_eq!(open_zarr(&fresh).unwrap().get("v").unwrap().to_vec_f64().unwrap(), v_expected(0..2));
}

#[test]
fn packed_int16_round_trips_within_half_a_step_and_keeps_nan() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.zarr");
    let values = vec![270.0f32, 271.234, f32::NAN, 305.5, 250.001, 289.9];
    let ds = Dataset::new()
        .with_var(
            "t",
            Variable::new(
                &["i"],
                ChunkedArray::from_array(ArrayD::from_shape_vec(vec![6], values.clone()).unwrap(), &[4]).unwrap(),
            )
            .unwrap(),
        )
        .unwrap();
    let enc = VarEncoding::default().dtype(DType::I16).scale_offset(0.01, 280.0).fill_value(-32767.0);
    for format in [ZarrFormat::V2, ZarrFormat::V3] {
        let opts = ToZarrOptions { format, mode: WriteMode::Overwrite, ..ToZarrOptions::default() }
            .with_encoding("t", enc.clone());
        to_zarr(&ds, &path, &opts).unwrap();
        let meta = read_store_meta(&path).unwrap();
        let m = &meta.arrays[0];
        assert_eq!(m.dtype, cumulus_chunked::DType::I16);
        assert_eq!(m.attrs["scale_factor"], 0.01);
        assert_eq!(m.attrs["add_offset"], 280.0);
        assert_eq!(m.fill_value, Some(-32767.0));
        let back = open_zarr(&path).unwrap().get("t").unwrap().to_vec_f64().unwrap();
        for (b, v) in back.iter().zip(&values) {
            if v.is_nan() {
                assert!(b.is_nan());
            } else {
                assert!((b - f64::from(*v)).abs() <= 0.005 + 1e-9, "{format:?}: {b} vs {v}");
            }
        }
        // The stored integers are round((v - 280) / 0.01): 270 -> -1000, 305.5 -> 2550.
        let raw = cumulus_store::stored_arrays(&path).unwrap();
        let ints = cumulus_chunked::ChunkedArray::from_source(raw[0].clone()).unwrap().compute().unwrap();
        let ints: Vec<i16> = ints.as_array::<i16>().unwrap().iter().copied().collect();
        assert_eq!(ints, vec![-1000, -877, -32767, 2550, -3000, 990]);
        // Appending keeps the store's packing.
        to_zarr(&ds, &path, &ToZarrOptions::append("i")).unwrap();
        let back = open_zarr(&path).unwrap().get("t").unwrap().to_vec_f64().unwrap();
        assert_eq!(back.len(), 12);
        assert!((back[9] - 305.5).abs() <= 0.005 + 1e-9 && back[8].is_nan());
    }
}

#[test]
fn encodings_that_cannot_hold_the_data_are_errors_and_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.zarr");
    let ds = Dataset::new()
        .with_var(
            "t",
            Variable::new(
                &["i"],
                ChunkedArray::from_array(ArrayD::from_shape_vec(vec![3], vec![1.0f32, f32::NAN, 3.0]).unwrap(), &[1])
                    .unwrap(),
            )
            .unwrap(),
        )
        .unwrap();
    let opts = ToZarrOptions::default().with_encoding("t", VarEncoding::default().dtype(DType::I16));
    let err = to_zarr(&ds, &path, &opts).unwrap_err().to_string();
    assert!(
        err.contains("variable \"t\", chunk [1]: a missing value (NaN) cannot be stored as I16 without a _FillValue"),
        "{err}"
    );
    assert!(!path.exists() && !cumulus_store::partial_path(&path).exists());
    let opts = ToZarrOptions::default()
        .with_encoding("t", VarEncoding::default().dtype(DType::U8).scale_offset(0.001, 0.0).fill_value(255.0));
    let err = to_zarr(&ds, &path, &opts).unwrap_err().to_string();
    assert!(err.contains("1 packs to 1000, which does not fit U8 with scale_factor 0.001 and add_offset 0"), "{err}");
    let opts = ToZarrOptions::default().with_encoding("t", VarEncoding::default().dtype(DType::I8).fill_value(300.0));
    let err = to_zarr(&ds, &path, &opts).unwrap_err().to_string();
    assert!(err.contains("_FillValue 300 is not a I8 value"), "{err}");
    assert!(!path.exists());
    // An append that fails half-way leaves the old store readable as it was.
    let good = Dataset::new()
        .with_var(
            "t",
            Variable::new(
                &["i"],
                ChunkedArray::from_array(ArrayD::from_shape_vec(vec![2], vec![1.0f32, 2.0]).unwrap(), &[1]).unwrap(),
            )
            .unwrap(),
        )
        .unwrap();
    let packed =
        ToZarrOptions::default().with_encoding("t", VarEncoding::default().dtype(DType::I8).fill_value(-128.0));
    to_zarr(&good, &path, &packed).unwrap();
    let big = Dataset::new()
        .with_var(
            "t",
            Variable::new(
                &["i"],
                ChunkedArray::from_array(ArrayD::from_shape_vec(vec![3], vec![3.0f32, 4.0, 500.0]).unwrap(), &[1])
                    .unwrap(),
            )
            .unwrap(),
        )
        .unwrap();
    let err = to_zarr(&big, &path, &ToZarrOptions::append("i")).unwrap_err().to_string();
    assert!(err.contains("500 packs to 500, which does not fit I8"), "{err}");
    assert_eq!(open_zarr(&path).unwrap().get("t").unwrap().to_vec_f64().unwrap(), vec![1.0, 2.0]);
    assert_eq!(CfEncoding::plain(DType::I8).encode(3.0), Ok(3.0));
}

/// `part` with three coordinates without an index, as xarray's CF `coordinates` attribute
/// records them: `hour` along time (`v` has it), `xlab` along x (`v` and `w`), and `lone`
/// along a dimension no data variable has (the dataset's attribute).
fn with_non_index_coords(t0: i64, n: usize) -> Dataset {
    let hour: Vec<i64> = (t0..t0 + n as i64).map(|h| h % 24).collect();
    part(t0, n, n)
        .with_coord("hour", Variable::from_vec("time", hour))
        .unwrap()
        .with_coord("xlab", Variable::from_vec("x", vec![10.0f64, 20.0, 30.0]))
        .unwrap()
        .with_coord("lone", Variable::from_vec("z", vec![7.0f64, 8.0]))
        .unwrap()
}

#[test]
fn coordinates_without_an_index_round_trip_through_the_cf_coordinates_attribute() {
    for format in [ZarrFormat::V2, ZarrFormat::V3] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.zarr");
        to_zarr(&with_non_index_coords(22, 3), &path, &ToZarrOptions { format, ..ToZarrOptions::default() }).unwrap();
        // Stored as xarray writes them: sorted names, per variable, and the rest globally.
        let meta = read_store_meta(&path).unwrap();
        let listed = |name: &str| {
            let m = meta.arrays.iter().find(|m| m.name == name).unwrap();
            m.attrs.get("coordinates").and_then(|v| v.as_str()).map(str::to_string)
        };
        assert_eq!(listed("v").as_deref(), Some("hour xlab"), "{format:?}");
        assert_eq!(listed("w").as_deref(), Some("xlab"));
        assert_eq!(listed("hour"), None);
        assert_eq!(meta.attrs.get("coordinates").and_then(|v| v.as_str()), Some("lone"));
        // Read back as coordinates without an index; the attribute is not among the attrs.
        let back = open_zarr(&path).unwrap();
        assert_eq!(back.data_vars(), ["v", "w"]);
        for (name, want) in
            [("hour", vec![22.0, 23.0, 0.0]), ("xlab", vec![10.0, 20.0, 30.0]), ("lone", vec![7.0, 8.0])]
        {
            assert!(back.coords().get(name).is_some() && back.coords().index(name).is_none(), "{name}");
            assert_eq!(back.get(name).unwrap().to_vec_f64().unwrap(), want, "{name}");
        }
        assert!(back.get("v").unwrap().attrs().get("coordinates").is_none());
        assert!(back.attrs().get("coordinates").is_none());
        // Appending along time grows `hour` with the data; a second store joins it too.
        to_zarr(&with_non_index_coords(25, 2), &path, &ToZarrOptions::append("time")).unwrap();
        let grown = open_zarr(&path).unwrap();
        assert_eq!(grown.get("hour").unwrap().to_vec_f64().unwrap(), vec![22.0, 23.0, 0.0, 1.0, 2.0]);
        let other = dir.path().join("d.zarr");
        to_zarr(&with_non_index_coords(27, 2), &other, &ToZarrOptions { format, ..ToZarrOptions::default() }).unwrap();
        let joined = cumulus_store::open_mfdataset(&[&path, &other]).unwrap();
        assert_eq!(joined.get("hour").unwrap().to_vec_f64().unwrap(), vec![22.0, 23.0, 0.0, 1.0, 2.0, 3.0, 4.0]);
        assert_eq!(joined.get("v").unwrap().to_vec_f64().unwrap(), v_expected(22..29));
    }
}
