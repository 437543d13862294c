"""The exercise snapshots against xarray: every value a snapshot holds is computed here with
xarray on the same data and formatted the way the Rust test formats it.

usage: exercises_xarray.py DATA EXERCISES_DIR

DATA holds era5_2019..2021 (the tiny preset the exercise tests generate). EXERCISES_DIR is
exercises/ (the snapshots are in partN/tests/snapshots). Part 1: the June mean, the cities and
the hourly area mean (exercises 1 and 4 describe the store's layout, which xarray reads in
step 4); Part 2: all but exercise 6; Part 3: all, with xbatcher and xskillscore. Each expected line must match the snapshot's line: the text
exactly, integers exactly, every other number to the last decimal the snapshot shows (one unit
of it allowed, for two roundings of float32 results). Exercise 6 (to_zarr) is a round trip of cumulus' own writer:
xarray reading what to_zarr writes is step 4c.
"""
import glob
import json
import pathlib
import re
import sys

import numpy as np
import xarray as xr

data, exercises = sys.argv[1], pathlib.Path(sys.argv[2])
files = sorted(glob.glob(f"{data}/era5_*_10N40N_100E140E.zarr"))
assert len(files) == 3, files
ds = xr.open_mfdataset(files, engine="zarr", combine="by_coords")


def label(t):
    return str(np.datetime_as_string(t, unit="s"))


def dims(names):
    return json.dumps(list(names), separators=(", ", ": "))


def sizes(d):
    return " ".join(f"{k}={v}" for k, v in sorted(d.sizes.items()))


def chunks(da):
    parts = []
    for axis in da.chunks:
        first = axis[0]
        full = next((i for i, c in enumerate(axis) if c != first), len(axis))
        if full == len(axis):
            parts.append(f"{first}×{full}")
        elif full == len(axis) - 1:
            parts.append(f"{first}×{full} + {axis[-1]}")
        else:
            parts.append("[" + ", ".join(map(str, axis)) + "]")
    return "(" + ", ".join(parts) + ")"


expected = {}

# Part 1, 2. the 850 hPa June mean of 2019
one = xr.open_zarr(files[0])
june = one.temperature.sel(time="2019-06", level=850).mean("time").compute()
v = june.values.astype(np.float64)
expected["part1/ex02_june_mean"] = [
    f"dims {dims(june.dims)}",
    f"shape {list(june.shape)}",
    f"finite values {int(np.isfinite(v).sum())} of {v.size}",
    f"min {np.nanmin(v):.2f} K",
    f"max {np.nanmax(v):.2f} K",
    f"mean {np.nanmean(v):.2f} K",
    f"first (north-west corner) {v.flat[0]:.2f} K",
]

# Part 1, 3. the value nearest each city
cities = [("Taipei", 25.03, 121.56), ("Taichung", 24.15, 120.67), ("Kaohsiung", 22.63, 120.30)]
expected["part1/ex03_nearest_city"] = []
for name, lat, lon in cities:
    p = june.sel(latitude=lat, longitude=lon, method="nearest")
    expected["part1/ex03_nearest_city"].append(
        f"{name:<10} {float(p.latitude):>5.2f}N {float(p.longitude):>6.2f}E {float(p):.2f} K"
    )

# Part 1, 5. the hourly area mean at 850 hPa of the three years (its task count is cumulus')
area = ds.temperature.sel(level=850).mean(["latitude", "longitude"]).compute()
first = ", ".join(f"{float(x):.2f}" for x in area.values[:3])
expected["part1/ex05_lazy_vs_eager"] = [None, f"hourly values {area.sizes['time']}", f"first three {first} K"]

# 1. open_mfdataset, then chunk
d1 = ds.chunk({"time": 24, "latitude": 8, "longitude": 8})
expected["part2/ex01_open_many"] = [
    f"sizes {sizes(d1)}",
    f"time steps {d1.sizes['time']}",
    f"first time {label(d1.time.values[0])}",
    f"last time {label(d1.time.values[-1])}",
    f"temperature dims {dims(d1.temperature.dims)}",
    f"temperature chunks {chunks(d1.temperature)}",
]

# 2. July over Taiwan
july = ds.sel(time=ds.time.dt.month == 7).sel(latitude=slice(25, 22), longitude=slice(120, 122))
expected["part2/ex02_taiwan_july"] = [
    f"sizes {sizes(july)}",
    f"latitude {[float(x) for x in july.latitude.values]}",
    f"longitude {[float(x) for x in july.longitude.values]}",
    f"first time {label(july.time.values[0])}",
    f"last time {label(july.time.values[-1])}",
    f"t850 mean {float(july.temperature.sel(level=850).mean()):.3f} K",
]

# 3. daily means with the empty days, then the days with data
t850 = ds.temperature.sel(level=850).mean(dim=["latitude", "longitude"])
daily = t850.resample(time="1D").mean().compute()
days = daily.dropna("time")
expected["part2/ex03_daily_means"] = [
    f"dims {dims(daily.dims)}",
    f"bins {daily.sizes['time']}",
    f"first bin {label(daily.time.values[0])}",
    f"days with data {days.sizes['time']}",
] + [f"{label(t)} {float(v):.2f} K" for t, v in zip(days.time.values, days.values)]

# 4. monthly climatology and anomaly
t = ds.temperature.sel(level=850)
anomaly = (t.groupby("time.month") - t.groupby("time.month").mean("time")).compute()
worst = float(abs(anomaly.groupby("time.month").mean()).max())


def at(time, lat, lon):
    return float(anomaly.sel(time=time).sel(latitude=lat, longitude=lon, method="nearest"))


expected["part2/ex04_anomaly"] = [
    f"dims {dims(anomaly.dims)}",
    f"shape {list(anomaly.shape)}",
    f"months average to zero (within 1e-4 K): {'true' if worst < 1e-4 else 'false'}",
    f"std {float(anomaly.std()):.3f} K",
    f"2019-06-29T00 24N 120E {at('2019-06-29T00', 24, 120):.3f} K",
    f"2020-07-01T12 24N 120E {at('2020-07-01T12', 24, 120):.3f} K",
    f"2021-07-02T23 40N 140E {at('2021-07-02T23', 40, 140):.3f} K",
]

# 5. plain and area-weighted mean
tm = ds.temperature.sel(level=850).mean("time")
weights = np.cos(np.deg2rad(ds.latitude))
plain = float(tm.mean(["latitude", "longitude"]))
weighted = float(tm.weighted(weights).mean(["latitude", "longitude"]))
expected["part2/ex05_weighted_mean"] = [
    f"plain mean    {plain:.3f} K",
    f"weighted mean {weighted:.3f} K",
    f"weighted - plain {weighted - plain:.3f} K",
]

# Part 3, 1. the convection label
y = (ds.total_precipitation > 5).astype("float32").compute()
yv = y.values
expected["part3/ex01_label"] = [
    f"dtype {y.dtype}",
    f"dims {dims(y.dims)}",
    f"shape {list(y.shape)}",
    f"convective {int((yv == 1).sum())} of {yv.size}",
    f"fraction {float((yv == 1).mean()):.4f}",
    f"neither 0 nor 1: {int(((yv != 0) & (yv != 1)).sum())}",
]

# Part 3, 2. xbatcher's patches over 2019
import xbatcher  # noqa: E402

two = one[["convective_available_potential_energy", "k_index"]]
bgen = xbatcher.BatchGenerator(two, input_dims={"latitude": 8, "longitude": 8}, input_overlap={"latitude": 4, "longitude": 4})


def corners(b):
    lat, lon = b.latitude.values, b.longitude.values
    size = " ".join(f"{k}={v}" for k, v in sorted(b.sizes.items()))
    return f"latitude {lat[0]:g}..{lat[-1]:g} longitude {lon[0]:g}..{lon[-1]:g} ({size})"


expected["part3/ex02_patches"] = [
    f"batches {len(bgen)}",
    f"variables {dims(bgen[0].data_vars)}",
    f"first {corners(bgen[0])}",
    f"last {corners(bgen[len(bgen) - 1])}",
]

# Part 3, 3. the contingency scores of "CAPE > 2000 J/kg"
import xskillscore as xs  # noqa: E402

forecast = (ds.convective_available_potential_energy > 2000).astype("float32")
edges = np.array([0, 0.5, 1])
table = xs.Contingency(y, forecast.compute(), edges, edges, dim=["time", "latitude", "longitude"])
expected["part3/ex03_contingency"] = [
    f"CSI {float(table.threat_score()):.4f}",
    f"POD {float(table.hit_rate()):.4f}",
    f"FAR {float(table.false_alarm_ratio()):.4f}",
]

# Part 3, 4. the map of Pearson's r between CAPE and rain
r = xs.pearson_r(ds.convective_available_potential_energy.load(), ds.total_precipitation.load(), dim="time")
k = int(np.nanargmax(r.values))
nlon = r.sizes["longitude"]
expected["part3/ex04_correlation_map"] = [
    f"dims {dims(r.dims)}",
    f"shape {list(r.shape)}",
    f"mean r {float(r.mean()):.3f}",
    f"largest r {float(r.max()):.3f} at {float(r.latitude[k // nlon]):g}N {float(r.longitude[k % nlon]):g}E",
]

NUMBER = re.compile(r"-?\d+\.\d+|(?<![\w-])-?\d+(?![\w:-])")


def same(want, got):
    """Same text around the numbers; numbers equal to one unit of their last decimal."""
    if NUMBER.sub("#", want) != NUMBER.sub("#", got):
        return False
    for a, b in zip(NUMBER.findall(want), NUMBER.findall(got)):
        if "." not in b:
            if a != b:  # counts, sizes, chunk lengths: exact
                return False
        elif abs(float(a) - float(b)) > 1.01 * 10.0 ** -len(b.split(".")[1]):
            return False
    return True


failures = 0
for name, lines in expected.items():
    part, test = name.split("/")
    snap = (exercises / part / "tests" / "snapshots" / f"{test}__{test}.snap").read_text(encoding="utf-8")
    body = snap.split("---\n", 2)[2].strip("\n").splitlines()
    bad = [] if len(body) == len(lines) else [f"the snapshot has {len(body)} lines, xarray gives {len(lines)}"]
    # None: a line only cumulus knows (a task count), not compared.
    bad += [f"xarray gives {w!r}, the snapshot has {g!r}" for w, g in zip(lines, body) if w is not None and not same(w, g)]
    for b in bad:
        print(f"{name}: {b}")
    if not bad:
        print(f"{name}: {sum(w is not None for w in lines)} lines agree with xarray")
    failures += len(bad)
if failures:
    sys.exit(f"{failures} snapshot lines differ from xarray")
n = sum(w is not None for lines in expected.values() for w in lines)
print(f"all {n} lines of {len(expected)} exercise snapshots agree with xarray")
