"""xarray (pinned, zarr-python 2) reads the generated stores exactly as the Rust side wrote them.

usage: python datagen_xarray.py DATA_DIR RUST_JSON_2019 [RUST_JSON_2020 ...]

Each RUST_JSON is the output of `cargo run -p cumulus-data-gen --example describe_store` for
one store. Checks dims, coordinates (latitude descending), dtypes, units, decoded times,
chunking and spot values, one store at a time and all of them through open_mfdataset.
Prints 'N passed, N failed' and exits non-zero on any failure.
"""
import glob
import json
import os
import sys

import numpy as np
import pandas as pd
import xarray as xr

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {what}")


data_dir = sys.argv[1]
reports = [json.load(open(p)) for p in sys.argv[2:]]
paths = sorted(glob.glob(os.path.join(data_dir, "era5_*_10N40N_100E140E.zarr")))
check(len(paths) == len(reports) and len(paths) > 0, f"{len(paths)} stores, {len(reports)} Rust reports")

for rep in reports:
    ds = xr.open_zarr(rep["store"], consolidated=True)
    name = os.path.basename(rep["store"])
    # coordinates
    check(np.array_equal(ds.latitude.values, np.array(rep["latitude"], dtype=np.float32)), f"{name}: latitude")
    check(bool((np.diff(ds.latitude.values) < 0).all()), f"{name}: latitude descends")
    check(ds.latitude.values[0] == 40.0 and ds.latitude.values[-1] == 10.0, f"{name}: latitude 40 -> 10")
    check(ds.longitude.values[0] == 100.0 and ds.longitude.values[-1] == 140.0, f"{name}: longitude 100 -> 140")
    check(ds.latitude.dtype == np.float32 and ds.longitude.dtype == np.float32, f"{name}: lat/lon float32")
    check(list(ds.level.values) == rep["level"] and ds.level.dtype == np.int32, f"{name}: levels")
    check(ds.level.attrs.get("units") == "hPa", f"{name}: level units")
    # time: decoded from hours since 1900 with the gregorian calendar
    expect = pd.Timestamp("1900-01-01") + pd.to_timedelta(np.array(rep["time_hours_since_1900"]), unit="h")
    check(ds.time.dtype == np.dtype("datetime64[ns]"), f"{name}: time decoded to datetime64[ns]")
    check(bool((ds.time.values == expect.values).all()), f"{name}: time values")
    check(ds.time.encoding.get("units") == "hours since 1900-01-01 00:00:00", f"{name}: time units")
    check(ds.time.encoding.get("calendar") == "gregorian", f"{name}: time calendar")
    check(bool((np.diff(ds.time.values) == np.timedelta64(1, "h")).all()), f"{name}: hourly")
    for var, r in rep["variables"].items():
        da = ds[var]
        dims = ("time", "level", "latitude", "longitude") if len(r["shape"]) == 4 else ("time", "latitude", "longitude")
        check(da.dims == dims, f"{name}/{var}: dims {da.dims}")
        check(list(da.shape) == r["shape"], f"{name}/{var}: shape {da.shape} vs {r['shape']}")
        check(da.dtype == np.float32, f"{name}/{var}: dtype {da.dtype}")
        check(list(da.encoding["chunks"]) == r["chunks"], f"{name}/{var}: stored chunks")
        check(list(da.data.chunksize) == r["chunks"], f"{name}/{var}: dask chunks {da.data.chunksize}")
        comp = da.encoding["compressor"]
        check(comp.codec_id == "blosc" and comp.cname == "zstd" and comp.clevel == 3 and comp.shuffle == 2,
              f"{name}/{var}: compressor {comp}")
        for key in ("units", "long_name", "short_name"):
            check(da.attrs.get(key) == r["attributes"].get(key), f"{name}/{var}: attribute {key}")
        for s in r["spots"]:
            v = float(da[tuple(s["index"])].values)
            check(v == s["value"], f"{name}/{var}{s['index']}: xarray {v} vs Rust {s['value']}")
        m = float(da.astype("float64").mean().compute())
        check(abs(m - r["mean"]) <= 1e-9 * max(1.0, abs(m)), f"{name}/{var}: mean {m} vs {r['mean']}")
    check(ds.attrs.get("Conventions") == "CF-1.8", f"{name}: Conventions")

# all years as one dataset, as the workshop opens them
ds = xr.open_mfdataset(paths, engine="zarr", parallel=True, consolidated=True, combine="by_coords")
n_time = sum(len(r["time_hours_since_1900"]) for r in reports)
check(ds.sizes["time"] == n_time, f"open_mfdataset: {ds.sizes['time']} time steps, expected {n_time}")
check(bool((np.diff(ds.time.values) > np.timedelta64(0)).all()), "open_mfdataset: time increases")
check(len(ds.data_vars) == 9, f"open_mfdataset: {len(ds.data_vars)} variables")
frac = float((ds.total_precipitation > 5).mean().compute())
check(0.01 < frac < 0.06, f"fraction of tp > 5 mm/hr = {frac}")

print(f"xarray interop: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
