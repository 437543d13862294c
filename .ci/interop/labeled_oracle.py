"""xarray as the oracle for cumulus-labeled's operations.

Builds the series of `crates/labeled/examples/oracle.rs` from the same formula (6-hourly times
2019-01-01 … 2021-12-31T18, latitudes 30, 20, 10; x[k, j] = 280 + 10 sin(2πk/1461) + 2j
+ 0.1((7k + 3j) mod 11), NaN where (13k + 5j) mod 97 == 0), runs the same operations with
xarray, and compares them with the example's JSON (given as the first argument, or on stdin):
dimensions, shapes, coordinate labels exactly, values within 1e-6 relative (NaN must match
NaN). Prints what differs and exits 1 then.

    cargo run -p cumulus-labeled --example oracle > oracle.json
    python .ci/interop/labeled_oracle.py oracle.json
"""

import json
import sys

import numpy as np
import pandas as pd
import xarray as xr

RTOL = 1e-6
LATS = [30.0, 20.0, 10.0]


def series():
    times = pd.date_range("2019-01-01", "2021-12-31T18:00", freq="6h")
    k = np.arange(len(times))[:, None]
    j = np.arange(len(LATS))[None, :]
    x = 280.0 + 10.0 * np.sin(2.0 * np.pi * k / 1461.0) + 2.0 * j + 0.1 * ((7 * k + 3 * j) % 11)
    x = np.where((13 * k + 5 * j) % 97 == 0, np.nan, x)
    return xr.DataArray(x, dims=("time", "latitude"), coords={"time": times, "latitude": LATS}, name="x")


def dataset(x):
    """x beside y = 5 cos(2πk/1461) + j (no NaN), z = 1 + j along latitude, s = (k mod 7) / 2 along time."""
    k = np.arange(x.sizes["time"])[:, None]
    j = np.arange(len(LATS))[None, :]
    y = 5.0 * np.cos(2.0 * np.pi * k / 1461.0) + j
    return xr.Dataset(
        {
            "x": x,
            "y": (("time", "latitude"), y),
            "z": ("latitude", [1.0, 2.0, 3.0]),
            "s": ("time", (np.arange(x.sizes["time"]) % 7) / 2.0),
        }
    )


def dump_ds(out, name, ds):
    out[f"{name}/vars"] = list(ds.data_vars)
    for v in ds.data_vars:
        out[f"{name}/{v}"] = dump(ds[v])


def dump(da):
    coords = {}
    for d in da.dims:
        if d in da.indexes:
            v = da.indexes[d]
            if isinstance(v, pd.DatetimeIndex):
                coords[d] = [int(t) for t in v.values.astype("datetime64[ns]").astype(np.int64)]
            elif pd.api.types.is_numeric_dtype(v.dtype):
                coords[d] = [float(s) for s in v]
            else:
                coords[d] = [str(s) for s in v]
    values = np.asarray(da.values, dtype=float).ravel()
    return {"dims": list(da.dims), "shape": list(da.shape), "values": values, "coords": coords}


def expected():
    x = series()
    out = {}
    for key in ["season", "month", "hour", "dayofyear"]:
        g = x.groupby(f"time.{key}")
        clim = g.mean()
        out[f"groupby_{key}_mean"] = dump(clim)
        anom = (x.groupby(f"time.{key}") - clim).drop_vars(key, errors="ignore")
        out[f"groupby_{key}_anomaly"] = dump(anom.transpose("time", "latitude"))
    jja = x.time.dt.month.isin([6, 7, 8])
    out["isin_jja_mask"] = dump(jja)
    out["sel_mask_jja"] = dump(x.sel(time=jja))
    out["median_time"] = dump(x.median("time"))
    out["median_latitude"] = dump(x.median("latitude"))
    out["quantile_0.25_time"] = dump(x.quantile(0.25, "time"))
    out["quantile_0.9_time"] = dump(x.quantile(0.9, "time"))
    out["quantile_0.75_all"] = dump(x.quantile(0.75, ["time", "latitude"]))
    out["quantiles_time"] = dump(x.quantile([0.1, 0.5, 0.9], "time"))
    w = np.cos(np.deg2rad(x.latitude))
    out["weighted_sum_latitude"] = dump(x.weighted(w).sum("latitude"))
    out["weighted_sum_all"] = dump(x.weighted(w).sum(["time", "latitude"]))
    out["weighted_mean_latitude"] = dump(x.weighted(w).mean("latitude"))
    years = [x.sel(time=y) for y in ["2019", "2020", "2021"]]
    out["concat_years"] = dump(xr.concat(years, "time"))
    a = xr.Dataset({"x": x})
    b = xr.Dataset({"y": x.isel(time=slice(None, 1460)).mean("time")})
    m = xr.merge([a, b])
    out["merge_vars"] = list(m.data_vars)
    out["merge_y"] = dump(m["y"])
    out["sel_descending_slice"] = dump(x.sel(latitude=slice(30.0, 15.0)))
    out["sel_wrong_order_slice"] = dump(x.sel(latitude=slice(15.0, 30.0)))
    out["sel_month_boundary"] = dump(x.sel(time=slice("2019-06-30", "2019-07-01")))
    out["sel_year_gap"] = dump(x.sel(time=slice("2019-12-31T12", "2020-01-01T06")))
    out["sel_nearest_tie"] = dump(x.sel(latitude=25.0, method="nearest"))
    out["sel_nearest_beyond_north"] = dump(x.sel(latitude=45.0, method="nearest"))
    out["sel_nearest_beyond_south"] = dump(x.sel(latitude=0.0, method="nearest"))
    out["sel_list"] = dump(x.sel(latitude=[10.0, 30.0]))
    for freq in ["1D", "3h", "1MS", "QS-DEC"]:
        r = x.resample(time=freq)
        out[f"resample_{freq}_mean"] = dump(r.mean())
        out[f"resample_{freq}_max"] = dump(x.resample(time=freq).max())
    out["resample_3h_sum"] = dump(x.resample(time="3h").sum())
    out["resample_3h_count"] = dump(x.resample(time="3h").count())
    out["resample_1D_min"] = dump(x.resample(time="1D").min())
    out["mean_time_skipna"] = dump(x.mean("time"))
    out["mean_time_no_skipna"] = dump(x.mean("time", skipna=False))
    out["std_time"] = dump(x.std("time"))
    out["dropna_time_any"] = dump(x.dropna("time"))
    out["dropna_time_all"] = dump(x.dropna("time", how="all"))
    ds = dataset(x)
    clim = ds.groupby("time.month").mean()
    dump_ds(out, "ds_groupby_month_mean", clim)
    dump_ds(out, "ds_groupby_season_sum", ds.groupby("time.season").sum())
    dump_ds(out, "ds_groupby_season_count", ds.groupby("time.season").count())
    dump_ds(out, "ds_groupby_month_std", ds.groupby("time.month").std())
    dump_ds(out, "ds_groupby_month_anomaly", (ds.groupby("time.month") - clim).drop_vars("month"))
    dump_ds(out, "ds_resample_1D_mean", ds.resample(time="1D").mean())
    dump_ds(out, "ds_resample_3h_sum", ds.resample(time="3h").sum())
    dump_ds(out, "ds_resample_3h_count", ds.resample(time="3h").count())
    dump_ds(out, "ds_resample_QS-DEC_max", ds.resample(time="QS-DEC").max())
    dump_ds(out, "ds_weighted_mean_all", ds[["x", "y"]].weighted(w).mean(["time", "latitude"]))
    dump_ds(out, "ds_weighted_mean_latitude", ds.weighted(w).mean("latitude"))
    dump_ds(out, "ds_weighted_sum_latitude", ds.weighted(w).sum("latitude"))
    out["cos_deg2rad_latitude"] = dump(np.cos(np.deg2rad(x.latitude)))
    dump_ds(out, "ds_sel_mask_june", ds.sel(time=ds.time.dt.month == 6))
    anom = ds.groupby("time.month") - clim
    assert anom.month.dtype == np.int64 and anom.month.dims == ("time",) and "month" not in anom.indexes
    out["ds_groupby_month_anomaly_month_coord"] = dump(anom.month)
    hourly = x.groupby("time.hour") - x.groupby("time.hour").mean()
    assert hourly.hour.dtype == np.int64 and hourly.hour.dims == ("time",) and "hour" not in hourly.indexes
    out["groupby_hour_anomaly_hour_coord"] = dump(hourly.hour)
    return out


def compare(name, want, got):
    """A list of differences (empty when equal)."""
    if not isinstance(want, dict):
        return [] if want == got else [f"{name}: xarray {want!r}, cumulus {got!r}"]
    problems = []
    for field in ["dims", "shape"]:
        if list(want[field]) != list(got[field]):
            problems.append(f"{name}: {field} xarray {want[field]}, cumulus {got[field]}")
    if set(want["coords"]) != set(got["coords"]):
        problems.append(f"{name}: indexed coordinates xarray {sorted(want['coords'])}, cumulus {sorted(got['coords'])}")
    for c in want["coords"]:
        if c in got["coords"] and list(want["coords"][c]) != list(got["coords"][c]):
            w, g = want["coords"][c], got["coords"][c]
            i = next((i for i, (p, q) in enumerate(zip(w, g)) if p != q), min(len(w), len(g)))
            problems.append(f"{name}: coordinate {c!r} differs at {i}: xarray {w[i:i + 3]}, cumulus {g[i:i + 3]}")
    if problems:
        return problems
    w = want["values"]
    g = np.array([np.nan if v is None else v for v in got["values"]], dtype=float)
    if w.shape != g.shape:
        return [f"{name}: {w.size} values from xarray, {g.size} from cumulus"]
    nan_w, nan_g = np.isnan(w), np.isnan(g)
    bad = nan_w != nan_g
    both = ~nan_w & ~nan_g
    close = np.zeros_like(bad)
    close[both] = np.abs(w[both] - g[both]) > RTOL * np.maximum(np.abs(w[both]), 1e-300)
    bad |= close
    if bad.any():
        idx = np.flatnonzero(bad)
        i = idx[0]
        problems.append(
            f"{name}: {idx.size} of {w.size} values differ; first at flat index {i}: xarray {w[i]!r}, cumulus {g[i]!r}"
        )
    return problems


def main():
    got = json.load(open(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] != "-" else sys.stdin)
    want = expected()
    problems = []
    for name in sorted(set(want) | set(got)):
        if name not in got:
            problems.append(f"{name}: missing from cumulus' output")
        elif name not in want:
            problems.append(f"{name}: not checked by this script")
        else:
            found = compare(name, want[name], got[name])
            problems += found
            if not found:
                print(f"ok  {name}")
    print(f"xarray {xr.__version__}, numpy {np.__version__}: {len(want)} results compared, rtol {RTOL}")
    if problems:
        print("DIFFERENCES:")
        for p in problems:
            print("  " + p)
        sys.exit(1)
    print("all agree")


if __name__ == "__main__":
    main()
