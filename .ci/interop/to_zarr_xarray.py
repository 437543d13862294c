"""xarray reads what cumulus' to_zarr wrote: values, dimensions, coordinates, attributes, encoding.

    python .ci/interop/to_zarr_xarray.py DATA_DIR CUMULUS_STORE YEAR [YEAR ...]

The reference is xarray's own computation of the same anomaly from the source stores.
"""
import sys

import numpy as np
import xarray as xr

data, store, years = sys.argv[1], sys.argv[2], sys.argv[3:]
paths = [f"{data}/era5_{y}_10N40N_100E140E.zarr" for y in years]
src = xr.open_mfdataset(paths, engine="zarr", consolidated=True)
sub = src.sel(latitude=slice(25, 22), longitude=slice(120, 122))
clim = sub.groupby("time.month").mean("time")
want = (sub.groupby("time.month") - clim).compute()

got = xr.open_zarr(store, consolidated=True)
problems = []
if sorted(got.data_vars) != sorted(want.data_vars):
    problems.append(f"variables {sorted(got.data_vars)} vs {sorted(want.data_vars)}")
for v in want.data_vars:
    g, w = got[v], want[v]
    if g.dims != w.dims or g.shape != w.shape:
        problems.append(f"{v}: dims {g.dims} {g.shape} vs {w.dims} {w.shape}")
        continue
    if g.dtype != np.float32:
        problems.append(f"{v}: dtype {g.dtype}")
    # The anomaly is x - clim in float32: its error is a few units in the last place of x.
    atol = 4 * float(np.spacing(np.float32(np.nanmax(np.abs(sub[v].values)))))
    if not np.allclose(g.values, w.values, rtol=1e-5, atol=atol, equal_nan=True):
        diff = np.nanmax(np.abs(g.values - w.values))
        problems.append(f"{v}: values differ (max abs difference {diff})")
    if g.attrs != w.attrs:
        problems.append(f"{v}: attributes {g.attrs} vs xarray's {w.attrs}")
    comp = g.encoding.get("compressor")
    if comp is None or comp.codec_id != "blosc" or comp.cname != "zstd" or comp.clevel != 3 or comp.shuffle != 2:
        problems.append(f"{v}: compressor {comp!r}, expected Blosc zstd clevel 3 bit shuffle")
for c in ("time", "latitude", "longitude", "level"):
    if not np.array_equal(got[c].values, want[c].values):
        problems.append(f"coordinate {c} differs")
if got.time.encoding.get("units") != src.time.encoding.get("units"):
    problems.append(f"time units {got.time.encoding.get('units')!r} vs {src.time.encoding.get('units')!r}")
if problems:
    print("to_zarr interop FAILED:\n  " + "\n  ".join(problems))
    sys.exit(1)
print(f"xarray reads cumulus' to_zarr output: {len(want.data_vars)} variables, values, coordinates, units and "
      f"Blosc zstd-3 bit-shuffle encoding all match xarray's own anomaly")
