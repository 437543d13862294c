//! NetCDF-4 writing, read back with libnetcdf itself. Runs with `--features netcdf`.
#![cfg(feature = "netcdf")]

use cumulus_store::{ArraySpec, Compressor, DType, NetcdfWriter, StoreError, WriteMode};
use serde_json::{Map, json};

fn spec() -> ArraySpec {
    // 5 x 3 in chunks of 2 x 2: the last row and column of chunks are edge chunks.
    ArraySpec::new("t", DType::F32, &[("time", 5), ("latitude", 3)])
        .with_chunks(&[2, 2])
        .with_compressor(Compressor::blosc_zstd(3))
        .with_attr("units", "K")
}

#[test]
fn chunks_land_where_they_belong_and_padding_is_cut_off() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("t.nc");
    let mut w = NetcdfWriter::create(&path, WriteMode::Create)?;
    let mut attrs = Map::new();
    attrs.insert("title".into(), json!("test"));
    attrs.insert("year".into(), json!(2019));
    w.set_attrs(&attrs)?;
    w.add_array(spec())?;
    w.add_array(ArraySpec::new("latitude", DType::F32, &[("latitude", 3)]))?;
    w.write_array("latitude", &[40.0_f32, 39.75, 39.5])?;
    // Value = 10 * time + latitude index; padding is -1 and must not appear.
    for ct in 0..3u64 {
        for cy in 0..2u64 {
            let mut chunk = vec![-1.0_f32; 4];
            for i in 0..2 {
                for j in 0..2 {
                    let (t, y) = (ct * 2 + i, cy * 2 + j);
                    if t < 5 && y < 3 {
                        chunk[(i * 2 + j) as usize] = (10 * t + y) as f32;
                    }
                }
            }
            w.write_chunk("t", &[ct, cy], &chunk)?;
        }
    }
    assert!(!path.exists(), "the file appears only when finished");
    let finished = w.finish()?;
    assert_eq!(finished, path);

    let file = netcdf::open(&path)?;
    let var = file.variable("t").ok_or("no variable t")?;
    let values: Vec<f32> = var.get_values(..)?;
    let expected: Vec<f32> = (0..5).flat_map(|t| (0..3).map(move |y| (10 * t + y) as f32)).collect();
    assert_eq!(values, expected);
    assert_eq!(var.chunking()?, Some(vec![2, 2]));
    assert!(var.fill_value::<f32>()?.is_some_and(f32::is_nan));
    let units: String = var.attribute_value("units").ok_or("no units")??.try_into()?;
    assert_eq!(units, "K");
    let year: i64 = file.attribute("year").ok_or("no year")?.value()?.try_into()?;
    assert_eq!(year, 2019);
    let lat: Vec<f32> = file.variable("latitude").ok_or("no latitude")?.get_values(..)?;
    assert_eq!(lat, vec![40.0, 39.75, 39.5]);
    Ok(())
}

#[test]
fn bad_chunks_are_named_and_abort_leaves_nothing() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("t.nc");
    let mut w = NetcdfWriter::create(&path, WriteMode::Create)?;
    w.add_array(spec())?;
    let err = w.write_chunk("t", &[3, 0], &[0.0_f32; 4]).err().ok_or("index 3 accepted")?;
    assert!(matches!(err, StoreError::BadChunk { .. }), "{err}");
    assert!(err.to_string().contains("chunk grid [3, 2]"), "{err}");
    let err = w.write_chunk("t", &[0, 0], &[0.0_f32; 3]).err().ok_or("short chunk accepted")?;
    assert!(err.to_string().contains("3 elements given"), "{err}");
    let err = w.write_chunk("q", &[0, 0], &[0.0_f32; 4]).err().ok_or("unknown variable accepted")?;
    assert!(err.to_string().contains("no variable \"q\""), "{err}");
    let err = w
        .add_array(ArraySpec::new("u", DType::F32, &[("time", 6)]))
        .err()
        .ok_or("a second length for time accepted")?;
    assert!(err.to_string().contains("dimension \"time\" has length 5 in the file, 6 here"), "{err}");
    w.abort()?;
    assert_eq!(std::fs::read_dir(dir.path())?.count(), 0, "abort removes the partial file");
    // Create refuses an existing file; Overwrite replaces it.
    std::fs::write(&path, b"old")?;
    assert!(matches!(NetcdfWriter::create(&path, WriteMode::Create), Err(StoreError::AlreadyExists { .. })));
    let mut w = NetcdfWriter::create(&path, WriteMode::Overwrite)?;
    w.add_array(ArraySpec::new("x", DType::I64, &[("n", 2)]))?;
    w.write_array("x", &[1_i64, 2])?;
    w.finish()?;
    let x: Vec<i64> = netcdf::open(&path)?.variable("x").ok_or("no x")?.get_values(..)?;
    assert_eq!(x, vec![1, 2]);
    Ok(())
}

/// The same small dataset written as Zarr and as NetCDF-4 (coordinates with CF time, a
/// descending latitude, a float variable with a NaN, an int16 variable packed with
/// scale_factor/add_offset and a _FillValue) opens to the same values either way.
#[test]
fn open_netcdf_reads_what_open_zarr_reads() -> Result<(), Box<dyn std::error::Error>> {
    use cumulus_store::{StoreWriter, ZarrFormat, open_netcdf, open_zarr};
    let dir = tempfile::tempdir()?;
    let (zpath, npath) = (dir.path().join("d.zarr"), dir.path().join("d.nc"));
    let time = ArraySpec::new("time", DType::I64, &[("time", 3)])
        .with_attr("units", "hours since 1900-01-01 00:00:00")
        .with_attr("calendar", "gregorian");
    let lat = ArraySpec::new("latitude", DType::F32, &[("latitude", 2)]).with_attr("units", "degrees_north");
    let t =
        ArraySpec::new("t", DType::F32, &[("time", 3), ("latitude", 2)]).with_chunks(&[2, 2]).with_attr("units", "K");
    let t_values = [[280.0_f32, 281.0, f32::NAN, 283.0], [284.0, 285.0, 0.0, 0.0]];
    let hours = [1_043_136_i64, 1_043_137, 1_043_138]; // 2019-01-01T00 onwards
    let lats = [25.0_f32, 22.0];

    let mut z = StoreWriter::create(&zpath, ZarrFormat::V2, WriteMode::Create)?;
    let mut n = NetcdfWriter::create(&npath, WriteMode::Create)?;
    for spec in [time, lat, t] {
        z.add_array(spec.clone())?;
        n.add_array(spec)?;
    }
    z.write_array("time", &hours)?;
    n.write_array("time", &hours)?;
    z.write_array("latitude", &lats)?;
    n.write_array("latitude", &lats)?;
    for (i, chunk) in t_values.iter().enumerate() {
        z.write_chunk("t", &[i as u64, 0], chunk)?;
        n.write_chunk("t", &[i as u64, 0], chunk)?;
    }
    z.finish()?;
    n.finish()?;

    let (dz, dn) = (open_zarr(&zpath)?, open_netcdf(&npath)?);
    let sorted = |mut v: Vec<(String, usize)>| {
        v.sort();
        v
    };
    assert_eq!(sorted(dz.sizes()), sorted(dn.sizes()));
    assert_eq!(dn.data_vars(), vec!["t"]);
    let (tz, tn) = (dz.get("t")?, dn.get("t")?);
    assert_eq!(tn.attrs().get("units").and_then(|v| v.as_str()), Some("K"));
    let (vz, vn) = (tz.to_vec_f64()?, tn.to_vec_f64()?);
    assert_eq!(vn.len(), 6);
    for (a, b) in vz.iter().zip(&vn) {
        assert!(a == b || (a.is_nan() && b.is_nan()), "{vz:?} vs {vn:?}");
    }
    assert!(vn[2].is_nan(), "the NaN survives as a value, not as a fill");
    // Times decode to the same datetimes; latitude stays descending.
    let (iz, inc) = (tz.index("time")?, tn.index("time")?);
    assert_eq!(iz.label_string(0), "2019-01-01T00:00:00");
    assert_eq!(inc.label_string(2), "2019-01-01T02:00:00");
    assert_eq!(tn.coord("latitude")?.to_vec_f64()?, vec![25.0, 22.0]);
    // Selections work on the NetCDF-backed dataset as on the Zarr one.
    let point = tn.sel([("latitude", cumulus_labeled::nearest(24.0))])?;
    assert_eq!(point.to_vec_f64()?.len(), 3);
    Ok(())
}

#[test]
fn open_netcdf_names_a_missing_file() {
    let err = cumulus_store::open_netcdf("/nonexistent/x.nc").unwrap_err().to_string();
    assert!(err.contains("/nonexistent/x.nc") && err.contains("no such NetCDF file"), "{err}");
}

/// A dataset with CF times, a descending latitude, a non-index coordinate (`hour` along time),
/// a NaN, irregular-edge chunks and an int16 packing encoding: `to_netcdf` writes it, and
/// `open_netcdf` (and libnetcdf itself) read back the same values, coordinates and encoding.
#[test]
fn to_netcdf_writes_a_dataset_that_reads_back_the_same() -> Result<(), Box<dyn std::error::Error>> {
    use cumulus_chunked::ChunkedArray;
    use cumulus_labeled::{Dataset, Variable};
    use cumulus_store::{ToNetcdfOptions, VarEncoding, open_netcdf, to_netcdf};
    const HOUR: i64 = 3_600_000_000_000;
    const H2019: i64 = 429_528; // 2019-01-01T00 in hours since 1970
    let n = 5;
    let times: Vec<i64> = (0..n).map(|i| (H2019 + i) * HOUR).collect();
    let t = ndarray::ArrayD::from_shape_fn(vec![n as usize, 3], |i| {
        if (i[0], i[1]) == (1, 2) { f32::NAN } else { 280.0 + (10 * i[0] + i[1]) as f32 }
    });
    let ds = Dataset::new()
        .with_coord("time", Variable::from_times("time", times.clone()))?
        .with_coord("latitude", Variable::from_vec("latitude", vec![25.0f32, 24.0, 23.0]))?
        .with_coord("hour", Variable::from_vec("time", (0..n).collect::<Vec<i64>>()))?
        .with_var("t", Variable::new(&["time", "latitude"], ChunkedArray::from_array(t.clone(), &[2, 2])?)?)?
        .with_var("p", Variable::new(&["time", "latitude"], ChunkedArray::from_array(t, &[2, 3])?)?)?;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("out.nc");
    let opts = ToNetcdfOptions { compressor: Compressor::Gzip { level: 4 }, ..ToNetcdfOptions::default() }
        .with_encoding("p", VarEncoding::default().dtype(DType::I16).scale_offset(0.01, 300.0).fill_value(-32767.0));
    assert_eq!(to_netcdf(&ds, &path, &opts)?, path);

    // libnetcdf's own view: chunking, deflate, packing, CF time units, the coordinates list.
    let file = netcdf::open(&path)?;
    let tv = file.variable("t").ok_or("no t")?;
    assert_eq!(tv.chunking()?, Some(vec![2, 2]));
    let coords: String = tv.attribute_value("coordinates").ok_or("no coordinates attribute")??.try_into()?;
    assert_eq!(coords, "hour");
    let packed: Vec<i16> = file.variable("p").ok_or("no p")?.get_values(..)?;
    assert_eq!(packed[0], -2000, "(280 - 300) / 0.01");
    assert_eq!(packed[5], -32767, "NaN is the fill value");
    let units: String =
        file.variable("time").ok_or("no time")?.attribute_value("units").ok_or("no units")??.try_into()?;
    assert!(units.contains(" since "), "{units}");
    drop(file);

    // Read back through cumulus: same values, coordinates and times.
    let back = open_netcdf(&path)?;
    assert_eq!(back.data_vars(), ds.data_vars(), "the variables, in the order written");
    let want: Vec<f64> = (0..n as usize)
        .flat_map(|a| (0..3).map(move |b| if (a, b) == (1, 2) { f64::NAN } else { 280.0 + (10 * a + b) as f64 }))
        .collect();
    for name in ["t", "p"] {
        let got = back.get(name)?.to_vec_f64()?;
        for (g, w) in got.iter().zip(&want) {
            assert!((g.is_nan() && w.is_nan()) || (g - w).abs() < 1e-3, "{name}: {got:?}");
        }
    }
    assert!(back.coords().get("hour").is_some() && back.coords().index("hour").is_none());
    let time = back.coords().get("time").ok_or("no time")?.data().compute()?;
    assert_eq!(cumulus_labeled::variable::block_i64(&time), times);
    assert_eq!(back.get("latitude")?.to_vec_f64()?, vec![25.0, 24.0, 23.0]);

    // Create refuses the existing file; Append is refused; a failing chunk leaves nothing.
    assert!(matches!(to_netcdf(&ds, &path, &ToNetcdfOptions::default()), Err(StoreError::AlreadyExists { .. })));
    let append = ToNetcdfOptions { mode: WriteMode::Append, ..ToNetcdfOptions::default() };
    assert!(to_netcdf(&ds, dir.path().join("a.nc"), &append).unwrap_err().to_string().contains("Create or Overwrite"));
    let overflow = ToNetcdfOptions::default().with_encoding("t", VarEncoding::default().dtype(DType::I8));
    let bad = dir.path().join("bad.nc");
    let err = to_netcdf(&ds, &bad, &overflow).unwrap_err().to_string();
    assert!(err.contains("\"t\""), "{err}");
    assert!(!bad.exists() && !dir.path().join("bad.nc.partial").exists(), "nothing is left behind");
    Ok(())
}
