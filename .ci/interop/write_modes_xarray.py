"""xarray checks cumulus' to_zarr modes and encodings (crates/cumulus/examples/write_modes.rs).

    python .ci/interop/write_modes_xarray.py prepare DATA_DIR OUT_DIR   # before the example
    python .ci/interop/write_modes_xarray.py check DATA_DIR OUT_DIR     # after it

The reference is T850 of the 2019 store as xarray reads it.
"""
import sys

import numpy as np
import xarray as xr

step, data, out = sys.argv[1], sys.argv[2], sys.argv[3]
src = xr.open_zarr(f"{data}/era5_2019_10N40N_100E140E.zarr", consolidated=True)
t850 = src[["temperature"]].sel(level=850).load()
nt = t850.sizes["time"]
ENC = {"temperature": {"dtype": "int16", "scale_factor": 0.01, "add_offset": 280.0, "_FillValue": -32767}}

if step == "prepare":
    t850.isel(time=slice(0, 40)).drop_vars("level").to_zarr(f"{out}/xarray_packed.zarr", mode="w", encoding=ENC, consolidated=True)
    sys.exit(0)

problems = []
want = t850["temperature"].values


def compare(name, got, expected, atol=0.0):
    if got.shape != expected.shape:
        problems.append(f"{name}: shape {got.shape} vs {expected.shape}")
        return
    bad = ~np.isclose(got, expected, rtol=0, atol=atol, equal_nan=True)
    if bad.any():
        i = np.argwhere(bad)[0]
        problems.append(f"{name}: {bad.sum()} values differ, first at {tuple(i)}: {got[tuple(i)]} vs {expected[tuple(i)]}")


def same_times(name, ds):
    if not np.array_equal(ds["time"].values, t850["time"].values):
        problems.append(f"{name}: times differ")


# 1. Three writes appended along time equal the whole year, bit for bit.
app = xr.open_zarr(f"{out}/appended.zarr", consolidated=True)
same_times("appended", app)
compare("appended", app["temperature"].values, want)
if app["temperature"].encoding["chunks"][0] != 24:
    problems.append(f"appended: time chunks {app['temperature'].encoding['chunks']}, expected the first write's 24")

# 2. A region write replaced steps 5..29 only.
reg = xr.open_zarr(f"{out}/region.zarr", consolidated=True)
expected = want.copy()
expected[5:29] = (t850["temperature"].values[5:29] + np.float32(1.0)).astype(np.float32)
compare("region", reg["temperature"].values, expected)

# 3. int16 packing: decoded within half a step of 0.01; the stored integers as xarray would pack them.
pk = xr.open_zarr(f"{out}/packed.zarr", consolidated=True)
enc = pk["temperature"].encoding
if (str(enc.get("dtype")), enc.get("scale_factor"), enc.get("add_offset"), enc.get("_FillValue")) != ("int16", 0.01, 280.0, -32767):
    problems.append(f"packed: encoding {enc}")
compare("packed", pk["temperature"].values.astype(np.float64), want.astype(np.float64), atol=0.005 + 1e-6)
raw = xr.open_zarr(f"{out}/packed.zarr", consolidated=True, mask_and_scale=False)["temperature"].values
mine = np.where(np.isnan(want), -32767, np.around((want.astype(np.float64) - 280.0) / 0.01)).astype(np.int16)
compare("packed raw int16", raw.astype(np.float64), mine.astype(np.float64))

# 4. cumulus appended steps 40.. to a store xarray wrote with that packing.
xa = xr.open_zarr(f"{out}/xarray_packed.zarr", consolidated=True)
same_times("xarray_packed", xa)
compare("xarray_packed", xa["temperature"].values.astype(np.float64), want.astype(np.float64), atol=0.005 + 1e-6)
raw = xr.open_zarr(f"{out}/xarray_packed.zarr", consolidated=True, mask_and_scale=False)["temperature"].values
compare("xarray_packed raw int16", raw.astype(np.float64), mine.astype(np.float64))

# 5. xarray can append to what cumulus appended to.
t850.isel(time=slice(0, 3)).drop_vars("level").assign_coords(time=t850.time.values[-3:] + np.timedelta64(3, "h")).to_zarr(
    f"{out}/appended.zarr", append_dim="time", consolidated=True
)
if xr.open_zarr(f"{out}/appended.zarr", consolidated=True).sizes["time"] != nt + 3:
    problems.append("appended: xarray's own append did not grow the store")

if problems:
    print("write modes: MISMATCH\n  " + "\n  ".join(problems))
    sys.exit(1)
print(f"write modes: xarray agrees on append ({nt} steps in 3 writes), region, int16 packing, and appending to xarray's store")
