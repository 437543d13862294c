//! Runs the labeled operations checked against xarray by `.ci/interop/labeled_oracle.py` on a
//! small deterministic series and prints the results as JSON (NaN as `null`).
//!
//! The data (the Python script builds the same from the same formula): 6-hourly times from
//! 2019-01-01 to 2021-12-31T18 (4384 steps), latitudes 30, 20, 10 (descending), and
//! `x[k, j] = 280 + 10 sin(2π k / 1461) + 2 j + 0.1 ((7 k + 3 j) mod 11)`, NaN where
//! `(13 k + 5 j) mod 97 == 0`.
//!
//! ```text
//! cargo run -p cumulus-labeled --example oracle > oracle.json
//! python .ci/interop/labeled_oracle.py oracle.json
//! ```

use cumulus_chunked::{BinaryOp, ChunkedArray, ReduceOp};
use cumulus_labeled::time::{NS_PER_DAY, NS_PER_HOUR, days_from_civil};
use cumulus_labeled::{DataArray, Dataset, How, Isel, LabeledError, Selector, Variable, concat, merge, nearest, slice};
use ndarray::{ArrayD, IxDyn};
use serde_json::{Map, Value, json};

const LATS: [f64; 3] = [30.0, 20.0, 10.0];

fn value(k: usize, j: usize) -> f64 {
    if (13 * k + 5 * j).is_multiple_of(97) {
        return f64::NAN;
    }
    280.0
        + 10.0 * (2.0 * std::f64::consts::PI * k as f64 / 1461.0).sin()
        + 2.0 * j as f64
        + 0.1 * ((7 * k + 3 * j) % 11) as f64
}

fn series() -> Result<DataArray, LabeledError> {
    let t0 = days_from_civil(2019, 1, 1) * NS_PER_DAY;
    let t1 = days_from_civil(2022, 1, 1) * NS_PER_DAY;
    let times: Vec<i64> = (0..).map(|k| t0 + k * 6 * NS_PER_HOUR).take_while(|t| *t < t1).collect();
    let n = times.len();
    let a = ArrayD::from_shape_fn(IxDyn(&[n, LATS.len()]), |i| value(i[0], i[1]));
    // Chunked along time so that the lazy paths (grouped reductions, masks) run per chunk.
    let var = Variable::new(&["time", "latitude"], ChunkedArray::from_array(a, &[500, 3])?)?;
    DataArray::new("x", var)
        .with_coord("time", Variable::from_times("time", times))?
        .with_coord("latitude", Variable::from_vec("latitude", LATS.to_vec()))
}

/// `y[k, j] = 5 cos(2π k / 1461) + j` (no NaN) beside `x`, `z[j] = 1 + j` along latitude only
/// and `s[k] = (k mod 7) / 2` along time only.
fn dataset(x: &DataArray) -> Result<Dataset, LabeledError> {
    let n = x.shape()[0];
    let y = ArrayD::from_shape_fn(IxDyn(&[n, LATS.len()]), |i| {
        5.0 * (2.0 * std::f64::consts::PI * i[0] as f64 / 1461.0).cos() + i[1] as f64
    });
    let s: Vec<f64> = (0..n).map(|k| (k % 7) as f64 / 2.0).collect();
    Dataset::new()
        .with_coord(
            "time",
            x.coords()
                .get("time")
                .cloned()
                .ok_or(LabeledError::NoVariable { name: "time".into(), available: vec![] })?,
        )?
        .with_coord("latitude", Variable::from_vec("latitude", LATS.to_vec()))?
        .with_var("x", x.variable().clone())?
        .with_var("y", Variable::new(&["time", "latitude"], ChunkedArray::from_array(y, &[500, 3])?)?)?
        .with_var("z", Variable::from_vec("latitude", vec![1.0, 2.0, 3.0]))?
        .with_var("s", Variable::from_vec("time", s))
}

/// Every data variable of a dataset, as `name/var`, and the list of names as `name/vars`.
fn dump_ds(put: &mut impl FnMut(&str, Value), name: &str, ds: &Dataset) -> Result<(), LabeledError> {
    put(&format!("{name}/vars"), json!(ds.data_vars()));
    for v in ds.data_vars() {
        put(&format!("{name}/{v}"), dump(&ds.get(v)?)?);
    }
    Ok(())
}

/// Dimensions, shape, values and the labels of every dimension coordinate.
fn dump(da: &DataArray) -> Result<Value, LabeledError> {
    let mut coords = Map::new();
    for d in da.dims() {
        if let Ok(idx) = da.index(d) {
            let labels: Vec<Value> = (0..idx.len())
                .map(|i| match idx.values() {
                    cumulus_labeled::IndexValues::Str(_) => Value::from(idx.label_string(i)),
                    cumulus_labeled::IndexValues::Time(t) => Value::from(t[i]),
                    _ => Value::from(idx.numeric(i).unwrap_or(f64::NAN)),
                })
                .collect();
            coords.insert(d.clone(), Value::Array(labels));
        }
    }
    Ok(json!({
        "dims": da.dims(),
        "shape": da.shape(),
        "values": da.to_vec_f64()?,
        "coords": coords,
    }))
}

fn main() -> Result<(), LabeledError> {
    let x = series()?;
    let mut out = Map::new();
    let mut put = |name: &str, v: Value| {
        out.insert(name.to_string(), v);
    };

    // 1. groupby: season (sorted labels), month, hour, dayofyear; means and anomalies.
    for key in ["season", "month", "hour", "dayofyear"] {
        let g = x.groupby(&format!("time.{key}"))?;
        let clim = g.mean()?;
        put(&format!("groupby_{key}_mean"), dump(&clim)?);
        put(&format!("groupby_{key}_anomaly"), dump(&g.binary(BinaryOp::Sub, &clim)?)?);
    }

    // 2. isin and a boolean mask: the JJA time steps.
    let jja = x.dt("time", "month")?.isin(&[6.0, 7.0, 8.0]);
    put("isin_jja_mask", dump(&jja)?);
    put("sel_mask_jja", dump(&x.sel_mask("time", &jja)?)?);

    // 3. median and quantiles.
    put("median_time", dump(&x.median("time")?)?);
    put("median_latitude", dump(&x.median("latitude")?)?);
    put("quantile_0.25_time", dump(&x.quantile(0.25, "time")?)?);
    put("quantile_0.9_time", dump(&x.quantile(0.9, "time")?)?);
    put("quantile_0.75_all", dump(&x.quantile(0.75, ["time", "latitude"])?)?);
    put("quantiles_time", dump(&x.quantiles(&[0.1, 0.5, 0.9], "time")?)?);

    // 4. weighted sum (and mean) by cos(latitude).
    let w: Vec<f64> = LATS.iter().map(|l| l.to_radians().cos()).collect();
    let w = DataArray::new("w", Variable::from_vec("latitude", w))
        .with_coord("latitude", Variable::from_vec("latitude", LATS.to_vec()))?;
    put("weighted_sum_latitude", dump(&x.weighted_sum(&w, "latitude")?)?);
    put("weighted_sum_all", dump(&x.weighted_sum(&w, ["time", "latitude"])?)?);
    put("weighted_mean_latitude", dump(&x.weighted_mean(&w, "latitude")?)?);

    // 5. concat of the three years, in order; merge of two datasets.
    let years: Vec<DataArray> =
        ["2019", "2020", "2021"].iter().map(|y| x.sel([("time", (*y).into())])).collect::<Result<_, _>>()?;
    put("concat_years", dump(&concat(&years, "time")?)?);
    let first_year = x.isel([("time", Isel::Slice(None, Some(1460), 1))])?;
    let a = Dataset::new()
        .with_coord("latitude", Variable::from_vec("latitude", LATS.to_vec()))?
        .with_var("x", x.variable().clone())?;
    let b = Dataset::new()
        .with_coord("latitude", Variable::from_vec("latitude", LATS.to_vec()))?
        .with_var("y", first_year.mean("time")?.variable().clone())?;
    let m = merge(&[a, b])?;
    put("merge_vars", json!(m.data_vars()));
    put("merge_y", dump(&m.get("y")?)?);

    // 6. Selection edge cases: descending and wrong-order slices, partial dates across a month
    //    boundary and across the gap between two years, nearest on a tie and beyond the ends,
    //    lists of labels.
    put("sel_descending_slice", dump(&x.sel([("latitude", slice(30.0, 15.0))])?)?);
    put("sel_wrong_order_slice", dump(&x.sel([("latitude", slice(15.0, 30.0))])?)?);
    put("sel_month_boundary", dump(&x.sel([("time", slice("2019-06-30", "2019-07-01"))])?)?);
    put("sel_year_gap", dump(&x.sel([("time", slice("2019-12-31T12", "2020-01-01T06"))])?)?);
    put("sel_nearest_tie", dump(&x.sel([("latitude", nearest(25.0))])?)?);
    put("sel_nearest_beyond_north", dump(&x.sel([("latitude", nearest(45.0))])?)?);
    put("sel_nearest_beyond_south", dump(&x.sel([("latitude", nearest(0.0))])?)?);
    put("sel_list", dump(&x.sel([("latitude", Selector::List(vec![10.0.into(), 30.0.into()]))])?)?);

    // 7. Resample: daily, 3-hourly (every other bin empty: NaN), month starts, DJF quarters.
    for freq in ["1D", "3h", "1MS", "QS-DEC"] {
        let r = x.resample("time", freq)?;
        put(&format!("resample_{freq}_mean"), dump(&r.mean()?)?);
        put(&format!("resample_{freq}_max"), dump(&r.reduce(ReduceOp::Max, None)?)?);
    }
    // Sums and counts: a bin of NaN only gives 0, a bin without any time step NaN.
    put("resample_3h_sum", dump(&x.resample("time", "3h")?.sum()?)?);
    put("resample_3h_count", dump(&x.resample("time", "3h")?.count()?)?);
    put("resample_1D_min", dump(&x.resample("time", "1D")?.min()?)?);

    // 8. Reductions with and without skipna; dropna.
    put("mean_time_skipna", dump(&x.mean("time")?)?);
    put("mean_time_no_skipna", dump(&x.reduce(ReduceOp::Mean, "time", Some(false))?)?);
    put("std_time", dump(&x.std("time")?)?);
    put("dropna_time_any", dump(&x.dropna("time", How::Any)?)?);
    put("dropna_time_all", dump(&x.dropna("time", How::All)?)?);

    // 9. Dataset groupby and resample (variables with NaN, without NaN, without the grouped
    //    dimension), the anomaly from the climatology, and weighted means of a Dataset.
    let ds = dataset(&x)?;
    let by_month = ds.groupby("time.month")?;
    let clim = by_month.mean()?;
    dump_ds(&mut put, "ds_groupby_month_mean", &clim)?;
    dump_ds(&mut put, "ds_groupby_season_sum", &ds.groupby("time.season")?.sum()?)?;
    dump_ds(&mut put, "ds_groupby_season_count", &ds.groupby("time.season")?.count()?)?;
    dump_ds(&mut put, "ds_groupby_month_std", &by_month.std()?)?;
    dump_ds(&mut put, "ds_groupby_month_anomaly", &by_month.sub(&clim)?)?;
    // Dataset resample, with the variable `z` that has no time (repeated for every bin).
    dump_ds(&mut put, "ds_resample_1D_mean", &ds.resample("time", "1D")?.mean()?)?;
    dump_ds(&mut put, "ds_resample_3h_sum", &ds.resample("time", "3h")?.sum()?)?;
    dump_ds(&mut put, "ds_resample_3h_count", &ds.resample("time", "3h")?.count()?)?;
    dump_ds(&mut put, "ds_resample_QS-DEC_max", &ds.resample("time", "QS-DEC")?.max()?)?;
    let xy = ds.select_vars(&["x", "y"])?;
    dump_ds(&mut put, "ds_weighted_mean_all", &xy.weighted(&w).mean(["time", "latitude"])?)?;
    dump_ds(&mut put, "ds_weighted_mean_latitude", &ds.weighted(&w).mean("latitude")?)?;
    dump_ds(&mut put, "ds_weighted_sum_latitude", &ds.weighted(&w).sum("latitude")?)?;

    // 10. Math on a coordinate (the workshop's weights), a Dataset masked by a comparison,
    //     and the non-index `month` coordinate of groupby arithmetic.
    let lat = x.coord("latitude")?;
    put("cos_deg2rad_latitude", dump(&lat.deg2rad().cos())?);
    let june = ds.sel_mask("time", &ds.get("time")?.dt("time", "month")?.equal(6.0))?;
    dump_ds(&mut put, "ds_sel_mask_june", &june)?;
    let an = by_month.sub(&clim)?;
    put("ds_groupby_month_anomaly_month_coord", dump(&an.get("month")?)?);
    let hourly = x.groupby("time.hour")?;
    put("groupby_hour_anomaly_hour_coord", dump(&hourly.binary(BinaryOp::Sub, &hourly.mean()?)?.coord("hour")?)?);

    println!("{}", Value::Object(out));
    Ok(())
}
