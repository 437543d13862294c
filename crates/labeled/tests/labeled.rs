//! Labeled semantics checked against values worked out by hand (the same rules xarray
//! applies; the CI interop step checks them against xarray itself on generated stores).

use cumulus_chunked::{BinaryOp, ChunkedArray};
use cumulus_labeled::time::{NS_PER_DAY, NS_PER_HOUR, days_from_civil};
use cumulus_labeled::{DataArray, Dataset, Selector, Variable, nearest, slice};
use ndarray::{ArrayD, IxDyn};

/// Hourly series over 3 days from 2019-06-30 (crossing into July), 2 latitudes.
/// value = hour index + 100 * latitude position.
fn series() -> DataArray {
    let n = 72;
    let t0 = days_from_civil(2019, 6, 30) * NS_PER_DAY;
    let a = ArrayD::from_shape_fn(IxDyn(&[n, 2]), |i| i[0] as f64 + 100.0 * i[1] as f64);
    let var = Variable::new(&["time", "latitude"], ChunkedArray::from_array(a, &[10, 1]).unwrap()).unwrap();
    DataArray::new("x", var)
        .with_coord("time", Variable::from_times("time", (0..n as i64).map(|k| t0 + k * NS_PER_HOUR).collect()))
        .unwrap()
        .with_coord("latitude", Variable::from_vec("latitude", vec![25.0f64, 22.0]))
        .unwrap()
}

#[test]
fn partial_dates_and_descending_slices() {
    let x = series();
    let july = x.sel([("time", "2019-07".into())]).unwrap();
    assert_eq!(july.shape(), &[48, 2]);
    let hour = x.sel([("time", "2019-07-01T05".into())]).unwrap();
    assert_eq!(hour.dims(), &["latitude"]);
    assert_eq!(hour.to_vec_f64().unwrap(), vec![29.0, 129.0]);
    let band = x.sel([("latitude", slice(30.0, 24.0))]).unwrap();
    assert_eq!(band.shape(), &[72, 1]);
    let wrong_order = x.sel([("latitude", (24.0..=30.0).into())]).unwrap();
    assert_eq!(wrong_order.shape(), &[72, 0]);
    let near = x.sel([("latitude", nearest(23.0))]).unwrap();
    assert_eq!(near.isel([("time", 0)]).unwrap().item().unwrap(), 100.0);
    let err = x.sel([("latitude", Selector::from(23.0))]).unwrap_err().to_string();
    assert!(err.contains("23") && err.contains("latitude"), "{err}");
}

#[test]
fn groupby_month_and_anomaly() {
    let x = series();
    let clim = x.groupby("time.month").unwrap().mean().unwrap();
    assert_eq!(clim.dims(), &["month", "latitude"]);
    // June: hours 0..24 → mean 11.5; July: hours 24..72 → mean 47.5.
    assert_eq!(clim.to_vec_f64().unwrap(), vec![11.5, 111.5, 47.5, 147.5]);
    let anom = x.groupby("time.month").unwrap().binary(BinaryOp::Sub, &clim).unwrap();
    assert_eq!(anom.dims(), &["time", "latitude"]);
    let v = anom.to_vec_f64().unwrap();
    assert_eq!(v[0], -11.5);
    assert_eq!(v[2 * 24], 24.0 - 47.5);
}

#[test]
fn daily_resample_gives_nan_for_empty_days() {
    let x = series();
    // Keep day 1 and day 3 only: the resample covers 3 days, the middle one empty.
    let picked = x.isel([("time", cumulus_labeled::Isel::List((0..24).chain(48..72).collect()))]).unwrap();
    let daily = picked.resample("time", "1D").unwrap().mean().unwrap();
    assert_eq!(daily.shape(), &[3, 2]);
    let v = daily.to_vec_f64().unwrap();
    assert_eq!(v[0], 11.5);
    assert!(v[2].is_nan() && v[3].is_nan());
    assert_eq!(v[4], 59.5);
    let kept = daily.dropna("time", cumulus_labeled::How::All).unwrap();
    assert_eq!(kept.shape(), &[2, 2]);
}

#[test]
fn arithmetic_broadcasts_by_name_and_aligns_labels() {
    let x = series();
    let m = x.mean("time").unwrap();
    let anom = x.binary(BinaryOp::Sub, &m).unwrap();
    assert_eq!(anom.dims(), &["time", "latitude"]);
    assert_eq!(anom.isel([("time", 0)]).unwrap().to_vec_f64().unwrap(), vec![-35.5, -35.5]);
    // Inner join: a latitude coordinate with only 22.0 in common.
    let other = DataArray::new(
        "w",
        Variable::new(&["latitude"], ChunkedArray::from_array(ArrayD::from_elem(IxDyn(&[2]), 1.0f64), &[2]).unwrap())
            .unwrap(),
    )
    .with_coord("latitude", Variable::from_vec("latitude", vec![22.0f64, 10.0]))
    .unwrap();
    let joined = x.binary(BinaryOp::Add, &other).unwrap();
    assert_eq!(joined.shape(), &[72, 1]);
    assert_eq!(joined.isel([("time", 1)]).unwrap().item().unwrap(), 102.0);
}

#[test]
fn dataset_selects_every_variable() {
    let x = series();
    let ds = Dataset::new()
        .with_coord("time", x.coords().get("time").unwrap().clone())
        .unwrap()
        .with_coord("latitude", x.coords().get("latitude").unwrap().clone())
        .unwrap()
        .with_var("x", x.variable().clone())
        .unwrap()
        .with_var("y", x.scalar_op(BinaryOp::Mul, 2.0).variable().clone())
        .unwrap();
    let sub = ds.sel([("latitude", Selector::from(22.0)), ("time", "2019-06-30".into())]).unwrap();
    let means = sub.mean("time").unwrap().compute().unwrap();
    assert_eq!(means.get("x").unwrap().item().unwrap(), 111.5);
    assert_eq!(means.get("y").unwrap().item().unwrap(), 223.0);
    let repr = ds.to_string();
    assert!(repr.contains("Dimensions:  (time: 72, latitude: 2)") && repr.contains("* time"), "{repr}");
    let e = ds.get("temperature").unwrap_err().to_string();
    assert!(e.contains("\"x\"") && e.contains("\"y\""), "{e}");
}

#[test]
fn weighted_mean_by_cos_latitude() {
    // Two latitudes (60°, 0°), weights cos(lat) = 0.5 and 1; one NaN at 0° in the second step.
    let a = ArrayD::from_shape_vec(IxDyn(&[2, 2]), vec![10.0f64, 40.0, 20.0, f64::NAN]).unwrap();
    let x = DataArray::new(
        "x",
        Variable::new(&["time", "latitude"], ChunkedArray::from_array(a, &[1, 2]).unwrap()).unwrap(),
    )
    .with_coord("latitude", Variable::from_vec("latitude", vec![60.0f64, 0.0]))
    .unwrap();
    let w = DataArray::new(
        "w",
        Variable::new(
            &["latitude"],
            ChunkedArray::from_array(ArrayD::from_shape_vec(IxDyn(&[2]), vec![0.5f64, 1.0]).unwrap(), &[2]).unwrap(),
        )
        .unwrap(),
    )
    .with_coord("latitude", Variable::from_vec("latitude", vec![60.0f64, 0.0]))
    .unwrap();
    let m = x.weighted_mean(&w, "latitude").unwrap().to_vec_f64().unwrap();
    // Step 0: (0.5·10 + 1·40) / 1.5 = 30; step 1: only the 60° value counts: 20.
    assert!((m[0] - 30.0).abs() < 1e-12 && (m[1] - 20.0).abs() < 1e-12, "{m:?}");
    let all = x.weighted_mean(&w, ["time", "latitude"]).unwrap().item().unwrap();
    assert!((all - (0.5 * 10.0 + 40.0 + 0.5 * 20.0) / 2.0).abs() < 1e-12);
}

#[test]
fn cities_along_a_new_dimension() {
    // latitude 25, 24, 23, 22 × longitude 120, 121, 122; value = 10·lat + lon position.
    let a = ArrayD::from_shape_fn(IxDyn(&[4, 3]), |i| (25 - i[0]) as f64 * 10.0 + i[1] as f64);
    let x = DataArray::new(
        "t",
        Variable::new(&["latitude", "longitude"], ChunkedArray::from_array(a, &[2, 2]).unwrap()).unwrap(),
    )
    .with_coord("latitude", Variable::from_vec("latitude", vec![25.0f64, 24.0, 23.0, 22.0]))
    .unwrap()
    .with_coord("longitude", Variable::from_vec("longitude", vec![120.0f64, 121.0, 122.0]))
    .unwrap();
    // Taipei (25.03N, 121.56E), Taichung (24.15N, 120.67E), Kaohsiung (22.63N, 120.30E).
    let cities = x
        .sel_points(
            "city",
            &[
                ("latitude", vec![25.03.into(), 24.15.into(), 22.63.into()]),
                ("longitude", vec![121.56.into(), 120.67.into(), 120.30.into()]),
            ],
            true,
        )
        .unwrap();
    assert_eq!(cities.dims(), &["city"]);
    assert_eq!(cities.to_vec_f64().unwrap(), vec![252.0, 241.0, 230.0]);
    let lat = cities.coords().get("latitude").unwrap().data().compute().unwrap();
    assert_eq!(lat.as_array::<f64>().unwrap().as_slice().unwrap(), &[25.0, 24.0, 23.0]);
}

#[test]
fn the_new_point_dimension_goes_where_xarray_puts_it() {
    // (time 2, latitude 2, longitude 3); value = 100 t + 10 lat position + lon position.
    let a = ArrayD::from_shape_fn(IxDyn(&[2, 2, 3]), |i| (100 * i[0] + 10 * i[1] + i[2]) as f64);
    let x = DataArray::new(
        "t",
        Variable::new(&["time", "latitude", "longitude"], ChunkedArray::from_array(a, &[1, 2, 2]).unwrap()).unwrap(),
    )
    .with_coord("latitude", Variable::from_vec("latitude", vec![25.0f64, 24.0]))
    .unwrap()
    .with_coord("longitude", Variable::from_vec("longitude", vec![120.0f64, 121.0, 122.0]))
    .unwrap();
    let pts = [("latitude", vec![24.0.into(), 25.0.into()]), ("longitude", vec![122.0.into(), 120.0.into()])];
    // Adjacent indexed dimensions: the new one takes their place, after time.
    let p = x.sel_points("point", &pts, false).unwrap();
    assert_eq!(p.dims(), &["time", "point"]);
    assert_eq!(p.to_vec_f64().unwrap(), vec![12.0, 0.0, 112.0, 100.0]);
    // Not adjacent (time and longitude): the new dimension comes first.
    let x2 = x.clone().with_coord("time", Variable::from_vec("time", vec![0.0f64, 1.0])).unwrap();
    let p = x2
        .sel_points(
            "point",
            &[("time", vec![1.0.into(), 0.0.into()]), ("longitude", vec![121.0.into(), 122.0.into()])],
            false,
        )
        .unwrap();
    assert_eq!(p.dims(), &["point", "latitude"]);
    assert_eq!(p.to_vec_f64().unwrap(), vec![101.0, 111.0, 2.0, 12.0]);
}

#[test]
fn attributes_follow_xarray() {
    // xarray 2026.2: scalar ops, comparisons, reductions and groupby keep attributes; a binary
    // op keeps those both sides agree on (drop_conflicts).
    let mut attrs = cumulus_labeled::Attrs::new();
    attrs.insert("units".into(), "K".into());
    let x = series();
    let x = DataArray::from_parts(Some("x".into()), x.variable().clone().with_attrs(attrs), x.coords().clone());
    assert_eq!(x.scalar_op(BinaryOp::Mul, 2.0).attrs()["units"], "K");
    assert_eq!(x.scalar_op(BinaryOp::Gt, 2.0).attrs()["units"], "K");
    let m = x.mean("time").unwrap();
    assert_eq!(m.attrs()["units"], "K");
    assert_eq!(x.binary(BinaryOp::Sub, &m).unwrap().attrs()["units"], "K");
    let plain = DataArray::from_parts(
        Some("y".into()),
        x.variable().clone().with_attrs(Default::default()),
        x.coords().clone(),
    );
    let mut other = cumulus_labeled::Attrs::new();
    other.insert("units".into(), "m".into());
    let y = DataArray::from_parts(Some("y".into()), plain.variable().clone().with_attrs(other), plain.coords().clone());
    assert!(x.binary(BinaryOp::Sub, &y).unwrap().attrs().is_empty());
    assert_eq!(x.groupby("time.month").unwrap().mean().unwrap().attrs()["units"], "K");
}

#[test]
fn nearest_ties_go_to_the_larger_label_as_in_pandas() {
    // pandas: Index([100, 102, 104]).get_indexer([101, 103], method="nearest") picks 102 and
    // 104; Index([40, 38, 36]).get_indexer([39, 37], ...) picks 40 and 38.
    let up = DataArray::new("u", Variable::from_vec("longitude", vec![0.0f64, 1.0, 2.0]))
        .with_coord("longitude", Variable::from_vec("longitude", vec![100.0f64, 102.0, 104.0]))
        .unwrap();
    assert_eq!(up.sel([("longitude", nearest(101.0))]).unwrap().item().unwrap(), 1.0);
    assert_eq!(up.sel([("longitude", nearest(103.0))]).unwrap().item().unwrap(), 2.0);
    let down = DataArray::new("d", Variable::from_vec("latitude", vec![0.0f64, 1.0, 2.0]))
        .with_coord("latitude", Variable::from_vec("latitude", vec![40.0f64, 38.0, 36.0]))
        .unwrap();
    assert_eq!(down.sel([("latitude", nearest(39.0))]).unwrap().item().unwrap(), 0.0);
    assert_eq!(down.sel([("latitude", nearest(37.0))]).unwrap().item().unwrap(), 1.0);
    // Not a tie: the nearer label wins.
    assert_eq!(down.sel([("latitude", nearest(37.1))]).unwrap().item().unwrap(), 1.0);
    assert_eq!(down.sel([("latitude", nearest(36.9))]).unwrap().item().unwrap(), 2.0);
}

/// One value at 00:00 on the 15th of every month of 2019 plus 2020-01-15: value = 10 × month
/// (and 130 for the January of 2020), on 2 latitudes (the second + 1).
fn monthly() -> DataArray {
    let mut t: Vec<i64> = (1..=12).map(|m| days_from_civil(2019, m, 15) * NS_PER_DAY).collect();
    t.push(days_from_civil(2020, 1, 15) * NS_PER_DAY);
    let n = t.len();
    let a = ArrayD::from_shape_fn(IxDyn(&[n, 2]), |i| 10.0 * (i[0] + 1) as f64 + i[1] as f64);
    let var = Variable::new(&["time", "latitude"], ChunkedArray::from_array(a, &[5, 2]).unwrap()).unwrap();
    DataArray::new("x", var)
        .with_coord("time", Variable::from_times("time", t))
        .unwrap()
        .with_coord("latitude", Variable::from_vec("latitude", vec![25.0f64, 22.0]))
        .unwrap()
}

#[test]
fn groupby_season_sorted_as_xarray_and_anomaly() {
    let x = monthly();
    let g = x.groupby("time.season").unwrap();
    assert_eq!(g.group_labels(), ["DJF", "JJA", "MAM", "SON"]);
    let clim = g.mean().unwrap();
    assert_eq!(clim.dims(), &["season", "latitude"]);
    let idx = clim.index("season").unwrap();
    assert_eq!((0..4).map(|i| idx.label_string(i)).collect::<Vec<_>>(), ["DJF", "JJA", "MAM", "SON"]);
    // DJF: Jan 10, Feb 20, Dec 120, Jan 2020 130 → 70; JJA: 60, 70, 80 → 70;
    // MAM: 30, 40, 50 → 40; SON: 90, 100, 110 → 100.
    assert_eq!(clim.to_vec_f64().unwrap(), vec![70.0, 71.0, 70.0, 71.0, 40.0, 41.0, 100.0, 101.0]);
    // Selecting a season by its name.
    let son = clim.sel([("season", "SON".into())]).unwrap();
    assert_eq!(son.to_vec_f64().unwrap(), vec![100.0, 101.0]);
    let anom = g.binary(BinaryOp::Sub, &clim).unwrap();
    assert_eq!(anom.dims(), &["time", "latitude"]);
    let v = anom.to_vec_f64().unwrap();
    // January 2019: 10 - 70; April: 40 - 40; December: 120 - 70; the latitudes alike.
    assert_eq!((v[0], v[1], v[6], v[22], v[24]), (-60.0, -60.0, 0.0, 50.0, 60.0));
    // A climatology without a season present in the data: the error names the season.
    let partial = clim.isel([("season", cumulus_labeled::Isel::List(vec![0, 1, 2]))]).unwrap();
    let err = g.binary(BinaryOp::Sub, &partial).unwrap_err().to_string();
    assert!(err.contains("SON") && err.contains("season"), "{err}");
}

#[test]
fn groupby_hour_and_dayofyear() {
    // The hourly series: 2019-06-30 00:00 … 2019-07-02 23:00, value = hour index.
    let x = series();
    let by_hour = x.groupby("time.hour").unwrap().mean().unwrap();
    assert_eq!(by_hour.dims(), &["hour", "latitude"]);
    assert_eq!(by_hour.shape(), &[24, 2]);
    // Hour 0 is at indices 0, 24, 48 → 24; hour 23 at 23, 47, 71 → 47.
    let v = by_hour.to_vec_f64().unwrap();
    assert_eq!((v[0], v[1], v[46], v[47]), (24.0, 124.0, 47.0, 147.0));
    assert_eq!(by_hour.coord("hour").unwrap().to_vec_f64().unwrap(), (0..24).map(f64::from).collect::<Vec<_>>());
    // 2019-06-30 is day 181, July 1 182, July 2 183: means 11.5, 35.5, 59.5.
    let by_day = x.groupby("time.dayofyear").unwrap().mean().unwrap();
    assert_eq!(by_day.coord("dayofyear").unwrap().to_vec_f64().unwrap(), vec![181.0, 182.0, 183.0]);
    assert_eq!(by_day.to_vec_f64().unwrap(), vec![11.5, 111.5, 35.5, 135.5, 59.5, 159.5]);
    let anom = x.groupby("time.hour").unwrap().binary(BinaryOp::Sub, &by_hour).unwrap();
    // Index 25 (hour 1 of day 2): 25 - mean(1, 25, 49) = 0.
    assert_eq!(anom.isel([("time", 25)]).unwrap().to_vec_f64().unwrap(), vec![0.0, 0.0]);
    // The hour of every step, as xarray's non-index `hour` coordinate along time.
    let hour = anom.coord("hour").unwrap();
    assert_eq!(hour.dims(), &["time"]);
    assert_eq!(hour.to_vec_f64().unwrap(), (0..72).map(|k| f64::from(k % 24)).collect::<Vec<_>>());
    // Selecting a step keeps it as a scalar coordinate.
    assert_eq!(anom.isel([("time", 30)]).unwrap().coord("hour").unwrap().item().unwrap(), 6.0);
}

#[test]
fn isin_mask_selects_summer_hours() {
    // Hourly from 2019-05-31 00:00 for 48 hours: May 31 (hours 0..24), June 1 (24..48).
    let t0 = days_from_civil(2019, 5, 31) * NS_PER_DAY;
    let vals: Vec<f64> = (0..48).map(f64::from).collect();
    let a = ArrayD::from_shape_vec(IxDyn(&[48]), vals).unwrap();
    let x = DataArray::new("x", Variable::new(&["time"], ChunkedArray::from_array(a, &[7]).unwrap()).unwrap())
        .with_coord("time", Variable::from_times("time", (0..48).map(|k| t0 + k * NS_PER_HOUR).collect()))
        .unwrap();
    let jja = x.dt("time", "month").unwrap().isin(&[6.0, 7.0, 8.0]);
    assert_eq!(jja.dtype(), cumulus_chunked::DType::Bool);
    assert_eq!(jja.dims(), &["time"]);
    let summer = x.sel_mask("time", &jja).unwrap();
    assert_eq!(summer.dims(), &["time"]);
    assert_eq!(summer.to_vec_f64().unwrap(), (24..48).map(f64::from).collect::<Vec<_>>());
    // The time coordinate follows: the first kept label is 2019-06-01T00:00:00.
    assert_eq!(summer.index("time").unwrap().label_string(0), "2019-06-01T00:00:00");
    // isin on the values themselves; NaN is never a member.
    let y = DataArray::new("y", Variable::from_vec("i", vec![1.0, f64::NAN, 3.0, 1.0]));
    assert_eq!(y.isin(&[1.0, f64::NAN]).to_vec_f64().unwrap(), vec![1.0, 0.0, 0.0, 1.0]);
    assert_eq!(y.isin(&[]).to_vec_f64().unwrap(), vec![0.0; 4]);
    // Masks that do not fit: wrong length, not boolean, another dimension.
    let short = x.isel([("time", 0..10)]).unwrap().dt("time", "month").unwrap().isin(&[6.0]);
    let err = x.sel_mask("time", &short).unwrap_err().to_string();
    assert!(err.contains("48") && err.contains("time"), "{err}");
    let err = x.sel_mask("time", &x.dt("time", "month").unwrap()).unwrap_err().to_string();
    assert!(err.contains("bool"), "{err}");
    let err = x.sel_mask("latitude", &jja).unwrap_err().to_string();
    assert!(err.contains("latitude"), "{err}");
}

#[test]
fn median_and_quantile_skip_nan_and_interpolate_linearly() {
    let x = DataArray::new("x", Variable::from_vec("i", vec![1.0f64, 3.0, 2.0, f64::NAN]));
    assert_eq!(x.median("i").unwrap().item().unwrap(), 2.0);
    let y = DataArray::new("y", Variable::from_vec("i", vec![4.0f64, 2.0, 1.0, 3.0]));
    // Sorted 1 2 3 4; h = 0.25 × 3 = 0.75 → 1 + 0.75 × (2 − 1).
    let q = y.quantile(0.25, "i").unwrap();
    assert_eq!(q.item().unwrap(), 1.75);
    assert_eq!(q.coord("quantile").unwrap().item().unwrap(), 0.25);
    assert_eq!(y.quantile(0.0, "i").unwrap().item().unwrap(), 1.0);
    assert_eq!(y.quantile(1.0, "i").unwrap().item().unwrap(), 4.0);
    assert_eq!(y.median("i").unwrap().item().unwrap(), 2.5);
    // Along one of two dimensions, lazily chunked input: time × latitude, 5 × 2.
    //   latitude 0: 5, 1, NaN, 3, 2 → sorted 1 2 3 5: median 2.5, q0.9: h = 2.7 → 3 + 0.7 × 2 = 4.4
    //   latitude 1: all NaN → NaN
    let a = ArrayD::from_shape_vec(
        IxDyn(&[5, 2]),
        vec![5.0, f64::NAN, 1.0, f64::NAN, f64::NAN, f64::NAN, 3.0, f64::NAN, 2.0, f64::NAN],
    )
    .unwrap();
    let z = DataArray::new(
        "z",
        Variable::new(&["time", "latitude"], ChunkedArray::from_array(a, &[2, 1]).unwrap()).unwrap(),
    )
    .with_coord("latitude", Variable::from_vec("latitude", vec![25.0f64, 22.0]))
    .unwrap();
    let m = z.median("time").unwrap();
    assert_eq!(m.dims(), &["latitude"]);
    assert_eq!(m.coord("latitude").unwrap().to_vec_f64().unwrap(), vec![25.0, 22.0]);
    let v = m.to_vec_f64().unwrap();
    assert_eq!(v[0], 2.5);
    assert!(v[1].is_nan());
    let q9 = z.quantile(0.9, "time").unwrap().to_vec_f64().unwrap();
    assert!((q9[0] - 4.4).abs() < 1e-12, "{q9:?}");
    // Over latitude: 5, 1, NaN, 3, 2 (one value each, or none).
    let over_lat = z.median("latitude").unwrap().to_vec_f64().unwrap();
    assert_eq!((over_lat[0], over_lat[1], over_lat[3]), (5.0, 1.0, 3.0));
    assert!(over_lat[2].is_nan());
    // Over both: 1 2 3 5 → 2.5.
    assert_eq!(z.median(["time", "latitude"]).unwrap().item().unwrap(), 2.5);
    let err = z.quantile(1.5, "time").unwrap_err().to_string();
    assert!(err.contains("1.5"), "{err}");
    let err = z.median("level").unwrap_err().to_string();
    assert!(err.contains("level"), "{err}");
}

#[test]
fn weighted_sum_leaves_nan_out() {
    // 2 times × 2 latitudes, weights along latitude only.
    let a = ArrayD::from_shape_vec(IxDyn(&[2, 2]), vec![1.0, 2.0, f64::NAN, 4.0]).unwrap();
    let x = DataArray::new(
        "x",
        Variable::new(&["time", "latitude"], ChunkedArray::from_array(a, &[1, 2]).unwrap()).unwrap(),
    );
    let w = DataArray::new("w", Variable::from_vec("latitude", vec![0.5f64, 2.0]));
    // Over latitude: time 0: 0.5 × 1 + 2 × 2 = 4.5; time 1: NaN left out → 2 × 4 = 8.
    let s = x.weighted_sum(&w, "latitude").unwrap();
    assert_eq!(s.dims(), &["time"]);
    assert_eq!(s.name(), Some("x"));
    assert_eq!(s.to_vec_f64().unwrap(), vec![4.5, 8.0]);
    // Over time: latitude 0: 0.5 × 1 = 0.5; latitude 1: 2 × (2 + 4) = 12.
    assert_eq!(x.weighted_sum(&w, "time").unwrap().to_vec_f64().unwrap(), vec![0.5, 12.0]);
    // Over both: 4.5 + 8 = 12.5; and the mean still agrees: 12.5 / (0.5 + 2 + 2) = 12.5 / 4.5.
    assert_eq!(x.weighted_sum(&w, ["time", "latitude"]).unwrap().item().unwrap(), 12.5);
    let mean = x.weighted_mean(&w, ["time", "latitude"]).unwrap().item().unwrap();
    assert!((mean - 12.5 / 4.5).abs() < 1e-12);
    // A position where every value is NaN sums to 0, as in xarray.
    let nan = DataArray::new("n", Variable::from_vec("latitude", vec![f64::NAN, f64::NAN]));
    assert_eq!(nan.weighted_sum(&w, "latitude").unwrap().item().unwrap(), 0.0);
}

#[test]
fn concat_along_time_joins_data_and_time_labels() {
    let x = series();
    let a = x.isel([("time", 0..30)]).unwrap();
    let b = x.isel([("time", 30..72)]).unwrap();
    let ab = cumulus_labeled::concat(&[a.clone(), b.clone()], "time").unwrap();
    assert_eq!(ab.dims(), &["time", "latitude"]);
    assert_eq!(ab.shape(), &[72, 2]);
    assert_eq!(ab.name(), Some("x"));
    assert_eq!(ab.to_vec_f64().unwrap(), x.to_vec_f64().unwrap());
    // The time labels are joined (an index again: a partial date selects July).
    assert_eq!(ab.index("time").unwrap().values(), x.index("time").unwrap().values());
    assert_eq!(ab.sel([("time", "2019-07".into())]).unwrap().shape(), &[48, 2]);
    assert_eq!(ab.coord("latitude").unwrap().to_vec_f64().unwrap(), vec![25.0, 22.0]);
    // Latitudes that differ: the error names the coordinate and the two values.
    let shifted = b.clone().with_coord("latitude", Variable::from_vec("latitude", vec![25.0f64, 21.0])).unwrap();
    let err = cumulus_labeled::concat(&[a.clone(), shifted], "time").unwrap_err().to_string();
    assert!(err.contains("\"latitude\"") && err.contains("22") && err.contains("21"), "{err}");
    // Other sizes along another dimension, a missing dimension, no arrays.
    let one_lat = b.isel([("latitude", 0..1)]).unwrap();
    let err = cumulus_labeled::concat(&[a.clone(), one_lat], "time").unwrap_err().to_string();
    assert!(err.contains("latitude") && err.contains('2') && err.contains('1'), "{err}");
    let err = cumulus_labeled::concat(&[a.clone(), b.clone()], "level").unwrap_err().to_string();
    assert!(err.contains("level"), "{err}");
    assert!(cumulus_labeled::concat(&[], "time").is_err());
}

#[test]
fn merge_unions_variables_and_checks_conflicts() {
    let lat = Variable::from_vec("latitude", vec![25.0f64, 24.0]);
    let a = Dataset::new()
        .with_coord("latitude", lat.clone())
        .unwrap()
        .with_var("t2m", Variable::from_vec("latitude", vec![300.0f64, 301.0]))
        .unwrap();
    let b = Dataset::new()
        .with_coord("latitude", lat.clone())
        .unwrap()
        .with_var("tp", Variable::from_vec("latitude", vec![0.1f64, 0.2]))
        .unwrap()
        .with_var("t2m", Variable::from_vec("latitude", vec![300.0f64, 301.0]))
        .unwrap();
    let m = cumulus_labeled::merge(&[a.clone(), b]).unwrap();
    assert_eq!(m.data_vars(), vec!["t2m", "tp"]);
    assert_eq!(m.get("tp").unwrap().to_vec_f64().unwrap(), vec![0.1, 0.2]);
    assert_eq!(m.get("t2m").unwrap().to_vec_f64().unwrap(), vec![300.0, 301.0]);
    assert_eq!(m.coords().index("latitude").unwrap().len(), 2);
    // A same-named variable of another shape: the error names it.
    let c = Dataset::new().with_var("t2m", Variable::from_vec("time", vec![1.0f64, 2.0, 3.0])).unwrap();
    let err = cumulus_labeled::merge(&[a.clone(), c]).unwrap_err().to_string();
    assert!(err.contains("t2m") && err.contains("time"), "{err}");
    // A coordinate with other values: named, with the two values.
    let d = Dataset::new().with_coord("latitude", Variable::from_vec("latitude", vec![25.0f64, 23.5])).unwrap();
    let err = cumulus_labeled::merge(&[a, d]).unwrap_err().to_string();
    assert!(err.contains("\"latitude\"") && err.contains("24") && err.contains("23.5"), "{err}");
}

#[test]
fn a_missing_label_names_its_nearest_neighbours() {
    let x = series();
    let err = x.sel([("latitude", Selector::from(23.0))]).unwrap_err().to_string();
    assert!(err.contains("the nearest labels are 25 and 22"), "{err}");
    assert!(err.contains("nearest(...)"), "{err}");
}

#[test]
fn dataset_sel_mask_keeps_the_masked_steps_in_every_variable() {
    // series(): hourly from 2019-06-30 00:00 for 3 days; `h` along time only (= hour index),
    // `z` along latitude only, `tt` a non-index coordinate along time.
    let x = series();
    let ds = Dataset::new()
        .with_coord("time", x.coords().get("time").unwrap().clone())
        .unwrap()
        .with_coord("latitude", Variable::from_vec("latitude", vec![25.0f64, 22.0]))
        .unwrap()
        .with_coord("tt", Variable::from_vec("time", (0..72).map(|k| 2 * k).collect::<Vec<i64>>()))
        .unwrap()
        .with_var("x", x.variable().clone())
        .unwrap()
        .with_var("h", Variable::from_vec("time", (0..72).map(f64::from).collect::<Vec<_>>()))
        .unwrap()
        .with_var("z", Variable::from_vec("latitude", vec![7.0f64, 8.0]))
        .unwrap();
    let time = ds.get("time").unwrap();
    // ds.sel(time=ds.time.dt.month == 6): the 24 hours of June 30.
    let june = ds.sel_mask("time", &time.dt("time", "month").unwrap().equal(6.0)).unwrap();
    assert_eq!(june.get("x").unwrap().shape(), &[24, 2]);
    assert_eq!(june.get("h").unwrap().to_vec_f64().unwrap(), (0..24).map(f64::from).collect::<Vec<_>>());
    assert_eq!(june.get("z").unwrap().to_vec_f64().unwrap(), vec![7.0, 8.0]);
    assert_eq!(june.coords().get("tt").unwrap().shape(), &[24]);
    assert_eq!(june.coords().index("time").unwrap().label_string(23), "2019-06-30T23:00:00");
    // Hours 6 … 8 of every day (time.dt.hour.isin([6, 7, 8])): 9 steps, 6, 7, 8, 30, …
    let morning = ds.sel_mask("time", &time.dt("time", "hour").unwrap().isin(&[6.0, 7.0, 8.0])).unwrap();
    assert_eq!(
        morning.get("h").unwrap().to_vec_f64().unwrap(),
        vec![6.0, 7.0, 8.0, 30.0, 31.0, 32.0, 54.0, 55.0, 56.0]
    );
    // A mask selecting nothing keeps the dimension, with length 0.
    let none = ds.sel_mask("time", &time.dt("time", "month").unwrap().equal(1.0)).unwrap();
    assert_eq!(none.get("x").unwrap().shape(), &[0, 2]);
    // Errors: an unknown dimension lists the dimensions; a mask of another length or dtype.
    let err = ds.sel_mask("level", &time.dt("time", "month").unwrap().equal(6.0)).unwrap_err().to_string();
    assert!(err.contains("level") && err.contains("latitude"), "{err}");
    let short = june.get("time").unwrap().dt("time", "month").unwrap().equal(6.0);
    assert!(ds.sel_mask("time", &short).unwrap_err().to_string().contains("72"));
    assert!(ds.sel_mask("time", &time.dt("time", "month").unwrap()).unwrap_err().to_string().contains("bool"));
}
