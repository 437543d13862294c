"""The workshop's Part 2 in xarray, on the data the part2 example ran on: every number the
example prints (book/src/part2/part2-output.txt) must be what xarray computes, and the stores
it wrote must hold xarray's anomaly.

usage: part2_xarray.py DATA OUTPUT_TXT

DATA holds era5_2019..2021 (the tiny preset) and, after `part2 DATA ...`, DATA/part2/.
OUTPUT_TXT is what that run printed. Each line below is formatted from xarray's results the way
the Rust program formats its own, and must appear in OUTPUT_TXT as it is.
"""
import glob
import sys

import numpy as np
import xarray as xr

data, output = sys.argv[1], sys.argv[2]
printed = open(output, encoding="utf-8").read().splitlines()
expected = []


def expect(line):
    expected.append(line)


def label(t):
    return str(np.datetime_as_string(t, unit="s"))


files = sorted(glob.glob(f"{data}/era5_*_10N40N_100E140E.zarr"))
assert len(files) == 3, files
ds_multi = xr.open_mfdataset(files, engine="zarr", parallel=True, chunks={"time": 24, "latitude": 50, "longitude": 50})
n = len(ds_multi.time)
expect(f"time from {label(ds_multi.time.values[0])} to {label(ds_multi.time.values[-1])}")
expect(f"time steps: {n}")

# 2.2 time
ds_2020 = ds_multi.sel(time="2020")
ds_range = ds_multi.sel(time=slice("2020-06", "2020-09"))
ds_june = ds_multi.sel(time=ds_multi.time.dt.month == 6)
ds_summer = ds_multi.sel(time=ds_multi.time.dt.month.isin([6, 7, 8, 9]))
for name, d in [("2020", ds_2020), ("2020-06..2020-09", ds_range), ("June", ds_june), ("summer", ds_summer)]:
    expect(f"{name:<17} {len(d.time):>4} time steps")
st = ds_summer.temperature
for name, freq in [("daily", "1D"), ("monthly", "1MS"), ("seasonal", "QS-DEC")]:
    r = st.resample(time=freq).mean()
    kept = int(r.mean(["level", "latitude", "longitude"]).notnull().sum())
    expect(f"{name:<9} {len(r.time):>4} bins from {label(r.time.values[0])}, {kept:>2} of them with data")

# 2.2 space
ds_taiwan = ds_summer.sel(latitude=slice(25, 22), longitude=slice(120, 122))
ds_taipei = ds_summer.sel(latitude=25.03, longitude=121.56, method="nearest")
expect(
    f"Taiwan box: latitude {[float(x) for x in ds_taiwan.latitude.values]}, "
    f"longitude {[float(x) for x in ds_taiwan.longitude.values]}"
)
expect(f"Taipei, nearest grid point: {float(ds_taipei.latitude):g}N {float(ds_taipei.longitude):g}E, dims {list(ds_taipei.temperature.dims)}".replace("'", '"'))
cities = ds_summer.sel(
    latitude=xr.DataArray([25.03, 24.15, 22.63], dims="city"),
    longitude=xr.DataArray([121.56, 120.68, 120.30], dims="city"),
    method="nearest",
)
# `city` takes the place of latitude and longitude, in xarray and in cumulus.
ct = cities.temperature
expect(
    f"cities: dims {list(ct.dims)} shape {list(ct.shape)}; latitudes {[float(x) for x in cities.latitude.values]}, "
    f"longitudes {[float(x) for x in cities.longitude.values]}".replace("'", '"')
)
weights = np.cos(np.deg2rad(ds_taiwan.latitude))
weights.name = "weights"
expect("weights (cos latitude): " + str([f"{w:.4f}" for w in weights.values]).replace("'", '"'))
plain = float(ds_taiwan.mean(dim=["latitude", "longitude"]).temperature.sel(level=850).mean("time"))
weighted = float(ds_taiwan.weighted(weights).mean(dim=["latitude", "longitude"]).temperature.sel(level=850).mean("time"))
expect(f"T850 over the box, all summer hours: plain mean {plain:.3f} K, weighted {weighted:.3f} K")
precip = ds_taiwan["total_precipitation"].sum(dim=["latitude", "longitude"]).compute()
expect(
    f"area sum of total_precipitation: {len(precip.time)} hourly values, largest {float(precip.max()):.2f} mm/hr, "
    f"summed over the summers {float(precip.sum()):.1f} mm"
)

# the combined example
ds_tw_daily = ds_taiwan.resample(time="1D").mean()
result = ds_tw_daily["temperature"].mean(dim=["latitude", "longitude"]).compute()
expect(f'daily bins: ["time", "level"] {list(result.shape)}')
days = result.dropna("time", how="any")
expect(f'days with data: ["time", "level"] {list(days.shape)}')
for t, v in zip(days.time.values, days.sel(level=850).values):
    expect(f"  {label(t)}  {v:.2f} K")

# 2.3 climatology and anomaly
climatology = ds_taiwan.groupby("time.month").mean(dim="time")
anomaly = ds_taiwan.groupby("time.month") - climatology
ct = climatology.temperature
expect(f'climatology of temperature: ["month", "level", "latitude", "longitude"] {list(ct.shape)}, months {[float(m) for m in ct.month.values]}')
expect(f'anomaly of temperature: ["time", "level", "latitude", "longitude"] {list(anomaly.temperature.shape)}')
manual = ds_taiwan - climatology.sel(month=ds_taiwan.time.dt.month)
np.testing.assert_allclose(manual.temperature.values, anomaly.temperature.values, atol=1e-4)
expect(f"read back: shape {list(anomaly.temperature.shape)}, same values: true; appended store, same values: true")
for store in ["taiwan_summer_anomaly.zarr", "anomaly_appended.zarr"]:
    written = xr.open_zarr(f"{data}/part2/{store}", consolidated=True)
    for var in anomaly.data_vars:
        # float32 sums in another order: equal to a few ulps of the values (about 300 K).
        np.testing.assert_allclose(written[var].values, anomaly[var].values, atol=1e-4, err_msg=f"{store} {var}")
        assert written[var].encoding["compressor"].cname == "zstd", (store, var, written[var].encoding)
    print(f"ok {store}: holds xarray's anomaly (every variable), compressed with Blosc zstd")

# 2.4 chunk sizes: the mean does not depend on the chunks
ds_test = ds_multi.sel(time=slice("2019-01", "2019-12"))
mean = float(ds_test.temperature.mean())
for name, chunks in [("small", 10), ("medium", 24), ("large", 100)]:
    prefix = f"{name:<6} chunks:"
    lines = [p for p in printed if p.startswith(prefix)]
    assert len(lines) == 1 and lines[0].endswith(f"mean {mean:.3f} K"), (prefix, lines, mean)

missing = [e for e in expected if e not in printed]
for e in missing:
    print(f"not printed by the part2 example, but computed by xarray:\n  {e}")
assert not missing, f"{len(missing)} of {len(expected)} lines differ from xarray"
print(f"ok: {len(expected)} lines of the part2 example's output are what xarray computes")
