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
